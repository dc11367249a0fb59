//! `etcdctl get|watch`: reads the cluster's key-value store (crate::cluster::store).

use super::{Failure, Handled, Reply, World};
use crate::cluster::store::Change;
use crate::command::etcdctl::{EtcdctlCommand, HELP};
use std::fmt::Write as _;

/// What etcdctl says with no etcd to reach (no cluster).
const NO_ETCD: &str = "Error: context deadline exceeded";

fn matches(key: &str, wanted: &str, prefix: bool) -> bool {
    if prefix {
        key.starts_with(wanted)
    } else {
        key == wanted
    }
}

fn print_change(out: &mut String, c: &Change) {
    let kind = if c.put { "PUT" } else { "DELETE" };
    let _ = write!(out, "{kind}\n{}\n{}\n", c.key, c.value);
}

impl World {
    pub(super) async fn cmd_etcdctl(&mut self, cmd: EtcdctlCommand) -> Handled {
        match cmd {
            EtcdctlCommand::Help => Ok(Reply::out(HELP)),
            EtcdctlCommand::Get {
                key,
                prefix,
                keys_only,
                values_only,
            } => {
                let store = self
                    .cluster
                    .as_ref()
                    .map(|c| c.store())
                    .ok_or_else(|| Failure::new(NO_ETCD, 1))?;
                let mut out = String::new();
                let found: Vec<_> = if prefix {
                    store.prefix(&key).collect()
                } else {
                    store.get(&key).map(|e| (&key, e)).into_iter().collect()
                };
                for (k, e) in found {
                    if keys_only {
                        let _ = write!(out, "{k}\n\n");
                    } else if values_only {
                        let _ = writeln!(out, "{}", e.value);
                    } else {
                        let _ = write!(out, "{k}\n{}\n", e.value);
                    }
                }
                Ok(Reply::out(out))
            }
            EtcdctlCommand::Watch {
                key,
                prefix,
                rev,
                ms,
            } => {
                let now_rev = self
                    .cluster
                    .as_ref()
                    .map(|c| c.store().revision())
                    .ok_or_else(|| Failure::new(NO_ETCD, 1))?;
                // Without --rev a watch sees only what happens after it starts.
                let from = rev.unwrap_or(now_rev + 1);
                let compacted = self
                    .cluster
                    .as_ref()
                    .map_or(0, |c| c.store().compacted_revision());
                if from <= compacted {
                    return Err(Failure::new(
                        "watch was canceled (etcdserver: mvcc: required revision has been compacted)\nError: watch is canceled by the server",
                        1,
                    ));
                }
                self.sleep(ms).await;
                let mut out = String::new();
                if let Some(cluster) = &self.cluster {
                    let changes = cluster.store().changes();
                    let start = changes.partition_point(|c| c.revision < from);
                    for c in &changes[start..] {
                        if matches(&c.key, &key, prefix) {
                            print_change(&mut out, c);
                        }
                    }
                }
                Ok(Reply::out(out))
            }
        }
    }
}
