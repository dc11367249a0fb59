//! Cluster events (`kubectl get events`, the Events table of `describe`): what happened to
//! which object, and why.

use super::objects::ObjectKey;
use crate::event::Tick;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KubeEvent {
    pub at: Tick,
    /// `Normal` or `Warning`.
    pub warning: bool,
    pub reason: &'static str,
    /// `pod/web-…`, `node/node-2`, `replicaset/web-…`, `deployment/web`.
    pub object: String,
    /// Empty for the default namespace.
    pub namespace: String,
    /// Who reported it (`default-scheduler`, `replicaset-controller`, `node-controller`, ...).
    pub source: &'static str,
    pub message: String,
}

impl KubeEvent {
    pub fn kind(&self) -> &'static str {
        if self.warning {
            "Warning"
        } else {
            "Normal"
        }
    }
}

/// `kind/name` for an object key.
pub fn object_of(key: &ObjectKey) -> String {
    format!("{}/{}", key.kind.lower(), key.name)
}
