package opensearch

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen/internal/fixtures"
)

// recorded reads the real hits of a recorded elastic-recheck response.
func recorded(t testing.TB, name string) []json.RawMessage {
	t.Helper()
	data, err := os.ReadFile(fixtures.Path(t, "responses", name))
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Hits struct {
			Hits []json.RawMessage `json:"hits"`
		} `json:"hits"`
	}
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	return r.Hits.Hits
}

// aggregate answers a search body over docs as Elasticsearch would: the
// aggregations recheckgen asks for, computed from the documents, in
// today's response shape, with the documents (in their recorded shape) as
// hits and top hits.
func aggregate(t testing.TB, docs []json.RawMessage, size int) []byte {
	t.Helper()
	type bucket struct {
		first, last float64
		hit         json.RawMessage
		n           int
	}
	builds := map[string]*bucket{}
	hours := map[int64]map[string]map[string]bool{} // hour → status → builds
	var first, last float64
	for i, raw := range docs {
		var h hit
		json.Unmarshal(raw, &h)
		d := newDoc(h.Source)
		ts, err := time.Parse(time.RFC3339Nano, d.get("@timestamp"))
		if err != nil {
			t.Fatal(err)
		}
		ms := float64(ts.UnixMilli())
		if i == 0 || ms < first {
			first = ms
		}
		if i == 0 || ms > last {
			last = ms
		}
		uuid, status := d.get("build_uuid"), d.get("build_status")
		b := builds[uuid]
		if b == nil {
			b = &bucket{first: ms, last: ms, hit: buildFieldsOnly(h)}
			builds[uuid] = b
		}
		b.first, b.last, b.n = min(b.first, ms), max(b.last, ms), b.n+1
		hour := ts.Truncate(time.Hour).UnixMilli()
		if hours[hour] == nil {
			hours[hour] = map[string]map[string]bool{}
		}
		if hours[hour][status] == nil {
			hours[hour][status] = map[string]bool{}
		}
		hours[hour][status][uuid] = true
	}
	var bb []obj
	for uuid, b := range builds {
		bb = append(bb, obj{"key": uuid, "doc_count": b.n, "first": obj{"value": b.first}, "last": obj{"value": b.last},
			"build": obj{"hits": obj{"hits": []json.RawMessage{b.hit}}}})
	}
	sort.Slice(bb, func(i, j int) bool { return bb[i]["key"].(string) < bb[j]["key"].(string) })
	var hb []obj
	for h, st := range hours {
		var sb []obj
		for s, set := range st {
			sb = append(sb, obj{"key": s, "builds": obj{"value": len(set)}})
		}
		hb = append(hb, obj{"key": h, "status": obj{"buckets": sb}})
	}
	hits := docs[:min(size, len(docs))]
	out, _ := json.Marshal(obj{"took": 3, "timed_out": false, "_shards": obj{"total": 5, "successful": 5, "failed": 0},
		"hits": obj{"hits": hits}, "aggregations": obj{"first": obj{"value": first}, "last": obj{"value": last},
			"builds": obj{"buckets": bb}, "hist": obj{"buckets": hb}}})
	return out
}

// replay is a server on 127.0.0.1 that answers _msearch with answer(i)
// for the i-th query of each request, after fault(n) for request n has
// had its say (return true to have handled the request).
type replay struct {
	*httptest.Server
	requests atomic.Int32
	bodies   [][]byte
}

func newReplay(t testing.TB, answer func(body obj) []byte, fault func(n int, w http.ResponseWriter) bool) *replay {
	r := &replay{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		n := int(r.requests.Add(1))
		body, _ := io.ReadAll(req.Body)
		r.bodies = append(r.bodies, body)
		if fault != nil && fault(n, w) {
			return
		}
		// The path as a server reads it, decoded once: the index pattern
		// as configured, never escaped twice.
		if !strings.HasPrefix(req.URL.Path, "/logstash-*/") {
			t.Errorf("request to %s: the index pattern is not logstash-* once decoded", req.URL.Path)
		}
		if !strings.HasSuffix(req.URL.Path, "/_msearch") {
			w.Write([]byte(`{"aggregations": {"last": {"value": 1382026106601}}}`))
			return
		}
		var items [][]byte
		sc := bufio.NewScanner(bytes.NewReader(body))
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		for i := 0; sc.Scan(); i++ {
			if i%2 == 1 {
				var b obj
				if err := json.Unmarshal(sc.Bytes(), &b); err != nil {
					t.Errorf("request body line %d: %v", i, err)
				}
				items = append(items, answer(b))
			}
		}
		w.Write([]byte(`{"took": 5, "responses": [` + string(bytes.Join(items, []byte(","))) + `]}`))
	}))
	t.Cleanup(r.Close)
	return r
}

func writeGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if os.Getenv("UPDATE_GOLDEN") == "1" {
		os.MkdirAll(filepath.Dir(path), 0o755)
		os.WriteFile(path, got, 0o644)
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (UPDATE_GOLDEN=1 writes it)", err)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs; got:\n%s", path, got)
	}
}

// buildFieldsOnly is a document as a top_hits with a build-field _source
// list returns it: without the message.
func buildFieldsOnly(h hit) json.RawMessage {
	src := map[string]json.RawMessage{}
	for k, v := range h.Source {
		if k != "@message" && k != "message" {
			src[k] = v
		}
	}
	out, _ := json.Marshal(obj{"_source": src})
	return out
}
