package fetch

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/internal/replay"
	"github.com/recheckgen/recheckgen/internal/testcorpus"
	"github.com/recheckgen/recheckgen/queryrun"
	"github.com/recheckgen/recheckgen/report"
	"github.com/recheckgen/recheckgen/store"
)

// routed is a transport that sends every request to the replay server,
// whatever host the URL names (the corpus's https://logs.example.org/),
// trusting its certificate.
func routed(z *replay.Zuul) http.RoundTripper {
	tr := z.Server.Client().Transport.(*http.Transport).Clone()
	addr := z.Server.Listener.Addr().String()
	tr.DialContext = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	tr.TLSClientConfig.ServerName = "example.com" // what httptest's certificate names
	return tr
}

// reportOf is the report the repository's queries make of a store: what
// data/report.json holds.
func reportOf(t *testing.T, st *store.Store) []byte {
	t.Helper()
	ctx := context.Background()
	qs := testcorpus.Queries(t, "../queries")
	l, err := st.Latest(ctx, sampleNow)
	if err != nil {
		t.Fatal(err)
	}
	win, err := recheckgen.NewWindow(l.Time.Add(time.Millisecond), 10*24*time.Hour, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	results := queryrun.Run(ctx, st, qs, win, queryrun.Options{Recent: 10})
	failed, err := st.FailedBuilds(ctx, win, recheckgen.BuildFilter{})
	if err != nil {
		t.Fatal(err)
	}
	opts := report.DefaultOptions(sampleNow)
	rep := report.Make(win, results, failed, opts)
	// Builds run and test results, as build adds them.
	all, complete, err := st.Builds(ctx, win, recheckgen.BuildFilter{})
	if err != nil || !complete {
		t.Fatalf("builds run not known (%v)", err)
	}
	report.SetRuns(rep, all)
	runs, err := st.TestRuns(ctx, win, recheckgen.BuildFilter{})
	if err != nil {
		t.Fatal(err)
	}
	totals, err := st.TestTotals(ctx, win, recheckgen.BuildFilter{})
	if err != nil {
		t.Fatal(err)
	}
	report.SetTests(rep, runs, totals, opts)
	data, err := json.MarshalIndent(rep, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestFetchedEqualsIngested: the sample corpus fetched through a replay
// Zuul — its records as they are, log_url and all, its logs from a log
// server with manifests — makes the same report, bugs, counts, buckets,
// builds run per job and test results, as the corpus stored from its
// directory as the sample source.
func TestFetchedEqualsIngested(t *testing.T) {
	// The corpus stored as a sample source is (the store lists builds
	// run): what build reads on a fresh clone.
	direct := openStore(t)
	opts := testOptions(t)
	if s := fetchOnce(t, []Spec{{Kind: "sample", Dir: corpus(t)}}, direct, opts).Sources[0]; s.Err != "" || !s.Complete {
		t.Fatalf("the sample: %s", s)
	}
	z := replay.NewZuul(t, builds(t), replay.ZuulOptions{KeepLogURL: true, TLS: true})
	fetched := openStore(t)
	opts.Transport = routed(z)
	spec := zuulSpec(z)
	spec.SuccessPercent = 100
	s := fetchOnce(t, []Spec{spec}, fetched, opts).Sources[0]
	if s.Err != "" || s.Fetched != corpusBuilds+1 || len(s.LogsMissing) != 0 {
		t.Fatalf("%s", s)
	}
	want, got := reportOf(t, direct), reportOf(t, fetched)
	if !bytes.Equal(want, got) {
		t.Errorf("reports differ:\n%s", lineDiff(string(want), string(got)))
	}
	var rep recheckgen.Report
	json.Unmarshal(got, &rep)
	hits := 0
	for _, b := range rep.Bugs {
		hits += b.Builds
	}
	if hits == 0 || rep.Uncategorized.Failed == 0 {
		t.Errorf("the report finds nothing: %d hits, %d failures", hits, rep.Uncategorized.Failed)
	}
	if rep.Totals.Runs == nil || *rep.Totals.Runs == 0 || !rep.TestsKnown || rep.TestRuns.Runs == 0 {
		t.Errorf("the report holds no builds run or test results: %v runs, tests known %v, %d test runs", rep.Totals.Runs, rep.TestsKnown, rep.TestRuns.Runs)
	}
}

// lineDiff shows the first lines that differ.
func lineDiff(a, b string) string {
	al, bl := bytes.Split([]byte(a), []byte("\n")), bytes.Split([]byte(b), []byte("\n"))
	var out bytes.Buffer
	n := 0
	for i := 0; i < max(len(al), len(bl)) && n < 20; i++ {
		var x, y []byte
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if !bytes.Equal(x, y) {
			out.WriteString("- " + string(x) + "\n+ " + string(y) + "\n")
			n++
		}
	}
	return out.String()
}
