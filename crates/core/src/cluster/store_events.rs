//! Events in the store, as the API server keeps them: one v1 Event object per run of events
//! that say the same thing of one object (`count` grows, `lastTimestamp` moves on), under
//! `/registry/events/NS/OBJECT.HEX`.
//!
//! The API server writes events with a lease of one hour (`--event-ttl`), so etcd deletes an
//! Event an hour after its last write. The same is done here: each write-through deletes the
//! Events last seen an hour or more before, and an event that repeats one whose Event had
//! already expired starts a new Event object (the old one is gone, as in a real cluster).

use super::events::KubeEvent;
use super::store_pod::timestamp;
use super::store_values::Writer;
use crate::event::Tick;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// How long etcd keeps an Event after its last write (kube-apiserver's `--event-ttl`).
pub const EVENT_TTL: Tick = 3_600_000;

/// Whether two events say the same thing of the same object (one Event object).
fn same(a: &KubeEvent, b: &KubeEvent) -> bool {
    a.object == b.object
        && a.namespace == b.namespace
        && a.warning == b.warning
        && a.reason == b.reason
        && a.source == b.source
        && a.message == b.message
}

/// A digest of what an event says (FNV-1a), to find its Event object without copying it.
fn said(e: &KubeEvent) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [
        e.object.as_str(),
        e.namespace.as_str(),
        e.reason,
        e.source,
        e.message.as_str(),
        if e.warning { "W" } else { "N" },
    ] {
        for b in part.bytes().chain([0]) {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

#[derive(Clone, Debug)]
struct Group {
    /// What its events say, digested ([`said`]), and its namespace.
    said: u64,
    namespace: String,
    /// The index of its first event.
    first: usize,
    last_at: Tick,
    count: u32,
    /// Its name, `OBJECT.HEX` (the first time in hex nanoseconds, made unique per tick).
    name: String,
}

/// The events folded into Event objects so far, kept between write-throughs.
#[derive(Clone, Debug, Default)]
pub(super) struct EventFold {
    /// How many events are folded in.
    seen: usize,
    groups: BTreeMap<u64, Group>,
    /// The live groups by digest (several when digests collide).
    live: BTreeMap<u64, Vec<u64>>,
    /// Groups by their last write, oldest first: the next to expire.
    by_last: BTreeSet<(Tick, u64)>,
    next: u64,
    /// Groups started at the latest tick, so that their names differ.
    at_tick: (Tick, u64),
}

fn namespace_of(e: &KubeEvent) -> &str {
    if e.namespace.is_empty() {
        "default"
    } else {
        &e.namespace
    }
}

/// The Event's name as the event recorder makes it: the object's name and the time in hex
/// nanoseconds (one more nanosecond for each earlier Event begun at the same tick).
fn event_name(e: &KubeEvent, nth: u64) -> String {
    let object = e.object.split_once('/').map_or("", |(_, n)| n);
    let nanos = (u128::from(crate::output::EPOCH_UNIX) * 1_000 + u128::from(e.at)) * 1_000_000
        + u128::from(nth);
    format!("{object}.{nanos:x}")
}

impl EventFold {
    /// Folds in the events after those seen; the groups that changed go into `dirty`.
    fn fold(&mut self, events: &[KubeEvent], dirty: &mut BTreeSet<u64>) {
        for (i, e) in events.iter().enumerate().skip(self.seen) {
            let digest = said(e);
            let alive = self.live.get(&digest).and_then(|ids| {
                ids.iter().copied().find(|id| {
                    self.groups.get(id).is_some_and(|g| {
                        g.last_at + EVENT_TTL > e.at
                            && events.get(g.first).is_some_and(|f| same(f, e))
                    })
                })
            });
            if let Some((id, g)) = alive.and_then(|id| self.groups.get_mut(&id).map(|g| (id, g))) {
                self.by_last.remove(&(g.last_at, id));
                g.count += 1;
                g.last_at = g.last_at.max(e.at);
                self.by_last.insert((g.last_at, id));
                dirty.insert(id);
                continue;
            }
            let nth = if self.at_tick.0 == e.at {
                self.at_tick.1
            } else {
                0
            };
            self.at_tick = (e.at, nth + 1);
            let id = self.next;
            self.next += 1;
            self.live.entry(digest).or_default().push(id);
            self.by_last.insert((e.at, id));
            self.groups.insert(
                id,
                Group {
                    said: digest,
                    namespace: namespace_of(e).to_string(),
                    first: i,
                    last_at: e.at,
                    count: 1,
                    name: event_name(e, nth),
                },
            );
            dirty.insert(id);
        }
        self.seen = events.len();
    }

    /// Forgets the Events last written an hour or more before `now`; their keys.
    fn expire(&mut self, now: Tick) -> Vec<String> {
        let mut gone = Vec::new();
        while let Some(&(last, id)) = self.by_last.first() {
            if last + EVENT_TTL > now {
                break;
            }
            self.by_last.remove(&(last, id));
            if let Some(g) = self.groups.remove(&id) {
                if let Some(ids) = self.live.get_mut(&g.said) {
                    ids.retain(|i| *i != id);
                    if ids.is_empty() {
                        self.live.remove(&g.said);
                    }
                }
                gone.push(format!("/registry/events/{}/{}", g.namespace, g.name));
            }
        }
        gone
    }

    fn emit(&self, w: &mut Writer, events: &[KubeEvent], id: u64) {
        let Some(g) = self.groups.get(&id) else {
            return;
        };
        let Some(e) = events.get(g.first) else {
            return;
        };
        let (kind, api_version) = involved_kind(&e.object);
        let ns = g.namespace.as_str();
        let v = EventValue {
            api_version: "v1",
            count: g.count,
            first_timestamp: timestamp(e.at),
            involved_object: Involved {
                api_version,
                kind,
                name: e.object.split_once('/').map_or("", |(_, n)| n),
                namespace: (kind != "Node").then_some(ns),
            },
            kind: "Event",
            last_timestamp: timestamp(g.last_at),
            message: &e.message,
            metadata: EventMeta {
                creation_timestamp: timestamp(e.at),
                name: &g.name,
                namespace: ns,
            },
            reason: e.reason,
            source: Source {
                component: e.source,
            },
            kind_of_event: e.kind(),
        };
        w.emit(format_args!("/registry/events/{ns}/{}", g.name), &v);
    }

    /// Brings the Events up to `events` at `now`: writes the Events that changed through `w`
    /// and returns the keys of those that expired.
    pub(super) fn sync(&mut self, w: &mut Writer, events: &[KubeEvent], now: Tick) -> Vec<String> {
        let mut dirty = BTreeSet::new();
        self.fold(events, &mut dirty);
        let gone = self.expire(now);
        for id in dirty {
            self.emit(w, events, id);
        }
        gone
    }
}

/// Every Event alive at `now`, from scratch.
pub(super) fn emit_all(w: &mut Writer, events: &[KubeEvent], now: Tick) {
    let mut fold = EventFold::default();
    let _ = fold.sync(w, events, now);
}

/// The involved object's kind and API group version, from `kind/name`.
fn involved_kind(object: &str) -> (&'static str, &'static str) {
    match object.split_once('/').map_or("", |(k, _)| k) {
        "pod" => ("Pod", "v1"),
        "node" => ("Node", "v1"),
        "replicaset" => ("ReplicaSet", "apps/v1"),
        "deployment" => ("Deployment", "apps/v1"),
        "service" => ("Service", "v1"),
        _ => ("", "v1"),
    }
}

#[derive(Serialize)]
struct EventValue<'a> {
    #[serde(rename = "apiVersion")]
    api_version: &'static str,
    count: u32,
    #[serde(rename = "firstTimestamp")]
    first_timestamp: String,
    #[serde(rename = "involvedObject")]
    involved_object: Involved<'a>,
    kind: &'static str,
    #[serde(rename = "lastTimestamp")]
    last_timestamp: String,
    message: &'a str,
    metadata: EventMeta<'a>,
    reason: &'a str,
    source: Source<'a>,
    #[serde(rename = "type")]
    kind_of_event: &'static str,
}

#[derive(Serialize)]
struct Involved<'a> {
    #[serde(rename = "apiVersion")]
    api_version: &'static str,
    kind: &'static str,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    namespace: Option<&'a str>,
}

#[derive(Serialize)]
struct EventMeta<'a> {
    #[serde(rename = "creationTimestamp")]
    creation_timestamp: String,
    name: &'a str,
    namespace: &'a str,
}

#[derive(Serialize)]
struct Source<'a> {
    component: &'a str,
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

    fn stored(events: &[KubeEvent], now: Tick) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        let mut visit = |k: &str, v: &str| {
            out.insert(k.to_string(), v.to_string());
        };
        emit_all(&mut Writer::new(&mut visit), events, now);
        out
    }

    #[test]
    fn repeats_count_on_one_event_until_it_expires_an_hour_after_its_last_write() {
        let hour = EVENT_TTL;
        let events = [
            event(1_000, "pod/a", "m"),
            event(1_000, "pod/b", "m"),
            event(5_000, "pod/a", "m"),
            // An hour and more after a's last write: a new Event.
            event(5_000 + hour, "pod/a", "m"),
        ];
        let at_first = stored(&events[..3], 6_000);
        assert_eq!(at_first.len(), 2, "{at_first:?}");
        let a = at_first
            .iter()
            .find(|(k, _)| k.starts_with("/registry/events/default/a."))
            .map(|(_, v)| serde_json::from_str::<serde_json::Value>(v).unwrap())
            .unwrap();
        assert_eq!(a["count"], 2);
        assert_eq!(a["involvedObject"]["kind"], "Pod");
        // Both began at the same tick: their names differ by one nanosecond.
        let names: Vec<&String> = at_first.keys().collect();
        assert_ne!(names[0].rsplit('.').next(), names[1].rsplit('.').next());
        let later = stored(&events, 5_000 + hour);
        let keys: Vec<&String> = later.keys().collect();
        assert_eq!(keys.len(), 1, "{later:?}");
        assert!(
            !at_first.contains_key(keys[0]),
            "a new Event, not the old one"
        );
    }

    #[test]
    fn the_incremental_fold_ends_where_a_fresh_one_does() {
        let events: Vec<KubeEvent> = (0..40)
            .map(|i| event(i * 400_000, &format!("pod/p{}", i % 3), "m"))
            .collect();
        let mut fold = EventFold::default();
        let mut store = BTreeMap::new();
        for n in [5, 6, 20, 40] {
            let now = events[n - 1].at;
            let mut visit = |k: &str, v: &str| {
                store.insert(k.to_string(), v.to_string());
            };
            let gone = fold.sync(&mut Writer::new(&mut visit), &events[..n], now);
            for k in gone {
                store.remove(&k);
            }
            assert_eq!(store, stored(&events[..n], now), "after {n} events");
        }
    }
}
