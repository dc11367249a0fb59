//! Tab completion shared by every front (the `sim` REPL and the browser terminal): docker
//! subcommands and their flags from the command table, so they never drift apart, and the names
//! of containers, images and volumes.

use super::flags::Kind;
use super::spec::{Sub, SubSpec, SUBCOMMANDS};
use crate::world::World;
use std::collections::BTreeSet;

/// Images the simulator knows without a build, offered before any was used.
const KNOWN_IMAGES: &[&str] = &["alpine", "busybox", "mysql", "nginx", "redis"];

/// The names a command line can refer to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Names {
    pub containers: BTreeSet<String>,
    pub images: BTreeSet<String>,
    pub volumes: BTreeSet<String>,
    /// Host ports the default host's running containers publish (`curl localhost:PORT`).
    pub ports: BTreeSet<u16>,
    /// The cluster's pods, nodes and deployments (empty without a cluster).
    pub pods: BTreeSet<String>,
    pub nodes: BTreeSet<String>,
    pub deployments: BTreeSet<String>,
}

impl Names {
    /// What exists in `world` now (read-only: no events, no state change).
    pub fn of_world(world: &World) -> Names {
        let store = world.images();
        let cluster = world.cluster();
        Names {
            containers: world.containers().map(|c| c.name.clone()).collect(),
            images: store
                .tags()
                .map(|(reference, _)| reference.to_string())
                .collect(),
            volumes: world.volumes().map(|v| v.name.to_string()).collect(),
            ports: world
                .published_ports(crate::DEFAULT_HOST)
                .iter()
                .map(|p| p.host_port)
                .collect(),
            pods: cluster
                .iter()
                .flat_map(|c| c.pods().map(|p| p.name.clone()))
                .collect(),
            nodes: cluster
                .iter()
                .flat_map(|c| c.nodes().iter().map(|n| n.name.clone()))
                .collect(),
            deployments: cluster
                .iter()
                .flat_map(|c| c.deployments().map(|d| d.name.clone()))
                .collect(),
        }
    }

    fn images(&self) -> impl Iterator<Item = String> + '_ {
        self.images
            .iter()
            .map(String::as_str)
            .chain(KNOWN_IMAGES.iter().copied())
            .flat_map(|image| {
                // Offer both `nginx:latest` and the `nginx` people type.
                let short = image.strip_suffix(":latest").map(str::to_string);
                std::iter::once(image.to_string()).chain(short)
            })
    }
}

/// Candidates for the word that ends at byte `pos` of `line`, and the byte where that word
/// starts. `first_words` are what a line may begin with (each front has its own extras).
pub fn candidates(
    line: &str,
    pos: usize,
    names: &Names,
    first_words: &[&str],
) -> (usize, Vec<String>) {
    let pos = floor_char_boundary(line, pos);
    let before = &line[..pos];
    let start = before
        .rfind(char::is_whitespace)
        .map(|i| i + before[i..].chars().next().map_or(1, char::len_utf8))
        .unwrap_or(0);
    let prefix = &before[start..];
    let words: Vec<&str> = before[..start].split_whitespace().collect();
    let mut options: Vec<String> = match words.split_first() {
        None => first_words.iter().map(|w| w.to_string()).collect(),
        Some((&"docker", rest)) => docker_words(rest, prefix, names),
        Some((&"curl", _)) => host_program_words(CURL_FLAGS, prefix, names),
        Some((&"wget", _)) => host_program_words(WGET_FLAGS, prefix, names),
        Some((&"kubectl", rest)) => kubectl_words(rest, names),
        Some((&"cluster", rest)) => cluster_words(rest, names),
        Some((&"etcdctl", rest)) => etcdctl_words(rest, prefix),
        Some(_) => Vec::new(),
    };
    options.retain(|o| o.starts_with(prefix));
    crate::order::sort(&mut options);
    options.dedup();
    (start, options)
}

/// The flags of the host's curl and wget that the simulator knows.
const CURL_FLAGS: &[&str] = &[
    "--fail",
    "--head",
    "--include",
    "--location",
    "--output",
    "--silent",
    "--show-error",
    "--verbose",
    "-I",
    "-L",
    "-O",
    "-S",
    "-f",
    "-i",
    "-o",
    "-s",
    "-v",
];
const WGET_FLAGS: &[&str] = &["-O", "-O-", "-q", "-qO-"];

/// A host program's flags (after a `-`), or the URLs of the ports the host publishes.
fn host_program_words(flags: &[&str], prefix: &str, names: &Names) -> Vec<String> {
    if prefix.starts_with('-') {
        return flags.iter().map(|f| f.to_string()).collect();
    }
    names
        .ports
        .iter()
        .flat_map(|p| [format!("localhost:{p}"), format!("http://localhost:{p}/")])
        .collect()
}

/// The longest common prefix of `options` (what a single Tab can fill in).
pub fn common_prefix(options: &[String]) -> &str {
    let Some(first) = options.first() else {
        return "";
    };
    let mut end = first.len();
    for other in &options[1..] {
        end = first[..end]
            .char_indices()
            .zip(other.chars())
            .take_while(|((_, a), b)| a == b)
            .last()
            .map_or(0, |((i, a), _)| i + a.len_utf8());
    }
    &first[..end]
}

/// kubectl: the verb, then a resource type, then names of that type.
fn kubectl_words(rest: &[&str], names: &Names) -> Vec<String> {
    const TYPES: &[&str] = &[
        "all",
        "deployments",
        "endpoints",
        "endpointslices",
        "events",
        "nodes",
        "pods",
        "replicasets",
        "services",
    ];
    let words: Vec<&str> = rest
        .iter()
        .copied()
        .filter(|w| !w.starts_with('-'))
        .collect();
    let of_type = |t: &str| -> Vec<String> {
        match t {
            "nodes" | "node" | "no" => names.nodes.iter().cloned().collect(),
            "pods" | "pod" | "po" => names.pods.iter().cloned().collect(),
            "deployments" | "deployment" | "deploy" => names.deployments.iter().cloned().collect(),
            _ => Vec::new(),
        }
    };
    match words.as_slice() {
        [] => super::kubectl::VERBS
            .iter()
            .map(|v| v.to_string())
            .collect(),
        ["cordon" | "uncordon" | "drain", ..] => names.nodes.iter().cloned().collect(),
        ["logs" | "exec", ..] => names.pods.iter().cloned().collect(),
        ["top"] => vec!["nodes".into(), "pods".into()],
        ["create"] => vec!["deployment".into()],
        ["set"] => vec!["resources".into()],
        ["set", "resources"] => vec!["deployment".into()],
        ["set", "resources", t, ..] => of_type(t),
        ["scale"] => names
            .deployments
            .iter()
            .map(|d| format!("deployment/{d}"))
            .collect(),
        // `all` is a category `get` lists, not a type the other verbs take here.
        [verb @ ("get" | "describe" | "delete" | "label")] => TYPES
            .iter()
            .filter(|t| *verb == "get" || **t != "all")
            .map(|t| t.to_string())
            .collect(),
        ["get" | "describe" | "delete" | "label", t, ..] => of_type(t),
        _ => Vec::new(),
    }
}

/// etcdctl: its subcommands, then its flags or the store's key prefixes.
fn etcdctl_words(rest: &[&str], prefix: &str) -> Vec<String> {
    const KEYS: &[&str] = &[
        "/registry/",
        "/registry/deployments/",
        "/registry/minions/",
        "/registry/pods/",
        "/registry/replicasets/",
        "/registry/services/endpoints/",
        "/registry/services/specs/",
    ];
    let words = match rest {
        [] => super::etcdctl::SUBCOMMANDS,
        ["get" | "watch", ..] if prefix.starts_with('-') => super::etcdctl::FLAGS,
        ["get" | "watch", ..] => KEYS,
        _ => &[],
    };
    words.iter().map(|w| w.to_string()).collect()
}

/// `cluster`: its subcommands, strategies and node names.
fn cluster_words(rest: &[&str], names: &Names) -> Vec<String> {
    match rest {
        [] => ["create", "node", "scheduler", "explain", "delete"]
            .map(String::from)
            .to_vec(),
        ["node"] => ["add", "fail", "recover"].map(String::from).to_vec(),
        ["node", "fail" | "recover"] => names.nodes.iter().cloned().collect(),
        ["scheduler"] => crate::cluster::scheduler::scores::Strategy::ALL
            .iter()
            .map(|s| s.name().to_string())
            .collect(),
        ["explain"] => names.pods.iter().cloned().collect(),
        ["create", ..] => ["--nodes", "--cpu", "--memory"].map(String::from).to_vec(),
        _ => Vec::new(),
    }
}

fn floor_char_boundary(text: &str, pos: usize) -> usize {
    let mut pos = pos.min(text.len());
    while !text.is_char_boundary(pos) {
        pos -= 1;
    }
    pos
}

fn docker_words(rest: &[&str], prefix: &str, names: &Names) -> Vec<String> {
    let Some((spec, after)) = find_spec(rest) else {
        // Still choosing the subcommand: the next word of every spelling that fits.
        let mut next: Vec<String> = SUBCOMMANDS
            .iter()
            .flat_map(|s| s.names.iter())
            .filter_map(|name| {
                let words: Vec<&str> = name.split(' ').collect();
                (words.len() > rest.len() && words[..rest.len()] == *rest)
                    .then(|| words[rest.len()].to_string())
            })
            .collect();
        if rest.is_empty() {
            next.push("--help".into());
        }
        return next;
    };
    if prefix.starts_with('-') {
        let mut flags: Vec<String> = spec.flags.iter().map(|f| format!("--{}", f.long)).collect();
        flags.push("--help".into());
        return flags;
    }
    // The word after a flag that takes a value is that value: nothing to offer.
    if after
        .last()
        .is_some_and(|previous| takes_value(spec, previous))
    {
        return Vec::new();
    }
    // Which argument this word is: the first names a container or an image; later ones are
    // mostly the program's own arguments.
    let first_arg = positionals(spec, after) == 0;
    let containers = || names.containers.iter().cloned();
    match spec.sub {
        Sub::Start | Sub::Stop | Sub::Restart | Sub::Kill | Sub::Rm | Sub::Logs => {
            containers().collect()
        }
        Sub::Exec | Sub::Port | Sub::Commit | Sub::Diff | Sub::Top | Sub::Rename if first_arg => {
            containers().collect()
        }
        Sub::Run | Sub::Create | Sub::History | Sub::Pull | Sub::Push if first_arg => {
            names.images().collect()
        }
        Sub::Tag | Sub::Rmi => names.images().collect(),
        Sub::Inspect => containers().chain(names.images()).collect(),
        Sub::ContainerInspect => containers().collect(),
        Sub::ImageInspect => names.images().collect(),
        Sub::VolumeRm | Sub::VolumeInspect => names.volumes.iter().cloned().collect(),
        _ => Vec::new(),
    }
}

/// The subcommand whose (longest) spelling starts `words`, and the words after it.
fn find_spec<'w, 'a>(words: &'w [&'a str]) -> Option<(&'static SubSpec, &'w [&'a str])> {
    SUBCOMMANDS
        .iter()
        .flat_map(|spec| spec.names.iter().map(move |name| (spec, name)))
        .filter_map(|(spec, name)| {
            let name_words: Vec<&str> = name.split(' ').collect();
            (words.len() >= name_words.len() && words[..name_words.len()] == *name_words)
                .then_some((spec, name_words.len()))
        })
        .max_by_key(|(_, len)| *len)
        .map(|(spec, len)| (spec, &words[len..]))
}

/// `word` is a flag of `spec` whose value is the next word.
fn takes_value(spec: &SubSpec, word: &str) -> bool {
    spec.flags.iter().any(|f| {
        f.kind == Kind::Value
            && (word == format!("--{}", f.long) || f.short.is_some_and(|c| word == format!("-{c}")))
    })
}

/// How many arguments (not flags, not flag values) `words` holds.
fn positionals(spec: &SubSpec, words: &[&str]) -> usize {
    let mut count = 0;
    let mut skip_value = false;
    for word in words {
        if skip_value {
            skip_value = false;
        } else if word.starts_with('-') && *word != "-" {
            skip_value = !word.contains('=') && takes_value(spec, word);
        } else {
            count += 1;
        }
    }
    count
}

/// The line is at a `docker build` argument that names a path (the context or `-f FILE`).
pub fn wants_path(before: &str) -> bool {
    let mut words: Vec<&str> = before.split_whitespace().collect();
    let typing = if before.ends_with(char::is_whitespace) {
        ""
    } else {
        words.pop().unwrap_or("")
    };
    if words.first() != Some(&"docker") || typing.starts_with('-') {
        return false;
    }
    match find_spec(&words[1..]) {
        Some((spec, after)) if spec.sub == Sub::Build => {
            let previous = after.last().copied().unwrap_or("");
            !takes_value(spec, previous) || previous == "-f" || previous == "--file"
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::BuildContext;

    const FIRST: &[&str] = &["docker", "events", "exit", "tick"];

    fn complete(names: &Names, line: &str) -> Vec<String> {
        candidates(line, line.len(), names, FIRST).1
    }

    #[test]
    fn first_words_and_subcommands() {
        let names = Names::default();
        assert_eq!(complete(&names, "do"), ["docker"]);
        assert_eq!(complete(&names, "e"), ["events", "exit"]);
        let subs = complete(&names, "docker ");
        for expected in ["run", "ps", "build", "images", "volume", "system", "--help"] {
            assert!(subs.iter().any(|s| s == expected), "{expected} in {subs:?}");
        }
        assert_eq!(complete(&names, "docker ru"), ["run"]);
        assert!(complete(&names, "docker volume ").contains(&"ls".to_string()));
    }

    #[test]
    fn kubectl_and_cluster_words_come_from_the_cluster() {
        let mut world = World::new(1);
        let none = BuildContext::default();
        world.run_line("cluster create --nodes 2", &none);
        world.run_line("kubectl run solo --image=nginx", &none);
        let names = Names::of_world(&world);
        assert_eq!(complete(&names, "kubectl ge"), ["get"]);
        assert_eq!(complete(&names, "kubectl get p"), ["pods"]);
        assert_eq!(complete(&names, "kubectl logs s"), ["solo"]);
        assert_eq!(
            complete(&names, "kubectl cordon node-"),
            ["node-1", "node-2"]
        );
        assert_eq!(
            complete(&names, "cluster scheduler r"),
            ["random", "round-robin"]
        );
        assert_eq!(complete(&names, "cluster node fail node-2"), ["node-2"]);
    }

    #[test]
    fn etcdctl_words() {
        let names = Names::default();
        assert_eq!(complete(&names, "etcdctl w"), ["watch"]);
        assert_eq!(complete(&names, "etcdctl get --k"), ["--keys-only"]);
        assert_eq!(
            complete(&names, "etcdctl get /registry/services/"),
            ["/registry/services/endpoints/", "/registry/services/specs/"]
        );
        assert!(complete(&names, "etcdctl bogus ").is_empty());
    }

    #[test]
    fn build_wants_paths() {
        assert!(wants_path("docker build "));
        assert!(wants_path("docker build -t app ./sr"));
        assert!(wants_path("docker build -f "));
        assert!(!wants_path("docker build -t "));
        assert!(!wants_path("docker build --ta"));
        assert!(!wants_path("docker buil"));
        assert!(!wants_path("docker run "));
    }

    #[test]
    fn flags_and_names_from_the_world() {
        let mut world = World::new(1);
        let none = BuildContext::default();
        assert!(complete(&Names::of_world(&world), "docker run --na").contains(&"--name".into()));
        world.run_line("docker run -d --name web nginx", &none);
        world.run_line("docker volume create data", &none);
        let names = Names::of_world(&world);
        assert_eq!(complete(&names, "docker stop w"), ["web"]);
        assert!(complete(&names, "docker run --name ").is_empty());
        assert!(complete(&names, "docker run -d ng").contains(&"nginx".to_string()));
        assert!(complete(&names, "docker run -e A=1 --name x ng").contains(&"nginx:latest".into()));
        assert!(complete(&names, "docker run nginx ng").is_empty());
        // The host's curl and wget: their flags, and the ports the host publishes.
        assert!(complete(&names, "curl loc").is_empty());
        world.run_line("docker run -d --name site -p 8080:80 nginx", &none);
        let names = Names::of_world(&world);
        assert_eq!(complete(&names, "curl loc"), ["localhost:8080"]);
        assert_eq!(
            complete(&names, "wget -qO- http"),
            ["http://localhost:8080/"]
        );
        assert!(complete(&names, "curl -").contains(&"-I".to_string()));
        assert_eq!(complete(&names, "docker volume rm d"), ["data"]);
        world.run_line("docker rm -f web", &none);
        assert!(complete(&Names::of_world(&world), "docker stop w").is_empty());
    }

    #[test]
    fn positions_inside_a_character_do_not_panic() {
        let names = Names::default();
        let line = "docker run 한글";
        for pos in 0..=line.len() + 3 {
            let _ = candidates(line, pos, &names, FIRST);
        }
    }

    #[test]
    fn common_prefix_is_what_one_tab_fills_in() {
        let options = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(common_prefix(&options(&["--name", "--network"])), "--n");
        assert_eq!(common_prefix(&options(&["run"])), "run");
        assert_eq!(common_prefix(&options(&[])), "");
        assert_eq!(common_prefix(&options(&["abc", "ab"])), "ab");
    }
}
