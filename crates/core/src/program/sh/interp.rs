//! Running the AST: variables, redirections, pipelines, control flow and command lookup
//! (functions, then builtins, then `$PATH`).

use super::parser::{parse, AndOr, Command, Compound, List, Pipeline, Redir, RedirKind, Simple};
use crate::fs::FsError;
use crate::program::exec::{self, ExecError};
use crate::program::kernel::{Halt, Input, Kernel, Proc, Target, STAGE_STEPS};
use crate::program::Stream;
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Var {
    pub value: String,
    pub exported: bool,
}

/// Non-local control flow in progress.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flow {
    Normal,
    Break(u32),
    Continue(u32),
    Return,
    Exit,
}

/// A process's three standard streams.
#[derive(Clone, Debug)]
pub struct Io {
    pub stdin: Input,
    pub out: Target,
    pub err: Target,
}

#[derive(Clone, Debug)]
pub struct Shell {
    pub vars: BTreeMap<String, Var>,
    pub positional: Vec<String>,
    pub arg0: String,
    pub status: i32,
    pub cwd: String,
    pub user: String,
    pub functions: BTreeMap<String, Command>,
    pub pid: u32,
    pub last_bg: Option<u32>,
    pub flow: Flow,
    pub errexit: bool,
    pub xtrace: bool,
    /// Inside an `if`/`while` condition or a `&&`/`||` left side: errexit does not apply.
    pub cond_depth: u32,
    pub loop_depth: u32,
    /// `local` saves: per function call, the previous values to restore.
    pub frames: Vec<Vec<(String, Option<Var>)>>,
    pub depth: u32,
    /// Exit status of the last command substitution in the current command.
    pub subst_status: Option<i32>,
    /// Variables whose values are too big to hold: their lengths (see memory.rs).
    pub unheld: BTreeMap<String, u64>,
    /// What this shell has counted with the kernel: memory and bytes really held.
    pub mem_bytes: u64,
    pub held_bytes: u64,
    /// `trap` actions by signal number (0 is EXIT).
    pub traps: BTreeMap<u32, String>,
    /// State of `$RANDOM`'s generator.
    pub random: std::cell::Cell<u64>,
    /// `getopts`: the OPTIND it last showed, the argument it is in and the position there.
    pub getopts_at: (usize, usize, usize),
}

const MAX_CALL_DEPTH: u32 = 200;

impl Shell {
    pub fn new(p: &Proc, pid: u32) -> Shell {
        let mut vars = BTreeMap::new();
        for (k, v) in &p.env {
            vars.insert(
                k.clone(),
                Var {
                    value: v.clone(),
                    exported: true,
                },
            );
        }
        let mut sh = Shell {
            vars,
            positional: Vec::new(),
            arg0: "sh".into(),
            status: 0,
            cwd: p.cwd.clone(),
            user: p.user.clone(),
            functions: BTreeMap::new(),
            pid,
            last_bg: None,
            flow: Flow::Normal,
            errexit: false,
            xtrace: false,
            cond_depth: 0,
            loop_depth: 0,
            frames: Vec::new(),
            depth: 0,
            subst_status: None,
            unheld: BTreeMap::new(),
            mem_bytes: 0,
            held_bytes: 0,
            traps: BTreeMap::new(),
            random: std::cell::Cell::new(u64::from(pid).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1),
            getopts_at: (0, 0, 0),
        };
        if !sh.vars.contains_key("PATH") {
            sh.set_var("PATH", exec::DEFAULT_PATH);
        }
        if !sh.vars.contains_key("IFS") {
            sh.vars.insert(
                "IFS".into(),
                Var {
                    value: " \t\n".into(),
                    exported: false,
                },
            );
        }
        let cwd = sh.cwd.clone();
        sh.set_var("PWD", &cwd);
        sh
    }

    pub fn get_var(&self, name: &str) -> Option<String> {
        match name {
            "?" => Some(self.status.to_string()),
            "$" => Some(self.pid.to_string()),
            "#" => Some(self.positional.len().to_string()),
            "0" => Some(self.arg0.clone()),
            "!" => Some(self.last_bg.map(|p| p.to_string()).unwrap_or_default()),
            "RANDOM" => Some(self.next_random().to_string()),
            "-" => Some(if self.errexit {
                "e".into()
            } else {
                String::new()
            }),
            "@" | "*" => Some(self.positional.join(" ")),
            _ if name.chars().all(|c| c.is_ascii_digit()) => name
                .parse::<usize>()
                .ok()
                .and_then(|i| i.checked_sub(1))
                .and_then(|i| self.positional.get(i).cloned()),
            _ => self.vars.get(name).map(|v| v.value.clone()),
        }
    }

    pub fn set_var(&mut self, name: &str, value: &str) {
        if !self.unheld.is_empty() {
            self.unheld.remove(name);
        }
        match self.vars.get_mut(name) {
            Some(v) => v.value = value.to_string(),
            None => {
                self.vars.insert(
                    name.to_string(),
                    Var {
                        value: value.to_string(),
                        exported: false,
                    },
                );
            }
        }
    }

    /// The environment a child process gets.
    pub fn exported_env(&self) -> Vec<(String, String)> {
        self.vars
            .iter()
            .filter(|(_, v)| v.exported)
            .map(|(k, v)| (k.clone(), v.value.clone()))
            .collect()
    }

    pub fn proc_for(&self, argv: Vec<String>, env: Vec<(String, String)>, io: &Io) -> Proc {
        Proc {
            argv,
            env,
            cwd: self.cwd.clone(),
            user: self.user.clone(),
            stdin: io.stdin.clone(),
            out: io.out.clone(),
            err: io.err.clone(),
        }
    }

    pub fn error(&self, k: &mut Kernel, io: &Io, msg: &str) {
        k.write(&io.err, format!("sh: {msg}\n").as_bytes());
    }

    /// Stops the shell after a fatal error (expansion or redirection errors in special
    /// contexts, syntax errors), as a non-interactive ash does.
    pub fn fatal(&mut self, k: &mut Kernel, io: &Io, msg: &str, code: i32) -> i32 {
        self.error(k, io, msg);
        self.status = code;
        self.flow = Flow::Exit;
        code
    }

    /// A copy of this shell for a subshell: traps other than ignored ones are reset.
    pub fn subshell(&self) -> Shell {
        let mut sub = self.clone();
        sub.flow = Flow::Normal;
        sub.traps.retain(|_, action| action.is_empty());
        sub
    }

    /// A subshell ends: its EXIT trap runs.
    fn end_subshell(&mut self, k: &mut Kernel, io: &Io, status: i32) -> i32 {
        self.status = status;
        self.run_exit_trap(k, io)
    }

    fn interrupted(&self, k: &Kernel) -> bool {
        k.halted() || self.flow != Flow::Normal
    }

    pub fn run_source(&mut self, k: &mut Kernel, src: &str, first_line: u32, io: &Io) -> i32 {
        // Every container of an image runs the same entrypoint: parse each text once.
        let parsed = k.cache.script(src, first_line, parse);
        match parsed.as_ref() {
            Ok(list) => self.run_list(k, list, io),
            Err(e) => self.fatal(k, io, e, 2),
        }
    }

    pub fn run_list(&mut self, k: &mut Kernel, list: &List, io: &Io) -> i32 {
        for item in &list.0 {
            if self.interrupted(k) {
                break;
            }
            if item.background {
                self.run_background(k, &item.and_or, io);
            } else {
                self.run_and_or(k, &item.and_or, io);
            }
        }
        self.status
    }

    /// `cmd &`: runs in a copy of the shell while the foreground's clock stands still. A
    /// server started this way keeps listening for the commands that follow.
    fn run_background(&mut self, k: &mut Kernel, and_or: &AndOr, io: &Io) {
        let start = k.clock;
        let pid = k.next_pid;
        k.next_pid = k.next_pid.saturating_add(1);
        let mut child = self.clone();
        child.pid = pid;
        let bg_io = Io {
            stdin: Input::new(Vec::new()),
            ..io.clone()
        };
        child.run_and_or(k, and_or, &bg_io);
        self.forget_child(k, &child);
        if k.halted == Some(Halt::Running) {
            k.halted = None;
        }
        if k.halted.is_none() {
            k.clock = start;
        }
        self.last_bg = Some(pid);
        self.status = 0;
    }

    fn run_and_or(&mut self, k: &mut Kernel, and_or: &AndOr, io: &Io) -> i32 {
        let has_rest = !and_or.rest.is_empty();
        if has_rest {
            self.cond_depth += 1;
        }
        let mut status = self.run_pipeline(k, &and_or.first, io);
        let mut last_ran = !has_rest;
        let mut negated = and_or.first.negate;
        for (i, (and, pipeline)) in and_or.rest.iter().enumerate() {
            if self.interrupted(k) {
                break;
            }
            let is_last = i + 1 == and_or.rest.len();
            if (status == 0) == *and {
                if is_last {
                    self.cond_depth = self.cond_depth.saturating_sub(1);
                }
                status = self.run_pipeline(k, pipeline, io);
                negated = pipeline.negate;
                if is_last {
                    last_ran = true;
                    self.cond_depth += 1;
                }
            }
        }
        if has_rest {
            self.cond_depth = self.cond_depth.saturating_sub(1);
        }
        if last_ran
            && !negated
            && status != 0
            && self.errexit
            && self.cond_depth == 0
            && self.flow == Flow::Normal
        {
            self.flow = Flow::Exit;
        }
        status
    }

    fn run_pipeline(&mut self, k: &mut Kernel, pipeline: &Pipeline, io: &Io) -> i32 {
        let status = if pipeline.cmds.len() <= 1 {
            match pipeline.cmds.first() {
                Some(cmd) => self.run_command(k, cmd, io),
                None => 0,
            }
        } else {
            // Stages run one after another; each one's output is the next one's input, and
            // each runs in a subshell as in ash.
            let mut input = io.stdin.clone();
            let mut status = 0;
            let n = pipeline.cmds.len();
            for (i, cmd) in pipeline.cmds.iter().enumerate() {
                if k.halted() {
                    break;
                }
                let last = i + 1 == n;
                let buf = if last { None } else { Some(k.new_pipe()) };
                let stage_io = Io {
                    stdin: input.clone(),
                    out: buf.map(Target::Buf).unwrap_or_else(|| io.out.clone()),
                    err: io.err.clone(),
                };
                // A stage that feeds another may stop where a real one would wait for its
                // reader (pipe full, or its share of steps taken): the reader then sees
                // unfinished input, and waits forever only if it reads to its end.
                let outer_limit = k.stage_limit;
                if !last {
                    let mine = k.steps.saturating_add(STAGE_STEPS);
                    k.stage_limit = Some(outer_limit.map_or(mine, |l| l.min(mine)));
                }
                let mut sub = self.subshell();
                status = sub.run_command(k, cmd, &stage_io);
                status = sub.end_subshell(k, &stage_io, status);
                self.forget_child(k, &sub);
                let blocked = !last && k.take_blocked();
                k.stage_limit = outer_limit;
                if let Some(b) = buf {
                    let data = k.take_buffer(b);
                    input = if blocked {
                        Input::unfinished(data, k.starved.clone())
                    } else {
                        Input::new(data)
                    };
                }
            }
            k.settle_starved();
            status
        };
        let status = if pipeline.negate {
            i32::from(status == 0)
        } else {
            status
        };
        self.status = status;
        status
    }

    pub fn run_command(&mut self, k: &mut Kernel, cmd: &Command, io: &Io) -> i32 {
        if k.halted() {
            return self.status;
        }
        let status = match cmd {
            Command::Simple(s) => self.run_simple(k, s, io),
            Command::Function(name, body) => {
                self.functions.insert(name.clone(), (**body).clone());
                0
            }
            Command::Compound(c, redirs) => {
                let io = match self.apply_redirs(k, redirs, io) {
                    Ok(io) => io,
                    Err(msg) => {
                        self.error(k, io, &msg);
                        self.status = 1;
                        return 1;
                    }
                };
                self.run_compound(k, c, &io)
            }
        };
        self.status = status;
        status
    }

    fn run_compound(&mut self, k: &mut Kernel, c: &Compound, io: &Io) -> i32 {
        match c {
            Compound::Brace(list) => self.run_list(k, list, io),
            Compound::Subshell(list) => {
                let mut sub = self.subshell();
                let status = sub.run_list(k, list, io);
                let status = sub.end_subshell(k, io, status);
                self.forget_child(k, &sub);
                status
            }
            Compound::If {
                branches,
                otherwise,
            } => {
                for (cond, body) in branches {
                    self.cond_depth += 1;
                    let s = self.run_list(k, cond, io);
                    self.cond_depth -= 1;
                    if self.interrupted(k) {
                        return self.status;
                    }
                    if s == 0 {
                        return self.run_list(k, body, io);
                    }
                }
                match otherwise {
                    Some(body) => self.run_list(k, body, io),
                    None => 0,
                }
            }
            Compound::While { until, cond, body } => {
                let mut status = 0;
                self.loop_depth += 1;
                loop {
                    self.cond_depth += 1;
                    let s = self.run_list(k, cond, io);
                    self.cond_depth -= 1;
                    if self.interrupted(k) || (s == 0) == *until {
                        break;
                    }
                    status = self.run_list(k, body, io);
                    if self.loop_control() {
                        break;
                    }
                    // An empty body still costs time, so `while :; do :; done` ends at the budget.
                    if !k.step() {
                        break;
                    }
                }
                self.loop_depth -= 1;
                status
            }
            Compound::For { var, items, body } => {
                let values = match items {
                    Some(words) => match self.expand_words(k, words, io) {
                        Ok(v) => v,
                        Err(e) => return self.fatal(k, io, &e, 2),
                    },
                    None => self.positional.clone(),
                };
                let mut status = 0;
                self.loop_depth += 1;
                for v in values {
                    if self.interrupted(k) {
                        break;
                    }
                    self.set_var(var, &v);
                    status = self.run_list(k, body, io);
                    if self.loop_control() {
                        break;
                    }
                }
                self.loop_depth -= 1;
                status
            }
            Compound::Case { word, arms } => {
                let value = match self.expand_single(k, word, io) {
                    Ok(v) => v,
                    Err(e) => return self.fatal(k, io, &e, 2),
                };
                for (patterns, body) in arms {
                    for pat in patterns {
                        let pat = match self.expand_pattern(k, pat, io) {
                            Ok(p) => p,
                            Err(e) => return self.fatal(k, io, &e, 2),
                        };
                        if crate::glob::fnmatch(&pat, &value) {
                            return self.run_list(k, body, io);
                        }
                    }
                }
                0
            }
        }
    }

    /// After a loop body: handles break/continue; true when the loop must stop.
    fn loop_control(&mut self) -> bool {
        match self.flow {
            Flow::Break(n) => {
                self.flow = if n > 1 {
                    Flow::Break(n - 1)
                } else {
                    Flow::Normal
                };
                true
            }
            Flow::Continue(n) => {
                if n > 1 {
                    self.flow = Flow::Continue(n - 1);
                    true
                } else {
                    self.flow = Flow::Normal;
                    false
                }
            }
            Flow::Normal => false,
            Flow::Return | Flow::Exit => true,
        }
    }

    fn run_simple(&mut self, k: &mut Kernel, s: &Simple, io: &Io) -> i32 {
        if !k.step() {
            return self.status;
        }
        self.sync_memory(k);
        if k.halted() {
            return self.status;
        }
        // Expansions may run command substitutions; an assignment-only command's status is
        // the last one's.
        self.subst_status = None;
        let argv = match self.expand_words(k, &s.words, io) {
            Ok(a) => a,
            Err(e) => return self.fatal(k, io, &e, 2),
        };
        let mut assigns = Vec::new();
        let mut unheld = Vec::new();
        for (name, value) in &s.assigns {
            match self.expand_sized(k, value, io) {
                Ok((v, 0)) => assigns.push((name.clone(), v)),
                Ok((v, extra)) => unheld.push((name.clone(), v, extra)),
                Err(e) => return self.fatal(k, io, &e, 2),
            }
        }
        if k.halted() {
            return self.status;
        }
        let subst_status = self.subst_status.unwrap_or(0);
        let cmd_io = match self.apply_redirs(k, &s.redirs, io) {
            Ok(io) => io,
            Err(msg) => {
                self.error(k, io, &msg);
                return 1;
            }
        };
        if self.xtrace {
            let mut line = String::from("+");
            for (n, v) in &assigns {
                line.push_str(&format!(" {n}={v}"));
            }
            for a in &argv {
                line.push(' ');
                line.push_str(a);
            }
            line.push('\n');
            k.write(&io.err, line.as_bytes());
        }
        let Some(name) = argv.first().cloned() else {
            for (n, v) in &assigns {
                self.set_var(n, v);
            }
            for (n, v, extra) in &unheld {
                self.set_sized(n, v, *extra);
            }
            return subst_status;
        };
        if !unheld.is_empty() {
            // A value too big to hold cannot be handed to a command: stop following.
            k.run_forever();
            return self.status;
        }
        if let Some(body) = self.functions.get(&name).cloned() {
            for (n, v) in &assigns {
                self.set_var(n, v);
            }
            return self.call_function(k, &body, &argv, &cmd_io);
        }
        if super::builtins::is_builtin(&name) {
            // Assignments before special builtins stay; for the rest they are temporary.
            let saved: Vec<(String, Option<Var>)> = assigns
                .iter()
                .map(|(n, _)| (n.clone(), self.vars.get(n).cloned()))
                .collect();
            for (n, v) in &assigns {
                self.set_var(n, v);
            }
            let status = super::builtins::run(self, k, &argv, &cmd_io, s.line);
            if !super::builtins::is_special(&name) {
                for (n, old) in saved {
                    match old {
                        Some(v) => {
                            self.vars.insert(n, v);
                        }
                        None => {
                            self.vars.remove(&n);
                        }
                    }
                }
            }
            return status;
        }
        let mut env = self.exported_env();
        for (n, v) in assigns {
            env.retain(|(k, _)| *k != n);
            env.push((n, v));
        }
        self.run_external(k, argv, env, &cmd_io)
    }

    pub fn run_external(
        &mut self,
        k: &mut Kernel,
        argv: Vec<String>,
        env: Vec<(String, String)>,
        io: &Io,
    ) -> i32 {
        let name = argv.first().cloned().unwrap_or_default();
        let proc = self.proc_for(argv, env, io);
        k.signal = None;
        match exec::spawn(k, proc) {
            Ok(code) => {
                if let Some(signal) = k.signal.take() {
                    k.write(&io.err, format!("{signal}\n").as_bytes());
                }
                code
            }
            Err(ExecError::NotFound | ExecError::NoSuchFile) => {
                self.error(k, io, &format!("{name}: not found"));
                127
            }
            Err(ExecError::PermissionDenied | ExecError::IsADirectory) => {
                self.error(k, io, &format!("{name}: Permission denied"));
                126
            }
        }
    }

    fn call_function(&mut self, k: &mut Kernel, body: &Command, argv: &[String], io: &Io) -> i32 {
        if self.depth >= MAX_CALL_DEPTH {
            // ash recurses on its C stack and dies of SIGSEGV (exit 139) some thousands of
            // calls deep; the simulator's own stack ends the recursion sooner.
            k.signal = Some("Segmentation fault");
            self.status = 139;
            self.flow = Flow::Exit;
            return 139;
        }
        self.depth += 1;
        let saved_args =
            std::mem::replace(&mut self.positional, argv.get(1..).unwrap_or(&[]).to_vec());
        self.frames.push(Vec::new());
        let status = self.run_command(k, body, io);
        if let Some(frame) = self.frames.pop() {
            for (n, old) in frame.into_iter().rev() {
                match old {
                    Some(v) => {
                        self.vars.insert(n, v);
                    }
                    None => {
                        self.vars.remove(&n);
                    }
                }
            }
        }
        self.positional = saved_args;
        self.depth -= 1;
        if self.flow == Flow::Return {
            self.flow = Flow::Normal;
            return self.status;
        }
        status
    }

    /// Opens the redirections of a command, giving the streams it runs with.
    pub fn apply_redirs(
        &mut self,
        k: &mut Kernel,
        redirs: &[Redir],
        io: &Io,
    ) -> Result<Io, String> {
        let mut io = io.clone();
        for r in redirs {
            let target = match &r.kind {
                RedirKind::HereDoc { body, expand } => {
                    let text = if *expand {
                        self.expand_heredoc(k, body, &io)?
                    } else {
                        body.clone()
                    };
                    if r.fd == 0 {
                        io.stdin = Input::new(text.into_bytes());
                    }
                    continue;
                }
                _ => self.expand_single(k, &r.target, &io)?,
            };
            match &r.kind {
                RedirKind::Out | RedirKind::Append => {
                    let t = self.open_out(k, &target, matches!(r.kind, RedirKind::Append), &io)?;
                    set_fd(&mut io, r.fd, t);
                }
                RedirKind::In => {
                    let path = crate::fs::normalize(&self.cwd, &target);
                    let data = match path.as_str() {
                        "/dev/null" => Vec::new(),
                        "/dev/stdin" => io.stdin.peek_all().to_vec(),
                        _ => k
                            .ctx
                            .fs
                            .read_file(&path)
                            .map(<[u8]>::to_vec)
                            .map_err(|e| format!("can't open {target}: {}", short_error(&e)))?,
                    };
                    if r.fd == 0 {
                        io.stdin = Input::new(data);
                    }
                }
                RedirKind::Dup => {
                    let t = match target.as_str() {
                        "1" => io.out.clone(),
                        "2" => io.err.clone(),
                        "-" => Target::Null,
                        "0" => continue,
                        other if other.chars().all(|c| c.is_ascii_digit()) => {
                            return Err(format!("{other}: Bad file descriptor"))
                        }
                        // `>&file` is `>file 2>&1`.
                        _ => {
                            let t = self.open_out(k, &target, false, &io)?;
                            io.err = t.clone();
                            t
                        }
                    };
                    set_fd(&mut io, r.fd, t);
                }
                RedirKind::HereDoc { .. } => {}
            }
        }
        Ok(io)
    }

    fn open_out(
        &mut self,
        k: &mut Kernel,
        target: &str,
        append: bool,
        io: &Io,
    ) -> Result<Target, String> {
        let path = crate::fs::normalize(&self.cwd, target);
        match path.as_str() {
            "/dev/null" | "/dev/zero" => return Ok(Target::Null),
            "/dev/stdout" | "/proc/self/fd/1" => return Ok(io.out.clone()),
            "/dev/stderr" | "/proc/self/fd/2" => return Ok(io.err.clone()),
            "/dev/console" | "/dev/tty" => return Ok(Target::Term(Stream::Stdout)),
            _ => {}
        }
        match k.ctx.fs.write_file(&path, b"", append) {
            Ok(()) => Ok(Target::File(k.ctx.fs.resolve(&path, true).unwrap_or(path))),
            Err(FsError::NotFound) => Err(format!("can't create {target}: nonexistent directory")),
            Err(e) => Err(format!("can't create {target}: {e}")),
        }
    }

    /// Runs a command substitution: a subshell whose output is captured.
    pub fn capture(&mut self, k: &mut Kernel, src: &str, io: &Io) -> String {
        if self.depth >= MAX_CALL_DEPTH {
            self.error(k, io, "command substitution nesting too deep");
            self.subst_status = Some(2);
            return String::new();
        }
        let buf = k.new_buffer();
        let sub_io = Io {
            stdin: io.stdin.clone(),
            out: Target::Buf(buf),
            err: io.err.clone(),
        };
        let mut sub = self.subshell();
        sub.depth += 1;
        let status = sub.run_source(k, src, 1, &sub_io);
        let status = sub.end_subshell(k, &sub_io, status);
        self.forget_child(k, &sub);
        self.subst_status = Some(status);
        let bytes = k.take_buffer(buf);
        let mut text = String::from_utf8_lossy(&bytes).into_owned();
        while text.ends_with('\n') {
            text.pop();
        }
        text
    }
}

fn set_fd(io: &mut Io, fd: u32, t: Target) {
    match fd {
        1 => io.out = t,
        2 => io.err = t,
        _ => {}
    }
}

/// ash's short wording for open errors of `<`.
fn short_error(e: &FsError) -> &'static str {
    match e {
        FsError::NotFound => "no such file",
        FsError::IsADirectory => "Is a directory",
        FsError::NotADirectory => "not a directory",
        _ => "error",
    }
}
