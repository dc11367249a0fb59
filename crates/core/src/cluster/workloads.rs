//! Creating, changing and deleting workloads: what `kubectl create/run/scale/delete/set` and
//! `apply` do to the objects (the controllers then reconcile).

use super::labels::{Labels, Selector};
use super::objects::{
    Deployment, Kind, ObjectKey, Phase, Pod, PodId, PodTemplate, ReplicaSet, Resources,
};
use super::{Cluster, ClusterError, KubeletAction};
use crate::event::Tick;
use rand_core::RngCore;

/// kubectl's words for a `resource` (`pods`, `deployments.apps`) that does not exist.
fn not_found(resource: &str, name: &str) -> ClusterError {
    ClusterError(format!(
        "Error from server (NotFound): {resource} \"{name}\" not found"
    ))
}

/// A UID in the UUID shape Kubernetes uses (8-4-4-4-12 hex digits), from the seeded RNG:
/// written straight into one string (a rollout makes one per pod).
pub(crate) fn new_uid(rng: &mut dyn RngCore) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut b = [0u8; 16];
    rng.fill_bytes(&mut b);
    let mut uid = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            uid.push('-');
        }
        uid.push(DIGITS[(byte >> 4) as usize] as char);
        uid.push(DIGITS[(byte & 0xf) as usize] as char);
    }
    uid
}

/// Kubernetes' rule for object names (RFC 1123 subdomain, at most 253 characters).
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
}

fn invalid_name(kind: &str, name: &str) -> ClusterError {
    ClusterError(format!(
        "The {kind} \"{name}\" is invalid: metadata.name: Invalid value: \"{name}\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character"
    ))
}

impl Cluster {
    /// `kubectl create deployment` / `apply`: a Deployment (its controller makes the rest).
    pub fn create_deployment(
        &mut self,
        namespace: &str,
        name: &str,
        replicas: u32,
        template: PodTemplate,
        now: Tick,
        rng: &mut dyn RngCore,
    ) -> Result<(), ClusterError> {
        if !valid_name(name) {
            return Err(invalid_name("Deployment", name));
        }
        let key = (namespace.to_string(), name.to_string());
        if self.deployments.contains_key(&key) {
            return Err(ClusterError(format!(
                "error: failed to create deployment: deployments.apps \"{name}\" already exists"
            )));
        }
        let labels: Labels = template.labels.clone();
        let deployment = Deployment {
            name: name.into(),
            namespace: namespace.into(),
            uid: new_uid(rng),
            selector: Selector::of_labels(&labels),
            labels,
            replicas,
            template,
            created: now,
            rollout: Default::default(),
        };
        self.owners.add(deployment.key(), None);
        self.deployments.insert(key, deployment);
        Ok(())
    }

    /// `kubectl scale deployment/NAME --replicas=N`.
    pub fn scale(
        &mut self,
        namespace: &str,
        name: &str,
        replicas: u32,
    ) -> Result<(), ClusterError> {
        let d = self
            .deployments
            .get_mut(&(namespace.to_string(), name.to_string()))
            .ok_or_else(|| not_found("deployments.apps", name))?;
        d.replicas = replicas;
        Ok(())
    }

    /// Changes a Deployment's pod template (`kubectl set resources`, `apply`): a new
    /// ReplicaSet takes over from the old ones.
    pub fn set_template(
        &mut self,
        namespace: &str,
        name: &str,
        change: impl FnOnce(&mut PodTemplate),
    ) -> Result<(), ClusterError> {
        let d = self
            .deployments
            .get_mut(&(namespace.to_string(), name.to_string()))
            .ok_or_else(|| not_found("deployments.apps", name))?;
        change(&mut d.template);
        Ok(())
    }

    /// Sets every container's requests of a Deployment's template.
    pub fn set_requests(
        &mut self,
        namespace: &str,
        name: &str,
        requests: Resources,
    ) -> Result<(), ClusterError> {
        self.set_template(namespace, name, |t| {
            for c in &mut t.containers {
                if requests.cpu_m > 0 {
                    c.requests.cpu_m = requests.cpu_m;
                }
                if requests.memory > 0 {
                    c.requests.memory = requests.memory;
                }
            }
        })
    }

    /// `kubectl run NAME --image=I`: one pod with no controller.
    pub fn create_pod(
        &mut self,
        namespace: &str,
        name: &str,
        template: PodTemplate,
        now: Tick,
        rng: &mut dyn RngCore,
    ) -> Result<(), ClusterError> {
        if !valid_name(name) {
            return Err(invalid_name("Pod", name));
        }
        if self.pod(namespace, name).is_some() {
            return Err(ClusterError(format!(
                "Error from server (AlreadyExists): pods \"{name}\" already exists"
            )));
        }
        self.add_pod(namespace, name, std::rc::Rc::new(template), None, now, rng);
        Ok(())
    }

    /// Adds a pod to the API and the scheduling queue.
    pub(crate) fn add_pod(
        &mut self,
        namespace: &str,
        name: &str,
        spec: std::rc::Rc<PodTemplate>,
        owner: Option<ObjectKey>,
        now: Tick,
        rng: &mut dyn RngCore,
    ) -> super::objects::PodId {
        let id = self.next_pod;
        self.next_pod += 1;
        let pod = Pod {
            id,
            name: name.into(),
            namespace: namespace.into(),
            uid: new_uid(rng),
            spec,
            owner: owner.clone(),
            node: None,
            phase: Phase::Pending,
            ip: None,
            created: now,
            terminating: false,
            deleted_at: None,
            container: None,
            waiting_reason: None,
            last_failure: None,
            restarts: 0,
            last_exit: None,
            running: false,
            ready_since: None,
            probe: None,
        };
        if let Some(owner) = owner {
            let entry = self.owned.entry(owner).or_default();
            entry.0.insert(id);
            entry.1 += 1;
        }
        self.by_label.add(namespace, pod.labels(), id);
        self.pod_index.insert(namespace, name, id);
        self.pods.insert(id, pod);
        self.scheduler.queue.push(id);
        id
    }

    /// Deletes a pod. On a node whose kubelet is gone it stays `Terminating` (nobody can
    /// confirm the container stopped) until the node comes back.
    pub fn delete_pod(&mut self, id: super::objects::PodId, now: Tick) {
        let Some(pod) = self.pods.get(&id) else {
            return;
        };
        let node_down = pod.node.is_some_and(|n| !self.nodes[n as usize].heartbeat);
        if node_down {
            if let Some(p) = self.pods.get_mut(&id) {
                if !p.terminating {
                    p.terminating = true;
                    p.deleted_at = Some(now);
                    if let Some((_, live)) = p.owner.as_ref().and_then(|o| self.owned.get_mut(o)) {
                        *live -= 1;
                    }
                }
            }
            return;
        }
        self.remove_pod(id, now);
    }

    /// Takes a pod out of the API at once, freeing its node's share and address.
    pub(crate) fn remove_pod(&mut self, id: super::objects::PodId, _now: Tick) {
        let Some(pod) = self.pods.remove(&id) else {
            return;
        };
        self.pod_index.remove(&pod.namespace, &pod.name);
        self.by_label.remove(&pod.namespace, pod.labels(), id);
        self.decisions.remove(&id);
        self.scheduler.queue.remove(id);
        if let Some((set, live)) = pod.owner.as_ref().and_then(|o| self.owned.get_mut(o)) {
            set.remove(&id);
            if !pod.terminating {
                *live -= 1;
            }
        }
        if let Some(n) = pod.node {
            self.by_node[n as usize].remove(&id);
            let node = &mut self.nodes[n as usize];
            node.requested.sub(pod.spec.requests());
            node.nonzero_requested.sub(pod.spec.requests().nonzero());
            node.pod_count -= 1;
            if let Some(ip) = &pod.ip {
                node.release_ip(ip);
            }
            self.scheduler.touch(n);
            if let Some(container) = pod.container {
                self.kubelet.push(KubeletAction::Remove {
                    node: node.name.clone(),
                    container,
                });
            }
        }
    }

    /// `kubectl delete pod NAME`.
    pub fn delete_pod_named(
        &mut self,
        namespace: &str,
        name: &str,
        now: Tick,
    ) -> Result<(), ClusterError> {
        let id = self
            .pod(namespace, name)
            .map(|p| p.id)
            .ok_or_else(|| not_found("pods", name))?;
        self.delete_pod(id, now);
        Ok(())
    }

    /// `kubectl delete deployment NAME`: the Deployment, its ReplicaSets and their pods
    /// (cascading through the ownership graph, dependents first).
    pub fn delete_deployment(
        &mut self,
        namespace: &str,
        name: &str,
        now: Tick,
    ) -> Result<(), ClusterError> {
        let key = (namespace.to_string(), name.to_string());
        let root = self.deployments.get(&key).map(Deployment::key);
        self.delete_root(root, "deployments.apps", name, now)
    }

    /// `kubectl delete replicaset NAME` (its Deployment, if any, makes a new one).
    pub fn delete_replicaset(
        &mut self,
        namespace: &str,
        name: &str,
        now: Tick,
    ) -> Result<(), ClusterError> {
        let key = (namespace.to_string(), name.to_string());
        let root = self.replicasets.get(&key).map(ReplicaSet::key);
        self.delete_root(root, "replicasets.apps", name, now)
    }

    /// Deletes `root` and what it owns, or says the `resource` called `name` is not found.
    fn delete_root(
        &mut self,
        root: Option<ObjectKey>,
        resource: &str,
        name: &str,
        now: Tick,
    ) -> Result<(), ClusterError> {
        let root = root.ok_or_else(|| not_found(resource, name))?;
        self.delete_cascade(&root, now);
        Ok(())
    }

    fn delete_cascade(&mut self, root: &ObjectKey, now: Tick) {
        // The graph walk gives the controllers' objects dependents first; each ReplicaSet's
        // pods, oldest first, go just before it (see owners.rs). Taken before anything goes.
        let mut order: Vec<Result<PodId, ObjectKey>> = Vec::new();
        for key in self.owners.remove_cascade(root) {
            if let Some((set, _)) = self.owned.get(&key) {
                order.extend(set.iter().map(|&id| Ok(id)));
            }
            order.push(Err(key));
        }
        for doomed in order {
            match doomed {
                Ok(id) => self.delete_owned_pod(id, now),
                Err(key) => {
                    let pair = (key.namespace.clone(), key.name.clone());
                    match key.kind {
                        Kind::Pod => {}
                        Kind::ReplicaSet => {
                            self.owned.remove(&key);
                            self.replicasets.remove(&pair);
                        }
                        Kind::Deployment => {
                            self.deployments.remove(&pair);
                        }
                    }
                }
            }
        }
    }

    /// A pod whose owner goes: it loses its owner, then leaves through delete_pod (a pod on a
    /// dead node stays Terminating).
    fn delete_owned_pod(&mut self, id: PodId, now: Tick) {
        let Some(p) = self.pods.get_mut(&id) else {
            return;
        };
        if let Some(owner) = p.owner.take() {
            if let Some((set, live)) = self.owned.get_mut(&owner) {
                set.remove(&id);
                if !p.terminating {
                    *live -= 1;
                }
            }
        }
        self.delete_pod(id, now);
    }
}

#[cfg(test)]
mod tests {
    use rand_core::{RngCore, SeedableRng};

    #[test]
    fn a_uid_is_the_random_bytes_in_hex_split_as_a_uuid() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let mut copy = rng.clone();
        let uid = super::new_uid(&mut rng);
        let mut b = [0u8; 16];
        copy.fill_bytes(&mut b);
        let h = crate::digest::hex(&b);
        let parts = [&h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..]];
        assert_eq!(uid, parts.join("-"));
        assert_eq!(rng.next_u64(), copy.next_u64(), "as many bytes drawn");
    }
}
