package main

import (
	"context"
	"errors"
	"fmt"
	neturl "net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/config"
	"github.com/recheckgen/recheckgen/fetch"
	"github.com/recheckgen/recheckgen/internal/rootfile"
	"github.com/recheckgen/recheckgen/internal/termsafe"
	"github.com/recheckgen/recheckgen/queryfile"
	"github.com/recheckgen/recheckgen/store"
	"github.com/recheckgen/recheckgen/triage"
	"github.com/recheckgen/recheckgen/zuul"
	"github.com/spf13/pflag"
)

var triageCmd = &command{
	name:    "triage",
	summary: "explain one failed build: its known bugs, or the lines that say why",
	usage:   "[flags] BUILD",
	help: `
Triage explains one failed build. BUILD is the uuid of a build in the store
(or its first seven characters or more), or a build directory (a build.json
and its logs, read into a store of its own for the time of the command).

It says which known bugs' queries match the build, with the matching lines,
the lines around them and the runbook section; and, for what no query
explains, the lines most likely to say why the build failed, ranked: lines
that the passing builds of the same job never print (the baseline: up to
--baseline SUCCESS builds of the job from the store, same branch first, then
the nearest in time), error-level lines, the last lines of tracebacks, and
the lines just before the job's failure marker (Ansible's "FAILED!", tox's
InvocationError, devstack's "Error on exit"...). Numbers, uuids, hex ids,
addresses, /tmp paths and times are normalised before lines are compared.
docs/triage.md says how each line is scored.

--format markdown writes a review comment ("this failure looks like bug N,
see runbook R"), with every log line in a code block that cannot break it,
for a CI job to post.

BUILD may also be a Zuul build's URL (https://HOST/t/TENANT/build/UUID,
as its page shows it, or its API's): read from the store when it holds the
build with its logs, else fetched on its own — its record and the log files
the ingest's globs select, with the fetch settings' caps, retries and
budget — into a temporary directory, and read from there. Its baseline
still comes from the store.

Examples:
  recheckgen triage 31a1ac657a29ce5c7497674a4bf3d253
  recheckgen triage --format markdown ~/ci/builds/31a1ac6
  recheckgen triage --format json --top 50 31a1ac6
  recheckgen triage https://zuul.opendev.org/t/openstack/build/31a1ac657a29ce5c7497674a4bf3d253
`,
	setup: func(fs *pflag.FlagSet) func([]string, *env) int {
		format := fs.String("format", "text", "text, json, or markdown (a review comment)")
		top := fs.Int("top", 20, "likely failure lines to show")
		baseline := fs.Int("baseline", triage.BaselineSize, "passing builds of the job to compare with")
		context_ := fs.Int("context", 2, "lines shown before and after each line")
		mdLines := fs.Int("comment-lines", 5, "likely failure lines in the markdown comment")
		load := configFlags(fs)
		return func(args []string, e *env) int {
			if len(args) != 1 {
				fmt.Fprintln(e.stderr, "recheckgen triage: name one build: its uuid or its directory (see --help)")
				return exitUsage
			}
			switch *format {
			case "text", "json", "markdown":
			default:
				fmt.Fprintf(e.stderr, "recheckgen triage: --format %q: use text, json or markdown\n", *format)
				return exitUsage
			}
			cfg, dl := load()
			if dl.Errors() > 0 {
				return printDiags(e, dl)
			}
			qs, dl := queryfile.LoadDir(cfg.Dirs.Queries, queryfile.Options{Operator: cfg.Query.DefaultOperator, Fields: cfg.Query.Fields})
			if dl.Errors() > 0 {
				return printDiags(e, dl)
			}
			// Interrupted, it stops and removes the build it fetched and
			// its temporary store.
			ctx, stop := interruptible()
			defer stop()
			fail := func(err error) int {
				if ctx.Err() != nil {
					err = errors.New("interrupted")
				}
				fmt.Fprintf(e.stderr, "recheckgen triage: %s\n", termsafe.Line(err.Error()))
				return exitFail
			}
			t, err := openTarget(ctx, cfg, args[0], e)
			if err != nil {
				return fail(err)
			}
			defer t.close()
			x, err := triage.NewExplainer(ctx, t.base, triage.Options{Rank: triage.RankOptions{Top: *top}, Baseline: *baseline,
				Context: *context_, QueryTimeout: cfg.Report.QueryTimeout})
			if err != nil {
				return fail(err)
			}
			ex, err := x.Explain(ctx, t.build, t.src, qs)
			if err != nil {
				return fail(err)
			}
			for _, qe := range ex.QueryErrors {
				fmt.Fprintf(e.stderr, "warning: query %s\n", qe)
			}
			if !ex.Build.Failed() {
				fmt.Fprintf(e.stderr, "note: build %s did not fail (%s): its lines are ranked all the same\n", ex.Build.UUID, orDash(ex.Build.Result))
			}
			switch *format {
			case "json":
				return writeJSON(e.rawOut, ex)
			case "markdown":
				fmt.Fprint(e.rawOut, triage.Markdown(ex, triage.Links{Site: cfg.Site.BaseURL, LineURL: cfg.Site.LineURL}, *mdLines))
			default:
				triage.WriteText(e.stdout, ex, len(qs))
			}
			return exitOK
		}
	},
}

// target is the build triage explains and where it is read.
type target struct {
	build recheckgen.Build
	src   triage.Source
	base  recheckgen.LogReader // where baselines come from; nil for none
	close func()
}

// openTarget finds the build an argument names: a build directory (read
// into a store of its own unless the configured store holds it already),
// a Zuul build's URL (fetched unless the store holds it), or the uuid of
// a stored build.
func openTarget(ctx context.Context, cfg *config.Config, arg string, e *env) (*target, error) {
	isURL := strings.HasPrefix(arg, "http://") || strings.HasPrefix(arg, "https://")
	var ref zuul.BuildURL
	if isURL {
		var err error
		if ref, err = zuul.ParseBuildURL(arg); err != nil {
			return nil, err
		}
	}
	b, err := openBackend(ctx, cfg, false, e)
	if err != nil {
		return nil, err
	}
	base, _ := b.(recheckgen.LogReader)
	t := &target{src: triage.Source{Backend: b, Reader: base}, base: base, close: func() { b.Close() }}
	if isURL {
		return t.fetched(ctx, cfg, ref, e)
	}
	if st, err := os.Stat(arg); err == nil && st.IsDir() {
		uuid, err := dirUUID(arg)
		if err != nil {
			t.close()
			return nil, err
		}
		if base != nil {
			if build, ok, err := findBuild(ctx, base, uuid, false); err != nil {
				t.close()
				return nil, err
			} else if ok && build.Logs == "" {
				t.build = build
				return t, nil
			}
		}
		return t.ownStore(ctx, cfg, arg, uuid, e)
	}
	if base == nil {
		t.close()
		return nil, fmt.Errorf("the %s backend cannot hand over a whole build: name a build directory, or use the embedded store (--backend sqlite)", cfg.Backend.Type)
	}
	build, ok, err := findBuild(ctx, base, arg, true)
	if err != nil {
		t.close()
		return nil, err
	}
	if !ok {
		t.close()
		return nil, fmt.Errorf("no build %q in the store %s, and no such directory", arg, cfg.SQLite.Path)
	}
	if build.Logs != "" {
		t.close()
		return nil, fmt.Errorf("the store holds build %s without its logs (%s): name its Zuul URL to fetch them", build.UUID, build.Logs)
	}
	t.build = build
	return t, nil
}

// redacted is a URL without its user information, for messages.
func redacted(s string) string {
	if u, err := neturl.Parse(s); err == nil {
		return u.Redacted()
	}
	return s
}

// fetched is a build named by its Zuul URL: read from the store when it
// holds the build with its logs, else fetched on its own into a temporary
// directory (the fetch settings' caps, retries and budget) and read from
// there; the baseline still comes from the store.
func (t *target) fetched(ctx context.Context, cfg *config.Config, ref zuul.BuildURL, e *env) (*target, error) {
	if t.base != nil {
		build, ok, err := findBuild(ctx, t.base, ref.UUID, false)
		if err != nil {
			t.close()
			return nil, err
		}
		if ok && build.Logs == "" {
			t.build = build
			return t, nil
		}
	}
	tmp, err := os.MkdirTemp("", "recheckgen-fetch-")
	if err != nil {
		t.close()
		return nil, err
	}
	outer := t.close
	t.close = func() { outer(); os.RemoveAll(tmp) }
	fmt.Fprintf(e.stderr, "fetching build %s from %s\n", ref.UUID, redacted(ref.API))
	one, err := fetch.OneBuild(ctx, ref, fetchOptions(cfg, tmp))
	if err != nil {
		t.close()
		return nil, err
	}
	printWarnings(e.stderr, "", one.Warnings, fetchWarnings, "")
	switch one.Logs {
	case recheckgen.LogsNone:
		t.close()
		return nil, fmt.Errorf("build %s published no logs (or none the ingest's globs select): nothing to explain it by", ref.UUID)
	case recheckgen.LogsMissing:
		if one.Files == 0 {
			t.close()
			return nil, fmt.Errorf("build %s: none of its logs could be fetched (see the warnings)", ref.UUID)
		}
		fmt.Fprintf(e.stderr, "warning: some of build %s's logs could not be fetched: the explanation reads the %d file(s) that were\n", ref.UUID, one.Files)
	}
	return t.ownStore(ctx, cfg, one.Dir, ref.UUID, e)
}

// ownStore reads a build directory into a temporary store, which the
// build's lines and the known-bug queries are read from; baselines still
// come from the configured store.
func (t *target) ownStore(ctx context.Context, cfg *config.Config, dir, uuid string, e *env) (*target, error) {
	tmp, err := os.MkdirTemp("", "recheckgen-triage-")
	if err != nil {
		t.close()
		return nil, err
	}
	outer := t.close
	t.close = func() { outer(); os.RemoveAll(tmp) }
	st, err := store.Open(ctx, filepath.Join(tmp, "build.db"))
	if err != nil {
		t.close()
		return nil, err
	}
	outer2 := t.close
	t.close = func() { st.Close(); outer2() }
	sum, err := st.Ingest(ctx, []string{dir}, store.IngestOptions{Globs: cfg.SQLite.Globs, MaxFileBytes: int64(cfg.SQLite.MaxFileMiB) << 20})
	if err != nil {
		t.close()
		return nil, err
	}
	printWarnings(e.stderr, "", texts(sum.Warnings), fetchWarnings, "")
	build, ok, err := findBuild(ctx, st, uuid, false)
	if err != nil || !ok {
		t.close()
		return nil, fmt.Errorf("%s: the build was not read (%v)", dir, err)
	}
	t.build, t.src = build, triage.Source{Backend: st, Reader: st}
	return t, nil
}

// dirUUID reads the uuid of a build directory's build.json.
func dirUUID(dir string) (string, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return "", err
	}
	defer root.Close()
	data, err := rootfile.ReadFile(root, "build.json", rootfile.FollowInside, store.MaxRecord)
	if err != nil {
		return "", fmt.Errorf("%s: not a build directory: %w", dir, err)
	}
	b, err := zuul.Decode(data)
	if err != nil {
		return "", fmt.Errorf("%s: %w", filepath.Join(dir, "build.json"), err)
	}
	return b.UUID, nil
}

// findBuild finds a stored build by uuid, or, when prefix allows, by a
// unique prefix of seven characters or more (Zuul's short uuid).
func findBuild(ctx context.Context, r recheckgen.LogReader, id string, prefix bool) (recheckgen.Build, bool, error) {
	builds, err := r.ListBuilds(ctx)
	if err != nil {
		return recheckgen.Build{}, false, err
	}
	var found []recheckgen.Build
	for _, b := range builds {
		if b.UUID == id {
			return b, true, nil
		}
		if prefix && len(id) >= 7 && strings.HasPrefix(b.UUID, id) {
			found = append(found, b)
		}
	}
	switch len(found) {
	case 0:
		return recheckgen.Build{}, false, nil
	case 1:
		return found[0], true, nil
	}
	return recheckgen.Build{}, false, errors.New(id + " is the start of several builds' uuids: give more of it")
}
