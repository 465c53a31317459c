package reliability

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen/store"
)

// TestLinkedSourcesAreNotRead: a pull request can add links (git stores
// them): a query file, a runbook or a theme file that is a link is refused
// by name, its target is never read, quoted or published.
func TestLinkedSourcesAreNotRead(t *testing.T) {
	outside := t.TempDir()
	write(t, outside, "passwd", []byte("query: root:x:0:0:SECRET-QUERY-TARGET\n"))
	write(t, outside, "notes.md", []byte("---\ntitle: SECRET-RUNBOOK-TARGET\n---\nSECRET-RUNBOOK-TARGET body\n"))
	write(t, outside, "404.html", []byte("SECRET-THEME-TARGET"))
	write(t, outside, "leak.yaml", []byte("title: SECRET-QUERY-TITLE\nquery: message:SECRET\n"))
	write(t, outside, "style.css", []byte("/* SECRET-THEME-ASSET */"))
	for _, c := range []struct {
		name, link, target, want string
		build                    int // build's exit code
	}{
		// A query file that cannot be read is one broken query: build
		// leaves it out, publishes the rest and exits 3.
		{"query file", "queries/leak.yaml", "passwd", "queries/leak.yaml: error: is a symbolic link: not read", 3},
		{"runbook", "content/leak.md", "notes.md", "content/leak.md: error: is a symbolic link: not read", 1},
		{"theme file", "theme/templates/404.html", "404.html", "theme: open ", 1},
		// A directory that is a link is not read either, nor is a file
		// reached through one.
		{"query directory", "queries", ".", "queries: error: read query directory: is a symbolic link: not read", 1},
		{"runbook directory", "content", ".", "content: error: read content: is a symbolic link: not read", 1},
		{"theme directory", "theme", ".", "theme: error: theme: open theme: is a symbolic link: not read", 1},
		{"theme subdirectory", "theme/assets", ".", "path escapes from parent", 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := newProject(t, corpus(t, 30))
			p.config(t, "dirs:\n  theme: theme\n")
			os.RemoveAll(filepath.Join(p.dir, c.link))
			os.MkdirAll(filepath.Join(p.dir, filepath.Dir(c.link)), 0o755)
			if err := os.Symlink(filepath.Join(outside, c.target), filepath.Join(p.dir, c.link)); err != nil {
				t.Fatal(err)
			}
			for _, cmd := range [][]string{{"check"}, {"build"}} {
				r := run(t, p.dir, time.Minute, nil, cmd...)
				out := r.stdout + r.stderr
				code := 1
				if cmd[0] == "build" {
					code = c.build
				}
				if r.code != code || !strings.Contains(out, c.want) && !strings.Contains(out, "is a symbolic link: not read") {
					t.Errorf("%s: exit %d, want %d and %q:\n%s", cmd[0], r.code, code, c.want, out)
				}
				if strings.Contains(out, "SECRET") {
					t.Errorf("%s quotes the link's target:\n%s", cmd[0], out)
				}
			}
			if _, err := os.Stat(p.public); err == nil {
				notInSite(t, p, "SECRET")
			} else if c.build == 3 {
				t.Errorf("build exited 3 without publishing the site: %v", err)
			}
		})
	}
}

// TestDamagedIndexFile: a truncated or overwritten index file stops no
// command: it is rebuilt, saying so, and the query answers as before. Nor
// does damage to the index's entries that left the file's size and time
// as they were: the search that meets it fails saying so, and the next
// command rebuilds the index.
func TestDamagedIndexFile(t *testing.T) {
	p := newProject(t, corpus(t, 30))
	if r := run(t, p.dir, time.Minute, nil, "ingest", p.corpus); r.code != 0 {
		t.Fatalf("ingest: %d\n%s", r.code, r.stderr)
	}
	before := run(t, p.dir, time.Minute, nil, "query", `message:"Timed out waiting for a reply"`)
	if before.code != 0 {
		t.Fatalf("query: %d\n%s", before.code, before.stderr)
	}
	index := p.db + ".fts"
	for _, damage := range []func(){
		func() { os.Truncate(index, 12345) },
		func() { os.WriteFile(index, []byte(strings.Repeat("not an index ", 1000)), 0o644) },
	} {
		damage()
		r := run(t, p.dir, time.Minute, nil, "query", `message:"Timed out waiting for a reply"`)
		if r.code != 0 || !strings.Contains(r.stderr, "the full-text index "+index+" is damaged") || !strings.Contains(r.stderr, "rebuilding it from the store") {
			t.Errorf("query with a damaged index: exit %d\n%s", r.code, r.stderr)
		}
		if r.stdout != before.stdout {
			t.Errorf("the rebuilt index answers otherwise:\n%s\nwas:\n%s", r.stdout, before.stdout)
		}
	}

	garbleUnseen(t, p.db)
	r := run(t, p.dir, time.Minute, nil, "query", `message:"Timed out waiting for a reply"`)
	if r.code != 1 || !strings.Contains(r.stderr, "the full-text index is damaged: the next command rebuilds it") {
		t.Errorf("query meeting damage unseen on opening: exit %d\n%s", r.code, r.stderr)
	}
	r = run(t, p.dir, time.Minute, nil, "query", `message:"Timed out waiting for a reply"`)
	if r.code != 0 || !strings.Contains(r.stderr, "the full-text index "+index+" is damaged") || r.stdout != before.stdout {
		t.Errorf("the query after: exit %d\n%s\n%s", r.code, r.stderr, r.stdout)
	}
}

// garbleUnseen garbles the entries of the store's index inside whole
// pages, then gives the file back the size and time the store recorded
// for it, as a restored cache or a disk's fault may: neither the file's
// header nor quick_check can tell.
func garbleUnseen(t *testing.T, path string) {
	t.Helper()
	index := store.IndexPath(path)
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	var size, mtime int64
	if err := db.QueryRow(`SELECT (SELECT value FROM meta WHERE key = 'fts_size'), (SELECT value FROM meta WHERE key = 'fts_mtime')`).Scan(&size, &mtime); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"ATTACH DATABASE '" + index + "' AS fts",
		"UPDATE fts.lines_fts_data SET block = randomblob(length(block)) WHERE id > 10",
		"PRAGMA fts.wal_checkpoint(TRUNCATE)", "DETACH DATABASE fts"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if st, err := os.Stat(index); err != nil || st.Size() != size {
		t.Fatalf("the garbled index changed size (%v): %d, recorded %d", err, st.Size(), size)
	}
	if err := os.Chtimes(index, time.Unix(0, mtime), time.Unix(0, mtime)); err != nil {
		t.Fatal(err)
	}
}
