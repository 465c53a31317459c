package fetch

import "testing"

// TestLogRoot: a build's log directory keeps its log_url's path as the
// server wrote it (an escaped "/" stays one segment), less a trailing
// html/ or cover/, and its files are asked for under it.
func TestLogRoot(t *testing.T) {
	for _, tc := range []struct{ logURL, root, file string }{
		{"https://logs.example.org/123/abc/", "https://logs.example.org/123/abc/", "https://logs.example.org/123/abc/job-output.txt"},
		{"https://logs.example.org/123/abc", "https://logs.example.org/123/abc/", "https://logs.example.org/123/abc/job-output.txt"},
		{"https://logs.example.org/123/abc/html/", "https://logs.example.org/123/abc/", "https://logs.example.org/123/abc/job-output.txt"},
		{"https://logs.example.org/123/abc/cover/?x=1#top", "https://logs.example.org/123/abc/", "https://logs.example.org/123/abc/job-output.txt"},
		{"https://swift.example.org/v1/AUTH_x/logs_a1/a%2Fb/123/", "https://swift.example.org/v1/AUTH_x/logs_a1/a%2Fb/123/", "https://swift.example.org/v1/AUTH_x/logs_a1/a%2Fb/123/job-output.txt"},
		{"https://logs.example.org/my%20job/1/", "https://logs.example.org/my%20job/1/", "https://logs.example.org/my%20job/1/job-output.txt"},
	} {
		root, err := logRoot(tc.logURL)
		if err != nil {
			t.Errorf("logRoot(%q): %v", tc.logURL, err)
			continue
		}
		if got := root.String(); got != tc.root {
			t.Errorf("logRoot(%q) = %s, want %s", tc.logURL, got, tc.root)
		}
		if got := fileURL(root, "job-output.txt"); got != tc.file {
			t.Errorf("file under %q = %s, want %s", tc.logURL, got, tc.file)
		}
	}
	for _, bad := range []string{"ftp://logs.example.org/1/", "/relative/", "https:///nohost/"} {
		if _, err := logRoot(bad); err == nil {
			t.Errorf("logRoot(%q) took it", bad)
		}
	}
}
