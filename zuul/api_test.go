package zuul_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen/internal/replay"
	"github.com/recheckgen/recheckgen/sample"
	"github.com/recheckgen/recheckgen/zuul"
)

var (
	corpusOnce sync.Once
	corpus     []*replay.Build
	corpusErr  error
)

// builds is a small sample corpus as a replay server serves it (a copy
// for each test).
func builds(t *testing.T) []*replay.Build {
	t.Helper()
	corpusOnce.Do(func() {
		dir, err := os.MkdirTemp("", "recheckgen-zuul-test-")
		if err != nil {
			corpusErr = err
			return
		}
		defer os.RemoveAll(dir)
		if _, corpusErr = sample.Generate(filepath.Join(dir, "s"), sample.Options{Builds: 45}); corpusErr == nil {
			corpus, corpusErr = replay.Load(filepath.Join(dir, "s"))
		}
	})
	if corpusErr != nil {
		t.Fatal(corpusErr)
	}
	out := make([]*replay.Build, len(corpus))
	for i, b := range corpus {
		c := *b
		c.Record = map[string]json.RawMessage{}
		for k, v := range b.Record {
			c.Record[k] = v
		}
		out[i] = &c
	}
	return out
}

// newBuild is a build that just finished, made from b.
func newBuild(b *replay.Build, n int, start time.Time) *replay.Build {
	c := *b
	c.UUID = fmt.Sprintf("new%029d", n)
	c.Start = start
	c.Record = map[string]json.RawMessage{}
	for k, v := range b.Record {
		c.Record[k] = v
	}
	u, _ := json.Marshal(c.UUID)
	s, _ := json.Marshal(start.Format("2006-01-02T15:04:05"))
	c.Record["uuid"], c.Record["start_time"] = u, s
	return &c
}

var now = sample.DefaultOptions().End.Add(time.Hour)

// list runs a listing and returns the uuids visited, in order.
func list(t *testing.T, l *zuul.Lister, since time.Time) ([]string, []zuul.Page, error) {
	t.Helper()
	var uuids []string
	var pages []zuul.Page
	err := l.List(context.Background(), since, func(p zuul.Page) (bool, error) {
		pages = append(pages, p)
		for _, it := range p.Items {
			uuids = append(uuids, it.Build.UUID)
		}
		return false, nil
	})
	return uuids, pages, err
}

func get(ctx context.Context, u string, limit int64) ([]byte, error) {
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("status %d", resp.StatusCode)
	}
	return io.ReadAll(io.LimitReader(resp.Body, limit))
}

func uuidsOf(bs []*replay.Build) []string {
	var out []string
	for _, b := range bs {
		out = append(out, b.UUID)
	}
	return out
}

func sameSet(t *testing.T, what string, got, want []string) {
	t.Helper()
	seen := map[string]int{}
	for _, u := range got {
		seen[u]++
		if seen[u] == 2 {
			t.Errorf("%s: %s listed twice", what, u)
		}
	}
	for _, u := range want {
		if seen[u] == 0 {
			t.Errorf("%s: %s not listed", what, u)
		}
	}
	if len(seen) != len(want) {
		t.Errorf("%s: %d builds listed, want %d", what, len(seen), len(want))
	}
}

// TestList: every build listed once, newest first, by idx_max where the
// records carry _id and by skip where they do not (the replay refuses
// parameters the server version does not take, as CherryPy does).
func TestList(t *testing.T) {
	for _, legacy := range []bool{false, true} {
		t.Run(fmt.Sprintf("legacy=%v", legacy), func(t *testing.T) {
			bs := builds(t)
			z := replay.NewZuul(t, bs, replay.ZuulOptions{Legacy: legacy})
			l := &zuul.Lister{Base: z.API(), Get: get, Limit: 10, Now: now}
			got, pages, err := list(t, l, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			sameSet(t, "listing", got, uuidsOf(bs))
			for i := 1; i < len(got); i++ {
				if got[i] == got[i-1] {
					t.Fatal("duplicate")
				}
			}
			want := "idx_max="
			if legacy {
				want = "skip="
			}
			reqs := z.Requests()
			if !strings.Contains(strings.Join(reqs, " "), want) || len(pages) != len(reqs) {
				t.Errorf("requests %q", reqs)
			}
			// 46 builds by 10: 5 pages by idx_max; by skip, pages overlap by
			// one build and the fifth is full, so a sixth finds the end.
			if want := map[bool]int{false: 5, true: 6}[legacy]; len(pages) != want {
				t.Errorf("%d pages for %d builds by 10, want %d", len(pages), len(bs), want)
			}
		})
	}
}

// TestListShifting: builds finishing while a client pages push the
// listing down. By skip, each page starts again with the last build of
// the page before; duplicates are dropped and nothing is missed. By
// idx_max nothing moves.
func TestListShifting(t *testing.T) {
	for _, legacy := range []bool{true, false} {
		t.Run(fmt.Sprintf("legacy=%v", legacy), func(t *testing.T) {
			bs := builds(t)
			z := replay.NewZuul(t, bs, replay.ZuulOptions{Legacy: legacy})
			n := 0
			z.OnRequest(func(r *http.Request) {
				if strings.Contains(r.URL.Path, "/builds") && r.URL.Query().Get("skip") != "" || r.URL.Query().Get("idx_max") != "" {
					for k := 0; k < 1+n%3; k++ { // 1 to 3 builds finish before each later page
						n++
						z.Add(newBuild(bs[0], n, now.Add(-time.Minute)))
					}
				}
			})
			l := &zuul.Lister{Base: z.API(), Get: get, Limit: 10, Now: now}
			got, _, err := list(t, l, time.Time{})
			if err != nil {
				t.Fatal(err)
			}
			var originals []string
			for _, u := range got {
				if !strings.HasPrefix(u, "new") {
					originals = append(originals, u)
				}
			}
			sameSet(t, "originals", originals, uuidsOf(bs))
			if n == 0 {
				t.Fatal("no build was added while paging")
			}
		})
	}
}

// TestListGap: builds removed above the page being read pull the listing
// up, which would skip builds: the page that does not join the one before
// is read again from further up.
func TestListGap(t *testing.T) {
	bs := builds(t)
	z := replay.NewZuul(t, bs, replay.ZuulOptions{Legacy: true})
	removed := false
	newest := z.Builds()
	z.OnRequest(func(r *http.Request) {
		if r.URL.Query().Get("skip") == "18" && !removed {
			removed = true
			for _, b := range newest[:12] { // twelve builds of the first pages vanish
				z.Remove(b.UUID)
			}
		}
	})
	l := &zuul.Lister{Base: z.API(), Get: get, Limit: 10, Now: now}
	got, _, err := list(t, l, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if !removed {
		t.Fatalf("the gap was never made: %q", z.Requests())
	}
	seen := map[string]bool{}
	for _, u := range got {
		seen[u] = true
	}
	for _, b := range newest[12:] {
		if !seen[b.UUID] {
			t.Errorf("%s missed after the gap", b.UUID)
		}
	}
}

// TestListSince: the listing stops after the first page whose builds all
// started before since, and passes on only builds since then.
func TestListSince(t *testing.T) {
	bs := builds(t)
	z := replay.NewZuul(t, bs, replay.ZuulOptions{})
	sort.Slice(bs, func(i, j int) bool { return bs[i].Start.After(bs[j].Start) })
	since := bs[14].Start
	l := &zuul.Lister{Base: z.API(), Get: get, Limit: 10, Now: now}
	got, pages, err := list(t, l, since)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, b := range bs {
		if !b.Start.Before(since) {
			want = append(want, b.UUID)
		}
	}
	sameSet(t, "since", got, want)
	if len(pages) != 3 {
		t.Errorf("%d pages read to reach %v: the page after the last build since is read, no more", len(pages), since)
	}
}

// TestListBadInput: a page that is not a list of builds fails the listing
// with the URL; records without uuid, of the wrong shape or with absurd
// values are skipped with a warning; a server that ignores idx_max is
// caught, not paged forever.
func TestListBadInput(t *testing.T) {
	bs := builds(t)
	z := replay.NewZuul(t, bs, replay.ZuulOptions{})
	api := "/api/tenant/sample/builds"
	for _, tc := range []struct {
		body string
		want string
	}{
		{`<html>maintenance</html>`, "not a page of builds (a JSON array): invalid character '<'"},
		{`{"builds": []}`, "not a page of builds (a JSON array): json: cannot unmarshal object"},
		{`[{"uuid": "a", "start_time": "2026-11-20T10:00:00", "result": "SUCCESS", "_id": 5}, 7, ` +
			`{"uuid": "", "result": "FAILURE"}, {"uuid": "../../etc", "result": "FAILURE"}, {"uuid": "b", "start_time": "3026-01-01T00:00:00", "result": "FAILURE"}]`, ""},
	} {
		z.Clear()
		z.Inject(replay.Path(api), replay.Fault{Body: []byte(tc.body), Times: 1})
		var warns []string
		var got []string
		err := (&zuul.Lister{Base: z.API(), Get: get, Limit: 100, Now: now}).List(context.Background(), time.Time{}, func(p zuul.Page) (bool, error) {
			warns = append(warns, p.Warnings...)
			for _, it := range p.Items {
				got = append(got, it.Build.UUID)
			}
			return false, nil
		})
		if tc.want != "" {
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), z.API()+"/builds?limit=100") {
				t.Errorf("%.30s: %v, want %q", tc.body, err, tc.want)
			}
			continue
		}
		if err != nil || strings.Join(got, " ") != "a" {
			t.Errorf("mixed page: %q %v", got, err)
		}
		all := strings.Join(warns, "\n")
		for _, w := range []string{"item 1: invalid build record", "item 2: build record has no uuid", "item 3: invalid build record: uuid \"../../etc\"",
			"item 4: invalid build record: start_time"} {
			if !strings.Contains(all, w) {
				t.Errorf("warnings lack %q:\n%s", w, all)
			}
		}
	}
	// A server that answers the first page whatever idx_max says.
	z.Clear()
	first, _ := get(context.Background(), z.API()+"/builds?limit=10", 1<<20)
	z.Inject(replay.Path(api), replay.Fault{Body: first})
	err := (&zuul.Lister{Base: z.API(), Get: get, Limit: 10, Now: now}).List(context.Background(), time.Time{}, func(zuul.Page) (bool, error) { return false, nil })
	if err == nil || !strings.Contains(err.Error(), "ignored idx_max") {
		t.Errorf("idx_max ignored: %v", err)
	}
}

// TestListRunningAndStop: builds without a result yet are passed on (the
// caller fetches them later); visit's stop ends the listing at once.
func TestListRunningAndStop(t *testing.T) {
	bs := builds(t)
	z := replay.NewZuul(t, bs, replay.ZuulOptions{})
	top := z.Builds()[0]
	z.SetField(top.UUID, "result", "null")
	var running []string
	calls := 0
	err := (&zuul.Lister{Base: z.API(), Get: get, Limit: 10, Now: now}).List(context.Background(), time.Time{}, func(p zuul.Page) (bool, error) {
		calls++
		for _, it := range p.Items {
			if it.Running() {
				running = append(running, it.Build.UUID)
			}
		}
		return true, nil
	})
	if err != nil || calls != 1 || len(z.Requests()) != 1 || strings.Join(running, " ") != top.UUID {
		t.Errorf("err %v, %d visits, requests %q, running %q", err, calls, z.Requests(), running)
	}
}
