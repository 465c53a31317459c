package fetch

import (
	"testing"
	"time"

	"github.com/recheckgen/recheckgen/internal/replay"
)

// TestSinceWidened: a source whose since grows (a longer window) lists
// the builds it never reached before, though its newest pages are held
// already and lie in a span listed before; its builds run are then known
// over the longer span.
func TestSinceWidened(t *testing.T) {
	for _, kind := range []string{"zuul", "jenkins"} {
		t.Run(kind, func(t *testing.T) {
			bs := builds(t)
			var spec Spec
			switch kind {
			case "zuul":
				spec = zuulSpec(replay.NewZuul(t, bs, replay.ZuulOptions{}))
			case "jenkins":
				j := replay.NewJenkins(t, bs, replay.JenkinsOptions{})
				spec = Spec{Kind: "jenkins", URL: j.URL + "/view/all/"}
			}
			st := openStore(t)
			opts := testOptions(t)
			opts.PageSize = 3
			spec.Since = 3 * 24 * time.Hour
			first := fetchOnce(t, []Spec{spec}, st, opts).Sources[0]
			recent := 0
			for _, b := range bs {
				if !b.Start.Before(sampleNow.Add(-spec.Since)) {
					recent++
				}
			}
			if first.Fetched != recent || recent == 0 || recent == len(bs) {
				t.Fatalf("first run, since 3 days: %s; %d builds in 3 days of %d", first, recent, len(bs))
			}
			spec.Since = 11 * 24 * time.Hour
			s := fetchOnce(t, []Spec{spec}, st, opts).Sources[0]
			got, complete := stored(t, st)
			if s.Fetched != len(bs)-recent || len(got) != len(bs) || !complete {
				t.Errorf("since widened to 11 days: %d of %d builds stored, complete %v: %s", len(got), len(bs), complete, s)
			}
			// The next run stops early again.
			if s := fetchOnce(t, []Spec{spec}, st, opts).Sources[0]; s.Fetched != 0 || s.Held != s.Listed || !s.Complete {
				t.Errorf("the run after: %s", s)
			}
		})
	}
}

// TestJobsStopEarly: a source whose job globs match few builds, or none,
// stops its next listing at the first page inside the span listed before
// (its builds, matching or not, are no news), rather than reading every
// page down to since again.
func TestJobsStopEarly(t *testing.T) {
	bs := builds(t)
	rare := bs[0].Job // the oldest build's job
	for _, jobs := range [][]string{{"no-such-job-*"}, {rare}} {
		t.Run(jobs[0], func(t *testing.T) {
			z := replay.NewZuul(t, bs, replay.ZuulOptions{})
			st := openStore(t)
			opts := testOptions(t)
			opts.PageSize = 5
			spec := zuulSpec(z)
			spec.Jobs = jobs
			first := fetchOnce(t, []Spec{spec}, st, opts).Sources[0]
			if !first.Complete || first.Pages < 5 {
				t.Fatalf("first run: %s", first)
			}
			z.ResetLog()
			s := fetchOnce(t, []Spec{spec}, st, opts).Sources[0]
			if reqs := z.Requests(); len(reqs) != 1 || s.Fetched != 0 || !s.Complete {
				t.Errorf("second run: %s; requests %q", s, reqs)
			}
			if _, complete := stored(t, st); !complete {
				t.Error("builds run not known after the second run")
			}
		})
	}
}
