package triage

import (
	"strings"
	"testing"
)

func TestBody(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"2026-11-18 19:17:21.486780 | controller | fatal: unable to access", "fatal: unable to access"},
		{"2026-11-18 19:17:21.486780 | controller |     Traceback (most recent call last):", "    Traceback (most recent call last):"},
		{"2026-11-18 19:17:23.588291 | fatal: [controller]: FAILED! => {}", "fatal: [controller]: FAILED! => {}"},
		{"2026-11-18 19:17:23.588291 | ", ""},
		{"2026-11-18 19:17:23.588291 |", ""},
		{"2026-11-18 19:17:23.588291 | PLAY RECAP", "PLAY RECAP"},
		// oslo.log: the request context names the test that ran, not the error.
		{"2026-11-12 15:57:23.051 81789 ERROR oslo_db.api [None req-5ad9e197] DB exceeded retry limit.", "ERROR oslo_db.api DB exceeded retry limit."},
		{"2026-11-20 09:09:36.709 90308 ERROR nova.compute.manager [None req-6908 tempest-TestNetworkBasicOps-985146812 p] [instance: eb0da59d-0bcb-48fe-a312-8b3c83fd276f]   File \"x.py\", line 1", "ERROR nova.compute.manager   File \"x.py\", line 1"},
		{"2026-11-20 09:09:36.709 90308 INFO nova.compute.manager [-] [instance: eb0da59d] Skip.", "INFO nova.compute.manager Skip."},
		{"2026-11-20 09:09:36.709 90308 WARNING x.y [-]", "WARNING x.y "},
		{"2026-11-20 09:09:36.709 90308 NOTALEVEL x.y [-] z", "90308 NOTALEVEL x.y [-] z"},
		// Python logging's default format.
		{"2017-06-24 13:36:02,965 INFO:dlrn-build:  File \"x.py\", line 88", "INFO dlrn-build   File \"x.py\", line 88"},
		{"ERROR:dlrn:Received exception", "ERROR dlrn Received exception"},
		{"ERROR: No matching distribution", "ERROR: No matching distribution"},
		{"2026-11-12T15:57:23Z something happened", "something happened"},
		{"2016-05-01 12:00:00,123 - dlrn - ERROR - Build failed", "- dlrn - ERROR - Build failed"},
		{"Nov 18 19:17:21 ubuntu-noble kernel: nova-compute invoked oom-killer: gfp_mask=0x140cca", "kernel: nova-compute invoked oom-killer: gfp_mask=0x140cca"},
		{"Nov  8 19:17:21.123456 host systemd[1]: devstack@n-cpu.service: Main process exited", "systemd[1]: devstack@n-cpu.service: Main process exited"},
		{"[   16s] error: Bad exit status from /var/tmp/rpm-tmp.yoBQNT (%build)", "error: Bad exit status from /var/tmp/rpm-tmp.yoBQNT (%build)"},
		{"[2026-11-18 19:17:21] INFO started", "INFO started"},
		{"[ERROR] /opt/stack/devstack/functions-common:651 git call failed", "[ERROR] /opt/stack/devstack/functions-common:651 git call failed"},
		{"ERROR: No matching distribution found for oslo.messaging===17.4.1", "ERROR: No matching distribution found for oslo.messaging===17.4.1"},
		// A node prefix is only a word before " | ".
		{"2026-11-18 19:17:21.486780 | a b | c", "a b | c"},
	} {
		if got := Body(tc.in); got != tc.want {
			t.Errorf("Body(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

func TestNormalize(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Timed out waiting for a reply to message ID 4b2c6f3e1a0d4e5f8a7b6c5d4e3f2a1b", "Timed out waiting for a reply to message ID <hex>"},
		{"[instance: 3faf2ba4-8389-4077-a03d-2c0a76e9bcf8] Terminating instance", "[instance: <uuid>] Terminating instance"},
		{"req-5ad9e197-e5d0-46ef-a94c-c3e1693cce50 tempest-ServersTestJSON-127945048", "req-<uuid> tempest-ServersTestJSON-<n>"},
		{"connect to 10.0.2.15:5672 failed", "connect to <ip> failed"},
		{"[IP: 198.51.100.7 80]", "[IP: <ip> <n>]"},
		{"link fe80::f816:3eff:fe12:3456 up, mac fa:16:3e:12:34:56", "link <ip> up, mac <ip>"},
		{"cp /tmp/tmp.Xa81kP/out /opt/stack/tmp/keep", "cp <tmp> /opt/stack/tmp/keep"},
		{"/var/tmp/rpm-tmp.JufUNF: line 42: cd: no such file", "<tmp>: line <n>: cd: no such file"},
		{"'[' -f /tmp/tmp.1a2b3c4d5e ']'", "'[' -f <tmp> ']'"},
		{"/tmpfs is mounted", "/tmpfs is mounted"},
		{"started 2026-11-18T19:17:21.486Z ended 19:18:02", "started <ts> ended <ts>"},
		{"delta 0:24:59.628291 rc 1", "delta <ts> rc <n>"},
		{"object at 0x7f900342951a>: Failed", "object at <hex>>: Failed"},
		{"commit 8c97a300cb027c7b486c82e0a355b3731af44ad4 built", "commit <hex> built"},
		{"build e51029d6729ee9fc0d063960c89ce821 of job", "build <hex> of job"},
		{"short uuid 31a1ac6 and word facade and decade1", "short uuid <hex> and word facade and decade1"},
		{"node np0035082744 ready", "node np<n> ready"},
		{"python3.12 ipv4 ok", "python3.<n> ipv4 ok"},
		{"oslo.messaging===17.4.1 (from versions: 16.0.0)", "oslo.messaging===<n>.<n>.<n> (from versions: <n>.<n>.<n>)"},
		{"version 1.2.3.4.5 and 10.0.0.1", "version <n>.<n>.<n>.<n>.<n> and <ip>"},
		{"  spaced\t\tout  ", "spaced out"},
		{"line one\n  line two", "line one line two"},
		{"[16.816327s] ... FAILED", "[<n>.<n>s] ... FAILED"},
		{"Deleting instance files /opt/stack/data/nova/instances/3faf2ba4-8389-4077-a03d-2c0a76e9bcf8_del", "Deleting instance files /opt/stack/data/nova/instances/<uuid>_del"},
		{"ünïcödé 42 ok", "ünïcödé <n> ok"},
	} {
		if got := string(Normalize(nil, tc.in)); got != tc.want {
			t.Errorf("Normalize(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

// TestNormalizeSameForRuns: lines that differ only in what varies between
// runs normalise alike, and lines that differ in words do not.
func TestNormalizeSameForRuns(t *testing.T) {
	same := [][2]string{
		{"Timed out waiting for a reply to message ID 0a1b2c3d4e5f60718293a4b5c6d7e8f9", "Timed out waiting for a reply to message ID ffeeddccbbaa99887766554433221100"},
		{"Took 12.34 seconds to spawn the instance", "Took 3.07 seconds to spawn the instance"},
		{"worlddump-2026-11-18-191721.txt", "worlddump-2026-11-19-080102.txt"},
	}
	for _, p := range same {
		a, b := Normalize(nil, p[0]), Normalize(nil, p[1])
		if string(a) != string(b) || fingerprint(a) != fingerprint(b) {
			t.Errorf("%q and %q normalise apart: %q, %q", p[0], p[1], a, b)
		}
	}
	if fingerprint(Normalize(nil, "Service n-cpu is not running")) == fingerprint(Normalize(nil, "Service c-vol is not running")) {
		t.Error("different services normalise alike")
	}
}

// TestNormalizeLinear: lines of a million digits, hex digits and colons,
// dotted numbers or /tmp paths normalise at once (each placeholder is at
// most three times what it replaces); BenchmarkNormalize times them.
func TestNormalizeLinear(t *testing.T) {
	for _, s := range []string{strings.Repeat("1", 1<<20), strings.Repeat("a1:", 1<<18), strings.Repeat("1.", 1<<19), strings.Repeat("/tmp/", 1<<18)} {
		if out := Normalize(nil, s); len(out) == 0 || len(out) > 3*len(s) {
			t.Errorf("normalised %d bytes into %d", len(s), len(out))
		}
	}
}
