package lucene

import (
	"strconv"
	"strings"
	"testing"
)

type validCase struct {
	in      string
	and, or string // String() under default AND and default OR ("" = same as and)
}

var validCases = []validCase{
	// Terms, fields, phrases.
	{`a`, `a`, ""},
	{`message:"java.io.IOException"`, `message:"java.io.IOException"`, ""},
	{`title: hello`, `title:hello`, ""},
	{`title : hello`, `title:hello`, ""}, // Lucene skips white space between tokens
	{`f\:g:x`, `f\:g:x`, ""},
	{`city.\*:x`, `city.\*:x`, ""},
	{`"a \"quoted\" word"`, `"a \"quoted\" word"`, ""},
	{`message:"C:\\temp"`, `message:"C:\\temp"`, ""},
	{`"\nNo matching"`, `"nNo matching"`, ""}, // \x is x, as in Lucene
	{`"a:b (c) [d] AND e/f"`, `"a:b (c) [d] AND e/f"`, ""},
	{`message:"  connection.scalar(select([1]))'"`, `message:"  connection.scalar(select([1]))'"`, ""},
	{`""`, `""`, ""},
	{`café OR naïve`, `café OR naïve`, ""},
	{"message:\"a\"\n  AND\ttags:x", `message:"a" AND tags:x`, ""},
	{"a\u3000b", `a AND b`, `a OR b`}, // ideographic space separates, as in Lucene
	{"a\u00a0b", "a\u00a0b", ""},      // a no-break space does not
	{`build_status:FAILURE AND voting:1`, `build_status:FAILURE AND voting:1`, ""},

	// Words: - and + inside a word, / after its start, escapes.
	{`foo-bar`, `foo-bar`, ""},
	{`foo+bar a-`, `foo+bar AND a-`, `foo+bar OR a-`},
	{`path/to/x`, `path/to/x`, ""},
	{`a\:b`, `a\:b`, ""},
	{`a\ b`, `a\ b`, ""},
	{`\-a \+a \/a \!a`, `\-a AND \+a AND \/a AND \!a`, `\-a OR \+a OR \/a OR \!a`},
	{`a\\b a\"b a\(b\)`, `a\\b AND a\"b AND a\(b\)`, `a\\b OR a\"b OR a\(b\)`},
	{`a\^2 b\~`, `a\^2 AND b\~`, `a\^2 OR b\~`},
	{`\AND`, `\AND`, ""},
	{`\&&`, `\&&`, ""},
	{`ANDROID`, `ANDROID`, ""},
	{`AND\:x`, `AND\:x`, ""},
	{`a&&b &&c`, `a&&b AND &&c`, `a&&b OR &&c`}, // longest match: words, not operators
	{`a & b | c`, `a AND & AND b AND | AND c`, `a OR & OR b OR | OR c`},
	{`a and b`, `a AND and AND b`, `a OR and OR b`},

	// Operators and Lucene's clause flags.
	{`a AND b`, `a AND b`, ""},
	{`a && b`, `a AND b`, ""},
	{`a OR b`, `a OR b`, ""},
	{`a || b`, `a OR b`, ""},
	{`a b`, `a AND b`, `a OR b`},
	{`a b c`, `a AND b AND c`, `a OR b OR c`},
	{`a && b || c`, `a`, `a AND b`}, // under AND, `|| c` makes b optional too
	{`a b OR c`, `a`, `a OR b OR c`},
	{`a OR b c`, `c`, `a OR b OR c`},
	{`a OR b AND c`, `b AND c`, ""},
	{`a AND b OR c`, `a`, `a AND b`},
	{`a AND b OR c AND d`, `a AND c AND d`, `a AND b AND c AND d`},
	{`NOT a`, `NOT a`, ""},
	{`!a`, `NOT a`, ""},
	{`-a`, `NOT a`, ""},
	{`+a`, `a`, ""},
	{`+a +b`, `a AND b`, ""},
	{`+a b`, `a AND b`, `a`},
	{`+a b -c`, `a AND b AND NOT c`, `a AND NOT c`},
	{`a -b`, `a AND NOT b`, ""},
	{`a !b`, `a AND NOT b`, ""},
	{`a AND NOT b`, `a AND NOT b`, ""},
	{`NOT a AND b`, `NOT a AND b`, ""},
	{`NOT a OR b`, `NOT a AND b`, ""},
	{`a NOT b`, `a AND NOT b`, ""},
	{`a OR NOT b`, `a AND NOT b`, ""}, // as Lucene has it
	{`a OR b NOT c`, `(a OR b) AND NOT c`, ""},
	{`NOT a b c`, `NOT a AND b AND c`, `NOT a AND (b OR c)`},
	{`NOT a NOT b`, `NOT a AND NOT b`, ""},
	{`-a -b`, `NOT a AND NOT b`, ""},
	{`NOT(a)`, `NOT a`, ""},
	{`a AND(b)`, `a AND b`, ""},
	{`"a"AND"b"`, `"a" AND "b"`, ""},

	// Groups.
	{`(a)`, `a`, ""},
	{`((a))`, `a`, ""},
	{`(a OR b) AND c`, `(a OR b) AND c`, ""},
	{`a AND (b OR c)`, `a AND (b OR c)`, ""},
	{`(a AND b) OR (c AND d)`, `(a AND b) OR (c AND d)`, ""},
	{`(a AND b) AND c`, `a AND b AND c`, ""},
	{`(a OR b) OR c`, `a OR b OR c`, ""},
	{`(a b) (c d)`, `a AND b AND c AND d`, `a OR b OR c OR d`},
	{`a OR (NOT b)`, `a OR (NOT b)`, ""},
	{`NOT (a OR b)`, `NOT (a OR b)`, ""},
	{`NOT (a AND b)`, `NOT (a AND b)`, ""},
	{`NOT (NOT a)`, `NOT (NOT a)`, ""},
	{`-(a b)`, `NOT (a AND b)`, `NOT (a OR b)`},
	{`a AND -(b OR c)`, `a AND NOT (b OR c)`, ""},
	{`(a OR b)^3`, `a OR b`, ""},
	{`(a b)^3`, `a AND b`, `a OR b`},

	// Field groups.
	{`tags:(console OR "job-output.txt")`, `tags:console OR tags:"job-output.txt"`, ""},
	{`f:(a b)`, `f:a AND f:b`, `f:a OR f:b`},
	{`f:(a -b)`, `f:a AND NOT f:b`, ""},
	{`f:(a (b OR c))`, `f:a AND (f:b OR f:c)`, `f:a OR f:b OR f:c`},
	{`f:([1 TO 2] OR /x/ OR y* OR "z")`, `f:[1 TO 2] OR f:/x/ OR f:y* OR f:"z"`, ""},
	{`f:(a b)^2`, `f:a AND f:b`, `f:a OR f:b`},
	{`f:(*)`, `f:*`, ""},
	{`NOT f:(a OR b)`, `NOT (f:a OR f:b)`, ""},

	// Wildcards and match-all.
	{`qu?ck bro*`, `qu?ck AND bro*`, `qu?ck OR bro*`},
	{`build_name:tripleo-*`, `build_name:tripleo-*`, ""},
	{`*foo ?`, `*foo AND ?`, `*foo OR ?`},
	{`AND*`, `AND*`, ""},
	{`a\*b`, `a\*b`, ""},
	{`a\*b*`, `a\*b*`, ""},
	{`a\\*`, `a\\*`, ""},
	{`a\-b*`, `a-b*`, ""},
	{`message:*`, `message:*`, ""},
	{`a*^2`, `a*^2`, ""},
	{`**`, `**`, ""},
	{`*`, `*:*`, ""},
	{`*:*`, `*:*`, ""},
	{`*:*^2`, `*:*`, ""},
	{`*:foo`, `*:foo`, ""},
	{`*:(a b)`, `*:a AND *:b`, `*:a OR *:b`},

	// Regular expressions.
	{`name:/joh?n(ath[oa]n)/`, `name:/joh?n(ath[oa]n)/`, ""},
	{`path:/a\/b/`, `path:/a\/b/`, ""},
	{`/a\d+ "x"/`, `/a\d+ "x"/`, ""},
	{`/a\\/`, `/a\\/`, ""},
	{`//`, `//`, ""},
	{`/ab/^2`, `/ab/^2`, ""},

	// Fuzzy, proximity, boost.
	{`quikc~ brwn~1 fox~0`, `quikc~ AND brwn~1 AND fox~0`, `quikc~ OR brwn~1 OR fox~0`},
	{`a~2`, `a~2`, ""},
	{`a~1.0`, `a~1`, ""},
	{`foo~0.8`, `foo~`, ""},
	{`a~^2`, `a~^2`, ""},
	{`a^2~1`, `a~1^2`, ""},
	{`"fox quick"~5`, `"fox quick"~5`, ""},
	{`"a b"~0`, `"a b"`, ""},
	{`"a"~2^3`, `"a"~2^3`, ""},
	{`"a"^3~2`, `"a"~2^3`, ""},
	{`quick^2 "fox"^0.5`, `quick^2 AND "fox"^0.5`, `quick^2 OR "fox"^0.5`},
	{`a^1.50`, `a^1.5`, ""},

	// Ranges.
	{`date:[2012-01-01 TO 2012-12-31]`, `date:[2012-01-01 TO 2012-12-31]`, ""},
	{`count:{1 TO 5}`, `count:{1 TO 5}`, ""},
	{`count:[1 TO 5}`, `count:[1 TO 5}`, ""},
	{`count:{1 TO 5]`, `count:{1 TO 5]`, ""},
	{`count:[10 TO *]`, `count:[10 TO *]`, ""},
	{`count:{* TO 100]`, `count:[* TO 100]`, ""},
	{`count:{* TO *}`, `count:[* TO *]`, ""},
	{`tag:["a b" TO "c d"]`, `tag:["a b" TO "c d"]`, ""},
	{`tag:["*" TO "TO"]`, `tag:["*" TO "TO"]`, ""},
	{`t:[TO TO TO]`, `t:["TO" TO "TO"]`, ""},
	{`t:[a\ b TO c\]]`, `t:["a b" TO "c]"]`, ""},
	{`t:[a"b TO c(d)]`, `t:["a\"b" TO c(d)]`, ""},
	{"t:[ 1\nTO\t5 ]", `t:[1 TO 5]`, ""},
	{`t:[1 TO 5]^2`, `t:[1 TO 5]`, ""},
	{`[a TO b]`, `[a TO b]`, ""},
	{`@timestamp:[2026-11-20T09:00:00Z TO 2026-11-20T10:00:00Z}`, `@timestamp:[2026-11-20T09:00:00Z TO 2026-11-20T10:00:00Z}`, ""},
	{`age:>10`, `age:{10 TO *]`, ""},
	{`age:>=10`, `age:[10 TO *]`, ""},
	{`age:<10`, `age:[* TO 10}`, ""},
	{`age:<=10`, `age:[* TO 10]`, ""},
	{`age:>-5`, `age:{-5 TO *]`, ""},
	{`age:>10^2`, `age:{10 TO *]`, ""},
	{`>=a`, `[a TO *]`, ""},
	{`age:>a*`, `age:>a*`, ""}, // Elasticsearch: a wildcard, not a range
	{`age:>a~`, `age:>a~`, ""}, // and a fuzzy word

	// _exists_.
	{`_exists_:title`, `_exists_:title`, ""},
	{`_exists_:"title"`, `_exists_:title`, ""},
	{`_exists_:a\ b`, `_exists_:a\ b`, ""},
	{`_exists_:title^2`, `_exists_:title`, ""},
	{`_exists_:(a OR b)`, `_exists_:a OR _exists_:b`, ""},
	{`NOT _exists_:x`, `NOT _exists_:x`, ""},
}

func TestParseValid(t *testing.T) {
	seen := map[string]bool{}
	for _, tt := range validCases {
		if seen[tt.in] {
			t.Errorf("valid input %q listed twice", tt.in)
		}
		seen[tt.in] = true
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

// TestParseTree pins node types and fields that String alone does not show.
func TestParseTree(t *testing.T) {
	tests := []struct {
		in   string
		want Node
	}{
		{`a~`, &Term{Text: "a", Fuzzy: FuzzyAuto}},
		{`a`, &Term{Text: "a", Fuzzy: -1}},
		{`f:a\*b`, &Term{Field: "f", Text: "a*b", Fuzzy: -1}},
		{`a\*b?`, &Wildcard{Pattern: `a\*b?`}},
		{`a\\b?`, &Wildcard{Pattern: `a\\b?`}},
		{`a\:b?`, &Wildcard{Pattern: `a:b?`}},
		{`"a\\b"~2^1.5`, &Phrase{Text: `a\b`, Slop: 2, Boost: 1.5}},
		{`/a\/b\d/`, &Regexp{Pattern: `a/b\d`}},
		{`f:{* TO 5]`, &Range{Field: "f", From: Bound{Unbounded: true}, To: Bound{Value: "5", Inclusive: true}}},
		{`f:["*" TO b}`, &Range{Field: "f", From: Bound{Value: "*", Inclusive: true}, To: Bound{Value: "b"}}},
		{`f:<=x`, &Range{Field: "f", From: Bound{Unbounded: true}, To: Bound{Value: "x", Inclusive: true}}},
		{`_exists_:f`, &Exists{Field: "f"}},
		{`*`, &MatchAll{}},
		{`f:*`, &Wildcard{Field: "f", Pattern: "*"}},
		{`*:a`, &Term{Field: "*", Text: "a", Fuzzy: -1}},
		{`-a b`, &And{Children: []Node{&Not{Child: &Term{Text: "a", Fuzzy: -1}}, &Term{Text: "b", Fuzzy: -1}}}},
	}
	for _, tt := range tests {
		n, _, err := Parse(tt.in, Options{})
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if !Equal(n, tt.want) {
			t.Errorf("Parse(%q) = %#v, want %#v", tt.in, n, tt.want)
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
	{`"a" "b`, 4, "phrase is not closed"},
	{`(a OR b`, 0, "`(` is never closed"},
	{`a AND (b OR (c)`, 6, "`(` is never closed"},
	{`a)`, 1, "unexpected `)`: no `(` is open"},
	{`(a OR b))`, 8, "unexpected `)`: no `(` is open"},
	{`()`, 0, "empty parentheses"},
	{`f:()`, 2, "empty parentheses"},
	{`AND a`, 0, "`AND` needs a clause on its left"},
	{`|| a`, 0, "`||` needs a clause on its left"},
	{`(OR a)`, 1, "`OR` needs a clause on its left"},
	{`a AND`, 2, "`AND` needs a clause on its right"},
	{`(a OR )`, 3, "`OR` needs a clause on its right"},
	{`a AND OR b`, 6, "`OR` cannot follow `AND`"},
	{`a NOT`, 2, "`NOT` needs a clause after it"},
	{`a -`, 2, "`-` needs a clause after it"},
	{`(a + )`, 3, "`+` needs a clause after it"},
	{`!`, 0, "`!` needs a clause after it"},
	{`a - b`, 2, "`-` followed by a space is neither an operator nor a word"},
	{`a ! b`, 2, "`!` followed by a space"},
	{`--a`, 1, "only one of `+`, `-`, `!` or NOT"},
	{`NOT -a`, 4, "only one of"},
	{`a AND NOT OR b`, 10, "`NOT` needs a clause after it, not `OR`"},
	{`tags:`, 0, "expected a value after `tags:`"},
	{`(tags:)`, 1, "expected a value after `tags:`"},
	{`tags: AND b`, 0, "expected a value after `tags:`, found `AND`"},
	{`field:-x`, 6, "unexpected `-` after `field:`"},
	{`a::b`, 2, "unexpected `:` after `a:`"},
	{`tags:(a OR build_name:b)`, 11, "a field group cannot name another field"},
	{`city.*:x`, 0, "field name `city.*` holds a wildcard"},
	{`*:`, 0, "expected a value after `*:`"},
	{`count:[1 5]`, 6, "range needs `TO` between its bounds"},
	{`count:[1]`, 6, "range needs `TO` between its bounds"},
	{`count:[1 TO 5`, 6, "range is not closed"},
	{`count:[1 TO 5)`, 13, "range opened with `[` must close with `]` or `}`, not `)`"},
	{`count:[ TO 5]`, 6, "range needs a value before `TO`"},
	{`count:[]`, 6, "range needs a value before `TO`"},
	{`count:[1 TO ]`, 6, "range needs a value after `TO`"},
	{`count:[1 TO 5 7]`, 14, "range has more than two bounds"},
	{`t:["a TO b]`, 3, "quoted range bound is not closed"},
	{`t:["" TO b]`, 3, "range bound `\"\"` is empty"},
	{`a ]`, 2, "unexpected `]` outside a range"},
	{`message:/abc`, 8, "regular expression is not closed"},
	{`/a\/`, 0, "regular expression is not closed"},
	{`a^x`, 1, "boost `^x` needs a positive number"},
	{`a^0`, 1, "boost `^0` needs a positive number"},
	{`a^`, 1, "boost `^` needs a positive number"},
	{`(a)^-1`, 3, "boost `^-1` needs a positive number"},
	{`a^2^3`, 3, "boost `^` given twice"},
	{`^2`, 0, "`^2` needs a word before it"},
	{`~a`, 0, "`~a` needs a word before it"},
	{`a\`, 1, "a backslash at the end escapes nothing"},
	{`"\u0041"`, 1, "Unicode escapes such as `\\u0041` are not supported"},
	{`a~5`, 1, "fuzzy edit distance 5 is too large"},
	{`a~1.5`, 1, "fuzzy edit distance `~1.5` must be 0, 1 or 2"},
	{`a~x`, 1, "fuzzy `~x` needs an edit distance of 0, 1 or 2"},
	{`a~1~2`, 3, "`~` given twice"},
	{`"a b"~x`, 5, "proximity `~x` after a phrase needs a whole number"},
	{`"a b"~1.5`, 5, "proximity `~1.5` after a phrase needs a whole number"},
	{`"a b"~`, 5, "proximity `~` after a phrase needs a whole number"},
	{`a*~1`, 2, "`~` cannot follow a wildcard term"},
	{`/ab/~1`, 4, "`~` cannot follow a regular expression"},
	{`f:[a TO b]~`, 10, "`~` cannot follow a range"},
	{`(a)~1`, 3, "`~` cannot follow a group"},
	{`_exists_:`, 0, "expected a value after `_exists_:`"},
	{`_exists_:ti*`, 0, "`_exists_:` needs a field name, not `ti*`"},
	{`_exists_:[a TO b]`, 0, "`_exists_:` needs a field name, not `[a TO b]`"},
	{`_exists_:a~`, 10, "`~` cannot follow `_exists_:field`"},
	{`:a`, 0, "unexpected `:` with no field name before it"},
	{`a:b:c`, 3, "unexpected `:` after a value"},
	{`a"b"`, 1, "unexpected `\"b\"` right after a value"},
	{`(a)b`, 3, "unexpected `b` right after a value"},
	{`a!b`, 1, "unexpected `!` right after a value"},
	{`age:>`, 4, "`>` needs a value right after it"},
	{`age:<= 5`, 4, "`<=` needs a value right after it"},
	{"a caf\xe9", 5, "not valid UTF-8"},
	{strings.Repeat("(", 200) + "a" + strings.Repeat(")", 200), 100, "parentheses nested more than 100 deep"},
}

func TestParseErrors(t *testing.T) {
	inputs, msgs := map[string]bool{}, map[string]bool{}
	for _, tt := range errorCases {
		if inputs[tt.in] {
			t.Errorf("error input %q listed twice", tt.in)
		}
		inputs[tt.in] = true
		for _, op := range []Operator{AND, OR} {
			n, _, err := Parse(tt.in, Options{DefaultOperator: op})
			e, ok := err.(*Error)
			if !ok || n != nil {
				t.Errorf("Parse(%q) = %v, %v; want nil and an *Error", tt.in, n, err)
				continue
			}
			if e.Offset != tt.offset || !strings.Contains(e.Msg, tt.msg) {
				t.Errorf("Parse(%q) = offset %d %q, want offset %d containing %q", tt.in, e.Offset, e.Msg, tt.offset, tt.msg)
			}
			if want := "offset " + strconv.Itoa(e.Offset) + ": " + e.Msg; e.Error() != want {
				t.Errorf("Error() = %q, want %q", e.Error(), want)
			}
			msgs[e.Msg] = true
		}
	}
	if len(msgs) < 30 {
		t.Errorf("only %d distinct error messages", len(msgs))
	}
}

type warnWant struct {
	start int
	msg   string
}

func TestWarnings(t *testing.T) {
	tests := []struct {
		in   string
		op   Operator
		want []warnWant
	}{
		{`a OR b AND c`, AND, []warnWant{{0, "`a` is optional here and does not affect which lines match: Elasticsearch reads `a OR b AND c` as `b AND c`"}}},
		{`a OR b AND c`, OR, []warnWant{{0, "`a` is optional here"}}},
		{`a b +c`, OR, []warnWant{{0, "no operator between `a` and `b`: with the default operator OR, `a` is optional beside required clauses (joined by AND, or marked `+`) and does not affect which lines match (and so are 1 more"}}},
		{`x a AND b`, OR, []warnWant{{0, "no operator between `x` and `a`"}}},
		{`a AND b x`, OR, []warnWant{{8, "no operator between `b` and `x`"}}},
		{`a && b || c`, AND, []warnWant{{5, "`b` is optional"}, {10, "`c` is optional"}}},
		{`+a (b c)`, OR, []warnWant{{3, "`(b c)` is optional"}}},
		{`(x OR y AND z) OR w`, OR, []warnWant{{1, "`x` is optional"}}},
		{`message:x and message:y`, AND, []warnWant{{10, "lowercase `and` is searched as a word; write AND for the operator"}}},
		{`a or b`, OR, []warnWant{{2, "lowercase `or` is searched as a word; write OR"}}},
		{`a Not b`, AND, []warnWant{{2, "lowercase `Not` is searched as a word; write NOT"}}},
		{`tags:(a or b)`, AND, []warnWant{{8, "lowercase `or`"}}},
		{`foo~0.8`, AND, []warnWant{{3, "`~0.8` is old Lucene's similarity; Elasticsearch reads it as AUTO"}}},
		{`and a`, AND, nil},
		{`a and`, AND, nil},
		{`a \and b`, AND, nil},
		{`a -and b`, AND, nil},
		{`a AND (b OR c)`, AND, nil},
		{`NOT a b c`, OR, nil},
		{`a OR NOT b`, OR, nil},
	}
	for _, tt := range tests {
		_, warns, err := Parse(tt.in, Options{DefaultOperator: tt.op})
		if err != nil {
			t.Errorf("%q: %v", tt.in, err)
			continue
		}
		if len(warns) != len(tt.want) {
			t.Errorf("%q (%s): warnings %+v, want %d", tt.in, tt.op, warns, len(tt.want))
			continue
		}
		for i, w := range tt.want {
			if warns[i].Span.Start != w.start || !strings.Contains(warns[i].Msg, w.msg) {
				t.Errorf("%q (%s): warning %d = %+v, want at %d containing %q", tt.in, tt.op, i, warns[i], w.start, w.msg)
			}
		}
	}
}

func TestSpans(t *testing.T) {
	src := `message:"a b" AND NOT tags:console AND f:(x OR y~1^2) AND -(p q)`
	n, _, err := Parse(src, Options{DefaultOperator: OR})
	if err != nil {
		t.Fatal(err)
	}
	text := func(n Node) string { return src[n.Pos().Start:n.Pos().End] }
	and := n.(*And)
	if text(and) != src {
		t.Errorf("top span %q", text(and))
	}
	want := []string{`message:"a b"`, `NOT tags:console`, `f:(x OR y~1^2)`, `-(p q)`}
	for i, w := range want {
		if got := text(and.Children[i]); got != w {
			t.Errorf("child %d span %q, want %q", i, got, w)
		}
	}
	or := and.Children[2].(*Or)
	if got := text(or.Children[1]); got != `y~1^2` {
		t.Errorf("leaf in field group span %q", got)
	}
	if got := text(and.Children[3].(*Not).Child); got != `(p q)` {
		t.Errorf("negated group span %q", got)
	}
	fields := Fields(n)
	if len(fields) != 4 || fields[0].Name != "message" || fields[1].Name != "tags" || fields[1].Span.Start != 22 || fields[2].Name != "f" {
		t.Errorf("Fields = %+v", fields)
	}
}

// TestStringHandMade: nodes built by hand, not by Parse, still print to
// something that parses back to them.
func TestStringHandMade(t *testing.T) {
	tests := []struct {
		n    Node
		want string
	}{
		{&Term{Text: "a b\tc", Fuzzy: -1}, "a\\ b\\\tc"},
		{&Term{Text: "AND", Fuzzy: -1}, `\AND`},
		{&Term{Text: "||", Fuzzy: -1}, `\||`},
		{&Term{Text: "-x", Field: "a b", Fuzzy: -1}, `a\ b:\-x`},
		{&Term{Text: "*?", Fuzzy: 1, Boost: 2.5}, `\*\?~1^2.5`},
		{&Phrase{Text: `say "hi" \o/`}, `"say \"hi\" \\o/"`},
		{&Wildcard{Field: "f", Pattern: `a b*`}, `f:a\ b*`},
		{&Regexp{Pattern: `a/b`}, `/a\/b/`},
		{&Range{From: Bound{Value: "a b", Inclusive: true}, To: Bound{Value: `x"y`}}, `["a b" TO "x\"y"}`},
		{&Exists{Field: "a:b"}, `_exists_:a\:b`},
		{&Or{Children: []Node{&Not{Child: &Term{Text: "a", Fuzzy: -1}}, &And{Children: []Node{&Term{Text: "b", Fuzzy: -1}, &MatchAll{}}}}}, `(NOT a) OR (b AND *:*)`},
		{&Not{Child: &Or{Children: []Node{&Term{Text: "a", Fuzzy: -1}, &Term{Text: "b", Fuzzy: -1}}}}, `NOT (a OR b)`},
	}
	for _, tt := range tests {
		got := String(tt.n)
		if got != tt.want {
			t.Errorf("String(%#v) = %q, want %q", tt.n, got, tt.want)
		}
		for _, op := range []Operator{AND, OR} {
			back, _, err := Parse(got, Options{DefaultOperator: op})
			if err != nil || !Equal(back, tt.n) {
				t.Errorf("Parse(%q, %s) = %v, %v; want the node back", got, op, back, err)
			}
		}
	}
	// The one Term with no spelling of its own.
	if got := String(&Term{Fuzzy: -1}); got != `""` {
		t.Errorf("empty term printed %q", got)
	}
}

func TestEqual(t *testing.T) {
	a := &Term{Text: "a", Fuzzy: -1, Span: Span{0, 1}}
	if !Equal(a, &Term{Text: "a", Fuzzy: -1, Span: Span{5, 9}}) {
		t.Error("spans should not matter")
	}
	for _, b := range []Node{&Term{Text: "a", Fuzzy: 1}, &Term{Text: "a", Fuzzy: -1, Field: "f"}, &Term{Text: "a", Fuzzy: -1, Boost: 2}, &Phrase{Text: "a"}, nil} {
		if Equal(a, b) {
			t.Errorf("%#v equals %#v", a, b)
		}
	}
	if !Equal(nil, nil) {
		t.Error("nil != nil")
	}
}

func TestParseOperator(t *testing.T) {
	for in, want := range map[string]Operator{"and": AND, "AND": AND, "Or": OR, "or": OR} {
		if got, err := ParseOperator(in); err != nil || got != want {
			t.Errorf("ParseOperator(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := ParseOperator("xor"); err == nil {
		t.Error("xor accepted")
	}
	if AND.String() != "AND" || OR.String() != "OR" || (Options{}).DefaultOperator != OR {
		t.Error("operator names or zero value")
	}
}
