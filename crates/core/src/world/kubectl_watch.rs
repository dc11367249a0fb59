//! `kubectl get ... -w` (`--watch`, `--watch-only`): the table, then one line per object each
//! time its row changes. A REPL line has no real time to wait in, so the watch runs the logical
//! clock forward for [`WATCH_MS`] (as `etcdctl watch --for` does) and prints what changed.

use super::{Handled, Reply, World};
use crate::command::kubectl::KubectlCommand;
use crate::event::Tick;
use std::collections::BTreeMap;

/// How long a watch follows changes: 30 logical seconds.
pub const WATCH_MS: Tick = 30_000;
/// How often it looks (the cluster's controllers run on their own timers in between).
const STEP_MS: Tick = 1_000;

/// A table's cells, split where the printer put 3 or more spaces.
fn cells(line: &str) -> Vec<&str> {
    line.split("   ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect()
}

/// The rows of a printed table by object (its cells before AGE), and the header. AGE moves
/// with the clock and is not a change, as kubectl's watch only prints on an update.
fn rows(table: &str) -> (String, BTreeMap<String, (String, String)>) {
    let mut lines = table.lines();
    let header = lines.next().unwrap_or_default().to_string();
    let columns = cells(&header);
    let age = columns.iter().position(|c| *c == "AGE");
    // The object: NAME, after NAMESPACE with -A.
    let key_cells = if columns.first() == Some(&"NAMESPACE") {
        2
    } else {
        1
    };
    let mut out = BTreeMap::new();
    for line in lines {
        let c = cells(line);
        let key = c
            .iter()
            .take(key_cells)
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        let seen: Vec<&str> = c
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != age)
            .map(|(_, x)| *x)
            .collect();
        out.insert(key, (seen.join(" "), line.to_string()));
    }
    (header, out)
}

impl World {
    /// `kubectl get` with `-w` or `--watch-only`.
    pub(super) async fn kubectl_get_watch(&mut self, cmd: &KubectlCommand) -> Handled {
        let mut plain = cmd.clone();
        plain.bools.remove("watch");
        let only = plain.bools.remove("watch-only");
        if matches!(cmd.value("output"), Some("json" | "yaml" | "name")) {
            return Err(super::Failure::new(
                "error: the simulator's watch prints tables only (-o wide or none)",
                1,
            ));
        }
        let first = self.kubectl_get(&plain)?;
        let (header, mut seen) = rows(&first.stdout);
        let mut out = if only {
            String::new()
        } else {
            first.stdout.clone()
        };
        let mut header_shown = !only;
        for _ in 0..WATCH_MS / STEP_MS {
            self.sleep(STEP_MS).await;
            // A named object that went away ends the watch, as its stream closes.
            let Ok(now) = self.kubectl_get(&plain) else {
                break;
            };
            let (_, rows) = rows(&now.stdout);
            for (key, (cells, line)) in &rows {
                if seen.get(key).map(|(c, _)| c) != Some(cells) {
                    if !header_shown {
                        out.push_str(&header);
                        out.push('\n');
                        header_shown = true;
                    }
                    out.push_str(line);
                    out.push('\n');
                }
            }
            seen = rows;
        }
        Ok(Reply {
            stderr: first.stderr,
            ..Reply::out(out)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BuildContext;

    fn ok(w: &mut World, line: &str) -> String {
        let o = w.run_line(line, &BuildContext::default());
        assert_eq!(o.exit_code, 0, "{line}: {}{}", o.stdout, o.stderr);
        o.stdout
    }

    #[test]
    fn a_watch_prints_the_node_that_goes_not_ready_during_its_30_seconds() {
        let mut w = World::new(1);
        ok(&mut w, "cluster create --nodes 2");
        ok(&mut w, "cluster node fail node-2");
        ok(&mut w, "tick 30s");
        let start = w.now();
        let out = ok(&mut w, "kubectl get nodes -w");
        let lines: Vec<&str> = out.lines().collect();
        assert!(lines[0].starts_with("NAME"), "{out}");
        assert!(
            lines[2].starts_with("node-2") && lines[2].contains(" Ready"),
            "{out}"
        );
        // The grace period (50 s after the failure) ends inside the watch.
        assert_eq!(lines.len(), 4, "{out}");
        assert!(
            lines[3].starts_with("node-2") && lines[3].contains("NotReady"),
            "{out}"
        );
        assert!(w.now() >= start + WATCH_MS);
        // Nothing changes in the next 30 s (eviction comes 300 s later): --watch-only is silent.
        assert_eq!(ok(&mut w, "kubectl get nodes --watch-only"), "");
    }

    #[test]
    fn rows_leave_out_age_and_key_by_name() {
        let table = "NAME      READY   STATUS    RESTARTS   AGE\nweb-abc   1/1     Running   0          5s\n";
        let (header, r) = rows(table);
        assert!(header.starts_with("NAME"));
        assert_eq!(r["web-abc"].0, "web-abc 1/1 Running 0");
        let later = table.replace("5s", "9s");
        assert_eq!(rows(&later).1["web-abc"].0, r["web-abc"].0);
    }
}
