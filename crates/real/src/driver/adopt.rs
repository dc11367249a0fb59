//! Containers an earlier invocation left running under their supervisors: their logs read
//! back, and followed while they run.

use super::{LinuxDriver, Running, Seen};
use crate::cgroup::Group;
use sim_core::driver::{ProcessHandle, Purpose, Target};
use std::fs;
use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::sync::mpsc::Sender;
use std::time::{Duration, Instant};

/// What became of a process an earlier invocation left running.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Adopted {
    /// It still runs under its supervisor; this driver follows its log.
    Running,
    /// It ended meanwhile: its output and exit are queued as observations.
    Finished,
    /// Neither its supervisor nor an exit record is left (the machine restarted, or a prune).
    Gone,
}

/// How often the log of an adopted process is read for new records.
const TAIL_INTERVAL: Duration = Duration::from_millis(5);

impl LinuxDriver {
    /// Takes over a container's main process an earlier invocation started: what its log
    /// holds beyond the first `delivered` output records is reported, then its exit if it has
    /// ended, or it is followed from here on if its supervisor still runs.
    pub fn adopt(
        &mut self,
        handle: ProcessHandle,
        host: &str,
        target: Target,
        delivered: usize,
    ) -> Adopted {
        let dir = self.proc_dir(handle);
        let log = fs::read(dir.join("log")).unwrap_or_default();
        let read_pid = |name: &str| -> Option<i32> {
            fs::read_to_string(dir.join(name)).ok()?.trim().parse().ok()
        };
        let (Some(pid), Some(supervisor)) = (read_pid("pid"), read_pid("supervisor")) else {
            return Adopted::Gone;
        };
        let (records, used) = crate::supervise::parse(&log);
        let ended = records
            .iter()
            .any(|r| matches!(r, crate::supervise::Record::Exit { .. }));
        let alive = nix::sys::signal::kill(nix::unistd::Pid::from_raw(supervisor), None).is_ok()
            && fs::read_to_string(format!("/proc/{supervisor}/cmdline")).is_ok();
        if !ended && !alive {
            return Adopted::Gone;
        }
        let group_name = super::process::group_name(&target);
        let group = Group::existing(&self.layout, &format!("{}{group_name}", self.group_prefix));
        self.groups.insert(group_name, group);
        self.procs.insert(
            handle,
            Running {
                host: host.to_string(),
                target,
                purpose: Purpose::Main,
                pid,
                oom_before: 0,
                exited: false,
                supervised: true,
            },
        );
        let mut outputs = 0;
        for record in records {
            if let crate::supervise::Record::Output { .. } = record {
                outputs += 1;
                if outputs <= delivered {
                    continue;
                }
            }
            let _ = forward(&self.tx, handle, record);
        }
        if ended {
            return Adopted::Finished;
        }
        let tx = self.tx.clone();
        let path = dir.join("log");
        std::thread::spawn(move || tail(&path, used as u64, supervisor, &tx, handle));
        Adopted::Running
    }
}

/// Sends one log record on as what a thread saw; true for the exit.
pub(super) fn forward(
    tx: &Sender<Seen>,
    handle: ProcessHandle,
    record: crate::supervise::Record,
) -> bool {
    let at = Instant::now();
    match record {
        crate::supervise::Record::Output { stream, bytes } => {
            let _ = tx.send(Seen::Output {
                handle,
                stream,
                bytes,
                at,
            });
            false
        }
        crate::supervise::Record::Exit { status } => {
            let _ = tx.send(Seen::Exited {
                handle,
                status: std::process::ExitStatus::from_raw(status),
                at,
            });
            true
        }
    }
}

/// Follows a supervisor's log from `offset` until its exit record (or until the supervisor
/// is gone without writing one).
pub(super) fn tail(
    path: &Path,
    mut offset: u64,
    supervisor: i32,
    tx: &Sender<Seen>,
    handle: ProcessHandle,
) {
    use std::io::{Seek, SeekFrom};
    let mut pending = Vec::new();
    loop {
        let alive = fs::metadata(format!("/proc/{supervisor}")).is_ok();
        let mut fresh = Vec::new();
        if let Ok(mut file) = fs::File::open(path) {
            if file.seek(SeekFrom::Start(offset)).is_ok() {
                let _ = file.read_to_end(&mut fresh);
            }
        }
        offset += fresh.len() as u64;
        pending.extend_from_slice(&fresh);
        let (records, used) = crate::supervise::parse(&pending);
        pending.drain(..used);
        for record in records {
            if let crate::supervise::Record::Exit { .. } = record {
                // Passed on once the supervisor is gone too (it exits right after writing).
                let deadline = Instant::now() + Duration::from_secs(2);
                while fs::metadata(format!("/proc/{supervisor}")).is_ok()
                    && Instant::now() < deadline
                {
                    std::thread::sleep(Duration::from_millis(1));
                }
                forward(tx, handle, record);
                return;
            }
            forward(tx, handle, record);
        }
        if !alive {
            // Read once more after it was seen gone: nothing came, so no exit was written.
            let _ = tx.send(Seen::Exited {
                handle,
                status: std::process::ExitStatus::from_raw(9),
                at: Instant::now(),
            });
            return;
        }
        std::thread::sleep(TAIL_INTERVAL);
    }
}
