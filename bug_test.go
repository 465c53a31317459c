package recheckgen

import "testing"

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
