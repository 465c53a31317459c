// Package dirswap puts a directory written aside in another's place whole:
// a published site, a build fetched again. Where the system can exchange
// two directories in one step (Linux's renameat2), the destination is at
// every moment the old directory or the new one; elsewhere there is a
// moment between two renames when it is neither.
package dirswap

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// errNoExchange: the system or the file system cannot exchange two
// directories in one step.
var errNoExchange = errors.New("directories cannot be exchanged in one step here")

// Replace puts the directory tmp in dst's place, and removes what dst
// held; dst's parent is synced, so the change is durable. A crash leaves
// dst old or new, and the old directory under tmp's name (or tmp+".old"
// where no exchange is possible) for the caller's cleaning.
func Replace(tmp, dst string) error {
	if _, err := os.Lstat(dst); errors.Is(err, fs.ErrNotExist) {
		if err := os.Rename(tmp, dst); err != nil {
			return err
		}
		return syncDir(filepath.Dir(dst))
	}
	err := exchange(tmp, dst)
	if err == nil {
		syncDir(filepath.Dir(dst)) // done: a sync that fails changes nothing now
		return os.RemoveAll(tmp)   // the old directory, now
	}
	if !errors.Is(err, errNoExchange) {
		return err
	}
	old := tmp + ".old"
	if err := os.Rename(dst, old); err != nil {
		return err
	}
	if err := os.Rename(tmp, dst); err != nil {
		os.Rename(old, dst) // put the previous directory back
		return err
	}
	syncDir(filepath.Dir(dst))
	return os.RemoveAll(old)
}

// syncDir makes a rename in dir durable (a file system that cannot sync a
// directory is taken at its word).
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Sync(); err != nil && !errors.Is(err, errors.ErrUnsupported) && !isEINVAL(err) {
		return err
	}
	return nil
}
