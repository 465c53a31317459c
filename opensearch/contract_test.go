package opensearch

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
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/internal/opensearchtest"
	"github.com/recheckgen/recheckgen/internal/testcorpus"
	"github.com/recheckgen/recheckgen/lucene"
	"github.com/recheckgen/recheckgen/queryfile"
	"github.com/recheckgen/recheckgen/report"
	"github.com/recheckgen/recheckgen/sample"
)

// cluster is where the contract tests write and search: the replay
// server, or a real cluster when RECHECKGEN_OPENSEARCH_URL names one.
// There each test writes under an index prefix of its own and of this run
// (a second run under the same prefix would find every build already
// written, and the dynamic mapping's indices of the first), and deletes
// its indices when it ends.
func cluster(t *testing.T) (url, prefix string, fake *opensearchtest.Server) {
	if u := os.Getenv("RECHECKGEN_OPENSEARCH_URL"); u != "" {
		prefix = fmt.Sprintf("recheckgen-test-%s-%d-", strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-")), time.Now().UnixNano())
		t.Cleanup(func() { deleteIndices(t, u, prefix) })
		return u, prefix, nil
	}
	fake = opensearchtest.New(t)
	return fake.URL, "logstash-logs-", fake
}

// deleteIndices removes a test's indices from a real cluster, naming them
// (a wildcard delete is refused where action.destructive_requires_name is
// set, Elasticsearch 8's default).
func deleteIndices(t *testing.T, base, prefix string) {
	t.Helper()
	do := func(method, path string) ([]byte, error) {
		req, err := http.NewRequest(method, strings.TrimSuffix(base, "/")+path, nil)
		if err != nil {
			return nil, err
		}
		if u := os.Getenv("RECHECKGEN_OPENSEARCH_USER"); u != "" {
			req.SetBasicAuth(u, os.Getenv("RECHECKGEN_OPENSEARCH_PASSWORD"))
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
		if err == nil && resp.StatusCode/100 != 2 {
			err = fmt.Errorf("%s %s: %s", method, path, resp.Status)
		}
		return data, err
	}
	data, err := do(http.MethodGet, "/"+prefix+"*/_field_caps?fields=build_uuid")
	var caps struct {
		Indices []string `json:"indices"`
	}
	if err == nil {
		err = json.Unmarshal(data, &caps)
	}
	if err == nil && len(caps.Indices) > 0 {
		_, err = do(http.MethodDelete, "/"+strings.Join(caps.Indices, ","))
	}
	if err != nil {
		t.Logf("indices %s* left on the cluster: %v", prefix, err)
	}
}

func realClient(t *testing.T, url, prefix string, mod func(*Config)) *Client {
	t.Helper()
	cfg := Config{URLs: []string{url}, Index: prefix + "*", Operator: lucene.AND, Backoff: time.Millisecond,
		Timeout: 5 * time.Minute, Discover: true, Fields: DefaultFields(), // the replay server is slow on a loaded machine
		User: os.Getenv("RECHECKGEN_OPENSEARCH_USER"), Password: os.Getenv("RECHECKGEN_OPENSEARCH_PASSWORD")}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// comparable strips what documents cannot know (line numbers, build start
// and end times) from a report.
func comparable(r *recheckgen.Report) []byte {
	for i := range r.Bugs {
		for j := range r.Bugs[i].RecentBuilds {
			// A build's newest matching line: several lines of one
			// millisecond come in no defined order from a cluster, so which
			// one stands for the build is left out (Recent compares lines).
			rb := &r.Bugs[i].RecentBuilds[j]
			rb.Line, rb.Build.Start, rb.Build.End = 0, time.Time{}, time.Time{}
			rb.File, rb.LineURL, rb.Message = "", "", ""
		}
		rec := r.Bugs[i].Recent
		for j := range rec {
			h := &rec[j]
			h.Line, h.Build.Start, h.Build.End = 0, time.Time{}, time.Time{}
		}
		// Lines of the same millisecond come in no defined order from a
		// cluster (shard order); the store returns later lines first.
		sort.SliceStable(rec, func(a, b int) bool {
			if !rec[a].Time.Equal(rec[b].Time) {
				return rec[a].Time.After(rec[b].Time)
			}
			return rec[a].File+rec[a].Message < rec[b].File+rec[b].Message
		})
		// Which of several lines of the cut's millisecond make the cut is
		// undefined too: compare the lines before it.
		if n := len(rec); n > 0 && n == 5 {
			cut := rec[n-1].Time
			for n > 0 && rec[n-1].Time.Equal(cut) {
				n--
			}
			r.Bugs[i].Recent = rec[:n]
		}
	}
	for _, groups := range [][]recheckgen.Group{r.Jobs, r.Projects} {
		for i := range groups {
			for j := range groups[i].Unexplained {
				b := &groups[i].Unexplained[j]
				b.Start, b.End = time.Time{}, time.Time{}
			}
		}
	}
	for i := range r.Uncategorized.Jobs {
		for j := range r.Uncategorized.Jobs[i].Builds {
			b := &r.Uncategorized.Jobs[i].Builds[j]
			b.Start, b.End = time.Time{}, time.Time{}
		}
	}
	out, _ := json.MarshalIndent(r, "", " ")
	return out
}

// runAll is a report from a backend: every query, and the failed builds.
func runAll(t *testing.T, b recheckgen.Backend, qs []recheckgen.Query, w recheckgen.Window) *recheckgen.Report {
	t.Helper()
	so := func(q recheckgen.Query) recheckgen.SearchOptions {
		return recheckgen.SearchOptions{Recent: 5, IncludeNonvoting: q.AllowNonvoting}
	}
	var results []report.Result
	if c, ok := b.(*Client); ok {
		ms, errs := c.SearchAll(context.Background(), qs, w, so)
		for i, q := range qs {
			results = append(results, report.Result{Query: q, Match: ms[i], Err: errs[i]})
		}
	} else {
		for _, q := range qs {
			m, err := b.Search(context.Background(), q, w, so(q))
			results = append(results, report.Result{Query: q, Match: m, Err: err})
		}
	}
	for _, r := range results {
		if r.Err != nil {
			t.Errorf("query %s: %v", r.Query.ID, r.Err)
		}
	}
	failed, err := b.FailedBuilds(context.Background(), w, recheckgen.BuildFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return report.Make(w, results, failed, report.DefaultOptions(w.End))
}

// TestContract: the sample corpus, ingested into the store and written
// by the bulk writer into a cluster, gives the same report from both for
// the repository's queries and readingQueries, on both mapping styles
// (recheckgen's template: keywords; no template: the dynamic mapping's
// text with a .keyword sub-field, as OpenStack's newer indices), through
// the default field names and discovery. Either way the message is
// analyzed by the standard analyzer, as the store reads it. Windows of 1h
// and 5h buckets (5h does not divide a day: the histogram's offset must
// align the buckets).
func TestContract(t *testing.T) {
	if testing.Short() {
		t.Skip("ingests a sample corpus")
	}
	st := testcorpus.Store(t, sample.Options{Builds: 40})
	qs := append(testcorpus.Queries(t, filepath.Join("..", "queries")), readingQueries(t)...)
	for _, style := range []struct {
		name       string
		noTemplate bool
		uuidType   string
	}{{"keyword fields", false, "keyword"}, {"text with .keyword", true, "text"}} {
		t.Run(style.name, func(t *testing.T) {
			url, prefix, fake := cluster(t)
			c := realClient(t, url, prefix, nil)
			sum, err := c.Write(context.Background(), st, WriteOptions{Prefix: prefix, NoTemplate: style.noTemplate, BatchBytes: 1 << 20})
			if err != nil || sum.Failed > 0 || sum.Docs == 0 {
				t.Fatalf("write: %+v %v", sum, err)
			}
			if fake != nil {
				idx := fake.Indices()
				if got := fake.Mapping(idx[0], "build_uuid"); got != style.uuidType {
					t.Fatalf("build_uuid mapped as %q, want %q", got, style.uuidType)
				}
			}
			for _, bucket := range []time.Duration{time.Hour, 5 * time.Hour} {
				w, _ := recheckgen.NewWindow(time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC), 10*24*time.Hour, bucket)
				direct, remote := comparable(runAll(t, st, qs, w)), comparable(runAll(t, c, qs, w))
				if !strings.Contains(string(direct), `"fails": `) || strings.Contains(string(direct), `"bugs": null`) {
					t.Fatalf("the store's report is empty")
				}
				if string(direct) != string(remote) {
					if d := os.Getenv("RECHECKGEN_CONTRACT_DUMP"); d != "" {
						name := strings.ReplaceAll(style.name, " ", "-") + "-" + bucket.String()
						os.WriteFile(filepath.Join(d, name+"-store.json"), direct, 0o644)
						os.WriteFile(filepath.Join(d, name+"-cluster.json"), remote, 0o644)
					}
					t.Errorf("%v buckets: the reports differ (store, then cluster):\n%s", bucket, strings.Join(jsonDiff(direct, remote, 20), "\n"))
				}
			}
		})
	}
}

// TestDeleteIndices: the contract's clean-up on a real cluster deletes
// its own indices, by name, and no other.
func TestDeleteIndices(t *testing.T) {
	srv := opensearchtest.New(t)
	var body strings.Builder
	for _, ix := range []string{"recheckgen-test-a-1-2026.11.19", "recheckgen-test-a-1-2026.11.20", "recheckgen-test-a-12-2026.11.20", "logstash-logs-2026.11.20"} {
		fmt.Fprintf(&body, "{\"index\":{\"_index\":%q,\"_id\":\"1\"}}\n{\"build_uuid\":\"u\",\"message\":\"m\"}\n", ix)
	}
	resp, err := http.Post(srv.URL+"/_bulk", "application/x-ndjson", strings.NewReader(body.String()))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	deleteIndices(t, srv.URL, "recheckgen-test-a-1-")
	if idx := srv.Indices(); strings.Join(idx, " ") != "logstash-logs-2026.11.20 recheckgen-test-a-12-2026.11.20" {
		t.Errorf("indices left: %q", idx)
	}
}

// readingQueries are queries beyond the repository's that the contract
// also holds both backends to, one for each part of Elasticsearch's
// reading a backend must get right on the sample's lines: words as the
// standard analyzer makes them (a dotted name is one word), unquoted
// values of several words, values with no word, expanded terms on text
// and on keyword fields, regular expressions, fuzzy terms, field groups,
// ranges and exists.
func readingQueries(t *testing.T) []recheckgen.Query {
	var qs []recheckgen.Query
	for i, raw := range []string{
		`message:"MessagingTimeout: Timed out"`, // matches no line: the dotted name is one word
		`message:"oslo_messaging.exceptions.MessagingTimeout: Timed out"`,
		`message:WaitConditionTimeout`,
		`message:network-vif-plugged OR message:CREATE_FAILED`,
		`message:"0 of 1 received" OR "::" AND message:WaitConditionTimeout`,
		`message:Oslo_Messaging.* AND tags:"screen-n-cpu.txt"`,
		`message:/tempest\.lib\.exceptions\..*/`,
		`message:WaitConditionTimout~1`,
		`message:"Timed reply"~4`,
		`build_status:FAIL* AND message:Timed*`,
		`project:/OpenStack\/.*/ AND message:"Timed out"`,
		`build_name:(tempest-full-py3 magnum-functional-k8s) AND message:"Timed out"`, // OR in the group
		`_exists_:node_provider AND message:"timed out"`,
		`filename:*screen-n-cpu* AND message:error`,
		`build_change:[950000 TO 957000] AND message:"Timed out"`,
		`@timestamp:[2026-11-15 TO 2026-11-17] AND message:"Timed out"`,
		`@timestamp:{2026-11-15T00:00:00.000Z TO 2026-11-17T00:00:00.000Z} AND message:"Timed out"`,
	} {
		// OR, the default operator, where the client sends AND: what it
		// sends is the query as read, whatever the server's operator
		q, dl := queryfile.ParseString(fmt.Sprintf("reading-%02d", i), raw, queryfile.Options{Operator: lucene.OR})
		if dl.Errors() > 0 {
			t.Fatalf("%s: %v", raw, dl)
		}
		qs = append(qs, q)
	}
	return qs
}

// jsonDiff lists, by path, at most max places where JSON documents a and
// b differ: values that differ, and for lists of different lengths the
// items only one side holds. Items of a list that all carry an "id" are
// matched and named by it.
func jsonDiff(a, b []byte, max int) []string {
	var x, y any
	json.Unmarshal(a, &x)
	json.Unmarshal(b, &y)
	var out []string
	short := func(v any) string {
		s, _ := json.Marshal(v)
		if len(s) > 300 {
			return string(s[:300]) + "..."
		}
		return string(s)
	}
	var walk func(path string, x, y any)
	walk = func(path string, x, y any) {
		if len(out) >= max {
			return
		}
		switch xv := x.(type) {
		case map[string]any:
			yv, ok := y.(map[string]any)
			if !ok {
				break
			}
			keys := map[string]bool{}
			for k := range xv {
				keys[k] = true
			}
			for k := range yv {
				keys[k] = true
			}
			sorted := make([]string, 0, len(keys))
			for k := range keys {
				sorted = append(sorted, k)
			}
			sort.Strings(sorted)
			for _, k := range sorted {
				walk(path+"."+k, xv[k], yv[k])
			}
			return
		case []any:
			yv, ok := y.([]any)
			if !ok {
				break
			}
			if xi, yi := byID(xv), byID(yv); xi != nil && yi != nil {
				// items with ids: compared by id, whatever their order
				var order []string
				for _, v := range xv {
					order = append(order, fmt.Sprint(v.(map[string]any)["id"]))
				}
				for _, v := range yv {
					if id := fmt.Sprint(v.(map[string]any)["id"]); xi[id] == nil {
						order = append(order, id)
					}
				}
				for _, id := range order {
					walk(fmt.Sprintf("%s[%s]", path, id), xi[id], yi[id])
				}
				return
			}
			if len(xv) == len(yv) {
				for i := range xv {
					walk(fmt.Sprintf("%s[%d]", path, i), xv[i], yv[i])
				}
				return
			}
			count := map[string]int{}
			for _, v := range yv {
				count[short(v)]++
			}
			var onlyX []string
			for _, v := range xv {
				if k := short(v); count[k] > 0 {
					count[k]--
				} else {
					onlyX = append(onlyX, k)
				}
			}
			out = append(out, fmt.Sprintf("%s: %d items in the store's report, %d in the cluster's", path, len(xv), len(yv)))
			for _, k := range onlyX {
				out = append(out, "  store only:   "+k)
			}
			for k, n := range count {
				for ; n > 0; n-- {
					out = append(out, "  cluster only: "+k)
				}
			}
			return
		}
		if short(x) != short(y) {
			out = append(out, fmt.Sprintf("%s: store %s, cluster %s", path, short(x), short(y)))
		}
	}
	walk("", x, y)
	return out
}

// byID indexes a list whose items all carry an "id"; nil when one does not.
func byID(list []any) map[string]any {
	out := map[string]any{}
	for _, v := range list {
		m, ok := v.(map[string]any)
		if !ok || m["id"] == nil {
			return nil
		}
		out[fmt.Sprint(m["id"])] = m
	}
	return out
}
