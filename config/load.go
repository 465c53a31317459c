package config

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/diag"
	"github.com/recheckgen/recheckgen/internal/rootfile"
	"github.com/recheckgen/recheckgen/lucene"
	"github.com/recheckgen/recheckgen/yamlfile"
	"go.yaml.in/yaml/v3"
)

// Load reads the config file at path over the defaults. A missing file is
// no error when optional is true (the default recheckgen.yaml may be
// absent); the Config returned is usable only when the list holds no
// errors.
func Load(path string, optional bool) (*Config, diag.List) {
	c := Default()
	// A file of the repository, which a pull request may make a link (to
	// /dev/zero, to a file elsewhere): only a regular file inside its
	// directory is read, of at most rootfile.MaxSource.
	src, err := rootfile.ReadPath(path, rootfile.FollowInside, rootfile.MaxSource)
	if err != nil {
		if optional && errors.Is(err, fs.ErrNotExist) {
			return c, nil
		}
		return c, diag.List{{File: path, Severity: diag.Error, Message: fmt.Sprintf("read config: %v", unwrap(err))}}
	}
	c.File = path
	return c, Decode(c, path, src)
}

func unwrap(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Decode reads YAML src into c, which holds the defaults.
func Decode(c *Config, file string, src []byte) diag.List {
	doc, bad := yamlfile.Parse(file, src, 0)
	if bad != nil {
		return diag.List{*bad}
	}
	dl := decodeMapping(doc, doc.Root, "", c)
	return append(dl, validate(c, doc)...)
}

// decodeMapping decodes the settings under prefix ("" or "backend.") from
// mapping m, recursing into sub-sections.
func decodeMapping(doc *yamlfile.Doc, m *yaml.Node, prefix string, c *Config) diag.List {
	known := childKeys(prefix)
	what := "recheckgen.yaml"
	if prefix != "" {
		what = "section `" + strings.TrimSuffix(prefix, ".") + "`"
	}
	fields, dl := doc.Fields(m, known, what)
	for name, f := range fields {
		key := prefix + name
		s, ok := settingByKey(key)
		if !ok {
			sub, d := doc.Mapping(f)
			if d != nil {
				dl = append(dl, *d)
				continue
			}
			dl = append(dl, decodeMapping(doc, sub, key+".", c)...)
			continue
		}
		if d := decodeValue(doc, f, s.ptr(c)); d != nil {
			dl = append(dl, d...)
		}
	}
	return dl
}

func decodeValue(doc *yamlfile.Doc, f yamlfile.Field, p any) diag.List {
	one := func(d *diag.Diagnostic) diag.List {
		if d == nil {
			return nil
		}
		return diag.List{*d}
	}
	switch p := p.(type) {
	case *string:
		v, d := doc.String(f)
		*p = v
		return one(d)
	case *bool:
		v, d := doc.Bool(f)
		*p = v
		return one(d)
	case *int:
		v, d := doc.Int(f)
		*p = v
		return one(d)
	case *[]string:
		v, dl := doc.Strings(f)
		*p = v
		return dl
	case *time.Duration:
		v, d := doc.Duration(f)
		*p = v
		return one(d)
	case *[]Source:
		return decodeSources(doc, f, p)
	case *lucene.Operator:
		v, d := doc.String(f)
		if d != nil {
			return one(d)
		}
		op, err := lucene.ParseOperator(v)
		if err != nil {
			return diag.List{doc.At(f.Value, fmt.Sprintf("`%s` must be AND or OR, found %s", f.Key.Value, diag.Quote(v)))}
		}
		*p = op
	}
	return nil
}

// childKeys lists the key names directly under prefix.
func childKeys(prefix string) []string {
	var out []string
	for _, s := range Settings {
		rest, ok := strings.CutPrefix(s.Key, prefix)
		if !ok {
			continue
		}
		name, _, _ := strings.Cut(rest, ".")
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	return out
}

func settingByKey(key string) (Setting, bool) {
	for _, s := range Settings {
		if s.Key == key {
			return s, true
		}
	}
	return Setting{}, false
}

// Validate checks values that parse but make no sense; flags go through it
// too, after they are applied.
func Validate(c *Config) diag.List { return validate(c, nil) }

func validate(c *Config, doc *yamlfile.Doc) diag.List {
	var dl diag.List
	// bad reports at the first of keys the file holds, else at the file.
	bad := func(key, msg string, near ...string) {
		d := diag.Diagnostic{File: c.File, Severity: diag.Error, Message: key + ": " + msg}
		if d.File == "" {
			d.File = "(flags)"
		}
		if doc != nil {
			d.File = doc.File
			for _, k := range append([]string{key}, near...) {
				if n := findKey(doc.Root, k); n != nil {
					d = doc.At(n, key+": "+msg)
					break
				}
			}
		}
		dl = append(dl, d)
	}
	if !slices.Contains(Backends, c.Backend.Type) {
		bad("backend.type", fmt.Sprintf("unknown backend %s (want %s)", diag.Quote(c.Backend.Type), strings.Join(Backends, " or ")))
	}
	for key, u := range map[string]string{"site.base_url": c.Site.BaseURL, "site.repo_url": c.Site.RepoURL} {
		if msg := checkURL(u); msg != "" {
			bad(key, msg)
		}
	}
	for _, u := range c.OpenSearch.URLs {
		if msg := checkURL(u); msg != "" {
			bad("backend.opensearch.urls", msg)
		}
	}
	if c.Backend.Type == "opensearch" && len(c.OpenSearch.URLs) == 0 {
		bad("backend.opensearch.urls", "the opensearch backend needs at least one URL", "backend.type")
	}
	if _, _, err := c.WindowEnd(time.Now()); err != nil {
		bad("window.end", err.Error())
	}
	if c.Window.Bucket <= 0 || c.Window.Length <= 0 || c.Window.Length%c.Window.Bucket != 0 {
		bad("window.length", fmt.Sprintf("window %s must be a positive whole number of %s buckets", FormatDuration(c.Window.Length), FormatDuration(c.Window.Bucket)))
	}
	if c.OpenSearch.Timeout <= 0 {
		bad("backend.opensearch.timeout", "must be positive")
	}
	if c.OpenSearch.Deadline <= 0 {
		bad("backend.opensearch.deadline", "must be positive")
	}
	if c.Report.Concurrency < 1 {
		bad("report.concurrency", "must be at least 1")
	}
	if c.Report.Batch < 1 {
		bad("report.batch", "must be at least 1")
	}
	if c.Report.QueryTimeout <= 0 {
		bad("report.query_timeout", "must be positive")
	}
	if c.Report.TriageBuilds < 0 {
		bad("report.triage_builds", "must be 0 (no triage) or more")
	}
	if c.SQLite.MaxFileMiB < 1 || c.SQLite.MaxFileMiB > 64<<10 {
		bad("backend.sqlite.max_file_mib", "must be between 1 and 65536 (MiB)")
	}
	if c.Fetch.PerHost < 1 || c.Fetch.PerHost > 64 {
		bad("fetch.per_host", "must be between 1 and 64")
	}
	if c.Fetch.Retries < 0 || c.Fetch.Retries > 20 {
		bad("fetch.retries", "must be between 0 and 20")
	}
	if c.Fetch.Timeout <= 0 {
		bad("fetch.timeout", "must be positive")
	}
	if c.Fetch.Budget < 0 || c.Fetch.Since < 0 || c.Fetch.Keep < 0 {
		bad("fetch.budget", "fetch.budget, fetch.since and fetch.keep must not be negative", "fetch.since", "fetch.keep")
	}
	if c.Fetch.MaxFileMiB < 1 || c.Fetch.MaxFileMiB > 64<<10 {
		bad("fetch.max_file_mib", "must be between 1 and 65536 (MiB)")
	}
	if c.Fetch.LogAttempts < 1 || c.Fetch.LogAttempts > recheckgen.MaxLogsTries {
		bad("fetch.log_attempts", fmt.Sprintf("must be between 1 and %d", recheckgen.MaxLogsTries))
	}
	if c.Fetch.MaxBuildMiB < c.Fetch.MaxFileMiB || c.Fetch.MaxBuildMiB > 1<<20 {
		bad("fetch.max_build_mib", "must be at least fetch.max_file_mib and at most 1048576 (MiB)")
	}
	remote := false
	for _, s := range c.Sources {
		if msg := s.check(); msg != "" && doc == nil {
			bad("sources", msg)
		}
		if !s.Remote() {
			continue
		}
		remote = true
		// A listing reaching past what is kept would fetch again, every
		// run, the builds retention just removed.
		if since, keep := c.FetchSince(s), c.FetchKeep(); since > keep {
			bad("fetch.keep", fmt.Sprintf("%s reaches back %s but builds are kept %s: keep must be at least since", s.Kind,
				FormatDuration(since), FormatDuration(keep)), "fetch.since", "sources")
		}
	}
	if remote && strings.TrimSpace(c.Fetch.Cache) == "" {
		bad("fetch.cache", "must name a directory")
	}
	for key, dir := range map[string]string{"dirs.queries": c.Dirs.Queries, "dirs.content": c.Dirs.Content, "dirs.public": c.Dirs.Public} {
		if strings.TrimSpace(dir) == "" {
			bad(key, "must name a directory")
		}
	}
	dl.Sort()
	return dl
}

func checkURL(s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Sprintf("%s must be an http(s) URL", diag.Quote(s))
	}
	return ""
}

// findKey returns the value node at dotted key path, or nil.
func findKey(m *yaml.Node, key string) *yaml.Node {
	name, rest, more := strings.Cut(key, ".")
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value != name {
			continue
		}
		v := m.Content[i+1]
		if !more {
			return v
		}
		if v.Kind == yaml.MappingNode {
			return findKey(v, rest)
		}
	}
	return nil
}
