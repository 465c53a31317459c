package fetch

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/recheckgen/recheckgen/internal/dirswap"
	"github.com/recheckgen/recheckgen/internal/rootfile"
	"github.com/recheckgen/recheckgen/zuul"
)

// The cache holds what a fetch downloaded, as build directories the
// store's ingest reads (a build.json and the selected log files):
//
//	CACHE/<source key>/<start day>/<uuid>/build.json, logs...
//	CACHE/.tmp/<uuid>-*/   a build being fetched
//	CACHE/.lock            held by the one fetch writing the cache
//
// A build is written into .tmp and renamed into place whole, its files
// synced first: a build directory outside .tmp is complete, whatever
// killed the fetch that wrote it. Every name inside it comes from
// rootfile.CheckName-checked paths written through an os.Root, so no
// name a log server sends can place a file outside the cache. Log files
// are kept gzip-compressed (NAME.gz; ingest reads them as NAME).
type cache struct{ dir string }

func (c cache) tmp() string { return filepath.Join(c.dir, ".tmp") }

func (c cache) sourceDir(key string) string { return filepath.Join(c.dir, key) }

// dayName is the directory of a build's start day: retention removes
// whole days.
func dayName(t time.Time) string { return t.UTC().Format("2006-01-02") }

func (c cache) buildDir(key, uuid string, start time.Time) string {
	return filepath.Join(c.dir, key, dayName(start), uuid)
}

// has says whether the build's directory is complete in the cache.
func (c cache) has(key, uuid string, start time.Time) bool {
	_, err := os.Lstat(filepath.Join(c.buildDir(key, uuid, start), "build.json"))
	return err == nil
}

// record reads the build.json of a build complete in the cache.
func (c cache) record(key, uuid string, start time.Time) ([]byte, error) {
	p := filepath.Join(c.buildDir(key, uuid, start), "build.json")
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("its record is not in the cache (%s)", c.dir)
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, zuul.MaxRecordBytes+1))
	if err == nil && len(data) > zuul.MaxRecordBytes {
		err = fmt.Errorf("%s: over %d bytes", p, zuul.MaxRecordBytes)
	}
	return data, err
}

// lock takes the cache for this process, waiting for another fetch that
// holds it (said through waiting); the lock goes with the process, so a
// killed fetch never leaves it held. It then removes builds left half
// fetched in .tmp by killed runs.
func (c cache) lock(waiting func()) (unlock func(), err error) {
	if err := os.MkdirAll(c.tmp(), 0o755); err != nil {
		return nil, fmt.Errorf("cache %s: %w", c.dir, err)
	}
	f, err := os.OpenFile(filepath.Join(c.dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("cache %s: %w", c.dir, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		if waiting != nil {
			waiting()
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
			f.Close()
			return nil, fmt.Errorf("cache %s: lock: %w", c.dir, err)
		}
	}
	entries, _ := os.ReadDir(c.tmp())
	for _, e := range entries {
		os.RemoveAll(filepath.Join(c.tmp(), e.Name()))
	}
	return func() { f.Close() }, nil
}

// prune removes the source's builds of the days wholly before t.
func (c cache) prune(key string, t time.Time) (int, error) {
	entries, err := os.ReadDir(c.sourceDir(key))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range entries {
		day, err := time.Parse("2006-01-02", e.Name())
		if err != nil || !e.IsDir() || day.Add(24*time.Hour).After(t) {
			continue
		}
		builds, _ := os.ReadDir(filepath.Join(c.sourceDir(key), e.Name()))
		if err := os.RemoveAll(filepath.Join(c.sourceDir(key), e.Name())); err != nil {
			return n, err
		}
		n += len(builds)
	}
	return n, nil
}

// buildDir is a build being written into the cache's .tmp.
type tmpBuild struct {
	dir     string
	root    *os.Root
	written map[string]bool // cache names
}

func (c cache) newBuild(uuid string) (*tmpBuild, error) {
	dir, err := os.MkdirTemp(c.tmp(), uuid+"-")
	if err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return &tmpBuild{dir: dir, root: root, written: map[string]bool{}}, nil
}

// cacheName is the name a log file is kept under: compressed, NAME.gz.
func cacheName(p string) string {
	if strings.HasSuffix(p, ".gz") {
		return p
	}
	return p + ".gz"
}

// file creates the log file p (a slash path from the log server) in the
// build, for one download: compressed, or as it is when plain (a file
// the ingest reads by its own name, such as Zuul's inventory). Two paths
// that would share a name (a.txt and a.txt.gz) keep the first.
func (b *tmpBuild) file(p string, plain bool) (*gzFile, error) {
	if err := rootfile.CheckName(p); err != nil {
		return nil, err
	}
	name := cacheName(p)
	if plain {
		name = p
	}
	if name == "build.json.gz" || name == zuul.ManifestName+".gz" {
		return nil, fmt.Errorf("%q is a name the cache keeps for itself", p)
	}
	if b.written[name] {
		return nil, fmt.Errorf("%q is listed twice (as %s and compressed)", p, strings.TrimSuffix(name, ".gz"))
	}
	if dir := path.Dir(name); dir != "." {
		if err := b.root.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
	}
	f, err := b.root.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	b.written[name] = true
	return &gzFile{f: f, plain: plain, raw: plain}, nil
}

// record writes build.json.
func (b *tmpBuild) record(data []byte) error {
	f, err := b.root.OpenFile("build.json", os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// commit puts the build in place, complete: its files were synced as they
// closed; the directories are synced around the rename. A build fetched
// again (its logs were missing) replaces the directory of the earlier
// fetch whole (dirswap: on Linux, in one step).
func (b *tmpBuild) commit(final string) error {
	if err := syncDir(b.dir); err != nil {
		return err
	}
	b.root.Close()
	if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
		return err
	}
	return dirswap.Replace(b.dir, final)
}

// remove drops a log file whose download failed.
func (b *tmpBuild) remove(p string) {
	name := cacheName(p)
	if !b.written[name] {
		name = p
	}
	if b.written[name] {
		b.root.Remove(name)
		delete(b.written, name)
	}
}

func (b *tmpBuild) discard() {
	b.root.Close()
	os.RemoveAll(b.dir)
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
		return err
	}
	return nil
}

// gzFile is a log file as it downloads: kept as sent when the body is
// already gzip (a .gz file served as it is stored), compressed otherwise.
type gzFile struct {
	f     *os.File
	head  []byte // the body's first bytes, until the two that decide
	gz    *gzip.Writer
	raw   bool
	plain bool  // never compressed
	n     int64 // bytes of body
}

var gzipMagic = []byte{0x1f, 0x8b}

func (g *gzFile) reset() error {
	g.head, g.gz, g.raw, g.n = g.head[:0], nil, g.plain, 0
	if _, err := g.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	return g.f.Truncate(0)
}

func (g *gzFile) Write(p []byte) (int, error) {
	g.n += int64(len(p))
	if g.gz == nil && !g.raw {
		g.head = append(g.head, p...)
		if len(g.head) < len(gzipMagic) {
			return len(p), nil
		}
		if err := g.decide(); err != nil {
			return 0, err
		}
		if err := g.out(g.head); err != nil {
			return 0, err
		}
		return len(p), nil
	}
	if err := g.out(p); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (g *gzFile) decide() error {
	if len(g.head) >= 2 && g.head[0] == gzipMagic[0] && g.head[1] == gzipMagic[1] {
		g.raw = true
		return nil
	}
	gz, err := gzip.NewWriterLevel(g.f, gzip.BestSpeed)
	g.gz = gz
	return err
}

func (g *gzFile) out(p []byte) error {
	var err error
	if g.raw {
		_, err = g.f.Write(p)
	} else {
		_, err = g.gz.Write(p)
	}
	return err
}

// close ends the file (a short or empty body is compressed too) and
// syncs it.
func (g *gzFile) close() error {
	if g.gz == nil && !g.raw {
		if err := g.decide(); err != nil {
			g.f.Close()
			return err
		}
		if err := g.out(g.head); err != nil {
			g.f.Close()
			return err
		}
	}
	if g.gz != nil {
		if err := g.gz.Close(); err != nil {
			g.f.Close()
			return err
		}
	}
	if err := g.f.Sync(); err != nil {
		g.f.Close()
		return err
	}
	return g.f.Close()
}
