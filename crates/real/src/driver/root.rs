//! A container's and a build sandbox's directories on disk (upper, work, a runtime layer,
//! the rootfs mount point and `config.json`), and volumes as directories.

use super::LinuxDriver;
use serde::{Deserialize, Serialize};
use sim_core::driver::{NetworkIdentity, SandboxId, Target};
use sim_core::MountKind;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

pub(super) fn default_host() -> String {
    sim_core::DEFAULT_HOST.to_string()
}

/// A container as kept on disk (`config.json`), so later invocations can run it again.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub(super) struct ContainerConfig {
    #[serde(default = "default_host")]
    pub(super) host: String,
    pub(super) layers: Vec<String>,
    pub(super) hostname: String,
    pub(super) ip: String,
    pub(super) mount_points: Vec<String>,
    /// (kind is volume, source, path, read-only)
    pub(super) mounts: Vec<(bool, String, String, bool)>,
    /// `--read-only`: the root is remounted read-only in the container's mount namespace.
    #[serde(default)]
    pub(super) read_only: bool,
    /// The container's name, for docker's words about its ports.
    #[serde(default)]
    pub(super) name: String,
    /// `-p`: host ports relayed to the container while it runs.
    #[serde(default)]
    pub(super) published: Vec<sim_core::PortBinding>,
}

impl LinuxDriver {
    /// Makes the directories of a root filesystem: layers below, a runtime layer on top.
    pub(super) fn make_root(
        &mut self,
        dir: &Path,
        layers: &[String],
        runtime: &[(String, Vec<u8>)],
        dirs: &[String],
    ) -> io::Result<()> {
        for sub in ["upper", "work", "runtime", "rootfs"] {
            fs::create_dir_all(dir.join(sub))?;
        }
        let runtime_dir = dir.join("runtime");
        for inner in dirs {
            fs::create_dir_all(runtime_dir.join(inner.trim_start_matches('/')))?;
        }
        for (path, data) in runtime {
            let host = runtime_dir.join(path.trim_start_matches('/'));
            if let Some(parent) = host.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::write(host, data)?;
        }
        for diff_id in layers {
            if let Some(refusal) = self.store.refusal(diff_id) {
                self.notes.push(refusal.clone());
                return Err(io::Error::other(refusal));
            }
            if !self.store.has(diff_id) {
                return Err(io::Error::other(format!(
                    "layer {diff_id} was never stored on this host"
                )));
            }
        }
        Ok(())
    }

    /// Where a root filesystem goes (`dir/rootfs`), the overlayfs mount options that make it
    /// (the child mounts it inside its own mount namespace: the host never sees it, and it
    /// goes when the container's last process does), and its directories top first.
    pub(super) fn root_of(&self, dir: &Path, layers: &[String]) -> (PathBuf, String, Vec<PathBuf>) {
        let mut stack = vec![dir.join("upper"), dir.join("runtime")];
        for diff_id in layers.iter().rev() {
            stack.push(self.store.layer_dir(diff_id));
        }
        let lower: Vec<String> = stack[1..]
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        let data = format!(
            "lowerdir={},upperdir={},workdir={}",
            lower.join(":"),
            dir.join("upper").display(),
            dir.join("work").display()
        );
        (dir.join("rootfs"), data, stack)
    }

    pub(super) fn load_config(&self, id: &str) -> Option<ContainerConfig> {
        let text = fs::read_to_string(self.container_dir(id).join("config.json")).ok()?;
        serde_json::from_str(&text).ok()
    }

    pub(super) fn save_config(&self, id: &str, config: &ContainerConfig) -> io::Result<()> {
        let text = serde_json::to_string(config).map_err(io::Error::other)?;
        fs::write(self.container_dir(id).join("config.json"), text)
    }

    pub(super) fn create_container(
        &mut self,
        host: &str,
        id: &str,
        layers: Vec<String>,
        network: NetworkIdentity,
        mount_points: Vec<String>,
        read_only: bool,
    ) -> io::Result<()> {
        let dir = self.container_dir(id);
        let runtime: Vec<(String, Vec<u8>)> =
            sim_core::fs::overlay::runtime_files(&network.hostname, &network.ip)
                .into_iter()
                .map(|(path, node)| {
                    let data = match node {
                        sim_core::fs::Node::File { data, .. } => data,
                        _ => Vec::new(),
                    };
                    (path, data)
                })
                .collect();
        let mut dirs = vec!["/proc".to_string(), "/dev".into(), "/sys".into()];
        dirs.extend(mount_points.iter().cloned());
        self.make_root(&dir, &layers, &runtime, &dirs)?;
        let config = ContainerConfig {
            host: host.to_string(),
            layers,
            hostname: network.hostname,
            ip: network.ip,
            mount_points,
            mounts: Vec::new(),
            read_only,
            name: network.name,
            published: network.published,
        };
        self.save_config(id, &config)
    }

    pub(super) fn remove_container(&mut self, id: &str) {
        self.drop_group(id);
        // Its network went with its processes (see net.rs).
        self.wait_gone(&Target::Container(id.into()));
        let dir = self.container_dir(id);
        self.discard_dir(&dir);
    }

    pub(super) fn prepare_sandbox(
        &mut self,
        sandbox: SandboxId,
        layers: &[String],
    ) -> io::Result<()> {
        let dir = self.sandbox_dir(sandbox);
        let _ = fs::remove_dir_all(&dir);
        let dirs = ["/proc".to_string(), "/dev".into(), "/sys".into()];
        self.make_root(&dir, layers, &[], &dirs)?;
        fs::write(dir.join("layers"), layers.join("\n"))
    }

    pub(super) fn discard_sandbox(&mut self, sandbox: SandboxId) {
        let name = format!("sandbox-{}", sandbox.0);
        self.drop_group(&name);
        self.wait_gone(&Target::Sandbox(sandbox));
        let dir = self.sandbox_dir(sandbox);
        self.discard_dir(&dir);
    }

    pub(super) fn mount(
        &mut self,
        host: &str,
        id: &str,
        kind: MountKind,
        source: String,
        path: String,
        read_only: bool,
    ) -> io::Result<()> {
        let mut config = self
            .load_config(id)
            .ok_or_else(|| io::Error::other(format!("no such container: {id}")))?;
        let is_volume = kind == MountKind::Volume;
        if is_volume {
            fs::create_dir_all(self.volume_dir(host, &source))?;
        } else {
            fs::create_dir_all(&source)?;
        }
        config.mounts.retain(|m| m.2 != path);
        config.mounts.push((is_volume, source, path, read_only));
        self.save_config(id, &config)
    }

    pub(super) fn copy_up(
        &mut self,
        host: &str,
        volume: &str,
        files: &sim_core::FsTree,
    ) -> io::Result<()> {
        let dir = self.volume_dir(host, volume);
        fs::create_dir_all(&dir)?;
        for (path, node) in files.iter() {
            let host = dir.join(path.trim_start_matches('/'));
            match node {
                sim_core::fs::Node::Dir { .. } => fs::create_dir_all(&host)?,
                sim_core::fs::Node::File { data, .. } => {
                    if let Some(parent) = host.parent() {
                        fs::create_dir_all(parent)?;
                    }
                    fs::write(&host, data)?;
                }
                sim_core::fs::Node::Symlink { target } => {
                    let _ = std::os::unix::fs::symlink(target, &host);
                }
            }
        }
        Ok(())
    }
}

/// A file as overlayfs shows it from a stack of directories (top first): the first that has
/// it, unless that one holds a whiteout. Empty when none has it.
pub(super) fn file_in_stack(stack: &[PathBuf], path: &str) -> String {
    use std::os::unix::fs::FileTypeExt;
    for dir in stack {
        let candidate = dir.join(path);
        match fs::symlink_metadata(&candidate) {
            Ok(meta) if meta.file_type().is_char_device() => return String::new(),
            Ok(_) => return fs::read_to_string(candidate).unwrap_or_default(),
            Err(_) => {}
        }
    }
    String::new()
}
