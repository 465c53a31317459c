package config

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/diag"
	"github.com/recheckgen/recheckgen/yamlfile"
	"go.yaml.in/yaml/v3"
)

// Source is one entry of `sources:`: where builds come from.
type Source struct {
	// Kind is the entry's kind key: zuul, jenkins, sample or dir; URL
	// (zuul, jenkins) or Dir (sample, dir) its value.
	Kind, URL, Dir string
	Pipelines      []string
	Projects       []string
	Branches       []string
	Jobs           []string
	Voting         *bool
	// Since is how far back a listing reaches; 0: Fetch.Since.
	Since time.Duration
	// LogResults are the results whose logs are fetched (empty: every
	// failing result); SuccessPercent the share of SUCCESS builds whose
	// logs are fetched too.
	LogResults     []string
	SuccessPercent int
	// UserEnv and PasswordEnv, or TokenEnv, name the environment
	// variables holding the source's credentials (never the secrets).
	UserEnv, PasswordEnv, TokenEnv string
}

// Remote says the source is fetched over the network.
func (s Source) Remote() bool { return s.Kind == "zuul" || s.Kind == "jenkins" }

// SourceKinds are the keys naming a source's kind.
var SourceKinds = sourceKeys(true)

// remoteKeys are the keys that apply to zuul and jenkins sources only:
// every key but the kinds.
var remoteKeys = sourceKeys(false)

// SourceKey is a key of a `sources:` entry.
type SourceKey struct {
	Key, Usage string
	Kind       bool // it names the source's kind
}

// sourceKeys are the keys that name a kind, or those that do not.
func sourceKeys(kind bool) []string {
	var out []string
	for _, k := range SourceKeys {
		if k.Kind == kind {
			out = append(out, k.Key)
		}
	}
	return out
}

// SourceKeys is every key a `sources:` entry takes, in the order the docs
// list them (a test keeps docs/configuration.md in step).
var SourceKeys = []SourceKey{
	{"zuul", "a Zuul tenant's API, https://HOST/api/tenant/NAME: its builds API is listed, logs come from each build's log_url", true},
	{"jenkins", "a Jenkins job, folder or view (https://HOST/job/NAME, https://HOST/view/NAME): builds from the JSON API, logs from consoleText", true},
	{"sample", "a directory where the built-in sample corpus is generated when missing, then stored", true},
	{"dir", "a directory of build directories (a build.json and logs each), stored as they are", true},
	{"pipelines", "Zuul: pipelines listed (all when absent)", false},
	{"projects", "Zuul: projects listed (all when absent)", false},
	{"branches", "Zuul: branches listed (all when absent)", false},
	{"jobs", "job names listed, as globs (tempest-*); all when absent", false},
	{"voting", "Zuul: true lists only voting jobs, false only non-voting ones (both when absent)", false},
	{"since", "how far back a listing reaches (default fetch.since)", false},
	{"log_results", "results whose logs are fetched (default: every failing result, all but SUCCESS and SKIPPED)", false},
	{"success_logs_percent", "share of SUCCESS builds whose logs are fetched too, chosen by uuid so every run picks the same (default 10)", false},
	{"user_env", "the environment variable holding the user for basic auth (a Jenkins user), with password_env", false},
	{"password_env", "the environment variable holding the password or API token for basic auth, with user_env", false},
	{"token_env", "the environment variable holding a bearer token (Zuul's JWT), instead of user_env and password_env", false},
}

// envName is what an environment variable's name may be.
var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// DefaultSuccessPercent is the share of passing builds whose logs are
// fetched: enough that a query's hits on passing builds stay measurable.
const DefaultSuccessPercent = 10

func sourceKeyNames() []string {
	out := make([]string, len(SourceKeys))
	for i, k := range SourceKeys {
		out[i] = k.Key
	}
	return out
}

// decodeSources reads the `sources:` list, checking each entry where it
// stands in the file.
func decodeSources(doc *yamlfile.Doc, f yamlfile.Field, p *[]Source) diag.List {
	v := f.Value
	if v.Kind == yaml.ScalarNode && v.Tag == "!!null" {
		*p = nil
		return nil
	}
	if v.Kind != yaml.SequenceNode {
		return diag.List{doc.At(v, "`sources` must be a list of sources (- zuul: URL, - jenkins: URL, - sample: DIR, - dir: DIR)")}
	}
	var out []Source
	var dl diag.List
	for _, item := range v.Content {
		if item.Kind != yaml.MappingNode {
			dl = append(dl, doc.At(item, "each source must be a mapping, such as `- zuul: https://zuul.example.org/api/tenant/NAME`"))
			continue
		}
		fields, d := doc.Fields(item, sourceKeyNames(), "a source")
		dl = append(dl, d...)
		s := Source{SuccessPercent: DefaultSuccessPercent}
		var kinds []string
		for _, k := range SourceKinds {
			kf, ok := fields[k]
			if !ok {
				continue
			}
			kinds = append(kinds, k)
			val, d := doc.String(kf)
			if d != nil {
				dl = append(dl, *d)
				continue
			}
			s.Kind = k
			if s.Remote() {
				s.URL = val
			} else {
				s.Dir = val
			}
			if msg := s.check(); msg != "" {
				dl = append(dl, doc.At(kf.Value, msg))
			}
		}
		if len(kinds) != 1 {
			dl = append(dl, doc.At(item, fmt.Sprintf("a source names exactly one of %s, found %d", strings.Join(SourceKinds, ", "), len(kinds))))
			continue
		}
		for name, lst := range map[string]*[]string{"pipelines": &s.Pipelines, "projects": &s.Projects, "branches": &s.Branches,
			"jobs": &s.Jobs, "log_results": &s.LogResults} {
			if kf, ok := fields[name]; ok {
				vals, d := doc.Strings(kf)
				*lst = vals
				dl = append(dl, d...)
			}
		}
		if kf, ok := fields["log_results"]; ok {
			dl = append(dl, unknownResults(doc, kf)...)
		}
		if kf, ok := fields["voting"]; ok {
			b, d := doc.Bool(kf)
			s.Voting = &b
			if d != nil {
				dl = append(dl, *d)
			}
		}
		if kf, ok := fields["since"]; ok {
			dur, d := doc.Duration(kf)
			s.Since = dur
			switch {
			case d != nil:
				dl = append(dl, *d)
			case dur <= 0:
				dl = append(dl, doc.At(kf.Value, "`since` must be positive"))
			}
		}
		if kf, ok := fields["success_logs_percent"]; ok {
			n, d := doc.Int(kf)
			s.SuccessPercent = n
			switch {
			case d != nil:
				dl = append(dl, *d)
			case n < 0 || n > 100:
				dl = append(dl, doc.At(kf.Value, "`success_logs_percent` must be between 0 and 100"))
			}
		}
		dl = append(dl, decodeCredentials(doc, fields, &s)...)
		if !s.Remote() {
			for _, k := range remoteKeys {
				if kf, ok := fields[k]; ok {
					dl = append(dl, doc.At(kf.Key, fmt.Sprintf("`%s` applies to zuul and jenkins sources, not to %s", k, s.Kind)))
				}
			}
		}
		out = append(out, s)
	}
	*p = out
	return dl
}

// decodeCredentials reads a source's user_env, password_env and token_env:
// names of environment variables, basic auth or a token, not both.
func decodeCredentials(doc *yamlfile.Doc, fields map[string]yamlfile.Field, s *Source) diag.List {
	var dl diag.List
	for _, k := range []struct {
		name string
		p    *string
	}{{"user_env", &s.UserEnv}, {"password_env", &s.PasswordEnv}, {"token_env", &s.TokenEnv}} {
		name, p := k.name, k.p
		kf, ok := fields[name]
		if !ok {
			continue
		}
		v, d := doc.String(kf)
		switch {
		case d != nil:
			dl = append(dl, *d)
		case !envName.MatchString(v):
			dl = append(dl, doc.At(kf.Value, fmt.Sprintf("`%s` names an environment variable (letters, digits and _), not %s: the secret itself never goes in the file", name, diag.Quote(v))))
		default:
			*p = v
		}
	}
	switch {
	case s.TokenEnv != "" && (s.UserEnv != "" || s.PasswordEnv != ""):
		dl = append(dl, doc.At(fields["token_env"].Key, "`token_env` (a bearer token) and `user_env`/`password_env` (basic auth) exclude each other"))
	case s.UserEnv != "" && s.PasswordEnv == "":
		dl = append(dl, doc.At(fields["user_env"].Key, "`user_env` needs `password_env` (the password or API token)"))
	case s.PasswordEnv != "" && s.UserEnv == "":
		dl = append(dl, doc.At(fields["password_env"].Key, "`password_env` needs `user_env`"))
	}
	return dl
}

var (
	zuulAPI    = regexp.MustCompile(`/api/tenant/[^/]+/?$`)
	jenkinsURL = regexp.MustCompile(`/(job|view)/[^/]+`)
)

// check says what is wrong with a source's URL or directory ("" when
// nothing).
func (s Source) check() string {
	switch s.Kind {
	case "zuul", "jenkins":
		u, err := url.Parse(s.URL)
		shown := diag.Quote(withoutUser(s.URL))
		if err == nil && u.User != nil {
			return fmt.Sprintf("%s: %s must not hold credentials: name the environment variables holding them with user_env and password_env (or token_env)", s.Kind, shown)
		}
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Sprintf("%s: %s must be an http(s) URL", s.Kind, shown)
		}
		if u.RawQuery != "" || u.Fragment != "" {
			return fmt.Sprintf("%s: %s must have no query or fragment", s.Kind, shown)
		}
		if s.Kind == "zuul" && !zuulAPI.MatchString(u.Path) {
			return fmt.Sprintf("zuul: %s must be a tenant's API, https://HOST/api/tenant/NAME", shown)
		}
		if s.Kind == "jenkins" && !jenkinsURL.MatchString(u.Path) {
			return fmt.Sprintf("jenkins: %s must be a job, folder or view, https://HOST/job/NAME or https://HOST/view/NAME", shown)
		}
	case "sample", "dir":
		if strings.TrimSpace(s.Dir) == "" {
			return s.Kind + ": must name a directory"
		}
	default:
		return fmt.Sprintf("unknown source kind %s (want %s)", diag.Quote(s.Kind), strings.Join(SourceKinds, ", "))
	}
	return ""
}

// withoutUser is a URL as a message may quote it: its user information
// (a password, or a token given as the user) masked, even in a URL that
// does not parse — a password holding "/", "?" or "#", or no scheme — so
// everything up to the last "@" is masked (an "@" in a path masks too
// much of a message, never too little).
func withoutUser(raw string) string {
	prefix, rest := "", raw
	if scheme, after, ok := strings.Cut(raw, "://"); ok {
		prefix, rest = scheme+"://", after
	}
	if i := strings.LastIndex(rest, "@"); i >= 0 {
		return prefix + "xxxxx" + rest[i:]
	}
	return raw
}

// sourcesValue is the --source flag: KIND=URL or KIND=DIR, repeated.
// Given on the command line, the flag's sources replace the file's.
type sourcesValue []Source

func (v *sourcesValue) String() string {
	var out []string
	for _, s := range *v {
		out = append(out, s.Kind+"="+s.URL+s.Dir)
	}
	return strings.Join(out, ",")
}

func (v *sourcesValue) Type() string { return "KIND=URL" }

func (v *sourcesValue) Set(arg string) error {
	kind, val, ok := strings.Cut(arg, "=")
	if !ok {
		return fmt.Errorf("want KIND=URL or KIND=DIR (%s), found %s", strings.Join(SourceKinds, ", "), diag.Quote(arg))
	}
	s := Source{Kind: kind, SuccessPercent: DefaultSuccessPercent}
	if s.Remote() {
		s.URL = val
	} else {
		s.Dir = val
	}
	// pflag quotes the whole argument in its error: a URL holding user
	// information is taken here, and refused by Validate without it.
	if withoutUser(val) != val {
		*v = append(*v, s)
		return nil
	}
	if msg := s.check(); msg != "" {
		return fmt.Errorf("%s", msg)
	}
	*v = append(*v, s)
	return nil
}

// unknownResults warns on each value of `log_results` no Zuul or Jenkins
// build has as its result: matched exactly, a typo (`FAILED`) would fetch
// no logs, silently.
func unknownResults(doc *yamlfile.Doc, f yamlfile.Field) diag.List {
	items := []*yaml.Node{f.Value}
	if f.Value.Kind == yaml.SequenceNode {
		items = f.Value.Content
	}
	var dl diag.List
	for _, it := range items {
		if it.Kind != yaml.ScalarNode || it.Tag == "!!null" || slices.Contains(recheckgen.KnownResults, it.Value) {
			continue
		}
		msg := fmt.Sprintf("`%s` is not a result Zuul or Jenkins gives a build (results are matched exactly, in capitals): no build's logs are fetched for it", it.Value)
		if s := suggestResult(it.Value); s != "" {
			msg += fmt.Sprintf("; did you mean `%s`?", s)
		}
		dl = append(dl, doc.Warn(it, msg))
	}
	return dl
}

// suggestResult is the known result v was probably meant to be: a near
// spelling, else one it begins like (FAILED, FAILURE).
func suggestResult(v string) string {
	v = strings.ToUpper(v)
	if s := yamlfile.Suggest(v, recheckgen.KnownResults); s != "" {
		return s
	}
	for _, r := range recheckgen.KnownResults {
		if n := min(len(r), len(v), 4); n == 4 && r[:n] == v[:n] {
			return r
		}
	}
	return ""
}
