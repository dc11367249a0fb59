//! Command lines in docker's spelling, parsed once here for every front.
//!
//! A line is split with POSIX shell quoting (the `shlex` crate), then matched against the
//! subcommand table in [`spec`], and its flags parsed the way the docker CLI parses them.

pub mod cluster;
pub mod complete;
pub mod etcdctl;
pub mod flags;
pub mod kubectl;
pub(crate) mod run_options;
pub(crate) mod signal;
pub mod spec;

pub use flags::Flags;
pub use spec::{Sub, SubSpec, SUBCOMMANDS};

/// One parsed command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// A docker CLI invocation.
    Docker(Invocation),
    /// `tick 10s`: let logical time pass.
    Tick { ms: u64 },
    /// `help` or `docker --help` or `docker run --help`.
    Help { topic: Option<Sub> },
    /// `host ls|add|rm`: the servers of the World.
    Host(HostCommand),
    /// `cluster create|node|scheduler|explain|delete`: the Kubernetes cluster.
    Cluster(cluster::ClusterCommand),
    /// `kubectl VERB ...`.
    Kubectl(kubectl::KubectlCommand),
    /// `etcdctl get|watch ...`: the cluster's key-value store.
    Etcdctl(etcdctl::EtcdctlCommand),
    /// A program run on a host itself, outside every container: `curl localhost:8080`, or
    /// `ssh node-2 curl localhost:8080` on another server.
    OnHost(HostProgram),
}

/// The programs a host's own prompt has (what `docker run -p` is for: reaching its ports).
pub const HOST_PROGRAMS: &[&str] = &["curl", "wget"];

/// A host program's command line and the host it runs on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostProgram {
    /// `ssh NAME ...`; `None` is the front's current host.
    pub host: Option<String>,
    /// argv, the program's name first.
    pub argv: Vec<String>,
}

/// The `host` command: list, add and remove the World's servers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HostCommand {
    Ls,
    Add { names: Vec<String> },
    Rm { names: Vec<String>, force: bool },
}

/// A docker subcommand with its flags and arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invocation {
    /// The host it addresses (`-H NAME`, `--host tcp://NAME:2375`, `DOCKER_HOST=NAME`);
    /// `None` is the front's current host.
    pub host: Option<String>,
    pub sub: Sub,
    pub flags: Flags,
    pub args: Vec<String>,
}

/// A line that could not be parsed, with the docker CLI's wording and exit code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub message: String,
    pub exit_code: i32,
}

impl ParseError {
    fn new(message: impl Into<String>, exit_code: i32) -> ParseError {
        ParseError {
            message: message.into(),
            exit_code,
        }
    }
}

/// Splits a line into words with shell quoting, giving an error for unbalanced quotes.
pub fn split_words(line: &str) -> Result<Vec<String>, ParseError> {
    shlex::split(line).ok_or_else(|| {
        ParseError::new(
            "syntax error: unterminated quoted string (check that every ' and \" is closed)",
            2,
        )
    })
}

/// What a command line may begin with (Tab completion offers these; each front may add its own,
/// such as the CLI's `exit`).
pub const FIRST_WORDS: &[&str] = &[
    "cluster", "curl", "docker", "etcdctl", "help", "host", "kubectl", "ssh", "tick", "wget",
];

/// Parses one command line.
pub fn parse_line(line: &str) -> Result<Command, ParseError> {
    let mut words = split_words(line)?;
    // `DOCKER_HOST=NAME docker ...`: the environment variable for one command.
    let mut env_host = None;
    while let Some(value) = words.first().and_then(|w| w.strip_prefix("DOCKER_HOST=")) {
        env_host = Some(host_name_of(value));
        words.remove(0);
    }
    let Some(first) = words.first() else {
        return Err(ParseError::new("empty command", 0));
    };
    match first.as_str() {
        "docker" => {
            let (flag_host, rest) = docker_global_flags(&words[1..])?;
            let mut command = parse_docker(rest)?;
            if let Command::Docker(inv) = &mut command {
                inv.host = flag_host.or(env_host);
            }
            Ok(command)
        }
        "host" => parse_host(&words[1..]),
        "ssh" => parse_ssh(&words[1..]),
        program if HOST_PROGRAMS.contains(&program) => Ok(Command::OnHost(HostProgram {
            host: None,
            argv: words,
        })),
        "cluster" => cluster::parse(&words[1..]).map(Command::Cluster),
        "kubectl" => kubectl::parse(&words[1..]).map(Command::Kubectl),
        "etcdctl" => etcdctl::parse(&words[1..]).map(Command::Etcdctl),
        "tick" | "sleep" => parse_tick(&words[1..]),
        "help" => Ok(Command::Help { topic: None }),
        other => Err(ParseError::new(
            format!(
                "{other}: command not found{}",
                did_you_mean(other, FIRST_WORDS.iter().copied())
            ),
            127,
        )),
    }
}

/// docker's global options before the subcommand: `-H`/`--host` (the others it has are not
/// simulated and are refused by name).
fn docker_global_flags(words: &[String]) -> Result<(Option<String>, &[String]), ParseError> {
    let mut host = None;
    let mut rest = words;
    while let Some(first) = rest.first() {
        let value = if first == "-H" || first == "--host" {
            let Some(value) = rest.get(1) else {
                return Err(ParseError::new(
                    format!(
                        "flag needs an argument: '{}' in {first}",
                        first.trim_start_matches('-').chars().next().unwrap_or('H')
                    ),
                    125,
                ));
            };
            rest = &rest[2..];
            value.clone()
        } else if let Some(value) = first
            .strip_prefix("--host=")
            .or_else(|| first.strip_prefix("-H="))
        {
            rest = &rest[1..];
            value.to_string()
        } else {
            break;
        };
        host = Some(host_name_of(&value));
    }
    Ok((host, rest))
}

/// The host a `-H` value names: `NAME`, `tcp://NAME:2375`, `ssh://user@NAME`; the local
/// socket (`unix:///var/run/docker.sock`) is the default host.
pub fn host_name_of(value: &str) -> String {
    if value.starts_with("unix://") || value.starts_with("npipe://") {
        return crate::DEFAULT_HOST.to_string();
    }
    let without_scheme = value.split_once("://").map_or(value, |(_, rest)| rest);
    let without_user = without_scheme
        .rsplit_once('@')
        .map_or(without_scheme, |(_, rest)| rest);
    let name = without_user
        .split([':', '/'])
        .next()
        .unwrap_or(without_user);
    name.to_string()
}

fn parse_host(args: &[String]) -> Result<Command, ParseError> {
    let usage = || {
        ParseError::new(
            "usage: host ls | host add NAME... | host rm [-f] NAME...\n\nServers of this simulation, each with its own docker engine; address one with `docker -H NAME ...`.",
            1,
        )
    };
    let Some(verb) = args.first() else {
        return Err(usage());
    };
    let rest = &args[1..];
    match verb.as_str() {
        "ls" | "list" if rest.is_empty() => Ok(Command::Host(HostCommand::Ls)),
        "add" if !rest.is_empty() => Ok(Command::Host(HostCommand::Add {
            names: rest.to_vec(),
        })),
        "rm" | "remove" => {
            let force = rest.iter().any(|a| a == "-f" || a == "--force");
            let names: Vec<String> = rest
                .iter()
                .filter(|a| *a != "-f" && *a != "--force")
                .cloned()
                .collect();
            if let Some(flag) = names.iter().find(|n| n.starts_with('-')) {
                return Err(ParseError::new(format!("unknown flag: {flag}"), 1));
            }
            if names.is_empty() {
                return Err(usage());
            }
            Ok(Command::Host(HostCommand::Rm { names, force }))
        }
        "--help" | "-h" | "help" => Err(usage()),
        _ => Err(usage()),
    }
}

/// `ssh [user@]NAME COMMAND...`: one command on another server's own prompt (an interactive
/// login is not simulated).
fn parse_ssh(args: &[String]) -> Result<Command, ParseError> {
    let usage = || {
        ParseError::new(
            "usage: ssh [user@]HOST COMMAND [ARG...]\n\nRuns one command on that host's own prompt (curl, wget), e.g. ssh node-2 curl localhost:8080; an interactive login is not simulated.",
            255,
        )
    };
    if let Some(flag) = args.first().filter(|a| a.starts_with('-')) {
        return Err(ParseError::new(
            format!("ssh: option {flag} is not simulated\n{}", usage().message),
            255,
        ));
    }
    let (Some(target), Some(program)) = (args.first(), args.get(1)) else {
        return Err(usage());
    };
    if !HOST_PROGRAMS.contains(&program.as_str()) {
        return Err(ParseError::new(
            format!("bash: line 1: {program}: command not found"),
            127,
        ));
    }
    Ok(Command::OnHost(HostProgram {
        host: Some(host_name_of(target)),
        argv: args[1..].to_vec(),
    }))
}

fn parse_tick(args: &[String]) -> Result<Command, ParseError> {
    let usage = || {
        ParseError::new(
            "usage: tick DURATION (e.g. tick 10s, tick 2m, tick 500ms)",
            1,
        )
    };
    match args {
        [one] => parse_duration_ms(one)
            .map(|ms| Command::Tick { ms })
            .ok_or_else(usage),
        _ => Err(usage()),
    }
}

/// Parses durations such as `10`, `10s`, `500ms`, `2m`, `1h` (bare numbers are seconds).
pub fn parse_duration_ms(text: &str) -> Option<u64> {
    let split = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let scale = match unit {
        "" | "s" => 1000.0,
        "ms" => 1.0,
        "m" => 60_000.0,
        "h" => 3_600_000.0,
        _ => return None,
    };
    let ms = number * scale;
    (ms.is_finite() && (0.0..=1e15).contains(&ms)).then_some(ms as u64)
}

fn parse_docker(words: &[String]) -> Result<Command, ParseError> {
    let Some(first) = words.first() else {
        return Ok(Command::Help { topic: None });
    };
    if first == "--help" || first == "-h" || first == "help" {
        return Ok(Command::Help { topic: None });
    }
    if first == "--version" || first == "-v" {
        return Ok(Command::Docker(Invocation {
            host: None,
            sub: Sub::Version,
            flags: Flags::default(),
            args: Vec::new(),
        }));
    }
    // Management commands take two words (`container ls`), the rest one.
    let (spec, rest) = if spec::GROUPS.contains(&first.as_str()) {
        let Some(second) = words.get(1) else {
            return Err(ParseError::new(
                format!("\"docker {first}\" requires a subcommand.\nSee 'docker {first} --help'."),
                1,
            ));
        };
        let name = format!("{first} {second}");
        match find(&name) {
            Some(spec) => (spec, &words[2..]),
            None if spec::NOT_SIMULATED.contains(&name.as_str()) => {
                return Err(not_simulated(&name))
            }
            None => {
                let candidates = SUBCOMMANDS
                    .iter()
                    .flat_map(|s| s.names.iter())
                    .filter_map(|n| n.strip_prefix(&format!("{first} ")));
                return Err(ParseError::new(
                    format!(
                        "docker: '{first} {second}' is not a docker command.{}\nSee 'docker {first} --help'",
                        did_you_mean(second, candidates)
                    ),
                    1,
                ));
            }
        }
    } else {
        match find(first) {
            Some(spec) => (spec, &words[1..]),
            None if spec::NOT_SIMULATED.contains(&first.as_str()) => {
                return Err(not_simulated(first))
            }
            None => {
                let candidates = SUBCOMMANDS
                    .iter()
                    .flat_map(|s| s.names.iter().copied())
                    .chain(spec::GROUPS.iter().copied())
                    .filter(|n| !n.contains(' '));
                return Err(ParseError::new(
                    format!(
                        "docker: '{first}' is not a docker command.{}\nSee 'docker --help'",
                        did_you_mean(first, candidates)
                    ),
                    1,
                ));
            }
        }
    };
    let primary = spec.names.first().copied().unwrap_or("");
    let wants_help = rest
        .iter()
        .take_while(|w| !spec.stop_at_first_arg || w.starts_with('-'))
        .any(|w| w == "--help");
    if wants_help {
        return Ok(Command::Help {
            topic: Some(spec.sub),
        });
    }
    let (flags, args) = flags::parse(spec.flags, rest, spec.stop_at_first_arg)
        .map_err(|e| ParseError::new(format!("{e}\nSee 'docker {primary} --help'."), 125))?;
    let too_few = args.len() < spec.min_args;
    let too_many = spec.max_args.is_some_and(|max| args.len() > max);
    if too_few || too_many {
        let requirement = match (spec.min_args, spec.max_args) {
            (0, Some(0)) => "no arguments".to_string(),
            (min, Some(max)) if min == max => format!("exactly {min} argument{}", plural(min)),
            (min, None) => format!("at least {min} argument{}", plural(min)),
            (min, Some(max)) if too_many => {
                let _ = min;
                format!("at most {max} argument{}", plural(max))
            }
            (min, Some(_)) => format!("at least {min} argument{}", plural(min)),
        };
        return Err(ParseError::new(
            format!(
                "\"docker {primary}\" requires {requirement}.\nSee 'docker {primary} --help'.\n\nUsage:  {}\n\n{}",
                spec.usage, spec.summary
            ),
            1,
        ));
    }
    Ok(Command::Docker(Invocation {
        host: None,
        sub: spec.sub,
        flags,
        args,
    }))
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn find(name: &str) -> Option<&'static SubSpec> {
    SUBCOMMANDS.iter().find(|s| s.names.contains(&name))
}

/// The spec of a subcommand.
pub fn spec_of(sub: Sub) -> Option<&'static SubSpec> {
    SUBCOMMANDS.iter().find(|s| s.sub == sub)
}

/// A real docker command the simulator lacks.
fn not_simulated(name: &str) -> ParseError {
    ParseError::new(
        format!("docker: '{name}' is a docker command, but this simulator does not have it (yet).\nSee 'docker --help' for the commands it has."),
        1,
    )
}

/// " Did you mean 'run'?" when a candidate is close to `word`.
fn did_you_mean<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    candidates
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|(d, c)| *d <= 2 && *d < c.len())
        .min()
        .map(|(_, c)| format!("\nDid you mean '{c}'?"))
        .unwrap_or_default()
}

/// Where a `docker build` line wants its build context from, so that a front can load it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContextRequest {
    /// The context directory as written (`.` in `docker build -t app .`).
    pub context_dir: String,
    /// `-f`/`--file`, if given (relative to the current directory, as docker reads it).
    pub dockerfile: Option<String>,
}

/// If `line` is a `docker build`, the context it asks for. Malformed lines give `None`; running
/// them then reports the error.
pub fn build_context_request(line: &str) -> Option<ContextRequest> {
    match parse_line(line) {
        Ok(Command::Docker(inv)) if inv.sub == Sub::Build => Some(ContextRequest {
            context_dir: inv.args.first()?.clone(),
            dockerfile: inv.flags.value("file").map(str::to_string),
        }),
        _ => None,
    }
}

/// If `line` is `kubectl apply|delete -f FILE`, the file it wants: the front puts it in the
/// line's [`crate::BuildContext`] at [`manifest_key`].
pub fn manifest_request(line: &str) -> Option<String> {
    match parse_line(line) {
        Ok(Command::Kubectl(cmd)) if cmd.verb == "apply" || cmd.verb == "delete" => {
            cmd.value("filename").map(str::to_string)
        }
        _ => None,
    }
}

/// If `line` is `docker load -i FILE`, the archive it reads: the front puts it in the line's
/// [`crate::BuildContext`] at [`manifest_key`], as for manifests.
pub fn load_request(line: &str) -> Option<String> {
    match parse_line(line) {
        Ok(Command::Docker(inv)) if inv.sub == Sub::Load => {
            inv.flags.value("input").map(str::to_string)
        }
        _ => None,
    }
}

/// Where a manifest file `-f FILE` sits in the context handed with the line.
pub fn manifest_key(file: &str) -> String {
    let trimmed = file.trim_start_matches("./").trim_start_matches('/');
    format!("/{trimmed}")
}

/// Help text for `docker --help` or one subcommand.
pub fn help_text(topic: Option<Sub>) -> String {
    match topic.and_then(spec_of) {
        Some(spec) => {
            let mut out = format!("\nUsage:  {}\n\n{}\n", spec.usage, spec.summary);
            if !spec.flags.is_empty() {
                out.push_str("\nOptions:\n");
                for f in spec.flags {
                    let short = f
                        .short
                        .map(|c| format!("-{c}, "))
                        .unwrap_or_else(|| "    ".into());
                    let arg = if f.kind == flags::Kind::Value {
                        " string"
                    } else {
                        ""
                    };
                    out.push_str(&format!(
                        "  {short}--{:<22}{}\n",
                        format!("{}{arg}", f.long),
                        f.help
                    ));
                }
            }
            out
        }
        None => {
            let mut out = String::from(
                "\nUsage:  docker [OPTIONS] COMMAND\n\nA simulated Docker: every command runs in a deterministic model.\n\nCommands:\n",
            );
            for spec in SUBCOMMANDS {
                out.push_str(&format!(
                    "  {:<16}{}\n",
                    spec.names.first().copied().unwrap_or(""),
                    spec.summary
                ));
            }
            out.push_str("\nGlobal options:\n  -H, --host NAME Address the docker engine of host NAME (also tcp://NAME:2375, DOCKER_HOST=NAME)\n\nSimulator commands:\n  tick DURATION   Let logical time pass (tick 10s)\n  host ls         List the hosts (servers), each with its own docker engine\n  host add NAME   Add a host; host rm [-f] NAME removes it with its containers\n  cluster create  A Kubernetes cluster of hosts (cluster node add|fail|recover, scheduler, explain, delete)\n  kubectl ...     Talk to it: get, describe, create deployment, run, scale, delete, drain, ...\n  etcdctl ...     Read the cluster's key-value store: get [--prefix] KEY, watch --prefix KEY\n  help            This help\n\nOn the host itself (outside every container):\n  curl URL        Fetch a URL (curl localhost:8080 reaches a port published with -p 8080:80)\n  wget -qO- URL   The same with wget\n  ssh HOST CMD    Run curl or wget on another host (ssh node-2 curl localhost:8080)\n");
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host_of(line: &str) -> Option<String> {
        match parse_line(line) {
            Ok(Command::Docker(inv)) => inv.host,
            other => panic!("{line}: {other:?}"),
        }
    }

    #[test]
    fn docker_addresses_a_host_as_docker_spells_it() {
        assert_eq!(host_of("docker ps"), None);
        assert_eq!(host_of("docker -H node-2 ps").as_deref(), Some("node-2"));
        assert_eq!(
            host_of("docker --host tcp://node-2:2375 ps").as_deref(),
            Some("node-2")
        );
        assert_eq!(
            host_of("docker -H=ssh://me@web-1 ps").as_deref(),
            Some("web-1")
        );
        assert_eq!(
            host_of("DOCKER_HOST=tcp://b:2376 docker ps").as_deref(),
            Some("b")
        );
        // The flag wins over the environment, as in docker.
        assert_eq!(
            host_of("DOCKER_HOST=b docker -H c ps").as_deref(),
            Some("c")
        );
        assert_eq!(
            host_of("docker -H unix:///var/run/docker.sock ps").as_deref(),
            Some(crate::DEFAULT_HOST)
        );
        assert!(parse_line("docker -H").is_err());
    }

    #[test]
    fn host_commands_parse_and_refuse_bad_forms() {
        assert_eq!(parse_line("host ls"), Ok(Command::Host(HostCommand::Ls)));
        assert_eq!(
            parse_line("host rm -f a b"),
            Ok(Command::Host(HostCommand::Rm {
                names: vec!["a".into(), "b".into()],
                force: true
            }))
        );
        assert!(parse_line("host").is_err());
        assert!(parse_line("host add").is_err());
        assert!(parse_line("host rm --bogus a").is_err());
        assert!(parse_line("host fly").is_err());
    }

    fn docker(line: &str) -> Invocation {
        match parse_line(line) {
            Ok(Command::Docker(inv)) => inv,
            other => panic!("{line}: {other:?}"),
        }
    }

    #[test]
    fn parses_run_with_quoted_command() {
        let inv = docker(
            "docker run -d --name web -e 'GREETING=hi there' -p 8080:80 nginx sh -c 'echo $A'",
        );
        assert_eq!(inv.sub, Sub::Run);
        assert_eq!(inv.flags.value("name"), Some("web"));
        assert_eq!(inv.flags.values("env"), ["GREETING=hi there"]);
        assert_eq!(inv.args, ["nginx", "sh", "-c", "echo $A"]);
    }

    #[test]
    fn management_commands_map_to_the_same_subcommand() {
        assert_eq!(docker("docker container ls -a").sub, Sub::Ps);
        assert_eq!(docker("docker image ls").sub, Sub::Images);
        assert_eq!(docker("docker volume create data").args, ["data"]);
        assert_eq!(docker("docker system df").sub, Sub::SystemDf);
    }

    #[test]
    fn real_docker_commands_the_simulator_lacks_are_not_called_unknown() {
        for line in ["docker stats", "docker system prune", "docker network ls"] {
            let err = parse_line(line).unwrap_err();
            assert!(
                err.message
                    .contains("is a docker command, but this simulator does not have it"),
                "{line}: {}",
                err.message
            );
            assert_eq!(err.exit_code, 1);
        }
        // Every such name really is absent from the simulator's commands.
        for name in spec::NOT_SIMULATED {
            assert!(find(name).is_none(), "{name} is simulated");
        }
    }

    #[test]
    fn unknown_command_suggests() {
        let err = parse_line("docker rnu busybox").unwrap_err();
        assert!(
            err.message.contains("'rnu' is not a docker command"),
            "{}",
            err.message
        );
        assert!(
            err.message.contains("Did you mean 'run'?"),
            "{}",
            err.message
        );
        assert_eq!(err.exit_code, 1);
        let err = parse_line("docker volume lss").unwrap_err();
        assert!(
            err.message.contains("Did you mean 'ls'?"),
            "{}",
            err.message
        );
    }

    #[test]
    fn unknown_flag_is_125_with_suggestion() {
        let err = parse_line("docker run --nmae x busybox").unwrap_err();
        assert_eq!(err.exit_code, 125);
        assert!(err
            .message
            .starts_with("unknown flag: --nmae (did you mean --name?)"));
        assert!(err.message.contains("See 'docker run --help'."));
    }

    #[test]
    fn argument_counts_are_checked() {
        let err = parse_line("docker rm").unwrap_err();
        assert!(err
            .message
            .starts_with("\"docker rm\" requires at least 1 argument."));
        let err = parse_line("docker ps extra").unwrap_err();
        assert!(err.message.contains("requires no arguments"));
    }

    #[test]
    fn unbalanced_quotes_are_an_error() {
        assert!(parse_line("docker run busybox echo 'oops").is_err());
    }

    #[test]
    fn build_context_request_reads_the_path_and_file() {
        let req = build_context_request("docker build -t app -f web/Dockerfile ./src").unwrap();
        assert_eq!(req.context_dir, "./src");
        assert_eq!(req.dockerfile.as_deref(), Some("web/Dockerfile"));
        assert_eq!(build_context_request("docker ps"), None);
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration_ms("10s"), Some(10_000));
        assert_eq!(parse_duration_ms("2m"), Some(120_000));
        assert_eq!(parse_duration_ms("1.5"), Some(1_500));
        assert_eq!(parse_duration_ms("x"), None);
    }
}
