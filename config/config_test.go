package config

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen/diag"
	"github.com/recheckgen/recheckgen/lucene"
	"github.com/spf13/pflag"
)

func TestDecode(t *testing.T) {
	c := Default()
	dl := Decode(c, "recheckgen.yaml", []byte(`
site:
  title: My CI
  base_url: https://ci.example.org/recheck/
query:
  default_operator: and
  fields: [message, tags]
window:
  length: 14d
  bucket: 6h
  end: 2026-11-20T10:00:00Z
backend:
  type: opensearch
  opensearch:
    urls: [https://search.example.org:9200]
    timeout: 45s
`))
	if len(dl) != 0 {
		t.Fatalf("diagnostics: %v", dl)
	}
	if c.Site.Title != "My CI" || c.Query.DefaultOperator != lucene.AND || len(c.Query.Fields) != 2 ||
		c.Window.Length != 14*24*time.Hour || c.Window.Bucket != 6*time.Hour ||
		c.Backend.Type != "opensearch" || c.OpenSearch.Timeout != 45*time.Second || c.OpenSearch.URLs[0] != "https://search.example.org:9200" {
		t.Errorf("decoded %+v", c)
	}
	if c.Dirs.Public != "public" || c.OpenSearch.Index != "logstash-*" {
		t.Errorf("defaults lost: %+v", c)
	}
	end, latest, err := c.WindowEnd(time.Now())
	if err != nil || latest || !end.Equal(time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("WindowEnd = %v %v %v", end, latest, err)
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		src       string
		line, col int
		msg       string
	}{
		{"site:\n  titel: x\n", 2, 3, "did you mean `title`"},
		{"sites:\n  title: x\n", 1, 1, "did you mean `site`"},
		{"site: x\n", 1, 7, "`site` must be a mapping"},
		{"query:\n  default_operator: XOR\n", 2, 21, "must be AND or OR"},
		{"window:\n  length: ten days\n", 2, 11, "invalid duration"},
		{"window:\n  length: 10d\n  bucket: 7h\n", 2, 11, "whole number of 7h buckets"},
		{"window:\n  end: yesterday\n", 2, 8, "not `now`, `latest` or a time"},
		{"backend:\n  type: elastic\n", 2, 9, "unknown backend"},
		{"backend:\n  type: opensearch\n", 2, 9, "needs at least one URL"},
		{"backend:\n  opensearch:\n    urls: [ftp://x]\n", 3, 11, "must be an http(s) URL"},
		{"site:\n  repo_url: javascript:alert(1)\n", 2, 13, "must be an http(s) URL"},
		{"site:\n  raw_html: maybe\n", 2, 13, "must be true or false"},
		{"dirs:\n  public: ''\n", 2, 11, "must name a directory"},
	}
	for _, tt := range tests {
		dl := Decode(Default(), "recheckgen.yaml", []byte(tt.src))
		if len(dl) == 0 {
			t.Errorf("%q: no error", tt.src)
			continue
		}
		d := dl[0]
		if d.Line != tt.line || d.Col != tt.col || !strings.Contains(d.Message, tt.msg) {
			t.Errorf("%q: got %d:%d %q, want %d:%d %q", tt.src, d.Line, d.Col, d.Message, tt.line, tt.col, tt.msg)
		}
	}
}

func TestLoadMissing(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "recheckgen.yaml")
	if c, dl := Load(missing, true); len(dl) != 0 || c.File != "" {
		t.Errorf("optional missing file: %v", dl)
	}
	if _, dl := Load(missing, false); dl.Errors() != 1 || !strings.Contains(dl[0].Message, "no such file") {
		t.Errorf("required missing file: %v", dl)
	}
}

// TestLoadLinked: the config file is a file of the repository, which a
// pull request may make a link: one leading out of its directory (to
// /dev/zero, which took check's memory until it died) is refused by name;
// one to a file beside it is read.
func TestLoadLinked(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "real.yaml"), []byte("window:\n  length: 3d\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, target := range map[string]string{"zero.yaml": "/dev/zero", "beside.yaml": "real.yaml"} {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	if _, dl := Load(filepath.Join(dir, "zero.yaml"), true); dl.Errors() != 1 || !strings.Contains(dl[0].Message, "is a symbolic link leaving the directory") {
		t.Errorf("a link to /dev/zero: %v", dl)
	}
	if c, dl := Load(filepath.Join(dir, "beside.yaml"), false); len(dl) != 0 || c.Window.Length != 3*24*time.Hour {
		t.Errorf("a link to a file beside it: %v %v", c.Window.Length, dl)
	}
}

// TestFlagsWin: a flag given on the command line beats the file, and a
// flag left alone leaves the file's value.
func TestFlagsWin(t *testing.T) {
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	apply := Flags(fs)
	if err := fs.Parse([]string{"--site-title", "From flag", "--window", "3d", "--default-operator", "AND", "--fields", "message,tags"}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(file, []byte("site:\n  title: From file\n  repo_url: https://github.com/o/r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c, dl := Load(file, false)
	if len(dl) != 0 {
		t.Fatal(dl)
	}
	apply(c)
	if !c.ByFlag("site.title") || c.ByFlag("site.repo_url") {
		t.Errorf("ByFlag: %v", c.byFlag)
	}
	if c.Site.Title != "From flag" || c.Site.RepoURL != "https://github.com/o/r" || c.Window.Length != 3*24*time.Hour ||
		c.Query.DefaultOperator != lucene.AND || strings.Join(c.Query.Fields, " ") != "message tags" {
		t.Errorf("got %+v", c)
	}
}

// TestEverySettingHasAFlag keeps the table honest: each key decodes, each
// flag parses, and names are unique.
func TestEverySettingHasAFlag(t *testing.T) {
	keys, flags := map[string]bool{}, map[string]bool{}
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	Flags(fs)
	for _, s := range Settings {
		if keys[s.Key] || flags[s.Flag] {
			t.Errorf("duplicate setting %s / --%s", s.Key, s.Flag)
		}
		keys[s.Key], flags[s.Flag] = true, true
		if fs.Lookup(s.Flag) == nil {
			t.Errorf("no flag --%s", s.Flag)
		}
		if s.Usage == "" {
			t.Errorf("%s has no usage text", s.Key)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{10 * 24 * time.Hour: "10d", time.Hour: "1h", 90 * time.Minute: "1h30m", 30 * time.Second: "30s", 36 * time.Hour: "36h"} {
		if got := FormatDuration(d); got != want {
			t.Errorf("FormatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

// TestDocsListEverySetting keeps the table of docs/configuration.md true.
func TestDocsListEverySetting(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "docs", "configuration.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := string(data)
	for _, s := range Settings {
		key, flag := s.Key, s.Flag
		if strings.HasPrefix(key, "backend.opensearch.fields.") {
			key, flag = "backend.opensearch.fields.<name>", "field-<name>"
		}
		if !strings.Contains(readme, "| `"+key+"` | `--"+flag+"` |") {
			t.Errorf("docs/configuration.md lacks %s (--%s)", key, flag)
		}
	}
}

// TestDocsListEverySourceKey keeps the sources table of
// docs/configuration.md true.
func TestDocsListEverySourceKey(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "docs", "configuration.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range SourceKeys {
		if !strings.Contains(string(data), "| `"+k.Key+"` |") {
			t.Errorf("docs/configuration.md lacks the source key %s", k.Key)
		}
	}
}

func TestDecodeSources(t *testing.T) {
	c := Default()
	dl := Decode(c, "recheckgen.yaml", []byte(`
sources:
  - zuul: https://zuul.opendev.org/api/tenant/openstack
    pipelines: [gate, check]
    jobs: ["tempest-*", devstack]
    voting: true
    since: 3d
    success_logs_percent: 25
  - jenkins: https://jenkins.example.org/job/nightly
    log_results: [FAILURE, UNSTABLE]
    user_env: JENKINS_USER
    password_env: JENKINS_TOKEN
  - sample: .recheckgen/sample
  - dir: ~/ci-logs
fetch:
  keep: 20d
  budget: 10m
`))
	if len(dl) != 0 {
		t.Fatalf("diagnostics: %v", dl)
	}
	if len(c.Sources) != 4 {
		t.Fatalf("sources: %+v", c.Sources)
	}
	z, j := c.Sources[0], c.Sources[1]
	if z.Kind != "zuul" || z.URL != "https://zuul.opendev.org/api/tenant/openstack" || strings.Join(z.Pipelines, ",") != "gate,check" ||
		strings.Join(z.Jobs, ",") != "tempest-*,devstack" || z.Voting == nil || !*z.Voting || z.Since != 3*24*time.Hour || z.SuccessPercent != 25 {
		t.Errorf("zuul: %+v", z)
	}
	if j.Kind != "jenkins" || j.SuccessPercent != DefaultSuccessPercent || strings.Join(j.LogResults, ",") != "FAILURE,UNSTABLE" ||
		j.UserEnv != "JENKINS_USER" || j.PasswordEnv != "JENKINS_TOKEN" || j.TokenEnv != "" || z.UserEnv != "" {
		t.Errorf("jenkins: %+v", j)
	}
	if c.Sources[2].Dir != ".recheckgen/sample" || c.Sources[3].Kind != "dir" {
		t.Errorf("local: %+v", c.Sources[2:])
	}
	if c.FetchSince(z) != 3*24*time.Hour || c.FetchSince(j) != 11*24*time.Hour || c.FetchKeep() != 20*24*time.Hour || c.Fetch.Budget != 10*time.Minute {
		t.Errorf("since %v %v keep %v", c.FetchSince(z), c.FetchSince(j), c.FetchKeep())
	}
}

func TestDecodeSourceErrors(t *testing.T) {
	tests := []struct {
		src       string
		line, col int
		msg       string
	}{
		{"sources: zuul\n", 1, 10, "must be a list of sources"},
		{"sources:\n  - https://x\n", 2, 5, "each source must be a mapping"},
		{"sources:\n  - pipelines: [gate]\n", 2, 5, "names exactly one of zuul, jenkins, sample, dir, found 0"},
		{"sources:\n  - zuul: https://z/api/tenant/t\n    dir: x\n", 2, 5, "found 2"},
		{"sources:\n  - zuul: ftp://z/api/tenant/t\n", 2, 11, "must be an http(s) URL"},
		{"sources:\n  - zuul: https://zuul.example.org/\n", 2, 11, "must be a tenant's API"},
		{"sources:\n  - jenkins: https://ci.example.org/\n", 2, 14, "must be a job, folder or view"},
		{"sources:\n  - zuul: https://z/api/tenant/t\n    pipeline: gate\n", 3, 5, "did you mean `pipelines`"},
		{"sources:\n  - zuul: https://z/api/tenant/t\n    success_logs_percent: 150\n", 3, 27, "between 0 and 100"},
		{"sources:\n  - zuul: https://z/api/tenant/t\n    voting: yes\n", 3, 13, "must be true or false"},
		{"sources:\n  - sample: x\n    jobs: [a]\n", 3, 5, "applies to zuul and jenkins sources, not to sample"},
		{"sources:\n  - dir: ''\n", 2, 10, "must name a directory"},
		{"sources:\n  - zuul: https://z/api/tenant/t\nfetch:\n  keep: 5d\n", 4, 9, "keep must be at least since"},
		{"sources:\n  - jenkins: https://ci/job/x\n    user_env: JENKINS_USER\n", 3, 5, "`user_env` needs `password_env`"},
		{"sources:\n  - jenkins: https://ci/job/x\n    password_env: JENKINS_TOKEN\n", 3, 5, "`password_env` needs `user_env`"},
		{"sources:\n  - zuul: https://z/api/tenant/t\n    user_env: U\n    password_env: P\n    token_env: T\n", 5, 5, "exclude each other"},
		{"sources:\n  - zuul: https://z/api/tenant/t\n    token_env: eyJhbGciOi.secret\n", 3, 16, "the secret itself never goes in the file"},
		{"sources:\n  - dir: x\n    token_env: T\n", 3, 5, "applies to zuul and jenkins sources, not to dir"},
		{"sources:\n  - jenkins: https://bot:s3cret@ci/job/x\n", 2, 14, "must not hold credentials"},
		{"fetch:\n  per_host: 0\n", 2, 13, "between 1 and 64"},
		{"fetch:\n  max_build_mib: 10\n", 2, 18, "at least fetch.max_file_mib"},
	}
	for _, tt := range tests {
		dl := Decode(Default(), "recheckgen.yaml", []byte(tt.src))
		if len(dl) == 0 {
			t.Errorf("%q: no error", tt.src)
			continue
		}
		d := dl[0]
		if d.Line != tt.line || d.Col != tt.col || !strings.Contains(d.Message, tt.msg) {
			t.Errorf("%q: got %d:%d %q, want %d:%d %q", tt.src, d.Line, d.Col, d.Message, tt.line, tt.col, tt.msg)
		}
	}
}

// TestSourceURLCredentialsNotEchoed: a URL holding a password is refused
// without printing the password.
func TestSourceURLCredentialsNotEchoed(t *testing.T) {
	dl := Decode(Default(), "recheckgen.yaml", []byte("sources:\n  - jenkins: https://bot:s3cret-t0ken@ci.example.org/job/x\n"))
	if len(dl) == 0 || strings.Contains(dl[0].Message, "s3cret-t0ken") {
		t.Errorf("diagnostics: %v", dl)
	}
	// pflag would quote the argument: Validate refuses it instead.
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	apply := Flags(fs)
	if err := fs.Parse([]string{"--source", "jenkins=https://bot:s3cret-t0ken@ci.example.org/job/x"}); err != nil {
		t.Fatal(err)
	}
	c := Default()
	apply(c)
	dl = Validate(c)
	if len(dl) != 1 || !strings.Contains(dl[0].Message, "must not hold credentials") || strings.Contains(dl[0].Message, "s3cret-t0ken") {
		t.Errorf("--source with credentials: %v", dl)
	}
}

// TestSourceURLSecretsNotEchoed: whatever else is wrong with a source's
// URL, the message naming it holds none of its user information (a
// password, or a token given as the user), from the file or the flag.
func TestSourceURLSecretsNotEchoed(t *testing.T) {
	for _, u := range []string{
		"ftp://bot:s3cret-t0ken@z.example.org/api/tenant/t",   // not http(s)
		"https://s3cret-t0ken@z.example.org/api/tenant/t",     // a token as the user
		"https://bot:s3cret-t0ken@z.example.org:port/api/x",   // does not parse
		"https://bot:s3cret-t0ken@z.example.org/no/tenant",    // not a tenant's API
		"https://bot:s3cret-t0ken@z.example.org/api/tenant/t", // credentials
		"https://bot:s3cret/t0ken@z.example.org/api/tenant/t", // a "/" in the password: does not parse
		"https://bot:s3cret#t0ken@z.example.org/api/tenant/t", // a "#" in the password
		"bot:s3cret-t0ken@z.example.org/api/tenant/t",         // no scheme
	} {
		dl := Decode(Default(), "recheckgen.yaml", []byte("sources:\n  - zuul: "+u+"\n"))
		if len(dl) == 0 || strings.Contains(fmt.Sprint(dl), "s3cret") {
			t.Errorf("%s in the file: %v", u, dl)
		}
		fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
		fs.SetOutput(io.Discard)
		apply := Flags(fs)
		if err := fs.Parse([]string{"--source", "zuul=" + u}); err != nil {
			if strings.Contains(err.Error(), "s3cret") {
				t.Errorf("%s on the command line: %v", u, err)
			}
			continue
		}
		c := Default()
		apply(c)
		if dl := Validate(c); len(dl) == 0 || strings.Contains(fmt.Sprint(dl), "s3cret") {
			t.Errorf("%s on the command line: %v", u, dl)
		}
	}
}

func TestSourceFlag(t *testing.T) {
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	apply := Flags(fs)
	if err := fs.Parse([]string{"--source", "zuul=https://z.example.org/api/tenant/t", "--source", "dir=/tmp/x"}); err != nil {
		t.Fatal(err)
	}
	c := Default()
	c.Sources = []Source{{Kind: "sample", Dir: "s"}}
	apply(c)
	if len(c.Sources) != 2 || c.Sources[0].URL != "https://z.example.org/api/tenant/t" || c.Sources[1].Dir != "/tmp/x" ||
		c.Sources[0].SuccessPercent != DefaultSuccessPercent {
		t.Errorf("flag sources replace the file's: %+v", c.Sources)
	}
	for _, bad := range []string{"zuul", "svn=x", "zuul=https://z.example.org/", "jenkins=file:///etc"} {
		fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
		Flags(fs)
		if err := fs.Parse([]string{"--source", bad}); err == nil {
			t.Errorf("--source %s accepted", bad)
		}
	}
}

// TestLogResultsUnknown: a `log_results` value no build has as its result
// is warned about where it stands, with the result it probably meant;
// known results, in a list or alone, are not.
func TestLogResultsUnknown(t *testing.T) {
	for _, tc := range []struct {
		src       string
		line, col int
		msg       string
	}{
		{"sources:\n  - zuul: https://z/api/tenant/t\n    log_results: [FAILURE, FAILED]\n", 3, 28, "`FAILED` is not a result Zuul or Jenkins gives a build (results are matched exactly, in capitals): no build's logs are fetched for it; did you mean `FAILURE`?"},
		{"sources:\n  - zuul: https://z/api/tenant/t\n    log_results: timed_out\n", 3, 18, "did you mean `TIMED_OUT`?"},
		{"sources:\n  - zuul: https://z/api/tenant/t\n    log_results: [POST_FAILURE, TIMED_OUT, NODE_FAILURE]\n", 0, 0, ""},
		{"sources:\n  - jenkins: https://ci/job/x\n    log_results: [UNSTABLE, FAILURE]\n", 0, 0, ""},
	} {
		dl := Decode(Default(), "recheckgen.yaml", []byte(tc.src))
		if tc.msg == "" {
			if len(dl) != 0 {
				t.Errorf("%q: %v", tc.src, dl)
			}
			continue
		}
		if len(dl) != 1 || dl[0].Severity != diag.Warning || dl[0].Line != tc.line || dl[0].Col != tc.col || !strings.Contains(dl[0].Message, tc.msg) {
			t.Errorf("%q: got %v, want a warning at %d:%d %q", tc.src, dl, tc.line, tc.col, tc.msg)
		}
	}
}

// TestSourceKeyKinds: the kinds and the keys only remote sources take both
// come from SourceKeys, every key one or the other.
func TestSourceKeyKinds(t *testing.T) {
	if want := []string{"zuul", "jenkins", "sample", "dir"}; !slices.Equal(SourceKinds, want) {
		t.Errorf("SourceKinds = %v, want %v", SourceKinds, want)
	}
	if len(SourceKinds)+len(remoteKeys) != len(SourceKeys) || slices.Contains(remoteKeys, "dir") || !slices.Contains(remoteKeys, "token_env") {
		t.Errorf("remoteKeys = %v", remoteKeys)
	}
}
