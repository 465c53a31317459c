package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/analysis"
	"github.com/recheckgen/recheckgen/lucene"
)

// searchCorpus is a small store of four builds with known lines.
func searchCorpus(t testing.TB) *Store {
	t.Helper()
	root := t.TempDir()
	type build struct {
		uuid, job, result, pipeline string
		voting                      bool
		change                      int
		start                       string
		files                       map[string]string
	}
	builds := []build{
		{"b1", "tempest-full-py3", "FAILURE", "gate", true, 100, "2026-11-20T08:00:00", map[string]string{
			"job-output.txt":        "2026-11-20 08:10:00.000000 | java.io.InterruptedIOException: boom\n2026-11-20 08:11:00.000000 | ERROR DURING PREVIOUS COMMAND ^^^\n",
			"logs/screen-n-cpu.txt": "2026-11-20 08:05:00.000 12 ERROR oslo_messaging.rpc.server [-] MessagingTimeout: Timed out waiting for a reply to message ID 1f\n",
		}},
		{"b2", "tripleo-ci-centos-9-standalone", "SUCCESS", "check", true, 200, "2026-11-20T09:00:00", map[string]string{
			"job-output.txt":  "2026-11-20 09:10:00.000000 | + echo ERROR DURING PREVIOUS COMMAND '^^^'\n2026-11-20 09:11:00.000000 | Building mistral\n",
			"logs/syslog.txt": "Nov 20 09:12:00 np001 kernel: python3 invoked oom-killer: gfp_mask=0x100cca\n",
		}},
		{"b3", "magnum-functional-k8s", "FAILURE", "check", false, 300, "2026-11-20T10:00:00", map[string]string{
			"job-output.txt": "2026-11-20 10:10:00.000000 | resources.master_wait_condition: WaitConditionTimeout\n2026-11-20 10:11:00.000000 | Timed out waiting for a reply\n",
		}},
		{"b4", "tempest-full-py3", "FAILURE", "gate", true, 400, "2026-11-18T10:00:00", map[string]string{
			"console.html": "2026-11-18 10:10:00.000000 | Timed out waiting for a reply (old)\n",
		}},
	}
	for _, b := range builds {
		dir := filepath.Join(root, b.uuid)
		mustWrite(t, filepath.Join(dir, "build.json"), []byte(fmt.Sprintf(
			`{"uuid": %q, "job_name": %q, "result": %q, "pipeline": %q, "voting": %v, "change": %d, "project": "openstack/nova", "start_time": %q, "log_url": "https://logs.example.org/%s/"}`,
			b.uuid, b.job, b.result, b.pipeline, b.voting, b.change, b.start, b.uuid)))
		for name, text := range b.files {
			mustWrite(t, filepath.Join(dir, filepath.FromSlash(name)), []byte(text))
		}
	}
	st := openTest(t)
	sum, err := st.Ingest(context.Background(), []string{root}, IngestOptions{Globs: testGlobs})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Warnings) > 0 {
		t.Fatalf("warnings: %v", sum.Warnings)
	}
	return st
}

func parse(t testing.TB, q string) recheckgen.Query {
	t.Helper()
	expr, _, err := lucene.Parse(q, lucene.Options{DefaultOperator: lucene.OR, Index: analysis.Elastic})
	if err != nil {
		t.Fatalf("parse %q: %v", q, err)
	}
	return recheckgen.Query{ID: "test", Raw: q, Expr: expr}
}

var testWindow = recheckgen.Window{Start: time.Date(2026, 11, 19, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC), Bucket: time.Hour}

func uuids(m *recheckgen.Match) string {
	var out []string
	for _, b := range m.Builds {
		out = append(out, b.UUID)
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

func TestSearchSemantics(t *testing.T) {
	st := searchCorpus(t)
	tests := []struct {
		query string
		want  string // matching builds, voting and non-voting
	}{
		{`message:"java.io.InterruptedIOException"`, "b1"},
		{`message:"JAVA.IO.interruptedioexception"`, "b1"},                     // tokens, case-insensitive
		{`"timed out waiting for a reply"`, "b1 b3"},                           // default field; b4 is outside the window
		{`message:"ERROR DURING PREVIOUS COMMAND"`, "b1 b2"},                   // the echoed line matches too, as in Elasticsearch
		{`message:"ERROR DURING PREVIOUS COMMAND" AND NOT message:echo`, "b1"}, // the precise form
		{`message:"ERROR DURING PREVIOUS COMMAND" -message:echo`, "b1"},        // - prefix
		{`tags:console AND message:"Timed out"`, "b3"},                         // tags: the console log
		{`tags:"screen-n-cpu.txt" AND message:MessagingTimeout`, "b1"},         // tags: base name
		{`filename:"logs/screen-n-cpu.txt"`, "b1"},                             // filename: path
		{`build_name:tempest-* AND message:boom`, "b1"},                        // keyword wildcard
		{`build_name:tempest`, ""},                                             // keyword: exact only
		{`build_name:/tripleo-ci-.*/`, "b2"},                                   // keyword regexp
		{`build_status:FAILURE AND message:"timed out"`, "b1 b3"},              // keyword + text
		{`build_status:failure AND message:"timed out"`, ""},                   // keyword: case-sensitive
		{`voting:0 AND message:timed`, "b3"},                                   // voting as 1/0
		{`build_change:[150 TO 300] AND message:*`, "b2 b3"},                   // numeric range
		{`build_change:>250 AND message:"timed out"`, "b3"},                    // one-sided range
		{`module:"oslo_messaging.rpc.server"`, "b1"},                           // from oslo.log
		{`syslog_program:kernel AND message:"invoked oom-killer"`, "b2"},       // from syslog
		{`message:mistr*`, "b2"},                                               // prefix through FTS
		{`message:*ondition*`, "b3"},                                           // other wildcards through tokens
		{`message:mistrl~1`, "b2"},                                             // fuzzy
		{`message:/waitcondition.*/`, "b3"},                                    // text regexp: per token
		{`message:"timed reply"~4`, "b1 b3"},                                   // proximity
		{`(message:boom OR message:mistral) AND build_queue:gate`, "b1"},       // grouping
		{`@timestamp:[2026-11-20T09:00:00Z TO 2026-11-20T10:00:00Z} AND message:*`, "b2"},
		{`@timestamp:[2026-11-19 TO 2026-11-20] AND message:*`, "b1 b2 b3"}, // an inclusive upper bound holds its whole day
		{`@timestamp:{2026-11-20 TO *] AND message:*`, ""},                  // an exclusive lower one is after its day
		{`@timestamp:[2026-11-20T10 TO 2026-11-20T10] AND message:*`, "b3"}, // the hour
		{`_exists_:module`, "b1"},
		{`*:*`, "b1 b2 b3"},
		{`message:"ERROR DURING" AND message:"^^^"`, "b1 b2"}, // no words: dropped, as Elasticsearch drops it
		// Words are Elasticsearch's: dotted names are one word.
		{`message:InterruptedIOException`, ""},
		{`message:"io.InterruptedIOException"`, ""},
		{`message:java.io.*`, "b1"},                  // a prefix of the one word
		{`message:Java.IO.Interrupted*`, "b1"},       // lower-cased, as Elasticsearch does
		{`message:java.*exception`, "b1"},            // a wildcard inside the word
		{`message:/java\.io\..*/`, "b1"},             // a regular expression on the word
		{`message:/.*interruptedioexception/`, "b1"}, // with no literal start: every line
		{`message:/java\.io/`, ""},                   // the whole word, not a part
		{`message:oom-killer`, "b2"},                 // two words, OR
		{`message:invoked-nothing`, "b2"},            // OR: one of them is enough
		{`message:"invoked-nothing"`, ""},            // a phrase needs both
		{`message:"gfp_mask=0x100cca"`, "b2"},        // gfp_mask and 0x100cca
		{`build_name:Tempest-*`, "b1"},               // lower-cased, then exact
		{`build_name:/Tempest-.*/`, "b1"},            // regexp lower-cased too
		{`build_name:/tempest-full-py\d/`, ""},       // \d is the letter d in Lucene
		{`build_name:/tempest-full-py[0-9]/`, "b1"},
	}
	for _, tt := range tests {
		m, err := st.Search(context.Background(), parse(t, tt.query), testWindow, recheckgen.SearchOptions{IncludeNonvoting: true})
		if err != nil {
			t.Errorf("%s: %v", tt.query, err)
			continue
		}
		if got := uuids(m); got != tt.want {
			t.Errorf("%s: matched %q, want %q", tt.query, got, tt.want)
		}
	}
}

func TestSearchVotingAndAggregates(t *testing.T) {
	st := searchCorpus(t)
	q := parse(t, `message:"timed out waiting"`)
	m, err := st.Search(context.Background(), q, testWindow, recheckgen.SearchOptions{Recent: 1})
	if err != nil {
		t.Fatal(err)
	}
	if uuids(m) != "b1" {
		t.Errorf("voting only: %q", uuids(m))
	}
	m, err = st.Search(context.Background(), q, testWindow, recheckgen.SearchOptions{Recent: 5, IncludeNonvoting: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(m.Buckets["FAILURE"][32], m.Buckets["FAILURE"][34], len(m.Buckets["FAILURE"])); got != "1 1 48" {
		t.Errorf("buckets: %s", got)
	}
	if !m.First.Equal(time.Date(2026, 11, 20, 8, 5, 0, 0, time.UTC)) || !m.Last.Equal(time.Date(2026, 11, 20, 10, 11, 0, 0, time.UTC)) {
		t.Errorf("first/last %v %v", m.First, m.Last)
	}
	if len(m.Recent) != 2 || m.Recent[0].Build.UUID != "b3" || m.Recent[0].File != "job-output.txt" || m.Recent[0].Line != 2 ||
		m.Recent[1].Build.Job != "tempest-full-py3" || m.Recent[1].File != "logs/screen-n-cpu.txt" {
		t.Errorf("recent: %+v", m.Recent)
	}
	if got := m.Count(func(b recheckgen.Build) string { return b.Job }); got["magnum-functional-k8s"] != 1 || got["tempest-full-py3"] != 1 {
		t.Errorf("per job: %v", got)
	}
}

func TestSearchUnsupported(t *testing.T) {
	st := searchCorpus(t)
	for q, want := range map[string]string{
		`message:[a TO b]`:                "a range on the text field `message`",
		`build_node_name:x`:               "field `build_node_name`",
		`@timestamp:[now-1d TO now]`:      "date math is not supported",
		`build_change:[one TO two]`:       `range bound "one"`,
		`_exists_:nonsense AND message:x`: "`_exists_` of field `nonsense`",
	} {
		_, err := st.Search(context.Background(), parse(t, q), testWindow, recheckgen.SearchOptions{})
		var ue *UnsupportedError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v, want %q", q, err, want)
		}
	}
}

func TestFailedBuildsAndLatest(t *testing.T) {
	st := searchCorpus(t)
	ctx := context.Background()
	got, err := st.FailedBuilds(ctx, testWindow, recheckgen.BuildFilter{})
	if err != nil || len(got) != 1 || got[0].UUID != "b1" {
		t.Errorf("voting failed builds: %v %v", got, err)
	}
	got, _ = st.FailedBuilds(ctx, testWindow, recheckgen.BuildFilter{IncludeNonvoting: true})
	if len(got) != 2 || got[0].UUID != "b3" {
		t.Errorf("all failed builds, newest first: %v", got)
	}
	got, _ = st.FailedBuilds(ctx, testWindow, recheckgen.BuildFilter{IncludeNonvoting: true, Pipelines: []string{"check"}})
	if len(got) != 1 || got[0].UUID != "b3" {
		t.Errorf("check pipeline: %v", got)
	}
	now := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	latest, err := st.Latest(ctx, now)
	if err != nil || !latest.Time.Equal(time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)) || latest.FutureCount != 0 {
		t.Errorf("latest %+v %v", latest, err)
	}
	// A build dated after now (stored while the clock was ahead, or within
	// the day of slack) does not move the newest time; it is named.
	root := t.TempDir()
	mustWrite(t, filepath.Join(root, "f", "build.json"), []byte(`{"uuid": "ahead", "job_name": "j", "result": "FAILURE", "start_time": "2026-11-30T06:00:00"}`))
	if _, err := st.Ingest(ctx, []string{root}, IngestOptions{Globs: testGlobs, Now: now.Add(12 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	latest, err = st.Latest(ctx, now)
	if err != nil || !latest.Time.Equal(time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)) || latest.FutureCount != 1 || latest.Future[0] != "ahead" {
		t.Errorf("latest with a build from the future %+v %v", latest, err)
	}
}
