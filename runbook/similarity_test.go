package runbook

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode"

	"github.com/recheckgen/recheckgen/internal/fixtures"
	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
)

// Runbooks carry the seed documents' facts, commands and error strings in
// their own words, never their sentences. This test compares every prose
// sentence of content/ with every sentence of the seeds
// (shared/reference/seeds) by word shingles over normalised text, so a
// sentence with a few words changed, reordered clauses aside, is still
// caught, not only an exact run of words.

const shingle = 3 // words per shingle

// nearCopy says whether a runbook sentence r is too like a seed sentence
// s. Two measures, so that neither an exact run of words nor a light edit
// (words swapped for synonyms, a clause moved, "bay" become "cluster")
// passes:
//   - shingles: most of r's three-word shingles are s's, or the two share
//     a large part of all their shingles;
//   - content words (stop words dropped, crude stems): nearly all of a
//     long enough r's words are s's.
func nearCopy(r, s sentence) (bool, float64) {
	if len(r.content) < 5 {
		return false, 0 // too short to be anyone's sentence
	}
	common := 0
	for k := range r.shingles {
		if s.shingles[k] {
			common++
		}
	}
	contain, jaccard := 0.0, 0.0
	if len(r.shingles) > 0 {
		contain = float64(common) / float64(len(r.shingles))
		jaccard = float64(common) / float64(len(r.shingles)+len(s.shingles)-common)
	}
	words := 0
	for k := range r.content {
		if s.content[k] {
			words++
		}
	}
	cw := float64(words) / float64(len(r.content))
	score := max(contain, jaccard, cw)
	return (len(r.shingles) >= 4 && (contain >= 0.5 || jaccard >= 0.4)) || (len(r.content) >= 6 && cw >= 0.75), score
}

// sentence is a sentence reduced for comparison.
type sentence struct {
	shingles map[string]bool
	content  map[string]bool
}

var (
	nonWord = regexp.MustCompile(`[^\p{L}\p{N}]+`)
	// Facts carried over on purpose: code, quoted strings, addresses.
	facts = regexp.MustCompile("(?s)`[^`]*`|\"[^\"]*\"|“[^”]*”|&ldquo;.*?&rdquo;|https?://\\S+|<[^>]*>")
	stop  = map[string]bool{}
)

func init() {
	for _, w := range strings.Fields(`a an the and or but if then than that this these those it its is are was were be been being
		to of in on at by for with from into onto as so such there here what which who whom when where why how
		you your we our they their he she i me my do does did not no can could may might must should would will shall
		all any each every some more most other also only just very too up out over under again once about
		have has had get gets got like`) {
		stop[w] = true
	}
}

// reduce normalises a sentence: facts out, lower case, punctuation gone.
func reduce(s string) sentence {
	ws := strings.Fields(nonWord.ReplaceAllString(strings.ToLower(facts.ReplaceAllString(s, " ")), " "))
	out := sentence{shingles: map[string]bool{}, content: map[string]bool{}}
	for i := 0; i+shingle <= len(ws); i++ {
		out.shingles[strings.Join(ws[i:i+shingle], " ")] = true
	}
	for _, w := range ws {
		if !stop[w] && len(w) > 1 {
			out.content[stem(w)] = true
		}
	}
	return out
}

// stem cuts common English endings, enough for "services"/"service" and
// "nested"/"nest".
func stem(w string) string {
	switch {
	case len(w) > 4 && strings.HasSuffix(w, "ies"):
		return w[:len(w)-3] + "y"
	case len(w) > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss"):
		return w[:len(w)-1]
	case len(w) > 5 && strings.HasSuffix(w, "ed"):
		return w[:len(w)-2]
	case len(w) > 6 && strings.HasSuffix(w, "ing"):
		return w[:len(w)-3]
	}
	return w
}

// rstLink turns reStructuredText's link references into their text, which
// is prose; double-backquoted code stays for facts to drop.
var rstLink = regexp.MustCompile("``([^`]*)``|`([^`<]*)(?:<[^>]*>)?`_")

func reduceSeed(s string) sentence {
	return reduce(rstLink.ReplaceAllStringFunc(s, func(m string) string {
		if strings.HasPrefix(m, "``") {
			return m // code: facts drops it
		}
		return strings.Trim(strings.TrimSuffix(m, "_"), "`")
	}))
}

// sentences splits text at sentence ends.
func sentences(text string) []string {
	var out []string
	start := 0
	rs := []rune(text)
	for i, r := range rs {
		if (r == '.' || r == '!' || r == '?') && (i+1 == len(rs) || unicode.IsSpace(rs[i+1])) {
			out = append(out, strings.TrimSpace(string(rs[start:i+1])))
			start = i + 1
		}
	}
	if rest := strings.TrimSpace(string(rs[start:])); rest != "" {
		out = append(out, rest)
	}
	return out
}

// prose is a page's running text, block by block: paragraphs, headings,
// list items and table cells, without code blocks (commands and logs are
// facts to carry over, not prose).
func prose(p *Page) []string {
	var out []string
	_ = ast.Walk(p.Doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.(type) {
		case *ast.FencedCodeBlock, *ast.CodeBlock, *ast.HTMLBlock:
			return ast.WalkSkipChildren, nil
		case *ast.Paragraph, *ast.Heading, *ast.TextBlock, *extast.TableCell:
			out = append(out, proseText(n, p.Body))
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return out
}

// proseText is a block's text with code spans as backquoted text (which
// reduce drops: commands and error strings are facts to carry over).
func proseText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Segment.Value(src))
			if c.SoftLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(c.Value)
		case *ast.CodeSpan:
			b.WriteString("`code`")
			return ast.WalkSkipChildren, nil
		case *ast.AutoLink:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// seedSentences reads the seeds' sentences, joining wrapped lines.
func seedSentences(t *testing.T, dir string) map[string][]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no seed documents in %s: %v", dir, err)
	}
	out := map[string][]string{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		// Paragraphs are separated by blank lines; lines inside one wrap.
		for _, para := range regexp.MustCompile(`\n\s*\n`).Split(string(data), -1) {
			out[filepath.Base(f)] = append(out[filepath.Base(f)], sentences(strings.Join(strings.Fields(para), " "))...)
		}
	}
	return out
}

type seedIndex struct {
	sets  []sentence
	names []string
	texts []string
	by    map[string][]int // shingle → seed sentences holding it
}

func indexSeeds(seeds map[string][]string) *seedIndex {
	ix := &seedIndex{by: map[string][]int{}}
	var files []string
	for f := range seeds {
		files = append(files, f)
	}
	sort.Strings(files)
	for _, f := range files {
		for _, s := range seeds[f] {
			set := reduceSeed(s)
			if len(set.content) == 0 {
				continue
			}
			i := len(ix.sets)
			ix.sets, ix.names, ix.texts = append(ix.sets, set), append(ix.names, f), append(ix.texts, s)
			for k := range set.content {
				ix.by[k] = append(ix.by[k], i)
			}
		}
	}
	return ix
}

// closest finds the seed sentence most like r, among those sharing a
// content word with it.
func (ix *seedIndex) closest(r sentence) (copy bool, score float64, i int) {
	seen := map[int]bool{}
	i = -1
	for k := range r.content {
		for _, j := range ix.by[k] {
			if seen[j] {
				continue
			}
			seen[j] = true
			if c, sc := nearCopy(r, ix.sets[j]); sc > score || (c && !copy) {
				copy, score, i = c || copy, sc, j
			}
		}
	}
	return copy, score, i
}

// TestNoNearCopies: no prose sentence of content/ is a near-copy of a
// sentence of a seed document.
func TestNoNearCopies(t *testing.T) {
	ix := indexSeeds(seedSentences(t, fixtures.Shared(t, "reference", "seeds")))
	set, dl := LoadDir(filepath.Join("..", "content"), Markdown(false))
	if dl.Errors() > 0 {
		t.Fatal(dl)
	}
	checked := 0
	for _, p := range set.Pages {
		for _, block := range prose(p) {
			for _, s := range sentences(block) {
				r := reduce(s)
				checked++
				if c, score, i := ix.closest(r); c {
					t.Errorf("%s: near-copy (%.0f%%) of %s:\n  ours: %s\n  seed: %s", p.Path, 100*score, ix.names[i], s, ix.texts[i])
				}
			}
		}
	}
	if checked < 500 {
		t.Errorf("only %d sentences checked: the prose extraction is broken", checked)
	}
}

// TestNearCopyDetector: the check catches what it is for. The four
// sentences the Magnum runbook once carried near the upstream guide's, and
// reworded or reordered copies of seed sentences, are caught; sentences in
// our own words about the same facts are not.
func TestNearCopyDetector(t *testing.T) {
	ix := indexSeeds(seedSentences(t, fixtures.Shared(t, "reference", "seeds")))
	for _, tc := range []struct {
		text string
		copy bool
	}{
		// The runbook's old sentences (before issue 16).
		{"Check the Heat stacks, then log into the master nodes and check the Kubernetes services and the etcd service.", true},
		{"Check the Swarm services and the etcd service on the master nodes.", true},
		{"Flannel is the default network driver for Kubernetes clusters.", true},
		{"The stack names start with the cluster's name, and the nested stacks have descriptive internal names such as kube_masters and kube_minions.", true},
		// Light edits of seed sentences.
		{"If you are using devstack on a small VM, cluster creation will take a long time and may fail because of insufficient resources.", true},
		{"The resource status reason may give an indication of the failure, although in some cases it may only say Unknown.", true},
		// Our own words for the same facts.
		{"Begin with the failed resource in the Heat stacks; if it points at a node, log into a master and look at the Kubernetes services and etcd there.", false},
		{"You can tell them apart by name: every one begins with the cluster's name, and each nested stack adds the role it plays in the template.", false},
		{"A cluster template that names no network driver gets flannel.", false},
	} {
		c, score, i := ix.closest(reduce(tc.text))
		if c != tc.copy {
			seed := ""
			if i >= 0 {
				seed = ix.texts[i]
			}
			t.Errorf("%q: near-copy %v (%.2f, closest %q), want %v", tc.text, c, score, seed, tc.copy)
		}
	}
}

func TestSentences(t *testing.T) {
	got := sentences("One thing. Another: with `code.x` inside! Last")
	want := []string{"One thing.", "Another: with `code.x` inside!", "Last"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %q", got)
	}
}
