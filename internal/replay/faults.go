package replay

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault is what a server does to a request it matches, instead of or
// before answering it.
type Fault struct {
	// Status answers with this status (and Body, or a short text).
	Status     int
	RetryAfter string
	// Delay waits this long before answering.
	Delay time.Duration
	// Reset drops the connection without an answer.
	Reset bool
	// Body answers with this body (status 200 unless Status), and
	// Header's headers.
	Body   []byte
	Header http.Header
	// CutAfter sends the answer's headers and this many bytes of its
	// body, then drops the connection (0: whole).
	CutAfter int
	// Endless answers 200 with a body that never ends (until the client
	// goes away).
	Endless bool
	// Times is how many requests it hits (0: all).
	Times int
}

type fault struct {
	match func(*http.Request) bool
	f     Fault
	hits  int
}

// faults is a server's list of faults and its request log.
type faults struct {
	mu       sync.Mutex
	list     []*fault
	requests []string
	// onRequest, when set, sees every request before it is answered.
	onRequest func(*http.Request)
	// requests being answered, the most at once, per host header; and
	// the User-Agents seen.
	inflight, maxInflight int
	agents                map[string]bool
}

// OnRequest calls f with every request before it is answered.
func (fs *faults) OnRequest(f func(*http.Request)) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.onRequest = f
}

// track counts r as being answered until the returned function runs.
func (fs *faults) track(r *http.Request) func() {
	fs.mu.Lock()
	fs.inflight++
	fs.maxInflight = max(fs.maxInflight, fs.inflight)
	if fs.agents == nil {
		fs.agents = map[string]bool{}
	}
	fs.agents[r.UserAgent()] = true
	fs.mu.Unlock()
	return func() {
		fs.mu.Lock()
		fs.inflight--
		fs.mu.Unlock()
	}
}

// MaxInFlight is the most requests answered at once.
func (fs *faults) MaxInFlight() int {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.maxInflight
}

// UserAgents lists the User-Agent headers of the requests.
func (fs *faults) UserAgents() []string {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return sortedKeys(fs.agents)
}

// Inject adds a fault for the requests match accepts.
func (fs *faults) Inject(match func(*http.Request) bool, f Fault) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.list = append(fs.list, &fault{match: match, f: f})
}

// Clear removes every fault.
func (fs *faults) Clear() {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.list = nil
}

// Requests is the log of requests answered: method, path and query.
func (fs *faults) Requests() []string {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return append([]string(nil), fs.requests...)
}

// ResetLog empties the request log.
func (fs *faults) ResetLog() {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.requests = nil
}

// segments is r's path split at its slashes, each part then unescaped:
// an escaped slash (%2F) stays inside its part, as cheroot (Zuul's HTTP
// server) keeps it, so a path that only routes once %2F is taken for a
// separator matches no name.
func segments(r *http.Request) []string {
	parts := strings.Split(r.URL.EscapedPath(), "/")
	for i, p := range parts {
		if s, err := url.PathUnescape(p); err == nil {
			parts[i] = s
		}
	}
	return parts
}

// Path matches requests for exactly p.
func Path(p string) func(*http.Request) bool {
	return func(r *http.Request) bool { return r.URL.Path == p }
}

// Prefix matches requests whose path starts with p.
func Prefix(p string) func(*http.Request) bool {
	return func(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, p) }
}

// Suffix matches requests whose path ends with p.
func Suffix(p string) func(*http.Request) bool {
	return func(r *http.Request) bool { return strings.HasSuffix(r.URL.Path, p) }
}

// apply runs the first live fault matching r; true when it answered.
func (fs *faults) apply(w http.ResponseWriter, r *http.Request) bool {
	fs.mu.Lock()
	fs.requests = append(fs.requests, r.Method+" "+r.URL.RequestURI())
	hook := fs.onRequest
	var hit *Fault
	for _, f := range fs.list {
		if (f.f.Times == 0 || f.hits < f.f.Times) && f.match(r) {
			f.hits++
			c := f.f
			hit = &c
			break
		}
	}
	fs.mu.Unlock()
	if hook != nil {
		hook(r)
	}
	if hit == nil {
		return false
	}
	if hit.Delay > 0 {
		select {
		case <-time.After(hit.Delay):
		case <-r.Context().Done():
			return true
		}
	}
	if hit.Reset {
		drop(w)
		return true
	}
	if hit.Endless {
		w.Header().Set("Content-Type", "application/json")
		chunk := []byte(strings.Repeat("[", 64<<10))
		for {
			if _, err := w.Write(chunk); err != nil {
				return true
			}
		}
	}
	if hit.Status == 0 && hit.Body == nil && hit.CutAfter == 0 {
		return false // a delay only: answer as usual
	}
	for k, v := range hit.Header {
		w.Header()[k] = v
	}
	if hit.RetryAfter != "" {
		w.Header().Set("Retry-After", hit.RetryAfter)
	}
	status := hit.Status
	if status == 0 {
		status = http.StatusOK
	}
	body := hit.Body
	if body == nil {
		body = []byte(http.StatusText(status) + "\n")
	}
	if hit.CutAfter > 0 && hit.CutAfter < len(body) {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(status)
		w.Write(body[:hit.CutAfter])
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		drop(w)
		return true
	}
	w.WriteHeader(status)
	w.Write(body)
	return true
}

// drop closes the connection under w without a proper end.
func drop(w http.ResponseWriter) {
	for {
		if h, ok := w.(http.Hijacker); ok {
			if conn, _, err := h.Hijack(); err == nil {
				conn.Close()
			}
			return
		}
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			panic("replay: cannot drop the connection")
		}
		w = u.Unwrap()
	}
}

// throttle is a link of a given bandwidth shared by every answer: each
// write waits until the bytes before it would have crossed the link.
type throttle struct {
	mu   sync.Mutex
	rate int64 // bytes per second; 0 unlimited
	next time.Time
	sent int64
}

// Sent is how many body bytes crossed the link.
func (t *throttle) Sent() int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.sent
}

func (t *throttle) wait(n int) {
	if t == nil || t.rate <= 0 {
		return
	}
	t.mu.Lock()
	t.sent += int64(n)
	now := time.Now()
	if t.next.Before(now) {
		t.next = now
	}
	t.next = t.next.Add(time.Duration(int64(n) * int64(time.Second) / t.rate))
	until := t.next
	t.mu.Unlock()
	time.Sleep(time.Until(until))
}

// throttled writes through a throttle in small pieces.
type throttled struct {
	http.ResponseWriter
	t *throttle
}

func (w throttled) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		k := min(len(p), 16<<10)
		w.t.wait(k)
		m, err := w.ResponseWriter.Write(p[:k])
		n += m
		if err != nil {
			return n, err
		}
		p = p[k:]
	}
	return n, nil
}

func (w throttled) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w throttled) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
