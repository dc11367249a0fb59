//! The prune commands (`docker container prune`, `image prune`, `volume prune`): remove what
//! nothing uses, after docker's `[y/N]` question, which only `-f` can answer here.

use super::{ContainerId, Failure, Handled, Reply, VolumeName, World};
use crate::command::Invocation;
use crate::driver::Effect;
use crate::event::EventKind;
use crate::image::{ImageId, Reference};
use crate::output::human_size;

impl World {
    /// `docker container prune`: every stopped container goes, with its writable layer
    /// (volumes stay).
    pub(crate) fn cmd_container_prune(&mut self, inv: &Invocation) -> Handled {
        confirmed(inv, "WARNING! This will remove all stopped containers.")?;
        let stopped: Vec<(ContainerId, u64)> = self
            .engine
            .containers
            .values()
            // A container waiting to be restarted by its policy is not stopped.
            .filter(|c| !c.is_running() && c.restart_at.is_none())
            .map(|c| (c.id.clone(), c.upper.size()))
            .collect();
        let mut reclaimed = 0;
        for (id, bytes) in &stopped {
            self.remove_container(id, false);
            reclaimed += bytes;
        }
        let ids: Vec<String> = stopped.into_iter().map(|(id, _)| id.0).collect();
        Ok(Reply::out(prune_report(
            "Deleted Containers",
            &ids,
            reclaimed,
        )))
    }

    /// `docker image prune`: untagged images no container uses (with `-a`, every image no
    /// container uses, untagging it first).
    pub(crate) fn cmd_image_prune(&mut self, inv: &Invocation) -> Handled {
        let all = inv.flags.has("all");
        let warning = if all {
            "WARNING! This will remove all images without at least one container associated to them."
        } else {
            "WARNING! This will remove all dangling images."
        };
        confirmed(inv, warning)?;
        let unused: Vec<ImageId> = self
            .engine
            .images
            .images()
            .filter(|i| !self.engine.containers.values().any(|c| c.image_id == i.id))
            .filter(|i| all || self.engine.images.tags_of(&i.id).next().is_none())
            .map(|i| i.id.clone())
            .collect();
        let mut lines = Vec::new();
        let mut reclaimed = 0;
        for id in unused {
            let tags: Vec<Reference> = self.engine.images.tags_of(&id).cloned().collect();
            for r in tags {
                if self.engine.images.untag(&r).is_some() {
                    lines.push(format!("untagged: {r}"));
                    self.emit(EventKind::ImageUntagged {
                        reference: r.to_string(),
                    });
                }
            }
            lines.push(format!("deleted: {id}"));
            for (layer, size) in self.delete_image(&id) {
                lines.push(format!("deleted: {layer}"));
                reclaimed += size;
            }
        }
        Ok(Reply::out(prune_report(
            "Deleted Images",
            &lines,
            reclaimed,
        )))
    }

    /// `docker volume prune`: unused anonymous volumes (with `-a` every unused one).
    pub(crate) fn cmd_volume_prune(&mut self, inv: &Invocation) -> Handled {
        let all = inv.flags.has("all");
        let warning = if all {
            "WARNING! This will remove all local volumes not used by at least one container."
        } else {
            "WARNING! This will remove anonymous local volumes not used by at least one container."
        };
        confirmed(inv, warning)?;
        let unused: Vec<VolumeName> = self
            .engine
            .volumes
            .values()
            .filter(|v| (all || v.anonymous) && self.volume_users(&v.name).is_empty())
            .map(|v| v.name.clone())
            .collect();
        let mut reclaimed = 0;
        for name in &unused {
            if let Some(volume) = self.engine.volumes.remove(name.as_str()) {
                reclaimed += volume.files.total_size();
                self.issue(Effect::RemoveVolume { name: name.clone() });
                self.emit(EventKind::VolumeRemoved { name: name.clone() });
            }
        }
        Ok(Reply::out(prune_report(
            "Deleted Volumes",
            &unused,
            reclaimed,
        )))
    }
}

/// Why a prune did nothing.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
enum PruneError {
    /// Docker's `[y/N]` question, which nobody can answer here: only `-f` goes ahead.
    #[error("{0}\nAre you sure you want to continue? [y/N]\n(simulator: nobody can answer here, so nothing was removed; add -f to confirm)")]
    NotConfirmed(&'static str),
}

impl From<PruneError> for Failure {
    fn from(error: PruneError) -> Failure {
        Failure::new(error.to_string(), 1)
    }
}

fn confirmed(inv: &Invocation, warning: &'static str) -> Result<(), PruneError> {
    if inv.flags.has("force") {
        return Ok(());
    }
    Err(PruneError::NotConfirmed(warning))
}

/// What a prune prints: the removed names under `title`, then the space it freed.
fn prune_report(title: &str, removed: &[impl std::fmt::Display], bytes: u64) -> String {
    let mut out = String::new();
    if !removed.is_empty() {
        out.push_str(&format!("{title}:\n"));
        for name in removed {
            out.push_str(&format!("{name}\n"));
        }
        out.push('\n');
    }
    out.push_str(&format!("Total reclaimed space: {}\n", human_size(bytes)));
    out
}
