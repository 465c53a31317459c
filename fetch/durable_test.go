package fetch

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen/internal/replay"
)

// TestBudget: a fetch out of time stores the builds it fetched whole,
// leaves the rest for the next run, records no coverage and says so; the
// next run fetches only what is left.
func TestBudget(t *testing.T) {
	bs := builds(t)
	z := replay.NewZuul(t, bs, replay.ZuulOptions{Latency: 20 * time.Millisecond})
	st := openStore(t)
	opts := testOptions(t)
	opts.Budget = 500 * time.Millisecond
	s := fetchOnce(t, []Spec{zuulSpec(z)}, st, opts).Sources[0]
	if s.Left == 0 || s.Complete || !strings.Contains(s.Err, "time budget ran out") || s.Stored.Builds != s.Fetched {
		t.Fatalf("%s", s)
	}
	if got, complete := stored(t, st); len(got) != s.Fetched || complete {
		t.Errorf("%d builds stored, %d fetched; complete %v", len(got), s.Fetched, complete)
	}
	first := s.Fetched
	done, _ := stored(t, st)
	z.ResetLog()
	opts.Budget = 0
	s = fetchOnce(t, []Spec{zuulSpec(z)}, st, opts).Sources[0]
	if s.Fetched != len(bs)-first || s.Held != first || !s.Complete {
		t.Errorf("second run: %s", s)
	}
	for _, r := range z.Requests() {
		for uuid := range done {
			if strings.Contains(r, "/logs/"+uuid+"/") {
				t.Errorf("%s: fetched again", r)
			}
		}
	}
}

// TestResume: what a killed fetch leaves — a build half written in the
// cache's .tmp, whole builds in the cache the store never got — is
// cleaned up and stored by the next run, and no complete build is fetched
// again.
func TestResume(t *testing.T) {
	bs := builds(t)
	z := replay.NewZuul(t, bs, replay.ZuulOptions{})
	opts := testOptions(t)
	// A first fetch into a store that is then lost: the cache is full.
	fetchOnce(t, []Spec{zuulSpec(z)}, openStore(t), opts)
	half := filepath.Join(opts.Cache, ".tmp", bs[0].UUID+"-12345")
	if err := os.MkdirAll(filepath.Join(half, "logs"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(half, "logs", "half.txt.gz"), []byte("cut"), 0o644)
	st := openStore(t)
	z.ResetLog()
	s := fetchOnce(t, []Spec{zuulSpec(z)}, st, opts).Sources[0]
	if s.Fetched != 0 || s.Held != len(bs) || s.Stored.Builds != len(bs) || !s.Complete {
		t.Errorf("%s", s)
	}
	for _, r := range z.Requests() {
		if !strings.Contains(r, "/api/") {
			t.Errorf("fetched again: %s", r)
		}
	}
	if entries, _ := os.ReadDir(filepath.Join(opts.Cache, ".tmp")); len(entries) != 0 {
		t.Errorf(".tmp holds %v after a run", entries)
	}
}

// TestRetention: builds older than keep leave the store and the cache;
// the sample's and copied directories' builds are not the fetch's to
// remove.
func TestRetention(t *testing.T) {
	bs := builds(t)
	z := replay.NewZuul(t, bs, replay.ZuulOptions{})
	st := openStore(t)
	opts := testOptions(t)
	fetchOnce(t, []Spec{zuulSpec(z)}, st, opts)
	before := len(cacheFiles(t, opts.Cache))
	opts.Keep = 5 * 24 * time.Hour
	s := fetchOnce(t, []Spec{zuulSpec(z)}, st, opts).Sources[0]
	cut := sampleNow.Add(-opts.Keep)
	old := 0
	for _, b := range bs {
		if b.Start.Before(cut) {
			old++
		}
	}
	got, complete := stored(t, st)
	if s.Pruned != old || len(got) != len(bs)-old || old == 0 {
		t.Errorf("pruned %d of %d old builds; %d left", s.Pruned, old, len(got))
	}
	for _, b := range got {
		if b.Start.Before(cut) {
			t.Errorf("%s (%v) kept", b.UUID, b.Start)
		}
	}
	if complete {
		t.Error("a window reaching before what is kept is complete")
	}
	after := cacheFiles(t, opts.Cache)
	if len(after) >= before || s.PrunedCache == 0 {
		t.Errorf("cache: %d files before, %d after, %d builds pruned", before, len(after), s.PrunedCache)
	}
	for _, f := range after {
		parts := strings.Split(f, "/") // key/day/uuid/...
		if len(parts) < 3 {
			continue // .lock
		}
		if day, err := time.Parse("2006-01-02", parts[1]); err != nil || day.Add(24*time.Hour).Before(cut) {
			t.Errorf("%s left in the cache", f)
		}
	}
}

// TestCacheRefuses: builds the cache cannot take are warned about one by
// one and make the source fail as such (not as a budget spent); no
// coverage is recorded, and the next run, the cache mended, fetches them.
func TestCacheRefuses(t *testing.T) {
	bs := builds(t)
	z := replay.NewZuul(t, bs, replay.ZuulOptions{})
	st := openStore(t)
	opts := testOptions(t)
	spec := zuulSpec(z)
	// A file where the newest build's day directory goes.
	day := filepath.Join(opts.Cache, spec.Key(), dayName(bs[len(bs)-1].Start))
	if err := os.MkdirAll(filepath.Dir(day), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(day, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	s := fetchOnce(t, []Spec{spec}, st, opts).Sources[0]
	if !strings.Contains(s.Err, "build(s) could not be written into the cache") || strings.Contains(s.Err, "budget") || s.Complete ||
		!strings.Contains(strings.Join(s.Warnings, "\n"), ": cache: ") {
		t.Errorf("%s", s)
	}
	os.Remove(day)
	s = fetchOnce(t, []Spec{spec}, st, opts).Sources[0]
	if got, _ := stored(t, st); s.Err != "" || !s.Complete || len(got) != len(bs) {
		t.Errorf("the cache mended: %d builds stored; %s", len(got), s)
	}
}
