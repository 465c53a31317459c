package tracker

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
)

// fakeTrackers answers like each tracker's API, on 127.0.0.1.
func fakeTrackers(t *testing.T, calls *atomic.Int32) *httptest.Server {
	answers := map[string]string{
		"/lp/bugs/1796151":                   `{"title": "OOM killer kills mysqld", "status": "Confirmed"}`,
		"/gh/repos/openstack/nova/issues/12": `{"title": "A GitHub issue", "state": "open"}`,
		"/rest/api/2/issue/OSPRH-1":          `{"fields": {"summary": "A Jira issue", "status": {"name": "In Progress"}}}`,
		"/rest/bug/1876543":                  `{"bugs": [{"summary": "A Bugzilla bug", "status": "NEW"}]}`,
		"/sb/stories/2004757":                `{"title": "A story", "status": "active"}`,
		"/lp/bugs/404":                       ``,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		body, ok := answers[r.URL.Path]
		if !ok || body == "" {
			http.NotFound(w, r)
			return
		}
		if r.URL.Path == "/rest/api/2/issue/OSPRH-1" && r.URL.Query().Get("fields") != "summary,status" {
			t.Errorf("jira fields: %s", r.URL.RawQuery)
		}
		w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestLookup(t *testing.T) {
	var calls atomic.Int32
	srv := fakeTrackers(t, &calls)
	f := &Fetcher{CacheFile: filepath.Join(t.TempDir(), "cache.json"), Timeout: time.Second,
		APIs: map[recheckgen.Tracker]string{recheckgen.Launchpad: srv.URL + "/lp", recheckgen.GitHub: srv.URL + "/gh", recheckgen.Storyboard: srv.URL + "/sb"}}
	bugs := []recheckgen.BugRef{
		recheckgen.BugFromID("1796151"),
		{Tracker: recheckgen.GitHub, ID: "openstack/nova#12"},
		{Tracker: recheckgen.Jira, ID: "OSPRH-1", URL: srv.URL + "/browse/OSPRH-1"},
		{Tracker: recheckgen.Bugzilla, ID: "1876543", URL: srv.URL + "/show_bug.cgi?id=1876543"},
		{Tracker: recheckgen.Storyboard, ID: "2004757"},
		recheckgen.BugFromID("404"),
		{Tracker: recheckgen.OtherTracker, ID: "x", URL: "https://example.org/x"},
		recheckgen.BugFromID("no-tracker"),
	}
	got := f.Lookup(context.Background(), bugs)
	want := map[string][2]string{
		"launchpad:1796151":        {"OOM killer kills mysqld", "Confirmed"},
		"github:openstack/nova#12": {"A GitHub issue", "open"},
		"jira:OSPRH-1":             {"A Jira issue", "In Progress"},
		"bugzilla:1876543":         {"A Bugzilla bug", "NEW"},
		"storyboard:2004757":       {"A story", "active"},
	}
	if len(got) != len(want) {
		t.Errorf("got %d answers: %v", len(got), got)
	}
	for k, w := range want {
		if got[k].Title != w[0] || got[k].Status != w[1] {
			t.Errorf("%s: %+v, want %v", k, got[k], w)
		}
	}
	if n := calls.Load(); n != 6 {
		t.Errorf("%d requests, want 6 (the other and no-tracker bugs are never asked)", n)
	}
	// A second run answers from the cache, and does not ask again for the
	// bug that failed.
	again := f.Lookup(context.Background(), bugs)
	if len(again) != len(want) || calls.Load() != 6 {
		t.Errorf("cached run: %d answers, %d requests in all", len(again), calls.Load())
	}
}

func TestUnreachable(t *testing.T) {
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { time.Sleep(500 * time.Millisecond) }))
	defer slow.Close()
	f := &Fetcher{Timeout: 50 * time.Millisecond, APIs: map[recheckgen.Tracker]string{recheckgen.Launchpad: slow.URL}}
	start := time.Now()
	if got := f.Lookup(context.Background(), []recheckgen.BugRef{recheckgen.BugFromID("1")}); len(got) != 0 {
		t.Errorf("got %v from a tracker that timed out", got)
	}
	if time.Since(start) > 400*time.Millisecond {
		t.Error("the lookup did not time out")
	}
}

// TestHugeAnswer: a tracker answering with an endless body costs at most
// the answer cap: the lookup fails (the query's own title shows).
func TestHugeAnswer(t *testing.T) {
	var sent atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"title": "`))
		chunk := make([]byte, 64<<10)
		for i := range chunk {
			chunk[i] = 'x'
		}
		for sent.Load() < 1<<30 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
			sent.Add(int64(len(chunk)))
		}
	}))
	defer srv.Close()
	f := &Fetcher{APIs: map[recheckgen.Tracker]string{recheckgen.Launchpad: srv.URL}}
	bug := recheckgen.BugFromID("1")
	if got := f.Lookup(context.Background(), []recheckgen.BugRef{bug}); len(got) != 0 {
		t.Errorf("got an answer from an endless body")
	}
	if _, err := f.fetch(context.Background(), bug); err == nil || !strings.Contains(err.Error(), "response over 4194304 bytes") {
		t.Errorf("fetch: %v", err)
	}
	if n := sent.Load(); n > 64<<20 {
		t.Errorf("%d bytes sent before the client stopped reading", n)
	}
}
