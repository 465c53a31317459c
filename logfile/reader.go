package logfile

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"html"
	"io"
	"os"
	"strings"
	"sync"
	"unicode/utf8"
)

// MaxLine is the longest line kept; longer lines are cut there and counted.
const MaxLine = 1 << 20

// DefaultMaxFile is the most text read from one file unless told
// otherwise, counted after decompression: a small gzip file can inflate to
// gigabytes, and one file must not hold the run for long.
const DefaultMaxFile = 100 << 20

// ErrFileCap says a file was read up to its cap and no further.
var ErrFileCap = errors.New("the cap per file")

// ErrBinary marks a file that is not text.
var ErrBinary = errors.New("binary file (NUL bytes in its first 8 KiB)")

// Stats counts what reading a file had to repair.
type Stats struct {
	Lines       int
	Bytes       int64 // uncompressed bytes read
	LongLines   int   // cut at MaxLine
	InvalidUTF8 int   // lines whose invalid bytes became U+FFFD
	NULs        int   // lines whose NUL bytes became U+FFFD (past the first 8 KiB)
}

// readers are reused across files: an ingest opens thousands.
var readers = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, 64<<10) }}

// Each calls fn for every line of the file at p, up to DefaultMaxFile;
// see Read. It follows
// the path as given: readers of untrusted directories open the file
// themselves (see internal/rootfile) and call Read.
func Each(p string, fn func(lineno int, line []byte) error) (Stats, error) {
	f, err := os.Open(p)
	if err != nil {
		return Stats{}, err
	}
	defer f.Close()
	return Read(f, p, DefaultMaxFile, fn)
}

// Read calls fn for every line of r, the file named name (gzip read
// transparently), with 1-based line numbers and the line text without its
// line ending. console.html markup is stripped. The text passed to fn is
// only valid during the call. A truncated gzip stream returns an error
// after the lines read before it. Memory stays bounded whatever the file
// holds: a line is cut at MaxLine, and reading stops with ErrFileCap after
// maxBytes of text.
func Read(r io.Reader, name string, maxBytes int64, fn func(lineno int, line []byte) error) (Stats, error) {
	var st Stats
	r, err := open(r)
	if err != nil {
		return st, err
	}
	br := readers.Get().(*bufio.Reader)
	br.Reset(&capped{r: r, left: maxBytes})
	defer func() {
		br.Reset(nil)
		readers.Put(br)
	}()
	if head, _ := br.Peek(8 << 10); bytes.IndexByte(head, 0) >= 0 {
		return st, ErrBinary
	}
	isHTML := strings.HasSuffix(strings.TrimSuffix(name, ".gz"), ".html")
	var long []byte
	dropped := false // bytes of the line being read were left out of long
	for {
		chunk, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			if len(long) < MaxLine {
				long = append(long, chunk...)
			} else {
				dropped = true
			}
			st.Bytes += int64(len(chunk))
			continue
		}
		st.Bytes += int64(len(chunk))
		line := chunk
		if long != nil {
			line = append(long, chunk...)
			long = nil
		}
		if len(line) > 0 {
			if ferr := emit(&st, line, dropped, isHTML, fn); ferr != nil {
				return st, ferr
			}
		}
		dropped = false
		if err == io.EOF {
			return st, nil
		}
		if err != nil {
			return st, err
		}
	}
}

// emit passes one line to fn; cut says bytes of it were already dropped.
func emit(st *Stats, line []byte, cut, isHTML bool, fn func(int, []byte) error) error {
	line = bytes.TrimRight(line, "\r\n")
	if len(line) > MaxLine {
		line = line[:MaxLine]
		cut = true
	}
	if cut {
		st.LongLines++
	}
	if !utf8.Valid(line) {
		line = bytes.ToValidUTF8(line, []byte("\uFFFD"))
		st.InvalidUTF8++
	}
	// A NUL ends text for SQLite's functions and its full-text tokenizer:
	// the rest of the line would be stored but never found.
	if bytes.IndexByte(line, 0) >= 0 {
		line = bytes.ReplaceAll(line, []byte{0}, []byte("\uFFFD"))
		st.NULs++
	}
	if isHTML {
		line = stripTags(line)
	}
	st.Lines++
	return fn(st.Lines, line)
}

// open returns a reader of the file's text, gunzipping when the file
// starts with gzip's magic bytes whatever its name.
func open(f io.Reader) (io.Reader, error) {
	br := bufio.NewReader(f)
	magic, _ := br.Peek(2)
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		return zr, nil
	}
	return br, nil
}

// capped reads at most left bytes of r, then fails with ErrFileCap.
type capped struct {
	r    io.Reader
	left int64
	max  int64
}

func (c *capped) Read(p []byte) (int, error) {
	if c.max == 0 {
		c.max = c.left
	}
	if c.left <= 0 {
		return 0, fmt.Errorf("read stopped at %s of text, %w", size(c.max), ErrFileCap)
	}
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	return n, err
}

// stripTags turns a line of Jenkins' console.html into its text.
func stripTags(line []byte) []byte {
	if bytes.IndexByte(line, '<') < 0 && bytes.IndexByte(line, '&') < 0 {
		return line
	}
	var out []byte
	in := false
	for _, c := range line {
		switch {
		case c == '<':
			in = true
		case c == '>' && in:
			in = false
		case !in:
			out = append(out, c)
		}
	}
	return []byte(html.UnescapeString(string(out)))
}

// size writes a byte count in MiB, or bytes below one.
func size(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d bytes", n)
}
