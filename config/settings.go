package config

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/recheckgen/recheckgen/lucene"
	"github.com/recheckgen/recheckgen/yamlfile"
	"github.com/spf13/pflag"
)

// Setting is one configurable value: its YAML key path, its flag, and
// where it lives in a Config.
type Setting struct {
	Key   string // dotted YAML path, "site.title"
	Flag  string // command-line flag, "site-title"
	Usage string
	ptr   func(*Config) any // *string, *bool, *int, *[]string, *time.Duration, *lucene.Operator or *[]Source
}

// Settings is every setting, in the order the docs list them.
var Settings = []Setting{
	{"site.title", "site-title", "title shown on every page", func(c *Config) any { return &c.Site.Title }},
	{"site.base_url", "base-url", "absolute URL the site is published at (for the feed); empty for relative links only", func(c *Config) any { return &c.Site.BaseURL }},
	{"site.repo_url", "repo-url", "repository URL for \"edit this page\" links (https://github.com/OWNER/REPO)", func(c *Config) any { return &c.Site.RepoURL }},
	{"site.branch", "branch", "branch that edit links point to", func(c *Config) any { return &c.Site.Branch }},
	{"site.raw_html", "raw-html", "let runbook markdown carry raw HTML (off: it is dropped)", func(c *Config) any { return &c.Site.RawHTML }},
	{"site.echarts", "echarts", "ECharts script served by the site to enhance its charts (npm ci installs it), or an https:// CDN address to load it from instead; empty or missing: the server-drawn charts stay as they are", func(c *Config) any { return &c.Site.ECharts }},
	{"site.change_url", "change-url", "address of a change, with {change}, {patchset} and {project} (https://review.opendev.org/{change}); empty: no link", func(c *Config) any { return &c.Site.ChangeURL }},
	{"site.build_url", "build-url", "address of a build's page, with {uuid}, {job} and {project} (https://zuul.opendev.org/t/openstack/build/{uuid}); empty: no link", func(c *Config) any { return &c.Site.BuildURL }},
	{"site.line_url", "line-url", "address of a line of a log file, with {log_url}, {file}, {line} and {uuid}", func(c *Config) any { return &c.Site.LineURL }},
	{"report.pipelines", "pipelines", "pipelines whose failed builds the uncategorized page lists (empty: all)", func(c *Config) any { return &c.Report.Pipelines }},
	{"report.concurrency", "concurrency", "queries run at once against the backend", func(c *Config) any { return &c.Report.Concurrency }},
	{"report.batch", "batch", "queries sent in one OpenSearch _msearch request", func(c *Config) any { return &c.Report.Batch }},
	{"report.previous", "previous", "an earlier report.json (a path, or the published site's data/report.json URL) whose daily history is carried forward", func(c *Config) any { return &c.Report.Previous }},
	{"report.query_timeout", "query-timeout", "time one query may run on the embedded store; past it that query fails alone and the rest publishes", func(c *Config) any { return &c.Report.QueryTimeout }},
	{"report.history_days", "history-days", "days of daily history kept in the report", func(c *Config) any { return &c.Report.HistoryDays }},
	{"report.quiet_days", "quiet-days", "list runbook sections whose current known bugs have had no hit for this many days (0: off)", func(c *Config) any { return &c.Report.QuietDays }},
	{"report.triage_builds", "triage-builds", "failed builds of the window, newest first, that the site explains (a page each) and groups by their likely cause (0: none; needs the embedded store)", func(c *Config) any { return &c.Report.TriageBuilds }},
	{"report.max_lag", "max-lag", "how far the newest log data may lie behind the build before the site shows a red banner (0: never)", func(c *Config) any { return &c.Report.MaxLag }},
	{"tracker.offline", "offline", "do not fetch bug titles from the trackers (the query's title or the bug id shows)", func(c *Config) any { return &c.Tracker.Offline }},
	{"tracker.cache", "tracker-cache", "file caching tracker answers between runs", func(c *Config) any { return &c.Tracker.Cache }},
	{"tracker.timeout", "tracker-timeout", "timeout of one tracker lookup", func(c *Config) any { return &c.Tracker.Timeout }},
	{"dirs.queries", "queries", "directory of known-bug query files", func(c *Config) any { return &c.Dirs.Queries }},
	{"dirs.content", "content", "directory of markdown runbooks", func(c *Config) any { return &c.Dirs.Content }},
	{"dirs.theme", "theme", "theme directory overriding the built-in theme file by file", func(c *Config) any { return &c.Dirs.Theme }},
	{"dirs.public", "public", "output directory of the site (replaced whole on success)", func(c *Config) any { return &c.Dirs.Public }},
	{"query.default_operator", "default-operator", "operator between values written side by side: OR (Elasticsearch's default, which elastic-recheck's queries ran under) or AND", func(c *Config) any { return &c.Query.DefaultOperator }},
	{"query.fields", "fields", "known log field names; a query naming another gets a warning", func(c *Config) any { return &c.Query.Fields }},
	{"window.length", "window", "how far back a report reaches (10d, 36h)", func(c *Config) any { return &c.Window.Length }},
	{"window.end", "window-end", "end of the window: now, latest (newest build stored) or a time (2026-11-20T10:00:00Z)", func(c *Config) any { return &c.Window.End }},
	{"window.bucket", "bucket", "width of a chart bucket", func(c *Config) any { return &c.Window.Bucket }},
	{"sources", "source", "where builds come from: zuul=URL (a tenant's API), jenkins=URL (a job or view), sample=DIR, dir=DIR; see the `sources:` keys. None: the sample corpus, into the default store only", func(c *Config) any { return &c.Sources }},
	{"fetch.cache", "cache", "directory of the build directories fetched from zuul and jenkins sources (logs kept gzip-compressed)", func(c *Config) any { return &c.Fetch.Cache }},
	{"fetch.since", "since", "how far back a source's listing reaches (0: the window and a day)", func(c *Config) any { return &c.Fetch.Since }},
	{"fetch.keep", "keep", "how long fetched builds stay in the store and the cache (0: the window and four days)", func(c *Config) any { return &c.Fetch.Keep }},
	{"fetch.per_host", "per-host", "requests sent to one host at once", func(c *Config) any { return &c.Fetch.PerHost }},
	{"fetch.timeout", "fetch-timeout", "time one try of one request may take", func(c *Config) any { return &c.Fetch.Timeout }},
	{"fetch.retries", "retries", "tries after the first for a request answered 429, 500, 502, 503 or 504, dropped or timed out (waiting as Retry-After says, or with backoff)", func(c *Config) any { return &c.Fetch.Retries }},
	{"fetch.budget", "budget", "time the whole fetch may take; past it, what was fetched is stored and the rest waits for the next run (0: none)", func(c *Config) any { return &c.Fetch.Budget }},
	{"fetch.max_file_mib", "fetch-max-file-mib", "most of one log file fetched, in MiB as the log holds it; the rest is cut with a warning", func(c *Config) any { return &c.Fetch.MaxFileMiB }},
	{"fetch.max_build_mib", "fetch-max-build-mib", "most fetched for one build, in MiB; its remaining files are not fetched, with a warning", func(c *Config) any { return &c.Fetch.MaxBuildMiB }},
	{"fetch.log_attempts", "log-attempts", "fetches, one a run, that may try a build's logs: a build stored with its logs missing is fetched again by the next runs (while the listing still reaches it) until they arrive or it was tried this often", func(c *Config) any { return &c.Fetch.LogAttempts }},
	{"backend.type", "backend", "log search backend: sqlite (embedded) or opensearch", func(c *Config) any { return &c.Backend.Type }},
	{"backend.sqlite.path", "db", "SQLite log store file", func(c *Config) any { return &c.SQLite.Path }},
	{"backend.sqlite.ingest", "ingest", "directories of CI build directories ingested into the store before a run", func(c *Config) any { return &c.SQLite.Ingest }},
	{"backend.sqlite.sample", "sample", "generate the built-in sample corpus in this directory when missing, and ingest it (empty: off)", func(c *Config) any { return &c.SQLite.Sample }},
	{"backend.sqlite.globs", "globs", "log files read from each build directory (slash patterns, ** for any depth; .gz is read too)", func(c *Config) any { return &c.SQLite.Globs }},
	{"backend.sqlite.max_file_mib", "max-file-mib", "most text read from one log file, in MiB after decompression; the rest is cut with a warning", func(c *Config) any { return &c.SQLite.MaxFileMiB }},
	{"backend.opensearch.urls", "opensearch-url", "OpenSearch/Elasticsearch URLs", func(c *Config) any { return &c.OpenSearch.URLs }},
	{"backend.opensearch.index", "index", "index pattern to search", func(c *Config) any { return &c.OpenSearch.Index }},
	{"backend.opensearch.user_env", "user-env", "name of the environment variable holding the user", func(c *Config) any { return &c.OpenSearch.UserEnv }},
	{"backend.opensearch.password_env", "password-env", "name of the environment variable holding the password", func(c *Config) any { return &c.OpenSearch.PasswordEnv }},
	{"backend.opensearch.ca_file", "ca-file", "PEM file of CA certificates to trust", func(c *Config) any { return &c.OpenSearch.CAFile }},
	{"backend.opensearch.insecure_skip_verify", "insecure-skip-verify", "do not verify the server's certificate (testing only)", func(c *Config) any { return &c.OpenSearch.Insecure }},
	{"backend.opensearch.timeout", "timeout", "timeout of one request", func(c *Config) any { return &c.OpenSearch.Timeout }},
	{"backend.opensearch.discover", "discover", "read the index's field types at start (_field_caps) to choose, per field, the name to aggregate on (a keyword or its .keyword sub-field) and to read from _source; off: the configured names as they are", func(c *Config) any { return &c.OpenSearch.Discover }},
	{"backend.opensearch.write_prefix", "write-prefix", "daily indices that `ingest --to opensearch` writes: this prefix and the day (logstash-logs-2026.11.20)", func(c *Config) any { return &c.OpenSearch.WritePrefix }},
	{"backend.opensearch.deadline", "deadline", "time every request to the server may take together in one run, retries included", func(c *Config) any { return &c.OpenSearch.Deadline }},
}

// The field map's settings: backend.opensearch.fields.<name>, --field-<name>.
func init() {
	for _, f := range []struct {
		name, usage string
		ptr         func(*Config) *string
	}{
		{"message", "the log line's text", func(c *Config) *string { return &c.OpenSearch.Fields.Message }},
		{"timestamp", "the line's time", func(c *Config) *string { return &c.OpenSearch.Fields.Timestamp }},
		{"build_uuid", "the build's uuid (a keyword field: it is aggregated)", func(c *Config) *string { return &c.OpenSearch.Fields.BuildUUID }},
		{"build_name", "the job name", func(c *Config) *string { return &c.OpenSearch.Fields.BuildName }},
		{"build_status", "the build result (keyword)", func(c *Config) *string { return &c.OpenSearch.Fields.BuildStatus }},
		{"voting", "whether the job votes", func(c *Config) *string { return &c.OpenSearch.Fields.Voting }},
		{"voting_value", "how the index writes a voting job: 1 or true", func(c *Config) *string { return &c.OpenSearch.Fields.VotingValue }},
		{"log_url", "the build's log URL", func(c *Config) *string { return &c.OpenSearch.Fields.LogURL }},
		{"project", "the project", func(c *Config) *string { return &c.OpenSearch.Fields.Project }},
		{"pipeline", "the pipeline", func(c *Config) *string { return &c.OpenSearch.Fields.Pipeline }},
		{"branch", "the branch", func(c *Config) *string { return &c.OpenSearch.Fields.Branch }},
		{"filename", "the log file's name", func(c *Config) *string { return &c.OpenSearch.Fields.Filename }},
		{"node_provider", "the node's cloud provider (OpenStack's OpenSearch writes `local` here; point it at a field holding the cloud, or leave it)", func(c *Config) *string { return &c.OpenSearch.Fields.Provider }},
		{"node_region", "the cloud region of the node (OpenStack's OpenSearch: hosts_region)", func(c *Config) *string { return &c.OpenSearch.Fields.Region }},
		{"build_node", "the node label or nodeset (ubuntu-noble): not the provider", func(c *Config) *string { return &c.OpenSearch.Fields.Node }},
	} {
		ptr := f.ptr
		Settings = append(Settings, Setting{Key: "backend.opensearch.fields." + f.name, Flag: "field-" + strings.ReplaceAll(f.name, "_", "-"),
			Usage: "index field: " + f.usage, ptr: func(c *Config) any { return ptr(c) }})
	}
}

// Flags registers a flag for every setting whose flag name is in names
// (all settings when names is empty) and returns a function that applies
// the flags given on the command line to a loaded Config: flags win over
// the file.
func Flags(fs *pflag.FlagSet, names ...string) func(*Config) {
	scratch := Default()
	var bound []Setting
	for _, s := range Settings {
		if len(names) > 0 && !slices.Contains(names, s.Flag) {
			continue
		}
		bound = append(bound, s)
		switch p := s.ptr(scratch).(type) {
		case *string:
			fs.StringVar(p, s.Flag, *p, s.Usage)
		case *bool:
			fs.BoolVar(p, s.Flag, *p, s.Usage)
		case *int:
			fs.IntVar(p, s.Flag, *p, s.Usage)
		case *[]string:
			fs.StringSliceVar(p, s.Flag, *p, s.Usage+" (comma-separated or repeated)")
		case *time.Duration:
			fs.Var((*durationValue)(p), s.Flag, s.Usage)
		case *lucene.Operator:
			fs.Var((*operatorValue)(p), s.Flag, s.Usage)
		case *[]Source:
			fs.Var((*sourcesValue)(p), s.Flag, s.Usage+" (repeated; given here, they replace the file's)")
		}
	}
	return func(c *Config) {
		for _, s := range bound {
			if fs.Changed(s.Flag) {
				copyValue(s.ptr(c), s.ptr(scratch))
				c.byFlag = append(c.byFlag, s.Key)
			}
		}
	}
}

func copyValue(dst, src any) {
	switch d := dst.(type) {
	case *string:
		*d = *src.(*string)
	case *bool:
		*d = *src.(*bool)
	case *int:
		*d = *src.(*int)
	case *[]string:
		*d = append([]string(nil), *src.(*[]string)...)
	case *time.Duration:
		*d = *src.(*time.Duration)
	case *lucene.Operator:
		*d = *src.(*lucene.Operator)
	case *[]Source:
		*d = append([]Source(nil), *src.(*[]Source)...)
	}
}

// durationValue is a flag accepting "10d" as well as Go durations.
type durationValue time.Duration

func (d *durationValue) String() string { return FormatDuration(time.Duration(*d)) }
func (d *durationValue) Type() string   { return "duration" }
func (d *durationValue) Set(s string) error {
	v, err := yamlfile.ParseDuration(s)
	if err == nil {
		*d = durationValue(v)
	}
	return err
}

type operatorValue lucene.Operator

func (o *operatorValue) String() string { return lucene.Operator(*o).String() }
func (o *operatorValue) Type() string   { return "AND|OR" }
func (o *operatorValue) Set(s string) error {
	v, err := lucene.ParseOperator(s)
	if err == nil {
		*o = operatorValue(v)
	}
	return err
}

// FormatDuration writes whole days as "10d", else Go's form.
func FormatDuration(d time.Duration) string {
	if d > 0 && d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
