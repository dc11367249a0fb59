//! `cluster explain POD`: one pod's scheduling decision as a table (nodes × filter verdicts,
//! scores, the pick).

use super::table;
use crate::cluster::objects::Pod;
use crate::cluster::scheduler::decision::TABLE_LIMIT;
use crate::cluster::scheduler::filters::FILTERS;
use crate::cluster::Cluster;
use std::fmt::Write;

pub fn explain(cluster: &Cluster, pod: &Pod) -> String {
    let Some(d) = cluster.decision(pod.id) else {
        return match cluster.node_of(pod) {
            Some(node) => format!(
                "pod/{} is on {node}; the scheduler's decision for it is no longer kept\n",
                pod.name
            ),
            None => format!("pod/{} has not been through the scheduler yet\n", pod.name),
        };
    };
    let picked = d.picked.map(|i| cluster.nodes()[i as usize].name.clone());
    let mut out = format!(
        "pod/{} (requests cpu {}, memory {}), strategy {}:\n\n",
        pod.name,
        crate::cluster::quantity::format_cpu(pod.spec.requests().cpu_m),
        crate::cluster::quantity::format_memory(pod.spec.requests().memory),
        d.strategy.name()
    );
    if !d.rows.is_empty() {
        let mut header = vec!["NODE"];
        header.extend(FILTERS);
        header.extend(["SCORE", "PICK"]);
        let rows: Vec<Vec<String>> = d
            .rows
            .iter()
            .map(|r| {
                let mut row = vec![r.node.clone()];
                for reasons in &r.filters {
                    row.push(if reasons.is_empty() {
                        "ok".into()
                    } else {
                        reasons
                            .iter()
                            .map(|x| x.to_string())
                            .collect::<Vec<_>>()
                            .join("; ")
                    });
                }
                row.push(r.score.map_or("-".into(), |s| s.to_string()));
                row.push(if picked.as_deref() == Some(r.node.as_str()) {
                    "<==".into()
                } else {
                    String::new()
                });
                row
            })
            .collect();
        out.push_str(&table(&header, &rows));
        out.push('\n');
    } else {
        let _ = writeln!(
            out,
            "(more than {TABLE_LIMIT} nodes: the decision keeps its summary only)"
        );
    }
    match picked {
        Some(node) => {
            let _ = write!(out, "picked {node}");
            if let Some(score) = d.score {
                let _ = write!(out, " (score {score}");
                if d.tied > 1 {
                    let _ = write!(out, "; {} nodes tied, the seeded RNG chose", d.tied);
                }
                out.push(')');
            }
            let _ = writeln!(out, " from {} feasible of {} nodes", d.feasible, d.nodes);
        }
        None => {
            let _ = writeln!(out, "FailedScheduling: {}", d.failure_message());
        }
    }
    out
}
