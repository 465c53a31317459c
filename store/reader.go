package store

import (
	"database/sql"
	"sync"
)

// searchPragmas are those of the connections searches run on: they read
// the files through a memory map (up to 16 GiB), which spares SQLite a
// system call and a copy for every page a search looks up (the rows behind
// the full-text index's hits are read one by one, all over the lines
// table): at 16 times the sample, a third of the CPU time the queries
// took (docs/benchmarks.md). The mapped pages are the operating system's
// page cache, shared; they count in the process's resident size while
// searches touch them. Ingest and indexing keep plain reads, so their
// resident size stays bounded by the page caches.
var searchPragmas = []string{"mmap_size = 17179869184"}

// reader is the handle searches read through, opened on first use; on
// failure, the store's own.
type reader struct {
	once sync.Once
	db   *sql.DB
}

func (s *Store) reader() *sql.DB {
	s.search.once.Do(func() {
		if db, err := openDBWith(s.path, searchPragmas); err == nil {
			s.search.db = db
		}
	})
	if s.search.db != nil {
		return s.search.db
	}
	return s.db
}

// closeReader closes the search handle if it was opened.
func (s *Store) closeReader() error {
	s.search.once.Do(func() {}) // none opens after this
	if s.search.db != nil {
		return s.search.db.Close()
	}
	return nil
}
