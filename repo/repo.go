// Package repo loads everything a run reads from the repository: the
// runbooks of content/ and the known-bug queries of queries/, checked
// against each other. `recheckgen check` is this load plus printing its
// diagnostics; `recheckgen build` starts from it.
package repo

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/config"
	"github.com/recheckgen/recheckgen/diag"
	"github.com/recheckgen/recheckgen/queryfile"
	"github.com/recheckgen/recheckgen/runbook"
	"github.com/recheckgen/recheckgen/store"
)

// Project is the loaded repository.
type Project struct {
	Config *config.Config
	// Queries are the queries run and reported; Resolved, those
	// elastic-recheck marked resolved_at, checked but left off.
	Queries  []recheckgen.Query
	Resolved []recheckgen.Query
	// Broken are the query files that did not load, with their errors;
	// build publishes the rest and shows these as broken.
	Broken  []BrokenFile
	Content *runbook.Set
}

// BrokenFile is a query file with errors.
type BrokenFile struct {
	ID, File string
	Errors   diag.List
}

// OnlyBrokenQueries reports whether every error of dl is in a broken query
// file: the rest of the repository can still be published.
func (p *Project) OnlyBrokenQueries(dl diag.List) bool {
	files := map[string]bool{}
	for _, b := range p.Broken {
		files[b.File] = true
	}
	for _, d := range dl {
		if d.Severity == diag.Error && !files[d.File] {
			return false
		}
	}
	return true
}

// Load reads content and queries as cfg names them. A missing content
// directory is allowed (a site of queries only); a missing query directory
// is an error, since nothing could be reported.
func Load(cfg *config.Config) (*Project, diag.List) { return load(cfg, false) }

// LoadForCheck is Load for `check`, which also names at its line and
// column a query the embedded store cannot run, when the store is the
// backend: a build reports it as a query that failed to run, with no
// position in its file.
func LoadForCheck(cfg *config.Config) (*Project, diag.List) { return load(cfg, true) }

func load(cfg *config.Config, forCheck bool) (*Project, diag.List) {
	p := &Project{Config: cfg}
	var dl diag.List
	md := runbook.Markdown(cfg.Site.RawHTML)
	if _, err := os.Stat(cfg.Dirs.Content); err == nil {
		var cdl diag.List
		p.Content, cdl = runbook.LoadDir(cfg.Dirs.Content, md)
		dl = append(dl, cdl...)
		dl = append(dl, p.Content.CheckLinks()...)
		dl = append(dl, p.Content.CheckFreshness(time.Now().Year())...)
	} else {
		p.Content = &runbook.Set{Dir: cfg.Dirs.Content}
	}
	opts := queryfile.Options{
		Operator: cfg.Query.DefaultOperator,
		Fields:   cfg.Query.Fields,
		Runbook:  p.checkRunbook,
	}
	if cfg.Backend.Type == "sqlite" {
		// The embedded store tags lines itself; a server's index, its own way.
		opts.Tags = func(tag string) bool { return store.TagProduced(tag, cfg.SQLite.Globs) }
		if forCheck {
			opts.Runnable = store.Runnable
		}
	}
	qs, qdl := queryfile.LoadDir(cfg.Dirs.Queries, opts)
	dl = append(dl, qdl...)
	p.Broken = brokenFiles(qdl)
	for _, q := range qs {
		if q.ResolvedAt != "" {
			p.Resolved = append(p.Resolved, q)
		} else {
			p.Queries = append(p.Queries, q)
		}
	}
	dl.Sort()
	return p, dl
}

func (p *Project) checkRunbook(ref string) string {
	if msg := p.Content.CheckRef(nil, ref); msg != "" {
		return fmt.Sprintf("`runbook`: %s", msg)
	}
	return ""
}

// brokenFiles groups the errors of query files (*.yaml, and the *.yml
// that should have been) by file.
func brokenFiles(dl diag.List) []BrokenFile {
	var out []BrokenFile
	at := map[string]int{}
	for _, d := range dl {
		if d.Severity != diag.Error {
			continue
		}
		base := filepath.Base(d.File)
		id, ok := strings.CutSuffix(base, ".yaml")
		if !ok {
			if id, ok = strings.CutSuffix(base, ".yml"); !ok {
				continue // the directory itself could not be read
			}
		}
		i, seen := at[d.File]
		if !seen {
			i = len(out)
			at[d.File] = i
			out = append(out, BrokenFile{ID: id, File: d.File})
		}
		out[i].Errors = append(out[i].Errors, d)
	}
	return out
}
