package zuul

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// BuildURL is a Zuul build someone named by a URL: the API its record is
// read from, and its uuid.
type BuildURL struct {
	// API is the tenant's API (https://HOST/api/tenant/NAME), or a
	// white-labelled tenant's (https://HOST/api).
	API  string
	UUID string
}

// Record is the URL of the build's record: API/build/UUID.
func (b BuildURL) Record() string { return b.API + "/build/" + b.UUID }

// uuidRE is a build uuid as Zuul makes them (uuid4().hex).
var uuidRE = regexp.MustCompile(`^[0-9a-f]{32}$`)

// ParseBuildURL reads the URL of a Zuul build as its web pages and its
// API spell it, under any path prefix (https://HOST/zuul/...):
//
//	https://HOST/t/TENANT/build/UUID             the build's page
//	https://HOST/api/tenant/TENANT/build/UUID    its record
//	https://HOST/build/UUID                      a white-labelled tenant's page
//	https://HOST/api/build/UUID                  and record
//
// A page's sub-path (/build/UUID/logs, /console) and its query and
// fragment are ignored. The scheme is http or https; the uuid is 32
// hexadecimal digits (any case, given in lower case).
func ParseBuildURL(s string) (BuildURL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return BuildURL{}, fmt.Errorf("not a URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return BuildURL{}, fmt.Errorf("%s: not an http or https URL", redactURL(s))
	}
	parts := strings.Split(strings.Trim(u.Path, "/"), "/")
	for i := len(parts) - 2; i >= 0; i-- {
		if parts[i] != "build" || !uuidRE.MatchString(strings.ToLower(parts[i+1])) {
			continue
		}
		prefix, api := parts[:i], ""
		switch n := len(prefix); {
		case n >= 2 && prefix[n-2] == "t":
			api = strings.Join(append(prefix[:n-2:n-2], "api", "tenant", prefix[n-1]), "/")
		case n >= 3 && prefix[n-3] == "api" && prefix[n-2] == "tenant":
			api = strings.Join(prefix, "/")
		case n >= 1 && prefix[n-1] == "api":
			api = strings.Join(prefix, "/")
		default:
			api = strings.Join(append(prefix[:n:n], "api"), "/")
		}
		base := url.URL{Scheme: u.Scheme, User: u.User, Host: u.Host, Path: "/" + strings.TrimPrefix(api, "/")}
		return BuildURL{API: base.String(), UUID: strings.ToLower(parts[i+1])}, nil
	}
	return BuildURL{}, fmt.Errorf("%s: not a Zuul build's URL (https://HOST/t/TENANT/build/UUID)", redactURL(s))
}
