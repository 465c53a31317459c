package reliability

import (
	"bytes"
	"compress/gzip"
	"database/sql"
	"encoding/base64"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen/internal/replay"
)

// fetchTrials is how many times fetch is killed.
const fetchTrials = 20

// fetchProject is a project whose one source is the replay Zuul at api,
// with its own store and cache.
func fetchProject(t testing.TB, api string) *project {
	t.Helper()
	p := &project{dir: t.TempDir()}
	p.db = filepath.Join(p.dir, ".recheckgen", "logs.db")
	p.public = filepath.Join(p.dir, "public")
	cfg := fmt.Sprintf(`tracker:
  offline: true
window:
  end: latest
backend:
  sqlite:
    path: %s
fetch:
  since: 90d
  keep: 90d
  retries: 2
  timeout: 10s
sources:
  - zuul: %s
    success_logs_percent: 50
`, p.db, api)
	if err := os.WriteFile(filepath.Join(p.dir, "recheckgen.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// storedBuilds is each stored build's uuid, result and logs state.
func storedBuilds(t testing.TB, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT uuid, result, logs, origin FROM builds ORDER BY uuid`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var u, r, l, o string
		rows.Scan(&u, &r, &l, &o)
		fmt.Fprintf(&b, "%s %s %q %s\n", u, r, l, o)
	}
	return b.String()
}

// cachedBuilds lists the build directories complete in a project's cache
// (outside .tmp), by uuid, with their files.
func cachedBuilds(t testing.TB, dir string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	cache := filepath.Join(dir, ".recheckgen", "cache")
	filepath.WalkDir(cache, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && d.Name() == ".tmp" {
			return filepath.SkipDir
		}
		if !d.IsDir() && d.Name() != ".lock" {
			rel, _ := filepath.Rel(cache, p)
			parts := strings.SplitN(filepath.ToSlash(rel), "/", 4) // key/day/uuid/file
			if len(parts) == 4 {
				out[parts[2]] = append(out[parts[2]], parts[3])
			}
		}
		return nil
	})
	for _, f := range out {
		sort.Strings(f)
	}
	return out
}

// TestFetchSurvivesSIGKILL kills `fetch` at random points while it lists,
// downloads and stores a replay Zuul's builds. After each kill the store
// holds whole builds only and the cache whole build directories only
// (anything half written stays in its .tmp); a fetch run again fetches no
// complete build a second time, and ends with the store an uninterrupted
// fetch makes.
func TestFetchSurvivesSIGKILL(t *testing.T) {
	bs, err := replay.Load(corpus(t, 10))
	if err != nil {
		t.Fatal(err)
	}
	z := replay.NewZuul(t, bs, replay.ZuulOptions{Latency: time.Millisecond})
	ref := fetchProject(t, z.API())
	start := time.Now()
	if r := run(t, ref.dir, time.Minute, nil, "fetch"); r.code != 0 {
		t.Fatalf("reference fetch: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	full := time.Since(start)
	wantCounts, _, _ := inspect(t, ref.db)
	wantBuilds := storedBuilds(t, ref.db)
	wantCache := cachedBuilds(t, ref.dir)
	if len(wantCounts) != len(bs) || len(wantCache) != len(bs) {
		t.Fatalf("reference: %d builds stored, %d cached, want %d", len(wantCounts), len(wantCache), len(bs))
	}

	seed := crashSeed(t)
	t.Logf("seed %d (a fetch of %d builds takes %v)", seed, len(bs), full)
	rng := rand.New(rand.NewPCG(seed, 0))
	landed := 0
	for trial := range fetchTrials {
		p := fetchProject(t, z.API())
		d := time.Duration(rng.Float64() * 1.2 * float64(full))
		if killAfter(t, p.dir, d, "fetch") {
			landed++
		}
		got, lines, indexed := inspect(t, p.db)
		for uuid, c := range got {
			if c != wantCounts[uuid] {
				t.Errorf("trial %d (kill after %v): build %s holds %v files/lines, want %v: half a build", trial, d, uuid, c, wantCounts[uuid])
			}
		}
		if indexed != lines {
			t.Errorf("trial %d: %d lines but %d indexed", trial, lines, indexed)
		}
		complete := cachedBuilds(t, p.dir)
		for uuid, files := range complete {
			if strings.Join(files, " ") != strings.Join(wantCache[uuid], " ") {
				t.Errorf("trial %d: cached build %s holds %q, want %q: half a build outside .tmp", trial, uuid, files, wantCache[uuid])
			}
		}
		z.ResetLog()
		if r := run(t, p.dir, time.Minute, nil, "fetch"); r.code != 0 {
			t.Fatalf("trial %d: fetch after the kill: %d\n%s%s", trial, r.code, r.stdout, r.stderr)
		}
		for _, req := range z.Requests() {
			for uuid := range complete {
				if strings.Contains(req, "/logs/"+uuid+"/") {
					t.Errorf("trial %d: %s fetched again though complete in the cache", trial, req)
				}
			}
		}
		if gotCounts, _, _ := inspect(t, p.db); gotCounts.String() != wantCounts.String() || storedBuilds(t, p.db) != wantBuilds {
			t.Errorf("trial %d: after a complete fetch the store differs from the reference:\n%s\nwant:\n%s", trial, storedBuilds(t, p.db), wantBuilds)
		}
	}
	t.Logf("%d of %d kills landed before the fetch ended", landed, fetchTrials)
}

// TestFetchHostileServers runs the binary against a Zuul and log server
// that misbehave, one fault at a time: each ends with a clear message in
// bounded time and memory, and nothing is written outside the cache.
func TestFetchHostileServers(t *testing.T) {
	bs, err := replay.Load(corpus(t, 20))
	if err != nil {
		t.Fatal(err)
	}
	var victim *replay.Build
	for _, b := range bs {
		if b.Result != "SUCCESS" {
			victim = b
			break
		}
	}
	console := ""
	for _, name := range []string{"job-output.txt", "job-output.txt.gz", "console.html"} {
		if _, ok := victim.Files[name]; ok {
			console = "/logs/" + victim.UUID + "/" + name
			break
		}
	}
	var bomb bytes.Buffer
	zw := gzip.NewWriter(&bomb)
	zw.Write(make([]byte, 256<<20))
	zw.Close()
	const api = "/api/tenant/sample/builds"
	for _, tc := range []struct {
		name   string
		setup  func(z *replay.Zuul)
		code   int
		output string
	}{
		{"a gzip bomb for a log", func(z *replay.Zuul) {
			z.Inject(replay.Path(console), replay.Fault{Body: bomb.Bytes(), Header: http.Header{"Content-Encoding": {"gzip"}}})
		}, 0, ": cut at 52428800 bytes (fetch.max_file_mib)"},
		{"an endless page of builds", func(z *replay.Zuul) {
			z.Inject(replay.Path(api), replay.Fault{Endless: true})
		}, 1, "response over 33554432 bytes"},
		{"a malformed page of builds", func(z *replay.Zuul) {
			z.Inject(replay.Path(api), replay.Fault{Body: []byte("<html>Service Unavailable</html>")})
		}, 1, "not a page of builds (a JSON array): invalid character '<'"},
		{"a hostile manifest", func(z *replay.Zuul) {
			z.SetManifest(victim.UUID, []byte(`{"tree": [{"name": "..", "mimetype": "application/directory", "children": [{"name": "x.txt"}]},`+
				`{"name": "/tmp/x.log"}, {"name": "a\u0007b.log"}, {"name": "logs", "children": [{"name": "../../../../x.log"}]}]}`))
		}, 0, `entry "..": name ".." has a component ".." refused`},
		{"a log_url that is not http", func(z *replay.Zuul) {
			z.SetField(victim.UUID, "log_url", `"file:///etc/"`)
		}, 0, `logs missing: log_url "file:///etc/" is not an http or https URL`},
		{"a redirect to another scheme", func(z *replay.Zuul) {
			z.Inject(replay.Path(console), replay.Fault{Status: 302, Header: http.Header{"Location": {"https://127.0.0.1:1/x"}}})
		}, 0, "refused: another scheme"},
		{"a server that never answers", func(z *replay.Zuul) {
			z.Inject(replay.Path(console), replay.Fault{Delay: time.Hour})
		}, 0, "no complete answer within the request timeout (1s)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			z := replay.NewZuul(t, bs, replay.ZuulOptions{})
			tc.setup(z)
			p := fetchProject(t, z.API())
			r := run(t, p.dir, 2*time.Minute, nil, "fetch", "--verbose", "--fetch-timeout", "1s", "--retries", "1")
			t.Logf("exit %d, peak memory %d MiB, %v", r.code, r.maxRSS>>20, r.elapsed.Round(time.Millisecond))
			if r.code != tc.code || !strings.Contains(r.stdout+r.stderr, tc.output) {
				t.Errorf("exit %d, want %d; output lacks %q:\n%s%s", r.code, tc.code, tc.output, r.stdout, r.stderr)
			}
			if r.maxRSS > catalogueRSS || r.elapsed > time.Minute {
				t.Errorf("peak memory %d MiB (bound %d), %v", r.maxRSS>>20, catalogueRSS>>20, r.elapsed)
			}
			entries, _ := os.ReadDir(p.dir)
			var names []string
			for _, e := range entries {
				names = append(names, e.Name())
			}
			if strings.Join(names, " ") != ".recheckgen recheckgen.yaml" {
				t.Errorf("the project holds %q", names)
			}
			inner, _ := os.ReadDir(filepath.Join(p.dir, ".recheckgen"))
			for _, e := range inner {
				if !strings.HasPrefix(e.Name(), "logs.db") && e.Name() != "cache" {
					t.Errorf(".recheckgen holds %s", e.Name())
				}
			}
			filepath.WalkDir(filepath.Join(p.dir, ".recheckgen", "cache"), func(path string, d fs.DirEntry, err error) error {
				if err == nil && (strings.Contains(path, "x.log") || strings.Contains(path, "x.txt") || strings.ContainsRune(path, 7)) {
					t.Errorf("hostile name written: %s", path)
				}
				return nil
			})
		})
	}
}

// retryTrials is how many times a fetch is killed while it fetches again
// the logs of builds an earlier run stored with their logs missing.
const retryTrials = 6

// logsOf is each stored build's logs state, by uuid.
func logsOf(t testing.TB, path string) map[string]string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT uuid, logs FROM builds`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var u, l string
		rows.Scan(&u, &l)
		out[u] = l
	}
	return out
}

// TestFetchRetrySurvivesSIGKILL: a log server fails (404 for every file)
// for a few failed builds, which a first fetch stores with their logs
// missing; it answers again, and the fetch that retries them is killed at
// random points. After each kill every such build is, in the store and in
// the cache, either its old record (logs missing, nothing held) or the new
// whole one, never anything between; a fetch run again completes it, to
// the store a fetch that never met the fault makes.
func TestFetchRetrySurvivesSIGKILL(t *testing.T) {
	bs, err := replay.Load(corpus(t, 10))
	if err != nil {
		t.Fatal(err)
	}
	z := replay.NewZuul(t, bs, replay.ZuulOptions{Latency: time.Millisecond})
	var victims []string
	for _, b := range bs {
		if b.Result != "SUCCESS" && len(victims) < 4 {
			victims = append(victims, b.UUID)
		}
	}
	fail := func() {
		for _, v := range victims {
			z.Inject(replay.Prefix("/logs/"+v+"/"), replay.Fault{Status: http.StatusNotFound})
		}
	}
	// The store and cache of a fetch that never met the fault.
	ref := fetchProject(t, z.API())
	if r := run(t, ref.dir, time.Minute, nil, "fetch"); r.code != 0 {
		t.Fatalf("reference fetch: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	wantCounts, _, _ := inspect(t, ref.db)
	wantBuilds := storedBuilds(t, ref.db)
	wantCache := cachedBuilds(t, ref.dir)

	// missingFirst is a project whose first fetch met the fault.
	missingFirst := func() *project {
		p := fetchProject(t, z.API())
		fail()
		defer z.Clear()
		if r := run(t, p.dir, time.Minute, nil, "fetch"); r.code != 0 || !strings.Contains(r.stdout, fmt.Sprintf("%d logs missing", len(victims))) {
			t.Fatalf("fetch meeting the fault: %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		return p
	}
	p := missingFirst()
	start := time.Now()
	if r := run(t, p.dir, time.Minute, nil, "fetch"); r.code != 0 || !strings.Contains(r.stdout, fmt.Sprintf("%d build(s) whose logs were missing fetched again, %[1]d now whole", len(victims))) {
		t.Fatalf("fetch retrying: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	full := time.Since(start)
	if got, _, _ := inspect(t, p.db); got.String() != wantCounts.String() || storedBuilds(t, p.db) != wantBuilds {
		t.Fatalf("after the retry the store differs from a fetch that never met the fault:\n%s\nwant:\n%s", storedBuilds(t, p.db), wantBuilds)
	}

	seed := crashSeed(t)
	t.Logf("seed %d (a fetch retrying %d builds takes %v)", seed, len(victims), full)
	rng := rand.New(rand.NewPCG(seed, 0))
	landed, whole, between := 0, 0, 0
	for trial := range retryTrials {
		p := missingFirst()
		// Most of a run is starting, opening the store and listing: the
		// kills land in its later part, where builds are fetched again,
		// swapped into the cache and stored.
		d := time.Duration((0.4 + 0.8*rng.Float64()) * float64(full))
		if killAfter(t, p.dir, d, "fetch") {
			landed++
		}
		got, _, _ := inspect(t, p.db)
		logs := logsOf(t, p.db)
		cached := cachedBuilds(t, p.dir)
		for _, v := range victims {
			storeOld := logs[v] == "missing" && got[v] == [2]int{}
			storeNew := logs[v] == "" && got[v] == wantCounts[v]
			cacheOld := strings.Join(cached[v], " ") == "build.json"
			cacheNew := strings.Join(cached[v], " ") == strings.Join(wantCache[v], " ")
			switch {
			case !storeOld && !storeNew:
				t.Errorf("trial %d (kill after %v): build %s stored with logs %q, %v files/lines: neither the old record nor the new", trial, d, v, logs[v], got[v])
			case !cacheOld && !cacheNew:
				t.Errorf("trial %d: build %s in the cache holds %q: neither the old nor the new", trial, v, cached[v])
			case storeNew && !cacheNew:
				t.Errorf("trial %d: build %s whole in the store, not in the cache", trial, v)
			}
			if storeNew {
				whole++
			} else if cacheNew {
				between++
			}
		}
		for uuid, c := range got {
			if !slices.Contains(victims, uuid) && c != wantCounts[uuid] {
				t.Errorf("trial %d: build %s holds %v, want %v", trial, uuid, c, wantCounts[uuid])
			}
		}
		z.ResetLog()
		if r := run(t, p.dir, time.Minute, nil, "fetch"); r.code != 0 {
			t.Fatalf("trial %d: fetch after the kill: %d\n%s%s", trial, r.code, r.stdout, r.stderr)
		}
		for _, req := range z.Requests() {
			for _, v := range victims {
				if strings.Contains(req, "/logs/"+v+"/") && strings.Join(cached[v], " ") == strings.Join(wantCache[v], " ") {
					t.Errorf("trial %d: %s fetched again though whole in the cache", trial, req)
				}
			}
		}
		if got, _, _ := inspect(t, p.db); got.String() != wantCounts.String() || storedBuilds(t, p.db) != wantBuilds {
			t.Errorf("trial %d: after a complete fetch the store differs from the reference:\n%s\nwant:\n%s", trial, storedBuilds(t, p.db), wantBuilds)
		}
	}
	t.Logf("%d of %d kills landed before the fetch ended; of %d builds fetched again, %d were whole in the store at the kill, %d in the cache only",
		landed, retryTrials, retryTrials*len(victims), whole, between)
}

// TestPrivateSourcesKeepSecrets runs build against a private Jenkins and a
// read-protected Zuul whose servers echo the credentials they were sent
// (an error page quoting the Authorization header, a log server quoting
// the other source's token): the build publishes, the log server on
// another origin never sees an Authorization header, and no form of a
// secret reaches stdout, stderr, public/, the store or the cache.
func TestPrivateSourcesKeepSecrets(t *testing.T) {
	const (
		jUser, jToken = "ci-reader-bot", "11c3d8e2a9f0b47d5e6a1f2c3b4d5e6f7a"
		zToken        = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJyZWNoZWNrZ2VuIn0.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg"
	)
	bs, err := replay.Load(corpus(t, 10))
	if err != nil {
		t.Fatal(err)
	}
	basic := base64.StdEncoding.EncodeToString([]byte(jUser + ":" + jToken))
	j := replay.NewJenkins(t, bs, replay.JenkinsOptions{User: jUser, Password: jToken})
	echo := []byte("<html>upstream said: Authorization: Basic " + basic + " is not " + jUser + "/" + jToken + "</html>")
	j.Inject(replay.Suffix("/consoleText"), replay.Fault{Status: http.StatusForbidden, Body: echo, Times: 3})
	z := replay.NewZuul(t, bs, replay.ZuulOptions{Token: zToken, LogServer: true})
	z.Inject(replay.Suffix("/zuul-manifest.json"), replay.Fault{Status: http.StatusBadRequest, Times: 3,
		Body: []byte(`{"error": "token ` + zToken + ` and ` + jToken + ` refused"}`)})
	dir := searchProject(t)
	cfg := fmt.Sprintf(`site:
  echarts: ""
tracker:
  offline: true
window:
  end: latest
fetch:
  since: 90d
  keep: 90d
sources:
  - jenkins: %s/view/all/
    user_env: RECHECKGEN_SOURCE_USER
    password_env: RECHECKGEN_SOURCE_PASSWORD
  - zuul: %s
    token_env: RECHECKGEN_SOURCE_TOKEN
`, j.URL, z.API())
	if err := os.WriteFile(filepath.Join(dir, "recheckgen.yaml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(t, dir, 2*time.Minute, []string{"RECHECKGEN_SOURCE_USER=" + jUser, "RECHECKGEN_SOURCE_PASSWORD=" + jToken,
		"RECHECKGEN_SOURCE_TOKEN=" + zToken}, "build")
	t.Logf("exit %d in %v", r.code, r.elapsed.Round(time.Millisecond))
	if r.code != 0 || !strings.Contains(r.stdout+r.stderr, "Basic [redacted] is not [redacted]/[redacted]") ||
		!strings.Contains(r.stdout+r.stderr, "token [redacted] and [redacted] refused") {
		t.Errorf("exit %d; the echoed credentials are not shown redacted:\n%s%s", r.code, r.stdout, r.stderr)
	}
	if n := z.LogAuths(); n != 0 {
		t.Errorf("the log server on another origin got %d request(s) with an Authorization header", n)
	}
	if counts, _, _ := inspect(t, filepath.Join(dir, ".recheckgen", "logs.db")); len(counts) != 2*len(bs) {
		t.Errorf("%d builds stored, want %d", len(counts), 2*len(bs))
	}
	secrets := []string{jUser, jToken, zToken, basic}
	for _, s := range secrets {
		if strings.Contains(r.stdout+r.stderr, s) {
			t.Errorf("stdout or stderr holds the secret %q", s)
		}
	}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == "recheckgen.yaml" {
			return nil
		}
		data, _ := os.ReadFile(p)
		if strings.HasSuffix(p, ".gz") {
			data = replay.Gunzip(data)
		}
		for _, s := range secrets {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s holds the secret %q", p, s)
			}
		}
		return nil
	})
	if _, err := os.Stat(filepath.Join(dir, "public", "index.html")); err != nil {
		t.Errorf("nothing published: %v", err)
	}
}
