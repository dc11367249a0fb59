//! One simulated host's own state: the layers it was sent, its containers' and sandboxes' files,
//! its volumes and host files, and the processes running on it.

use crate::driver::{NetworkIdentity, ProcessHandle, SandboxId, Target};
use crate::fs::overlay::{container_lower, overlay_mounts, replace_dir, split_mounts};
use crate::fs::{FsTree, LayerDiff};
use crate::image::DiffId;
use crate::program::ServerKind;
use crate::{ContainerId, Mount, MountKind, VolumeName};
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// How many merged layer stacks a host keeps.
const ROOTFS_CACHE_SIZE: usize = 16;

pub(super) struct SimContainer {
    /// Image layers + runtime files + empty mount points.
    pub lower: FsTree,
    /// The writable layer.
    pub upper: LayerDiff,
    pub mounts: Vec<Mount>,
    pub network: NetworkIdentity,
    pub main: Option<ProcessHandle>,
    /// `--read-only`: programs write only inside /dev, /proc, /sys and writable mounts.
    pub read_only: bool,
}

pub(super) struct SimSandbox {
    pub lower: FsTree,
    pub fs: FsTree,
}

/// A process that has started and not yet ended.
pub(super) struct SimProcess {
    pub target: Target,
    pub pid: u32,
    pub user: String,
    pub command: String,
    pub env: Vec<(String, String)>,
    /// Ports it listens on (servers): they handle SIGTERM and others can connect.
    pub listening: Vec<(u16, ServerKind)>,
}

#[derive(Default)]
pub(super) struct SimHost {
    pub layers: BTreeMap<DiffId, LayerDiff>,
    /// Merged files of stacks of layers, so containers of one image and the steps of one
    /// build share the work; at most [`ROOTFS_CACHE_SIZE`], oldest out first.
    rootfs_cache: BTreeMap<Vec<DiffId>, FsTree>,
    rootfs_order: VecDeque<Vec<DiffId>>,
    pub containers: BTreeMap<ContainerId, SimContainer>,
    pub sandboxes: BTreeMap<SandboxId, SimSandbox>,
    pub volumes: BTreeMap<VolumeName, FsTree>,
    pub files: FsTree,
    pub processes: BTreeMap<ProcessHandle, SimProcess>,
    /// The processes of each target, so a start looks at its container's few, not at every
    /// process on the host (see [`SimHost::add_process`]).
    by_target: BTreeMap<Target, BTreeSet<ProcessHandle>>,
}

/// What changed when a process's files were taken apart again.
#[derive(Default)]
pub(super) struct Changed {
    pub upper: bool,
    pub volumes: Vec<VolumeName>,
    pub host: bool,
}

impl SimHost {
    /// The merged files of `layers`, or the first diff_id this host was never sent. Starts
    /// from the longest stack already merged (the image below a build step, the step before),
    /// and keeps the result for the next container or step on top of it.
    pub fn rootfs(&mut self, layers: &[DiffId]) -> Result<FsTree, String> {
        let cached = (0..=layers.len())
            .rev()
            .find(|n| self.rootfs_cache.contains_key(&layers[..*n]));
        let (mut tree, from) = match cached {
            Some(n) => (self.rootfs_cache[&layers[..n]].clone(), n),
            None => (FsTree::new(), 0),
        };
        if from == layers.len() {
            return Ok(tree);
        }
        for diff_id in &layers[from..] {
            let layer = self
                .layers
                .get(diff_id)
                .ok_or_else(|| format!("layer {diff_id} was never stored on this host"))?;
            layer.apply_to(&mut tree);
        }
        // Every container of the image shares these files; each copies what it changes.
        tree.freeze();
        if self.rootfs_order.len() >= ROOTFS_CACHE_SIZE {
            if let Some(oldest) = self.rootfs_order.pop_front() {
                self.rootfs_cache.remove(&oldest);
            }
        }
        self.rootfs_order.push_back(layers.to_vec());
        self.rootfs_cache.insert(layers.to_vec(), tree.clone());
        Ok(tree)
    }

    pub fn create_container(
        &mut self,
        id: &ContainerId,
        layers: &[DiffId],
        network: NetworkIdentity,
        mount_points: &[String],
        read_only: bool,
    ) -> Result<(), String> {
        let image = self.rootfs(layers)?;
        let lower = container_lower(
            image,
            &network.hostname,
            &network.ip,
            network.resolv_conf.as_deref(),
            mount_points,
        );
        self.containers.insert(
            id.clone(),
            SimContainer {
                lower,
                upper: LayerDiff::new(),
                mounts: Vec::new(),
                network,
                main: None,
                read_only,
            },
        );
        Ok(())
    }

    /// A container's files as its processes see them: lower + writable layer + mounts.
    pub fn merged(&self, id: &str) -> Option<FsTree> {
        let c = self.containers.get(id)?;
        let mut fs = c.lower.clone();
        c.upper.apply_to(&mut fs);
        overlay_mounts(&mut fs, &c.mounts, |kind, source| match kind {
            MountKind::Volume => self.volumes.get(source).map(|v| (v, "/".to_string())),
            MountKind::Bind => Some((&self.files, source.to_string())),
        });
        if c.read_only {
            let mut writable: Vec<String> = ["/dev", "/proc", "/sys"].map(String::from).into();
            writable.extend(
                c.mounts
                    .iter()
                    .filter(|m| !m.read_only)
                    .map(|m| m.target.clone()),
            );
            fs.set_read_only(writable);
        }
        Some(fs)
    }

    /// Takes a container's files apart after a process ran: mount contents go back to their
    /// volumes and host directories, the rest becomes its writable layer.
    pub fn absorb(&mut self, id: &str, mut fs: FsTree) -> Changed {
        let mut changed = Changed::default();
        let Some(c) = self.containers.get(id) else {
            return changed;
        };
        let mounts = c.mounts.clone();
        for (m, content) in split_mounts(&mut fs, &mounts) {
            match m.kind {
                MountKind::Volume => {
                    // The volume was created before it was mounted (`Effect::CreateVolume`).
                    if let Some((name, files)) = self.volumes.get_key_value(m.source.as_str()) {
                        if *files != content {
                            let name = name.clone();
                            self.volumes.insert(name.clone(), content);
                            changed.volumes.push(name);
                        }
                    }
                }
                MountKind::Bind => {
                    let mut host = self.files.clone();
                    replace_dir(&mut host, &m.source, &content);
                    if host != self.files {
                        self.files = host;
                        changed.host = true;
                    }
                }
            }
        }
        if let Some(c) = self.containers.get_mut(id) {
            let upper = LayerDiff::between(&c.lower, &fs);
            if upper != c.upper {
                c.upper = upper;
                changed.upper = true;
            }
        }
        changed
    }

    pub fn add_process(&mut self, handle: ProcessHandle, process: SimProcess) {
        self.by_target
            .entry(process.target.clone())
            .or_default()
            .insert(handle);
        self.processes.insert(handle, process);
    }

    pub fn remove_process(&mut self, handle: ProcessHandle) -> Option<SimProcess> {
        let process = self.processes.remove(&handle)?;
        if let Some(handles) = self.by_target.get_mut(&process.target) {
            handles.remove(&handle);
            if handles.is_empty() {
                self.by_target.remove(&process.target);
            }
        }
        Some(process)
    }

    /// The handles of a target's processes, in handle order.
    pub fn handles_of(&self, target: &Target) -> Vec<ProcessHandle> {
        self.by_target
            .get(target)
            .map(|handles| handles.iter().copied().collect())
            .unwrap_or_default()
    }

    /// The processes of a target, PID order, for `ps` inside it.
    pub fn processes_of(&self, target: &Target) -> Vec<&SimProcess> {
        let mut out: Vec<&SimProcess> = self
            .handles_of(target)
            .iter()
            .filter_map(|h| self.processes.get(h))
            .collect();
        crate::order::sort_by_key(&mut out, |p| p.pid);
        out
    }

    /// The main process of a running container, if it has started.
    pub fn main_of(&self, id: &str) -> Option<&SimProcess> {
        let handle = self.containers.get(id)?.main?;
        self.processes.get(&handle)
    }
}
