//! `docker ps`: the container table, its filters and `--format`.

use super::container::{Container, Status};
use super::filters::{label_matches, mounts_volume, name_matches, Filters};
use super::format::print_rows;
use super::{Failure, Handled, Reply, World};
use crate::command::Invocation;
use crate::digest::short_id;
use crate::output::{displayable_ports, ellipsis, go_time, human_duration, human_size, PortEntry};
use serde_json::json;

impl World {
    pub(crate) fn cmd_ps(&mut self, inv: &Invocation) -> Handled {
        let filters = Filters::parse(
            inv,
            "ps",
            &[
                "id", "name", "status", "exited", "ancestor", "label", "volume",
            ],
        )?;
        filters.check_values(
            "status",
            &[
                "created",
                "restarting",
                "running",
                "removing",
                "paused",
                "exited",
                "dead",
            ],
        )?;
        // -n N / -l: the N (1) newest containers, whatever their state.
        let last = match (inv.flags.value("last"), inv.flags.has("latest")) {
            (Some(n), _) => Some(n.parse::<i64>().map_err(|_| {
                Failure::new(
                    format!("invalid argument \"{n}\" for \"-n, --last\" flag: strconv.ParseInt: parsing \"{n}\": invalid syntax\nSee 'docker ps --help'."),
                    125,
                )
            })?),
            (None, true) => Some(1),
            (None, false) => None,
        };
        // Asking for a status (or the last N) lists stopped containers without -a, as docker
        // does; docker's default `-n -1` means all.
        let last = last.filter(|n| *n >= 0).map(|n| n as usize);
        let all = inv.flags.has("all") || filters.has("status") || last.is_some();
        let no_trunc = inv.flags.has("no-trunc");
        // Newest first, as docker lists them.
        let mut shown: Vec<&Container> = self
            .engine
            .containers
            .values()
            .filter(|c| all || c.is_running())
            .filter(|c| self.ps_filters_accept(&filters, c))
            .collect();
        crate::order::sort_by(&mut shown, &|a, b| {
            b.created.cmp(&a.created).then(b.id.cmp(&a.id))
        });
        if let Some(n) = last {
            shown.truncate(n);
        }
        if inv.flags.has("quiet") {
            return Ok(Reply::out(
                shown
                    .iter()
                    .map(|c| format!("{}\n", if no_trunc { &c.id } else { c.short_id() }))
                    .collect::<String>(),
            ));
        }
        let rows: Vec<serde_json::Value> = shown.iter().map(|c| self.ps_row(c, no_trunc)).collect();
        print_rows(inv.flags.value("format"), &rows, PS_COLUMNS)
    }

    fn ps_filters_accept(&self, filters: &Filters, c: &Container) -> bool {
        filters.accepts("id", |v| c.id.starts_with(v))
            && filters.accepts("name", |v| name_matches(v, &c.name))
            && filters.accepts("status", |v| v == c.status.as_str())
            && filters.accepts("exited", |v| {
                c.status == Status::Exited && v.parse() == Ok(c.exit_code)
            })
            && filters.accepts("ancestor", |v| {
                c.image_ref == v
                    || c.image_id.trim_start_matches("sha256:").starts_with(v)
                    || self
                        .engine
                        .images
                        .lookup(v)
                        .is_ok_and(|i| i.id == c.image_id)
            })
            && filters.accepts("label", |v| label_matches(v, &c.labels))
            && filters.accepts("volume", |v| mounts_volume(c, v))
    }

    /// docker ps's PORTS: while the container runs, its published ports and the ports its
    /// image exposes without one; nothing once it stopped (its network is gone).
    fn ports_text(&self, c: &Container) -> String {
        if !c.is_running() {
            return String::new();
        }
        let mut ports: Vec<PortEntry> = c
            .ports
            .iter()
            .map(|p| PortEntry {
                container_port: p.container_port,
                host: Some((p.host_ip.clone(), p.host_port)),
                proto: p.proto.clone(),
            })
            .collect();
        let exposed = self
            .engine
            .images
            .image(&c.image_id)
            .map(|i| &i.config.config.exposed_ports);
        for spec in exposed.into_iter().flatten() {
            let (number, proto) = spec.split_once('/').unwrap_or((spec.as_str(), "tcp"));
            let Ok(container_port) = number.parse::<u16>() else {
                continue;
            };
            let published = c
                .ports
                .iter()
                .any(|p| p.container_port == container_port && p.proto == proto);
            if !published {
                ports.push(PortEntry {
                    container_port,
                    host: None,
                    proto: proto.to_string(),
                });
            }
        }
        displayable_ports(ports)
    }

    fn ps_row(&self, c: &Container, no_trunc: bool) -> serde_json::Value {
        let command = format!("\"{}\"", c.argv.join(" "));
        let command = if no_trunc {
            command
        } else {
            format!("\"{}\"", ellipsis(command.trim_matches('"'), 20))
        };
        let status = match (c.status, c.restart_at) {
            (Status::Running, _) => format!(
                "Up {}",
                human_duration(self.now - c.started_at.unwrap_or(self.now))
            ),
            (Status::Exited, Some(_)) => format!(
                "Restarting ({}) {} ago",
                c.exit_code,
                human_duration(self.now - c.finished_at.unwrap_or(self.now))
            ),
            (Status::Exited, None) => format!(
                "Exited ({}) {} ago",
                c.exit_code,
                human_duration(self.now - c.finished_at.unwrap_or(self.now))
            ),
            (Status::Created, _) => "Created".to_string(),
        };
        let image = if c.image_ref.is_empty() {
            short_id(&c.image_id).to_string()
        } else {
            c.image_ref.clone()
        };
        json!({
            "ID": if no_trunc { c.id.as_str() } else { c.short_id() },
            "Image": image,
            "Command": command,
            "CreatedAt": go_time(c.created),
            "RunningFor": format!("{} ago", human_duration(self.now - c.created)),
            "Status": status,
            "State": c.status.as_str(),
            "Ports": self.ports_text(c),
            "Names": c.name,
            "Size": format!("{} (virtual {})", human_size(c.upper.size()), human_size(c.upper.size() + self.engine.images.image(&c.image_id).map(|i| i.size(&self.engine.images)).unwrap_or(0))),
            "Mounts": c.mounts.iter().map(|m| m.source.chars().take(15).collect::<String>()).collect::<Vec<_>>().join(","),
            "Labels": c.labels.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(","),
        })
    }
}

/// Columns of `docker ps`: header and the field `--format` uses.
const PS_COLUMNS: &[(&str, &str)] = &[
    ("CONTAINER ID", "ID"),
    ("IMAGE", "Image"),
    ("COMMAND", "Command"),
    ("CREATED", "RunningFor"),
    ("STATUS", "Status"),
    ("PORTS", "Ports"),
    ("NAMES", "Names"),
];
