package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// The full-text index lives in a second SQLite file beside the store,
// attached to every connection as schema "fts". SQLite lets one writer at
// a time into a file: with the index in its own file, an ingest indexes
// the builds already committed while it stores the next ones, on another
// core. The index is contentless (it keeps no copy of the text, only
// which line ids hold which tokens), and every search joins its ids back
// to the lines table.
//
// What keeps the two files in step:
//   - fts.meta 'indexed': every line with an id up to it is indexed. It is
//     written in the same transaction as the entries, so a crash loses
//     only work, and Open indexes whatever is missing before any search.
//   - fts.meta 'id' equals the store's meta 'id'. An index that is
//     missing, or was built for another store file, is rebuilt.
//   - A forced re-ingest deletes a build's lines but not their entries
//     (a contentless index can only forget a line if told its text).
//     Those entries point at ids no line has any more, and line ids are
//     never reused, so they match nothing. Open rebuilds the index once
//     such entries exceed a quarter of it (meta 'dropped' counts them).

// ftsVersion is the index file's PRAGMA user_version. Version 2 indexes
// Elasticsearch's words (words.go); a version 1 index, of FTS5's own, is
// rebuilt.
const ftsVersion = 2

const ftsSchema = `
DROP TABLE IF EXISTS fts.lines_fts;
DROP TABLE IF EXISTS fts.meta;
CREATE TABLE fts.meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE VIRTUAL TABLE fts.lines_fts USING fts5(
	message, content='', columnsize=0,
	tokenize = "ascii tokenchars '._:'',;'"
);
-- Each indexing pass commits one segment (up to 16 MB of entries) and
-- merges older ones 8 at a time: merging goes on beside the writer during
-- an ingest, where one optimize at its end added about a second to it on
-- the sample corpus. (Other automerge and hash sizes made no difference
-- the benchmarks could resolve on this project's machine.)
INSERT INTO fts.lines_fts(lines_fts, rank) VALUES ('automerge', 8);
INSERT INTO fts.lines_fts(lines_fts, rank) VALUES ('hashsize', 16777216);
`

// IndexPath is the file that holds the full-text index of the store at path.
func IndexPath(path string) string { return path + ".fts" }

// openDB opens the store at path with its index attached on every connection.
func openDB(path string) (*sql.DB, error) { return openDBWith(path, nil) }

// openDBWith opens the store with more pragmas on every connection (for
// both files), after filePragmas.
func openDBWith(path string, more []string) (*sql.DB, error) {
	// A file: URI, so its path escapes the characters URIs give a meaning.
	uri := "file:" + uriPath.Replace(path) + fmt.Sprintf("?_pragma=busy_timeout(%d)&_pragma=foreign_keys(ON)&_pragma=temp_store(MEMORY)", busyTimeout.Milliseconds())
	c, err := sqlite.NewConnector(uri)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(attacher{c, IndexPath(path), more}), nil
}

var uriPath = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23")

// attacher opens connections to the store with the index attached.
type attacher struct {
	driver.Connector
	index string
	more  []string // pragmas beside filePragmas
}

// execBusy runs a statement, trying again while another connection holds
// a lock it needs: switching a new file to WAL takes an exclusive lock
// and does not wait on its own, so two processes creating one store at
// once would otherwise fail.
func execBusy(ctx context.Context, exec driver.ExecerContext, stmt string) error {
	deadline := time.Now().Add(busyTimeout)
	for {
		_, err := exec.ExecContext(ctx, stmt, nil)
		if err == nil || !isBusy(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// busyTimeout is how long a statement waits for another connection's lock
// (SQLite's busy_timeout, and execBusy's own loop).
const busyTimeout = 10 * time.Second

func isBusy(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && (se.Code()&0xff == sqlite3.SQLITE_BUSY || se.Code()&0xff == sqlite3.SQLITE_LOCKED)
}

// filePragmas set up both files of a store: WAL, so searches never block
// an ingest and the indexer reads lines while the writer adds more; no
// automatic checkpoint before 200 MB of WAL (4096-byte pages), as an
// ingest checkpoints on its own schedule (see checkpointEvery); and a
// page cache of cacheKiB.
var filePragmas = []string{
	"journal_mode = WAL",
	"synchronous = NORMAL",
	fmt.Sprintf("cache_size = -%d", cacheKiB),
	"wal_autocheckpoint = 50000",
}

// cacheKiB bounds the page cache of each file on each connection.
// SQLite's page caches share one pool in a process (modernc.org/sqlite
// builds it with SQLITE_ENABLE_MEMORY_MANAGEMENT): a cache that keeps
// reading new pages takes its pages from the others and grows into every
// open connection's allowance. With 64 MiB per file, an ingest's peak
// memory grew with the corpus (1.4 GB at 16 times the sample) and a search
// on a large store held 260 MB. The writer and the indexer write at the
// ends of their tables and indexes and read what was just written, and a
// search reads most pages once: with 4 MiB the ingest took no more time,
// and the repository's queries on a store 16 times the sample as much
// when run once (the files stay in the OS's cache; a second run on a warm
// 64 MiB cache took two thirds of the CPU time). Each cached 4 KiB page
// takes about 8 KiB of memory: the allocator rounds its header up.
const cacheKiB = 4 << 10

func (a attacher) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := a.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	exec := conn.(driver.ExecerContext)
	_, err = exec.ExecContext(ctx, "ATTACH DATABASE ? AS fts", []driver.NamedValue{{Ordinal: 1, Value: a.index}})
	for _, schema := range []string{"main", "fts"} {
		for _, p := range append(filePragmas[:len(filePragmas):len(filePragmas)], a.more...) {
			if err == nil {
				err = execBusy(ctx, exec, "PRAGMA "+schema+"."+p)
			}
		}
	}
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("attach index %s: %w", a.index, err)
	}
	return conn, nil
}

// pairIndex makes sure the attached index belongs to this store, creating
// it empty when it is missing, foreign, of another version or mostly
// entries of deleted lines; s.index then fills it.
func (s *Store) pairIndex(ctx context.Context, notify func(string)) (rebuilt bool, err error) {
	if why, _, err := indexPaired(ctx, s.db); err != nil || why == "" {
		return false, err
	}
	// Another process may be repairing it too: decide again under the
	// write locks, so only one rebuilds (and none drops an index another
	// has just built and is filling).
	return rebuilt, s.exclusive(ctx, func(conn *sql.Conn) error {
		why, ids, err := indexPaired(ctx, conn)
		if err != nil || why == "" {
			return err
		}
		// A store with no lines has nothing to build: a new store's index
		// is created without a word.
		var lines bool
		if err := conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM main.lines)").Scan(&lines); err != nil {
			return err
		}
		if lines {
			notify(fmt.Sprintf("the full-text index %s %s: building it from the store", IndexPath(s.path), why))
		}
		rebuilt = true
		if _, err := conn.ExecContext(ctx, ftsSchema); err != nil {
			return fmt.Errorf("create index: %w", err)
		}
		if _, err := conn.ExecContext(ctx, "INSERT INTO fts.meta VALUES ('id', ?), ('dropped', ?), ('indexed', 0)", ids[0], ids[1]); err != nil {
			return err
		}
		_, err = conn.ExecContext(ctx, fmt.Sprintf("PRAGMA fts.user_version = %d", ftsVersion))
		return err
	})
}

// querier is what indexPaired reads through: the pool or one connection.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// indexPaired says why the index file cannot be kept — it is missing, of
// another version, of another store, or out of step — or "" when it
// belongs to this store and is fresh enough to keep; and returns the
// store's id and dropped count.
func indexPaired(ctx context.Context, q querier) (string, [2]int64, error) {
	var id, dropped, version int64
	err := q.QueryRowContext(ctx, `SELECT (SELECT value FROM main.meta WHERE key = 'id'),
		(SELECT value FROM main.meta WHERE key = 'dropped')`).Scan(&id, &dropped)
	if err != nil {
		return "", [2]int64{}, err
	}
	ids := [2]int64{id, dropped}
	if err := q.QueryRowContext(ctx, "PRAGMA fts.user_version").Scan(&version); err != nil {
		return "", ids, err
	}
	switch version {
	case ftsVersion:
	case 0:
		return "is missing", ids, nil
	default:
		return fmt.Sprintf("was written by another version (%d, not %d)", version, ftsVersion), ids, nil
	}
	var pairedID, base, indexed int64
	err = q.QueryRowContext(ctx, `SELECT (SELECT value FROM fts.meta WHERE key = 'id'),
		(SELECT value FROM fts.meta WHERE key = 'dropped'), (SELECT value FROM fts.meta WHERE key = 'indexed')`).
		Scan(&pairedID, &base, &indexed)
	if err != nil {
		return "", ids, err
	}
	// Stale entries are counted against the watermark, the highest id
	// indexed: a rough size, which is all a threshold needs. dropped <
	// base when the store lost commits the index kept (a power cut: the
	// files are synced apart), perhaps deletions the index had seen: only
	// a rebuild finds those lines again.
	switch {
	case pairedID != id:
		return "belongs to another store", ids, nil
	case base > dropped:
		return "holds lines the store lost (the two files were synced apart: a power cut?)", ids, nil
	case (dropped-base)*4 > indexed:
		return "holds more than a quarter of entries for lines replaced since", ids, nil
	}
	return "", ids, nil
}

// passLines is the most lines one indexing pass indexes. A pass is one
// transaction, which the index's WAL holds whole until it commits: during
// an ingest a pass indexes a build or a few, but completing the index
// after an interrupted ingest, or rebuilding it, would otherwise be one
// transaction over the whole store. A variable for tests.
var passLines int64 = 1 << 18

// indexPass indexes the lines committed since the last pass, up to
// passLines of them, in one transaction. more reports that committed
// lines remain.
func indexPass(ctx context.Context, conn *sql.Conn) (more bool, err error) {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	if err := lockForWrite(ctx, tx, "fts"); err != nil {
		return false, err
	}
	var done, last int64
	if err := tx.QueryRowContext(ctx, "SELECT value, (SELECT COALESCE(MAX(id), 0) FROM main.lines) FROM fts.meta WHERE key = 'indexed'").Scan(&done, &last); err != nil {
		return false, err
	}
	if last <= done {
		return false, nil
	}
	top := last
	if last-done > passLines { // ids have gaps (lines deleted by forced re-ingests): count lines
		err := tx.QueryRowContext(ctx, "SELECT id FROM main.lines WHERE id > ? ORDER BY id LIMIT 1 OFFSET ?", done, passLines-1).Scan(&top)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return false, err
		}
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO fts.lines_fts(rowid, message) SELECT id, index_words(message) FROM main.lines WHERE id > ? AND id <= ?", done, top); err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE fts.meta SET value = ? WHERE key = 'indexed'", top); err != nil {
		return false, err
	}
	return top < last, tx.Commit()
}

// lockForWrite makes tx a write transaction on schema before it reads.
// A transaction that reads first and writes later fails at once with
// SQLITE_BUSY when another connection (another process's ingest or Open)
// wrote in between; one whose first statement writes waits for the lock
// (busy_timeout) and reads what that connection committed.
func lockForWrite(ctx context.Context, tx *sql.Tx, schema string) error {
	_, err := tx.ExecContext(ctx, "UPDATE "+schema+".meta SET value = value WHERE key = 'dropped' OR key = 'indexed'")
	return err
}

// indexer indexes committed builds while an ingest stores the next ones.
type indexer struct {
	kick  chan struct{} // a build was committed
	done  chan struct{} // no more will be
	errc  chan error
	ended bool // errc was read, into err
	err   error
	// pass is held through each indexing pass: whoever else holds it
	// knows the indexer reads no snapshot of either file (see
	// writer.checkpoint).
	pass sync.Mutex
	// onPass, when set, is called after each pass that indexed lines.
	onPass func()
}

func (s *Store) startIndexer(ctx context.Context) *indexer { return s.startIndexerWith(ctx, nil) }

func (s *Store) startIndexerWith(ctx context.Context, onPass func()) *indexer {
	ix := &indexer{kick: make(chan struct{}, 1), done: make(chan struct{}), errc: make(chan error, 1), onPass: onPass}
	go func() { ix.errc <- s.runIndexer(ctx, ix) }()
	return ix
}

// committed tells the indexer there is more to index; it never blocks.
func (ix *indexer) committed() {
	select {
	case ix.kick <- struct{}{}:
	default:
	}
}

// failed reports whether the indexer has stopped early, on an error.
func (ix *indexer) failed() bool {
	if !ix.ended {
		select {
		case ix.err = <-ix.errc:
			ix.ended = true
		default:
		}
	}
	return ix.ended
}

// finish waits until every committed line is indexed.
func (ix *indexer) finish() error {
	close(ix.done)
	if !ix.ended {
		ix.err, ix.ended = <-ix.errc, true
	}
	return ix.err
}

func (s *Store) runIndexer(ctx context.Context, ix *indexer) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	more, last := false, false
	for {
		if !more && !last {
			select {
			case <-ix.kick:
			case <-ix.done:
				last = true
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		ix.pass.Lock()
		more, err = indexPass(ctx, conn)
		ix.pass.Unlock()
		if err != nil {
			return fmt.Errorf("index: %w", err)
		}
		if ix.onPass != nil {
			ix.onPass()
		}
		if more {
			// A full pass: copy its frames into the index file now, so
			// that the next pass restarts the WAL (no writer may be
			// checkpointing, as during Open).
			if _, err := conn.ExecContext(ctx, "PRAGMA fts.wal_checkpoint(PASSIVE)"); err != nil {
				return fmt.Errorf("index: checkpoint: %w", err)
			}
		} else if last {
			return nil
		}
	}
}
