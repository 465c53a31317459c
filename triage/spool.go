package triage

import (
	"bufio"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"github.com/recheckgen/recheckgen"
)

// Spool holds a window's explanations in a temporary file, one gob
// record each, so that a site's triage keeps in memory only a summary per
// build: its explanations (about 135 KB each on the sample) are read
// back one at a time to write their pages. Close removes the file and its
// directory.
//
// A spool is a directory of its own, spoolPrefix*, in a directory that
// holds nothing but spools (Input.SpoolDir), marked as recheckgen's when
// recheckgen made it or found it empty: its file, and a lock file the
// process holds (flock) until Close, which the operating system releases
// however the process ends. Making a spool first removes those left by
// processes killed outright: a spool whose lock can be taken is no live
// process's, and one holding anything but the two files recheckgen
// writes stays whole. Nothing is removed
// from a directory without the marker. The spools' directory is itself
// locked (flock on its lock file) while a spool is made, cleaned or
// removed, so no spool is seen between its making and its lock.
type Spool struct {
	mu   sync.Mutex
	dir  string
	f    *os.File
	lock *os.File
	w    *bufio.Writer
	enc  *gob.Encoder
	err  error // the first write's error: later ones are not tried
}

const (
	spoolPrefix = "spool-"
	spoolLock   = "lock"
	spoolFile   = "explanations.gob"
	// spoolsMarker marks a directory of spools as recheckgen's, and
	// spoolsLock is the lock of the whole directory.
	spoolsMarker = ".recheckgen-spools"
	spoolsLock   = ".lock"
)

// DefaultSpoolDir is where spools are made when Input.SpoolDir is "": a
// directory of recheckgen's own in the system's temporary directory.
func DefaultSpoolDir() string { return filepath.Join(os.TempDir(), "recheckgen-triage") }

// newSpool makes a spool in dir (DefaultSpoolDir when ""), after removing
// the spools there that no live process holds.
func newSpool(dir string) (*Spool, error) {
	if dir == "" {
		dir = DefaultSpoolDir()
	}
	if err := ownSpools(dir); err != nil {
		return nil, fmt.Errorf("spool the explanations: %w", err)
	}
	unlock, err := lockSpools(dir)
	if err != nil {
		return nil, fmt.Errorf("spool the explanations: lock %s: %w", dir, err)
	}
	defer unlock()
	removeDeadSpools(dir)
	d, err := os.MkdirTemp(dir, spoolPrefix)
	if err != nil {
		return nil, fmt.Errorf("spool the explanations: %w", err)
	}
	lock, err := os.OpenFile(filepath.Join(d, spoolLock), os.O_CREATE|os.O_RDWR|syscall.O_NOFOLLOW, 0o600)
	if err == nil {
		if err = syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			lock.Close()
		}
	}
	if err != nil {
		os.RemoveAll(d)
		return nil, fmt.Errorf("spool the explanations: lock: %w", err)
	}
	f, err := os.Create(filepath.Join(d, spoolFile))
	if err != nil {
		lock.Close()
		os.RemoveAll(d)
		return nil, fmt.Errorf("spool the explanations: %w", err)
	}
	w := bufio.NewWriter(f)
	return &Spool{dir: d, f: f, lock: lock, w: w, enc: gob.NewEncoder(w)}, nil
}

// ownSpools makes dir the directory of recheckgen's spools, or checks it
// is: it carries the marker written when recheckgen made it or found it
// empty. A directory holding anything else is someone's: refused.
func ownSpools(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	marker := filepath.Join(dir, spoolsMarker)
	if fi, err := os.Lstat(marker); err == nil {
		if !fi.Mode().IsRegular() {
			return fmt.Errorf("%s is not recheckgen's marker (not a regular file)", marker)
		}
		return nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("%s holds files recheckgen did not make (it has no %s): remove them or move the store", dir, spoolsMarker)
	}
	return os.WriteFile(marker, []byte("recheckgen's triage spools: each spool-* is removed by its build, or by a later one once its process is gone\n"), 0o600)
}

// lockSpools takes the lock of the spools' directory, waiting for another
// process making or removing a spool there (briefly). It locks a regular
// file opened for writing, which flock needs on NFS.
func lockSpools(dir string) (unlock func(), err error) {
	f, err := os.OpenFile(filepath.Join(dir, spoolsLock), os.O_CREATE|os.O_RDWR|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil
}

// removeDeadSpools removes the spools in dir left by processes that no
// longer run: a directory named as a spool (not a link) that is empty, or
// that holds nothing but a spool's two files and whose lock file this
// process can lock. The caller holds dir's lock.
func removeDeadSpools(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), spoolPrefix) {
			continue
		}
		d := filepath.Join(dir, e.Name())
		if os.Remove(d) == nil { // empty
			continue
		}
		if onlySpoolFiles(d) && deadSpool(d) {
			os.Remove(filepath.Join(d, spoolFile))
			os.Remove(filepath.Join(d, spoolLock))
			os.Remove(d)
		}
	}
}

// onlySpoolFiles says whether d holds nothing but the regular files a
// spool holds.
func onlySpoolFiles(d string) bool {
	entries, err := os.ReadDir(d)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if (e.Name() != spoolLock && e.Name() != spoolFile) || !e.Type().IsRegular() {
			return false
		}
	}
	return true
}

// deadSpool says whether the spool d has a lock file that no process
// holds.
func deadSpool(d string) bool {
	f, err := os.OpenFile(filepath.Join(d, spoolLock), os.O_RDWR|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return false
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return false
	}
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil
}

// add writes an explanation to the end of the spool.
func (s *Spool) add(e *recheckgen.Explanation) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err == nil {
		if err := s.enc.Encode(e); err != nil {
			s.err = fmt.Errorf("spool the explanations: %w", err)
		}
	}
	return s.err
}

// Each reads the explanations back in the order they were added and calls
// f with each (recheckgen.Explanations).
func (s *Spool) Each(f func(*recheckgen.Explanation) error) error {
	s.mu.Lock()
	if s.err == nil {
		if err := s.w.Flush(); err != nil {
			s.err = fmt.Errorf("spool the explanations: %w", err)
		}
	}
	err := s.err
	s.mu.Unlock()
	if err != nil {
		return err
	}
	r, err := os.Open(s.f.Name())
	if err != nil {
		return fmt.Errorf("read the spooled explanations: %w", err)
	}
	defer r.Close()
	dec := gob.NewDecoder(bufio.NewReader(r))
	for {
		e := new(recheckgen.Explanation)
		if err := dec.Decode(e); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return fmt.Errorf("read the spooled explanations: %w", err)
		}
		if err := f(e); err != nil {
			return err
		}
	}
}

// Close removes the spool.
func (s *Spool) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.f.Close()
	// Removed under the spools' lock, and its own lock released last: no
	// other process removes it at the same time.
	if unlock, lerr := lockSpools(filepath.Dir(s.dir)); lerr == nil {
		defer unlock()
	}
	if rerr := os.RemoveAll(s.dir); rerr != nil {
		err = rerr
	}
	s.lock.Close()
	return err
}
