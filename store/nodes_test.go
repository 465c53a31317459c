package store

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/lucene"
	"github.com/recheckgen/recheckgen/queryfile"
)

// TestNodeFields: the provider and region come from the build's
// zuul-info/inventory.yaml, the label from build.json's nodeset, and each
// field finds only its own value; a bad inventory costs those fields, not
// the build.
func TestNodeFields(t *testing.T) {
	inv, err := os.ReadFile(filepath.Join("..", "zuul", "testdata", "inventory.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	rec := strings.Replace(buildJSON, `"pipeline"`, `"nodeset": "ubuntu-noble", "pipeline"`, 1)
	for id, inventory := range map[string]string{"good": string(inv), "bad": "all: {hosts: [x]}\n", "none": ""} {
		mustWrite(t, filepath.Join(root, id, "build.json"), []byte(strings.ReplaceAll(rec, "%s", id)))
		mustWrite(t, filepath.Join(root, id, "job-output.txt"), []byte("2026-11-20 10:00:01.000000 | the node line\n"))
		if inventory != "" {
			mustWrite(t, filepath.Join(root, id, "zuul-info", "inventory.yaml"), []byte(inventory))
		}
	}
	st, err := Open(context.Background(), filepath.Join(t.TempDir(), "logs.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sum, err := st.Ingest(context.Background(), []string{root}, IngestOptions{Globs: testGlobs})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Builds != 3 || len(sum.Warnings) != 1 || !strings.Contains(sum.Warnings[0].Msg, "not a mapping") {
		t.Errorf("ingest: %d builds, warnings %v", sum.Builds, sum.Warnings)
	}
	win := recheckgen.Window{Start: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC), Bucket: time.Hour}
	for query, want := range map[string]string{
		`node_provider:"ovh-bhs1"`:     "good",
		`node_region:BHS1`:             "good",
		`build_node:"ubuntu-noble"`:    "bad good none",
		`node_provider:"ubuntu-noble"`: "",
		`build_node:"ovh-bhs1"`:        "",
	} {
		q, dl := queryfile.ParseString("q", query+` AND message:node`, queryfile.Options{Operator: lucene.AND})
		if dl.Errors() > 0 {
			t.Fatal(dl)
		}
		m, err := st.Search(context.Background(), q, win, recheckgen.SearchOptions{IncludeNonvoting: true})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, b := range m.Builds {
			got = append(got, b.UUID)
		}
		sort.Strings(got)
		if strings.Join(got, " ") != want {
			t.Errorf("%s matches [%s], want [%s]", query, strings.Join(got, " "), want)
		}
		for _, b := range m.Builds {
			if b.UUID == "good" && (b.Provider != "ovh-bhs1" || b.Region != "BHS1" || b.Node != "ubuntu-noble") {
				t.Errorf("build good reads back as provider %q, region %q, node %q", b.Provider, b.Region, b.Node)
			}
		}
	}
}
