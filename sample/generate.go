package sample

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"
)

// Generate writes the corpus of opts into dir, which must not exist or be
// empty. It writes into a temporary directory beside dir and renames it at
// the end, so an interrupted run never leaves half a corpus.
func Generate(dir string, opts Options) (Manifest, error) {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return Manifest{}, fmt.Errorf("sample: %s is not empty", dir)
	}
	m := Plan(opts)
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return m, fmt.Errorf("sample: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, ".sample-*")
	if err != nil {
		return m, fmt.Errorf("sample: %w", err)
	}
	defer os.RemoveAll(tmp)
	opts = opts.withDefaults()
	for i, b := range m.Builds {
		r := rand.New(rand.NewPCG(opts.Seed, uint64(i)+1))
		if err := writeBuild(filepath.Join(tmp, b.UUID), b, r, i); err != nil {
			return m, fmt.Errorf("sample: build %s: %w", b.UUID, err)
		}
	}
	if err := writeBroken(tmp, m.Broken); err != nil {
		return m, fmt.Errorf("sample: %w", err)
	}
	os.Remove(dir) // an empty directory gives way
	if err := os.Rename(tmp, dir); err != nil {
		return m, fmt.Errorf("sample: %w", err)
	}
	return m, nil
}

func writeBuild(dir string, b BuildInfo, r *rand.Rand, i int) error {
	files := map[string][]byte{"build.json": buildJSON(b)}
	for name, lg := range logs(b, r) {
		files[name] = lg.Bytes()
	}
	// A few ingest edge cases ride along in valid builds.
	switch i {
	case 7:
		files["logs/core.dump.txt"] = []byte("\x7fELF\x02\x01\x01\x00\x00\x00core")
	case 11:
		files["logs/locale.txt"] = []byte("2026-11-12 10:00:00.000 1 WARNING oslo.config [-] caf\xe9 is not UTF-8\n")
	case 13:
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		zw.Write(bytes.Repeat([]byte("2026-11-12 10:00:00.000 1 INFO nova.compute.manager [-] heartbeat\n"), 40))
		zw.Close()
		files["logs/screen-n-sch.txt.gz"] = gz.Bytes()[:gz.Len()/2]
	}
	for name, data := range files {
		if name == "job-output.txt" && b.Gzip {
			name, data = name+".gz", gzipBytes(data)
		}
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// gzipBytes compresses with a zero header time, so output is repeatable.
func gzipBytes(data []byte) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(data)
	zw.Close()
	return b.Bytes()
}

func writeBroken(root string, names []string) error {
	files := map[string]string{
		"broken-invalid-json/build.json":      `{"uuid": "badbadbad", "job_name": `,
		"broken-invalid-json/job-output.txt":  "2026-11-15 10:00:00.000000 | never stored\n",
		"broken-no-build-json/job-output.txt": "2026-11-15 10:00:00.000000 | a build directory without its record\n",
	}
	for name, text := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			return err
		}
	}
	return nil
}

const zuulTime = "2006-01-02T15:04:05"

// buildJSON writes the record in Zuul's flat (9 and older) or nested
// (10 and newer) shape.
func buildJSON(b BuildInfo) []byte {
	ref := fmt.Sprintf("refs/changes/%02d/%d/%d", b.Change%100, b.Change, b.Patchset)
	logURL := fmt.Sprintf("https://logs.example.org/%02d/%d/%d/%s/%s/%s/", b.Change%100, b.Change, b.Patchset, b.Pipeline, b.Job, b.UUID[:7])
	rec := map[string]any{
		"uuid": b.UUID, "job_name": b.Job, "result": b.Result, "held": false,
		"start_time": b.Start.Format(zuulTime), "end_time": b.End.Format(zuulTime),
		"duration": b.End.Sub(b.Start).Seconds(), "voting": b.Voting, "log_url": logURL,
		"nodeset": "ubuntu-noble", "node_provider": b.Provider, "error_detail": nil, "final": true,
		"artifacts": []any{}, "provides": []any{}, "pipeline": b.Pipeline,
		"event_id": b.UUID[16:], "buildset": map[string]any{"uuid": b.UUID[:16] + b.UUID[:16]},
	}
	change := map[string]any{"project": b.Project, "branch": b.Branch, "change": b.Change,
		"patchset": fmt.Sprint(b.Patchset), "ref": ref, "ref_url": fmt.Sprintf("https://review.opendev.org/%d", b.Change)}
	if b.Nested {
		change["oldrev"], change["newrev"] = nil, nil
		rec["ref"] = change
		rec["event_timestamp"] = b.Start.Add(-5 * time.Minute).Format(zuulTime)
	} else {
		for k, v := range change {
			rec[k] = v
		}
		rec["node_name"] = "ubuntu-noble"
		delete(rec, "nodeset")
	}
	data, _ := json.MarshalIndent(rec, "", "  ") // map keys sort: stable output
	return append(data, '\n')
}
