//! `docker volume create/ls/inspect/rm`.

use super::container::Volume;
use super::filters::{is_dangling, label_matches, truth, Filters};
use super::{Handled, Reply, World};
use crate::command::Invocation;
use crate::driver::Effect;
use crate::event::EventKind;
use crate::fs::FsTree;
use crate::output::rfc3339;
use serde_json::json;

mod error;
pub use error::{VolumeError, VolumeName};

impl World {
    pub(crate) fn create_volume(
        &mut self,
        name: VolumeName,
        labels: Vec<(String, String)>,
        anonymous: bool,
    ) {
        self.engine.volumes.insert(
            name.clone(),
            Volume {
                name: name.clone(),
                created: self.now,
                labels,
                files: FsTree::new(),
                anonymous,
            },
        );
        self.issue(Effect::CreateVolume { name: name.clone() });
        self.emit(EventKind::VolumeCreated { name });
    }

    pub(super) fn volume_users(&self, name: &str) -> Vec<String> {
        self.engine
            .containers
            .values()
            .filter(|c| c.mounts.iter().any(|m| m.source == name))
            .map(|c| c.id.to_string())
            .collect()
    }

    pub(crate) fn cmd_volume_create(&mut self, inv: &Invocation) -> Handled {
        let name = match (inv.args.first(), inv.flags.value("name")) {
            (Some(a), Some(n)) if a != n => return Err(VolumeError::ConflictingName.into()),
            (Some(a), _) => a.clone(),
            (None, Some(n)) => n.to_string(),
            (None, None) => self.random_hex_id(),
        };
        let name = VolumeName::parse(&name)?;
        if let Some(driver) = inv.flags.value("driver") {
            if driver != "local" {
                return Err(VolumeError::PluginNotFound {
                    name: name.to_string(),
                    driver: driver.to_string(),
                }
                .into());
            }
        }
        // Creating an existing volume is not an error in docker: it prints the name again.
        if !self.engine.volumes.contains_key(name.as_str()) {
            let labels = inv
                .flags
                .values("label")
                .iter()
                .map(|l| {
                    // `--label key` is the key with an empty value, as docker stores it.
                    let (k, v) = l.split_once('=').unwrap_or((l.as_str(), ""));
                    (k.to_string(), v.to_string())
                })
                .collect();
            self.create_volume(name.clone(), labels, false);
        }
        Ok(Reply::out(format!("{name}\n")))
    }

    pub(crate) fn cmd_volume_ls(&mut self, inv: &Invocation) -> Handled {
        let filters = Filters::parse(inv, "volume ls", &["name", "dangling", "driver", "label"])?;
        filters.check_values("dangling", &["true", "false", "1", "0"])?;
        let shown: Vec<&Volume> = self
            .engine
            .volumes
            .values()
            .filter(|v| {
                filters.accepts("name", |n| v.name.contains(n))
                    && filters.accepts("driver", |d| d == "local")
                    && filters.accepts("label", |l| label_matches(l, &v.labels))
                    && filters.accepts("dangling", |d| {
                        truth(d) == Some(is_dangling(v, self.engine.containers.values()))
                    })
            })
            .collect();
        if inv.flags.has("quiet") {
            return Ok(Reply::out(
                shown
                    .iter()
                    .map(|v| format!("{}\n", v.name))
                    .collect::<String>(),
            ));
        }
        let rows: Vec<serde_json::Value> = shown
            .iter()
            .map(|v| json!({"Driver": "local", "Name": v.name, "Scope": "local", "Mountpoint": format!("/var/lib/docker/volumes/{}/_data", v.name)}))
            .collect();
        let columns = [("DRIVER", "Driver"), ("VOLUME NAME", "Name")];
        super::format::print_rows(inv.flags.value("format"), &rows, &columns)
    }

    pub(crate) fn volume_json(&self, v: &Volume) -> serde_json::Value {
        let labels =
            super::inspect::json_map(v.labels.iter().map(|(k, val)| (k.clone(), json!(val))));
        json!({
            "CreatedAt": rfc3339(v.created),
            "Driver": "local",
            "Labels": if labels.is_empty() { serde_json::Value::Null } else { serde_json::Value::Object(labels) },
            "Mountpoint": format!("/var/lib/docker/volumes/{}/_data", v.name),
            "Name": v.name,
            "Options": serde_json::Value::Null,
            "Scope": "local",
        })
    }

    pub(crate) fn cmd_volume_inspect(&mut self, inv: &Invocation) -> Handled {
        let mut items = Vec::new();
        for name in &inv.args {
            let v = self
                .engine
                .volumes
                .get(name.as_str())
                .ok_or_else(|| VolumeError::NoSuchVolume(name.clone()))?;
            items.push(self.volume_json(v));
        }
        super::inspect::print_items(&items, inv.flags.value("format"))
    }

    pub(crate) fn cmd_volume_rm(&mut self, inv: &Invocation) -> Handled {
        // Check every name first so that a refusal removes nothing.
        for name in &inv.args {
            if !self.engine.volumes.contains_key(name.as_str()) {
                if inv.flags.has("force") {
                    continue;
                }
                return Err(VolumeError::NotFound(name.clone()).into());
            }
            let users = self.volume_users(name);
            if !users.is_empty() {
                return Err(VolumeError::InUse {
                    name: name.clone(),
                    users,
                }
                .into());
            }
        }
        let mut out = String::new();
        for name in &inv.args {
            if let Some(volume) = self.engine.volumes.remove(name.as_str()) {
                self.issue(Effect::RemoveVolume {
                    name: volume.name.clone(),
                });
                self.emit(EventKind::VolumeRemoved { name: volume.name });
            }
            out.push_str(&format!("{name}\n"));
        }
        Ok(Reply::out(out))
    }
}
