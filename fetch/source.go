package fetch

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/jenkins"
	"github.com/recheckgen/recheckgen/zuul"
)

// Spec is one source of builds, as configured.
type Spec struct {
	// Kind is "zuul", "jenkins", "sample" or "dir".
	Kind string
	// URL is a Zuul tenant's API (https://HOST/api/tenant/NAME) or a
	// Jenkins job, folder or view; Dir a sample corpus's or build
	// directories' directory.
	URL, Dir string
	// Filters (Zuul; Jobs for Jenkins too): values ORed, filters ANDed.
	// Jobs are globs (tempest-*).
	Pipelines, Projects, Branches, Jobs []string
	Voting                              *bool
	// Since is how far back the first listing reaches.
	Since time.Duration
	// LogResults are the results whose logs are fetched (empty: every
	// failing one, recheckgen.Build.Failed); SuccessPercent is the share
	// of SUCCESS builds whose logs are fetched too, chosen by uuid.
	LogResults     []string
	SuccessPercent int
	// UserEnv and PasswordEnv (basic auth), or TokenEnv (a bearer token),
	// name the environment variables holding the source's credentials:
	// sent only to the source's own origin (see requester).
	UserEnv, PasswordEnv, TokenEnv string
}

// Remote says the source is fetched over the network (zuul, jenkins).
func (s Spec) Remote() bool { return RemoteKind(s.Kind) }

// RemoteKind says a source of kind is fetched over the network.
func RemoteKind(kind string) bool { return kind == "zuul" || kind == "jenkins" }

// auth reads the source's credentials from the environment (lookup); a
// variable named but unset or empty is an error, not an anonymous fetch.
func (s Spec) auth(lookup func(string) (string, bool)) (Auth, error) {
	get := func(key, name string) (string, error) {
		v, ok := lookup(name)
		switch {
		case !ok:
			return "", fmt.Errorf("%s names the environment variable %s, which is not set", key, name)
		case v == "":
			return "", fmt.Errorf("%s names the environment variable %s, which is empty", key, name)
		}
		return v, nil
	}
	var a Auth
	var err error
	switch {
	case s.TokenEnv != "" && (s.UserEnv != "" || s.PasswordEnv != ""):
		return a, errors.New("token_env and user_env/password_env exclude each other")
	case s.TokenEnv != "":
		a.Token, err = get("token_env", s.TokenEnv)
	case s.UserEnv != "" || s.PasswordEnv != "":
		if s.UserEnv == "" || s.PasswordEnv == "" {
			return a, errors.New("user_env and password_env go together")
		}
		if a.User, err = get("user_env", s.UserEnv); err == nil {
			a.Password, err = get("password_env", s.PasswordEnv)
		}
	}
	if err != nil {
		return Auth{}, err
	}
	return a, nil
}

// Remote is a file to fetch for a build.
type Remote struct {
	Path string // slash path in the build directory
	URL  string
	Size int64 // -1 when unknown
	// Optional files are tried where no manifest lists files: a 404 is
	// no error.
	Optional bool
}

// listed is a build of a listing.
type listed struct {
	b      recheckgen.Build
	record []byte
	// where its logs are
	manifest, console string
	// retry: the build is held with its logs missing, found so tries
	// times: they are fetched again.
	retry bool
	tries int
}

type page struct {
	builds         []listed
	oldest, newest time.Time
	warnings       []string
}

// source is a CI system builds are listed from.
type source interface {
	list(ctx context.Context, since time.Time, visit func(page) (bool, error)) error
	// files lists a build's log files that want selects; errNoLogs when
	// it published none.
	files(ctx context.Context, b listed, want func(string) bool) ([]Remote, []string, error)
	// relist reads a build from the record a fetch kept of it (its
	// build.json in the cache), as its listing gave it.
	relist(record []byte, now time.Time) (listed, error)
}

// errNoLogs: the build has no logs to fetch (no log URL).
var errNoLogs = errors.New("no log URL")

// Key is the name of a remote source in the cache and the store: its
// kind, host and path made safe as a file name, and a hash of its URL
// and filters (two sources of one tenant with other filters are two
// sources).
func (s Spec) Key() string {
	switch s.Kind {
	case "sample", "dir":
		return s.Kind
	}
	u, _ := url.Parse(s.URL)
	name := s.Kind
	if u != nil {
		name += "-" + u.Host + "-" + u.Path
	}
	name = strings.Trim(unsafeKey.ReplaceAllString(name, "-"), "-")
	if len(name) > 80 {
		name = name[:80]
	}
	h := sha256.New()
	json.NewEncoder(h).Encode(struct {
		U           string
		P, Pr, B, J []string
		V           *bool
	}{s.URL, s.Pipelines, s.Projects, s.Branches, s.Jobs, s.Voting})
	return name + "-" + hex.EncodeToString(h.Sum(nil)[:4])
}

var unsafeKey = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// String names the source for people.
func (s Spec) String() string {
	if s.URL != "" {
		return s.Kind + " " + redact(s.URL)
	}
	return s.Kind + " " + s.Dir
}

// wantLogs says whether a build's logs are fetched: its result is one of
// LogResults (by default: it failed), or it passed and falls in the
// SuccessPercent share, chosen by a hash of its uuid so that every run
// chooses the same builds.
func (s Spec) wantLogs(b recheckgen.Build) bool {
	if len(s.LogResults) > 0 {
		if slices.Contains(s.LogResults, b.Result) {
			return true
		}
	} else if b.Failed() {
		return true
	}
	return b.Passed() && sampled(b.UUID, s.SuccessPercent)
}

// sampled is true for percent of all uuids, the same ones every time.
func sampled(uuid string, percent int) bool {
	h := sha256.Sum256([]byte(uuid))
	return binary.BigEndian.Uint64(h[:8])%10000 < uint64(percent)*100
}

// jobMatch says whether a job name passes the source's job globs.
func (s Spec) jobMatch(job string) bool {
	if len(s.Jobs) == 0 {
		return true
	}
	for _, g := range s.Jobs {
		if ok, _ := doublestar.Match(g, job); ok {
			return true
		}
	}
	return false
}

func redact(s string) string {
	if u, err := url.Parse(s); err == nil {
		return u.Redacted()
	}
	return s
}

// zuulSource lists a tenant's builds API; logs come from each build's
// zuul-manifest.json.
type zuulSource struct {
	spec   Spec
	c      *requester
	lister zuul.Lister
	known  []string // paths tried without a manifest
}

func newZuul(spec Spec, c *requester, now time.Time, known []string) *zuulSource {
	z := &zuulSource{spec: spec, c: c, known: known}
	z.lister = zuul.Lister{Base: spec.URL, Get: c.get, Now: now,
		Filter: zuul.Filter{Pipelines: spec.Pipelines, Projects: spec.Projects, Branches: spec.Branches, Voting: spec.Voting}}
	return z
}

func (z *zuulSource) list(ctx context.Context, since time.Time, visit func(page) (bool, error)) error {
	return z.lister.List(ctx, since, func(p zuul.Page) (bool, error) {
		out := page{oldest: p.Oldest, newest: p.Newest, warnings: p.Warnings}
		for _, it := range p.Items {
			if !z.spec.jobMatch(it.Build.Job) {
				continue
			}
			out.builds = append(out.builds, listed{b: it.Build, record: it.Raw, manifest: it.ManifestURL})
		}
		return visit(out)
	})
}

func (z *zuulSource) relist(record []byte, now time.Time) (listed, error) {
	it, err := zuul.DecodeItem(record, now)
	if err != nil {
		return listed{}, err
	}
	return listed{b: it.Build, record: record, manifest: it.ManifestURL}, nil
}

// MaxManifestBytes caps a zuul-manifest.json: a devstack build's is
// about 300 KB.
const MaxManifestBytes = 16 << 20

// logRoot is the directory a build's logs are under: its log_url, less a
// trailing html/ or cover/ (documentation and coverage jobs point their
// log_url at the report they published inside their logs).
func logRoot(logURL string) (*url.URL, error) {
	u, err := url.Parse(logURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("log_url %q is not an http or https URL", short(logURL))
	}
	u.RawQuery, u.Fragment = "", ""
	// Work on the path as the server wrote it: an escaped "/" (%2F) inside
	// a segment is not a separator, and decoding it would ask for another
	// file.
	p := u.EscapedPath()
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	for _, sub := range []string{"html/", "cover/"} {
		if strings.HasSuffix(p, "/"+sub) {
			p = strings.TrimSuffix(p, sub)
		}
	}
	if u.Path, err = url.PathUnescape(p); err != nil {
		return nil, fmt.Errorf("log_url %q: %w", short(logURL), err)
	}
	u.RawPath = p
	return u, nil
}

// fileURL is the URL of slash path p under root, each part escaped.
func fileURL(root *url.URL, p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return root.String() + strings.Join(parts, "/")
}

func (z *zuulSource) files(ctx context.Context, b listed, want func(string) bool) ([]Remote, []string, error) {
	if b.b.LogURL == "" {
		return nil, nil, errNoLogs
	}
	root, err := logRoot(b.b.LogURL)
	if err != nil {
		return nil, nil, err
	}
	manifest := root.String() + zuul.ManifestName
	var warns []string
	if b.manifest != "" {
		// The record's manifest artifact, when it lies under the same
		// scheme and host: a job names its artifacts, and may not send
		// the fetch elsewhere. A relative one (Zuul joins an artifact's
		// URL with the log_url only when the job returned one) is read
		// from the log root.
		if m, err := root.Parse(b.manifest); err == nil && m.Scheme == root.Scheme && m.Host == root.Host {
			manifest = m.String()
			mroot := *m
			mroot.Path, mroot.RawPath = m.Path[:strings.LastIndex(m.Path, "/")+1], ""
			mroot.RawQuery, mroot.Fragment = "", ""
			root = &mroot
		} else {
			warns = append(warns, fmt.Sprintf("manifest artifact %q is not under %s://%s: read %s instead", short(b.manifest), root.Scheme, root.Host, manifest))
		}
	}
	data, err := z.c.get(ctx, manifest, MaxManifestBytes)
	if isNotFound(err) {
		// No manifest: the known names, each tried.
		var out []Remote
		for _, p := range z.known {
			for _, name := range []string{p, p + ".gz"} {
				if want(name) {
					out = append(out, Remote{Path: name, URL: fileURL(root, name), Size: -1, Optional: true})
				}
			}
		}
		return out, append(warns, fmt.Sprintf("no %s at %s: tried the known names", zuul.ManifestName, redact(manifest))), nil
	}
	if err != nil {
		return nil, warns, fmt.Errorf("manifest: %w", err)
	}
	files, refused, err := zuul.ParseManifest(data)
	if err != nil {
		return nil, warns, fmt.Errorf("%s: %w", redact(manifest), err)
	}
	for _, r := range refused {
		warns = append(warns, fmt.Sprintf("%s: entry %s refused", redact(manifest), r))
	}
	var out []Remote
	for _, f := range files {
		if want(f.Path) {
			out = append(out, Remote{Path: f.Path, URL: fileURL(root, f.Path), Size: f.Size})
		}
	}
	return out, warns, nil
}

// jenkinsSource lists Jenkins jobs; a build's log is its console text.
type jenkinsSource struct {
	spec   Spec
	lister jenkins.Lister
}

func newJenkins(spec Spec, c *requester, now time.Time) *jenkinsSource {
	return &jenkinsSource{spec: spec, lister: jenkins.Lister{URL: spec.URL, Get: c.get, Now: now}}
}

func (j *jenkinsSource) list(ctx context.Context, since time.Time, visit func(page) (bool, error)) error {
	return j.lister.List(ctx, since, func(p jenkins.Page) (bool, error) {
		out := page{oldest: p.Oldest, newest: p.Newest, warnings: p.Warnings}
		if !j.spec.jobMatch(p.Job) {
			return true, nil // not a job of the source: next job
		}
		for _, it := range p.Items {
			out.builds = append(out.builds, listed{b: it.Build, record: it.Raw, console: it.ConsoleURL})
		}
		return visit(out)
	})
}

func (j *jenkinsSource) relist(record []byte, now time.Time) (listed, error) {
	b, err := zuul.Decode(record)
	if err == nil {
		err = b.Check(now)
	}
	if err != nil {
		return listed{}, err
	}
	if u, err := url.Parse(b.LogURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return listed{}, fmt.Errorf("log_url %q is not a Jenkins build's URL", short(b.LogURL))
	}
	return listed{b: b, record: record, console: jenkins.ConsoleURL(b.LogURL)}, nil
}

func (j *jenkinsSource) files(ctx context.Context, b listed, want func(string) bool) ([]Remote, []string, error) {
	if !want(jenkins.ConsoleName) {
		return nil, nil, nil // the globs read no console: nothing to fetch
	}
	return []Remote{{Path: jenkins.ConsoleName, URL: b.console, Size: -1}}, nil, nil
}

func short(s string) string {
	if len(s) > 120 {
		return s[:120] + "…"
	}
	return s
}
