package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/internal/rootfile"
	"github.com/recheckgen/recheckgen/logfile"
	"github.com/recheckgen/recheckgen/zuul"
)

// IngestOptions tune Ingest.
type IngestOptions struct {
	Globs   []string // log files to read (see ValidateGlobs)
	Force   bool     // re-ingest builds already stored
	Workers int      // log readers running at once; the CPU count, at most maxReaders, when 0
	// Progress, when set, is called after each build directory.
	Progress func(Progress)
	// Now is the clock build times are checked against (CheckTime); the
	// time Ingest starts when zero.
	Now time.Time
	// MaxFileBytes caps the text read from one file (after
	// decompression); logfile.DefaultMaxFile when 0.
	MaxFileBytes int64
	// Origin names the source the builds come from (a fetch source's
	// key); "" for build directories someone copied. See Cover.
	Origin string
}

// Progress is how far an ingest has come.
type Progress struct {
	Done, Total int
	Lines       int64
	Bytes       int64
}

// Summary is what an ingest did.
type Summary struct {
	Builds   int // stored
	Skipped  int // already stored
	Failed   int // build directories not stored (bad build.json)
	Files    int
	Lines    int64
	Bytes    int64
	Warnings []Warning
	Elapsed  time.Duration
	// ByBuild says, for each build stored, which of its files were read.
	ByBuild []BuildFiles
}

// BuildFiles is what an ingest did with one build directory's files.
type BuildFiles struct {
	Dir, UUID string
	Read      []string // stored
	Skipped   []string // chosen by the globs but not stored: a warning says why
	// Unmatched are files no glob chose (the first MaxUnmatched of them),
	// Unchosen how many there were.
	Unmatched []string
	Unchosen  int
}

// MaxUnmatched bounds the names of unchosen files kept per build: a
// TripleO build holds thousands.
const MaxUnmatched = 100

// checkpointEvery is how much log text the writer stores between WAL
// checkpoints. Left to SQLite, an ingest's WAL would grow to 200 MB and be
// copied into the files when the store closes, after the ingest; copied
// as it goes, by the writer (the indexer is the slower of the two), and
// restarted (see writer.checkpoint), each WAL stays within what this much
// text writes, and the indexer's page lookups in it stay cheap.
// (BenchmarkIngestVsNative chose the size: twice and half as often were
// slower.) A variable for tests.
var checkpointEvery int64 = 16 << 20

// chunkLines and chunkBytes bound the lines that travel from a reader to
// the writer at once: enough to batch inserts, little enough to bound
// memory whatever the lines' length. A reader gets ahead of the writer by
// at most its channel's items (see Ingest).
const (
	chunkLines = 2048
	chunkBytes = 256 << 10
)

// maxReaders bounds the default number of readers: parsing costs far less
// than storing, and each reader holds up to a build's channel of chunks.
const maxReaders = 4

// chunks recycles the line buffers readers fill and the writer empties:
// a fresh one per file would allocate more than the logs hold.
var chunks = sync.Pool{New: func() any { c := make([]lineRec, 0, chunkLines); return &c }}

func getChunk() []lineRec { return (*chunks.Get().(*[]lineRec))[:0] }

func putChunk(c []lineRec) {
	clear(c) // drop the messages now, not when the buffer is next filled
	c = c[:0]
	chunks.Put(&c)
}

type lineRec struct {
	lineno  int
	ts      int64
	fields  logfile.Fields
	message string
}

// item is one message from a build's reader to the writer, in order: a
// header (build or err), then per file a start, its lines, and its end.
type item struct {
	build   *recheckgen.Build
	skip    bool
	err     error
	file    string // a new file starts: its slash path
	lines   []lineRec
	fileEnd bool
	warn    *Warning
	tests   []testRec   // test results read in the file (see package tempest)
	totals  []totalsRec // and its Totals blocks
	skipped string      // a file chosen but not stored
	other   []string    // the files no glob chose
}

type buildJob struct {
	dir string
	out chan item
}

// Ingest stores every build directory found below dirs. Readers parse log
// files on several cores while one writer stores each build in its own
// transaction, so a crash or a bad file never leaves a build half-written,
// and an indexer adds the builds committed to the full-text index.
func (s *Store) Ingest(ctx context.Context, dirs []string, opts IngestOptions) (Summary, error) {
	start := time.Now()
	now := opts.Now
	if now.IsZero() {
		now = start
	}
	if err := ValidateGlobs(opts.Globs); err != nil {
		return Summary{}, err
	}
	if opts.Workers <= 0 {
		opts.Workers = min(runtime.NumCPU(), maxReaders)
	}
	builds, warns, err := discover(dirs)
	if err != nil {
		return Summary{}, err
	}
	sum := Summary{Warnings: warns}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// Jobs go to the readers and, in the same order, to the writer; a
	// job's channel is made when it is handed out, and at most Workers
	// jobs wait for the writer, so the builds read ahead of it (and the
	// channels) stay few however many the corpus holds.
	workers := min(opts.Workers, max(len(builds), 1))
	queue := make(chan buildJob)
	order := make(chan buildJob, workers)
	go func() {
		defer close(queue)
		defer close(order)
		for _, d := range builds {
			j := buildJob{dir: d, out: make(chan item, 8)}
			select {
			case order <- j:
			case <-ctx.Done():
				return
			}
			select {
			case queue <- j:
			case <-ctx.Done():
				close(j.out) // the writer may wait on it
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range queue {
				s.read(ctx, j, opts, now)
			}
		}()
	}
	err = s.write(ctx, order, len(builds), opts, &sum)
	cancel() // readers still sending give up
	wg.Wait()
	s.invalidate()
	if err == nil && sum.Builds > 0 {
		// What the ingest wrote is known good: the next open need not
		// check the index file (see repair.go).
		err = s.markIndexGood(context.WithoutCancel(ctx))
	}
	sum.Elapsed = time.Since(start)
	return sum, err
}

// write stores the builds in order while an indexer indexes those
// committed; it returns when every stored line is indexed. If the indexer
// fails, it stops storing: what it stored is indexed by the next Open.
func (s *Store) write(ctx context.Context, jobs <-chan buildJob, total int, opts IngestOptions, sum *Summary) error {
	w, err := s.newWriter(ctx)
	if err != nil {
		return err
	}
	defer w.close()
	ix := s.startIndexer(ctx)
	var checkpointed int64 // sum.Bytes at the last checkpoint
	i := 0
	for j := range jobs {
		i++
		if err = w.store(ctx, j, opts.Origin, sum); err != nil || ix.failed() {
			break
		}
		ix.committed()
		if sum.Bytes-checkpointed >= checkpointEvery {
			if err = w.checkpoint(ctx, ix); err != nil {
				break
			}
			checkpointed = sum.Bytes
		}
		if opts.Progress != nil {
			opts.Progress(Progress{Done: i, Total: total, Lines: sum.Lines, Bytes: sum.Bytes})
		}
	}
	if ierr := ix.finish(); err == nil {
		err = ierr
	}
	return err
}

// MaxRecord is the largest build.json read: real records are a few KiB.
const MaxRecord = 1 << 20

// read parses one build directory and streams it to the writer. Only
// regular files inside the directory are read: a build's files are written
// by the job under test, and a link out of it must not publish the host's
// files.
func (s *Store) read(ctx context.Context, j buildJob, opts IngestOptions, now time.Time) {
	defer close(j.out)
	send := func(it item) bool {
		select {
		case j.out <- it:
			return true
		case <-ctx.Done():
			return false
		}
	}
	root, err := os.OpenRoot(j.dir)
	if err != nil {
		send(item{err: err})
		return
	}
	defer root.Close()
	b, err := readRecord(root, now)
	if err != nil {
		send(item{err: err})
		return
	}
	// The node's provider and region are only in the inventory Zuul wrote
	// for the build. A bad one costs those fields, not the build.
	nodes, ierr := zuul.ReadInventory(root)
	zuul.ApplyNodes(&b, nodes)
	if !opts.Force && s.holds(ctx, b) {
		send(item{build: &b, skip: true})
		return
	}
	if !send(item{build: &b}) {
		return
	}
	if ierr != nil && !send(item{warn: &Warning{j.dir, ierr.Error() + ": node provider and region left empty"}}) {
		return
	}
	files, unmatched, warns, err := logFiles(j.dir, opts.Globs)
	if err != nil {
		warns = append(warns, Warning{j.dir, err.Error()})
	}
	if len(unmatched) > 0 && !send(item{other: unmatched}) {
		return
	}
	for i := range warns {
		if !send(item{warn: &warns[i]}) {
			return
		}
	}
	for _, rel := range files {
		if !s.readFile(root, j.dir, rel, b.Start, now, opts.MaxFileBytes, send) {
			return
		}
	}
}

// readRecord reads and checks a build directory's build.json.
func readRecord(root *os.Root, now time.Time) (recheckgen.Build, error) {
	data, err := rootfile.ReadFile(root, "build.json", rootfile.FollowInside, MaxRecord)
	if err != nil {
		return recheckgen.Build{}, err
	}
	b, err := zuul.Decode(data)
	if err != nil {
		return b, err
	}
	if err := b.Check(now); err != nil {
		return b, fmt.Errorf("invalid build record: %w", err)
	}
	return b, nil
}

// readFile streams one log file as events. An event is a line, except in
// oslo.log service logs, where a traceback's TRACE lines and lines with no
// timestamp join the event before them, as elastic-recheck's log pipeline
// indexed them (so one query can match across a traceback). Lines without
// a timestamp take the one before them, and the first ones the build's
// start; so does a line whose timestamp is implausible (see CheckTime).
func (s *Store) readFile(root *os.Root, dir, rel string, buildStart, now time.Time, maxBytes int64, send func(item) bool) bool {
	p := filepath.Join(dir, filepath.FromSlash(rel))
	f, _, err := rootfile.Open(root, rel, rootfile.FollowInside)
	if err != nil {
		return send(item{warn: &Warning{p, "skipped: " + errText(err)}}) && send(item{skipped: rel})
	}
	defer f.Close()
	if !send(item{file: rel}) {
		return false
	}
	ev := events{last: buildStart.UnixMilli(), chunk: getChunk(), send: send, ok: true}
	tests := testScan{send: send}
	if maxBytes <= 0 {
		maxBytes = logfile.DefaultMaxFile
	}
	st, err := logfile.Read(f, rel, maxBytes, func(n int, line []byte) error {
		t, stamped := logfile.Timestamp(line, buildStart)
		if stamped && recheckgen.CheckTime(t, now) != nil {
			stamped = false
		}
		ts := ev.last
		if stamped {
			ts = t.UnixMilli()
		}
		if err := tests.line(n, line, ts); err != nil {
			ev.ok = false
			return err
		}
		var fields logfile.Fields
		if stamped {
			fields = logfile.ParseFields(line)
		}
		return ev.line(n, line, t, stamped, fields)
	})
	if !ev.ok || !ev.end() || !tests.end() {
		return false
	}
	for _, w := range fileWarnings(p, st, err, ev.cut) {
		if !send(item{warn: &w}) {
			return false
		}
	}
	if !send(item{fileEnd: true}) {
		return false
	}
	if errors.Is(err, logfile.ErrBinary) {
		return send(item{skipped: rel})
	}
	return true
}

// errText is an error without the path it repeats (warnings name it).
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// events joins a file's lines into events and sends them in chunks. The
// pending event's text grows in a reused buffer, so joining is linear in
// the file, and stops growing at logfile.MaxLine (the rest is cut and
// counted).
type events struct {
	last    int64 // time of the last stamped line
	chunk   []lineRec
	size    int // bytes of text in chunk
	send    func(item) bool
	ok      bool // false once send failed
	pending bool
	event   lineRec // the pending event, its message in text
	text    []byte
	cutting bool // the pending event reached the cap
	cut     int  // events cut at the cap
}

func (e *events) line(n int, line []byte, t time.Time, stamped bool, fields logfile.Fields) error {
	if e.pending && e.event.fields.Level != "" && (!stamped || fields.Level == "TRACE") {
		e.join(line)
		return nil
	}
	if err := e.flush(); err != nil {
		return err
	}
	if stamped {
		e.last = t.UnixMilli()
	}
	e.event, e.pending, e.cutting = lineRec{lineno: n, ts: e.last, fields: fields}, true, false
	e.text = append(e.text[:0], line...)
	return nil
}

// join appends a continuation line to the pending event, up to the cap.
func (e *events) join(line []byte) {
	if e.cutting {
		return
	}
	if room := logfile.MaxLine - len(e.text) - 1; len(line) > room {
		if room > 0 {
			e.text = append(append(e.text, '\n'), line[:room]...)
		}
		e.cutting = true
		e.cut++
		return
	}
	e.text = append(append(e.text, '\n'), line...)
}

func (e *events) flush() error {
	if !e.pending {
		return nil
	}
	e.event.message = string(e.text)
	e.chunk = append(e.chunk, e.event)
	e.size += len(e.text)
	e.pending = false
	if len(e.chunk) == chunkLines || e.size >= chunkBytes {
		if e.ok = e.send(item{lines: e.chunk}); !e.ok {
			return context.Canceled
		}
		e.chunk, e.size = getChunk(), 0
	}
	return nil
}

// end sends what is left; false when the writer went away.
func (e *events) end() bool {
	if e.flush() != nil {
		return false
	}
	if len(e.chunk) == 0 {
		putChunk(e.chunk)
		return true
	}
	return e.send(item{lines: e.chunk})
}

func fileWarnings(p string, st logfile.Stats, err error, cutEvents int) []Warning {
	var out []Warning
	switch {
	case errors.Is(err, logfile.ErrBinary):
		out = append(out, Warning{p, "skipped: " + err.Error()})
	case errors.Is(err, logfile.ErrFileCap):
		out = append(out, Warning{p, fmt.Sprintf("%v: %d lines stored, the rest cut (backend.sqlite.max_file_mib)", err, st.Lines)})
	case err != nil:
		out = append(out, Warning{p, fmt.Sprintf("read stopped after %d lines: %v", st.Lines, err)})
	}
	if st.LongLines > 0 {
		out = append(out, Warning{p, fmt.Sprintf("%d line(s) longer than 1 MiB were cut", st.LongLines)})
	}
	if cutEvents > 0 {
		out = append(out, Warning{p, fmt.Sprintf("%d event(s) (a line and the untimestamped lines joined to it) longer than 1 MiB were cut", cutEvents)})
	}
	if st.InvalidUTF8 > 0 {
		out = append(out, Warning{p, fmt.Sprintf("%d line(s) with invalid UTF-8: bytes replaced with U+FFFD", st.InvalidUTF8)})
	}
	if st.NULs > 0 {
		out = append(out, Warning{p, fmt.Sprintf("%d line(s) with NUL bytes: replaced with U+FFFD", st.NULs)})
	}
	return out
}

// holds says whether the store holds b as fully as its directory does. A
// build stored with its logs missing is replaced by a later fetch of it:
// one whose logs arrived, or a later attempt (more LogsTries) that found
// them missing again.
func (s *Store) holds(ctx context.Context, b recheckgen.Build) bool {
	var logs string
	var tries int
	if err := s.db.QueryRowContext(ctx, "SELECT logs, logs_tries FROM builds WHERE uuid = ?", b.UUID).Scan(&logs, &tries); err != nil {
		return false
	}
	return logs != recheckgen.LogsMissing || (b.Logs == recheckgen.LogsMissing && b.LogsTries <= tries)
}

// describeBuildErr words a bad build.json for the summary.
func describeBuildErr(dir string, err error) Warning {
	p := filepath.Join(dir, "build.json")
	switch {
	case errors.Is(err, os.ErrNotExist):
		return Warning{p, "missing: build skipped"}
	case errors.Is(err, zuul.ErrNoUUID):
		return Warning{p, "no uuid: build skipped"}
	}
	return Warning{p, strings.TrimPrefix(errText(err), "invalid build record: ") + ": build skipped"}
}
