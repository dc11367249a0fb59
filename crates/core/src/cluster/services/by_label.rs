//! The pods carrying each label, per namespace: a Service's endpoints are looked for among
//! the pods with its selector's rarest label instead of among every pod of the cluster (one
//! connection among 150,000 pods walked them all). A pod's labels never change once it exists.

use crate::cluster::labels::Labels;
use crate::cluster::objects::PodId;
use std::collections::{BTreeMap, BTreeSet};

type Values = BTreeMap<String, BTreeSet<PodId>>;

#[derive(Clone, Debug, Default)]
pub struct PodsByLabel {
    /// namespace → label key → label value → pods.
    map: BTreeMap<String, BTreeMap<String, Values>>,
}

impl PodsByLabel {
    pub fn add(&mut self, namespace: &str, labels: &Labels, id: PodId) {
        if labels.is_empty() {
            return;
        }
        // Look up before inserting: a new key string only for a label not seen before.
        if !self.map.contains_key(namespace) {
            self.map.insert(namespace.into(), BTreeMap::new());
        }
        let Some(keys) = self.map.get_mut(namespace) else {
            return;
        };
        for (k, v) in labels {
            if !keys.contains_key(k) {
                keys.insert(k.clone(), Values::new());
            }
            let Some(values) = keys.get_mut(k) else {
                continue;
            };
            match values.get_mut(v) {
                Some(set) => {
                    set.insert(id);
                }
                None => {
                    values.insert(v.clone(), BTreeSet::from([id]));
                }
            }
        }
    }

    pub fn remove(&mut self, namespace: &str, labels: &Labels, id: PodId) {
        let Some(keys) = self.map.get_mut(namespace) else {
            return;
        };
        for (k, v) in labels {
            let Some(values) = keys.get_mut(k) else {
                continue;
            };
            if let Some(set) = values.get_mut(v) {
                set.remove(&id);
                if set.is_empty() {
                    values.remove(v);
                }
            }
            if values.is_empty() {
                keys.remove(k);
            }
        }
        if keys.is_empty() {
            self.map.remove(namespace);
        }
    }

    /// The pods of `namespace` that may match `selector` (all of them carry its label with
    /// the fewest pods), in ID order; none when a label of it is carried by no pod.
    pub fn candidates(&self, namespace: &str, selector: &Labels) -> Option<&BTreeSet<PodId>> {
        let keys = self.map.get(namespace)?;
        let mut best: Option<&BTreeSet<PodId>> = None;
        for (k, v) in selector {
            let set = keys.get(k)?.get(v)?;
            if best.is_none_or(|b| set.len() < b.len()) {
                best = Some(set);
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn ids(index: &PodsByLabel, selector: &Labels) -> Option<Vec<PodId>> {
        let set = index.candidates("default", selector)?;
        Some(set.iter().copied().collect())
    }

    #[test]
    fn candidates_are_the_rarest_labels_pods_and_removal_forgets_them() {
        let mut index = PodsByLabel::default();
        let web = labels(&[("app", "web"), ("tier", "front")]);
        let api = labels(&[("app", "api"), ("tier", "front")]);
        index.add("default", &web, 1);
        index.add("default", &api, 2);
        index.add("default", &web, 3);
        index.add("other", &web, 4);
        assert_eq!(
            ids(&index, &labels(&[("tier", "front"), ("app", "api")])),
            Some(vec![2])
        );
        assert_eq!(ids(&index, &web), Some(vec![1, 3]));
        assert_eq!(ids(&index, &labels(&[("app", "db")])), None);
        index.remove("default", &web, 1);
        index.remove("default", &web, 3);
        index.remove("default", &api, 2);
        assert_eq!(ids(&index, &web), None);
        index.remove("other", &web, 4);
        assert!(index.map.is_empty());
    }
}
