package runbook

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/recheckgen/recheckgen/diag"
)

// RetiredHosts are hosts OpenStack's CI and community have left, with
// where their content went. A link to one sends a reader to nothing,
// unless the text around it is about that era (a section or page whose
// `applies` range has ended).
var RetiredHosts = map[string]string{
	"logs.openstack.org":   "the log links on the build pages of https://zuul.opendev.org",
	"git.openstack.org":    "https://opendev.org",
	"review.openstack.org": "https://review.opendev.org (change numbers were kept)",
	"status.openstack.org": "https://zuul.opendev.org for builds, https://review.opendev.org for changes",
	"freenode.net":         "the OFTC IRC network (irc.oftc.net)",
	"webchat.freenode.net": "the OFTC IRC network (https://webchat.oftc.net)",
	"irc.freenode.net":     "the OFTC IRC network (irc.oftc.net)",
}

// retired says which retired host is named. Hosts match exactly: some
// names under a retired one live on (opensearch.logs.openstack.org is
// OpenStack's log search today).
func retired(host string) (string, bool) {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	host = strings.TrimPrefix(host, "www.")
	_, ok := RetiredHosts[host]
	return host, ok
}

// CheckFreshness warns on links to retired hosts outside historical text:
// text whose page or section has an `applies` era that ended before year.
func (s *Set) CheckFreshness(year int) diag.List {
	var dl diag.List
	for _, p := range s.Pages {
		for _, l := range p.Links {
			u, err := url.Parse(l.Dest)
			if err != nil || u.Host == "" {
				continue
			}
			h, ok := retired(u.Hostname())
			if !ok || p.Historical(l.Line, year) {
				continue
			}
			dl = append(dl, diag.Diagnostic{File: p.File, Line: l.Line, Col: l.Col, Severity: diag.Warning,
				Message: fmt.Sprintf("link to %s, which is retired: today it is %s; or mark the section historical with {#id applies=\"FROM-TO\"}", h, RetiredHosts[h])})
		}
	}
	return dl
}
