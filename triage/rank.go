package triage

import (
	"container/heap"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/recheckgen/recheckgen"
)

// RankOptions tune ranking. Zero fields take their defaults.
type RankOptions struct {
	// Top is how many lines a ranking returns (20).
	Top int
	// Window is how many events before a failure marker gain from being
	// near it (30); the nearest gain most.
	Window int
	// Keep is how many candidate lines are kept while reading (400): the
	// memory a ranking holds whatever the size of the build.
	Keep int
	// MaxCounted is how many distinct normalised lines are counted for
	// the repetition penalty (1<<20); past it, new lines count once.
	MaxCounted int
}

func (o RankOptions) withDefaults() RankOptions {
	if o.Top <= 0 {
		o.Top = 20
	}
	if o.Window <= 0 {
		o.Window = 30
	}
	if o.Keep < o.Top {
		o.Keep = max(400, o.Top)
	}
	if o.MaxCounted <= 0 {
		o.MaxCounted = 1 << 20
	}
	return o
}

// The weights of a line's score. A line's score is the sum of what
// applies; a line scoring at most minScore is not shown.
const (
	wNovel      = 4.0  // absent from every baseline build
	wInBaseline = -3.0 // present in a baseline build: passing builds print it too
	wException  = 3.5  // the last line of a traceback, or an event holding one: its error level at least
	wTestReport = -1.5 // a test runner's report of a failed test: what the test saw, which the services' logs may explain
	wMarker     = -1.0 // announces a failure: the lines before it say why
	wNear       = 3.0  // just before a failure marker, falling to 0 at Window
	wXtrace     = -1.5 // a shell's trace of a command, a traceback's frame
	wRepeatMax  = 2.0  // most a line loses for repeating (0.5 per doubling past two)
	minScore    = 1.5
	// maxShown is how much of a line's text a ranked line holds.
	maxShown = 4 << 10
	// maxNormShown is how much of its normalised text.
	maxNormShown = 1 << 10
)

// info is what ranking knows of one event.
type info struct {
	fp        uint64
	novel     int8 // 1 absent from the baseline, -1 present, 0 no baseline
	level     float64
	word      string // the error word that set level
	leveled   bool   // the level is the line's own (oslo.log's), not an error word
	exception bool
	frame     bool   // a traceback's frame: a file and line, or the code on it
	test      bool   // part of a test runner's report of a failed test
	marker    string // what the marker announces, "" when it is none
	xtrace    bool
}

// quiet says a line only quotes code or talks to a developer: a shell's
// trace, a traceback's frame, a DEBUG line. Being near a marker says
// nothing of it.
func (in info) quiet() bool { return in.xtrace || in.frame || in.level < 0 }

// ringEntry is an event of the current file kept for a marker to come.
type ringEntry struct {
	info
	line recheckgen.LogLine
	seq  int
}

// cand is a candidate line.
type cand struct {
	info
	line   recheckgen.LogLine
	seq    int
	near   int    // non-trace events to the next failure marker, 0 when none is near
	nearAt string // that marker, file:line
	files  []string
	score  float64
	index  int // in the heap
}

// Ranker ranks the events of one build as they stream in, in bounded
// memory: Add each event (file by file, each file in line order), then
// Result.
type Ranker struct {
	opts     RankOptions
	id       *strings.Replacer
	base     *Set
	file     string
	ring     []ringEntry // the last Window events of file, oldest first
	trace    traceState
	report   reportState
	heap     candHeap
	byFP     map[uint64]*cand
	counts   map[uint64]int32
	events   int
	buf      []byte
	baseline int // builds in the baseline, for the reasons
}

// NewRanker ranks the lines of build b against base, the normalised lines
// of passing builds (nil when there is none: then nothing counts as new).
func NewRanker(b recheckgen.Build, base *Set, opts RankOptions) *Ranker {
	opts = opts.withDefaults()
	r := &Ranker{opts: opts, id: identity(b), base: base, byFP: map[uint64]*cand{}, counts: map[uint64]int32{}}
	if base != nil {
		r.baseline = base.Builds()
	}
	return r
}

// Events is how many events were added.
func (r *Ranker) Events() int { return r.events }

// Add ranks one event.
func (r *Ranker) Add(l recheckgen.LogLine) {
	r.events++
	if l.File != r.file {
		r.file, r.ring, r.trace, r.report = l.File, r.ring[:0], traceState{}, reportState{}
	}
	p, multi, ok := r.normalize(l)
	if !ok {
		return
	}
	in := info{fp: fingerprint(r.buf)}
	if n, ok := r.counts[in.fp]; ok || len(r.counts) < r.opts.MaxCounted {
		r.counts[in.fp] = n + 1
	}
	if r.base != nil {
		in.novel = 1
		if r.base.Has(in.fp) {
			in.novel = -1
		}
	}
	in.xtrace = xtrace(p.text)
	in.frame = r.trace.frame(p.text)
	if !in.xtrace && !in.frame {
		level := l.Level
		if level == "" {
			level = p.level
		}
		in.level, in.word = errorLevel(p.text, level)
		in.leveled = level != "" && in.word == level
		in.marker, _ = marker(p.text)
	}
	in.exception = r.trace.next(p.text) || multi && strings.Contains(l.Message, "Traceback (most recent call last)")
	in.test = r.report.next(p.text)
	e := ringEntry{info: in, line: l, seq: r.events}
	if in.marker != "" {
		r.nearMarker(l)
	}
	r.offer(e, 0, "")
	if len(r.ring) == r.opts.Window {
		copy(r.ring, r.ring[1:])
		r.ring = r.ring[:len(r.ring)-1]
	}
	r.ring = append(r.ring, e)
}

// normalize normalises an event into r.buf and returns its first line's
// parts, whether lines are joined to it, and false for an event with no
// letter (a blank line, a row of dashes), which says nothing.
func (r *Ranker) normalize(l recheckgen.LogLine) (parts, bool, bool) {
	var p parts
	var multi bool
	r.buf, p, multi = normalizeLine(r.buf[:0], r.id.Replace(l.Message))
	return p, multi, hasWord(p.text) || multi
}

// identity replaces what names a build in its own lines (its log URL,
// job, project, branch, node label, cloud and region) with one
// placeholder, so that builds of other nodes, clouds and branches compare
// alike.
func identity(b recheckgen.Build) *strings.Replacer {
	var vals []string
	for _, v := range []string{b.LogURL, b.Job, b.Project, b.Branch, b.Node, b.Provider, b.Region} {
		if len(v) >= 3 && !slices.Contains(vals, v) {
			vals = append(vals, v)
		}
	}
	// The longest first: the replacer tries them in order at each place.
	sort.SliceStable(vals, func(i, j int) bool { return len(vals[i]) > len(vals[j]) })
	pairs := make([]string, 0, 2*len(vals))
	for _, v := range vals {
		pairs = append(pairs, v, phBuild)
	}
	return strings.NewReplacer(pairs...)
}

// normalizeLine appends an event's normalised text to dst: its first
// line's level, module and text, and the lines joined to it. Baselines
// and rankings both read events through it, so they compare alike.
func normalizeLine(dst []byte, msg string) ([]byte, parts, bool) {
	first, rest, multi := strings.Cut(msg, "\n")
	p := split(first)
	if p.module != "" {
		dst = append(append(append(dst, p.level...), ' '), p.module...)
		dst = append(dst, ' ')
	}
	dst = Normalize(dst, p.text)
	if multi {
		dst = append(dst, ' ')
		dst = Normalize(dst, rest)
	}
	return dst, p, multi
}

// nearMarker offers again the events before a marker, nearer ones with
// more weight. Distance counts events that are not shell traces, so a
// trap's trace does not push the cause away.
func (r *Ranker) nearMarker(m recheckgen.LogLine) {
	at := fmt.Sprintf("%s:%d", m.File, m.Line)
	d := 0
	for i := len(r.ring) - 1; i >= 0; i-- {
		e := r.ring[i]
		if !e.xtrace {
			d++
		}
		if e.marker != "" || e.test || e.quiet() {
			continue // a test's report just before a marker is the marker's own story
		}
		r.offer(e, max(d, 1), at)
	}
}

// score weighs an event, near a marker d events away (0: none).
func (r *Ranker) score(in info, d int) float64 {
	s := in.level
	if in.exception && s < wException {
		s = wException
	}
	switch in.novel {
	case 1:
		s += wNovel
	case -1:
		s += wInBaseline
	}
	if in.test {
		s += wTestReport
	}
	if in.marker != "" {
		s += wMarker
	}
	if in.xtrace || in.frame {
		s += wXtrace
	}
	if d > 0 {
		near := wNear * (1 - float64(d-1)/float64(r.opts.Window))
		if in.level <= 0 && !in.exception {
			near /= 2 // near the end, but says nothing of an error
		}
		s += near
	}
	return s
}

func (r *Ranker) offer(e ringEntry, d int, at string) {
	s := r.score(e.info, d)
	if s <= minScore {
		return
	}
	if c := r.byFP[e.fp]; c != nil {
		if e.line.File != c.line.File && !contains(c.files, e.line.File) && len(c.files) < 3 {
			c.files = append(c.files, e.line.File)
		}
		if s > c.score {
			if c.line.File != e.line.File && !contains(c.files, c.line.File) && len(c.files) < 3 {
				c.files = append(c.files, c.line.File)
			}
			c.info, c.line, c.seq, c.near, c.nearAt, c.score = e.info, keepLine(e.line), e.seq, d, at, s
			c.files = remove(c.files, c.line.File)
			heap.Fix(&r.heap, c.index)
		}
		return
	}
	if len(r.heap) >= r.opts.Keep {
		if s <= r.heap[0].score {
			return
		}
		old := heap.Pop(&r.heap).(*cand)
		delete(r.byFP, old.fp)
	}
	c := &cand{info: e.info, line: keepLine(e.line), seq: e.seq, near: d, nearAt: at, score: s}
	heap.Push(&r.heap, c)
	r.byFP[e.fp] = c
}

// keepLine copies what a candidate keeps of a line: its text capped, so a
// kept line does not hold a large event in memory.
func keepLine(l recheckgen.LogLine) recheckgen.LogLine {
	l.Message = strings.Clone(capText(l.Message, maxShown))
	return l
}

// capText cuts s to about n bytes at a character boundary, keeping its
// start and its end (an event's last line is a traceback's exception).
func capText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	head, tail := n*2/3, n/3
	for head > 0 && s[head]&0xC0 == 0x80 {
		head--
	}
	t := len(s) - tail
	for t < len(s) && s[t]&0xC0 == 0x80 {
		t++
	}
	return s[:head] + " … " + s[t:]
}

// Result returns the best lines, most likely first.
func (r *Ranker) Result() []recheckgen.RankedLine {
	cands := make([]*cand, 0, len(r.heap))
	for _, c := range r.heap {
		// Twice is a line copied to a second file (devstack's log and the
		// job's output); more is a line repeating.
		if n := r.counts[c.fp]; n > 2 {
			c.score -= min(wRepeatMax, 0.5*math.Log2(float64(n)/2))
		}
		if c.score > minScore {
			cands = append(cands, c)
		}
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].score != cands[j].score {
			return cands[i].score > cands[j].score
		}
		return cands[i].seq < cands[j].seq
	})
	if len(cands) > r.opts.Top {
		cands = cands[:r.opts.Top]
	}
	out := make([]recheckgen.RankedLine, 0, len(cands))
	for _, c := range cands {
		norm, _, _ := normalizeLine(nil, r.id.Replace(c.line.Message))
		rl := recheckgen.RankedLine{
			ContextLine: recheckgen.ContextLine{File: c.line.File, Line: c.line.Line, Message: c.line.Message, Time: c.line.Time},
			Score:       math.Round(c.score*100) / 100,
			Count:       max(int(r.counts[c.fp]), 1),
			Files:       c.files,
			Normalized:  capText(string(norm), maxNormShown),
			Reasons:     r.reasons(c),
		}
		out = append(out, rl)
	}
	return out
}

// reasons say in words why a line ranks where it does.
func (r *Ranker) reasons(c *cand) []string {
	var out []string
	switch c.novel {
	case 1:
		out = append(out, fmt.Sprintf("not in the %d passing build(s) compared", r.baseline))
	case -1:
		out = append(out, "passing builds print it too")
	}
	switch {
	case c.leveled:
		out = append(out, "logged at "+c.word)
	case c.level > 0 && c.word != "":
		out = append(out, fmt.Sprintf("error word %q", c.word))
	}
	if c.exception {
		out = append(out, "ends a traceback")
	}
	if c.test {
		out = append(out, "a failed test's report (the services' logs may say why)")
	}
	if c.near > 0 {
		out = append(out, fmt.Sprintf("%d line(s) before a failure marker (%s)", c.near, c.nearAt))
	}
	if c.marker != "" {
		out = append(out, "a failure marker ("+c.marker+"): the lines before it say why")
	}
	if c.xtrace {
		out = append(out, "a shell's trace of a command")
	}
	if c.frame {
		out = append(out, "a traceback's frame")
	}
	if n := r.counts[c.fp]; n > 2 {
		out = append(out, fmt.Sprintf("printed %d times", n))
	}
	return out
}

// traceState follows a Python traceback through a file: its frames are
// indented deeper than its "Traceback" line, and the line back at that
// indentation names the exception.
type traceState struct {
	in     bool
	indent int
}

// frame says body is a frame of the traceback being read (a file and
// line, or the code on it): it quotes code, whose words are not errors.
// Call it before next.
func (t *traceState) frame(body string) bool {
	return t.in && strings.TrimSpace(body) != "" && indent(body) > t.indent
}

// next reads the next body and says whether it ends a traceback.
func (t *traceState) next(body string) bool {
	if strings.Contains(body, "Traceback (most recent call last)") {
		t.in, t.indent = true, indent(body)
		return false
	}
	if !t.in {
		return strings.HasPrefix(strings.TrimLeft(body, " "), "Caused by: ")
	}
	if strings.TrimSpace(body) == "" {
		t.in = false
		return false
	}
	if indent(body) > t.indent {
		return false
	}
	t.in = false
	return exceptionLine(body)
}

// reportState follows a test runner's report of a failed test through a
// file: stestr's "... FAILED" line and its "Captured traceback:" block,
// unittest's "FAIL: test_x (...)" and its traceback.
type reportState struct {
	in bool
}

// next reads the next body and says whether it belongs to a report.
func (t *reportState) next(body string) bool {
	s := strings.TrimSpace(body)
	switch {
	case strings.HasSuffix(s, "... FAILED") || strings.HasSuffix(s, "... FAIL") || strings.HasSuffix(s, "... ERROR"),
		strings.HasPrefix(s, "FAIL: ") || strings.HasPrefix(s, "ERROR: test"),
		strings.HasPrefix(s, "Captured traceback:"):
		t.in = true
		return true
	case !t.in:
		return false
	case s == "" || indent(body) >= 2 || strings.HasPrefix(s, "~~~") || strings.HasPrefix(s, "---") ||
		strings.HasPrefix(s, "Captured ") || strings.HasPrefix(s, "Traceback (") || exceptionLine(s):
		return true
	}
	t.in = false
	return false
}

// hasWord says a line holds two letters in a row: "109E", a chunk
// length in a subunit stream, says nothing.
func hasWord(b string) bool {
	prev := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
		if letter && prev {
			return true
		}
		prev = letter
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func remove(list []string, s string) []string {
	out := list[:0]
	for _, x := range list {
		if x != s {
			out = append(out, x)
		}
	}
	return out
}

// candHeap is a min-heap of candidates by score: the weakest goes first
// when a better one comes.
type candHeap []*cand

func (h candHeap) Len() int { return len(h) }
func (h candHeap) Less(i, j int) bool {
	if h[i].score != h[j].score {
		return h[i].score < h[j].score
	}
	return h[i].seq > h[j].seq
}
func (h candHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *candHeap) Push(x any) {
	c := x.(*cand)
	c.index = len(*h)
	*h = append(*h, c)
}
func (h *candHeap) Pop() any {
	old := *h
	c := old[len(old)-1]
	*h = old[:len(old)-1]
	return c
}
