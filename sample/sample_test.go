package sample

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	hexenc "encoding/hex"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen/logfile"
	"github.com/recheckgen/recheckgen/zuul"
)

var (
	corpusOnce sync.Once
	corpusDir  string
	corpusMan  Manifest
	corpusErr  error
)

// defaultCorpus generates the default corpus once for all tests.
func defaultCorpus(t *testing.T) (string, Manifest) {
	t.Helper()
	corpusOnce.Do(func() {
		tmp, err := os.MkdirTemp("", "sample-test-")
		if err != nil {
			corpusErr = err
			return
		}
		corpusDir = filepath.Join(tmp, "corpus")
		corpusMan, corpusErr = Generate(corpusDir, DefaultOptions())
	})
	if corpusErr != nil {
		t.Fatal(corpusErr)
	}
	return corpusDir, corpusMan
}

func TestMain(m *testing.M) {
	code := m.Run()
	if corpusDir != "" {
		os.RemoveAll(filepath.Dir(corpusDir))
	}
	os.Exit(code)
}

// treeHashes hashes every file under root by its slash path.
func treeHashes(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		sum := sha256.Sum256(data)
		out[filepath.ToSlash(rel)] = hexenc.EncodeToString(sum[:])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDeterministic(t *testing.T) {
	opts := Options{Builds: 40}
	a, b := filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")
	ma, err := Generate(a, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(b, 0o755); err != nil { // an empty directory is fine too
		t.Fatal(err)
	}
	mb, err := Generate(b, opts)
	if err != nil {
		t.Fatal(err)
	}
	ha, hb := treeHashes(t, a), treeHashes(t, b)
	if len(ha) < 40*6 {
		t.Errorf("only %d files for 40 builds", len(ha))
	}
	if !reflect.DeepEqual(ha, hb) {
		for p, h := range ha {
			if hb[p] != h {
				t.Errorf("%s differs between two runs", p)
			}
		}
		t.Fatalf("two runs differ (%d vs %d files)", len(ha), len(hb))
	}
	if !reflect.DeepEqual(ma, mb) || !reflect.DeepEqual(ma, Plan(opts)) {
		t.Error("manifests differ between Generate, Generate and Plan")
	}
	other := Plan(Options{Builds: 40, Seed: 2})
	if reflect.DeepEqual(ma.Builds, other.Builds) {
		t.Error("another seed planned the same corpus")
	}
}

func TestGenerateRefusesNonEmpty(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "keep"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Generate(dir, Options{Builds: 3})
	if err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("Generate into a non-empty directory: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the directory was changed: %d entries", len(entries))
	}
	siblings, _ := os.ReadDir(filepath.Dir(dir))
	for _, e := range siblings {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary directory %s left behind", e.Name())
		}
	}
}

func TestPlan(t *testing.T) {
	opts := DefaultOptions()
	m := Plan(opts)
	if len(m.Builds) != 320 || len(m.Builds) < 300 {
		t.Fatalf("%d builds", len(m.Builds))
	}
	first, last := m.Builds[0].Start, m.Builds[0].End
	seen := map[string]bool{}
	results := map[string]int{}
	pipelines := map[string]int{}
	for i, b := range m.Builds {
		if seen[b.UUID] || len(b.UUID) != 32 || b.Dir != b.UUID {
			t.Errorf("build %d: bad or repeated uuid %q (dir %q)", i, b.UUID, b.Dir)
		}
		seen[b.UUID] = true
		if i > 0 && b.Start.Before(m.Builds[i-1].Start) {
			t.Errorf("builds out of order at %d", i)
		}
		if b.End.After(last) {
			last = b.End
		}
		if d := b.End.Sub(b.Start); d < 20*time.Minute || d > 150*time.Minute {
			t.Errorf("%s runs %v", b.UUID, d)
		}
		if b.Start.Before(opts.End.Add(-10*24*time.Hour)) || b.End.After(opts.End) {
			t.Errorf("%s runs %v to %v, outside the window", b.UUID, b.Start, b.End)
		}
		results[b.Result]++
		pipelines[b.Pipeline]++
		if len(b.Modes) == 0 || (b.Result == "SUCCESS") != (b.Modes[0] == ModeNone) {
			t.Errorf("%s: result %s with modes %v", b.UUID, b.Result, b.Modes)
		}
		if !strings.HasPrefix(b.LogURL, "https://logs.example.org/") || !strings.HasSuffix(b.LogURL, "/"+b.UUID[:7]+"/") ||
			!strings.Contains(b.LogURL, "/"+b.Pipeline+"/"+b.Job+"/") || !strings.HasSuffix(b.Ref, "/"+itoa(b.Change)+"/"+itoa(b.Patchset)) {
			t.Errorf("%s: log url %s, ref %s", b.UUID, b.LogURL, b.Ref)
		}
		if !b.Voting && b.Pipeline == "gate" {
			t.Errorf("%s: a non-voting job in gate", b.UUID)
		}
	}
	if span := last.Sub(first); span < 10*24*time.Hour {
		t.Errorf("builds span %v, want 10 days", span)
	}
	success := float64(results["SUCCESS"]) / float64(len(m.Builds))
	if success < 0.55 || success > 0.65 || results["FAILURE"] == 0 || results["TIMED_OUT"] == 0 || results["POST_FAILURE"] == 0 {
		t.Errorf("results %v (%.0f%% success)", results, success*100)
	}
	if check := float64(pipelines["check"]) / float64(len(m.Builds)); check < 0.65 || check > 0.85 {
		t.Errorf("pipelines %v", pipelines)
	}
	counts := m.ByMode()
	for _, mode := range FailureModes {
		want := 12
		if mode == ModeUnexplained {
			want = 25
		}
		if counts[mode] < want {
			t.Errorf("mode %s in %d builds, want at least %d", mode, counts[mode], want)
		}
	}
	for _, b := range m.Builds {
		for _, mode := range b.Modes {
			if mode != ModeNone && !contains(mode.Families(), b.Family) {
				t.Errorf("%s: mode %s in a %s job (%s)", b.UUID, mode, b.Family, b.Job)
			}
		}
	}
	if len(m.Edges) != 5 {
		t.Errorf("%d edge cases", len(m.Edges))
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestBuildJSON(t *testing.T) {
	dir, m := defaultCorpus(t)
	if !reflect.DeepEqual(m, Plan(DefaultOptions())) {
		t.Fatal("Generate's manifest differs from Plan's")
	}
	shapes := map[bool]int{}
	for _, b := range m.Builds {
		data, err := os.ReadFile(filepath.Join(dir, b.Dir, "build.json"))
		if err != nil {
			t.Fatal(err)
		}
		got, err := zuul.Decode(data)
		if err != nil {
			t.Fatalf("%s: %v", b.UUID, err)
		}
		if got.Provider != "" {
			t.Errorf("%s: build.json names a provider, which Zuul's records never do", b.UUID)
		}
		root, err := os.OpenRoot(filepath.Join(dir, b.Dir))
		if err != nil {
			t.Fatal(err)
		}
		nodes, err := zuul.ReadInventory(root)
		root.Close()
		if err != nil {
			t.Fatal(err)
		}
		zuul.ApplyNodes(&got, nodes)
		if got.Node != b.Nodeset {
			t.Errorf("%s: node %q, manifest says nodeset %q", b.UUID, got.Node, b.Nodeset)
		}
		provider := b.Provider // from the inventory, which Jenkins builds have not
		if b.Era == EraJenkins {
			provider = ""
		}
		want := []string{b.UUID, b.Job, b.Project, b.Pipeline, b.Branch, itoa(b.Change), itoa(b.Patchset), b.Ref, b.Result, provider, b.LogURL}
		have := []string{got.UUID, got.Job, got.Project, got.Pipeline, got.Branch, got.Change, got.Patchset, got.Ref, got.Result, got.Provider, got.LogURL}
		if !reflect.DeepEqual(want, have) || got.Voting != b.Voting || !got.Start.Equal(b.Start) || !got.End.Equal(b.End) {
			t.Errorf("%s: build.json decodes to %+v, manifest says %+v", b.UUID, got, b)
		}
		nested := bytes.Contains(data, []byte(`"ref": {`))
		if nested != b.Nested {
			t.Errorf("%s: nested %v, manifest says %v", b.UUID, nested, b.Nested)
		}
		shapes[nested]++
		if bytes.Contains(data, []byte("Z\"")) || !bytes.Contains(data, []byte(`"start_time": "`+b.Start.Format("2006-01-02T15:04:05")+`"`)) {
			t.Errorf("%s: times are not zone-less UTC", b.UUID)
		}
	}
	if shapes[true] < len(m.Builds)/3 || shapes[false] < len(m.Builds)/3 {
		t.Errorf("shapes: %d nested, %d flat", shapes[true], shapes[false])
	}
}

// readLines reads a log file, gunzipping .gz files.
func readLines(t *testing.T, p string) []string {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(p, ".gz") {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if data, err = io.ReadAll(zr); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
	}
	return strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
}

// buildFiles reads every log file of a build: slash path (without .gz) to lines.
func buildFiles(t *testing.T, dir string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".yaml") {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[strings.TrimSuffix(filepath.ToSlash(rel), ".gz")] = readLines(t, p)
		return nil
	})
	return out
}

// marker is a string a failure mode writes into a file; only builds with
// one of modes may hold it.
type marker struct {
	// file is a path in the build directory, without .gz: JOB is the job
	// output (console.html or job-output.txt), **/x any file ending in /x,
	// * any file.
	file  string
	text  string
	modes []Mode
	// need says which builds of modes must hold it (nil: all of them).
	need func(b BuildInfo) bool
}

func family(f string) func(BuildInfo) bool { return func(b BuildInfo) bool { return b.Family == f } }

// inFile says whether the marker's file pattern names file name of b.
func (mk marker) inFile(b BuildInfo, name string) bool {
	switch {
	case mk.file == "*":
		return true
	case mk.file == "JOB":
		return name == strings.TrimSuffix(b.JobOutput(), ".gz")
	case strings.HasPrefix(mk.file, "**/"):
		return strings.HasSuffix(name, mk.file[2:])
	}
	return name == mk.file
}

func era(e int) func(BuildInfo) bool { return func(b BuildInfo) bool { return b.Era == e } }

var markers = []marker{
	{"JOB", "tripleo.sh -- Building mistral", nil, func(b BuildInfo) bool { return b.Has(ModeMistralBuild) && b.Era < EraQuickstart }},
	{"JOB", "Build failed. See logs at", []Mode{ModeMistralBuild}, nil},
	{"JOB", "ERROR:dlrn:Build failed. See logs at", []Mode{ModeMistralBuild}, era(EraJenkins)},
	{"JOB", "ERROR:dlrn-build:Build failed. See logs at", []Mode{ModeMistralBuild}, func(b BuildInfo) bool { return b.Era > EraJenkins }},
	{"**/build.log", "error: Failed build dependencies:", []Mode{ModeMistralBuild}, func(b BuildInfo) bool {
		return b.Detail == "missing-build-dependency" && b.Era == EraQuickstart
	}},
	{"**/build.log", "error: Installed (but unpackaged) file(s) found:", []Mode{ModeMistralBuild}, func(b BuildInfo) bool {
		return b.Detail == "unpackaged-files" && b.Era == EraQuickstart
	}},
	{"JOB", "TypeError: client() takes at most 1 argument (5 given)", []Mode{ModeMistralClientTypeError}, nil},
	{"JOB", "Command 'instack-install-undercloud' returned non-zero exit status 1", []Mode{ModeMistralClientTypeError}, nil},
	{"logs/var/log/mistral/executor.log", "TypeError: client() takes at most 1 argument (5 given)", []Mode{ModeMistralClientTypeError}, nil},
	{"logs/var/log/mistral/engine.log", "client() takes at most 1 argument (5 given)", []Mode{ModeMistralClientTypeError}, nil},
	{"**/mistral/executor.log", "Failed to run action", []Mode{ModeMistralClientTypeError, ModeMistralActionFailed}, func(b BuildInfo) bool { return b.Era < EraQuickstart }},
	{"**/mistral/executor.log", "ERROR mistral.engine.default_executor", []Mode{ModeMistralClientTypeError, ModeMistralActionFailed}, era(EraJenkins)},
	{"**/mistral/executor.log", "ERROR mistral.executors.default_executor", []Mode{ModeMistralActionFailed}, era(EraLegacy)},
	{"logs/undercloud/var/log/containers/mistral/executor.log", "WARNING mistral.executors.default_executor", []Mode{ModeMistralActionFailed}, era(EraQuickstart)},
	{"**/mistral/executor.log", "The action raised an exception", []Mode{ModeMistralActionFailed}, era(EraQuickstart)},
	{"logs/var/log/heat/heat-engine.log", "WaitConditionTimeout: resources.ControllerWaitCondition: 0 of 1 received", []Mode{ModeHeatWaitCondition}, family(FamilyTripleO)},
	{"logs/heat/screen-h-eng.txt", "resources.master_wait_condition: WaitConditionTimeout: resources.master_wait_condition: 0 of 1 received", []Mode{ModeHeatWaitCondition}, family(FamilyMagnum)},
	{"logs/screen-magnum-cond.txt", "Cluster error, stack status: CREATE_FAILED", []Mode{ModeHeatWaitCondition}, family(FamilyMagnum)},
	{"JOB", "cluster status: CREATE_FAILED", []Mode{ModeHeatWaitCondition}, family(FamilyMagnum)},
	{"JOB", "CREATE_FAILED", []Mode{ModeHeatWaitCondition}, nil},
	{"*", "WaitConditionTimeout", []Mode{ModeHeatWaitCondition}, nil},
	{"*", "Started Mistral Workflow", nil, func(b BuildInfo) bool { return b.Family == FamilyTripleO && b.Era < EraQuickstart && b.Has(ModeNone) }},
	{"logs/screen-n-cpu.txt", "oslo_messaging.exceptions.MessagingTimeout: Timed out waiting for a reply to message ID ", []Mode{ModeRPCTimeout}, family(FamilyDevstack)},
	{"logs/screen-magnum-cond.txt", "oslo_messaging.exceptions.MessagingTimeout: Timed out waiting for a reply to message ID ", []Mode{ModeRPCTimeout}, family(FamilyMagnum)},
	{"job-output.txt", "tempest.lib.exceptions.ServerFault: Got server fault", []Mode{ModeRPCTimeout}, family(FamilyDevstack)},
	{"*", "Timed out waiting for a reply", []Mode{ModeRPCTimeout}, nil},
	{"job-output.txt", "tempest.lib.exceptions.TimeoutException: Request timed out", []Mode{ModeTempestTimeout}, nil},
	{"job-output.txt", "fixtures._fixtures.timeout.TimeoutException", []Mode{ModeTempestTimeout}, nil},
	{"logs/devstacklog.txt", "Job for devstack@", []Mode{ModeDevstackServiceFailed}, nil},
	{"job-output.txt", "Job for devstack@", []Mode{ModeDevstackServiceFailed}, nil},
	{"job-output.txt", "Job for devstack@n-cpu.service failed because the control process exited with error code.", []Mode{ModeDevstackServiceFailed}, func(b BuildInfo) bool { return b.Detail == "n-cpu" }},
	{"logs/devstacklog.txt", "is not running", []Mode{ModeDevstackServiceFailed}, nil},
	{"**/screen-n-cpu.txt", "systemd[1]: devstack@n-cpu.service: Main process exited, code=exited, status=1/FAILURE", []Mode{ModeDevstackServiceFailed}, func(b BuildInfo) bool { return b.Detail == "n-cpu" }},
	{"*", ".service: Main process exited, code=exited, status=1/FAILURE", []Mode{ModeDevstackServiceFailed}, nil},
	{"logs/syslog.txt", "invoked oom-killer: gfp_mask=", []Mode{ModeOOM}, nil},
	{"*", "invoked oom-killer", []Mode{ModeOOM}, nil},
}

// TestMarkers: every build of a mode holds its markers, in the right
// files, and no other build holds them.
func TestMarkers(t *testing.T) {
	dir, m := defaultCorpus(t)
	hits := make([]map[string]bool, len(markers))
	for i := range hits {
		hits[i] = map[string]bool{}
	}
	for _, b := range m.Builds {
		files := buildFiles(t, filepath.Join(dir, b.Dir))
		for i, mk := range markers {
			for name, lines := range files {
				if !mk.inFile(b, name) {
					continue
				}
				for _, l := range lines {
					if strings.Contains(l, mk.text) {
						hits[i][b.UUID] = true
						break
					}
				}
			}
		}
	}
	for i, mk := range markers {
		if mk.modes == nil { // a landmark the builds of need must hold
			for _, b := range m.Builds {
				if mk.need(b) && !hits[i][b.UUID] {
					t.Errorf("%s %s (era %d, %v): no %q in %s", b.UUID, b.Job, b.Era, b.Modes, mk.text, mk.file)
				}
			}
			continue
		}
		n := 0
		for _, b := range m.Builds {
			want := false
			for _, md := range mk.modes {
				want = want || b.Has(md)
			}
			if want && mk.need != nil {
				want = mk.need(b)
			}
			has := hits[i][b.UUID]
			if has {
				n++
			}
			inModes := false
			for _, md := range mk.modes {
				inModes = inModes || b.Has(md)
			}
			switch {
			case want && !has:
				t.Errorf("%s %s (%s, %v %s): no %q in %s", b.UUID, b.Job, b.Result, b.Modes, b.Detail, mk.text, mk.file)
			case has && !inModes:
				t.Errorf("%s %s (%s, %v): %q in %s, but the build has no mode %v", b.UUID, b.Job, b.Result, b.Modes, mk.text, mk.file, mk.modes)
			}
		}
		if n == 0 {
			t.Errorf("no build holds %q", mk.text)
		}
	}
}

// TestPrecisionTrap: TripleO builds of the toci era print the trap's
// definition on every run; only a failed step prints the trap's trace, the
// bare marker and the pointer to postci.txt, in that order. Quickstart
// builds (tripleo-ci dropped the trap in June 2018) print none of it, and
// no stage banner.
func TestPrecisionTrap(t *testing.T) {
	dir, m := defaultCorpus(t)
	byEra := map[int]int{}
	for _, b := range m.Builds {
		if b.Family != FamilyTripleO {
			continue
		}
		byEra[b.Era]++
		lines := readLines(t, filepath.Join(dir, b.Dir, b.JobOutput()))
		def, echo, bare, banners := 0, 0, 0, 0
		for i, line := range lines {
			_, msg, _ := strings.Cut(line, " | ")
			switch {
			case msg == trapDef:
				def++
			case strings.HasPrefix(msg, "+ ") && strings.HasSuffix(msg, "echo ERROR DURING PREVIOUS COMMAND '^^^'"):
				echo++
				_, next, _ := strings.Cut(lines[min(i+1, len(lines)-1)], " | ")
				_, after, _ := strings.Cut(lines[min(i+2, len(lines)-1)], " | ")
				if next != trapMarker || after != trapPointer {
					t.Errorf("%s: the trap's trace is followed by %q, %q", b.UUID, next, after)
				}
			case msg == trapMarker:
				bare++
			case strings.HasPrefix(msg, "tripleo.sh -- "):
				banners++
			}
		}
		marked := b.Has(ModeMistralBuild) || b.Has(ModeMistralClientTypeError) || b.Has(ModeHeatWaitCondition) || b.Has(ModeMistralActionFailed)
		toci := b.Era < EraQuickstart
		switch {
		case toci && (def != 1 || banners == 0):
			t.Errorf("%s (era %d): %d trap definitions, %d banners", b.UUID, b.Era, def, banners)
		case toci && ((bare > 0) != marked || echo != bare || (b.Result == "SUCCESS" && bare > 0)):
			t.Errorf("%s %s %v: %d traces, %d markers", b.UUID, b.Result, b.Modes, echo, bare)
		case !toci && def+echo+bare+banners > 0:
			t.Errorf("%s (quickstart): %d trap lines, %d banners", b.UUID, def+echo+bare, banners)
		}
	}
	for _, e := range []int{EraJenkins, EraLegacy, EraQuickstart} {
		if byEra[e] < 15 {
			t.Errorf("%d TripleO builds of era %d", byEra[e], e)
		}
	}
}

// TestEras: each build follows its era's layout: Jenkins builds have a
// console.html and no Zuul inventory, the others a job-output and one;
// the workflow line of the TripleO client is printed only before Rocky.
func TestEras(t *testing.T) {
	dir, m := defaultCorpus(t)
	for _, b := range m.Builds {
		_, err := os.Stat(filepath.Join(dir, b.Dir, "zuul-info", "inventory.yaml"))
		if (err == nil) == (b.Era == EraJenkins) {
			t.Errorf("%s (era %d): inventory present: %v", b.UUID, b.Era, err == nil)
		}
		if _, err := os.Stat(filepath.Join(dir, b.Dir, b.JobOutput())); err != nil {
			t.Error(err)
		}
		if b.Family == FamilyTripleO && b.Era == EraQuickstart {
			for _, l := range readLines(t, filepath.Join(dir, b.Dir, b.JobOutput())) {
				if strings.Contains(l, "Started Mistral Workflow") {
					t.Errorf("%s: a quickstart build prints %q", b.UUID, l)
					break
				}
			}
		}
		if (b.Family == FamilyDevstack && b.Era != EraToday) || (b.Has(ModeHeatWaitCondition) && b.Era > EraLegacy) {
			t.Errorf("%s %s: era %d with modes %v", b.UUID, b.Job, b.Era, b.Modes)
		}
	}
}

// TestLogs: file sets per family, line counts, timestamps every reader
// understands, ERROR lines in every failure and none in successes.
func TestLogs(t *testing.T) {
	dir, m := defaultCorpus(t)
	wantFiles := map[string][]string{
		FamilyDevstack: {"logs/devstacklog.txt", "logs/syslog.txt"},
		FamilyTripleO:  {"logs/syslog.txt"},
		FamilyMagnum:   {"logs/devstacklog.txt", "logs/syslog.txt"},
	}
	undercloud := map[int]string{EraJenkins: "logs/var/log/", EraLegacy: "logs/undercloud/var/log/", EraQuickstart: "logs/undercloud/var/log/containers/"}
	services := func(b BuildInfo) []string {
		switch b.Family {
		case FamilyTripleO:
			u := undercloud[b.Era]
			return []string{u + "mistral/engine.log", u + "mistral/executor.log", u + "mistral/api.log", u + "heat/heat-engine.log"}
		case FamilyMagnum:
			return []string{"logs/screen-magnum-api.txt", "logs/screen-magnum-cond.txt", "logs/heat/screen-h-eng.txt"}
		}
		return []string{"logs/screen-n-cpu.txt", "logs/screen-n-api.txt", "logs/screen-c-vol.txt", "logs/screen-neutron-api.txt"}
	}
	total, gz := 0, 0
	for _, b := range m.Builds {
		if b.Gzip {
			gz++
		}
		files := buildFiles(t, filepath.Join(dir, b.Dir))
		want := append([]string{strings.TrimSuffix(b.JobOutput(), ".gz")}, wantFiles[b.Family]...)
		early := (b.Has(ModeUnexplained) && earlyFailure(b.Detail)) || b.Has(ModeDevstackServiceFailed) || b.Has(ModeMistralBuild)
		if !early {
			want = append(want, services(b)...)
		}
		for _, f := range want {
			if files[f] == nil {
				t.Errorf("%s (%s %v): no %s", b.UUID, b.Job, b.Modes, f)
			}
		}
		errorLines := 0
		for name, lines := range files {
			total += len(lines)
			if name == "job-output.txt" && (len(lines) < 200 || len(lines) > 1500) {
				t.Errorf("%s: job-output has %d lines", b.UUID, len(lines))
			}
			if name != "job-output.txt" && contains(services(b), name) && !early && (len(lines) < 100 || len(lines) > 600) {
				t.Errorf("%s: %s has %d lines", b.UUID, name, len(lines))
			}
			var prev time.Time
			for i, l := range lines {
				ts, ok := logfile.Timestamp([]byte(l), b.Start)
				if !ok {
					continue
				}
				if ts.Before(b.Start.Add(-time.Second)) || ts.After(b.End.Add(time.Second)) {
					t.Errorf("%s %s:%d: %v outside the build's %v..%v", b.UUID, name, i+1, ts, b.Start, b.End)
					break
				}
				if ts.Before(prev.Add(-time.Second)) {
					t.Errorf("%s %s:%d: time goes back from %v to %v", b.UUID, name, i+1, prev, ts)
					break
				}
				prev = ts
			}
			for _, l := range lines {
				if strings.Contains(l, "ERROR") && !strings.Contains(l, "echo ERROR DURING PREVIOUS COMMAND") {
					errorLines++
				}
			}
		}
		switch {
		case b.Failed() && errorLines == 0:
			t.Errorf("%s %s %v %s: a failure without an ERROR line", b.UUID, b.Job, b.Modes, b.Detail)
		case !b.Failed() && errorLines > 0:
			t.Errorf("%s %s: a success with %d ERROR lines", b.UUID, b.Job, errorLines)
		}
	}
	if total < 300000 || total > 600000 {
		t.Errorf("%d lines in all", total)
	}
	if share := float64(gz) / float64(len(m.Builds)); share < 0.3 || share > 0.5 {
		t.Errorf("%.0f%% gzipped job outputs", share*100)
	}
}

// TestEdges: the broken inputs are there and break as intended.
func TestEdges(t *testing.T) {
	dir, m := defaultCorpus(t)
	kinds := map[string]EdgeCase{}
	for _, e := range m.Edges {
		kinds[e.Kind] = e
		if _, err := os.Stat(filepath.Join(dir, e.Dir, e.File)); err != nil {
			t.Errorf("%s: %v", e.Kind, err)
		}
		for _, b := range m.Builds {
			if b.Dir == e.Dir {
				t.Errorf("%s lives in valid build %s", e.Kind, b.UUID)
			}
		}
	}
	if data, _ := os.ReadFile(filepath.Join(dir, kinds[EdgeInvalidBuildJSON].Dir, "build.json")); len(data) == 0 {
		t.Error("no invalid build.json")
	} else if _, err := zuul.Decode(data); err == nil {
		t.Error("the invalid build.json decodes")
	}
	if _, err := os.Stat(filepath.Join(dir, kinds[EdgeNoBuildJSON].Dir, "build.json")); err == nil {
		t.Error("the directory without build.json has one")
	}
	e := kinds[EdgeTruncatedGzip]
	data, err := os.ReadFile(filepath.Join(dir, e.Dir, "build.json"))
	if err != nil {
		t.Fatal(err)
	}
	if b, err := zuul.Decode(data); err != nil || b.UUID != e.UUID {
		t.Errorf("the edge build's record: %v, %v", b, err)
	}
	st, err := logfile.Each(filepath.Join(dir, e.Dir, e.File), func(int, []byte) error { return nil })
	if err == nil || st.Lines == 0 {
		t.Errorf("truncated gzip: %d lines, err %v", st.Lines, err)
	}
	e = kinds[EdgeBinaryFile]
	if _, err := logfile.Each(filepath.Join(dir, e.Dir, e.File), func(int, []byte) error { return nil }); err != logfile.ErrBinary {
		t.Errorf("binary file: %v", err)
	}
	e = kinds[EdgeInvalidUTF8]
	if st, err := logfile.Each(filepath.Join(dir, e.Dir, e.File), func(int, []byte) error { return nil }); err != nil || st.InvalidUTF8 != 1 {
		t.Errorf("invalid UTF-8: %+v, %v", st, err)
	}
	// Nothing but the edge cases breaks: every other file reads cleanly.
	var bad []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".yaml") {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		st, err := logfile.Each(p, func(int, []byte) error { return nil })
		if err != nil || st.InvalidUTF8 > 0 || st.LongLines > 0 {
			bad = append(bad, filepath.ToSlash(rel))
		}
		return nil
	})
	sort.Strings(bad)
	want := []string{kinds[EdgeTruncatedGzip].Dir + "/" + kinds[EdgeBinaryFile].File, kinds[EdgeInvalidUTF8].Dir + "/" + kinds[EdgeInvalidUTF8].File, kinds[EdgeTruncatedGzip].Dir + "/" + kinds[EdgeTruncatedGzip].File}
	sort.Strings(want)
	if !reflect.DeepEqual(bad, want) {
		t.Errorf("files that do not read cleanly: %v, want %v", bad, want)
	}
}

func BenchmarkGenerate(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := Generate(filepath.Join(b.TempDir(), "s"), DefaultOptions()); err != nil {
			b.Fatal(err)
		}
	}
}

// TestFaults: every failed build has its faults, one per failure mode, and
// for each fault at least one of its cause lines is in the build, in the
// file the cause names; a successful build has none. Triage's ranking is
// held to these lines.
func TestFaults(t *testing.T) {
	dir, m := defaultCorpus(t)
	for _, b := range m.Builds {
		faults := b.Faults()
		if !b.Failed() {
			if len(faults) != 0 {
				t.Errorf("%s: a successful build with faults %v", b.UUID, faults)
			}
			continue
		}
		if len(faults) != len(b.Modes) {
			t.Errorf("%s %v: %d faults", b.UUID, b.Modes, len(faults))
		}
		files := buildFiles(t, filepath.Join(dir, b.Dir))
		for _, f := range faults {
			if len(f.Lines) == 0 {
				t.Errorf("%s %s %s: no cause line", b.UUID, f.Mode, f.Detail)
				continue
			}
			found := false
			for _, c := range f.Lines {
				for name, lines := range files {
					if !c.In(b, name) {
						continue
					}
					for _, l := range lines {
						found = found || strings.Contains(l, c.Text)
					}
				}
			}
			if !found {
				t.Errorf("%s %s (%s %s %s): none of its cause lines %v", b.UUID, b.Job, b.Result, f.Mode, f.Detail, f.Lines)
			}
		}
	}
}
