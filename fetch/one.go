package fetch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/internal/httpclient"
	"github.com/recheckgen/recheckgen/zuul"
)

// One is a build fetched on its own (OneBuild).
type One struct {
	// Dir is its build directory, in the cache.
	Dir   string
	Build recheckgen.Build
	// Logs is what the directory holds of its logs: "" (its logs),
	// recheckgen.LogsNone or recheckgen.LogsMissing.
	Logs     string
	Files    int
	Bytes    int64
	Warnings []string
}

// OneBuild fetches one Zuul build, named by its URL (someone's paste: see
// zuul.ParseBuildURL), into a build directory under opts.Cache: its
// record from the build API, and its log files whatever its result, as
// Run fetches a failed build's (the same client, caps, retries and
// checks of every name a server sends). Nothing is stored: the caller
// reads the directory. The cache should be the caller's own directory
// (Run's cache is locked and pruned by source, and this build belongs to
// none).
func OneBuild(ctx context.Context, ref zuul.BuildURL, opts Options) (One, error) {
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	if opts.PerHost <= 0 {
		opts.PerHost = 4
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 2 * time.Minute
	}
	if opts.Budget > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, opts.Budget, ErrBudget)
		defer cancel()
	}
	// Anonymous: a pasted URL names no source, so no source's credentials
	// go with it.
	c, err := newClient(opts).forSource(ref.API, Auth{})
	if err != nil {
		return One{}, err
	}
	raw, err := c.get(ctx, ref.Record(), zuul.MaxRecordBytes)
	if err != nil {
		if isNotFound(err) {
			return One{}, fmt.Errorf("%s: no such build (404)", redact(ref.Record()))
		}
		return One{}, fmt.Errorf("%s: %w", redact(ref.Record()), err)
	}
	it, err := zuul.DecodeItem(raw, opts.Now)
	if err != nil {
		return One{}, fmt.Errorf("%s: %w", redact(ref.Record()), err)
	}
	if it.Build.UUID != ref.UUID {
		return One{}, fmt.Errorf("%s: answered with the record of build %s", redact(ref.Record()), short(it.Build.UUID))
	}
	if it.Running() {
		return One{}, fmt.Errorf("build %s has no result yet: it is still running", ref.UUID)
	}
	spec := Spec{Kind: "zuul", URL: ref.API, LogResults: []string{it.Build.Result}}
	r := &run{c: c, spec: spec, key: "build", cache: cache{opts.Cache}, opts: opts, want: selector(opts.Globs, opts.Extra), red: httpclient.NewRedactor(),
		src: newZuul(spec, c, opts.Now, opts.Known), sum: SourceSummary{Warnings: []string{}, LogsMissing: []string{}}}
	if err := os.MkdirAll(r.cache.tmp(), 0o755); err != nil {
		return One{}, fmt.Errorf("cache %s: %w", opts.Cache, err)
	}
	if r.fetchBuild(ctx, listed{b: it.Build, record: it.Raw, manifest: it.ManifestURL}) != buildFetched {
		if err := context.Cause(ctx); err != nil {
			return One{}, err
		}
		return One{}, errors.New(oneLine(fmt.Sprint(r.sum.Warnings)))
	}
	out := One{Dir: r.cache.buildDir(r.key, it.Build.UUID, it.Build.Start), Build: it.Build, Files: r.sum.Files,
		Bytes: r.bytes.Load(), Warnings: r.sum.Warnings}
	switch {
	case r.sum.NoLogs > 0:
		out.Logs = recheckgen.LogsNone
	case len(r.sum.LogsMissing) > 0:
		out.Logs = recheckgen.LogsMissing
	}
	for i, w := range out.Warnings {
		out.Warnings[i] = oneLine(w)
	}
	return out, nil
}
