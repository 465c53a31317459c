package gitchange

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/recheckgen/recheckgen/internal/gittest"
)

// TestFiles: the query files a branch adds or changes since its merge base
// with the base, untracked ones too; a base git would read as an option
// is refused before git runs.
func TestFiles(t *testing.T) {
	r := gittest.New(t)
	r.Write("queries/old.yaml", "query: a\n")
	r.Write("queries/same.yaml", "query: b\n")
	r.Git("add", ".")
	r.Git("commit", "-q", "-m", "base")
	r.Git("checkout", "-q", "-b", "topic")
	r.Write("queries/old.yaml", "query: changed\n")
	r.Write("queries/new.yaml", "query: new\n")
	r.Write("content/page.md", "# not a query\n")
	r.Git("add", "queries/old.yaml", "content/page.md")
	r.Git("commit", "-q", "-m", "topic")
	r.Write("queries/untracked.yaml", "query: u\n")

	t.Chdir(r.Dir)
	got, err := Files(context.Background(), "main", "queries")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"queries/new.yaml", "queries/old.yaml", "queries/untracked.yaml"}; !slices.Equal(got, want) {
		t.Errorf("Files = %v, want %v", got, want)
	}
	out := filepath.Join(t.TempDir(), "written")
	for _, base := range []string{"--output=" + out, "-p", ""} {
		if _, err := Files(context.Background(), base, "queries"); err == nil || !strings.Contains(err.Error(), "is not a branch, tag or commit") {
			t.Errorf("base %q: %v", base, err)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("git wrote %s", out)
	}
}
