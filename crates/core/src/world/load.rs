//! `docker load`: images from a `docker save` tarball or an OCI image layout, which the front
//! hands over in the line's context (see [`crate::command::load_request`]).

use super::{Failure, Handled, Reply, World};
use crate::command::Invocation;
use crate::event::EventKind;
use crate::image::archive::read_archive;
use crate::BuildContext;

impl World {
    pub(crate) fn cmd_load(&mut self, inv: &Invocation, context: &BuildContext) -> Handled {
        let Some(file) = inv.flags.value("input") else {
            return Err(Failure::new(
                "requested load from stdin, but stdin is empty",
                1,
            ));
        };
        let key = crate::command::manifest_key(file);
        let bytes = context
            .read_file(&key)
            .map_err(|_| Failure::new(format!("open {file}: no such file or directory"), 1))?;
        let images = read_archive(bytes).map_err(Failure::daemon)?;
        let mut out = String::new();
        for image in images {
            for layer in image.layers {
                self.engine.images.add_layer(layer);
            }
            let id = self.engine.images.add_image(image.config)?;
            if image.tags.is_empty() {
                out.push_str(&format!("Loaded image ID: {id}\n"));
            }
            for tag in image.tags {
                let old = self.engine.images.tag(tag.clone(), &id);
                if let Some(old) = old.filter(|old| *old != id) {
                    out.push_str(&format!(
                        "The image {tag} already exists, renaming the old one with ID {old} to empty string\n"
                    ));
                }
                self.emit(EventKind::ImageTagged {
                    reference: tag.to_string(),
                    id: id.clone(),
                });
                out.push_str(&format!("Loaded image: {tag}\n"));
            }
        }
        Ok(Reply::out(out))
    }
}
