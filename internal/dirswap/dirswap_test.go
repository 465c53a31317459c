package dirswap

import (
	"os"
	"path/filepath"
	"testing"
)

// TestReplace: a directory takes the place of a missing one, and of one
// that holds files (which go), leaving nothing beside it.
func TestReplace(t *testing.T) {
	root := t.TempDir()
	dst := filepath.Join(root, "dst")
	write := func(dir, name, text string) {
		t.Helper()
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for i, text := range []string{"first", "second"} {
		tmp := filepath.Join(root, "tmp")
		write(tmp, "f", text)
		write(tmp, text, "")
		if err := Replace(tmp, dst); err != nil {
			t.Fatalf("replace %d: %v", i, err)
		}
		data, err := os.ReadFile(filepath.Join(dst, "f"))
		if err != nil || string(data) != text {
			t.Errorf("replace %d: dst holds %q, %v", i, data, err)
		}
		entries, _ := os.ReadDir(dst)
		if len(entries) != 2 {
			t.Errorf("replace %d: dst holds %v", i, entries)
		}
		if entries, _ := os.ReadDir(root); len(entries) != 1 {
			t.Errorf("replace %d: beside dst: %v", i, entries)
		}
	}
}
