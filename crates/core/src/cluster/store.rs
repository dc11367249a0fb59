//! The cluster's key-value store, etcd-like: Kubernetes' key layout (`/registry/pods/NS/NAME`,
//! ...), values as compact JSON (protobuf in a real cluster), a global revision bumped by every
//! write and per key create/mod revisions. The World writes through after each cluster sync:
//! only keys whose value changed are written, keys of objects that are gone are deleted.

use super::Cluster;
use crate::event::Tick;
use serde_json::json;
use std::collections::BTreeMap;

/// One key's value and its revisions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub value: String,
    pub create_revision: u64,
    pub mod_revision: u64,
    /// Writes since it was created (1 for a new key), as etcd counts them.
    pub version: u64,
}

/// One write, as `etcdctl watch` prints it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub revision: u64,
    pub at: Tick,
    /// PUT (true) or DELETE.
    pub put: bool,
    pub key: String,
    /// The new value (empty for a DELETE).
    pub value: String,
}

#[derive(Clone, Debug, Default)]
pub struct Store {
    entries: BTreeMap<String, Entry>,
    revision: u64,
    changes: Vec<Change>,
}

impl Store {
    /// The store's revision: the number of writes so far (1 when empty, as etcd starts).
    pub fn revision(&self) -> u64 {
        self.revision + 1
    }

    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.get(key)
    }

    /// The keys starting with `prefix`, in key order.
    pub fn prefix<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a String, &'a Entry)> {
        self.entries
            .range::<str, _>((
                std::ops::Bound::Included(prefix),
                std::ops::Bound::Unbounded,
            ))
            .take_while(move |(k, _)| k.starts_with(prefix))
    }

    /// Every write so far, oldest first.
    pub fn changes(&self) -> &[Change] {
        &self.changes
    }

    fn put(&mut self, key: &str, value: String, at: Tick) {
        if self.entries.get(key).is_some_and(|e| e.value == value) {
            return;
        }
        self.revision += 1;
        let rev = self.revision + 1;
        let entry = self.entries.entry(key.to_string()).or_insert(Entry {
            value: String::new(),
            create_revision: rev,
            mod_revision: rev,
            version: 0,
        });
        entry.value = value.clone();
        entry.mod_revision = rev;
        entry.version += 1;
        self.changes.push(Change {
            revision: rev,
            at,
            put: true,
            key: key.to_string(),
            value,
        });
    }

    fn delete(&mut self, key: &str, at: Tick) {
        if self.entries.remove(key).is_none() {
            return;
        }
        self.revision += 1;
        self.changes.push(Change {
            revision: self.revision + 1,
            at,
            put: false,
            key: key.to_string(),
            value: String::new(),
        });
    }

    /// Brings the store in line with `now`: puts what changed, deletes what is gone.
    pub(crate) fn write_through(&mut self, now: BTreeMap<String, String>, at: Tick) {
        let gone: Vec<String> = self
            .entries
            .keys()
            .filter(|k| !now.contains_key(*k))
            .cloned()
            .collect();
        for key in gone {
            self.delete(&key, at);
        }
        for (key, value) in now {
            self.put(&key, value, at);
        }
    }
}

type ReadyIndex<'a> = BTreeMap<(&'a str, &'a str, &'a str), Vec<&'a super::objects::Pod>>;

/// A Service's endpoints from the index, as `Cluster::endpoints` finds them (creation order).
fn endpoints_of<'a>(
    ready: &'a ReadyIndex<'a>,
    s: &'a super::services::Service,
) -> impl Iterator<Item = &'a super::objects::Pod> + 'a {
    let first = s.selector.iter().next();
    first
        .and_then(|(k, v)| ready.get(&(s.namespace.as_str(), k.as_str(), v.as_str())))
        .into_iter()
        .flatten()
        .copied()
        .filter(move |p| s.selector.iter().all(|(k, v)| p.labels().get(k) == Some(v)))
}

fn labels_json(labels: &super::labels::Labels) -> serde_json::Value {
    json!(labels)
}

impl Cluster {
    /// Every object as its store key and compact JSON value.
    pub fn store_snapshot(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for node in self.nodes() {
            let v = json!({"kind": "Node", "metadata": {"name": node.name, "labels": labels_json(&node.labels)},
                "spec": {"unschedulable": node.unschedulable},
                "status": {"ready": node.ready}});
            out.insert(format!("/registry/minions/{}", node.name), v.to_string());
        }
        for pod in self.pods() {
            let images: Vec<&str> = pod
                .spec
                .containers
                .iter()
                .map(|c| c.image.as_str())
                .collect();
            let v = json!({"kind": "Pod", "metadata": {"name": pod.name, "namespace": pod.namespace,
                "uid": pod.uid, "labels": labels_json(pod.labels()),
                "ownerReferences": pod.owner.as_ref().map(|o| o.name.clone())},
                "spec": {"nodeName": self.node_of(pod), "images": images},
                "status": {"phase": pod.status(), "podIP": pod.ip, "ready": self.pod_ready(pod)}});
            out.insert(
                format!("/registry/pods/{}/{}", pod.namespace, pod.name),
                v.to_string(),
            );
        }
        for rs in self.replicasets() {
            let v = json!({"kind": "ReplicaSet", "metadata": {"name": rs.name, "namespace": rs.namespace,
                "uid": rs.uid, "revision": rs.revision}, "spec": {"replicas": rs.replicas}});
            out.insert(
                format!("/registry/replicasets/{}/{}", rs.namespace, rs.name),
                v.to_string(),
            );
        }
        for d in self.deployments() {
            let images: Vec<&str> = d
                .template
                .containers
                .iter()
                .map(|c| c.image.as_str())
                .collect();
            let v = json!({"kind": "Deployment", "metadata": {"name": d.name, "namespace": d.namespace,
                "uid": d.uid, "labels": labels_json(&d.labels)},
                "spec": {"replicas": d.replicas, "images": images}});
            out.insert(
                format!("/registry/deployments/{}/{}", d.namespace, d.name),
                v.to_string(),
            );
        }
        // Ready pods with an IP and a node, indexed by namespace and label, so every
        // Service's endpoints come from one pass over the pods (not one per Service).
        let mut ready: ReadyIndex = BTreeMap::new();
        for p in self.pods() {
            if p.ip.is_some() && p.node.is_some() && self.pod_ready(p) {
                for (k, v) in p.labels() {
                    ready
                        .entry((p.namespace.as_str(), k.as_str(), v.as_str()))
                        .or_default()
                        .push(p);
                }
            }
        }
        for s in self.services().iter() {
            let ports: Vec<serde_json::Value> = s
                .ports
                .iter()
                .map(|p| json!({"port": p.port, "targetPort": p.target_port, "protocol": p.protocol, "nodePort": p.node_port}))
                .collect();
            let v = json!({"kind": "Service", "metadata": {"name": s.name, "namespace": s.namespace, "uid": s.uid},
                "spec": {"type": s.kind.name(), "clusterIP": s.cluster_ip.as_deref().unwrap_or("None"),
                "selector": labels_json(&s.selector), "ports": ports}});
            out.insert(
                format!("/registry/services/specs/{}/{}", s.namespace, s.name),
                v.to_string(),
            );
            let addresses: Vec<serde_json::Value> = endpoints_of(&ready, s)
                .map(|p| json!({"ip": p.ip, "nodeName": self.node_of(p), "targetRef": {"kind": "Pod", "name": p.name}}))
                .collect();
            let ports: Vec<u32> = s.ports.iter().map(|p| p.target_port).collect();
            let v = json!({"kind": "Endpoints", "metadata": {"name": s.name, "namespace": s.namespace},
                "subsets": [{"addresses": addresses, "ports": ports}]});
            out.insert(
                format!("/registry/services/endpoints/{}/{}", s.namespace, s.name),
                v.to_string(),
            );
        }
        out
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Writes the cluster's current objects through to the store.
    pub(crate) fn sync_store(&mut self, at: Tick) {
        let now = self.store_snapshot();
        self.store.write_through(now, at);
    }
}
