//! The cluster's key-value store, etcd-like: Kubernetes' key layout (`/registry/pods/NS/NAME`,
//! ...), values as compact JSON (protobuf in a real cluster), a global revision bumped by every
//! write and per key create/mod revisions. The World writes through after each cluster sync
//! (cluster::store_sync): only keys whose value changed are written, keys of objects that are
//! gone are deleted.

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
    /// The newest revision compaction dropped from the history (0: none yet).
    compacted: u64,
    /// A test wrote a value the cluster did not make (the full write-through check is off).
    #[cfg(any(test, debug_assertions))]
    tampered: bool,
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

    /// Deletes the keys of objects that are gone, then puts the values that changed, both in
    /// key order (one write per key, as the writes always came). A key both deleted and put
    /// (a pod made again under the same name) is only put.
    pub(crate) fn apply(
        &mut self,
        mut deletes: Vec<String>,
        mut puts: Vec<(String, String)>,
        at: Tick,
    ) {
        crate::order::sort_by(&mut puts, &|a, b| a.0.cmp(&b.0));
        crate::order::sort_by(&mut deletes, &|a, b| a.cmp(b));
        deletes.dedup();
        for key in deletes {
            if puts
                .binary_search_by(|(k, _)| k.as_str().cmp(&key))
                .is_err()
            {
                self.delete(&key, at);
            }
        }
        for (key, value) in puts {
            self.put(&key, value, at);
        }
    }

    #[cfg(any(test, debug_assertions))]
    pub(crate) fn tampered(&self) -> bool {
        self.tampered
    }

    /// Writes a value the cluster did not make, as another etcd client could: tests use it
    /// to see that kubectl prints what the store holds.
    #[cfg(test)]
    pub(crate) fn tamper(&mut self, key: &str, value: String) {
        self.tampered = true;
        self.put(key, value, 0);
    }

    /// Drops the history of writes made before `before`, as kube-apiserver has etcd compact
    /// every 5 minutes: the values stay, only the record of how they changed goes. Without
    /// it the history grows with every write of a long session (each pod start writes its
    /// value and several events).
    pub(crate) fn compact(&mut self, before: Tick) {
        let cut = self.changes.partition_point(|c| c.at < before);
        if let Some(last) = cut.checked_sub(1).and_then(|i| self.changes.get(i)) {
            self.compacted = last.revision;
        }
        self.changes.drain(..cut);
    }

    /// The newest revision whose change compaction dropped (0 when none was).
    pub fn compacted_revision(&self) -> u64 {
        self.compacted
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Where the pods' keys are (`/registry/pods/<ns>/<name>`).
const PODS: &str = "/registry/pods/";

/// A pod's key in the store.
pub(crate) fn pod_key(pod: &super::objects::Pod) -> String {
    format!("{PODS}{}/{}", pod.namespace, pod.name)
}

impl Cluster {
    /// Drops the store's history of writes made before `before` (the values stay).
    pub(crate) fn compact_store(&mut self, before: Tick) {
        self.store.compact(before);
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    #[cfg(test)]
    pub(crate) fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }
}
