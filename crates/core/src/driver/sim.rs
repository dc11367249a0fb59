//! The pure driver: runs the simulated programs over the model's filesystem trees.

use super::{Driver, Effect, Observation, ProcessExit, ProcessStart, Sandbox};
use crate::program::{self, Exit, ProcessCtx, ProcessResult, ProcessSpec};

/// Runs the simulated programs ([`crate::program`]) in the [`Sandbox`] the World hands over.
///
/// The simulated host keeps no state of its own: image layers, writable layers, volumes and
/// host directories are the model's [`crate::FsTree`]s, which the World already updates as it
/// decides, so every effect but `StartProcess` has nothing left to do here. Time is logical
/// (the programs report how long they took); there is no I/O, clock or thread.
#[derive(Clone, Copy, Debug, Default)]
pub struct SimDriver;

impl Driver for SimDriver {
    fn perform(&mut self, _effect: &Effect) -> Vec<Observation> {
        Vec::new()
    }

    fn run_process(&mut self, start: &ProcessStart, sandbox: &mut Sandbox<'_>) -> Vec<Observation> {
        let spec = ProcessSpec {
            argv: start.argv.clone(),
            env: start.env.clone(),
            cwd: start.cwd.clone(),
            user: start.user.clone(),
            stdin: start.stdin.clone(),
        };
        let mut ctx = ProcessCtx {
            fs: sandbox.fs,
            hostname: &start.hostname,
            now_unix: sandbox.now_unix,
            processes: sandbox.processes,
            local_servers: sandbox.local_servers,
            local_env: sandbox.local_env,
            network: sandbox.network,
            memory_limit: start.memory,
            budget_ms: start.budget_ms,
        };
        observations_of(program::run(&spec, &mut ctx))
    }
}

/// A simulated process's result as the observations a real process would give.
fn observations_of(result: ProcessResult) -> Vec<Observation> {
    let mut out = Vec::new();
    if !result.output.is_empty() {
        out.push(Observation::Output {
            chunks: result.output,
        });
    }
    if !result.listening.is_empty() {
        out.push(Observation::Listening {
            ports: result.listening,
        });
    }
    out.push(Observation::ProcessExited {
        exit: match result.exit {
            Exit::Code(code) => ProcessExit::Code(code),
            Exit::OomKilled => ProcessExit::OomKilled,
            Exit::Running => ProcessExit::StillRunning,
        },
        elapsed_ms: result.elapsed_ms,
        peak_memory: result.peak_memory,
    });
    out
}
