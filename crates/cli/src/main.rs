//! `sim`: the container simulator on the command line.
//!
//! The simulation itself is `sim-core`; this crate does the I/O around it: arguments, the
//! prompt, scripts, reading build contexts from disk and keeping the state between runs.

mod bench;
mod completion;
mod context;
mod diff;
mod lesson;
mod real;
mod repl;
mod save;
mod script;
mod session;
mod state;

use clap::{Parser, Subcommand};
use session::{err, out, print_events, Backend, Session};
use state::State;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// A Docker teaching simulator: real docker spelling, a deterministic model underneath.
///
/// Without a subcommand, `sim` opens an interactive prompt. The simulation is saved in the
/// state directory after every command and picked up again by the next `sim`.
#[derive(Parser)]
#[command(
    name = "sim",
    version,
    about,
    long_about,
    disable_help_subcommand = true
)]
struct Cli {
    /// Where the saved state and the prompt's history live [default: the user's data
    /// directory, e.g. ~/.local/share/sim]
    #[arg(long, global = true, value_name = "DIR")]
    state: Option<PathBuf>,

    /// Seed of the simulation's randomness [default: the saved state's seed, or 42 for a new
    /// state]. Changing it needs `sim reset` first.
    #[arg(long, global = true, value_name = "N")]
    seed: Option<u64>,

    /// After each command's output, print the events it added as JSON lines
    #[arg(long, global = true)]
    json: bool,

    /// Run the commands for real on this machine (Linux, as root): namespaces, overlayfs and
    /// cgroups instead of simulated programs. Images with a real form: busybox (made from the
    /// machine's static busybox), scratch, and what is built FROM them. The state directory
    /// keeps a real session apart (it refuses to mix modes).
    #[arg(long, global = true)]
    real: bool,

    #[command(subcommand)]
    command: Option<Commands>,
}

#[derive(Subcommand)]
enum Commands {
    /// Run one docker command in the simulation, e.g. `sim docker run -d --name web nginx`
    ///
    /// Everything after `docker` is passed on untouched (quoting is kept) and the command
    /// exits with the simulated docker's exit code. `sim docker --help` shows the simulated
    /// docker's own help; put sim's flags (--state, --seed, --json) before `docker`.
    #[command(disable_help_flag = true)]
    Docker {
        /// The docker subcommand and its arguments
        #[arg(
            trailing_var_arg = true,
            allow_hyphen_values = true,
            num_args = 0..,
            value_name = "ARGS"
        )]
        args: Vec<String>,
    },

    /// Talk to the simulated Kubernetes cluster, e.g. `sim kubectl get pods -o wide`
    ///
    /// Everything after `kubectl` is passed on untouched, with the same words as `kubectl`
    /// at the prompt (`sim kubectl --help` shows them). `apply -f FILE` reads FILE here.
    #[command(disable_help_flag = true)]
    Kubectl {
        /// The kubectl verb and its arguments
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, num_args = 0.., value_name = "ARGS")]
        args: Vec<String>,
    },

    /// Read the cluster's key-value store, e.g. `sim etcdctl get --prefix /registry/pods/`
    ///
    /// The same words as `etcdctl` at the prompt: `get KEY [--prefix] [--keys-only]`,
    /// `watch KEY [--prefix] [--rev N] [--for 30s]`. Values are JSON here (protobuf in etcd).
    #[command(disable_help_flag = true)]
    Etcdctl {
        /// The etcdctl subcommand and its arguments
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, num_args = 0.., value_name = "ARGS")]
        args: Vec<String>,
    },

    /// The Kubernetes cluster outside kubectl: `create [--nodes N] [--cpu C] [--memory M]`,
    /// `node add|fail|recover NAME`, `scheduler STRATEGY`, `explain POD`, `delete`
    ///
    /// The same words as `cluster ...` at the prompt. Each node is a host: `sim docker -H
    /// node-2 ps` shows its pods' containers.
    #[command(disable_help_flag = true)]
    Cluster {
        /// The cluster subcommand and its arguments
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, num_args = 0.., value_name = "ARGS")]
        args: Vec<String>,
    },

    /// Manage the simulated servers, each with its own docker engine: `ls`, `add NAME...`,
    /// `rm [-f] NAME...`
    ///
    /// The same words as `host ...` at the prompt. Address a server with
    /// `sim docker -H NAME ...` (or `--host`, `-H tcp://NAME:2375`); the first one is `default`.
    Host {
        #[command(subcommand)]
        command: HostCommand,
    },

    /// curl on the simulated host itself, e.g. `sim curl localhost:8080` after
    /// `sim docker run -d -p 8080:80 nginx`
    ///
    /// The same as `curl ...` at the prompt: published ports answer on localhost, containers
    /// at their own IP. Flags: -s -S -f -i -I -v -o FILE -O -L.
    #[command(disable_help_flag = true)]
    Curl {
        /// curl's flags and URL
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, num_args = 0.., value_name = "ARGS")]
        args: Vec<String>,
    },

    /// wget (busybox's) on the simulated host itself, e.g. `sim wget -qO- localhost:8080`
    #[command(disable_help_flag = true)]
    Wget {
        /// wget's flags and URL
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, num_args = 0.., value_name = "ARGS")]
        args: Vec<String>,
    },

    /// curl or wget on another simulated server, e.g. `sim ssh node-2 curl localhost:8080`
    #[command(disable_help_flag = true)]
    Ssh {
        /// The server, then the command
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, num_args = 0.., value_name = "ARGS")]
        args: Vec<String>,
    },

    /// Let simulated time pass, e.g. `sim tick 30s` (units: ms, s, m, h; a bare number is
    /// seconds)
    ///
    /// The same as `tick DURATION` at the prompt: timers fire (restart policies, health
    /// checks, `docker stop`'s grace period) and running programs go on.
    Tick {
        /// How long, e.g. 500ms, 10s, 2m, 1h
        #[arg(value_name = "DURATION", allow_hyphen_values = true)]
        duration: String,
    },

    /// Print the prompt's help: the commands a line may start with (`docker`, `host`, `tick`)
    /// and sim's own ones (`sim --help` lists the subcommands)
    Help,

    /// Run the command lines of a file in order, stopping at the first that fails
    ///
    /// Blank lines and lines starting with `#` are skipped; a line ending in `\` continues on
    /// the next. The prompt's own commands (`hash`, `events`, `reset`, `exit N`) work too.
    /// Exits with the code of the last command that failed (0 if none did).
    Script {
        /// The script to run (`-` reads standard input)
        file: PathBuf,
        /// Don't echo `$ line` before each command's output
        #[arg(long, short)]
        quiet: bool,
        /// Go on after a command fails
        #[arg(long, short)]
        keep_going: bool,
    },

    /// Delete the saved state, so that the next `sim` starts from nothing
    Reset,

    /// Time the simulator's benchmark workloads and print the figures (one JSON object with
    /// --json)
    Bench {
        /// How many containers to create and start
        #[arg(long, default_value_t = 10_000)]
        containers: usize,
        /// How many events to record and hash
        #[arg(long, default_value_t = 100_000)]
        events: usize,
        /// Cluster: how many nodes to schedule onto
        #[arg(long, default_value_t = 5_000)]
        nodes: usize,
        /// Cluster: how many pods to schedule and bind (per strategy)
        #[arg(long, default_value_t = 150_000)]
        pods: u32,
        /// Cluster: how many pods to start as containers through the kubelets
        #[arg(long, default_value_t = 10_000)]
        pod_containers: usize,
        /// Only the cluster's workloads
        #[arg(long)]
        cluster_only: bool,
    },

    /// The lessons: `list`, `show ID`, `check ID` (checks the saved state)
    Lesson(lesson::LessonArgs),

    /// Print the trace hash of the saved state (same seed + same commands = same hash)
    Hash,

    /// Print the events of the saved state's trace (as JSON lines with --json)
    Events {
        /// Only the last N events
        #[arg(value_name = "N")]
        last: Option<usize>,
    },

    /// `sim --real system prune`: remove what a killed `sim --real` left on this machine
    /// (mounts, cgroups and their processes, container directories) and list it
    System {
        #[command(subcommand)]
        command: SystemCommand,
    },
}

#[derive(Subcommand)]
enum SystemCommand {
    /// Remove the leftovers of a killed run
    Prune,
}

/// `sim host ...`: the same verbs as the prompt's `host` command.
#[derive(Subcommand)]
enum HostCommand {
    /// List the servers
    #[command(visible_alias = "list")]
    Ls,
    /// Add servers, each with an empty docker engine of its own
    Add {
        /// Names of the new servers
        #[arg(required = true, value_name = "NAME")]
        names: Vec<String>,
    },
    /// Remove servers; their containers go with them
    #[command(visible_alias = "remove")]
    Rm {
        /// Remove a server even if it has containers
        #[arg(long, short)]
        force: bool,
        /// Names of the servers to remove
        #[arg(required = true, value_name = "NAME")]
        names: Vec<String>,
    },
}

impl HostCommand {
    /// The prompt line with the same meaning.
    fn line(&self) -> Result<String, String> {
        let mut words = vec!["host".to_string()];
        match self {
            HostCommand::Ls => words.push("ls".into()),
            HostCommand::Add { names } => {
                words.push("add".into());
                words.extend(names.iter().cloned());
            }
            HostCommand::Rm { force, names } => {
                words.push("rm".into());
                if *force {
                    words.push("-f".into());
                }
                words.extend(names.iter().cloned());
            }
        }
        join_line(&words)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match run(cli) {
        Ok(code) => code,
        Err(message) => {
            err(&format!("sim: {message}\n"));
            1
        }
    };
    // Exit statuses are a byte; docker's own codes (0..=255) pass through unchanged.
    ExitCode::from(code as u8)
}

fn run(cli: Cli) -> Result<i32, String> {
    let state_dir = match cli.state {
        Some(dir) => dir,
        None => default_state_dir()?,
    };
    let real = cli.real;
    let open = || {
        real::refuse_for_sim(&state_dir)?;
        State::open(&state_dir, cli.seed).map_err(|e| e.to_string())
    };
    // The session lines run in: simulated, or real with --real.
    let backend = || -> Result<Backend, String> {
        if real {
            Ok(Backend::Real(Box::new(real::Real::open(
                &state_dir, cli.seed,
            )?)))
        } else {
            Ok(Backend::Sim(Box::new(open()?)))
        }
    };
    let session = |state: Backend| -> Result<Session, String> {
        let cwd = std::env::current_dir()
            .map_err(|e| format!("cannot read the current directory: {e}"))?;
        Ok(Session::new(state, cli.json, cwd))
    };
    if real {
        match &cli.command {
            None => {
                return Err("the prompt is for the simulation; with --real run `sim --real docker ...` or `sim --real script FILE`".into())
            }
            Some(Commands::Bench { .. }) => {
                return Err("with --real: docker, script, lesson check|diff, host, tick, hash, events, reset and system prune (the bench runs in the simulation)".into())
            }
            Some(Commands::Reset) => {
                if real::reset(&state_dir)? {
                    out("The real session was deleted (its mounts, cgroups and files too).\n");
                } else {
                    out("There was no real session.\n");
                }
                return Ok(0);
            }
            _ => {}
        }
    }

    match cli.command {
        None => {
            let mut session = session(backend()?)?;
            repl::run(&mut session, &state_dir).map_err(|e| format!("the prompt failed: {e}"))
        }
        Some(Commands::Docker { args }) => {
            let line = docker_line(&args)?;
            let mut session = session(backend()?)?;
            session.run_sim_line(&line).map_err(|e| e.to_string())
        }
        Some(Commands::Host { command }) => prompt_line(&command.line()?, session(backend()?)?),
        Some(Commands::Tick { duration }) => prompt_line(
            &join_line(&["tick".into(), duration])?,
            session(backend()?)?,
        ),
        Some(Commands::Help) => prompt_line("help", session(backend()?)?),
        Some(Commands::Curl { args }) => {
            prompt_line(&program_line("curl", args)?, session(backend()?)?)
        }
        Some(Commands::Wget { args }) => {
            prompt_line(&program_line("wget", args)?, session(backend()?)?)
        }
        Some(Commands::Ssh { args }) => {
            prompt_line(&program_line("ssh", args)?, session(backend()?)?)
        }
        Some(Commands::Kubectl { args }) => {
            let line = join_line(&[vec!["kubectl".to_string()], args].concat())?;
            session(backend()?)?
                .run_sim_line(&line)
                .map_err(|e| e.to_string())
        }
        Some(Commands::Etcdctl { args }) => {
            let line = join_line(&[vec!["etcdctl".to_string()], args].concat())?;
            session(backend()?)?
                .run_sim_line(&line)
                .map_err(|e| e.to_string())
        }
        Some(Commands::Cluster { args }) => {
            let line = join_line(&[vec!["cluster".to_string()], args].concat())?;
            session(backend()?)?
                .run_sim_line(&line)
                .map_err(|e| e.to_string())
        }
        Some(Commands::Script {
            file,
            quiet,
            keep_going,
        }) => {
            let text = read_script(&file)?;
            let mut session = session(backend()?)?;
            let options = script::ScriptOptions { quiet, keep_going };
            script::run(&mut session, &text, &options).map_err(|e| e.to_string())
        }
        Some(Commands::Bench {
            containers,
            events,
            nodes,
            pods,
            pod_containers,
            cluster_only,
        }) => {
            let cluster = bench::ClusterArgs {
                nodes,
                pods,
                pod_containers,
            };
            Ok(bench::run(
                containers,
                events,
                cluster,
                cluster_only,
                cli.json,
            ))
        }
        Some(Commands::Reset) => {
            if state::delete(&state_dir).map_err(|e| e.to_string())? {
                out("The saved state was deleted.\n");
            } else {
                out("There was no saved state.\n");
            }
            Ok(0)
        }
        Some(Commands::Lesson(args)) => {
            let open_lesson = || -> Result<lesson::Opened, String> {
                if real {
                    Ok(lesson::Opened::Real(Box::new(real::Real::open(
                        &state_dir, cli.seed,
                    )?)))
                } else {
                    Ok(lesson::Opened::Sim(Box::new(open()?)))
                }
            };
            lesson::run(args, &state_dir, open_lesson)
        }
        Some(Commands::Hash) => prompt_line("hash", session(backend()?)?),
        Some(Commands::Events { last }) => {
            let session = session(backend()?)?;
            let events = session.world().map_or(&[][..], |w| w.events());
            let from = last.map_or(0, |n| events.len().saturating_sub(n));
            print_events(&events[from..], cli.json);
            Ok(0)
        }
        Some(Commands::System {
            command: SystemCommand::Prune,
        }) => {
            if !real {
                return Err("system prune is for `sim --real` (the simulation leaves nothing on this machine)".into());
            }
            let mut real = real::Real::open(&state_dir, cli.seed)?;
            let removed = real.prune();
            if removed.is_empty() {
                out("Nothing was left behind.\n");
            }
            for line in &removed {
                out(&format!("{line}\n"));
            }
            out(&format!("{}\n", real.layout()));
            Ok(0)
        }
    }
}

/// Runs one line exactly as the prompt would (sim's own commands first, then the simulator).
fn prompt_line(line: &str, mut session: Session) -> Result<i32, String> {
    match session.run_line(line).map_err(|e| e.to_string())? {
        session::Step::Ran(code) | session::Step::Exit(code) => Ok(code),
    }
}

/// Words as one line, quoted so that the core splits them back into the same words.
fn join_line(words: &[String]) -> Result<String, String> {
    shlex::try_join(words.iter().map(String::as_str))
        .map_err(|e| format!("cannot pass these arguments on: {e}"))
}

/// `sim curl ARGS...` (or wget, ssh) as the prompt line with the same words.
fn program_line(program: &str, args: Vec<String>) -> Result<String, String> {
    join_line(&[vec![program.to_string()], args].concat())
}

/// The arguments after `sim docker` as one line, quoted so that the core splits them back
/// into the same words.
fn docker_line(args: &[String]) -> Result<String, String> {
    let words = std::iter::once("docker").chain(args.iter().map(String::as_str));
    shlex::try_join(words).map_err(|e| format!("cannot pass these arguments on: {e}"))
}

fn read_script(file: &Path) -> Result<String, String> {
    if file == Path::new("-") {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
            .map_err(|e| format!("cannot read the script from standard input: {e}"))?;
        return Ok(text);
    }
    std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read the script {}: {e}", file.display()))
}

fn default_state_dir() -> Result<PathBuf, String> {
    directories::ProjectDirs::from("dev", "container-sim", "sim")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .ok_or_else(|| "cannot find a home directory for the saved state; pass --state DIR".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn docker_arguments_pass_through_with_their_quoting() {
        let cli = Cli::try_parse_from([
            "sim",
            "--json",
            "docker",
            "run",
            "-d",
            "--name",
            "x",
            "-e",
            "A=b c",
            "busybox",
            "sh",
            "-c",
            "echo $A; exit 3",
            "--json",
        ])
        .unwrap();
        assert!(cli.json);
        let Some(Commands::Docker { args }) = cli.command else {
            panic!("not docker");
        };
        let line = docker_line(&args).unwrap();
        assert_eq!(
            shlex::split(&line).unwrap(),
            [
                "docker",
                "run",
                "-d",
                "--name",
                "x",
                "-e",
                "A=b c",
                "busybox",
                "sh",
                "-c",
                "echo $A; exit 3",
                "--json"
            ]
        );
    }

    #[test]
    fn docker_help_goes_to_the_simulator() {
        let cli = Cli::try_parse_from(["sim", "docker", "--help"]).unwrap();
        assert!(matches!(cli.command, Some(Commands::Docker { args }) if args == ["--help"]));
        let cli = Cli::try_parse_from(["sim", "docker", "-v"]).unwrap();
        assert!(matches!(cli.command, Some(Commands::Docker { args }) if args == ["-v"]));
    }
}
