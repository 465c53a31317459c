// Package store is the embedded log store: CI builds, their log files and
// every log line in SQLite (modernc.org/sqlite, pure Go) with an FTS5 index
// on the message. It ingests build directories and answers known-bug
// queries with Elasticsearch's meaning, so the tool works on one machine
// with no search cluster.
package store

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/recheckgen/recheckgen"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// schemaVersion is stored in PRAGMA user_version; a store written by
// another version is refused rather than misread.
const schemaVersion = 8

const schema = `
CREATE TABLE builds (
	id       INTEGER PRIMARY KEY,
	uuid     TEXT NOT NULL UNIQUE,
	job      TEXT NOT NULL DEFAULT '',
	project  TEXT NOT NULL DEFAULT '',
	pipeline TEXT NOT NULL DEFAULT '',
	branch   TEXT NOT NULL DEFAULT '',
	change   TEXT NOT NULL DEFAULT '',
	patchset TEXT NOT NULL DEFAULT '',
	ref      TEXT NOT NULL DEFAULT '',
	result   TEXT NOT NULL DEFAULT '',
	voting   INTEGER NOT NULL DEFAULT 1,
	provider TEXT NOT NULL DEFAULT '',  -- node_provider: the cloud, from zuul-info/inventory.yaml
	region   TEXT NOT NULL DEFAULT '',  -- node_region
	node     TEXT NOT NULL DEFAULT '',  -- build_node: the node label (nodeset)
	log_url  TEXT NOT NULL DEFAULT '',
	start_ms INTEGER NOT NULL DEFAULT 0,
	end_ms   INTEGER NOT NULL DEFAULT 0,
	source   TEXT NOT NULL DEFAULT '', -- the build directory it came from
	logs     TEXT NOT NULL DEFAULT '', -- recheckgen.Build.Logs: '', 'missing' or 'none'
	origin   TEXT NOT NULL DEFAULT '', -- the source that listed it (IngestOptions.Origin)
	logs_tries  INTEGER NOT NULL DEFAULT 0, -- recheckgen.Build.LogsTries: fetches that found the logs missing
	logs_reason TEXT NOT NULL DEFAULT ''    -- and why the last one did
);
CREATE INDEX builds_start ON builds(start_ms);

CREATE TABLE files (
	id       INTEGER PRIMARY KEY,
	build_id INTEGER NOT NULL REFERENCES builds(id) ON DELETE CASCADE,
	name     TEXT NOT NULL,  -- elastic-recheck's filename: slash path in the build
	lines    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX files_build ON files(build_id);
CREATE INDEX files_name ON files(name);

CREATE TABLE file_tags (
	tag     TEXT NOT NULL,
	file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
	PRIMARY KEY (tag, file_id)
) WITHOUT ROWID;

-- build_id is kept on every line so counts need no join through files.
CREATE TABLE lines (
	id       INTEGER PRIMARY KEY,
	build_id INTEGER NOT NULL,
	file_id  INTEGER NOT NULL,
	lineno   INTEGER NOT NULL,
	ts_ms    INTEGER NOT NULL,
	level    TEXT,
	module   TEXT,
	program  TEXT,
	message  TEXT NOT NULL
);
CREATE INDEX lines_build ON lines(build_id);
`

// upgrade brings a store of versions 1 to 3 to version 4. Their full-text
// index lived in this file; it moves to its own (see fts.go), which Open
// then fills from the stored lines.
const upgrade = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
DELETE FROM meta WHERE key = 'indexed';
DROP TABLE IF EXISTS lines_fts;
`

// addNodes brings a store of versions 1 to 4 to version 5: the node label
// gets a column of its own beside the provider, and the region one.
// Builds stored before keep the provider column as they were ingested
// (older versions filled it from the nodeset when build.json named no
// provider); `ingest --force` reads their inventories again.
const addNodes = `
ALTER TABLE builds ADD COLUMN region TEXT NOT NULL DEFAULT '';
ALTER TABLE builds ADD COLUMN node TEXT NOT NULL DEFAULT '';
`

// fetched brings a store of version 6 to 7: builds say whether their
// logs are held and which source listed them, and coverage records the
// spans of time in which a source listed every build (see fetched.go).
const fetched = `
ALTER TABLE builds ADD COLUMN logs TEXT NOT NULL DEFAULT '';
ALTER TABLE builds ADD COLUMN origin TEXT NOT NULL DEFAULT '';
`

// logsTries brings a store of version 7 to 8: a build stored with its
// logs missing keeps how many fetches found them missing, and why, so a
// later fetch tries again (see MissingLogs).
const logsTries = `
ALTER TABLE builds ADD COLUMN logs_tries INTEGER NOT NULL DEFAULT 0;
ALTER TABLE builds ADD COLUMN logs_reason TEXT NOT NULL DEFAULT '';
`

// coverage is a table of version 7 (see fetched.go).
const coverage = `
CREATE TABLE IF NOT EXISTS coverage (
	origin  TEXT NOT NULL,
	from_ms INTEGER NOT NULL,
	to_ms   INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS builds_origin ON builds(origin, start_ms);
`

// rest is what every store of this version holds beyond the tables above.
// Partial indexes on module and program: queries on them alone (no text
// to look up) would otherwise scan every line, and the many lines with
// neither cost nothing. meta keys: 'id', a random number the full-text
// index file is paired with; 'dropped', how many lines forced re-ingests
// have deleted (their index entries stay behind until the index is
// rebuilt, see fts.go).
const rest = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO meta VALUES ('id', random());
INSERT OR IGNORE INTO meta VALUES ('dropped', 0);
CREATE INDEX IF NOT EXISTS lines_module ON lines(module) WHERE module IS NOT NULL;
CREATE INDEX IF NOT EXISTS lines_program ON lines(program) WHERE program IS NOT NULL;
` + testTables + coverage + `
PRAGMA user_version = 8;
`

// testTables hold the test results the ingest reads in the logs (see
// package tempest): one row per result line, and one per Totals block.
// Version 6 added them; an upgrade fills them from the stored lines.
const testTables = `
CREATE TABLE IF NOT EXISTS test_results (
	build_id INTEGER NOT NULL REFERENCES builds(id) ON DELETE CASCADE,
	file_id  INTEGER NOT NULL,
	lineno   INTEGER NOT NULL,
	ts_ms    INTEGER NOT NULL,
	test     TEXT NOT NULL,
	status   TEXT NOT NULL,
	secs     REAL            -- NULL: not printed
);
CREATE INDEX IF NOT EXISTS test_results_build ON test_results(build_id);
CREATE TABLE IF NOT EXISTS test_totals (
	build_id INTEGER NOT NULL REFERENCES builds(id) ON DELETE CASCADE,
	file_id  INTEGER NOT NULL,
	lineno   INTEGER NOT NULL,
	ran      INTEGER NOT NULL,
	passed   INTEGER NOT NULL,
	skipped  INTEGER NOT NULL,
	failed   INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS test_totals_build ON test_totals(build_id);
`

// Store is an open log store. Its methods are safe for concurrent use.
type Store struct {
	db     *sql.DB
	search reader // the handle searches read through (reader.go)
	path   string

	mu     sync.Mutex
	builds map[int64]buildRow // cache of the builds table, filled on first search

	notices []string // what Open repaired, for the user to hear of
}

// Notices says what opening the store repaired.
func (s *Store) Notices() []string { return s.notices }

// dropImplausible deletes builds whose times ingest would refuse today
// (see recheckgen.CheckTime): older versions stored them, and one such
// build made every later report fail to encode, or moved the window.
func (s *Store) dropImplausible(ctx context.Context, now time.Time, notify func(string)) error {
	lo, hi := int64(0), now.Add(recheckgen.FutureSlack).UnixMilli()
	const bad = "start_ms < ?1 OR start_ms > ?2 OR end_ms < ?1 OR end_ms > ?2"
	var n int
	if err := s.db.QueryRowContext(ctx, "SELECT COUNT(*) FROM builds WHERE "+bad, lo, hi).Scan(&n); err != nil || n == 0 {
		return err
	}
	var uuids []string
	err := s.exclusive(ctx, func(conn *sql.Conn) error {
		rows, err := conn.QueryContext(ctx, "SELECT id, uuid FROM builds WHERE "+bad, lo, hi)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			var uuid string
			if err := rows.Scan(&id, &uuid); err != nil {
				rows.Close()
				return err
			}
			ids, uuids = append(ids, id), append(uuids, uuid)
		}
		rows.Close()
		for _, id := range ids {
			if err := deleteBuild(ctx, conn, id); err != nil {
				return err
			}
		}
		return rows.Err()
	})
	if err != nil {
		return fmt.Errorf("drop builds with implausible times: %w", err)
	}
	if len(uuids) > 0 {
		notify(fmt.Sprintf("dropped %d build(s) dated outside 1970 to a day past now, stored by an older version: %s",
			len(uuids), strings.Join(uuids, ", ")))
	}
	return nil
}

// OpenOptions tune OpenWith.
type OpenOptions struct {
	// Notify, when set, hears at once of repairs that take time (an index
	// rebuilt, a lagging index completed), before they run.
	Notify func(string)
	// Progress, when set, hears how many of the lines to index are done
	// as a rebuild or a catch-up goes (after each pass).
	Progress func(done, total int64)
}

// Open opens or creates the store at path, with its full-text index beside
// it (see IndexPath).
func Open(ctx context.Context, path string) (*Store, error) {
	return OpenWith(ctx, path, OpenOptions{})
}

// OpenWith opens or creates the store at path. A damaged index file is
// rebuilt from the stored lines (see repair.go).
func OpenWith(ctx context.Context, path string, opts OpenOptions) (*Store, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if err := writable(dir); err != nil {
		return nil, fmt.Errorf("open store %s: its directory must be writable (SQLite writes its log and index beside the file): %w", path, err)
	}
	var notices []string
	notify := func(msg string) {
		notices = append(notices, msg)
		if opts.Notify != nil {
			opts.Notify(msg)
		}
	}
	index := IndexPath(path)
	if why := indexFileDamage(index); why != "" {
		notify(fmt.Sprintf("the full-text index %s is damaged (%s): rebuilding it from the store", index, why))
		if err := removeIndexFiles(index); err != nil {
			return nil, fmt.Errorf("open store %s: remove the damaged index: %w", path, err)
		}
	}
	s, err := open(ctx, path, notify, opts.Progress)
	if isCorruption(err) {
		notify(fmt.Sprintf("the full-text index %s is damaged (%v): rebuilding it from the store", index, err))
		if err := removeIndexFiles(index); err != nil {
			return nil, fmt.Errorf("open store %s: remove the damaged index: %w", path, err)
		}
		s, err = open(ctx, path, notify, opts.Progress)
	}
	if err != nil {
		return nil, err
	}
	s.notices = notices
	return s, nil
}

// open opens the store and brings its index up to date.
func open(ctx context.Context, path string, notify func(string), progress func(done, total int64)) (*Store, error) {
	db, err := openDB(path)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	s := &Store{db: db, path: path}
	fail := func(format string, err error) (*Store, error) {
		db.Close()
		return nil, fmt.Errorf(format, err)
	}
	if err := s.migrate(ctx); err != nil {
		return fail("open store "+path+": %w", err)
	}
	if err := s.dropImplausible(ctx, time.Now(), notify); err != nil {
		return fail("open store "+path+": %w", err)
	}
	if err := s.retag(ctx, notify); err != nil {
		return fail("open store "+path+": %w", err)
	}
	rebuilt, err := s.pairIndex(ctx, notify)
	if err != nil {
		return fail("open store "+IndexPath(path)+": %w", err)
	}
	if !rebuilt {
		if err := s.verifyIndex(ctx); err != nil {
			return fail("open store "+IndexPath(path)+": %w", err)
		}
	} else if _, err := s.db.ExecContext(ctx, `DELETE FROM main.meta WHERE key = 'fts_damaged'`); err != nil {
		return fail("open store "+path+": %w", err)
	}
	quiet := func(string) {}
	if !rebuilt {
		quiet = notify // a rebuild said already what it does
	}
	wrote, err := s.catchUp(ctx, quiet, progress)
	if err != nil {
		return fail("open store "+path+": index: %w", err)
	}
	if rebuilt || wrote {
		if err := s.markIndexGood(ctx); err != nil {
			return fail("open store "+path+": %w", err)
		}
	}
	return s, nil
}

// catchUp indexes the lines stored since the index was last written (an
// ingest interrupted, a rebuilt index), saying so first.
func (s *Store) catchUp(ctx context.Context, notify func(string), progress func(done, total int64)) (bool, error) {
	var lag int64
	if err := s.db.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM main.lines WHERE id > (SELECT value FROM fts.meta WHERE key = 'indexed'))`).Scan(&lag); err != nil {
		return false, err
	}
	if lag == 0 {
		return false, nil
	}
	notify(fmt.Sprintf("indexing %d stored line(s) the full-text index does not hold yet (an ingest stopped before its indexer caught up)", lag))
	var onPass func()
	if progress != nil {
		var done int64
		onPass = func() {
			done = min(lag, done+passLines)
			progress(done, lag)
		}
	}
	return true, s.startIndexerWith(ctx, onPass).finish()
}

func (s *Store) migrate(ctx context.Context) error {
	var v int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return err
	}
	if v == schemaVersion {
		return nil
	}
	// Another process may be opening the same new store: decide again
	// under the write lock.
	return s.exclusive(ctx, func(conn *sql.Conn) error {
		if err := conn.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
			return err
		}
		var script string
		switch v {
		case schemaVersion:
			return nil
		case 1, 2, 3:
			script = upgrade + addNodes + fetched + logsTries + rest
		case 4:
			script = addNodes + fetched + logsTries + rest
		case 5, 6:
			script = fetched + logsTries + rest
		case 7:
			script = logsTries + rest
		case 0:
			script = schema + rest
		default:
			return fmt.Errorf("store schema version %d is not %d: delete the file and ingest again", v, schemaVersion)
		}
		if _, err := conn.ExecContext(ctx, script); err != nil {
			return fmt.Errorf("schema version %d to %d: %w", v, schemaVersion, err)
		}
		if v > 0 && v < 6 {
			if err := testsFromLines(ctx, conn); err != nil {
				return fmt.Errorf("schema version %d to %d: test results: %w", v, schemaVersion, err)
			}
		}
		return nil
	})
}

// exclusive runs fn in a transaction that holds the write locks of both
// files from its start (BEGIN IMMEDIATE), so what fn reads stays true
// until it commits, whatever other processes do.
func (s *Store) exclusive(ctx context.Context, fn func(*sql.Conn) error) error {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return err
	}
	if err := fn(conn); err != nil {
		conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		return err
	}
	_, err = conn.ExecContext(ctx, "COMMIT")
	return err
}

// writable checks that files can be created in dir: SQLite's own error
// for a read-only directory is "unable to open database file".
func writable(dir string) error {
	f, err := os.CreateTemp(dir, ".recheckgen-probe-*")
	if err != nil {
		return err
	}
	f.Close()
	return os.Remove(f.Name())
}

// Close closes the database.
func (s *Store) Close() error {
	rerr := s.closeReader()
	if err := s.db.Close(); err != nil {
		return err
	}
	return rerr
}

// Path is the database file.
func (s *Store) Path() string { return s.path }
