package reliability

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// hostileProjects are the catalogue's cases that need a whole project:
// the six faults found by the hostile-input review, and hostile query
// files.
func hostileProjects() []hostile {
	query := func(name, text string) func(*testing.T, *project, string) {
		return func(t *testing.T, p *project, b string) {
			write(t, b, "build.json", []byte(okRecord))
			write(t, b, "job-output.txt", []byte(good))
			write(t, filepath.Join(p.dir, "queries"), name, []byte(text))
		}
	}
	return []hostile{
		{
			name: "fault: a link out of the build publishes a host file",
			setup: func(t *testing.T, p *project, b string) {
				secret := filepath.Join(t.TempDir(), "passwd")
				write(t, filepath.Dir(secret), "passwd", []byte("root:x:0:0:SECRET-ROOT-LINE:/root:/bin/bash\n"))
				write(t, b, "build.json", []byte(okRecord))
				write(t, b, "job-output.txt", []byte(good))
				os.MkdirAll(filepath.Join(b, "logs"), 0o755)
				if err := os.Symlink(secret, filepath.Join(b, "logs", "passwd.txt")); err != nil {
					t.Fatal(err)
				}
				write(t, filepath.Join(p.dir, "queries"), "leak.yaml", []byte("query: 'tags:\"passwd.txt\" OR message:\"bin bash\"'\n"))
			},
			args: []string{"build"},
			code: 0,
			want: []string{"logs/passwd.txt: skipped: is a symbolic link leaving the directory"},
			then: func(t *testing.T, p *project, _ result) { notInSite(t, p, "SECRET-ROOT-LINE") },
		},
		{
			name: "fault: a long untimestamped run stalls the ingest",
			setup: func(t *testing.T, p *project, b string) {
				write(t, b, "build.json", []byte(okRecord))
				write(t, b, "logs/screen-n-cpu.txt", continuation(80000))
			},
			want: []string{"longer than 1 MiB were cut"}, maxTime: 30 * time.Second,
		},
		{
			name: "fault: one record blanks every later build",
			setup: func(t *testing.T, p *project, b string) {
				write(t, b, "build.json", []byte(`{"uuid": "case", "result": "FAILURE", "start_time": "-99999999999"}`))
				write(t, b, "job-output.txt", []byte(good))
				other := filepath.Join(filepath.Dir(b), "other")
				write(t, other, "build.json", []byte(strings.ReplaceAll(okRecord, `"case"`, `"other"`)))
				write(t, other, "job-output.txt", []byte(good))
			},
			args: []string{"build"},
			want: []string{"start_time: time in year -1199 is outside the accepted range", "built "},
			then: func(t *testing.T, p *project, _ result) {
				if _, err := os.Stat(filepath.Join(p.public, "data", "report.json")); err != nil {
					t.Error(err)
				}
			},
		},
		{
			name: "fault: one record from the future hides every failure",
			setup: func(t *testing.T, p *project, b string) {
				write(t, b, "build.json", []byte(okRecord))
				write(t, b, "job-output.txt", []byte("2026-11-20 10:00:00.000000 | ERROR: Timed out waiting for a reply\n"))
				future := filepath.Join(filepath.Dir(b), "future")
				write(t, future, "build.json", []byte(`{"uuid": "future", "result": "FAILURE", "start_time": "2099-01-01T00:00:00"}`))
				write(t, filepath.Join(p.dir, "queries"), "timeout.yaml", []byte("query: 'message:\"Timed out waiting for a reply\"'\n"))
			},
			args: []string{"build"},
			want: []string{"future/build.json: start_time: time 2099-01-01T00:00:00Z is outside the accepted range", "built "},
			then: func(t *testing.T, p *project, _ result) {
				data, _ := os.ReadFile(filepath.Join(p.public, "data", "report.json"))
				if !strings.Contains(string(data), `"id": "timeout"`) || !strings.Contains(string(data), `"fails": 1`) {
					t.Errorf("the failure is not counted: window moved? %.300s", data)
				}
			},
		},
		{
			// A build a few hours ahead of the clock passes ingest's check
			// (a day of slack): `latest` must still end at the newest build
			// not after now, and name the one it ignores. Ended at the
			// build ahead, the 10-day window would leave out the failure,
			// dated 9 days 18 hours ago.
			name: "fault: a build dated hours ahead of the clock moves the window",
			setup: func(t *testing.T, p *project, b string) {
				now := time.Now().UTC()
				old, ahead := now.Add(-(9*24+18)*time.Hour), now.Add(12*time.Hour)
				write(t, b, "build.json", []byte(strings.ReplaceAll(okRecord, "2026-11-20T10:00:00", old.Format("2006-01-02T15:04:05"))))
				write(t, b, "job-output.txt", []byte(old.Format("2006-01-02 15:04:05.000000")+" | ERROR: Timed out waiting for a reply\n"))
				future := filepath.Join(filepath.Dir(b), "ahead")
				write(t, future, "build.json", []byte(`{"uuid": "ahead", "result": "FAILURE", "start_time": "`+ahead.Format("2006-01-02T15:04:05")+`"}`))
				write(t, filepath.Join(p.dir, "queries"), "timeout.yaml", []byte("query: 'message:\"Timed out waiting for a reply\"'\n"))
			},
			args: []string{"build"},
			want: []string{"window end `latest` ignores 1 build(s) dated after now: ahead", "built "},
			then: func(t *testing.T, p *project, _ result) {
				data, _ := os.ReadFile(filepath.Join(p.public, "data", "report.json"))
				if !strings.Contains(string(data), `"id": "timeout"`) || !strings.Contains(string(data), `"fails": 1`) {
					t.Errorf("the failure is not counted: window moved? %.300s", data)
				}
			},
		},
		{
			name: "fault: --public naming the repository deletes it",
			setup: func(t *testing.T, p *project, b string) {
				write(t, b, "build.json", []byte(okRecord))
				write(t, b, "job-output.txt", []byte(good))
			},
			args: []string{"build", "--public", "."},
			code: 1,
			want: []string{"refusing to replace", "nothing published"},
			then: func(t *testing.T, p *project, _ result) {
				for _, f := range []string{"recheckgen.yaml", "queries", "content"} {
					if _, err := os.Stat(filepath.Join(p.dir, f)); err != nil {
						t.Errorf("%s: %v", f, err)
					}
				}
			},
		},
		{
			name: "fault: --public naming someone's directory replaces it",
			setup: func(t *testing.T, p *project, b string) {
				write(t, b, "build.json", []byte(okRecord))
				write(t, b, "job-output.txt", []byte(good))
				write(t, filepath.Join(p.dir, "thesis"), "chapter1.tex", []byte("years of work"))
			},
			args: []string{"build", "--public", "thesis"},
			code: 1,
			want: []string{"refusing to replace", "holds no .recheckgen-site"},
			then: func(t *testing.T, p *project, _ result) {
				if data, err := os.ReadFile(filepath.Join(p.dir, "thesis", "chapter1.tex")); err != nil || string(data) != "years of work" {
					t.Errorf("the directory changed: %v", err)
				}
			},
		},
		{
			name:  "fault: a query of 2,000 wildcards holds the build",
			setup: query("wild.yaml", "query: message:"+strings.Repeat("*a", 2000)+"\n"),
			args:  []string{"check"}, code: 1,
			want: []string{"queries/wild.yaml:1:8: error", "wildcard pattern of 4000 bytes"},
		},
		{
			name:  "fault: a query of 1,000 terms fails the store",
			setup: query("many.yaml", "query: "+manyTerms(1000)+"\n"),
			args:  []string{"check"}, code: 1,
			want: []string{"queries/many.yaml:1:", "more than 100 clauses"},
		},
		{
			name: "fault: a slow query holds the build (time limit per query)",
			setup: func(t *testing.T, p *project, b string) {
				write(t, b, "build.json", []byte(okRecord))
				var log strings.Builder
				for i := range 300000 {
					fmt.Fprintf(&log, "2026-11-20 10:00:00.000000 | step %d of the deployment went well\n", i)
				}
				write(t, b, "job-output.txt", []byte(log.String()))
				write(t, filepath.Join(p.dir, "queries"), "slow.yaml", []byte("query: message:*e*\n"))
			},
			args: []string{"build", "--query-timeout", "200ms"}, code: 3, // a build of 300,000 lines
			want: []string{"query failed: queries/slow.yaml: stopped after 200ms, the time limit of one query", "built "},
		},
		{
			name:  "query file: YAML alias bomb",
			setup: query("bomb.yaml", aliasBomb()),
			args:  []string{"check"}, code: 1,
			want: []string{"queries/bomb.yaml"}, maxTime: 20 * time.Second,
		},
		{
			name:  "query file: 1M-deep parentheses",
			setup: query("deep.yaml", "query: '"+strings.Repeat("(", 1<<20)+"a"+strings.Repeat(")", 1<<20)+"'\n"),
			args:  []string{"check"}, code: 1,
			want: []string{"queries/deep.yaml:1:", "query of 2097153 bytes"},
		},
		{
			name:  "query file: 101-deep parentheses",
			setup: query("deep.yaml", "query: '"+strings.Repeat("(", 101)+"a"+strings.Repeat(")", 101)+"'\n"),
			args:  []string{"check"}, code: 1,
			want: []string{"queries/deep.yaml:1:", "nested more than 100 deep"},
		},
	}
}

func manyTerms(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = "message:w" + itoa(int64(i))
	}
	return strings.Join(parts, " OR ")
}

// aliasBomb is the billion-laughs YAML document.
func aliasBomb() string {
	var b strings.Builder
	b.WriteString("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n")
	prev := "a"
	for _, n := range []string{"b", "c", "d", "e", "f", "g", "h", "i"} {
		b.WriteString(n + ": &" + n + " [")
		for i := range 9 {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString("*" + prev)
		}
		b.WriteString("]\n")
		prev = n
	}
	b.WriteString("query: message:x\n")
	return b.String()
}

// notInSite fails when any file of the published site holds s.
func notInSite(t *testing.T, p *project, s string) {
	t.Helper()
	found := 0
	filepath.Walk(p.public, func(path string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			if data, _ := os.ReadFile(path); strings.Contains(string(data), s) {
				t.Errorf("%s holds %q", path, s)
			}
			found++
		}
		return nil
	})
	if found == 0 {
		t.Error("no site was published")
	}
}
