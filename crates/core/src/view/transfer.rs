//! The latest pull or push, from its event, with layers in stack order where the image is known.

use super::{short, Direction, TransferLayer, TransferView};
use crate::event::EventKind;
use crate::image::Reference;
use crate::World;

pub(super) fn last_transfer(world: &World) -> Option<TransferView> {
    let store = world.images();
    let (direction, reference, image_id, moved, skipped) =
        world.events().iter().rev().find_map(|e| match &e.kind {
            EventKind::ImagePulled {
                reference,
                id,
                downloaded,
                skipped,
            } => Some((
                Direction::Pull,
                reference,
                Some(id.to_string()),
                downloaded,
                skipped,
            )),
            EventKind::ImagePushed {
                reference,
                pushed,
                skipped,
            } => Some((Direction::Push, reference, None, pushed, skipped)),
            _ => None,
        })?;
    let image_id = image_id.or_else(|| {
        Reference::parse(reference)
            .ok()
            .and_then(|r| store.tagged(&r).map(str::to_string))
    });
    // Stack order from the image if it is still here; else transferred ones, then skipped.
    let mut order: Vec<&str> = image_id
        .as_deref()
        .and_then(|id| store.image(id))
        .map(|img| {
            img.config
                .diff_ids
                .iter()
                .map(|d| d.as_str())
                .filter(|d| moved.iter().any(|m| m == d) || skipped.iter().any(|s| s == d))
                .collect()
        })
        .unwrap_or_default();
    if order.len() != moved.len() + skipped.len() {
        order = moved
            .iter()
            .chain(skipped.iter())
            .map(|d| d.as_str())
            .collect();
    }
    let mut view = TransferView {
        direction,
        reference: reference.clone(),
        ..TransferView::default()
    };
    for diff_id in order {
        let size = store.layer(diff_id).map(|l| l.size).unwrap_or(0);
        let transferred = moved.iter().any(|m| m == diff_id);
        if transferred {
            view.transferred_bytes += size;
        } else {
            view.skipped_bytes += size;
        }
        view.layers.push(TransferLayer {
            diff_id: short(diff_id),
            size,
            transferred,
        });
    }
    Some(view)
}
