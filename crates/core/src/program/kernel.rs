//! The little "kernel" every simulated process of one run shares: the logical clock, the step
//! and time budget, memory accounting with the OOM decision, where output goes, and the servers
//! that started listening during the run.
//!
//! Once the run is halted (budget reached, OOM kill, a server left running) nothing more is
//! written and every caller unwinds: programs check [`Kernel::halted`] after each child.

use super::{Exit, OutputChunk, ProcessCtx, ProgramCache, ServerKind, Stream};
use std::cell::Cell;
use std::rc::Rc;

/// Most simple commands one run may execute before it counts as still running (bounds CPU).
pub const STEP_BUDGET: u64 = 100_000;
/// How deeply programs may start programs (shebang chains, nested `sh -c`, recursion).
pub const MAX_DEPTH: u32 = 64;
/// Logical cost of one executed command.
pub const STEP_MS: u64 = 1;
pub const MIB: u64 = 1024 * 1024;
/// The simulated host's memory: a container without `--memory` is OOM-killed past it. Only
/// sizes are counted; nothing near this is ever allocated (see [`HELD_CAP`]).
pub const HOST_MEMORY: u64 = 2048 * MIB;
/// Most bytes of content one run really holds (variables, pipe and capture buffers, files
/// written). Past it the simulator stops following the process, which counts as still
/// running, so whatever is typed the simulator's own memory stays bounded.
pub const HELD_CAP: u64 = 32 * MIB;
/// Most output one run sends to the terminal (`docker logs` keeps it in the World's state).
pub const TERM_CAP: u64 = MIB;
/// What a Linux pipe holds before its writer blocks: all a pipe costs in memory.
pub const PIPE_SIZE: u64 = 64 * 1024;
/// Steps a pipeline stage that feeds another may take before it counts as blocked on its
/// reader (so `while :; do echo y; done | head -n 1` ends as it does for real).
pub const STAGE_STEPS: u64 = 50_000;
/// Bytes of copying or writing that cost one step (bounds the CPU big strings can take).
pub const WORK_BYTES_PER_STEP: u64 = 4096;

/// Why the run stopped before its first process exited by itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Halt {
    Running,
    Oom,
    /// A pipeline stage that feeds another stopped where a real one would wait for its reader
    /// (the pipe is full, or it took its share of steps); its reader sees unfinished input.
    Blocked,
}

/// Where a process writes one of its output streams.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// The container's stdout/stderr (what `docker logs` shows).
    Term(Stream),
    /// A pipe or command substitution buffer, by index in [`Kernel::buffers`].
    Buf(usize),
    /// A file in the container (opened, so appends go to its end).
    File(String),
    /// `/dev/null`.
    Null,
}

/// Standard input: bytes plus a shared read position, so `read` in a loop consumes lines.
/// Input from a writer that has not finished (it blocked on a full pipe) carries the run's
/// "starved" flag: reading to its end raises it, since a real reader would wait there.
#[derive(Clone, Debug, Default)]
pub struct Input {
    data: Rc<Vec<u8>>,
    pos: Rc<Cell<usize>>,
    more: Option<Rc<Cell<bool>>>,
}

impl Input {
    pub fn new(data: Vec<u8>) -> Input {
        Input {
            data: Rc::new(data),
            pos: Rc::new(Cell::new(0)),
            more: None,
        }
    }

    /// Input whose writer would write more: reaching its end raises `starved`.
    pub fn unfinished(data: Vec<u8>, starved: Rc<Cell<bool>>) -> Input {
        Input {
            more: Some(starved),
            ..Input::new(data)
        }
    }

    fn reached_end(&self) {
        if let Some(flag) = &self.more {
            flag.set(true);
        }
    }

    /// Everything not read yet, consuming it.
    pub fn take_all(&self) -> Vec<u8> {
        let rest = self.data.get(self.pos.get()..).unwrap_or(&[]).to_vec();
        self.pos.set(self.data.len());
        self.reached_end();
        rest
    }

    /// Up to `n` bytes, consuming them: a reader that has enough does not wait for more.
    pub fn take_bytes(&self, n: usize) -> Vec<u8> {
        let rest = self.data.get(self.pos.get()..).unwrap_or(&[]);
        match rest.get(..n) {
            Some(part) => {
                self.pos.set(self.pos.get() + n);
                part.to_vec()
            }
            None => self.take_all(),
        }
    }

    /// Up to `n` lines (with their newlines), consuming them.
    pub fn take_lines(&self, n: usize) -> Vec<u8> {
        if n == 0 {
            return Vec::new();
        }
        let rest = self.data.get(self.pos.get()..).unwrap_or(&[]);
        let end = rest
            .iter()
            .enumerate()
            .filter(|(_, &b)| b == b'\n')
            .nth(n - 1)
            .map(|(i, _)| i + 1);
        match end {
            Some(end) => self.take_bytes(end),
            None => self.take_all(),
        }
    }

    /// Everything not read yet, without consuming it.
    pub fn peek_all(&self) -> &[u8] {
        self.reached_end();
        self.data.get(self.pos.get()..).unwrap_or(&[])
    }

    /// One line without its newline, or None at end of input.
    pub fn read_line(&self) -> Option<Vec<u8>> {
        let rest = self.data.get(self.pos.get()..).unwrap_or(&[]);
        if rest.is_empty() {
            self.reached_end();
            return None;
        }
        let (line, used) = match rest.iter().position(|&b| b == b'\n') {
            Some(i) => (rest.get(..i).unwrap_or(&[]).to_vec(), i + 1),
            None if self.more.is_some() => {
                // The rest of this line has not been written yet.
                self.reached_end();
                return None;
            }
            None => (rest.to_vec(), rest.len()),
        };
        self.pos.set(self.pos.get().saturating_add(used));
        Some(line)
    }
}

/// One process as a program sees it: arguments, environment, directory and its streams.
#[derive(Clone, Debug)]
pub struct Proc {
    pub argv: Vec<String>,
    pub env: Vec<(String, String)>,
    pub cwd: String,
    pub user: String,
    pub stdin: Input,
    pub out: Target,
    pub err: Target,
}

impl Proc {
    pub fn getenv(&self, name: &str) -> Option<&str> {
        self.env
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Name the program was invoked by (basename of argv[0]).
    pub fn name(&self) -> &str {
        let a0 = self.argv.first().map(String::as_str).unwrap_or("");
        a0.rsplit('/').next().unwrap_or(a0)
    }

    pub fn args(&self) -> &[String] {
        self.argv.get(1..).unwrap_or(&[])
    }

    /// A path argument made absolute against the working directory.
    pub fn path(&self, arg: &str) -> String {
        crate::fs::normalize(&self.cwd, arg)
    }
}

pub struct Kernel<'k, 'a> {
    pub ctx: &'k mut ProcessCtx<'a>,
    /// What earlier runs worked out from files alone (parsed scripts, nginx's config).
    pub cache: &'k mut ProgramCache,
    /// Logical ms since the run started.
    pub clock: u64,
    pub steps: u64,
    /// Memory in use now and the highest it was.
    pub mem: u64,
    pub peak: u64,
    pub output: Vec<OutputChunk>,
    pub buffers: Vec<Vec<u8>>,
    /// Servers started during this run (reachable on localhost by later commands).
    pub listening: Vec<(u16, ServerKind)>,
    pub halted: Option<Halt>,
    pub depth: u32,
    /// Next pid handed to a child process (for `$$` of subshells and logs).
    pub next_pid: u32,
    /// Content bytes this run holds (see [`HELD_CAP`]) and has sent to the terminal.
    pub held: u64,
    pub term_bytes: u64,
    /// Which buffers are pipes (the rest capture `$(...)`).
    pipes: Vec<bool>,
    /// Raised when a reader reaches the end of an unfinished pipe.
    pub starved: Rc<Cell<bool>>,
    /// Step count at which the current feeding pipeline stage counts as blocked.
    pub stage_limit: Option<u64>,
    /// The signal that killed the last program that died of one ("Segmentation fault").
    pub signal: Option<&'static str>,
}

impl<'k, 'a> Kernel<'k, 'a> {
    pub fn new(ctx: &'k mut ProcessCtx<'a>, cache: &'k mut ProgramCache) -> Kernel<'k, 'a> {
        let next_pid = ctx
            .processes
            .iter()
            .map(|p| p.pid)
            .max()
            .unwrap_or(1)
            .saturating_add(1);
        Kernel {
            ctx,
            cache,
            clock: 0,
            steps: 0,
            mem: 0,
            peak: 0,
            output: Vec::new(),
            buffers: Vec::new(),
            listening: Vec::new(),
            halted: None,
            depth: 0,
            next_pid,
            held: 0,
            term_bytes: 0,
            pipes: Vec::new(),
            starved: Rc::new(Cell::new(false)),
            stage_limit: None,
            signal: None,
        }
    }

    /// Pid of the process this run started (the last one in the process table).
    pub fn pid(&self) -> u32 {
        self.ctx.processes.last().map(|p| p.pid).unwrap_or(1)
    }

    pub fn halted(&self) -> bool {
        self.halted.is_some() || self.starved.get()
    }

    /// One executed command: costs a millisecond and a step; may exhaust the budget.
    pub fn step(&mut self) -> bool {
        if self.halted() {
            return false;
        }
        self.steps = self.steps.saturating_add(1);
        self.advance(STEP_MS);
        self.check_steps();
        !self.halted()
    }

    /// Copying or writing `bytes`: costs steps (no logical time), so big strings cannot make
    /// the simulator spin.
    pub fn work(&mut self, bytes: u64) {
        if self.halted() || bytes < WORK_BYTES_PER_STEP {
            return;
        }
        self.steps = self.steps.saturating_add(bytes / WORK_BYTES_PER_STEP);
        self.check_steps();
    }

    fn check_steps(&mut self) {
        if self.stage_limit.is_some_and(|l| self.steps >= l) {
            self.halted = Some(Halt::Blocked);
        } else if self.steps >= STEP_BUDGET {
            self.run_forever();
        }
    }

    /// After a command ran: a reader that reached the end of an unfinished pipe waits there
    /// forever; inside a stage that feeds another it is blocked, otherwise still running.
    pub fn settle_starved(&mut self) {
        if self.starved.get() {
            self.starved.set(false);
            if self.halted.is_none() {
                self.halted = Some(if self.stage_limit.is_some() {
                    Halt::Blocked
                } else {
                    Halt::Running
                });
            }
        }
    }

    /// The stage that just ran stopped blocked on its reader: clears that and says so.
    pub fn take_blocked(&mut self) -> bool {
        self.settle_starved();
        if self.halted == Some(Halt::Blocked) {
            self.halted = None;
            true
        } else {
            false
        }
    }

    /// Takes `bytes` of content the simulator really holds; past [`HELD_CAP`] the writer
    /// stops (blocked when it feeds a pipe, else the run counts as still running).
    pub fn hold(&mut self, bytes: u64, into_pipe: bool) -> bool {
        if self.held.saturating_add(bytes) > HELD_CAP {
            if into_pipe && self.stage_limit.is_some() {
                self.halted = Some(Halt::Blocked);
            } else {
                self.run_forever();
            }
            return false;
        }
        self.held += bytes;
        true
    }

    pub fn unhold(&mut self, bytes: u64) {
        self.held = self.held.saturating_sub(bytes);
    }

    /// Lets logical time pass (sleep); stops at the budget.
    pub fn advance(&mut self, ms: u64) {
        if self.halted() {
            return;
        }
        self.clock = self.clock.saturating_add(ms);
        if self.clock >= self.ctx.budget_ms {
            self.run_forever();
        }
    }

    /// The process keeps running past the budget (servers, `sleep infinity`).
    pub fn run_forever(&mut self) {
        if self.halted.is_none() {
            self.clock = self.clock.max(self.ctx.budget_ms);
            self.halted = Some(Halt::Running);
        }
    }

    /// Takes memory; the kernel OOM-kills when it goes over the limit.
    pub fn alloc(&mut self, bytes: u64) -> bool {
        if self.halted() {
            return false;
        }
        self.mem = self.mem.saturating_add(bytes);
        self.peak = self.peak.max(self.mem);
        if self.mem > self.ctx.memory_limit.unwrap_or(HOST_MEMORY) {
            self.halted = Some(Halt::Oom);
            return false;
        }
        true
    }

    pub fn free(&mut self, bytes: u64) {
        self.mem = self.mem.saturating_sub(bytes);
    }

    pub fn listen(&mut self, port: u16, kind: ServerKind) {
        self.listening.push((port, kind));
    }

    /// A new capture buffer (`$(...)`): its content counts in full.
    pub fn new_buffer(&mut self) -> usize {
        self.buffers.push(Vec::new());
        self.pipes.push(false);
        self.buffers.len() - 1
    }

    /// A new pipe: it costs at most [`PIPE_SIZE`] of memory, as a real one.
    pub fn new_pipe(&mut self) -> usize {
        let id = self.new_buffer();
        if let Some(p) = self.pipes.get_mut(id) {
            *p = true;
        }
        id
    }

    fn is_pipe(&self, id: usize) -> bool {
        self.pipes.get(id).copied().unwrap_or(false)
    }

    /// Memory a buffer of `len` bytes costs.
    fn buffer_cost(&self, id: usize, len: u64) -> u64 {
        if self.is_pipe(id) {
            len.min(PIPE_SIZE)
        } else {
            len
        }
    }

    pub fn take_buffer(&mut self, id: usize) -> Vec<u8> {
        let data = self
            .buffers
            .get_mut(id)
            .map(std::mem::take)
            .unwrap_or_default();
        let len = data.len() as u64;
        self.free(self.buffer_cost(id, len));
        self.unhold(len);
        data
    }

    pub fn write(&mut self, target: &Target, bytes: &[u8]) {
        if self.halted() || bytes.is_empty() {
            return;
        }
        let len = bytes.len() as u64;
        self.work(len);
        match target {
            Target::Term(stream) => {
                let room = TERM_CAP.saturating_sub(self.term_bytes);
                if len > room {
                    // More than a terminal keeps: show what fits, then stop following.
                    let fits = bytes.get(..room as usize).unwrap_or(&[]);
                    self.term_bytes = TERM_CAP;
                    if !fits.is_empty() {
                        self.write(target, fits);
                    }
                    self.run_forever();
                    return;
                }
                self.term_bytes += len;
                let at_ms = self.clock;
                match self.output.last_mut() {
                    Some(last) if last.at_ms == at_ms && last.stream == *stream => {
                        last.bytes.extend_from_slice(bytes)
                    }
                    _ => self.output.push(OutputChunk {
                        at_ms,
                        stream: *stream,
                        bytes: bytes.to_vec(),
                    }),
                }
            }
            Target::Buf(id) => {
                let before = self.buffers.get(*id).map_or(0, |b| b.len() as u64);
                let cost = self.buffer_cost(*id, before + len) - self.buffer_cost(*id, before);
                if !self.hold(len, self.is_pipe(*id)) || !self.alloc(cost) {
                    return;
                }
                if let Some(buf) = self.buffers.get_mut(*id) {
                    buf.extend_from_slice(bytes);
                }
            }
            Target::File(path) => {
                // Files written count against the memory limit (tmpfs, page cache).
                if !self.hold(len, false) || !self.alloc(len) {
                    return;
                }
                // Opened (created) by whoever made the target; a vanished parent loses the data
                // as a write to an unlinked file would.
                let _ = self.ctx.fs.write_file(path, bytes, true);
            }
            Target::Null => {}
        }
    }

    pub fn out(&mut self, p: &Proc, text: &str) {
        let t = p.out.clone();
        self.write(&t, text.as_bytes());
    }

    pub fn err(&mut self, p: &Proc, text: &str) {
        let t = p.err.clone();
        self.write(&t, text.as_bytes());
    }

    pub fn out_bytes(&mut self, p: &Proc, bytes: &[u8]) {
        let t = p.out.clone();
        self.write(&t, bytes);
    }

    /// The exit of the run as the result reports it.
    pub fn exit(&self, code: i32) -> Exit {
        match self.halted {
            Some(Halt::Running | Halt::Blocked) => Exit::Running,
            Some(Halt::Oom) => Exit::OomKilled,
            None if self.starved.get() => Exit::Running,
            None => Exit::Code(code),
        }
    }

    /// Servers reachable on this container's own addresses: those the World says are running
    /// plus those this run started.
    pub fn local_server(&self, port: u16) -> Option<ServerKind> {
        self.listening
            .iter()
            .chain(self.ctx.local_servers.iter())
            .find(|(p, _)| *p == port)
            .map(|(_, k)| k.clone())
    }

    /// Is `host` this container itself?
    pub fn is_local_host(&self, host: &str) -> bool {
        matches!(
            host,
            "localhost" | "127.0.0.1" | "0.0.0.0" | "::1" | "[::1]"
        ) || host == self.ctx.hostname
    }
}
