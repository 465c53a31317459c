package main

import (
	"fmt"
	"runtime"

	"github.com/recheckgen/recheckgen/internal/version"
	"github.com/spf13/pflag"
)

var versionCmd = &command{
	name:    "version",
	summary: "print the version of recheckgen and of Go",
	usage:   "",
	help:    "Version prints recheckgen's version (the module version, or the commit it was\nbuilt from when known) and the Go version that built it.",
	setup: func(fs *pflag.FlagSet) func([]string, *env) int {
		return func(_ []string, e *env) int {
			fmt.Fprintf(e.stdout, "recheckgen %s (%s)\n", version.String(), runtime.Version())
			return exitOK
		}
	},
}
