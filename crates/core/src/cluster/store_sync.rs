//! The write-through from the cluster's objects to its store, looking again only at what
//! changed since the last one: the nodes whose fields changed, the pods the pod slots noted (or whose container's runtime
//! moved on), the Services created or deleted, the Endpoints of the Services such pods stand
//! or stood behind, the ReplicaSets and Deployments whose fields or pod counts changed, and
//! the events that came. Debug builds check each pass against a full write-through.

use super::labels::Labels;
use super::objects::{Deployment, ObjectKey, PodId, PodTemplate, ReplicaSet};
use super::print::{Runtime, Runtimes};
use super::services::Service;
use super::slots::Watcher;
use super::store::pod_key;
use super::store_events::EventFold;
use super::store_service::{is_endpoint, selects, service_keys};
use super::store_values::{WorkloadStatus, Writer};
use super::Cluster;
use crate::event::Tick;
use std::collections::{BTreeMap, BTreeSet};

type Name = (String, String);

/// What the last write-through left, kept so that the next one looks only at changes.
#[derive(Clone, Debug, Default)]
pub(crate) struct StoreIndex {
    nodes: BTreeMap<String, WrittenNode>,
    pods: BTreeMap<PodId, WrittenPod>,
    /// ReplicaSets by namespace and name to a number, so that each pod keeps a number
    /// rather than a name (looked up without allocating).
    rs_numbers: BTreeMap<String, BTreeMap<String, u32>>,
    next_rs: u32,
    /// Per ReplicaSet number: its pods not terminating, and how many of them are ready.
    counts: BTreeMap<u32, (usize, usize)>,
    replicasets: BTreeMap<Name, WrittenWorkload>,
    deployments: BTreeMap<Name, WrittenWorkload>,
    services: ServiceIndex,
    events: EventFold,
}

/// A pod's stored value was made with this runtime; what it counts for in its ReplicaSet's
/// status, and the Services (by number) it stands behind.
#[derive(Clone, Debug)]
struct WrittenPod {
    rt: Runtime,
    key: String,
    counted: Option<(u32, bool)>,
    endpoint_of: Vec<u32>,
}

/// The fields a ReplicaSet's or Deployment's value is made of, as last written.
#[derive(Clone, Debug, PartialEq)]
struct WrittenWorkload {
    uid: String,
    replicas: u32,
    revision: u32,
    labels: Labels,
    template: PodTemplate,
    owner: Option<ObjectKey>,
    created: Tick,
    /// A Deployment's strategy and minReadySeconds.
    strategy: Option<(super::rollout::Strategy, u64)>,
    status: WorkloadStatus,
}

impl WrittenWorkload {
    fn of_replicaset(rs: &ReplicaSet, status: WorkloadStatus) -> WrittenWorkload {
        WrittenWorkload {
            uid: rs.uid.clone(),
            replicas: rs.replicas,
            revision: rs.revision,
            labels: Labels::new(),
            template: rs.template.clone(),
            owner: rs.owner.clone(),
            created: rs.created,
            strategy: None,
            status,
        }
    }

    fn of_deployment(d: &Deployment, status: WorkloadStatus) -> WrittenWorkload {
        WrittenWorkload {
            uid: d.uid.clone(),
            replicas: d.replicas,
            revision: 0,
            labels: d.labels.clone(),
            template: d.template.clone(),
            owner: None,
            created: d.created,
            strategy: Some((d.rollout.strategy, d.rollout.min_ready_seconds)),
            status,
        }
    }

    /// Whether it is still what `rs` with `status` would write (compared without copying).
    fn is_replicaset(&self, rs: &ReplicaSet, status: WorkloadStatus) -> bool {
        self.status == status
            && self.replicas == rs.replicas
            && self.revision == rs.revision
            && self.created == rs.created
            && self.uid == rs.uid
            && self.owner == rs.owner
            && self.template == rs.template
    }

    fn is_deployment(&self, d: &Deployment, status: WorkloadStatus) -> bool {
        self.status == status
            && self.replicas == d.replicas
            && self.created == d.created
            && self.uid == d.uid
            && self.labels == d.labels
            && self.template == d.template
            && self
                .strategy
                .as_ref()
                .is_some_and(|(s, m)| *s == d.rollout.strategy && *m == d.rollout.min_ready_seconds)
    }
}

/// The fields a node's value is made of, as last written.
#[derive(Clone, Debug, PartialEq)]
struct WrittenNode {
    index: u32,
    capacity: super::objects::Resources,
    max_pods: u32,
    labels: Labels,
    taints: Vec<super::node::Taint>,
    unschedulable: bool,
    ready: bool,
    created: Tick,
}

impl WrittenNode {
    fn of(n: &super::node::Node) -> WrittenNode {
        WrittenNode {
            index: n.index,
            capacity: n.capacity,
            max_pods: n.max_pods,
            labels: n.labels.clone(),
            taints: n.taints.clone(),
            unschedulable: n.unschedulable,
            ready: n.ready,
            created: n.created,
        }
    }

    /// Whether it is still what `n` would write (compared without copying).
    fn is(&self, n: &super::node::Node) -> bool {
        self.ready == n.ready
            && self.unschedulable == n.unschedulable
            && self.index == n.index
            && self.capacity == n.capacity
            && self.max_pods == n.max_pods
            && self.created == n.created
            && self.taints == n.taints
            && self.labels == n.labels
    }
}

/// The Services written, by number, and which of them select each label.
#[derive(Clone, Debug, Default)]
struct ServiceIndex {
    /// The Services' generation last seen (None before the first pass).
    generation: Option<u64>,
    written: BTreeMap<Name, WrittenService>,
    names: BTreeMap<u32, Name>,
    /// namespace → label key → value → the Services whose selector holds that label.
    selecting: BTreeMap<String, BTreeMap<String, BTreeMap<String, BTreeSet<u32>>>>,
    next: u32,
}

#[derive(Clone, Debug)]
struct WrittenService {
    number: u32,
    uid: String,
    keys: [String; 3],
    selector: Labels,
}

impl ServiceIndex {
    fn index(&mut self, ns: &str, selector: &Labels, number: u32, add: bool) {
        let keys = self.selecting.entry(ns.to_string()).or_default();
        for (k, v) in selector {
            let values = keys.entry(k.clone()).or_default();
            let set = values.entry(v.clone()).or_default();
            if add {
                set.insert(number);
            } else {
                set.remove(&number);
                if set.is_empty() {
                    values.remove(v);
                }
            }
        }
    }

    /// The Services of namespace `ns` whose selector picks a pod with `labels`.
    fn selecting_pod(&self, cluster: &Cluster, ns: &str, labels: &Labels) -> Vec<u32> {
        let Some(keys) = self.selecting.get(ns) else {
            return Vec::new();
        };
        let mut out: Vec<u32> = labels
            .iter()
            .filter_map(|(k, v)| keys.get(k)?.get(v))
            .flatten()
            .copied()
            .filter(|n| {
                self.service(cluster, *n)
                    .is_some_and(|s| selects(&s.selector, labels))
            })
            .collect();
        crate::order::sort_by(&mut out, &|a, b| a.cmp(b));
        out.dedup();
        out
    }

    fn service<'c>(&self, cluster: &'c Cluster, number: u32) -> Option<&'c Service> {
        let (ns, name) = self.names.get(&number)?;
        cluster.services().get(ns, name)
    }

    /// Writes the Services created since the last pass, deletes the keys of those deleted;
    /// the numbers of the new ones (their Endpoints are still to be written).
    fn sync(&mut self, c: &Cluster, w: &mut Writer, deletes: &mut Vec<String>) -> BTreeSet<u32> {
        let mut fresh = BTreeSet::new();
        let generation = c.services().generation();
        if self.generation == Some(generation) {
            return fresh;
        }
        self.generation = Some(generation);
        let gone: Vec<Name> = self
            .written
            .iter()
            .filter(|((ns, name), ws)| c.services().get(ns, name).is_none_or(|s| s.uid != ws.uid))
            .map(|(k, _)| k.clone())
            .collect();
        for key in gone {
            if let Some(ws) = self.written.remove(&key) {
                self.names.remove(&ws.number);
                self.index(&key.0, &ws.selector, ws.number, false);
                deletes.extend(ws.keys);
            }
        }
        for s in c.services().iter() {
            let key = (s.namespace.clone(), s.name.clone());
            if self.written.contains_key(&key) {
                continue;
            }
            let number = self.next;
            self.next += 1;
            self.index(&s.namespace, &s.selector, number, true);
            self.names.insert(number, key.clone());
            self.written.insert(
                key,
                WrittenService {
                    number,
                    uid: s.uid.clone(),
                    keys: service_keys(s),
                    selector: s.selector.clone(),
                },
            );
            c.emit_service(w, s);
            fresh.insert(number);
        }
        fresh
    }
}

impl StoreIndex {
    /// Writes the nodes that changed; deletes the keys of those that are gone.
    fn sync_nodes(&mut self, c: &Cluster, w: &mut Writer, deletes: &mut Vec<String>) {
        for node in c.nodes() {
            if self.nodes.get(&node.name).is_none_or(|old| !old.is(node)) {
                c.emit_node(w, node);
                self.nodes.insert(node.name.clone(), WrittenNode::of(node));
            }
        }
        if self.nodes.len() > c.nodes().len() {
            self.nodes.retain(|name, _| {
                let alive = c.node(name).is_some();
                if !alive {
                    deletes.push(format!("/registry/minions/{name}"));
                }
                alive
            });
        }
    }

    fn rs_number(&mut self, ns: &str, name: &str) -> u32 {
        if let Some(n) = self.rs_numbers.get(ns).and_then(|m| m.get(name)) {
            return *n;
        }
        let n = self.next_rs;
        self.next_rs += 1;
        self.rs_numbers
            .entry(ns.to_string())
            .or_default()
            .insert(name.to_string(), n);
        n
    }

    /// The pods whose value may have changed: those the slots noted, and those whose
    /// container's runtime is not the one their value was written with.
    fn stale_pods(&self, c: &Cluster, runtimes: &Runtimes) -> Vec<PodId> {
        let mut stale = c.pods.take_touched(Watcher::Store);
        // Both maps are in ID order: one walk side by side.
        let mut rts = runtimes.iter().peekable();
        for (id, written) in &self.pods {
            while rts.next_if(|(r, _)| *r < id).is_some() {}
            let rt = rts
                .peek()
                .filter(|(r, _)| *r == id)
                .map(|(_, rt)| **rt)
                .unwrap_or_default();
            if rt != written.rt {
                stale.push(*id);
            }
        }
        crate::order::sort_by(&mut stale, &|a, b| a.cmp(b));
        stale.dedup();
        stale
    }

    /// Writes the stale pods, moves their counts, and notes the Services whose Endpoints
    /// they leave or join in `dirty`.
    fn sync_pods(
        &mut self,
        c: &Cluster,
        w: &mut Writer,
        runtimes: &Runtimes,
        deletes: &mut Vec<String>,
        dirty: &mut BTreeSet<u32>,
    ) {
        for id in self.stale_pods(c, runtimes) {
            let pod = c.pods.get(&id);
            if let Some(old) = self.pods.remove(&id) {
                if let Some((n, ready)) = old.counted {
                    if let Some(count) = self.counts.get_mut(&n) {
                        count.0 -= 1;
                        count.1 -= usize::from(ready);
                    }
                }
                dirty.extend(old.endpoint_of);
                if pod.is_none() {
                    deletes.push(old.key);
                }
            }
            let Some(pod) = pod else {
                continue;
            };
            let rt = runtimes.get(&id).copied().unwrap_or_default();
            c.emit_pod(w, pod, rt);
            let counted = c.pod_counts(pod, rt).map(|(ns, name, ready)| {
                let n = self.rs_number(ns, name);
                let count = self.counts.entry(n).or_default();
                count.0 += 1;
                count.1 += usize::from(ready);
                (n, ready)
            });
            let endpoint_of = if is_endpoint(c, pod) {
                self.services.selecting_pod(c, &pod.namespace, pod.labels())
            } else {
                Vec::new()
            };
            dirty.extend(endpoint_of.iter().copied());
            self.pods.insert(
                id,
                WrittenPod {
                    rt,
                    key: pod_key(pod),
                    counted,
                    endpoint_of,
                },
            );
        }
    }

    /// Writes the Endpoints and EndpointSlices of the Services in `dirty`, from the pods
    /// their selector's rarest label carries.
    fn sync_endpoints(&mut self, c: &Cluster, w: &mut Writer, dirty: BTreeSet<u32>) {
        for n in dirty {
            let Some(s) = self.services.service(c, n) else {
                continue;
            };
            let pods = c.endpoint_pods(s);
            c.emit_endpoints(w, s, &pods);
            // A new Service's pods learn that they stand behind it.
            for p in pods {
                if let Some(wp) = self.pods.get_mut(&p.id) {
                    if !wp.endpoint_of.contains(&n) {
                        wp.endpoint_of.push(n);
                    }
                }
            }
        }
    }

    /// Writes the ReplicaSets and Deployments whose fields or counts changed; deletes the
    /// keys of those that are gone.
    fn sync_workloads(&mut self, c: &Cluster, w: &mut Writer, deletes: &mut Vec<String>) {
        let status_of = |rs: &ReplicaSet| {
            let (replicas, ready) = self
                .rs_numbers
                .get(&rs.namespace)
                .and_then(|m| m.get(&rs.name))
                .and_then(|n| self.counts.get(n))
                .copied()
                .unwrap_or_default();
            WorkloadStatus::of_replicaset(replicas, ready)
        };
        let mut rs_written = Vec::new();
        for (key, rs) in &c.replicasets {
            let status = status_of(rs);
            if self
                .replicasets
                .get(key)
                .is_none_or(|old| !old.is_replicaset(rs, status))
            {
                c.emit_replicaset(w, rs, status);
                rs_written.push((key.clone(), WrittenWorkload::of_replicaset(rs, status)));
            }
        }
        let statuses = c.deployment_statuses(status_of);
        let mut d_written = Vec::new();
        for (key, d) in &c.deployments {
            let status = statuses
                .get(&(key.0.as_str(), key.1.as_str()))
                .copied()
                .unwrap_or_default();
            if self
                .deployments
                .get(key)
                .is_none_or(|old| !old.is_deployment(d, status))
            {
                c.emit_deployment(w, d, status);
                d_written.push((key.clone(), WrittenWorkload::of_deployment(d, status)));
            }
        }
        self.replicasets.extend(rs_written);
        self.deployments.extend(d_written);
        forget_gone(
            &mut self.replicasets,
            &c.replicasets,
            "replicasets",
            deletes,
        );
        forget_gone(
            &mut self.deployments,
            &c.deployments,
            "deployments",
            deletes,
        );
    }
}

/// Forgets the kept objects that are no longer `live`, deleting their keys (`/registry/DIR/`).
fn forget_gone<T>(
    kept: &mut BTreeMap<Name, WrittenWorkload>,
    live: &BTreeMap<Name, T>,
    dir: &str,
    deletes: &mut Vec<String>,
) {
    // Every live one is kept, so when the counts agree none kept is gone.
    if kept.len() == live.len() {
        return;
    }
    kept.retain(|key, _| {
        let alive = live.contains_key(key);
        if !alive {
            deletes.push(format!("/registry/{dir}/{}/{}", key.0, key.1));
        }
        alive
    });
}

impl Cluster {
    /// Writes the cluster's objects through to the store at `at`, pods with what their
    /// kubelets report of their containers (`runtimes`), looking only at what changed.
    pub(crate) fn sync_store(&mut self, at: Tick, runtimes: &Runtimes) {
        let mut ix = std::mem::take(&mut self.store_index);
        let mut puts: Vec<(String, String)> = Vec::new();
        let mut deletes: Vec<String> = Vec::new();
        {
            let store = &self.store;
            let mut visit = |k: &str, v: &str| {
                if store.get(k).is_none_or(|e| e.value != v) {
                    puts.push((k.to_string(), v.to_string()));
                }
            };
            let mut w = Writer::new(&mut visit);
            ix.sync_nodes(self, &mut w, &mut deletes);
            let mut dirty = ix.services.sync(self, &mut w, &mut deletes);
            ix.sync_pods(self, &mut w, runtimes, &mut deletes, &mut dirty);
            ix.sync_endpoints(self, &mut w, dirty);
            ix.sync_workloads(self, &mut w, &mut deletes);
            deletes.extend(ix.events.sync(&mut w, self.events(), at));
        }
        self.store.apply(deletes, puts, at);
        self.store_index = ix;
        #[cfg(debug_assertions)]
        self.check_store(runtimes, at);
    }

    /// The incremental write-through left the store as a full one would have.
    #[cfg(debug_assertions)]
    fn check_store(&self, runtimes: &Runtimes, at: Tick) {
        if self.store.tampered() {
            return;
        }
        let mut count = 0;
        self.visit_store_values(runtimes, at, &mut |key, value| {
            count += 1;
            let stored = self.store.get(key).map(|e| e.value.as_str());
            debug_assert_eq!(stored, Some(value), "the store's {key} is stale");
        });
        debug_assert_eq!(count, self.store.len(), "the store keeps a deleted key");
    }
}
