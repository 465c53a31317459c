package main

import (
	"fmt"

	"github.com/spf13/pflag"
)

// pending is the body of a command whose work has not landed yet: it says
// so plainly instead of pretending.
func pending(name string, issue int) func(*pflag.FlagSet) func([]string, *env) int {
	return func(*pflag.FlagSet) func([]string, *env) int {
		return func(_ []string, e *env) int {
			fmt.Fprintf(e.stderr, "recheckgen %s: not available yet (tracked in issue #%d)\n", name, issue)
			return exitFail
		}
	}
}

var serveCmd = &command{name: "serve", summary: "preview public/ on 127.0.0.1, rebuilding on change", usage: "[--addr 127.0.0.1:8000]",
	help: "Serve previews the built site and rebuilds it when content or queries change.", setup: pending("serve", 4)}
