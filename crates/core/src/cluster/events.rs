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

/// Events that say the same thing about the same object, counted as the API server's event
/// correlator does (one Event object whose `count` grows, `lastTimestamp` moving on).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventGroup<'a> {
    /// The first of them (its time is `firstTimestamp`).
    pub first: &'a KubeEvent,
    pub last_at: Tick,
    pub count: u32,
}

/// Groups by (object, namespace, type, reason, source, message), in order of first occurrence.
pub fn group<'a>(events: impl IntoIterator<Item = &'a KubeEvent>) -> Vec<EventGroup<'a>> {
    type Key<'a> = (&'a str, &'a str, bool, &'a str, &'a str, &'a str);
    let mut index: std::collections::BTreeMap<Key<'a>, usize> = std::collections::BTreeMap::new();
    let mut out: Vec<EventGroup<'a>> = Vec::new();
    for e in events {
        let key = (
            e.object.as_str(),
            e.namespace.as_str(),
            e.warning,
            e.reason,
            e.source,
            e.message.as_str(),
        );
        match index.get(&key) {
            Some(&i) => {
                out[i].count += 1;
                out[i].last_at = out[i].last_at.max(e.at);
            }
            None => {
                index.insert(key, out.len());
                out.push(EventGroup {
                    first: e,
                    last_at: e.at,
                    count: 1,
                });
            }
        }
    }
    out
}

impl EventGroup<'_> {
    /// The Event object's name: its object's name and its first time in hex nanoseconds,
    /// as the event recorder names them.
    pub fn name(&self) -> String {
        let object = self.first.object.split_once('/').map_or("", |(_, n)| n);
        let nanos =
            (u128::from(crate::output::EPOCH_UNIX) * 1_000 + u128::from(self.first.at)) * 1_000_000;
        format!("{object}.{nanos:x}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(at: Tick, object: &str, message: &str) -> KubeEvent {
        KubeEvent {
            at,
            warning: true,
            reason: "BackOff",
            object: object.into(),
            namespace: String::new(),
            source: "kubelet",
            message: message.into(),
        }
    }

    #[test]
    fn repeats_of_one_event_are_counted_on_its_first_line() {
        let events = [
            event(1_000, "pod/a", "Back-off restarting failed container"),
            event(2_000, "pod/b", "Back-off restarting failed container"),
            event(5_000, "pod/a", "Back-off restarting failed container"),
            event(9_000, "pod/a", "Back-off restarting failed container"),
            event(9_500, "pod/a", "another message"),
        ];
        let groups = group(&events);
        let seen: Vec<(&str, u32, Tick, Tick)> = groups
            .iter()
            .map(|g| (g.first.object.as_str(), g.count, g.first.at, g.last_at))
            .collect();
        assert_eq!(
            seen,
            [
                ("pod/a", 3, 1_000, 9_000),
                ("pod/b", 1, 2_000, 2_000),
                ("pod/a", 1, 9_500, 9_500)
            ]
        );
        assert!(
            groups[0].name().starts_with("a.181"),
            "{}",
            groups[0].name()
        );
    }
}
