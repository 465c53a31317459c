package report

import "testing"

// TestCut: Cut counts characters, not bytes, and never splits one.
func TestCut(t *testing.T) {
	for _, tc := range []struct {
		s    string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly", 7, "exactly"},
		{"a longer line", 8, "a longer…"},
		{"café crème", 4, "café…"},
		{"日本語のログ", 3, "日本語…"},
		{"whole", 0, "whole"},
		{"whole", -1, "whole"},
		{"", 3, ""},
	} {
		if got := Cut(tc.s, tc.n); got != tc.want {
			t.Errorf("Cut(%q, %d) = %q, want %q", tc.s, tc.n, got, tc.want)
		}
	}
}
