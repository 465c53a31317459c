package sample

import (
	"fmt"
	"strings"
	"time"
)

// The error trap of tripleo-ci's toci_* scripts (to June 2018, tripleo-ci
// 8c6db505). Under set -x every run prints the trap's definition; only a
// failing run prints its trace firing, the bare marker and the pointer to
// postci.txt.
const (
	trapDef     = `+ trap 'exit_val=$?; [ $exit_val != 0 ] && echo ERROR DURING PREVIOUS COMMAND ^^^ && echo '\''See postci.txt in the logs directory for debugging details'\''; postci $exit_val 2>&1 | ts '\''%Y-%m-%d %H:%M:%S.000 |'\'' > $WORKSPACE/logs/postci.log 2>&1' EXIT`
	trapEcho    = "+ ./..//tripleo-ci/scripts/common_functions.sh:delorean_build_and_serve:L1:   echo ERROR DURING PREVIOUS COMMAND '^^^'"
	trapMarker  = "ERROR DURING PREVIOUS COMMAND ^^^"
	trapPointer = "See postci.txt in the logs directory for debugging details"
)

// toci says the build runs tripleo-ci's toci_* scripts (Jenkins, then Zuul
// v3's wrapper): banners, the error trap, Started Mistral Workflow lines.
func (g *build) toci() bool { return g.Era < EraQuickstart }

// trapFires writes the trap going off after a failed command in function fn.
func (g *build) trapFires(job *logw, trace string) {
	if !g.toci() {
		return
	}
	job.line(trace)
	job.line(trapMarker)
	job.line(trapPointer)
}

// stage starts a stage: tripleo.sh's banner in toci builds, an Ansible
// task in quickstart builds.
func (g *build) stage(job *logw, title, task string) {
	if g.toci() {
		banner(job, title)
		return
	}
	job.line("")
	job.line("TASK [" + task + "]")
}

// The python-mistralclient signature break of seed 000, verbatim.
var mistralclientTraceback = []string{
	"Traceback (most recent call last):",
	`  File "<string>", line 1, in <module>`,
	`  File "/usr/lib/python2.7/site-packages/instack_undercloud/undercloud.py", line 1180, in install`,
	"    _post_config(instack_env)",
	`  File "/usr/lib/python2.7/site-packages/instack_undercloud/undercloud.py", line 1161, in _post_config`,
	"    auth_url)",
	"TypeError: client() takes at most 1 argument (5 given)",
	"Command 'instack-install-undercloud' returned non-zero exit status 1",
}

// pkgOf is the package DLRN builds for the change's project.
func pkgOf(project string) string { return strings.TrimPrefix(project, "openstack/") }

// banner writes a tripleo.sh stage title.
func banner(w *logw, title string) {
	w.line("#################")
	w.t = w.t.Add(time.Duration(100+w.r.IntN(200)) * time.Microsecond)
	w.line("tripleo.sh -- " + title)
	w.t = w.t.Add(time.Duration(50+w.r.IntN(100)) * time.Microsecond)
	w.line("#################")
}

// tripleo writes a TripleO build.
func (g *build) tripleo() {
	job := g.jobLog()
	run := "opendev.org/openstack/tripleo-ci/playbooks/tripleo-ci/run-v3.yaml@master"
	switch g.Era {
	case EraJenkins:
		job.line("+ ./tripleo-ci/toci_gate_test.sh")
	case EraLegacy:
		run = "opendev.org/openstack/tripleo-ci/playbooks/legacy/" + g.Job + "/run.yaml@master"
		job.line("RUN START: [untrusted : " + run + "]")
		job.line("")
		job.line("PLAY [primary]")
		job.line("")
		job.line("TASK [shell]")
		job.line("+ ./tripleo-ci/toci_gate_test.sh")
	default:
		job.line("RUN START: [untrusted : " + run + "]")
		job.line("")
		job.line("PLAY [undercloud]")
		g.task(job, "run-test : Prepare the quickstart environment", []string{g.host})
		job.line("")
		job.line("TASK [run-test : Run the quickstart playbooks]")
	}
	if g.toci() {
		job.line(trapDef)
	}
	job.tick(5 * time.Second)

	span := g.failAt.Sub(g.runAt)
	buildEnd := g.runAt.Add(span * time.Duration(12+g.r.IntN(6)) / 100)
	ucEnd := g.runAt.Add(span * time.Duration(40+g.r.IntN(10)) / 100)
	main := g.Modes[0]
	switch main {
	case ModeMistralBuild:
		buildEnd = g.failAt
	case ModeMistralClientTypeError:
		ucEnd = g.failAt
	}

	// Stage 1: DLRN builds the packages under review.
	pkgs := []string{pkgOf(g.Project)}
	if main == ModeMistralBuild && g.Project != "openstack/mistral" {
		job.line(fmt.Sprintf("+ ./..//tripleo-ci/scripts/common_functions.sh:get_depends_on:L12:   echo 'Depends-On: https://review.opendev.org/c/openstack/mistral/+/%d'", 940000+g.r.IntN(30000)))
		pkgs = append(pkgs, "mistral")
	}
	bl := newLog(styleMock, job.t, g.r)
	for i, pkg := range pkgs {
		end := buildEnd
		if len(pkgs) == 2 && i == 0 {
			end = job.t.Add(buildEnd.Sub(job.t) / 3)
		}
		g.dlrnBuild(job, bl, pkg, end, main == ModeMistralBuild && i == len(pkgs)-1)
	}
	if !g.toci() { // the toci scripts kept mock's logs in a tarball
		g.add("logs/delorean_logs/"+hex(g.r, 2)+"/"+hex(g.r, 2)+"/"+hex(g.r, 40)+"_"+hex(g.r, 8)+"/build.log", bl)
	}
	if main == ModeMistralBuild {
		g.tripleoFails(job, run)
		return
	}
	job.line("+ ./..//tripleo-ci/scripts/common_functions.sh:delorean_build_and_serve:L58:   sudo rm -rf data/repos/current-tripleo")
	job.line("+ ./..//tripleo-ci/scripts/common_functions.sh:delorean_build_and_serve:L59:   createrepo_c data/repos/current")

	// Mistral and Heat run on the undercloud from midway through its install.
	mistralStart := buildEnd.Add(ucEnd.Sub(buildEnd) * 3 / 5)
	g.mistralLogs(mistralStart)
	g.heatEngineLog(mistralStart.Add(2 * time.Minute))

	// Stage 2: the undercloud.
	job.to(buildEnd)
	g.stage(job, "Undercloud install", "undercloud-deploy : Install the undercloud")
	job.line("+ openstack undercloud install")
	n := job.n(100, 250)
	job.fill(ucEnd, n, g.undercloudNoise)
	switch {
	case main == ModeMistralClientTypeError:
		job.to(g.failAt)
		job.linesAt(mistralclientTraceback...)
		g.trapFires(job, "+ ./..//tripleo-ci/scripts/tripleo.sh:undercloud:L1:   echo ERROR DURING PREVIOUS COMMAND '^^^'")
		g.tripleoFails(job, run)
		return
	case g.Detail == "dnf-metadata-failure":
		job.to(g.failAt)
		job.line("Error: Failed to download metadata for repo 'delorean-component-compute': Cannot download repomd.xml: Curl error (28): Timeout was reached for https://trunk.rdoproject.org/centos7-master/component/compute/current-tripleo/repodata/repomd.xml [Connection timed out after 30001 milliseconds]")
		job.line("ERROR: yum install of the undercloud packages failed with exit code 1")
		g.tripleoFails(job, run)
		return
	}
	job.line("##########################################################")
	job.line("The Undercloud has been successfully installed.")
	job.line("##########################################################")

	// Stage 3: the overcloud.
	g.stage(job, "Overcloud create started.", "overcloud-deploy : Deploy the overcloud")
	if g.toci() { // the client printed it from Newton to Queens
		job.line(fmt.Sprintf("Started Mistral Workflow tripleo.deployment.v1.deploy_plan. Execution ID: %s", uuid4(g.r)))
	}
	job.line(g.heatEvent(job, "overcloud", "CREATE_IN_PROGRESS", "Stack CREATE started"))
	end := g.failAt
	if g.Result == "TIMED_OUT" && g.Has(ModeUnexplained) {
		end = g.postAt.Add(-20 * time.Second)
	}
	job.fill(end, job.n(80, 260), g.overcloudNoise)
	job.to(g.failAt)
	switch {
	case g.Has(ModeHeatWaitCondition):
		job.line(g.heatEvent(job, "overcloud.Controller.0.ControllerWaitCondition", "CREATE_FAILED", "WaitConditionTimeout: resources.ControllerWaitCondition: 0 of 1 received"))
		job.line(g.heatEvent(job, "overcloud.Controller.0", "CREATE_FAILED", "WaitConditionTimeout: resources.ControllerWaitCondition: 0 of 1 received"))
		job.line(g.heatEvent(job, "overcloud", "CREATE_FAILED", "Resource CREATE failed: WaitConditionTimeout: resources.Controller.resources[0].resources.ControllerWaitCondition: 0 of 1 received"))
		job.line(" Stack overcloud/" + g.server + " CREATE_FAILED ")
		job.line("Heat Stack create failed.")
		g.trapFires(job, "+ ./..//tripleo-ci/scripts/tripleo.sh:overcloud_deploy:L1:   echo ERROR DURING PREVIOUS COMMAND '^^^'")
		g.tripleoFails(job, run)
		return
	case g.Has(ModeMistralActionFailed):
		job.line("Exception: Deployment failed: the action of task deploy in workflow tripleo.deployment.v1.deploy_plan failed; see the Mistral executor log")
		g.trapFires(job, "+ ./..//tripleo-ci/scripts/tripleo.sh:overcloud_deploy:L1:   echo ERROR DURING PREVIOUS COMMAND '^^^'")
		g.tripleoFails(job, run)
		return
	case g.Has(ModeOOM):
		job.line("TASK [tripleo_container_manage : Create containers managed by Podman for /var/lib/tripleo-config/container-startup-config/step_2]")
		job.line(`fatal: [standalone]: FAILED! => {"changed": false, "msg": "Failed containers: mysql_bootstrap"}`)
		job.line("ERROR: container mysql_bootstrap exited with code 137 (OOMKilled)")
		job.line("Overcloud deployment failed: ansible-playbook exited with code 2")
		g.tripleoFails(job, run)
		return
	case g.Detail == "container-pull-rate-limited":
		img := "quay.io/tripleomaster/openstack-" + job.pick("nova-api", "neutron-server", "glance-api", "cinder-volume", "mariadb", "rabbitmq") + ":current-tripleo"
		job.line("ERROR: Failed to pull image " + img + ": Error: initializing source docker://" + img + ": reading manifest current-tripleo in " + img[:strings.LastIndex(img, ":")] + ": toomanyrequests: Rate limited")
		job.line(`fatal: [standalone]: FAILED! => {"changed": false, "msg": "Failed to pull container images"}`)
		g.tripleoFails(job, run)
		return
	case g.Detail == "ansible-role-not-found":
		job.line("ERROR! the role 'tripleo_hieradata' was not found in /usr/share/ansible/tripleo-playbooks/roles:/usr/share/ansible/roles:/etc/ansible/roles:/usr/share/ansible/tripleo-playbooks")
		job.line("The error appears to be in '/usr/share/ansible/tripleo-playbooks/deploy-steps-playbook.yaml': line 52, column 15, but may be elsewhere in the file depending on the exact syntax problem.")
		g.tripleoFails(job, run)
		return
	case g.Result == "TIMED_OUT":
		g.tripleoFails(job, run)
		return
	}
	job.line(g.heatEvent(job, "overcloud", "CREATE_COMPLETE", "Stack CREATE completed successfully"))
	job.line(" Stack overcloud/" + g.server + " CREATE_COMPLETE ")
	job.line("Overcloud Endpoint: http://192.168.24.100:5000")
	job.line("Overcloud Horizon Dashboard URL: http://192.168.24.100:80/dashboard")
	job.line("Overcloud Deployed")
	g.stage(job, "Overcloud pingtest", "validate-simple : Run the overcloud ping test")
	if g.Detail == "overcloud-ping-failed" {
		job.linesAt("PING 192.168.24.120 (192.168.24.120) 56(84) bytes of data.", "", "--- 192.168.24.120 ping statistics ---",
			"10 packets transmitted, 0 received, 100% packet loss, time 9212ms", "",
			"ERROR: Overcloud ping test failed: no reply from the test instance's floating IP 192.168.24.120")
		g.tripleoFails(job, run)
		return
	}
	job.linesAt("PING 192.168.24.120 (192.168.24.120) 56(84) bytes of data.", "64 bytes from 192.168.24.120: icmp_seq=1 ttl=63 time=1.83 ms",
		"--- 192.168.24.120 ping statistics ---", "10 packets transmitted, 10 received, 0% packet loss, time 9012ms")
	if g.toci() {
		job.line("tripleo.sh -- Overcloud pingtest SUCCEEDED")
	}
	job.line("changed: [" + g.host + "]")
	g.finishJob(job, run, false)
	g.add("job-output.txt", job)
}

// tripleoFails ends a failed TripleO run.
func (g *build) tripleoFails(job *logw, run string) {
	failed := g.Result == "FAILURE"
	if failed && g.Era != EraJenkins {
		job.tick(time.Second)
		g.fatal(job, "bash toci_gate_test.sh")
	}
	g.finishJob(job, run, failed)
	g.add("job-output.txt", job)
}

func (g *build) heatEvent(w *logw, resource, status, reason string) string {
	if reason == "" {
		reason = "state changed"
	}
	return fmt.Sprintf("%s [%s]: %s  %s", w.t.Format("2006-01-02 15:04:05Z"), resource, status, reason)
}

// dlrnBuild writes DLRN building pkg: its output in job-output and mock's
// build log; failing, the build breaks and the trap prints the marker.
func (g *build) dlrnBuild(job, bl *logw, pkg string, end time.Time, fail bool) {
	g.stage(job, "Building "+pkg, "build-test-packages : Build "+pkg+" with DLRN")
	rpm := "openstack-" + pkg
	if strings.HasPrefix(pkg, "python-") {
		rpm = pkg
	}
	ver := fmt.Sprintf("%d.%d.1-0.%s%s.%s.el7", 12+g.r.IntN(8), g.r.IntN(3), g.Start.Format("20060102"), fmt.Sprintf("%06d", g.r.IntN(240000)), hex(g.r, 7))
	job.line(fmt.Sprintf("+ ./..//tripleo-ci/scripts/common_functions.sh:delorean_build_and_serve:L23:   sudo dlrn --config-file projects.ini --head-only --package-name %s --local --info-repo rdoinfo --dev", rpm))
	job.line("INFO:dlrn:Processing " + rpm)
	job.line("INFO:dlrn-build:Building " + rpm + " " + ver)
	commit := hex(g.r, 40)
	n := job.n(60, 160)
	if fail {
		n = job.n(150, 320)
	}
	// The build log runs alongside.
	bl.to(job.t)
	bl.line("Mock Version: 5.9")
	bl.line("INFO: Mock Version: 5.9")
	bl.line("Start: build phase for " + rpm + "-" + ver + ".src.rpm")
	bn := bl.n(100, 180)
	failFiles := fail && g.Detail == "unpackaged-files"
	failDeps := fail && !failFiles
	if failDeps {
		bn = bl.n(100, 160)
	}
	bl.fill(end.Add(-20*time.Second), bn, func(w *logw) { w.line(mockNoise(w, pkg, ver)) })
	job.fill(end.Add(-10*time.Second), n, func(w *logw) { w.line(dlrnNoise(w, rpm, pkg, ver, commit)) })
	switch {
	case failDeps:
		bl.line("error: Failed build dependencies:")
		bl.line("\t" + bl.pick("python3-jinja2", "python3-yaql >= 3.0.0", "python3-tooz >= 6.0.1", "python3-osprofiler") + " is needed by " + rpm + "-" + ver + ".noarch")
		bl.line("Finish: build phase for " + rpm + "-" + ver + ".src.rpm")
		bl.line("ERROR: Exception(/home/zuul/DLRN/data/repos/" + hex(g.r, 2) + "/" + hex(g.r, 2) + "/" + hex(g.r, 40) + "_dev/" + rpm + "-" + ver + ".src.rpm) Config(centos) 0 minutes 41 seconds")
	case failFiles:
		bl.linesAt("Checking for unpackaged file(s): /usr/lib/rpm/check-files /builddir/build/BUILDROOT/"+rpm+"-"+ver+".x86_64",
			"error: Installed (but unpackaged) file(s) found:",
			"   /usr/lib/python2.7/site-packages/"+strings.ReplaceAll(pkg, "-", "_")+"/resources/"+bl.pick("actions", "workflows", "workbooks")+"/"+bl.pick("std.yaml", "mapping.json", "openstack.json"),
			"", "RPM build errors:", "    Installed (but unpackaged) file(s) found:",
			"Finish: build phase for "+rpm+"-"+ver+".src.rpm",
			"ERROR: Exception(/home/zuul/DLRN/data/repos/"+hex(g.r, 2)+"/"+hex(g.r, 2)+"/"+hex(g.r, 40)+"_dev/"+rpm+"-"+ver+".src.rpm) Config(centos) 3 minutes 12 seconds")
	default:
		bl.line("Wrote: /builddir/build/RPMS/python3-" + pkg + "-" + ver + ".noarch.rpm")
		bl.line("Child return code was: 0")
		bl.line("Finish: build phase for " + rpm + "-" + ver + ".src.rpm")
	}
	job.to(end)
	if fail {
		// DLRN's build code logs as dlrn-build since November 2016.
		logger := "dlrn-build"
		if g.Era == EraJenkins {
			logger = "dlrn"
		}
		job.line("ERROR:" + logger + ":Build failed. See logs at: ./data/repos/" + hex(g.r, 2) + "/" + hex(g.r, 2) + "/" + hex(g.r, 40) + "_dev/")
		job.line("ERROR:dlrn:Received exception Error in build_rpm_wrapper for " + rpm + ": Exit code 1")
		if g.toci() {
			job.line("+ ./..//tripleo-ci/scripts/common_functions.sh:delorean_build_and_serve:L28:   '[' 1 -ne 0 ']'")
			g.trapFires(job, trapEcho)
		}
		return
	}
	job.line("INFO:dlrn:Successfully built " + rpm + " " + ver)
	job.line("INFO:dlrn:Created repo at ./data/repos/" + hex(g.r, 2) + "/" + hex(g.r, 2) + "/" + hex(g.r, 40) + "_dev")
}

func dlrnNoise(w *logw, rpm, pkg, ver, commit string) string {
	switch w.r.IntN(9) {
	case 0:
		return "INFO:dlrn:Running mock build for " + rpm
	case 1:
		return "+ ./..//tripleo-ci/scripts/common_functions.sh:delorean_build_and_serve:L" + w.itoa(30, 56) + ":   " + w.pick("cp -r data/repos/current/* $TRIPLEO_ROOT/delorean/", "local PROJ="+pkg, "[[ -d $TRIPLEO_ROOT/"+pkg+" ]]", "sed -i -e 's%--postinstall%%' scripts/build_rpm.sh")
	case 2:
		return "DEBUG: Installed: python3-" + w.pick("pbr", "oslo-config", "oslo-log", "pecan", "wsme", "kombu", "croniter", "jsonschema") + "-" + w.itoa(1, 9) + "." + w.itoa(0, 20) + ".0-1.el7.noarch"
	case 3:
		return "INFO:dlrn-build:" + w.pick("Generating source tarball", "Fetching distgit from https://github.com/rdo-packages/"+pkg+"-distgit", "Using local repository", "Running mock with config centos")
	case 4:
		return "Wrote: /builddir/build/SRPMS/" + rpm + "-" + ver + ".src.rpm"
	case 5:
		return "INFO:dlrn:Commit " + commit + " of " + rpm + " " + w.pick("is new", "is the head of master")
	case 6:
		return "WARNING:dlrn:No BuildRequires found in the spec for " + w.pick("python3-sphinx", "python3-openstackdocstheme", "python3-reno") + ", skipping"
	case 7:
		return "+ ./..//tripleo-ci/scripts/tripleo.sh:delorean_build:L" + w.itoa(600, 640) + ":   " + w.pick("export DELOREAN_REPO_URL=https://trunk.rdoproject.org/centos7-master", "sudo yum -y install dlrn", "git fetch https://review.opendev.org/openstack/"+pkg+" refs/changes/")
	default:
		return "Processing files: python3-" + pkg + "-" + ver + ".noarch"
	}
}

func mockNoise(w *logw, pkg, ver string) string {
	switch w.r.IntN(8) {
	case 0:
		return "running build_py"
	case 1:
		d := w.pick("api", "engine", "executors", "services", "db/sqlalchemy", "utils", "actions")
		if !strings.HasPrefix(pkg, "mistral") && pkg != "python-mistralclient" {
			d = "common"
		}
		return "copying " + strings.ReplaceAll(pkg, "-", "_") + "/" + d + "/" + w.pick("__init__.py", "base.py", "utils.py", "manager.py", "client.py") + " -> build/lib/" + strings.ReplaceAll(pkg, "-", "_") + "/" + d
	case 2:
		return "+ " + w.pick("cd /builddir/build/BUILD", "export PYTHONPATH=/builddir/build/BUILDROOT/usr/lib/python2.7/site-packages", "/usr/bin/python3 setup.py build '--executable=/usr/bin/python3 -s'", "rm -rf /builddir/build/BUILDROOT/"+pkg)
	case 3:
		return "Executing(%" + w.pick("prep", "build", "install", "check") + "): /bin/sh -e /var/tmp/rpm-tmp." + hex(w.r, 6)
	case 4:
		return "DEBUG util.py:" + w.itoa(400, 460) + ":  " + w.pick("Complete!", "Installing: python3-"+w.pick("pbr", "six", "oslo-utils"), "Dependencies resolved.", "Nothing to do.")
	case 5:
		return "{" + w.itoa(0, 3) + "} " + strings.ReplaceAll(pkg, "-", "_") + ".tests.unit.test_" + w.pick("utils", "actions", "api", "context", "expressions") + ".Test" + w.pick("Utils", "Actions", "Context", "Expressions") + ".test_" + w.pick("merge_dicts", "run", "get", "evaluate", "serialize") + " [0." + w.itoa(100, 999) + "s] ... ok"
	case 6:
		return "Provides: python3-" + pkg + " = " + ver
	default:
		return "Requires(rpmlib): rpmlib(CompressedFileNames) <= 3.0.4-1 rpmlib(FileDigests) <= 4.6.0-1 rpmlib(PayloadFilesHavePrefix) <= 4.0-1"
	}
}

func (g *build) undercloudNoise(w *logw) {
	switch w.r.IntN(9) {
	case 0:
		svc := w.pick("Mistral::Api", "Mistral::Engine", "Mistral::Executor", "Heat::Engine", "Keystone", "Ironic::Conductor", "Zaqar::Server")
		w.line("Notice: /Stage[main]/" + svc + "/Service[" + strings.ToLower(strings.ReplaceAll(svc, "::", "-")) + "]/ensure: ensure changed 'stopped' to 'running'")
	case 1:
		w.line("Debug: Executing: '/usr/bin/systemctl is-active openstack-" + w.pick("mistral-engine", "mistral-executor", "mistral-api", "heat-engine", "ironic-conductor") + "'")
	case 2:
		w.line("Info: Applying configuration version '" + w.itoa(1732000000, 1732999999) + "'")
	case 3:
		w.line("Notice: /Stage[main]/" + w.pick("Mistral", "Heat", "Nova", "Keystone") + "::Config/" + w.pick("Mistral", "Heat", "Nova", "Keystone") + "_config[DEFAULT/" + w.pick("rpc_response_timeout", "transport_url", "debug", "executor_thread_pool_size") + "]/ensure: created")
	case 4:
		w.line("Warning: Scope(Class[Mistral::Engine]): The older_than parameter is deprecated and has no effect.")
	case 5:
		prefix := "+ "
		if g.toci() {
			prefix = "+ ./..//tripleo-ci/scripts/tripleo.sh:undercloud:L" + w.itoa(480, 520) + ":   "
		}
		w.line(prefix + w.pick("sudo yum -y install python3-tripleoclient", "cp /usr/share/python-tripleoclient/undercloud.conf.sample ~/undercloud.conf", "source ~/stackrc"))
	case 6:
		w.line(w.t.Format("2006-01-02 15:04:05,000") + " INFO: Running Ansible playbook undercloud-deploy for " + w.pick("step 1", "step 2", "step 3", "step 4", "step 5"))
	case 7:
		w.line("TASK [" + w.pick("tripleo_container_manage : Check if /etc/sysconfig/podman_drop_in exists", "tripleo_bootstrap : Deploy required packages", "Wait for containers to start for step 3 using paunch", "tripleo_firewall : Manage firewall rules") + "] ***")
	default:
		w.line("ok: [undercloud]")
	}
}

func (g *build) overcloudNoise(w *logw) {
	switch w.r.IntN(8) {
	case 0, 1, 2:
		res := w.pick("overcloud.Networks", "overcloud.Controller.0", "overcloud.Compute.0", "overcloud.ControllerServiceChain", "overcloud.Controller.0.NetworkDeployment",
			"overcloud.Controller.0.ControllerDeployment_Step"+w.itoa(1, 5), "overcloud.Compute.0.ComputeDeployment_Step"+w.itoa(1, 5), "overcloud.AllNodesDeploySteps")
		if w.r.IntN(3) == 0 {
			w.line(g.heatEvent(w, res, "CREATE_IN_PROGRESS", "state changed"))
		} else {
			w.line(g.heatEvent(w, res, "CREATE_COMPLETE", w.pick("state changed", "Stack CREATE completed successfully")))
		}
	case 3:
		w.line("Waiting for messages on queue 'tripleo' with no timeout.")
	case 4:
		if !g.toci() {
			w.line("Waiting for messages on queue 'tripleo' with no timeout.")
			return
		}
		w.line("Started Mistral Workflow tripleo." + w.pick("deployment.v1.get_horizon_url", "plan_management.v1.update_deployment_plan", "validations.v1.check_pre_deployment_validations") + ". Execution ID: " + uuid4(w.r))
	case 5:
		w.line("TASK [" + w.pick("Wait for puppet host configuration to finish", "Run container-puppet tasks (generate config) during step 1", "Start containers for step 2 using paunch", "Debug output for task: Start containers for step 3") + "] ***")
	case 6:
		w.line("ok: [" + w.pick("overcloud-controller-0", "overcloud-novacompute-0", "standalone") + "]")
	default:
		w.line("changed: [" + w.pick("overcloud-controller-0", "overcloud-novacompute-0", "standalone") + "]")
	}
}

// mistralLogs writes the undercloud's Mistral engine, executor and API logs.
func (g *build) mistralLogs(start time.Time) {
	end := g.postAt.Add(-40 * time.Second)
	if g.Has(ModeMistralClientTypeError) {
		end = g.failAt.Add(20 * time.Second)
	}
	dir := g.undercloudLogs("mistral")
	for _, f := range []string{"engine.log", "executor.log", "api.log"} {
		w := newLog(styleOslo, start.Add(time.Duration(g.r.IntN(30))*time.Second), g.r)
		w.who = "None None"
		w.oslo("INFO", "mistral.cmd.launch", "Server started")
		w.oslo("DEBUG", "oslo_service.service", "rpc_response_timeout           = 60 log_opt_values /usr/lib/python2.7/site-packages/oslo_config/cfg.py:2824")
		w.oslo("DEBUG", "oslo_service.service", "execution_field_size_limit_kb  = 16384 log_opt_values /usr/lib/python2.7/site-packages/oslo_config/cfg.py:2824")
		w.oslo("WARNING", "oslo_config.cfg", "Deprecated: Option \"auth_uri\" from group \"keystone_authtoken\" is deprecated for removal (The auth_uri option is deprecated in favor of www_authenticate_uri and will be removed in the S release.).  Its value may be silently ignored in the future.")
		w.who = "" + hex(g.r, 32) + " " + hex(g.r, 32) + " - default default"
		var events []sysEvent
		var noise func(w *logw)
		switch f {
		case "engine.log":
			noise = g.mistralEngineNoise
			switch {
			case g.Has(ModeMistralClientTypeError):
				events = append(events, sysEvent{g.failAt.Add(-25 * time.Second), g.mistralEngineTypeError})
			case g.Has(ModeHeatWaitCondition):
				events = append(events, sysEvent{g.failAt.Add(time.Second), g.mistralEngineStackFailed})
			case g.Has(ModeMistralActionFailed):
				events = append(events, sysEvent{g.failAt.Add(-19 * time.Second), func(w *logw) {
					w.oslo("ERROR", "mistral.engine.task_handler", "Failed to run task [error=heatclient.exc.HTTPBadRequest: ERROR: Property error, wf=tripleo.deployment.v1.deploy_plan, task=deploy]")
				}})
			}
		case "executor.log":
			noise = g.mistralExecutorNoise
			if g.Has(ModeMistralClientTypeError) {
				events = append(events, sysEvent{g.failAt.Add(-30 * time.Second), g.mistralExecutorTypeError})
			}
			if g.Has(ModeMistralActionFailed) {
				events = append(events, sysEvent{g.failAt.Add(-20 * time.Second), g.mistralActionFailed})
			}
			if g.Has(ModeUnexplained) && g.Result == "TIMED_OUT" {
				events = append(events, sysEvent{g.failAt.Add(-20 * time.Minute), g.rabbitUnreachable})
			}
		default:
			noise = g.mistralAPINoise
		}
		if g.Has(ModeOOM) && f == "engine.log" {
			events = append(events, sysEvent{g.oomAt.Add(3 * time.Second), func(w *logw) {
				w.oslo("ERROR", "oslo_db.sqlalchemy.engines", "Database connection was found disconnected; reconnecting: oslo_db.exception.DBConnectionError: (pymysql.err.OperationalError) (2013, 'Lost connection to MySQL server during query')")
			}})
		}
		g.fillEvents(w, end, w.n(100, 180), events, noise)
		g.add(dir+f, w)
	}
}

var mistralWorkflows = []string{"tripleo.plan_management.v1.create_deployment_plan", "tripleo.deployment.v1.deploy_plan", "tripleo.validations.v1.run_groups",
	"tripleo.plan_management.v1.update_deployment_plan", "tripleo.deployment.v1.get_horizon_url", "tripleo.stack.v1.wait_for_stack_complete_or_failed"}

func (g *build) mistralEngineNoise(w *logw) {
	wf := mistralWorkflows[w.r.IntN(len(mistralWorkflows))]
	switch w.r.IntN(7) {
	case 0, 1:
		w.oslo("INFO", "workflow_trace", fmt.Sprintf("Task '%s' (%s) [%s, msg=None] (execution_id=%s)", w.pick("create_plan", "send_message", "wait_for_stack", "get_config", "notify_zaqar", "set_status_success"), uuid4(w.r), w.pick("IDLE -> RUNNING", "RUNNING -> SUCCESS", "WAITING -> RUNNING"), uuid4(w.r)))
	case 2:
		w.oslo("INFO", "workflow_trace", fmt.Sprintf("Workflow '%s' [%s, msg=None] (execution_id=%s)", wf, w.pick("IDLE -> RUNNING", "RUNNING -> SUCCESS"), uuid4(w.r)))
	case 3:
		w.oslo("INFO", "workflow_trace", fmt.Sprintf("Starting workflow [name=%s, input={container: overcloud, queue_name: tripleo}]", wf))
	case 4:
		w.oslo("DEBUG", "mistral.services.scheduler", "Processing next delayed calls [count=1]")
	case 5:
		w.oslo("DEBUG", "mistral.engine.action_queue", "Scheduling action [action_ex_id="+uuid4(w.r)+", action_cls=tripleo_common.actions."+w.pick("plan.CreateContainerAction", "heat_capabilities.GetCapabilitiesAction", "deployment.DeployStackAction", "base.TripleOAction")+"]")
	default:
		w.oslo("DEBUG", "mistral.engine.workflow_handler", "Checking workflow completion [wf_ex_id="+uuid4(w.r)+", wf_name="+wf+"]")
	}
}

func (g *build) mistralExecutorNoise(w *logw) {
	switch w.r.IntN(4) {
	case 0, 1:
		w.oslo("INFO", "mistral.executors.executor_server", "Received RPC request 'run_action'[action_ex_id="+uuid4(w.r)+", action_cls_str=tripleo_common.actions."+w.pick("plan.CreateContainerAction", "templates.ProcessTemplatesAction", "parameters.GetParametersAction", "swifthelper.SwiftInformationAction")+", action_cls_attrs={}, params=[container], timeout=None]")
	case 2:
		w.oslo("DEBUG", g.executorModule(), "Running action [action_ex_id="+uuid4(w.r)+", action_cls='<class 'mistral.actions.action_factory.TripleoCommonAction'>', attributes='{}', params='{'container': 'overcloud'}']")
	default:
		w.oslo("INFO", g.executorModule(), fmt.Sprintf("Action execution completed successfully [action_ex_id=%s, duration=%d.%03ds]", uuid4(w.r), w.r.IntN(20), w.r.IntN(1000)))
	}
}

func (g *build) mistralAPINoise(w *logw) {
	switch w.r.IntN(4) {
	case 0, 1, 2:
		w.oslo("INFO", "eventlet.wsgi.server", fmt.Sprintf(`192.168.24.1 "%s /v2/%s HTTP/1.1" status: %d  len: %d time: 0.%07d`, w.pick("GET", "GET", "POST", "PUT"), w.pick("executions/"+uuid4(w.r), "action_executions", "workflows", "environments/overcloud", "executions"), w.pick2(200, 201), w.n(200, 9000), w.r.IntN(10000000)))
	default:
		w.oslo("DEBUG", "mistral.api.controllers.v2.execution", "Fetch execution [id="+uuid4(w.r)+"]")
	}
}

func (w *logw) pick2(a, b int) int {
	if w.r.IntN(4) == 0 {
		return b
	}
	return a
}

func (g *build) mistralExecutorTypeError(w *logw) {
	ctx := w.ctx()
	id := uuid4(g.r)
	w.osloCtx("ERROR", g.executorModule(), ctx, "Failed to run action [action_ex_id="+id+", action_cls='<class 'mistral.actions.action_factory.TripleoCommonAction'>', attributes='{}', params='{'container': 'overcloud', 'queue_name': 'tripleo'}']")
	w.trace("ERROR", g.executorModule(), ctx, []string{
		"Traceback (most recent call last):",
		`  File "/usr/lib/python2.7/site-packages/mistral/engine/default_executor.py", line 114, in run_action`,
		`    result = action.run(action_ctx)`,
		`  File "/usr/lib/python2.7/site-packages/tripleo_common/actions/base.py", line 67, in get_workflow_client`,
		`    return mistral_client.client(mistral_url=mistral_endpoint, session=sess, auth_url=auth_url, project_id=project_id, user_id=user_id)`,
		"TypeError: client() takes at most 1 argument (5 given)",
	})
}

func (g *build) mistralEngineTypeError(w *logw) {
	w.oslo("INFO", "workflow_trace", fmt.Sprintf("Task 'create_container' (%s) [RUNNING -> ERROR, msg=Failed to run action [action_ex_id=%s, action_cls='<class 'mistral.actions.action_factory.TripleoCommonAction'>', attributes='{}', params='{'container': 'overcloud'}']\n client() takes at most 1 argument (5 given)] (execution_id=%s)", uuid4(g.r), uuid4(g.r), uuid4(g.r)))
	w.oslo("ERROR", "mistral.engine.task_handler", "Failed to run task [error=TypeError: client() takes at most 1 argument (5 given), wf=tripleo.plan_management.v1.create_deployment_plan, task=create_container]")
}

func (g *build) mistralEngineStackFailed(w *logw) {
	w.oslo("INFO", "workflow_trace", fmt.Sprintf("Workflow 'tripleo.deployment.v1.deploy_plan' [RUNNING -> ERROR, msg=Failure caused by error in tasks: wait_for_stack_complete_or_failed] (execution_id=%s)", uuid4(g.r)))
	w.oslo("ERROR", "mistral.engine.task_handler", "Task 'wait_for_stack_complete_or_failed' failed: Heat stack overcloud is CREATE_FAILED")
}

func (g *build) rabbitUnreachable(w *logw) {
	w.oslo("ERROR", "oslo.messaging._drivers.impl_rabbit", fmt.Sprintf("[%s] AMQP server on undercloud.ctlplane.localdomain:5672 is unreachable: [Errno 113] EHOSTUNREACH. Trying again in 32 seconds.: OSError: [Errno 113] EHOSTUNREACH", uuid4(g.r)))
}

// heatEngineLog writes the undercloud's heat-engine.log.
func (g *build) heatEngineLog(start time.Time) {
	end := g.postAt.Add(-40 * time.Second)
	if g.Has(ModeMistralClientTypeError) {
		end = g.failAt.Add(20 * time.Second)
	}
	w := newLog(styleOslo, start, g.r)
	w.who = "None None"
	w.oslo("INFO", "heat.engine.worker", "Starting engine_worker (1.4) in engine "+uuid4(g.r)+".")
	w.oslo("DEBUG", "oslo_service.service", "stack_action_timeout           = 3600 log_opt_values /usr/lib/python2.7/site-packages/oslo_config/cfg.py:2824")
	w.oslo("DEBUG", "oslo_service.service", "client_retry_limit             = 2 log_opt_values /usr/lib/python2.7/site-packages/oslo_config/cfg.py:2824")
	w.who = "admin - - default default"
	var events []sysEvent
	if g.Has(ModeHeatWaitCondition) {
		events = append(events, sysEvent{g.failAt.Add(-time.Duration(20+g.r.IntN(30)) * time.Second), func(w *logw) {
			g.waitConditionTimeout(w, "overcloud", "overcloud-Controller-"+hex(g.r, 12)+"-0-"+hex(g.r, 12), "ControllerWaitCondition", "resources.Controller.resources[0].resources.ControllerWaitCondition")
		}})
	}
	g.fillEvents(w, end, w.n(100, 180), events, func(w *logw) { g.heatNoise(w, "overcloud", "Controller") })
	g.add(g.undercloudLogs("heat")+"heat-engine.log", w)
}

func (g *build) heatNoise(w *logw, stack, group string) {
	nested := stack + "-" + group + "-" + hex(w.r, 12)
	names := []string{"NetworkConfig", "NetworkDeployment", "UpdateConfig", "SshKnownHostsConfig", "HostsEntryDeployment", "ControllerDeployment"}
	server := "Controller"
	if g.Family == FamilyMagnum {
		names = []string{"master_config", "master_config_deployment", "kube_cluster_config", "api_address_lb_switch", "etcd_address_lb_switch", "docker_volume"}
		server = "kube-master"
	}
	switch w.r.IntN(8) {
	case 0, 1:
		kinds := []string{"SoftwareConfig", "SoftwareDeployment", "StructuredDeployment", "SoftwareConfig", "Value", "Cinder::Volume"}
		i := w.r.IntN(len(names))
		w.oslo("INFO", "heat.engine.resource", fmt.Sprintf(`creating %s "%s" Stack "%s" [%s]`, kinds[i], names[i], nested, uuid4(w.r)))
	case 2:
		if w.r.IntN(2) == 0 {
			w.oslo("INFO", "heat.engine.stack", fmt.Sprintf("Stack CREATE IN_PROGRESS (%s): Stack CREATE started", nested))
		} else {
			w.oslo("INFO", "heat.engine.stack", fmt.Sprintf("Stack CREATE COMPLETE (%s): Stack CREATE completed successfully", nested))
		}
	case 3:
		w.oslo("DEBUG", "heat.engine.scheduler", fmt.Sprintf(`Task create from %s "%s" [%s] Stack "%s" [%s] running`, w.pick("Server", "SoftwareDeployment"), w.pick(server, names[w.r.IntN(len(names))]), uuid4(w.r), nested, uuid4(w.r)))
	case 4:
		w.oslo("INFO", "heat.engine.service", "Triggering resource "+w.itoa(10, 400)+" for create update")
	case 5:
		w.oslo("DEBUG", "heat.engine.check_resource", "Waiting for resource "+w.itoa(10, 400)+" in traversal "+uuid4(w.r))
	case 6:
		w.oslo("INFO", "heat.engine.resources.openstack.heat.wait_condition_handle", "Signal received: {\"status\": \"SUCCESS\", \"reason\": \"Signal 1 received\", \"data\": null, \"id\": \"1\"}")
	default:
		w.oslo("DEBUG", "oslo_service.periodic_task", "Running periodic task EngineService.service_manage_report")
	}
}

// waitConditionTimeout writes Heat giving up on a wait condition.
func (g *build) waitConditionTimeout(w *logw, top, nested, res, path string) {
	ctx := w.ctx()
	w.osloCtx("INFO", "heat.engine.resource", ctx, fmt.Sprintf(`CREATE: WaitCondition "%s" [%s] Stack "%s" [%s]`, res, uuid4(g.r), nested, uuid4(g.r)))
	w.trace("ERROR", "heat.engine.resource", ctx, []string{"Traceback (most recent call last):",
		`  File "/usr/lib/python2.7/site-packages/heat/engine/resource.py", line 922, in _action_recorder`,
		`    yield`,
		`  File "/usr/lib/python2.7/site-packages/heat/engine/resources/openstack/heat/wait_condition.py", line 130, in check_create_complete`,
		`    return self._wait(*data)`,
		`  File "/usr/lib/python2.7/site-packages/heat/engine/resources/openstack/heat/wait_condition.py", line 108, in _wait`,
		`    raise exc`,
		"heat.engine.resources.wait_condition.WaitConditionTimeout: 0 of 1 received"})
	w.osloCtx("INFO", "heat.engine.stack", ctx, fmt.Sprintf("Stack CREATE FAILED (%s): Resource CREATE failed: WaitConditionTimeout: resources.%s: 0 of 1 received", nested, res))
	w.tick(3 * time.Second)
	w.osloCtx("INFO", "heat.engine.stack", ctx, fmt.Sprintf("Stack CREATE FAILED (%s): Resource CREATE failed: WaitConditionTimeout: %s: 0 of 1 received", top, path))
	w.osloCtx("INFO", "heat.engine.service", ctx, fmt.Sprintf("Stack %s status: CREATE_FAILED reason: resources.%s: WaitConditionTimeout: resources.%s: 0 of 1 received", top, res, res))
}

// undercloudLogs is where a service's logs on the undercloud are in the
// build's logs: the 2016 multinode jobs kept them at the top, later jobs
// under undercloud/, and the containerized undercloud (Rocky on) under
// var/log/containers/.
func (g *build) undercloudLogs(service string) string {
	switch g.Era {
	case EraJenkins:
		return "logs/var/log/" + service + "/"
	case EraLegacy:
		return "logs/undercloud/var/log/" + service + "/"
	}
	return "logs/undercloud/var/log/containers/" + service + "/"
}

// executorModule is the module Mistral's executor logs as: it moved from
// mistral.engine to mistral.executors in Pike (mistral 62d8c5ed).
func (g *build) executorModule() string {
	if g.Era == EraJenkins {
		return "mistral.engine.default_executor"
	}
	return "mistral.executors.default_executor"
}

// mistralActionFailed writes the executor failing an action, as each
// release logged it: ERROR "Failed to run action" to Queens, WARNING "The
// action raised an exception" from Rocky (mistral df46ec72).
func (g *build) mistralActionFailed(w *logw) {
	ctx := w.ctx()
	id := uuid4(g.r)
	cls := "tripleo_common.actions.deployment.DeployStackAction"
	lvl, msg := "ERROR", "Failed to run action [action_ex_id="+id+", action_cls='<class 'mistral.actions.action_factory."+cls+"'>', attributes='{}', params='{'container': 'overcloud', 'timeout': 240}']"
	if g.Era >= EraQuickstart {
		lvl, msg = "WARNING", "The action raised an exception [action_ex_id="+id+", action_cls='<class 'mistral.actions.action_factory."+cls+"'>', attributes='{}', params='{'container': 'overcloud', 'timeout': 240}']"
	}
	path := strings.ReplaceAll(g.executorModule(), ".", "/")
	w.osloCtx(lvl, g.executorModule(), ctx, msg)
	w.trace(lvl, g.executorModule(), ctx, []string{
		"Traceback (most recent call last):",
		`  File "/usr/lib/python2.7/site-packages/` + path + `.py", line 114, in run_action`,
		`    result = action.run(action_ctx)`,
		`  File "/usr/lib/python2.7/site-packages/tripleo_common/actions/deployment.py", line 187, in run`,
		`    raise exception.HTTPBadRequest(...)`,
		"heatclient.exc.HTTPBadRequest: ERROR: Property error: : resources.Controller.properties.count: : The Parameter (ControllerCount) was not provided.",
	})
}
