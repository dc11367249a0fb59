//! One server's docker engine: its containers and their names, volumes, image store, build
//! cache, host files, IP addresses and the layers its host has been sent. The World holds
//! one per host; the clock, the RNG, the trace, the registry and the timers are the World's.

use super::container::{Container, Volume};
use super::ids::ContainerId;
use super::volumes::VolumeName;
use crate::build::BuildCache;
use crate::fs::FsTree;
use crate::image::{DiffId, ImageStore};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Default)]
pub(crate) struct Engine {
    pub images: ImageStore,
    pub build_cache: BuildCache,
    pub containers: BTreeMap<ContainerId, Container>,
    /// Container name to ID, for lookups by name.
    pub names: BTreeMap<String, ContainerId>,
    pub volumes: BTreeMap<VolumeName, Volume>,
    /// The host's own files: where bind mounts (`-v /srv/data:/data`) keep their data.
    pub host: FsTree,
    /// The next address on the host's bridge network (172.17.0.0/16, as on every docker host).
    pub next_ip: u32,
    /// Layers already sent to the host (by diff_id).
    pub stored_layers: BTreeSet<DiffId>,
}

impl Engine {
    pub fn new() -> Engine {
        Engine {
            next_ip: 2,
            ..Engine::default()
        }
    }
}

impl Engine {
    /// Writes what can be observed of this engine (images, tags, containers, volumes, host
    /// files) as text, for [`super::World::state_digest`].
    pub fn describe(&self, text: &mut String) {
        for image in self.images.images() {
            text.push_str(&format!("image {}\n", image.id));
        }
        for (reference, id) in self.images.tags() {
            text.push_str(&format!("tag {reference} {id}\n"));
        }
        for c in self.containers.values() {
            text.push_str(&format!(
                "container {} {} {:?} {} {}\n",
                c.id,
                c.name,
                c.status,
                c.exit_code,
                serde_json::to_string(&c.upper).unwrap_or_default()
            ));
        }
        for v in self.volumes.values() {
            text.push_str(&format!(
                "volume {} {}\n",
                v.name,
                serde_json::to_string(&v.files).unwrap_or_default()
            ));
        }
        text.push_str(&serde_json::to_string(&self.host).unwrap_or_default());
    }
}
