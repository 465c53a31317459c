package sample

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// serviceLog writes n ordinary oslo.log lines of a service over the run,
// then calls fail at the failure time, if given, and a few more lines.
func serviceLog(b BuildInfo, r *rand.Rand, module string, noise []string, failAt time.Time, fail func(*clock)) *clock {
	c := newClock("oslo", b.Start, r)
	n := 80 + r.IntN(220)
	step := b.End.Sub(b.Start) / time.Duration(n+20)
	for i := 0; i < n; i++ {
		if fail != nil && !c.t.Before(failAt) {
			fail(c)
			fail = nil
		}
		level := "INFO"
		switch r.IntN(10) {
		case 0, 1, 2:
			level = "DEBUG"
		case 3:
			level = "WARNING"
		}
		c.oslo(step, level, module, noise[r.IntN(len(noise))])
	}
	if fail != nil {
		fail(c)
	}
	return c
}

var novaNoise = []string{
	"Claim successful on node np0012345",
	"Took 4.21 seconds to spawn the instance on the hypervisor.",
	"rpc_response_timeout = 60 log_opt_values /opt/stack/oslo.config/oslo_config/cfg.py:2804",
	"Updating instance_info_cache with network_info",
	"Acquiring lock \"compute_resources\" by \"nova.compute.resource_tracker.ResourceTracker._update_available_resource\"",
	"Lock \"compute_resources\" released :: held 0.012s",
	"[instance: 0b6a2c59-4a4e-4d21-bf1f-5a4c2b0e9d11] VM Started (Lifecycle Event)",
	"Running periodic task ComputeManager._heal_instance_info_cache",
}

var neutronNoise = []string{
	"Port 4c1e0b1a-6c3b-4e9e-8f5d-2a7b9c0d1e2f updated by agent",
	"Synchronizing state complete",
	"Agent heartbeat received from ovn-controller",
	"DHCP configuration for ports set([...]) is completed",
}

var cinderNoise = []string{
	"Volume 9f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b: being created as raw",
	"Created volume successfully.",
	"Initialize volume connection completed successfully.",
	"Terminate volume connection completed successfully.",
}

var mistralNoise = []string{
	"Starting workflow [name=tripleo.plan_management.v1.create_deployment_plan, input={...}]",
	"Workflow 'tripleo.deployment.v1.deploy_plan' [RUNNING -> SUCCESS, msg=None] (execution_id=5b1e0c7a)",
	"Task 'send_message' (4d2a) [RUNNING -> SUCCESS, msg=None]",
	"Sending message to Zaqar queue 'tripleo'",
	"Executing action tripleo.deployment.overcloudrc [action_ex_id=7e1f]",
}

var heatNoise = []string{
	"CREATE: ResourceGroup \"kube_minions\" Stack \"k8s-cluster\" [b2c3d4e5]",
	"Stack CREATE started",
	"Signal received for resource \"minion_wait_handle\"",
	"Polling for events of stack k8s-cluster",
}

var magnumNoise = []string{
	"Cluster k8s-cluster is in CREATE_IN_PROGRESS",
	"Periodic task sync_cluster_status ran",
	"Creating cluster template k8s-template",
	"Heat stack k8s-cluster-7c2e status CREATE_IN_PROGRESS",
}

func rpcTimeout(module string) func(*clock) {
	return func(c *clock) {
		id := fmt.Sprintf("%016x%016x", c.r.Uint64(), c.r.Uint64())
		c.oslo(time.Millisecond, "ERROR", module, "Error during ComputeManager._sync_power_states: oslo_messaging.exceptions.MessagingTimeout: Timed out waiting for a reply to message ID "+id)
		for _, l := range []string{"Traceback (most recent call last):",
			`  File "/opt/stack/oslo.messaging/oslo_messaging/_drivers/amqpdriver.py", line 441, in get`,
			"    return self._queues[msg_id].get(block=True, timeout=timeout)",
			"oslo_messaging.exceptions.MessagingTimeout: Timed out waiting for a reply to message ID " + id} {
			c.oslo(time.Millisecond, "ERROR", module, l)
		}
	}
}

func devstackLogs(out map[string]*clock, b BuildInfo, r *rand.Rand, failAt time.Time) {
	var cpuFail func(*clock)
	if has(b, ModeRPCTimeout) {
		cpuFail = rpcTimeout("nova.compute.manager")
	}
	out["logs/screen-n-cpu.txt"] = serviceLog(b, r, "nova.compute.manager", novaNoise, failAt, cpuFail)
	out["logs/screen-n-api.txt"] = serviceLog(b, r, "nova.api.openstack.requestlog", novaNoise, failAt, nil)
	out["logs/screen-q-svc.txt"] = serviceLog(b, r, "neutron.plugins.ml2.plugin", neutronNoise, failAt, nil)
	out["logs/screen-c-vol.txt"] = serviceLog(b, r, "cinder.volume.manager", cinderNoise, failAt, nil)
	dl := newClock("job", b.Start, r)
	for i := 0; i < 60+r.IntN(100); i++ {
		dl.line(10*time.Second, dl.pick("+ lib/nova:start_nova_compute:1012   :   run_process n-cpu", "+ functions-common:is_service_enabled:2104   :   return 0",
			"Installing collected packages: nova", "+ lib/keystone:create_keystone_accounts:375   :   get_or_create_role admin"))
	}
	if has(b, ModeDevstackServiceFailed) {
		dl.line(time.Second, "Job for devstack@n-cpu.service failed because the control process exited with error code.")
		dl.line(time.Second, "[ERROR] /opt/stack/devstack/functions-common:1560 Failed to start devstack@n-cpu.service")
	}
	out["logs/devstacklog.txt"] = dl
}

func tripleoLogs(out map[string]*clock, b BuildInfo, r *rand.Rand, failAt time.Time) {
	var execFail func(*clock)
	if has(b, ModeMistralClientTypeError) {
		execFail = func(c *clock) {
			c.oslo(time.Millisecond, "ERROR", "mistral.executors.default_executor", "Failed to run action [action_ex_id=7e1f, action_cls='<class 'tripleo_common.actions.base.TripleOAction'>']")
			c.oslo(time.Millisecond, "ERROR", "mistral.executors.default_executor", "TypeError: client() takes at most 1 argument (5 given)")
		}
	}
	dir := "logs/undercloud/var/log/mistral/"
	out[dir+"engine.log"] = serviceLog(b, r, "mistral.engine.default_engine", mistralNoise, failAt, nil)
	out[dir+"executor.log"] = serviceLog(b, r, "mistral.executors.default_executor", mistralNoise, failAt, execFail)
	out[dir+"api.log"] = serviceLog(b, r, "mistral.api.controllers.v2.execution", mistralNoise, failAt, nil)
	var heatFail func(*clock)
	if has(b, ModeHeatWaitCondition) {
		heatFail = waitCondition("resources.ControllerWaitCondition", "overcloud")
	}
	out["logs/undercloud/var/log/heat/heat-engine.log"] = serviceLog(b, r, "heat.engine.resource", heatNoise, failAt, heatFail)
	build := newClock("job", b.Start, r)
	for i := 0; i < 30+r.IntN(40); i++ {
		build.line(time.Second, build.pick("+ python3 setup.py build", "running build_py", "copying mistral/api/app.py -> build/lib/mistral/api", "Processing files: openstack-mistral-common"))
	}
	if has(b, ModeMistralBuild) {
		build.line(time.Second, "error: Failed build dependencies:")
		build.line(time.Second, "\tpython3-jinja2 is needed by openstack-mistral-12.0.1-0.20261120.el9.noarch")
	}
	out["logs/delorean_logs/build.log"] = build
}

func waitCondition(resource, stack string) func(*clock) {
	return func(c *clock) {
		c.oslo(time.Millisecond, "INFO", "heat.engine.resource", fmt.Sprintf("CREATE: HeatWaitCondition %q Stack %q", resource, stack))
		c.oslo(time.Millisecond, "ERROR", "heat.engine.resource", fmt.Sprintf("WaitConditionTimeout: %s: 0 of 1 received", resource))
		c.oslo(time.Millisecond, "INFO", "heat.engine.stack", fmt.Sprintf("Stack CREATE FAILED (%s): Resource CREATE failed: WaitConditionTimeout: %s: 0 of 1 received", stack, resource))
	}
}

func magnumLogs(out map[string]*clock, b BuildInfo, r *rand.Rand, failAt time.Time) {
	var heatFail, condFail func(*clock)
	if has(b, ModeHeatWaitCondition) {
		heatFail = waitCondition("resources.kube_masters.resources[0].resources.master_wait_condition", "k8s-cluster")
		condFail = func(c *clock) {
			c.oslo(time.Millisecond, "ERROR", "magnum.conductor.handlers.cluster_conductor", "Cluster k8s-cluster CREATE_FAILED: Resource CREATE failed: WaitConditionTimeout")
		}
	}
	if has(b, ModeRPCTimeout) {
		condFail = rpcTimeout("magnum.conductor.api")
	}
	out["logs/screen-m-api.txt"] = serviceLog(b, r, "magnum.api.controllers.v1.cluster", magnumNoise, failAt, nil)
	out["logs/screen-m-cond.txt"] = serviceLog(b, r, "magnum.conductor.handlers.cluster_conductor", magnumNoise, failAt, condFail)
	out["logs/heat/screen-h-eng.txt"] = serviceLog(b, r, "heat.engine.resource", heatNoise, failAt, heatFail)
}

func syslog(c *clock, b BuildInfo, failAt time.Time) {
	n := 40 + c.r.IntN(80)
	step := b.End.Sub(b.Start) / time.Duration(n+10)
	pending := has(b, ModeOOM) || has(b, ModeDevstackServiceFailed)
	for i := 0; i < n; i++ {
		if pending && !c.t.Before(failAt) {
			syslogFailure(c, b)
			pending = false
		}
		c.line(step, c.pick("systemd[1]: Started Session 3 of User zuul.", "sudo[2041]:     zuul : PWD=/home/zuul ; USER=root ; COMMAND=/usr/bin/apt-get update",
			"kernel: [  120.432100] br-ex: port 1(eth1) entered forwarding state", "ovs-vsctl[3321]: ovs|00001|vsctl|INFO|Called as ovs-vsctl -- --may-exist add-br br-int",
			"dnsmasq[1402]: reading /etc/resolv.conf", "systemd[1]: Starting Daily apt download activities..."))
	}
	if pending {
		syslogFailure(c, b)
	}
}

func syslogFailure(c *clock, b BuildInfo) {
	if has(b, ModeOOM) {
		c.line(time.Millisecond, fmt.Sprintf("kernel: [%d.%06d] qemu-system-x86 invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0", 4000+c.r.IntN(3000), c.r.IntN(1000000)))
		c.line(time.Millisecond, fmt.Sprintf("kernel: [%d.%06d] Out of memory: Killed process %d (mysqld) total-vm:2466800kB", 4000+c.r.IntN(3000), c.r.IntN(1000000), 1000+c.r.IntN(9000)))
	}
	if has(b, ModeDevstackServiceFailed) {
		c.line(time.Millisecond, "systemd[1]: devstack@n-cpu.service: Main process exited, code=exited, status=1/FAILURE")
		c.line(time.Millisecond, "systemd[1]: devstack@n-cpu.service: Failed with result 'exit-code'.")
	}
}
