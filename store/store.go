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
	"sync"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// schemaVersion is stored in PRAGMA user_version; a store written by
// another version is refused rather than misread.
const schemaVersion = 3

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
	provider TEXT NOT NULL DEFAULT '',
	log_url  TEXT NOT NULL DEFAULT '',
	start_ms INTEGER NOT NULL DEFAULT 0,
	end_ms   INTEGER NOT NULL DEFAULT 0,
	source   TEXT NOT NULL DEFAULT ''  -- the build directory it came from
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

// indexes are version 3's: queries on module or syslog_program alone (no
// text to look up) would otherwise scan every line. Partial, so the many
// lines with neither cost nothing.
const indexes = `
CREATE INDEX IF NOT EXISTS lines_module ON lines(module) WHERE module IS NOT NULL;
CREATE INDEX IF NOT EXISTS lines_program ON lines(program) WHERE program IS NOT NULL;
`

const schemaRest = `

-- indexed: every line with an id up to it is in lines_fts. Lines are
-- indexed in one pass at the end of an ingest, and Open indexes any line
-- an interrupted ingest left out, so no search ever misses one.
CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT INTO meta VALUES ('indexed', 0);

-- External-content FTS5: the text lives once, in lines.message.
CREATE VIRTUAL TABLE lines_fts USING fts5(
	message, content='lines', content_rowid='id', columnsize=0,
	tokenize = "unicode61 remove_diacritics 0 tokenchars '_'"
);
`

// Store is an open log store. Its methods are safe for concurrent use.
type Store struct {
	db   *sql.DB
	path string

	mu     sync.Mutex
	builds map[int64]buildRow // cache of the builds table, filled on first search
}

// Open opens or creates the store at path.
func Open(ctx context.Context, path string) (*Store, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("open store %s: %w", path, err)
		}
	}
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=busy_timeout(10000)&_pragma=foreign_keys(ON)&_pragma=temp_store(MEMORY)&_pragma=cache_size(-65536)&_pragma=wal_autocheckpoint(50000)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	s := &Store{db: db, path: path}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if err := s.index(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: index: %w", path, err)
	}
	return s, nil
}

func (s *Store) migrate(ctx context.Context) error {
	var v int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return err
	}
	switch v {
	case schemaVersion:
		return nil
	case 2:
		_, err := s.db.ExecContext(ctx, indexes+"PRAGMA user_version = 3;")
		return err
	case 1: // version 1 indexed each build as it was stored
		_, err := s.db.ExecContext(ctx, `CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
			INSERT INTO meta SELECT 'indexed', COALESCE(MAX(id), 0) FROM lines;`+indexes+`
			PRAGMA user_version = 3;`)
		return err
	case 0:
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		if _, err := tx.ExecContext(ctx, schema+indexes+schemaRest); err != nil {
			return fmt.Errorf("create schema: %w", err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", schemaVersion)); err != nil {
			return err
		}
		return tx.Commit()
	}
	return fmt.Errorf("store schema version %d is not %d: delete the file and ingest again", v, schemaVersion)
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Path is the database file.
func (s *Store) Path() string { return s.path }

// index adds every line not yet in the full-text index, in one
// transaction: one bulk pass costs far less than one per build.
func (s *Store) index(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var done, top int64
	if err := tx.QueryRowContext(ctx, "SELECT value, (SELECT COALESCE(MAX(id), 0) FROM lines) FROM meta WHERE key = 'indexed'").Scan(&done, &top); err != nil {
		return err
	}
	if top <= done {
		return nil
	}
	// Merge the index's segments once, after the bulk insert, rather than
	// level by level as it grows.
	if _, err := tx.ExecContext(ctx, "INSERT INTO lines_fts(lines_fts, rank) VALUES('automerge', 0)"); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO lines_fts(rowid, message) SELECT id, message FROM lines WHERE id > ?", done); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO lines_fts(lines_fts) VALUES('optimize')"); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE meta SET value = ? WHERE key = 'indexed'", top); err != nil {
		return err
	}
	return tx.Commit()
}
