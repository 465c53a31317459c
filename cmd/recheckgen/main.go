// Command recheckgen turns CI failures into known bugs and runbooks: it
// runs known-bug queries against a log search backend and renders a static
// site. See `recheckgen --help`.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/recheckgen/recheckgen/internal/termsafe"
	"github.com/spf13/pflag"
)

// Exit codes shared by every command.
const (
	exitOK    = 0
	exitFail  = 1 // the command ran and found errors, or failed
	exitUsage = 2 // the command line was wrong
)

// command is one subcommand: its help and how it runs.
type command struct {
	name    string
	summary string
	usage   string // the argument synopsis after the name
	help    string // what it does, examples
	setup   func(fs *pflag.FlagSet) func(args []string, env *env) int
}

// env is what a command may touch: its output streams. Text for people
// goes to stdout and stderr, which show the control characters of
// untrusted text (log lines, build records, server messages) rather than
// let the terminal obey them; JSON, which escapes them itself, and the
// progress bar's own control codes go to the raw streams.
type env struct {
	stdout, stderr io.Writer
	rawOut, rawErr io.Writer
}

func newEnv(stdout, stderr io.Writer) *env {
	return &env{stdout: termsafe.NewWriter(stdout), stderr: termsafe.NewWriter(stderr), rawOut: stdout, rawErr: stderr}
}

var commands = []*command{buildCmd, checkCmd, dryRunCmd, queryCmd, fetchCmd, triageCmd, ingestCmd, importCmd, explainCmd, serveCmd, versionCmd}

func main() {
	os.Exit(run(os.Args[1:], newEnv(os.Stdout, os.Stderr)))
}

func run(args []string, e *env) int {
	if len(args) == 0 {
		usage(e.stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "--help", "help":
		if len(args) > 1 && args[0] == "help" {
			return run([]string{args[1], "--help"}, e)
		}
		usage(e.stdout)
		return exitOK
	case "-v", "--version":
		args[0] = "version"
	}
	c := find(args[0])
	if c == nil {
		fmt.Fprintf(e.stderr, "recheckgen: unknown command %q\n", args[0])
		if s := closest(args[0]); s != "" {
			fmt.Fprintf(e.stderr, "Did you mean `recheckgen %s`?\n", s)
		}
		fmt.Fprintln(e.stderr, "Run `recheckgen --help` for the list of commands.")
		return exitUsage
	}
	return c.run(args[1:], e)
}

func (c *command) run(args []string, e *env) int {
	fs := pflag.NewFlagSet("recheckgen "+c.name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.SortFlags = false
	body := c.setup(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			c.printHelp(e.stdout, fs)
			return exitOK
		}
		fmt.Fprintf(e.stderr, "recheckgen %s: %v\nRun `recheckgen %s --help` for usage.\n", c.name, err, c.name)
		return exitUsage
	}
	return body(fs.Args(), e)
}

func (c *command) printHelp(w io.Writer, fs *pflag.FlagSet) {
	fmt.Fprintf(w, "Usage: recheckgen %s %s\n\n%s\n", c.name, c.usage, strings.TrimSpace(c.help))
	if fs.HasFlags() {
		fs.SetOutput(w)
		fmt.Fprintf(w, "\nFlags:\n%s", fs.FlagUsages())
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, `recheckgen turns CI failures into known bugs and readable runbooks.

It loads known-bug queries (queries/<bug-id>.yaml, elastic-recheck's format),
runs them against a log search backend (an embedded SQLite store, or
OpenSearch/Elasticsearch), and renders a static site into public/: a
dashboard, a page per bug with trend charts, the failures no query explains,
and the runbooks of content/.

Usage: recheckgen <command> [flags] [arguments]

Commands:
`)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Run "recheckgen <command> --help" for a command's flags and examples.
Every command reads recheckgen.yaml from the current directory when present
(--config names another); each setting there also has a flag.
`)
}

func find(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// closest suggests a command for a typo.
func closest(name string) string {
	var names []string
	for _, c := range commands {
		if strings.HasPrefix(c.name, name) || strings.HasPrefix(name, c.name) {
			names = append(names, c.name)
		}
	}
	sort.Strings(names)
	if len(names) > 0 {
		return names[0]
	}
	return ""
}
