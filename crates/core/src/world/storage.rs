//! A container's filesystem as its processes see it (image layers + writable layer + mounts),
//! running a process in it, and the network between containers.

use super::container::{Container, MountKind};
use super::World;
use crate::driver::{self, Effect, Observation, ProcessStart, Purpose, Sandbox, SimDriver, Target};
use crate::event::EventKind;
use crate::fs::{FsTree, LayerDiff, Node};
use crate::image::ImageStore;
use crate::program::{
    self, NetError, Network, ProcInfo, ProcessResult, ProcessSpec, Remote, ServerKind,
};
use std::collections::BTreeMap;

/// The files the runtime puts into every container (docker bind-mounts these; they never show
/// in `docker diff`).
fn runtime_files(c: &Container) -> [(String, Node); 3] {
    [
        (
            "/etc/hostname".to_string(),
            Node::file(format!("{}\n", c.hostname)),
        ),
        (
            "/etc/hosts".to_string(),
            Node::file(format!(
                "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n{}\t{}\n",
                c.ip, c.hostname
            )),
        ),
        (
            "/etc/resolv.conf".to_string(),
            Node::file("nameserver 127.0.0.11\noptions ndots:0\n"),
        ),
    ]
}

/// The lower part of a container's filesystem: its image plus runtime files and empty mount
/// points. The writable layer is the difference between this and what processes leave.
fn lower_fs(images: &ImageStore, c: &Container) -> FsTree {
    let mut fs = images
        .image(&c.image_id)
        .map(|img| img.rootfs.clone())
        .unwrap_or_default();
    for (path, node) in runtime_files(c) {
        fs.put(&path, node);
    }
    for m in &c.mounts {
        fs.remove_subtree(&m.target);
        fs.put(&m.target, Node::dir());
    }
    fs
}

/// Where the files of one mount live.
fn mount_source<'a>(
    volumes: &'a BTreeMap<String, super::Volume>,
    host: &'a FsTree,
    kind: MountKind,
    source: &str,
) -> Option<(&'a FsTree, String)> {
    match kind {
        MountKind::Volume => volumes.get(source).map(|v| (&v.files, "/".to_string())),
        MountKind::Bind => Some((host, source.to_string())),
    }
}

/// Copies the subtree at `from_dir` of `from` to `to_dir` in `to`.
fn graft(from: &FsTree, from_dir: &str, to: &mut FsTree, to_dir: &str) {
    for (path, node) in from.descendants(from_dir) {
        let relative = &path[if from_dir == "/" { 0 } else { from_dir.len() }..];
        to.put(&format!("{to_dir}{relative}"), node.clone());
    }
}

impl World {
    /// The merged filesystem of a container now.
    pub(crate) fn container_fs(&self, c: &Container) -> FsTree {
        let mut fs = lower_fs(&self.images, c);
        c.upper.apply_to(&mut fs);
        for m in &c.mounts {
            fs.remove_subtree(&m.target);
            fs.put(&m.target, Node::dir());
            if let Some((tree, dir)) = mount_source(&self.volumes, &self.host, m.kind, &m.source) {
                graft(tree, &dir, &mut fs, &m.target);
            }
        }
        fs
    }

    /// Takes a filesystem a process left behind apart again: mount contents go back to their
    /// volumes or host directories, the rest becomes the container's writable layer.
    pub(crate) fn absorb_fs(&mut self, id: &str, mut fs: FsTree) {
        let Some(c) = self.containers.get(id) else {
            return;
        };
        let mounts = c.mounts.clone();
        // Deeper mounts first, so a mount inside another mount keeps its own files.
        let mut ordered = mounts.clone();
        crate::order::sort_by_key(&mut ordered, |m| std::cmp::Reverse(m.target.len()));
        for m in &ordered {
            if m.read_only {
                fs.remove_subtree(&m.target);
                fs.put(&m.target, Node::dir());
                continue;
            }
            let mut content = FsTree::new();
            graft(&fs, &m.target, &mut content, "");
            fs.remove_subtree(&m.target);
            fs.put(&m.target, Node::dir());
            match m.kind {
                MountKind::Volume => {
                    if let Some(v) = self.volumes.get_mut(&m.source) {
                        v.files = content;
                    }
                }
                MountKind::Bind => {
                    let keep: Vec<String> = self
                        .host
                        .descendants(&m.source)
                        .map(|(p, _)| p.clone())
                        .collect();
                    for p in keep {
                        self.host.remove_subtree(&p);
                    }
                    self.host.put(&m.source, Node::dir());
                    graft(&content, "/", &mut self.host, &m.source);
                }
            }
        }
        let lower = match self.containers.get(id) {
            Some(c) => lower_fs(&self.images, c),
            None => return,
        };
        let upper = LayerDiff::between(&lower, &fs);
        if let Some(c) = self.containers.get_mut(id) {
            c.upper = upper;
        }
    }

    /// Fills empty named volumes from the image's files at their mount paths, as docker does
    /// the first time a volume is mounted.
    pub(crate) fn copy_up_volumes(&mut self, id: &str) {
        let Some(c) = self.containers.get(id) else {
            return;
        };
        let Some(image) = self.images.image(&c.image_id) else {
            return;
        };
        let mut filled = Vec::new();
        for m in &c.mounts {
            if m.kind != MountKind::Volume {
                continue;
            }
            let Some(volume) = self.volumes.get(&m.source) else {
                continue;
            };
            let has_content = image.rootfs.descendants(&m.target).next().is_some();
            if volume.files.is_empty() && has_content {
                let mut content = FsTree::new();
                graft(&image.rootfs, &m.target, &mut content, "");
                filled.push((m.source.clone(), m.target.clone(), content));
            }
        }
        for (name, path, content) in filled {
            self.issue(Effect::CopyUp {
                container: id.to_string(),
                volume: name.clone(),
                path: path.clone(),
            });
            if let Some(v) = self.volumes.get_mut(&name) {
                v.files = content;
            }
            self.emit(EventKind::VolumeCopiedUp { name, path });
        }
    }

    /// Has the driver run a process in a container and keeps the file changes it made. `pid`
    /// is the PID it gets; for PID 1 (`Purpose::Main`) no server runs in it yet.
    pub(crate) fn run_in_container(
        &mut self,
        id: &str,
        spec: &ProcessSpec,
        purpose: Purpose,
        pid: u32,
        budget_ms: u64,
    ) -> ProcessResult {
        let Some(c) = self.containers.get(id) else {
            return ProcessResult {
                exit: program::Exit::Code(126),
                output: Vec::new(),
                elapsed_ms: 0,
                peak_memory: 0,
                listening: Vec::new(),
            };
        };
        let mut fs = self.container_fs(c);
        let start = ProcessStart {
            target: Target::Container(id.to_string()),
            purpose,
            pid,
            argv: spec.argv.clone(),
            env: spec.env.clone(),
            cwd: spec.cwd.clone(),
            user: spec.user.clone(),
            stdin: spec.stdin.clone(),
            hostname: c.hostname.clone(),
            memory: c.memory,
            nano_cpus: c.nano_cpus,
            budget_ms,
        };
        let local_env = c.env.clone();
        let mut processes = Vec::new();
        let local_servers: Vec<(u16, ServerKind)> = match (&c.main, c.is_running()) {
            (Some(main), true) => {
                processes.push(ProcInfo {
                    pid: 1,
                    user: "root".into(),
                    command: c.argv.join(" "),
                });
                main.listening().to_vec()
            }
            _ => Vec::new(),
        };
        processes.push(ProcInfo {
            pid,
            user: if spec.user.is_empty() {
                "root".into()
            } else {
                spec.user.clone()
            },
            command: spec.argv.join(" "),
        });
        let now_unix = crate::output::EPOCH_UNIX + self.now / 1000;
        self.effects.push(Effect::StartProcess(start.clone()));
        // The network reads the World while the driver runs: lend the driver out meanwhile
        // (a boxed unit struct in its place allocates nothing).
        let mut driver = std::mem::replace(&mut self.driver, Box::new(SimDriver));
        let mut net = WorldNetwork {
            world: self,
            caller: id.to_string(),
            opened: BTreeMap::new(),
        };
        let observations = {
            let mut sandbox = Sandbox {
                fs: &mut fs,
                now_unix,
                processes: &processes,
                local_servers: &local_servers,
                local_env: &local_env,
                network: &mut net,
            };
            driver.run_process(&start, &mut sandbox)
        };
        let opened = std::mem::take(&mut net.opened);
        self.driver = driver;
        for (other, (other_fs, _)) in opened {
            self.absorb_fs(&other, other_fs);
        }
        for observation in &observations {
            if let Observation::FilesChanged {
                target: Target::Container(target),
                changes,
            } = observation
            {
                if target == id {
                    changes.apply_to(&mut fs);
                }
            }
        }
        self.absorb_fs(id, fs);
        self.apply_observed_files(&observations, Some(id));
        driver::process_result(&observations)
    }
}

/// The network as one container's process sees it: other running containers, by name,
/// hostname, ID prefix or IP, with the servers their main processes run.
struct WorldNetwork<'w> {
    world: &'w World,
    caller: String,
    /// Filesystems of containers a client wrote to, kept until the process ends; then their
    /// changes are absorbed into those containers.
    opened: BTreeMap<String, (FsTree, Vec<(String, String)>)>,
}

impl Network for WorldNetwork<'_> {
    fn connect(&mut self, host: &str, port: u16) -> Result<Remote<'_>, NetError> {
        let world = self.world;
        let target = world
            .containers
            .values()
            .find(|c| {
                c.id != self.caller
                    && (c.name == host
                        || c.hostname == host
                        || c.ip == host
                        || (host.len() >= 12 && c.id.starts_with(host)))
            })
            .ok_or(NetError::UnknownHost)?;
        let kind = match (&target.main, target.is_running()) {
            (Some(main), true) => main
                .listening()
                .iter()
                .find(|(p, _)| *p == port)
                .map(|(_, k)| k.clone())
                .ok_or(NetError::Refused)?,
            _ => return Err(NetError::Refused),
        };
        let id = target.id.clone();
        if !self.opened.contains_key(&id) {
            let fs = world.container_fs(target);
            self.opened.insert(id.clone(), (fs, target.env.clone()));
        }
        let (fs, env) = self.opened.get_mut(&id).ok_or(NetError::Refused)?;
        Ok(Remote { kind, env, fs })
    }

    /// A running container's address by name, hostname or IP (the caller's own included).
    fn address(&mut self, host: &str) -> Option<String> {
        self.world
            .containers
            .values()
            .filter(|c| c.id == self.caller || c.is_running())
            .find(|c| c.name == host || c.hostname == host || c.ip == host)
            .map(|c| c.ip.clone())
            .filter(|ip| !ip.is_empty())
    }
}
