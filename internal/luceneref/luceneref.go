// Package luceneref runs real Lucene 4.10 (Debian's liblucene4.10-java, the
// Lucene inside Elasticsearch 1.x, which logstash.openstack.org ran) as the
// reference for what a query means: LuceneRef.java, compiled by the test,
// parses each query with Elasticsearch's query_string settings over
// elastic-recheck's mapping and says which documents it matches. Render
// writes recheckgen's parse in the same neutral form, so the two compare as
// strings.
package luceneref

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

//go:embed LuceneRef.java
var source []byte

// Jars are the Lucene jars the program needs, as Debian installs them.
var Jars = []string{
	"/usr/share/java/lucene-core-4.10.4.jar",
	"/usr/share/java/lucene-analyzers-common-4.10.4.jar",
	"/usr/share/java/lucene-queryparser-4.10.4.jar",
}

// Ref is the compiled reference program.
type Ref struct {
	classpath string
}

// New compiles the reference into a temporary directory of the test. With
// no JDK or no Lucene jars the test is skipped, saying what to install,
// unless RECHECKGEN_REQUIRE_LUCENE=1 (CI sets it after installing them).
func New(t testing.TB) *Ref {
	t.Helper()
	missing := func(what string) {
		msg := fmt.Sprintf("real Lucene 4.10 is not available (%s): apt-get install liblucene4.10-java default-jdk-headless", what)
		if os.Getenv("RECHECKGEN_REQUIRE_LUCENE") == "1" {
			t.Fatal(msg + " (RECHECKGEN_REQUIRE_LUCENE=1)")
		}
		t.Skip(msg)
	}
	javac, err := exec.LookPath("javac")
	if err != nil {
		missing("no javac")
	}
	if _, err := exec.LookPath("java"); err != nil {
		missing("no java")
	}
	for _, j := range Jars {
		if _, err := os.Stat(j); err != nil {
			missing("no " + j)
		}
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "LuceneRef.java")
	if err := os.WriteFile(src, source, 0o644); err != nil {
		t.Fatal(err)
	}
	cp := strings.Join(Jars, string(os.PathListSeparator))
	if out, err := exec.Command(javac, "-nowarn", "-encoding", "UTF-8", "-cp", cp, "-d", dir, src).CombinedOutput(); err != nil {
		t.Fatalf("javac LuceneRef.java: %v\n%s", err, out)
	}
	return &Ref{classpath: cp + string(os.PathListSeparator) + dir}
}

// Doc is one document: its fields in order, a field given again for a
// list of values.
type Doc struct {
	ID     string
	Fields [][2]string
}

// Query is one query to run under a default operator ("AND" or "OR").
type Query struct {
	ID, Text, Operator string
}

// Result is what Lucene made of a query: Status "OK" (Tree, Matches),
// "NULL" (nothing left of it: Elasticsearch matches nothing) or "ERR".
type Result struct {
	Status  string
	Tree    string
	Matches []string
	Err     string
}

// Run indexes docs and runs queries, returning the result of each by id.
func (r *Ref) Run(docs []Doc, queries []Query) (map[string]Result, error) {
	var in bytes.Buffer
	for _, d := range docs {
		line(&in, "DOC", d.ID)
		for _, f := range d.Fields {
			line(&in, "F", f[0], f[1])
		}
	}
	line(&in, "INDEX")
	for _, q := range queries {
		line(&in, "OP", q.Operator)
		line(&in, "Q", q.ID, q.Text)
	}
	out, err := r.run(&in)
	if err != nil {
		return nil, err
	}
	res := map[string]Result{}
	for _, f := range out {
		if f[0] != "Q" || len(f) < 3 {
			continue
		}
		rr := Result{Status: f[2]}
		switch {
		case rr.Status == "OK" && len(f) == 5:
			rr.Tree = f[3]
			if f[4] != "" {
				rr.Matches = strings.Split(f[4], " ")
			}
		case rr.Status == "ERR" && len(f) == 4:
			rr.Err = f[3]
		case rr.Status != "NULL":
			return nil, fmt.Errorf("unreadable reference output %q", f)
		}
		res[f[1]] = rr
	}
	return res, nil
}

// Tokens returns the words the standard analyzer makes of each text, a
// position increment above one written as "" places before the word.
func (r *Ref) Tokens(texts []string) ([][]string, error) {
	var in bytes.Buffer
	for i, t := range texts {
		line(&in, "T", fmt.Sprint(i), t)
	}
	out, err := r.run(&in)
	if err != nil {
		return nil, err
	}
	res := make([][]string, len(texts))
	for _, f := range out {
		var i int
		if _, err := fmt.Sscan(f[1], &i); err != nil || i >= len(texts) {
			return nil, fmt.Errorf("unreadable reference output %q", f)
		}
		res[i] = []string{}
		for _, w := range f[2:] {
			inc, word, _ := strings.Cut(w, ":")
			var n int
			if _, err := fmt.Sscan(inc, &n); err != nil {
				return nil, fmt.Errorf("unreadable reference output %q", f)
			}
			for k := 1; k < n; k++ {
				res[i] = append(res[i], "")
			}
			res[i] = append(res[i], word)
		}
	}
	return res, nil
}

func (r *Ref) run(in *bytes.Buffer) ([][]string, error) {
	cmd := exec.Command("java", "-Xss8m", "-cp", r.classpath, "LuceneRef")
	cmd.Stdin = in
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("LuceneRef: %v\n%s", err, stderr.String())
	}
	var lines [][]string
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		for i := range f {
			f[i] = unescape(f[i])
		}
		lines = append(lines, f)
	}
	return lines, sc.Err()
}

var escaper = strings.NewReplacer(`\`, `\\`, "\t", `\t`, "\n", `\n`, "\r", `\r`)

func line(b *bytes.Buffer, fields ...string) {
	for i, f := range fields {
		if i > 0 {
			b.WriteByte('\t')
		}
		b.WriteString(escaper.Replace(f))
	}
	b.WriteByte('\n')
}

func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 't':
				b.WriteByte('\t')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			default:
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
