package reliability

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// mountTmpfs mounts a tmpfs of size bytes at a new directory, or skips the
// test where this machine does not allow it (mounting needs root).
func mountTmpfs(t *testing.T, size int64) string {
	t.Helper()
	dir := t.TempDir()
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+itoa(size), "tmpfs", dir).CombinedOutput()
	if err != nil {
		t.Skipf("cannot mount a small tmpfs here (%v: %s): the injected write errors of site and store tests cover this case", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	return dir
}

func remountReadOnly(t *testing.T, dir string) {
	t.Helper()
	if out, err := exec.Command("mount", "-o", "remount,ro", dir).CombinedOutput(); err != nil {
		t.Fatalf("remount read-only: %v: %s", err, out)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func dirSize(t *testing.T, dir string) int64 {
	var n int64
	filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n += (fi.Size() + 4095) / 4096 * 4096
		}
		return nil
	})
	return n
}

// TestDiskFullKeepsTheSite: a build whose new site does not fit beside the
// old one fails with a clear error and leaves the old site whole.
func TestDiskFullKeepsTheSite(t *testing.T) {
	p := newProject(t, corpus(t, 30))
	if r := run(t, p.dir, time.Minute, nil, "build"); r.code != 0 {
		t.Fatalf("build: %d\n%s", r.code, r.stderr)
	}
	size := dirSize(t, p.public)
	mnt := mountTmpfs(t, size*3/2)
	public := filepath.Join(mnt, "public")
	if r := run(t, p.dir, time.Minute, nil, "build", "--public", public, "--site-title", "OLD"); r.code != 0 {
		t.Fatalf("build into the tmpfs: %d\n%s", r.code, r.stderr)
	}
	before := strings.Join(siteFiles(t, public), "\n")
	r := run(t, p.dir, time.Minute, nil, "build", "--public", public, "--site-title", "NEW")
	if r.code != 1 || !strings.Contains(r.stderr, "nothing published") || !strings.Contains(r.stderr, "no space left on device") {
		t.Errorf("build on a full disk: exit %d, want 1 saying so:\n%s", r.code, r.stderr)
	}
	if after := strings.Join(siteFiles(t, public), "\n"); after != before {
		t.Error("the old site changed")
	}
	if index, _ := os.ReadFile(filepath.Join(public, "index.html")); !strings.Contains(string(index), "OLD") {
		t.Error("the old site is gone")
	}
	if left, _ := filepath.Glob(filepath.Join(mnt, ".public-new-*")); len(left) > 0 {
		t.Errorf("the failed build left %v", left)
	}
	// Read-only: the same, with another error.
	remountReadOnly(t, mnt)
	r = run(t, p.dir, time.Minute, nil, "build", "--public", public, "--site-title", "NEW")
	if r.code != 1 || !strings.Contains(r.stderr, "read-only file system") {
		t.Errorf("build on a read-only disk: exit %d, want 1 saying so:\n%s", r.code, r.stderr)
	}
	if after := strings.Join(siteFiles(t, public), "\n"); after != before {
		t.Error("the old site changed")
	}
}

// TestDiskFullKeepsTheStore: an ingest that fills the disk fails with a
// clear error; the store keeps only whole builds, and a read-only store is
// refused clearly.
func TestDiskFullKeepsTheStore(t *testing.T) {
	corpusDir := corpus(t, 30)
	ref := newProject(t, corpusDir)
	if r := run(t, ref.dir, time.Minute, nil, "ingest", corpusDir); r.code != 0 {
		t.Fatalf("reference ingest: %d\n%s", r.code, r.stderr)
	}
	want, _, _ := inspect(t, ref.db)
	mnt := mountTmpfs(t, dirSize(t, filepath.Dir(ref.db))/3)
	db := filepath.Join(mnt, "logs.db")
	r := run(t, ref.dir, time.Minute, nil, "ingest", "--db", db, corpusDir)
	if r.code != 1 || !strings.Contains(r.stderr, "full") {
		t.Errorf("ingest on a full disk: exit %d, want 1 saying the disk is full:\n%s", r.code, r.stderr)
	}
	// With the disk full the store cannot even complete its index: once
	// there is room again it opens, holding only whole builds.
	if out, err := exec.Command("mount", "-o", "remount,size="+itoa(dirSize(t, filepath.Dir(ref.db))*2), mnt).CombinedOutput(); err != nil {
		t.Fatalf("grow the tmpfs: %v: %s", err, out)
	}
	got, _, _ := inspect(t, db)
	if len(got) == 0 || len(got) == len(want) {
		t.Errorf("%d of %d builds fitted on a disk a third of the store's size", len(got), len(want))
	}
	for uuid, c := range got {
		if c != want[uuid] {
			t.Errorf("build %s holds %v, want %v", uuid, c, want[uuid])
		}
	}
	remountReadOnly(t, mnt)
	r = run(t, ref.dir, time.Minute, nil, "ingest", "--db", db, corpusDir)
	if r.code != 1 || !strings.Contains(r.stderr, "readonly") && !strings.Contains(r.stderr, "read-only") {
		t.Errorf("ingest into a read-only store: exit %d, want 1 saying so:\n%s", r.code, r.stderr)
	}
}
