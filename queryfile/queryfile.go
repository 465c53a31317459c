// Package queryfile loads known-bug query files (queries/<id>.yaml): the
// elastic-recheck format unchanged, plus recheckgen's optional keys. Every
// problem is a positioned diagnostic; a Lucene error inside a folded block
// is mapped back to its line and column in the file.
package queryfile

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/diag"
	"github.com/recheckgen/recheckgen/internal/rootfile"
	"github.com/recheckgen/recheckgen/lucene"
	"github.com/recheckgen/recheckgen/yamlfile"
	"go.yaml.in/yaml/v3"
)

// Keys are the keys a query file may hold: elastic-recheck's first, then
// recheckgen's own.
var Keys = []string{
	"query", "suppress-graph", "suppress-notification", "allow-nonvoting", "test_ids", "resolved_at",
	"title", "bug", "runbook", "tags", "applies",
}

// DefaultFields are the log fields elastic-recheck's indices carry
// (recheckgen.LogFields); a query naming another field gets a warning,
// since it likely matches nothing.
var DefaultFields = recheckgen.FieldNames()

// Options say how queries are read.
type Options struct {
	// Operator joins terms written side by side with no AND/OR.
	Operator lucene.Operator
	// Fields are the known field names (DefaultFields when nil).
	Fields []string
	// Year is the current year, which no `applies` range may start after
	// (this year when 0).
	Year int
	// Runbook, when set, checks that a `runbook:` reference exists and
	// returns what is wrong, or "".
	Runbook func(ref string) string
	// Tags, when set, reports whether the backend gives some line a tag;
	// a `tags:` value it never gives is warned about.
	Tags func(tag string) bool
	// Runnable, when set, says why the backend cannot run a parsed query
	// and at which byte offset of it ("" when it can): an error, as the
	// build would drop the query.
	Runnable func(expr lucene.Node) (offset int, why string)
}

var (
	idRE  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
	tagRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)
)

// LoadDir loads every *.yaml file in dir, sorted by id. Files are loaded
// even when others fail, so one run reports every problem.
func LoadDir(dir string, opts Options) ([]recheckgen.Query, diag.List) {
	if err := rootfile.CheckDir(dir); errors.Is(err, rootfile.ErrSymlink) {
		return nil, diag.List{{File: dir, Severity: diag.Error, Message: "read query directory: " + describe(err)}}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, diag.List{{File: dir, Severity: diag.Error, Message: fmt.Sprintf("read query directory: %v", describe(err))}}
	}
	var qs []recheckgen.Query
	var dl diag.List
	for _, e := range entries {
		name := e.Name()
		p := filepath.Join(dir, name)
		switch {
		case e.IsDir() || strings.HasPrefix(name, "."):
			continue
		case strings.HasSuffix(name, ".yml"):
			dl = append(dl, diag.Diagnostic{File: p, Severity: diag.Error, Message: "query files end in .yaml; rename it to " + strings.TrimSuffix(name, ".yml") + ".yaml"})
			continue
		case !strings.HasSuffix(name, ".yaml"):
			continue
		}
		src, err := rootfile.ReadSource(p)
		if err != nil {
			dl = append(dl, diag.Diagnostic{File: p, Severity: diag.Error, Message: describe(err)})
			continue
		}
		q, fdl := Load(p, src, opts)
		dl = append(dl, fdl...)
		if fdl.Errors() == 0 {
			qs = append(qs, q)
		}
	}
	sort.Slice(qs, func(i, j int) bool { return qs[i].ID < qs[j].ID })
	return qs, dl
}

func describe(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// Load reads one query file. The returned query is usable only when the
// list holds no errors.
func Load(file string, src []byte, opts Options) (recheckgen.Query, diag.List) {
	id := strings.TrimSuffix(filepath.Base(file), ".yaml")
	q := recheckgen.Query{ID: id, File: file, Bug: recheckgen.BugFromID(id)}
	var dl diag.List
	if !idRE.MatchString(id) {
		dl = append(dl, diag.Diagnostic{File: file, Severity: diag.Error,
			Message: fmt.Sprintf("file name %s is not a bug id: use letters, digits, `.`, `_` and `-` (a Launchpad bug number such as 1260311.yaml)", diag.Quote(id))})
	}
	doc, bad := yamlfile.Parse(file, src, 0)
	if bad != nil {
		return q, append(dl, *bad)
	}
	fields, kdl := doc.Fields(doc.Root, Keys, "query file")
	dl = append(dl, kdl...)
	dl = append(dl, loadKeys(doc, fields, &q, opts)...)
	if _, ok := fields["query"]; !ok && !hasKey(doc.Root, "query") {
		msg := "missing `query`: the Lucene query string that finds this bug's log lines"
		if len(bytes.TrimSpace(src)) == 0 {
			msg = "empty file: a query file needs at least a `query: ...` line"
		}
		first, _, _ := strings.Cut(string(src), "\n")
		dl = append(dl, diag.Diagnostic{File: file, Line: 1, Col: 1, Severity: diag.Error, Message: msg, Excerpt: diag.Excerpt(first, 1)})
	}
	if f, ok := fields["query"]; ok {
		dl = append(dl, parseQuery(doc, f, &q, opts)...)
	}
	if q.Bug.Tracker == recheckgen.NoTracker && q.Title == "" && dl.Errors() == 0 {
		dl = append(dl, diag.Diagnostic{File: file, Line: 1, Col: 1, Severity: diag.Warning,
			Message: fmt.Sprintf("%s is not a Launchpad bug number and there is no `bug:` URL or `title`, so the bug page can show only the file name", diag.Quote(id))})
	}
	return q, dl
}

func hasKey(m *yaml.Node, key string) bool {
	for i := 0; i < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return true
		}
	}
	return false
}

// loadKeys decodes every key but `query`.
func loadKeys(doc *yamlfile.Doc, fields map[string]yamlfile.Field, q *recheckgen.Query, opts Options) diag.List {
	var dl diag.List
	add := func(d *diag.Diagnostic) {
		if d != nil {
			dl = append(dl, *d)
		}
	}
	for key, dst := range map[string]*bool{"suppress-graph": &q.SuppressGraph,
		"suppress-notification": &q.SuppressNotification, "allow-nonvoting": &q.AllowNonvoting} {
		if f, ok := fields[key]; ok {
			v, d := doc.Bool(f)
			*dst = v
			add(d)
		}
	}
	if f, ok := fields["title"]; ok {
		v, d := doc.String(f)
		q.Title = strings.TrimSpace(v)
		add(d)
	}
	if f, ok := fields["resolved_at"]; ok {
		v, d := doc.String(f)
		add(d)
		if d == nil {
			q.ResolvedAt = strings.TrimSpace(v)
			if q.ResolvedAt == "" {
				q.ResolvedAt = "an unknown date"
			}
			n := doc.At(f.Key, fmt.Sprintf("resolved_at: elastic-recheck skipped this query as resolved (%s): it is checked and left off the report; remove the key to report it again", q.ResolvedAt))
			n.Severity = diag.Note
			dl = append(dl, n)
		}
	}
	if f, ok := fields["test_ids"]; ok {
		v, d := doc.Strings(f)
		q.TestIDs = v
		dl = append(dl, d...)
	}
	if f, ok := fields["tags"]; ok {
		v, d := doc.Strings(f)
		dl = append(dl, d...)
		q.Tags = v
		for i, t := range v {
			if !tagRE.MatchString(t) {
				at := f.Value
				if f.Value.Kind == yaml.SequenceNode {
					at = f.Value.Content[i]
				}
				dl = append(dl, doc.At(at, fmt.Sprintf("tag %s must be lowercase letters, digits, `.`, `_` or `-` (it names a page): try %s", diag.Quote(t), diag.Quote(slug(t)))))
			}
		}
	}
	if f, ok := fields["bug"]; ok {
		dl = append(dl, loadBug(doc, f, q)...)
	}
	if f, ok := fields["applies"]; ok {
		v, d := doc.String(f)
		add(d)
		if d == nil {
			year := opts.Year
			if year == 0 {
				year = time.Now().Year()
			}
			if e, err := recheckgen.ParseEra(v, year); err != nil {
				dl = append(dl, doc.At(f.Value, err.Error()))
			} else {
				q.Applies = e
			}
		}
	}
	if f, ok := fields["runbook"]; ok {
		v, d := doc.String(f)
		add(d)
		if d == nil {
			msg := checkRunbookPath(v)
			if msg == "" && opts.Runbook != nil {
				msg = opts.Runbook(v)
			}
			if msg != "" {
				dl = append(dl, doc.At(f.Value, msg))
			} else {
				q.Runbook = v
			}
		}
	}
	return dl
}

func loadBug(doc *yamlfile.Doc, f yamlfile.Field, q *recheckgen.Query) diag.List {
	v, d := doc.String(f)
	if d != nil {
		return diag.List{*d}
	}
	ref, err := recheckgen.ParseBugURL(strings.TrimSpace(v), q.ID)
	if err != nil {
		return diag.List{doc.At(f.Value, err.Error())}
	}
	q.Bug = ref
	return nil
}

// checkRunbookPath checks the form of a `runbook:` value; whether the page
// and anchor exist is checked against the content directory.
func checkRunbookPath(v string) string {
	p, _, _ := strings.Cut(v, "#")
	switch {
	case p == "":
		return "`runbook` needs a content page path such as `devstack-gate.md#reading-the-job-output`"
	case strings.Contains(p, "://"):
		return "`runbook` is a page of content/ (such as `devstack-gate.md`), not a URL"
	case path.IsAbs(p) || strings.HasPrefix(path.Clean(p), ".."):
		return fmt.Sprintf("`runbook` path %s must be relative to the content directory", diag.Quote(p))
	case !strings.HasSuffix(p, ".md"):
		return fmt.Sprintf("`runbook` path %s must name a markdown page ending in .md", diag.Quote(p))
	}
	return ""
}

func slug(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-')
	}), "-")
}
