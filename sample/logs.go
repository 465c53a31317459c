package sample

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// clock writes timestamped lines of one log format, moving time forward.
type clock struct {
	buf  bytes.Buffer
	t    time.Time
	r    *rand.Rand
	kind string // "job", "oslo" or "syslog"
	pid  int
}

func newClock(kind string, t time.Time, r *rand.Rand) *clock {
	return &clock{t: t, r: r, kind: kind, pid: 1000 + r.IntN(60000)}
}

// line writes text at the current time, then moves time on by up to step.
func (c *clock) line(step time.Duration, text string) {
	switch c.kind {
	case "job":
		fmt.Fprintf(&c.buf, "%s | %s\n", c.t.Format("2006-01-02 15:04:05.000000"), text)
	case "syslog":
		fmt.Fprintf(&c.buf, "%s np%07d %s\n", c.t.Format(time.Stamp), c.pid, text)
	}
	c.tick(step)
}

// oslo writes an oslo.log line: level, logger, request id, message.
func (c *clock) oslo(step time.Duration, level, module, text string) {
	fmt.Fprintf(&c.buf, "%s %d %s %s [req-%08x-%04x] %s\n", c.t.Format("2006-01-02 15:04:05.000"), c.pid, level, module, c.r.Uint32(), c.r.IntN(65536), text)
	c.tick(step)
}

func (c *clock) tick(step time.Duration) {
	if step > 0 {
		c.t = c.t.Add(time.Duration(c.r.Int64N(int64(step))) + time.Millisecond)
	}
}

func (c *clock) Bytes() []byte { return c.buf.Bytes() }

func (c *clock) pick(options ...string) string { return options[c.r.IntN(len(options))] }

func has(b BuildInfo, m Mode) bool {
	for _, x := range b.Modes {
		if x == m {
			return true
		}
	}
	return false
}

// logs writes every log file of build b.
func logs(b BuildInfo, r *rand.Rand) map[string]*clock {
	out := map[string]*clock{}
	dur := b.End.Sub(b.Start)
	fail := b.Start.Add(dur * 9 / 10) // failures show late in a run
	job := newClock("job", b.Start, r)
	out["job-output.txt"] = job
	jobHeader(job, b)
	switch b.Family {
	case "devstack":
		devstackLogs(out, b, r, fail)
		devstackJob(job, b, dur)
	case "tripleo":
		tripleoLogs(out, b, r, fail)
		tripleoJob(job, b, dur)
	case "magnum":
		magnumLogs(out, b, r, fail)
		magnumJob(job, b, dur)
	}
	sys := newClock("syslog", b.Start, r)
	syslog(sys, b, fail)
	out["logs/syslog.txt"] = sys
	if has(b, ModeUnexplained) {
		unexplained(job, r)
	}
	jobFooter(job, b)
	return out
}

func jobHeader(c *clock, b BuildInfo) {
	c.line(time.Second, "Job console starting")
	c.line(time.Second, "Updating git repos")
	c.line(time.Second, "Cloning repos into workspace")
	c.line(time.Second, "Executing pre-run playbooks")
	c.line(time.Second, fmt.Sprintf("Job: %s", b.Job))
	c.line(time.Second, fmt.Sprintf("Pipeline: %s", b.Pipeline))
	c.line(time.Second, fmt.Sprintf("Project: %s", b.Project))
	c.line(time.Second, fmt.Sprintf("Build: %s", b.UUID))
	c.line(time.Second, fmt.Sprintf("Triggered by: https://review.opendev.org/c/%s/+/%d", b.Project, b.Change))
	c.line(time.Second, "PRE-RUN START: [trusted : opendev.org/opendev/base-jobs/playbooks/base/pre.yaml@master]")
	for i := 0; i < 8+c.r.IntN(12); i++ {
		c.line(3*time.Second, fmt.Sprintf("TASK [%s]", c.pick("Gathering Facts", "validate-host : Collect information about the host", "prepare-workspace : Start zuul_console daemon",
			"add-build-sshkey : Create Temp SSH key", "ensure-output-dirs : Ensure log directories exist", "configure-mirrors : Install apt mirror")))
		c.line(2*time.Second, "ok: [controller]")
	}
	c.line(time.Second, "PRE-RUN END RESULT_NORMAL: [trusted : opendev.org/opendev/base-jobs/playbooks/base/pre.yaml@master]")
}

func jobFooter(c *clock, b BuildInfo) {
	failed := 0
	if b.Failed() {
		failed = 1
		c.line(time.Second, `fatal: [controller]: FAILED! => {"changed": true, "msg": "non-zero return code", "rc": 1}`)
	}
	c.line(time.Second, "PLAY RECAP")
	c.line(time.Second, fmt.Sprintf("controller                 : ok=%d   changed=%d   unreachable=0    failed=%d    skipped=%d   rescued=0    ignored=0", 40+c.r.IntN(40), 10+c.r.IntN(20), failed, c.r.IntN(9)))
	if b.Failed() {
		c.line(time.Second, "RUN END RESULT_NORMAL: [untrusted : opendev.org/openstack/devstack/playbooks/devstack.yaml@master]")
		c.line(time.Second, fmt.Sprintf("Build finished with result %s", b.Result))
		return
	}
	c.line(time.Second, "RUN END RESULT_NORMAL: [untrusted : opendev.org/openstack/devstack/playbooks/devstack.yaml@master]")
	c.line(time.Second, "Build finished with result SUCCESS")
}

var tempestTests = []string{
	"tempest.api.compute.servers.test_create_server.ServersTestJSON.test_verify_server_details",
	"tempest.api.compute.servers.test_server_actions.ServerActionsTestJSON.test_reboot_server_hard",
	"tempest.api.network.test_ports.PortsTestJSON.test_create_port_in_allowed_allocation_pools",
	"tempest.api.volume.test_volumes_actions.VolumesActionsTest.test_attach_detach_volume_to_instance",
	"tempest.api.image.v2.test_images.BasicOperationsImagesTest.test_delete_image",
	"tempest.scenario.test_network_basic_ops.TestNetworkBasicOps.test_network_basic_ops",
	"tempest.api.identity.v3.test_tokens.TokensV3Test.test_create_token",
	"tempest.api.compute.volumes.test_attach_volume.AttachVolumeTestJSON.test_attach_detach_volume",
}

func devstackJob(c *clock, b BuildInfo, dur time.Duration) {
	c.line(time.Second, "TASK [run-devstack : Run devstack]")
	for _, svc := range []string{"keystone", "glance", "n-api", "n-cpu", "n-sch", "q-svc", "c-vol", "c-api"} {
		c.line(20*time.Second, fmt.Sprintf("+ functions-common:run_process:1543   :   _run_under_systemd %s", svc))
		c.line(5*time.Second, fmt.Sprintf("Created symlink /etc/systemd/system/multi-user.target.wants/devstack@%s.service.", svc))
		if svc == "n-cpu" && has(b, ModeDevstackServiceFailed) {
			c.line(time.Second, "Job for devstack@n-cpu.service failed because the control process exited with error code.")
			c.line(time.Second, `See "systemctl status devstack@n-cpu.service" and "journalctl -xeu devstack@n-cpu.service" for details.`)
			c.line(time.Second, "[ERROR] /opt/stack/devstack/functions-common:1560 Failed to start devstack@n-cpu.service")
			c.line(time.Second, "Error on exit")
			return
		}
	}
	c.line(time.Second, "This is your host IP address: 10.209.0.12")
	c.line(time.Second, "stack.sh completed in 1432 seconds.")
	c.line(time.Second, "TASK [run-tempest : Run Tempest]")
	n := 60 + c.r.IntN(180)
	step := dur / time.Duration(2*n+10)
	for i := 0; i < n; i++ {
		test := tempestTests[c.r.IntN(len(tempestTests))]
		switch {
		case i == n-3 && has(b, ModeTempestTimeout):
			c.line(step, fmt.Sprintf("{%d} %s [%d.%03ds] ... FAILED", c.r.IntN(4), test, 300+c.r.IntN(200), c.r.IntN(1000)))
			c.line(step, "Captured traceback:")
			c.line(step, "    fixtures._fixtures.timeout.TimeoutException")
			c.line(step, "    tempest.lib.exceptions.TimeoutException: Request timed out")
			c.line(step, fmt.Sprintf("    Details: (%s) Server %016x failed to reach ACTIVE status and task state \"None\" within the required time (196 s). Current status: BUILD.", shortName(test), c.r.Uint64()))
		case i == n-2 && has(b, ModeRPCTimeout):
			c.line(step, fmt.Sprintf("{%d} %s [%d.%03ds] ... FAILED", c.r.IntN(4), test, 60+c.r.IntN(60), c.r.IntN(1000)))
			c.line(step, "    tempest.lib.exceptions.ServerFault: Got server fault")
			c.line(step, "    Details: The server has either erred or is incapable of performing the requested operation.")
		default:
			c.line(step, fmt.Sprintf("{%d} %s [%d.%03ds] ... ok", c.r.IntN(4), test, c.r.IntN(40), c.r.IntN(1000)))
		}
	}
	failedTests := 0
	if has(b, ModeTempestTimeout) || has(b, ModeRPCTimeout) {
		failedTests = 1
	}
	c.line(time.Second, "======")
	c.line(time.Second, "Totals")
	c.line(time.Second, "======")
	c.line(time.Second, fmt.Sprintf(" - Passed: %d", n-failedTests))
	c.line(time.Second, fmt.Sprintf(" - Failed: %d", failedTests))
}

// shortName is a test id's class and method, for messages.
func shortName(test string) string {
	dot := strings.LastIndex(test, ".")
	return test[strings.LastIndex(test[:max(dot, 0)], ".")+1:]
}

func banner(c *clock, title string) {
	c.line(time.Millisecond, "#################")
	c.line(time.Millisecond, "tripleo.sh -- "+title)
	c.line(time.Millisecond, "#################")
}

// tripleoJob follows tripleo.sh's stages. Every build shows bash echoing
// the error trap (set -x), but only a failed step prints the marker at
// the start of the message.
func tripleoJob(c *clock, b BuildInfo, dur time.Duration) {
	step := dur / 400
	echo := "+ ./..//tripleo-ci/scripts/common_functions.sh:delorean_build_and_serve:L1:   echo ERROR DURING PREVIOUS COMMAND '^^^'"
	banner(c, "Building mistral")
	for i := 0; i < 40+c.r.IntN(60); i++ {
		c.line(step, c.pick("+ rpmbuild -bs openstack-mistral.spec", "INFO:dlrn:Building openstack-mistral", "Wrote: /home/zuul/rpmbuild/SRPMS/openstack-mistral-12.0.1-0.20261120.el9.src.rpm",
			"INFO:dlrn:Running mock build", "+ set +e", "INFO:dlrn:Build succeeded"))
	}
	c.line(step, "+ trap 'echo ERROR DURING PREVIOUS COMMAND ^^^' ERR")
	c.line(step, echo)
	if has(b, ModeMistralBuild) {
		c.line(step, "ERROR:dlrn:Build failed. See logs at: ./data/repos/component/common/8b/3d/8b3d1e2f_dev/")
		c.line(time.Millisecond, echo)
		c.line(time.Millisecond, "ERROR DURING PREVIOUS COMMAND ^^^")
		return
	}
	banner(c, "Undercloud install")
	for i := 0; i < 80+c.r.IntN(120); i++ {
		c.line(step, c.pick("Notice: /Stage[main]/Mistral::Api/Service[mistral-api]/ensure: ensure changed 'stopped' to 'running'",
			"Debug: Executing: '/usr/bin/systemctl is-active openstack-mistral-engine'", "+ openstack undercloud install",
			"2026-11-20 INFO: Started Mistral Workflow tripleo.plan_management.v1.create_deployment_plan", "Info: Applying configuration version '1732096000'"))
	}
	if has(b, ModeMistralClientTypeError) {
		for _, l := range []string{"Traceback (most recent call last):", `  File "<string>", line 1, in <module>`,
			`  File "/usr/lib/python3.9/site-packages/instack_undercloud/undercloud.py", line 1180, in install`, "    _post_config(instack_env)",
			`  File "/usr/lib/python3.9/site-packages/instack_undercloud/undercloud.py", line 1161, in _post_config`, "    auth_url)",
			"TypeError: client() takes at most 1 argument (5 given)", "Command 'instack-install-undercloud' returned non-zero exit status 1"} {
			c.line(time.Millisecond, l)
		}
		c.line(time.Millisecond, echo)
		c.line(time.Millisecond, "ERROR DURING PREVIOUS COMMAND ^^^")
		return
	}
	banner(c, "Overcloud create started.")
	for i := 0; i < 60+c.r.IntN(100); i++ {
		c.line(step, c.pick("2026-11-20 Started Mistral Workflow tripleo.deployment.v1.deploy_plan. Execution ID: 5b1e0c7a-3f4d-4e6b-9c1a-0d2e3f4a5b6c",
			"overcloud.Controller.0.ControllerDeployment_Step1: CREATE_IN_PROGRESS", "overcloud.Compute.0.ComputeDeployment_Step2: CREATE_COMPLETE",
			"Waiting for messages on queue 'tripleo' with no timeout."))
	}
	if has(b, ModeHeatWaitCondition) {
		c.line(step, "overcloud.Controller.0.ControllerDeployment_Step3: CREATE_FAILED")
		c.line(step, "Stack overcloud CREATE_FAILED")
		c.line(step, "  resources.ControllerWaitCondition: WaitConditionTimeout: resources.ControllerWaitCondition: 0 of 1 received")
		c.line(time.Millisecond, echo)
		c.line(time.Millisecond, "ERROR DURING PREVIOUS COMMAND ^^^")
		return
	}
	c.line(step, "Stack overcloud CREATE_COMPLETE")
	c.line(step, "Overcloud Deployed")
}

func magnumJob(c *clock, b BuildInfo, dur time.Duration) {
	step := dur / 300
	c.line(step, "TASK [Create cluster template]")
	c.line(step, "+ openstack coe cluster template create k8s-template --image fedora-coreos-40 --external-network public --coe kubernetes")
	c.line(step, "+ openstack coe cluster create k8s-cluster --cluster-template k8s-template --node-count 1")
	for i := 0; i < 60+c.r.IntN(140); i++ {
		c.line(step, c.pick("cluster status: CREATE_IN_PROGRESS", "Waiting for cluster k8s-cluster to finish creating",
			"{0} magnum_tempest_plugin.tests.api.v1.test_cluster_template.ClusterTemplateTest.test_create_get_public_cluster_template [1.204s] ... ok",
			"{1} magnum_tempest_plugin.tests.api.v1.test_magnum_service.MagnumServiceClientTest.test_magnum_service_list [0.311s] ... ok"))
	}
	if has(b, ModeHeatWaitCondition) {
		c.line(step, "cluster status: CREATE_FAILED")
		c.line(step, "status_reason: Resource CREATE failed: WaitConditionTimeout: resources.kube_masters.resources[0].resources.master_wait_condition: 0 of 1 received")
		return
	}
	if has(b, ModeRPCTimeout) {
		c.line(step, "ERROR: Timed out waiting for a reply to message ID 9c3f0a1b2d4e4f60a7b8c9d0e1f2a3b4 (HTTP 500)")
		return
	}
	c.line(step, "cluster status: CREATE_COMPLETE")
}

// unexplained writes a failure no known-bug query explains: each build
// picks one of several, so the uncategorized page has variety.
func unexplained(c *clock, r *rand.Rand) {
	switch r.IntN(6) {
	case 0:
		c.line(time.Second, "ERROR: Could not find a version that satisfies the requirement oslo.db>=99.0 (from versions: 16.0.0, 17.0.0)")
		c.line(time.Second, "ERROR: No matching distribution found for oslo.db>=99.0")
	case 1:
		c.line(time.Second, "fatal: unable to access 'https://opendev.org/openstack/requirements/': Could not resolve host: opendev.org")
	case 2:
		c.line(time.Second, "FAIL: nova.tests.unit.compute.test_compute.ComputeTestCase.test_run_instance_queries_macs")
		c.line(time.Second, "    AssertionError: 3 != 4")
	case 3:
		c.line(time.Second, "ERROR: Could not install packages due to an OSError: [Errno 28] No space left on device")
	case 4:
		c.line(time.Second, "FAILED - RETRYING: [controller]: Wait for the database (1 retries left).")
		c.line(time.Second, `fatal: [controller]: FAILED! => {"changed": false, "elapsed": 300, "msg": "Timeout when waiting for 127.0.0.1:3306"}`)
	default:
		c.line(time.Second, "E   sqlalchemy.exc.OperationalError: (pymysql.err.OperationalError) (1205, 'Lock wait timeout exceeded; try restarting transaction')")
	}
}
