//! Ending containers: `docker stop` (SIGTERM, then SIGKILL after the grace period),
//! `docker kill` and `docker rm`.

use super::container::Container;
use super::container_error::ContainerError;
use super::wait::Waited;
use super::ContainerId;
use super::{Failure, Handled, Reply, World};
use crate::command::signal::{signal_number, SIGKILL, SIGTERM};
use crate::command::Invocation;
use crate::driver::{Effect, ProcessHandle};

/// How long a SIGKILL may take to end a process before the container is given up on.
const KILL_WAIT_MS: u64 = 10_000;
/// `docker stop`'s default grace period before SIGKILL.
const STOP_GRACE_MS: u64 = 10_000;

impl World {
    pub(super) fn grace_ms(inv: &Invocation) -> Result<u64, Failure> {
        match inv.flags.value("time") {
            None => Ok(STOP_GRACE_MS),
            Some(t) => t
                .parse::<u64>()
                .map(|s| s * 1000)
                .map_err(|_| Failure::new(format!("invalid argument \"{t}\" for \"-t, --time\" flag: strconv.ParseInt: parsing \"{t}\": invalid syntax"), 125)),
        }
    }

    pub(crate) async fn cmd_stop(&mut self, inv: &Invocation) -> Handled {
        let grace = World::grace_ms(inv)?;
        let ids = self.resolve_all(&inv.args)?;
        for id in &ids {
            self.stop_container(id, grace).await;
        }
        Ok(Reply::out(
            inv.args
                .iter()
                .map(|a| format!("{a}\n"))
                .collect::<String>(),
        ))
    }

    /// SIGTERM, then SIGKILL after the grace period; the exit code is what the process did.
    /// (A shell or `sleep` as PID 1 has no handler, so the kernel ignores SIGTERM and the
    /// container is killed after the grace period, exit 137, as with real docker.)
    pub(super) async fn stop_container(&mut self, id: &ContainerId, grace: u64) {
        let Some(c) = self.engine.containers.get_mut(id) else {
            return;
        };
        c.stopped_by_user = true;
        if !c.is_running() {
            c.restart_at = None;
            return;
        }
        let handle = c.main;
        let Some(h) = handle else {
            return;
        };
        self.issue(Effect::Signal {
            handle: h,
            signal: SIGTERM,
        });
        let deadline = self.now + grace;
        if self
            .wait_until(Some(deadline), |w| !w.runs(id, handle))
            .await
            == Waited::Done
        {
            return;
        }
        self.kill_and_wait(id, h).await;
    }

    /// SIGKILL, and wait for the host to report the end.
    pub(super) async fn kill_and_wait(&mut self, id: &ContainerId, handle: ProcessHandle) {
        self.issue(Effect::Signal {
            handle,
            signal: SIGKILL,
        });
        let deadline = self.now + KILL_WAIT_MS;
        self.wait_until(Some(deadline), |w| !w.runs(id, Some(handle)))
            .await;
    }

    pub(crate) fn cmd_kill(&mut self, inv: &Invocation) -> Handled {
        let ids = self.resolve_all(&inv.args)?;
        let signal = inv.flags.value("signal").unwrap_or("KILL");
        let number = signal_number(signal)
            .ok_or_else(|| Failure::daemon(format!("Invalid signal: {signal}")))?;
        for (key, id) in inv.args.iter().zip(&ids) {
            if !self
                .engine
                .containers
                .get(id)
                .is_some_and(Container::is_running)
            {
                return Err(ContainerError::CannotKill {
                    key: key.clone(),
                    id: id.clone(),
                }
                .into());
            }
        }
        for id in &ids {
            let Some(c) = self.engine.containers.get_mut(id) else {
                continue;
            };
            c.stopped_by_user = true;
            if let Some(handle) = c.main {
                self.issue(Effect::Signal {
                    handle,
                    signal: number,
                });
            }
        }
        Ok(Reply::out(
            inv.args
                .iter()
                .map(|a| format!("{a}\n"))
                .collect::<String>(),
        ))
    }

    pub(crate) async fn cmd_rm(&mut self, inv: &Invocation) -> Handled {
        let ids = self.resolve_all(&inv.args)?;
        let force = inv.flags.has("force");
        for id in &ids {
            if !force
                && self
                    .engine
                    .containers
                    .get(id)
                    .is_some_and(Container::is_running)
            {
                let name = self.container(id)?.name.clone();
                return Err(ContainerError::RemoveRunning(name).into());
            }
        }
        for id in &ids {
            let running = self
                .engine
                .containers
                .get_mut(id)
                .filter(|c| c.is_running());
            if let Some(handle) = running.and_then(|c| {
                c.stopped_by_user = true;
                c.main
            }) {
                self.kill_and_wait(id, handle).await;
            }
            self.remove_container(id, inv.flags.has("volumes"));
        }
        Ok(Reply::out(
            inv.args
                .iter()
                .map(|a| format!("{a}\n"))
                .collect::<String>(),
        ))
    }
}
