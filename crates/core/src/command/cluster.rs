//! The `cluster` command: what a real cluster does outside kubectl (create one, add, fail and
//! recover nodes, choose the scheduling strategy, explain a pod's placement).

use super::ParseError;
use crate::cluster::quantity::{parse_cpu, parse_memory};
use crate::cluster::scheduler::scores::Strategy;

/// Default node size of `cluster create`: 2 CPU, 4Gi.
pub const DEFAULT_CPU_M: u64 = 2_000;
pub const DEFAULT_MEMORY: u64 = 4 << 30;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClusterCommand {
    Create {
        nodes: u32,
        cpu_m: u64,
        memory: u64,
    },
    NodeAdd {
        name: String,
        cpu_m: u64,
        memory: u64,
        labels: Vec<(String, String)>,
    },
    NodeFail {
        name: String,
    },
    NodeRecover {
        name: String,
    },
    /// Without a strategy: print the current one.
    Scheduler {
        strategy: Option<Strategy>,
    },
    Explain {
        pod: String,
        namespace: String,
    },
    Delete,
}

pub const USAGE: &str = "usage: cluster create [--nodes N] [--cpu C] [--memory M]\n       cluster node add NAME [--cpu C] [--memory M] [--label k=v]...\n       cluster node fail NAME | cluster node recover NAME\n       cluster scheduler [least-allocated|most-allocated|round-robin|random]\n       cluster explain POD [-n NAMESPACE]\n       cluster delete\n\nA Kubernetes cluster whose nodes are hosts of this simulation (docker -H node-1 ps shows their pods' containers); talk to it with kubectl.";

fn usage() -> ParseError {
    ParseError::new(USAGE, 1)
}

/// Options as (name, value), in the order given.
type Options = Vec<(String, String)>;

/// `--name value` and `--name=value` options after the fixed words.
fn options(words: &[String]) -> Result<(Vec<String>, Options), ParseError> {
    let mut args = Vec::new();
    let mut opts = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        if let Some(flag) = w
            .strip_prefix("--")
            .or_else(|| w.strip_prefix('-').filter(|f| f.len() == 1))
        {
            let (name, value) = match flag.split_once('=') {
                Some((n, v)) => (n.to_string(), v.to_string()),
                None => {
                    i += 1;
                    let v = words.get(i).ok_or_else(|| {
                        ParseError::new(format!("cluster: flag needs an argument: {w}"), 1)
                    })?;
                    (flag.to_string(), v.clone())
                }
            };
            opts.push((name, value));
        } else {
            args.push(w.clone());
        }
        i += 1;
    }
    Ok((args, opts))
}

fn size(opts: &[(String, String)]) -> Result<(u64, u64), ParseError> {
    let mut cpu = DEFAULT_CPU_M;
    let mut memory = DEFAULT_MEMORY;
    for (name, value) in opts {
        match name.as_str() {
            "cpu" => {
                cpu = parse_cpu(value).filter(|c| *c > 0).ok_or_else(|| {
                    ParseError::new(
                        format!("cluster: invalid --cpu \"{value}\" (e.g. 2, 500m)"),
                        1,
                    )
                })?
            }
            "memory" => {
                memory = parse_memory(value).filter(|m| *m > 0).ok_or_else(|| {
                    ParseError::new(
                        format!("cluster: invalid --memory \"{value}\" (e.g. 4Gi, 512Mi)"),
                        1,
                    )
                })?
            }
            _ => {}
        }
    }
    Ok((cpu, memory))
}

fn refuse_unknown(opts: &[(String, String)], known: &[&str]) -> Result<(), ParseError> {
    match opts.iter().find(|(n, _)| !known.contains(&n.as_str())) {
        Some((n, _)) => Err(ParseError::new(
            format!("cluster: unknown flag: --{n}\n\n{USAGE}"),
            1,
        )),
        None => Ok(()),
    }
}

pub fn parse(words: &[String]) -> Result<ClusterCommand, ParseError> {
    let (args, opts) = options(words)?;
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["create"] => {
            refuse_unknown(&opts, &["nodes", "cpu", "memory"])?;
            let (cpu_m, memory) = size(&opts)?;
            let nodes = match opts.iter().rev().find(|(n, _)| n == "nodes") {
                Some((_, v)) => v.parse().ok().filter(|n| (1..=5000).contains(n)).ok_or_else(|| {
                    ParseError::new(format!("cluster: invalid --nodes \"{v}\" (1 to 5000)"), 1)
                })?,
                None => 3,
            };
            Ok(ClusterCommand::Create { nodes, cpu_m, memory })
        }
        ["node", "add", name] => {
            refuse_unknown(&opts, &["cpu", "memory", "label"])?;
            let (cpu_m, memory) = size(&opts)?;
            let mut labels = Vec::new();
            for (n, v) in &opts {
                if n == "label" {
                    let (k, val) = v.split_once('=').ok_or_else(|| {
                        ParseError::new(format!("cluster: invalid --label \"{v}\" (use key=value)"), 1)
                    })?;
                    labels.push((k.to_string(), val.to_string()));
                }
            }
            Ok(ClusterCommand::NodeAdd { name: name.to_string(), cpu_m, memory, labels })
        }
        ["node", "fail", name] if opts.is_empty() => Ok(ClusterCommand::NodeFail { name: name.to_string() }),
        ["node", "recover", name] if opts.is_empty() => {
            Ok(ClusterCommand::NodeRecover { name: name.to_string() })
        }
        ["scheduler"] if opts.is_empty() => Ok(ClusterCommand::Scheduler { strategy: None }),
        ["scheduler", s] if opts.is_empty() => match Strategy::parse(s) {
            Some(strategy) => Ok(ClusterCommand::Scheduler { strategy: Some(strategy) }),
            None => Err(ParseError::new(
                format!("cluster: unknown strategy \"{s}\": use least-allocated, most-allocated, round-robin or random"),
                1,
            )),
        },
        ["explain", pod] => {
            refuse_unknown(&opts, &["n", "namespace"])?;
            let namespace = opts
                .iter()
                .find(|(n, _)| n == "n" || n == "namespace")
                .map_or("default".to_string(), |(_, v)| v.clone());
            Ok(ClusterCommand::Explain { pod: pod.to_string(), namespace })
        }
        ["delete"] if opts.is_empty() => Ok(ClusterCommand::Delete),
        _ => Err(usage()),
    }
}
