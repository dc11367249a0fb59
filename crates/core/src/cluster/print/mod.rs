//! kubectl's output for the cluster: `get` tables, `describe`, `-o json|yaml|name`, and the
//! scheduling table of `cluster explain`. Pure: what the engines know (a container's restarts)
//! comes in as [`Runtime`].

mod describe;
pub mod describe_views;
mod explain;
mod get;
pub mod services;
pub mod views;

pub use describe::{describe_deployment, describe_node, describe_pod, describe_replicaset};
pub use explain::explain;
pub use get::{get_deployments, get_events, get_nodes, get_pods, get_replicasets, GetOptions};

/// Several objects as kubectl prints a list.
pub fn list_json(items: Vec<serde_json::Value>) -> serde_json::Value {
    serde_json::json!({"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}})
}

use crate::cluster::objects::PodId;
use crate::event::Tick;
use std::collections::BTreeMap;

/// What a pod's container is doing, from its node's engine.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Runtime {
    pub running: bool,
    pub restarts: u32,
    /// Its exit code, if it ended and waits for a restart.
    pub exited: Option<i32>,
}

pub type Runtimes = BTreeMap<PodId, Runtime>;

/// kubectl's age: `45s`, `3m20s`, `15m`, `3h20m`, `20h`, `3d4h`, `12d`.
pub fn age(now: Tick, since: Tick) -> String {
    let s = now.saturating_sub(since) / 1000;
    let (m, h, d) = (s / 60, s / 3600, s / 86_400);
    if s < 120 {
        format!("{s}s")
    } else if m < 10 {
        if s.is_multiple_of(60) {
            format!("{m}m")
        } else {
            format!("{m}m{}s", s % 60)
        }
    } else if h < 3 {
        format!("{m}m")
    } else if h < 8 {
        format!("{h}h{}m", m % 60)
    } else if h < 48 {
        format!("{h}h")
    } else if d < 8 {
        format!("{d}d{}h", h % 24)
    } else {
        format!("{d}d")
    }
}

/// Aligned as kubectl's tabwriter does (minimum width 6, padding 3).
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let lines: Vec<String> = std::iter::once(header.join("\t"))
        .chain(rows.iter().map(|r| r.join("\t")))
        .collect();
    crate::output::align_tab_separated_min(&lines, 6)
}

/// A node's address on the simulated machine network (192.168.49.N, as minikube/kind give).
pub fn node_ip(index: u32) -> String {
    let n = index + 2;
    format!("192.168.{}.{}", 49 + n / 256, n % 256)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_read_like_kubectl() {
        assert_eq!(age(45_000, 0), "45s");
        assert_eq!(age(200_000, 0), "3m20s");
        assert_eq!(age(900_000, 0), "15m");
        assert_eq!(age(4 * 3_600_000 + 60_000, 0), "4h1m");
        assert_eq!(age(3 * 86_400_000, 0), "3d0h");
    }
}
