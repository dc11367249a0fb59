//! The host's process table: its own daemons and every running container's main process,
//! under host PIDs.
//!
//! The model gives container processes only their in-container PIDs, so host PIDs are derived
//! here, deterministically: a container's shim gets `1000 + 2 * (first 8 hex digits of its ID
//! mod 15000)` and its PID 1 the next PID; on a clash (rare) the pair moves up by 2, containers
//! taken in ID order. The PIDs are stable while the container exists and say nothing real;
//! what they teach is that the host sees the same process under another number.

use super::containers::processes as processes_inside;
use super::{HostProcess, HostView};
use crate::World;
use std::collections::BTreeSet;

/// The simulated host's name (containers get their own in their UTS namespace).
pub const HOST_HOSTNAME: &str = "host";

/// What the host runs for itself, with fixed PIDs below any container's.
const HOST_DAEMONS: &[(u32, &str)] = &[
    (1, "/sbin/init"),
    (412, "/usr/bin/containerd"),
    (
        431,
        "/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock",
    ),
];

/// The preferred host PID of a container's shim (before clash resolution).
pub fn host_pid(container_id: &str) -> u32 {
    let hex: String = crate::digest::hex_part(container_id)
        .chars()
        .take(8)
        .collect();
    let n = u32::from_str_radix(&hex, 16).unwrap_or(0);
    1000 + 2 * (n % 15_000)
}

pub(super) fn host(world: &World) -> HostView {
    let mut processes: Vec<HostProcess> = HOST_DAEMONS
        .iter()
        .map(|(pid, command)| HostProcess {
            pid: *pid,
            user: "root".to_string(),
            command: command.to_string(),
            container: None,
            container_pid: None,
        })
        .collect();
    let mut taken: BTreeSet<u32> = BTreeSet::new();
    for c in world.containers().filter(|c| c.is_running()) {
        let mut pid = host_pid(&c.id);
        while taken.contains(&pid) {
            pid = pid.saturating_add(2);
        }
        taken.insert(pid);
        processes.push(HostProcess {
            pid,
            user: "root".to_string(),
            command: format!(
                "/usr/bin/containerd-shim-runc-v2 -namespace moby -id {}",
                super::short(&c.id)
            ),
            container: None,
            container_pid: None,
        });
        // Shim PIDs are even, so PID 1 of the container (shim + 1) never clashes.
        for (i, p) in processes_inside(c).into_iter().enumerate() {
            processes.push(HostProcess {
                pid: pid.saturating_add(1 + i as u32),
                user: p.user,
                command: p.command,
                container: Some(c.name.clone()),
                container_pid: Some(p.pid),
            });
        }
    }
    crate::order::sort_by_key(&mut processes, |p| p.pid);
    HostView {
        hostname: HOST_HOSTNAME.to_string(),
        processes,
    }
}
