//! The trace: every decision the model makes, in order, with enough detail to explain it.

use crate::image::{DiffId, ImageId};
use crate::world::{ContainerId, HostName, VolumeName};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Logical time in milliseconds since the World began.
pub type Tick = u64;

/// One thing that happened. Serialised to JSON for `--json`, the web timeline and the trace hash,
/// so variant and field names are part of the format. Ids are typed (a layer's diff_id is never
/// an image's ID) but serialise as the plain strings they hold, so the format is unchanged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EventKind {
    /// A command was accepted for execution (the text as typed, or its canonical form).
    Command {
        line: String,
    },
    /// A command failed; the state is as it was before it.
    CommandFailed {
        line: String,
        error: String,
    },
    /// Layers came from the registry; `skipped` ones were already here.
    ImagePulled {
        reference: String,
        id: ImageId,
        downloaded: Vec<DiffId>,
        skipped: Vec<DiffId>,
    },
    /// Layers went to the registry; `skipped` ones it already had.
    ImagePushed {
        reference: String,
        pushed: Vec<DiffId>,
        skipped: Vec<DiffId>,
    },
    ImageTagged {
        reference: String,
        id: ImageId,
    },
    ImageUntagged {
        reference: String,
    },
    /// An image was deleted, with the layers no other image used.
    ImageDeleted {
        id: ImageId,
        layers: Vec<DiffId>,
    },
    /// One build step: from cache or run, and why the cache could not be used.
    BuildStep {
        step: String,
        cached: bool,
        reason: Option<String>,
        layer: Option<DiffId>,
    },
    ImageBuilt {
        id: ImageId,
        tags: Vec<String>,
    },
    ImageCommitted {
        /// The container's name.
        container: String,
        id: ImageId,
    },
    ContainerCreated {
        id: ContainerId,
        name: String,
        image: String,
    },
    /// Its main process started as PID 1 with this argv.
    ContainerStarted {
        id: ContainerId,
        name: String,
        argv: Vec<String>,
    },
    ContainerExited {
        id: ContainerId,
        name: String,
        exit_code: i32,
        oom_killed: bool,
    },
    /// Its restart policy brought it back after `delay_ms`.
    ContainerRestarting {
        id: ContainerId,
        name: String,
        restart_count: u32,
        delay_ms: u64,
    },
    /// `host add`: a new server with an engine of its own.
    HostAdded {
        name: HostName,
    },
    /// `host rm`: a server and the containers on it are gone.
    HostRemoved {
        name: HostName,
        containers: usize,
    },
    /// `docker rename`: the same container under a new name.
    ContainerRenamed {
        id: ContainerId,
        old_name: String,
        name: String,
    },
    /// Its writable layer (of `discarded_bytes`) was thrown away; volumes stay.
    ContainerRemoved {
        id: ContainerId,
        name: String,
        discarded_bytes: u64,
    },
    ExecRan {
        id: ContainerId,
        argv: Vec<String>,
        exit_code: i32,
    },
    /// A program ran on the host itself (`curl localhost:8080`), outside every container.
    HostCommandRan {
        argv: Vec<String>,
        exit_code: i32,
    },
    VolumeCreated {
        name: VolumeName,
    },
    /// An empty named volume was filled with the image's files at its mount path.
    VolumeCopiedUp {
        name: VolumeName,
        path: String,
    },
    VolumeRemoved {
        name: VolumeName,
    },
    /// `cluster create`: a Kubernetes cluster whose nodes are these new hosts.
    ClusterCreated {
        nodes: Vec<HostName>,
    },
    /// `cluster delete`: the cluster and its nodes (hosts) are gone.
    ClusterDeleted {
        nodes: usize,
    },
    /// A cluster event, as `kubectl get events` lists it: scheduling, scaling, node
    /// readiness, evictions, each with Kubernetes' reason.
    KubeEvent {
        warning: bool,
        reason: String,
        object: String,
        message: String,
    },
    /// A readiness probe made a pod ready or unready (READY in `kubectl get pods`, its place
    /// among the Service's endpoints). Pods without a probe are ready once their container
    /// runs, so they have no such event. Kubernetes records none either: this one is for the
    /// timeline and the rollout picture.
    PodReadiness {
        pod: String,
        ready: bool,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Position in the trace, from 0.
    pub seq: u64,
    pub at: Tick,
    /// The host it happened on.
    pub host: HostName,
    #[serde(flatten)]
    pub kind: EventKind,
}

/// The ordered event log and its running hash.
#[derive(Clone, Debug, Default)]
pub struct Trace {
    events: Vec<Event>,
    hasher: Sha256,
}

impl Trace {
    pub fn push(&mut self, at: Tick, host: &HostName, kind: EventKind) -> &Event {
        let event = Event {
            seq: self.events.len() as u64,
            at,
            host: host.clone(),
            kind,
        };
        // serde_json output for these types is stable (struct field order, no maps with random
        // order), so the hash is the same on every platform.
        let line = serde_json::to_string(&event).unwrap_or_default();
        self.hasher.update(line.as_bytes());
        self.hasher.update(b"\n");
        self.events.push(event);
        &self.events[self.events.len() - 1]
    }

    pub fn events(&self) -> &[Event] {
        &self.events
    }

    pub fn len(&self) -> usize {
        self.events.len()
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// sha256 over the JSON lines of every event so far, as hex.
    pub fn hash(&self) -> String {
        crate::digest::hex(&self.hasher.clone().finalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::digest::sha256_digest;

    /// A trace line as the versions before typed ids wrote it (plain strings) reads back into
    /// the typed event, and writes out again byte for byte: journals and trace hashes keep.
    #[test]
    fn typed_ids_keep_the_json_of_plain_strings() {
        let layer = sha256_digest(b"layer");
        let image = sha256_digest(b"config");
        let old = format!(
            r#"{{"seq":0,"at":5,"host":"node-1","kind":"image_pulled","reference":"busybox:latest","id":"{image}","downloaded":["{layer}"],"skipped":[]}}"#
        );
        let event: Event = serde_json::from_str(&old).unwrap();
        assert_eq!(event.host, "node-1");
        let EventKind::ImagePulled { id, downloaded, .. } = &event.kind else {
            panic!("{event:?}");
        };
        assert_eq!(id.as_str(), image);
        assert_eq!(id.short(), &image[7..19]);
        assert_eq!(downloaded[0], layer);
        assert_eq!(serde_json::to_string(&event).unwrap(), old);

        let removed = r#"{"seq":1,"at":9,"host":"default","kind":"volume_removed","name":"data"}"#;
        let event: Event = serde_json::from_str(removed).unwrap();
        assert_eq!(
            event.kind,
            EventKind::VolumeRemoved {
                name: VolumeName::parse("data").unwrap()
            }
        );
        assert_eq!(serde_json::to_string(&event).unwrap(), removed);
    }
}
