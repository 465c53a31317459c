// Package rootfile opens files inside a directory tree that someone else
// wrote — a CI build's log directory, a pull request's queries — so that
// nothing outside the tree is read: a symbolic link that leaves it, a
// device, a FIFO (which would block the reader forever) or a socket is
// refused with an error that says which.
package rootfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// Errors of Open, for errors.Is.
var (
	ErrSymlink    = errors.New("is a symbolic link: not read")
	ErrOutside    = errors.New("is a symbolic link leaving the directory, or a broken one: not read")
	ErrNotRegular = errors.New("is not a regular file: not read")
	ErrTooLarge   = errors.New("is too large")
)

// Links says what to do with a symbolic link inside the tree.
type Links int

const (
	// FollowInside follows links that resolve inside the tree.
	FollowInside Links = iota
	// RefuseLinks refuses every link, as files a repository holds should
	// be files: git stores links, so a pull request can add one.
	RefuseLinks
)

// Open opens name (a slash path relative to root) for reading when it is
// a regular file inside root. The file is opened without blocking, so a
// FIFO is refused rather than waited on.
func Open(root *os.Root, name string, links Links) (*os.File, fs.FileInfo, error) {
	li, err := root.Lstat(name)
	if err != nil {
		return nil, nil, err
	}
	link := li.Mode()&fs.ModeSymlink != 0
	if link && links == RefuseLinks {
		return nil, nil, &fs.PathError{Op: "open", Path: name, Err: ErrSymlink}
	}
	// What is not a file is refused before it is opened: opening a socket
	// fails with a bare ENXIO, and opening a device may act on it.
	if !link && !li.Mode().IsRegular() {
		return nil, nil, &fs.PathError{Op: "open", Path: name, Err: fmt.Errorf("%w (%s)", ErrNotRegular, kind(li.Mode()))}
	}
	f, err := root.OpenFile(name, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		if link {
			return nil, nil, &fs.PathError{Op: "open", Path: name, Err: ErrOutside}
		}
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, nil, &fs.PathError{Op: "open", Path: name, Err: fmt.Errorf("%w (%s)", ErrNotRegular, kind(fi.Mode()))}
	}
	return f, fi, nil
}

// ReadFile reads a whole regular file of at most limit bytes.
func ReadFile(root *os.Root, name string, links Links, limit int64) ([]byte, error) {
	f, fi, err := Open(root, name, links)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi.Size() > limit {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fmt.Errorf("%w: %d bytes, over the limit of %d", ErrTooLarge, fi.Size(), limit)}
	}
	// The size may change under us: read one byte past the limit to see.
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, &fs.PathError{Op: "read", Path: name, Err: fmt.Errorf("%w: over the limit of %d bytes", ErrTooLarge, limit)}
	}
	return data, nil
}

// MaxSource is the largest file read from a repository: a query file, a
// runbook, a theme file.
const MaxSource = 4 << 20

// ReadSource reads a file of the repository (a query file, a runbook, a
// theme file): a regular file, never a link, at most MaxSource bytes.
func ReadSource(path string) ([]byte, error) { return ReadPath(path, RefuseLinks, MaxSource) }

// ReadSourceIn reads the file at slash path rel inside dir, a directory
// of the repository (the theme's): dir must not be a link itself, no part
// of rel may lead out of it, and the file must be a regular file, not a
// link. ReadSource checks only the file: a directory on its way that is a
// link out of the repository would be followed.
func ReadSourceIn(dir, rel string) ([]byte, error) {
	if err := CheckDir(dir); err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	data, err := ReadFile(root, rel, RefuseLinks, MaxSource)
	var pe *fs.PathError
	if errors.As(err, &pe) {
		pe.Path = filepath.Join(dir, filepath.FromSlash(rel))
	}
	return data, err
}

// CheckDir refuses a directory of the repository (queries, runbooks, the
// theme) that is a symbolic link: git stores links, so a pull request
// could make the directory itself lead out of the repository.
func CheckDir(dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return &fs.PathError{Op: "open", Path: dir, Err: ErrSymlink}
	}
	return nil
}

// ReadPath reads a regular file given by an ordinary path: its directory
// becomes the root, and the file itself must not be a link when links is
// RefuseLinks.
func ReadPath(path string, links Links, limit int64) ([]byte, error) {
	dir, name := splitPath(path)
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	data, err := ReadFile(root, name, links, limit)
	var pe *fs.PathError
	if errors.As(err, &pe) {
		pe.Path = path
	}
	return data, err
}

func splitPath(p string) (dir, name string) {
	for i := len(p) - 1; i >= 0; i-- {
		if os.IsPathSeparator(p[i]) {
			if i == 0 {
				return p[:1], p[1:]
			}
			return p[:i], p[i+1:]
		}
	}
	return ".", p
}

func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "not a regular file"
}
