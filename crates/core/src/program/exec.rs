//! Finding and starting programs: `$PATH` lookup, the simulated-binary marker, busybox applet
//! choice by invocation name, and `#!` interpreters.

use super::kernel::{Input, Kernel, Proc, Target, MAX_DEPTH, MIB};
use super::{
    applets, servers, sh, ProcessCtx, ProcessResult, ProcessSpec, ProgramCache, Stream,
    BINARY_MAGIC,
};
use crate::fs::{FsTree, Node};

pub const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// Why `argv[0]` cannot be executed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, thiserror::Error)]
pub enum ExecError {
    /// A bare name not found on `$PATH`.
    #[error("executable file not found in $PATH")]
    NotFound,
    /// A path (with '/') that does not exist.
    #[error("no such file or directory")]
    NoSuchFile,
    #[error("permission denied")]
    PermissionDenied,
    #[error("is a directory")]
    IsADirectory,
}

impl ExecError {
    /// docker's exit code for a container whose command cannot start.
    pub fn exit_code(&self) -> i32 {
        match self {
            ExecError::NotFound | ExecError::NoSuchFile => 127,
            ExecError::PermissionDenied | ExecError::IsADirectory => 126,
        }
    }

    /// The runtime's words, as docker shows them after "failed to create task ...: ".
    pub fn docker_message(&self, argv0: &str) -> String {
        match self {
            ExecError::NotFound => {
                format!("exec: \"{argv0}\": executable file not found in $PATH")
            }
            ExecError::NoSuchFile => {
                format!("exec: \"{argv0}\": stat {argv0}: no such file or directory")
            }
            ExecError::PermissionDenied => format!("exec: \"{argv0}\": permission denied"),
            ExecError::IsADirectory => format!("exec: \"{argv0}\": is a directory"),
        }
    }
}

fn env_get<'e>(env: &'e [(String, String)], name: &str) -> Option<&'e str> {
    env.iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Resolves `argv0` the way execvp does, with `/` as the working directory.
pub fn locate(fs: &FsTree, argv0: &str, env: &[(String, String)]) -> Result<String, ExecError> {
    locate_from(fs, "/", argv0, env)
}

/// Resolves `argv0` the way execvp does: a name with '/' is a path (relative to `cwd`),
/// otherwise each `$PATH` entry is tried in order.
pub fn locate_from(
    fs: &FsTree,
    cwd: &str,
    argv0: &str,
    env: &[(String, String)],
) -> Result<String, ExecError> {
    if argv0.is_empty() {
        return Err(ExecError::NotFound);
    }
    if argv0.contains('/') {
        let path = crate::fs::normalize(cwd, argv0);
        return check_executable(fs, &path).map(|()| path);
    }
    let path_var = env_get(env, "PATH").unwrap_or(DEFAULT_PATH);
    let mut denied = None;
    for dir in path_var.split(':') {
        let dir = if dir.is_empty() { cwd } else { dir };
        // An absolute, clean directory and a plain name join as they are (one string).
        let plain = !matches!(argv0, "." | "..")
            && dir.starts_with('/')
            && dir
                .split('/')
                .skip(1)
                .all(|p| !p.is_empty() && p != "." && p != "..");
        let candidate = if plain {
            format!("{dir}/{argv0}")
        } else {
            crate::fs::normalize(cwd, &format!("{dir}/{argv0}"))
        };
        match check_executable(fs, &candidate) {
            Ok(()) => return Ok(candidate),
            Err(ExecError::PermissionDenied) => denied = Some(ExecError::PermissionDenied),
            Err(_) => {}
        }
    }
    Err(denied.unwrap_or(ExecError::NotFound))
}

fn check_executable(fs: &FsTree, path: &str) -> Result<(), ExecError> {
    match fs.stat(path) {
        Ok(Node::File { mode, .. }) if mode & 0o111 != 0 => Ok(()),
        Ok(Node::File { .. }) => Err(ExecError::PermissionDenied),
        Ok(Node::Dir { .. }) => Err(ExecError::IsADirectory),
        Ok(Node::Symlink { .. }) | Err(_) => Err(ExecError::NoSuchFile),
    }
}

/// Runs `spec.argv` in the container described by `ctx`.
pub fn run(spec: &ProcessSpec, ctx: &mut ProcessCtx) -> ProcessResult {
    run_with(spec, ctx, &mut ProgramCache::default())
}

/// [`run`], reusing what earlier runs with the same `cache` parsed (see [`ProgramCache`]).
pub fn run_with(
    spec: &ProcessSpec,
    ctx: &mut ProcessCtx,
    cache: &mut ProgramCache,
) -> ProcessResult {
    let mut k = Kernel::new(ctx, cache);
    let argv0 = spec.argv.first().cloned().unwrap_or_default();
    let cwd = if spec.cwd.starts_with('/') {
        spec.cwd.clone()
    } else {
        crate::fs::normalize("/", &spec.cwd)
    };
    let code = match locate_from(k.ctx.fs, &cwd, &argv0, &spec.env) {
        Err(e) => {
            let msg = format!("{}\n", e.docker_message(&argv0));
            k.write(&Target::Term(Stream::Stderr), msg.as_bytes());
            e.exit_code()
        }
        Ok(path) => {
            let proc = Proc {
                argv: spec.argv.clone(),
                env: spec.env.clone(),
                cwd,
                user: spec.user.clone(),
                stdin: Input::new(spec.stdin.clone()),
                out: Target::Term(Stream::Stdout),
                err: Target::Term(Stream::Stderr),
            };
            match exec_file(&mut k, &path, proc, false) {
                Ok(code) => code,
                Err(msg) => {
                    k.write(&Target::Term(Stream::Stderr), msg.as_bytes());
                    126
                }
            }
        }
    };
    let exit = k.exit(code);
    // Background children may have written later than the foreground; keep time order.
    let mut output = std::mem::take(&mut k.output);
    crate::order::sort_by_key(&mut output, |c| c.at_ms);
    ProcessResult {
        exit,
        output,
        elapsed_ms: k.clock,
        peak_memory: k.peak,
        listening: std::mem::take(&mut k.listening),
    }
}

/// What a file found by [`locate_from`] is.
pub enum Image {
    /// A simulated binary, by program name.
    Binary(String),
    /// `#!interpreter [arg]`.
    Script { interp: String, arg: Option<String> },
    /// Neither: a shell runs it as a script (ENOEXEC), the runtime refuses it.
    Other,
}

pub fn image_of(data: &[u8]) -> Image {
    if let Some(rest) = data.strip_prefix(BINARY_MAGIC.as_bytes()) {
        let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
        let name = String::from_utf8_lossy(rest.get(..end).unwrap_or(&[]))
            .trim()
            .to_string();
        return Image::Binary(name);
    }
    if let Some(rest) = data.strip_prefix(b"#!") {
        let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
        let line = String::from_utf8_lossy(rest.get(..end).unwrap_or(&[])).into_owned();
        let line = line.trim();
        let (interp, arg) = match line.split_once([' ', '\t']) {
            Some((i, a)) if !a.trim().is_empty() => (i.to_string(), Some(a.trim().to_string())),
            Some((i, _)) => (i.to_string(), None),
            None => (line.to_string(), None),
        };
        return Image::Script { interp, arg };
    }
    Image::Other
}

/// Executes the file at `path` (already located) as process `p`. `from_shell` makes a file
/// without `#!` run as a shell script, as ash does. `Err` is a message for stderr (exit 126).
pub fn exec_file(k: &mut Kernel, path: &str, p: Proc, from_shell: bool) -> Result<i32, String> {
    if k.depth >= MAX_DEPTH {
        return Err(format!(
            "{}: too many levels of program nesting\n",
            p.name()
        ));
    }
    let data = match k.ctx.fs.read_file(path) {
        Ok(d) => d.get(..d.len().min(256)).unwrap_or(&[]).to_vec(),
        Err(e) => return Err(format!("exec {path}: {e}\n")),
    };
    k.depth += 1;
    let result = match image_of(&data) {
        Image::Binary(name) => Ok(run_binary(k, &name, p)),
        Image::Script { interp, arg } => {
            let mut argv = vec![interp.clone()];
            argv.extend(arg);
            argv.push(path.to_string());
            argv.extend(p.args().iter().cloned());
            match locate_from(k.ctx.fs, &p.cwd, &interp, &p.env) {
                Ok(ipath) => exec_file(k, &ipath, Proc { argv, ..p }, false),
                Err(_) => {
                    let name = p.argv.first().cloned().unwrap_or_default();
                    if from_shell {
                        Err(format!("sh: {name}: not found\n"))
                    } else {
                        Err(format!(
                            "exec {name}: no such file or directory (interpreter {interp})\n"
                        ))
                    }
                }
            }
        }
        Image::Other if from_shell => {
            let mut argv = vec!["sh".to_string(), path.to_string()];
            argv.extend(p.args().iter().cloned());
            Ok(sh::main(k, &mut Proc { argv, ..p }))
        }
        Image::Other => Err(format!("exec {path}: exec format error\n")),
    };
    k.depth = k.depth.saturating_sub(1);
    result
}

/// Memory a simulated binary holds while it runs.
fn base_memory(name: &str) -> u64 {
    match name {
        "nginx" => 8 * MIB,
        "redis-server" => 10 * MIB,
        "mysqld" => MIB,
        "mysql" | "redis-cli" => 4 * MIB,
        _ => MIB / 2,
    }
}

/// Runs the simulated binary `name` (the program named in the file) as process `p`.
pub fn run_binary(k: &mut Kernel, name: &str, mut p: Proc) -> i32 {
    let mem = base_memory(name);
    if !k.alloc(mem) {
        return 137;
    }
    let code = match name {
        "busybox" => busybox(k, &mut p),
        "sh" | "ash" | "bash" | "dash" => sh::main(k, &mut p),
        other => match servers::program(other) {
            Some(f) => f(k, &mut p),
            None => match applets::lookup(other) {
                Some(f) => f(k, &mut p),
                None => {
                    k.err(&p, &format!("{}: cannot execute binary file\n", p.name()));
                    126
                }
            },
        },
    };
    k.free(mem);
    code
}

/// busybox: the applet is the name it was invoked by, or its first argument.
fn busybox(k: &mut Kernel, p: &mut Proc) -> i32 {
    let mut name = p.name().to_string();
    if name == "busybox" {
        match p.argv.get(1) {
            None => {
                k.out(p, super::rootfs::BUSYBOX_USAGE);
                return 0;
            }
            Some(first) if first == "--list" => {
                let mut s = String::new();
                for a in super::rootfs::applets() {
                    s.push_str(a);
                    s.push('\n');
                }
                k.out(p, &s);
                return 0;
            }
            Some(first) => {
                name = first.clone();
                p.argv.remove(0);
            }
        }
    }
    if matches!(name.as_str(), "sh" | "ash") {
        return sh::main(k, p);
    }
    match applets::lookup(&name) {
        Some(f) if super::rootfs::applets().contains(&name.as_str()) => f(k, p),
        _ => {
            k.err(p, &format!("{name}: applet not found\n"));
            127
        }
    }
}

/// Runs `argv` from inside a program (a shell, `env`, `xargs`): locate and execute it.
/// `Err` carries the execvp error so the caller can word it.
pub fn spawn(k: &mut Kernel, p: Proc) -> Result<i32, ExecError> {
    let argv0 = p.argv.first().cloned().unwrap_or_default();
    let path = locate_from(k.ctx.fs, &p.cwd, &argv0, &p.env)?;
    let err = p.err.clone();
    match exec_file(k, &path, p, true) {
        Ok(code) => Ok(code),
        Err(msg) => {
            k.write(&err, msg.as_bytes());
            Ok(126)
        }
    }
}
