//! Test helpers: a busybox container and a tiny network with another container on it.

use super::*;
use crate::fs::Node;

/// A filesystem with the busybox base and the server images' programs.
pub fn rootfs() -> FsTree {
    let mut fs = FsTree::new();
    for (path, node) in busybox_rootfs() {
        fs.put(&path, node);
    }
    for image in ["nginx", "redis", "mysql"] {
        for (path, node) in server_rootfs(image) {
            fs.put(&path, node);
        }
    }
    fs.put("/etc/hostname", Node::file("box\n"));
    fs
}

/// One other container reachable by name.
pub struct OneHost {
    pub name: String,
    pub port: u16,
    pub kind: ServerKind,
    pub env: Vec<(String, String)>,
    pub fs: FsTree,
}

impl Network for OneHost {
    fn connect(&mut self, host: &str, port: u16) -> Result<Remote<'_>, NetError> {
        if host != self.name {
            return Err(NetError::UnknownHost);
        }
        if port != self.port {
            return Err(NetError::Refused);
        }
        Ok(Remote {
            kind: self.kind.clone(),
            env: &self.env,
            fs: &mut self.fs,
        })
    }

    fn address(&mut self, host: &str) -> Option<String> {
        (host == self.name).then(|| "172.17.0.3".to_string())
    }
}

pub struct Run {
    pub env: Vec<(String, String)>,
    pub stdin: Vec<u8>,
    pub budget_ms: u64,
    pub memory_limit: Option<u64>,
    pub local_servers: Vec<(u16, ServerKind)>,
    pub cwd: String,
}

impl Default for Run {
    fn default() -> Run {
        Run {
            env: vec![
                ("PATH".into(), DEFAULT_PATH.into()),
                ("HOME".into(), "/root".into()),
            ],
            stdin: Vec::new(),
            budget_ms: 60_000,
            memory_limit: None,
            local_servers: Vec::new(),
            cwd: "/".into(),
        }
    }
}

impl Run {
    pub fn go(&self, fs: &mut FsTree, net: &mut dyn Network, argv: &[&str]) -> ProcessResult {
        let spec = ProcessSpec {
            argv: argv.iter().map(|s| s.to_string()).collect(),
            env: self.env.clone(),
            cwd: self.cwd.clone(),
            user: String::new(),
            stdin: self.stdin.clone(),
        };
        let procs = [ProcInfo {
            pid: 1,
            user: "root".into(),
            command: argv.join(" "),
        }];
        let env = self.env.clone();
        let mut ctx = ProcessCtx {
            fs,
            hostname: "box",
            now_unix: 1_704_067_200,
            processes: &procs,
            local_servers: &self.local_servers,
            local_env: &env,
            network: net,
            memory_limit: self.memory_limit,
            budget_ms: self.budget_ms,
        };
        run(&spec, &mut ctx)
    }
}

/// Stdout only.
pub fn stdout(r: &ProcessResult) -> String {
    let mut out = Vec::new();
    for c in r.output.iter().filter(|c| c.stream == Stream::Stdout) {
        out.extend_from_slice(&c.bytes);
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub fn stderr(r: &ProcessResult) -> String {
    let mut out = Vec::new();
    for c in r.output.iter().filter(|c| c.stream == Stream::Stderr) {
        out.extend_from_slice(&c.bytes);
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Runs `sh -c SCRIPT` in `fs` with no network; returns (stdout, stderr, exit).
pub fn sh(fs: &mut FsTree, script: &str) -> (String, String, Exit) {
    let r = Run::default().go(fs, &mut NoNetwork, &["sh", "-c", script]);
    (stdout(&r), stderr(&r), r.exit)
}
