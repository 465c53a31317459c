-- A store as recheckgen wrote it at schema version 3 (FTS5 index in the
-- same file, external content), with one build of three lines.

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

CREATE INDEX IF NOT EXISTS lines_module ON lines(module) WHERE module IS NOT NULL;
CREATE INDEX IF NOT EXISTS lines_program ON lines(program) WHERE program IS NOT NULL;


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

INSERT INTO builds (id, uuid, job, result, start_ms) VALUES (1, 'v3build', 'tempest-full-py3', 'FAILURE', 1795168800000);
INSERT INTO files (id, build_id, name, lines) VALUES (1, 1, 'job-output.txt', 3);
INSERT INTO lines (id, build_id, file_id, lineno, ts_ms, message) VALUES
	(1, 1, 1, 1, 1795168800000, 'Building mistral'),
	(2, 1, 1, 2, 1795168801000, 'ERROR DURING PREVIOUS COMMAND'),
	(3, 1, 1, 3, 1795168802000, 'Timed out waiting for a reply');
INSERT INTO lines_fts(rowid, message) SELECT id, message FROM lines;
UPDATE meta SET value = 3 WHERE key = 'indexed';
PRAGMA user_version = 3;
