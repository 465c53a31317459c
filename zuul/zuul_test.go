package zuul

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/recheckgen/recheckgen"
)

func TestDecodeShapes(t *testing.T) {
	tests := []struct {
		file string
		want recheckgen.Build
	}{
		{"testdata/nested.json", recheckgen.Build{UUID: "e09e1b5b0a4f4b1d9a3c5f2e7d8c6b65", Job: "nodepool-functional-container-openstack-release",
			Project: "zuul/nodepool", Pipeline: "check", Branch: "master", Change: "908952", Patchset: "1", Ref: "refs/changes/52/908952/1",
			Result: "FAILURE", Voting: true, Node: "ubuntu-jammy", LogURL: "https://logs.example.org/52/908952/1/check/nodepool/e09e1b5/",
			Start: time.Date(2024, 2, 13, 23, 17, 28, 0, time.UTC), End: time.Date(2024, 2, 13, 23, 39, 24, 0, time.UTC)}},
		{"testdata/flat.json", recheckgen.Build{UUID: "fb8b79e0c5a94f3e9b1f0a2d3c4e5f60", Job: "gate-tripleo-ci-centos-7-nonha-multinode",
			Project: "openstack/mistral", Pipeline: "check", Branch: "master", Change: "356567", Patchset: "8", Ref: "refs/changes/67/356567/8",
			Result: "SUCCESS", Voting: false, Node: "centos-7",
			Start: time.Date(2016, 9, 26, 9, 40, 2, 0, time.UTC), End: time.Date(2016, 9, 26, 10, 52, 41, 0, time.UTC)}},
	}
	for _, tt := range tests {
		data, err := os.ReadFile(tt.file)
		if err != nil {
			t.Fatal(err)
		}
		got, err := Decode(data)
		if err != nil {
			t.Fatalf("%s: %v", tt.file, err)
		}
		if got != tt.want {
			t.Errorf("%s:\n got %+v\nwant %+v", tt.file, got, tt.want)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		src  string
		want string
	}{
		{`{"job_name": "x"}`, ErrNoUUID.Error()},
		{`{"uuid": "", "job_name": "x"}`, ErrNoUUID.Error()},
		{`{"uuid": "a", "start_time": "yesterday"}`, `start_time: unrecognised time "yesterday"`},
		{`{"uuid": "a", "ref": {"project": 5}}`, "invalid build record: ref:"},
		{`{"uuid": "a"`, "invalid build record: unexpected EOF"},
		{`[]`, "invalid build record: json: cannot unmarshal array"},
	}
	for _, tt := range tests {
		_, err := Decode([]byte(tt.src))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want %q", tt.src, err, tt.want)
		}
	}
	if _, err := Decode([]byte(`{}`)); !errors.Is(err, ErrNoUUID) {
		t.Errorf("ErrNoUUID not wrapped: %v", err)
	}
}

func TestVotingDefaultsTrue(t *testing.T) {
	b, err := Decode([]byte(`{"uuid": "a", "result": null}`))
	if err != nil || !b.Voting || b.Result != "" {
		t.Errorf("got %+v %v", b, err)
	}
}

// TestDecodeNotStarted: a build that ended without starting (Zuul writes
// no start_time for NODE_FAILURE) is dated by its end; one still queued
// (no result) has no time.
func TestDecodeNotStarted(t *testing.T) {
	b, err := Decode([]byte(`{"uuid": "a", "result": "NODE_FAILURE", "start_time": null, "end_time": "2024-02-13T23:39:24"}`))
	if want := time.Date(2024, 2, 13, 23, 39, 24, 0, time.UTC); err != nil || !b.Start.Equal(want) || !b.End.Equal(want) {
		t.Errorf("NODE_FAILURE: start %v end %v, %v", b.Start, b.End, err)
	}
	b, err = Decode([]byte(`{"uuid": "a", "result": null, "start_time": null, "end_time": null}`))
	if err != nil || !b.Start.IsZero() {
		t.Errorf("queued: start %v, %v", b.Start, err)
	}
	b, err = Decode([]byte(`{"uuid": "a", "result": "FAILURE", "recheckgen_logs": "missing", "recheckgen_logs_tries": 2, "recheckgen_logs_reason": "server answered 503"}`))
	if err != nil || b.Logs != recheckgen.LogsMissing || b.LogsTries != 2 || b.LogsReason != "server answered 503" {
		t.Errorf("logs state: %q %d %q, %v", b.Logs, b.LogsTries, b.LogsReason, err)
	}
	now := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	for _, bad := range []string{`"recheckgen_logs_tries": -1`, `"recheckgen_logs_tries": 101`, `"recheckgen_logs_reason": "` + strings.Repeat("x", 4097) + `"`} {
		b, err := Decode([]byte(`{"uuid": "a", "result": "FAILURE", "recheckgen_logs": "missing", ` + bad + `}`))
		if err == nil {
			err = b.Check(now)
		}
		if err == nil {
			t.Errorf("%.40s: accepted", bad)
		}
	}
}
