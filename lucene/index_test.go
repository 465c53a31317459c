package lucene_test

import (
	"strings"
	"testing"

	"github.com/recheckgen/recheckgen/analysis"
	"github.com/recheckgen/recheckgen/lucene"
)

// Queries read as elastic-recheck's index holds its fields: each case is
// what Elasticsearch makes of the query (as real Lucene 4.10 confirms in
// store's differential test) and the warnings that say where that is not
// what it seems. Each rule has cases here that fail without it.
func TestIndexReading(t *testing.T) {
	type warn struct {
		at  string // the text the warning points at
		msg string
	}
	for _, c := range []struct {
		in    string
		op    lucene.Operator
		want  string
		warns []warn
	}{
		// Values with no word are dropped, as Lucene drops them, after
		// their AND or OR has set the clause before.
		{`message:"::" AND tags:x`, lucene.OR, `tags:x`, []warn{{`message:"::"`, "holds no letter or digit, so Elasticsearch's analyzer finds no word in it and drops it"}}},
		{`message:"java" AND " - "`, lucene.OR, `message:"java"`, []warn{{`" - "`, "drops it"}}},
		{`a OR "->" AND c`, lucene.OR, `a AND c`, []warn{{`"->"`, "drops it"}}},
		{`a AND ("::" OR "->")`, lucene.OR, `a`, []warn{{`"::"`, "drops it"}, {`"->"`, "drops it"}}},
		{`build_name:"::" AND a`, lucene.OR, `build_name:"::" AND a`, nil}, // exact values are not analyzed
		// A stray '' right after a phrase: an unescaped quote.
		{`message:"BadStatusLine("''",))" AND tags:"console"`, lucene.OR, `message:"BadStatusLine(" AND tags:"console"`, []warn{
			{`''`, "right after a value is read as a value of its own with no letter or digit in it, which Elasticsearch drops: probably an unescaped quote"},
			{`",))"`, "right after a value"}}},
		{`message:"a"""`, lucene.AND, `message:"a"`, []warn{{`""`, "right after a value"}}},
		// Unquoted values of several words: joined by the default operator.
		{`message:ovs-vsctl`, lucene.OR, `message:ovs OR message:vsctl`, []warn{{`message:ovs-vsctl`, "is 2 words to Elasticsearch (`ovs`, `vsctl`), joined by the default operator OR: a line with any one of them matches; quote it to find them side by side: message:\"ovs-vsctl\""}}},
		{`message:ovs-vsctl`, lucene.AND, `message:ovs AND message:vsctl`, []warn{{`message:ovs-vsctl`, "joined by the default operator AND"}}},
		{`message:java.io.IOException`, lucene.OR, `message:java.io.IOException`, nil}, // one word
		// Expanded terms are lower-cased; on exact values that loses matches.
		{`build_name:Tempest*`, lucene.OR, `build_name:tempest*`, []warn{{`build_name:Tempest*`, "lower-cases wildcard terms (lowercase_expanded_terms), so `build_name:Tempest*` looks for `tempest*`; `build_name` holds exact values"}}},
		{`message:Java.IO.*`, lucene.OR, `message:java.io.*`, nil},
		{`message:/Java\.IO\..*/`, lucene.OR, `message:/java\.io\..*/`, nil},
		{`project:/OpenStack.*/`, lucene.OR, `project:/openstack.*/`, []warn{{`project:/OpenStack.*/`, "lower-cases regular expressions"}}},
		{`build_name:Foo~1`, lucene.OR, `build_name:foo~1`, []warn{{`build_name:Foo~1`, "lower-cases fuzzy terms"}}},
		{`build_status:[A TO F]`, lucene.OR, `build_status:[a TO f]`, []warn{{`build_status:[A TO F]`, "lower-cases range bounds"}}},
		{`@timestamp:[2026-11-20T10:00:00Z TO *]`, lucene.OR, `@timestamp:[2026-11-20T10:00:00Z TO *]`, nil},
		// Wildcards on message match single words.
		{`message:foo-bar*`, lucene.OR, `message:foo-bar*`, []warn{{`message:foo-bar*`, "can never match: a wildcard is matched against single words, and `-` never stands inside one"}}},
		{`message:10.0.0.*`, lucene.OR, `message:10.0.0.*`, nil},
		// Values side by side that change meaning with the default operator.
		{`build_name:("job-a" "job-b")`, lucene.OR, `build_name:"job-a" OR build_name:"job-b"`, []warn{{`"job-b"`, "no operator between `\"job-a\"` and `\"job-b\"`: values side by side are joined by the default operator (OR here, as in Elasticsearch and elastic-recheck), and this query would mean something else under AND"}}},
		{`message:"x" tags:console`, lucene.OR, `message:"x" OR tags:console`, []warn{{`tags:console`, "no operator between"}}},
		{`message:"x" tags:console`, lucene.AND, `message:"x" AND tags:console`, []warn{{`tags:console`, "(AND here, where Elasticsearch and elastic-recheck used OR), and this query would mean something else under OR"}}},
		{`+message:"x" +tags:console`, lucene.OR, `message:"x" AND tags:console`, nil},
		{`NOT a NOT b`, lucene.OR, `NOT a AND NOT b`, nil},
		// A missing operator beside AND, reported as such.
		{`message:"a" message:"b" AND tags:c`, lucene.OR, `message:"b" AND tags:c`, []warn{{`message:"a"`, "no operator between `message:\"a\"` and `message:\"b\"`: with the default operator OR, `message:\"a\"` is optional beside required clauses"}}},
		// One exact, single-valued field cannot equal two values.
		{`build_name:"a" AND build_name:"b"`, lucene.OR, `build_name:"a" AND build_name:"b"`, []warn{{`build_name:"b"`, "`build_name` holds one value per line, so `build_name:\"a\"` AND `build_name:\"b\"` can never both hold"}}},
		{`build_name:(a b)`, lucene.AND, `build_name:a AND build_name:b`, []warn{{`b`, "no operator between"}, {`b`, "holds one value per line"}}},
		{`tags:console AND tags:"job-output.txt"`, lucene.OR, `tags:console AND tags:"job-output.txt"`, nil},
		{`build_name:a AND build_name:a`, lucene.OR, `build_name:a AND build_name:a`, nil},
		{`build_name:a AND NOT build_name:b`, lucene.OR, `build_name:a AND NOT build_name:b`, nil},
	} {
		n, warns, err := lucene.Parse(c.in, lucene.Options{DefaultOperator: c.op, Index: analysis.Elastic})
		if err != nil {
			t.Errorf("%q (%s): %v", c.in, c.op, err)
			continue
		}
		if got := lucene.String(n); got != c.want {
			t.Errorf("%q (%s) = %s, want %s", c.in, c.op, got, c.want)
		}
		if len(warns) != len(c.warns) {
			t.Errorf("%q (%s): %d warnings %+v, want %d", c.in, c.op, len(warns), warns, len(c.warns))
			continue
		}
		for i, w := range c.warns {
			got := c.in[warns[i].Span.Start:warns[i].Span.End]
			if got != w.at || !strings.Contains(warns[i].Msg, w.msg) {
				t.Errorf("%q (%s): warning %d at %q: %s\nwant at %q containing %q", c.in, c.op, i, got, warns[i].Msg, w.at, w.msg)
			}
		}
		// What is printed reads back to the same query.
		back, _, err := lucene.Parse(lucene.String(n), lucene.Options{DefaultOperator: c.op, Index: analysis.Elastic})
		if err != nil || !lucene.Equal(n, back) {
			t.Errorf("%q (%s): printed %s reads back as %v, %v", c.in, c.op, lucene.String(n), back, err)
		}
	}
}

func TestIndexReadingErrors(t *testing.T) {
	for _, c := range []struct{ in, msg string }{
		{`"::" AND "->"`, "nothing is left of the query: none of its values holds a letter or digit"},
		{`NOT " - "`, "nothing is left of the query"},
		{`message:/a[b/`, "regular expression: character class `[` is not closed"},
		{`message:/<foo>/`, "names no automaton"},
	} {
		_, _, err := lucene.Parse(c.in, lucene.Options{Index: analysis.Elastic})
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%q: %v, want an error containing %q", c.in, err, c.msg)
		}
	}
	// Valid Lucene the embedded store cannot run parses: a server runs it.
	if _, _, err := lucene.Parse(`message:/a&b/`, lucene.Options{Index: analysis.Elastic}); err != nil {
		t.Errorf("intersection refused by the parser: %v", err)
	}
}

// newer is an index read as Elasticsearch 5 and later and OpenSearch read
// it: expanded terms lower-cased by the analyzed field's analyzer only.
type newer struct{ analysis.Mapping }

func (newer) LowerExpanded(field string) bool { return analysis.Elastic.Analyzed(field) }

// A Normalizer lower-cases expanded terms only where it says so, and then
// nothing is lost on exact fields, so nothing is warned about.
func TestNormalizerReading(t *testing.T) {
	for _, c := range []struct{ in, es1, newer string }{
		{`build_name:Tempest*`, `build_name:tempest*`, `build_name:Tempest*`},
		{`message:Java.IO.*`, `message:java.io.*`, `message:java.io.*`},
		{`Java.IO.*`, `java.io.*`, `java.io.*`},
		{`project:/OpenStack.*/ AND message:/Java\.IO\..*/`, `project:/openstack.*/ AND message:/java\.io\..*/`, `project:/OpenStack.*/ AND message:/java\.io\..*/`},
		{`build_name:Foo~1 OR message:Foo~1`, `build_name:foo~1 OR message:foo~1`, `build_name:Foo~1 OR message:foo~1`},
		{`build_status:[A TO F] OR message:[A TO F]`, `build_status:[a TO f] OR message:[a TO f]`, `build_status:[A TO F] OR message:[a TO f]`},
	} {
		for _, ix := range []struct {
			name string
			ix   lucene.Index
			want string
		}{{"Elasticsearch 1.x", analysis.Elastic, c.es1}, {"Normalizer", newer{}, c.newer}} {
			n, warns, err := lucene.Parse(c.in, lucene.Options{Index: ix.ix})
			if err != nil {
				t.Errorf("%q (%s): %v", c.in, ix.name, err)
				continue
			}
			if got := lucene.String(n); got != ix.want {
				t.Errorf("%q (%s) = %s, want %s", c.in, ix.name, got, ix.want)
			}
			if ix.name == "Normalizer" && len(warns) > 0 {
				t.Errorf("%q (%s): warnings %+v", c.in, ix.name, warns)
			}
		}
	}
}
