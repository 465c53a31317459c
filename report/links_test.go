package report

import "testing"

// TestSafeURL: only absolute http(s) URLs pass.
func TestSafeURL(t *testing.T) {
	for in, want := range map[string]string{"https://a.org/x": "https://a.org/x", "http://a.org": "http://a.org",
		"javascript:alert(1)": "", "JAVASCRIPT:alert(1)": "", "data:text/html,x": "", "//evil.org": "", "/local": "", "": ""} {
		if got := SafeURL(in); got != want {
			t.Errorf("SafeURL(%q) = %q, want %q", in, got, want)
		}
	}
}
