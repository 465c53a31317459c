package sample

import (
	"fmt"
	"strings"
	"time"
)

// commonOpts are the options every oslo service logs at start-up; some
// name timeouts, as real logs do, so that "timeout" alone finds noise.
var commonOpts = []string{
	"config_dir                     = []",
	"debug                          = True",
	"default_log_levels             = ['amqp=WARN', 'boto=WARN', 'sqlalchemy=WARN', 'oslo.messaging=INFO', 'oslo_messaging=INFO', 'iso8601=WARN', 'urllib3.connectionpool=WARN', 'keystonemiddleware=WARN', 'routes.middleware=WARN', 'stevedore=WARN', 'keystoneauth=WARN', 'oslo_policy=INFO']",
	"executor_thread_pool_size      = 64",
	"graceful_shutdown_timeout      = 60",
	"log_options                    = True",
	"long_rpc_timeout               = 1800",
	"rpc_response_timeout           = 60",
	"transport_url                  = ****",
	"use_journal                    = False",
	"database.connection            = ****",
	"database.connection_recycle_time = 3600",
	"database.max_retries           = 10",
	"keystone_authtoken.http_connect_timeout = None",
	"keystone_authtoken.http_request_max_retries = 3",
	"keystone_authtoken.memcached_servers = ['localhost:11211']",
	"oslo_messaging_rabbit.heartbeat_timeout_threshold = 60",
	"oslo_messaging_rabbit.kombu_reconnect_delay = 1.0",
	"oslo_messaging_rabbit.rabbit_retry_interval = 1",
}

// service describes one oslo.log service log.
type service struct {
	file, name, project, conf string
	opts                      []string
	startup                   []string // "LEVEL module message"
	noise                     func(g *build, w *logw)
}

var devstackServices = []service{
	{"logs/screen-neutron-api.txt", "neutron-api", "neutron", "/etc/neutron/neutron.conf",
		[]string{"core_plugin = ml2", "service_plugins = ['ovn-router', 'trunk', 'segments', 'port_forwarding', 'qos']", "api_workers = 2", "rpc_workers = 1",
			"agent_down_time = 75", "http_retries = 3", "ml2.mechanism_drivers = ['ovn']", "ovn.ovsdb_connection_timeout = 180", "ovn.ovsdb_probe_interval = 60000"},
		[]string{"INFO neutron.common.config Logging enabled!", "INFO neutron.common.config /opt/stack/data/venv/bin/neutron-server version 27.1.0",
			"INFO neutron.plugins.ml2.managers Configured type driver names: ['geneve', 'vlan', 'flat', 'local']",
			"INFO neutron.plugins.ml2.managers Configured mechanism driver names: ['ovn']",
			"WARNING keystonemiddleware.auth_token AuthToken middleware is set with keystone_authtoken.service_token_roles_required set to False. This is backwards compatible but deprecated behaviour. Please set this to True."},
		(*build).neutronNoise},
	{"logs/screen-n-api.txt", "n-api", "nova", "/etc/nova/nova.conf",
		[]string{"osapi_compute_workers = 2", "api.response_validation = error", "wsgi.client_socket_timeout = 900", "neutron.timeout = None", "service_user.send_service_user_token = True"},
		[]string{"INFO nova.api.openstack.compute.routes Loading the compute API", "WARNING oslo_config.cfg Deprecated: Option \"api_paste_config\" from group \"wsgi\" is deprecated for removal. Its value may be silently ignored in the future.",
			"WARNING keystonemiddleware.auth_token AuthToken middleware is set with keystone_authtoken.service_token_roles_required set to False. This is backwards compatible but deprecated behaviour. Please set this to True."},
		(*build).novaAPINoise},
	{"logs/screen-n-cpu.txt", "n-cpu", "nova", "/etc/nova/nova-cpu.conf",
		[]string{"compute_driver = libvirt.LibvirtDriver", "vif_plugging_timeout = 300", "vif_plugging_is_fatal = True", "heal_instance_info_cache_interval = 60",
			"instance_build_timeout = 0", "block_device_allocate_retries = 60", "libvirt.virt_type = qemu", "libvirt.live_migration_completion_timeout = 800", "libvirt.live_migration_timeout_action = abort"},
		[]string{"INFO nova.virt.driver Loading compute driver 'libvirt.LibvirtDriver'", "INFO nova.service Starting compute node (version 32.1.0)",
			"INFO nova.virt.libvirt.driver Connection event '1' reason 'None'", "INFO nova.virt.libvirt.host Secure Boot support detected"},
		(*build).novaComputeNoise},
	{"logs/screen-c-vol.txt", "c-vol", "cinder", "/etc/cinder/cinder.conf",
		[]string{"enabled_backends = ['lvmdriver-1']", "volume_clear = zero", "glance_request_timeout = None", "image_conversion_dir = /opt/stack/data/cinder/conversion",
			"lvmdriver-1.volume_driver = cinder.volume.drivers.lvm.LVMVolumeDriver", "lvmdriver-1.target_helper = lioadm", "lvmdriver-1.volume_group = stack-volumes-lvmdriver-1"},
		[]string{"INFO cinder.volume.manager Starting volume driver LVMVolumeDriver (3.0.0)", "INFO cinder.volume.manager Driver initialization completed successfully.",
			"INFO cinder.volume.manager Initializing RPC dependent components of volume driver LVMVolumeDriver (3.0.0)", "INFO cinder.volume.manager Driver post RPC initialization completed successfully."},
		(*build).cinderNoise},
}

// serviceLog writes an oslo.log service log: start-up with its option
// dump at start, n lines of noise until end, and the events in between.
func (g *build) serviceLog(s service, start, end time.Time, n int, events []sysEvent) *logw {
	w := newLog(styleOslo, start, g.r)
	w.who = "None None"
	ctx := w.ctx()
	dbg := func(opt string) {
		name, value, _ := strings.Cut(opt, "=")
		w.osloCtx("DEBUG", "oslo_service.service", ctx, fmt.Sprintf("%-30s = %s {{(pid=%d) log_opt_values /opt/stack/data/venv/lib/python3.12/site-packages/oslo_config/cfg.py:2824}}",
			strings.TrimSpace(name), strings.TrimSpace(value), w.pid))
	}
	stars := strings.Repeat("*", 80)
	w.osloCtx("DEBUG", "oslo_service.service", ctx, stars)
	w.osloCtx("DEBUG", "oslo_service.service", ctx, "Configuration options gathered from:")
	w.osloCtx("DEBUG", "oslo_service.service", ctx, "command line args: ['--config-file', '"+s.conf+"']")
	w.osloCtx("DEBUG", "oslo_service.service", ctx, "config files: ['"+s.conf+"']")
	w.osloCtx("DEBUG", "oslo_service.service", ctx, strings.Repeat("=", 80))
	for _, o := range commonOpts {
		dbg(o)
	}
	dbg("host = " + g.node)
	dbg("state_path = /opt/stack/data/" + s.project)
	for _, o := range s.opts {
		dbg(o)
	}
	w.osloCtx("DEBUG", "oslo_service.service", ctx, stars)
	w.tick(2 * time.Second)
	for _, l := range s.startup {
		lvl, rest, _ := strings.Cut(l, " ")
		mod, msg, _ := strings.Cut(rest, " ")
		w.oslo(lvl, mod, msg)
		w.tick(300 * time.Millisecond)
	}
	w.who = g.who()
	if s.noise != nil {
		g.fillEvents(w, end, max(0, n-w.lines), events, func(w *logw) { s.noise(g, w) })
	}
	return w
}

// who is a request context's user and project, as tempest's do.
func (g *build) who() string {
	classes := []string{"ServersTestJSON", "ServerActionsTestJSON", "PortsTestJSON", "VolumesActionsTest", "TestNetworkBasicOps", "AttachVolumeTestJSON"}
	if g.Family == FamilyMagnum {
		classes = []string{"ClusterTest", "ClusterTemplateTest", "ClusterTemplateAdminTest", "MagnumServiceClientTest", "CertificateTest"}
	}
	cls := classes[g.r.IntN(len(classes))]
	id := 100000000 + g.r.IntN(900000000)
	return fmt.Sprintf("tempest-%s-%d tempest-%s-%d-project-member", cls, id, cls, id)
}

// devstackServices writes the services' logs, each from when devstack
// started it until logs were collected (or the run stopped).
func (g *build) devstackServices(svcStart time.Time) {
	end := g.postAt.Add(-30 * time.Second)
	if g.Has(ModeDevstackServiceFailed) {
		end = g.failAt
	}
	stackEnd := g.runAt.Add(g.failAt.Sub(g.runAt) * 2 / 5)
	for i, s := range devstackServices {
		start := svcStart.Add(time.Duration(i) * time.Duration(40+g.r.IntN(40)) * time.Second)
		if g.Has(ModeDevstackServiceFailed) {
			start = g.failAt.Add(-time.Duration(len(devstackServices)-i) * 3 * time.Minute)
		} else if start.After(stackEnd) {
			start = stackEnd
		}
		n := g.r.IntN(81) + 100
		var events []sysEvent
		switch {
		case g.Has(ModeDevstackServiceFailed) && s.name == g.Detail:
			w := g.serviceLog(s, end.Add(-5*time.Second), end, 0, nil)
			g.serviceCrash(w, s.name)
			g.add(s.file, w)
			return // the services after it never started
		case s.name == "n-cpu":
			if g.Has(ModeRPCTimeout) {
				events = append(events, sysEvent{g.rpcAt, func(w *logw) { g.messagingTimeout(w, "nova.compute.manager", "ComputeManager._build_and_run_instance") }})
			}
			if g.Has(ModeTempestTimeout) {
				events = append(events, sysEvent{g.ttAt.Add(time.Duration(90+g.r.IntN(60)) * time.Second), g.vifTimeout})
			}
		case s.name == "n-api":
			if g.Has(ModeRPCTimeout) {
				events = append(events, sysEvent{g.rpcAt.Add(time.Second), g.apiRPCError})
			}
			if g.Has(ModeOOM) {
				events = append(events, sysEvent{g.oomAt.Add(time.Duration(2+g.r.IntN(5)) * time.Second), g.dbLost})
			}
		case s.name == "neutron-api" && g.Has(ModeUnexplained):
			switch g.Detail {
			case "tempest-assertion":
				events = append(events, sysEvent{g.unexAt.Add(-time.Duration(2+g.r.IntN(10)) * time.Second), g.ovnRowNotFound})
			case "neutron-db-deadlock", "hung-test":
				events = append(events, sysEvent{g.unexAt.Add(-time.Duration(1+g.r.IntN(5)) * time.Second), g.dbDeadlock})
			}
		}
		g.add(s.file, g.serviceLog(s, start, end, n, events))
	}
}

func (g *build) instance() string {
	if g.r.IntN(4) == 0 {
		return g.server
	}
	return uuid4(g.r)
}

func debugSuffix(w *logw, fn, path string, line int) string {
	return fmt.Sprintf(" {{(pid=%d) %s %s:%d}}", w.pid, fn, path, line)
}

func (g *build) novaComputeNoise(w *logw) {
	inst := "[instance: " + g.instance() + "] "
	switch w.r.IntN(14) {
	case 0, 1:
		task := w.pick("_poll_rebooting_instances", "_heal_instance_info_cache", "_poll_unconfirmed_resizes", "_instance_usage_audit", "_poll_volume_usage", "_reclaim_queued_deletes", "update_available_resource", "_sync_power_states")
		w.oslo("DEBUG", "oslo_service.periodic_task", "Running periodic task ComputeManager."+task+debugSuffix(w, "run_periodic_tasks", "/opt/stack/data/venv/lib/python3.12/site-packages/oslo_service/periodic_task.py", 210))
	case 2:
		w.oslo("DEBUG", "oslo_concurrency.lockutils", `Acquiring lock "compute_resources" by "nova.compute.resource_tracker.ResourceTracker._update_available_resource"`+debugSuffix(w, "inner", "/opt/stack/data/venv/lib/python3.12/site-packages/oslo_concurrency/lockutils.py", 405))
	case 3:
		w.oslo("DEBUG", "oslo_concurrency.lockutils", fmt.Sprintf(`Lock "compute_resources" "released" by "nova.compute.resource_tracker.ResourceTracker.instance_claim" :: held %d.%03ds`, w.r.IntN(2), w.r.IntN(1000))+debugSuffix(w, "inner", "/opt/stack/data/venv/lib/python3.12/site-packages/oslo_concurrency/lockutils.py", 424))
	case 4:
		w.oslo("INFO", "nova.compute.claims", inst+"Claim successful on node "+g.node)
	case 5:
		w.oslo("INFO", "nova.compute.manager", inst+fmt.Sprintf("Took %d.%02d seconds to spawn the instance on the hypervisor.", w.n(2, 30), w.r.IntN(100)))
	case 6:
		w.oslo("INFO", "nova.compute.manager", inst+fmt.Sprintf("Took %d.%02d seconds to build instance.", w.n(3, 40), w.r.IntN(100)))
	case 7:
		w.oslo("INFO", "nova.virt.libvirt.driver", inst+w.pick("Instance spawned successfully.", "Instance destroyed successfully.", "Creating image(s)", "Deleting instance files /opt/stack/data/nova/instances/"+uuid4(w.r)+"_del"))
	case 8:
		w.oslo("INFO", "nova.compute.manager", inst+w.pick("Terminating instance", "VM Started (Lifecycle Event)", "VM Paused (Lifecycle Event)", "VM Resumed (Lifecycle Event)", "During sync_power_state the instance has a pending task (spawning). Skip."))
	case 9:
		w.oslo("DEBUG", "nova.compute.manager", inst+"Preparing to wait for external event network-vif-plugged-"+uuid4(w.r)+debugSuffix(w, "prepare_for_instance_event", "/opt/stack/nova/nova/compute/manager.py", 283))
	case 10:
		w.oslo("INFO", "nova.compute.resource_tracker", fmt.Sprintf("Final resource view: name=%s phys_ram=7940MB used_ram=%dMB phys_disk=77GB used_disk=%dGB total_vcpus=8 used_vcpus=%d pci_stats=[]", g.node, 512+128*w.r.IntN(24), w.r.IntN(20), w.r.IntN(8)))
	case 11:
		if w.r.IntN(4) == 0 {
			w.oslo("WARNING", "oslo.messaging._drivers.impl_rabbit", fmt.Sprintf("[%s] AMQP server on %s:5672 is unreachable: [Errno 104] Connection reset by peer. Trying again in 1 seconds.: ConnectionResetError: [Errno 104] Connection reset by peer", uuid4(w.r), g.ip))
			w.tick(time.Second)
			w.oslo("INFO", "oslo.messaging._drivers.impl_rabbit", fmt.Sprintf("[%s] Reconnected to AMQP server on %s:5672 via [amqp] client with port %d.", uuid4(w.r), g.ip, w.n(30000, 60000)))
			return
		}
		w.oslo("WARNING", "nova.compute.manager", fmt.Sprintf("While synchronizing instance power states, found %d instances in the database and %d instances on the hypervisor.", w.n(2, 6), w.n(0, 2)))
	case 12:
		w.oslo("DEBUG", "nova.network.neutron", inst+"Updating instance_info_cache with network_info: [{\"id\": \""+uuid4(w.r)+"\", \"address\": \"fa:16:3e:"+hex(w.r, 2)+":"+hex(w.r, 2)+":"+hex(w.r, 2)+"\", \"network\": {\"label\": \"tempest-network\"}, \"type\": \"ovs\", \"active\": true}]"+debugSuffix(w, "update_instance_cache_with_nw_info", "/opt/stack/nova/nova/network/neutron.py", 117))
	default:
		w.oslo("DEBUG", "nova.virt.libvirt.driver", inst+"Waiting for events [('network-vif-plugged', '"+uuid4(w.r)+"')] with vif_plugging_timeout=300s"+debugSuffix(w, "_create_guest_with_network", "/opt/stack/nova/nova/virt/libvirt/driver.py", 7921))
	}
}

func (g *build) novaAPINoise(w *logw) {
	switch w.r.IntN(8) {
	case 0, 1, 2, 3:
		method, path, status := "GET", "/compute/v2.1/servers/"+g.instance(), 200
		switch w.r.IntN(6) {
		case 0:
			method, path, status = "POST", "/compute/v2.1/servers", 202
		case 1:
			method, path, status = "DELETE", "/compute/v2.1/servers/"+g.instance(), 204
		case 2:
			path = "/compute/v2.1/servers/detail"
		case 3:
			method, path, status = "POST", "/compute/v2.1/servers/"+g.instance()+"/action", 202
		case 4:
			status = 404
		}
		w.oslo("INFO", "nova.api.openstack.requestlog", fmt.Sprintf("%s \"%s %s\" status: %d len: %d microversion: 2.%d time: 0.%06d", g.ip, method, path, status, w.n(0, 3000), w.n(1, 100), w.r.IntN(1000000)))
	case 4:
		w.oslo("INFO", "nova.api.openstack.wsgi", "HTTP exception thrown: Instance "+uuid4(w.r)+" could not be found.")
	case 5:
		w.oslo("DEBUG", "nova.api.openstack.wsgi", "Calling method '<bound method ServersController.show of <nova.api.openstack.compute.servers.ServersController object at 0x7f"+hex(w.r, 10)+">>'"+debugSuffix(w, "_process_stack", "/opt/stack/nova/nova/api/openstack/wsgi.py", 513))
	case 6:
		w.oslo("DEBUG", "nova.compute.api", "[instance: "+g.instance()+"] Fetching instance by UUID"+debugSuffix(w, "get", "/opt/stack/nova/nova/compute/api.py", 3017))
	default:
		w.oslo("INFO", "nova.compute.api", "[instance: "+g.instance()+"] "+w.pick("Going to try to soft delete instance", "Requesting network resources", "Attempting graceful shutdown"))
	}
}

func (g *build) cinderNoise(w *logw) {
	vol := uuid4(w.r)
	switch w.r.IntN(9) {
	case 0:
		w.oslo("INFO", "cinder.volume.flows.manager.create_volume", "Volume "+vol+": being created as raw with specification: {'status': 'creating', 'volume_name': 'volume-"+vol+"', 'volume_size': 1}")
	case 1:
		w.oslo("INFO", "cinder.volume.manager", "Created volume successfully.")
	case 2:
		w.oslo("DEBUG", "oslo_concurrency.processutils", "Running cmd (subprocess): sudo cinder-rootwrap /etc/cinder/rootwrap.conf lvcreate -T -V 1g -n volume-"+vol+" stack-volumes-lvmdriver-1/stack-volumes-lvmdriver-1-pool"+debugSuffix(w, "execute", "/opt/stack/data/venv/lib/python3.12/site-packages/oslo_concurrency/processutils.py", 349))
	case 3:
		w.oslo("DEBUG", "oslo_concurrency.processutils", fmt.Sprintf(`CMD "sudo cinder-rootwrap /etc/cinder/rootwrap.conf lvs --noheadings --unit=g -o size,data_percent --separator : --nosuffix stack-volumes-lvmdriver-1/stack-volumes-lvmdriver-1-pool" returned: 0 in 0.%03ds`, w.r.IntN(1000))+debugSuffix(w, "execute", "/opt/stack/data/venv/lib/python3.12/site-packages/oslo_concurrency/processutils.py", 372))
	case 4:
		w.oslo("INFO", "cinder.volume.manager", w.pick("attachment_update completed successfully.", "Initialize volume connection completed successfully.", "Terminate volume connection completed successfully.", "Deleted volume successfully.", "Extend volume completed successfully."))
	case 5:
		w.oslo("DEBUG", "cinder.volume.drivers.lvm", "Updating volume stats"+debugSuffix(w, "_update_volume_stats", "/opt/stack/cinder/cinder/volume/drivers/lvm.py", 205))
	case 6:
		w.oslo("INFO", "cinder.volume.targets.lio", "Creating iscsi_target for volume: volume-"+vol)
	case 7:
		w.oslo("WARNING", "cinder.volume.drivers.lvm", "Volume "+vol+" is not currently exported; nothing to remove.")
	default:
		w.oslo("DEBUG", "oslo_service.periodic_task", "Running periodic task VolumeManager.publish_service_capabilities"+debugSuffix(w, "run_periodic_tasks", "/opt/stack/data/venv/lib/python3.12/site-packages/oslo_service/periodic_task.py", 210))
	}
}

func (g *build) neutronNoise(w *logw) {
	port := uuid4(w.r)
	switch w.r.IntN(8) {
	case 0, 1, 2:
		path := w.pick("/networking/v2.0/ports?device_id="+g.instance(), "/networking/v2.0/networks/"+uuid4(w.r), "/networking/v2.0/security-groups", "/networking/v2.0/floatingips", "/networking/v2.0/ports/"+port)
		w.oslo("INFO", "neutron.wsgi", fmt.Sprintf(`%s "GET %s HTTP/1.1" status: 200  len: %d time: 0.%07d`, g.ip, path, w.n(200, 4000), w.r.IntN(10000000)))
	case 3:
		w.oslo("INFO", "neutron.plugins.ml2.plugin", fmt.Sprintf("Attempt %d to bind port %s on host %s for vnic_type normal with profile ", 1, port, g.node))
	case 4:
		w.oslo("INFO", "neutron.notifiers.nova", "Nova event matching ['req-"+uuid4(w.r)+"'] response: {'server_uuid': '"+g.instance()+"', 'name': 'network-vif-plugged', 'status': 'completed', 'tag': '"+port+"', 'code': 200}")
	case 5:
		w.oslo("DEBUG", "ovsdbapp.backend.ovs_idl.transaction", fmt.Sprintf("Running txn n=1 command(idx=0): SetLSwitchPortCommand(lport=%s, columns={'up': True}, if_exists=True)", port)+debugSuffix(w, "do_commit", "/opt/stack/data/venv/lib/python3.12/site-packages/ovsdbapp/backend/ovs_idl/transaction.py", 89))
	case 6:
		w.oslo("INFO", "neutron.db.ovn_revision_numbers_db", "Successfully bumped revision number for resource "+port+" (type: ports) to "+w.itoa(2, 9))
	default:
		w.oslo("WARNING", "neutron.db.agents_db", "Agent healthcheck: found 0 dead agents out of "+w.itoa(3, 5)+":")
	}
}

// messagingTimeout writes oslo.messaging's RPC timeout with its traceback.
func (g *build) messagingTimeout(w *logw, module, where string) {
	id := hex(g.r, 32)
	ctx := w.ctx()
	inst := "[instance: " + g.server + "] "
	w.osloCtx("ERROR", module, ctx, inst+"Failed to build and run instance: oslo_messaging.exceptions.MessagingTimeout: Timed out waiting for a reply to message ID "+id)
	w.trace("ERROR", module, ctx, []string{
		inst + "Traceback (most recent call last):",
		inst + `  File "/opt/stack/data/venv/lib/python3.12/site-packages/oslo_messaging/_drivers/amqpdriver.py", line 441, in get`,
		inst + `    return self._queues[msg_id].get(block=True, timeout=timeout)`,
		inst + `  File "/usr/lib/python3.12/queue.py", line 179, in get`,
		inst + `    raise Empty`,
		inst + `_queue.Empty`,
		inst,
		inst + `During handling of the above exception, another exception occurred:`,
		inst,
		inst + `Traceback (most recent call last):`,
		inst + `  File "/opt/stack/nova/nova/compute/manager.py", line 2612, in ` + where[strings.Index(where, ".")+1:],
		inst + `    self.conductor_api.update_instance_info(context, instance)`,
		inst + `  File "/opt/stack/data/venv/lib/python3.12/site-packages/oslo_messaging/rpc/client.py", line 190, in call`,
		inst + `    result = self.transport._send(`,
		inst + `  File "/opt/stack/data/venv/lib/python3.12/site-packages/oslo_messaging/_drivers/amqpdriver.py", line 446, in get`,
		inst + `    raise oslo_messaging.MessagingTimeout(`,
		inst + `oslo_messaging.exceptions.MessagingTimeout: Timed out waiting for a reply to message ID ` + id,
	})
}

func (g *build) apiRPCError(w *logw) {
	id := hex(g.r, 32)
	ctx := w.ctx()
	w.osloCtx("ERROR", "nova.api.openstack.wsgi", ctx, "Unexpected exception in API method: oslo_messaging.exceptions.MessagingTimeout: Timed out waiting for a reply to message ID "+id)
	w.trace("ERROR", "nova.api.openstack.wsgi", ctx, []string{"Traceback (most recent call last):",
		`  File "/opt/stack/nova/nova/api/openstack/wsgi.py", line 658, in wrapped`,
		`    return f(*args, **kwargs)`,
		`  File "/opt/stack/nova/nova/compute/api.py", line 2402, in get`,
		`    instance = self._get_instance(context, instance_id, expected_attrs)`,
		`oslo_messaging.exceptions.MessagingTimeout: Timed out waiting for a reply to message ID ` + id})
	w.osloCtx("INFO", "nova.api.openstack.wsgi", ctx, "HTTP exception thrown: Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach the Nova API log if possible.")
	w.osloCtx("INFO", "nova.api.openstack.requestlog", ctx, fmt.Sprintf(`%s "POST /compute/v2.1/servers" status: 500 len: 211 microversion: 2.1 time: 60.%06d`, g.ip, g.r.IntN(1000000)))
}

// vifTimeout writes nova-compute giving up on a port that never plugged,
// after tempest gave up on the server.
func (g *build) vifTimeout(w *logw) {
	port := uuid4(g.r)
	ctx := w.ctx()
	inst := "[instance: " + g.server + "] "
	w.osloCtx("WARNING", "nova.virt.libvirt.driver", ctx, inst+"Timeout waiting for [('network-vif-plugged', '"+port+"')] for instance with vm_state building and task_state spawning. Event states are: network-vif-plugged-"+port+": timed out after 300.00 seconds: eventlet.timeout.Timeout: 300 seconds")
	w.osloCtx("ERROR", "nova.compute.manager", ctx, inst+"Instance failed to spawn: nova.exception.VirtualInterfaceCreateException: Virtual Interface creation failed")
	w.trace("ERROR", "nova.compute.manager", ctx, []string{inst + "Traceback (most recent call last):",
		inst + `  File "/opt/stack/nova/nova/virt/libvirt/driver.py", line 7958, in _create_guest_with_network`,
		inst + `    guest = self._create_guest(`,
		inst + `nova.exception.VirtualInterfaceCreateException: Virtual Interface creation failed`})
}

func (g *build) dbLost(w *logw) {
	w.oslo("ERROR", "oslo_db.sqlalchemy.engines", "Database connection was found disconnected; reconnecting: oslo_db.exception.DBConnectionError: (pymysql.err.OperationalError) (2013, 'Lost connection to MySQL server during query')")
	w.tick(2 * time.Second)
	w.oslo("ERROR", "nova.api.openstack.wsgi", "Unexpected exception in API method: oslo_db.exception.DBConnectionError: (pymysql.err.OperationalError) (2003, \"Can't connect to MySQL server on '"+g.ip+"' ([Errno 111] Connection refused)\")")
}

func (g *build) ovnRowNotFound(w *logw) {
	w.oslo("ERROR", "neutron.plugins.ml2.managers", "Mechanism driver 'ovn' failed in update_port_postcommit: ovsdbapp.backend.ovs_idl.idlutils.RowNotFound: Cannot find Logical_Switch_Port with name="+uuid4(g.r))
}

func (g *build) dbDeadlock(w *logw) {
	w.oslo("ERROR", "oslo_db.api", "DB exceeded retry limit.: oslo_db.exception.DBDeadlock: (pymysql.err.OperationalError) (1213, 'Deadlock found when trying to get lock; try restarting transaction')")
}

// serviceCrash writes a service's last words when it will not start.
func (g *build) serviceCrash(w *logw, svc string) {
	ctx := "[-]"
	var prog, msg string
	var tb []string
	switch svc {
	case "n-cpu":
		prog = "nova"
		w.osloCtx("ERROR", "nova.virt.libvirt.host", ctx, "Connection to libvirt failed: Failed to connect socket to '/var/run/libvirt/virtqemud-sock': No such file or directory: libvirt.libvirtError: Failed to connect socket to '/var/run/libvirt/virtqemud-sock': No such file or directory")
		msg = "Unhandled error: nova.exception.HypervisorUnavailable: Connection to the hypervisor is broken on host"
		tb = []string{`  File "/opt/stack/nova/nova/virt/libvirt/host.py", line 602, in get_connection`, `    conn = self._get_connection()`,
			`nova.exception.HypervisorUnavailable: Connection to the hypervisor is broken on host`}
	case "neutron-api":
		prog = "neutron"
		msg = `Unhandled error: oslo_db.exception.DBConnectionError: (pymysql.err.OperationalError) (2003, "Can't connect to MySQL server on '` + g.ip + `' ([Errno 111] Connection refused)")`
		tb = []string{`  File "/opt/stack/data/venv/lib/python3.12/site-packages/pymysql/connections.py", line 649, in connect`, `    sock = socket.create_connection(`,
			`ConnectionRefusedError: [Errno 111] Connection refused`}
	default:
		prog = "cinder"
		msg = "Unhandled error: oslo_config.cfg.ConfigFileValueError: Value for option volume_clear from LocationInfo(location=<Locations.user: (4, True)>, detail='/etc/cinder/cinder.conf') is not valid: Valid values are [none, zero], but found 'shred'"
		tb = []string{`  File "/opt/stack/data/venv/lib/python3.12/site-packages/oslo_config/cfg.py", line 2228, in __getattr__`, `    return self._get(name)`,
			`oslo_config.cfg.ConfigFileValueError: Value for option volume_clear is not valid: Valid values are [none, zero], but found 'shred'`}
	}
	w.osloCtx("CRITICAL", prog, ctx, msg)
	w.trace("ERROR", prog, ctx, append([]string{"Traceback (most recent call last):"}, tb...))
	g.serviceExited(w)
}
