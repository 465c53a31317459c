// Package sample generates the built-in sample corpus: realistic, fully
// deterministic Zuul build directories (build.json plus logs) of devstack,
// tempest, TripleO and Magnum jobs over ten days, with the failure modes
// the runbooks describe and some no known-bug query explains. It makes the
// whole tool work on one machine with no CI data of its own.
package sample

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"time"
)

// Options shape the corpus. The zero value of a field takes its default.
type Options struct {
	End    time.Time // newest possible build start; default 2026-11-20T12:00:00Z
	Days   int       // span; default 10
	Builds int       // valid builds; default 320
	Seed   uint64    // default 1
}

// DefaultOptions is the corpus `recheckgen build` uses.
func DefaultOptions() Options { return Options{}.withDefaults() }

func (o Options) withDefaults() Options {
	if o.End.IsZero() {
		o.End = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	}
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

// Mode is a failure mode written into a build's logs.
type Mode string

// The failure modes; the runbooks describe all but ModeUnexplained.
const (
	ModeMistralBuild           Mode = "mistral-build-error"
	ModeMistralClientTypeError Mode = "mistralclient-typeerror"
	ModeHeatWaitCondition      Mode = "heat-waitcondition-timeout"
	ModeRPCTimeout             Mode = "rpc-messaging-timeout"
	ModeTempestTimeout         Mode = "tempest-timeout"
	ModeDevstackServiceFailed  Mode = "devstack-service-failed"
	ModeOOM                    Mode = "oom-killer"
	ModeUnexplained            Mode = "unexplained"
)

// BuildInfo is one planned build.
type BuildInfo struct {
	UUID, Job, Project, Pipeline, Branch, Result, Provider string
	Family                                                 string
	Voting                                                 bool
	Change, Patchset                                       int
	Start, End                                             time.Time
	Modes                                                  []Mode
	Nested                                                 bool // build.json in Zuul 10's nested shape
	Gzip                                                   bool // job-output.txt.gz
}

// Failed says whether the build failed.
func (b BuildInfo) Failed() bool { return b.Result != "SUCCESS" }

// Manifest lists what a corpus holds.
type Manifest struct {
	Builds []BuildInfo
	// Broken are the extra build directories that exercise ingest's
	// warnings: they are not among Builds.
	Broken []string
}

// ByMode counts the builds of each mode.
func (m Manifest) ByMode() map[Mode]int {
	out := map[Mode]int{}
	for _, b := range m.Builds {
		for _, md := range b.Modes {
			out[md]++
		}
	}
	return out
}

type job struct {
	name     string
	family   string
	projects []string
	voting   bool
}

var jobs = []job{
	{"tempest-full-py3", "devstack", []string{"openstack/nova", "openstack/neutron", "openstack/cinder", "openstack/tempest"}, true},
	{"devstack-platform-ubuntu-noble", "devstack", []string{"openstack/devstack", "openstack/nova"}, true},
	{"nova-live-migration", "devstack", []string{"openstack/nova"}, true},
	{"neutron-ovn-tempest-ovs-release", "devstack", []string{"openstack/neutron"}, false},
	{"cinder-tempest-plugin-lvm-lio-barbican", "devstack", []string{"openstack/cinder"}, true},
	{"tripleo-ci-centos-9-standalone", "tripleo", []string{"openstack/tripleo-common", "openstack/mistral", "openstack/python-mistralclient", "openstack/tripleo-heat-templates"}, true},
	{"tripleo-ci-centos-9-scenario001-standalone", "tripleo", []string{"openstack/tripleo-heat-templates", "openstack/mistral"}, true},
	{"tripleo-ci-centos-9-containers-multinode", "tripleo", []string{"openstack/tripleo-common", "openstack/python-mistralclient"}, false},
	{"magnum-functional-k8s", "magnum", []string{"openstack/magnum", "openstack/heat"}, true},
	{"magnum-tempest-plugin-tests-api", "magnum", []string{"openstack/magnum"}, true},
}

// familyModes are the failure modes each family can show, in the order
// they are dealt out, so every mode gets its share.
var familyModes = map[string][]Mode{
	"devstack": {ModeRPCTimeout, ModeTempestTimeout, ModeDevstackServiceFailed, ModeOOM, ModeUnexplained},
	"tripleo":  {ModeMistralBuild, ModeMistralClientTypeError, ModeHeatWaitCondition, ModeMistralBuild, ModeUnexplained, ModeMistralClientTypeError, ModeOOM},
	"magnum":   {ModeHeatWaitCondition, ModeUnexplained, ModeRPCTimeout},
}

var providers = []string{"rax-dfw", "rax-iad", "ovh-bhs1", "ovh-gra1", "vexxhost-ca-ymq-1", "openmetal-iad3"}

// Plan decides every build without writing anything; Generate writes the
// same plan.
func Plan(opts Options) Manifest {
	opts = opts.withDefaults()
	r := rand.New(rand.NewPCG(opts.Seed, 0x5eed))
	dealt := map[string]int{}
	var m Manifest
	span := time.Duration(opts.Days) * 24 * time.Hour
	for i := 0; i < opts.Builds; i++ {
		j := jobs[r.IntN(len(jobs))]
		b := BuildInfo{
			Job:      j.name,
			Family:   j.family,
			Project:  j.projects[r.IntN(len(j.projects))],
			Voting:   j.voting,
			Pipeline: "check",
			Branch:   "master",
			Provider: providers[r.IntN(len(providers))],
			Change:   900000 + r.IntN(60000),
			Patchset: 1 + r.IntN(12),
			Nested:   r.IntN(2) == 0,
			Gzip:     r.IntN(5) < 2,
		}
		b.UUID = fmt.Sprintf("%016x%016x", r.Uint64(), r.Uint64()) // Zuul's 32 hex digits
		if r.IntN(4) == 0 {
			b.Pipeline = "gate"
		}
		if r.IntN(8) == 0 {
			b.Branch = "stable/2025.2"
		}
		b.Start = startTime(r, opts.End, span)
		b.End = b.Start.Add(time.Duration(20+r.IntN(130)) * time.Minute)
		b.Result = "SUCCESS"
		if r.Float64() < 0.5 {
			modes := familyModes[j.family]
			md := modes[dealt[j.family]%len(modes)]
			dealt[j.family]++
			b.Modes = []Mode{md}
			if md != ModeOOM && md != ModeUnexplained && r.IntN(12) == 0 {
				b.Modes = append(b.Modes, ModeOOM)
			}
			b.Result = "FAILURE"
			switch r.IntN(12) {
			case 0:
				b.Result = "TIMED_OUT"
			case 1:
				b.Result = "POST_FAILURE"
			}
		}
		m.Builds = append(m.Builds, b)
	}
	sort.Slice(m.Builds, func(i, j int) bool { return m.Builds[i].Start.Before(m.Builds[j].Start) })
	m.Broken = []string{"broken-invalid-json", "broken-no-build-json"}
	return m
}

// startTime picks a start in the span before end, twice as often on a
// weekday's working hours as at night or at the weekend, as CI load is.
func startTime(r *rand.Rand, end time.Time, span time.Duration) time.Time {
	for {
		t := end.Add(-time.Duration(r.Int64N(int64(span)))).Truncate(time.Second)
		busy := t.Weekday() != time.Saturday && t.Weekday() != time.Sunday && t.Hour() >= 7 && t.Hour() < 20
		if busy || r.IntN(2) == 0 {
			return t
		}
	}
}
