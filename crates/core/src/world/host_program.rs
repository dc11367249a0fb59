//! A program typed at a host's own prompt (`curl localhost:8080`): a process on the host
//! itself, outside every container, which reaches the ports its containers publish.

use super::logs::push_logs;
use super::start_failure::{start_failure, StartedBy};
use super::ProcRecord;
use super::{Failure, Handled, Reply, World};
use crate::command::HostProgram;
use crate::driver::{Effect, ProcessStart, Purpose, Target};
use crate::event::EventKind;

/// How long a host program may run (the network answers at once; this bounds a stuck one).
const HOST_WAIT_MS: u64 = 600_000;
/// PIDs of host programs start here (the host's own daemons have the low ones).
const FIRST_HOST_PID: u64 = 4_000;

impl World {
    pub(crate) async fn cmd_on_host(&mut self, program: HostProgram) -> Handled {
        if let Some(host) = &program.host {
            if !self.enter_host(host) {
                return Err(Failure::new(
                    format!("ssh: Could not resolve hostname {host}: Name or service not known"),
                    255,
                ));
            }
        }
        let handle = self.new_handle();
        let start = ProcessStart {
            handle,
            target: Target::Host,
            purpose: Purpose::HostCommand,
            pid: (FIRST_HOST_PID + handle.0 % 28_000) as u32,
            argv: program.argv.clone(),
            env: vec![
                ("PATH".into(), crate::program::DEFAULT_PATH.into()),
                ("HOME".into(), "/root".into()),
                ("USER".into(), "root".into()),
            ],
            cwd: "/root".into(),
            user: String::new(),
            stdin: Vec::new(),
            hostname: self.host_name.to_string(),
            memory: None,
            nano_cpus: None,
            pids_limit: None,
        };
        self.procs
            .insert(handle, ProcRecord::new(Target::Host, Purpose::HostCommand));
        self.issue(Effect::StartProcess(start));
        let started = self.now;
        self.wait_until(Some(self.now + HOST_WAIT_MS), |w| {
            w.procs.get(&handle).is_none_or(|p| p.settled())
        })
        .await;
        let record = self.procs.remove(&handle);
        let name = program.argv.first().cloned().unwrap_or_default();
        let Some(record) = record else {
            return Err(Failure::new(
                format!("bash: {name}: command not found"),
                127,
            ));
        };
        if let Some(error) = &record.failed {
            return Err(start_failure(StartedBy::HostShell(&name), error));
        }
        let mut reply = Reply::default();
        let output: Vec<_> = record
            .output
            .into_iter()
            .filter(|l| l.at >= started)
            .collect();
        push_logs(&mut reply, &output);
        reply.exit_code = match record.exit {
            Some(exit) => exit.code(),
            None => {
                // Still running after the wait: interrupt it, as Ctrl-C would.
                self.issue(Effect::Signal {
                    handle,
                    signal: crate::command::signal::SIGKILL,
                });
                reply.stderr.push_str(
                    "(simulator: the command was still running after 10 minutes and was interrupted)\n",
                );
                130
            }
        };
        self.emit(EventKind::HostCommandRan {
            argv: program.argv,
            exit_code: reply.exit_code,
        });
        Ok(reply)
    }
}
