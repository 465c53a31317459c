package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// The full-text index is derived data: damage to its file must never stop
// a command. Three checks find damage, from cheapest to dearest:
//   - before the store opens, the file's header and size (an overwritten
//     file has no SQLite header; a truncated one is not a whole number of
//     pages, or shorter than its header says);
//   - SQLite's own corruption errors while the index is paired and caught
//     up;
//   - PRAGMA quick_check, when the file changed since it was last known
//     good: recheckgen records the file's size and time after its own
//     writes (an ingest, a rebuild), so only a change made by something
//     else, or an interrupted write, costs a check.
// A damaged index is deleted and rebuilt from the stored lines, saying so.

// errIndexDamaged marks damage found by quick_check.
var errIndexDamaged = errors.New("index damaged")

// sqliteHeader starts every SQLite database file.
var sqliteHeader = []byte("SQLite format 3\x00")

// indexFileDamage says what is wrong with the index file at path before it
// is opened, or "" when it looks whole (or is missing: that is repaired
// the ordinary way).
func indexFileDamage(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.Size() == 0 {
		return "" // SQLite starts an empty file afresh
	}
	var h [100]byte
	if _, err := io.ReadFull(f, h[:]); err != nil {
		return fmt.Sprintf("%d bytes: shorter than a SQLite header", st.Size())
	}
	if !bytes.Equal(h[:16], sqliteHeader) {
		return "not a SQLite file (overwritten?)"
	}
	pageSize := int64(binary.BigEndian.Uint16(h[16:18]))
	if pageSize == 1 {
		pageSize = 65536
	}
	if pageSize < 512 || pageSize&(pageSize-1) != 0 {
		return fmt.Sprintf("page size %d in its header", pageSize)
	}
	if st.Size()%pageSize != 0 {
		return fmt.Sprintf("%d bytes: not a whole number of %d-byte pages (truncated?)", st.Size(), pageSize)
	}
	// The size in the header counts when it is valid for this version of
	// the file (SQLite's rule: the change counter equals the version the
	// size was written for).
	pages := int64(binary.BigEndian.Uint32(h[28:32]))
	if pages > 0 && bytes.Equal(h[24:28], h[92:96]) && st.Size() < pages*pageSize {
		return fmt.Sprintf("%d bytes, where its header counts %d pages of %d (truncated?)", st.Size(), pages, pageSize)
	}
	return ""
}

// isCorruption says whether err is SQLite finding a damaged file.
func isCorruption(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
			return true
		}
	}
	return errors.Is(err, errIndexDamaged)
}

// removeIndexFiles deletes the index file and its WAL and shared memory.
func removeIndexFiles(path string) error {
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// fileStamp is what says whether a file changed: its size and time.
func fileStamp(path string) (size, mtime int64, ok bool) {
	st, err := os.Stat(path)
	if err != nil {
		return 0, 0, false
	}
	return st.Size(), st.ModTime().UnixNano(), true
}

// verifyIndex runs quick_check on the index file when it changed since it
// was last known good, and records it good.
func (s *Store) verifyIndex(ctx context.Context) error {
	var flagged int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM main.meta WHERE key = 'fts_damaged'`).Scan(&flagged); err != nil {
		return err
	}
	if flagged > 0 {
		return fmt.Errorf("%w: a search found it damaged", errIndexDamaged)
	}
	size, mtime, ok := fileStamp(IndexPath(s.path))
	if !ok {
		return nil
	}
	var known [2]int64
	err := s.db.QueryRowContext(ctx, `SELECT COALESCE((SELECT value FROM main.meta WHERE key = 'fts_size'), -1),
		COALESCE((SELECT value FROM main.meta WHERE key = 'fts_mtime'), -1)`).Scan(&known[0], &known[1])
	if err != nil {
		return err
	}
	if known == [2]int64{size, mtime} {
		return nil
	}
	var result string
	if err := s.db.QueryRowContext(ctx, "PRAGMA fts.quick_check").Scan(&result); err != nil {
		return err
	}
	if result != "ok" {
		return fmt.Errorf("%w: quick_check: %s", errIndexDamaged, result)
	}
	return s.markIndexGood(ctx)
}

// searchFailed records, when a search met a damaged index, that the next
// open must rebuild it: quick_check reads the index's b-trees, not the
// entries FTS5 keeps in them, and the damage may have come without a
// change of the file's size or time (a cache restored, a disk's fault),
// so nothing else would find it again and every search would fail.
func (s *Store) searchFailed(ctx context.Context, err error) error {
	if !isCorruption(err) {
		return err
	}
	if _, ferr := s.db.ExecContext(context.WithoutCancel(ctx), `INSERT OR REPLACE INTO main.meta VALUES ('fts_damaged', 1)`); ferr != nil {
		return fmt.Errorf("the full-text index is damaged, and could not be marked for a rebuild (%v): delete %s: %w", ferr, IndexPath(s.path), err)
	}
	return fmt.Errorf("the full-text index is damaged: the next command rebuilds it: %w", err)
}

// markIndexGood records the index file as known good as it is now, after
// recheckgen's own writes: its log is copied in first, so closing the
// store changes nothing more.
func (s *Store) markIndexGood(ctx context.Context) error {
	// Best effort: a reader elsewhere may keep the log from emptying, and
	// then the next open checks the file once.
	s.db.ExecContext(ctx, "PRAGMA fts.wal_checkpoint(TRUNCATE)")
	size, mtime, ok := fileStamp(IndexPath(s.path))
	if !ok {
		return nil
	}
	_, err := s.db.ExecContext(ctx, `INSERT OR REPLACE INTO main.meta VALUES ('fts_size', ?), ('fts_mtime', ?)`, size, mtime)
	return err
}
