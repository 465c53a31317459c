package replay

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// ZuulOptions shape a replay Zuul.
type ZuulOptions struct {
	// Tenant is the tenant's name ("sample" when empty).
	Tenant string
	// Legacy serves as Zuul 3 did: records without "_id", and the
	// builds API's parameters of then (no idx_max, complete, final...).
	Legacy bool
	// KeepLogURL serves the records' log_url as the corpus has it (a test
	// routes that host here); otherwise log_url points at this server.
	KeepLogURL bool
	// GzipEncoding serves text files gzip-compressed with
	// Content-Encoding to a client that accepts it, and .gz files as
	// their text with Content-Encoding: gzip (what a log server does to
	// let browsers show them).
	GzipEncoding bool
	// Latency is added to every answer; Bandwidth (bytes/s) is shared by
	// every body.
	Latency   time.Duration
	Bandwidth int64
	// TLS serves https (with httptest's certificate, for example.com).
	TLS bool
	// Token, when set, makes the tenant read-protected (access-rules):
	// the API answers only a request bearing it, as zuul-web answers
	// (401 and a WWW-Authenticate challenge, zuul/web AuthContext).
	Token string
	// LogServer serves the logs from a second server (another port: another
	// origin), as a Zuul's log_url names a log server of its own; the API's
	// server then holds no logs.
	LogServer bool
}

// Zuul is a replay of a Zuul tenant's web API and its log server.
type Zuul struct {
	faults
	URL    string // http://127.0.0.1:PORT
	Server *httptest.Server
	// LogsURL is the log server's root: URL, or with LogServer the second
	// server's.
	LogsURL string
	Logs    *httptest.Server // with LogServer
	opts    ZuulOptions
	thr     *throttle

	mu     sync.Mutex
	builds []*zbuild // newest first
	nextID int64
	conns  atomic.Int64

	logAuths atomic.Int64
}

// Conns is how many connections clients opened.
func (z *Zuul) Conns() int64 { return z.conns.Load() }

// zbuild is a build as Zuul lists it.
type zbuild struct {
	*Build
	id int64
	// Faults of its logs.
	noManifest bool
	manifest   []byte            // served instead of the generated one
	missing    map[string]bool   // listed, but 404
	extra      map[string][]byte // served and listed besides Files
	set        map[string]bool   // record fields a test set: served as set
}

// NewZuul serves builds (oldest first, as Load returns them) until the
// test ends.
func NewZuul(t testing.TB, builds []*Build, opts ZuulOptions) *Zuul {
	if opts.Tenant == "" {
		opts.Tenant = "sample"
	}
	z := &Zuul{opts: opts, thr: &throttle{rate: opts.Bandwidth}, nextID: 1000}
	for _, b := range builds {
		z.add(b)
	}
	z.Server = httptest.NewUnstartedServer(http.HandlerFunc(z.serve))
	z.Server.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			z.conns.Add(1)
		}
	}
	if opts.TLS {
		z.Server.StartTLS()
	} else {
		z.Server.Start()
	}
	z.URL, z.LogsURL = z.Server.URL, z.Server.URL
	t.Cleanup(z.Server.Close)
	if opts.LogServer {
		z.Logs = httptest.NewUnstartedServer(http.HandlerFunc(z.serveLogs))
		if opts.TLS {
			z.Logs.StartTLS()
		} else {
			z.Logs.Start()
		}
		z.LogsURL = z.Logs.URL
		t.Cleanup(z.Logs.Close)
	}
	return z
}

// LogAuths is how many requests reached the log server (of LogServer)
// with an Authorization header.
func (z *Zuul) LogAuths() int64 { return z.logAuths.Load() }

// Sent is how many body bytes went out over the Bandwidth-limited link
// (0 without a limit).
func (z *Zuul) Sent() int64 { return z.thr.Sent() }

// API is the tenant's API URL, what a source names.
func (z *Zuul) API() string { return z.URL + "/api/tenant/" + z.opts.Tenant }

// add puts a build on top of the listing, with the next _id.
func (z *Zuul) add(b *Build) *zbuild {
	z.nextID++
	zb := &zbuild{Build: b, id: z.nextID, missing: map[string]bool{}, extra: map[string][]byte{}, set: map[string]bool{}}
	z.builds = append([]*zbuild{zb}, z.builds...)
	return zb
}

// Add lists b on top, as a build that just finished.
func (z *Zuul) Add(b *Build) {
	z.mu.Lock()
	defer z.mu.Unlock()
	z.add(b)
}

// Remove takes a build out of the listing (Zuul's database pruned).
func (z *Zuul) Remove(uuid string) {
	z.mu.Lock()
	defer z.mu.Unlock()
	z.builds = slices.DeleteFunc(z.builds, func(b *zbuild) bool { return b.UUID == uuid })
}

func (z *Zuul) find(uuid string) *zbuild {
	for _, b := range z.builds {
		if b.UUID == uuid {
			return b
		}
	}
	return nil
}

// SetField sets a field of a build's record (raw JSON: `null`, `"x"`).
func (z *Zuul) SetField(uuid, field, raw string) {
	z.mu.Lock()
	defer z.mu.Unlock()
	b := z.find(uuid)
	b.Record[field] = json.RawMessage(raw)
	b.set[field] = true
}

// NoManifest makes a build's log server hold no zuul-manifest.json.
func (z *Zuul) NoManifest(uuid string) {
	z.mu.Lock()
	defer z.mu.Unlock()
	z.find(uuid).noManifest = true
}

// SetManifest serves data as a build's manifest.
func (z *Zuul) SetManifest(uuid string, data []byte) {
	z.mu.Lock()
	defer z.mu.Unlock()
	z.find(uuid).manifest = data
}

// Missing makes a listed file of a build answer 404.
func (z *Zuul) Missing(uuid, file string) {
	z.mu.Lock()
	defer z.mu.Unlock()
	z.find(uuid).missing[file] = true
}

// AddFile adds a log file to a build.
func (z *Zuul) AddFile(uuid, file string, data []byte) {
	z.mu.Lock()
	defer z.mu.Unlock()
	z.find(uuid).extra[file] = data
}

// Builds lists the builds served, newest first.
func (z *Zuul) Builds() []*Build {
	z.mu.Lock()
	defer z.mu.Unlock()
	var out []*Build
	for _, b := range z.builds {
		out = append(out, b.Build)
	}
	return out
}

// LogURL is where the server says a build's logs are.
func (z *Zuul) LogURL(uuid string) string { return z.LogsURL + "/logs/" + uuid + "/" }

func (z *Zuul) serve(w http.ResponseWriter, r *http.Request) {
	z.handle(w, r, !z.opts.LogServer)
}

// serveLogs is the log server of LogServer.
func (z *Zuul) serveLogs(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "" {
		z.logAuths.Add(1)
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		http.NotFound(w, r)
		return
	}
	z.handle(w, r, true)
}

func (z *Zuul) handle(w http.ResponseWriter, r *http.Request, logs bool) {
	defer z.track(r)()
	if z.opts.Latency > 0 {
		time.Sleep(z.opts.Latency)
	}
	if z.apply(w, r) {
		return
	}
	if z.thr.rate > 0 {
		w = throttled{w, z.thr}
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		if z.authorized(w, r) {
			z.api(w, r)
		}
		return
	}
	if !logs {
		http.NotFound(w, r)
		return
	}
	z.logs(w, r)
}

// zuulRealm is the realm a read-protected replay tenant names.
const zuulRealm = "zuul.example.com"

// authorized answers as zuul-web's AuthContext does a read-protected
// tenant's request without a valid bearer token (false), or says the
// request may go on. A token that is not the one expected is taken for one
// that does not decode: a replay has no keys to check a JWT with.
func (z *Zuul) authorized(w http.ResponseWriter, r *http.Request) bool {
	if z.opts.Token == "" {
		return true
	}
	h := r.Header.Get("Authorization")
	var e, desc string
	switch {
	case h == "":
		e, desc = "MissingAuthError", `Missing "Authorization" header`
	case !strings.HasPrefix(strings.ToLower(h), "bearer "):
		e, desc = "InvalidAuthFormat", `"Authorization" header must start with "Bearer"`
	case h[len("Bearer "):] != z.opts.Token:
		e, desc = "AuthTokenUndecodedException", "Auth Token could not be decoded"
	default:
		return true
	}
	// Zuul folds the challenge over three lines; a header keeps one.
	w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm=%q error=%q error_description=%q`, zuulRealm, e, desc))
	// json.dumps' separators, as zuul-web writes the document.
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	data := []byte(fmt.Sprintf(`{"description": %s, "error": %s, "realm": %s}`, q(desc), q(e), q(zuulRealm)))
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusUnauthorized)
	w.Write(data)
	return false
}

// The builds API's parameters: Zuul 10's (zuul/web/__init__.py, builds())
// and Zuul 3's.
var (
	modernParams = []string{"project", "pipeline", "change", "branch", "patchset", "ref", "newrev", "uuid", "job_name",
		"voting", "nodeset", "result", "final", "held", "complete", "limit", "skip", "idx_min", "idx_max", "exclude_result"}
	legacyParams = []string{"project", "pipeline", "change", "branch", "patchset", "ref", "newrev", "uuid", "job_name",
		"voting", "node_name", "result", "limit", "skip"}
	// unfiltered are the parameters above that the fake does not apply.
	unfiltered = []string{"change", "patchset", "ref", "newrev", "nodeset", "node_name", "final", "held", "exclude_result"}
)

// api routes /api/tenant/{tenant}/builds and /build/{uuid} as Zuul's
// route map does; every other API path is 404.
func (z *Zuul) api(w http.ResponseWriter, r *http.Request) {
	parts := segments(r)
	if len(parts) < 5 || parts[0] != "" || parts[1] != "api" || parts[2] != "tenant" {
		http.NotFound(w, r)
		return
	}
	parts = parts[2:]
	if parts[1] != z.opts.Tenant {
		cherryError(w, http.StatusNotFound, fmt.Sprintf("Tenant %s does not exist.", parts[1]))
		return
	}
	switch {
	case len(parts) == 3 && parts[2] == "builds":
		z.buildsAPI(w, r)
	case len(parts) == 4 && parts[2] == "build":
		// build(uuid) takes no query parameter.
		if !takes(w, r.URL.Query(), nil) {
			return
		}
		z.mu.Lock()
		b := z.find(parts[3])
		var rec map[string]json.RawMessage
		if b != nil {
			rec = z.record(b)
		}
		z.mu.Unlock()
		if b == nil {
			cherryError(w, http.StatusNotFound, "Build not found")
			return
		}
		writeJSON(w, rec)
	default:
		http.NotFound(w, r)
	}
}

// cherryError answers as CherryPy does: an HTML page naming the error.
func cherryError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "text/html;charset=utf-8")
	w.WriteHeader(code)
	fmt.Fprintf(w, "<!DOCTYPE html><html><head><title>%d %s</title></head><body><h2>%d %s</h2><p>%s</p></body></html>",
		code, http.StatusText(code), code, http.StatusText(code), msg)
}

func writeJSON(w http.ResponseWriter, v any) {
	data, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Write(data)
}

// takes answers as CherryPy does a query naming a keyword the handler
// does not take (false), or says the request may go on.
func takes(w http.ResponseWriter, q url.Values, allowed []string) bool {
	var unexpected []string
	for k := range q {
		if !slices.Contains(allowed, k) {
			unexpected = append(unexpected, k)
		}
	}
	if len(unexpected) == 0 {
		return true
	}
	sort.Strings(unexpected)
	cherryError(w, http.StatusNotFound, "Unexpected query string parameters: "+strings.Join(unexpected, ", "))
	return false
}

func (z *Zuul) buildsAPI(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	allowed := modernParams
	if z.opts.Legacy {
		allowed = legacyParams
	}
	if !takes(w, q, allowed) {
		return
	}
	// Filters Zuul takes that this fake does not apply: a test sending one
	// must learn so, not read an unfiltered page as a filtered one.
	for _, p := range unfiltered {
		if q.Has(p) {
			http.Error(w, "replay: the fake Zuul does not filter by "+p, http.StatusNotImplemented)
			return
		}
	}
	for _, single := range []string{"limit", "skip", "idx_min", "idx_max", "voting", "complete", "final", "held"} {
		if len(q[single]) > 1 {
			// The handler gets a list where it expects one value.
			cherryError(w, http.StatusInternalServerError, "The server encountered an unexpected condition")
			return
		}
	}
	// Zuul tells a parameter given (even empty) from one left out: given,
	// it is read (int() of "" fails) and used, idx_min/idx_max at any value.
	atoi := func(k string, def int64) (int64, bool) {
		if !q.Has(k) {
			return def, true
		}
		n, err := strconv.ParseInt(q.Get(k), 10, 64)
		return n, err == nil
	}
	limit, ok1 := atoi("limit", 50)
	skip, ok2 := atoi("skip", 0)
	if !ok1 || !ok2 || limit < 0 || skip < 0 {
		cherryError(w, http.StatusInternalServerError, "The server encountered an unexpected condition")
		return
	}
	idxMin, ok3 := atoi("idx_min", math.MinInt64)
	idxMax, ok4 := atoi("idx_max", math.MaxInt64)
	if !ok3 || !ok4 {
		cherryError(w, http.StatusBadRequest, "idx_min, idx_max must be integers")
		return
	}
	z.mu.Lock()
	var page []map[string]json.RawMessage
	n := int64(0)
	for _, b := range z.builds {
		if !z.matches(b, q, idxMin, idxMax) {
			continue
		}
		if n >= skip && int64(len(page)) < limit {
			page = append(page, z.record(b))
		}
		n++
	}
	z.mu.Unlock()
	if page == nil {
		page = []map[string]json.RawMessage{}
	}
	writeJSON(w, page)
}

func (z *Zuul) matches(b *zbuild, q url.Values, idxMin, idxMax int64) bool {
	if b.id < idxMin || b.id > idxMax {
		return false
	}
	field := func(name string) string {
		var s string
		if raw, ok := b.Record[name]; ok {
			json.Unmarshal(raw, &s)
			return s
		}
		var ref map[string]json.RawMessage
		if json.Unmarshal(b.Record["ref"], &ref) == nil {
			json.Unmarshal(ref[name], &s)
		}
		return s
	}
	fuzzy := !z.opts.Legacy
	for _, f := range []struct {
		param, field string
		fuzzy        bool
	}{{"pipeline", "pipeline", true}, {"project", "project", true}, {"branch", "branch", true}, {"job_name", "job_name", true},
		{"uuid", "uuid", false}, {"result", "result", false}} {
		vals := q[f.param]
		if len(vals) == 0 {
			continue
		}
		v := field(f.field)
		if !slices.ContainsFunc(vals, func(want string) bool {
			if fuzzy && f.fuzzy && strings.Contains(want, "*") {
				// SQL LIKE with * for %, as Zuul's listFilterFuzzy.
				parts := strings.Split(want, "*")
				for i, p := range parts {
					parts[i] = regexp.QuoteMeta(p)
				}
				return regexp.MustCompile("^" + strings.Join(parts, ".*") + "$").MatchString(v)
			}
			return v == want
		}) {
			return false
		}
	}
	if v := q.Get("voting"); v != "" {
		var voting bool
		json.Unmarshal(b.Record["voting"], &voting)
		want := v == "1" || strings.EqualFold(v, "true")
		if voting != want {
			return false
		}
	}
	if q.Has("complete") {
		done := field("result") != ""
		if done != strings.EqualFold(q.Get("complete"), "true") {
			return false
		}
	}
	return true
}

// record is a build's record as served.
func (z *Zuul) record(b *zbuild) map[string]json.RawMessage {
	rec := make(map[string]json.RawMessage, len(b.Record))
	for k, v := range b.Record {
		rec[k] = v
	}
	delete(rec, "_id")
	if !z.opts.Legacy {
		rec["_id"] = json.RawMessage(strconv.FormatInt(b.id, 10))
	}
	if !z.opts.KeepLogURL {
		var lu *string
		json.Unmarshal(rec["log_url"], &lu)
		if lu != nil && !b.set["log_url"] {
			u, _ := json.Marshal(z.LogURL(b.UUID))
			rec["log_url"] = u
		}
		if lu != nil && !b.set["artifacts"] {
			art, _ := json.Marshal([]map[string]any{{"name": "Zuul Manifest", "url": z.LogURL(b.UUID) + "zuul-manifest.json",
				"metadata": map[string]string{"type": "zuul_manifest"}}})
			rec["artifacts"] = art
		}
	}
	return rec
}

// logPath is the path of a build's logs on this server: /logs/UUID/, or
// with KeepLogURL the path of its log_url.
func (z *Zuul) logPath(b *zbuild) string {
	if z.opts.KeepLogURL {
		var lu string
		json.Unmarshal(b.Record["log_url"], &lu)
		if u, err := url.Parse(lu); err == nil && u.Path != "" {
			return u.Path
		}
	}
	return "/logs/" + b.UUID + "/"
}

// logs serves each build's files and manifest under its log path.
func (z *Zuul) logs(w http.ResponseWriter, r *http.Request) {
	z.mu.Lock()
	var b *zbuild
	var file string
	for _, c := range z.builds {
		if p := z.logPath(c); strings.HasPrefix(r.URL.Path, p) {
			b, file = c, strings.TrimPrefix(r.URL.Path, p)
			break
		}
	}
	var data []byte
	found := false
	if b != nil {
		files := b.files()
		switch {
		case file == "zuul-manifest.json" && b.manifest != nil:
			data, found = b.manifest, true
		case file == "zuul-manifest.json":
			data, found = Manifest(files), !b.noManifest
		case b.missing[file]:
		default:
			data, found = files[file]
		}
	}
	z.mu.Unlock()
	if !found {
		http.NotFound(w, r)
		return
	}
	ctype := "text/plain; charset=utf-8"
	if strings.HasSuffix(file, ".json") {
		ctype = "application/json"
	}
	gz := strings.HasSuffix(file, ".gz")
	accepts := strings.Contains(r.Header.Get("Accept-Encoding"), "gzip")
	switch {
	case z.opts.GzipEncoding && gz:
		// The stored gzip, announced as an encoding of its text.
		w.Header().Set("Content-Encoding", "gzip")
	case z.opts.GzipEncoding && accepts && len(data) > 0:
		data = Gzip(data)
		w.Header().Set("Content-Encoding", "gzip")
	case gz:
		ctype = "application/gzip"
	default:
		// Plain files honour Range, as a log server does.
		w.Header().Set("Content-Type", ctype)
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(data))
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Write(data)
}

// files is what the build's log server holds.
func (b *zbuild) files() map[string][]byte {
	out := make(map[string][]byte, len(b.Files)+len(b.extra))
	for k, v := range b.Files {
		out[k] = v
	}
	for k, v := range b.extra {
		out[k] = v
	}
	return out
}
