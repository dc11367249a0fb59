//! `docker top`: a running container's processes as the host sees them (host PIDs), the
//! other side of what `ps` inside the container shows (PID 1, 2, ...).

use super::container_error::ContainerError;
use super::{Handled, Reply, World};
use crate::command::Invocation;
use crate::output::align_tab_separated_min;
use crate::view::host_processes;

/// The columns of `ps -ef`, which `docker top` runs on the host by default.
const HEADER: &str = "UID\tPID\tPPID\tC\tSTIME\tTTY\tTIME\tCMD";

impl World {
    pub(crate) fn cmd_top(&mut self, inv: &Invocation) -> Handled {
        let id = self.find_container(&inv.args[0])?;
        let c = self.container(&id)?;
        if !c.is_running() {
            return Err(ContainerError::NotRunning(id.clone()).into());
        }
        let name = c.name.clone();
        let started = c.started_at.unwrap_or(self.now);
        let host = host_processes(self);
        // The container's PID 1 is the shim's child; its other processes are PID 1's.
        let inside: Vec<_> = host
            .processes
            .iter()
            .filter(|p| p.container.as_deref() == Some(name.as_str()))
            .collect();
        let pid1 = inside
            .iter()
            .find(|p| p.container_pid == Some(1))
            .map_or(0, |p| p.pid);
        let mut lines = vec![HEADER.to_string()];
        for p in inside {
            let parent = if p.container_pid == Some(1) {
                pid1.saturating_sub(1)
            } else {
                pid1
            };
            lines.push(format!(
                "{}\t{}\t{parent}\t0\t{}\t?\t00:00:00\t{}",
                p.user,
                p.pid,
                clock(started),
                p.command
            ));
        }
        Ok(Reply::out(align_tab_separated_min(&lines, 20)))
    }
}

/// `HH:MM` of a logical time, as `ps` prints a start time from today.
fn clock(ms: u64) -> String {
    let minutes = ms / 60_000;
    format!("{:02}:{:02}", (minutes / 60) % 24, minutes % 60)
}
