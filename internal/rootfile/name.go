package rootfile

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Limits of a name CheckName accepts: Linux's for one component, and a
// path length no real log tree comes near.
const (
	MaxNameBytes = 255
	MaxPathBytes = 1024
	MaxDepth     = 32
)

// CheckName says why rel, a slash path named by someone else (a log
// server's manifest), must not be created inside a directory tree: it is
// empty or absolute, a component is empty, "." or "..", holds a
// backslash, a NUL, a control character or invalid UTF-8, or the path is
// longer or deeper than the limits above. A name it accepts stays inside
// the tree whatever directory it is joined to (os.Root refuses the rest:
// links, which recheckgen never writes).
func CheckName(rel string) error {
	switch {
	case rel == "":
		return fmt.Errorf("empty name")
	case len(rel) > MaxPathBytes:
		return fmt.Errorf("name of %d bytes, over %d", len(rel), MaxPathBytes)
	case !utf8.ValidString(rel):
		return fmt.Errorf("name %q is not UTF-8", rel)
	case strings.HasPrefix(rel, "/"):
		return fmt.Errorf("absolute name %q", rel)
	}
	parts := strings.Split(rel, "/")
	if len(parts) > MaxDepth {
		return fmt.Errorf("name %q is %d directories deep, over %d", Short(rel), len(parts), MaxDepth)
	}
	for _, p := range parts {
		switch {
		case p == "" || p == "." || p == "..":
			return fmt.Errorf("name %q has a component %q", Short(rel), p)
		case len(p) > MaxNameBytes:
			return fmt.Errorf("name %q has a component of %d bytes, over %d", Short(rel), len(p), MaxNameBytes)
		case strings.ContainsRune(p, '\\'):
			return fmt.Errorf("name %q holds a backslash", Short(rel))
		}
		for _, r := range p {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
				return fmt.Errorf("name %q holds the control character %U", Short(rel), r)
			}
		}
	}
	return nil
}

// Short is s cut to at most 80 bytes, for messages.
func Short(s string) string {
	if len(s) <= 80 {
		return s
	}
	cut := 80
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
