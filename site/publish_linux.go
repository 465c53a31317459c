package site

import (
	"os"

	"golang.org/x/sys/unix"
)

// syncFS writes what the file system holding dir has in memory to disk:
// one call instead of one per file of the site.
func syncFS(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return unix.Syncfs(int(f.Fd()))
}
