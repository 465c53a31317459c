package logfile

import (
	"strings"
	"testing"
)

// Each row is a file of a real job layout and the tags OpenStack's log
// pipeline gave it.
func TestNames(t *testing.T) {
	tests := []struct{ rel, filename, tags string }{
		{"job-output.txt.gz", "job-output.txt", "job-output.txt console console.html"},
		{"console.html", "console.html", "console.html console"},
		{"logs/devstacklog.txt", "logs/devstacklog.txt", "devstacklog.txt console console.html"},
		{"controller/logs/devstacklog.txt.summary", "controller/logs/devstacklog.txt.summary", "devstacklog.txt.summary"},
		{"logs/grenade.sh.txt.gz", "logs/grenade.sh.txt", "grenade.sh.txt console console.html"},
		{"logs/devstack-gate-setup-host.txt", "logs/devstack-gate-setup-host.txt", "devstack-gate-setup-host.txt console console.html"},
		{"logs/screen-n-cpu.txt.gz", "logs/screen-n-cpu.txt", "screen-n-cpu.txt screen oslofmt"},
		{"controller/logs/screen-n-cpu.txt", "controller/logs/screen-n-cpu.txt", "screen-n-cpu.txt screen oslofmt"},
		{"compute1/logs/screen-q-agt.txt", "compute1/logs/screen-q-agt.txt", "screen-q-agt.txt screen oslofmt"},
		{"controller/logs/screen-peakmem_tracker.txt", "controller/logs/screen-peakmem_tracker.txt", "screen-peakmem_tracker.txt"},
		{"logs/screen-dstat.txt.gz", "logs/screen-dstat.txt", "screen-dstat.txt"},
		{"logs/screen-s-proxy.txt", "logs/screen-s-proxy.txt", "screen-s-proxy.txt screen oslofmt"},
		{"logs/screen-s-object.txt", "logs/screen-s-object.txt", "screen-s-object.txt screen apachecombined"},
		{"logs/syslog.txt", "logs/syslog.txt", "syslog.txt syslog"},
		{"controller/logs/tempest.txt", "controller/logs/tempest.txt", "tempest.txt screen oslofmt"},
		{"logs/apache/keystone.txt", "logs/apache/keystone.txt", "keystone.txt screen oslofmt"},
		{"logs/apache/horizon_error.txt", "logs/apache/horizon_error.txt", "horizon_error.txt apacheerror"},
		{"logs/undercloud/var/log/extra/errors.txt", "logs/undercloud/var/log/extra/errors.txt", "errors.txt console errors"},
		{"logs/postci.txt.gz", "logs/postci.txt", "postci.txt console postci"},
		{"logs/dsvm-functional-index.txt", "logs/dsvm-functional-index.txt", "dsvm-functional-index.txt oslofmt"},
		{"logs/var/log/mistral/engine.log", "logs/var/log/mistral/engine.log", "engine.log"},
	}
	for _, tt := range tests {
		f, tags := Names(tt.rel)
		if f != tt.filename || strings.Join(tags, " ") != tt.tags {
			t.Errorf("Names(%q) = %q %q, want %q %q", tt.rel, f, strings.Join(tags, " "), tt.filename, tt.tags)
		}
	}
}

func TestCategoryTags(t *testing.T) {
	got := strings.Join(CategoryTags(), " ")
	if got != "apachecombined apacheerror console console.html errors multiline oslofmt postci screen syslog" {
		t.Errorf("CategoryTags = %s", got)
	}
}
