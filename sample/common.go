package sample

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// build is one build being written: its plan, random source, files and
// the moments its logs are built around.
type build struct {
	BuildInfo
	r        *rand.Rand
	files    []file
	host     string    // Ansible inventory host: controller, undercloud
	node     string    // node host name: np0038912345
	ip       string    // node address
	runAt    time.Time // the job's run playbook starts
	failAt   time.Time // the failure shows (failed builds), the run ends (successes)
	postAt   time.Time // post-run playbooks start
	executor string
	pids     map[string]int // syslog programs' process ids

	// When failures show, decided up front so that every log agrees.
	oomAt, rpcAt, ttAt, unexAt time.Time
	server                     string // the instance a failure is about

}

type file struct {
	name string
	w    *logw
	raw  []byte
}

func (g *build) add(name string, w *logw) { g.files = append(g.files, file{name: name, w: w}) }

func (g *build) addRaw(name string, data []byte) {
	g.files = append(g.files, file{name: name, raw: data})
}

func newBuild(b BuildInfo) *build {
	seed1, _ := strconv.ParseUint(b.UUID[:16], 16, 64)
	seed2, _ := strconv.ParseUint(b.UUID[16:], 16, 64)
	r := rand.New(rand.NewPCG(seed1, seed2))
	g := &build{BuildInfo: b, r: r}
	g.host = "controller"
	if b.Family == FamilyTripleO {
		g.host = "undercloud"
	}
	g.node = fmt.Sprintf("np%010d", 38000000+r.IntN(2000000))
	g.ip = fmt.Sprintf("%d.%d.%d.%d", []int{104, 158, 38, 199, 213}[r.IntN(5)], r.IntN(256), r.IntN(256), 2+r.IntN(250))
	g.executor = fmt.Sprintf("ze%02d.opendev.org", 1+r.IntN(12))
	dur := b.End.Sub(b.Start)
	g.runAt = b.Start.Add(dur/25 + time.Duration(r.IntN(60))*time.Second)
	g.postAt = b.End.Add(-time.Duration(120+r.IntN(120)) * time.Second)
	g.failAt = g.postAt.Add(-time.Duration(5+r.IntN(40)) * time.Second)
	span := g.failAt.Sub(g.runAt)
	g.oomAt = g.failAt.Add(-time.Duration(4+r.IntN(8)) * time.Minute)
	g.rpcAt = g.failAt.Add(-time.Duration(5+r.IntN(8)) * time.Minute)
	g.ttAt = g.failAt.Add(-span / time.Duration(4+r.IntN(4)))
	if b.Result == "TIMED_OUT" {
		g.ttAt = g.failAt.Add(-time.Duration(3+r.IntN(5)) * time.Minute)
	}
	g.unexAt = g.failAt.Add(-span / time.Duration(3+r.IntN(5)))
	g.server = uuid4(r)
	return g
}

// jobLog starts job-output.txt and writes Zuul's header and pre-run
// playbooks; the family writes the run playbook; finishJob the rest.
func (g *build) jobLog() *logw {
	w := newLog(styleJob, g.Start, g.r)
	w.t = w.t.Add(time.Duration(g.r.IntN(900)) * time.Millisecond)
	if g.Era == EraJenkins {
		g.jenkinsStart(w)
		return w
	}
	for _, s := range []string{"Job console starting", "Updating git repos", "Cloning repos into workspace", "Restoring repo states",
		"Merging changes", "Checking out repos", "Preparing playbooks", "Running Ansible setup"} {
		w.line(s)
		w.tick(1500 * time.Millisecond)
	}
	w.line("PRE-RUN START: [trusted : opendev.org/opendev/base-jobs/playbooks/base/pre.yaml@master]")
	w.line("")
	w.line("PLAY [localhost]")
	w.line("")
	w.line("TASK [Gathering Facts]")
	w.tick(2 * time.Second)
	w.line("ok: [localhost]")
	w.line("")
	w.line("TASK [emit-job-header : Print job information]")
	w.linesAt("# Job Information", "Ansible Version: 2.16.14", "Job: "+g.Job, "Pipeline: "+g.Pipeline,
		"Executor: "+g.executor,
		fmt.Sprintf("Triggered by: https://review.opendev.org/c/%s/+/%d", g.Project, g.Change),
		"Event ID: "+hex(g.r, 32), "Build UUID: "+g.UUID, "Project: "+g.Project, "Branch: "+g.Branch,
		"Nodeset: "+g.Nodeset, "Log URL (when completed): "+g.LogURL)
	w.line("ok: [localhost]")
	w.line("")
	w.line("TASK [emit-job-header : Print node information]")
	distro := "Ubuntu 24.04"
	switch {
	case g.Family == FamilyTripleO:
		distro = "CentOS 7"
	case g.Era < EraToday:
		distro = "Ubuntu 18.04"
	}
	w.linesAt("# Node Information", "Inventory Hostname: "+g.host, "Hostname: "+g.node, "Username: zuul",
		"Distro: "+distro, "Provider: "+g.Provider, "Region: "+region(g.Provider), "Label: "+label(g),
		"Product Name: OpenStack Nova", "Interface IP: "+g.ip)
	w.line("ok: [localhost]")
	w.tick(2 * time.Second)
	w.line("")
	w.line("PLAY [all]")
	hosts := []string{g.host}
	end := g.Start.Add(g.runAt.Sub(g.Start) / 2)
	g.tasks(w, end, subset(w, preTasks, w.n(9, 14)), hosts)
	g.recap(w, hosts, 0)
	w.line("PRE-RUN END RESULT_NORMAL: [trusted : opendev.org/opendev/base-jobs/playbooks/base/pre.yaml@master]")
	pre := map[string]string{
		FamilyDevstack: "opendev.org/openstack/devstack/playbooks/pre.yaml@master",
		FamilyTripleO:  "opendev.org/openstack/tripleo-ci/playbooks/tripleo-ci/pre.yaml@master",
		FamilyMagnum:   "opendev.org/openstack/devstack/playbooks/pre.yaml@master",
	}[g.Family]
	w.line("PRE-RUN START: [untrusted : " + pre + "]")
	w.line("")
	w.line("PLAY [all]")
	g.tasks(w, g.runAt, subset(w, preTasks2[g.Family], w.n(5, 9)), hosts)
	g.recap(w, hosts, 0)
	w.line("PRE-RUN END RESULT_NORMAL: [untrusted : " + pre + "]")
	w.to(g.runAt)
	return w
}

var preTasks = []string{
	"validate-host : Collect information about the host",
	"validate-host : Sanity check for zuul_traceroute",
	"prepare-workspace : Start zuul_console daemon.",
	"prepare-workspace : Synchronize src repos to workspace directory.",
	"add-build-sshkey : Create a new SSH key",
	"add-build-sshkey : Enable access via build key on all nodes",
	"ensure-output-dirs : Ensure log directories exist",
	"configure-mirrors : Install apt mirror",
	"configure-mirrors : Set up pip.conf",
	"configure-unbound : Write out unbound configuration",
	"mirror-workspace-git-repos : Synchronize src repos to workspace directory",
	"log-inventory : Return inventory variables",
	"set-zuul-log-path-fact : Set log path for a build",
	"start-zuul-console : Start zuul_console daemon.",
}

var preTasks2 = map[string][]string{
	FamilyDevstack: {"ensure-pip : Install pip", "setup-stack-user : Create stack user", "setup-stack-user : Set up stack user's sudo permissions",
		"setup-tempest-user : Create tempest user", "setup-devstack-source-dirs : Find all source repos used by this job",
		"setup-devstack-log-cache : Set up the log cache", "setup-devstack-cache : Copy cached devstack files", "write-devstack-local-conf : Write a job-specific local_conf file",
		"apply-devstack-pre : Install packages", "configure-swap : Configure a swap file"},
	FamilyTripleO: {"tripleo-repos : Install tripleo-repos", "tripleo-repos : Get the component repo", "ensure-pip : Install pip",
		"tripleo-build-containers : Set up container registry", "tripleo-ci : Prepare the undercloud", "tripleo-ci : Install packages for the run",
		"tripleo-ci : Set up the delorean repos", "multinode-networking : Set up the subnode bridge"},
	FamilyMagnum: {"ensure-pip : Install pip", "setup-stack-user : Create stack user", "setup-devstack-source-dirs : Find all source repos used by this job",
		"write-devstack-local-conf : Write a job-specific local_conf file", "setup-devstack-cache : Copy cached devstack files"},
}

// tasks writes the tasks in order, spread until end.
func (g *build) tasks(w *logw, end time.Time, names []string, hosts []string) {
	i := 0
	w.fill(end, len(names), func(w *logw) {
		g.task(w, names[i], hosts)
		i++
	})
}

// task writes an Ansible task banner and its outcome on each host,
// sometimes retried first.
func (g *build) task(w *logw, name string, hosts []string) {
	w.line("")
	w.line("TASK [" + name + "]")
	w.tick(2 * time.Second)
	if w.r.IntN(25) == 0 {
		left := w.n(3, 9)
		w.line(fmt.Sprintf("FAILED - RETRYING: [%s]: %s (%d retries left).", hosts[0], name[strings.Index(name, ": ")+2:], left))
		w.tick(10 * time.Second)
	}
	for _, h := range hosts {
		if w.r.IntN(3) == 0 {
			w.line("changed: [" + h + "]")
		} else {
			w.line("ok: [" + h + "]")
		}
	}
}

// recap writes Ansible's play recap.
func (g *build) recap(w *logw, hosts []string, failed int) {
	w.line("")
	w.line("PLAY RECAP")
	for _, h := range hosts {
		w.line(fmt.Sprintf("%-27s: ok=%-4d changed=%-4d unreachable=0    failed=%-4d skipped=%-4d rescued=0    ignored=0",
			h, w.n(8, 60), w.n(2, 30), failed, w.n(0, 12)))
	}
	w.line("")
}

// fatal writes Ansible's failed-task output for a run playbook's command.
func (g *build) fatal(w *logw, cmd string) {
	start := g.runAt.Add(time.Minute)
	w.line(fmt.Sprintf(`fatal: [%s]: FAILED! => {"changed": true, "cmd": %q, "delta": "%s", "end": "%s", "msg": "non-zero return code", "rc": 1, "start": "%s", "stderr": "", "stderr_lines": [], "stdout": "", "stdout_lines": []}`,
		g.host, cmd, delta(w.t.Sub(start)), w.t.Format("2006-01-02 15:04:05.000000"), start.Format("2006-01-02 15:04:05.000000")))
	w.line("")
	w.line("NO MORE HOSTS LEFT")
}

func delta(d time.Duration) string {
	h := int(d.Hours())
	m := int(d.Minutes()) % 60
	s := d.Seconds() - float64(h*3600+m*60)
	return fmt.Sprintf("%d:%02d:%09.6f", h, m, s)
}

// jenkinsStart writes the top of a Jenkins-era console: the job ran its
// shell script on a node Jenkins named after the provider, then the
// scripts' own trace. (Jenkins wrote the console as HTML; the sample
// keeps its text, timestamped the way the 2016 notes quote it.)
func (g *build) jenkinsStart(w *logw) {
	node := label(g) + "-" + g.Provider + "-" + fmt.Sprint(8000000+g.r.IntN(999999))
	w.linesAt("Started by user anonymous",
		"Building remotely on "+node+" ("+label(g)+") in workspace /home/jenkins/workspace/"+g.Job,
		"[gate-wrap] $ /bin/bash -xe /tmp/hudson"+fmt.Sprint(1000000000+g.r.IntN(999999999))+".sh",
		"+ export ZUUL_PROJECT="+g.Project, "+ export ZUUL_BRANCH="+g.Branch,
		fmt.Sprintf("+ export ZUUL_CHANGE=%d", g.Change), "+ export NODEPOOL_PROVIDER="+g.Provider)
	w.to(g.runAt)
}

// jenkinsFinish ends a Jenkins-era console.
func (g *build) jenkinsFinish(w *logw) {
	w.to(g.postAt)
	w.line("+ /usr/local/jenkins/slave_scripts/copy-logs.sh")
	if g.Result == "POST_FAILURE" {
		w.line("ERROR: Failed to publish the logs: rsync: connection unexpectedly closed (0 bytes received so far) [sender]")
	}
	if g.Result != "SUCCESS" {
		w.line("Build step 'Execute shell' marked build as failure")
	}
	w.to(g.End.Add(-5 * time.Second))
	w.line("Finished: " + g.Result)
}

// finishJob writes the end of the run playbook and the post-run playbooks.
func (g *build) finishJob(w *logw, run string, failed bool) {
	if g.Era == EraJenkins {
		g.jenkinsFinish(w)
		return
	}
	if g.Result == "TIMED_OUT" {
		w.to(g.postAt.Add(-10 * time.Second))
		w.line("RUN END RESULT_TIMED_OUT: [untrusted : " + run + "]")
	} else {
		fails := 0
		if failed {
			fails = 1
		}
		g.recap(w, []string{g.host}, fails)
		w.line("RUN END RESULT_NORMAL: [untrusted : " + run + "]")
	}
	w.to(g.postAt)
	hosts := []string{g.host}
	post := map[string]string{
		FamilyDevstack: "opendev.org/openstack/devstack/playbooks/post.yaml@master",
		FamilyTripleO:  "opendev.org/openstack/tripleo-ci/playbooks/tripleo-ci/post.yaml@master",
		FamilyMagnum:   "opendev.org/openstack/devstack/playbooks/post.yaml@master",
	}[g.Family]
	w.line("POST-RUN START: [untrusted : " + post + "]")
	w.line("")
	w.line("PLAY [all]")
	mid := g.postAt.Add(g.End.Sub(g.postAt) / 2)
	g.tasks(w, mid, subset(w, postTasks, w.n(6, 10)), hosts)
	g.recap(w, hosts, 0)
	w.line("POST-RUN END RESULT_NORMAL: [untrusted : " + post + "]")
	base := "opendev.org/opendev/base-jobs/playbooks/base/post.yaml@master"
	w.line("POST-RUN START: [trusted : " + base + "]")
	w.line("")
	w.line("PLAY [localhost]")
	g.tasks(w, g.End.Add(-45*time.Second), subset(w, basePostTasks, w.n(3, 5)), []string{"localhost"})
	postFailed := 0
	w.line("")
	w.line("TASK [upload-logs-swift : Upload logs to swift]")
	w.tick(12 * time.Second)
	if g.Result == "POST_FAILURE" {
		postFailed = 1
		w.line(fmt.Sprintf("ERROR: Upload of logs to swift failed: HTTPSConnectionPool(host='swift.%s.example.org', port=443): Max retries exceeded with url: /v1/AUTH_%s/zuul_opendev_logs_%s/ (Caused by NewConnectionError('<urllib3.connection.HTTPSConnection object at 0x7f%s>: Failed to establish a new connection: [Errno 113] No route to host'))",
			g.Provider, hex(g.r, 32), g.UUID[:3], hex(g.r, 10)))
		w.line(`fatal: [localhost]: FAILED! => {"changed": false, "msg": "Failure uploading logs to swift"}`)
	} else {
		w.line("ok: [localhost]")
	}
	g.recap(w, []string{"localhost"}, postFailed)
	w.line("POST-RUN END RESULT_NORMAL: [trusted : " + base + "]")
}

var postTasks = []string{
	"export-devstack-journal : Export journal",
	"export-devstack-journal : Export legacy syslog.txt",
	"fetch-subunit-output : Find stestr or testr executable",
	"fetch-subunit-output : Generate subunit file",
	"process-stackviz : Generate stackviz",
	"stage-output : Stat all the files",
	"stage-output : Make all log files readable",
	"fetch-output : Collect logs, artifacts and docs",
	"capture-system-logs : Stage various logs",
	"collect-container-logs : Collect container logs",
}

var basePostTasks = []string{
	"generate-zuul-manifest : Generate manifest",
	"fetch-output : Ensure local output dirs",
	"fetch-output : Collect log output",
	"merge-output-to-logs : Move artifacts and docs to logs dir",
	"remove-build-sshkey : Remove the build SSH key from all nodes",
}

func region(provider string) string {
	switch {
	case strings.HasPrefix(provider, "rax-"):
		return strings.ToUpper(provider[4:])
	case strings.HasPrefix(provider, "ovh-"):
		return strings.ToUpper(provider[4:])
	case strings.HasPrefix(provider, "vexxhost-"):
		return provider[9:]
	}
	return "iad3"
}

func label(g *build) string {
	switch {
	case g.Family == FamilyTripleO:
		return "centos-7"
	case g.Era < EraToday:
		return "ubuntu-bionic"
	}
	return "ubuntu-noble"
}

// syslog writes logs/syslog.txt: ordinary system noise over the run, and
// the kernel's OOM killer or a failed devstack service near the failure.
func (g *build) syslog() *logw {
	w := newLog(styleSyslog, g.runAt, g.r)
	w.host = g.node
	n := w.n(100, 160)
	events := []sysEvent{}
	if g.Has(ModeOOM) {
		events = append(events, sysEvent{g.oomAt, g.oomKill})
	}
	g.fillEvents(w, g.postAt, n, events, g.sysNoise)
	return w
}

type sysEvent struct {
	at    time.Time
	write func(w *logw)
}

// fillEvents writes n noise lines until `until`, writing each event when
// the clock reaches its time (events in time order).
func (g *build) fillEvents(w *logw, until time.Time, n int, events []sysEvent, noise func(w *logw)) {
	for i := 0; i < len(events); i++ {
		for j := i + 1; j < len(events); j++ {
			if events[j].at.Before(events[i].at) {
				events[i], events[j] = events[j], events[i]
			}
		}
	}
	for _, ev := range events {
		share := n * int(ev.at.Sub(w.t)) / max(1, int(until.Sub(w.t)))
		if share > 0 {
			w.fill(ev.at, share, noise)
			n -= share
		}
		w.to(ev.at)
		ev.write(w)
	}
	if n > 0 {
		w.fill(until, n, noise)
	}
}

// pid is a program's process id, the same all along the build.
func (g *build) pid(prog string) int {
	if g.pids == nil {
		g.pids = map[string]int{}
	}
	if p, ok := g.pids[prog]; ok {
		return p
	}
	p := 300 + g.r.IntN(5000)
	g.pids[prog] = p
	return p
}

func (g *build) sysNoise(w *logw) {
	tap := "tap" + hex(w.r, 8) + "-" + hex(w.r, 2)
	k := w.r.IntN(16)
	if g.Family != FamilyTripleO {
		// devstack's syslog.txt is `journalctl -t kernel -t sudo`: nothing
		// else reaches it.
		k = []int{0, 1, 2, 3, 4, 11}[k%6]
	}
	switch k {
	case 0:
		w.sys("kernel", 0, "IPv6: ADDRCONF(NETDEV_CHANGE): "+tap+": link becomes ready")
	case 1:
		w.sys("kernel", 0, "br-int: port "+w.itoa(2, 30)+"("+tap+") entered forwarding state")
	case 2:
		w.sys("kernel", 0, "device "+tap+" entered promiscuous mode")
	case 3:
		if g.Family == FamilyTripleO {
			w.sys("podman", w.n(2000, 90000), fmt.Sprintf("%s container health_status %s (image=quay.io/tripleomastercentos9/openstack-%s:current-tripleo, health_status=healthy)", w.t.Format("2006-01-02 15:04:05.000000000 +0000 UTC"), hex(w.r, 64), w.pick("nova-api", "keystone", "mariadb", "rabbitmq", "heat-engine")))
			return
		}
		w.sys("kernel", 0, fmt.Sprintf(`audit: type=1400 audit(%d.%03d:%d): apparmor="STATUS" operation="profile_load" profile="unconfined" name="libvirt-%s" pid=%d comm="apparmor_parser"`,
			w.t.Unix(), w.r.IntN(1000), w.n(100, 9999), uuid4(w.r), w.n(1000, 90000)))
	case 4:
		pid := w.n(2000, 90000)
		if g.Family == FamilyTripleO {
			w.sys("sudo", pid, "    zuul : TTY=unknown ; PWD=/home/zuul ; USER=root ; COMMAND=/usr/bin/"+w.pick("podman ps -a", "dnf -y install python3-tripleoclient", "systemctl restart tripleo_nova_api", "ip -o addr"))
		} else {
			w.sys("sudo", pid, "   stack : PWD=/opt/stack/devstack ; USER=root ; COMMAND=/usr/bin/"+w.pick("systemctl daemon-reload", "ovs-vsctl show", "ip netns list", "iptables-save -c", "lvs --noheadings -o lv_name stack-volumes-lvmdriver-1"))
		}
		w.sys("sudo", pid, "pam_unix(sudo:session): session opened for user root(uid=0) by (uid=1001)")
	case 5:
		daily := "apt-daily.service - Daily apt download activities"
		if g.Family == FamilyTripleO {
			daily = "dnf-makecache.service - dnf makecache"
		}
		unit := daily[:strings.Index(daily, " ")]
		w.sys("systemd", 1, w.pick("Starting "+daily+"...", unit+": Deactivated successfully.",
			"Finished "+daily+".", "Started session-"+w.itoa(3, 40)+".scope - Session of User zuul.",
			"run-netns-ovnmeta\\x2d"+hex(w.r, 8)+".mount: Deactivated successfully.", "Reloading finished in "+w.itoa(200, 900)+" ms."))
	case 6:
		if g.Family == FamilyTripleO {
			w.sys("CROND", w.n(2000, 90000), "(root) CMD (run-parts /etc/cron.hourly)")
			return
		}
		w.sys("CRON", w.n(2000, 90000), "(root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)")
	case 7:
		w.sys("ovs-vswitchd", g.pid("ovs-vswitchd"), fmt.Sprintf("ovs|%05d|bridge|INFO|bridge br-int: added interface %s on port %d", w.n(100, 9999), tap, w.n(2, 60)))
	case 8:
		w.sys("dnsmasq-dhcp", g.pid("dnsmasq-dhcp"), fmt.Sprintf("DHCPACK(tap%s-%s) 10.1.0.%d fa:16:3e:%s:%s:%s", hex(w.r, 8), hex(w.r, 2), w.n(2, 250), hex(w.r, 2), hex(w.r, 2), hex(w.r, 2)))
	case 9:
		w.sys("virtqemud", g.pid("virtqemud"), "libvirt version: 10.0.0, package: 10.0.0-2ubuntu8.5 (Ubuntu)")
	case 10:
		w.sys("systemd-resolved", g.pid("systemd-resolved"), "Clock change detected. Flushing caches.")
	case 11:
		w.sys("kernel", 0, fmt.Sprintf("EXT4-fs (loop%d): mounted filesystem %s r/w with ordered data mode. Quota mode: none.", w.n(0, 7), uuid4(w.r)))
	case 12:
		w.sys("iscsid", g.pid("iscsid"), fmt.Sprintf("iscsid: Connection%d:0 to [target: iqn.2010-10.org.openstack:volume-%s, portal: %s,3260] through [iface: default] is operational now", w.n(1, 40), uuid4(w.r), g.ip))
	case 13:
		w.sys("rsyslogd", g.pid("rsyslogd"), "[origin software=\"rsyslogd\" swVersion=\"8.2312.0\" x-pid=\""+fmt.Sprint(g.pid("rsyslogd"))+"\" x-info=\"https://www.rsyslog.com\"] rsyslogd was HUPed")
	case 14:
		w.sys("systemd-journald", g.pid("systemd-journald"), "Time spent on flushing to /var/log/journal is "+w.itoa(10, 999)+"ms for "+w.itoa(100, 9000)+" entries.")
	default:
		if g.Family == FamilyTripleO {
			name := w.pick("nova_api", "neutron_api", "glance_api", "keystone", "mysql", "rabbitmq", "heat_engine")
			w.sys("systemd", 1, "Started tripleo_"+name+".service - "+name+" container.")
			return
		}
		unit := "devstack@" + w.pick("n-api", "n-cpu", "n-sch", "n-cond-cell1", "neutron-api", "c-vol", "c-api", "g-api", "keystone", "placement-api", "m-api", "h-eng") + ".service"
		w.sys("systemd", 1, "Started "+unit+" - Devstack "+unit+".")
	}
}

// oomKill writes the kernel's OOM killer report.
func (g *build) oomKill(w *logw) {
	victim, comm := "mysqld", "qemu-system-x86"
	switch g.Family {
	case FamilyTripleO:
		victim, comm = w.pick("mysqld", "beam.smp", "heat-engine"), w.pick("podman", "ansible-playboo", "mysqld")
	case FamilyMagnum:
		victim, comm = w.pick("qemu-system-x86", "mysqld"), "qemu-system-x86"
	default:
		victim, comm = w.pick("mysqld", "qemu-system-x86", "nova-compute"), w.pick("qemu-system-x86", "mysqld", "python3")
	}
	vpid, cpid := w.n(2000, 60000), w.n(2000, 60000)
	k := func(s string) { w.sys("kernel", 0, s) }
	k(fmt.Sprintf("%s invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0", comm))
	kernel := "6.8.0-48-generic #48-Ubuntu"
	if g.Family == FamilyTripleO {
		kernel = "5.14.0-503.el9.x86_64 #1"
	}
	k(fmt.Sprintf("CPU: %d PID: %d Comm: %s Not tainted %s", w.n(0, 7), cpid, comm, kernel))
	k("Hardware name: OpenStack Foundation OpenStack Nova, BIOS 1.16.3-debian-1.16.3-2 04/01/2014")
	for _, s := range []string{"Call Trace:", " <TASK>", " dump_stack_lvl+0x76/0xa0", " dump_header+0x4a/0x240", " oom_kill_process+0x10c/0x1d0",
		" out_of_memory+0x101/0x330", " __alloc_pages_slowpath.constprop.0+0xa8e/0xe30", " __alloc_pages+0x31f/0x350", " </TASK>", "Mem-Info:"} {
		k(s)
	}
	k(fmt.Sprintf("active_anon:%d inactive_anon:%d isolated_anon:0", w.n(1500000, 1900000), w.n(50000, 99000)))
	k("Tasks state (memory values in pages):")
	k("[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name")
	k(fmt.Sprintf("[%7d]   114 %5d  %7d   %6d  %9d        0             0 %s", vpid, vpid, w.n(900000, 1300000), w.n(300000, 400000), w.n(2000000, 4000000), victim))
	unit := map[string]string{"mysqld": "mysql.service", "qemu-system-x86": "machine-qemu\\x2d1\\x2dinstance\\x2d00000007.scope",
		"nova-compute": "devstack@n-cpu.service", "beam.smp": "tripleo_rabbitmq.service", "heat-engine": "tripleo_heat_engine.service"}[victim]
	k(fmt.Sprintf("oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/%s,task=%s,pid=%d,uid=114", unit, victim, vpid))
	k(fmt.Sprintf("Out of memory: Killed process %d (%s) total-vm:%dkB, anon-rss:%dkB, file-rss:0kB, shmem-rss:0kB, UID:114 pgtables:%dkB oom_score_adj:0",
		vpid, victim, w.n(3000000, 5000000), w.n(1200000, 1600000), w.n(2000, 4000)))
	if g.Family == FamilyTripleO {
		w.sys("systemd", 1, unit+": A process of this unit has been killed by the OOM killer.")
		w.sys("systemd", 1, unit+": Main process exited, code=killed, status=9/KILL")
		w.sys("systemd", 1, unit+": Failed with result 'oom-kill'.")
	}
}

// serviceExited writes systemd's report of a devstack service that would
// not start, as the unit's journal export holds it: journalctl --unit
// selects systemd's own lines about the unit, in short-precise form.
func (g *build) serviceExited(w *logw) {
	unit := "devstack@" + g.Detail + ".service"
	line := func(msg string) {
		w.buf = append(w.buf, w.t.Format("Jan 02 15:04:05.000000")...)
		w.buf = append(w.buf, " "+g.node+" systemd[1]: "+msg+"\n"...)
		w.lines++
	}
	w.tick(time.Second)
	line(unit + ": Main process exited, code=exited, status=1/FAILURE")
	line(unit + ": Failed with result 'exit-code'.")
	line("Failed to start " + unit + " - Devstack " + unit + ".")
}

// inventory writes zuul-info/inventory.yaml.
func (g *build) inventory() []byte {
	var b strings.Builder
	cloud := g.Provider[:strings.Index(g.Provider, "-")]
	fmt.Fprintf(&b, "all:\n  hosts:\n    %s:\n      ansible_connection: ssh\n      ansible_host: %s\n      ansible_port: 22\n", g.host, g.ip)
	fmt.Fprintf(&b, "      ansible_python_interpreter: auto\n      ansible_user: zuul\n      nodepool:\n        az: nova\n        cloud: %s\n", cloud)
	fmt.Fprintf(&b, "        external_id: %s\n        host_id: %s\n        interface_ip: %s\n        label: %s\n", uuid4(g.r), hex(g.r, 56), g.ip, label(g))
	fmt.Fprintf(&b, "        private_ipv4: 10.%d.%d.%d\n        provider: %s\n        region: %s\n", g.r.IntN(256), g.r.IntN(256), 2+g.r.IntN(250), g.Provider, region(g.Provider))
	fmt.Fprintf(&b, "  vars:\n    zuul:\n      branch: %s\n      build: %s\n      buildset: %s\n", g.Branch, g.UUID, hex(g.r, 32))
	fmt.Fprintf(&b, "      change: '%d'\n      change_url: https://review.opendev.org/%d\n      executor:\n        hostname: %s\n", g.Change, g.Change, g.executor)
	fmt.Fprintf(&b, "      job: %s\n      patchset: '%d'\n      pipeline: %s\n      project:\n", g.Job, g.Patchset, g.Pipeline)
	fmt.Fprintf(&b, "        canonical_name: opendev.org/%s\n        name: %s\n        short_name: %s\n", g.Project, g.Project, g.Project[strings.Index(g.Project, "/")+1:])
	fmt.Fprintf(&b, "      ref: %s\n      tenant: openstack\n      voting: %t\n", g.Ref, g.Voting)
	return []byte(b.String())
}
