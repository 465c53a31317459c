package main

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/pflag"
)

// version is set at release time with -ldflags "-X main.version=v1.2.3".
var version = ""

var versionCmd = &command{
	name:    "version",
	summary: "print the version of recheckgen and of Go",
	usage:   "",
	help:    "Version prints recheckgen's version (the module version, or the commit it was\nbuilt from when known) and the Go version that built it.",
	setup: func(fs *pflag.FlagSet) func([]string, *env) int {
		return func(_ []string, e *env) int {
			fmt.Fprintf(e.stdout, "recheckgen %s (%s)\n", versionString(), runtime.Version())
			return exitOK
		}
	},
}

func versionString() string {
	if version != "" {
		return version
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
