package report

import (
	"math/bits"
	"sort"

	"github.com/recheckgen/recheckgen"
)

// The overlap of queries: which match the same builds, which match only
// builds another matches too, and which bugs fail the same builds. Each
// build's queries are read once, into one bitset per query over the
// window's matched builds; every pair is then a population count of two
// bitsets (q²·b/64 word operations, whatever the data), never a search.

// OverlapOptions tune Overlap.
type OverlapOptions struct {
	// Share: a pair is listed when the builds both match are at least
	// this part of either query's builds.
	Share float64
	// CoFailures: bugs are listed as co-occurring when they share at least
	// this many failed builds (and are not listed as overlapping).
	CoFailures int
}

// DefaultOverlap lists pairs sharing half of either's builds, and bugs
// failing three builds together.
var DefaultOverlap = OverlapOptions{Share: 0.5, CoFailures: 3}

// Overlap computes the overlap of the results that ran.
func Overlap(results []Result, opts OverlapOptions) recheckgen.Overlap {
	ov := recheckgen.Overlap{Share: opts.Share, CoFailures: opts.CoFailures,
		Pairs: []recheckgen.OverlapPair{}, Subsets: []recheckgen.OverlapPair{}, CoOccurring: []recheckgen.OverlapPair{}}
	var ran []Result
	builds := map[string]int{} // uuid → bit
	var failedBits []bool
	for _, r := range results {
		if r.Err != nil || r.Match == nil || len(r.Match.Builds) == 0 {
			continue
		}
		ran = append(ran, r)
		for _, mb := range r.Match.Builds {
			if _, ok := builds[mb.UUID]; !ok {
				builds[mb.UUID] = len(builds)
				failedBits = append(failedBits, mb.Failed())
			}
		}
	}
	words := (len(builds) + 63) / 64
	failed := make([]uint64, words)
	for i, f := range failedBits {
		if f {
			failed[i/64] |= 1 << (i % 64)
		}
	}
	sets := make([][]uint64, len(ran))
	sizes := make([]int, len(ran))
	for i, r := range ran {
		set := make([]uint64, words)
		for _, mb := range r.Match.Builds {
			b := builds[mb.UUID]
			set[b/64] |= 1 << (b % 64)
		}
		sets[i], sizes[i] = set, count(set)
	}
	for i := range ran {
		for j := i + 1; j < len(ran); j++ {
			both := intersect(sets[i], sets[j], nil)
			if both == 0 {
				continue
			}
			a, b := i, j
			if sizes[j] < sizes[i] || sizes[j] == sizes[i] && ran[j].Query.ID < ran[i].Query.ID {
				a, b = j, i // A is the smaller
			}
			p := recheckgen.OverlapPair{A: ran[a].Query.ID, B: ran[b].Query.ID, Both: both, ABuilds: sizes[a], BBuilds: sizes[b],
				AShare: float64(both) / float64(sizes[a]), BShare: float64(both) / float64(sizes[b])}
			switch {
			case both == sizes[a]:
				p.Same = sizes[a] == sizes[b]
				ov.Subsets = append(ov.Subsets, p)
			case p.AShare >= opts.Share:
				ov.Pairs = append(ov.Pairs, p)
			default:
				if bothFailed := intersect(sets[i], sets[j], failed); bothFailed >= opts.CoFailures {
					p.BothFailed = bothFailed
					ov.CoOccurring = append(ov.CoOccurring, p)
				}
			}
		}
	}
	byShare := func(ps []recheckgen.OverlapPair) {
		sort.Slice(ps, func(i, j int) bool {
			if ps[i].AShare != ps[j].AShare {
				return ps[i].AShare > ps[j].AShare
			}
			if ps[i].Both != ps[j].Both {
				return ps[i].Both > ps[j].Both
			}
			return ps[i].A+"\x00"+ps[i].B < ps[j].A+"\x00"+ps[j].B
		})
	}
	byShare(ov.Pairs)
	byShare(ov.Subsets)
	sort.Slice(ov.CoOccurring, func(i, j int) bool {
		a, b := ov.CoOccurring[i], ov.CoOccurring[j]
		if a.BothFailed != b.BothFailed {
			return a.BothFailed > b.BothFailed
		}
		return a.A+"\x00"+a.B < b.A+"\x00"+b.B
	})
	return ov
}

// count is the population of set.
func count(set []uint64) int {
	n := 0
	for _, w := range set {
		n += bits.OnesCount64(w)
	}
	return n
}

// intersect is the population of a ∩ b, within mask when it is not nil.
func intersect(a, b, mask []uint64) int {
	n := 0
	for i := range a {
		w := a[i] & b[i]
		if mask != nil {
			w &= mask[i]
		}
		n += bits.OnesCount64(w)
	}
	return n
}
