//! `docker create` (and the create half of `docker run`): from validated options and an
//! image to a created container, its volumes, ports and network identity.

use super::container::{Container, Mount, MountKind, PortBinding, Status};
use super::{ContainerId, Failure, Handled, Reply, VolumeName, World};
use crate::command::run_options::RunOptions;
use crate::command::Invocation;
use crate::driver::{Effect, NetworkIdentity};
use crate::event::EventKind;
use crate::fs::LayerDiff;
use crate::image::ImageError;

impl World {
    pub(crate) fn cmd_create(&mut self, inv: &Invocation) -> Handled {
        let (id, _, mut reply) = self.create_for(inv, false)?;
        reply.stdout = format!("{id}\n");
        Ok(reply)
    }

    /// `docker run`/`create` up to a created container: its ID, whether to detach, and what
    /// was printed on the way (pull progress).
    pub(super) fn create_for(
        &mut self,
        inv: &Invocation,
        start: bool,
    ) -> Result<(ContainerId, bool, Reply), Failure> {
        let verb = if start { "run" } else { "create" };
        let cli_error = |message: String| {
            Failure::new(
                format!("docker: {message}\n\nRun 'docker {verb} --help' for more information"),
                125,
            )
        };
        // Validate everything before anything changes.
        let options =
            RunOptions::parse(inv, &self.engine.host).map_err(|e| cli_error(e.to_string()))?;
        if let Some(name) = &options.name {
            if let Some(existing) = self.container_named(name) {
                return Err(cli_error(format!(
                    "Error response from daemon: Conflict. The container name \"/{name}\" is already in use by container \"{}\". You have to remove (or rename) that container to be able to reuse that name.",
                    existing.id
                )));
            }
        }
        let image_text = inv.args.first().cloned().unwrap_or_default();
        let mut reply = Reply::default();
        let image_id = match self.engine.images.lookup(&image_text) {
            Ok(image) => image.id.clone(),
            Err(_) => {
                let reference =
                    crate::image::Reference::parse(&image_text).map_err(|e| cli_error(e.into()))?;
                if self.registry.manifest(&reference).is_none() {
                    return Err(Failure::new(format!(
                        "Unable to find image '{reference}' locally\ndocker: Error response from daemon: pull access denied for {}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied\n\nRun 'docker {verb} --help' for more information",
                        reference.repository
                    ), 125));
                }
                reply
                    .stderr
                    .push_str(&format!("Unable to find image '{reference}' locally\n"));
                let pulled = self.pull(&reference)?;
                reply.stderr.push_str(&pulled.stdout);
                self.engine
                    .images
                    .lookup(&image_text)
                    .map(|i| i.id.clone())
                    .map_err(|_| Failure::daemon("image vanished during pull"))?
            }
        };
        let id = self.create_container(&options, &image_text, &image_id, &inv.args[1..], None)?;
        Ok((id, options.detach, reply))
    }

    /// Creates the container; `ip` replaces the next bridge address (a pod's address from
    /// its node's range).
    pub(super) fn create_container(
        &mut self,
        options: &RunOptions,
        image_text: &str,
        image_id: &str,
        command: &[String],
        ip: Option<String>,
    ) -> Result<ContainerId, ImageError> {
        // Docker refuses to create from an image it does not have (the callers looked it up
        // just before; this keeps an empty filesystem from standing in for it).
        let image = self
            .engine
            .images
            .image(image_id)
            .ok_or_else(|| ImageError::NoSuchImage(image_id.to_string()))?;
        let config = image.config.config.clone();
        let layers = image.config.diff_ids.clone();
        let id = ContainerId(self.random_hex_id());
        let name = match &options.name {
            Some(n) => n.clone(),
            None => self.generate_name(),
        };
        let entrypoint = match &options.entrypoint {
            Some(e) if e.is_empty() => Vec::new(),
            Some(e) => vec![e.clone()],
            None => config.entrypoint.clone().unwrap_or_default(),
        };
        // A command on the line replaces CMD; a new entrypoint also drops the image's CMD.
        let cmd = if !command.is_empty() {
            command.to_vec()
        } else if options.entrypoint.is_some() {
            Vec::new()
        } else {
            config.cmd.clone().unwrap_or_default()
        };
        let argv: Vec<String> = entrypoint.into_iter().chain(cmd).collect();
        let hostname = options
            .hostname
            .clone()
            .unwrap_or_else(|| id[..12].to_string());
        let user = options.user.clone().unwrap_or(config.user.clone());
        let env = container_env(
            &config.env_pairs(),
            &options.env,
            &hostname,
            &self.engine.images.image(image_id).map(|i| &i.rootfs),
            &user,
        );
        let mut mounts = options.mounts.clone();
        for path in &config.volumes {
            if !mounts.iter().any(|m| m.target == *path) {
                mounts.push(Mount {
                    kind: MountKind::Volume,
                    source: String::new(),
                    target: path.clone(),
                    read_only: false,
                    anonymous: true,
                });
            }
        }
        for m in &mut mounts {
            if m.kind == MountKind::Volume && (m.source.is_empty() || m.anonymous) {
                m.source = self.random_hex_id();
                m.anonymous = true;
            }
            if m.kind == MountKind::Volume && !self.engine.volumes.contains_key(m.source.as_str()) {
                self.create_volume(VolumeName::checked(&m.source), Vec::new(), m.anonymous);
            }
            if m.kind == MountKind::Bind {
                let _ = self.engine.host.mkdir(&m.source, true);
            }
        }
        // Only a container that publishes ports needs to know which are taken (a scan of
        // every container on the host).
        let publishes = !options.publish.is_empty() || options.publish_all;
        let used = if publishes {
            self.used_host_ports()
        } else {
            Vec::new()
        };
        let ports = options.resolve_ports(&config.exposed_ports, used);
        let ip = ip.unwrap_or_else(|| {
            let ip = format!(
                "172.17.{}.{}",
                self.engine.next_ip / 256,
                self.engine.next_ip % 256
            );
            self.engine.next_ip += 1;
            ip
        });
        let container = Container {
            id: id.clone(),
            name: name.clone(),
            image_ref: image_text.to_string(),
            image_id: image_id.to_string(),
            created: self.now,
            argv,
            env,
            hostname,
            workdir: options.workdir.clone().unwrap_or_else(|| {
                if config.working_dir.is_empty() {
                    "/".into()
                } else {
                    config.working_dir.clone()
                }
            }),
            user,
            ports,
            mounts,
            restart: options.restart.clone(),
            auto_remove: options.auto_remove,
            memory: options.memory,
            nano_cpus: options.nano_cpus,
            read_only: options.read_only,
            pids_limit: options.pids_limit,
            labels: options.labels.clone(),
            ip,
            upper: LayerDiff::new(),
            status: Status::Created,
            pid: 0,
            exit_code: 0,
            oom_killed: false,
            error: String::new(),
            started_at: None,
            finished_at: None,
            restart_count: 0,
            stopped_by_user: false,
            main: None,
            listening: Vec::new(),
            peak_memory: 0,
            past_logs: Vec::new(),
            next_pid: 2,
            restart_at: None,
        };
        self.engine.containers.insert(id.clone(), container);
        self.engine.names.insert(name.clone(), id.clone());
        self.store_layers(&layers);
        let (hostname, ip, mount_points, published, resolv_conf) =
            match self.engine.containers.get(&id) {
                Some(c) => (
                    c.hostname.clone(),
                    c.ip.clone(),
                    c.mounts.iter().map(|m| m.target.clone()).collect(),
                    c.ports.clone(),
                    c.resolv_conf(),
                ),
                None => Default::default(),
            };
        let read_only = options.read_only;
        self.issue(Effect::CreateContainer {
            container: id.clone(),
            layers,
            network: NetworkIdentity {
                name: name.clone(),
                hostname,
                ip,
                published,
                resolv_conf,
            },
            mount_points,
            read_only,
        });
        self.emit(EventKind::ContainerCreated {
            id: id.clone(),
            name,
            image: image_text.to_string(),
        });
        self.copy_up_volumes(&id);
        Ok(id)
    }

    fn used_host_ports(&self) -> Vec<u16> {
        self.engine
            .containers
            .values()
            .filter(|c| c.is_running())
            .flat_map(|c| c.ports.iter().map(|p| p.host_port))
            .collect()
    }
}

impl RunOptions {
    /// Host ports for `-p` and `-P`; a missing host port gets the next free one from 32768,
    /// as docker's ephemeral range does.
    fn resolve_ports(
        &self,
        exposed: &std::collections::BTreeSet<String>,
        mut used: Vec<u16>,
    ) -> Vec<PortBinding> {
        let mut requests = self.publish.clone();
        if self.publish_all {
            for port in exposed {
                let (num, proto) = port.split_once('/').unwrap_or((port, "tcp"));
                if let Ok(n) = num.parse() {
                    requests.push((None, None, n, proto.to_string()));
                }
            }
        }
        let mut out = Vec::new();
        for (ip, host_port, container_port, proto) in requests {
            let host_port = host_port.unwrap_or_else(|| {
                let mut p = 32768u16;
                while used.contains(&p) && p < u16::MAX {
                    p += 1;
                }
                p
            });
            used.push(host_port);
            out.push(PortBinding {
                host_ip: ip.unwrap_or_else(|| "0.0.0.0".into()),
                host_port,
                container_port,
                proto,
            });
        }
        out
    }
}

/// A container's environment as docker and runc make it: `PATH` and `HOSTNAME` first, the
/// image's variables replacing or following them, then `-e`; `HOME` last, from the user's
/// passwd entry in the image (`/root` for root), unless something set it.
fn container_env(
    image_env: &[(String, String)],
    options_env: &[(String, Option<String>)],
    hostname: &str,
    rootfs: &Option<&crate::fs::FsTree>,
    user: &str,
) -> Vec<(String, String)> {
    let mut env = vec![
        ("PATH".to_string(), crate::program::DEFAULT_PATH.to_string()),
        ("HOSTNAME".to_string(), hostname.to_string()),
    ];
    for (k, v) in image_env {
        crate::image::set_env(&mut env, k, v);
    }
    for (k, v) in options_env {
        match v {
            Some(v) => crate::image::set_env(&mut env, k, v),
            // docker's ReplaceOrAppendEnvValues: a name without `=` unsets it.
            None => env.retain(|(key, _)| key != k),
        }
    }
    if !env.iter().any(|(k, _)| k == "HOME") {
        let home = rootfs
            .and_then(|fs| fs.read_file("/etc/passwd").ok())
            .and_then(|passwd| home_of(&String::from_utf8_lossy(passwd), user))
            .unwrap_or_else(|| {
                if user.is_empty() || user == "root" || user == "0" {
                    "/root".into()
                } else {
                    "/".into()
                }
            });
        env.push(("HOME".to_string(), home));
    }
    env
}

/// The home directory of `user` (a name or a uid, "" for root) in a passwd file.
fn home_of(passwd: &str, user: &str) -> Option<String> {
    let user = user.split(':').next().unwrap_or(user);
    let user = if user.is_empty() { "root" } else { user };
    passwd.lines().find_map(|line| {
        let fields: Vec<&str> = line.split(':').collect();
        let matches = fields.first() == Some(&user) || fields.get(2) == Some(&user);
        (matches && fields.len() >= 6).then(|| fields[5].to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::{parse_line, Command};

    #[test]
    fn an_image_the_host_lacks_is_refused_not_made_an_empty_filesystem() {
        let mut w = World::new(1);
        let Ok(Command::Docker(inv)) = parse_line("docker create --name c busybox") else {
            panic!("docker create parses");
        };
        let options = RunOptions::parse(&inv, &w.engine.host).expect("valid options");
        let missing = "sha256:".to_string() + &"0".repeat(64);
        let refused = w.create_container(&options, "busybox", &missing, &[], None);
        assert_eq!(refused, Err(ImageError::NoSuchImage(missing)));
        assert!(w.engine.containers.is_empty() && w.engine.names.is_empty());
    }
}
