// Package repo loads everything a run reads from the repository: the
// runbooks of content/ and the known-bug queries of queries/, checked
// against each other. `recheckgen check` is this load plus printing its
// diagnostics; `recheckgen build` starts from it.
package repo

import (
	"fmt"
	"os"
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
	Content  *runbook.Set
}

// Load reads content and queries as cfg names them. A missing content
// directory is allowed (a site of queries only); a missing query directory
// is an error, since nothing could be reported.
func Load(cfg *config.Config) (*Project, diag.List) {
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
	}
	qs, qdl := queryfile.LoadDir(cfg.Dirs.Queries, opts)
	dl = append(dl, qdl...)
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
