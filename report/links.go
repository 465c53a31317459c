package report

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/recheckgen/recheckgen"
)

// Links are the address templates of a CI system: where a change, a build
// page and a line of a log are read. A template's {name} placeholders are
// replaced with the build's values, path-escaped; an empty template, a
// missing value or a result that is not an absolute http(s) URL gives no
// link.
type Links struct {
	// ChangeURL: {change}, {patchset}, {project}
	// ("https://review.opendev.org/{change}").
	ChangeURL string
	// BuildURL: {uuid}, {job}, {project}
	// ("https://zuul.opendev.org/t/openstack/build/{uuid}").
	BuildURL string
	// LineURL: {log_url} (ending in /), {file}, {line}, {uuid}
	// ("{log_url}{file}#L{line}").
	LineURL string
}

// Change is the address of the change a build ran for.
func (l Links) Change(b recheckgen.Build) string {
	if b.Change == "" {
		return ""
	}
	return expand(l.ChangeURL, map[string]string{"change": b.Change, "patchset": b.Patchset, "project": b.Project})
}

// BuildPage is the address of the CI system's page for a build.
func (l Links) BuildPage(b recheckgen.Build) string {
	return expand(l.BuildURL, map[string]string{"uuid": b.UUID, "job": b.Job, "project": b.Project})
}

// LogLine is the address of one line of a build's log file.
func (l Links) LogLine(b recheckgen.Build, file string, line int) string {
	if b.LogURL == "" || file == "" {
		return ""
	}
	vals := map[string]string{"log_url": strings.TrimSuffix(b.LogURL, "/") + "/", "file": file, "uuid": b.UUID}
	if line > 0 {
		vals["line"] = strconv.Itoa(line)
	} else {
		// No line number: link the file itself.
		t := l.LineURL
		if i := strings.Index(t, "#"); i >= 0 && strings.Contains(t[i:], "{line}") {
			t = t[:i]
		}
		return expand(t, vals)
	}
	return expand(l.LineURL, vals)
}

// expand fills a template; "" when a placeholder has no value or the
// result is not an absolute http(s) URL.
func expand(t string, vals map[string]string) string {
	if t == "" {
		return ""
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(t, '{')
		if i < 0 {
			b.WriteString(t)
			break
		}
		j := strings.IndexByte(t[i:], '}')
		if j < 0 {
			b.WriteString(t)
			break
		}
		name := t[i+1 : i+j]
		v, ok := vals[name]
		if !ok || v == "" {
			return ""
		}
		b.WriteString(t[:i])
		switch name {
		case "log_url":
			b.WriteString(v) // already a URL
		case "file", "project":
			b.WriteString(escapePath(v))
		default:
			b.WriteString(url.PathEscape(v))
		}
		t = t[i+j+1:]
	}
	return SafeURL(b.String())
}

// SafeURL returns u when it is an absolute http(s) URL, else "": links
// from logs, builds and query files may point nowhere else.
func SafeURL(u string) string {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return ""
	}
	return p.String()
}

// escapePath escapes each segment of a slash path.
func escapePath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		parts[i] = url.PathEscape(s)
	}
	return strings.Join(parts, "/")
}
