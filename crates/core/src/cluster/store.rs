//! The cluster's key-value store, etcd-like: Kubernetes' key layout (`/registry/pods/NS/NAME`,
//! ...), values as compact JSON (protobuf in a real cluster), a global revision bumped by every
//! write and per key create/mod revisions. The World writes through after each cluster sync:
//! only keys whose value changed are written, keys of objects that are gone are deleted.

use super::objects::PodId;
use super::slots::Watcher;
use super::Cluster;
use crate::event::Tick;
use std::collections::BTreeMap;

/// One key's value and its revisions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub value: String,
    pub create_revision: u64,
    pub mod_revision: u64,
    /// Writes since it was created (1 for a new key), as etcd counts them.
    pub version: u64,
    /// The write-through pass that last visited it: a key the latest pass did not visit
    /// belongs to an object that is gone.
    pub(crate) seen: u64,
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
    /// The number of write-through passes so far (see `Entry::seen`).
    epoch: u64,
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
    pub fn prefix<'a, 'p>(
        &'a self,
        prefix: &'p str,
    ) -> impl Iterator<Item = (&'a String, &'a Entry)> + use<'a, 'p> {
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
            seen: 0,
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

    /// Brings the store in line with the cluster's objects, as `visit` hands them over:
    /// deletes the keys of objects that are gone, then puts what changed, both in key order.
    /// Only changed values are copied, so a sync of a large cluster where one pod changed
    /// costs one pass of serializing, not one allocation per object.
    ///
    /// Keys under `kept` (the pods) are not visited when unchanged: they are deleted only when
    /// named in `gone_kept`, not for being left out of the visit.
    pub(crate) fn write_through(
        &mut self,
        visit: impl FnOnce(&mut dyn FnMut(&str, &str)),
        kept: &str,
        gone_kept: Vec<String>,
        at: Tick,
    ) {
        self.epoch += 1;
        let epoch = self.epoch;
        let mut changed: Vec<(String, String)> = Vec::new();
        let entries = &mut self.entries;
        visit(&mut |key, value| match entries.get_mut(key) {
            Some(e) => {
                e.seen = epoch;
                if e.value != value {
                    changed.push((key.to_string(), value.to_string()));
                }
            }
            None => changed.push((key.to_string(), value.to_string())),
        });
        // The keys after every key under `kept`: its last character, one higher.
        let mut past_kept = kept.to_string();
        if let Some(last) = past_kept.pop() {
            past_kept.push(char::from_u32(last as u32 + 1).unwrap_or(char::MAX));
        }
        use std::ops::Bound::{Excluded, Included, Unbounded};
        let unseen = |(k, e): (&String, &Entry)| (e.seen != epoch).then(|| k.clone());
        let mut gone: Vec<String> = self
            .entries
            .range::<str, _>((Unbounded, Excluded(kept)))
            .filter_map(unseen)
            .chain(
                self.entries
                    .range::<str, _>((Included(past_kept.as_str()), Unbounded))
                    .filter_map(unseen),
            )
            // A pod made again under the same name in the meantime keeps its key.
            .chain(
                gone_kept
                    .into_iter()
                    .filter(|k| self.entries.get(k).is_some_and(|e| e.seen != epoch)),
            )
            .collect();
        crate::order::sort_by(&mut gone, &|a, b| a.cmp(b));
        for key in gone {
            self.delete(&key, at);
        }
        // In key order, as the writes always came (one object per key).
        crate::order::sort_by(&mut changed, &|a, b| a.0.cmp(&b.0));
        for (key, value) in changed {
            self.put(&key, value, at);
            if let Some(e) = self.entries.get_mut(&key) {
                e.seen = epoch;
            }
        }
    }
}

/// Where the pods' keys are (`/registry/pods/<ns>/<name>`).
const PODS: &str = "/registry/pods/";

/// A pod's key in the store.
pub(crate) fn pod_key(pod: &super::objects::Pod) -> String {
    format!("{PODS}{}/{}", pod.namespace, pod.name)
}

impl Cluster {
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Writes the cluster's current objects through to the store, pods with what their
    /// kubelets report of their containers (`runtimes`). A pod is serialized again only when
    /// it changed (the pod slots note it) or its container's runtime did.
    pub(crate) fn sync_store(&mut self, at: Tick, runtimes: &super::print::Runtimes) {
        let mut fresh = std::mem::take(&mut self.store_fresh);
        let mut stale: Vec<PodId> = self.pods.take_touched(Watcher::Store);
        for (id, (rt, _)) in &fresh {
            if runtimes.get(id).copied().unwrap_or_default() != *rt {
                stale.push(*id);
            }
        }
        // A stale pod that is gone takes its key with it.
        let mut gone = Vec::new();
        for id in &stale {
            if let Some((_, key)) = fresh.remove(id) {
                if self.pods.get(id).is_none() {
                    gone.push(key);
                }
            }
        }
        let mut store = std::mem::take(&mut self.store);
        store.write_through(
            |visit| self.visit_values(runtimes, Some(&fresh), visit),
            PODS,
            gone,
            at,
        );
        self.store = store;
        for id in stale {
            if let Some(pod) = self.pods.get(&id) {
                let rt = runtimes.get(&id).copied().unwrap_or_default();
                fresh.insert(id, (rt, pod_key(pod)));
            }
        }
        self.store_fresh = fresh;
        #[cfg(debug_assertions)]
        self.check_store(runtimes);
    }

    /// The incremental write-through left the store as a full one would have.
    #[cfg(debug_assertions)]
    fn check_store(&self, runtimes: &super::print::Runtimes) {
        let mut count = 0;
        self.visit_store_values(runtimes, &mut |key, value| {
            count += 1;
            let stored = self.store.get(key).map(|e| e.value.as_str());
            debug_assert_eq!(stored, Some(value), "the store's {key} is stale");
        });
        debug_assert_eq!(
            count,
            self.store.entries.len(),
            "the store keeps a deleted key"
        );
    }
}
