package site

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func writeSite(text string) func(string) error {
	return func(dir string) error { return os.WriteFile(filepath.Join(dir, "index.html"), []byte(text), 0o644) }
}

func TestPublishSwapsOrKeeps(t *testing.T) {
	public := filepath.Join(t.TempDir(), "public")
	if err := Publish(public, PublishOptions{}, writeSite("one")); err != nil {
		t.Fatal(err)
	}
	err := Publish(public, PublishOptions{}, func(dir string) error {
		writeSite("half")(dir)
		return os.ErrDeadlineExceeded
	})
	if err == nil || read(t, public, "index.html") != "one" {
		t.Errorf("a failed build must leave the old site: %v %q", err, read(t, public, "index.html"))
	}
	if err := Publish(public, PublishOptions{}, func(dir string) error { return os.WriteFile(filepath.Join(dir, "b.html"), []byte("two"), 0o644) }); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(public, "index.html")); err == nil || read(t, public, "b.html") != "two" {
		t.Error("a good build must replace the site whole")
	}
	if _, err := os.Stat(filepath.Join(public, Marker)); err != nil {
		t.Errorf("the site lacks its marker: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(public))
	if len(entries) != 1 {
		t.Errorf("temporary directories left behind: %v", entries)
	}
}

// TestPublishReplacesOnlyItsOwn: public is replaced only when it is
// missing, empty or a site recheckgen wrote; anything else, and any path
// holding what the build reads, is refused and left exactly as it was.
func TestPublishReplacesOnlyItsOwn(t *testing.T) {
	for _, tc := range []struct {
		name    string
		setup   func(t *testing.T, public string) []string // returns protected paths
		refused string                                     // "" when replaced
	}{
		{"missing", func(*testing.T, string) []string { return nil }, ""},
		{"empty", func(t *testing.T, p string) []string { mkdir(t, p); return nil }, ""},
		{"placeholder only", func(t *testing.T, p string) []string { put(t, p, ".gitkeep", ""); return nil }, ""},
		{"marked", func(t *testing.T, p string) []string { put(t, p, Marker, ""); put(t, p, "x.html", ""); return nil }, ""},
		{"older version's site", func(t *testing.T, p string) []string {
			put(t, p, "index.html", "")
			put(t, p, "data/report.json", "{}")
			put(t, p, "data/graph.json", "{}")
			return nil
		}, ""},
		{"someone's directory", func(t *testing.T, p string) []string { put(t, p, "thesis.tex", "years of work"); return nil },
			"it is not empty and holds no .recheckgen-site"},
		{"a marker that is a directory", func(t *testing.T, p string) []string { mkdir(t, filepath.Join(p, Marker)); return nil },
			"holds no .recheckgen-site"},
		{"a file", func(t *testing.T, p string) []string {
			mkdir(t, filepath.Dir(p))
			must(t, os.WriteFile(p, []byte("keep"), 0o644))
			return nil
		}, "it is a file"},
		{"a link", func(t *testing.T, p string) []string {
			target := t.TempDir()
			mkdir(t, filepath.Dir(p))
			must(t, os.Symlink(target, p))
			return nil
		}, "it is a symbolic link"},
		{"the repository", func(t *testing.T, p string) []string {
			put(t, p, Marker, "") // even a marked one
			put(t, p, "queries/1.yaml", "query: x")
			return []string{filepath.Join(p, "queries")}
		}, "it holds " /* the queries */},
		{"the working directory", func(t *testing.T, p string) []string { mkdir(t, p); return []string{p} }, "it holds "},
		{"above the store", func(t *testing.T, p string) []string {
			mkdir(t, p)
			return []string{filepath.Join(p, "deep", "logs.db")} // not there yet: still protected
		}, "it holds "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			public := filepath.Join(t.TempDir(), "out", "public")
			protect := tc.setup(t, public)
			before := snapshot(t, filepath.Dir(public))
			err := Publish(public, PublishOptions{Protect: protect}, writeSite("new"))
			if tc.refused == "" {
				if err != nil || read(t, public, "index.html") != "new" {
					t.Errorf("not replaced: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.refused) || !strings.Contains(err.Error(), public) {
				t.Errorf("got %v, want a refusal naming %s: %q", err, public, tc.refused)
			}
			if after := snapshot(t, filepath.Dir(public)); after != before {
				t.Errorf("refused, yet the directory changed:\n%s\nwas:\n%s", after, before)
			}
		})
	}
}

// TestPublishRemovesOnlyItsLeftovers: temporary sites a killed run left
// beside public are removed; a directory of the same name without the
// marker is someone else's.
func TestPublishRemovesOnlyItsLeftovers(t *testing.T) {
	parent := t.TempDir()
	public := filepath.Join(parent, "public")
	put(t, filepath.Join(parent, ".public-new-123"), Marker, "")
	put(t, filepath.Join(parent, ".public-new-456.old"), Marker, "")
	put(t, filepath.Join(parent, ".public-new-789"), "notes.txt", "mine")
	if err := Publish(public, PublishOptions{}, writeSite("x")); err != nil {
		t.Fatal(err)
	}
	var names []string
	entries, _ := os.ReadDir(parent)
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if got := strings.Join(names, " "); got != ".public-new-789 public" {
		t.Errorf("left in the parent: %s", got)
	}
}

// TestPublishOneAtATime: a second publisher beside the same directory
// waits, says so, and both sites come out whole in turn.
func TestPublishOneAtATime(t *testing.T) {
	public := filepath.Join(t.TempDir(), "public")
	inFirst, release := make(chan struct{}), make(chan struct{})
	var waited sync.WaitGroup
	waited.Add(1)
	errs := make(chan error, 2)
	go func() {
		errs <- Publish(public, PublishOptions{}, func(dir string) error {
			close(inFirst)
			<-release
			return writeSite("first")(dir)
		})
	}()
	<-inFirst
	go func() {
		errs <- Publish(public, PublishOptions{Waiting: waited.Done}, writeSite("second"))
	}()
	done := make(chan struct{})
	go func() { waited.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the second publisher did not wait for the first")
	}
	close(release)
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if got := read(t, public, "index.html"); got != "second" {
		t.Errorf("site %q, want the second", got)
	}
}

func TestWithin(t *testing.T) {
	for _, tc := range []struct {
		p, dir string
		want   bool
	}{
		{"/a/b", "/a", true}, {"/a", "/a", true}, {"/ab", "/a", false}, {"/a/../b", "/a", false}, {"/", "/a", false}, {"/a/..b", "/a", true},
	} {
		if got := within(filepath.Clean(tc.p), tc.dir); got != tc.want {
			t.Errorf("within(%q, %q) = %v", tc.p, tc.dir, got)
		}
	}
}

func put(t *testing.T, dir, name, text string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	mkdir(t, filepath.Dir(p))
	must(t, os.WriteFile(p, []byte(text), 0o644))
}

func mkdir(t *testing.T, p string) { t.Helper(); must(t, os.MkdirAll(p, 0o755)) }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// snapshot lists every path below dir with its size, links with targets.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		if fi == nil {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		link, _ := os.Readlink(p)
		b.WriteString(fmt.Sprintf("%s %s %d %s\n", rel, fi.Mode(), fi.Size(), link))
		return nil
	})
	return b.String()
}
