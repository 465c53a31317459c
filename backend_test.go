package recheckgen

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
	"time"
)

func TestSortMatched(t *testing.T) {
	at := func(min int) time.Time { return time.Date(2026, 11, 30, 12, min, 0, 0, time.UTC) }
	mb := func(uuid string, last int) MatchedBuild {
		return MatchedBuild{Build: Build{UUID: uuid, Job: "job-" + uuid}, Last: at(last), Lines: last}
	}
	for _, tc := range []struct {
		name string
		in   []MatchedBuild
		want []string
	}{
		{"empty", nil, []string{}},
		{"one", []MatchedBuild{mb("a", 1)}, []string{"a"}},
		{"newest first", []MatchedBuild{mb("a", 1), mb("b", 3), mb("c", 2)}, []string{"b", "c", "a"}},
		{"ties by uuid", []MatchedBuild{mb("c", 5), mb("a", 5), mb("b", 5), mb("d", 9)}, []string{"d", "a", "b", "c"}},
		{"same instant in another zone", []MatchedBuild{mb("b", 4), {Build: Build{UUID: "a", Job: "job-a"}, Last: at(4).In(time.FixedZone("x", 3600)), Lines: 4}}, []string{"a", "b"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bs := slices.Clone(tc.in)
			SortMatched(bs)
			got := []string{}
			for _, b := range bs {
				got = append(got, b.UUID)
				if b.Job != "job-"+b.UUID || !b.Last.Equal(at(b.Lines)) {
					t.Errorf("build %s came apart from its fields: %+v", b.UUID, b)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("order %v, want %v", got, tc.want)
			}
		})
	}
}

// TestSortMatchedCycles holds the in-place move against a plain sort, over
// orders whose permutations have many cycles of many lengths.
func TestSortMatchedCycles(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 60 {
		bs := make([]MatchedBuild, n)
		for i := range bs {
			uuid := fmt.Sprintf("%04x", r.IntN(1<<16))
			bs[i] = MatchedBuild{Build: Build{UUID: uuid, Job: "job-" + uuid}, Last: time.Unix(int64(r.IntN(8)), 0), Lines: i}
		}
		want := slices.Clone(bs)
		sort.SliceStable(want, func(i, j int) bool {
			if !want[i].Last.Equal(want[j].Last) {
				return want[i].Last.After(want[j].Last)
			}
			return want[i].UUID < want[j].UUID
		})
		got := slices.Clone(bs)
		SortMatched(got)
		for i := range got {
			if got[i].UUID != want[i].UUID || !got[i].Last.Equal(want[i].Last) || got[i].Job != "job-"+got[i].UUID {
				t.Fatalf("n=%d: position %d holds %+v, want %+v", n, i, got[i], want[i])
			}
		}
		seen := map[int]bool{}
		for _, b := range got {
			if seen[b.Lines] {
				t.Fatalf("n=%d: build %d appears twice", n, b.Lines)
			}
			seen[b.Lines] = true
		}
	}
}
