package recheckgen

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// Tracker names a bug tracker.
type Tracker string

const (
	Launchpad  Tracker = "launchpad"
	GitHub     Tracker = "github"
	Jira       Tracker = "jira"
	Bugzilla   Tracker = "bugzilla"
	Storyboard Tracker = "storyboard"
	// OtherTracker is any other http(s) bug URL: linked, never asked.
	OtherTracker Tracker = "other"
	// NoTracker is a query whose bug is known only by its file name.
	NoTracker Tracker = ""
)

// BugRef says which bug a query tracks and where it lives.
type BugRef struct {
	Tracker Tracker
	// ID is the tracker's own id: "1234567", "openstack/nova#12",
	// "OSPRH-123".
	ID  string
	URL string
}

// Label is a short human name for the bug, such as "LP #1234567".
func (b BugRef) Label() string {
	switch b.Tracker {
	case Launchpad:
		return "LP #" + b.ID
	case GitHub:
		return b.ID
	case Bugzilla:
		return "Bugzilla #" + b.ID
	case Storyboard:
		return "Story " + b.ID
	}
	return b.ID
}

var numericID = regexp.MustCompile(`^[0-9]+$`)

// BugFromID is the bug of a query file with no `bug:` key: a numeric file
// name is a Launchpad bug number, as in elastic-recheck.
func BugFromID(id string) BugRef {
	if numericID.MatchString(id) {
		return BugRef{Tracker: Launchpad, ID: id, URL: "https://bugs.launchpad.net/bugs/" + id}
	}
	return BugRef{Tracker: NoTracker, ID: id}
}

var (
	launchpadPath  = regexp.MustCompile(`^/(?:[^/]+/\+bug|bugs)/([0-9]+)/?$`)
	githubPath     = regexp.MustCompile(`^/([^/]+)/([^/]+)/issues/([0-9]+)/?$`)
	jiraPath       = regexp.MustCompile(`^/(?:.*/)?browse/([A-Z][A-Z0-9_]*-[0-9]+)/?$`)
	storyboardFrag = regexp.MustCompile(`^!/story/([0-9]+)$`)
)

// ParseBugURL recognises a bug URL. Only http and https are accepted, since
// the URL becomes a link on the site; an unrecognised host is an
// OtherTracker bug whose ID is fallbackID.
func ParseBugURL(raw, fallbackID string) (BugRef, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return BugRef{}, fmt.Errorf("invalid bug URL %q: %v", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return BugRef{}, fmt.Errorf("bug URL %q must start with https:// (or http://)", raw)
	}
	if u.Host == "" {
		return BugRef{}, fmt.Errorf("bug URL %q has no host", raw)
	}
	host := strings.ToLower(u.Hostname())
	ref := BugRef{Tracker: OtherTracker, ID: fallbackID, URL: u.String()}
	switch {
	case host == "bugs.launchpad.net" || host == "launchpad.net":
		if m := launchpadPath.FindStringSubmatch(u.Path); m != nil {
			ref.Tracker, ref.ID = Launchpad, m[1]
		}
	case host == "github.com":
		if m := githubPath.FindStringSubmatch(u.Path); m != nil {
			ref.Tracker, ref.ID = GitHub, m[1]+"/"+m[2]+"#"+m[3]
		}
	case strings.HasPrefix(host, "storyboard."):
		if m := storyboardFrag.FindStringSubmatch(u.Fragment); m != nil {
			ref.Tracker, ref.ID = Storyboard, m[1]
		}
	case strings.HasSuffix(u.Path, "/show_bug.cgi"):
		if id := u.Query().Get("id"); numericID.MatchString(id) {
			ref.Tracker, ref.ID = Bugzilla, id
		}
	default:
		if m := jiraPath.FindStringSubmatch(u.Path); m != nil {
			ref.Tracker, ref.ID = Jira, m[1]
		}
	}
	return ref, nil
}
