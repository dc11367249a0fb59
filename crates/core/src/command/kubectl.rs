//! `kubectl` lines: the verb, its arguments and flags, parsed the way kubectl (cobra/pflag)
//! parses them, refusing unknown flags in kubectl's words.

use super::ParseError;
use std::collections::{BTreeMap, BTreeSet};

/// Flags that take a value: (long, short).
const VALUE_FLAGS: &[(&str, Option<char>)] = &[
    ("namespace", Some('n')),
    ("output", Some('o')),
    ("selector", Some('l')),
    ("filename", Some('f')),
    ("container", Some('c')),
    ("replicas", None),
    ("image", None),
    ("requests", None),
    ("limits", None),
    ("grace-period", None),
    ("tail", None),
    ("labels", None),
    ("to-revision", None),
    ("port", None),
    ("target-port", None),
    ("protocol", None),
    ("type", None),
    ("name", None),
    ("tcp", None),
    ("node-port", None),
    ("cluster-ip", None),
    ("clusterip", None),
    ("revision", None),
];

/// Flags without a value.
const BOOL_FLAGS: &[(&str, Option<char>)] = &[
    ("all-namespaces", Some('A')),
    ("show-labels", None),
    ("ignore-daemonsets", None),
    ("delete-emptydir-data", None),
    ("force", None),
    ("overwrite", None),
    ("all", None),
    ("stdin", Some('i')),
    ("tty", Some('t')),
    ("watch", Some('w')),
    ("watch-only", None),
    ("help", Some('h')),
    ("client", None),
];

/// The verbs this kubectl has.
pub const VERBS: &[&str] = &[
    "get", "describe", "create", "run", "scale", "set", "label", "delete", "cordon", "uncordon",
    "drain", "logs", "exec", "top", "apply", "version", "rollout", "annotate", "expose",
];

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KubectlCommand {
    pub verb: String,
    pub args: Vec<String>,
    /// Value flags by long name (the last one given wins).
    pub values: BTreeMap<String, String>,
    pub bools: BTreeSet<String>,
    /// What follows `--` (`kubectl exec POD -- CMD`).
    pub command: Vec<String>,
}

impl KubectlCommand {
    pub fn value(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    pub fn has(&self, name: &str) -> bool {
        self.bools.contains(name)
    }

    /// `-n` (default `default`).
    pub fn namespace(&self) -> &str {
        self.value("namespace").unwrap_or("default")
    }
}

fn err(message: String) -> ParseError {
    ParseError::new(message, 1)
}

pub fn parse(words: &[String]) -> Result<KubectlCommand, ParseError> {
    let mut cmd = KubectlCommand::default();
    let mut i = 0;
    let mut positional = Vec::new();
    while i < words.len() {
        let w = &words[i];
        i += 1;
        if w == "--" {
            cmd.command = words[i..].to_vec();
            break;
        }
        let (name, inline) = if let Some(long) = w.strip_prefix("--") {
            match long.split_once('=') {
                Some((n, v)) => (n.to_string(), Some(v.to_string())),
                None => (long.to_string(), None),
            }
        } else if let Some(short) = w.strip_prefix('-').filter(|s| !s.is_empty()) {
            let c = short.chars().next().unwrap_or('-');
            let rest = short[c.len_utf8()..].trim_start_matches('=');
            let long = VALUE_FLAGS
                .iter()
                .chain(BOOL_FLAGS)
                .find(|(_, s)| *s == Some(c))
                .map(|(l, _)| l.to_string())
                .ok_or_else(|| {
                    err(format!(
                        "error: unknown shorthand flag: '{c}' in {w}\nSee 'kubectl {} --help' for usage.",
                        verb_or_kubectl(&positional)
                    ))
                })?;
            (long, (!rest.is_empty()).then(|| rest.to_string()))
        } else {
            positional.push(w.clone());
            continue;
        };
        if VALUE_FLAGS.iter().any(|(l, _)| *l == name) {
            let value = match inline {
                Some(v) => v,
                None => {
                    let v = words
                        .get(i)
                        .cloned()
                        .ok_or_else(|| err(format!("error: flag needs an argument: --{name}")))?;
                    i += 1;
                    v
                }
            };
            cmd.values.insert(name, value);
        } else if BOOL_FLAGS.iter().any(|(l, _)| *l == name) {
            if inline.as_deref() != Some("false") {
                cmd.bools.insert(name);
            }
        } else {
            return Err(err(format!(
                "error: unknown flag: --{name}\nSee 'kubectl {} --help' for usage.",
                verb_or_kubectl(&positional)
            )));
        }
    }
    let Some(verb) = positional.first().cloned() else {
        // `kubectl` alone prints its help, as `kubectl --help` does.
        cmd.bools.insert("help".into());
        return Ok(cmd);
    };
    if !VERBS.contains(&verb.as_str()) {
        return Err(err(format!(
            "error: unknown command \"{verb}\" for \"kubectl\"\nRun 'kubectl --help' for usage."
        )));
    }
    cmd.verb = verb;
    cmd.args = positional[1..].to_vec();
    Ok(cmd)
}

fn verb_or_kubectl(positional: &[String]) -> String {
    positional.first().cloned().unwrap_or_default()
}

/// `kubectl` with no verb, or `kubectl --help`.
pub const HELP: &str =
    "kubectl controls the Kubernetes cluster manager (simulated: `cluster create` makes one).

Basic Commands:
  create        Create a deployment (create deployment NAME --image=IMAGE [--replicas=N])
  run           Run a particular image on the cluster (run NAME --image=IMAGE)
  expose        Take a deployment or pod and expose it as a new Kubernetes service
  get           Display one or many resources (nodes, pods, deployments, replicasets, events,
                services, endpoints, endpointslices; several as pods,svc; all);
                -w/--watch then prints a line per change during the next 30 logical seconds
                (the clock runs forward; a real watch runs until interrupted), --watch-only
                prints the changes alone
  delete        Delete resources by file names, resource and names, or by label selector
  set           Set specific features on objects (set resources deployment NAME --requests=cpu=100m)
  label         Update the labels on a resource
  annotate      Update the annotations on a resource

Deploy Commands:
  scale         Set a new size for a deployment (scale deployment/NAME --replicas=N)
  rollout       Manage the rollout of a deployment (status, history, undo, pause, resume, restart)

Cluster Management Commands:
  top           Display resource (CPU/memory) usage of nodes or pods
  cordon        Mark node as unschedulable
  uncordon      Mark node as schedulable
  drain         Drain node in preparation for maintenance

Troubleshooting and Debugging Commands:
  describe      Show details of a specific resource
  logs          Print the logs for a container in a pod
  exec          Execute a command in a container (exec POD -- CMD)

Advanced Commands:
  apply         Apply a configuration to a resource by file name (apply -f FILE)

Usage:
  kubectl [flags] [options]
";

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        line.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn flags_in_every_spelling() {
        let c = parse(&words("get pods -n kube -o=wide -lapp=web --show-labels")).unwrap();
        assert_eq!(c.verb, "get");
        assert_eq!(c.args, ["pods"]);
        assert_eq!(c.namespace(), "kube");
        assert_eq!(c.value("output"), Some("wide"));
        assert_eq!(c.value("selector"), Some("app=web"));
        assert!(c.has("show-labels"));
        let c = parse(&words("exec web -- ls -l /")).unwrap();
        assert_eq!(c.command, ["ls", "-l", "/"]);
        let e = parse(&words("get pods --bogus")).unwrap_err();
        assert_eq!(
            e.message,
            "error: unknown flag: --bogus\nSee 'kubectl get --help' for usage."
        );
        assert!(parse(&words("")).unwrap().has("help"));
        let e = parse(&words("fly")).unwrap_err();
        assert!(e
            .message
            .starts_with("error: unknown command \"fly\" for \"kubectl\""));
    }
}
