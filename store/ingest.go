package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/logfile"
	"github.com/recheckgen/recheckgen/zuul"
)

// IngestOptions tune Ingest.
type IngestOptions struct {
	Globs   []string // log files to read (see ValidateGlobs)
	Force   bool     // re-ingest builds already stored
	Workers int      // log readers running at once; the CPU count when 0
	// Progress, when set, is called after each build directory.
	Progress func(Progress)
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
}

// checkpointEvery is how much log text the writer stores between WAL
// checkpoints. Left to SQLite, an ingest's WAL would grow to 200 MB and be
// copied into the files when the store closes, after the ingest; copied
// as it goes, by the writer (the indexer is the slower of the two), the
// WAL stays small and the indexer's page lookups in it stay cheap.
// (BenchmarkIngestVsNative chose the size: twice and half as often were
// slower.)
const checkpointEvery = 16 << 20

// chunkLines is how many lines travel from a reader to the writer at once:
// big enough to batch inserts, small enough to bound memory.
const chunkLines = 2048

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
}

type buildJob struct {
	dir string
	out chan item
}

// Ingest stores every build directory found below dirs. Readers parse log
// files on all cores while one writer stores each build in its own
// transaction, so a crash or a bad file never leaves a build half-written,
// and an indexer adds the builds committed to the full-text index.
func (s *Store) Ingest(ctx context.Context, dirs []string, opts IngestOptions) (Summary, error) {
	start := time.Now()
	if err := ValidateGlobs(opts.Globs); err != nil {
		return Summary{}, err
	}
	if opts.Workers <= 0 {
		opts.Workers = runtime.NumCPU()
	}
	builds, warns, err := discover(dirs)
	if err != nil {
		return Summary{}, err
	}
	sum := Summary{Warnings: warns}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	jobs := make([]buildJob, len(builds))
	queue := make(chan buildJob)
	for i, d := range builds {
		jobs[i] = buildJob{dir: d, out: make(chan item, 8)}
	}
	var wg sync.WaitGroup
	for w := 0; w < min(opts.Workers, max(len(jobs), 1)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range queue {
				s.read(ctx, j, opts)
			}
		}()
	}
	go func() {
		defer close(queue)
		for _, j := range jobs {
			select {
			case queue <- j:
			case <-ctx.Done():
				return
			}
		}
	}()
	err = s.write(ctx, jobs, opts, &sum)
	cancel()
	for _, j := range jobs { // let blocked readers finish
		go func(c chan item) {
			for range c {
			}
		}(j.out)
	}
	wg.Wait()
	s.invalidate()
	sum.Elapsed = time.Since(start)
	return sum, err
}

// write stores the builds in order while an indexer indexes those
// committed; it returns when every stored line is indexed. If the indexer
// fails, it stops storing: what it stored is indexed by the next Open.
func (s *Store) write(ctx context.Context, jobs []buildJob, opts IngestOptions, sum *Summary) error {
	w, err := s.newWriter(ctx)
	if err != nil {
		return err
	}
	defer w.close()
	ix := s.startIndexer(ctx)
	var checkpointed int64 // sum.Bytes at the last checkpoint
	for i, j := range jobs {
		if err = w.store(ctx, j, sum); err != nil || ix.failed() {
			break
		}
		ix.committed()
		if sum.Bytes-checkpointed >= checkpointEvery {
			if err = w.checkpoint(ctx); err != nil {
				break
			}
			checkpointed = sum.Bytes
		}
		if opts.Progress != nil {
			opts.Progress(Progress{Done: i + 1, Total: len(jobs), Lines: sum.Lines, Bytes: sum.Bytes})
		}
	}
	if ierr := ix.finish(); err == nil {
		err = ierr
	}
	return err
}

// read parses one build directory and streams it to the writer.
func (s *Store) read(ctx context.Context, j buildJob, opts IngestOptions) {
	defer close(j.out)
	send := func(it item) bool {
		select {
		case j.out <- it:
			return true
		case <-ctx.Done():
			return false
		}
	}
	data, err := os.ReadFile(filepath.Join(j.dir, "build.json"))
	if err != nil {
		send(item{err: err})
		return
	}
	b, err := zuul.Decode(data)
	if err != nil {
		send(item{err: err})
		return
	}
	if !opts.Force && s.has(ctx, b.UUID) {
		send(item{build: &b, skip: true})
		return
	}
	if !send(item{build: &b}) {
		return
	}
	files, err := logFiles(j.dir, opts.Globs)
	if err != nil {
		send(item{warn: &Warning{j.dir, err.Error()}})
	}
	for _, rel := range files {
		if !s.readFile(j.dir, rel, b.Start, send) {
			return
		}
	}
}

// readFile streams one log file as events. An event is a line, except in
// oslo.log service logs, where a traceback's TRACE lines and lines with no
// timestamp join the event before them, as elastic-recheck's log pipeline
// indexed them (so one query can match across a traceback). Lines without
// a timestamp take the one before them, and the first ones the build's
// start.
func (s *Store) readFile(dir, rel string, buildStart time.Time, send func(item) bool) bool {
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if !send(item{file: rel}) {
		return false
	}
	last := buildStart.UnixMilli()
	chunk := getChunk()
	var event lineRec // the event being read, when pending
	pending, ok := false, true
	flush := func() error {
		if !pending {
			return nil
		}
		chunk = append(chunk, event)
		pending = false
		if len(chunk) == chunkLines {
			if ok = send(item{lines: chunk}); !ok {
				return context.Canceled
			}
			chunk = getChunk()
		}
		return nil
	}
	st, err := logfile.Each(p, func(n int, line []byte) error {
		t, stamped := logfile.Timestamp(line, buildStart)
		var fields logfile.Fields
		if stamped {
			fields = logfile.ParseFields(line)
		}
		if pending && event.fields.Level != "" && (!stamped || fields.Level == "TRACE") {
			event.message += "\n" + string(line)
			return nil
		}
		if err := flush(); err != nil {
			return err
		}
		if stamped {
			last = t.UnixMilli()
		}
		event, pending = lineRec{lineno: n, ts: last, fields: fields, message: string(line)}, true
		return nil
	})
	if !ok || flush() != nil {
		return false
	}
	if len(chunk) == 0 {
		putChunk(chunk)
	} else if !send(item{lines: chunk}) {
		return false
	}
	for _, w := range fileWarnings(p, st, err) {
		if !send(item{warn: &w}) {
			return false
		}
	}
	return send(item{fileEnd: true})
}

func fileWarnings(p string, st logfile.Stats, err error) []Warning {
	var out []Warning
	switch {
	case errors.Is(err, logfile.ErrBinary):
		out = append(out, Warning{p, "skipped: " + err.Error()})
	case err != nil:
		out = append(out, Warning{p, fmt.Sprintf("read stopped after %d lines: %v", st.Lines, err)})
	}
	if st.LongLines > 0 {
		out = append(out, Warning{p, fmt.Sprintf("%d line(s) longer than 1 MiB were cut", st.LongLines)})
	}
	if st.InvalidUTF8 > 0 {
		out = append(out, Warning{p, fmt.Sprintf("%d line(s) with invalid UTF-8: bytes replaced with U+FFFD", st.InvalidUTF8)})
	}
	return out
}

func (s *Store) has(ctx context.Context, uuid string) bool {
	var one int
	err := s.db.QueryRowContext(ctx, "SELECT 1 FROM builds WHERE uuid = ?", uuid).Scan(&one)
	return err == nil
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
	return Warning{p, strings.TrimPrefix(err.Error(), "invalid build record: ") + ": build skipped"}
}
