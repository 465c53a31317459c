package replay

import (
	"encoding/json"
	"net/http"
	"testing"
)

// testBuilds are n builds of one job, the last (newest) still running.
func testBuilds(n int) []*Build {
	var out []*Build
	for i := range n {
		uuid := string(rune('a'+i)) + "0000000000000000000000000000000"
		result := `"FAILURE"`
		if i == n-1 {
			result = "null"
		}
		out = append(out, &Build{UUID: uuid, Files: map[string][]byte{}, Record: map[string]json.RawMessage{
			"uuid": json.RawMessage(`"` + uuid + `"`), "job_name": json.RawMessage(`"tox"`),
			"result": json.RawMessage(result), "log_url": json.RawMessage("null"),
		}})
	}
	return out
}

// status is the status of a GET of u.
func status(t *testing.T, u string) int {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestZuulRoutesBySegment: an escaped slash is no separator to Zuul's
// server (cheroot keeps %2F in its segment), so a path that only names
// the builds API once %2F is decoded is not found; other escapes are
// decoded.
func TestZuulRoutesBySegment(t *testing.T) {
	z := NewZuul(t, testBuilds(2), ZuulOptions{})
	uuid := z.Builds()[0].UUID
	for _, c := range []struct {
		path string
		want int
	}{
		{"/api/tenant/sample/builds", 200},
		{"/api/tenant/sa%6Dple/builds", 200},
		{"/api/tenant/sample/build/" + uuid, 200},
		{"/api/tenant/sample%2Fbuilds", 404},
		{"/api%2Ftenant/sample/builds", 404},
		{"/api/tenant%2Fsample/builds", 404},
		{"/api/tenant/sample/build%2F" + uuid, 404},
		{"/api/tenant/sample%252Fbuilds", 404},
	} {
		if got := status(t, z.URL+c.path); got != c.want {
			t.Errorf("GET %s: %d, want %d", c.path, got, c.want)
		}
	}
}

// TestZuulBuildsGivenParams: a parameter given empty or at zero is not one
// left out. Zuul reads limit, skip, idx_min and idx_max with int() (which
// fails on ""), filters by idx_min/idx_max whenever given, and takes any
// complete= but "true" for false (running builds only).
func TestZuulBuildsGivenParams(t *testing.T) {
	z := NewZuul(t, testBuilds(3), ZuulOptions{})
	for _, c := range []struct {
		query string
		code  int
		n     int
	}{
		{"", 200, 3},
		{"limit=2", 200, 2},
		{"limit=", 500, 0},
		{"skip=", 500, 0},
		{"idx_max=", 400, 0},
		{"idx_min=", 400, 0},
		{"idx_max=0", 200, 0},
		{"idx_max=-1", 200, 0},
		{"idx_min=0", 200, 3},
		{"complete=true", 200, 2},
		{"complete=TRUE", 200, 2},
		{"complete=false", 200, 1},
		{"complete=", 200, 1},
		// Filters Zuul applies and the fake does not: refused, never an
		// unfiltered page.
		{"change=123", 501, 0},
		{"held=true", 501, 0},
		{"exclude_result=SUCCESS", 501, 0},
		{"nodeset=", 501, 0},
	} {
		resp, err := http.Get(z.API() + "/builds?" + c.query)
		if err != nil {
			t.Fatal(err)
		}
		var page []json.RawMessage
		if resp.StatusCode == 200 {
			if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
				t.Errorf("?%s: %v", c.query, err)
			}
		}
		resp.Body.Close()
		if resp.StatusCode != c.code || len(page) != c.n {
			t.Errorf("?%s: %d with %d builds, want %d with %d", c.query, resp.StatusCode, len(page), c.code, c.n)
		}
	}
}

// TestZuulBuildTakesNoQuery: the build API's handler takes the uuid of
// its path and nothing else; CherryPy refuses any query parameter, as it
// does one the builds API does not take.
func TestZuulBuildTakesNoQuery(t *testing.T) {
	z := NewZuul(t, testBuilds(1), ZuulOptions{})
	u := z.API() + "/build/" + z.Builds()[0].UUID
	for _, c := range []struct {
		query string
		want  int
	}{{"", 200}, {"?limit=1", 404}, {"?foo=bar", 404}, {"?bogus", 404}} {
		if got := status(t, u+c.query); got != c.want {
			t.Errorf("GET build%s: %d, want %d", c.query, got, c.want)
		}
	}
	if got := status(t, z.API()+"/builds?foo=bar"); got != 404 {
		t.Errorf("GET builds?foo=bar: %d, want 404", got)
	}
}
