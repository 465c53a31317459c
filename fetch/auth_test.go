package fetch

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/internal/replay"
)

// The credentials of the tests: a Jenkins user and API token, a Zuul
// bearer token (a JWT's shape).
const (
	jenkinsUser  = "ci-reader-bot"
	jenkinsToken = "11c3d8e2a9f0b47d5e6a1f2c3b4d5e6f7a"
	zuulToken    = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJyZWNoZWNrZ2VuIn0.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg"
)

// env is a LookupEnv holding the tests' credentials.
func env(name string) (string, bool) {
	v, ok := map[string]string{"JENKINS_USER": jenkinsUser, "JENKINS_TOKEN": jenkinsToken, "ZUUL_TOKEN": zuulToken,
		"WRONG_TOKEN": "not-the-token-0123456789", "EMPTY": ""}[name]
	return v, ok
}

// secretForms are the credentials as a server might echo them: raw, and
// as the Authorization headers carry them.
var secretForms = []string{jenkinsUser, jenkinsToken, zuulToken,
	base64.StdEncoding.EncodeToString([]byte(jenkinsUser + ":" + jenkinsToken))}

// noSecret fails the test where any form of a credential appears in the
// summary, the cache or the store's file.
func noSecret(t *testing.T, sum Summary, opts Options, stores ...string) {
	t.Helper()
	var text strings.Builder
	for _, s := range sum.Sources {
		text.WriteString(s.Err + "\n" + strings.Join(s.Warnings, "\n") + "\n" + strings.Join(s.Stored.Warnings, "\n"))
	}
	for _, f := range secretForms {
		if strings.Contains(text.String(), f) {
			t.Errorf("the summary holds %q:\n%s", f, text.String())
		}
	}
	files := append([]string(nil), stores...)
	for _, f := range cacheFiles(t, opts.Cache) {
		files = append(files, filepath.Join(opts.Cache, f))
	}
	for _, p := range files {
		data, _ := os.ReadFile(p)
		if strings.HasSuffix(p, ".gz") {
			data = replay.Gunzip(data)
		}
		for _, f := range secretForms {
			if bytes.Contains(data, []byte(f)) {
				t.Errorf("%s holds %q", p, f)
			}
		}
	}
}

// privateJenkins is a Jenkins that lets only jenkinsUser in.
func privateJenkins(t *testing.T) (*replay.Jenkins, []*replay.Build) {
	bs := fewBuilds(t)
	return replay.NewJenkins(t, bs, replay.JenkinsOptions{User: jenkinsUser, Password: jenkinsToken}), bs
}

func jenkinsSpec(j *replay.Jenkins) Spec {
	return Spec{Kind: "jenkins", URL: j.URL + "/view/all/", Since: 11 * 24 * time.Hour, UserEnv: "JENKINS_USER", PasswordEnv: "JENKINS_TOKEN"}
}

// TestPrivateJenkins: a Jenkins that refuses anonymous requests (403) and
// bad credentials (401) is fetched with the user and API token the
// source's variables name; without them, or with the wrong ones, the
// source fails with Jenkins' answer and stores nothing, and no message
// holds a secret.
func TestPrivateJenkins(t *testing.T) {
	for _, tc := range []struct {
		name string
		spec func(Spec) Spec
		err  string
	}{
		{"credentials", func(s Spec) Spec { return s }, ""},
		{"anonymous", func(s Spec) Spec { s.UserEnv, s.PasswordEnv = "", ""; return s }, "server answered 403 Forbidden"},
		{"a wrong token", func(s Spec) Spec { s.PasswordEnv = "WRONG_TOKEN"; return s },
			"server answered 401 Unauthorized: <html>"},
		{"a variable not set", func(s Spec) Spec { s.PasswordEnv = "NO_SUCH_VARIABLE"; return s },
			"credentials: password_env names the environment variable NO_SUCH_VARIABLE, which is not set"},
		{"an empty variable", func(s Spec) Spec { s.UserEnv = "EMPTY"; return s },
			"credentials: user_env names the environment variable EMPTY, which is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j, bs := privateJenkins(t)
			st := openStore(t)
			opts := testOptions(t)
			opts.LookupEnv = env
			sum := fetchOnce(t, []Spec{tc.spec(jenkinsSpec(j))}, st, opts)
			s := sum.Sources[0]
			got, _ := stored(t, st)
			if tc.err == "" {
				if s.Err != "" || !s.Complete || len(got) != len(bs) {
					t.Fatalf("%d builds stored: %s", len(got), s)
				}
				for _, b := range got {
					if b.Failed() && b.Logs != "" {
						t.Errorf("%s: failed, logs %q", b.UUID, b.Logs)
					}
				}
			} else if !strings.Contains(s.Err, tc.err) || len(got) != 0 {
				t.Errorf("error %q, want %q; %d builds stored", s.Err, tc.err, len(got))
			}
			if tc.name == "a wrong token" && !strings.Contains(s.Err, "Invalid password/token for user: [redacted]") {
				t.Errorf("Jenkins' answer names the user unredacted, or not at all: %q", s.Err)
			}
			noSecret(t, sum, opts, st.Path())
		})
	}
}

// TestPrivateZuul: a read-protected tenant's API answers only a request
// bearing the token (401 and zuul-web's challenge otherwise); the token
// goes to the API's origin, never to the log server the records name on
// another port, which serves the logs to anonymous requests as a log
// server does.
func TestPrivateZuul(t *testing.T) {
	for _, tc := range []struct {
		name, tokenEnv, err string
	}{
		{"the token", "ZUUL_TOKEN", ""},
		{"no token", "", `server answered 401 Unauthorized: {"description": "Missing \"Authorization\" header", "error": "MissingAuthError"`},
		{"a wrong token", "WRONG_TOKEN", `"error": "AuthTokenUndecodedException"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bs := fewBuilds(t)
			z := replay.NewZuul(t, bs, replay.ZuulOptions{Token: zuulToken, LogServer: true})
			st := openStore(t)
			opts := testOptions(t)
			opts.LookupEnv = env
			spec := zuulSpec(z)
			spec.TokenEnv = tc.tokenEnv
			sum := fetchOnce(t, []Spec{spec}, st, opts)
			s := sum.Sources[0]
			got, _ := stored(t, st)
			if tc.err == "" {
				held := 0
				for _, b := range got {
					if b.Logs == "" {
						held++
					}
				}
				if s.Err != "" || !s.Complete || len(got) != len(bs) || held == 0 || len(s.LogsMissing) != 0 {
					t.Fatalf("%d builds stored, %d with logs: %s", len(got), held, s)
				}
			} else if !strings.Contains(s.Err, tc.err) || len(got) != 0 {
				t.Errorf("error %q, want %q; %d builds stored", s.Err, tc.err, len(got))
			}
			if n := z.LogAuths(); n != 0 {
				t.Errorf("the log server on another origin got %d request(s) with an Authorization header", n)
			}
			var logs int
			for _, r := range z.Requests() {
				if strings.Contains(r, "/logs/") {
					logs++
				}
			}
			if tc.err == "" && logs == 0 {
				t.Error("no request reached the log server")
			}
			noSecret(t, sum, opts, st.Path())
		})
	}
}

// TestCredentialsNotRedirected: an authenticated request redirected to
// another port of the same host is refused, and the other port never sees
// a request; a log server's redirect (an anonymous request) is followed.
func TestCredentialsNotRedirected(t *testing.T) {
	var reached, withAuth atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
		if r.Header.Get("Authorization") != "" {
			withAuth.Add(1)
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(other.Close)
	j, _ := privateJenkins(t)
	j.Inject(replay.Suffix("/api/json"), replay.Fault{Status: http.StatusFound, Header: http.Header{"Location": {other.URL + "/view/all/api/json"}}})
	st := openStore(t)
	opts := testOptions(t)
	opts.LookupEnv = env
	sum := fetchOnce(t, []Spec{jenkinsSpec(j)}, st, opts)
	s := sum.Sources[0]
	if !strings.Contains(s.Err, "refused: credentials are sent only to the same scheme, host and port") {
		t.Errorf("error %q", s.Err)
	}
	if reached.Load() != 0 || withAuth.Load() != 0 {
		t.Errorf("the other port got %d request(s), %d with credentials", reached.Load(), withAuth.Load())
	}
	noSecret(t, sum, opts, st.Path())

	// The Zuul's log server redirects a file to the other port: no
	// credentials go with the request, which is followed.
	bs := fewBuilds(t)
	z := replay.NewZuul(t, bs, replay.ZuulOptions{Token: zuulToken, LogServer: true})
	z.Inject(replay.Path(jobOutput(bs[0])), replay.Fault{Status: http.StatusFound,
		Header: http.Header{"Location": {other.URL + "/moved"}}})
	spec := zuulSpec(z)
	spec.TokenEnv = "ZUUL_TOKEN"
	sum = fetchOnce(t, []Spec{spec}, openStore(t), opts)
	if reached.Load() != 1 || withAuth.Load() != 0 {
		t.Errorf("the log server's redirect: the other port got %d request(s), %d with credentials", reached.Load(), withAuth.Load())
	}
	if w := strings.Join(sum.Sources[0].Warnings, "\n"); !strings.Contains(w, "logs missing: server answered 404 Not Found") {
		t.Errorf("warnings: %s", w)
	}
}

// TestCredentialsRedacted: servers echoing the credentials — a proxy
// printing the Authorization header it got, a log server quoting another
// source's token — have them redacted from every message, and no secret
// reaches the summary, the cache or the store.
func TestCredentialsRedacted(t *testing.T) {
	j, _ := privateJenkins(t)
	basic := "Basic " + base64.StdEncoding.EncodeToString([]byte(jenkinsUser+":"+jenkinsToken))
	echo := []byte("<html><body>proxy error: upstream refused request with Authorization: " + basic +
		" (user " + jenkinsUser + ", token " + jenkinsToken + ")</body></html>")
	j.Inject(replay.Suffix("/consoleText"), replay.Fault{Status: http.StatusInternalServerError, Body: echo, Times: 1})
	j.Inject(replay.Suffix("/consoleText"), replay.Fault{Status: http.StatusForbidden, Body: echo})
	z := replay.NewZuul(t, fewBuilds(t), replay.ZuulOptions{Token: zuulToken, LogServer: true})
	z.Inject(replay.Suffix("/zuul-manifest.json"), replay.Fault{Status: http.StatusBadRequest,
		Body: []byte(`{"error": "bad token ` + zuulToken + `", "seen": "` + jenkinsToken + `"}`)})
	st := openStore(t)
	opts := testOptions(t)
	opts.LookupEnv = env
	zspec := zuulSpec(z)
	zspec.TokenEnv = "ZUUL_TOKEN"
	sum := fetchOnce(t, []Spec{jenkinsSpec(j), zspec}, st, opts)
	js, zs := sum.Sources[0], sum.Sources[1]
	if js.Err != "" || zs.Err != "" || len(js.LogsMissing) == 0 || len(zs.LogsMissing) == 0 {
		t.Fatalf("jenkins: %s\nzuul: %s", js, zs)
	}
	warns := strings.Join(append(js.Warnings, zs.Warnings...), "\n")
	for _, want := range []string{"Authorization: Basic [redacted] (user [redacted], token [redacted])", `bad token [redacted]", "seen": "[redacted]"`} {
		if !strings.Contains(warns, want) {
			t.Errorf("warnings lack %q:\n%s", want, warns)
		}
	}
	got, _ := stored(t, st)
	missing := 0
	for _, b := range got {
		if b.Logs == recheckgen.LogsMissing {
			missing++
		}
	}
	if missing != len(js.LogsMissing)+len(zs.LogsMissing) {
		t.Errorf("%d builds stored with logs missing, %d in the summaries", missing, len(js.LogsMissing)+len(zs.LogsMissing))
	}
	noSecret(t, sum, opts, st.Path())

	// The builds API itself echoing the token: the source fails, redacted.
	z.Inject(replay.Path("/api/tenant/sample/builds"), replay.Fault{Status: http.StatusForbidden,
		Body: []byte(`{"description": "Authorization: Bearer ` + zuulToken + ` refused upstream"}`)})
	st = openStore(t)
	opts.Cache = filepath.Join(t.TempDir(), "cache")
	sum = fetchOnce(t, []Spec{zspec}, st, opts)
	if err := sum.Sources[0].Err; !strings.Contains(err, `server answered 403 Forbidden: {"description": "Authorization: Bearer [redacted] refused upstream"}`) {
		t.Errorf("error %q", err)
	}
	noSecret(t, sum, opts, st.Path())
}
