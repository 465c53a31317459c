package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/logfile"
)

// writer stores builds, one transaction each, on one connection.
type writer struct {
	conn   *sql.Conn
	nextID int64
	args   []any // reused by insertLines
	stmts        // prepared once per ingest: parsing SQL costs more than running it
}

func (s *Store) newWriter(ctx context.Context) (*writer, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	w := &writer{conn: conn}
	if err := w.stmts.prepare(ctx, s.db); err != nil {
		w.close()
		return nil, err
	}
	return w, nil
}

// checkpoint copies what both files' WALs hold into the files, and
// arranges for both WALs to start again from their beginning: SQLite
// restarts a WAL at the next write once every frame is copied and no
// reader still reads from it. The indexer nearly always holds a snapshot
// of the store (it reads the lines it indexes), so the frames written
// since its pass began can only be copied, and the WAL restarted, between
// two of its passes. The bulk is copied first, beside the indexer; then
// the indexer waits between passes while the rest is.
func (w *writer) checkpoint(ctx context.Context, ix *indexer) error {
	if err := w.checkpointPassive(ctx); err != nil {
		return err
	}
	ix.pass.Lock()
	defer ix.pass.Unlock()
	return w.checkpointPassive(ctx)
}

// checkpointPassive copies what both WALs hold into the files, as far as
// no reader still needs it, without waiting for any.
func (w *writer) checkpointPassive(ctx context.Context) error {
	for _, schema := range []string{"main", "fts"} {
		if _, err := w.conn.ExecContext(ctx, "PRAGMA "+schema+".wal_checkpoint(PASSIVE)"); err != nil {
			return fmt.Errorf("checkpoint %s: %w", schema, err)
		}
	}
	return nil
}

func (w *writer) close() {
	w.stmts.close()
	w.conn.Close()
}

// buildTx is the state of the build being written.
type buildTx struct {
	tx      *sql.Tx
	buildID int64
	fileID  int64
	fileN   int
	stmts   // the writer's, bound to tx
}

type stmts struct {
	lines                [len(batchSizes)]*sql.Stmt // INSERTs of batchSizes rows
	file, tag, fileLines *sql.Stmt
	test, tests, totals  *sql.Stmt // one test result, testsBatch of them, a Totals block
}

// batchSizes are the row counts of the prepared line INSERTs: a file's
// lines go in the biggest that fit, the rest in smaller ones.
var batchSizes = [...]int{256, 64, 16, 4, 1}

// prepare prepares the statements on db, which prepares them again on
// each connection once, when first used there (see sql.Tx.StmtContext).
func (st *stmts) prepare(ctx context.Context, db *sql.DB) error {
	for i, n := range batchSizes {
		stmt, err := db.PrepareContext(ctx, insertLinesSQL(n))
		if err != nil {
			return err
		}
		st.lines[i] = stmt
	}
	for _, p := range []struct {
		dst **sql.Stmt
		sql string
	}{
		{&st.file, "INSERT INTO files (build_id, name) VALUES (?, ?)"},
		{&st.tag, "INSERT OR IGNORE INTO file_tags (tag, file_id) VALUES (?, ?)"},
		{&st.fileLines, "UPDATE files SET lines = ? WHERE id = ?"},
		{&st.test, insertTestSQL},
		{&st.tests, insertTestsSQL(testsBatch)},
		{&st.totals, insertTotalsSQL},
	} {
		stmt, err := db.PrepareContext(ctx, p.sql)
		if err != nil {
			return err
		}
		*p.dst = stmt
	}
	return nil
}

// in returns the statements bound to tx; they close with it.
func (st *stmts) in(ctx context.Context, tx *sql.Tx) stmts {
	var b stmts
	for i, s := range st.lines {
		b.lines[i] = tx.StmtContext(ctx, s)
	}
	b.file, b.tag, b.fileLines = tx.StmtContext(ctx, st.file), tx.StmtContext(ctx, st.tag), tx.StmtContext(ctx, st.fileLines)
	b.test, b.tests, b.totals = tx.StmtContext(ctx, st.test), tx.StmtContext(ctx, st.tests), tx.StmtContext(ctx, st.totals)
	return b
}

func (st *stmts) close() {
	for _, s := range append(st.lines[:], st.file, st.tag, st.fileLines, st.test, st.tests, st.totals) {
		if s != nil {
			s.Close()
		}
	}
}

// store writes the build streamed on j.out. Problems with the input become
// warnings in sum; only a database failure is returned.
func (w *writer) store(ctx context.Context, j buildJob, origin string, sum *Summary) (err error) {
	head, ok := <-j.out
	if !ok {
		return ctx.Err()
	}
	switch {
	case head.err != nil:
		sum.Failed++
		sum.Warnings = append(sum.Warnings, describeBuildErr(j.dir, head.err))
		return nil
	case head.skip:
		sum.Skipped++
		return nil
	}
	tx, err := w.conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	if err = lockForWrite(ctx, tx, "main"); err != nil {
		return err
	}
	// Line ids are never reused: above every line stored and every id the
	// index has entries for (see fts.go). Read under the write lock, so
	// another ingest into the same store cannot take the same ids.
	if err = tx.QueryRowContext(ctx, `SELECT MAX(COALESCE(MAX(id), 0), (SELECT value FROM fts.meta WHERE key = 'indexed')) + 1 FROM lines`).Scan(&w.nextID); err != nil {
		return err
	}
	bt := &buildTx{tx: tx, stmts: w.stmts.in(ctx, tx)}
	if bt.buildID, err = insertBuild(ctx, tx, head.build, j.dir, origin); err != nil {
		return fmt.Errorf("store build %s: %w", head.build.UUID, err)
	}
	files := 0
	var lines int64
	bf := BuildFiles{Dir: j.dir, UUID: head.build.UUID}
	for it := range j.out {
		switch {
		case it.file != "":
			if err = bt.startFile(ctx, it.file); err != nil {
				return err
			}
			files++
			bf.Read = append(bf.Read, it.file)
		case it.skipped != "":
			bf.Read = slices.DeleteFunc(bf.Read, func(f string) bool { return f == it.skipped })
			bf.Skipped = append(bf.Skipped, it.skipped)
		case it.other != nil:
			bf.Unchosen = len(it.other)
			bf.Unmatched = it.other[:min(len(it.other), MaxUnmatched)]
		case it.lines != nil:
			if err = w.insertLines(ctx, bt, it.lines); err != nil {
				return err
			}
			lines += int64(len(it.lines))
			for _, l := range it.lines {
				sum.Bytes += int64(len(l.message)) + 1
			}
			putChunk(it.lines)
		case it.tests != nil:
			if err = bt.insertTests(ctx, it.tests); err != nil {
				return err
			}
		case it.totals != nil:
			if err = bt.insertTotals(ctx, it.totals); err != nil {
				return err
			}
		case it.fileEnd:
			if _, err = bt.fileLines.ExecContext(ctx, bt.fileN, bt.fileID); err != nil {
				return err
			}
		case it.warn != nil:
			sum.Warnings = append(sum.Warnings, *it.warn)
		}
	}
	if err = ctx.Err(); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return err
	}
	sum.Builds++
	sum.Files += files
	sum.Lines += lines
	sum.ByBuild = append(sum.ByBuild, bf)
	return nil
}

func insertBuild(ctx context.Context, tx *sql.Tx, b *recheckgen.Build, dir, origin string) (int64, error) {
	// A forced re-ingest, or a build whose logs were missing fetched again
	// (see holds), replaces the old rows in the same transaction.
	var old int64
	switch err := tx.QueryRowContext(ctx, "SELECT id FROM builds WHERE uuid = ?", b.UUID).Scan(&old); {
	case err == nil:
		if err := deleteBuild(ctx, tx, old); err != nil {
			return 0, err
		}
	case !errors.Is(err, sql.ErrNoRows):
		return 0, err
	}
	voting := 0
	if b.Voting {
		voting = 1
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO builds (uuid, job, project, pipeline, branch, change, patchset, ref,
		result, voting, provider, region, node, log_url, start_ms, end_ms, source, logs, origin, logs_tries, logs_reason)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		b.UUID, b.Job, b.Project, b.Pipeline, b.Branch, b.Change, b.Patchset, b.Ref, b.Result, voting,
		b.Provider, b.Region, b.Node, b.LogURL, millis(b.Start), millis(b.End), dir, b.Logs, origin, b.LogsTries, b.LogsReason)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

func (bt *buildTx) startFile(ctx context.Context, rel string) error {
	name, tags := logfile.Names(rel)
	res, err := bt.file.ExecContext(ctx, bt.buildID, name)
	if err != nil {
		return err
	}
	if bt.fileID, err = res.LastInsertId(); err != nil {
		return err
	}
	bt.fileN = 0
	for _, t := range tags {
		if _, err := bt.tag.ExecContext(ctx, t, bt.fileID); err != nil {
			return err
		}
	}
	return nil
}

func (w *writer) insertLines(ctx context.Context, bt *buildTx, lines []lineRec) error {
	for len(lines) > 0 {
		i := 0
		for batchSizes[i] > len(lines) {
			i++
		}
		n, stmt := batchSizes[i], bt.lines[i]
		args := w.args[:0]
		for _, l := range lines[:n] {
			args = append(args, w.nextID, bt.buildID, bt.fileID, l.lineno, l.ts,
				nullable(l.fields.Level), nullable(l.fields.Module), nullable(l.fields.Program), l.message)
			w.nextID++
		}
		w.args = args
		_, err := stmt.ExecContext(ctx, args...)
		if err != nil {
			return fmt.Errorf("store lines: %w", err)
		}
		bt.fileN += n
		lines = lines[n:]
	}
	return nil
}

func insertLinesSQL(rows int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO lines (id, build_id, file_id, lineno, ts_ms, level, module, program, message) VALUES ")
	for i := 0; i < rows; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(?,?,?,?,?,?,?,?,?)")
	}
	return b.String()
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// execer is a transaction, or a connection inside one.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// deleteBuild removes a build and its lines for a forced re-ingest. The
// lines' index entries stay behind, matching nothing (see fts.go).
func deleteBuild(ctx context.Context, tx execer, id int64) error {
	for _, q := range []string{
		`UPDATE meta SET value = value + (SELECT COUNT(*) FROM lines WHERE build_id = ?1) WHERE key = 'dropped'`,
		`DELETE FROM lines WHERE build_id = ?1`,
		`DELETE FROM builds WHERE id = ?1`,
	} {
		if _, err := tx.ExecContext(ctx, q, id); err != nil {
			return err
		}
	}
	return nil
}
