//! One `sim --real` session on a state directory: the World rebuilt from the recorded inputs
//! ([`crate::journal`]), the LinuxDriver, and the loop that joins them in real time.
//!
//! Time: logical ticks follow real milliseconds while processes run; when nothing runs and the
//! World waits (think time, `tick`), the clock jumps to the World's next timeout at once.

use crate::driver::LinuxDriver;
use crate::journal::{Input, Journal};
use sim_core::driver::{Effect, Observation, ProcessExit, ProcessHandle};
use sim_core::scenario::Step;
use sim_core::{BuildContext, Driver, Machine, Outcome, World};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The subdirectory of the state directory a real session keeps everything in.
pub const REAL_DIR: &str = "real";

/// A process the World started and has not heard end.
#[derive(Clone)]
struct OpenProcess {
    /// For the user: "container 1a2b3c4d5e6f: sleep 30".
    what: String,
    host: String,
    target: sim_core::driver::Target,
    purpose: sim_core::driver::Purpose,
    /// Output observations taken in so far (records of its log already delivered).
    outputs: usize,
}

/// Processes the World started and has not heard end, from the effects it gave out.
#[derive(Default)]
struct OpenProcesses(BTreeMap<ProcessHandle, OpenProcess>);

impl OpenProcesses {
    fn effect(&mut self, host: &str, effect: &Effect) {
        if let Effect::StartProcess(start) = effect {
            let what = match &start.target {
                sim_core::driver::Target::Container(id) => {
                    format!("container {}", id.chars().take(12).collect::<String>())
                }
                sim_core::driver::Target::Sandbox(s) => format!("build step {}", s.0),
                sim_core::driver::Target::Host => "the host".to_string(),
            };
            self.0.insert(
                start.handle,
                OpenProcess {
                    what: format!("{what}: {}", start.argv.join(" ")),
                    host: host.to_string(),
                    target: start.target.clone(),
                    purpose: start.purpose,
                    outputs: 0,
                },
            );
        }
    }

    fn observation(&mut self, observation: &Observation) {
        match observation {
            Observation::Exited { handle, .. } | Observation::StartFailed { handle, .. } => {
                self.0.remove(handle);
            }
            Observation::Output { handle, .. } => {
                if let Some(p) = self.0.get_mut(handle) {
                    p.outputs += 1;
                }
            }
            _ => {}
        }
    }
}

pub struct RealSession {
    dir: PathBuf,
    seed: u64,
    machine: Machine,
    driver: LinuxDriver,
    journal: Journal,
    open: OpenProcesses,
    /// Told to the user once (repairs of an interrupted run, the cgroup layout).
    notes: Vec<String>,
    /// Containers whose main process an earlier invocation left running under its supervisor.
    adopted: BTreeSet<String>,
    /// Processes the command in flight started or signalled: only while one of them runs does
    /// its wait take real time (a detached container running beside `docker ps` does not make
    /// the command's think time real).
    involved: BTreeSet<ProcessHandle>,
    /// Held while the session is open: one `sim --real` at a time on a state directory.
    _lock: std::fs::File,
}

fn record(journal: &mut Journal, input: &Input) -> Result<(), String> {
    journal
        .record(input)
        .map_err(|e| format!("cannot write {}: {e}", journal.file_path().display()))
}

impl RealSession {
    /// Checks the machine, rebuilds the World from `state/real/journal.jsonl` and repairs what
    /// an interrupted run left (reported in [`RealSession::take_notes`]).
    pub fn open(state: &Path, seed: Option<u64>) -> Result<RealSession, String> {
        if state.join("journal.jsonl").exists() {
            return Err(format!(
                "the state directory {} holds a simulated session (`sim` without --real); use another --state DIR for --real, or run `sim reset` there first",
                state.display()
            ));
        }
        if let Some(message) = crate::check::preflight() {
            return Err(message);
        }
        let dir = state.join(REAL_DIR);
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot write {}: {e}", dir.display()))?;
        let lock = lock(&dir)?;
        let (saved_seed, inputs) = match Journal::read(&dir)? {
            Some((saved, inputs)) => (Some(saved), inputs),
            None => (None, Vec::new()),
        };
        let seed = match (saved_seed, seed) {
            (Some(saved), Some(asked)) if saved != asked => {
                return Err(format!(
                    "the saved state was made with --seed {saved}, not {asked}; run `sim --real reset` first to start over with a new seed (or leave out --seed)"
                ))
            }
            (Some(saved), _) => saved,
            (None, asked) => asked.unwrap_or(sim_core::scenario::DEFAULT_SEED),
        };
        let mut machine = Machine::new(World::new(seed));
        let mut open = OpenProcesses::default();
        for input in inputs {
            replay(&mut machine, &input, &mut open)?;
        }
        let journal = Journal::append_to(&dir, seed)
            .map_err(|e| format!("cannot write {}: {e}", dir.display()))?;
        let driver = LinuxDriver::new(&dir, machine.now());
        let mut session = RealSession {
            dir,
            seed,
            machine,
            driver,
            journal,
            open,
            notes: Vec::new(),
            adopted: BTreeSet::new(),
            involved: BTreeSet::new(),
            _lock: lock,
        };
        session.adopt();
        session.repair()?;
        session.settle()?;
        Ok(session)
    }

    pub fn world(&self) -> Option<&World> {
        self.machine.world()
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn layout(&self) -> &crate::cgroup::Layout {
        self.driver.layout()
    }

    /// Messages for the user that are not a command's output.
    pub fn take_notes(&mut self) -> Vec<String> {
        std::mem::take(&mut self.notes)
    }

    /// Detached containers an earlier invocation left running: followed again, or what they
    /// did meanwhile taken in. Not after an interrupted command (see [`RealSession::repair`]).
    fn adopt(&mut self) {
        if self.machine.is_busy() {
            return;
        }
        let open: Vec<(ProcessHandle, OpenProcess)> =
            self.open.0.iter().map(|(h, p)| (*h, p.clone())).collect();
        for (handle, p) in open {
            let sim_core::driver::Target::Container(id) = &p.target else {
                continue;
            };
            if p.purpose != sim_core::driver::Purpose::Main {
                continue;
            }
            match self
                .driver
                .adopt(handle, &p.host, p.target.clone(), p.outputs)
            {
                crate::driver::Adopted::Running => {
                    self.adopted.insert(id.to_string());
                    self.open.0.remove(&handle);
                }
                crate::driver::Adopted::Finished => {
                    self.open.0.remove(&handle);
                }
                crate::driver::Adopted::Gone => {}
            }
        }
    }

    /// A run killed mid-command leaves processes the World thinks are running and a command
    /// in flight: the processes are recorded as killed (SIGKILL) and the command finishes; what
    /// the run left on the machine is removed. Each step is reported.
    fn repair(&mut self) -> Result<(), String> {
        let interrupted = !self.open.0.is_empty() || self.machine.is_busy();
        if !interrupted {
            return Ok(());
        }
        self.notes
            .push("the last `sim --real` was interrupted; repairing its state:".to_string());
        let open: Vec<(ProcessHandle, String, String)> = self
            .open
            .0
            .iter()
            .map(|(h, p)| (*h, p.what.clone(), p.host.clone()))
            .collect();
        for (handle, what, host) in open {
            self.notes
                .push(format!("  {what}: gone, recorded as killed (exit 137)"));
            let input = Input::Observation {
                at: self.machine.now(),
                host,
                observation: Observation::Exited {
                    handle,
                    exit: ProcessExit::Signal(9),
                },
            };
            self.apply_recorded(input)?;
        }
        // A command still in flight only waits on timers now.
        while self.machine.is_busy() {
            self.drain_effects_unsent();
            match self.machine.poll_timeout() {
                Some(t) => self.apply_recorded(Input::Timeout(t))?,
                None => break,
            }
        }
        let _ = self.machine.poll_outcome();
        let known = self.known_containers();
        for line in crate::prune::prune(&self.dir, &known, &self.adopted) {
            self.notes.push(format!("  {line}"));
        }
        Ok(())
    }

    /// Effects of the repair are for processes that are gone: not sent.
    fn drain_effects_unsent(&mut self) {
        while let Some((host, effect)) = self.machine.poll_effect() {
            self.open.effect(&host, &effect);
        }
    }

    fn apply_recorded(&mut self, input: Input) -> Result<(), String> {
        record(&mut self.journal, &input)?;
        replay(&mut self.machine, &input, &mut self.open)
    }

    fn known_containers(&self) -> BTreeSet<String> {
        self.machine
            .world()
            .map(|w| w.containers().map(|c| c.id.to_string()).collect())
            .unwrap_or_default()
    }

    /// Removes what a killed run left behind; one line per thing removed.
    pub fn prune(&mut self) -> Vec<String> {
        let known = self.known_containers();
        let mut report = crate::prune::prune(&self.dir, &known, &self.adopted);
        report.extend(crate::prune::bridge());
        report
    }

    fn deliver(
        &mut self,
        at: sim_core::Tick,
        host: String,
        observation: Observation,
    ) -> Result<(), String> {
        let input = Input::Observation {
            at,
            host,
            observation,
        };
        record(&mut self.journal, &input)?;
        if let Input::Observation {
            at,
            host,
            observation,
        } = input
        {
            self.open.observation(&observation);
            self.machine.handle_observation(&host, observation, at);
        }
        Ok(())
    }

    fn send_effects(&mut self) {
        while let Some((host, effect)) = self.machine.poll_effect() {
            self.open.effect(&host, &effect);
            match &effect {
                Effect::StartProcess(start) => {
                    self.involved.insert(start.handle);
                }
                Effect::Signal { handle, .. } => {
                    self.involved.insert(*handle);
                }
                _ => {}
            }
            let now = self.machine.now();
            self.driver.handle_effect(&host, effect, now);
        }
    }

    /// Takes in what happened while no command ran (a detached container's output or exit).
    fn settle(&mut self) -> Result<(), String> {
        self.send_effects();
        let now = self.driver.now();
        self.driver.wait(Some(now), &BTreeSet::new());
        while let Some((at, host, observation)) = self.driver.poll_observation(u64::MAX) {
            self.deliver(at, host, observation)?;
            self.send_effects();
        }
        Ok(())
    }

    /// Runs one command line for real and returns what it printed.
    pub fn run(&mut self, line: &str, context: Option<BuildContext>) -> Result<Outcome, String> {
        self.settle()?;
        let step = Step::new(line, context);
        step.check(1).map_err(|e| format!("not run: {e}"))?;
        if let Some(refused) = self.refuse_hostile_load(&step) {
            return Ok(refused);
        }
        if let Some(top) = self.top(&step.line) {
            return Ok(top);
        }
        record(&mut self.journal, &Input::Submit(step.clone()))?;
        self.involved.clear();
        self.machine
            .submit(&step.line, step.context())
            .map_err(|e| e.to_string())?;
        let finished = loop {
            self.send_effects();
            if !self.machine.is_busy() {
                break true;
            }
            let timeout = self.machine.poll_timeout();
            self.driver.wait(timeout, &self.involved);
            let next = self.driver.next_observation_at();
            let deliver = next.is_some_and(|at| timeout.is_none_or(|t| at <= t));
            if deliver {
                if let Some((at, host, observation)) =
                    next.and_then(|at| self.driver.poll_observation(at))
                {
                    self.deliver(at, host, observation)?;
                }
            } else if let Some(t) = timeout {
                self.driver.sync(t);
                record(&mut self.journal, &Input::Timeout(t))?;
                self.machine.handle_timeout(t);
            } else {
                break false;
            }
        };
        let mut outcome = match self.machine.poll_outcome() {
            Some(outcome) if finished => outcome,
            _ => Outcome {
                stderr: "(sim --real: the command is still running)\n".into(),
                exit_code: 1,
                ..Outcome::default()
            },
        };
        for note in self.driver.take_notes() {
            outcome.stderr.push_str(&format!("sim --real: {note}\n"));
        }
        self.driver.empty_trash();
        Ok(outcome)
    }

    /// `docker load -i FILE`: a layer that could write outside its directory (or holds what a
    /// layer must not) is refused here, as docker's daemon refuses it, before the core sees it.
    fn refuse_hostile_load(&self, step: &Step) -> Option<Outcome> {
        let file = sim_core::command::load_request(&step.line)?;
        let bytes = step
            .context()
            .read_file(&sim_core::command::manifest_key(&file))
            .ok()?;
        let scratch = self.dir.join(format!("load-check-{}", std::process::id()));
        let error = crate::archive::check(bytes, &scratch).err()?;
        Some(Outcome {
            stderr: format!("Error response from daemon: {error}\n"),
            exit_code: 1,
            ..Outcome::default()
        })
    }

    /// `docker top` of a running container: its processes with their host PIDs, from its
    /// cgroup. Anything else (unknown or stopped container, options) the core answers.
    fn top(&self, line: &str) -> Option<Outcome> {
        let words: Vec<&str> = line.split_whitespace().collect();
        let key = match words.as_slice() {
            ["docker", "top", key] | ["docker", "container", "top", key] => *key,
            _ => return None,
        };
        let world = self.machine.world()?;
        let matches: Vec<_> = world
            .containers()
            .filter(|c| c.name == key || c.id.starts_with(key))
            .collect();
        let [c] = matches.as_slice() else {
            return None;
        };
        if !c.is_running() {
            return None;
        }
        let pids = self.driver.container_pids(&c.id);
        if pids.is_empty() {
            return None;
        }
        Some(Outcome {
            stdout: crate::top::table(&pids),
            ..Outcome::default()
        })
    }

    /// Ends the session: processes still running are killed (nothing outlives `sim --real`
    /// yet) and their exits recorded; returns a line for each.
    pub fn close(mut self) -> Result<Vec<String>, String> {
        self.settle()?;
        let stopped = self.driver.stop_all();
        let mut lines = Vec::new();
        for handle in stopped {
            if let Some(p) = self.open.0.get(&handle) {
                lines.push(format!(
                    "{}: stopped (SIGKILL) as sim --real exits (only containers' main processes outlive it)",
                    p.what
                ));
            }
        }
        while let Some((at, host, observation)) = self.driver.poll_observation(u64::MAX) {
            self.deliver(at, host, observation)?;
            self.send_effects();
        }
        Ok(lines)
    }
}

/// Takes the state directory's lock, or says who holds it.
fn lock(dir: &Path) -> Result<std::fs::File, String> {
    use std::os::fd::AsRawFd;
    let path = dir.join("lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    // A child forked just now (before its exec) may hold a copy for a moment: try for a while.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    let locked = loop {
        // SAFETY: flock on an fd this function owns.
        let rc =
            unsafe { nix::libc::flock(file.as_raw_fd(), nix::libc::LOCK_EX | nix::libc::LOCK_NB) };
        if rc == 0 || std::time::Instant::now() > deadline {
            break rc == 0;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    if !locked {
        return Err(format!(
            "another `sim --real` is running on {} (wait for it to finish)",
            dir.display()
        ));
    }
    Ok(file)
}

/// One recorded input into a Machine with no driver: its effects are only tracked.
fn replay(machine: &mut Machine, input: &Input, open: &mut OpenProcesses) -> Result<(), String> {
    match input {
        Input::Submit(step) => {
            let _ = machine.poll_outcome();
            machine
                .submit(&step.line, step.context())
                .map_err(|_| "the real-mode journal submits a command while another runs; run `sim --real reset`".to_string())?;
        }
        Input::Observation {
            at,
            host,
            observation,
        } => {
            open.observation(observation);
            machine.handle_observation(host, observation.clone(), *at);
        }
        Input::Timeout(t) => machine.handle_timeout(*t),
        // Journal::read resolves these; one here was never read from its blob.
        Input::ObservationBlob { digest, .. } => {
            return Err(format!(
                "the real-mode journal's blob {digest} was not read; run `sim --real reset`"
            ))
        }
    }
    while let Some((host, effect)) = machine.poll_effect() {
        open.effect(&host, &effect);
    }
    Ok(())
}
