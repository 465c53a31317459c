package fetch

import (
	"context"
	"encoding/json"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/internal/replay"
)

var window = recheckgen.Window{Start: sampleNow.Add(-11 * 24 * time.Hour), End: sampleNow, Bucket: time.Hour}

// stored is every build the store holds in the window, by uuid.
func stored(t *testing.T, st interface {
	Builds(context.Context, recheckgen.Window, recheckgen.BuildFilter) ([]recheckgen.Build, bool, error)
}) (map[string]recheckgen.Build, bool) {
	t.Helper()
	bs, complete, err := st.Builds(context.Background(), window, recheckgen.BuildFilter{IncludeNonvoting: true})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]recheckgen.Build{}
	for _, b := range bs {
		out[b.UUID] = b
	}
	return out, complete
}

// cacheFiles lists the cache's files (slash paths), and fails the test on
// anything that is not a directory or a regular file.
func cacheFiles(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		if d.Type()&fs.ModeSymlink != 0 || (!d.IsDir() && !d.Type().IsRegular()) {
			t.Errorf("%s is neither a file nor a directory", p)
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	return out
}

// TestFetchZuul: every build of the window is stored, failures with their
// logs, passing builds with theirs for the share sampled by uuid, the
// rest without; only the selected files travel, compressed in the cache;
// the source's span is recorded so the builds are a denominator; a second
// run costs one request and fetches nothing.
func TestFetchZuul(t *testing.T) {
	for _, legacy := range []bool{false, true} {
		t.Run(map[bool]string{false: "zuul 10", true: "zuul 3"}[legacy], func(t *testing.T) {
			bs := builds(t)
			z := replay.NewZuul(t, bs, replay.ZuulOptions{Legacy: legacy, GzipEncoding: legacy})
			st := openStore(t)
			opts := testOptions(t)
			spec := zuulSpec(z)
			spec.SuccessPercent = 30
			sum := fetchOnce(t, []Spec{spec}, st, opts)
			s := sum.Sources[0]
			if s.Err != "" || !s.Complete || s.Listed != len(bs) || s.Fetched != len(bs) || s.Stored.Builds != len(bs) || len(s.LogsMissing) != 0 {
				t.Fatalf("first run: %s", s)
			}
			got, complete := stored(t, st)
			if !complete || len(got) != len(bs) {
				t.Fatalf("%d builds stored (complete %v), want %d", len(got), complete, len(bs))
			}
			files := cacheFiles(t, opts.Cache)
			withLogs := 0
			for _, b := range bs {
				g := got[b.UUID]
				want := b.Result != "SUCCESS" || sampled(b.UUID, 30)
				if want != (g.Logs == "") {
					t.Errorf("%s %s: logs %q, want held %v", b.UUID, b.Result, g.Logs, want)
				}
				if want {
					withLogs++
				}
				dir := "/" + b.UUID + "/"
				var mine []string
				for _, f := range files {
					if strings.Contains(f, dir) {
						mine = append(mine, f[strings.Index(f, dir)+len(dir):])
					}
				}
				if !slices.Contains(mine, "build.json") {
					t.Errorf("%s: no build.json in the cache", b.UUID)
				}
				for _, f := range mine {
					if f != "build.json" && f != "zuul-info/inventory.yaml" && !strings.HasSuffix(f, ".gz") {
						t.Errorf("%s: %s is not compressed in the cache", b.UUID, f)
					}
				}
				if want != (slices.Contains(mine, "job-output.txt.gz") || slices.Contains(mine, "console.html.gz")) {
					t.Errorf("%s: files %q", b.UUID, mine)
				}
			}
			if withLogs == len(bs) || withLogs < len(bs)/3 {
				t.Errorf("%d of %d builds with logs: the sampling chose none or all", withLogs, len(bs))
			}
			// Only files the ingest reads travel (and each build's manifest).
			want := selector(opts.Globs, opts.Extra)
			for _, r := range z.Requests() {
				p := strings.TrimPrefix(strings.Fields(r)[1], "/logs/")
				if strings.HasPrefix(p, "/api/") {
					continue
				}
				_, file, _ := strings.Cut(p, "/")
				if file != "zuul-manifest.json" && !want(file) {
					t.Errorf("fetched %s, which no glob selects", r)
				}
			}
			for _, ua := range z.UserAgents() {
				if !strings.HasPrefix(ua, "recheckgen/") {
					t.Errorf("User-Agent %q", ua)
				}
			}
			if z.MaxInFlight() > opts.PerHost {
				t.Errorf("%d requests at once, limit %d", z.MaxInFlight(), opts.PerHost)
			}
			if z.Conns() > int64(opts.PerHost) {
				t.Errorf("%d connections opened for %d requests: kept-alive connections not reused", z.Conns(), len(z.Requests()))
			}

			z.ResetLog()
			s = fetchOnce(t, []Spec{spec}, st, opts).Sources[0]
			if reqs := z.Requests(); len(reqs) != 1 || s.Fetched != 0 || s.Held != len(bs) || !s.Complete {
				t.Errorf("second run: %s; requests %q", s, reqs)
			}

			// Three builds finish: one page lists them, their files travel.
			z.ResetLog()
			for i := 0; i < 3; i++ {
				z.Add(copyBuild(bs[i], "n"+bs[i].UUID[1:], sampleNow.Add(-time.Duration(10+i)*time.Minute), "FAILURE"))
			}
			s = fetchOnce(t, []Spec{spec}, st, opts).Sources[0]
			api := 0
			for _, r := range z.Requests() {
				if strings.Contains(r, "/api/") {
					api++
				}
			}
			if s.Fetched != 3 || api != 1 || s.Stored.Builds != 3 {
				t.Errorf("third run: %s; %d API requests", s, api)
			}
		})
	}
}

// copyBuild is b as another build: uuid, start and result changed.
func copyBuild(b *replay.Build, uuid string, start time.Time, result string) *replay.Build {
	c := *b
	c.UUID, c.Start, c.Result = uuid, start, result
	c.Record = map[string]json.RawMessage{}
	for k, v := range b.Record {
		c.Record[k] = v
	}
	c.Record["uuid"] = json.RawMessage(`"` + uuid + `"`)
	c.Record["result"] = json.RawMessage(`"` + result + `"`)
	c.Record["start_time"] = json.RawMessage(`"` + start.Format("2006-01-02T15:04:05") + `"`)
	c.Record["end_time"] = json.RawMessage(`"` + start.Add(time.Minute).Format("2006-01-02T15:04:05") + `"`)
	return &c
}

// TestFetchJenkins: a view's jobs, every build of the window, the console
// text of the failed ones stored as console.html.
func TestFetchJenkins(t *testing.T) {
	bs := builds(t)
	j := replay.NewJenkins(t, bs, replay.JenkinsOptions{})
	st := openStore(t)
	opts := testOptions(t)
	spec := Spec{Kind: "jenkins", URL: j.URL + "/view/all/", Since: 11 * 24 * time.Hour, SuccessPercent: 0}
	s := fetchOnce(t, []Spec{spec}, st, opts).Sources[0]
	if s.Err != "" || !s.Complete || s.Fetched != len(bs) || s.Stored.Builds != len(bs) {
		t.Fatalf("%s", s)
	}
	got, complete := stored(t, st)
	if !complete || len(got) != len(bs) {
		t.Errorf("%d builds stored, complete %v", len(got), complete)
	}
	consoles := 0
	for _, f := range cacheFiles(t, opts.Cache) {
		if strings.HasSuffix(f, "/console.html.gz") {
			consoles++
		}
	}
	failed := 0
	for _, b := range got {
		if b.Failed() {
			failed++
			if b.Logs != "" {
				t.Errorf("%s: failed, logs %q", b.UUID, b.Logs)
			}
		} else if b.Logs != recheckgen.LogsNone {
			t.Errorf("%s: passed, logs %q", b.UUID, b.Logs)
		}
	}
	if consoles != failed || failed == 0 {
		t.Errorf("%d consoles for %d failed builds", consoles, failed)
	}
	j.ResetLog()
	s = fetchOnce(t, []Spec{spec}, st, opts).Sources[0]
	if s.Fetched != 0 || len(j.Requests()) > 1+2*len(j.Jobs()) {
		t.Errorf("second run: %s, %d requests for %d jobs", s, len(j.Requests()), len(j.Jobs()))
	}
}

// TestFetchRunning: a build still running is not stored, and holds the
// recorded span back to its start, so the run after it finishes reads
// down to it rather than stopping at the first page of builds held.
func TestFetchRunning(t *testing.T) {
	bs := builds(t)
	z := replay.NewZuul(t, bs, replay.ZuulOptions{})
	// The eight newest builds started in the last three hours (in the
	// order of their ids, which Zuul gives a build when it starts); the
	// eighth, on the second page of five, is still running.
	newest := z.Builds()
	for i := 0; i < 8; i++ {
		z.SetField(newest[i].UUID, "start_time", `"`+sampleNow.Add(-time.Duration(i+1)*20*time.Minute).Format("2006-01-02T15:04:05")+`"`)
	}
	runner := newest[7]
	z.SetField(runner.UUID, "result", "null")
	st := openStore(t)
	opts := testOptions(t)
	opts.PageSize = 5
	spec := zuulSpec(z)
	s := fetchOnce(t, []Spec{spec}, st, opts).Sources[0]
	if s.Running != 1 || s.Fetched != len(bs)-1 {
		t.Fatalf("%s", s)
	}
	z.SetField(runner.UUID, "result", `"FAILURE"`)
	z.ResetLog()
	s = fetchOnce(t, []Spec{spec}, st, opts).Sources[0]
	got, complete := stored(t, st)
	if s.Fetched != 1 || got[runner.UUID].UUID == "" || !complete {
		t.Errorf("after it finished: %s; stored %v, complete %v", s, got[runner.UUID].UUID != "", complete)
	}
}
