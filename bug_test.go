package recheckgen

import (
	"strings"
	"testing"
	"time"
)

func TestParseBugURL(t *testing.T) {
	tests := []struct {
		url     string
		tracker Tracker
		id      string
		wantErr bool
	}{
		{"https://bugs.launchpad.net/bugs/1260311", Launchpad, "1260311", false},
		{"https://bugs.launchpad.net/tripleo/+bug/1716008", Launchpad, "1716008", false},
		{"https://github.com/openstack/nova/issues/12", GitHub, "openstack/nova#12", false},
		{"https://issues.redhat.com/browse/OSPRH-1234", Jira, "OSPRH-1234", false},
		{"https://jira.example.com/jira/browse/CI_OPS-7/", Jira, "CI_OPS-7", false},
		{"https://bugzilla.redhat.com/show_bug.cgi?id=1876543", Bugzilla, "1876543", false},
		{"https://storyboard.openstack.org/#!/story/2004757", Storyboard, "2004757", false},
		{"https://example.org/some/bug", OtherTracker, "fallback", false},
		{"https://github.com/openstack/nova/pull/12", OtherTracker, "fallback", false},
		{"javascript:alert(1)", "", "", true},
		{"ftp://bugs.example.org/1", "", "", true},
		{"https://", "", "", true},
		{"://nope", "", "", true},
	}
	for _, tt := range tests {
		got, err := ParseBugURL(tt.url, "fallback")
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseBugURL(%q) error = %v, want error %v", tt.url, err, tt.wantErr)
			continue
		}
		if err == nil && (got.Tracker != tt.tracker || got.ID != tt.id) {
			t.Errorf("ParseBugURL(%q) = %s %q, want %s %q", tt.url, got.Tracker, got.ID, tt.tracker, tt.id)
		}
	}
}

func TestBugFromID(t *testing.T) {
	if b := BugFromID("1260311"); b.Tracker != Launchpad || b.URL != "https://bugs.launchpad.net/bugs/1260311" || b.Label() != "LP #1260311" {
		t.Errorf("numeric id: %+v", b)
	}
	if b := BugFromID("tripleo-ovb-infra"); b.Tracker != NoTracker || b.URL != "" || b.Label() != "tripleo-ovb-infra" {
		t.Errorf("word id: %+v", b)
	}
}

func TestBuildCheck(t *testing.T) {
	now := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	ok := Build{UUID: "e09e4ba3c2a34c6f8d1f0e0d1c2b3a65", Start: now.Add(-time.Hour), End: now}
	long := strings.Repeat("x", MaxField+1)
	for _, tc := range []struct {
		name string
		edit func(*Build)
		want string // "" for none
	}{
		{"good", func(*Build) {}, ""},
		{"jenkins-style id", func(b *Build) { b.UUID = "jenkins:nova-tox:1234" }, ""},
		{"empty uuid", func(b *Build) { b.UUID = "" }, `uuid "" is not`},
		{"slash", func(b *Build) { b.UUID = "../etc" }, `uuid "../etc" is not`},
		{"newline", func(b *Build) { b.UUID = "a\nb" }, `uuid "a\nb" is not`},
		{"huge uuid", func(b *Build) { b.UUID = strings.Repeat("a", 5<<20) }, `(5242880 bytes)`},
		{"huge job", func(b *Build) { b.Job = long }, "job_name is 4097 bytes long"},
		{"huge url", func(b *Build) { b.LogURL = long }, "log_url is 4097 bytes long"},
		{"ancient", func(b *Build) { b.Start = time.Unix(-99999999999, 0) }, "start_time: time in year -1199"},
		{"future", func(b *Build) { b.End = time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC) }, "end_time: time 2099-01-01T00:00:00Z is outside"},
	} {
		b := ok
		tc.edit(&b)
		err := b.Check(now)
		if tc.want == "" {
			if err != nil {
				t.Errorf("%s: %v", tc.name, err)
			}
		} else if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.name, err, tc.want)
		}
	}
}
