package sample

import (
	"fmt"
	"time"
)

func (g *build) clusterName() string { return "k8s-cluster-" + g.UUID[26:] }

func (g *build) clusterStack() string { return g.clusterName() + "-" + g.UUID[:12] }

const masterWait = "resources.kube_masters.resources[0].resources.master_wait_condition"

// magnum writes a Magnum build: devstack with the Magnum and Heat plugins,
// then the functional tests (a Kubernetes cluster) or the API tests.
func (g *build) magnum() {
	job := g.jobLog()
	functional := g.Job == "magnum-functional-k8s"
	run := "opendev.org/openstack/tempest/playbooks/devstack-tempest.yaml@master"
	if functional {
		run = "opendev.org/openstack/magnum/playbooks/magnum-functional-base.yaml@master"
	}
	g.startRun(job, run)
	svcStart, stackFails := g.runStack(job)
	if stackFails {
		job.tick(time.Second)
		g.fatal(job, "./stack.sh")
		g.finishJob(job, run, true)
		g.add("job-output.txt", job)
		return
	}
	g.magnumServices(svcStart)
	job.tick(5 * time.Second)
	job.line("changed: [" + g.host + "]")
	job.line("")
	var failed bool
	if functional {
		job.line("TASK [Run magnum functional tests]")
		failed = g.magnumFunctional(job)
	} else {
		job.line("TASK [run-tempest : Run Tempest]")
		failed = g.magnumAPI(job)
	}
	if failed && g.Result == "FAILURE" {
		g.fatal(job, map[bool]string{true: "tox -e functional-k8s", false: "tempest run --regex '^magnum_tempest_plugin.tests.api'"}[functional])
	} else if g.Result != "TIMED_OUT" {
		job.line("ok: [" + g.host + "]")
	}
	g.finishJob(job, run, failed && g.Result == "FAILURE")
	g.add("job-output.txt", job)
}

var magnumFunctionalTests = []string{
	"magnum.tests.functional.k8s.test_k8s_python_client.TestKubernetesAPIs.test_pod_apis",
	"magnum.tests.functional.k8s.test_k8s_python_client.TestKubernetesAPIs.test_service_apis",
	"magnum.tests.functional.k8s.test_k8s_python_client.TestKubernetesAPIs.test_replication_controller_apis",
	"magnum.tests.functional.k8s.test_magnum_python_client.TestKubernetesAPIs.test_cluster_status",
	"magnum.tests.functional.api.v1.test_cluster.ClusterTest.test_create_list_sign_delete_clusters",
}

var magnumAPITests = []string{
	"magnum_tempest_plugin.tests.api.v1.test_cluster_template.ClusterTemplateTest.test_create_get_public_cluster_template",
	"magnum_tempest_plugin.tests.api.v1.test_cluster_template.ClusterTemplateTest.test_update_cluster_template_public_by_uuid",
	"magnum_tempest_plugin.tests.api.v1.test_cluster_template.ClusterTemplateTest.test_delete_cluster_template_by_name",
	"magnum_tempest_plugin.tests.api.v1.test_cluster_template_admin.ClusterTemplateAdminTest.test_create_cluster_template_public",
	"magnum_tempest_plugin.tests.api.v1.test_magnum_service.MagnumServiceClientTest.test_magnum_service_list",
	"magnum_tempest_plugin.tests.api.v1.test_cluster.ClusterTest.test_create_list_sign_delete_clusters",
	"magnum_tempest_plugin.tests.api.v1.test_cluster.ClusterTest.test_create_cluster_with_zero_nodes",
	"magnum_tempest_plugin.tests.api.v1.test_cluster.ClusterTest.test_get_cluster_by_uuid",
	"magnum_tempest_plugin.tests.api.v1.test_certificate.CertificateTest.test_sign_cert",
	"magnum_tempest_plugin.tests.api.v1.test_quota.QuotaTest.test_create_get_update_delete_quota",
}

// magnumFunctional creates a cluster and runs the Kubernetes tests; it
// says whether the run failed.
func (g *build) magnumFunctional(job *logw) bool {
	p := g.host + " | "
	tmpl := "k8s-template-" + g.UUID[20:26]
	// The functional job of the Heat drivers with wait conditions (to 2019):
	// Fedora Atomic images and flannel.
	job.line(p + "+ openstack coe cluster template create " + tmpl + " --image fedora-atomic-27 --keypair default --external-network public --dns-nameserver 8.8.8.8 --flavor ds2G --master-flavor ds2G --docker-volume-size 5 --network-driver flannel --coe kubernetes --labels kube_tag=v1.11.1")
	job.tick(3 * time.Second)
	job.line(p + "Request to create cluster template " + tmpl + " accepted")
	create := job.t.Add(time.Minute)
	if g.Has(ModeRPCTimeout) {
		create = g.rpcAt.Add(-61 * time.Second)
	}
	job.fill(create, job.n(10, 30), g.magnumFuncNoise)
	job.to(create)
	job.line(p + "+ openstack coe cluster create " + g.clusterName() + " --cluster-template " + tmpl + " --node-count 1 --master-count 1 --timeout 60")
	if g.Has(ModeRPCTimeout) {
		job.to(g.rpcAt.Add(time.Second))
		job.line(fmt.Sprintf("%sTimed out waiting for a reply to message ID %s (HTTP 500) (Request-ID: req-%s)", p, hex(g.r, 32), uuid4(g.r)))
		job.line(p + "ERROR: openstack coe cluster create failed with exit code 1")
		job.fill(g.failAt, job.n(100, 300), g.magnumFuncNoise)
		return true
	}
	job.tick(2 * time.Second)
	job.line(p + "Request to create cluster " + g.server + " accepted")
	n := job.n(120, 350)
	poll := func(w *logw) {
		if w.r.IntN(3) == 0 {
			w.line(p + "cluster status: CREATE_IN_PROGRESS")
			return
		}
		g.magnumFuncNoise(w)
	}
	stuck := g.Has(ModeHeatWaitCondition) || (g.Has(ModeUnexplained) && g.Result == "TIMED_OUT")
	if stuck {
		end := g.failAt
		if g.Result == "TIMED_OUT" && !g.Has(ModeHeatWaitCondition) {
			end = g.postAt.Add(-20 * time.Second)
		}
		job.fill(end, n, poll)
		if !g.Has(ModeHeatWaitCondition) {
			return true // hung until the job timed out
		}
		job.to(g.failAt)
		job.line(p + "cluster status: CREATE_FAILED")
		job.line(p + "status_reason: Resource CREATE failed: WaitConditionTimeout: " + masterWait + ": 0 of 1 received")
		job.line(p + "ERROR: Cluster " + g.clusterName() + " failed to create: CREATE_FAILED")
		return true
	}
	done := job.t.Add(g.failAt.Sub(job.t) * 3 / 5)
	job.fill(done, n/2, poll)
	job.line(p + "cluster status: CREATE_COMPLETE")
	job.line(p + "+ kubectl get nodes -o wide")
	job.line(p + "NAME                                STATUS   ROLES    AGE   VERSION")
	job.line(p + g.clusterName() + "-master-0   Ready    master   " + job.itoa(3, 9) + "m    v1.11.1")
	job.line(p + g.clusterName() + "-node-0     Ready    <none>   " + job.itoa(2, 8) + "m    v1.11.1")
	switch {
	case g.Has(ModeOOM):
		job.to(g.oomAt.Add(40 * time.Second))
		g.magnumFailedTest(job, p, magnumFunctionalTests[0])
		job.linesAt(p+"    kubernetes.client.exceptions.ApiException: (503)", p+"    Reason: Service Unavailable", p)
		job.fill(g.failAt, n/2, g.magnumTestLine(p, magnumFunctionalTests))
		return true
	case g.Detail == "kubectl-unauthorized":
		job.to(g.unexAt)
		job.line(p + "+ kubectl get pods --all-namespaces")
		job.line(p + "error: You must be logged in to the server (Unauthorized)")
		job.line(p + "ERROR: kubectl could not reach the cluster's API with the signed certificate")
		job.fill(g.failAt, n/3, g.magnumFuncNoise)
		return true
	}
	job.fill(g.failAt, n/2, g.magnumTestLine(p, magnumFunctionalTests))
	if g.Detail == "magnum-api-assertion" {
		g.magnumFailedTest(job, p, magnumFunctionalTests[4])
		job.linesAt(p+"    testtools.matchers._impl.MismatchError: 'k8s' != None", p)
		return true
	}
	return false
}

func (g *build) magnumFuncNoise(w *logw) {
	p := g.host + " | "
	switch w.r.IntN(5) {
	case 0:
		w.line(p + "+ openstack coe cluster show " + g.clusterName() + " -c status -f value")
	case 1:
		w.line(p + "+ sleep " + w.pick("30", "60"))
	case 2:
		w.line(p + "+ openstack stack list --nested | grep " + g.clusterName())
	case 3:
		w.line(p + "| " + g.clusterStack() + "-" + w.pick("kube_masters", "kube_minions", "network", "api_lb") + "-" + hex(w.r, 12) + " | " + w.pick("CREATE_IN_PROGRESS", "CREATE_COMPLETE") + " |")
	default:
		w.line(p + "Waiting for cluster " + g.clusterName() + " to finish creating")
	}
}

func (g *build) magnumTestLine(p string, tests []string) func(w *logw) {
	return func(w *logw) {
		t := tests[w.r.IntN(len(tests))]
		w.line(fmt.Sprintf("%s{%d} %s [%d.%06ds] ... ok", p, w.r.IntN(2), t, w.r.IntN(60), w.r.IntN(1000000)))
	}
}

func (g *build) magnumFailedTest(job *logw, p, test string) {
	job.line(fmt.Sprintf("%s{%d} %s [%d.%06ds] ... FAILED", p, g.r.IntN(2), test, 20+g.r.IntN(300), g.r.IntN(1000000)))
	job.linesAt(p, p+"Captured traceback:", p+"~~~~~~~~~~~~~~~~~~~", p+"    Traceback (most recent call last):",
		p+`      File "/opt/stack/magnum-tempest-plugin/magnum_tempest_plugin/common/base.py", line 118, in wrapper`,
		p+`        return func(*args, **kwargs)`)
}

// magnumAPI runs the Magnum tempest plugin's API tests; it says whether
// the run failed.
func (g *build) magnumAPI(job *logw) bool {
	p := g.host + " | "
	n := job.n(80, 300)
	var at time.Time
	var write func()
	cluster := magnumAPITests[5]
	switch {
	case g.Has(ModeHeatWaitCondition):
		at, write = g.failAt.Add(-30*time.Second), func() {
			g.magnumFailedTest(job, p, cluster)
			job.linesAt(p+"    magnum_tempest_plugin.common.exceptions.ClusterCreateFailed: cluster status: CREATE_FAILED",
				p+"    Details: status_reason: Resource CREATE failed: WaitConditionTimeout: "+masterWait+": 0 of 1 received", p)
		}
	case g.Has(ModeRPCTimeout):
		at, write = g.rpcAt.Add(2*time.Second), func() {
			g.magnumFailedTest(job, p, cluster)
			job.linesAt(p+"    tempest.lib.exceptions.ServerFault: Got server fault",
				p+"    Details: {'faultcode': 'Server', 'faultstring': 'Timed out waiting for a reply to message ID "+hex(g.r, 32)+"', 'debuginfo': None}", p)
		}
	case g.Has(ModeOOM):
		at, write = g.oomAt.Add(30*time.Second), func() {
			g.magnumFailedTest(job, p, magnumAPITests[g.r.IntN(5)])
			job.linesAt(p+"    tempest.lib.exceptions.UnexpectedResponseCode: Unexpected response code received", p+"    Details: 503", p)
		}
	case g.Detail == "kubectl-unauthorized":
		at, write = g.unexAt, func() {
			g.magnumFailedTest(job, p, magnumAPITests[8])
			job.linesAt(p+"    tempest.lib.exceptions.Unauthorized: Unauthorized",
				p+"    Details: {'code': 401, 'title': 'Unauthorized', 'message': 'The request you have made requires authentication.'}", p)
		}
	case g.Detail == "magnum-api-assertion":
		at, write = g.unexAt, func() {
			g.magnumFailedTest(job, p, magnumAPITests[g.r.IntN(4)])
			job.linesAt(p+"    testtools.matchers._impl.MismatchError: 201 != 500", p)
		}
	}
	gen := g.magnumTestLine(p, magnumAPITests)
	end := g.failAt
	if g.Result == "TIMED_OUT" {
		end = g.postAt.Add(-20 * time.Second)
	}
	if write != nil {
		k := n * int(at.Sub(job.t)) / max(1, int(end.Sub(job.t)))
		job.fill(at, max(0, k), gen)
		n -= k
		job.to(at)
		write()
	}
	job.fill(end, max(1, n), gen)
	if g.Result == "TIMED_OUT" {
		return true
	}
	failed := 0
	if write != nil {
		failed = 1
	}
	job.linesAt(p+"======", p+"Totals", p+"======", fmt.Sprintf("%sRan: %d tests in %.4f sec.", p, 180+g.r.IntN(40), job.t.Sub(g.runAt).Seconds()*0.4),
		fmt.Sprintf("%s - Failed: %d", p, failed))
	return write != nil
}

// magnumServices writes the Magnum API, conductor and Heat engine logs.
func (g *build) magnumServices(start time.Time) {
	end := g.postAt.Add(-30 * time.Second)
	stack := g.clusterStack()
	specs := []service{
		{"logs/screen-magnum-api.txt", "m-api", "magnum", "/etc/magnum/magnum.conf",
			[]string{"api.host = " + g.ip, "api.port = 9511", "api.workers = 2", "cluster_heat.create_timeout = 60", "cluster_heat.wait_interval = 1", "trust.cluster_user_trust = True"},
			[]string{"INFO magnum.api.app Full WSGI config used: /etc/magnum/api-paste.ini", "WARNING keystonemiddleware.auth_token AuthToken middleware is set with keystone_authtoken.service_token_roles_required set to False. This is backwards compatible but deprecated behaviour. Please set this to True."},
			(*build).magnumAPINoise},
		{"logs/screen-magnum-cond.txt", "m-cond", "magnum", "/etc/magnum/magnum.conf",
			[]string{"conductor.workers = 2", "cluster_heat.create_timeout = 60", "cluster_heat.max_attempts = 2000", "periodic_global_stack_list = False", "drivers.send_cluster_metrics = True"},
			[]string{"INFO magnum.cmd.conductor Starting server in PID " + fmt.Sprint(1000+g.r.IntN(9000)), "INFO magnum.drivers.common.driver Loaded the driver " + map[bool]string{true: "k8s_fedora_atomic_v1 for (vm, fedora-atomic", false: "k8s_capi_helm_v1 for (vm, ubuntu"}[g.Era < EraQuickstart] + ", kubernetes)"},
			(*build).magnumCondNoise},
		{"logs/heat/screen-h-eng.txt", "h-eng", "heat", "/etc/heat/heat.conf",
			[]string{"stack_action_timeout = 3600", "client_retry_limit = 2", "num_engine_workers = 2", "convergence_engine = True", "max_nested_stack_depth = 5"},
			[]string{"INFO heat.engine.worker Starting engine_worker (1.4) in engine " + uuid4(g.r) + "."},
			func(g *build, w *logw) { g.heatNoise(w, stack, "kube_masters") }},
	}
	for i, s := range specs {
		var events []sysEvent
		switch s.name {
		case "m-api":
			switch {
			case g.Has(ModeRPCTimeout):
				events = append(events, sysEvent{g.rpcAt.Add(time.Second), g.magnumAPIRPCError})
			case g.Has(ModeOOM):
				events = append(events, sysEvent{g.oomAt.Add(3 * time.Second), func(w *logw) {
					w.oslo("ERROR", "wsme.api", `Server-side error: "(pymysql.err.OperationalError) (2013, 'Lost connection to MySQL server during query')". Detail: oslo_db.exception.DBConnectionError`)
				}})
			case g.Detail == "magnum-api-assertion":
				events = append(events, sysEvent{g.unexAt.Add(-time.Second), func(w *logw) {
					w.oslo("ERROR", "wsme.api", `Server-side error: "'NoneType' object has no attribute 'uuid'". Detail: Traceback (most recent call last): AttributeError: 'NoneType' object has no attribute 'uuid'`)
				}})
			}
		case "m-cond":
			switch {
			case g.Has(ModeRPCTimeout):
				events = append(events, sysEvent{g.rpcAt, g.magnumCondRPCTimeout})
			case g.Has(ModeHeatWaitCondition):
				events = append(events, sysEvent{g.failAt.Add(-10 * time.Second), g.magnumCondCreateFailed})
			case g.Detail == "kubectl-unauthorized":
				events = append(events, sysEvent{g.unexAt.Add(-5 * time.Second), func(w *logw) {
					w.oslo("ERROR", "magnum.conductor.handlers.common.cert_manager", "Failed to sign certificate for cluster "+g.server+": magnum.common.exception.CertificatesToClusterFailed: Failed to create certificates for Cluster: "+g.server)
				}})
			case g.Has(ModeUnexplained) && g.Result == "TIMED_OUT":
				events = append(events, sysEvent{g.failAt.Add(-30 * time.Minute), g.rabbitUnreachable})
			}
		case "h-eng":
			if g.Has(ModeHeatWaitCondition) {
				events = append(events, sysEvent{g.failAt.Add(-time.Duration(30+g.r.IntN(30)) * time.Second), func(w *logw) {
					g.waitConditionTimeout(w, stack, stack+"-kube_masters-"+hex(g.r, 12)+"-0-"+hex(g.r, 12), "master_wait_condition", masterWait)
				}})
			}
		}
		st := start.Add(time.Duration(i*20+g.r.IntN(20)) * time.Second)
		g.add(s.file, g.serviceLog(s, st, end, g.r.IntN(81)+100, events))
	}
}

func (g *build) magnumAPINoise(w *logw) {
	switch w.r.IntN(5) {
	case 0, 1, 2:
		w.oslo("INFO", "eventlet.wsgi.server", fmt.Sprintf(`%s "%s /v1/%s HTTP/1.1" status: %d  len: %d time: 0.%07d`, g.ip, w.pick("GET", "GET", "POST", "PATCH", "DELETE"),
			w.pick("clusters/"+g.server, "clustertemplates", "clusters", "mservices", "certificates/"+g.server, "quotas"), w.pick2(200, 202), w.n(200, 4000), w.r.IntN(10000000)))
	case 3:
		w.oslo("DEBUG", "magnum.common.policy", "Policy check for cluster:get passed with credentials {'user_id': '"+hex(w.r, 32)+"', 'roles': ['member', 'reader']}")
	default:
		w.oslo("INFO", "magnum.api.controllers.v1.cluster", "Cluster "+g.server+" "+w.pick("show", "list", "update"))
	}
}

func (g *build) magnumCondNoise(w *logw) {
	switch w.r.IntN(6) {
	case 0, 1:
		w.oslo("DEBUG", "magnum.service.periodic", w.pick("Starting to sync up cluster status", "Status for cluster "+g.server+" updated to CREATE_IN_PROGRESS", "Updating health status for cluster "+g.server))
	case 2:
		w.oslo("DEBUG", "oslo_service.periodic_task", "Running periodic task MagnumPeriodicTasks."+w.pick("sync_cluster_status", "sync_cluster_health_status", "_send_cluster_metrics"))
	case 3:
		w.oslo("INFO", "magnum.conductor.handlers.common.cert_manager", "Generated "+w.pick("CA", "magnum client", "etcd CA", "front proxy CA")+" certificate for cluster "+g.server)
	case 4:
		w.oslo("INFO", "magnum.drivers.heat.driver", "The stack "+g.clusterStack()+" is "+w.pick("CREATE_IN_PROGRESS", "CREATE_IN_PROGRESS", "CREATE_COMPLETE"))
	default:
		w.oslo("DEBUG", "magnum.conductor.handlers.cluster_conductor", "cluster_"+w.pick("create", "update", "delete")+" "+g.server)
	}
}

func (g *build) magnumCondRPCTimeout(w *logw) {
	id := hex(g.r, 32)
	ctx := w.ctx()
	w.osloCtx("ERROR", "oslo_messaging.rpc.server", ctx, "Exception during message handling: oslo_messaging.exceptions.MessagingTimeout: Timed out waiting for a reply to message ID "+id)
	w.trace("ERROR", "oslo_messaging.rpc.server", ctx, []string{"Traceback (most recent call last):",
		`  File "/opt/stack/data/venv/lib/python3.12/site-packages/oslo_messaging/rpc/server.py", line 174, in _process_incoming`,
		`    res = self.dispatcher.dispatch(message)`,
		`  File "/opt/stack/magnum/magnum/conductor/handlers/cluster_conductor.py", line 67, in cluster_create`,
		`    osc.heat().stacks.create(**fields)`,
		`oslo_messaging.exceptions.MessagingTimeout: Timed out waiting for a reply to message ID ` + id})
}

func (g *build) magnumAPIRPCError(w *logw) {
	w.oslo("ERROR", "wsme.api", `Server-side error: "Timed out waiting for a reply to message ID `+hex(g.r, 32)+`". Detail: Traceback (most recent call last): oslo_messaging.exceptions.MessagingTimeout`)
}

func (g *build) magnumCondCreateFailed(w *logw) {
	ctx := w.ctx()
	w.osloCtx("ERROR", "magnum.drivers.heat.driver", ctx, fmt.Sprintf("Cluster error, stack status: CREATE_FAILED, stack_id: %s, reason: Resource CREATE failed: WaitConditionTimeout: %s: 0 of 1 received", uuid4(g.r), masterWait))
	w.osloCtx("INFO", "magnum.service.periodic", ctx, "Status for cluster "+g.server+" updated to CREATE_FAILED (Resource CREATE failed: WaitConditionTimeout: "+masterWait+": 0 of 1 received)")
}
