package replay

import (
	"encoding/base64"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// Jenkins is a replay of Jenkins' JSON API and console text: each job of
// the corpus is a job (/job/NAME/), its builds numbered from 1 in the
// order they started, their console text the build's job-output.txt; the
// view /view/all/ holds every job.
type Jenkins struct {
	faults
	URL    string
	Server *httptest.Server
	opts   JenkinsOptions

	mu   sync.Mutex
	jobs map[string][]*jbuild // job → builds, newest first
}

type jbuild struct {
	*Build
	number   int64
	building bool
}

// JenkinsResult maps the corpus's Zuul results to Jenkins'.
func JenkinsResult(r string) string {
	switch r {
	case "SUCCESS", "FAILURE", "ABORTED", "UNSTABLE", "NOT_BUILT":
		return r
	case "TIMED_OUT":
		return "ABORTED"
	}
	return "FAILURE"
}

// JenkinsOptions shape a replay Jenkins.
type JenkinsOptions struct {
	// User and Password (an API token), when set, make it a private
	// Jenkins: anonymous has no Overall/Read, and every request must
	// authenticate with basic auth, as Jenkins' security filters answer
	// (403 to anonymous, 401 to bad credentials).
	User, Password string
}

// NewJenkins serves builds (oldest first) until the test ends.
func NewJenkins(t testing.TB, builds []*Build, opts JenkinsOptions) *Jenkins {
	j := &Jenkins{jobs: map[string][]*jbuild{}, opts: opts}
	for _, b := range builds {
		j.add(b)
	}
	j.Server = httptest.NewServer(http.HandlerFunc(j.serve))
	j.URL = j.Server.URL
	t.Cleanup(j.Server.Close)
	return j
}

func (j *Jenkins) add(b *Build) *jbuild {
	list := j.jobs[b.Job]
	n := int64(1)
	if len(list) > 0 {
		n = list[0].number + 1
	}
	jb := &jbuild{Build: b, number: n}
	j.jobs[b.Job] = append([]*jbuild{jb}, list...)
	return jb
}

// Add adds a build on top of its job; building ones have no result yet.
func (j *Jenkins) Add(b *Build, building bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.add(b).building = building
}

// Jobs lists the job names.
func (j *Jenkins) Jobs() []string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return sortedKeys(j.jobs)
}

// JobURL is a job's URL.
func (j *Jenkins) JobURL(job string) string { return j.URL + "/job/" + url.PathEscape(job) + "/" }

func (j *Jenkins) serve(w http.ResponseWriter, r *http.Request) {
	defer j.track(r)()
	if j.apply(w, r) {
		return
	}
	if !j.authorized(w, r) {
		return
	}
	if r.Method != http.MethodGet {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case len(parts) == 4 && parts[0] == "view" && parts[2] == "api" && parts[3] == "json":
		j.api(w, r, j.viewObject(parts[1]))
	case len(parts) == 4 && parts[0] == "job" && parts[2] == "api" && parts[3] == "json":
		j.api(w, r, j.jobObject(parts[1]))
	case len(parts) == 4 && parts[0] == "job" && parts[3] == "consoleText":
		j.console(w, r, parts[1], parts[2])
	default:
		http.NotFound(w, r)
	}
}

// api answers the JSON API of obj (nil: 404), with only what ?tree=
// asks for, as Jenkins does.
func (j *Jenkins) api(w http.ResponseWriter, r *http.Request, obj map[string]any) {
	if obj == nil {
		http.NotFound(w, r)
		return
	}
	q := r.URL.Query()
	for k := range q {
		if k != "tree" && k != "depth" && k != "pretty" {
			http.Error(w, "unknown parameter "+k, http.StatusBadRequest)
			return
		}
	}
	if t := q.Get("tree"); t != "" {
		spec, err := parseTree(t)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		obj = prune(obj, spec).(map[string]any)
	}
	writeJSON(w, obj)
}

func (j *Jenkins) viewObject(name string) map[string]any {
	if name != "all" {
		return nil
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	var jobs []any
	for _, job := range sortedKeys(j.jobs) {
		jobs = append(jobs, map[string]any{"_class": "hudson.model.FreeStyleProject", "name": job, "url": j.JobURL(job)})
	}
	return map[string]any{"_class": "hudson.model.AllView", "name": "all", "url": j.URL + "/view/all/", "jobs": jobs}
}

func (j *Jenkins) jobObject(name string) map[string]any {
	j.mu.Lock()
	defer j.mu.Unlock()
	list, ok := j.jobs[name]
	if !ok {
		return nil
	}
	var builds []any
	for _, b := range list {
		var result any
		dur := int64(0)
		if !b.building {
			result = JenkinsResult(b.Result)
			dur = b.End.Sub(b.Start).Milliseconds()
		}
		builds = append(builds, map[string]any{"_class": "hudson.model.FreeStyleBuild", "number": b.number, "result": result,
			"timestamp": b.Start.UnixMilli(), "duration": dur, "building": b.building,
			"url": fmt.Sprintf("%s%d/", j.JobURL(name), b.number)})
	}
	recent := builds[:min(len(builds), 100)]
	return map[string]any{"_class": "hudson.model.FreeStyleProject", "name": name, "fullName": name, "url": j.JobURL(name),
		"allBuilds": builds, "builds": recent}
}

func (j *Jenkins) console(w http.ResponseWriter, r *http.Request, job, num string) {
	n, err := strconv.ParseInt(num, 10, 64)
	j.mu.Lock()
	var data []byte
	found := false
	for _, b := range j.jobs[job] {
		if err == nil && b.number == n {
			for _, name := range []string{"job-output.txt", "job-output.txt.gz", "console.html"} {
				if d, ok := b.Files[name]; ok {
					data, found = Gunzip(d), true
					break
				}
			}
			if !found {
				data, found = []byte{}, true
			}
		}
	}
	j.mu.Unlock()
	if !found {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/plain;charset=utf-8")
	// Jenkins streams the console: no Content-Length, no Range.
	for len(data) > 0 {
		k := min(len(data), 32<<10)
		w.Write(data[:k])
		data = data[k:]
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
	}
}

// treeSpec is a parsed ?tree=: fields, each with its own sub-tree and
// an optional range {M,N} for arrays.
type treeSpec map[string]*treeField

type treeField struct {
	sub        treeSpec
	from, to   int
	ranged     bool
	hasSubtree bool
}

// parseTree reads Jenkins' tree syntax: name, name[sub,...], and a range
// {M,N}, {M,} or {,N} after either.
func parseTree(s string) (treeSpec, error) {
	spec, rest, err := parseFields(s)
	if err != nil {
		return nil, err
	}
	if rest != "" {
		return nil, fmt.Errorf("tree: unexpected %q", rest)
	}
	return spec, nil
}

func parseFields(s string) (treeSpec, string, error) {
	spec := treeSpec{}
	for {
		i := strings.IndexAny(s, ",[]{")
		name := s
		if i >= 0 {
			name = s[:i]
		}
		if name == "" {
			return nil, s, fmt.Errorf("tree: empty field name at %q", s)
		}
		f := &treeField{}
		spec[name] = f
		s = s[len(name):]
		if strings.HasPrefix(s, "[") {
			sub, rest, err := parseFields(s[1:])
			if err != nil {
				return nil, "", err
			}
			if !strings.HasPrefix(rest, "]") {
				return nil, "", fmt.Errorf("tree: unclosed [ after %s", name)
			}
			f.sub, f.hasSubtree, s = sub, true, rest[1:]
		}
		if strings.HasPrefix(s, "{") {
			end := strings.Index(s, "}")
			if end < 0 {
				return nil, "", fmt.Errorf("tree: unclosed { after %s", name)
			}
			var err error
			if f.from, f.to, err = parseRange(s[1:end]); err != nil {
				return nil, "", fmt.Errorf("tree: bad range %q", s[:end+1])
			}
			f.ranged = true
			s = s[end+1:]
		}
		if !strings.HasPrefix(s, ",") {
			return spec, s, nil
		}
		s = s[1:]
	}
}

// parseRange reads a range's inside as Stapler's NamedPathPruner does:
// {N} is element N alone, {N,} from N on, {,M} and {N,M} up to M; each
// bound digits only (to -1: no end).
func parseRange(s string) (from, to int, err error) {
	num := func(v string) (int, error) {
		if v == "" || strings.Trim(v, "0123456789") != "" {
			return 0, fmt.Errorf("not a number: %q", v)
		}
		return strconv.Atoi(v)
	}
	a, b, comma := strings.Cut(s, ",")
	switch {
	case !comma:
		from, err = num(a)
		return from, from + 1, err
	case a == "":
		to, err = num(b)
		return 0, to, err
	}
	if from, err = num(a); err != nil || b == "" {
		return from, -1, err
	}
	to, err = num(b)
	return from, to, err
}

// prune keeps what spec names of v (Jenkins leaves out fields it does
// not have, and always keeps _class).
func prune(v any, spec treeSpec) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		if c, ok := x["_class"]; ok {
			out["_class"] = c
		}
		for name, f := range spec {
			val, ok := x[name]
			if !ok {
				continue
			}
			if arr, ok := val.([]any); ok && f.ranged {
				from, to := min(f.from, len(arr)), len(arr)
				if f.to >= 0 {
					to = min(f.to, len(arr))
				}
				val = arr[from:max(from, to)]
			}
			if f.hasSubtree {
				val = prune(val, f.sub)
			}
			out[name] = val
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = prune(e, spec)
		}
		return out
	}
	return v
}

// authorized answers as a private Jenkins does a request it does not let
// through (false), or says the request may go on. Basic auth is read by
// BasicHeaderProcessor: bad credentials get Spring's BasicAuthenticationEntryPoint
// (401, a challenge, and Jetty's error page naming the user); a request
// without them (or with another scheme, which Jenkins ignores) is
// anonymous, and anonymous lacking Overall/Read gets
// HudsonAuthenticationEntryPoint's 403 with its diagnosis headers.
func (j *Jenkins) authorized(w http.ResponseWriter, r *http.Request) bool {
	if j.opts.User == "" {
		return true
	}
	h := r.Header.Get("Authorization")
	if len(h) >= 6 && strings.EqualFold(h[:6], "basic ") {
		msg := "Malformed HTTP basic Authorization header"
		if dec, err := base64.StdEncoding.DecodeString(h[6:]); err == nil {
			if user, pass, ok := strings.Cut(string(dec), ":"); ok {
				if user == j.opts.User && pass == j.opts.Password {
					return true
				}
				msg = "Invalid password/token for user: " + user
			}
		}
		w.Header().Set("WWW-Authenticate", `Basic realm="Jenkins"`)
		w.Header().Set("Content-Type", "text/html;charset=iso-8859-1")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, "<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html;charset=ISO-8859-1\"/>\n<title>Error 401 %s</title>\n"+
			"</head>\n<body><h2>HTTP ERROR 401 %s</h2>\n<table>\n<tr><th>URI:</th><td>%s</td></tr>\n<tr><th>STATUS:</th><td>401</td></tr>\n"+
			"<tr><th>MESSAGE:</th><td>%s</td></tr>\n<tr><th>SERVLET:</th><td>Stapler</td></tr>\n</table>\n\n</body>\n</html>\n",
			html.EscapeString(msg), html.EscapeString(msg), html.EscapeString(r.URL.Path), html.EscapeString(msg))
		return false
	}
	for k, v := range map[string]string{"X-Hudson": "1.395", "X-Jenkins": "2.479.3", "X-Jenkins-Session": "5c1b6d0e",
		"X-You-Are-Authenticated-As":  "anonymous",
		"X-You-Are-In-Group-Disabled": "JENKINS-39402: use -Dhudson.security.AccessDeniedException2.REPORT_GROUP_HEADERS=true or use /whoAmI to diagnose",
		"X-Required-Permission":       "hudson.model.Hudson.Read"} {
		w.Header().Set(k, v)
	}
	w.Header()["X-Permission-Implied-By"] = []string{"hudson.security.Permission.GenericRead", "hudson.model.Hudson.Administer"}
	w.Header().Set("Content-Type", "text/html;charset=UTF-8")
	w.WriteHeader(http.StatusForbidden)
	login := "/login?from=" + url.QueryEscape(r.URL.RequestURI())
	fmt.Fprintf(w, "<html><head><meta http-equiv='refresh' content='1;url=%[1]s'/><script id='redirect' data-redirect-url='%[1]s' "+
		"src='/static/5c1b6d0e/scripts/redirect.js'></script></head><body style='background-color:white; color:white;'>\n"+
		"Authentication required\n<!--\nYou are authenticated as: anonymous\nGroups that you are in:\n  anonymous\n"+
		"Permission you need to have (but didn't): hudson.model.Hudson.Read\n ... which is implied by: hudson.security.Permission.GenericRead\n"+
		" ... which is implied by: hudson.model.Hudson.Administer\n-->\n\n</body></html>", html.EscapeString(login))
	return false
}
