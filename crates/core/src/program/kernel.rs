//! The little "kernel" every simulated process of one run shares: the logical clock, the step
//! and time budget, memory accounting with the OOM decision, where output goes, and the servers
//! that started listening during the run.
//!
//! Once the run is halted (budget reached, OOM kill, a server left running) nothing more is
//! written and every caller unwinds: programs check [`Kernel::halted`] after each child.

use super::{Exit, OutputChunk, ProcessCtx, ServerKind, Stream};
use std::cell::Cell;
use std::rc::Rc;

/// Most simple commands one run may execute before it counts as still running (bounds CPU).
pub const STEP_BUDGET: u64 = 100_000;
/// How deeply programs may start programs (shebang chains, nested `sh -c`, recursion).
pub const MAX_DEPTH: u32 = 64;
/// Logical cost of one executed command.
pub const STEP_MS: u64 = 1;
pub const MIB: u64 = 1024 * 1024;

/// Why the run stopped before its first process exited by itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Halt {
    Running,
    Oom,
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
#[derive(Clone, Debug, Default)]
pub struct Input {
    data: Rc<Vec<u8>>,
    pos: Rc<Cell<usize>>,
}

impl Input {
    pub fn new(data: Vec<u8>) -> Input {
        Input {
            data: Rc::new(data),
            pos: Rc::new(Cell::new(0)),
        }
    }

    /// Everything not read yet, consuming it.
    pub fn take_all(&self) -> Vec<u8> {
        let rest = self.data.get(self.pos.get()..).unwrap_or(&[]).to_vec();
        self.pos.set(self.data.len());
        rest
    }

    /// Everything not read yet, without consuming it.
    pub fn peek_all(&self) -> &[u8] {
        self.data.get(self.pos.get()..).unwrap_or(&[])
    }

    /// One line without its newline, or None at end of input.
    pub fn read_line(&self) -> Option<Vec<u8>> {
        let rest = self.peek_all();
        if rest.is_empty() {
            return None;
        }
        let (line, used) = match rest.iter().position(|&b| b == b'\n') {
            Some(i) => (rest.get(..i).unwrap_or(&[]).to_vec(), i + 1),
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
}

impl<'k, 'a> Kernel<'k, 'a> {
    pub fn new(ctx: &'k mut ProcessCtx<'a>) -> Kernel<'k, 'a> {
        let next_pid = ctx
            .processes
            .iter()
            .map(|p| p.pid)
            .max()
            .unwrap_or(1)
            .saturating_add(1);
        Kernel {
            ctx,
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
        }
    }

    /// Pid of the process this run started (the last one in the process table).
    pub fn pid(&self) -> u32 {
        self.ctx.processes.last().map(|p| p.pid).unwrap_or(1)
    }

    pub fn halted(&self) -> bool {
        self.halted.is_some()
    }

    /// One executed command: costs a millisecond and a step; may exhaust the budget.
    pub fn step(&mut self) -> bool {
        if self.halted() {
            return false;
        }
        self.steps = self.steps.saturating_add(1);
        self.advance(STEP_MS);
        if self.steps >= STEP_BUDGET {
            self.run_forever();
        }
        !self.halted()
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
        if let Some(limit) = self.ctx.memory_limit {
            if self.mem > limit {
                self.halted = Some(Halt::Oom);
                return false;
            }
        }
        true
    }

    pub fn free(&mut self, bytes: u64) {
        self.mem = self.mem.saturating_sub(bytes);
    }

    pub fn listen(&mut self, port: u16, kind: ServerKind) {
        self.listening.push((port, kind));
    }

    /// A new pipe or capture buffer.
    pub fn new_buffer(&mut self) -> usize {
        self.buffers.push(Vec::new());
        self.buffers.len() - 1
    }

    pub fn take_buffer(&mut self, id: usize) -> Vec<u8> {
        self.buffers
            .get_mut(id)
            .map(std::mem::take)
            .unwrap_or_default()
    }

    pub fn write(&mut self, target: &Target, bytes: &[u8]) {
        if self.halted() || bytes.is_empty() {
            return;
        }
        match target {
            Target::Term(stream) => {
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
                if let Some(buf) = self.buffers.get_mut(*id) {
                    buf.extend_from_slice(bytes);
                }
            }
            Target::File(path) => {
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
            Some(Halt::Running) => Exit::Running,
            Some(Halt::Oom) => Exit::OomKilled,
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
