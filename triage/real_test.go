package triage

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/internal/testcorpus"
	"github.com/recheckgen/recheckgen/store"
	"go.yaml.in/yaml/v3"
)

// realTop is the depth the real logs' cause lines must rank within.
const realTop = 20

// The real CI logs of testdata/real (see its README): a failed run and a
// passing run of each job, logjuicer's annotation of the lines a reader
// should find (inf.yaml), and the line or lines that say why the run
// failed (cause.txt, ours).
type realCase struct {
	name      string
	anomalies []string
	causes    []string
}

func realCases(t *testing.T) []realCase {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join("testdata", "real", "*", "inf.yaml"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no real logs: %v", err)
	}
	var out []realCase
	for _, p := range dirs {
		dir := filepath.Dir(p)
		c := realCase{name: filepath.Base(dir)}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var inf struct {
			Anomalies []struct {
				Line     string
				Optional bool
			}
		}
		if err := yaml.Unmarshal(data, &inf); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		for _, a := range inf.Anomalies {
			if !a.Optional && strings.TrimSpace(a.Line) != "" {
				c.anomalies = append(c.anomalies, strings.TrimSpace(a.Line))
			}
		}
		causes, err := os.ReadFile(filepath.Join(dir, "cause.txt"))
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range strings.Split(strings.TrimSpace(string(causes)), "\n") {
			c.causes = append(c.causes, strings.TrimSpace(l))
		}
		out = append(out, c)
	}
	return out
}

// explainReal stores each case's two runs as builds of a job of its own
// and explains the failed one as `recheckgen triage` does.
func explainReal(t *testing.T, cases []realCase) map[string]*recheckgen.Explanation {
	t.Helper()
	ctx := context.Background()
	root := t.TempDir()
	for _, c := range cases {
		for _, run := range []struct{ name, result string }{{"good", "SUCCESS"}, {"fail", "FAILURE"}} {
			dir := filepath.Join(root, "corpus", c.name+"-"+run.name)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			data, err := os.ReadFile(filepath.Join("testdata", "real", c.name, run.name+".txt.gz"))
			if err != nil {
				t.Fatal(err)
			}
			os.WriteFile(filepath.Join(dir, "job-output.txt.gz"), data, 0o644)
			os.WriteFile(filepath.Join(dir, "build.json"), []byte(fmt.Sprintf(`{"uuid": %q, "job_name": %q, "result": %q, "voting": true,
				"start_time": "2017-06-24T00:00:00", "end_time": "2017-06-24T04:00:00"}`, c.name+"-"+run.name, c.name, run.result)), 0o644)
		}
	}
	st, err := store.Open(ctx, filepath.Join(root, "logs.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Ingest(ctx, []string{filepath.Join(root, "corpus")}, store.IngestOptions{Globs: testcorpus.Globs}); err != nil {
		t.Fatal(err)
	}
	x, err := NewExplainer(ctx, st, Options{Rank: RankOptions{Top: realTop}})
	if err != nil {
		t.Fatal(err)
	}
	builds, _ := st.ListBuilds(ctx)
	out := map[string]*recheckgen.Explanation{}
	for _, b := range builds {
		if !b.Failed() {
			continue
		}
		e, err := x.Explain(ctx, b, Source{st, st}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(e.Baseline.Builds) != 1 || !e.Baseline.Builds[0].SameJob {
			t.Fatalf("%s: baseline %+v", b.UUID, e.Baseline)
		}
		out[b.Job] = e
	}
	return out
}

// rankOf is the rank of the first line holding text, 0 when none does.
func rankOf(e *recheckgen.Explanation, text string) int {
	for i, l := range e.Lines {
		if strings.Contains(l.Message, text) {
			return i + 1
		}
	}
	return 0
}

// TestRealLogs: on real CI logs of several kinds (Ansible, a boot log,
// diskimage-builder, an rpm build in mock, syslog, tempest, tox running
// unit tests, Zuul's console, tox's pep8), each line that says why the
// run failed ranks in the top 20 of the failed run's explanation; the
// recall of the lines logjuicer's annotators marked is recorded in
// testdata/real/recall.md, which docs/triage.md repeats and the README
// sums up.
func TestRealLogs(t *testing.T) {
	cases := realCases(t)
	es := explainReal(t, cases)
	sort.Slice(cases, func(i, j int) bool { return cases[i].name < cases[j].name })
	var table strings.Builder
	table.WriteString("| log | kind | cause lines: rank | annotated lines in the top 20 |\n| --- | --- | --- | --- |\n")
	found, total := 0, 0
	for _, c := range cases {
		e := es[c.name]
		if e == nil {
			t.Fatalf("%s: not explained", c.name)
		}
		var ranks []string
		for _, cause := range c.causes {
			r := rankOf(e, cause)
			ranks = append(ranks, fmt.Sprint(r))
			if r == 0 {
				t.Errorf("%s: cause line %q not in the top %d:\n%s", c.name, cause, realTop, top(e, realTop))
			}
		}
		n := 0
		for _, a := range c.anomalies {
			if rankOf(e, a) > 0 {
				n++
			}
		}
		found, total = found+n, total+len(c.anomalies)
		fmt.Fprintf(&table, "| %s | %s | %s | %d of %d |\n", c.name, realKinds[c.name], strings.Join(ranks, ", "), n, len(c.anomalies))
	}
	fmt.Fprintf(&table, "| all | | | %d of %d (%.0f%%) |\n", found, total, 100*float64(found)/float64(total))
	golden(t, filepath.Join("real", "recall.md"), table.String())
	docs, err := os.ReadFile(filepath.Join("..", "docs", "triage.md"))
	if err != nil || !strings.Contains(string(docs), table.String()) {
		t.Errorf("docs/triage.md does not hold the recall table (testdata/real/recall.md): %v", err)
	}
	// The README reports the recall in one sentence (the issue asks it there).
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	recall := fmt.Sprintf("%d of %d (%.0f%%) in the top %d", found, total, 100*float64(found)/float64(total), realTop)
	if err != nil || !strings.Contains(strings.Join(strings.Fields(string(readme)), " "), recall) {
		t.Errorf("README.md does not report the recall %q: %v", recall, err)
	}
}

var realKinds = map[string]string{
	"ansible-01":        "ansible-playbook output",
	"basic-01":          "a boot log",
	"dib-01":            "diskimage-builder",
	"mock-01":           "rpm build (DLRN, mock)",
	"syslog-01":         "syslog",
	"tempest-01":        "tempest (oslo.log)",
	"testr-nodepool-01": "tox unit tests (testr, subunit)",
	"zuul-console-01":   "Zuul v2 console, Ansible",
	"zuul-console-pep8": "Zuul v2 console, tox pep8",
}
