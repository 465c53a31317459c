package store

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen/analysis"
	"github.com/recheckgen/recheckgen/internal/fixtures"
	"github.com/recheckgen/recheckgen/internal/luceneref"
	"github.com/recheckgen/recheckgen/lucene"
)

// TestAgainstLucene is the differential test: every real elastic-recheck
// query, and variants generated from each, under both default operators,
// parse to the same query in recheckgen as in real Lucene 4.10 (with
// Elasticsearch 1.x's query_string settings over elastic-recheck's
// mapping), and match the same lines of a store: elastic-recheck's
// recorded documents, written back as build directories and ingested, and
// lines written for the corners of word segmentation. Lucene indexes the
// lines as the store holds them, so a difference is one of meaning, not of
// data. Where recheckgen reads a query differently on purpose (docs/
// backends.md), the variant is not generated: the differences left are
// counted, and there must be none.
func TestAgainstLucene(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Java")
	}
	ref := luceneref.New(t)
	st := openTest(t)
	root := t.TempDir()
	fixtures.WriteBuildDirs(t, root, fixtures.RecordedDocuments(t))
	writeCornerBuild(t, filepath.Join(root, "corners"))
	if _, err := st.Ingest(context.Background(), []string{root}, IngestOptions{Globs: testGlobs}); err != nil {
		t.Fatal(err)
	}
	refDocs := storeDocs(t, st)
	if len(refDocs) < 1000 {
		t.Fatalf("only %d lines", len(refDocs))
	}

	var queries []luceneref.Query
	texts := map[string]string{}
	for i, q := range differentialQueries(t) {
		for _, op := range []string{"OR", "AND"} {
			id := fmt.Sprintf("%d-%s", i, op)
			queries = append(queries, luceneref.Query{ID: id, Text: q, Operator: op})
			texts[id] = q
		}
	}
	start := time.Now()
	res, err := ref.Run(refDocs, queries)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Lucene: %v", time.Since(start))
	start = time.Now()
	defer func() { t.Logf("recheckgen: %v", time.Since(start)) }()
	win := allTime
	var diffs []string
	compared, matched := 0, 0
	for _, q := range queries {
		op := lucene.OR
		if q.Operator == "AND" {
			op = lucene.AND
		}
		want := res[q.ID]
		expr, _, perr := lucene.Parse(q.Text, lucene.Options{DefaultOperator: op, Index: analysis.Elastic})
		switch {
		case perr != nil && (want.Status == "ERR" || want.Status == "NULL" && strings.Contains(perr.Error(), "nothing is left")):
			continue // both refuse it, or both find nothing left of it
		case perr != nil:
			diffs = append(diffs, fmt.Sprintf("%s %q: recheckgen refuses it (%v); Lucene reads %s", q.Operator, q.Text, perr, want.Tree))
			continue
		case want.Status != "OK":
			diffs = append(diffs, fmt.Sprintf("%s %q: Lucene %s %s; recheckgen reads %s", q.Operator, q.Text, want.Status, want.Err, luceneref.Render(expr)))
			continue
		}
		compared++
		if got := luceneref.Render(expr); got != want.Tree {
			diffs = append(diffs, fmt.Sprintf("%s %q parses differently:\n  recheckgen %s\n  Lucene     %s", q.Operator, q.Text, got, want.Tree))
			continue
		}
		w, err := translate(expr)
		if err != nil {
			diffs = append(diffs, fmt.Sprintf("%s %q: the store cannot run it: %v", q.Operator, q.Text, err))
			continue
		}
		got := storeMatches(t, st, w, win)
		if len(got) > 0 {
			matched++
		}
		if !slices.Equal(got, want.Matches) {
			diffs = append(diffs, fmt.Sprintf("%s %q matches differently:\n  only the store %v\n  only Lucene    %v", q.Operator, q.Text, minus(got, want.Matches), minus(want.Matches, got)))
		}
	}
	for i, d := range diffs {
		if i == 30 {
			t.Errorf("... and %d more", len(diffs)-i)
			break
		}
		t.Error(d)
	}
	t.Logf("%d queries: %d parsed alike and compared on %d lines, %d of them matching some", len(queries), compared, len(refDocs), matched)
	if compared < len(queries)*3/4 || matched < 500 {
		t.Errorf("too few comparisons: %d compared, %d matching some line", compared, matched)
	}
}

var allTime = struct{ start, end time.Time }{time.Unix(0, 0), time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)}

// storeMatches runs a translated query over every line, returning the
// line ids, sorted as strings.
func storeMatches(t *testing.T, st *Store, w where, win struct{ start, end time.Time }) []string {
	t.Helper()
	rows, err := st.db.Query(matchSQL(w, true), append([]any{win.start.UnixMilli(), win.end.UnixMilli()}, w.args...)...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, b, ts int64
		if err := rows.Scan(&id, &b, &ts); err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint(id))
	}
	sort.Strings(out)
	return out
}

func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	if len(out) > 8 {
		out = append(out[:8], fmt.Sprintf("… %d in all", len(out)))
	}
	return out
}

// storeDocs reads every stored line with the fields a query can name, as
// the reference indexes them (empty values left out, as an index holds no
// such field).
func storeDocs(t *testing.T, st *Store) []luceneref.Doc {
	t.Helper()
	rows, err := st.db.Query(`SELECT l.id, l.message, COALESCE(l.level, ''), COALESCE(l.module, ''), COALESCE(l.program, ''), f.name,
		(SELECT group_concat(tag, char(10)) FROM file_tags WHERE file_id = f.id),
		b.uuid, b.job, b.result, b.pipeline, b.branch, b.change, b.patchset, b.ref, b.project, b.provider, b.log_url, b.voting
		FROM lines l JOIN files f ON f.id = l.file_id JOIN builds b ON b.id = l.build_id ORDER BY l.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []luceneref.Doc
	for rows.Next() {
		var id, voting int64
		var msg, level, module, program, file, tags, uuid, job, result, pipeline, branch, change, patchset, ref, project, provider, logURL string
		if err := rows.Scan(&id, &msg, &level, &module, &program, &file, &tags, &uuid, &job, &result, &pipeline, &branch,
			&change, &patchset, &ref, &project, &provider, &logURL, &voting); err != nil {
			t.Fatal(err)
		}
		d := luceneref.Doc{ID: fmt.Sprint(id)}
		add := func(f, v string) {
			if v != "" {
				d.Fields = append(d.Fields, [2]string{f, v})
			}
		}
		add("message", msg)
		add("loglevel", level)
		add("module", module)
		add("syslog_program", program)
		add("filename", file)
		for _, tag := range strings.Split(tags, "\n") {
			add("tags", tag)
		}
		add("build_uuid", uuid)
		add("build_short_uuid", uuid[:min(7, len(uuid))])
		add("build_name", job)
		add("build_status", result)
		add("build_queue", pipeline)
		add("build_branch", branch)
		add("build_change", change)
		add("build_patchset", patchset)
		add("build_ref", ref)
		add("project", project)
		add("node_provider", provider)
		add("log_url", logURL)
		add("voting", fmt.Sprint(voting))
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// cornerLines are lines for the corners of word segmentation and of the
// query syntax the real queries do not reach.
var cornerLines = []string{
	"java.io.InterruptedIOException: boom at 10.0.0.1:8080",
	"ovs-vsctl --timeout=10 -- --may-exist add-port br-int tap1f2e3d4c",
	"Détails: Übung ไทย 世界 don't 1,000 e.g. U.S.A.",
	"ERROR: No viable v4 or v6 route found to git.openstack.org. The build node is assumed to be invalid.",
	"nova.compute.manager:TestFoo failed; oslo_messaging.exceptions.MessagingTimeout: Timed out",
	"a " + strings.Repeat("x", 300) + " b",
	"Traceback (most recent call last):",
	"+ echo 'ERROR DURING PREVIOUS COMMAND ^^^'",
	"ERROR DURING PREVIOUS COMMAND ^^^",
	"requests.exceptions.ConnectionError: ('Connection aborted.', BadStatusLine(\"''\",))",
	"FAILED tempest.api.compute.servers.test_server_actions.ServerActionsTestJSON.test_reboot_server_hard [12.3s]",
	"Remote error: ToozConnectionError Service Unavailable",
	"sqlalchemy.exc.InterfaceError: (pymysql.err.InterfaceError) (0, '')",
}

func writeCornerBuild(t *testing.T, dir string) {
	t.Helper()
	mustWrite(t, filepath.Join(dir, "build.json"), []byte(`{"uuid": "c0ffee00c0ffee00c0ffee00c0ffee00", "job_name": "Tempest-Corner", "result": "FAILURE",
		"pipeline": "gate", "project": "openstack/nova", "branch": "master", "voting": true, "start_time": "2026-11-20T08:00:00"}`))
	var b strings.Builder
	for i, l := range cornerLines {
		fmt.Fprintf(&b, "2026-11-20 08:%02d:00.000000 | %s\n", i, l)
	}
	mustWrite(t, filepath.Join(dir, "job-output.txt"), []byte(b.String()))
	mustWrite(t, filepath.Join(dir, "logs", "screen-n-cpu.txt"), []byte(
		"2026-11-20 08:30:00.000 12 ERROR nova.compute.manager [req-1] Instance failed to spawn: libvirtError: internal error\n"+
			"2026-11-20 08:30:01.000 12 WARNING oslo_messaging.rpc.server [-] MessagingTimeout: Timed out waiting for a reply\n"))
}

// differentialQueries are the real queries and variants of each.
func differentialQueries(t *testing.T) []string {
	t.Helper()
	var real []string
	for _, q := range fixtures.RealQueries(t) {
		real = append(real, q.Text)
	}
	out := append([]string{}, real...)
	for _, q := range real {
		out = append(out, variants(q)...)
	}
	out = append(out,
		`message:java.io.*`, `message:Java.IO.Interrupted*`, `message:java.*exception`, `message:*exception`,
		`message:/java\.io\..*/`, `message:/.*exception/`, `message:/java\.io/`, `message:/[a-z]+\.io\.[a-z]+/`,
		`message:10.0.0.*`, `message:10.0.0.1\:8080`, `message:"10.0.0.1:8080"`, `message:ovs-vsctl`, `message:"ovs-vsctl"`,
		`message:(ovs vsctl) AND NOT message:"may-exist"`, `message:may-exist*`, `message:"don't" AND message:1,000`,
		`message:ไทย OR message:世`, `message:"U.S.A"`, `message:e.g`, `message:übung`, `message:ÜBUNG*`,
		`message:"a b"`, `message:x*`, `message:"ERROR DURING PREVIOUS COMMAND" AND NOT message:echo`,
		`message:"ERROR DURING PREVIOUS COMMAND" -message:echo`, `"timed out" OR libvirterror`,
		`build_name:Tempest-*`, `build_name:tempest-*`, `build_name:/tempest-.*/`, `build_name:/Tempest-.*/`, `build_name:Tempest-Corner`,
		`module:nova.compute.*`, `loglevel:WARNING AND message:timed`, `loglevel:(ERROR OR WARNING)`, `_exists_:module AND message:failed`,
		`NOT _exists_:module AND message:"timed out"`, `message:mesagingtimeout~1`, `message:tmed~2 AND message:out`, `message:a~2`, `message:ab~1`, `build_name:x~2`,
		`tags:console AND NOT message:echo`, `tags:(console "screen-n-cpu.txt") AND message:error`, `tags:Console`, `tags:CONSOLE*`,
		`message:"BadStatusLine("''",))"`, `message:"(0, '')"`, `message:"::" OR message:boom`, `message:boom AND " - "`,
		`a OR "::" AND boom`, `message:boom message:timed AND tags:console`, `build_status:failure`, `build_status:FAILURE AND message:boom`,
		`filename:"job-output.txt" AND message:traceback`, `filename:*.txt AND message:boom`, `*:* AND NOT message:boom`, `NOT message:boom`,
		`(NOT message:boom) OR message:traceback`, `message:boom^2 OR message:"timed out"^3`, `message:"timed out"~2`,
		`message:"Timed ou*"`, `message:"java.io.*"`, `message:TIMED`, `message:\"quoted\"`, `message:(+timed -out)`, `message:timed AND -message:out`,
		`-message:boom OR message:timed`, `message:tim?d`, `message:t*d`, `message:/.*/`, `message:/[0-9]+/`, `tags:console*`, `filename:logs*`,
		`message:don't`, `message:"don't"`, `message:U.S.A.`, `message:übung~1`, `message:世界`, `message:"世界"`, `message:ไทย*`, `_exists_:loglevel`,
		`message:(timed OR out) AND NOT (message:boom OR message:traceback)`, `message:"a" AND NOT message:"a"`,
		`message:"out timed"~2`, `message:1,000`, `message:1*`, `message:e.g.`, `message:ERROR*`, `message:"ERROR:"`, `message:error\:`,
		`message:"+ echo"`, `message:'ERROR'`, `message:"^^^"`, `message:^^^`, `message:(a b c)^2`, `build_status:(FAILURE OR SUCCESS) AND message:timed`,
		`message:"tap1f2e3d4c"`, `message:tap*`, `message:br-int`, `message:"--may-exist"`, `message:--timeout=10`, `message:timeout=10`,
		`message:"[12.3s]"`, `message:12.3s`, `message:test_reboot_server_hard`, `message:"servers.test_server_actions"`,
	)
	slices.Sort(out)
	return slices.Compact(out)
}

var (
	phraseRE = regexp.MustCompile(`message:\s*"((?:[^"\\]|\\.)*)"`)
	tagRE    = regexp.MustCompile(`tags:\s*"([^"]*)"`)
)

// variants rewrites a real query in the ways queries are written: other
// operators, words unquoted, prefixes, wildcards, regular expressions,
// fuzzy words, negation, values with no word, and exact fields in groups
// or with wildcards.
func variants(q string) []string {
	var out []string
	out = append(out, strings.ReplaceAll(q, " AND ", " OR "), strings.ReplaceAll(q, "AND", ""))
	m := phraseRE.FindStringSubmatchIndex(q)
	if m == nil {
		return out
	}
	phrase := q[m[2]:m[3]]
	words := analysis.Tokens(strings.ReplaceAll(phrase, `\"`, `"`))
	replace := func(with string) string { return q[:m[0]] + with + q[m[1]:] }
	var unquoted []string
	// Unquoted, a value starting with < or > is a range to Elasticsearch,
	// escaped or not, which the store cannot run on message: left out.
	for _, f := range strings.Fields(strings.NewReplacer(`\"`, `"`, "<", "", ">", "").Replace(phrase)) {
		unquoted = append(unquoted, escapeAll(f))
	}
	if len(unquoted) > 0 {
		out = append(out, replace("message:("+strings.Join(unquoted, " ")+")"), replace("message:"+strings.Join(unquoted, "-")))
	}
	out = append(out, replace(`message:"`+phrase+`"''`), replace(`message:"`+phrase+`" AND message:"::"`), "("+q+`) OR "->"`)
	if len(words) > 0 {
		w := words[0]
		if len(words) > 1 {
			out = append(out, q+" AND NOT message:"+escapeAll(words[1]), q+" -message:"+escapeAll(words[len(words)-1]))
		}
		if r := []rune(w); len(r) >= 4 {
			half := string(r[:len(r)/2])
			out = append(out,
				replace("message:"+escapeAll(half)+"*"),
				replace("message:"+escapeAll(strings.ToUpper(half))+"*"),
				replace("message:*"+escapeAll(string(r[1:len(r)-1]))+"*"),
				replace("message:"+escapeAll(string(r[:1]))+"?"+escapeAll(string(r[2:]))),
				replace("message:/"+regexp.QuoteMeta(half)+".*/"),
				replace("message:/"+strings.ReplaceAll(regexp.QuoteMeta(w), "/", `\/`)+"/"),
				replace("message:/.*"+regexp.QuoteMeta(string(r[len(r)/2:]))+"/"),
				replace("message:"+escapeAll(string(r[:1])+"x"+string(r[2:]))+"~1"),
			)
		}
	}
	if t := tagRE.FindStringSubmatchIndex(q); t != nil {
		tag := q[t[2]:t[3]]
		out = append(out,
			q[:t[0]]+`tags:("`+tag+`" "screen-n-cpu.txt")`+q[t[1]:],
			q[:t[0]]+`tags:`+escapeAll(strings.ToUpper(tag[:1])+tag[1:])+q[t[1]:],
			q[:t[0]]+`tags:`+escapeAll(tag[:len(tag)/2+1])+`*`+q[t[1]:],
			q[:t[0]]+`tags:"`+tag+`" AND build_name:*tempest*`+q[t[1]:],
		)
	}
	return out
}

// escapeAll backslash-escapes every character Lucene's query syntax
// gives a meaning.
func escapeAll(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`\+-!():^[]"{}~*?|&/= `, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// TestPrintedAsLuceneReads: what a cluster is sent for a query is its
// canonical print (opensearch's queryString, with the field names the
// cluster uses), which must mean to Lucene what the query as written means,
// under either default operator the server may be told: Lucene 4.10 parses
// the print of every differential query to the tree it parses the query
// itself to. Otherwise the store and a server would run the same query
// file differently while the differential test passed.
func TestPrintedAsLuceneReads(t *testing.T) {
	if testing.Short() {
		t.Skip("runs Java")
	}
	ref := luceneref.New(t)
	var queries []luceneref.Query
	printed := map[string]string{}
	for i, q := range differentialQueries(t) {
		for _, op := range []lucene.Operator{lucene.OR, lucene.AND} {
			expr, _, err := lucene.Parse(q, lucene.Options{DefaultOperator: op, Index: analysis.Elastic})
			if err != nil {
				continue // TestAgainstLucene holds the refusals to Lucene's
			}
			id := fmt.Sprintf("%d-%s", i, op)
			printed[id] = lucene.String(expr)
			queries = append(queries, luceneref.Query{ID: id, Text: q, Operator: op.String()})
			for _, sent := range []lucene.Operator{lucene.OR, lucene.AND} {
				queries = append(queries, luceneref.Query{ID: id + "-printed-" + sent.String(), Text: printed[id], Operator: sent.String()})
			}
		}
	}
	res, err := ref.Run([]luceneref.Doc{{ID: "1", Fields: [][2]string{{"message", "boom"}}}}, queries)
	if err != nil {
		t.Fatal(err)
	}
	var diffs []string
	for _, q := range queries {
		id, sent, ok := strings.Cut(q.ID, "-printed-")
		if !ok {
			continue
		}
		want, got := res[id], res[q.ID]
		if want.Status != got.Status || want.Tree != got.Tree {
			diffs = append(diffs, fmt.Sprintf("%q (%s) is sent as %s, which Lucene with default operator %s reads as %s %s, not %s %s",
				texts(queries, id), strings.SplitN(id, "-", 2)[1], printed[id], sent, got.Status, got.Tree, want.Status, want.Tree))
		}
	}
	for i, d := range diffs {
		if i == 30 {
			t.Errorf("... and %d more", len(diffs)-i)
			break
		}
		t.Error(d)
	}
	t.Logf("%d queries printed and read back by Lucene under both operators", len(printed))
}

func texts(qs []luceneref.Query, id string) string {
	for _, q := range qs {
		if q.ID == id {
			return q.Text
		}
	}
	return ""
}
