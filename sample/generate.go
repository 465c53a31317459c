package sample

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"time"
)

// Generate writes the corpus of opts into dir: dir/<build uuid>/build.json
// and logs for every planned build, plus the edge cases. dir must be
// absent or empty. The corpus is written into a temporary directory
// beside dir and renamed into place at the end, so a failed or
// interrupted run never leaves half a corpus behind.
func Generate(dir string, opts Options) (Manifest, error) {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return Manifest{}, fmt.Errorf("sample: %s is not empty", dir)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return Manifest{}, fmt.Errorf("sample: %w", err)
	}
	m := Plan(opts)
	parent := filepath.Dir(filepath.Clean(dir))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return Manifest{}, fmt.Errorf("sample: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		return Manifest{}, fmt.Errorf("sample: %w", err)
	}
	done := false
	defer func() {
		if !done {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.Chmod(tmp, 0o755); err != nil {
		return Manifest{}, fmt.Errorf("sample: %w", err)
	}

	// Builds are independent: write them in parallel. Each has its own
	// random source, so the output does not depend on scheduling.
	jobs := make(chan int)
	errs := make([]error, len(m.Builds))
	var wg sync.WaitGroup
	for w := 0; w < max(1, runtime.GOMAXPROCS(0)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				errs[i] = writeFiles(filepath.Join(tmp, m.Builds[i].Dir), render(m.Builds[i]))
			}
		}()
	}
	for i := range m.Builds {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return Manifest{}, fmt.Errorf("sample: build %s: %w", m.Builds[i].UUID, err)
		}
	}
	if err := writeEdges(tmp, m.Edges, opts.withDefaults()); err != nil {
		return Manifest{}, fmt.Errorf("sample: %w", err)
	}
	if err := os.Remove(dir); err != nil && !errors.Is(err, os.ErrNotExist) {
		return Manifest{}, fmt.Errorf("sample: %w", err) // filled meanwhile
	}
	if err := os.Rename(tmp, dir); err != nil {
		return Manifest{}, fmt.Errorf("sample: %w", err)
	}
	done = true
	return m, nil
}

// render writes every file of build b in memory, in a fixed order.
func render(b BuildInfo) []file {
	g := newBuild(b)
	g.addRaw("build.json", buildJSON(b))
	if b.Era != EraJenkins { // Jenkins kept no inventory
		g.addRaw("zuul-info/inventory.yaml", g.inventory())
	}
	switch b.Family {
	case FamilyTripleO:
		g.tripleo()
	case FamilyMagnum:
		g.magnum()
	default:
		g.devstack()
	}
	g.add("logs/syslog.txt", g.syslog())
	for i := range g.files {
		switch {
		case g.files[i].name != "job-output.txt":
		case b.Era == EraJenkins:
			g.files[i].name = "console.html"
		case b.Gzip:
			g.files[i] = file{name: "job-output.txt.gz", raw: gzipBytes(g.files[i].w.buf)}
		}
	}
	return g.files
}

func writeFiles(dir string, files []file) error {
	for _, f := range files {
		data := f.raw
		if f.w != nil {
			data = f.w.buf
		}
		p := filepath.Join(dir, filepath.FromSlash(f.name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// gzipBytes compresses with an empty header (no time, no name), so that
// the output is the same on every run.
func gzipBytes(data []byte) []byte {
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed)
	zw.Write(data)
	zw.Close()
	return b.Bytes()
}

const zuulTime = "2006-01-02T15:04:05"

// seconds is a duration as Zuul writes it: a float, "1316.0".
type seconds float64

func (s seconds) MarshalJSON() ([]byte, error) {
	return strconv.AppendFloat(nil, float64(s), 'f', 1, 64), nil
}

// The two shapes of Zuul's build record, fields in Zuul's order.
type flatRecord struct {
	ID          int64        `json:"_id"`
	UUID        string       `json:"uuid"`
	JobName     string       `json:"job_name"`
	Result      string       `json:"result"`
	Held        bool         `json:"held"`
	StartTime   string       `json:"start_time"`
	EndTime     string       `json:"end_time"`
	Duration    seconds      `json:"duration"`
	Voting      bool         `json:"voting"`
	LogURL      string       `json:"log_url"`
	NodeName    string       `json:"node_name"`
	ErrorDetail *string      `json:"error_detail"`
	Final       bool         `json:"final"`
	Artifacts   []artifact   `json:"artifacts"`
	Provides    []struct{}   `json:"provides"`
	Project     string       `json:"project"`
	Branch      string       `json:"branch"`
	Pipeline    string       `json:"pipeline"`
	Change      int          `json:"change"`
	Patchset    string       `json:"patchset"`
	Ref         string       `json:"ref"`
	Newrev      *string      `json:"newrev"`
	RefURL      string       `json:"ref_url"`
	EventID     string       `json:"event_id"`
	Buildset    flatBuildset `json:"buildset"`
}

type flatBuildset struct {
	UUID string `json:"uuid"`
}

type nestedRecord struct {
	ID             int64          `json:"_id"`
	UUID           string         `json:"uuid"`
	JobName        string         `json:"job_name"`
	Result         string         `json:"result"`
	Held           bool           `json:"held"`
	StartTime      string         `json:"start_time"`
	EndTime        string         `json:"end_time"`
	Duration       seconds        `json:"duration"`
	Voting         bool           `json:"voting"`
	LogURL         string         `json:"log_url"`
	Nodeset        string         `json:"nodeset"`
	ErrorDetail    *string        `json:"error_detail"`
	Final          bool           `json:"final"`
	Artifacts      []artifact     `json:"artifacts"`
	Provides       []struct{}     `json:"provides"`
	Ref            refRecord      `json:"ref"`
	Pipeline       string         `json:"pipeline"`
	EventID        string         `json:"event_id"`
	EventTimestamp string         `json:"event_timestamp"`
	Buildset       nestedBuildset `json:"buildset"`
}

type refRecord struct {
	Project  string  `json:"project"`
	Branch   string  `json:"branch"`
	Change   int     `json:"change"`
	Patchset string  `json:"patchset"`
	Ref      string  `json:"ref"`
	Oldrev   *string `json:"oldrev"`
	Newrev   *string `json:"newrev"`
	RefURL   string  `json:"ref_url"`
}

type nestedBuildset struct {
	UUID string      `json:"uuid"`
	Refs []refRecord `json:"refs"`
}

type artifact struct {
	Name     string            `json:"name"`
	URL      string            `json:"url"`
	Metadata map[string]string `json:"metadata,omitempty"`
}

// buildJSON writes b's record in Zuul's flat (9 and older) or nested (10
// and newer) shape, as zuul-builds.md describes them.
func buildJSON(b BuildInfo) []byte {
	r := rand.New(rand.NewPCG(uint64(b.Change), uint64(b.Patchset)<<32|uint64(len(b.Pipeline))))
	buildset := hex(r, 32) // one buildset per change, patchset and pipeline
	event := hex(rand.New(rand.NewPCG(uint64(b.Start.Unix()), uint64(b.Change))), 32)
	id := 23400000 + b.Start.Unix()%1000000
	arts := []artifact{{Name: "Zuul Manifest", URL: b.LogURL + "zuul-manifest.json", Metadata: map[string]string{"type": "zuul_manifest"}}}
	ref := refRecord{Project: b.Project, Branch: b.Branch, Change: b.Change, Patchset: fmt.Sprint(b.Patchset), Ref: b.Ref,
		RefURL: fmt.Sprintf("https://review.opendev.org/%d", b.Change)}
	var rec any
	if b.Nested {
		rec = nestedRecord{ID: id, UUID: b.UUID, JobName: b.Job, Result: b.Result, StartTime: b.Start.Format(zuulTime),
			EndTime: b.End.Format(zuulTime), Duration: seconds(b.End.Sub(b.Start).Seconds()), Voting: b.Voting, LogURL: b.LogURL,
			Nodeset: b.Nodeset, Final: true, Artifacts: arts, Provides: []struct{}{}, Ref: ref,
			Pipeline: b.Pipeline, EventID: event, EventTimestamp: b.Start.Add(-time.Duration(60+b.Start.Unix()%600) * time.Second).Format(zuulTime),
			Buildset: nestedBuildset{UUID: buildset, Refs: []refRecord{ref}}}
	} else {
		rec = flatRecord{ID: id, UUID: b.UUID, JobName: b.Job, Result: b.Result, StartTime: b.Start.Format(zuulTime),
			EndTime: b.End.Format(zuulTime), Duration: seconds(b.End.Sub(b.Start).Seconds()), Voting: b.Voting, LogURL: b.LogURL,
			NodeName: b.Nodeset, Final: true, Artifacts: arts, Provides: []struct{}{},
			Project: b.Project, Branch: b.Branch, Pipeline: b.Pipeline, Change: b.Change, Patchset: fmt.Sprint(b.Patchset),
			Ref: b.Ref, RefURL: ref.RefURL, EventID: event, Buildset: flatBuildset{UUID: buildset}}
	}
	data, _ := json.MarshalIndent(rec, "", "  ")
	return append(data, '\n')
}

// edgeCases lists the broken inputs: two directories whose build record
// is broken or missing, and one valid build holding broken files.
func edgeCases(opts Options) []EdgeCase {
	uuid := edgeUUID(opts)
	return []EdgeCase{
		{Kind: EdgeInvalidBuildJSON, Dir: "edge-invalid-build-json", File: "build.json"},
		{Kind: EdgeNoBuildJSON, Dir: "edge-no-build-json", File: "job-output.txt"},
		{Kind: EdgeTruncatedGzip, Dir: uuid, File: "logs/screen-n-sch.txt.gz", UUID: uuid},
		{Kind: EdgeBinaryFile, Dir: uuid, File: "logs/core.dump.txt", UUID: uuid},
		{Kind: EdgeInvalidUTF8, Dir: uuid, File: "logs/screen-n-cond.txt", UUID: uuid},
	}
}

func edgeUUID(opts Options) string {
	r := rand.New(rand.NewPCG(opts.Seed, 0xed6e))
	return fmt.Sprintf("%016x%016x", r.Uint64(), r.Uint64())
}

// edgeBuild is the valid build that holds the broken files.
func edgeBuild(opts Options) BuildInfo {
	uuid := edgeUUID(opts)
	start := opts.End.Add(-time.Duration(opts.Days) * 24 * time.Hour / 2).Truncate(time.Second)
	b := BuildInfo{UUID: uuid, Dir: uuid, Job: "tempest-full-py3", Project: "openstack/nova", Pipeline: "check", Branch: "master",
		Result: "SUCCESS", Voting: true, Start: start, End: start.Add(71 * time.Minute), Modes: []Mode{ModeNone},
		Family: FamilyDevstack, Change: 951234, Patchset: 2, Provider: "ovh-bhs1", Nodeset: "ubuntu-noble", Era: EraToday}
	b.Ref = fmt.Sprintf("refs/changes/%02d/%d/%d", b.Change%100, b.Change, b.Patchset)
	b.LogURL = fmt.Sprintf("https://logs.example.org/%02d/%d/%d/%s/%s/%s/", b.Change%100, b.Change, b.Patchset, b.Pipeline, b.Job, b.UUID[:7])
	return b
}

func writeEdges(root string, edges []EdgeCase, opts Options) error {
	eb := edgeBuild(opts)
	files := render(eb)
	var oslo bytes.Buffer
	t := eb.Start.Add(20 * time.Minute)
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&oslo, "%s 4242 INFO nova.scheduler.host_manager [None req-%s admin admin] Host filter ignoring hosts: \n", t.Add(time.Duration(i)*7*time.Second).Format("2006-01-02 15:04:05.000"), uuid4(rand.New(rand.NewPCG(uint64(i), 7))))
	}
	gz := gzipBytes(oslo.Bytes())
	var utf bytes.Buffer
	for i := 0; i < 150; i++ {
		ts := t.Add(time.Duration(i) * 9 * time.Second).Format("2006-01-02 15:04:05.000")
		if i == 75 {
			fmt.Fprintf(&utf, "%s 4243 WARNING nova.conductor.manager [-] Instance name \xe9t\xe9-\xff\xfe is not UTF-8 clean\n", ts)
			continue
		}
		fmt.Fprintf(&utf, "%s 4243 DEBUG oslo_service.periodic_task [-] Running periodic task ConductorManager._run_periodic_tasks\n", ts)
	}
	core := append([]byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x04\x00\x3e\x00"), bytes.Repeat([]byte("CORE\x00\x00\x00\x00"), 512)...)
	files = append(files,
		file{name: "logs/screen-n-sch.txt.gz", raw: gz[:len(gz)/2]},
		file{name: "logs/core.dump.txt", raw: core},
		file{name: "logs/screen-n-cond.txt", raw: utf.Bytes()})
	if err := writeFiles(filepath.Join(root, eb.Dir), files); err != nil {
		return err
	}
	job := []byte(eb.Start.Format("2006-01-02 15:04:05.000000") + " | Job console starting\n" +
		eb.Start.Add(time.Second).Format("2006-01-02 15:04:05.000000") + " | Updating git repos\n")
	if err := writeFiles(filepath.Join(root, "edge-invalid-build-json"), []file{
		{name: "build.json", raw: []byte("<html><body><h1>502 Bad Gateway</h1></body></html>\n")},
		{name: "job-output.txt", raw: job}}); err != nil {
		return err
	}
	return writeFiles(filepath.Join(root, "edge-no-build-json"), []file{{name: "job-output.txt", raw: job}})
}
