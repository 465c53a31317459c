package zuul

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/internal/rootfile"
)

func TestParseInventory(t *testing.T) {
	data, err := os.ReadFile("testdata/inventory.yaml")
	if err != nil {
		t.Fatal(err)
	}
	nodes, err := ParseInventory(data)
	if err != nil {
		t.Fatal(err)
	}
	want := []Node{
		{Host: "controller", Label: "ubuntu-noble", Provider: "ovh-bhs1", Cloud: "ovh", Region: "BHS1", AZ: "nova"},
		{Host: "compute1", Label: "ubuntu-noble", Provider: "ovh-bhs1", Cloud: "ovh", Region: "BHS1", AZ: "nova"},
	}
	if !reflect.DeepEqual(nodes, want) {
		t.Errorf("got %+v\nwant %+v", nodes, want)
	}
	for _, tc := range []struct{ src, want string }{
		{"all: {hosts: [a, b]}", "all.hosts is not a mapping"},
		{"all: {hosts: {h: {nodepool: [1]}}}", `host "h"`},
		{"all: [", "invalid inventory"},
	} {
		if _, err := ParseInventory([]byte(tc.src)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.src, err, tc.want)
		}
	}
	if nodes, err := ParseInventory([]byte("all:\n  vars: {}\n")); err != nil || nodes != nil {
		t.Errorf("no hosts: %v, %v", nodes, err)
	}
}

// TestApplyNodes: the provider and region come from the inventory, the
// label from build.json's nodeset, and they stay apart.
func TestApplyNodes(t *testing.T) {
	data, _ := os.ReadFile("testdata/nested.json")
	b, err := Decode(data)
	if err != nil {
		t.Fatal(err)
	}
	if b.Provider != "" || b.Node != "ubuntu-jammy" {
		t.Fatalf("from build.json alone: provider %q, node %q", b.Provider, b.Node)
	}
	ApplyNodes(&b, []Node{{Label: "ubuntu-noble", Provider: "ovh-bhs1", Region: "BHS1"}})
	if b.Provider != "ovh-bhs1" || b.Region != "BHS1" || b.Node != "ubuntu-jammy" {
		t.Errorf("after the inventory: provider %q, region %q, node %q", b.Provider, b.Region, b.Node)
	}
	var none recheckgen.Build
	ApplyNodes(&none, []Node{{Label: "centos-9-stream", Provider: "rax-dfw"}})
	if none.Node != "centos-9-stream" || none.Provider != "rax-dfw" {
		t.Errorf("label from the inventory when build.json has none: %+v", none)
	}
}

// TestReadInventoryHostile: only a regular file inside the build
// directory is read, and not a byte past the cap.
func readInv(t *testing.T, dir string) ([]Node, error) {
	t.Helper()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer root.Close()
	return ReadInventory(root)
}

func TestReadInventoryHostile(t *testing.T) {
	good, _ := os.ReadFile("testdata/inventory.yaml")
	dir := func(t *testing.T) string {
		d := t.TempDir()
		if err := os.Mkdir(filepath.Join(d, "zuul-info"), 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	t.Run("missing", func(t *testing.T) {
		if nodes, err := readInv(t, t.TempDir()); nodes != nil || err != nil {
			t.Errorf("%v, %v", nodes, err)
		}
	})
	t.Run("regular", func(t *testing.T) {
		d := dir(t)
		os.WriteFile(filepath.Join(d, InventoryPath), good, 0o644)
		if nodes, err := readInv(t, d); err != nil || len(nodes) != 2 {
			t.Errorf("%v, %v", nodes, err)
		}
	})
	t.Run("symlink out", func(t *testing.T) {
		d, outside := dir(t), filepath.Join(t.TempDir(), "secret.yaml")
		os.WriteFile(outside, good, 0o644)
		if err := os.Symlink(outside, filepath.Join(d, InventoryPath)); err != nil {
			t.Fatal(err)
		}
		if _, err := readInv(t, d); !(errors.Is(err, rootfile.ErrNotRegular) || errors.Is(err, rootfile.ErrOutside)) {
			t.Errorf("a symlink was followed: %v", err)
		}
	})
	t.Run("fifo", func(t *testing.T) {
		d := dir(t)
		if err := syscall.Mkfifo(filepath.Join(d, InventoryPath), 0o644); err != nil {
			t.Skip(err)
		}
		if _, err := readInv(t, d); !(errors.Is(err, rootfile.ErrNotRegular) || errors.Is(err, rootfile.ErrOutside)) {
			t.Errorf("a FIFO was opened: %v", err)
		}
	})
	t.Run("too big", func(t *testing.T) {
		d := dir(t)
		big := append(append([]byte{}, good...), []byte("#"+strings.Repeat("x", MaxInventory))...)
		os.WriteFile(filepath.Join(d, InventoryPath), big, 0o644)
		if _, err := readInv(t, d); err == nil || !errors.Is(err, rootfile.ErrTooLarge) {
			t.Errorf("an oversized inventory was read: %v", err)
		}
	})
	t.Run("alias bomb", func(t *testing.T) {
		d := dir(t)
		var b strings.Builder
		b.WriteString("a: &a [x, x, x, x, x, x, x, x, x, x]\n")
		for i := 'b'; i <= 'k'; i++ {
			b.WriteString(string(i) + ": &" + string(i) + " [*" + string(i-1) + ", *" + string(i-1) + ", *" + string(i-1) + ", *" + string(i-1) + ", *" + string(i-1) + ", *" + string(i-1) + ", *" + string(i-1) + ", *" + string(i-1) + ", *" + string(i-1) + ", *" + string(i-1) + "]\n")
		}
		b.WriteString("all: {hosts: {h: {nodepool: {label: *k}}}}\n")
		os.WriteFile(filepath.Join(d, InventoryPath), []byte(b.String()), 0o644)
		if _, err := readInv(t, d); err == nil {
			t.Error("an alias bomb decoded")
		}
	})
}
