package jenkins_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen/internal/replay"
	"github.com/recheckgen/recheckgen/jenkins"
	"github.com/recheckgen/recheckgen/sample"
	"github.com/recheckgen/recheckgen/zuul"
)

var (
	corpusOnce sync.Once
	corpus     []*replay.Build
	corpusErr  error
)

func builds(t *testing.T) []*replay.Build {
	t.Helper()
	corpusOnce.Do(func() {
		dir, err := os.MkdirTemp("", "recheckgen-jenkins-test-")
		if err != nil {
			corpusErr = err
			return
		}
		defer os.RemoveAll(dir)
		if _, corpusErr = sample.Generate(filepath.Join(dir, "s"), sample.Options{Builds: 80}); corpusErr == nil {
			corpus, corpusErr = replay.Load(filepath.Join(dir, "s"))
		}
	})
	if corpusErr != nil {
		t.Fatal(corpusErr)
	}
	return corpus
}

var now = sample.DefaultOptions().End.Add(time.Hour)

func get(ctx context.Context, u string, limit int64) ([]byte, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		data, _ := io.ReadAll(resp.Body)
		return nil, fmt.Errorf("status %d: %s", resp.StatusCode, data)
	}
	return io.ReadAll(io.LimitReader(resp.Body, limit))
}

func list(t *testing.T, l *jenkins.Lister, since time.Time) (map[string][]jenkins.Item, int, error) {
	t.Helper()
	out := map[string][]jenkins.Item{}
	pages := 0
	err := l.List(context.Background(), since, func(p jenkins.Page) (bool, error) {
		pages++
		out[p.Job] = append(out[p.Job], p.Items...)
		return false, nil
	})
	return out, pages, err
}

// TestListView: the view's every job, every build once, mapped to the
// build record ingest reads back: job, result, times, the build's URL,
// and its console text's URL.
func TestListView(t *testing.T) {
	bs := builds(t)
	j := replay.NewJenkins(t, bs, replay.JenkinsOptions{})
	got, _, err := list(t, &jenkins.Lister{URL: j.URL + "/view/all/", Get: get, Limit: 7, Now: now}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{}
	for _, b := range bs {
		want[b.Job]++
	}
	if len(got) != len(want) {
		t.Errorf("%d jobs listed, want %d", len(got), len(want))
	}
	for job, n := range want {
		items := got[job]
		if len(items) != n {
			t.Errorf("%s: %d builds, want %d", job, len(items), n)
			continue
		}
		seen := map[string]bool{}
		for _, it := range items {
			b := it.Build
			if seen[b.UUID] {
				t.Errorf("%s: %s twice", job, b.UUID)
			}
			seen[b.UUID] = true
			if b.Job != job || b.Start.IsZero() || b.End.Before(b.Start) || b.Result == "" || b.Pipeline != "" ||
				!strings.HasPrefix(b.LogURL, j.JobURL(job)) || it.ConsoleURL != b.LogURL+"consoleText" {
				t.Errorf("%s: %+v %s", job, b, it.ConsoleURL)
			}
			back, err := zuul.Decode(it.Raw)
			if err != nil || back != b {
				t.Errorf("build.json reads back as %+v, %v", back, err)
			}
		}
	}
	// Each request is one the replay (strict about ?tree=) understood.
	for _, r := range j.Requests() {
		if !strings.Contains(r, "/api/json?tree=") {
			t.Errorf("request %s", r)
		}
	}
}

// TestListJobShifting: builds finishing while a job's pages are read
// shift them; the overlap finds the shift, duplicates are dropped, and a
// running build is passed on without a result.
func TestListJobShifting(t *testing.T) {
	bs := builds(t)
	j := replay.NewJenkins(t, bs, replay.JenkinsOptions{})
	job := bs[0].Job
	var mine []*replay.Build
	for _, b := range bs {
		if b.Job == job {
			mine = append(mine, b)
		}
	}
	top := *mine[0]
	top.Start = now.Add(-time.Hour)
	j.Add(&top, true) // still building when the listing starts
	n := 0
	j.OnRequest(func(r *http.Request) {
		if strings.Contains(r.URL.RawQuery, "allBuilds") && !strings.Contains(r.URL.RawQuery, "%7B0,") && !strings.Contains(r.URL.RawQuery, "{0,") {
			n++
			c := *mine[0]
			c.Start = now.Add(-time.Duration(n) * time.Minute)
			j.Add(&c, false)
		}
	})
	got, pages, err := list(t, &jenkins.Lister{URL: j.JobURL(job), Get: get, Limit: 3, Now: now}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 || pages < 3 {
		t.Fatalf("nothing was added while paging (%d pages)", pages)
	}
	numbers := map[string]bool{}
	running := 0
	for _, it := range got[job] {
		if numbers[it.Build.UUID] {
			t.Errorf("%s twice", it.Build.UUID)
		}
		numbers[it.Build.UUID] = true
		if it.Running() {
			running++
		}
	}
	for k := 1; k <= len(mine); k++ {
		if !numbers[jenkins.UUID(j.JobURL(job), int64(k))] {
			t.Errorf("build %d missed", k)
		}
	}
	if running != 1 {
		t.Errorf("%d running builds passed on, want 1", running)
	}
}

// TestListBadInput: answers that are not Jenkins' JSON API, builds
// without numbers, and URLs on another host are refused with a clear
// error or a warning.
func TestListBadInput(t *testing.T) {
	bs := builds(t)
	j := replay.NewJenkins(t, bs, replay.JenkinsOptions{})
	job := bs[0].Job
	jobPath := "/job/" + job + "/api/json"
	for _, tc := range []struct {
		body, want string
		warn       bool
	}{
		{`<html>Jenkins is restarting</html>`, "not Jenkins' JSON API: invalid character '<'", false},
		{`{"_class": "hudson.model.FreeStyleProject"}`, "neither a job (no fullName) nor a view or folder", false},
		{`{"jobs": [{"name": "x", "url": "https://elsewhere.example.org/job/x/"}]}`, `job "x": URL "https://elsewhere.example.org/job/x/" is not on http://127.0.0.1`, false},
	} {
		j.Clear()
		j.Inject(replay.Path(jobPath), replay.Fault{Body: []byte(tc.body), Times: 1})
		_, _, err := list(t, &jenkins.Lister{URL: j.JobURL(job), Get: get, Now: now}, time.Time{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%.30s: %v, want %q", tc.body, err, tc.want)
		}
	}
	j.Clear()
	page, _ := json.Marshal(map[string]any{"allBuilds": []any{
		map[string]any{"number": 3, "result": "FAILURE", "timestamp": now.Add(-time.Hour).UnixMilli(), "duration": 60000, "url": j.JobURL(job) + "3/"},
		map[string]any{"result": "FAILURE", "timestamp": 5},
		map[string]any{"number": 1, "result": "FAILURE", "timestamp": 5, "url": "file:///etc/passwd"},
		"nonsense",
	}})
	j.Inject(func(r *http.Request) bool {
		return r.URL.Path == jobPath && strings.Contains(r.URL.RawQuery, "allBuilds")
	},
		replay.Fault{Body: page, Times: 1})
	var warns []string
	var items []jenkins.Item
	err := (&jenkins.Lister{URL: j.JobURL(job), Get: get, Now: now}).List(context.Background(), time.Time{}, func(p jenkins.Page) (bool, error) {
		warns = append(warns, p.Warnings...)
		items = append(items, p.Items...)
		return false, nil
	})
	all := strings.Join(warns, "\n")
	if err != nil || len(items) != 1 || !strings.Contains(all, "build 1: no number or timestamp") ||
		!strings.Contains(all, `build 2: URL "file:///etc/passwd" is not on http://127.0.0.1`) || !strings.Contains(all, "build 3: not a build") {
		t.Errorf("err %v, %d items, warnings:\n%s", err, len(items), all)
	}
}
