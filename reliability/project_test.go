package reliability

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/recheckgen/recheckgen/analysis"
	"github.com/recheckgen/recheckgen/sample"
	"github.com/recheckgen/recheckgen/store"
)

// project is a repository to run recheckgen in: the repository's queries
// and runbooks, a config, a corpus of build directories.
type project struct {
	dir    string // the working directory
	corpus string // build directories
	db     string // the store
	public string
}

// newProject copies the repository's queries and runbooks into a new
// directory with a config that ingests corpus, ends the window at the
// newest build, and never asks a tracker.
func newProject(t testing.TB, corpus string) *project {
	t.Helper()
	p := &project{dir: t.TempDir(), corpus: corpus}
	p.db = filepath.Join(p.dir, ".recheckgen", "logs.db")
	p.public = filepath.Join(p.dir, "public")
	for _, d := range []string{"queries", "content"} {
		copyDir(t, filepath.Join("..", d), filepath.Join(p.dir, d))
	}
	p.config(t, "")
	return p
}

// config writes recheckgen.yaml, with extra YAML appended.
func (p *project) config(t testing.TB, extra string) {
	t.Helper()
	cfg := fmt.Sprintf(`site:
  echarts: ""
tracker:
  offline: true
window:
  end: latest
backend:
  sqlite:
    path: %s
    ingest: [%s]
%s`, p.db, p.corpus, extra)
	if err := os.WriteFile(filepath.Join(p.dir, "recheckgen.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
}

func copyDir(t testing.TB, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

var corpora sync.Map // builds → directory, made once per run

// removeCorpora deletes the corpora made during the run.
func removeCorpora() {
	corpora.Range(func(_, dir any) bool {
		os.RemoveAll(dir.(string))
		return true
	})
}

// corpus is a sample corpus of n builds, generated once per test run and
// shared read-only.
func corpus(t testing.TB, n int) string {
	t.Helper()
	if d, ok := corpora.Load(n); ok {
		return d.(string)
	}
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("recheckgen-reliability-corpus-%d-%d", os.Getpid(), n))
	os.RemoveAll(dir)
	if _, err := sample.Generate(dir, sample.Options{Builds: n}); err != nil {
		t.Fatal(err)
	}
	corpora.Store(n, dir)
	return dir
}

// buildCounts is what the store holds of each build: files and lines.
type buildCounts map[string][2]int

func (c buildCounts) String() string {
	var keys []string
	for k := range c {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s %v\n", k, c[k])
	}
	return b.String()
}

// inspect opens the store the way every command does (which completes or
// rebuilds its index), then reads it directly: each build's files and
// lines, the lines the full-text index knows, and SQLite's own check.
func inspect(t testing.TB, path string) (counts buildCounts, lines, indexed int) {
	t.Helper()
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatalf("the store does not open: %v", err)
	}
	st.Close()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("ATTACH DATABASE ? AS fts", store.IndexPath(path)); err != nil {
		t.Fatal(err)
	}
	for _, schema := range []string{"main", "fts"} {
		var ok string
		if err := db.QueryRow("PRAGMA " + schema + ".quick_check").Scan(&ok); err != nil || ok != "ok" {
			t.Fatalf("%s quick_check: %s %v", schema, ok, err)
		}
	}
	rows, err := db.Query(`SELECT b.uuid, (SELECT COUNT(*) FROM files f WHERE f.build_id = b.id),
		(SELECT COUNT(*) FROM lines l WHERE l.build_id = b.id) FROM builds b`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	counts = buildCounts{}
	for rows.Next() {
		var uuid string
		var c [2]int
		if err := rows.Scan(&uuid, &c[0], &c[1]); err != nil {
			t.Fatal(err)
		}
		counts[uuid] = c
	}
	if err := db.QueryRow(`SELECT COUNT(*) FROM lines`).Scan(&lines); err != nil {
		t.Fatal(err)
	}
	return counts, lines, indexedLines(t, db, lines)
}

// indexedLines is how many lines the index answers for: all of them when
// its watermark covers every line id and a sample of lines is found by a
// word of each (a contentless index cannot be listed).
func indexedLines(t testing.TB, db *sql.DB, lines int) int {
	t.Helper()
	var mark, top int64
	if err := db.QueryRow(`SELECT (SELECT value FROM fts.meta WHERE key = 'indexed'), (SELECT COALESCE(MAX(id), 0) FROM lines)`).Scan(&mark, &top); err != nil {
		t.Fatal(err)
	}
	if mark < top {
		return 0
	}
	rows, err := db.Query(`SELECT id, message FROM lines ORDER BY random() LIMIT 50`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	type line struct {
		id  int64
		msg string
	}
	var sampled []line
	for rows.Next() {
		var l line
		rows.Scan(&l.id, &l.msg)
		sampled = append(sampled, l)
	}
	rows.Close()
	for _, l := range sampled {
		w := ""
		// The index holds the line's words as the standard analyzer makes
		// them (a long word in pieces of 255); a plain one is looked up
		// as it is written.
		for _, tok := range analysis.Tokens(l.msg) {
			if len(tok) >= 3 && plainWord.MatchString(tok) {
				w = tok
				break
			}
		}
		if w == "" {
			continue
		}
		var one int
		if err := db.QueryRow(`SELECT 1 FROM fts.lines_fts WHERE lines_fts MATCH ? AND rowid = ?`, `"`+w+`"`, l.id).Scan(&one); err != nil {
			t.Logf("line %d (%q) not found by its word %q: %v", l.id, l.msg, w, err)
			return 0
		}
	}
	return lines
}

var plainWord = regexp.MustCompile(`^[a-z0-9_]+$`)
