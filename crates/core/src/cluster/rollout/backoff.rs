//! The kubelet's back-off for an image it cannot pull: `ErrImagePull` at each failed pull,
//! `ImagePullBackOff` while it waits, the wait doubling from 10 s up to 5 minutes.

use crate::cluster::objects::PodId;
use crate::cluster::{Cluster, KubeletAction};
use crate::event::Tick;

pub const INITIAL_MS: Tick = 10_000;
pub const MAX_MS: Tick = 300_000;
/// How long a pod shows `ErrImagePull` after a failed pull before `ImagePullBackOff`.
pub const ERR_IMAGE_PULL_MS: Tick = 5_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    /// The wait after the last failure.
    pub delay: Tick,
    pub failed_at: Tick,
    /// When the kubelet pulls again (`Tick::MAX` once the retry is queued).
    pub retry_at: Tick,
}

impl Cluster {
    /// The kubelet could not pull a pod's image at `now`: `ErrImagePull`, and the next try
    /// after twice the last wait.
    pub(crate) fn pull_failed(&mut self, id: PodId, now: Tick) {
        let delay = self
            .backoff
            .get(&id)
            .map_or(INITIAL_MS, |b| (b.delay * 2).min(MAX_MS));
        self.backoff.insert(
            id,
            Backoff {
                delay,
                failed_at: now,
                retry_at: now + delay,
            },
        );
        if let Some(p) = self.pods.get_mut(&id) {
            p.waiting_reason = Some("ErrImagePull".into());
        }
    }

    /// The pod's container started: no more back-off.
    pub(crate) fn pull_succeeded(&mut self, id: PodId) {
        if self.backoff.remove(&id).is_some() {
            if let Some(p) = self.pods.get_mut(&id) {
                p.waiting_reason = None;
            }
        }
    }

    /// The kubelets' side of the back-off at `now`: waiting pods show `ImagePullBackOff`,
    /// pods whose wait is over are pulled again.
    pub(crate) fn kubelet_backoff(&mut self, now: Tick) {
        let ids: Vec<PodId> = self.backoff.keys().copied().collect();
        for id in ids {
            let Some(pod) = self.pods.get_mut(&id) else {
                self.backoff.remove(&id);
                continue;
            };
            let b = self.backoff[&id];
            if now >= b.failed_at + ERR_IMAGE_PULL_MS
                && pod.waiting_reason.as_deref() == Some("ErrImagePull")
            {
                pod.waiting_reason = Some("ImagePullBackOff".into());
                let image = pod
                    .spec
                    .containers
                    .first()
                    .map_or(String::new(), |c| c.image.clone());
                let object = format!("pod/{}", pod.name);
                self.event(
                    now,
                    false,
                    "BackOff",
                    object,
                    "kubelet",
                    format!("Back-off pulling image \"{image}\""),
                );
            }
            if now >= b.retry_at {
                if let Some(entry) = self.backoff.get_mut(&id) {
                    entry.retry_at = Tick::MAX;
                }
                self.kubelet.push(KubeletAction::Run(id));
            }
        }
    }
}
