package runbook

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/yuin/goldmark/ast"
)

// TestContentEras: every runbook of content/ opens with its "Which era is
// my build?" box, has an era, and says where to file bugs (index.md, the
// guide, points to the runbooks for that).
func TestContentEras(t *testing.T) {
	set, dl := LoadDir(filepath.Join("..", "content"), Markdown(false))
	if dl.Errors() > 0 {
		t.Fatal(dl)
	}
	if len(set.Pages) < 5 {
		t.Fatalf("%d pages", len(set.Pages))
	}
	for _, p := range set.Pages {
		first := p.Doc.FirstChild()
		q, ok := first.(*ast.Blockquote)
		if !ok || !strings.Contains(proseText(q, p.Body), "Which era is my build?") {
			t.Errorf("%s does not open with its era box", p.Path)
		}
		if p.Meta.Applies.IsZero() {
			t.Errorf("%s has no `applies`", p.Path)
		}
		if p.Path != "index.md" && !strings.Contains(string(p.Body), "Where to file") && !strings.Contains(string(p.Body), "File bugs") {
			t.Errorf("%s does not say where to file bugs", p.Path)
		}
	}
	if dl := set.CheckFreshness(time.Now().Year()); len(dl) > 0 {
		t.Errorf("links to retired hosts in current text: %v", dl)
	}
}
