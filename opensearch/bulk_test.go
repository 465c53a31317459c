package opensearch

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/recheckgen/recheckgen/internal/opensearchtest"
	"github.com/recheckgen/recheckgen/internal/testcorpus"
	"github.com/recheckgen/recheckgen/sample"
)

// TestBulkGolden pins the NDJSON of a bulk write (the first request's
// first documents) and the template installed.
func TestBulkGolden(t *testing.T) {
	st := testcorpus.Store(t, sample.Options{Builds: 2})
	srv := opensearchtest.New(t)
	c := realClient(t, srv.URL, "logstash-logs-", nil)
	sum, err := c.Write(context.Background(), st, WriteOptions{BatchBytes: 256 << 10})
	if err != nil || sum.Failed > 0 || sum.Requests < 3 {
		t.Fatalf("%+v %v", sum, err)
	}
	if sum.Elapsed <= 0 {
		t.Errorf("the summary says the write took %v", sum.Elapsed)
	}
	var head bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(srv.Bulk[0]))
	sc.Buffer(nil, 4<<20)
	for i := 0; i < 12 && sc.Scan(); i++ {
		head.Write(sc.Bytes())
		head.WriteByte('\n')
	}
	tmpl, _ := json.MarshalIndent(Template("logstash-logs-"), "", " ")
	writeGolden(t, "testdata/bulk-request.ndjson", append(append(head.Bytes(), "--- template\n"...), tmpl...))
	for i, b := range srv.Bulk {
		if len(b) > 256<<10 {
			t.Errorf("bulk request %d holds %d bytes, over the batch's 256 KiB", i, len(b))
		}
	}
	if int64(srv.Docs("logstash-logs-*")) != sum.Docs {
		t.Errorf("%d documents in the cluster, %d written", srv.Docs("logstash-logs-*"), sum.Docs)
	}
}

// TestBulkResume: a write killed half way (the connection dropped during
// the 60th bulk request, no retry) and run again gives exactly the
// document set of a write that was never interrupted; a third run sends
// nothing.
func TestBulkResume(t *testing.T) {
	st := testcorpus.Store(t, sample.Options{Builds: 6})
	clean := opensearchtest.New(t)
	if _, err := realClient(t, clean.URL, "logstash-logs-", nil).Write(context.Background(), st, WriteOptions{BatchBytes: 128 << 10}); err != nil {
		t.Fatal(err)
	}
	srv := opensearchtest.New(t)
	var bulks atomic.Int32
	srv.Fault = func(w http.ResponseWriter, r *http.Request) bool {
		if strings.HasSuffix(r.URL.Path, "/_bulk") && bulks.Add(1) == 60 {
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
			return true
		}
		return false
	}
	c := realClient(t, srv.URL, "logstash-logs-", nil)
	c.cfg.Retries = 0 // one attempt: the run dies here
	if _, err := c.Write(context.Background(), st, WriteOptions{BatchBytes: 128 << 10}); err == nil {
		t.Fatal("the interrupted write reported no error")
	}
	if got, want := len(srv.IDs()), len(clean.IDs()); got == 0 || got >= want {
		t.Fatalf("after the interruption %d documents, of %d", got, want)
	}
	srv.Fault = nil
	sum, err := realClient(t, srv.URL, "logstash-logs-", nil).Write(context.Background(), st, WriteOptions{BatchBytes: 128 << 10})
	if err != nil || sum.Current == 0 {
		t.Fatalf("second run: %+v %v (no build was found complete)", sum, err)
	}
	if !slices.Equal(srv.IDs(), clean.IDs()) {
		t.Errorf("resumed: %d documents, uninterrupted: %d; the sets differ", len(srv.IDs()), len(clean.IDs()))
	}
	before := srv.Requests.Load()
	sum, err = realClient(t, srv.URL, "logstash-logs-", nil).Write(context.Background(), st, WriteOptions{BatchBytes: 128 << 10, NoTemplate: true})
	if err != nil || sum.Docs != 0 || sum.Builds != 0 {
		t.Errorf("third run wrote %+v %v", sum, err)
	}
	if n := srv.Requests.Load() - before; n > 2 {
		t.Errorf("third run: %d requests", n)
	}
}

// TestBulkBackpressure: items refused with 429 are sent again, alone.
func TestBulkBackpressure(t *testing.T) {
	st := testcorpus.Store(t, sample.Options{Builds: 2})
	srv := opensearchtest.New(t)
	srv.BusyItems.Store(50)
	sum, err := realClient(t, srv.URL, "logstash-logs-", nil).Write(context.Background(), st, WriteOptions{})
	if err != nil || sum.Retried != 50 || sum.Failed != 0 || int64(srv.Docs("logstash-logs-*")) != sum.Docs {
		t.Errorf("%+v %v; %d documents held", sum, err, srv.Docs("logstash-logs-*"))
	}
	if last := srv.Bulk[1]; bytes.Count(last, []byte("\n")) != 100 {
		t.Errorf("the retry sent %d lines, want the 50 refused documents", bytes.Count(last, []byte("\n")))
	}
}

// TestBulkPrefixRefused: a write prefix no index may be named by fails
// before any request, naming the setting (a cluster would refuse every
// document, and '#' or '?' would cut the URL's path short).
func TestBulkPrefixRefused(t *testing.T) {
	st := testcorpus.Store(t, sample.Options{Builds: 1})
	srv := opensearchtest.New(t)
	for _, p := range []string{"Logstash-logs-", "logs#", "logs?x-", "logs:", "_logs-", "logs -", strings.Repeat("a", 250)} {
		_, err := realClient(t, srv.URL, "logstash-logs-", nil).Write(context.Background(), st, WriteOptions{Prefix: p})
		if err == nil || !strings.Contains(err.Error(), "backend.opensearch.write_prefix") {
			t.Errorf("prefix %q: %v", p, err)
		}
	}
	if n := srv.Requests.Load(); n != 0 {
		t.Errorf("%d requests sent with invalid prefixes", n)
	}
	if len(srv.Indices()) != 0 {
		t.Errorf("indices created: %q", srv.Indices())
	}
}

// TestBulkAgainOnDynamicMapping: indices the write prefix already holds
// under the dynamic mapping (written before recheckgen's template, or with
// none) map build_uuid as text; a later write counts what they hold on its
// keyword sub-field instead of failing on the text field.
func TestBulkAgainOnDynamicMapping(t *testing.T) {
	st := testcorpus.Store(t, sample.Options{Builds: 1})
	srv := opensearchtest.New(t)
	first, err := realClient(t, srv.URL, "logstash-logs-", nil).Write(context.Background(), st, WriteOptions{NoTemplate: true})
	if err != nil || first.Builds == 0 {
		t.Fatalf("first write: %+v %v", first, err)
	}
	if typ := srv.Mapping(srv.Indices()[0], "build_uuid"); typ != "text" {
		t.Fatalf("build_uuid mapped as %q: the test needs the dynamic mapping", typ)
	}
	ids := srv.IDs()
	for _, noTemplate := range []bool{true, false} {
		again, err := realClient(t, srv.URL, "logstash-logs-", nil).Write(context.Background(), st, WriteOptions{NoTemplate: noTemplate})
		if err != nil || again.Builds != 0 || again.Current != first.Builds || again.Docs != 0 {
			t.Errorf("written again (no template: %v): %+v %v", noTemplate, again, err)
		}
	}
	if !slices.Equal(srv.IDs(), ids) {
		t.Errorf("the documents changed")
	}
}
