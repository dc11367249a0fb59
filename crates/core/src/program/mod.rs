//! Simulated programs: what runs inside a simulated container.
//!
//! A program is chosen the way Linux chooses it: `argv[0]` is looked up on `$PATH` in the
//! container's filesystem, and the file found says what it is. A file whose content starts with
//! [`BINARY_MAGIC`] followed by a program name (`busybox`, `nginx`, `redis-server`, ...) is that
//! simulated binary; busybox picks its applet from the name it was invoked by, as the real one
//! does. A file starting with `#!` runs through its interpreter. So deleting `/bin/ls` inside a
//! container really breaks `ls`, and `scratch` images really have no shell.
//!
//! Programs never see the World. They get a [`ProcessSpec`] (what to run) and a [`ProcessCtx`]
//! (the container's filesystem, the logical clock, the network), and return a [`ProcessResult`]
//! with timestamped output. Time is logical: `sleep 5` adds 5000 ms to the result's elapsed time.

use crate::fs::FsTree;
use serde::{Deserialize, Serialize};

pub mod applets;
mod cache;
pub(crate) mod calendar;
pub(crate) mod cformat;
pub(crate) mod deflate;
mod exec;
mod kernel;
mod net;
pub mod packages;
pub(crate) mod pattern;
pub(crate) mod regex;
mod rootfs;
mod runtimes;
pub mod servers;
mod sh;

pub use cache::ProgramCache;
pub use exec::{locate, locate_from, run, run_with, ExecError, DEFAULT_PATH};
pub use rootfs::{applets, busybox_rootfs, server_rootfs};

/// Content prefix that marks a file as a simulated binary; the program name follows it.
pub const BINARY_MAGIC: &str = "\u{7f}ELF sim:";

/// Builds the content of a simulated binary file for `program` (e.g. "busybox").
pub fn binary_file(program: &str) -> Vec<u8> {
    format!("{BINARY_MAGIC}{program}\n").into_bytes()
}

/// What to run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessSpec {
    /// argv, argv[0] included (resolved on `$PATH` unless it contains a '/').
    pub argv: Vec<String>,
    /// Environment in the order docker passes it (image ENV first, then `-e`).
    pub env: Vec<(String, String)>,
    /// Working directory (absolute).
    pub cwd: String,
    /// User name or uid, as `--user`/`USER` gave it ("" means root).
    pub user: String,
    /// Bytes on standard input.
    pub stdin: Vec<u8>,
}

/// Which stream a chunk of output went to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// Output written at a logical time (ms since the process started).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputChunk {
    pub at_ms: u64,
    pub stream: Stream,
    pub bytes: Vec<u8>,
}

/// How a process ended, or that it is still running when the time budget ran out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Exit {
    /// Exited by itself with this code.
    Code(i32),
    /// Still running at the end of the time budget (servers, `sleep 1000`, endless loops).
    Running,
    /// Killed by the kernel for exceeding the memory limit: docker reports exit code 137 and
    /// `OOMKilled: true`.
    OomKilled,
}

/// Another process in the same container, for `ps`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcInfo {
    pub pid: u32,
    pub user: String,
    pub command: String,
}

/// A server program that a client can reach over the simulated network.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ServerKind {
    /// nginx or busybox httpd: serves files from `docroot`.
    Http {
        docroot: String,
    },
    /// nginx answering with text made per request from its variables (nginxdemos/hello).
    NginxVars(servers::nginx_vars::VarsPage),
    Redis,
    Mysql,
    Memcached,
    /// A server whose protocol the simulator does not speak (postgres, mongod, Jenkins): the
    /// port is open, a client gets nothing it can use.
    Opaque {
        name: String,
    },
}

/// A server found at a host and port, with the filesystem it keeps its data in.
pub struct Remote<'a> {
    pub kind: ServerKind,
    /// The server's environment (mysql checks the root password against it).
    pub env: &'a [(String, String)],
    pub fs: &'a mut FsTree,
}

/// Why a connection failed, in the words wget and the clients print.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NetError {
    /// The name does not resolve: "bad address 'NAME'".
    UnknownHost,
    /// Nothing listens there: "Connection refused".
    Refused,
    /// A published port whose container does not listen on the port it forwards to: docker's
    /// proxy accepts the connection and closes it ("Connection reset by peer").
    Reset,
}

/// The simulated network as one process sees it. `localhost` and the container's own
/// hostname are handled by the program module itself, using [`ProcessCtx::local_servers`].
pub trait Network {
    fn connect(&mut self, host: &str, port: u16) -> Result<Remote<'_>, NetError>;

    /// The IP address `host` resolves to, for messages such as wget's
    /// "Connecting to web:80 (172.17.0.3:80)". `None` shows the name itself.
    fn address(&mut self, _host: &str) -> Option<String> {
        None
    }

    /// A port of this machine's own (`localhost`, its name) that no server of the caller's
    /// container listens on. On a host, published ports (`-p 8080:80`) answer here: `loopback`
    /// says the caller used a loopback address, which also reaches `-p 127.0.0.1:...`
    /// bindings. In a container nothing else is there.
    fn connect_published(&mut self, _port: u16, _loopback: bool) -> Result<Remote<'_>, NetError> {
        Err(NetError::Refused)
    }

    /// A lookup through the cluster DNS when the caller is a pod (every name tried, with its
    /// answer); None where docker's embedded DNS answers instead.
    fn dns(&mut self, _name: &str) -> Option<Vec<(String, crate::cluster::dns::Answer)>> {
        None
    }
}

/// A network with nothing on it (builds run with no servers reachable).
pub struct NoNetwork;

impl Network for NoNetwork {
    fn connect(&mut self, _host: &str, _port: u16) -> Result<Remote<'_>, NetError> {
        Err(NetError::UnknownHost)
    }
}

/// Everything a process may touch.
pub struct ProcessCtx<'a> {
    /// The container's (or build step's) merged filesystem; changes stay in it.
    pub fs: &'a mut FsTree,
    pub hostname: &'a str,
    /// Logical wall clock when the process starts, seconds since the Unix epoch.
    pub now_unix: u64,
    /// The container's processes (for `ps`), the new process included as the last one.
    pub processes: &'a [ProcInfo],
    /// Servers running in this container, by port: `localhost` reaches these.
    pub local_servers: &'a [(u16, ServerKind)],
    /// This container's environment of the servers above (mysql passwords).
    pub local_env: &'a [(String, String)],
    pub network: &'a mut dyn Network,
    /// Memory limit in bytes (`--memory`), if any.
    pub memory_limit: Option<u64>,
    /// Logical time the process may run before it counts as still running.
    pub budget_ms: u64,
}

/// What a process did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessResult {
    pub exit: Exit,
    pub output: Vec<OutputChunk>,
    /// Logical time it ran (up to the budget when still running).
    pub elapsed_ms: u64,
    /// Highest memory use in bytes, for `docker stats` and OOM decisions.
    pub peak_memory: u64,
    /// Set when the process is a server that keeps listening (nginx, redis, mysql): the ports.
    pub listening: Vec<(u16, ServerKind)>,
}

impl ProcessResult {
    /// docker's exit code for this result (137 for OOM kills; 0 while running).
    pub fn exit_code(&self) -> i32 {
        match self.exit {
            Exit::Code(c) => c,
            Exit::OomKilled => 137,
            Exit::Running => 0,
        }
    }

    /// All output, both streams interleaved in order.
    pub fn combined_output(&self) -> String {
        let mut out = Vec::new();
        for chunk in &self.output {
            out.extend_from_slice(&chunk.bytes);
        }
        String::from_utf8_lossy(&out).into_owned()
    }
}

#[cfg(test)]
pub(crate) mod testutil;
