//! Pictures' view of the World: a read-only, plain-data snapshot for fronts that draw.
//!
//! The web app's SVG pictures (layer stack, containers with their writable layer and volumes,
//! inside vs outside a container, registry transfers, memory against the limit) draw from this
//! and never recompute the model. [`snapshot`] only reads: the World's public queries and its
//! trace. Everything is ordered (Vec in a fixed order, BTreeMap/BTreeSet while gathering), so
//! the same World gives the same Snapshot on every platform; nothing here can panic.

mod build;
mod cluster;
mod containers;
mod discovery;
mod host;
mod images;
mod rollout;
#[cfg(test)]
mod rollout_tests;
mod transfer;

#[cfg(test)]
mod cluster_tests;
#[cfg(test)]
mod tests;

use crate::event::Tick;
use crate::{BuildContext, Outcome, World};
use serde::Serialize;

pub use cluster::{MAX_DECISIONS, MAX_ROWS, WHAT_IF_LIMIT};
pub use discovery::{last_lookup, lookup, EndpointView, KeyView, LookupView, MAX_KEYS};
pub use host::{host_pid, HOST_HOSTNAME};
pub use rollout::{rollouts, RolloutPoint, RolloutView, Rollouts, MAX_POINTS};

/// Everything the pictures draw, taken at one moment.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Snapshot {
    /// Logical time of the snapshot, ms since the World began.
    pub now: Tick,
    /// Local images, oldest first (ties by ID).
    pub images: Vec<ImageView>,
    /// The most recent `docker build` that ran at least one step.
    pub last_build: Option<BuildView>,
    /// Containers in ID order, as `docker ps -a` knows them.
    pub containers: Vec<ContainerView>,
    /// Containers removed by the latest command: their writable layers were thrown away.
    pub removed: Vec<RemovedContainer>,
    /// Named (and anonymous) volumes by name: they outlive the containers that mount them.
    pub volumes: Vec<VolumeView>,
    /// The latest pull or push.
    pub transfer: Option<TransferView>,
    /// One entry per container, in the order of `containers`.
    pub memory: Vec<MemoryView>,
    /// The host's side of process isolation.
    pub host: HostView,
    /// The Kubernetes cluster, once `cluster create` made one.
    pub cluster: Option<ClusterView>,
}

/// One local image and its layers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ImageView {
    /// 12 hex digits, as `docker images` shows it.
    pub id: String,
    /// `name:tag` references pointing at it, sorted.
    pub tags: Vec<String>,
    /// Bottom (base) first, top last.
    pub layers: Vec<LayerView>,
    /// Bytes of all its layers.
    pub size: u64,
    /// Names of the containers created from it.
    pub used_by: Vec<String>,
}

/// One layer of an image.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LayerView {
    /// 12 hex digits of the diff_id.
    pub diff_id: String,
    pub size: u64,
    /// The instruction that made it (`docker history`'s CREATED BY), or "" if unknown.
    pub created_by: String,
    /// How many local images use this layer (1 = only this one). Stored once on disk.
    pub shared_by: usize,
}

/// The steps of one build, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BuildView {
    /// The command line as typed.
    pub command: String,
    pub steps: Vec<BuildStepView>,
    /// Short ID of the image it made; `None` if the build failed.
    pub image: Option<String>,
    pub tags: Vec<String>,
    /// docker's error message when the build failed.
    pub error: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BuildStepView {
    /// The instruction as BuildKit labels it (`[2/4] RUN echo hi`).
    pub instruction: String,
    pub cached: bool,
    /// Why the cache could not be used (`None` when cached).
    pub reason: Option<String>,
    /// Short diff_id of the layer the step gave.
    pub layer: Option<String>,
}

/// One container as the pictures show it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ContainerView {
    pub name: String,
    /// 12 hex digits.
    pub id: String,
    /// The image as the user named it.
    pub image: String,
    /// Short ID of the image (its layers are in [`Snapshot::images`]).
    pub image_id: String,
    /// "created", "running", "restarting" or "exited".
    pub state: String,
    pub exit_code: i32,
    pub oom_killed: bool,
    pub hostname: String,
    /// What runs (or would run) as PID 1.
    pub pid1: Vec<String>,
    /// Processes inside, as `ps` in the container sees them (PID 1 while it runs; exec'd
    /// processes end within their command, so they never stay).
    pub processes: Vec<ProcessView>,
    pub writable: WritableLayerView,
    pub mounts: Vec<MountView>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ProcessView {
    pub pid: u32,
    pub user: String,
    pub command: String,
}

/// A container's writable layer: what `docker diff` lists.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct WritableLayerView {
    /// The first [`MAX_CHANGES`] changes, in path order.
    pub changes: Vec<PathChange>,
    /// All changes, including those not listed.
    pub change_count: usize,
    pub bytes: u64,
}

/// Changes listed per writable layer; the rest are only counted.
pub const MAX_CHANGES: usize = 20;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PathChange {
    /// 'A' added, 'C' changed, 'D' deleted, as `docker diff` prints.
    pub kind: char,
    pub path: String,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub enum MountType {
    #[default]
    Volume,
    Bind,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MountView {
    pub kind: MountType,
    /// Volume name, or the host path of a bind mount.
    pub source: String,
    pub target: String,
    pub read_only: bool,
}

/// A container the latest command removed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct RemovedContainer {
    pub name: String,
    pub id: String,
    /// Size of the writable layer that went with it.
    pub discarded_bytes: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct VolumeView {
    pub name: String,
    pub anonymous: bool,
    /// Regular files and symlinks in it (directories not counted).
    pub files: usize,
    pub bytes: u64,
    /// Names of the containers that mount it, existing ones only.
    pub used_by: Vec<String>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub enum Direction {
    #[default]
    Pull,
    Push,
}

/// One pull or push and what went over the wire.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TransferView {
    pub direction: Direction,
    pub reference: String,
    /// Bottom layer first.
    pub layers: Vec<TransferLayer>,
    pub transferred_bytes: u64,
    pub skipped_bytes: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct TransferLayer {
    /// 12 hex digits of the diff_id.
    pub diff_id: String,
    /// 0 when the layer is no longer stored here.
    pub size: u64,
    /// Sent or fetched; `false` = skipped because the other side already had it.
    pub transferred: bool,
}

/// Memory of one container against its `--memory` limit.
///
/// The model has no running meter: each simulated program declares what it allocates (a shell
/// half a MiB, `dd bs=N` N bytes, mysqld 360 MiB, ...) and the kernel keeps the peak, which also
/// decides OOM kills. `used` is that peak for the current run of PID 1 while the container
/// runs; 0 when nothing runs (an exited container holds no memory); for a container that was
/// OOM-killed it is the limit it hit.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct MemoryView {
    pub name: String,
    pub used: u64,
    /// `--memory`, if given.
    pub limit: Option<u64>,
    pub running: bool,
    pub oom_killed: bool,
}

/// The host: one kernel, every container's processes among its own.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct HostView {
    pub hostname: String,
    /// In host PID order.
    pub processes: Vec<HostProcess>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct HostProcess {
    /// The PID the host sees.
    pub pid: u32,
    /// Who runs it (a container process's user as `ps` inside shows it).
    pub user: String,
    pub command: String,
    /// Container name, for processes inside a container.
    pub container: Option<String>,
    /// The PID the process has inside its container (1 for the main process).
    pub container_pid: Option<u32>,
}

/// The cluster: its nodes with their pods, the latest scheduling decisions, and "what if".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ClusterView {
    /// The scheduling strategy now (`least-allocated`, ...).
    pub strategy: String,
    /// What pods are coloured by: their Deployment (else ReplicaSet) names; a chip's `owner`
    /// indexes this (`u32::MAX`: a pod nobody owns).
    pub owners: Vec<String>,
    /// In the order they joined.
    pub nodes: Vec<NodeView>,
    /// Pods no node has taken (yet), in creation order.
    pub pending: Vec<PodChip>,
    /// The newest pods' scheduling decisions, newest first (at most [`MAX_DECISIONS`]).
    pub decisions: Vec<DecisionView>,
    /// Per strategy, where the live pods would be bound on a replay with the World's seed
    /// (empty above [`WHAT_IF_LIMIT`] nodes or pods).
    pub what_if: Vec<WhatIfView>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct NodeView {
    pub name: String,
    /// kubectl's STATUS (`Ready`, `NotReady,SchedulingDisabled`).
    pub status: String,
    pub ready: bool,
    /// Its kubelet stopped (`cluster node fail`).
    pub failed: bool,
    /// Cordoned.
    pub unschedulable: bool,
    /// Allocatable CPU (millicores) and what the pods bound to it request.
    pub cpu_m: u64,
    pub cpu_m_requested: u64,
    /// Allocatable memory (bytes) and what the pods bound to it request.
    pub memory: u64,
    pub memory_requested: u64,
    pub max_pods: u32,
    /// Its pods, in creation order.
    pub pods: Vec<PodChip>,
}

/// A pod as a chip: cheap to copy into every frame.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PodChip {
    pub id: u64,
    /// Index into [`ClusterView::owners`].
    pub owner: u32,
    /// `pending`, `creating`, `running`, `waiting` (ErrImagePull...), `terminating`,
    /// `succeeded` or `failed`.
    pub status: &'static str,
}

/// One pod's scheduling decision, as a table of nodes × filters.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DecisionView {
    pub pod: String,
    pub pod_id: u64,
    pub at: Tick,
    pub strategy: String,
    pub picked: Option<String>,
    pub score: Option<u32>,
    pub nodes: usize,
    pub feasible: usize,
    /// Nodes tied for the best score (the seeded RNG broke the tie).
    pub tied: usize,
    /// kube's FailedScheduling message when no node would do.
    pub failure: Option<String>,
    /// At most [`MAX_ROWS`] rows (none for clusters too big to keep tables).
    pub rows: Vec<DecisionRow>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DecisionRow {
    pub node: String,
    /// Per filter of `cluster::scheduler::filters::FILTERS`: why it rejected the node, or
    /// None when it passed.
    pub verdicts: Vec<Option<String>>,
    pub score: Option<u32>,
    pub picked: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct WhatIfView {
    pub strategy: String,
    /// (pod id, node index) in creation order; None: it would stay Pending.
    pub placements: Vec<(u64, Option<u32>)>,
}

/// The host's process table alone (what `docker top` reads), as in [`Snapshot::host`].
pub(crate) fn host_processes(world: &World) -> HostView {
    host::host(world)
}

/// Takes the snapshot. Cost is linear in images, layers, containers, volumes and the trace.
pub fn snapshot(world: &World) -> Snapshot {
    let containers = containers::containers(world);
    let memory = containers::memory(world);
    Snapshot {
        now: world.now(),
        images: images::images(world),
        last_build: build::last_build(world.events()),
        removed: containers::removed(world.events()),
        volumes: containers::volumes(world),
        transfer: transfer::last_transfer(world),
        host: host::host(world),
        cluster: cluster::cluster(world),
        containers,
        memory,
    }
}

/// Runs `line` as [`World::run_line`] does and also returns a snapshot taken right after each
/// event it recorded (`frames[i]` belongs to event `outcome.first_event + i`), so a timeline can
/// step through one command event by event: a container created but not yet started, stopped
/// but not yet removed. Taking frames changes nothing in the World or its trace.
pub fn run_line_with_frames(
    world: &mut World,
    line: &str,
    context: &BuildContext,
) -> (Outcome, Vec<Snapshot>) {
    world.frames = Some(Vec::new());
    let outcome = world.run_line(line, context);
    let frames = world.frames.take().unwrap_or_default();
    (outcome, frames)
}

/// The first 12 hex digits of a digest or ID, as docker shows them.
fn short(digest: &str) -> String {
    crate::digest::short_id(digest).to_string()
}
