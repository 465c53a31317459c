// Package sample generates the built-in sample corpus: realistic, fully
// deterministic OpenStack Zuul build directories (build.json, job-output
// and service logs) of devstack/tempest, TripleO and Magnum jobs over ten
// days, with the failure modes the runbooks describe, failures no
// known-bug query explains, and a few broken inputs the log store must
// survive. It lets the whole tool work on one machine with no CI data.
//
// Identical Options give byte-identical output: every random choice comes
// from fixed-seed PCG sources, nothing reads the clock, no output depends
// on map order, and gzip headers carry no time or name.
package sample

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"time"
)

// Options shape the corpus. A zero field takes its default.
type Options struct {
	End    time.Time // no build runs past End; default 2026-11-20T12:00:00Z
	Days   int       // builds start in the Days before End; default 10
	Builds int       // valid builds; default 320
	Seed   uint64    // default 1
}

// DefaultOptions is the corpus `recheckgen` generates when asked to.
func DefaultOptions() Options { return Options{}.withDefaults() }

func (o Options) withDefaults() Options {
	if o.End.IsZero() {
		o.End = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	}
	o.End = o.End.UTC()
	if o.Days <= 0 {
		o.Days = 10
	}
	if o.Builds <= 0 {
		o.Builds = 320
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	return o
}

// Mode is what a build's logs show: a failure mode, or ModeNone.
type Mode string

// The modes. Each failure mode writes fixed marker strings into fixed
// files (paths relative to the build directory; job-output.txt may be
// job-output.txt.gz), near the end of the run; successful builds never
// hold them. TestMarkers in sample_test.go lists them all.
const (
	// ModeNone marks a successful build: noise only (harmless WARNING
	// lines, DEBUG lines naming timeout options, retried-and-succeeded
	// steps), and in TripleO the echoed error trap
	// "+ ./..//tripleo-ci/scripts/common_functions.sh:delorean_build_and_serve:L1:   echo ERROR DURING PREVIOUS COMMAND '^^^'".
	ModeNone Mode = "none"
	// ModeMistralBuild (TripleO, every era): DLRN fails to build the
	// mistral package. Job output: "Build failed. See logs at: ..." after
	// DLRN's logger ("ERROR:dlrn:" in 2016, "ERROR:dlrn-build:" later);
	// before quickstart (Era 2016, 2018) the stage title "tripleo.sh --
	// Building mistral" and the trap's trace and marker. Quickstart builds
	// (Era 2019) publish mock's log, logs/delorean_logs/<xx>/<yy>/<hash>_dev/build.log:
	// "error: Failed build dependencies:" (Detail missing-build-dependency)
	// or "error: Installed (but unpackaged) file(s) found:" (Detail
	// unpackaged-files); the older jobs kept it in a tarball.
	ModeMistralBuild Mode = "mistral-build-error"
	// ModeMistralClientTypeError (TripleO, Era 2016 only: the break of
	// 2016): python-mistralclient's signature break. job-output: seed 000's traceback ending
	// "TypeError: client() takes at most 1 argument (5 given)" and
	// "Command 'instack-install-undercloud' returned non-zero exit status 1",
	// then the bare trap marker; logs/var/log/mistral/executor.log: an
	// ERROR "Failed to run action" from mistral.engine.default_executor and
	// the TypeError; engine.log the same TypeError.
	ModeMistralClientTypeError Mode = "mistralclient-typeerror"
	// ModeMistralActionFailed (TripleO, every era): an action of the
	// deployment workflow fails. executor.log, by release: Newton (Era
	// 2016) ERROR "Failed to run action" from mistral.engine.default_executor,
	// Pike/Queens (Era 2018) the same from mistral.executors.default_executor,
	// Rocky on (Era 2019) WARNING "The action raised an exception".
	ModeMistralActionFailed Mode = "mistral-action-failed"
	// ModeHeatWaitCondition (TripleO Era 2016, Magnum Era 2018: wait
	// conditions left Magnum's Kubernetes drivers in 2019): a Heat wait
	// condition gets no signal. Heat engine log (logs/undercloud/var/log/heat/heat-engine.log
	// or logs/heat/screen-h-eng.txt): "WaitConditionTimeout: ... 0 of 1
	// received" and "status: CREATE_FAILED reason:
	// resources.<res>: WaitConditionTimeout: resources.<res>: 0 of 1 received";
	// Magnum: logs/screen-magnum-cond.txt "Cluster error, stack status:
	// CREATE_FAILED" and job-output "cluster status: CREATE_FAILED";
	// TripleO: job-output "Stack overcloud/... CREATE_FAILED" and the bare
	// trap marker.
	ModeHeatWaitCondition Mode = "heat-waitcondition-timeout"
	// ModeRPCTimeout (devstack, Magnum): "oslo_messaging.exceptions.
	// MessagingTimeout: Timed out waiting for a reply to message ID <hex>"
	// in logs/screen-n-cpu.txt (and screen-n-api.txt) or
	// logs/screen-magnum-cond.txt; devstack job-output:
	// "tempest.lib.exceptions.ServerFault: Got server fault".
	ModeRPCTimeout Mode = "rpc-messaging-timeout"
	// ModeTempestTimeout (devstack): job-output "{N} tempest...[id-...]
	// [...s] ... FAILED", "tempest.lib.exceptions.TimeoutException: Request
	// timed out" and "fixtures._fixtures.timeout.TimeoutException".
	ModeTempestTimeout Mode = "tempest-timeout"
	// ModeDevstackServiceFailed (devstack): a service will not start
	// (Detail: n-cpu, neutron-api or c-vol). logs/devstacklog.txt and job-output:
	// "Job for devstack@<svc>.service failed because the control process
	// exited with error code." and "[ERROR] /opt/stack/devstack/functions-common:1643
	// Service <svc> is not running"; the unit's logs/screen-<svc>.txt ends
	// with systemd's "devstack@<svc>.service: Main process exited,
	// code=exited, status=1/FAILURE" (journalctl --unit selects it; syslog.txt
	// holds only kernel and sudo lines).
	ModeDevstackServiceFailed Mode = "devstack-service-failed"
	// ModeOOM (any family): logs/syslog.txt "kernel: <comm> invoked
	// oom-killer: gfp_mask=0x140cca(...)" and "Out of memory: Killed process".
	ModeOOM Mode = "oom-killer"
	// ModeUnexplained (any family): failures no known-bug query explains,
	// each with at least one ERROR line; Detail names the kind.
	ModeUnexplained Mode = "unexplained"
)

// FailureModes lists the failure modes in a stable order.
var FailureModes = []Mode{ModeMistralBuild, ModeMistralClientTypeError, ModeMistralActionFailed, ModeHeatWaitCondition, ModeRPCTimeout,
	ModeTempestTimeout, ModeDevstackServiceFailed, ModeOOM, ModeUnexplained}

// Job families.
const (
	FamilyDevstack = "devstack" // devstack + tempest jobs
	FamilyTripleO  = "tripleo"
	FamilyMagnum   = "magnum"
)

// Families lists the job families a mode occurs in.
func (m Mode) Families() []string {
	switch m {
	case ModeMistralBuild, ModeMistralClientTypeError, ModeMistralActionFailed:
		return []string{FamilyTripleO}
	case ModeHeatWaitCondition:
		return []string{FamilyTripleO, FamilyMagnum}
	case ModeRPCTimeout:
		return []string{FamilyDevstack, FamilyMagnum}
	case ModeTempestTimeout, ModeDevstackServiceFailed:
		return []string{FamilyDevstack}
	}
	return []string{FamilyDevstack, FamilyTripleO, FamilyMagnum}
}

// BuildInfo is one planned build. Dir is its directory relative to the
// corpus root (its uuid).
type BuildInfo struct {
	UUID, Job, Project, Pipeline, Branch, Result string
	Voting                                       bool
	Start, End                                   time.Time
	Modes                                        []Mode // [ModeNone] for a success; a failure's first mode is its main one
	Detail                                       string // which variant of the mode (for ModeUnexplained, the error kind)
	Dir                                          string
	Family                                       string // FamilyDevstack, FamilyTripleO or FamilyMagnum
	Change, Patchset                             int
	Ref, LogURL, Provider, Nodeset               string
	// Era is the year of the CI generation the build's logs follow: 2016
	// (Jenkins, console.html), 2018 (Zuul v3 running the old scripts), 2019
	// (TripleO quickstart), 2026 (today's jobs). Every build runs inside the
	// corpus's window: the sample replays the older generations so each
	// runbook landmark and query has builds to find.
	Era    int
	Nested bool // build.json in Zuul 10's nested shape (else flat)
	Gzip   bool // job-output.txt.gz instead of job-output.txt
}

// Failed says whether the build failed (any result but SUCCESS).
func (b BuildInfo) Failed() bool { return b.Result != "SUCCESS" }

// Has says whether the build shows mode m.
func (b BuildInfo) Has(m Mode) bool {
	for _, x := range b.Modes {
		if x == m {
			return true
		}
	}
	return false
}

// JobOutput is the job output's path in the build directory.
func (b BuildInfo) JobOutput() string {
	if b.Era == EraJenkins {
		return "console.html"
	}
	if b.Gzip {
		return "job-output.txt.gz"
	}
	return "job-output.txt"
}

// Edge kinds: inputs the log store must survive, outside the valid builds.
const (
	EdgeInvalidBuildJSON = "invalid-build-json" // build.json is not JSON: the build is skipped
	EdgeNoBuildJSON      = "no-build-json"      // logs but no build.json: the directory is skipped
	EdgeTruncatedGzip    = "truncated-gzip"     // a .gz log cut mid-stream: lines before the cut are read
	EdgeBinaryFile       = "binary-file"        // NUL bytes: the file is skipped
	EdgeInvalidUTF8      = "invalid-utf8"       // one line with invalid UTF-8 bytes: repaired
)

// EdgeCase is one broken input. The file-level cases live in one extra
// build directory with a valid build.json (UUID set), a successful
// tempest-full-py3 build that is not among Manifest.Builds.
type EdgeCase struct {
	Kind string
	Dir  string // relative to the corpus root
	File string // relative to Dir
	UUID string // the build's uuid when its build.json is valid
}

// Manifest lists what a corpus holds.
type Manifest struct {
	Builds []BuildInfo // the valid builds, by start time
	Edges  []EdgeCase
}

// ByMode counts the builds showing each mode (ModeNone: the successes).
func (m Manifest) ByMode() map[Mode]int {
	out := map[Mode]int{}
	for _, b := range m.Builds {
		for _, md := range b.Modes {
			out[md]++
		}
	}
	return out
}

// The CI generations a sample build follows (BuildInfo.Era).
const (
	EraJenkins    = 2016 // Jenkins runs the scripts; the log is console.html
	EraLegacy     = 2018 // Zuul v3 runs the same scripts through a wrapper
	EraQuickstart = 2019 // TripleO's quickstart jobs; Magnum's Heat drivers without wait conditions came in 2019
	EraToday      = 2026
)

type jobDef struct {
	name     string
	family   string
	projects []string
	voting   bool
	nodeset  string
	weight   int
	era      int
}

var jobs = []jobDef{
	{"tempest-full-py3", FamilyDevstack, []string{"openstack/nova", "openstack/neutron", "openstack/cinder", "openstack/tempest", "openstack/devstack", "openstack/heat"}, true, "ubuntu-noble", 9, EraToday},
	{"devstack-platform-ubuntu-noble", FamilyDevstack, []string{"openstack/devstack", "openstack/tempest"}, true, "ubuntu-noble", 4, EraToday},
	{"nova-live-migration", FamilyDevstack, []string{"openstack/nova"}, true, "openstack-two-node-noble", 4, EraToday},
	{"neutron-ovn-tempest-ovs-release", FamilyDevstack, []string{"openstack/neutron"}, false, "ubuntu-noble", 3, EraToday},
	{"cinder-tempest-plugin-lvm-lio-barbican", FamilyDevstack, []string{"openstack/cinder"}, true, "ubuntu-noble", 3, EraToday},
	{"gate-tripleo-ci-centos-7-nonha-multinode", FamilyTripleO, []string{"openstack/tripleo-common", "openstack/mistral", "openstack/python-mistralclient", "openstack/tripleo-heat-templates"}, true, "centos-7-2-node", 4, EraJenkins},
	{"legacy-tripleo-ci-centos-7-ovb-ha-oooq", FamilyTripleO, []string{"openstack/tripleo-heat-templates", "openstack/tripleo-common", "openstack/mistral", "openstack/heat"}, true, "legacy-centos-7", 3, EraLegacy},
	{"tripleo-ci-centos-7-standalone", FamilyTripleO, []string{"openstack/tripleo-common", "openstack/mistral", "openstack/python-mistralclient", "openstack/tripleo-heat-templates"}, true, "single-centos-7-node", 4, EraQuickstart},
	{"magnum-functional-k8s", FamilyMagnum, []string{"openstack/magnum", "openstack/heat"}, true, "ubuntu-bionic", 3, EraLegacy},
	{"magnum-tempest-plugin-tests-api", FamilyMagnum, []string{"openstack/magnum"}, true, "ubuntu-noble", 2, EraToday},
}

var providers = []string{"rax-dfw", "rax-iad", "rax-ord", "ovh-bhs1", "ovh-gra1", "vexxhost-ca-ymq-1", "openmetal-iad3"}

// quota is how many of every 320 builds fail in mode in family.
type quota struct {
	mode   Mode
	family string
	n      int
}

// quotas deal 128 failures of 320 builds (40%): every mode gets at least
// 12 builds in the default corpus.
var quotas = []quota{
	{ModeMistralBuild, FamilyTripleO, 12},
	{ModeMistralClientTypeError, FamilyTripleO, 12},
	{ModeMistralActionFailed, FamilyTripleO, 12},
	{ModeHeatWaitCondition, FamilyMagnum, 9},
	{ModeHeatWaitCondition, FamilyTripleO, 4},
	{ModeRPCTimeout, FamilyDevstack, 12},
	{ModeRPCTimeout, FamilyMagnum, 4},
	{ModeTempestTimeout, FamilyDevstack, 13},
	{ModeDevstackServiceFailed, FamilyDevstack, 12},
	{ModeOOM, FamilyDevstack, 6},
	{ModeOOM, FamilyTripleO, 3},
	{ModeOOM, FamilyMagnum, 3},
	{ModeUnexplained, FamilyDevstack, 14},
	{ModeUnexplained, FamilyTripleO, 6},
	{ModeUnexplained, FamilyMagnum, 6},
}

// slot is one build to plan: its modes, result and detail.
type slot struct {
	family string
	modes  []Mode
	result string
	detail string
}

// Plan decides every build without writing anything; Generate writes the
// same plan.
func Plan(opts Options) Manifest {
	opts = opts.withDefaults()
	r := rand.New(rand.NewPCG(opts.Seed, 0x5a3b1e))
	slots := failureSlots(opts.Builds)
	for len(slots) < opts.Builds {
		slots = append(slots, slot{modes: []Mode{ModeNone}, result: "SUCCESS"})
	}
	span := time.Duration(opts.Days) * 24 * time.Hour
	var m Manifest
	var changes []change
	seen := map[string]bool{}
	for i, s := range slots {
		j := pickJob(r, s)
		b := BuildInfo{
			Job: j.name, Family: j.family, Voting: j.voting, Nodeset: j.nodeset, Era: j.era,
			Modes: s.modes, Result: s.result, Detail: s.detail,
			Pipeline: "check", Branch: "master",
			Provider: providers[r.IntN(len(providers))],
			Nested:   r.IntN(2) == 0,
			Gzip:     r.IntN(5) < 2,
		}
		for {
			b.UUID = fmt.Sprintf("%016x%016x", r.Uint64(), r.Uint64()) // Zuul's 32 hex digits
			if !seen[b.UUID] {
				seen[b.UUID] = true
				break
			}
		}
		b.Dir = b.UUID
		b.Project = pickProject(r, j, s)
		if j.voting && r.IntN(4) == 0 {
			b.Pipeline = "gate"
		}
		if r.IntN(7) == 0 && j.family != FamilyTripleO {
			b.Branch = "stable/2025.2"
		}
		c := pickChange(r, &changes, b.Project, b.Branch)
		b.Change, b.Patchset = c.number, c.patchset
		b.Ref = fmt.Sprintf("refs/changes/%02d/%d/%d", b.Change%100, b.Change, b.Patchset)
		b.LogURL = fmt.Sprintf("https://logs.example.org/%02d/%d/%d/%s/%s/%s/", b.Change%100, b.Change, b.Patchset, b.Pipeline, b.Job, b.UUID[:7])
		dur := duration(r, b)
		switch i {
		case len(slots) - 1: // the corpus spans exactly Days: the oldest build starts at End-span...
			b.Start = opts.End.Add(-span)
		case len(slots) - 2: // ...and the newest ends at End
			b.Start = opts.End.Add(-dur)
		default:
			b.Start = startTime(r, opts.End.Add(-span), span-dur)
		}
		b.End = b.Start.Add(dur)
		m.Builds = append(m.Builds, b)
	}
	sort.SliceStable(m.Builds, func(i, j int) bool {
		if !m.Builds[i].Start.Equal(m.Builds[j].Start) {
			return m.Builds[i].Start.Before(m.Builds[j].Start)
		}
		return m.Builds[i].UUID < m.Builds[j].UUID
	})
	m.Edges = edgeCases(opts)
	return m
}

// failureSlots deals the failures of n builds by the quotas, with a few
// TIMED_OUT and POST_FAILURE results and a few builds with a second mode.
func failureSlots(n int) []slot {
	var out []slot
	for _, q := range quotas {
		dealt := 0
		k := (q.n*n + 160) / 320
		if k < 1 {
			k = 1
		}
		for i := 0; i < k; i++ {
			s := slot{family: q.family, modes: []Mode{q.mode}, result: "FAILURE"}
			switch q.mode {
			case ModeUnexplained:
				switch {
				case i == 0 || (q.family == FamilyDevstack && i == 7):
					s.result, s.detail = "POST_FAILURE", "log-upload-failure"
				case i == 3:
					s.result, s.detail = "TIMED_OUT", "hung-test"
				default:
					kinds := unexplainedKinds[q.family]
					s.detail = kinds[dealt%len(kinds)]
					dealt++
				}
			case ModeTempestTimeout:
				switch i {
				case 0, 5:
					s.result = "TIMED_OUT"
				case 2, 3:
					s.modes = append(s.modes, ModeOOM)
				}
			case ModeRPCTimeout:
				if q.family == FamilyDevstack && i < 2 {
					s.modes = append(s.modes, ModeOOM)
				}
			case ModeHeatWaitCondition:
				if i == 1 {
					s.result = "TIMED_OUT"
				}
			case ModeMistralBuild:
				s.detail = []string{"missing-build-dependency", "unpackaged-files"}[i%2]
			case ModeDevstackServiceFailed:
				s.detail = []string{"n-cpu", "n-cpu", "neutron-api", "n-cpu", "c-vol"}[i%5]
			}
			out = append(out, s)
		}
	}
	return out
}

// fits says whether job j can show the slot's failure: the modes that
// belong to one era run only in that era's jobs.
func fits(j jobDef, s slot) bool {
	if s.family != "" && j.family != s.family {
		return false
	}
	switch s.modes[0] {
	case ModeMistralBuild, ModeMistralActionFailed:
		return contains(j.projects, "openstack/mistral")
	case ModeMistralClientTypeError:
		return j.era == EraJenkins
	case ModeHeatWaitCondition: // wait conditions: TripleO's 2016 jobs, Magnum's Heat drivers before 2019
		return j.era == EraJenkins || (j.family == FamilyMagnum && j.era == EraLegacy)
	}
	return true
}

func pickJob(r *rand.Rand, s slot) jobDef {
	var cands []jobDef
	total := 0
	for _, j := range jobs {
		if !fits(j, s) {
			continue
		}
		w := j.weight
		if s.modes[0] == ModeHeatWaitCondition && j.name == "magnum-functional-k8s" {
			w *= 3
		}
		cands = append(cands, j)
		total += w
	}
	x := r.IntN(total)
	for _, j := range cands {
		w := j.weight
		if s.modes[0] == ModeHeatWaitCondition && j.name == "magnum-functional-k8s" {
			w *= 3
		}
		if x < w {
			return j
		}
		x -= w
	}
	return cands[len(cands)-1]
}

func pickProject(r *rand.Rand, j jobDef, s slot) string {
	switch s.modes[0] {
	case ModeMistralBuild: // the mistral package is built: a mistral change, or one depending on it
		return pickWeighted(r, []string{"openstack/mistral", "openstack/python-mistralclient", "openstack/tripleo-common"}, []int{6, 2, 2})
	case ModeMistralClientTypeError:
		return pickWeighted(r, []string{"openstack/mistral", "openstack/python-mistralclient", "openstack/tripleo-common"}, []int{5, 4, 1})
	case ModeMistralActionFailed:
		return pickWeighted(r, []string{"openstack/mistral", "openstack/tripleo-common"}, []int{1, 1})
	}
	return j.projects[r.IntN(len(j.projects))]
}

func pickWeighted(r *rand.Rand, items []string, weights []int) string {
	total := 0
	for _, w := range weights {
		total += w
	}
	x := r.IntN(total)
	for i, w := range weights {
		if x < w {
			return items[i]
		}
		x -= w
	}
	return items[len(items)-1]
}

type change struct {
	project, branch  string
	number, patchset int
}

// pickChange reuses a change of the project now and then (several jobs
// run on one patchset, and new patchsets follow), else makes a new one.
func pickChange(r *rand.Rand, changes *[]change, project, branch string) change {
	if r.IntN(5) < 2 {
		var same []int
		for i, c := range *changes {
			if c.project == project && c.branch == branch {
				same = append(same, i)
			}
		}
		if len(same) > 0 {
			i := same[r.IntN(len(same))]
			if r.IntN(3) == 0 {
				(*changes)[i].patchset++
			}
			return (*changes)[i]
		}
	}
	c := change{project: project, branch: branch, number: 940000 + r.IntN(30000), patchset: 1 + r.IntN(9)}
	*changes = append(*changes, c)
	return c
}

// duration is how long the build ran: by family, shorter when it failed
// early, about the job timeout when it timed out.
func duration(r *rand.Rand, b BuildInfo) time.Duration {
	lo, hi := 50, 120
	switch b.Family {
	case FamilyTripleO:
		lo, hi = 85, 145
	case FamilyMagnum:
		lo, hi = 35, 105
	}
	if b.Job == "nova-live-migration" {
		lo, hi = 70, 130
	}
	switch {
	case b.Result == "TIMED_OUT":
		lo, hi = 140, 150
	case b.Modes[0] == ModeDevstackServiceFailed || b.Modes[0] == ModeMistralBuild:
		lo, hi = 20, 38
	case b.Modes[0] == ModeMistralClientTypeError:
		lo, hi = 45, 70
	case b.Modes[0] == ModeUnexplained && earlyFailure(b.Detail):
		lo, hi = 20, 45
	}
	return time.Duration(lo)*time.Minute + time.Duration(r.Int64N(int64(time.Duration(hi-lo)*time.Minute))).Truncate(time.Second)
}

// startTime picks a start in [from, from+span), on weekdays' working hours
// (UTC) three times as often as at night or at the weekend, as CI load is.
func startTime(r *rand.Rand, from time.Time, span time.Duration) time.Time {
	for {
		t := from.Add(time.Duration(r.Int64N(int64(span)))).Truncate(time.Second)
		busy := t.Weekday() != time.Saturday && t.Weekday() != time.Sunday && t.Hour() >= 7 && t.Hour() < 21
		if busy || r.IntN(3) == 0 {
			return t
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
