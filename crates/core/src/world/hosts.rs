//! `host ls | add | rm`: the servers of the World, each with a docker engine of its own.

use super::engine::Engine;
use super::{ContainerId, Failure, Handled, HostName, Reply, World, DEFAULT_HOST};
use crate::command::HostCommand;
use crate::driver::Effect;
use crate::event::EventKind;
use crate::output::table;

/// A host name as a DNS label would take it: letters, digits, `-` and `.`, not starting with
/// `-` or `.`, at most 63 characters.
fn valid_host_name(name: &str) -> bool {
    name.len() <= 63
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
}

impl World {
    /// The names of every host, in order.
    pub fn host_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.parked.keys().map(HostName::to_string).collect();
        names.push(self.host_name.to_string());
        crate::order::sort(&mut names);
        names
    }

    pub(crate) fn has_host(&self, name: &str) -> bool {
        name == self.host_name || self.parked.contains_key(name)
    }

    pub(crate) async fn cmd_host(&mut self, command: HostCommand) -> Handled {
        match command {
            HostCommand::Ls => Ok(Reply::out(self.host_table())),
            HostCommand::Add { names } => self.add_hosts(&names),
            HostCommand::Rm { names, force } => self.remove_hosts(&names, force).await,
        }
    }

    fn host_table(&mut self) -> String {
        let mut rows = Vec::new();
        for name in self.host_names() {
            let row = self.on_host(&name, |w| {
                let running = w.engine.containers.values().filter(|c| c.is_running());
                vec![
                    name.clone(),
                    w.engine.containers.len().to_string(),
                    running.count().to_string(),
                    w.engine.images.images().count().to_string(),
                ]
            });
            rows.extend(row);
        }
        table(&["NAME", "CONTAINERS", "RUNNING", "IMAGES"], &rows)
    }

    fn add_hosts(&mut self, names: &[String]) -> Handled {
        for name in names {
            if !valid_host_name(name) {
                return Err(Failure::new(
                    format!("host: invalid host name \"{name}\": use letters, digits, '-' and '.', starting with a letter or digit"),
                    1,
                ));
            }
            if self.has_host(name) {
                return Err(Failure::new(
                    format!("host: a host named \"{name}\" already exists"),
                    1,
                ));
            }
        }
        let mut out = String::new();
        for name in names {
            self.parked
                .insert(HostName::from(name.as_str()), Box::new(Engine::new()));
            self.on_host(name, |w| {
                w.emit(EventKind::HostAdded {
                    name: name.clone().into(),
                })
            });
            out.push_str(&format!("{name}\n"));
        }
        Ok(Reply::out(out))
    }

    async fn remove_hosts(&mut self, names: &[String], force: bool) -> Handled {
        for name in names {
            if name == DEFAULT_HOST {
                return Err(Failure::new("host: the default host cannot be removed", 1));
            }
            if !self.has_host(name) {
                return Err(Failure::new(format!("host: no such host: {name}"), 1));
            }
            let running = self
                .on_host(name, |w| {
                    w.engine
                        .containers
                        .values()
                        .filter(|c| c.is_running())
                        .count()
                })
                .unwrap_or(0);
            if running > 0 && !force {
                return Err(Failure::new(
                    format!("host: {name} has {running} running container(s): stop them first or use host rm -f"),
                    1,
                ));
            }
        }
        let mut out = String::new();
        for name in names {
            self.enter_host(name);
            let ids: Vec<ContainerId> = self.engine.containers.keys().cloned().collect();
            for id in &ids {
                if let Some(handle) = self.engine.containers.get_mut(id).and_then(|c| {
                    c.stopped_by_user = true;
                    c.main.filter(|_| c.is_running())
                }) {
                    self.kill_and_wait(id, handle).await;
                }
                self.remove_container(id, true);
            }
            self.issue(Effect::RemoveHost);
            self.emit(EventKind::HostRemoved {
                name: name.clone().into(),
                containers: ids.len(),
            });
            self.enter_host(DEFAULT_HOST);
            self.parked.remove(name.as_str());
            self.timers.retain(|(_, t)| !t.is_on(name));
            out.push_str(&format!("{name}\n"));
        }
        Ok(Reply::out(out))
    }
}
