package sample

import "strings"

// Cause is a line that says why a build failed: Text is a substring of it,
// and File the file it is in ("*" for any, "JOB" for the job's output:
// job-output.txt or console.html, "**/" for any directory).
type Cause struct {
	File, Text string
}

// Fault is one fault injected into a build: its mode (and detail), and
// the lines that say so, the most specific first; any one of them tells a
// reader the cause.
type Fault struct {
	Mode   Mode
	Detail string
	Lines  []Cause
}

// Faults lists the faults injected into b, one per failure mode it shows,
// each with the lines that say why it failed (the answer key triage's
// ranking is held to). A successful build has none.
func (b BuildInfo) Faults() []Fault {
	var out []Fault
	for _, m := range b.Modes {
		if m == ModeNone {
			continue
		}
		out = append(out, Fault{Mode: m, Detail: b.Detail, Lines: b.causes(m)})
	}
	return out
}

func (b BuildInfo) causes(m Mode) []Cause {
	switch m {
	case ModeMistralBuild:
		return []Cause{{"JOB", "Build failed. See logs at"}, {"**/build.log", "error: Failed build dependencies:"},
			{"**/build.log", "error: Installed (but unpackaged) file(s) found:"}}
	case ModeMistralClientTypeError:
		return []Cause{{"*", "TypeError: client() takes at most 1 argument (5 given)"}}
	case ModeMistralActionFailed:
		return []Cause{{"**/mistral/executor.log", "Failed to run action"}, {"**/mistral/executor.log", "The action raised an exception"},
			{"JOB", "Deployment failed: the action of task deploy"}}
	case ModeHeatWaitCondition:
		return []Cause{{"*", "WaitConditionTimeout"}, {"*", "Cluster error, stack status: CREATE_FAILED"}}
	case ModeRPCTimeout:
		return []Cause{{"*", "Timed out waiting for a reply to message ID"}, {"JOB", "ServerFault: Got server fault"}}
	case ModeTempestTimeout:
		return []Cause{{"JOB", "TimeoutException"}, {"**/screen-n-cpu.txt", "VirtualInterfaceCreateException"}}
	case ModeDevstackServiceFailed:
		return []Cause{{"*", "Job for devstack@"}, {"*", " is not running"}, {"*", ".service: Main process exited, code=exited, status=1/FAILURE"}}
	case ModeOOM:
		return []Cause{{"*", "invoked oom-killer"}, {"*", "Out of memory: Killed process"}, {"JOB", "(OOMKilled)"}}
	case ModeUnexplained:
		return unexplainedCauses(b)
	}
	return nil
}

func unexplainedCauses(b BuildInfo) []Cause {
	switch b.Detail {
	case "pip-no-matching-distribution":
		return []Cause{{"*", "No matching distribution found for"}, {"*", "Could not find a version that satisfies the requirement"}}
	case "git-clone-failure":
		return []Cause{{"*", "fatal: unable to access"}, {"*", "git call failed"}}
	case "apt-fetch-failure":
		return []Cause{{"*", "E: Failed to fetch"}, {"*", "E: Unable to fetch some archives"}, {"*", "Failed to install packages"}}
	case "disk-full":
		return []Cause{{"*", "No space left on device"}}
	case "tempest-assertion":
		return []Cause{{"**/screen-neutron-api.txt", "Mechanism driver 'ovn' failed"}, {"JOB", "MismatchError"}}
	case "neutron-db-deadlock":
		return []Cause{{"**/screen-neutron-api.txt", "DBDeadlock"}}
	case "hung-test":
		if b.Family == FamilyDevstack {
			return []Cause{{"**/screen-neutron-api.txt", "DBDeadlock"}}
		}
		return []Cause{{"*", "AMQP server on undercloud.ctlplane.localdomain:5672 is unreachable"}}
	case "log-upload-failure":
		return []Cause{{"JOB", "Upload of logs to swift failed"}, {"JOB", "Failed to publish the logs"}}
	case "container-pull-rate-limited":
		return []Cause{{"JOB", "toomanyrequests: Rate limited"}}
	case "ansible-role-not-found":
		return []Cause{{"JOB", "the role 'tripleo_hieradata' was not found"}}
	case "dnf-metadata-failure":
		return []Cause{{"JOB", "Failed to download metadata for repo"}, {"JOB", "yum install of the undercloud packages failed"}}
	case "overcloud-ping-failed":
		return []Cause{{"JOB", "Overcloud ping test failed"}}
	case "kubectl-unauthorized":
		return []Cause{{"**/screen-magnum-cond.txt", "Failed to sign certificate for cluster"}, {"JOB", "You must be logged in to the server (Unauthorized)"},
			{"JOB", "tempest.lib.exceptions.Unauthorized"}}
	case "magnum-api-assertion":
		return []Cause{{"**/screen-magnum-api.txt", "'NoneType' object has no attribute 'uuid'"}, {"JOB", "MismatchError"}}
	}
	return nil
}

// In says whether the cause's file pattern names the file at slash path
// name (without .gz) of build b.
func (c Cause) In(b BuildInfo, name string) bool {
	switch {
	case c.File == "*":
		return true
	case c.File == "JOB":
		return name == strings.TrimSuffix(b.JobOutput(), ".gz")
	case strings.HasPrefix(c.File, "**/"):
		return strings.HasSuffix(name, c.File[2:])
	}
	return name == c.File
}
