package sample

import (
	"math/rand/v2"
	"strconv"
	"time"
)

// style is a log line format.
type style int

const (
	styleJob      style = iota // job-output.txt: "2026-11-20 10:12:11.891987 | text"
	styleDevstack              // devstacklog.txt: "2026-11-20 10:12:11.891 | text"
	styleOslo                  // oslo.log: "2026-11-20 10:00:00.123 1234 INFO module [ctx] text"
	styleSyslog                // syslog: "Nov 20 10:00:00 np0038912345 prog[pid]: text"
	styleMock                  // DLRN/mock build.log: "2026-11-20 10:00:00,123 text"
)

// logw writes one log file's lines, moving its clock forward.
type logw struct {
	buf   []byte
	t     time.Time
	r     *rand.Rand
	style style
	pid   int    // oslo.log process id
	host  string // syslog host name
	who   string // oslo.log request context's user and project
	lines int
}

func newLog(s style, t time.Time, r *rand.Rand) *logw {
	return &logw{buf: make([]byte, 0, 64<<10), t: t, r: r, style: s, pid: 1000 + r.IntN(90000), who: "admin admin"}
}

// stamp appends the current time in the file's format.
func (w *logw) stamp() {
	t := w.t
	switch w.style {
	case styleSyslog:
		w.buf = append(w.buf, t.Month().String()[:3]...)
		d := t.Day()
		if d < 10 {
			w.buf = append(w.buf, ' ', ' ', byte('0'+d))
		} else {
			w.buf = append(w.buf, ' ', byte('0'+d/10), byte('0'+d%10))
		}
		w.buf = append(w.buf, ' ')
		w.clock(t)
		return
	}
	y, mo, d := t.Date()
	w.buf = strconv.AppendInt(w.buf, int64(y), 10)
	w.buf = append(w.buf, '-')
	w.two(int(mo))
	w.buf = append(w.buf, '-')
	w.two(d)
	w.buf = append(w.buf, ' ')
	w.clock(t)
	ns := t.Nanosecond()
	switch w.style {
	case styleJob:
		w.buf = append(w.buf, '.')
		w.frac(ns/1000, 6)
	case styleMock:
		w.buf = append(w.buf, ',')
		w.frac(ns/1000000, 3)
	default:
		w.buf = append(w.buf, '.')
		w.frac(ns/1000000, 3)
	}
}

func (w *logw) clock(t time.Time) {
	h, m, s := t.Clock()
	w.two(h)
	w.buf = append(w.buf, ':')
	w.two(m)
	w.buf = append(w.buf, ':')
	w.two(s)
}

func (w *logw) two(n int) { w.buf = append(w.buf, byte('0'+n/10), byte('0'+n%10)) }

func (w *logw) frac(n, digits int) {
	var tmp [9]byte
	for i := digits - 1; i >= 0; i-- {
		tmp[i] = byte('0' + n%10)
		n /= 10
	}
	w.buf = append(w.buf, tmp[:digits]...)
}

// line writes text as one line of a job-output, devstacklog or build.log.
func (w *logw) line(text string) {
	w.stamp()
	switch w.style {
	case styleJob, styleDevstack:
		if text == "" {
			w.buf = append(w.buf, " | "...)
		} else {
			w.buf = append(w.buf, " | "...)
			w.buf = append(w.buf, text...)
		}
	default:
		w.buf = append(w.buf, ' ')
		w.buf = append(w.buf, text...)
	}
	w.buf = append(w.buf, '\n')
	w.lines++
	w.t = w.t.Add(time.Duration(10+w.r.IntN(1500)) * time.Microsecond) // printing takes a moment
}

// lines writes several lines at one time.
func (w *logw) linesAt(texts ...string) {
	for _, s := range texts {
		w.line(s)
	}
}

// oslo writes an oslo.log line with a fresh request context.
func (w *logw) oslo(level, module, text string) {
	w.osloCtx(level, module, w.ctx(), text)
}

// osloCtx writes an oslo.log line with the given request context.
func (w *logw) osloCtx(level, module, ctx, text string) {
	w.stamp()
	w.buf = append(w.buf, ' ')
	w.buf = strconv.AppendInt(w.buf, int64(w.pid), 10)
	w.buf = append(w.buf, ' ')
	w.buf = append(w.buf, level...)
	w.buf = append(w.buf, ' ')
	w.buf = append(w.buf, module...)
	w.buf = append(w.buf, ' ')
	w.buf = append(w.buf, ctx...)
	w.buf = append(w.buf, ' ')
	w.buf = append(w.buf, text...)
	w.buf = append(w.buf, '\n')
	w.lines++
}

// trace writes a traceback as oslo.log lines of one level and context, at
// one time, as oslo.log prints an exception.
func (w *logw) trace(level, module, ctx string, lines []string) {
	for _, l := range lines {
		w.osloCtx(level, module, ctx, l)
	}
}

// ctx is an oslo.log request context: "[-]" or "[None req-... user project]".
func (w *logw) ctx() string {
	switch w.r.IntN(6) {
	case 0, 1:
		return "[-]"
	case 2:
		return "[None req-" + uuid4(w.r) + " admin admin]"
	}
	return "[None req-" + uuid4(w.r) + " " + w.who + "]"
}

// sys writes a syslog line; pid 0 writes "prog:" without a pid.
func (w *logw) sys(prog string, pid int, text string) {
	w.stamp()
	w.buf = append(w.buf, ' ')
	w.buf = append(w.buf, w.host...)
	w.buf = append(w.buf, ' ')
	w.buf = append(w.buf, prog...)
	if pid > 0 {
		w.buf = append(w.buf, '[')
		w.buf = strconv.AppendInt(w.buf, int64(pid), 10)
		w.buf = append(w.buf, ']')
	}
	w.buf = append(w.buf, ':', ' ')
	w.buf = append(w.buf, text...)
	w.buf = append(w.buf, '\n')
	w.lines++
}

// tick moves the clock on by about d (half to one and a half times).
func (w *logw) tick(d time.Duration) {
	if d <= 0 {
		return
	}
	w.t = w.t.Add(d/2 + time.Duration(w.r.Int64N(int64(d))))
}

// to moves the clock to t, never back.
func (w *logw) to(t time.Time) {
	if t.After(w.t) {
		w.t = t.Add(time.Duration(1+w.r.IntN(400000)) * time.Microsecond)
	}
}

// fill calls gen n times, spreading the calls evenly with jitter until
// the clock reaches until.
func (w *logw) fill(until time.Time, n int, gen func(w *logw)) {
	for i := 0; i < n; i++ {
		gen(w)
		left := until.Sub(w.t)
		if left <= 0 {
			w.t = w.t.Add(time.Duration(1+w.r.IntN(900)) * time.Microsecond)
			continue
		}
		step := left / time.Duration(n-i)
		next := w.t.Add(step/4 + time.Duration(w.r.Int64N(int64(step)+1)))
		if next.After(until) {
			next = w.t.Add(left / 2)
		}
		w.t = next
	}
}

// pick returns one of options.
func (w *logw) pick(options ...string) string { return options[w.r.IntN(len(options))] }

func (w *logw) n(lo, hi int) int { return lo + w.r.IntN(hi-lo+1) }

func (w *logw) itoa(lo, hi int) string { return strconv.Itoa(w.n(lo, hi)) }

// uuid4 is a random UUID in its canonical form.
func uuid4(r *rand.Rand) string {
	const hexd = "0123456789abcdef"
	var b [36]byte
	a, c := r.Uint64(), r.Uint64()
	for i, j := 0, 0; i < 36; i++ {
		switch i {
		case 8, 13, 18, 23:
			b[i] = '-'
			continue
		case 14:
			b[i] = '4'
			continue
		}
		var nib uint64
		if j < 16 {
			nib = a >> (4 * j) & 15
		} else {
			nib = c >> (4 * (j - 16)) & 15
		}
		if i == 19 {
			nib = 8 | nib&3
		}
		b[i] = hexd[nib]
		j++
	}
	return string(b[:])
}

// hex returns n random hex digits.
func hex(r *rand.Rand, n int) string {
	const hexd = "0123456789abcdef"
	b := make([]byte, n)
	var x uint64
	for i := range b {
		if i%16 == 0 {
			x = r.Uint64()
		}
		b[i] = hexd[x&15]
		x >>= 4
	}
	return string(b)
}

// subset picks k of items (all if fewer), keeping their order.
func subset(w *logw, items []string, k int) []string {
	if k >= len(items) {
		return items
	}
	idx := w.r.Perm(len(items))[:k]
	keep := make([]bool, len(items))
	for _, i := range idx {
		keep[i] = true
	}
	out := make([]string, 0, k)
	for i, it := range items {
		if keep[i] {
			out = append(out, it)
		}
	}
	return out
}
