package fetch

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/internal/replay"
	"github.com/recheckgen/recheckgen/store"
)

// fewBuilds is a handful of the corpus's builds, failures first (their
// logs are fetched), for tests that run many fetches.
func fewBuilds(t *testing.T) []*replay.Build {
	var failed, passed []*replay.Build
	for _, b := range builds(t) {
		if b.Result == "SUCCESS" {
			passed = append(passed, b)
		} else {
			failed = append(failed, b)
		}
	}
	return append(failed[:4], passed[:2]...)
}

// jobOutput is the path of a build's console log: job-output.txt
// (compressed or not), or a Jenkins-era build's console.html.
func jobOutput(b *replay.Build) string {
	for _, name := range []string{"job-output.txt", "job-output.txt.gz", "console.html"} {
		if _, ok := b.Files[name]; ok {
			return "/logs/" + b.UUID + "/" + name
		}
	}
	panic("no console log in " + b.UUID)
}

// readCached decompresses a file of the cache.
func readCached(t *testing.T, p string) []byte {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(zr)
	return data
}

// faultedRun fetches spec once into st, timed.
func faultedRun(t *testing.T, spec Spec, st *store.Store, opts Options) (SourceSummary, time.Duration) {
	t.Helper()
	start := time.Now()
	sum := fetchOnce(t, []Spec{spec}, st, opts)
	return sum.Sources[0], time.Since(start)
}

// checkFaulted holds a run with a fault injected to what every such run
// is held to: the source's error (errWant, "" for none), a warning
// holding warning (when not ""), at least retries retries, a time of at
// least took and not much more, and nothing written beside the cache.
func checkFaulted(t *testing.T, s SourceSummary, elapsed time.Duration, cache, errWant, warning string, retries int64, took time.Duration) {
	t.Helper()
	if (s.Err == "") != (errWant == "") || !strings.Contains(s.Err, errWant) {
		t.Errorf("error %q, want %q", s.Err, errWant)
	}
	if warning != "" && !strings.Contains(strings.Join(s.Warnings, "\n"), warning) {
		t.Errorf("no warning %q in:\n%s", warning, strings.Join(s.Warnings, "\n"))
	}
	if s.Retries < retries {
		t.Errorf("%d retries, want at least %d", s.Retries, retries)
	}
	if elapsed < took || elapsed > took+20*time.Second {
		t.Errorf("took %v, want %v and not much more", elapsed, took)
	}
	if entries, _ := os.ReadDir(filepath.Dir(cache)); len(entries) != 1 {
		t.Errorf("the cache's parent holds %v", entries)
	}
}

// TestFaults: each fault of a log or CI server, injected alone, ends as
// it should: retried to success, or the build stored with "logs missing"
// and a warning naming what failed, the run going on; a listing that
// fails leaves the store alone. Nothing is ever written outside the
// cache, and every run ends in bounded time.
func TestFaults(t *testing.T) {
	const api = "/api/tenant/sample/builds"
	type check struct {
		held    bool   // every build's logs held
		missing int    // builds with logs missing
		none    int    // builds stored without logs
		warning string // a warning holding this
		err     string // the source's error
		retries int64  // at least this many retries
		elapsed time.Duration
		cached  func(t *testing.T, dir string)
		nothing bool // nothing stored
		quiet   bool // no warning
	}
	bigLog := bytes.Repeat([]byte("2026-11-20 10:00:00.000000 | a line of a big log\n"), 70000) // 3.4 MB
	bomb := replay.Gzip(make([]byte, 200<<20))
	hostile := func(console string) []byte {
		return []byte(`{"tree": [{"name": "..", "mimetype": "application/directory", "children": [{"name": "escape.txt", "size": 5}]},` +
			`{"name": "/etc/passwd", "size": 5}, {"name": "job-output.txt\u001b[2J", "size": 5}, {"name": "` + console + `", "size": 5},` +
			`{"name": "logs", "mimetype": "application/directory", "children": [{"name": "../../../x.log", "size": 5}]}]}`)
	}
	for _, tc := range []struct {
		name  string
		setup func(z *replay.Zuul, b []*replay.Build, o *Options)
		want  check
	}{
		{"429 with Retry-After on the builds API", func(z *replay.Zuul, _ []*replay.Build, _ *Options) {
			z.Inject(replay.Path(api), replay.Fault{Status: 429, RetryAfter: "1", Times: 2})
		}, check{held: true, retries: 2, elapsed: 2 * time.Second}},
		{"500 on manifests", func(z *replay.Zuul, _ []*replay.Build, _ *Options) {
			z.Inject(replay.Suffix("/zuul-manifest.json"), replay.Fault{Status: 500, Times: 3})
		}, check{held: true, retries: 3}},
		{"503 for good on one build's logs", func(z *replay.Zuul, b []*replay.Build, _ *Options) {
			z.Inject(replay.Prefix("/logs/"+b[0].UUID+"/"), replay.Fault{Status: 503})
		}, check{missing: 1, warning: "logs missing: manifest: server answered 503 Service Unavailable"}},
		{"slow answers past the request timeout", func(z *replay.Zuul, _ []*replay.Build, o *Options) {
			o.Timeout = 300 * time.Millisecond
			z.Inject(replay.Suffix("/job-output.txt"), replay.Fault{Delay: time.Second, Times: 2})
		}, check{held: true, retries: 2}},
		{"dropped connections", func(z *replay.Zuul, b []*replay.Build, _ *Options) {
			// (Go's transport sends a GET again itself when a kept-alive
			// connection drops before any answer: retries may not count.)
			z.Inject(replay.Path(jobOutput(b[0])), replay.Fault{Reset: true, Times: 3})
		}, check{held: true}},
		{"gzip cut short in transit", func(z *replay.Zuul, b []*replay.Build, _ *Options) {
			body := replay.Gzip(bigLog)
			z.Inject(replay.Suffix("/job-output.txt"), replay.Fault{Body: body, CutAfter: len(body) / 2, Times: 2,
				Header: http.Header{"Content-Encoding": {"gzip"}}})
		}, check{held: true, retries: 2}},
		{"gzip cut short for good", func(z *replay.Zuul, b []*replay.Build, _ *Options) {
			body := replay.Gzip(bigLog)
			z.Inject(replay.Path(jobOutput(b[1])), replay.Fault{Body: body, CutAfter: len(body) / 2,
				Header: http.Header{"Content-Encoding": {"gzip"}}})
		}, check{missing: 1, warning: ": logs missing: unexpected EOF (after 4 tries)"}},
		{"a listed file that 404s", func(z *replay.Zuul, b []*replay.Build, _ *Options) {
			z.Missing(b[0].UUID, strings.TrimPrefix(jobOutput(b[0]), "/logs/"+b[0].UUID+"/"))
		}, check{missing: 1, warning: ": logs missing: server answered 404 Not Found"}},
		{"a file over the cap", func(z *replay.Zuul, b []*replay.Build, o *Options) {
			o.MaxFile = 1 << 20
			z.AddFile(b[0].UUID, "logs/big.txt", bigLog)
		}, check{held: true, warning: "logs/big.txt: cut at 1048576 bytes (fetch.max_file_mib)", cached: func(t *testing.T, dir string) {
			p, _ := filepath.Glob(filepath.Join(dir, "*", "*", "*", "logs", "big.txt.gz"))
			if len(p) != 1 || len(readCached(t, p[0])) != 1<<20 {
				t.Errorf("cut file: %v", p)
			}
		}}},
		{"a build over its cap", func(z *replay.Zuul, b []*replay.Build, o *Options) {
			o.MaxFile, o.MaxBuild = 1<<20, 1<<20
			z.AddFile(b[0].UUID, "logs/a-big.txt", bigLog)
		}, check{held: true, warning: "not fetched: the build reached fetch.max_build_mib: [logs/"}},
		{"a gzip bomb", func(z *replay.Zuul, b []*replay.Build, o *Options) {
			o.MaxFile = 4 << 20
			z.Inject(replay.Path(jobOutput(b[0])), replay.Fault{Body: bomb, Header: http.Header{"Content-Encoding": {"gzip"}}})
		}, check{held: true, warning: ": cut at 4194304 bytes (fetch.max_file_mib)"}},
		{"no manifest", func(z *replay.Zuul, b []*replay.Build, _ *Options) {
			z.NoManifest(b[0].UUID)
		}, check{held: true, warning: "no zuul-manifest.json at", cached: func(t *testing.T, dir string) {
			if p, _ := filepath.Glob(filepath.Join(dir, "*", "*", "*", "job-output.txt.gz")); len(p) != 4 {
				t.Errorf("%d job-output.txt fetched, want 4 (one by its known name)", len(p))
			}
		}}},
		{"no manifest, no known file", func(z *replay.Zuul, b []*replay.Build, _ *Options) {
			z.NoManifest(b[0].UUID)
			z.Missing(b[0].UUID, "job-output.txt")
			z.Missing(b[0].UUID, "job-output.txt.gz")
		}, check{missing: 1, warning: "logs missing: no manifest, and none of the known names"}},
		{"a log_url pointing at a job's html/ report, no manifest artifact", func(z *replay.Zuul, b []*replay.Build, _ *Options) {
			// A docs job's log_url names the report it published inside its
			// logs: the manifest is at the root above it.
			z.SetField(b[0].UUID, "log_url", `"`+z.LogURL(b[0].UUID)+`html/"`)
			z.SetField(b[0].UUID, "artifacts", "[]")
		}, check{held: true, cached: func(t *testing.T, dir string) {
			if p, _ := filepath.Glob(filepath.Join(dir, "*", "*", "*", "zuul-info", "inventory.yaml")); len(p) != 4 {
				t.Errorf("%d inventories fetched, want 4: the html/ build's logs were not found", len(p))
			}
		}}},
		{"a relative manifest artifact", func(z *replay.Zuul, b []*replay.Build, _ *Options) {
			// Zuul keeps an artifact's URL relative when the job returned
			// no log_url of its own: it is read from the log root, no
			// warning.
			z.SetField(b[0].UUID, "artifacts", `[{"name": "Zuul Manifest", "url": "zuul-manifest.json", "metadata": {"type": "zuul_manifest"}}]`)
		}, check{held: true, quiet: true}},
		{"a manifest artifact on another host", func(z *replay.Zuul, b []*replay.Build, _ *Options) {
			z.SetField(b[0].UUID, "artifacts", `[{"name": "Zuul Manifest", "url": "//elsewhere.example.org/zuul-manifest.json", "metadata": {"type": "zuul_manifest"}}]`)
		}, check{held: true, warning: `manifest artifact "//elsewhere.example.org/zuul-manifest.json" is not under http://127.0.0.1:`}},
		{"null log_url", func(z *replay.Zuul, b []*replay.Build, _ *Options) {
			z.SetField(b[0].UUID, "log_url", "null")
			z.SetField(b[0].UUID, "artifacts", "[]")
		}, check{none: 1}},
		{"a log_url that is not http", func(z *replay.Zuul, b []*replay.Build, _ *Options) {
			z.SetField(b[0].UUID, "log_url", `"file:///etc/"`)
		}, check{missing: 1, warning: `logs missing: log_url "file:///etc/" is not an http or https URL`}},
		{"a redirect to another scheme", func(z *replay.Zuul, b []*replay.Build, _ *Options) {
			z.Inject(replay.Path(jobOutput(b[0])), replay.Fault{Status: 302,
				Header: http.Header{"Location": {"https://" + strings.TrimPrefix(z.URL, "http://") + "/x"}}})
		}, check{missing: 1, warning: "refused: another scheme"}},
		{"a hostile manifest", func(z *replay.Zuul, b []*replay.Build, _ *Options) {
			z.SetManifest(b[0].UUID, hostile(filepath.Base(jobOutput(b[0]))))
		}, check{held: true, warning: `entry "logs/../../../x.log": a name must be one path component refused`}},
		{"a malformed page of builds", func(z *replay.Zuul, _ []*replay.Build, _ *Options) {
			z.Inject(replay.Path(api), replay.Fault{Body: []byte(`{"error": "database is locked"}`)})
		}, check{nothing: true, err: "not a page of builds (a JSON array)"}},
		{"an endless page of builds", func(z *replay.Zuul, _ []*replay.Build, _ *Options) {
			z.Inject(replay.Path(api), replay.Fault{Endless: true})
		}, check{nothing: true, err: "response over 33554432 bytes"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bs := fewBuilds(t)
			z := replay.NewZuul(t, bs, replay.ZuulOptions{})
			st := openStore(t)
			opts := testOptions(t)
			tc.setup(z, bs, &opts)
			s, elapsed := faultedRun(t, zuulSpec(z), st, opts)
			w := tc.want
			got, _ := stored(t, st)
			missing, none := 0, 0
			for _, b := range got {
				switch b.Logs {
				case recheckgen.LogsMissing:
					missing++
				case recheckgen.LogsNone:
					if b.Failed() {
						none++
					}
				}
			}
			switch {
			case w.nothing && len(got) != 0:
				t.Errorf("%d builds stored after a failed listing", len(got))
			case !w.nothing && len(got) != len(bs):
				t.Errorf("%d builds stored, want %d: %s", len(got), len(bs), s)
			case missing != w.missing || none != w.none || len(s.LogsMissing) != w.missing:
				t.Errorf("%d logs missing (%d in the summary), %d failed without logs; want %d, %d: %s", missing, len(s.LogsMissing), none, w.missing, w.none, s)
			}
			checkFaulted(t, s, elapsed, opts.Cache, w.err, w.warning, w.retries, w.elapsed)
			if w.quiet && len(s.Warnings) != 0 {
				t.Errorf("warnings: %q", s.Warnings)
			}
			if w.cached != nil {
				w.cached(t, opts.Cache)
			}
			// Nothing in the cache but build directories of regular files.
			for _, f := range cacheFiles(t, opts.Cache) {
				if strings.Contains(f, "escape") || strings.Contains(f, "passwd") || strings.Contains(f, "x.log") || strings.ContainsAny(f, "\x1b") {
					t.Errorf("hostile name written: %q", f)
				}
			}
		})
	}
}

// TestShiftingDuringFetch: builds that finish while a Zuul 3 is paged are
// found on the next run; none of the listing's is lost or stored twice.
func TestShiftingDuringFetch(t *testing.T) {
	bs := builds(t)
	z := replay.NewZuul(t, bs, replay.ZuulOptions{Legacy: true})
	n := 0
	z.OnRequest(func(r *http.Request) {
		if strings.Contains(r.URL.RawQuery, "skip=") {
			n++
			z.Add(copyBuild(bs[n%len(bs)], fmt.Sprintf("late%028d", n), sampleNow.Add(-time.Duration(n)*time.Minute), "FAILURE"))
		}
	})
	st := openStore(t)
	opts := testOptions(t)
	opts.PageSize = 7
	s := fetchOnce(t, []Spec{zuulSpec(z)}, st, opts).Sources[0]
	got, _ := stored(t, st)
	for _, b := range bs {
		if got[b.UUID].UUID == "" {
			t.Errorf("%s lost", b.UUID)
		}
	}
	if n == 0 || s.Fetched != len(got) {
		t.Errorf("%d added; %s", n, s)
	}
	z.OnRequest(nil)
	fetchOnce(t, []Spec{zuulSpec(z)}, st, opts)
	if got, _ := stored(t, st); len(got) != len(bs)+n {
		t.Errorf("after a second run: %d builds, want %d", len(got), len(bs)+n)
	}
}
