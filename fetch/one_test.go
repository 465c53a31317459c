package fetch

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/recheckgen/recheckgen"
	"github.com/recheckgen/recheckgen/internal/replay"
	"github.com/recheckgen/recheckgen/zuul"
)

// TestOneBuild: a build named by its URL is fetched on its own into a
// build directory, with its logs whatever its result (a passing build the
// window's sampling skips too), only the files the globs select; a build
// the server does not have, a record of another build and a build still
// running are refused by name; logs the server lost are said missing.
func TestOneBuild(t *testing.T) {
	bs := builds(t)
	z := replay.NewZuul(t, bs, replay.ZuulOptions{})
	var failed, passing *replay.Build
	for _, b := range bs {
		switch {
		case failed == nil && b.Result == "FAILURE":
			failed = b
		case passing == nil && b.Result == "SUCCESS" && !sampled(b.UUID, 10):
			passing = b
		}
	}
	if failed == nil || passing == nil {
		t.Fatal("the corpus has no failed build, or no passing build the sampling skips")
	}
	ctx := context.Background()
	opts := testOptions(t)
	web := func(uuid string) zuul.BuildURL {
		ref, err := zuul.ParseBuildURL(z.URL + "/t/sample/build/" + uuid + "/logs")
		if err != nil {
			t.Fatal(err)
		}
		return ref
	}
	want := selector(opts.Globs, opts.Extra)
	for _, b := range []*replay.Build{failed, passing} {
		z.ResetLog()
		one, err := OneBuild(ctx, web(b.UUID), opts)
		if err != nil {
			t.Fatalf("%s: %v", b.UUID, err)
		}
		if one.Build.UUID != b.UUID || one.Logs != "" || one.Files == 0 || !strings.HasPrefix(one.Dir, opts.Cache) {
			t.Errorf("%s: %+v", b.UUID, one)
		}
		files := cacheFiles(t, one.Dir)
		if !slices.Contains(files, "build.json") || !(slices.Contains(files, "job-output.txt.gz") || slices.Contains(files, "console.html.gz")) {
			t.Errorf("%s: directory holds %q", b.UUID, files)
		}
		for _, r := range z.Requests() {
			p := strings.Fields(r)[1]
			if strings.HasPrefix(p, "/api/") {
				if p != "/api/tenant/sample/build/"+b.UUID {
					t.Errorf("asked the API %s", p)
				}
				continue
			}
			_, file, _ := strings.Cut(strings.TrimPrefix(p, "/logs/"), "/")
			if file != "zuul-manifest.json" && !want(file) {
				t.Errorf("fetched %s, which no glob selects", r)
			}
		}
		if entries, _ := os.ReadDir(filepath.Join(opts.Cache, ".tmp")); len(entries) != 0 {
			t.Errorf("%d entries left in the cache's .tmp", len(entries))
		}
	}

	refuse := func(what string, ref zuul.BuildURL, wantErr string) {
		t.Helper()
		if one, err := OneBuild(ctx, ref, opts); err == nil || !strings.Contains(err.Error(), wantErr) {
			t.Errorf("%s: %+v, %v; want an error saying %q", what, one, err, wantErr)
		}
	}
	refuse("unknown build", web(strings.Repeat("0", 32)), "no such build")
	refuse("unknown tenant", zuul.BuildURL{API: z.URL + "/api/tenant/nope", UUID: failed.UUID}, "no such build")
	other := bs[len(bs)-1]
	z.SetField(other.UUID, "uuid", `"`+strings.Repeat("a", 32)+`"`)
	refuse("record of another build", web(other.UUID), "answered with the record of build")
	running := bs[len(bs)-2]
	z.SetField(running.UUID, "result", "null")
	refuse("running build", web(running.UUID), "still running")

	lost := bs[len(bs)-3]
	for name := range lost.Files {
		z.Missing(lost.UUID, name)
	}
	one, err := OneBuild(ctx, web(lost.UUID), opts)
	if err != nil || one.Logs != recheckgen.LogsMissing || len(one.Warnings) == 0 {
		t.Errorf("logs lost: %+v, %v; want them said missing", one, err)
	}
}
