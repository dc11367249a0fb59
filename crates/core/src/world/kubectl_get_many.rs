//! `kubectl get` of several kinds in one line (`get pods,svc`, `get all`): each kind is asked
//! on its own, as kubectl asks the API server once per kind, and the answers are joined the
//! way kubectl prints them: one table per kind with a blank line between, names written
//! `kind/name` when more than one kind answered (always for `all`), one List for `-o
//! json|yaml`, and "No resources found" only when no kind had anything.

use super::kubectl_get::render;
use super::{Failure, Handled, Reply, World};
use crate::command::kubectl::KubectlCommand;

/// The kinds `kubectl get all` lists that exist here (kubectl's "all" category also names
/// daemonsets, statefulsets, jobs... which the simulated cluster has none of).
const ALL: [&str; 4] = ["pods", "services", "deployments", "replicasets"];

/// Whether a `get` line names several kinds (`pods,svc`) or `all`.
pub(super) fn wanted(args: &[String]) -> bool {
    args.first()
        .is_some_and(|a| !a.contains('/') && (a.contains(',') || a.eq_ignore_ascii_case("all")))
}

/// How kubectl writes a kind before a name (`deployment.apps/web`), by any word for it.
fn prefix(word: &str) -> Option<&'static str> {
    super::kubectl::resource(word)
        .ok()
        .map(super::kubectl::Res::qualified)
        .or_else(|| super::services::qualified(word))
}

/// `table` with each row's NAME written `kind/name` and the columns aligned again. The
/// table is one of ours (print::table): every column starts where its header does.
fn with_kind(table: &str, kind: &str) -> String {
    let mut lines = table.lines();
    let Some(header) = lines.next() else {
        return String::new();
    };
    let chars: Vec<char> = header.chars().collect();
    // A column starts at the header's first letter and after each run of 3+ spaces.
    let starts: Vec<usize> = (0..chars.len())
        .filter(|&i| {
            chars[i] != ' ' && (i == 0 || (i >= 3 && chars[i - 3..i].iter().all(|c| *c == ' ')))
        })
        .collect();
    let cells = |line: &str| -> Vec<String> {
        let chars: Vec<char> = line.chars().collect();
        starts
            .iter()
            .enumerate()
            .map(|(k, &from)| {
                let to = starts
                    .get(k + 1)
                    .copied()
                    .unwrap_or(chars.len())
                    .min(chars.len());
                chars
                    .get(from.min(chars.len())..to)
                    .map(|c| c.iter().collect::<String>().trim_end().to_string())
                    .unwrap_or_default()
            })
            .collect()
    };
    let head = cells(header);
    let name_column = usize::from(head.first().is_some_and(|h| h == "NAMESPACE"));
    let mut rows: Vec<String> = vec![head.join("\t")];
    for line in lines {
        let mut row = cells(line);
        if let Some(name) = row.get_mut(name_column) {
            *name = format!("{kind}/{name}");
        }
        rows.push(row.join("\t"));
    }
    crate::output::align_tab_separated_min(&rows, 6)
}

impl World {
    pub(super) fn kubectl_get_many(&mut self, cmd: &KubectlCommand) -> Handled {
        let first = cmd.args.first().cloned().unwrap_or_default();
        let everything = first.eq_ignore_ascii_case("all");
        let words: Vec<String> = if everything {
            ALL.iter().map(|w| w.to_string()).collect()
        } else {
            first.split(',').map(str::to_string).collect()
        };
        if let Some(unknown) = words.iter().find(|w| prefix(w).is_none()) {
            return Err(Failure::new(
                format!("error: the server doesn't have a resource type \"{unknown}\""),
                1,
            ));
        }
        let output = cmd.value("output").unwrap_or("").to_string();
        let json = matches!(output.as_str(), "json" | "yaml");
        let mut tables: Vec<(&'static str, String)> = Vec::new();
        let mut items: Vec<serde_json::Value> = Vec::new();
        let mut names = String::new();
        let mut errors = String::new();
        for word in &words {
            let mut sub = cmd.clone();
            sub.args = std::iter::once(word.clone())
                .chain(cmd.args[1..].iter().cloned())
                .collect();
            if json {
                sub.values.insert("output".into(), "json".into());
            }
            let reply = if super::services::service_target(&sub.args) {
                self.kubectl_services(&sub)?
            } else {
                self.kubectl_get(&sub)?
            };
            // Each kind's "No resources found": said once below, for all of them.
            errors.extend(
                reply
                    .stderr
                    .lines()
                    .filter(|l| !l.starts_with("No resources found"))
                    .map(|l| format!("{l}\n")),
            );
            if reply.stdout.is_empty() {
                continue;
            }
            if json {
                match serde_json::from_str::<serde_json::Value>(&reply.stdout) {
                    Ok(serde_json::Value::Object(mut list))
                        if list.get("kind").and_then(|k| k.as_str()) == Some("List") =>
                    {
                        if let Some(serde_json::Value::Array(found)) = list.remove("items") {
                            items.extend(found);
                        }
                    }
                    Ok(one) => items.push(one),
                    Err(_) => {}
                }
            } else if output == "name" {
                names.push_str(&reply.stdout);
            } else if let Some(kind) = prefix(word) {
                tables.push((kind, reply.stdout));
            }
        }
        let prefixed = everything || tables.len() > 1;
        let joined: Vec<String> = tables
            .iter()
            .map(|(kind, table)| {
                if prefixed {
                    with_kind(table, kind)
                } else {
                    table.clone()
                }
            })
            .collect();
        let empty = joined.is_empty() && items.is_empty() && names.is_empty();
        let mut reply = Reply::out(render(&output, items, names, joined.join("\n"), false));
        if empty && errors.is_empty() && !json {
            reply.stderr = if cmd.has("all-namespaces") {
                "No resources found\n".into()
            } else {
                format!("No resources found in {} namespace.\n", cmd.namespace())
            };
        }
        if !errors.is_empty() {
            reply.stderr.push_str(&errors);
            reply.exit_code = 1;
        }
        Ok(reply)
    }
}

#[cfg(test)]
mod tests {
    use super::with_kind;

    #[test]
    fn names_get_their_kind_and_the_columns_widen_for_it() {
        let table = crate::cluster::print::table(
            &["NAME", "READY", "NOMINATED NODE"],
            &[
                vec!["web-1".into(), "1/1".into(), "<none>".into()],
                vec!["a".into(), "0/1".into(), "x y".into()],
            ],
        );
        assert_eq!(
            with_kind(&table, "pod"),
            crate::cluster::print::table(
                &["NAME", "READY", "NOMINATED NODE"],
                &[
                    vec!["pod/web-1".into(), "1/1".into(), "<none>".into()],
                    vec!["pod/a".into(), "0/1".into(), "x y".into()],
                ],
            )
        );
    }

    #[test]
    fn with_namespaces_the_name_is_the_second_column() {
        let table = crate::cluster::print::table(
            &["NAMESPACE", "NAME", "AGE"],
            &[vec!["default".into(), "web".into(), "5s".into()]],
        );
        let out = with_kind(&table, "service");
        assert!(
            out.lines()
                .nth(1)
                .unwrap()
                .starts_with("default     service/web   5s"),
            "{out}"
        );
    }
}
