//! `docker exec`: a further process in a running container.

use super::container_error::ContainerError;
use super::logs::{no_terminal_note, push_logs};
use super::start_failure::{start_failure, StartedBy};
use super::{ContainerId, ProcRecord};
use super::{Handled, LogLine, Reply, World};
use crate::command::signal::SIGKILL;
use crate::command::Invocation;
use crate::driver::{Effect, ProcessHandle, ProcessStart, Purpose, Target};
use crate::event::EventKind;
use crate::fs::normalize;

/// How long a foreground `docker exec` may run.
const EXEC_WAIT_MS: u64 = 600_000;

/// The exit code of a command interrupted by Ctrl-C (128 + SIGINT).
const EXIT_INTERRUPTED: i32 = 130;

impl World {
    pub(crate) async fn cmd_exec(&mut self, inv: &Invocation) -> Handled {
        let key = &inv.args[0];
        let id = self.find_container(key)?;
        let c = self.container(&id)?;
        if !c.is_running() {
            return Err(ContainerError::NotRunning(id.clone()).into());
        }
        let argv: Vec<String> = inv.args[1..].to_vec();
        let mut env = c.env.clone();
        for entry in inv.flags.values("env") {
            match entry.split_once('=') {
                Some((k, v)) => crate::image::set_env(&mut env, k, v),
                // `-e NAME` passes the client's NAME (it has none here): the process has none.
                None => env.retain(|(k, _)| k != entry),
            }
        }
        let cwd = inv
            .flags
            .value("workdir")
            .map(|w| normalize(&c.workdir, w))
            .unwrap_or_else(|| c.workdir.clone());
        let user = inv
            .flags
            .value("user")
            .map(str::to_string)
            .unwrap_or(c.user.clone());
        let handle = self.start_exec_process(&id, argv.clone(), env, cwd, user);
        let started = self.now;
        let detach = inv.flags.has("detach");
        self.wait_until(Some(self.now + EXEC_WAIT_MS), |w| {
            w.procs
                .get(&handle)
                .is_none_or(|p| p.failed.is_some() || (detach && p.started) || p.settled())
        })
        .await;
        let Some(record) = self.procs.get(&handle).cloned() else {
            return Err(ContainerError::NotRunning(id.clone()).into());
        };
        if let Some(error) = &record.failed {
            self.procs.remove(&handle);
            return Err(start_failure(StartedBy::Exec, error));
        }
        if detach {
            if let Some(p) = self.procs.get_mut(&handle) {
                p.detached = true;
                p.output.clear();
            }
            if record.exit.is_some() {
                self.procs.remove(&handle);
            }
            return Ok(Reply::default());
        }
        // Still running after the wait: it is interrupted below, as Ctrl-C would, and exits
        // 130 (not 0: the trace and the lesson checks must not count it a success).
        let exit_code = record.exit.map_or(EXIT_INTERRUPTED, |e| e.code());
        self.emit(EventKind::ExecRan {
            id: id.clone(),
            argv: argv.clone(),
            exit_code,
        });
        let mut reply = Reply {
            exit_code,
            ..Reply::default()
        };
        let logs: Vec<LogLine> = record
            .output
            .into_iter()
            .filter(|l| l.at >= started)
            .collect();
        push_logs(&mut reply, &logs);
        if let Some(note) = no_terminal_note(inv, &argv, "exec") {
            reply.stderr.push_str(&note);
        }
        if record.exit.is_none() {
            // Still running after the wait: interrupt it, as Ctrl-C would.
            self.issue(Effect::Signal {
                handle,
                signal: SIGKILL,
            });
            if let Some(p) = self.procs.get_mut(&handle) {
                p.detached = true;
            }
            reply.stderr.push_str(
                "(simulator: the command was still running after 10 minutes and was interrupted)\n",
            );
        } else {
            self.procs.remove(&handle);
        }
        Ok(reply)
    }

    /// Starts `argv` as an exec'd process in the running container `id` (its next PID, its
    /// limits and hostname): `docker exec` and the kubelet's exec probes both start theirs here.
    pub(super) fn start_exec_process(
        &mut self,
        id: &ContainerId,
        argv: Vec<String>,
        env: Vec<(String, String)>,
        cwd: String,
        user: String,
    ) -> ProcessHandle {
        let handle = self.new_handle();
        let mut start = ProcessStart {
            handle,
            target: Target::Container(id.clone()),
            purpose: Purpose::Exec,
            pid: 0,
            argv,
            env,
            cwd,
            user,
            stdin: Vec::new(),
            hostname: String::new(),
            memory: None,
            nano_cpus: None,
            pids_limit: None,
        };
        if let Some(c) = self.engine.containers.get_mut(id) {
            start.pid = c.next_pid;
            start.hostname = c.hostname.clone();
            start.memory = c.memory;
            start.nano_cpus = c.nano_cpus;
            start.pids_limit = c.pids_limit;
            c.next_pid += 1;
        }
        self.procs
            .insert(handle, ProcRecord::new(start.target.clone(), Purpose::Exec));
        self.issue(Effect::StartProcess(start));
        handle
    }
}
