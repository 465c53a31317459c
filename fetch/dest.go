package fetch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/internal/httpclient"
	"github.com/recheckgen/recheckgen/store"
	"github.com/recheckgen/recheckgen/zuul"
)

// Span is a half-open span of time, [From, To).
type Span struct{ From, To time.Time }

// Destination is where fetched builds go: the embedded store (Store), or
// a search cluster through its bulk writer. It decides what is new: a
// build it holds is never fetched again.
type Destination interface {
	// Known says which of uuids it holds.
	Known(ctx context.Context, uuids []string) (map[string]bool, error)
	// Put stores the build directories below dirs as origin's builds,
	// each whole or not at all, skipping those it holds.
	Put(ctx context.Context, dirs []string, origin string) (Stored, error)
	// Coverage lists the spans in which origin listed every build, and
	// Cover records one (after its builds were Put).
	Coverage(ctx context.Context, origin string) ([]Span, error)
	Cover(ctx context.Context, origin string, s Span) error
	// Prune removes origin's builds that started before t.
	Prune(ctx context.Context, origin string, t time.Time) (int, error)
	// MissingLogs lists origin's builds held with their logs missing that
	// started at or after since; Put replaces such a build by a later
	// fetch of it (its logs arrived, or a later attempt failed too).
	MissingLogs(ctx context.Context, origin string, since time.Time) ([]store.Missing, error)
}

// Stored is what a destination stored.
type Stored struct {
	Builds   int      `json:"builds"`
	Skipped  int      `json:"skipped"` // held already
	Failed   int      `json:"failed"`  // build directories refused
	Files    int      `json:"files"`
	Lines    int64    `json:"lines"`
	Bytes    int64    `json:"bytes"`
	Warnings []string `json:"warnings"`
	// Detail is the destination's own account (a store.Summary).
	Detail any `json:"-"`
	// Written is what a Cluster destination then wrote to the cluster:
	// Builds written, Skipped (held whole already), Failed documents
	// refused, Bytes sent.
	Written *Stored `json:"written,omitempty"`
}

// Store is the embedded store as a destination: Put ingests.
type Store struct {
	St   *store.Store
	Opts store.IngestOptions // Globs, MaxFileBytes, Progress; Origin is set per Put
}

func (d Store) Known(ctx context.Context, uuids []string) (map[string]bool, error) {
	return d.St.Known(ctx, uuids)
}

func (d Store) Put(ctx context.Context, dirs []string, origin string) (Stored, error) {
	o := d.Opts
	o.Origin = origin
	sum, err := d.St.Ingest(ctx, dirs, o)
	st := Stored{Builds: sum.Builds, Skipped: sum.Skipped, Failed: sum.Failed, Files: sum.Files, Lines: sum.Lines,
		Bytes: sum.Bytes, Warnings: []string{}, Detail: sum}
	for _, w := range sum.Warnings {
		st.Warnings = append(st.Warnings, w.String())
	}
	return st, err
}

func (d Store) Coverage(ctx context.Context, origin string) ([]Span, error) {
	spans, err := d.St.Coverage(ctx, origin)
	out := make([]Span, len(spans))
	for i, s := range spans {
		out[i] = Span(s)
	}
	return out, err
}

func (d Store) Cover(ctx context.Context, origin string, s Span) error {
	return d.St.Cover(ctx, origin, store.Span(s))
}

func (d Store) Prune(ctx context.Context, origin string, t time.Time) (int, error) {
	return d.St.Prune(ctx, origin, t)
}

func (d Store) MissingLogs(ctx context.Context, origin string, since time.Time) ([]store.Missing, error) {
	return d.St.MissingLogs(ctx, origin, since)
}

var _ Destination = Store{}

// withLogs is a build record with the logs state set (zuul.LogsKey) and,
// when they are missing, how many fetches found them so and why,
// replacing whatever the server (or an earlier fetch) wrote under those
// keys.
func withLogs(record []byte, state string, tries int, reason string) ([]byte, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(record, &m); err != nil {
		return nil, fmt.Errorf("build record: %w", err)
	}
	delete(m, zuul.LogsKey)
	delete(m, zuul.LogsTriesKey)
	delete(m, zuul.LogsReasonKey)
	if state != "" {
		m[zuul.LogsKey], _ = json.Marshal(state)
	}
	if state == recheckgen.LogsMissing {
		m[zuul.LogsTriesKey], _ = json.Marshal(tries)
		m[zuul.LogsReasonKey], _ = json.Marshal(reason)
	}
	return json.MarshalIndent(m, "", "  ")
}

// isNotFound says a server answered 404 or 410.
func isNotFound(err error) bool {
	var se *httpclient.StatusError
	return errors.As(err, &se) && (se.Code == http.StatusNotFound || se.Code == http.StatusGone)
}

// Cluster is a search cluster as a destination, filled the way
// `recheckgen ingest --to opensearch` fills it: each build is stored in
// the embedded store first (the staging store, which also keeps the
// coverage and decides what is new), then Write copies to the cluster the
// stored builds it does not hold whole (opensearch.Client.Write). Prune
// empties the staging store; the cluster's daily indices are the
// cluster's to expire.
type Cluster struct {
	Store
	Write func(ctx context.Context) (Stored, error)
}

func (d Cluster) Put(ctx context.Context, dirs []string, origin string) (Stored, error) {
	st, err := d.Store.Put(ctx, dirs, origin)
	if err != nil {
		return st, err
	}
	ws, err := d.Write(ctx)
	st.Warnings = append(st.Warnings, ws.Warnings...)
	st.Written = &ws
	return st, err
}

var _ Destination = Cluster{}
