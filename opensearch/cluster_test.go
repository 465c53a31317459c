package opensearch

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/internal/opensearchtest"
)

// fill writes docs into the replay server with _bulk, into daily indices
// by their @timestamp, under the dynamic mapping unless a template is
// installed first.
func fill(t *testing.T, srv *opensearchtest.Server, docs ...obj) {
	t.Helper()
	var body bytes.Buffer
	for i, d := range docs {
		day := d["@timestamp"].(string)[:10]
		action, _ := json.Marshal(obj{"index": obj{"_index": "logstash-" + strings.ReplaceAll(day, "-", "."), "_id": fmt.Sprint(i)}})
		src, _ := json.Marshal(d)
		body.Write(action)
		body.WriteByte('\n')
		body.Write(src)
		body.WriteByte('\n')
	}
	resp, err := http.Post(srv.URL+"/_bulk", "application/x-ndjson", &body)
	if err != nil {
		t.Fatal(err)
	}
	var r struct{ Errors bool }
	json.NewDecoder(resp.Body).Decode(&r)
	resp.Body.Close()
	if r.Errors {
		t.Fatal("bulk errors")
	}
}

// line is a document as OpenStack's newer pipeline wrote them: a
// zone-less @timestamp, build fields as strings.
func line(uuid, project, status, ts, msg string) obj {
	return obj{"@timestamp": ts, "message": msg, "build_uuid": uuid, "build_name": "tempest-full", "build_status": status,
		"build_queue": "gate", "project": project, "voting": "1", "filename": "job-output.txt", "tags": []string{"console"},
		"log_url": "https://logs.example.org/" + uuid + "/"}
}

var win22 = recheckgen.Window{Start: time.Date(2022, 2, 25, 0, 0, 0, 0, time.UTC), End: time.Date(2022, 3, 1, 0, 0, 0, 0, time.UTC), Bucket: time.Hour}

// openstackIndex is a cluster holding lines in the dynamic mapping's
// style (build fields text with .keyword), as OpenStack's newer indices.
func openstackIndex(t *testing.T) *opensearchtest.Server {
	srv := opensearchtest.New(t)
	fill(t, srv,
		line("u1", "openstack/nova", "FAILURE", "2022-02-28T09:39:09.596000", "Timed out waiting for a reply"),
		line("u1", "openstack/nova", "FAILURE", "2022-02-28T09:39:10.000000", "second line"),
		line("u2", "openstack/nova-specs", "FAILURE", "2022-02-27T10:00:00.000000", "Timed out waiting for a reply"),
		line("u3", "openstack/nova", "SUCCESS", "2022-02-26T11:00:00.000000", "Timed out waiting for a reply"),
	)
	return srv
}

// TestPathDecodedOnce: the index pattern reaches the server as written
// (escaped twice, a server decoding once looked for an index named
// "logstash-%2A" and answered index_not_found_exception).
func TestPathDecodedOnce(t *testing.T) {
	srv := openstackIndex(t)
	var paths []string
	srv.Fault = func(w http.ResponseWriter, r *http.Request) bool {
		paths = append(paths, r.URL.Path) // decoded once, as a server reads it
		return false
	}
	c := realClient(t, srv.URL, "logstash-", func(c *Config) { c.Index = "logstash-*" })
	if _, err := c.Search(context.Background(), query("q", `message:"Timed out"`), win22, recheckgen.SearchOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		if !strings.HasPrefix(p, "/logstash-*/") {
			t.Errorf("path %s", p)
		}
	}
	// A concrete index that does not exist is refused, as a real cluster does.
	c = realClient(t, srv.URL, "", func(c *Config) { c.Index = "logstash-%2A" })
	if _, err := c.Search(context.Background(), query("q", "message:x"), win22, recheckgen.SearchOptions{}); err == nil || !strings.Contains(err.Error(), "no such index [logstash-%2A]") {
		t.Errorf("an index named logstash-%%2A: %v", err)
	}
}

// TestTextMappedFields: on an index whose build fields are text with a
// .keyword sub-field, the configured names alone fail as a real cluster
// fails them (aggregations on text), and discovery makes every query
// work: aggregating on .keyword, reading _source by the field's name,
// and matching keyword-like fields exactly (project:"openstack/nova" not
// matching openstack/nova-specs, as on the store).
func TestTextMappedFields(t *testing.T) {
	srv := openstackIndex(t)
	plain := realClient(t, srv.URL, "logstash-", func(c *Config) { c.Discover = false })
	_, err := plain.Search(context.Background(), query("q", "message:x"), win22, recheckgen.SearchOptions{})
	if err == nil || !strings.Contains(err.Error(), "Text fields are not optimised for operations that require per-document field data") {
		t.Fatalf("aggregating on text fields: %v", err)
	}
	c := realClient(t, srv.URL, "logstash-", nil)
	m, err := c.Search(context.Background(), query("q", `message:"Timed out waiting" AND project:"openstack/nova"`), win22, recheckgen.SearchOptions{Recent: 5, IncludeNonvoting: true})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, b := range m.Builds {
		got = append(got, b.UUID+":"+b.Project+":"+b.Result+":"+b.Job)
	}
	if strings.Join(got, " ") != "u1:openstack/nova:FAILURE:tempest-full u3:openstack/nova:SUCCESS:tempest-full" {
		t.Errorf("builds %q", got)
	}
	if m.Buckets["FAILURE"][win22.BucketOf(time.Date(2022, 2, 28, 9, 0, 0, 0, time.UTC))] != 1 {
		t.Errorf("buckets %v", m.Buckets)
	}
	// The zone-less @timestamp: the hit's sort value holds its time.
	if len(m.Recent) != 2 || !m.Recent[0].Time.Equal(time.Date(2022, 2, 28, 9, 39, 9, 596e6, time.UTC)) {
		t.Errorf("recent %+v", m.Recent)
	}
	failed, err := c.FailedBuilds(context.Background(), win22, recheckgen.BuildFilter{Pipelines: []string{"gate"}})
	if err != nil || len(failed) != 2 || failed[0].UUID != "u1" || failed[0].Project != "openstack/nova" {
		t.Errorf("failed builds %+v %v", failed, err)
	}
	names, _ := c.names(context.Background())
	if n := names["build_uuid"]; n.Agg != "build_uuid.keyword" || n.Source != "build_uuid" {
		t.Errorf("build_uuid names %+v", n)
	}
	if n := names["message"]; n.Agg != "" || n.Source != "message" || n.Query != "message" {
		t.Errorf("message names %+v", n)
	}
}

// TestZonelessTime: without a sort value, a zone-less _source time is
// read as UTC, not as the zero time.
func TestZonelessTime(t *testing.T) {
	for _, s := range []string{"2022-02-28T09:39:09.596000", "2022-02-28T09:39:09.596Z", "2022-02-28 09:39:09.596", "1646041149596"} {
		if got := hitTime(hit{}, s); !got.Equal(time.Date(2022, 2, 28, 9, 39, 9, 596e6, time.UTC)) {
			t.Errorf("%s: %v", s, got)
		}
	}
}

// TestMissingMapping: discovery refuses, naming the field and its
// setting, an index without a required field or with nothing to
// aggregate it on.
func TestMissingMapping(t *testing.T) {
	srv := opensearchtest.New(t)
	fill(t, srv, obj{"@timestamp": "2022-02-28T09:39:09Z", "message": "m", "build_status": "FAILURE", "voting": 1})
	c := realClient(t, srv.URL, "logstash-", nil)
	_, err := c.Search(context.Background(), query("q", "message:m"), win22, recheckgen.SearchOptions{})
	if err == nil || !strings.Contains(err.Error(), `the index has no field "build_uuid" for build_uuid (set backend.opensearch.fields.build_uuid)`) {
		t.Errorf("missing field: %v", err)
	}
	c = realClient(t, srv.URL, "", func(c *Config) { c.Index = "nothing-*" })
	if _, err := c.FailedBuilds(context.Background(), win22, recheckgen.BuildFilter{}); err == nil || !strings.Contains(err.Error(), "matches no index") {
		t.Errorf("no index: %v", err)
	}
}

// TestHistogramOffset: with buckets that do not divide the epoch into
// the window's (5h), every count lands in its own bucket, not one early.
func TestHistogramOffset(t *testing.T) {
	srv := openstackIndex(t)
	w, _ := recheckgen.NewWindow(time.Date(2022, 3, 1, 0, 0, 0, 0, time.UTC), 5*24*time.Hour, 5*time.Hour)
	if w.Start.UnixMilli()%w.Bucket.Milliseconds() == 0 {
		t.Fatal("the window happens to align with the epoch: the test proves nothing")
	}
	m, err := realClient(t, srv.URL, "logstash-", nil).Search(context.Background(), query("q", `message:"Timed out"`), w, recheckgen.SearchOptions{IncludeNonvoting: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range []time.Time{time.Date(2022, 2, 28, 9, 39, 9, 0, time.UTC), time.Date(2022, 2, 27, 10, 0, 0, 0, time.UTC)} {
		if m.Buckets["FAILURE"][w.BucketOf(at)] != 1 {
			t.Errorf("%v belongs in bucket %d: %v", at, w.BucketOf(at), m.Buckets["FAILURE"])
		}
	}
}

// TestPartialAnswers: timed_out and shard failures fail the failed-build
// and newest-document searches too; a per-item 429 in an _msearch is sent
// again, that query alone; a terms aggregation that left builds out fails
// its query.
func TestPartialAnswers(t *testing.T) {
	srv := openstackIndex(t)
	c := realClient(t, srv.URL, "logstash-", nil)
	names, err := c.names(context.Background()) // discovery answers normally
	if err != nil || names["build_uuid"].Agg == "" {
		t.Fatal(err)
	}
	srv.Fault = func(w http.ResponseWriter, r *http.Request) bool {
		if strings.HasSuffix(r.URL.Path, "/_search") {
			w.Write([]byte(`{"timed_out": true, "_shards": {"total": 2, "failed": 0}, "aggregations": {"builds": {"buckets": []}}}`))
			return true
		}
		return false
	}
	if _, err := c.FailedBuilds(context.Background(), win22, recheckgen.BuildFilter{}); err == nil || !strings.Contains(err.Error(), "timed out") {
		t.Errorf("failed builds, timed out: %v", err)
	}
	srv.Fault = func(w http.ResponseWriter, r *http.Request) bool {
		w.Write([]byte(`{"_shards": {"total": 2, "failed": 1, "failures": [{"reason": {"type": "node_closed_exception", "reason": "node closed"}}]}}`))
		return true
	}
	if _, err := c.Latest(context.Background(), time.Now()); err == nil || !strings.Contains(err.Error(), "1 shard(s) failed: node_closed_exception: node closed") {
		t.Errorf("latest, shard failure: %v", err)
	}
	var msearches atomic.Int32
	srv.Fault = func(w http.ResponseWriter, r *http.Request) bool {
		if strings.HasSuffix(r.URL.Path, "/_msearch") && msearches.Add(1) == 1 {
			w.Write([]byte(`{"responses": [{"aggregations": {}, "status": 200},
				{"error": {"type": "es_rejected_execution_exception", "reason": "rejected execution"}, "status": 429},
				{"aggregations": {"builds": {"sum_other_doc_count": 12, "buckets": []}}, "status": 200}]}`))
			return true
		}
		return false
	}
	ms, errs := c.SearchAll(context.Background(), []recheckgen.Query{query("a", "message:a"), query("b", `message:"Timed out"`), query("c", "message:c")},
		win22, opts(recheckgen.SearchOptions{IncludeNonvoting: true}))
	if errs[0] != nil || errs[1] != nil || len(ms[1].Builds) != 3 {
		t.Errorf("the 429 query sent again: %v %v", errs[1], ms[1])
	}
	if n := msearches.Load(); n != 2 {
		t.Errorf("%d _msearch requests, want 2", n)
	}
	if errs[2] == nil || !strings.Contains(errs[2].Error(), "matches more than 10000 builds") {
		t.Errorf("sum_other_doc_count: %v", errs[2])
	}
}

// logsenderDoc is a line as OpenStack's log pipeline writes it to its
// OpenSearch (ci-log-processing's logscraper/logsender.py, commit
// 510723f, makeFields and the line reader): no index template, so the
// dynamic mapping applies; voting and build_change as integers, a
// zone-less isoformat @timestamp, node_provider always "local" with the
// region in hosts_region, daily indices named by a prefix and the day.
func logsenderDoc(uuid, status, ts, msg string) obj {
	return obj{"build_node": "zuul-executor", "build_name": "openstack-tox-py311", "build_status": status,
		"project": "openstack/nova", "voting": 1, "build_set": "5b1f", "build_queue": "check", "build_ref": "refs/changes/12/123412/3",
		"build_branch": "master", "build_change": 123412, "build_patchset": "3", "build_newrev": "", "build_uuid": uuid,
		"node_provider": "local", "log_url": "https://logs.example.org/" + uuid + "/", "tenant": "openstack",
		"hosts_id": []string{"a1b2"}, "hosts_region": []string{"BHS1"}, "change_url": "https://review.opendev.org/123412",
		"filename": "job-output.txt", "tags": []string{"job-output.txt", "console"}, "@timestamp": ts, "message": msg}
}

// TestLogsenderDocuments: on an index filled as OpenStack's pipeline fills
// it, the default settings find the right builds, counts and times.
func TestLogsenderDocuments(t *testing.T) {
	srv := opensearchtest.New(t)
	fill(t, srv,
		logsenderDoc("e1", "FAILURE", "2022-02-28T09:39:09.596000", "ERROR: InvocationError for command"),
		logsenderDoc("e2", "SUCCESS", "2022-02-27T11:00:00.000000", "ERROR: InvocationError for command"),
		logsenderDoc("e3", "FAILURE", "2022-02-26T12:00:00.000000", "all fine"),
	)
	c := realClient(t, srv.URL, "logstash-", nil)
	m, err := c.Search(context.Background(), query("q", `message:"InvocationError for command" AND tags:console AND voting:1`), win22, recheckgen.SearchOptions{Recent: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Builds) != 2 || m.Builds[0].UUID != "e1" || m.Builds[0].Result != "FAILURE" || m.Builds[0].Project != "openstack/nova" ||
		m.Builds[0].Change != "123412" || !m.Builds[0].Voting {
		t.Errorf("builds %+v", m.Builds)
	}
	if len(m.Recent) != 1 || !m.Recent[0].Time.Equal(time.Date(2022, 2, 28, 9, 39, 9, 596e6, time.UTC)) {
		t.Errorf("recent %+v", m.Recent)
	}
	failed, err := c.FailedBuilds(context.Background(), win22, recheckgen.BuildFilter{})
	if err != nil || len(failed) != 2 {
		t.Errorf("failed builds %+v %v", failed, err)
	}
}

// TestFieldCapsWithoutIndices: Elasticsearch before 7.2 answers
// _field_caps with fields only, no "indices" (and has no date_histogram
// fixed_interval): discovery refuses it with that said, not as an index
// pattern matching nothing.
func TestFieldCapsWithoutIndices(t *testing.T) {
	srv := openstackIndex(t)
	srv.Fault = func(w http.ResponseWriter, r *http.Request) bool {
		w.Write([]byte(`{"fields": {"build_uuid": {"text": {"type": "text", "searchable": true, "aggregatable": false}}}}`))
		return true
	}
	_, err := realClient(t, srv.URL, "logstash-", nil).Discover(context.Background())
	if err == nil || !strings.Contains(err.Error(), "Elasticsearch before 7.2") {
		t.Errorf("fields without indices: %v", err)
	}
	srv.Fault = func(w http.ResponseWriter, r *http.Request) bool {
		w.Write([]byte(`{"indices": [], "fields": {}}`))
		return true
	}
	if _, err := realClient(t, srv.URL, "logstash-", nil).Discover(context.Background()); err == nil || !strings.Contains(err.Error(), "matches no index") {
		t.Errorf("no index: %v", err)
	}
}
