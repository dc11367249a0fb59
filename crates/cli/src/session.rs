//! One running simulation as the fronts of this crate see it: the saved [`State`], the lines
//! run on it, their printed output and the REPL's own commands (`help`, `events`, `hash`, ...).
//!
//! The REPL, `sim script` and `sim docker` all go through here, so a line behaves the same
//! whichever way it was typed.

use crate::context;
use crate::real::Real;
use crate::state::{State, StateError};
use sim_core::{Event, World};
use std::io::{self, Write};
use std::path::PathBuf;

/// What the caller should do after a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// The line ran (or failed) with this exit code; go on.
    Ran(i32),
    /// `exit`/`quit` was typed: stop with this code.
    Exit(i32),
}

pub const REPL_HELP: &str = "\
Type docker commands as you would in a shell, for example:
  docker run -d --name web -p 8080:80 nginx
  docker ps
  docker build -t app .          (the directory is read from your disk)
  docker --help                  the docker commands the simulator knows
  tick 10s                       let simulated time pass
  curl localhost:8080            on the simulated host: what a published port serves
Everything runs in a deterministic simulation; nothing touches your real Docker.

Commands of sim itself:
  help            this text
  events [N]      the last N events of the trace (all without N)
  hash            the trace hash (same seed + same commands = same hash)
  reset           forget everything and start over
  exit, quit      leave (Ctrl-D works too); the state is kept for the next `sim`
";

/// Where lines run: the simulation, or real processes (`sim --real`).
pub enum Backend {
    Sim(Box<State>),
    Real(Box<Real>),
}

pub struct Session {
    state: Backend,
    /// Print the events each line added as JSON lines after its output.
    json: bool,
    /// Where relative build context paths start.
    cwd: PathBuf,
}

impl Session {
    pub fn new(state: Backend, json: bool, cwd: PathBuf) -> Session {
        Session { state, json, cwd }
    }

    /// The simulated session's state (`None` in real mode).
    pub fn state(&self) -> Option<&State> {
        match &self.state {
            Backend::Sim(state) => Some(state),
            Backend::Real(_) => None,
        }
    }

    pub fn world(&self) -> Option<&World> {
        match &self.state {
            Backend::Sim(state) => Some(state.world()),
            Backend::Real(real) => real.world(),
        }
    }

    fn seed(&self) -> u64 {
        match &self.state {
            Backend::Sim(state) => state.seed(),
            Backend::Real(real) => real.seed(),
        }
    }

    /// A line typed in the REPL or read from a script: sim's own commands first, then the
    /// simulator.
    pub fn run_line(&mut self, line: &str) -> Result<Step, StateError> {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["help"] | ["?"] => {
                out(REPL_HELP);
                Ok(Step::Ran(0))
            }
            ["exit" | "quit"] => Ok(Step::Exit(0)),
            ["exit" | "quit", code] => match code.parse() {
                Ok(code) => Ok(Step::Exit(code)),
                Err(_) => Ok(Step::Ran(usage(&format!(
                    "exit: {code}: numeric argument required"
                )))),
            },
            ["hash"] => {
                let hash = self.world().map(|w| w.trace_hash()).unwrap_or_default();
                out(&format!("{hash}\n"));
                Ok(Step::Ran(0))
            }
            ["events"] => {
                print_events(self.world().map_or(&[], |w| w.events()), self.json);
                Ok(Step::Ran(0))
            }
            ["events", n] => match n.parse::<usize>() {
                Ok(n) => {
                    let events = self.world().map_or(&[][..], |w| w.events());
                    print_events(&events[events.len().saturating_sub(n)..], self.json);
                    Ok(Step::Ran(0))
                }
                Err(_) => Ok(Step::Ran(usage(&format!(
                    "events: {n}: expected a number of events"
                )))),
            },
            ["reset"] => {
                let Backend::Sim(state) = &mut self.state else {
                    return Ok(Step::Ran(usage(
                        "reset: in real mode, run `sim --real reset` (it unmounts and deletes the real session)",
                    )));
                };
                state.reset()?;
                out(&format!(
                    "The simulation was reset (seed {}).\n",
                    self.seed()
                ));
                Ok(Step::Ran(0))
            }
            _ => self.run_sim_line(line).map(Step::Ran),
        }
    }

    /// `docker save`: the archive of the World's images, to `-o FILE` or a redirected stdout.
    fn save(&self, args: &[&str]) -> i32 {
        let save = match crate::save::parse(args) {
            Ok(save) => save,
            Err(message) => {
                err(&format!("{message}\n"));
                return 1;
            }
        };
        if save.output.is_none() && io::IsTerminal::is_terminal(&io::stdout()) {
            err("cowardly refusing to save to a terminal. Use the -o flag or redirect\n");
            return 1;
        }
        let Some(world) = self.world() else {
            err("Error response from daemon: no images\n");
            return 1;
        };
        let archive = match &self.state {
            Backend::Sim(_) => crate::save::archive(world, &save.images, &mut |l| Ok(l.tar())),
            Backend::Real(_) => {
                crate::save::archive(world, &save.images, &mut crate::real::layer_tar())
            }
        };
        let bytes = match archive {
            Ok(bytes) => bytes,
            Err(message) => {
                err(&format!("{message}\n"));
                return 1;
            }
        };
        let written = match &save.output {
            Some(file) => std::fs::write(self.cwd.join(file), &bytes)
                .map_err(|e| format!("failed to save image: invalid output path: {file}: {e}")),
            None => io::stdout()
                .lock()
                .write_all(&bytes)
                .map_err(|e| format!("failed to save image: {e}")),
        };
        match written {
            Ok(()) => 0,
            Err(message) => {
                err(&format!("{message}\n"));
                1
            }
        }
    }

    /// Runs one line on the simulator: loads the build context it asks for, prints its
    /// output (and events with `--json`), saves it. Returns its exit code.
    pub fn run_sim_line(&mut self, line: &str) -> Result<i32, StateError> {
        let words: Vec<&str> = line.split_whitespace().collect();
        if let Some(args) = crate::save::request(&words) {
            return Ok(self.save(args));
        }
        let context = match sim_core::command::build_context_request(line) {
            Some(request) => match context::load(&request, &self.cwd) {
                Ok(loaded) => {
                    err(&format!("{}\n", loaded.progress_line()));
                    Some(loaded.tree)
                }
                // Like docker, a context that can't be read stops the build before it starts.
                Err(e) => {
                    err(&format!("{e}\n"));
                    return Ok(1);
                }
            },
            None => self
                .manifest_context(line)
                .or_else(|| self.load_context(line)),
        };
        let (outcome, saved) = match &mut self.state {
            Backend::Sim(state) => state.run(line, context),
            Backend::Real(real) => match real.run(line, context) {
                Ok(outcome) => (outcome, Ok(())),
                Err(message) => return Err(StateError::Real(message)),
            },
        };
        // The core's stderr carries progress (pulls, build steps) that comes before results.
        err(&outcome.stderr);
        out(&outcome.stdout);
        if self.json {
            let events = self.world().map_or(&[][..], |w| w.events());
            let range = outcome.first_event as usize..outcome.end_event as usize;
            print_events(events.get(range).unwrap_or_default(), true);
        }
        saved?;
        Ok(outcome.exit_code)
    }
}

impl Session {
    /// `kubectl apply|delete -f FILE`: the file, read relative to the current directory, in
    /// the line's context where the core looks for it. An unreadable file is left out: the
    /// core then answers as kubectl does for a missing path.
    fn manifest_context(&self, line: &str) -> Option<sim_core::BuildContext> {
        let file = sim_core::command::manifest_request(line)?;
        let data = std::fs::read(self.cwd.join(&file)).ok()?;
        let key = sim_core::command::manifest_key(&file);
        Some(sim_core::BuildContext::from_files([(key, data)]))
    }
}

impl Session {
    /// `docker load -i FILE`: the archive, read relative to the current directory, in the
    /// line's context; an unreadable file is left out and the core says so as docker does.
    fn load_context(&self, line: &str) -> Option<sim_core::BuildContext> {
        let file = sim_core::command::load_request(line)?;
        let data = std::fs::read(self.cwd.join(&file)).ok()?;
        let key = sim_core::command::manifest_key(&file);
        Some(sim_core::BuildContext::from_files([(key, data)]))
    }
}

/// Events as JSON lines, or one readable line each: `seq  time  kind  field=value ...`.
pub fn print_events(events: &[Event], json: bool) {
    let mut text = String::new();
    for event in events {
        if json {
            text.push_str(&serde_json::to_string(event).unwrap_or_default());
        } else {
            text.push_str(&describe(event));
        }
        text.push('\n');
    }
    out(&text);
}

fn describe(event: &Event) -> String {
    let mut line = format!("{:>5}  {:>9}", event.seq, format_tick(event.at));
    if let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(event) {
        if let Some(kind) = fields.get("kind").and_then(|k| k.as_str()) {
            line.push_str(&format!("  {kind}"));
        }
        for (key, value) in &fields {
            if matches!(key.as_str(), "seq" | "at" | "kind") {
                continue;
            }
            line.push_str(&format!("  {key}={value}"));
        }
    }
    line
}

/// Logical milliseconds as seconds ("12.500s").
fn format_tick(at: u64) -> String {
    format!("{}.{:03}s", at / 1000, at % 1000)
}

fn usage(message: &str) -> i32 {
    err(&format!("{message}\n"));
    2
}

/// Writes to stdout, ignoring a closed pipe (`sim events | head`).
pub fn out(text: &str) {
    let mut stdout = io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

pub fn err(text: &str) {
    let mut stderr = io::stderr().lock();
    let _ = stderr.write_all(text.as_bytes());
    let _ = stderr.flush();
}
