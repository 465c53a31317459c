// Package tracker fetches bug titles and statuses from the trackers that
// queries point to: Launchpad, GitHub issues, Jira, Bugzilla and
// Storyboard. It is optional by design: lookups have timeouts and limited
// concurrency, answers are cached in a file between runs, and a failed or
// skipped lookup only means the query's own title (or the bug id) shows.
package tracker

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/internal/httpclient"
)

// Info is what a tracker says of a bug.
type Info struct {
	Title   string    `json:"title"`
	Status  string    `json:"status,omitempty"`
	Fetched time.Time `json:"fetched"`
	// Failed marks a lookup that got no answer; it is not tried again for
	// an hour, so a machine without network does not wait on every build.
	Failed bool `json:"failed,omitempty"`
}

// maxAnswer caps a tracker's answer: a bug's JSON (Launchpad's is the
// largest, a few kilobytes) with room to spare.
const maxAnswer = 4 << 20

// retryFailed is how long a failed lookup is remembered.
const retryFailed = time.Hour

// Fetcher looks bugs up.
type Fetcher struct {
	// Client sends the lookups; a plain httpclient.Client when nil.
	Client      *httpclient.Client
	Timeout     time.Duration // per lookup; 10s when 0
	Concurrency int           // lookups at once; 4 when 0
	TTL         time.Duration // cache lifetime; 24h when 0
	CacheFile   string        // "" for no cache
	// APIs maps a tracker to its API base, for tests; the defaults are the
	// public services (Jira and Bugzilla: the bug URL's own host).
	APIs map[recheckgen.Tracker]string
}

var defaultAPIs = map[recheckgen.Tracker]string{
	recheckgen.Launchpad:  "https://api.launchpad.net/1.0",
	recheckgen.GitHub:     "https://api.github.com",
	recheckgen.Storyboard: "https://storyboard.openstack.org/api/v1",
}

// Lookup returns what the trackers say of bugs, keyed by Key(bug). Bugs
// whose tracker cannot be asked, or does not answer, are left out.
func (f *Fetcher) Lookup(ctx context.Context, bugs []recheckgen.BugRef) map[string]Info {
	cache := f.load()
	out := map[string]Info{}
	var todo []recheckgen.BugRef
	for _, b := range bugs {
		in, ok := cache[Key(b)]
		switch {
		case ok && in.Failed && time.Since(in.Fetched) < retryFailed:
		case ok && !in.Failed && time.Since(in.Fetched) < f.ttl():
			out[Key(b)] = in
		case f.request(b) != "":
			todo = append(todo, b)
		}
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	n := f.Concurrency
	if n <= 0 {
		n = 4
	}
	sem := make(chan struct{}, n)
	for _, b := range todo {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			in, err := f.fetch(ctx, b)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				cache[Key(b)] = Info{Failed: true, Fetched: time.Now().UTC()}
				return
			}
			out[Key(b)], cache[Key(b)] = in, in
		}()
	}
	wg.Wait()
	f.save(cache)
	return out
}

func (f *Fetcher) ttl() time.Duration {
	if f.TTL > 0 {
		return f.TTL
	}
	return 24 * time.Hour
}

// Key names a bug across trackers.
func Key(b recheckgen.BugRef) string { return string(b.Tracker) + ":" + b.ID }

func (f *Fetcher) api(t recheckgen.Tracker, bugURL string) string {
	if a := f.APIs[t]; a != "" {
		return strings.TrimSuffix(a, "/")
	}
	if a := defaultAPIs[t]; a != "" {
		return a
	}
	u, err := url.Parse(bugURL) // Jira and Bugzilla answer on the bug's own host
	if err != nil {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// request is the API URL that describes bug b, or "" when none can.
func (f *Fetcher) request(b recheckgen.BugRef) string {
	base := f.api(b.Tracker, b.URL)
	switch b.Tracker {
	case recheckgen.Launchpad:
		return base + "/bugs/" + url.PathEscape(b.ID)
	case recheckgen.GitHub:
		repo, num, ok := strings.Cut(b.ID, "#")
		if !ok {
			return ""
		}
		return base + "/repos/" + repo + "/issues/" + url.PathEscape(num)
	case recheckgen.Jira:
		return base + "/rest/api/2/issue/" + url.PathEscape(b.ID) + "?fields=summary,status"
	case recheckgen.Bugzilla:
		return base + "/rest/bug/" + url.PathEscape(b.ID) + "?include_fields=summary,status"
	case recheckgen.Storyboard:
		return base + "/stories/" + url.PathEscape(b.ID)
	}
	return ""
}

func (f *Fetcher) fetch(ctx context.Context, b recheckgen.BugRef) (Info, error) {
	timeout := f.Timeout
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.request(b), nil)
	if err != nil {
		return Info{}, err
	}
	req.Header.Set("Accept", "application/json")
	client := f.Client
	if client == nil {
		client = httpclient.New(httpclient.Options{})
	}
	data, err := client.Read(req, maxAnswer)
	if err != nil {
		return Info{}, fmt.Errorf("%s: %w", req.URL, err)
	}
	in, err := parse(b.Tracker, data)
	in.Fetched = time.Now().UTC()
	return in, err
}

// parse reads each tracker's answer.
func parse(t recheckgen.Tracker, data []byte) (Info, error) {
	var in Info
	var err error
	switch t {
	case recheckgen.Launchpad, recheckgen.Storyboard:
		var v struct{ Title, Status string }
		err = json.Unmarshal(data, &v)
		in.Title, in.Status = v.Title, v.Status
	case recheckgen.GitHub:
		var v struct{ Title, State string }
		err = json.Unmarshal(data, &v)
		in.Title, in.Status = v.Title, v.State
	case recheckgen.Jira:
		var v struct {
			Fields struct {
				Summary string
				Status  struct{ Name string }
			}
		}
		err = json.Unmarshal(data, &v)
		in.Title, in.Status = v.Fields.Summary, v.Fields.Status.Name
	case recheckgen.Bugzilla:
		var v struct {
			Bugs []struct{ Summary, Status string }
		}
		if err = json.Unmarshal(data, &v); err == nil && len(v.Bugs) > 0 {
			in.Title, in.Status = v.Bugs[0].Summary, v.Bugs[0].Status
		}
	}
	if err == nil && strings.TrimSpace(in.Title) == "" {
		err = fmt.Errorf("no title in the %s answer", t)
	}
	return in, err
}

func (f *Fetcher) load() map[string]Info {
	out := map[string]Info{}
	if f.CacheFile == "" {
		return out
	}
	if data, err := os.ReadFile(f.CacheFile); err == nil {
		_ = json.Unmarshal(data, &out) // a damaged cache is only a cold one
	}
	return out
}

func (f *Fetcher) save(cache map[string]Info) {
	if f.CacheFile == "" {
		return
	}
	data, err := json.MarshalIndent(cache, "", " ")
	if err != nil {
		return
	}
	os.MkdirAll(filepath.Dir(f.CacheFile), 0o755)
	tmp := f.CacheFile + ".tmp"
	if os.WriteFile(tmp, data, 0o644) == nil {
		os.Rename(tmp, f.CacheFile)
	}
}
