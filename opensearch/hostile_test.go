package opensearch

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
)

// TestAnswerCaps: each query's answer is read through a cap sized from
// its request; one over it fails that query (and the ones after it in the
// stream), "response over N bytes", without a retry; the queries before
// it keep their results.
func TestAnswerCaps(t *testing.T) {
	huge := `{"hits": {"hits": [{"_source": {"message": "` + strings.Repeat("x", int(searchCap(0, win.Buckets()))) + `"}}]}}`
	srv := newReplay(t, func(b obj) []byte {
		if strings.Contains(fmt.Sprint(b["query"]), "huge") {
			return []byte(huge)
		}
		return []byte(`{"aggregations": {"builds": {"buckets": [{"key": "u1", "doc_count": 2}]}}}`)
	}, nil)
	c := client(t, srv.URL, nil)
	ms, errs := c.SearchAll(context.Background(), []recheckgen.Query{query("a", "message:a"), query("big", "message:huge"), query("c", "message:c")},
		win, opts(recheckgen.SearchOptions{}))
	want := fmt.Sprintf("the answer to query big: response over %d bytes", searchCap(0, win.Buckets()))
	if errs[0] != nil || ms[0].Builds[0].UUID != "u1" {
		t.Errorf("the query before the huge answer: %v", errs[0])
	}
	for _, i := range []int{1, 2} {
		if errs[i] == nil || !strings.Contains(errs[i].Error(), want) {
			t.Errorf("query %d: %v, want %q", i, errs[i], want)
		}
	}
	if n := srv.requests.Load(); n != 1 {
		t.Errorf("%d requests: an answer over its cap was asked again", n)
	}
}

// TestAfterKeyRepeated: paging stops when the server repeats an after_key,
// and after the page cap when it keeps inventing new ones.
func TestAfterKeyRepeated(t *testing.T) {
	for _, tt := range []struct {
		name  string
		key   func(n int32) string
		want  string
		pages int32
	}{
		{"repeated", func(int32) string { return "same" }, "handed back an after_key it gave before", 2},
		{"cycle", func(n int32) string { return fmt.Sprint(n % 3) }, "handed back an after_key it gave before", 4},
		{"endless", func(n int32) string { return fmt.Sprint(n) }, fmt.Sprintf("stopped after %d pages", maxPages), maxPages},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := newReplay(t, nil, nil)
			srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n := srv.requests.Add(1)
				fmt.Fprintf(w, `{"aggregations": {"builds": {"after_key": {"uuid": %q}, "buckets": [{"key": {"uuid": "b%d"}, "first": {"value": 1381000000000}}]}}}`, tt.key(n), n)
			})
			_, err := client(t, srv.URL, nil).FailedBuilds(context.Background(), win, recheckgen.BuildFilter{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
			if n := srv.requests.Load(); n != tt.pages {
				t.Errorf("%d pages asked, want %d", n, tt.pages)
			}
		})
	}
}

// TestRunDeadline: a server that never answers costs the run's deadline,
// not retries times the per-request timeout per request.
func TestRunDeadline(t *testing.T) {
	srv := newReplay(t, nil, nil)
	release := make(chan struct{})
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		srv.requests.Add(1)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	c := client(t, srv.URL, func(c *Config) { c.Timeout = 10 * time.Second; c.Deadline = 300 * time.Millisecond })
	start := time.Now()
	_, err := c.Latest(context.Background(), time.Now())
	if err == nil || !strings.Contains(err.Error(), "the run's deadline passed") || !strings.Contains(err.Error(), "backend.opensearch.deadline") {
		t.Errorf("error %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v with a deadline of 300ms", d)
	}
	// Later calls of the same run find the deadline passed at once.
	start = time.Now()
	if _, err := c.FailedBuilds(context.Background(), win, recheckgen.BuildFilter{}); err == nil || time.Since(start) > time.Second {
		t.Errorf("after the deadline: %v in %v", err, time.Since(start))
	}
}

// TestAbsurdNumbers: times and counts out of range fail their query alone
// with a clear error; the others decode.
func TestAbsurdNumbers(t *testing.T) {
	bad := map[string]string{
		"time":      `{"aggregations": {"first": {"value": 1e300}, "last": {"value": 1e300}}}`,
		"future":    `{"aggregations": {"builds": {"buckets": [{"key": "u", "doc_count": 1, "last": {"value": 253402300799000}}]}}}`,
		"negative":  `{"aggregations": {"builds": {"buckets": [{"key": "u", "doc_count": -5}]}}}`,
		"cardinal":  `{"aggregations": {"hist": {"buckets": [{"key": 1381190400000, "status": {"buckets": [{"key": "FAILURE", "builds": {"value": 1e300}}]}}]}}}`,
		"bucketkey": `{"aggregations": {"hist": {"buckets": [{"key": -1e300, "status": {"buckets": []}}]}}}`,
		"hit":       `{"hits": {"hits": [{"_source": {"message": "m", "@timestamp": "9999-01-01T00:00:00Z"}}]}}`,
	}
	want := map[string]string{
		"time":      "first match: 1e+300 is no time in epoch milliseconds",
		"future":    "build u: last match: time 9999-12-31T23:59:59Z is outside the accepted range",
		"negative":  "build u: doc_count: -5 is not a count",
		"cardinal":  "histogram bucket: builds: 1e+300 is not a count",
		"bucketkey": "histogram bucket: -1e+300 is no time",
		"hit":       "recent line: time 9999-01-01T00:00:00Z is outside",
	}
	srv := newReplay(t, func(b obj) []byte {
		q := b["query"].(obj)["bool"].(obj)["must"].([]any)[0].(obj)["query_string"].(obj)["query"].(string)
		if a, ok := bad[q]; ok {
			return []byte(a)
		}
		return []byte(`{"aggregations": {"first": {"value": 1381190400000}}}`)
	}, nil)
	var qs []recheckgen.Query
	for k := range bad {
		qs = append(qs, query(k, k))
	}
	qs = append(qs, query("good", "good"))
	ms, errs := client(t, srv.URL, nil).SearchAll(context.Background(), qs, win, opts(recheckgen.SearchOptions{Recent: 5}))
	for i, q := range qs {
		if q.ID == "good" {
			if errs[i] != nil || ms[i].First.IsZero() {
				t.Errorf("good query: %v", errs[i])
			}
			continue
		}
		if errs[i] == nil || !strings.Contains(errs[i].Error(), want[q.ID]) || !strings.Contains(errs[i].Error(), "query "+q.ID+": the server's answer is refused") {
			t.Errorf("%s: %v, want %q", q.ID, errs[i], want[q.ID])
		}
	}
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"aggregations": {"past": {"last": {"value": 1e300}}}}`))
	})
	if _, err := client(t, srv.URL, nil).Latest(context.Background(), time.Now()); err == nil || !strings.Contains(err.Error(), "newest document: 1e+300 is no time") {
		t.Errorf("latest: %v", err)
	}
}

// TestEchoedCredentials: a server whose error reason quotes the request's
// Authorization header gets neither the header nor the password into the
// query's error, in any form.
func TestEchoedCredentials(t *testing.T) {
	srv := newReplay(t, nil, nil)
	srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		reason, _ := json.Marshal(fmt.Sprintf("bad request [Authorization: %s] for user ci-reader password s3cret-value", auth))
		fmt.Fprintf(w, `{"responses": [{"error": {"type": "parse_exception", "reason": %s}, "status": 400},
			{"hits": {"hits": [{"_source": {"message": %s, "build_name": "job ci-reader"}}]}}]}`, reason, reason)
	})
	c := client(t, srv.URL, func(c *Config) { c.User, c.Password = "ci-reader", "s3cret-value" })
	ms, errs := c.SearchAll(context.Background(), []recheckgen.Query{query("a", "message:a"), query("b", "message:b")}, win, opts(recheckgen.SearchOptions{Recent: 1}))
	err := errs[0]
	basic := base64.StdEncoding.EncodeToString([]byte("ci-reader:s3cret-value"))
	if errs[1] != nil || len(ms[1].Recent) != 1 {
		t.Fatalf("second query: %v", errs[1])
	}
	if h := ms[1].Recent[0]; h.Message != "bad request [Authorization: Basic [redacted]] for user [redacted] password [redacted]" || h.Build.Job != "job [redacted]" {
		t.Errorf("a document echoing the credentials: %+v", h)
	}
	if err == nil || !strings.Contains(err.Error(), "[Authorization: Basic [redacted]] for user [redacted] password [redacted]") {
		t.Errorf("error %v", err)
	}
	for _, s := range []string{"ci-reader", "s3cret-value", basic} {
		if err != nil && strings.Contains(err.Error(), s) {
			t.Errorf("the error holds %q", s)
		}
	}
}
