//! The local image store: layers by diff_id, images by ID, tags naming images.

use super::config::ImageConfig;
use super::error::ImageError;
use super::id::{DiffId, ImageId};
use super::layer::Layer;
use super::reference::Reference;
use crate::digest::hex_part;
use crate::fs::FsTree;
use std::collections::BTreeMap;

/// An image: its config plus its merged root filesystem (derived from the layers and kept
/// because every container start and build step needs it).
#[derive(Clone, Debug)]
pub struct Image {
    pub id: ImageId,
    pub config: ImageConfig,
    pub rootfs: FsTree,
}

impl Image {
    /// Bytes of all its layers. The store keeps every layer of every image it holds
    /// ([`ImageStore::add_image`] refuses otherwise), so none is missing here.
    pub fn size(&self, store: &ImageStore) -> u64 {
        self.config
            .diff_ids
            .iter()
            .filter_map(|d| store.layer(d))
            .map(|l| l.size)
            .sum()
    }
}

#[derive(Clone, Debug, Default)]
pub struct ImageStore {
    layers: BTreeMap<DiffId, Layer>,
    images: BTreeMap<ImageId, Image>,
    tags: BTreeMap<Reference, ImageId>,
}

impl ImageStore {
    pub fn layer(&self, diff_id: &str) -> Option<&Layer> {
        self.layers.get(diff_id)
    }

    pub fn has_layer(&self, diff_id: &str) -> bool {
        self.layers.contains_key(diff_id)
    }

    pub fn add_layer(&mut self, layer: Layer) {
        self.layers.entry(layer.diff_id.clone()).or_insert(layer);
    }

    pub fn layers(&self) -> impl Iterator<Item = &Layer> {
        self.layers.values()
    }

    /// Stores an image whose layers are all present, returning its ID; an absent layer is
    /// docker's "layer does not exist". Storing the same config twice gives the same ID and
    /// keeps one image.
    pub fn add_image(&mut self, config: ImageConfig) -> Result<ImageId, ImageError> {
        let id = config.id();
        if !self.images.contains_key(&id) {
            let rootfs = self.rootfs_of(&config.diff_ids)?;
            self.images.insert(
                id.clone(),
                Image {
                    id: id.clone(),
                    config,
                    rootfs,
                },
            );
        }
        Ok(id)
    }

    /// The merged filesystem of a stack of stored layers; a layer not in the store is an
    /// error, never a hole in the filesystem.
    pub fn rootfs_of(&self, diff_ids: &[DiffId]) -> Result<FsTree, ImageError> {
        let mut tree = FsTree::new();
        for diff_id in diff_ids {
            let layer = self
                .layers
                .get(diff_id.as_str())
                .ok_or_else(|| ImageError::LayerDoesNotExist(diff_id.clone()))?;
            layer.diff.apply_to(&mut tree);
        }
        Ok(tree)
    }

    pub fn image(&self, id: &str) -> Option<&Image> {
        self.images.get(id)
    }

    pub fn images(&self) -> impl Iterator<Item = &Image> {
        self.images.values()
    }

    /// Points `reference` at image `id`; returns the image it pointed at before, if another.
    pub fn tag(&mut self, reference: Reference, id: &ImageId) -> Option<ImageId> {
        self.tags
            .insert(reference, id.clone())
            .filter(|old| old != id)
    }

    pub fn untag(&mut self, reference: &Reference) -> Option<ImageId> {
        self.tags.remove(reference)
    }

    pub fn tagged(&self, reference: &Reference) -> Option<&str> {
        self.tags.get(reference).map(ImageId::as_str)
    }

    /// All tags, sorted by reference.
    pub fn tags(&self) -> impl Iterator<Item = (&Reference, &ImageId)> {
        self.tags.iter()
    }

    pub fn tags_of<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Reference> + 'a {
        self.tags
            .iter()
            .filter(move |(_, i)| i.as_str() == id)
            .map(|(r, _)| r)
    }

    /// Finds an image by reference (`nginx`, `nginx:1.27`), full ID or unique ID prefix, as
    /// docker does; otherwise docker's "No such image" or, for a prefix of several IDs,
    /// "multiple IDs found".
    pub fn lookup(&self, text: &str) -> Result<&Image, ImageError> {
        let not_found = || ImageError::NoSuchImage(text.to_string());
        if let Ok(reference) = Reference::parse(text) {
            if let Some(id) = self.tags.get(&reference) {
                return self.images.get(id.as_str()).ok_or_else(not_found);
            }
        }
        let prefix = hex_part(text);
        if prefix.is_empty() || !prefix.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(not_found());
        }
        let mut found = self
            .images
            .values()
            .filter(|img| hex_part(&img.id).starts_with(prefix));
        match (found.next(), found.next()) {
            (Some(img), None) => Ok(img),
            (Some(_), Some(_)) => Err(ImageError::AmbiguousPrefix(text.to_string())),
            _ => Err(not_found()),
        }
    }

    /// Removes an image and every layer no remaining image uses. Tags must be gone already.
    pub fn remove_image(&mut self, id: &str) -> Option<Image> {
        let image = self.images.remove(id)?;
        for diff_id in &image.config.diff_ids {
            let still_used = self
                .images
                .values()
                .any(|img| img.config.diff_ids.contains(diff_id));
            if !still_used {
                self.layers.remove(diff_id.as_str());
            }
        }
        Some(image)
    }

    /// Total bytes of all stored layers, each counted once however many images share it.
    pub fn unique_layer_bytes(&self) -> u64 {
        self.layers.values().map(|l| l.size).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::{LayerDiff, Node};

    fn layer(path: &str) -> Layer {
        let mut diff = LayerDiff::new();
        diff.put(path, Node::file(b"x".to_vec()));
        Layer::new(diff)
    }

    #[test]
    fn an_image_whose_layer_is_not_stored_is_refused_not_given_a_hole() {
        let mut store = ImageStore::default();
        let (present, absent) = (layer("/a"), layer("/b"));
        store.add_layer(present.clone());
        let mut config = ImageConfig::new(0);
        config.diff_ids = vec![present.diff_id.clone(), absent.diff_id.clone()];
        assert_eq!(
            store.rootfs_of(&config.diff_ids).unwrap_err(),
            ImageError::LayerDoesNotExist(absent.diff_id.clone())
        );
        assert_eq!(
            store.add_image(config.clone()).unwrap_err().to_string(),
            "layer does not exist"
        );
        assert_eq!(store.images().count(), 0);

        store.add_layer(absent);
        let id = store.add_image(config).unwrap();
        let rootfs = &store.image(&id).unwrap().rootfs;
        assert!(rootfs.stat("/a").is_ok() && rootfs.stat("/b").is_ok());
    }
}
