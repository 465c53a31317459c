package fetch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/internal/replay"
	"github.com/recheckgen/recheckgen/store"
)

// missingOf is what the store says of its builds with logs missing, by
// uuid: "tries reason".
func missingOf(t *testing.T, st *store.Store, origin string) map[string]string {
	t.Helper()
	ms, err := st.MissingLogs(context.Background(), origin, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, m := range ms {
		out[m.UUID] = fmt.Sprintf("%d %s", m.Tries, m.Reason)
	}
	return out
}

// logRequests counts the requests for a build's logs (anything but the
// API) in a replay's log.
func logRequests(reqs []string) int {
	n := 0
	for _, r := range reqs {
		if !strings.Contains(r, "/api/") {
			n++
		}
	}
	return n
}

// TestLogsRetried: builds whose log server failed on one run (a 503 for
// good, an answer that never came; for Jenkins a 404) are stored with
// their logs missing, the reason and one try; the next run fetches their
// logs again, and only theirs, and they become whole in the store and the
// cache; the run after fetches nothing. A build past the listing's reach
// is not tried again.
func TestLogsRetried(t *testing.T) {
	for _, kind := range []string{"zuul", "jenkins"} {
		t.Run(kind, func(t *testing.T) {
			bs := fewBuilds(t)
			opts := testOptions(t)
			opts.Timeout, opts.Retries, opts.LogAttempts = 300*time.Millisecond, 1, 4
			var spec Spec
			var srv interface {
				Inject(func(*http.Request) bool, replay.Fault)
				Clear()
				Requests() []string
				ResetLog()
			}
			wantMissing := 0
			switch kind {
			case "zuul":
				z := replay.NewZuul(t, bs, replay.ZuulOptions{})
				z.Inject(replay.Prefix("/logs/"+bs[0].UUID+"/"), replay.Fault{Status: http.StatusServiceUnavailable})
				z.Inject(replay.Path(jobOutput(bs[1])), replay.Fault{Delay: time.Second})
				spec, srv, wantMissing = zuulSpec(z), z, 2
			case "jenkins":
				j := replay.NewJenkins(t, bs, replay.JenkinsOptions{})
				j.Inject(replay.Suffix("/consoleText"), replay.Fault{Status: http.StatusNotFound})
				spec = Spec{Kind: "jenkins", URL: j.URL + "/view/all/", Since: 11 * 24 * time.Hour}
				srv, wantMissing = j, 4
			}
			st := openStore(t)
			s := fetchOnce(t, []Spec{spec}, st, opts).Sources[0]
			missing := missingOf(t, st, spec.Key())
			if len(s.LogsMissing) != wantMissing || len(missing) != wantMissing || s.Retried != 0 {
				t.Fatalf("first run: %d missing in the store (%v): %s", len(missing), missing, s)
			}
			for uuid, m := range missing {
				if !strings.HasPrefix(m, "1 ") {
					t.Errorf("%s: %q, want one try", uuid, m)
				}
			}
			if kind == "zuul" {
				if m := missing[bs[0].UUID]; !strings.Contains(m, "manifest: server answered 503 Service Unavailable: Service Unavailable (after 2 tries)") {
					t.Errorf("reason of the 503: %q", m)
				}
				if m := missing[bs[1].UUID]; !strings.Contains(m, "no complete answer within the request timeout") {
					t.Errorf("reason of the timeout: %q", m)
				}
			}

			// Out of the listing's reach: not tried again.
			srv.Clear()
			srv.ResetLog()
			short := spec
			short.Since = time.Minute
			if s := fetchOnce(t, []Spec{short}, st, opts).Sources[0]; s.Retried != 0 || logRequests(srv.Requests()) != 0 {
				t.Errorf("a run not reaching them: %s; requests %q", s, srv.Requests())
			}

			// The log server answers: they become whole, and nothing else
			// is fetched.
			srv.ResetLog()
			s = fetchOnce(t, []Spec{spec}, st, opts).Sources[0]
			if s.Retried != wantMissing || s.Recovered != wantMissing || len(s.LogsMissing) != 0 || s.Stored.Builds != wantMissing || s.Err != "" {
				t.Errorf("second run: %s", s)
			}
			got, _ := stored(t, st)
			for uuid := range missing {
				if got[uuid].Logs != "" {
					t.Errorf("%s: logs %q after the second run", uuid, got[uuid].Logs)
				}
			}
			if m := missingOf(t, st, spec.Key()); len(m) != 0 {
				t.Errorf("still missing: %v", m)
			}
			for uuid := range missing {
				n := 0
				if err := st.Events(context.Background(), uuid, func(store.Event) error { n++; return nil }); err != nil || n == 0 {
					t.Errorf("%s: %d lines stored, %v", uuid, n, err)
				}
			}
			for _, r := range srv.Requests() {
				if r := strings.TrimPrefix(r, "GET "); !strings.Contains(r, "/api/") {
					found := false
					for uuid := range missing {
						found = found || strings.Contains(r, uuid) || kind == "jenkins"
					}
					if !found {
						t.Errorf("%s fetched again", r)
					}
				}
			}
			files := strings.Join(cacheFiles(t, opts.Cache), "\n")
			for uuid := range missing {
				data, err := os.ReadFile(filepath.Join(opts.Cache, cachedDir(t, opts.Cache, uuid), "build.json"))
				var rec map[string]any
				if err != nil || json.Unmarshal(data, &rec) != nil || rec["recheckgen_logs"] != nil || rec["recheckgen_logs_tries"] != nil {
					t.Errorf("%s: the cache's record: %s %v", uuid, data, err)
				}
				if strings.Count(files, uuid+"/") < 2 {
					t.Errorf("%s: no log in the cache:\n%s", uuid, files)
				}
			}
			if entries, _ := os.ReadDir(filepath.Join(opts.Cache, ".tmp")); len(entries) != 0 {
				t.Errorf(".tmp holds %v", entries)
			}

			srv.ResetLog()
			if s := fetchOnce(t, []Spec{spec}, st, opts).Sources[0]; s.Retried != 0 || s.Fetched != 0 || logRequests(srv.Requests()) != 0 {
				t.Errorf("third run: %s; requests %q", s, srv.Requests())
			}
		})
	}
}

// cachedDir is the path of a build's directory in the cache, relative to
// it.
func cachedDir(t *testing.T, cache, uuid string) string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(cache, "*", "*", uuid))
	if len(m) != 1 {
		t.Fatalf("%s: %d directories in the cache", uuid, len(m))
	}
	rel, _ := filepath.Rel(cache, m[0])
	return rel
}

// TestLogsAttemptsCap: a log server failing for good costs a build at most
// fetch.log_attempts fetches, one a run, each recorded with its reason;
// then the build stays with its logs missing, even once the server
// answers.
func TestLogsAttemptsCap(t *testing.T) {
	bs := fewBuilds(t)
	z := replay.NewZuul(t, bs, replay.ZuulOptions{})
	victim := bs[0].UUID
	z.Inject(replay.Prefix("/logs/"+victim+"/"), replay.Fault{Status: http.StatusBadGateway})
	st := openStore(t)
	opts := testOptions(t)
	opts.Retries, opts.LogAttempts = 0, 3
	spec := zuulSpec(z)
	for run := 1; run <= 5; run++ {
		if run == 5 {
			z.Clear()
		}
		z.ResetLog()
		s := fetchOnce(t, []Spec{spec}, st, opts).Sources[0]
		tries := min(run, 3)
		want := fmt.Sprintf("%d manifest: server answered 502 Bad Gateway", tries)
		if got := missingOf(t, st, spec.Key())[victim]; !strings.HasPrefix(got, want) {
			t.Errorf("run %d: %q, want %q", run, got, want)
		}
		retried := 0
		if run == 2 || run == 3 {
			retried = 1
		}
		if s.Retried != retried || s.Recovered != 0 || logRequests(z.Requests()) != 0 && retried == 0 && run > 1 {
			t.Errorf("run %d: %s; requests %q", run, s, z.Requests())
		}
	}
	got, _ := stored(t, st)
	if got[victim].Logs != recheckgen.LogsMissing {
		t.Errorf("after the cap: logs %q", got[victim].Logs)
	}
}

// failingPut is a destination that fails to store: a run killed after its
// builds reached the cache and before the store took them.
type failingPut struct{ Store }

func (d failingPut) Put(ctx context.Context, dirs []string, origin string) (Stored, error) {
	return Stored{}, errors.New("killed")
}

// TestRetryResume: a build fetched whole again into the cache, whose run
// died before the store took it, is stored by the next run without being
// fetched a third time.
func TestRetryResume(t *testing.T) {
	bs := fewBuilds(t)
	z := replay.NewZuul(t, bs, replay.ZuulOptions{})
	victim := bs[0].UUID
	z.Inject(replay.Prefix("/logs/"+victim+"/"), replay.Fault{Status: http.StatusNotFound})
	st := openStore(t)
	opts := testOptions(t)
	opts.LogAttempts = 4
	fetchOnce(t, []Spec{zuulSpec(z)}, st, opts)
	z.Clear()
	if _, err := Run(context.Background(), []Spec{zuulSpec(z)}, failingPut{dest(st)}, opts); err == nil {
		t.Fatal("no error from the failing store")
	}
	if got, _ := stored(t, st); got[victim].Logs != recheckgen.LogsMissing {
		t.Fatalf("the store changed: %q", got[victim].Logs)
	}
	z.ResetLog()
	s := fetchOnce(t, []Spec{zuulSpec(z)}, st, opts).Sources[0]
	if s.Retried != 0 || logRequests(z.Requests()) != 0 || s.Stored.Builds != 1 {
		t.Errorf("%s; requests %q", s, z.Requests())
	}
	if got, _ := stored(t, st); got[victim].Logs != "" {
		t.Errorf("logs %q", got[victim].Logs)
	}
}

// TestServerCannotSetLogsState: a Zuul's record naming recheckgen's own
// keys (its logs missing, tries spent) is stored as the fetch found it.
func TestServerCannotSetLogsState(t *testing.T) {
	bs := fewBuilds(t)
	z := replay.NewZuul(t, bs, replay.ZuulOptions{})
	z.SetField(bs[0].UUID, "recheckgen_logs", `"missing"`)
	z.SetField(bs[0].UUID, "recheckgen_logs_tries", `99`)
	z.SetField(bs[0].UUID, "recheckgen_logs_reason", `"said the server"`)
	st := openStore(t)
	opts := testOptions(t)
	fetchOnce(t, []Spec{zuulSpec(z)}, st, opts)
	if got, _ := stored(t, st); got[bs[0].UUID].Logs != "" || len(missingOf(t, st, zuulSpec(z).Key())) != 0 {
		t.Errorf("logs %q; missing %v", got[bs[0].UUID].Logs, missingOf(t, st, zuulSpec(z).Key()))
	}
}
