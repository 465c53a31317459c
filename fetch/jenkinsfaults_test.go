package fetch

import (
	"bytes"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/internal/replay"
	"github.com/recheckgen/recheckgen/jenkins"
)

// TestJenkinsFaults: the faults of TestFaults that a Jenkins can show,
// injected into a replay Jenkins' JSON API or its console text: each is
// retried to success, or its builds are stored with their logs missing and
// a warning, or (the API) the source fails and stores nothing; a console
// past the cap is cut with a warning. Every run ends in bounded time and
// writes only into the cache.
func TestJenkinsFaults(t *testing.T) {
	const api, console = "/api/json", "/consoleText"
	type check struct {
		held    bool   // every failed build's console held
		missing int    // builds with logs missing
		warning string // a warning holding this
		err     string // the source's error
		retries int64  // at least this many retries
		elapsed time.Duration
		cut     int64 // every console cached cut at this many bytes
		nothing bool  // nothing stored
	}
	bigLog := bytes.Repeat([]byte("2026-11-20 10:00:00.000000 | a line of a big console\n"), 70000) // 3.7 MB
	bomb := replay.Gzip(make([]byte, 200<<20))
	for _, tc := range []struct {
		name  string
		setup func(j *replay.Jenkins, o *Options)
		want  check
	}{
		{"429 with Retry-After on the API", func(j *replay.Jenkins, _ *Options) {
			j.Inject(replay.Suffix(api), replay.Fault{Status: 429, RetryAfter: "1", Times: 2})
		}, check{held: true, retries: 2, elapsed: 2 * time.Second}},
		{"500 on consoles", func(j *replay.Jenkins, _ *Options) {
			j.Inject(replay.Suffix(console), replay.Fault{Status: 500, Times: 3})
		}, check{held: true, retries: 3}},
		{"slow consoles past the request timeout", func(j *replay.Jenkins, o *Options) {
			o.Timeout = 300 * time.Millisecond
			j.Inject(replay.Suffix(console), replay.Fault{Delay: time.Second, Times: 2})
		}, check{held: true, retries: 2}},
		{"dropped connections", func(j *replay.Jenkins, _ *Options) {
			j.Inject(replay.Suffix(console), replay.Fault{Reset: true, Times: 3})
		}, check{held: true}},
		{"gzip cut short in transit", func(j *replay.Jenkins, _ *Options) {
			body := replay.Gzip(bigLog)
			j.Inject(replay.Suffix(console), replay.Fault{Body: body, CutAfter: len(body) / 2, Times: 2,
				Header: http.Header{"Content-Encoding": {"gzip"}}})
		}, check{held: true, retries: 2}},
		{"gzip cut short for good", func(j *replay.Jenkins, _ *Options) {
			body := replay.Gzip(bigLog)
			j.Inject(replay.Suffix(console), replay.Fault{Body: body, CutAfter: len(body) / 2,
				Header: http.Header{"Content-Encoding": {"gzip"}}})
		}, check{missing: 4, warning: ": logs missing: unexpected EOF (after 4 tries)"}},
		{"consoles over the cap", func(j *replay.Jenkins, o *Options) {
			o.MaxFile = 1 << 20
			j.Inject(replay.Suffix(console), replay.Fault{Body: bigLog})
		}, check{held: true, cut: 1 << 20, warning: "console.html: cut at 1048576 bytes (fetch.max_file_mib)"}},
		{"an endless console", func(j *replay.Jenkins, o *Options) {
			o.MaxFile = 1 << 20
			j.Inject(replay.Suffix(console), replay.Fault{Endless: true})
		}, check{held: true, cut: 1 << 20, warning: "console.html: cut at 1048576 bytes (fetch.max_file_mib)"}},
		{"a gzip bomb", func(j *replay.Jenkins, o *Options) {
			o.MaxFile = 4 << 20
			j.Inject(replay.Suffix(console), replay.Fault{Body: bomb, Header: http.Header{"Content-Encoding": {"gzip"}}})
		}, check{held: true, cut: 4 << 20, warning: "console.html: cut at 4194304 bytes (fetch.max_file_mib)"}},
		{"a page that is not the JSON API", func(j *replay.Jenkins, _ *Options) {
			j.Inject(replay.Suffix(api), replay.Fault{Body: []byte("<html><body>Please wait while Jenkins is getting ready to work</body></html>")})
		}, check{nothing: true, err: "not Jenkins' JSON API"}},
		{"an endless API answer", func(j *replay.Jenkins, _ *Options) {
			j.Inject(replay.Suffix(api), replay.Fault{Endless: true})
		}, check{nothing: true, err: fmt.Sprintf("response over %d bytes", jenkins.MaxPageBytes)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bs := fewBuilds(t)
			j := replay.NewJenkins(t, bs, replay.JenkinsOptions{})
			st := openStore(t)
			opts := testOptions(t)
			tc.setup(j, &opts)
			spec := Spec{Kind: "jenkins", URL: j.URL + "/view/all/", Since: 11 * 24 * time.Hour}
			s, elapsed := faultedRun(t, spec, st, opts)
			w := tc.want
			got, _ := stored(t, st)
			failed, missing := 0, 0
			for _, b := range got {
				if b.Failed() {
					failed++
				}
				if b.Logs == recheckgen.LogsMissing {
					missing++
				}
			}
			switch {
			case w.nothing && len(got) != 0:
				t.Errorf("%d builds stored after a failed listing", len(got))
			case !w.nothing && len(got) != len(bs):
				t.Errorf("%d builds stored, want %d: %s", len(got), len(bs), s)
			case missing != w.missing || len(s.LogsMissing) != w.missing:
				t.Errorf("%d logs missing (%d in the summary), want %d: %s", missing, len(s.LogsMissing), w.missing, s)
			}
			consoles := 0
			for _, f := range cacheFiles(t, opts.Cache) {
				if !strings.HasSuffix(f, "/console.html.gz") {
					continue
				}
				consoles++
				if n := int64(len(readCached(t, filepath.Join(opts.Cache, f)))); w.cut > 0 && n != w.cut {
					t.Errorf("%s: %d bytes cached, want %d", f, n, w.cut)
				}
			}
			if w.held && (consoles != failed || failed == 0) {
				t.Errorf("%d consoles cached for %d failed builds", consoles, failed)
			}
			checkFaulted(t, s, elapsed, opts.Cache, w.err, w.warning, w.retries, w.elapsed)
		})
	}
}
