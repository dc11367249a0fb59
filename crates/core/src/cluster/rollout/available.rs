//! The ready pods of each ReplicaSet, kept up to date as pods change instead of counted by a
//! walk over all of a ReplicaSet's pods on every look (a 150,000-pod ReplicaSet was walked
//! several times per reconcile). Each pod the cluster changed since the last look is looked at
//! again; minReadySeconds needs no bookkeeping: a pod is kept with the tick it became ready,
//! and the available ones are those ready for long enough at the clock of the look.

use crate::cluster::objects::{ObjectKey, PodId};
use crate::cluster::slots::Slots;
use crate::cluster::Cluster;
use crate::event::Tick;
use std::collections::BTreeMap;
use std::ops::Bound;

/// Ready pods that have an owner, by owner and by the tick they became ready. Owners are
/// numbered when first seen, so a pod's entry holds a number, not a copy of its owner's key.
#[derive(Clone, Debug, Default)]
pub struct ReadyPods {
    /// Per pod: its owner's number and the tick it became ready.
    pods: Slots<(u32, Tick)>,
    numbers: BTreeMap<ObjectKey, u32>,
    owners: Vec<Owner>,
}

#[derive(Clone, Debug, Default)]
struct Owner {
    total: usize,
    /// How many of its ready pods became ready at each tick.
    since: BTreeMap<Tick, usize>,
}

impl ReadyPods {
    /// Pod `id` is now ready since a tick under an owner, or not (None).
    fn set(&mut self, id: PodId, now: Option<(&ObjectKey, Tick)>) {
        let now = now.map(|(owner, at)| (self.number(owner), at));
        if self.pods.get(&id).copied() == now {
            return;
        }
        if let Some((owner, at)) = self.pods.remove(&id) {
            let o = &mut self.owners[owner as usize];
            o.total -= 1;
            if let Some(n) = o.since.get_mut(&at) {
                *n -= 1;
                if *n == 0 {
                    o.since.remove(&at);
                }
            }
        }
        if let Some((owner, at)) = now {
            let o = &mut self.owners[owner as usize];
            o.total += 1;
            *o.since.entry(at).or_default() += 1;
            self.pods.insert(id, (owner, at));
        }
    }

    /// The number of `owner`, given when first seen.
    fn number(&mut self, owner: &ObjectKey) -> u32 {
        if let Some(&n) = self.numbers.get(owner) {
            return n;
        }
        let n = self.owners.len() as u32;
        self.owners.push(Owner::default());
        self.numbers.insert(owner.clone(), n);
        n
    }

    /// Pods of `owner` ready at a tick no later than `limit`.
    fn ready_by(&self, owner: &ObjectKey, limit: Tick) -> usize {
        let Some(o) = self.numbers.get(owner).map(|&n| &self.owners[n as usize]) else {
            return 0;
        };
        // The pods ready too recently are few: count those and take them away.
        let recent: usize = o
            .since
            .range((Bound::Excluded(limit), Bound::Unbounded))
            .map(|(_, n)| n)
            .sum();
        o.total - recent
    }
}

impl Cluster {
    /// Looks again at the pods changed since the last call.
    fn refresh_ready(&self) {
        let touched = self
            .pods
            .take_touched(crate::cluster::slots::Watcher::Ready);
        if touched.is_empty() {
            return;
        }
        let mut ready = self.ready.borrow_mut();
        for id in touched {
            let now = self.pods.get(&id).and_then(|p| {
                let owner = p.owner.as_ref()?;
                let since = p.ready_since?;
                self.pod_ready(p).then_some((owner, since))
            });
            ready.set(id, now);
        }
    }

    /// Pods of the ReplicaSet `owner` that are available: ready for `min_ready` ms at the
    /// controllers' clock.
    pub(crate) fn available_pods(&self, owner: &ObjectKey, min_ready: Tick) -> usize {
        self.refresh_ready();
        match self.clock.checked_sub(min_ready) {
            Some(limit) => self.ready.borrow().ready_by(owner, limit),
            None => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::objects::Kind;

    fn rs(name: &str) -> ObjectKey {
        ObjectKey {
            kind: Kind::ReplicaSet,
            namespace: "default".into(),
            name: name.into(),
        }
    }

    #[test]
    fn pods_move_between_owners_ticks_and_not_ready() {
        let (a, b) = (rs("a"), rs("b"));
        let mut r = ReadyPods::default();
        r.set(1, Some((&a, 10)));
        r.set(2, Some((&a, 20)));
        r.set(3, Some((&b, 10)));
        assert_eq!(
            (r.ready_by(&a, 9), r.ready_by(&a, 10), r.ready_by(&a, 20)),
            (0, 1, 2)
        );
        r.set(2, Some((&a, 5)));
        assert_eq!(r.ready_by(&a, 9), 1);
        r.set(1, None);
        r.set(1, None);
        assert_eq!((r.ready_by(&a, 100), r.ready_by(&b, 100)), (1, 1));
        r.set(2, None);
        r.set(3, None);
        assert_eq!((r.ready_by(&a, 100), r.ready_by(&b, 100)), (0, 0));
        assert!(r.owners.iter().all(|o| o.total == 0 && o.since.is_empty()));
        assert_eq!(r.pods.values().count(), 0);
    }
}
