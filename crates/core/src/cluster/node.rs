//! Nodes: the servers of the cluster, their capacity, what is requested of them, labels,
//! taints and readiness, and the pod IP range each one hands addresses from.

use super::labels::Labels;
use super::objects::Resources;
use crate::event::Tick;

/// Kubernetes' default `--max-pods`.
pub const MAX_PODS: u32 = 110;

/// A taint: pods that do not tolerate it are kept off the node (`NoSchedule`) or evicted
/// (`NoExecute`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Taint {
    pub key: String,
    pub value: String,
    pub effect: String,
}

impl Taint {
    pub fn new(key: &str, effect: &str) -> Taint {
        Taint {
            key: key.into(),
            value: String::new(),
            effect: effect.into(),
        }
    }
}

/// The taint the node lifecycle controller puts on a node that stopped heart-beating.
pub const UNREACHABLE: &str = "node.kubernetes.io/unreachable";
/// The taint `kubectl cordon` stands for.
pub const UNSCHEDULABLE: &str = "node.kubernetes.io/unschedulable";

#[derive(Clone, Debug)]
pub struct Node {
    pub name: String,
    /// Position in the cluster's node list (also the third octet of its pod range).
    pub index: u32,
    /// What the node has (CPU in millicores, memory in bytes) and its pod limit.
    pub capacity: Resources,
    pub max_pods: u32,
    pub labels: Labels,
    pub taints: Vec<Taint>,
    /// `kubectl cordon`: no new pods.
    pub unschedulable: bool,
    /// The kubelet is alive and posts its status (false after `cluster node fail`).
    pub heartbeat: bool,
    /// The node controller sees it `Ready` (it stops being so 50 s after the last heartbeat).
    pub ready: bool,
    /// When the last heartbeat came (while `heartbeat`, it is "now").
    pub last_heartbeat: Tick,
    /// When it was marked NotReady.
    pub not_ready_since: Option<Tick>,
    pub created: Tick,
    /// Sum of the requests of the pods bound to it.
    pub requested: Resources,
    /// The same with kube's defaults for pods that request nothing (100m, 200Mi): what
    /// scoring looks at, so that empty requests still spread.
    pub nonzero_requested: Resources,
    pub pod_count: u32,
    /// Which host octets of its /24 are in use (.0, .1 and .255 are never handed out).
    used_ips: [u64; 4],
}

impl Node {
    pub fn new(name: &str, index: u32, capacity: Resources, labels: Labels, now: Tick) -> Node {
        let mut used_ips = [0u64; 4];
        used_ips[0] = 0b11;
        used_ips[3] = 1 << 63;
        Node {
            name: name.into(),
            index,
            capacity,
            max_pods: MAX_PODS,
            labels,
            taints: Vec::new(),
            unschedulable: false,
            heartbeat: true,
            ready: true,
            last_heartbeat: now,
            not_ready_since: None,
            created: now,
            requested: Resources::default(),
            nonzero_requested: Resources::default(),
            pod_count: 0,
            used_ips,
        }
    }

    /// Its pod range: `10.244.N.0/24` for the N-th node (carrying into the second octet past
    /// 255 nodes, as a larger cluster CIDR would).
    pub fn pod_cidr(&self) -> String {
        let n = self.index + 1;
        format!("10.{}.{}.0/24", 244 + n / 256, n % 256)
    }

    /// A free address of its range, if any.
    pub(crate) fn allocate_ip(&mut self) -> Option<String> {
        let word = self.used_ips.iter().position(|w| *w != u64::MAX)?;
        let free = word as u32 * 64 + self.used_ips[word].trailing_ones();
        self.used_ips[(free / 64) as usize] |= 1 << (free % 64);
        let n = self.index + 1;
        Some(format!("10.{}.{}.{free}", 244 + n / 256, n % 256))
    }

    pub(crate) fn release_ip(&mut self, ip: &str) {
        if let Some(last) = ip.rsplit('.').next().and_then(|o| o.parse::<u32>().ok()) {
            if last < 256 {
                self.used_ips[(last / 64) as usize] &= !(1 << (last % 64));
            }
        }
    }

    /// `Ready`, `NotReady`, with `,SchedulingDisabled` when cordoned (kubectl's STATUS).
    pub fn status(&self) -> String {
        let base = if self.ready { "Ready" } else { "NotReady" };
        if self.unschedulable {
            format!("{base},SchedulingDisabled")
        } else {
            base.into()
        }
    }

    /// What is left for new pods' requests.
    pub fn free(&self) -> Resources {
        Resources {
            cpu_m: self.capacity.cpu_m.saturating_sub(self.requested.cpu_m),
            memory: self.capacity.memory.saturating_sub(self.requested.memory),
        }
    }
}
