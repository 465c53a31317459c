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
