package rootfile

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(t.TempDir(), "secret.txt")
	must(t, os.WriteFile(outside, []byte("secret"), 0o644))
	must(t, os.MkdirAll(filepath.Join(dir, "logs", "sub"), 0o755))
	must(t, os.WriteFile(filepath.Join(dir, "logs", "a.txt"), []byte("hello"), 0o644))
	must(t, os.Symlink(outside, filepath.Join(dir, "logs", "abs.txt")))
	must(t, os.Symlink("../../"+filepath.Base(filepath.Dir(outside))+"/secret.txt", filepath.Join(dir, "logs", "rel.txt")))
	must(t, os.Symlink("a.txt", filepath.Join(dir, "logs", "inside.txt")))
	must(t, os.Symlink("../a.txt", filepath.Join(dir, "logs", "sub", "up.txt")))
	must(t, os.Symlink("nowhere.txt", filepath.Join(dir, "logs", "broken.txt")))
	must(t, os.Symlink("/dev/zero", filepath.Join(dir, "logs", "zero.txt")))
	must(t, syscall.Mkfifo(filepath.Join(dir, "logs", "fifo.txt"), 0o644))
	sock, err := net.Listen("unix", filepath.Join(dir, "logs", "sock.txt"))
	must(t, err)
	defer sock.Close()
	root, err := os.OpenRoot(dir)
	must(t, err)
	defer root.Close()

	for _, tc := range []struct {
		name  string
		links Links
		want  error // nil: opened, reads "hello"
	}{
		{"logs/a.txt", FollowInside, nil},
		{"logs/inside.txt", FollowInside, nil},
		{"logs/sub/up.txt", FollowInside, nil},
		{"logs/inside.txt", RefuseLinks, ErrSymlink},
		{"logs/abs.txt", FollowInside, ErrOutside},
		{"logs/rel.txt", FollowInside, ErrOutside},
		{"logs/broken.txt", FollowInside, ErrOutside},
		{"logs/zero.txt", FollowInside, ErrOutside},
		{"logs/fifo.txt", FollowInside, ErrNotRegular},
		{"logs/sock.txt", FollowInside, ErrNotRegular},
		{"logs", FollowInside, ErrNotRegular},
		{"../" + filepath.Base(dir) + "/logs/a.txt", FollowInside, errEscape}, // os.Root refuses any ..
	} {
		f, _, err := Open(root, tc.name, tc.links)
		if tc.want == nil {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
				continue
			}
			buf := make([]byte, 10)
			n, _ := f.Read(buf)
			f.Close()
			if string(buf[:n]) != "hello" {
				t.Errorf("%s: read %q", tc.name, buf[:n])
			}
			continue
		}
		if f != nil {
			f.Close()
		}
		if tc.want == errEscape {
			if err == nil || !strings.Contains(err.Error(), "escapes") {
				t.Errorf("%s: got %v, want an escape error", tc.name, err)
			}
			continue
		}
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.want)
		}
	}
}

func TestReadLimits(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "big.json")
	must(t, os.WriteFile(p, []byte(strings.Repeat("x", 100)), 0o644))
	if _, err := ReadPath(p, RefuseLinks, 99); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), p) {
		t.Errorf("over the limit: %v", err)
	}
	if data, err := ReadPath(p, RefuseLinks, 100); err != nil || len(data) != 100 {
		t.Errorf("at the limit: %d %v", len(data), err)
	}
	must(t, os.Symlink(p, filepath.Join(dir, "link.json")))
	if _, err := ReadPath(filepath.Join(dir, "link.json"), RefuseLinks, 100); !errors.Is(err, ErrSymlink) {
		t.Errorf("link: %v", err)
	}
}

var errEscape = errors.New("escapes")

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestCheckName(t *testing.T) {
	good := []string{"job-output.txt", "logs/screen-n-cpu.txt.gz", "controller/logs/etc/nova/nova.conf", "a b/ünïcode.txt", "..hidden", "x..y"}
	for _, n := range good {
		if err := CheckName(n); err != nil {
			t.Errorf("CheckName(%q): %v", n, err)
		}
	}
	bad := map[string]string{
		"":                               "empty name",
		"/etc/passwd":                    "absolute name",
		"../x":                           `component ".."`,
		"logs/../../x":                   `component ".."`,
		"logs/./x":                       `component "."`,
		"logs//x":                        `component ""`,
		"logs/":                          `component ""`,
		"a\\..\\b":                       "backslash",
		"logs/a\x00b":                    "control character U+0000",
		"logs/a\nb":                      "control character U+000A",
		"logs/\x1b[31mred":               "control character U+001B",
		"logs/a\u0085b":                  "control character U+0085",
		"logs/\xff":                      "not UTF-8",
		strings.Repeat("a", 256):         "component of 256 bytes",
		strings.Repeat("a/", 33) + "a":   "directories deep",
		strings.Repeat("abcdefgh/", 114): "over 1024",
	}
	for n, want := range bad {
		err := CheckName(n)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CheckName(%q) = %v, want %q", n, err, want)
		}
	}
}

// TestReadSourceIn: a file of a repository's directory is read only when
// neither the directory nor any directory on the way is a link out of it.
func TestReadSourceIn(t *testing.T) {
	outside := t.TempDir()
	must(t, os.WriteFile(filepath.Join(outside, "style.css"), []byte("secret"), 0o644))
	repo := t.TempDir()
	theme := filepath.Join(repo, "theme")
	must(t, os.MkdirAll(filepath.Join(theme, "templates"), 0o755))
	must(t, os.WriteFile(filepath.Join(theme, "templates", "a.html"), []byte("hello"), 0o644))
	must(t, os.Symlink(outside, filepath.Join(theme, "assets")))
	must(t, os.Symlink(theme, filepath.Join(repo, "linked")))

	if data, err := ReadSourceIn(theme, "templates/a.html"); err != nil || string(data) != "hello" {
		t.Errorf("a file of the directory: %q %v", data, err)
	}
	if _, err := ReadSourceIn(theme, "templates/none.html"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing file: %v", err)
	}
	if data, err := ReadSourceIn(theme, "assets/style.css"); err == nil || !strings.Contains(err.Error(), "escapes") {
		t.Errorf("through a linked directory leading out: %q %v", data, err)
	}
	if _, err := ReadSourceIn(filepath.Join(repo, "linked"), "templates/a.html"); !errors.Is(err, ErrSymlink) {
		t.Errorf("in a directory that is a link: %v", err)
	}
	if err := CheckDir(filepath.Join(repo, "linked")); !errors.Is(err, ErrSymlink) || !strings.Contains(err.Error(), "linked") {
		t.Errorf("CheckDir of a link: %v", err)
	}
	if err := CheckDir(theme); err != nil {
		t.Errorf("CheckDir of a directory: %v", err)
	}
}
