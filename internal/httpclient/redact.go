package httpclient

import (
	"encoding/base64"
	"encoding/json"
	"net/url"
	"regexp"
	"sort"
	"strings"
)

// Redacted replaces a secret in text.
const Redacted = "[redacted]"

// authScheme finds credentials in an Authorization header a server echoed,
// whoever's they are. A token of lower-case letters alone is taken for a
// word ("basic auth failed"): encoded credentials hold more than that.
var authScheme = regexp.MustCompile(`(?i)\b(basic|bearer)(\s+|%20|\+)([A-Za-z0-9+/=._~%-]{4,})`)

// minEncoded is the shortest fragment of a secret's base64 taken as the
// secret: shorter ones would blank ordinary words.
const minEncoded = 8

// Redactor removes secrets from text a server wrote: each secret as it
// is, JSON- and URL-escaped, and in base64 (standard and URL alphabets,
// padded or not, whole or inside a longer encoding), plus any
// "Basic ..." or "Bearer ..." credentials.
type Redactor struct {
	forms []string // longest first
}

// NewRedactor redacts secrets (empty ones are ignored). Pass
// "user:password" too when basic auth is used: its base64 is the header.
func NewRedactor(secrets ...string) *Redactor {
	set := map[string]bool{}
	add := func(s string, min int) {
		if len(s) >= min {
			set[s] = true
		}
	}
	for _, s := range secrets {
		if s == "" {
			continue
		}
		add(s, 1)
		if j, err := json.Marshal(s); err == nil {
			add(string(j[1:len(j)-1]), 1)
		}
		add(url.QueryEscape(s), 1)
		add(url.PathEscape(s), 1)
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
			add(enc.EncodeToString([]byte(s)), 1)
			raw := enc.WithPadding(base64.NoPadding)
			// Inside a longer encoding the secret starts 0, 1 or 2 bytes
			// into a 3-byte group; the characters it alone decides are the
			// same wherever it sits.
			for k := 0; k < 3; k++ {
				e := raw.EncodeToString(append(make([]byte, k), s...))
				from, to := (8*k+5)/6, 8*(k+len(s))/6
				if from < to {
					add(e[from:to], minEncoded)
				}
			}
		}
	}
	r := &Redactor{}
	for f := range set {
		r.forms = append(r.forms, f)
	}
	sort.Slice(r.forms, func(i, j int) bool {
		if len(r.forms[i]) != len(r.forms[j]) {
			return len(r.forms[i]) > len(r.forms[j])
		}
		return r.forms[i] < r.forms[j]
	})
	return r
}

// Redact returns s without secrets.
func (r *Redactor) Redact(s string) string {
	if r == nil {
		return s
	}
	if !mentionsScheme(s) {
		return r.replaceForms(s)
	}
	s = authScheme.ReplaceAllStringFunc(s, func(m string) string {
		sub := authScheme.FindStringSubmatch(m)
		if strings.Trim(sub[3], "abcdefghijklmnopqrstuvwxyz") == "" {
			return m
		}
		return sub[1] + " " + Redacted
	})
	return r.replaceForms(s)
}

func (r *Redactor) replaceForms(s string) string {
	for _, f := range r.forms {
		s = strings.ReplaceAll(s, f, Redacted)
	}
	return s
}

// mentionsScheme says whether s holds "basic" or "bearer" in any case: the
// regular expression runs only then (it is slow next to this on the many
// fields and long messages of an answer).
func mentionsScheme(s string) bool {
	for i := 0; i+5 <= len(s); i++ {
		if c := s[i] | 0x20; c == 'b' && (strings.EqualFold(s[i:i+5], "basic") || i+6 <= len(s) && strings.EqualFold(s[i:i+6], "bearer")) {
			return true
		}
	}
	return false
}

// RedactError is err with its message redacted, or nil.
func (r *Redactor) RedactError(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	if red := r.Redact(msg); red != msg {
		return &redactedError{msg: red, err: err}
	}
	return err
}

// redactedError keeps the cause for errors.Is and errors.As while its
// message shows no secret.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
