//! Language runtimes and tools of the stock images (python, node, go, java, curl, ...).
//!
//! What the simulator can answer honestly it answers as the real program does (`--version`,
//! `python -m http.server`, `go build` writing a binary). Application code it cannot interpret
//! (a Flask or Express app, a compiled Go program) runs as a process that says so in its log
//! and otherwise behaves as a process: it keeps running when it looks like a server, so ports,
//! logs, restart and stop work as docker makes them work.

mod curl;
mod go;
mod java;
mod node;
mod python;
mod tools;

use super::applets::Applet;
use super::kernel::{Kernel, Proc};

/// The runtime or tool named `name` (the name in the binary file).
pub fn program(name: &str) -> Option<Applet> {
    let f: Applet = match name {
        "python" => python::python,
        "pip" => python::pip,
        "node" => node::node,
        "npm" => node::npm,
        "npx" => node::npx,
        "node-entrypoint" => node::entrypoint,
        "go" => go::go,
        "go-program" => go::compiled,
        "java" => java::java,
        "javac" => java::javac,
        "jshell" => java::jshell,
        "cacert-entrypoint" | "tini" => tools::exec_args,
        "curl" => curl::curl,
        "git" => tools::git,
        "gcc" => tools::gcc,
        "inert" => tools::inert,
        "python-app" => python::console_script,
        _ => return None,
    };
    Some(f)
}

/// The image's version of a runtime: its `*_VERSION` variable, as the official images set it.
fn version<'p>(p: &'p Proc, var: &str, default: &'p str) -> &'p str {
    p.getenv(var).unwrap_or(default)
}

/// Whether program text looks like a long-running server (it listens or serves forever).
fn looks_like_server(code: &str) -> bool {
    [
        "app.run(",
        ".listen(",
        "serve_forever",
        "uvicorn",
        "gunicorn",
        "http.ListenAndServe",
        "createServer",
        "Flask(",
        "express()",
        "SpringApplication",
    ]
    .iter()
    .any(|needle| code.contains(needle))
}

/// Runs application code the simulator cannot interpret: says so, then either keeps running
/// (a server) or exits 0 (a script).
fn unsimulated(k: &mut Kernel, p: &Proc, what: &str, code: &str) -> i32 {
    let server = looks_like_server(code);
    let rest = if server {
        "this process stands in for it and keeps running (ports, logs, restart and stop work as usual)"
    } else {
        "this process stands in for it and exits 0"
    };
    k.err(
        p,
        &format!("[simulator] {what}: the program's code is not simulated; {rest}\n"),
    );
    if server {
        k.run_forever();
    }
    0
}
