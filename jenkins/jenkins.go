// Package jenkins lists the builds of Jenkins jobs through Jenkins' JSON
// API and maps them to recheckgen's build record: job, result, times and
// the build's URL (Jenkins has no pipelines, projects or changes). A build's
// log is its console text, BUILD_URL/consoleText.
package jenkins

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/zuul"
)

// Getter fetches a URL and returns its body, at most limit bytes. The
// caller decides retries, concurrency and time (package fetch).
type Getter func(ctx context.Context, url string, limit int64) ([]byte, error)

// ConsoleName is the file a build's console text is stored as: the name
// elastic-recheck's log pipeline gave Jenkins' console log, so queries
// written for it (tags:console, filename:console.html) apply.
const ConsoleName = "console.html"

// Caps on what Jenkins sends: a page of 100 builds is about 15 KB.
const (
	MaxPageBytes = 16 << 20
	MaxJobs      = 500 // jobs of a view or folder
	maxRereads   = 20
)

// Item is one build.
type Item struct {
	// Raw is the build record written as build.json: Zuul's flat shape.
	Raw   json.RawMessage
	Build recheckgen.Build
	// ConsoleURL is where its console text is.
	ConsoleURL string
}

// Running says the build has not finished.
func (it Item) Running() bool { return it.Build.Result == "" }

// Page is one page of one job's builds, as the visitor sees it.
type Page struct {
	Job            string // the job's full name
	Items          []Item // builds not seen before, started at or after since, and running ones
	Oldest, Newest time.Time
	Warnings       []string
}

// Lister lists the builds of a job, or of every job in a view or folder.
type Lister struct {
	// URL is a job (https://HOST/job/NAME), a folder or a view
	// (https://HOST/view/NAME).
	URL      string
	Get      Getter
	Limit    int // builds per page, 100 when 0
	MaxPages int // per job, 10,000 when 0
	Now      time.Time
}

// ErrGap is returned (wrapped) when a job's pages could not be made to
// join: builds may have been missed.
var ErrGap = errors.New("pages of the listing did not join")

// List lists the builds of every job under the URL, newest first per job,
// calling visit with each page, until a job's page holds only builds that
// started before since or is its last; visit's stop moves on to the next
// job.
func (l *Lister) List(ctx context.Context, since time.Time, visit func(Page) (stop bool, err error)) error {
	jobs, err := l.jobs(ctx)
	if err != nil {
		return err
	}
	for _, j := range jobs {
		if err := l.listJob(ctx, j, since, visit); err != nil {
			return err
		}
	}
	return nil
}

type job struct{ name, url string }

// jobs resolves the URL: a job is itself; a view or a folder holds jobs
// (folders inside folders are followed two levels down).
func (l *Lister) jobs(ctx context.Context) ([]job, error) {
	var out []job
	var walk func(u string, depth int) error
	walk = func(u string, depth int) error {
		var node struct {
			Class    string `json:"_class"`
			FullName string `json:"fullName"`
			URL      string `json:"url"`
			Jobs     *[]struct {
				Name string `json:"name"`
				URL  string `json:"url"`
			} `json:"jobs"`
		}
		if err := l.getJSON(ctx, apiURL(u, "tree=_class,fullName,url,jobs[name,url]"), &node); err != nil {
			return err
		}
		if node.Jobs == nil {
			if node.FullName == "" {
				return fmt.Errorf("%s: neither a job (no fullName) nor a view or folder (no jobs)", redact(u))
			}
			out = append(out, job{name: node.FullName, url: u})
			return nil
		}
		if depth == 3 {
			return nil
		}
		for _, j := range *node.Jobs {
			if len(out) >= MaxJobs {
				return fmt.Errorf("%s: more than %d jobs", redact(u), MaxJobs)
			}
			ju, err := within(u, j.URL)
			if err != nil {
				return fmt.Errorf("%s: job %q: %w", redact(u), j.Name, err)
			}
			if err := walk(ju, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(l.URL, 0); err != nil {
		return nil, err
	}
	return out, nil
}

// within checks that a URL a server named lies on the same scheme and
// host as the one asked: a view may not send the lister elsewhere.
func within(base, ref string) (string, error) {
	b, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	r, err := b.Parse(ref)
	if err != nil {
		return "", fmt.Errorf("bad URL %q", ref)
	}
	if r.Scheme != b.Scheme || r.Host != b.Host {
		return "", fmt.Errorf("URL %q is not on %s://%s", r.Redacted(), b.Scheme, b.Host)
	}
	r.RawQuery, r.Fragment = "", ""
	if !strings.HasSuffix(r.Path, "/") {
		r.Path += "/"
	}
	return r.String(), nil
}

// listJob pages through one job's builds with the API's range syntax,
// allBuilds[...]{M,N} (from M, inclusive, to N). New builds shift the
// pages while they are read: each page overlaps the one before by a build,
// duplicates are dropped, and a page that does not join is read again.
func (l *Lister) listJob(ctx context.Context, j job, since time.Time, visit func(Page) (bool, error)) error {
	limit, maxPages := l.Limit, l.MaxPages
	if limit <= 0 {
		limit = 100
	}
	if maxPages <= 0 {
		maxPages = 10000
	}
	now := l.Now
	if now.IsZero() {
		now = time.Now()
	}
	seen := map[int64]bool{}
	skip, rereads := 0, 0
	var anchor int64 = -1
	for pages := 0; ; pages++ {
		if pages == maxPages {
			return fmt.Errorf("listing %s: stopped after %d pages", redact(j.url), maxPages)
		}
		u := apiURL(j.url, fmt.Sprintf("tree=allBuilds[number,result,timestamp,duration,url,building]{%d,%d}", skip, skip+limit))
		var resp struct {
			AllBuilds *[]json.RawMessage `json:"allBuilds"`
		}
		if err := l.getJSON(ctx, u, &resp); err != nil {
			return err
		}
		if resp.AllBuilds == nil {
			return fmt.Errorf("listing %s: no allBuilds in the answer", redact(u))
		}
		var p Page
		p.Job = j.name
		var items []Item
		var numbers []int64
		for i, raw := range *resp.AllBuilds {
			it, n, err := l.decode(j, raw, now)
			if err != nil {
				p.Warnings = append(p.Warnings, fmt.Sprintf("%s build %d: %v: skipped", redact(u), i, err))
				continue
			}
			items, numbers = append(items, it), append(numbers, n)
		}
		if anchor >= 0 && len(items) > 0 {
			has, overlap := false, false
			for _, n := range numbers {
				has = has || n == anchor
				overlap = overlap || seen[n]
			}
			if !has && !overlap {
				if rereads == maxRereads {
					return fmt.Errorf("listing %s: %w after %d pages read again", redact(j.url), ErrGap, rereads)
				}
				rereads++
				skip = max(0, skip-limit)
				continue
			}
		}
		allOld := len(items) > 0
		for i, it := range items {
			b := it.Build
			if p.Oldest.IsZero() || b.Start.Before(p.Oldest) {
				p.Oldest = b.Start
			}
			if b.Start.After(p.Newest) {
				p.Newest = b.Start
			}
			if !b.Start.Before(since) {
				allOld = false
			}
			if seen[numbers[i]] {
				continue
			}
			seen[numbers[i]] = true
			if it.Running() || !b.Start.Before(since) {
				p.Items = append(p.Items, it)
			}
		}
		stop, err := visit(p)
		if err != nil || stop || allOld || len(*resp.AllBuilds) < limit {
			return err
		}
		anchor = -1
		if len(numbers) > 0 {
			anchor = numbers[len(numbers)-1]
		}
		skip += len(*resp.AllBuilds) - 1
	}
}

// apiURL is u's JSON API with the query q.
func apiURL(u, q string) string {
	return strings.TrimSuffix(u, "/") + "/api/json?" + q
}

func (l *Lister) getJSON(ctx context.Context, u string, v any) error {
	data, err := l.Get(ctx, u, MaxPageBytes)
	if err != nil {
		return fmt.Errorf("%s: %w", redact(u), err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: not Jenkins' JSON API: %v", redact(u), err)
	}
	return nil
}

// build is what the lister asks of each build.
type build struct {
	Number    *int64  `json:"number"`
	Result    *string `json:"result"`
	Timestamp *int64  `json:"timestamp"`
	Duration  int64   `json:"duration"`
	URL       string  `json:"url"`
	Building  bool    `json:"building"`
}

// record is the build.json written for a Jenkins build: Zuul's flat
// shape, with the fields Jenkins has.
type record struct {
	UUID      string  `json:"uuid"`
	JobName   string  `json:"job_name"`
	Result    *string `json:"result"`
	StartTime string  `json:"start_time"`
	EndTime   *string `json:"end_time"`
	Duration  float64 `json:"duration"`
	Voting    bool    `json:"voting"`
	LogURL    string  `json:"log_url"`
	Pipeline  string  `json:"pipeline"`
	Project   string  `json:"project"`
	// Jenkins' own numbers, for a reader of the cache.
	Jenkins struct {
		Job    string `json:"job"`
		Number int64  `json:"number"`
	} `json:"jenkins"`
}

// ConsoleURL is where the console text of the build at buildURL (a
// record's log_url) is.
func ConsoleURL(buildURL string) string {
	if !strings.HasSuffix(buildURL, "/") {
		buildURL += "/"
	}
	return buildURL + "consoleText"
}

// UUID is the id recheckgen gives build number n of the job at jobURL:
// Jenkins numbers builds per job, so the job's URL is hashed in.
func UUID(jobURL string, n int64) string {
	h := sha256.Sum256([]byte(strings.TrimSuffix(jobURL, "/")))
	return "jenkins-" + hex.EncodeToString(h[:6]) + "-" + strconv.FormatInt(n, 10)
}

func (l *Lister) decode(j job, raw json.RawMessage, now time.Time) (Item, int64, error) {
	var b build
	if err := json.Unmarshal(raw, &b); err != nil {
		return Item{}, 0, fmt.Errorf("not a build: %v", err)
	}
	if b.Number == nil || *b.Number < 0 || b.Timestamp == nil {
		return Item{}, 0, errors.New("no number or timestamp")
	}
	burl, err := within(j.url, b.URL)
	if err != nil {
		return Item{}, 0, err
	}
	start := time.UnixMilli(*b.Timestamp).UTC()
	var r record
	r.UUID, r.JobName, r.Voting, r.LogURL = UUID(j.url, *b.Number), j.name, true, burl
	r.StartTime = start.Format("2006-01-02T15:04:05")
	r.Jenkins.Job, r.Jenkins.Number = j.name, *b.Number
	if !b.Building && b.Result != nil && *b.Result != "" {
		end := start.Add(time.Duration(max(b.Duration, 0)) * time.Millisecond).Format("2006-01-02T15:04:05")
		r.Result, r.EndTime, r.Duration = b.Result, &end, float64(max(b.Duration, 0))/1000
	}
	data, err := json.Marshal(r)
	if err != nil {
		return Item{}, 0, err
	}
	it := Item{Raw: data, ConsoleURL: ConsoleURL(burl)}
	if it.Build, err = zuul.Decode(data); err != nil {
		return Item{}, 0, err
	}
	if err := it.Build.Check(now); err != nil {
		return Item{}, 0, fmt.Errorf("invalid build: %w", err)
	}
	return it, *b.Number, nil
}

func redact(s string) string {
	if u, err := url.Parse(s); err == nil {
		return u.Redacted()
	}
	return s
}
