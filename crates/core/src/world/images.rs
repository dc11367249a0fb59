//! Image commands: pull, push, images, tag, rmi, history, commit, diff, system df.

use super::filters::{truth, Filters};
use super::{Failure, Handled, Reply, World};
use crate::command::Invocation;
use crate::digest::short_id;
use crate::event::EventKind;
use crate::image::{
    created_at, DiffId, HistoryEntry, ImageConfig, ImageError, ImageId, Layer, Reference,
};
use crate::output::{ellipsis, go_time, human_duration, human_size, since, table};
use crate::program::pattern::fnmatch;
use crate::registry::manifest_digest;
use serde_json::json;
use std::collections::BTreeSet;

#[cfg(test)]
mod tests;

/// Image errors reach the terminal as the docker CLI prints them.
impl From<ImageError> for Failure {
    fn from(error: ImageError) -> Failure {
        if error.from_daemon() {
            Failure::daemon(&error)
        } else {
            Failure::new(error.to_string(), error.exit_code())
        }
    }
}

impl From<crate::registry::RegistryError> for Failure {
    fn from(error: crate::registry::RegistryError) -> Failure {
        ImageError::from(error).into()
    }
}

/// A `docker tag` or `docker commit` target.
fn target_reference(text: &str) -> Result<Reference, ImageError> {
    Reference::parse(text).map_err(|error| ImageError::InvalidTarget {
        text: text.to_string(),
        error,
    })
}

impl World {
    /// Copies an image from the registry, skipping layers already here. Returns docker's
    /// progress text.
    pub(crate) fn pull(&mut self, reference: &Reference) -> Handled {
        let config = self.registry.pull_manifest(reference)?.clone();
        // Every blob first: a manifest naming a missing layer fails the pull before any
        // layer is stored, as a failed download leaves nothing behind.
        let mut fetched = Vec::new();
        for diff_id in &config.diff_ids {
            if !self.engine.images.has_layer(diff_id) {
                fetched.push(self.registry.blob(diff_id)?.clone());
            }
        }
        let mut fetched = fetched.into_iter();
        let mut out = format!(
            "{}: Pulling from {}\n",
            reference.tag,
            reference.remote_path()
        );
        let mut downloaded = Vec::new();
        let mut skipped = Vec::new();
        for diff_id in &config.diff_ids {
            if self.engine.images.has_layer(diff_id) {
                out.push_str(&format!("{}: Already exists\n", short_id(diff_id)));
                skipped.push(diff_id.clone());
            } else if let Some(layer) = fetched.next() {
                out.push_str(&format!("{}: Pull complete\n", short_id(diff_id)));
                self.engine.images.add_layer(layer);
                downloaded.push(diff_id.clone());
            }
        }
        let (digest, _) = manifest_digest(&config);
        let previous = self.engine.images.tagged(reference).map(str::to_string);
        let id = self.engine.images.add_image(config)?;
        self.engine.images.tag(reference.clone(), &id);
        let status = if previous.as_deref() == Some(id.as_str()) {
            format!("Status: Image is up to date for {reference}")
        } else {
            format!("Status: Downloaded newer image for {reference}")
        };
        out.push_str(&format!("Digest: {digest}\n{status}\n"));
        self.emit(EventKind::ImagePulled {
            reference: reference.to_string(),
            id,
            downloaded,
            skipped,
        });
        Ok(Reply::out(out))
    }

    pub(crate) fn cmd_pull(&mut self, inv: &Invocation) -> Handled {
        let text = &inv.args[0];
        let reference = Reference::parse(text).map_err(ImageError::from)?;
        let mut reply = self.pull(&reference)?;
        if !text.contains(':') {
            reply.stdout.insert_str(0, "Using default tag: latest\n");
        }
        reply
            .stdout
            .push_str(&format!("{}\n", reference.qualified()));
        if inv.flags.has("quiet") {
            reply.stdout = format!("{}\n", reference.qualified());
        }
        Ok(reply)
    }

    pub(crate) fn cmd_push(&mut self, inv: &Invocation) -> Handled {
        let text = &inv.args[0];
        let reference = Reference::parse(text).map_err(ImageError::from)?;
        let image = self
            .engine
            .images
            .tagged(&reference)
            .and_then(|id| self.engine.images.image(id))
            .ok_or_else(|| ImageError::NotTaggedLocally(reference.repository.clone()))?;
        let config = image.config.clone();
        let mut out = format!(
            "The push refers to repository [{}]\n",
            reference
                .qualified()
                .rsplit_once(':')
                .map(|(r, _)| r)
                .unwrap_or("")
        );
        let mut pushed = Vec::new();
        let mut skipped = Vec::new();
        // docker lists layers top first.
        for diff_id in config.diff_ids.iter().rev() {
            if self.registry.has_blob(diff_id) {
                out.push_str(&format!("{}: Layer already exists\n", short_id(diff_id)));
                skipped.push(diff_id.clone());
            } else {
                let layer = self
                    .engine
                    .images
                    .layer(diff_id)
                    .cloned()
                    .ok_or_else(|| ImageError::LayerDoesNotExist(diff_id.clone()))?;
                out.push_str(&format!("{}: Pushed\n", short_id(diff_id)));
                self.registry.put_blob(layer);
                pushed.push(diff_id.clone());
            }
        }
        let (digest, size) = manifest_digest(&config);
        self.registry.put_manifest(reference.clone(), config);
        out.push_str(&format!(
            "{}: digest: {digest} size: {size}\n",
            reference.tag
        ));
        self.emit(EventKind::ImagePushed {
            reference: reference.to_string(),
            pushed,
            skipped,
        });
        Ok(Reply::out(out))
    }

    pub(crate) fn cmd_images(&mut self, inv: &Invocation) -> Handled {
        let filters = Filters::parse(inv, "images", &["dangling", "reference"])?;
        filters.check_values("dangling", &["true", "false", "1", "0"])?;
        let filter = inv.args.first().map(|f| Reference::parse(f).ok());
        let no_trunc = inv.flags.has("no-trunc");
        let mut rows: Vec<(i64, serde_json::Value)> = Vec::new();
        for image in self.engine.images.images() {
            let size = human_size(image.size(&self.engine.images));
            let id = if no_trunc {
                image.id.to_string()
            } else {
                image.id.short().to_string()
            };
            let created = format!(
                "{} ago",
                human_duration(since(self.now, image.config.created))
            );
            let mut tags: Vec<&Reference> = self.engine.images.tags_of(&image.id).collect();
            let dangling = tags.is_empty();
            if !filters.accepts("dangling", |d| truth(d) == Some(dangling)) {
                continue;
            }
            if filters.has("reference") {
                // `reference=nginx`, `reference=nginx:1.*`, `reference=*/app`: a glob over the
                // repository, or over repository:tag when it names a tag.
                tags.retain(|r| {
                    filters.accepts("reference", |pattern| {
                        let text = if pattern.contains(':') {
                            format!("{}:{}", r.repository, r.tag)
                        } else {
                            r.repository.clone()
                        };
                        fnmatch(pattern, &text)
                    })
                });
                if tags.is_empty() {
                    continue;
                }
            }
            if let Some(filter) = &filter {
                tags.retain(|r| match filter {
                    Some(f) if inv.args[0].contains(':') => *r == f,
                    Some(f) => r.repository == f.repository,
                    None => false,
                });
                if tags.is_empty() {
                    continue;
                }
            }
            let names: Vec<(String, String)> = if tags.is_empty() {
                vec![("<none>".into(), "<none>".into())]
            } else {
                tags.iter()
                    .map(|r| (r.repository.clone(), r.tag.clone()))
                    .collect()
            };
            for (repo, tag) in names {
                rows.push((
                    image.config.created,
                    json!({"Repository": repo, "Tag": tag, "ID": id, "CreatedSince": created, "CreatedAt": go_time(image.config.created), "Size": size}),
                ));
            }
        }
        // Newest first; equal times by name.
        crate::order::sort_by(&mut rows, &|a, b| {
            b.0.cmp(&a.0).then_with(|| {
                let key = |v: &serde_json::Value| format!("{}:{}", v["Repository"], v["Tag"]);
                key(&a.1).cmp(&key(&b.1))
            })
        });
        let rows: Vec<serde_json::Value> = rows.into_iter().map(|(_, v)| v).collect();
        if inv.flags.has("quiet") {
            let mut seen = BTreeSet::new();
            let ids: String = rows
                .iter()
                .filter_map(|r| r["ID"].as_str())
                .filter(|id| seen.insert(id.to_string()))
                .map(|id| format!("{id}\n"))
                .collect();
            return Ok(Reply::out(ids));
        }
        const COLUMNS: &[(&str, &str)] = &[
            ("REPOSITORY", "Repository"),
            ("TAG", "Tag"),
            ("IMAGE ID", "ID"),
            ("CREATED", "CreatedSince"),
            ("SIZE", "Size"),
        ];
        super::format::print_rows(inv.flags.value("format"), &rows, COLUMNS)
    }

    pub(crate) fn cmd_tag(&mut self, inv: &Invocation) -> Handled {
        let id = self.engine.images.lookup(&inv.args[0])?.id.clone();
        let target = target_reference(&inv.args[1])?;
        self.engine.images.tag(target.clone(), &id);
        self.emit(EventKind::ImageTagged {
            reference: target.to_string(),
            id,
        });
        Ok(Reply::default())
    }

    pub(crate) fn cmd_rmi(&mut self, inv: &Invocation) -> Handled {
        let force = inv.flags.has("force");
        let mut out = String::new();
        // Validate all first: a refusal must leave every image in place.
        let mut plan = Vec::new();
        for text in &inv.args {
            let image = self.engine.images.lookup(text)?;
            let id = image.id.clone();
            let by_reference = Reference::parse(text)
                .ok()
                .filter(|r| self.engine.images.tagged(r) == Some(id.as_str()));
            let tags: Vec<Reference> = self.engine.images.tags_of(&id).cloned().collect();
            let user = self.engine.containers.values().find(|c| c.image_id == id);
            let removes_image = by_reference.is_none() || tags.len() <= 1;
            if let Some(c) = user {
                if removes_image && !force {
                    let container = c.short_id().to_string();
                    let image = id.short().to_string();
                    return Err(match &by_reference {
                        Some(_) => ImageError::ReferenceInUse {
                            reference: text.clone(),
                            container,
                            image,
                        },
                        None => ImageError::ImageInUse { image, container },
                    }
                    .into());
                }
            }
            if by_reference.is_none() && tags.len() > 1 && !force {
                return Err(ImageError::MultipleRepositories(id.short().to_string()).into());
            }
            plan.push((id, by_reference, tags, user.is_some()));
        }
        for (id, by_reference, tags, in_use) in plan {
            let untag: Vec<Reference> = match by_reference {
                Some(r) => vec![r],
                None => tags.clone(),
            };
            for r in &untag {
                if self.engine.images.untag(r).is_some() {
                    out.push_str(&format!("Untagged: {r}\n"));
                    self.emit(EventKind::ImageUntagged {
                        reference: r.to_string(),
                    });
                }
            }
            let still_tagged = self.engine.images.tags_of(&id).next().is_some();
            if !still_tagged && !in_use {
                out.push_str(&format!("Deleted: {id}\n"));
                for (layer, _) in self.delete_image(&id) {
                    out.push_str(&format!("Deleted: {layer}\n"));
                }
            }
        }
        Ok(Reply::out(out))
    }

    /// Deletes an untagged image and the layers no other image uses; returns those layers
    /// with their sizes.
    pub(super) fn delete_image(&mut self, id: &ImageId) -> Vec<(DiffId, u64)> {
        let layers_before: Vec<(DiffId, u64)> = self
            .engine
            .images
            .layers()
            .map(|l| (l.diff_id.clone(), l.size))
            .collect();
        self.engine.images.remove_image(id);
        let deleted: Vec<(DiffId, u64)> = layers_before
            .into_iter()
            .filter(|(d, _)| !self.engine.images.has_layer(d))
            .collect();
        self.emit(EventKind::ImageDeleted {
            id: id.clone(),
            layers: deleted.iter().map(|(d, _)| d.clone()).collect(),
        });
        deleted
    }

    pub(crate) fn cmd_history(&mut self, inv: &Invocation) -> Handled {
        let image = self.engine.images.lookup(&inv.args[0])?;
        let no_trunc = inv.flags.has("no-trunc");
        let mut rows = Vec::new();
        let last = image.config.history.len().saturating_sub(1);
        for (i, entry) in image.config.history.iter().enumerate().rev() {
            let id = if i == last {
                if no_trunc {
                    image.id.to_string()
                } else {
                    image.id.short().to_string()
                }
            } else {
                "<missing>".to_string()
            };
            let created_by = if no_trunc {
                entry.created_by.clone()
            } else {
                ellipsis(&entry.created_by, 45)
            };
            rows.push(json!({
                "ID": id,
                "CreatedSince": format!("{} ago", human_duration(since(self.now, entry.created))),
                "CreatedBy": created_by,
                "Size": human_size(entry.size),
                "Comment": entry.comment,
            }));
        }
        if inv.flags.has("quiet") {
            return Ok(Reply::out(
                rows.iter()
                    .map(|r| format!("{}\n", r["ID"].as_str().unwrap_or("")))
                    .collect::<String>(),
            ));
        }
        const COLUMNS: &[(&str, &str)] = &[
            ("IMAGE", "ID"),
            ("CREATED", "CreatedSince"),
            ("CREATED BY", "CreatedBy"),
            ("SIZE", "Size"),
            ("COMMENT", "Comment"),
        ];
        super::format::print_rows(inv.flags.value("format"), &rows, COLUMNS)
    }

    pub(crate) fn cmd_commit(&mut self, inv: &Invocation) -> Handled {
        let id = self.find_container(&inv.args[0])?;
        let reference = inv.args.get(1).map(|r| target_reference(r)).transpose()?;
        if !inv.flags.values("change").is_empty() {
            return Err(ImageError::ChangeUnsupported.into());
        }
        let Some(c) = self.engine.containers.get(&id) else {
            return Err(Failure::daemon(format!("No such container: {id}")));
        };
        let base = self.engine.images.lookup(&c.image_id)?.config.clone();
        let layer = Layer::new(c.upper.clone());
        let mut config = ImageConfig {
            created: created_at(self.now),
            ..base
        };
        config.config.env = c
            .env
            .iter()
            .filter(|(k, _)| k != "HOSTNAME")
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        config.config.cmd = Some(c.argv.clone());
        config.config.entrypoint = None;
        config.diff_ids.push(layer.diff_id.clone());
        config.history.push(HistoryEntry {
            created: created_at(self.now),
            created_by: c.argv.join(" "),
            empty_layer: false,
            comment: inv.flags.value("message").unwrap_or("").to_string(),
            size: layer.size,
        });
        let container_name = c.name.clone();
        self.engine.images.add_layer(layer);
        let image_id = self.engine.images.add_image(config)?;
        if let Some(r) = reference {
            self.engine.images.tag(r.clone(), &image_id);
            self.emit(EventKind::ImageTagged {
                reference: r.to_string(),
                id: image_id.clone(),
            });
        }
        self.emit(EventKind::ImageCommitted {
            container: container_name,
            id: image_id.clone(),
        });
        Ok(Reply::out(format!("{image_id}\n")))
    }

    pub(crate) fn cmd_diff(&mut self, inv: &Invocation) -> Handled {
        let id = self.find_container(&inv.args[0])?;
        let Some(c) = self.engine.containers.get(&id) else {
            return Err(Failure::daemon(format!("No such container: {id}")));
        };
        // Compared with the image's files; a container whose image is gone has nothing to
        // compare with, and an empty base would list every file as added.
        let lower = &self.engine.images.lookup(&c.image_id)?.rootfs;
        let lines: String = c
            .upper
            .summary(lower)
            .into_iter()
            .map(|(kind, path)| format!("{} {path}\n", kind.letter()))
            .collect();
        Ok(Reply::out(lines))
    }

    pub(crate) fn cmd_system_df(&mut self, _inv: &Invocation) -> Handled {
        let used_images: BTreeSet<&str> = self
            .engine
            .containers
            .values()
            .map(|c| c.image_id.as_str())
            .collect();
        let total_images = self.engine.images.images().count();
        let active_images = self
            .engine
            .images
            .images()
            .filter(|i| used_images.contains(i.id.as_str()))
            .count();
        // Shared layers count once, as docker's SIZE column does.
        let image_bytes = self.engine.images.unique_layer_bytes();
        let used_layers: BTreeSet<&DiffId> = self
            .engine
            .images
            .images()
            .filter(|i| used_images.contains(i.id.as_str()))
            .flat_map(|i| i.config.diff_ids.iter())
            .collect();
        let reclaimable_images: u64 = self
            .engine
            .images
            .layers()
            .filter(|l| !used_layers.contains(&l.diff_id))
            .map(|l| l.size)
            .sum();
        let containers = self.engine.containers.len();
        let running = self
            .engine
            .containers
            .values()
            .filter(|c| c.is_running())
            .count();
        let container_bytes: u64 = self
            .engine
            .containers
            .values()
            .map(|c| c.upper.size())
            .sum();
        let stopped_bytes: u64 = self
            .engine
            .containers
            .values()
            .filter(|c| !c.is_running())
            .map(|c| c.upper.size())
            .sum();
        let volumes = self.engine.volumes.len();
        let used_volumes: BTreeSet<&str> = self
            .engine
            .containers
            .values()
            .flat_map(|c| c.mounts.iter().map(|m| m.source.as_str()))
            .collect();
        let active_volumes = self
            .engine
            .volumes
            .keys()
            .filter(|v| used_volumes.contains(v.as_str()))
            .count();
        let volume_bytes: u64 = self
            .engine
            .volumes
            .values()
            .map(|v| v.files.total_size())
            .sum();
        let unused_volume_bytes: u64 = self
            .engine
            .volumes
            .values()
            .filter(|v| !used_volumes.contains(v.name.as_str()))
            .map(|v| v.files.total_size())
            .sum();
        let cache_records = self.engine.build_cache.len();
        let cache_bytes = self.engine.build_cache.size(&self.engine.images);
        let pct = |part: u64, whole: u64| (part * 100).checked_div(whole).unwrap_or(0);
        let rows = vec![
            vec![
                "Images".into(),
                total_images.to_string(),
                active_images.to_string(),
                human_size(image_bytes),
                format!(
                    "{} ({}%)",
                    human_size(reclaimable_images),
                    pct(reclaimable_images, image_bytes)
                ),
            ],
            vec![
                "Containers".into(),
                containers.to_string(),
                running.to_string(),
                human_size(container_bytes),
                format!(
                    "{} ({}%)",
                    human_size(stopped_bytes),
                    pct(stopped_bytes, container_bytes)
                ),
            ],
            vec![
                "Local Volumes".into(),
                volumes.to_string(),
                active_volumes.to_string(),
                human_size(volume_bytes),
                format!(
                    "{} ({}%)",
                    human_size(unused_volume_bytes),
                    pct(unused_volume_bytes, volume_bytes)
                ),
            ],
            vec![
                "Build Cache".into(),
                cache_records.to_string(),
                "0".into(),
                human_size(cache_bytes),
                human_size(cache_bytes),
            ],
        ];
        Ok(Reply::out(table(
            &["TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE"],
            &rows,
        )))
    }
}
