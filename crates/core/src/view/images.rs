//! Images and their layers, with how many images share each layer.

use super::{short, ImageView, LayerView};
use crate::World;
use std::collections::BTreeMap;

pub(super) fn images(world: &World) -> Vec<ImageView> {
    let store = world.images();
    // diff_id -> number of images using it (a layer listed twice in one image counts once).
    let mut shared: BTreeMap<&str, usize> = BTreeMap::new();
    for image in store.images() {
        let mut ids: Vec<&str> = image.config.diff_ids.iter().map(|d| d.as_str()).collect();
        crate::order::sort(&mut ids);
        ids.dedup();
        for id in ids {
            *shared.entry(id).or_insert(0) += 1;
        }
    }
    let mut users: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for c in world.containers() {
        users
            .entry(c.image_id.as_str())
            .or_default()
            .push(c.name.clone());
    }
    let mut out: Vec<(i64, ImageView)> = store
        .images()
        .map(|image| {
            // History entries that made a layer line up with diff_ids, bottom first.
            let mut made_layers = image
                .config
                .history
                .iter()
                .filter(|h| !h.empty_layer)
                .map(|h| h.created_by.as_str());
            let layers = image
                .config
                .diff_ids
                .iter()
                .map(|d| LayerView {
                    diff_id: short(d),
                    size: store.layer(d).map(|l| l.size).unwrap_or(0),
                    created_by: made_layers.next().unwrap_or("").to_string(),
                    shared_by: shared.get(d.as_str()).copied().unwrap_or(1),
                })
                .collect();
            let mut tags: Vec<String> = store.tags_of(&image.id).map(|r| r.to_string()).collect();
            crate::order::sort(&mut tags);
            let mut used_by = users.get(image.id.as_str()).cloned().unwrap_or_default();
            crate::order::sort(&mut used_by);
            (
                image.config.created,
                ImageView {
                    id: short(&image.id),
                    tags,
                    layers,
                    size: image.size(store),
                    used_by,
                },
            )
        })
        .collect();
    crate::order::sort_by(&mut out, &|a, b| {
        a.0.cmp(&b.0).then_with(|| a.1.id.cmp(&b.1.id))
    });
    out.into_iter().map(|(_, v)| v).collect()
}
