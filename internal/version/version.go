// Package version says which recheckgen this is: for `recheckgen version`
// and for the User-Agent of every request to a server.
package version

import "runtime/debug"

// Version is set at release time with
// -ldflags "-X github.com/recheckgen/recheckgen/internal/version.Version=v1.2.3".
var Version = ""

// String is the release version, else the commit the binary was built
// from, else the module version, else "devel".
func String() string {
	if Version != "" {
		return Version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return "commit " + s.Value[:12]
		}
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	return "devel"
}
