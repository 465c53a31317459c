package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// TestDryRunMarkdownNames: a query's id shows in the job summary as it is
// named, rendered as GitHub renders Markdown (GFM tables): code spans read
// no backslash escapes or entities, so an id is fenced, never escaped, and
// a pipe in it does not split its table cell.
func TestDryRunMarkdownNames(t *testing.T) {
	ids := []string{"tripleo_ci_*x*", "a|b", "x`y", "<b>&amp;"}
	sets := map[string][]int{}
	for _, id := range ids {
		sets[id] = []int{1, 2}
	}
	rs := results(sets)
	for i := range rs {
		rs[i].Query.Raw = "message:\"```\"\n"
	}
	var md bytes.Buffer
	if err := WriteDryRun(&md, "markdown", MakeDryRun(recheckgen.Window{Start: end.Add(-24 * time.Hour), End: end}, ids, rs, 3)); err != nil {
		t.Fatal(err)
	}
	var html bytes.Buffer
	if err := goldmark.New(goldmark.WithExtensions(extension.GFM)).Convert(md.Bytes(), &html); err != nil {
		t.Fatal(err)
	}
	got := html.String()
	for _, want := range []string{
		"<td><code>tripleo_ci_*x*</code></td>", "<h3><code>tripleo_ci_*x*</code></h3>",
		"<td><code>a|b</code></td>", "<h3><code>a|b</code></h3>",
		"<td><code>x`y</code></td>", "<h3><code>x`y</code></h3>",
		"<td><code>&lt;b&gt;&amp;amp;</code></td>", "<h3><code>&lt;b&gt;&amp;amp;</code></h3>",
		"<pre><code>message:&quot;```&quot;\n</code></pre>",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("rendered summary lacks %s:\n%s\n%s", want, md.String(), got)
		}
	}
}

// TestDryRunTooBroad: a changed query is too broad when more than a tenth
// of the builds it matches passed (BroadShare), counted as the report
// counts it: one passing build of ten is not too broad, two are.
func TestDryRunTooBroad(t *testing.T) {
	for _, tc := range []struct {
		passing int
		want    bool
	}{{0, false}, {1, false}, {2, true}, {10, true}} {
		var nums []int
		for i := range 10 {
			if i < tc.passing {
				nums = append(nums, 100+i)
			} else {
				nums = append(nums, i)
			}
		}
		d := MakeDryRun(recheckgen.Window{Start: end.Add(-24 * time.Hour), End: end}, []string{"q"}, results(map[string][]int{"q": nums}), 1)
		if e := d.Effects[0]; e.TooBroad != tc.want || e.Passing != tc.passing || e.Builds != 10 {
			t.Errorf("%d of 10 passing: too broad %v (passing %d of %d), want %v", tc.passing, e.TooBroad, e.Passing, e.Builds, tc.want)
		}
		if got := (counts{builds: 10, passing: tc.passing}).tooBroad(DefaultOptions(end).TooBroad); got != tc.want {
			t.Errorf("%d of 10 passing: the report's rule says %v, want %v", tc.passing, got, tc.want)
		}
	}
}
