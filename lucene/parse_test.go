package lucene

import (
	"strings"
	"testing"
)

type validCase struct {
	in, and, or string // canonical form under default AND and default OR ("" = same as and)
}

var validCases = []validCase{
	{`message:"java.io.IOException"`, `message:"java.io.IOException"`, ""},
	{`a AND b`, `a AND b`, ""},
	{`a && b || c`, `a`, `a AND b`}, // Lucene: under AND, `|| c` makes b optional too
	{`a OR b`, `a OR b`, ""},
	{`a b`, `a AND b`, `a OR b`},
	{`a b OR c`, `a`, `a OR b OR c`}, // Lucene: under AND, OR makes b optional
	{`a OR b AND c`, `b AND c`, ""},
	{`(a OR b) AND c`, `(a OR b) AND c`, ""},
	{`a AND (b OR c)`, `a AND (b OR c)`, ""},
	{`NOT a`, `NOT a`, ""},
	{`!a`, `NOT a`, ""},
	{`-a`, `NOT a`, ""},
	{`a -b`, `a AND NOT b`, ""},
	{`a AND NOT b`, `a AND NOT b`, ""},
	{`NOT a AND b`, `NOT a AND b`, ""},
	{`a NOT b`, `a AND NOT b`, ""},
	{`+a b -c`, `a AND b AND NOT c`, `a AND NOT c`},
	{`a OR NOT b`, `a AND NOT b`, ""}, // as Lucene has it
	{`a OR (NOT b)`, `a OR (NOT b)`, ""},
	{`NOT (a OR b)`, `NOT (a OR b)`, ""},
	{`((a))`, `a`, ""},
	{`(a AND b) AND c`, `a AND b AND c`, ""},
	{`(a OR b) OR c`, `a OR b OR c`, ""},
	{`tags:(console OR "job-output.txt")`, `tags:console OR tags:"job-output.txt"`, ""},
	{`title: hello`, `title:hello`, ""},
	{`"a \"quoted\" word"`, `"a \"quoted\" word"`, ""},
	{`message:"C:\\temp"`, `message:"C:\\temp"`, ""},
	{`message:"  connection.scalar(select([1]))'"`, `message:"  connection.scalar(select([1]))'"`, ""},
	{`foo-bar`, `foo-bar`, ""},
	{`a\:b`, `a\:b`, ""},
	{`a\ b`, `a\ b`, ""},
	{`\-a`, `\-a`, ""},
	{`\AND`, `\AND`, ""},
	{`path/to/x`, `path/to/x`, ""},
	{`qu?ck bro*`, `qu?ck AND bro*`, `qu?ck OR bro*`},
	{`build_name:tripleo-*`, `build_name:tripleo-*`, ""},
	{`a\*b`, `a\*b`, ""},
	{`a\*b*`, `a\*b*`, ""},
	{`*`, `*:*`, ""},
	{`*:*`, `*:*`, ""},
	{`name:/joh?n(ath[oa]n)/`, `name:/joh?n(ath[oa]n)/`, ""},
	{`path:/a\/b/`, `path:/a\/b/`, ""},
	{`quikc~ brwn~1 fox~0`, `quikc~ AND brwn~1 AND fox~0`, `quikc~ OR brwn~1 OR fox~0`},
	{`"fox quick"~5`, `"fox quick"~5`, ""},
	{`quick^2 "fox"^0.5`, `quick^2 AND "fox"^0.5`, `quick^2 OR "fox"^0.5`},
	{`(a b)^3`, `a AND b`, `a OR b`},
	{`date:[2012-01-01 TO 2012-12-31]`, `date:[2012-01-01 TO 2012-12-31]`, ""},
	{`count:{1 TO 5}`, `count:{1 TO 5}`, ""},
	{`count:[1 TO 5}`, `count:[1 TO 5}`, ""},
	{`count:[10 TO *]`, `count:[10 TO *]`, ""},
	{`count:{* TO 100]`, `count:[* TO 100]`, ""},
	{`tag:["a b" TO "c d"]`, `tag:["a b" TO "c d"]`, ""},
	{`age:>10`, `age:{10 TO *]`, ""},
	{`age:>=10`, `age:[10 TO *]`, ""},
	{`age:<10`, `age:[* TO 10}`, ""},
	{`age:<=10`, `age:[* TO 10]`, ""},
	{`_exists_:title`, `_exists_:title`, ""},
	{"message:\"a\"\n  AND\ttags:x", `message:"a" AND tags:x`, ""},
	{`café OR naïve`, `café OR naïve`, ""},
	{`build_status:FAILURE AND voting:1`, `build_status:FAILURE AND voting:1`, ""},
	{`a AND b OR c AND d`, `a AND c AND d`, `a AND b AND c AND d`},
	{`NOT a NOT b`, `NOT a AND NOT b`, ""},
	{`a AND -(b OR c)`, `a AND NOT (b OR c)`, ""},
	{`a & b | c`, `a AND & AND b AND | AND c`, `a OR & OR b OR | OR c`},
	{`ANDROID`, `ANDROID`, ""},
	{`AND\:x`, `AND\:x`, ""},
}

func TestParseValid(t *testing.T) {
	for _, tt := range validCases {
		for _, op := range []Operator{AND, OR} {
			want := tt.and
			if op == OR && tt.or != "" {
				want = tt.or
			}
			n, _, err := Parse(tt.in, Options{DefaultOperator: op})
			if err != nil {
				t.Errorf("Parse(%q, %s): %v", tt.in, op, err)
				continue
			}
			if got := String(n); got != want {
				t.Errorf("Parse(%q, %s) = %q, want %q", tt.in, op, got, want)
			}
			checkRoundTrip(t, tt.in, n, op)
		}
	}
}

type errorCase struct {
	in     string
	offset int
	msg    string
}

var errorCases = []errorCase{
	{``, 0, "empty query"},
	{"  \n\t", 0, "empty query"},
	{`message:"abc`, 8, "phrase is not closed"},
	{`(a OR b`, 0, "`(` is never closed"},
	{`a AND (b OR (c)`, 6, "`(` is never closed"},
	{`a)`, 1, "unexpected `)`"},
	{`()`, 0, "empty parentheses"},
	{`AND a`, 0, "`AND` needs a clause on its left"},
	{`|| a`, 0, "`||` needs a clause on its left"},
	{`a AND`, 2, "`AND` needs a clause on its right"},
	{`a OR )`, 2, "`OR` needs a clause on its right"},
	{`a AND OR b`, 6, "`OR` cannot follow `AND`"},
	{`a NOT`, 2, "`NOT` needs a clause after it"},
	{`a -`, 2, "`-` needs a clause after it"},
	{`!`, 0, "`!` needs a clause after it"},
	{`- -a`, 2, "only one of"},
	{`tags:`, 0, "expected a value after `tags:`"},
	{`tags: AND b`, 0, "found `AND`"},
	{`tags:(a OR build_name:b)`, 11, "a field group cannot name another field"},
	{`count:[1 5]`, 6, "range needs `TO`"},
	{`count:[1 TO 5`, 6, "range is not closed"},
	{`count:[1 TO 5)`, 6, "range is not closed"},
	{`count:[ TO 5]`, 6, "range needs a value on each side"},
	{`count:[1 TO ]`, 6, "range needs a value on each side"},
	{`message:/abc`, 8, "regular expression is not closed"},
	{`a^x`, 1, "boost `^` needs a positive number"},
	{`a^0`, 1, "boost `^` needs a positive number"},
	{`^2`, 0, "unexpected `^`"},
	{`a\`, 1, "a backslash at the end escapes nothing"},
	{`a~5`, 1, "fuzzy edit distance 5 is too large"},
	{`"a b"~x`, 6, "proximity `~` after a phrase needs a whole number"},
	{`"a b"~1.5`, 9, "proximity `~` after a phrase needs a whole number"},
	{`_exists_:`, 0, "expected a value after `_exists_:`"},
	{`_exists_:ti*`, 0, "`_exists_:` needs a field name"},
	{`:a`, 0, "unexpected `:`"},
	{`a:b:c`, 3, "unexpected `:`"},
	{`a"b"`, 1, "right after a value"},
	{`a*~1`, 2, "a wildcard term cannot be fuzzy"},
	{`age:>`, 0, "`>` needs a value"},
	{`~a`, 0, "unexpected `~`"},
	{`field:-x`, 6, "unexpected `-`"},
	{"a caf\xe9", 5, "not valid UTF-8"},
	{strings.Repeat("(", 200) + "a" + strings.Repeat(")", 200), 100, "nested more than 100 deep"},
}

func TestParseErrors(t *testing.T) {
	seen := map[string]bool{}
	for _, tt := range errorCases {
		_, _, err := Parse(tt.in, Options{})
		e, ok := err.(*Error)
		if !ok {
			t.Errorf("Parse(%q): error %v, want *Error", tt.in, err)
			continue
		}
		if e.Offset != tt.offset || !strings.Contains(e.Msg, tt.msg) {
			t.Errorf("Parse(%q) = offset %d %q, want offset %d containing %q", tt.in, e.Offset, e.Msg, tt.offset, tt.msg)
		}
		seen[e.Msg] = true
	}
	if len(seen) < 30 {
		t.Errorf("only %d distinct error messages", len(seen))
	}
}

func TestWarnings(t *testing.T) {
	tests := []struct {
		in    string
		op    Operator
		start int
		msg   string
	}{
		{`a OR b AND c`, AND, 0, "`a` is optional here"},
		{`a b +c`, OR, 0, "`a` is optional here"},
		{`message:x and message:y`, AND, 10, "lowercase `and` is searched as a word"},
		{`foo~0.8`, AND, 3, "old Lucene's similarity"},
	}
	for _, tt := range tests {
		_, warns, err := Parse(tt.in, Options{DefaultOperator: tt.op})
		if err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		if len(warns) == 0 || warns[0].Span.Start != tt.start || !strings.Contains(warns[0].Msg, tt.msg) {
			t.Errorf("%q: warnings %+v, want one at %d containing %q", tt.in, warns, tt.start, tt.msg)
		}
	}
	if _, warns, _ := Parse(`a AND (b OR c)`, Options{}); len(warns) != 0 {
		t.Errorf("parenthesised query warned: %+v", warns)
	}
}

func TestSpans(t *testing.T) {
	src := `message:"a b" AND NOT tags:console`
	n, _, err := Parse(src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	and := n.(*And)
	if got := src[and.Children[0].Pos().Start:and.Children[0].Pos().End]; got != `message:"a b"` {
		t.Errorf("phrase span %q", got)
	}
	not := and.Children[1].(*Not)
	if got := src[not.Span.Start:not.Span.End]; got != `NOT tags:console` {
		t.Errorf("not span %q", got)
	}
	fields := Fields(n)
	if len(fields) != 2 || fields[0].Name != "message" || fields[1].Name != "tags" || fields[1].Span.Start != 22 {
		t.Errorf("Fields = %+v", fields)
	}
}

func TestParseOperator(t *testing.T) {
	for in, want := range map[string]Operator{"and": AND, "AND": AND, " Or ": OR} {
		if got, err := ParseOperator(in); err != nil || got != want {
			t.Errorf("ParseOperator(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseOperator("xor"); err == nil {
		t.Error("xor accepted")
	}
}

func BenchmarkParse(b *testing.B) {
	qs := realQueries(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, q := range qs {
			if _, _, err := Parse(q, Options{DefaultOperator: AND}); err != nil {
				b.Fatal(err)
			}
		}
	}
}
