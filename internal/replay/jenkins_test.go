package replay

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// TestJenkinsTreeRange: ranges read as Stapler's NamedPathPruner reads
// them ({N} is element N alone; bounds are digits), anything else refused.
func TestJenkinsTreeRange(t *testing.T) {
	bs := testBuilds(5)
	for i, b := range bs {
		b.Job, b.Result = "tox", "FAILURE"
		b.Start = time.Unix(int64(i)*60, 0)
		b.End = b.Start.Add(time.Minute)
	}
	j := NewJenkins(t, bs, JenkinsOptions{})
	for _, c := range []struct {
		rng  string
		code int
		nums []int64 // newest first: 5 4 3 2 1
	}{
		{"{1,3}", 200, []int64{4, 3}},
		{"{1,}", 200, []int64{4, 3, 2, 1}},
		{"{,2}", 200, []int64{5, 4}},
		{"{2}", 200, []int64{3}},
		{"{}", 400, nil},
		{"{,}", 400, nil},
		{"{-1,2}", 400, nil},
		{"{+1,2}", 400, nil},
		{"{1,2,3}", 400, nil},
	} {
		u := j.JobURL("tox") + "api/json?tree=" + url.QueryEscape("allBuilds[number]"+c.rng)
		resp, err := http.Get(u)
		if err != nil {
			t.Fatalf("%s: %v", c.rng, err)
		}
		var job struct{ AllBuilds []struct{ Number int64 } }
		if resp.StatusCode == 200 {
			json.NewDecoder(resp.Body).Decode(&job)
		}
		resp.Body.Close()
		var got []int64
		for _, b := range job.AllBuilds {
			got = append(got, b.Number)
		}
		if resp.StatusCode != c.code || len(got) != len(c.nums) {
			t.Errorf("%s: %d %v, want %d %v", c.rng, resp.StatusCode, got, c.code, c.nums)
			continue
		}
		for i := range got {
			if got[i] != c.nums[i] {
				t.Errorf("%s: %v, want %v", c.rng, got, c.nums)
				break
			}
		}
	}
}
