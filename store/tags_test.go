package store

import (
	"bytes"
	"compress/gzip"
	"context"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/recheckgen/recheckgen"
)

func gz(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

// multinode writes a Zuul v3 devstack build: logs under each node's name,
// a console.html as Jenkins wrote it, and files no glob reads.
func multinode(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	dir := filepath.Join(root, "mn")
	mustWrite(t, filepath.Join(dir, "build.json"), []byte(`{"uuid": "mn00000000000000000000000000000a", "job_name": "tempest-multinode-full", "result": "FAILURE",
		"pipeline": "gate", "project": "openstack/nova", "voting": true, "start_time": "2026-11-20T08:00:00"}`))
	mustWrite(t, filepath.Join(dir, "job-output.txt"), []byte("2026-11-20 08:10:00.000000 | controller | Build failed\n"))
	mustWrite(t, filepath.Join(dir, "controller", "logs", "screen-n-cpu.txt.gz"), gz(t,
		"2026-11-20 08:05:00.000 12 ERROR nova.compute.manager [-] Instance failed to spawn\n"+
			"2026-11-20 08:05:00.001 12 ERROR nova.compute.manager Traceback (most recent call last):\n"+
			"  File \"/opt/stack/nova/nova/compute/manager.py\", line 10, in _spawn\n"+
			"libvirt.libvirtError: internal error\n"))
	mustWrite(t, filepath.Join(dir, "compute1", "logs", "screen-q-agt.txt"), []byte("2026-11-20 08:06:00.000 13 ERROR neutron.agent x [-] Agent out of sync\n"))
	mustWrite(t, filepath.Join(dir, "controller", "logs", "screen-peakmem_tracker.txt"), []byte("2026-11-20 08:06:00.000 | peak 1 GB\n"))
	mustWrite(t, filepath.Join(dir, "controller", "logs", "devstacklog.txt"), []byte("2026-11-20 08:01:00.000 | Job for devstack@n-cpu.service failed\n"))
	mustWrite(t, filepath.Join(dir, "console.html"), []byte("<pre><span class=\"timestamp\">2026-11-20 08:11:00.000</span> | MismatchError: &lt;bound method Foo.bar&gt; returned {}</pre>\n"))
	mustWrite(t, filepath.Join(dir, "zuul-info", "inventory.yaml"), []byte("all: {}\n"))
	mustWrite(t, filepath.Join(dir, "controller", "logs", "etc", "nova", "nova.conf"), []byte("[DEFAULT]\n"))
	mustWrite(t, filepath.Join(dir, "controller", "logs", "core.txt"), []byte("\x00\x01binary"))
	return root
}

func TestIngestReportsFilesPerBuild(t *testing.T) {
	st := openTest(t)
	sum, err := st.Ingest(context.Background(), []string{multinode(t)}, IngestOptions{Globs: testGlobs})
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.ByBuild) != 1 {
		t.Fatalf("ByBuild: %+v", sum.ByBuild)
	}
	bf := sum.ByBuild[0]
	wantRead := []string{"compute1/logs/screen-q-agt.txt", "console.html", "controller/logs/devstacklog.txt",
		"controller/logs/screen-n-cpu.txt.gz", "controller/logs/screen-peakmem_tracker.txt", "job-output.txt"}
	if bf.UUID != "mn00000000000000000000000000000a" || !slices.Equal(bf.Read, wantRead) {
		t.Errorf("read %q, want %q", bf.Read, wantRead)
	}
	if !slices.Equal(bf.Skipped, []string{"controller/logs/core.txt"}) {
		t.Errorf("skipped %q", bf.Skipped)
	}
	if !slices.Equal(bf.Unmatched, []string{"controller/logs/etc/nova/nova.conf", "zuul-info/inventory.yaml"}) || bf.Unchosen != 2 {
		t.Errorf("unmatched %q (%d)", bf.Unmatched, bf.Unchosen)
	}
}

// The tags of elastic-recheck's index, on a multinode layout: what its
// real queries name finds the lines Elasticsearch found.
func TestTagsAsTheIndexHeldThem(t *testing.T) {
	st := openTest(t)
	if _, err := st.Ingest(context.Background(), []string{multinode(t)}, IngestOptions{Globs: testGlobs}); err != nil {
		t.Fatal(err)
	}
	win := recheckgen.Window{Start: testWindow.Start, End: testWindow.End, Bucket: testWindow.Bucket}
	for _, c := range []struct{ q, want string }{
		{`tags:"screen-n-cpu.txt" AND message:"failed to spawn"`, "screen-n-cpu.txt:1"},
		{`tags:screen AND tags:oslofmt AND message:error`, "screen-n-cpu.txt:1 screen-n-cpu.txt:2 screen-q-agt.txt:1"},
		{`tags:console AND message:failed`, "devstacklog.txt:1 job-output.txt:1"}, // devstack's own log is console too
		{`tags:"console.html" AND message:"devstack@n-cpu.service"`, "devstacklog.txt:1"},
		{`tags:multiline AND message:"internal error"`, "screen-n-cpu.txt:2"}, // a traceback joined into one event
		{`tags:multi* AND message:"internal error"`, "screen-n-cpu.txt:2"},
		{`NOT tags:multiline AND tags:oslofmt`, "screen-n-cpu.txt:1 screen-q-agt.txt:1"},
		{`message:libvirterror`, ""},         // libvirt.libvirtError is one word
		{`tags:screen AND message:peak`, ""}, // the pipeline left peakmem_tracker out of screen
		{`message:"MismatchError: <bound method Foo.bar> returned {}"`, "console.html:1"},
		{`message:"MismatchError: &lt;bound method Foo.bar&gt; returned {}"`, "console.html:1"}, // as Elasticsearch held it
		{`message:"&lt;bound method" AND tags:"job-output.txt"`, ""},
	} {
		q := parse(t, c.q)
		m, err := st.Search(context.Background(), q, win, recheckgen.SearchOptions{Recent: 10, IncludeNonvoting: true})
		if err != nil {
			t.Errorf("%s: %v", c.q, err)
			continue
		}
		var got []string
		for _, h := range m.Recent {
			got = append(got, filepath.Base(h.File)+":"+strconv.Itoa(h.Line))
		}
		slices.Sort(got)
		if strings.Join(got, " ") != c.want {
			t.Errorf("%s: found %q, want %q", c.q, strings.Join(got, " "), c.want)
		}
	}
}

// A store tagged by an earlier version of the map is tagged again on open.
func TestRetagOnOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "logs.db")
	st, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Ingest(context.Background(), []string{multinode(t)}, IngestOptions{Globs: testGlobs}); err != nil {
		t.Fatal(err)
	}
	// What the version before the map stored: base names, console for the console log.
	if _, err := st.db.Exec(`DELETE FROM file_tags WHERE tag IN ('screen', 'oslofmt', 'console.html');
		UPDATE meta SET value = 1 WHERE key = 'tagmap'`); err != nil {
		t.Fatal(err)
	}
	count := func(st *Store) (n int) {
		st.db.QueryRow("SELECT COUNT(*) FROM file_tags WHERE tag IN ('screen', 'oslofmt', 'console.html')").Scan(&n)
		return n
	}
	if n := count(st); n != 0 {
		t.Fatalf("old tags still hold %d category tags", n)
	}
	st.Close()
	st, err = Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if n := count(st); n != 7 { // screen and oslofmt on two files, console.html on three (one its own name)
		t.Errorf("after open: %d category tags, want 7", n)
	}
	if len(st.Notices()) != 1 || !strings.Contains(st.Notices()[0], "tagged 7 stored file(s) again") {
		t.Errorf("notices %q", st.Notices())
	}
}

func TestTagProduced(t *testing.T) {
	globs := []string{"job-output.txt", "console.html", "*.log", "logs/**/*.txt", "*/logs/**/*.txt"}
	for tag, want := range map[string]bool{"console": true, "oslofmt": true, "multiline": true, "screen-n-cpu.txt": true,
		"console.html": true, "executor.log": true, "consol": false, "screen-n-cpu": false, "syslog.json": false} {
		if TagProduced(tag, globs) != want {
			t.Errorf("TagProduced(%q) = %v", tag, !want)
		}
	}
}
