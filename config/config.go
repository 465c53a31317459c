// Package config reads recheckgen.yaml. One table of settings drives the
// YAML keys, the command-line flags, the defaults and the documentation,
// so every setting has a flag and none can drift from the others.
package config

import (
	"fmt"
	"slices"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/diag"
	"github.com/recheckgen/recheckgen/logfile"
	"github.com/recheckgen/recheckgen/lucene"
)

// DefaultFile is the config file read when --config is not given.
const DefaultFile = "recheckgen.yaml"

// Config is every setting of a run.
type Config struct {
	// File is the config file read, or "" when none was.
	File string

	Site       Site
	Dirs       Dirs
	Report     Report
	Tracker    Tracker
	Query      Query
	Window     Window
	Backend    Backend
	SQLite     SQLite
	OpenSearch OpenSearch
	// Sources are where builds come from (see sources.go).
	Sources []Source
	Fetch   Fetch

	byFlag []string // keys set by command-line flags
}

// ByFlag says whether the setting of key was given on the command line.
func (c *Config) ByFlag(key string) bool { return slices.Contains(c.byFlag, key) }

// Fetch tunes fetching from zuul and jenkins sources.
type Fetch struct {
	Cache string
	// Since and Keep: 0 for their defaults (FetchSince, FetchKeep).
	Since, Keep time.Duration
	PerHost     int
	Timeout     time.Duration // one try of one request
	Retries     int
	Budget      time.Duration // the whole fetch; 0 none
	MaxFileMiB  int
	MaxBuildMiB int
	LogAttempts int // fetches, one a run, that may try a build's logs
}

// Site describes the published site.
type Site struct {
	Title   string
	BaseURL string // absolute URL the site is served from, for feeds
	RepoURL string // repository URL, for "edit this page" links
	Branch  string // branch the edit links point to
	RawHTML bool   // let markdown carry raw HTML (off: content is untrusted)
	ECharts string // the ECharts script copied into the site ("" for server-drawn charts only)
	// Address templates of the CI system (see report.Links).
	ChangeURL string // {change}, {patchset}, {project}
	BuildURL  string // {uuid}, {job}, {project}
	LineURL   string // {log_url}, {file}, {line}, {uuid}
}

// Tracker says whether and how bug titles are fetched.
type Tracker struct {
	Offline bool          // never ask the trackers
	Cache   string        // file of answers kept between runs
	Timeout time.Duration // per lookup
}

// Report tunes the run.
type Report struct {
	Pipelines   []string // pipelines whose failures count as uncategorized (empty: all)
	Concurrency int      // queries (or batches of them) run at once
	Batch       int      // queries per OpenSearch _msearch request
	Previous    string   // an earlier report.json (path or http(s) URL) whose history is carried forward
	HistoryDays int      // days of history kept
	// QueryTimeout bounds one query on the embedded store: past it the
	// query fails alone and the rest of the site publishes.
	QueryTimeout time.Duration
	QuietDays    int // a runbook section whose known bugs had no hit for this many days is listed (0: off)
	// MaxLag is how far the newest log data may lie behind the build
	// before the site says so in a red banner (0: never).
	MaxLag time.Duration
	// TriageBuilds is how many of the window's failed builds, newest
	// first, the site explains (a page each) and groups (0: none).
	TriageBuilds int
}

// Dirs are the directories a run reads and writes.
type Dirs struct {
	Queries string
	Content string
	Theme   string // a user theme overriding the built-in one file by file
	Public  string
}

// Query says how query strings are read.
type Query struct {
	DefaultOperator lucene.Operator
	Fields          []string
}

// Window is the span a report covers.
type Window struct {
	Length time.Duration
	End    string // "now", "latest" or an RFC 3339 time
	Bucket time.Duration
}

// Backend picks the log search backend.
type Backend struct {
	Type string // "sqlite" or "opensearch"
}

// SQLite configures the embedded log store.
type SQLite struct {
	Path   string   // database file
	Ingest []string // build directories ingested before a run
	Sample string   // where the built-in sample corpus is generated and ingested ("" off)
	Globs  []string // log files read from a build directory
	// MaxFileMiB caps the text read from one log file, after
	// decompression.
	MaxFileMiB int
}

// OpenSearch configures a remote OpenSearch or Elasticsearch.
type OpenSearch struct {
	URLs        []string
	Index       string
	UserEnv     string // name of the variable holding the user
	PasswordEnv string // name of the variable holding the password
	CAFile      string
	Insecure    bool
	Timeout     time.Duration // per request
	Deadline    time.Duration // all requests of a run together
	Discover    bool          // choose field names from the index's field types
	WritePrefix string        // daily indices ingest writes
	// Fields names the index's fields (elastic-recheck's names by default).
	Fields OpenSearchFields
}

// OpenSearchFields are the index's field names for what recheckgen reads.
type OpenSearchFields struct {
	Message, Timestamp, BuildUUID, BuildName, BuildStatus, Voting, LogURL,
	Project, Pipeline, Branch, Filename, Provider, Region, Node, VotingValue string
}

// Backends lists the accepted backend types.
var Backends = []string{"sqlite", "opensearch"}

// Default is the configuration with no file and no flags.
func Default() *Config {
	return &Config{
		Site: Site{Title: "recheckgen", Branch: "main", ECharts: "node_modules/echarts/dist/echarts.min.js",
			LineURL: "{log_url}{file}#L{line}"},
		Report:  Report{Concurrency: 4, Batch: 50, HistoryDays: 90, QueryTimeout: time.Minute, QuietDays: 30, MaxLag: 3 * time.Hour, TriageBuilds: 2000},
		Tracker: Tracker{Cache: ".recheckgen/trackers.json", Timeout: 10 * time.Second},
		Dirs:    Dirs{Queries: "queries", Content: "content", Public: "public"},
		Query:   Query{DefaultOperator: lucene.OR, Fields: recheckgen.FieldNames()},
		Window:  Window{Length: 10 * 24 * time.Hour, End: "now", Bucket: time.Hour},
		Backend: Backend{Type: "sqlite"},
		Fetch: Fetch{Cache: ".recheckgen/cache", PerHost: 4, Timeout: 2 * time.Minute, Retries: 5, Budget: time.Hour,
			MaxFileMiB: 50, MaxBuildMiB: 500, LogAttempts: 4},
		SQLite: SQLite{Path: ".recheckgen/logs.db", MaxFileMiB: logfile.DefaultMaxFile >> 20, Globs: []string{
			"job-output.txt", "console.html", "*.log", "logs/**/*.txt", "logs/**/*.log",
			// Zuul v3 devstack jobs keep each node's logs under its name.
			"*/logs/**/*.txt", "*/logs/**/*.log"}},
		OpenSearch: OpenSearch{Index: "logstash-*", UserEnv: "RECHECKGEN_OPENSEARCH_USER",
			PasswordEnv: "RECHECKGEN_OPENSEARCH_PASSWORD", Timeout: 30 * time.Second, Deadline: 10 * time.Minute,
			Discover: true, WritePrefix: "logstash-logs-",
			Fields: OpenSearchFields{Message: "message", Timestamp: "@timestamp", BuildUUID: "build_uuid", BuildName: "build_name",
				BuildStatus: "build_status", Voting: "voting", LogURL: "log_url", Project: "project", Pipeline: "build_queue",
				Branch: "build_branch", Filename: "filename", Provider: "node_provider", Region: "node_region", Node: "build_node",
				VotingValue: "1"}},
	}
}

// FetchSince is how far back a source lists builds: its own since, or
// fetch.since, or by default the window and a day.
func (c *Config) FetchSince(s Source) time.Duration {
	switch {
	case s.Since > 0:
		return s.Since
	case c.Fetch.Since > 0:
		return c.Fetch.Since
	}
	return c.Window.Length + 24*time.Hour
}

// FetchKeep is how long fetched builds stay: fetch.keep, or by default
// the window and four days.
func (c *Config) FetchKeep() time.Duration {
	if c.Fetch.Keep > 0 {
		return c.Fetch.Keep
	}
	return c.Window.Length + 4*24*time.Hour
}

// WindowEnd resolves Window.End: the zero time for "latest" (the store
// decides), now for "now", else the parsed time.
func (c *Config) WindowEnd(now time.Time) (t time.Time, latest bool, err error) {
	switch c.Window.End {
	case "now", "":
		return now, false, nil
	case "latest":
		return time.Time{}, true, nil
	}
	t, err = parseTime(c.Window.End)
	return t, false, err
}

func parseTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("window end %s is not `now`, `latest` or a time such as 2026-11-20T10:00:00Z", diag.Quote(s))
}
