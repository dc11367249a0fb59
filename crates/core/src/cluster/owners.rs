//! The ownership graph of the controllers' objects (Deployment → ReplicaSet), kept with
//! petgraph: an edge from each owner to what it owns, so cascading deletion is a walk from the
//! deleted object. A ReplicaSet's pods are not nodes here: the cluster keeps them per owner
//! (`Cluster::owned`, oldest first), which costs a pod no key copies nor graph updates, and
//! the cascade puts them just before their ReplicaSet, where the walk would have.

use super::objects::ObjectKey;
use petgraph::stable_graph::{NodeIndex, StableDiGraph};
use petgraph::visit::DfsPostOrder;
use std::collections::BTreeMap;

#[derive(Default, Clone)]
pub struct Owners {
    graph: StableDiGraph<ObjectKey, ()>,
    index: BTreeMap<ObjectKey, NodeIndex>,
}

impl Owners {
    /// Adds `object`, owned by `owner` (which must have been added before), if any.
    pub fn add(&mut self, object: ObjectKey, owner: Option<&ObjectKey>) {
        let node = self.graph.add_node(object.clone());
        self.index.insert(object, node);
        if let Some(owner) = owner.and_then(|o| self.index.get(o)) {
            self.graph.add_edge(*owner, node, ());
        }
    }

    /// Removes `object` and everything it owns, directly or not; returns them dependents
    /// first (the order the garbage collector deletes in), `object` last.
    pub fn remove_cascade(&mut self, object: &ObjectKey) -> Vec<ObjectKey> {
        let Some(&start) = self.index.get(object) else {
            return Vec::new();
        };
        let mut order = Vec::new();
        let mut walk = DfsPostOrder::new(&self.graph, start);
        while let Some(node) = walk.next(&self.graph) {
            order.push(node);
        }
        order
            .into_iter()
            .filter_map(|node| {
                let key = self.graph.remove_node(node)?;
                self.index.remove(&key);
                Some(key)
            })
            .collect()
    }

    /// Removes only `object` (its dependents lose their owner: `--cascade=orphan`).
    pub fn remove(&mut self, object: &ObjectKey) {
        if let Some(node) = self.index.remove(object) {
            self.graph.remove_node(node);
        }
    }

    /// What `object` owns directly, in name order.
    pub fn dependents(&self, object: &ObjectKey) -> Vec<&ObjectKey> {
        let Some(&node) = self.index.get(object) else {
            return Vec::new();
        };
        let mut out: Vec<&ObjectKey> = self
            .graph
            .neighbors(node)
            .filter_map(|n| self.graph.node_weight(n))
            .collect();
        crate::order::sort(&mut out);
        out
    }

    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::objects::Kind;

    fn key(kind: Kind, name: &str) -> ObjectKey {
        ObjectKey {
            kind,
            namespace: "default".into(),
            name: name.into(),
        }
    }

    #[test]
    fn cascade_removes_dependents_first() {
        let mut owners = Owners::default();
        let d = key(Kind::Deployment, "web");
        let rs = key(Kind::ReplicaSet, "web-1");
        let p = key(Kind::Pod, "web-1-a");
        let other = key(Kind::Pod, "solo");
        owners.add(d.clone(), None);
        owners.add(rs.clone(), Some(&d));
        owners.add(p.clone(), Some(&rs));
        owners.add(other.clone(), None);
        assert_eq!(owners.dependents(&d), vec![&rs]);
        assert_eq!(owners.remove_cascade(&d), vec![p, rs, d]);
        assert_eq!(owners.len(), 1);
        assert_eq!(owners.remove_cascade(&other), vec![other]);
        assert!(owners.is_empty());
    }
}
