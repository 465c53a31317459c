package triage

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"sync"
	"testing"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/lucene"
	"github.com/recheckgen/recheckgen/queryfile"
	"github.com/recheckgen/recheckgen/store"
)

// TestSetCacheBounded: the baseline cache keeps at most its number of
// builds, dropping the least recently used: a build used again stays,
// and is not read again.
func TestSetCacheBounded(t *testing.T) {
	r := &countingReader{memReader: memReader{builds: map[string][]recheckgen.LogLine{}}, reads: map[string]int{}}
	for _, u := range []string{"a", "b", "c", "d"} {
		r.builds[u] = []recheckgen.LogLine{{File: "job-output.txt", Line: 1, Message: "line of " + u}}
	}
	c := newSetCache(1<<20, 3)
	ctx := context.Background()
	get := func(u string) {
		t.Helper()
		if _, _, err := c.get(ctx, r, recheckgen.Build{UUID: u}); err != nil {
			t.Fatal(err)
		}
		if len(c.entries) > 3 || c.lru.Len() > 3 {
			t.Fatalf("%d builds kept, at most 3", len(c.entries))
		}
	}
	for _, u := range []string{"a", "b", "c", "a", "d", "a", "c", "b"} {
		get(u)
	}
	// d dropped b (a was used after it), b dropped d.
	want := map[string]int{"a": 1, "b": 2, "c": 1, "d": 1}
	if !reflect.DeepEqual(r.reads, want) {
		t.Errorf("reads %v, want %v", r.reads, want)
	}
	c = newSetCache(1, 10) // two builds over the lines' bound: the newest alone stays
	get("a")
	get("b")
	if len(c.entries) != 1 || c.total != 1 {
		t.Errorf("%d builds, %d lines kept", len(c.entries), c.total)
	}
}

type countingReader struct {
	memReader
	mu    sync.Mutex
	reads map[string]int
}

func (r *countingReader) ReadBuild(ctx context.Context, uuid string, fn func(recheckgen.LogLine) error) error {
	r.mu.Lock()
	r.reads[uuid]++
	r.mu.Unlock()
	return r.memReader.ReadBuild(ctx, uuid, fn)
}

// TestRunChunks: a window's triage finds the known bugs' lines a chunk of
// builds at a time (each search asks for at most a chunk's builds), and
// explains exactly as in one chunk: the same explanations, summaries and
// groups, whatever the chunk and the number of workers.
func TestRunChunks(t *testing.T) {
	st, _ := sampleStore(t)
	_, win, results := triageWindow(t, st)
	ctx := context.Background()
	failed, err := st.FailedBuilds(ctx, win, recheckgen.BuildFilter{})
	if err != nil {
		t.Fatal(err)
	}
	run := func(chunk, workers int) (*Output, []*recheckgen.Explanation, *chunkStore) {
		t.Helper()
		defer func(k int) { knownChunk = k }(knownChunk)
		knownChunk = chunk
		cs := &chunkStore{Store: st}
		out, err := Run(ctx, Input{Backend: cs, Reader: st, Window: win, Failed: failed, Results: results, Workers: workers,
			QueryOptions: queryfile.Options{Operator: lucene.AND}, Dir: "queries", SpoolDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { out.Close() })
		es := explanations(t, out)
		sort.Slice(es, func(i, j int) bool { return es[i].Build.UUID < es[j].Build.UUID })
		return out, es, cs
	}
	whole, wantES, cs := run(len(failed), 1)
	if cs.calls == 0 || cs.most < 10 {
		t.Fatalf("the sample's searches: %d calls, at most %d builds", cs.calls, cs.most)
	}
	for _, c := range []struct{ chunk, workers int }{{7, 2}, {50, 3}} {
		t.Run(fmt.Sprintf("chunk%d-workers%d", c.chunk, c.workers), func(t *testing.T) {
			out, es, cs := run(c.chunk, c.workers)
			if cs.most > c.chunk {
				t.Errorf("a search asked for %d builds at once, more than the chunk's %d", cs.most, c.chunk)
			}
			if !reflect.DeepEqual(es, wantES) {
				t.Errorf("explanations differ from those made in one chunk")
			}
			if !reflect.DeepEqual(out.Builds, whole.Builds) || !reflect.DeepEqual(out.Groups, whole.Groups) {
				t.Errorf("summaries or groups differ from those made in one chunk")
			}
		})
	}
}

// chunkStore is the store, counting the builds each SearchBuilds asks for.
type chunkStore struct {
	*store.Store
	mu          sync.Mutex
	calls, most int
}

func (s *chunkStore) SearchBuilds(ctx context.Context, q recheckgen.Query, win recheckgen.Window, uuids []string, perBuild int) (map[string]recheckgen.BuildHits, error) {
	s.mu.Lock()
	s.calls++
	s.most = max(s.most, len(uuids))
	s.mu.Unlock()
	return s.Store.SearchBuilds(ctx, q, win, uuids, perBuild)
}
