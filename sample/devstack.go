package sample

import (
	"fmt"
	"hash/fnv"
	"strings"
	"time"
)

// entry is one timestamped line of devstack's output, written both to
// logs/devstacklog.txt and (prefixed with the host) to job-output.
type entry struct {
	t    time.Time
	text string
}

// stackOutput collects devstack's output.
type stackOutput struct {
	g       *build
	w       *logw // logs/devstacklog.txt
	entries []entry
}

func (s *stackOutput) out(text string) {
	s.entries = append(s.entries, entry{s.w.t, text})
	s.w.line(text)
}

func (s *stackOutput) outs(texts ...string) {
	for _, t := range texts {
		s.out(t)
	}
}

// devstackPhases are stack.sh's summaries in order, with the kind of
// noise each shows and the services each starts.
var devstackPhases = []struct {
	summary, kind string
	services      []string
}{
	{"Installing package prerequisites", "install", nil},
	{"Installing OpenStack project source", "install", nil},
	{"Configuring Keystone", "config", nil},
	{"Configuring Glance", "config", nil},
	{"Configuring Neutron", "config", nil},
	{"Configuring Nova", "config", nil},
	{"Configuring Cinder", "config", nil},
	{"Starting Keystone", "start", []string{"keystone"}},
	{"Starting Glance", "start", []string{"g-api"}},
	{"Starting Neutron", "start", []string{"neutron-api", "q-ovn-metadata-agent"}},
	{"Starting Nova API", "start", []string{"n-api", "n-api-meta"}},
	{"Starting Nova", "start", []string{"n-cond-cell1", "n-sch", "n-cpu"}},
	{"Starting Cinder", "start", []string{"c-api", "c-sch", "c-vol"}},
	{"Creating initial neutron network elements", "config", nil},
	{"Configuring Tempest", "config", nil},
}

// earlyFailure says whether an unexplained failure stops stack.sh while
// it installs packages, before any service runs.
func earlyFailure(detail string) bool {
	switch detail {
	case "pip-no-matching-distribution", "git-clone-failure", "apt-fetch-failure", "disk-full":
		return true
	}
	return false
}

// unexplainedKinds are the failures no known-bug query explains, per family.
var unexplainedKinds = map[string][]string{
	FamilyDevstack: {"pip-no-matching-distribution", "tempest-assertion", "git-clone-failure", "neutron-db-deadlock", "apt-fetch-failure", "tempest-assertion", "disk-full"},
	FamilyTripleO:  {"container-pull-rate-limited", "ansible-role-not-found", "dnf-metadata-failure", "overcloud-ping-failed"},
	FamilyMagnum:   {"kubectl-unauthorized", "magnum-api-assertion", "pip-no-matching-distribution"},
}

// devstack writes a devstack/tempest build.
func (g *build) devstack() {
	job := g.jobLog()
	run := "opendev.org/openstack/tempest/playbooks/devstack-tempest.yaml@master"
	if g.Job == "devstack-platform-ubuntu-noble" {
		run = "opendev.org/openstack/devstack/playbooks/devstack.yaml@master"
	}
	g.startRun(job, run)

	svcStart, stackFails := g.runStack(job)
	if !(g.Has(ModeUnexplained) && earlyFailure(g.Detail)) {
		g.devstackServices(svcStart)
	}
	if stackFails {
		job.tick(time.Second)
		g.fatal(job, "./stack.sh")
		g.finishJob(job, run, true)
		g.add("job-output.txt", job)
		return
	}
	job.tick(5 * time.Second)
	job.line("changed: [" + g.host + "]")
	job.line("")
	job.line("TASK [run-tempest : Run Tempest]")
	g.tempest(job)
	failed := g.Failed() && g.Result != "POST_FAILURE" && g.Result != "TIMED_OUT"
	if failed {
		g.fatal(job, "tempest run --regex '(^tempest\\.(api|scenario))' --concurrency=4")
	} else if g.Result != "TIMED_OUT" {
		job.line("ok: [" + g.host + "]")
	}
	g.finishJob(job, run, failed)
	g.add("job-output.txt", job)
}

// runStack runs devstack: logs/devstacklog.txt, and its output in
// job-output. It returns when services started and whether stack.sh failed.
func (g *build) runStack(job *logw) (time.Time, bool) {
	stackFails := g.Has(ModeDevstackServiceFailed) || (g.Has(ModeUnexplained) && earlyFailure(g.Detail))
	stackStart := job.t.Add(20 * time.Second)
	span := g.failAt.Sub(g.runAt)
	stackEnd := g.runAt.Add(span * time.Duration(35+g.r.IntN(10)) / 100)
	if stackFails {
		stackEnd = g.failAt
	}
	st := &stackOutput{g: g, w: newLog(styleDevstack, stackStart, g.r)}
	svcStart := g.writeStack(st, stackEnd, stackFails)
	g.add("logs/devstacklog.txt", st.w)
	for _, e := range st.entries {
		job.to(e.t)
		job.line(g.host + " | " + e.text)
	}
	return svcStart, stackFails
}

// writeStack writes stack.sh's run until end; it returns when the
// services started.
func (g *build) writeStack(st *stackOutput, end time.Time, fails bool) time.Time {
	w := st.w
	n := w.n(100, 240)
	if fails {
		n = w.n(300, 450)
	}
	// The phase and the fraction of the lines after which stack.sh stops.
	stopPhase, stopFrac := len(devstackPhases), 1.0
	if g.Has(ModeDevstackServiceFailed) {
		for i, p := range devstackPhases {
			if contains(p.services, g.Detail) {
				stopPhase = i
			}
		}
		stopFrac = 0.8 + 0.15*float64(stopPhase-7)/6
	} else if fails {
		stopPhase = g.r.IntN(2)
		stopFrac = 0.35 + 0.1*float64(stopPhase) + 0.05*g.r.Float64()
	}
	total := end.Sub(w.t)
	linesFor := func(i int) int { // lines per phase, weighted towards installing
		wt := map[string]int{"install": 5, "config": 2, "start": 1}[devstackPhases[i].kind]
		return n * wt / 32
	}
	st.outs("+ ./stack.sh:main:230 :   SUPPORTED_DISTROS='bookworm|jammy|noble|rhel9|rhel10'",
		"+ ./stack.sh:main:232 :   [[ -n '' ]]", "+ ./stack.sh:main:348 :   source /opt/stack/devstack/openrc",
		fmt.Sprintf("+ ./stack.sh:main:360 :   export NODE_PROVIDER=%s", g.Provider))
	written := 0
	svcStart := end
	for i, p := range devstackPhases {
		k := linesFor(i)
		if fails && !g.Has(ModeDevstackServiceFailed) { // an install step breaks
			k = n / 2
			if i == stopPhase {
				k = n * 7 / 20
			}
		} else if i == stopPhase {
			k = int(float64(k) * 0.5)
		}
		if i > stopPhase {
			break
		}
		target := w.t.Add(total * time.Duration(k) / time.Duration(n))
		if fails {
			target = w.t.Add(time.Duration(float64(end.Sub(w.t)) * float64(k) / float64(max(1, int(float64(n)*stopFrac)-written))))
		}
		if target.After(end) {
			target = end
		}
		st.out(fmt.Sprintf("+ ./stack.sh:main:%d :   echo_summary '%s'", 700+i*57, p.summary))
		st.out(p.summary)
		if p.kind == "start" && svcStart.Equal(end) {
			svcStart = w.t
		}
		w.fill(target, k, func(w *logw) { st.out(g.stackNoise(w, p.kind)) })
		written += k
		for _, svc := range p.services {
			if i == stopPhase && svc == g.Detail {
				w.to(end.Add(-6 * time.Second))
				g.serviceStartFails(st, svc)
				return svcStart
			}
			g.serviceStarts(st, svc)
		}
		if i == stopPhase && fails {
			w.to(end.Add(-3 * time.Second))
			g.installFails(st)
			return svcStart
		}
	}
	w.to(end.Add(-20 * time.Second))
	st.outs("", "", "=========================", "DevStack Component Timing", " (times are in seconds)  ", "=========================")
	for _, c := range []string{"wait_for_service", "async_wait", "osc", "apt-get", "test_with_retry", "dbsync", "pip_install", "apt-get-update", "run_process"} {
		st.out(fmt.Sprintf("%-16s %5d", c, w.n(1, 400)))
	}
	st.outs("=========================", "", "", "",
		"This is your host IP address: "+g.ip,
		"This is your host IPv6 address: ::1",
		"Horizon is now available at http://"+g.ip+"/dashboard",
		"Keystone is serving at http://"+g.ip+"/identity/",
		"The default users are: admin and demo",
		"The password: secretadmin", "",
		"Services are running under systemd unit files.",
		"For more information see: ",
		"https://docs.openstack.org/devstack/latest/systemd.html", "",
		"DevStack Version: 2026.2",
		"Change: "+hex(g.r, 40)+" Merge \"Remove the deprecated option\" 2026-11-"+fmt.Sprintf("%02d", 1+g.r.IntN(18))+" 10:14:31 +0000",
		"OS Version: Ubuntu 24.04 noble", "")
	w.tick(time.Second)
	st.out(fmt.Sprintf("stack.sh completed in %d seconds.", int(w.t.Sub(g.runAt).Seconds())))
	return svcStart
}

var pipPackages = []string{"oslo.config", "oslo.messaging", "oslo.db", "oslo.log", "oslo.concurrency", "keystoneauth1", "python-novaclient",
	"sqlalchemy", "eventlet", "pbr", "requests", "WebOb", "routes", "stevedore", "tooz", "os-brick", "python-cinderclient", "osc-lib", "kombu", "amqp"}

var debPackages = []string{"libvirt-daemon-system", "qemu-system-x86", "mysql-server-8.0", "rabbitmq-server", "apache2", "libapache2-mod-wsgi-py3",
	"openvswitch-switch", "ovn-central", "lvm2", "targetcli-fb", "python3-dev", "libffi-dev", "libssl-dev", "memcached", "etcd-server"}

var iniOptions = []string{"DEFAULT debug True", "DEFAULT rpc_response_timeout 60", "DEFAULT graceful_shutdown_timeout 5", "DEFAULT transport_url rabbit://stackrabbit:secretrabbit@" + "$HOST_IP:5672/",
	"database connection mysql+pymysql://root:secretmysql@127.0.0.1/nova_cell1?charset=utf8", "oslo_concurrency lock_path /opt/stack/data/nova",
	"keystone_authtoken memcached_servers localhost:11211", "keystone_authtoken http_connect_timeout 30", "DEFAULT vif_plugging_timeout 300",
	"libvirt live_migration_completion_timeout 800", "compute build_timeout 196", "volume build_timeout 196", "neutron timeout 60",
	"placement region_name RegionOne", "wsgi api_paste_config /etc/nova/api-paste.ini"}

// stackNoise is one line of stack.sh's ordinary output.
func (g *build) stackNoise(w *logw, kind string) string {
	switch kind {
	case "install":
		pkg := pipPackages[w.r.IntN(len(pipPackages))]
		ver := fmt.Sprintf("%d.%d.%d", w.n(1, 17), w.n(0, 9), w.n(0, 4))
		deb := debPackages[w.r.IntN(len(debPackages))]
		mirror := "mirror." + strings.ToLower(region(g.Provider)) + "." + g.Provider[:strings.Index(g.Provider, "-")] + ".opendev.org"
		switch w.r.IntN(12) {
		case 0:
			return "Collecting " + pkg + ">=" + ver
		case 1:
			return "  Downloading https://" + mirror + "/pypi/packages/" + hex(w.r, 2) + "/" + hex(w.r, 2) + "/" + strings.ReplaceAll(pkg, ".", "_") + "-" + ver + "-py3-none-any.whl (" + w.itoa(20, 900) + " kB)"
		case 2, 3:
			return "Requirement already satisfied: " + pkg + " in /opt/stack/data/venv/lib/python3.12/site-packages (" + ver + ")"
		case 4:
			return "Successfully installed " + pkg + "-" + ver + " " + pipPackages[w.r.IntN(len(pipPackages))] + "-" + fmt.Sprintf("%d.%d.0", w.n(1, 9), w.n(0, 9))
		case 5:
			return "Get:" + w.itoa(1, 300) + " http://" + mirror + "/ubuntu noble-updates/main amd64 " + deb + " amd64 " + ver + "-1ubuntu" + w.itoa(1, 9) + " [" + w.itoa(10, 9000) + " kB]"
		case 6:
			return "Setting up " + deb + " (" + ver + "-1ubuntu" + w.itoa(1, 9) + ") ..."
		case 7:
			return "Unpacking " + deb + " (" + ver + "-1ubuntu" + w.itoa(1, 9) + ") ..."
		case 8:
			if w.r.IntN(6) == 0 {
				return "WARNING: Retrying (Retry(total=4, connect=None, read=None, redirect=None, status=None)) after connection broken by 'ReadTimeoutError(\"HTTPSConnectionPool(host='" + mirror + "', port=443): Read timed out. (read timeout=15)\")': /pypi/simple/" + pkg + "/"
			}
			return "Processing triggers for man-db (2.12.0-4build2) ..."
		case 9:
			return fmt.Sprintf("+ inc/python:pip_install:%d :   sudo -H LC_ALL=en_US.UTF-8 SETUPTOOLS_USE_DISTUTILS=stdlib http_proxy= https_proxy= no_proxy= PIP_FIND_LINKS= /opt/stack/data/venv/bin/pip install -c /opt/stack/requirements/upper-constraints.txt -e /opt/stack/%s", w.n(190, 220), w.pick("nova", "neutron", "cinder", "glance", "keystone", "placement", "tempest"))
		case 10:
			return fmt.Sprintf("+ functions-common:apt_get:%d :   sudo DEBIAN_FRONTEND=noninteractive http_proxy= https_proxy= no_proxy= apt-get --option Dpkg::Options::=--force-confold --assume-yes install %s", w.n(1180, 1200), deb)
		default:
			return "WARNING: Running pip as the 'root' user can result in broken permissions and conflicting behaviour with the system package manager, possibly rendering your system unusable."
		}
	case "start":
		svc := w.pick("n-api", "n-sch", "neutron-api", "c-api", "g-api", "keystone")
		switch w.r.IntN(4) {
		case 0:
			return fmt.Sprintf("+ functions-common:wait_for_service:%d :   test_with_retry 'curl -g -k --noproxy '\\''*'\\'' -s -o /dev/null -w '\\''%%{http_code}'\\'' http://%s/identity' 'Service did not start' 60 1", w.n(2440, 2460), g.ip)
		case 1:
			return fmt.Sprintf("+ functions-common:_run_under_systemd:%d :   local service=%s", w.n(1600, 1620), svc)
		case 2:
			return fmt.Sprintf("+ lib/%s:start_%s:%d :   local service_port=%d", w.pick("nova", "neutron", "cinder"), w.pick("nova_api", "neutron_service_and_check", "cinder"), w.n(900, 1100), w.n(8770, 9700))
		default:
			return fmt.Sprintf("+ functions-common:is_service_enabled:%d :   return 0", w.n(2100, 2130))
		}
	}
	switch w.r.IntN(9) {
	case 0, 1, 2:
		opt := iniOptions[w.r.IntN(len(iniOptions))]
		opt = strings.ReplaceAll(opt, "$HOST_IP", g.ip)
		return fmt.Sprintf("+ lib/%s:configure_%s:%d :   iniset /etc/%s/%s.conf %s", "nova", "nova", w.n(400, 700), "nova", "nova", opt)
	case 3:
		return fmt.Sprintf("+ functions-common:is_service_enabled:%d :   return 0", w.n(2100, 2130))
	case 4:
		return "+ lib/keystone:create_keystone_accounts:" + w.itoa(300, 400) + " :   get_or_add_user_project_role " + w.pick("admin", "member", "reader", "service") + " " + w.pick("nova", "neutron", "cinder", "glance", "placement") + " service"
	case 5:
		return "| " + w.pick("enabled     | True", "interface   | public", "region      | RegionOne", "service_type | compute", "id          | "+hex(w.r, 32), "url         | http://"+g.ip+"/compute/v2.1")
	case 6:
		return "+ " + w.pick("./stack.sh:main:1264 :   [[ -n '' ]]", "local xtrace", "functions-common:get_field:"+w.itoa(1000, 1100)+" :   local data field", "lib/tempest:configure_tempest:"+w.itoa(300, 700)+" :   iniset /opt/stack/tempest/etc/tempest.conf "+w.pick("compute build_timeout 196", "compute-feature-enabled resize True", "validation run_validation True", "network-feature-enabled ipv6 True"))
	case 7:
		return "++ " + w.pick("functions-common:get_or_create_endpoint:"+w.itoa(1000, 1100)+" :   openstack --os-cloud devstack-system-admin endpoint create --region RegionOne -f value -c id", "lib/neutron:neutron_plugin_create_initial_network_profile:"+w.itoa(100, 200)+" :   openstack --os-cloud devstack-admin network create public --external")
	default:
		return "+ functions-common:run_process:" + w.itoa(1640, 1660) + " :   sudo install -d -o stack -m 755 /etc/" + w.pick("nova", "neutron", "cinder", "glance", "placement")
	}
}

var serviceCommands = map[string]string{
	"keystone":             "/opt/stack/data/venv/bin/uwsgi --procname-prefix keystone --ini /etc/keystone/keystone-uwsgi-public.ini",
	"g-api":                "/opt/stack/data/venv/bin/uwsgi --procname-prefix glance-api --ini /etc/glance/glance-uwsgi.ini",
	"neutron-api":          "/opt/stack/data/venv/bin/uwsgi --procname-prefix neutron-api --ini /etc/neutron/neutron-api-uwsgi.ini",
	"q-ovn-metadata-agent": "/opt/stack/data/venv/bin/neutron-ovn-metadata-agent --config-file /etc/neutron/neutron_ovn_metadata_agent.ini",
	"n-api":                "/opt/stack/data/venv/bin/uwsgi --procname-prefix nova-api --ini /etc/nova/nova-api-uwsgi.ini",
	"n-api-meta":           "/opt/stack/data/venv/bin/uwsgi --procname-prefix nova-api-meta --ini /etc/nova/nova-metadata-uwsgi.ini",
	"n-cond-cell1":         "/opt/stack/data/venv/bin/nova-conductor --config-file /etc/nova/nova_cell1.conf",
	"n-sch":                "/opt/stack/data/venv/bin/nova-scheduler --config-file /etc/nova/nova.conf",
	"n-cpu":                "/opt/stack/data/venv/bin/nova-compute --config-file /etc/nova/nova-cpu.conf",
	"c-api":                "/opt/stack/data/venv/bin/uwsgi --procname-prefix cinder-api --ini /etc/cinder/cinder-api-uwsgi.ini",
	"c-sch":                "/opt/stack/data/venv/bin/cinder-scheduler --config-file /etc/cinder/cinder.conf",
	"c-vol":                "/opt/stack/data/venv/bin/cinder-volume --config-file /etc/cinder/cinder.conf",
}

func (g *build) serviceStarts(st *stackOutput, svc string) {
	w := st.w
	unit := "devstack@" + svc + ".service"
	st.out(fmt.Sprintf("+ functions-common:run_process:1655 :   _run_under_systemd %s '%s' '' ''", svc, serviceCommands[svc]))
	st.out("+ functions-common:_run_under_systemd:1640 :   $SYSTEMCTL enable " + unit)
	st.out("Created symlink /etc/systemd/system/multi-user.target.wants/" + unit + " → /etc/systemd/system/" + unit + ".")
	st.out("+ functions-common:_run_under_systemd:1641 :   $SYSTEMCTL start " + unit)
	w.tick(3 * time.Second)
}

// serviceStartFails writes devstack failing to start svc.
func (g *build) serviceStartFails(st *stackOutput, svc string) {
	unit := "devstack@" + svc + ".service"
	g.serviceStarts(st, svc)
	st.out("Job for " + unit + " failed because the control process exited with error code.")
	st.out(`See "systemctl status ` + unit + `" and "journalctl -xeu ` + unit + `" for details.`)
	st.out("[ERROR] /opt/stack/devstack/functions-common:1643 Service " + svc + " is not running")
	g.exitTrap(st, "functions-common:_run_under_systemd")
}

// installFails writes an unexplained failure while installing.
func (g *build) installFails(st *stackOutput) {
	w := st.w
	proj := w.pick("nova", "neutron", "cinder", "glance", "placement", "requirements")
	mirror := "mirror." + strings.ToLower(region(g.Provider)) + "." + g.Provider[:strings.Index(g.Provider, "-")] + ".opendev.org"
	ctx := "inc/python:pip_install"
	switch g.Detail {
	case "pip-no-matching-distribution":
		pkg := pipPackages[w.r.IntN(len(pipPackages))]
		st.out(fmt.Sprintf("+ inc/python:pip_install:208 :   sudo -H LC_ALL=en_US.UTF-8 /opt/stack/data/venv/bin/pip install -c /opt/stack/requirements/upper-constraints.txt -e /opt/stack/%s", proj))
		st.out("Obtaining file:///opt/stack/" + proj)
		st.out(fmt.Sprintf("ERROR: Could not find a version that satisfies the requirement %s===%d.%d.1 (from versions: %d.0.0, %d.1.0, %d.2.0)", pkg, 17, 4, 16, 16, 17))
		st.out(fmt.Sprintf("ERROR: No matching distribution found for %s===17.4.1", pkg))
	case "git-clone-failure":
		ctx = "functions-common:git_clone"
		st.out(fmt.Sprintf("+ functions-common:git_clone:612 :   git_timed clone https://opendev.org/openstack/%s /opt/stack/%s --branch %s", proj, proj, g.Branch))
		st.out("Cloning into '/opt/stack/" + proj + "'...")
		st.out("fatal: unable to access 'https://opendev.org/openstack/" + proj + "/': Failed to connect to opendev.org port 443 after " + w.itoa(100, 3000) + " ms: Couldn't connect to server")
		st.out(fmt.Sprintf("[ERROR] /opt/stack/devstack/functions-common:651 git call failed: [git clone https://opendev.org/openstack/%s /opt/stack/%s --branch %s]", proj, proj, g.Branch))
	case "apt-fetch-failure":
		ctx = "functions-common:apt_get"
		deb := debPackages[w.r.IntN(len(debPackages))]
		st.out("E: Failed to fetch http://" + mirror + "/ubuntu/pool/main/" + deb[:1] + "/" + deb + "/" + deb + "_" + w.itoa(1, 12) + ".0.0-2ubuntu8.5_amd64.deb  503  Service Unavailable [IP: " + g.ip + " 80]")
		st.out("E: Unable to fetch some archives, maybe run apt-get update or try with --fix-missing?")
		st.out("[ERROR] /opt/stack/devstack/functions-common:1205 Failed to install packages: " + deb)
	default: // disk-full
		st.out(fmt.Sprintf("+ inc/python:pip_install:208 :   sudo -H /opt/stack/data/venv/bin/pip install -c /opt/stack/requirements/upper-constraints.txt -e /opt/stack/%s", proj))
		st.out("Installing collected packages: " + strings.Join(pipPackages[:4], ", "))
		st.out("ERROR: Could not install packages due to an OSError: [Errno 28] No space left on device")
	}
	g.exitTrap(st, ctx)
}

// exitTrap writes stack.sh's exit trap after a failed command.
func (g *build) exitTrap(st *stackOutput, ctx string) {
	w := st.w
	st.outs("+ "+ctx+":1 :   exit_trap", "+ ./stack.sh:exit_trap:551 :   local r=1", "++ ./stack.sh:exit_trap:552 :   jobs -p",
		"+ ./stack.sh:exit_trap:552 :   jobs=", "+ ./stack.sh:exit_trap:555 :   [[ -n '' ]]",
		"+ ./stack.sh:exit_trap:561 :   '[' -f /tmp/tmp."+hex(w.r, 10)+" ']'", "+ ./stack.sh:exit_trap:566 :   kill_spinner",
		"+ ./stack.sh:exit_trap:568 :   [[ 1 -ne 0 ]]", "+ ./stack.sh:exit_trap:569 :   echo 'Error on exit'", "Error on exit",
		"+ ./stack.sh:exit_trap:571 :   type -p generate-subunit",
		fmt.Sprintf("+ ./stack.sh:exit_trap:572 :   generate-subunit %d %d fail", g.runAt.Unix(), int(w.t.Sub(g.runAt).Seconds())),
		"+ ./stack.sh:exit_trap:574 :   [[ -z /opt/stack/logs ]]",
		"+ ./stack.sh:exit_trap:577 :   /usr/bin/python3.12 /opt/stack/devstack/tools/worlddump.py -d /opt/stack/logs")
	w.tick(2 * time.Second)
	st.outs("World dumping... see /opt/stack/logs/worlddump-"+w.t.Format("2006-01-02-150405")+".txt for details",
		"+ ./stack.sh:exit_trap:586 :   exit 1")
}

// tempestTests are the tests a run draws from.
var tempestTests = []string{
	"tempest.api.compute.servers.test_create_server.ServersTestJSON.test_list_servers",
	"tempest.api.compute.servers.test_create_server.ServersTestJSON.test_verify_server_details",
	"tempest.api.compute.servers.test_server_actions.ServerActionsTestJSON.test_reboot_server_hard",
	"tempest.api.compute.servers.test_server_actions.ServerActionsTestJSON.test_resize_server_confirm",
	"tempest.api.compute.servers.test_server_actions.ServerActionsTestJSON.test_rebuild_server",
	"tempest.api.compute.servers.test_servers_negative.ServersNegativeTestJSON.test_reboot_non_existent_server",
	"tempest.api.compute.servers.test_attach_interfaces.AttachInterfacesTestJSON.test_create_list_show_delete_interfaces_by_network_port",
	"tempest.api.compute.volumes.test_attach_volume.AttachVolumeTestJSON.test_attach_detach_volume",
	"tempest.api.compute.admin.test_live_migration.LiveMigrationTest.test_live_block_migration",
	"tempest.api.compute.flavors.test_flavors.FlavorsV2TestJSON.test_list_flavors",
	"tempest.api.compute.keypairs.test_keypairs.KeyPairsV2TestJSON.test_keypair_create_delete",
	"tempest.api.compute.images.test_images.ImagesTestJSON.test_create_image_from_stopped_server",
	"tempest.api.network.test_ports.PortsTestJSON.test_create_port_in_allowed_allocation_pools",
	"tempest.api.network.test_ports.PortsTestJSON.test_update_port_with_security_group_and_extra_attributes",
	"tempest.api.network.test_networks.NetworksTest.test_create_update_delete_network_subnet",
	"tempest.api.network.test_routers.RoutersTest.test_add_remove_router_interface_with_subnet_id",
	"tempest.api.network.test_floating_ips.FloatingIPTestJSON.test_create_list_show_update_delete_floating_ip",
	"tempest.api.network.test_security_groups.SecGroupTest.test_create_list_update_show_delete_security_group",
	"tempest.api.volume.test_volumes_actions.VolumesActionsTest.test_attach_detach_volume_to_instance",
	"tempest.api.volume.test_volumes_get.VolumesGetTest.test_volume_create_get_update_delete",
	"tempest.api.volume.test_volumes_snapshots.VolumesSnapshotTestJSON.test_snapshot_create_get_list_update_delete",
	"tempest.api.volume.test_volumes_backup.VolumesBackupsTest.test_volume_backup_create_get_detailed_list_restore_delete",
	"tempest.api.image.v2.test_images.BasicOperationsImagesTest.test_delete_image",
	"tempest.api.image.v2.test_images.ListUserImagesTest.test_list_no_params",
	"tempest.api.identity.v3.test_tokens.TokensV3Test.test_create_token",
	"tempest.api.identity.admin.v3.test_projects.ProjectsTestJSON.test_project_create_with_description",
	"tempest.api.object_storage.test_container_services.ContainerTest.test_create_container",
	"tempest.scenario.test_network_basic_ops.TestNetworkBasicOps.test_network_basic_ops",
	"tempest.scenario.test_server_basic_ops.TestServerBasicOps.test_server_basic_ops",
	"tempest.scenario.test_volume_boot_pattern.TestVolumeBootPattern.test_volume_boot_pattern",
	"tempest.scenario.test_minimum_basic.TestMinimumBasicScenario.test_minimum_basic_scenario",
	"tempest.scenario.test_snapshot_pattern.TestSnapshotPattern.test_snapshot_pattern",
	"cinder_tempest_plugin.api.volume.test_volume_encryption.VolumeEncryptionTest.test_create_encrypted_volume",
	"cinder_tempest_plugin.scenario.test_volume_encrypted.TestEncryptedCinderVolumes.test_encrypted_cinder_volumes_luks",
}

// testID is a test's name with its idempotent id, as tempest prints it.
func testID(name string) string {
	h := fnv.New128a()
	h.Write([]byte(name))
	s := fmt.Sprintf("%x", h.Sum(nil))
	id := s[:8] + "-" + s[8:12] + "-4" + s[13:16] + "-a" + s[17:20] + "-" + s[20:32]
	if strings.Contains(name, "test_server_basic_ops") || strings.Contains(name, "test_list_servers") || strings.Contains(name, "test_create_token") {
		return name + "[id-" + id + ",smoke]"
	}
	return name + "[id-" + id + "]"
}

// shortName is "Class:method" of a test.
func shortName(test string) string {
	parts := strings.Split(test, ".")
	return parts[len(parts)-2] + ":" + parts[len(parts)-1]
}

// tempest writes the tempest run to job-output, failures inline as
// subunit-trace prints them.
func (g *build) tempest(job *logw) {
	p := g.host + " | "
	n := job.n(80, 300)
	type failure struct {
		at    time.Time
		write func()
	}
	var fails []failure
	failedTests := 0
	if g.Has(ModeTempestTimeout) {
		fails = append(fails, failure{g.ttAt, func() { g.tempestTimeout(job, p) }})
		failedTests++
	}
	if g.Has(ModeRPCTimeout) {
		fails = append(fails, failure{g.rpcAt.Add(time.Duration(2+g.r.IntN(30)) * time.Second), func() { g.tempestServerFault(job, p) }})
		failedTests++
	}
	if g.Has(ModeOOM) && len(fails) == 0 {
		fails = append(fails, failure{g.oomAt.Add(time.Duration(20+g.r.IntN(60)) * time.Second), func() { g.tempestBuildError(job, p) }})
		failedTests++
	}
	if g.Has(ModeUnexplained) {
		switch g.Detail {
		case "tempest-assertion", "neutron-db-deadlock":
			fails = append(fails, failure{g.unexAt, func() { g.tempestUnexplained(job, p) }})
			failedTests++
		}
	}
	if len(fails) == 2 && fails[1].at.Before(fails[0].at) {
		fails[0], fails[1] = fails[1], fails[0]
	}
	end := g.failAt.Add(-20 * time.Second)
	if g.Result == "TIMED_OUT" {
		end = g.postAt.Add(-15 * time.Second)
	}
	skipped := 0
	gen := func(w *logw) {
		t := tempestTests[w.r.IntN(len(tempestTests))]
		if w.r.IntN(25) == 0 {
			w.line(fmt.Sprintf("%s{%d} setUpClass (%s) ... SKIPPED: %s", p, w.r.IntN(4), t[:strings.LastIndex(t, ".")],
				w.pick("Resize is not available.", "Cinder volume snapshots are disabled", "Live migration is not available.", "Object storage service is not available.")))
			skipped++
			return
		}
		w.line(fmt.Sprintf("%s{%d} %s [%d.%06ds] ... ok", p, w.r.IntN(4), testID(t), w.r.IntN(40), w.r.IntN(1000000)))
	}
	for _, f := range fails {
		k := n * int(f.at.Sub(job.t)) / max(1, int(end.Sub(job.t)))
		job.fill(f.at, k, gen)
		n -= k
		job.to(f.at)
		f.write()
	}
	if g.Result == "TIMED_OUT" {
		job.fill(end, n/3, gen) // the run hangs: no summary
		return
	}
	job.fill(end, n, gen)
	ran := n + 300 + g.r.IntN(900)
	job.linesAt(p, p+"======", p+"Totals", p+"======",
		fmt.Sprintf("%sRan: %d tests in %.4f sec.", p, ran, job.t.Sub(g.runAt).Seconds()*0.55),
		fmt.Sprintf("%s - Passed: %d", p, ran-skipped-failedTests-20),
		fmt.Sprintf("%s - Skipped: %d", p, skipped+20),
		p+" - Expected Fail: 0", p+" - Unexpected Success: 0",
		fmt.Sprintf("%s - Failed: %d", p, failedTests),
		fmt.Sprintf("%sSum of execute time for each test: %.4f sec.", p, float64(ran)*3.7), p,
		p+"==============", p+"Worker Balance", p+"==============")
	for i := 0; i < 4; i++ {
		job.line(fmt.Sprintf("%s - Worker %d (%d tests) => 0:%02d:%02d.%06d", p, i, ran/4+g.r.IntN(20), 30+g.r.IntN(20), g.r.IntN(60), g.r.IntN(1000000)))
	}
	if failedTests > 0 {
		job.line(fmt.Sprintf("%stempest: exit 1 (%.2f seconds) /opt/stack/tempest> tempest run --regex '(^tempest\\.(api|scenario))' --concurrency=4 pid=%d", p, job.t.Sub(g.runAt).Seconds()*0.55, 10000+g.r.IntN(80000)))
		job.line(fmt.Sprintf("%stempest: FAIL code 1 (%.2f=setup[%.2f]+cmd[%.2f] seconds)", p, 2000.5, 7.78, 1992.72))
		job.line(p + "evaluation failed :( (2000.95 seconds)")
	}
}

func (g *build) failedTest(job *logw, p, test string, secs int) {
	job.line(fmt.Sprintf("%s{%d} %s [%d.%06ds] ... FAILED", p, g.r.IntN(4), testID(test), secs, g.r.IntN(1000000)))
	job.linesAt(p, p+"Captured traceback:", p+"~~~~~~~~~~~~~~~~~~~", p+"    Traceback (most recent call last):")
}

// tempestTimeout writes a test that timed out waiting for a server.
func (g *build) tempestTimeout(job *logw, p string) {
	tests := []string{tempestTests[2], tempestTests[3], tempestTests[4], tempestTests[1], tempestTests[7], tempestTests[29]}
	test := tests[g.r.IntN(len(tests))]
	server, req := g.server, "req-"+uuid4(g.r)
	g.failedTest(job, p, test, 196+g.r.IntN(250))
	mod := strings.ReplaceAll(test[:strings.LastIndex(test[:strings.LastIndex(test, ".")], ".")], ".", "/")
	job.linesAt(
		p+`      File "/opt/stack/tempest/`+mod+`.py", line `+job.itoa(60, 400)+`, in setUp`,
		p+`        waiters.wait_for_server_status(self.client, self.server_id, 'ACTIVE')`,
		p+`      File "/opt/stack/tempest/tempest/common/waiters.py", line 138, in wait_for_server_status`,
		p+`        raise lib_exc.TimeoutException(message)`,
		p+`    tempest.lib.exceptions.TimeoutException: Request timed out`,
		p+`    Details: (`+shortName(test)+`) Server `+server+` failed to reach ACTIVE status and task state "None" within the required time (196 s). Server boot request ID: `+req+`. Current status: BUILD. Current task state: spawning.`,
		p, p+`    During handling of the above exception, another exception occurred:`, p,
		p+`    Traceback (most recent call last):`,
		p+`      File "/opt/stack/tempest/tempest/lib/common/utils/test_utils.py", line 87, in call_and_ignore_notfound_exc`,
		p+`        return func(*args, **kwargs)`,
		p+`      File "/opt/stack/tempest/.tox/tempest/lib/python3.12/site-packages/fixtures/_fixtures/timeout.py", line 52, in signal_handler`,
		p+`        raise TimeoutException()`,
		p+`    fixtures._fixtures.timeout.TimeoutException`, p)
}

// tempestServerFault writes a test failed by an RPC timeout behind the API.
func (g *build) tempestServerFault(job *logw, p string) {
	test := tempestTests[g.r.IntN(12)]
	mod := strings.ReplaceAll(test[:strings.LastIndex(test[:strings.LastIndex(test, ".")], ".")], ".", "/")
	g.failedTest(job, p, test, 60+g.r.IntN(80))
	job.linesAt(
		p+`      File "/opt/stack/tempest/`+mod+`.py", line `+job.itoa(60, 400)+`, in `+test[strings.LastIndex(test, ".")+1:],
		p+`        server = self.create_test_server(wait_until='ACTIVE')`,
		p+`      File "/opt/stack/tempest/tempest/lib/common/rest_client.py", line 952, in _error_checker`,
		p+`        raise exceptions.ServerFault(resp_body, resp=resp,`,
		p+`    tempest.lib.exceptions.ServerFault: Got server fault`,
		p+`    Details: Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach the Nova API log if possible.`,
		p+`    <class 'oslo_messaging.exceptions.MessagingTimeout'>`, p)
}

// tempestBuildError writes a test failed because the OOM killer ended a
// process it needed.
func (g *build) tempestBuildError(job *logw, p string) {
	test := tempestTests[28+g.r.IntN(4)]
	mod := strings.ReplaceAll(test[:strings.LastIndex(test[:strings.LastIndex(test, ".")], ".")], ".", "/")
	g.failedTest(job, p, test, 30+g.r.IntN(200))
	job.linesAt(
		p+`      File "/opt/stack/tempest/`+mod+`.py", line `+job.itoa(60, 300)+`, in `+test[strings.LastIndex(test, ".")+1:],
		p+`        server = self.create_server(`,
		p+`      File "/opt/stack/tempest/tempest/common/waiters.py", line 80, in wait_for_server_status`,
		p+`        raise exceptions.BuildErrorException(body['fault'],`,
		p+`    tempest.exceptions.BuildErrorException: Server `+uuid4(g.r)+` failed to build and is in ERROR status`,
		p+`    Details: Fault: {'code': 500, 'created': '`+job.t.Format("2006-01-02T15:04:05Z")+`', 'message': 'Exceeded maximum number of retries. Exhausted all hosts available for retrying build failures for instance.'}.`, p)
}

// tempestUnexplained writes a test failure no known bug explains.
func (g *build) tempestUnexplained(job *logw, p string) {
	test := tempestTests[12+g.r.IntN(16)]
	mod := strings.ReplaceAll(test[:strings.LastIndex(test[:strings.LastIndex(test, ".")], ".")], ".", "/")
	g.failedTest(job, p, test, 2+g.r.IntN(30))
	job.linesAt(
		p+`      File "/opt/stack/tempest/`+mod+`.py", line `+job.itoa(60, 300)+`, in `+test[strings.LastIndex(test, ".")+1:],
		p+`        self.assertEqual(`+job.pick("expected_status, body['status']", "len(expected), len(observed)", "200, resp.status")+`)`,
		p+`      File "/opt/stack/tempest/.tox/tempest/lib/python3.12/site-packages/testtools/testcase.py", line 419, in assertEqual`,
		p+`        self.assertThat(observed, matcher, message)`,
		p+`      File "/opt/stack/tempest/.tox/tempest/lib/python3.12/site-packages/testtools/testcase.py", line 509, in assertThat`,
		p+`        raise mismatch_error`)
	if g.Detail == "neutron-db-deadlock" {
		job.linesAt(p+`    tempest.lib.exceptions.Conflict: Conflict with state of target resource`,
			p+`    Details: {'code': 409, 'title': 'Conflict', 'message': 'An unexpected error prevented the server from fulfilling your request.'}`, p)
		return
	}
	job.linesAt(p+`    testtools.matchers._impl.MismatchError: `+job.pick("'ACTIVE' != 'SHUTOFF'", "2 != 3", "200 != 404", "'in-use' != 'available'"), p)
}

// startRun writes the start of a devstack-based playbook run, up to
// devstack's own output.
func (g *build) startRun(job *logw, run string) {
	job.line("RUN START: [untrusted : " + run + "]")
	job.line("")
	job.line("PLAY [controller]")
	g.task(job, "orchestrate-devstack : Prepare the controller", []string{g.host})
	job.line("")
	job.line("TASK [orchestrate-devstack : Run devstack on the controller]")
}
