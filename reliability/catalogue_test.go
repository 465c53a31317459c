package reliability

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen/store"
)

// A hostile input and what recheckgen must do with it. Each case is a
// project of its own: one build directory named "case" (or a query file),
// a command, and the outcome.
type hostile struct {
	name  string
	setup func(t *testing.T, p *project, build string) // build: the case's build directory
	args  []string                                     // the command (CORPUS: the build directories); `ingest CORPUS` when nil
	code  int                                          // exit status
	want  []string                                     // in its output (stdout and stderr)
	then  func(t *testing.T, p *project, r result)
	// Bounds: peak memory and time (defaults: catalogueRSS, 60 s).
	maxRSS  int64
	maxTime time.Duration
}

// catalogueRSS is the most memory a command may use on any input of the
// catalogue (docs/limits.md states it).
const catalogueRSS = 160 << 20

const (
	good     = "2026-11-20 10:00:00.000000 | a good line\n"
	okRecord = `{"uuid": "case", "job_name": "tempest-full-py3", "result": "FAILURE", "pipeline": "gate", "voting": true, "start_time": "2026-11-20T10:00:00", "end_time": "2026-11-20T11:00:00"}`
)

// TestHostileInputs is the catalogue: every kind of bad input the suite
// knows, each with its expected outcome.
func TestHostileInputs(t *testing.T) {
	for _, c := range hostileCatalogue() {
		t.Run(c.name, func(t *testing.T) {
			corpusDir := t.TempDir()
			p := newProject(t, corpusDir)
			build := filepath.Join(corpusDir, "case")
			if err := os.MkdirAll(build, 0o755); err != nil {
				t.Fatal(err)
			}
			c.setup(t, p, build)
			args := c.args
			if args == nil {
				args = []string{"ingest", "CORPUS"}
			}
			args = append([]string(nil), args...)
			for i, a := range args {
				if rest, ok := strings.CutPrefix(a, "CORPUS"); ok {
					args[i] = corpusDir + rest
				}
			}
			limit := c.maxTime
			if limit == 0 {
				limit = time.Minute
			}
			r := run(t, p.dir, limit+30*time.Second, nil, args...)
			out := r.stdout + r.stderr
			if r.timedOut || r.elapsed > limit {
				t.Errorf("took %v, over %v", r.elapsed, limit)
			}
			if r.code != c.code {
				t.Errorf("exit %d, want %d\n%s", r.code, c.code, out)
			}
			for _, w := range c.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			maxRSS := c.maxRSS
			if maxRSS == 0 {
				maxRSS = catalogueRSS
			}
			t.Logf("peak memory %d MiB, %v", r.maxRSS>>20, r.elapsed.Round(time.Millisecond))
			if r.maxRSS > maxRSS {
				t.Errorf("peak memory %d MiB, over %d MiB", r.maxRSS>>20, maxRSS>>20)
			}
			if c.then != nil {
				c.then(t, p, r)
			}
		})
	}
}

func hostileCatalogue() []hostile {
	var cases []hostile
	add := func(c ...hostile) { cases = append(cases, c...) }
	// A build directory holding a good build.json and one log file.
	withLog := func(name string, data []byte) func(*testing.T, *project, string) {
		return func(t *testing.T, _ *project, b string) {
			write(t, b, "build.json", []byte(okRecord))
			write(t, b, name, data)
		}
	}
	stored := func(lines int) func(*testing.T, *project, result) {
		return func(t *testing.T, p *project, _ result) {
			got, n, indexed := inspect(t, p.db)
			if len(got) != 1 || n != lines || indexed != n {
				t.Errorf("store holds %d builds, %d lines (%d indexed); want 1 build of %d lines", len(got), n, indexed, lines)
			}
		}
	}
	skipped := func(t *testing.T, p *project, _ result) {
		if got, _, _ := inspect(t, p.db); len(got) != 0 {
			t.Errorf("the build was stored: %v", got)
		}
	}

	// Compressed files.
	gz := gzipped(good + good)
	add(
		hostile{name: "truncated gzip", setup: withLog("job-output.txt.gz", gz[:len(gz)-12]),
			want: []string{"job-output.txt.gz: read stopped after 2 lines: unexpected EOF"}, then: stored(2)},
		hostile{name: "gzip cut in its header", setup: withLog("job-output.txt.gz", gz[:6]),
			want: []string{"job-output.txt.gz: read stopped after 0 lines: gzip: unexpected EOF"}, then: stored(0)},
		hostile{name: "corrupt gzip", setup: withLog("job-output.txt.gz", corrupt(gz)),
			want: []string{"job-output.txt.gz: read stopped after 0 lines"}, then: stored(0)},
		hostile{name: "gzip with a bad CRC", setup: withLog("job-output.txt.gz", badCRC(gz)),
			want: []string{"job-output.txt.gz: read stopped after 2 lines: gzip: invalid checksum"}, then: stored(2)},
		hostile{name: "multi-member gzip", setup: withLog("job-output.txt.gz", append(gzipped(good), gzipped(good+good)...)), then: stored(3)},
		hostile{name: "gzip with trailing garbage", setup: withLog("job-output.txt.gz", append(gzipped(good), []byte("garbage!garbage!")...)),
			want: []string{"job-output.txt.gz: read stopped after 1 lines: gzip: invalid header"}, then: stored(1)},
		hostile{name: "gzip bomb (1.6 MB inflating to 512 MiB)", setup: withLog("job-output.txt.gz", gzipBomb(512<<20)),
			args: []string{"ingest", "--max-file-mib", "8", "CORPUS"},
			want: []string{"read stopped at 8 MiB of text, the cap per file: 204601 lines stored, the rest cut"}, maxTime: 20 * time.Second},
	)
	// Sizes and shapes of text.
	add(
		hostile{name: "2 GB sparse file", setup: func(t *testing.T, _ *project, b string) {
			write(t, b, "build.json", []byte(okRecord))
			f, err := os.Create(filepath.Join(b, "job-output.txt"))
			if err != nil {
				t.Fatal(err)
			}
			f.Truncate(2 << 30)
			f.Close()
		}, want: []string{"job-output.txt: skipped: binary file"}, then: stored(0)},
		hostile{name: "1 MB line", setup: withLog("job-output.txt", []byte(strings.Repeat("x", 1<<20)+"\n"+good)), then: stored(2)},
		hostile{name: "50 MB line", setup: withLog("job-output.txt", []byte(strings.Repeat("x", 50<<20)+"\n"+good)),
			want: []string{"1 line(s) longer than 1 MiB were cut"}, then: stored(2)},
		hostile{name: "binary file", setup: withLog("job-output.txt", []byte("\x7fELF\x02\x01\x01\x00\x00")),
			want: []string{"skipped: binary file"}, then: stored(0)},
		hostile{name: "NUL after the first 8 KiB", setup: withLog("job-output.txt", []byte(strings.Repeat(good, 300)+"a\x00b\n")),
			want: []string{"1 line(s) with NUL bytes: replaced with U+FFFD"}, then: stored(301)},
		hostile{name: "invalid UTF-8", setup: withLog("job-output.txt", []byte("caf\xe9 \xff\xfe\n"+good)),
			want: []string{"1 line(s) with invalid UTF-8"}, then: stored(2)},
		hostile{name: "100k bare CRs", setup: withLog("job-output.txt", []byte(strings.Repeat("\r", 100000)+"x\n"+good)), then: stored(2)},
		hostile{name: "80,000 continuation lines", setup: withLog("logs/screen-n-cpu.txt", continuation(80000)),
			want: []string{"1 event(s) (a line and the untimestamped lines joined to it) longer than 1 MiB were cut"},
			then: stored(2), maxTime: 30 * time.Second},
	)
	// Triage reads a whole build twice (its lines ranked, then those
	// around the lines shown) in bounded memory.
	add(
		// The build is stored first: ingesting it has bounds of its own
		// (above); this is triage's, the catalogue's (39 MiB measured).
		hostile{name: "triage of a 50 MB job output", setup: func(t *testing.T, p *project, b string) {
			withLog("job-output.txt", bigLog(50<<20, "ERROR: the cause of it all"))(t, p, b)
			st, err := store.Open(context.Background(), p.db)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if _, err := st.Ingest(context.Background(), []string{p.corpus}, store.IngestOptions{Globs: []string{"job-output.txt"}}); err != nil {
				t.Fatal(err)
			}
		}, args: []string{"triage", "case"}, want: []string{"ERROR: the cause of it all", "Likely failure lines"}, maxTime: time.Minute},
		hostile{name: "triage of a 50 MB line", setup: withLog("job-output.txt", []byte(strings.Repeat("x", 50<<20)+"\n"+good+"2026-11-20 10:00:01.000000 | ERROR: after the long line\n")),
			args: []string{"triage", "--format", "markdown", "CORPUS/case"}, want: []string{"ERROR: after the long line"}},
	)
	// File names.
	for _, name := range []string{"logs/new\nline.txt", `logs/"quoted'.txt`, "logs/<script>alert(1)</script>.txt", "logs/..hidden..txt", "logs/\xff\xfe.txt", "logs/\x1b]0;owned\x07.txt"} {
		add(hostile{name: fmt.Sprintf("file name %q", name), setup: withLog(name, []byte(good)), then: stored(1)})
	}
	// Build records.
	record := func(data string) func(*testing.T, *project, string) {
		return func(t *testing.T, _ *project, b string) {
			write(t, b, "build.json", []byte(data))
			write(t, b, "job-output.txt", []byte(good))
		}
	}
	for _, c := range []struct{ name, data, want string }{
		{"wrong types", `{"uuid": "case", "job_name": 5}`, "cannot unmarshal number"},
		{"an array", `[]`, "cannot unmarshal array"},
		{"null", `null`, "no uuid"},
		{"100,000-deep nesting", `{"uuid": "case", "x": ` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + "}", "exceeded max depth"},
		{"trailing garbage", okRecord + "garbage", "data after the record"},
		{"a 5 MB uuid", `{"uuid": "` + strings.Repeat("a", 5<<20) + `"}`, "over the limit of 1048576"},
		{"a long uuid", `{"uuid": "` + strings.Repeat("a", 500) + `"}`, "(500 bytes) is not 1 to 128 letters"},
		{"a uuid with a path", `{"uuid": "../../etc"}`, `uuid "../../etc" is not`},
		{"time in year -1199", `{"uuid": "case", "start_time": "-99999999999"}`, "start_time: time in year -1199 is outside the accepted range"},
		{"time in year 9999", `{"uuid": "case", "start_time": "9999-12-31T23:59:59"}`, "is outside the accepted range"},
		{"time in 2099", `{"uuid": "case", "start_time": "2099-01-01T00:00:00"}`, "is outside the accepted range"},
	} {
		add(hostile{name: "build.json: " + c.name, setup: record(c.data), want: []string{c.want, "build skipped"}, then: skipped})
	}
	for _, c := range []struct{ name, data string }{
		{"a byte order mark", "\ufeff" + okRecord},
		{"duplicate keys (the last wins)", `{"uuid": "other", "uuid": "case", "start_time": "2026-11-20T10:00:00"}`},
		{"39-digit numbers", `{"uuid": "case", "change": 123456789012345678901234567890123456789, "start_time": "2026-11-20T10:00:00"}`},
		{"hostile strings in every field", hostileRecord},
	} {
		add(hostile{name: "build.json: " + c.name, setup: record(c.data), then: stored(1)})
	}
	add(hostile{name: "build.json: 96 MB", setup: func(t *testing.T, _ *project, b string) {
		f, _ := os.Create(filepath.Join(b, "build.json"))
		f.Truncate(96 << 20)
		f.Close()
		write(t, b, "job-output.txt", []byte(good))
	}, want: []string{"100663296 bytes, over the limit of 1048576: build skipped"}, then: skipped})
	return append(cases, hostileProjects()...)
}

const hostileRecord = `{"uuid": "case", "job_name": "<script>alert(1)</script>", "result": "FAILURE\u001b[2J",
 "pipeline": "gate\u202e", "project": "javascript:alert(1)//", "branch": "\u0000x", "change": "<img src=x onerror=alert(1)>",
 "patchset": "\u001b]52;c;aGk=\u0007", "ref": "refs/changes/\n\r", "log_url": "javascript:alert(1)",
 "nodeset": "\"quoted\"", "start_time": "2026-11-20T10:00:00"}`

// bigLog is about size bytes of a job's output, its lines all different
// (numbers, ids, words), ending with cause and Ansible's failure marker.
func bigLog(size int, cause string) []byte {
	var b bytes.Buffer
	b.Grow(size + 1024)
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "2026-11-20 10:%02d:%02d.%06d | controller | step %d of task-%x: collecting package pkg%c%c-%d.%d (%d kB) from 10.0.%d.%d\n",
			i/60%60, i%60, i%1000000, i, i*7919, 'a'+i%26, 'a'+i/26%26, i%97, i%13, i%9000, i%250, i%200)
	}
	fmt.Fprintf(&b, "2026-11-20 10:59:59.000000 | controller | %s\n2026-11-20 10:59:59.100000 | fatal: [controller]: FAILED! => {\"rc\": 1}\n", cause)
	return b.Bytes()
}

func write(t *testing.T, dir, name string, data []byte) {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func gzipped(s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

// corrupt flips the deflate data of a gzip stream.
func corrupt(gz []byte) []byte {
	out := append([]byte(nil), gz...)
	for i := 10; i < len(out)-8; i++ {
		out[i] ^= 0xff
	}
	return out
}

// badCRC breaks a gzip stream's checksum only.
func badCRC(gz []byte) []byte {
	out := append([]byte(nil), gz...)
	crc := crc32.ChecksumIEEE([]byte("other"))
	out[len(out)-8], out[len(out)-7], out[len(out)-6], out[len(out)-5] = byte(crc), byte(crc>>8), byte(crc>>16), byte(crc>>24)
	return out
}

// gzipBomb is a small gzip stream of n bytes of log lines.
func gzipBomb(n int) []byte {
	var b bytes.Buffer
	w, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed)
	line := bytes.Repeat([]byte(good), 1000)
	for written := 0; written < n; written += len(line) {
		w.Write(line)
	}
	w.Close()
	return b.Bytes()
}

// continuation is an oslo.log line followed by n untimestamped lines.
func continuation(n int) []byte {
	var b bytes.Buffer
	b.WriteString("2026-11-20 10:00:00.000 1 INFO nova.config [-] config follows\n")
	for range n {
		b.WriteString("    option_name_of_some_length = a value of some length, here and there\n")
	}
	b.WriteString("2026-11-20 10:00:01.000 1 ERROR nova.compute [-] after the dump\n")
	return b.Bytes()
}
