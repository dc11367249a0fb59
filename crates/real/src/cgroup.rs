//! Control groups: which hierarchy this machine offers, and one group per container or build
//! sandbox under `sim-real/` with its memory, pids and cpu limits.
//!
//! Three layouts exist: unified (cgroup v2 only, controllers in /sys/fs/cgroup), legacy (v1
//! controllers, one mount each) and hybrid (v1 controllers, plus a cgroup2 mount at
//! /sys/fs/cgroup/unified that has none). Hybrid uses the v1 controllers.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

const ROOT: &str = "/sys/fs/cgroup";
/// Every group this driver makes lives under this name, so `system prune` finds leftovers.
pub const PARENT: &str = "sim-real";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Layout {
    /// cgroup v2 with its controllers.
    Unified,
    /// cgroup v1 controllers only.
    Legacy,
    /// cgroup v1 controllers and a cgroup2 mount without controllers.
    Hybrid,
    /// No usable memory controller: limits cannot be enforced.
    None,
}

impl Layout {
    pub fn detect() -> Layout {
        let root = Path::new(ROOT);
        let v2_memory = fs::read_to_string(root.join("cgroup.controllers"))
            .map(|c| c.split_whitespace().any(|w| w == "memory"))
            .unwrap_or(false);
        if v2_memory {
            return Layout::Unified;
        }
        if root.join("memory").join("memory.limit_in_bytes").exists() {
            if root.join("unified").join("cgroup.procs").exists() {
                return Layout::Hybrid;
            }
            return Layout::Legacy;
        }
        Layout::None
    }

    /// One line for the user: which hierarchy limits are set in.
    pub fn describe(&self) -> &'static str {
        match self {
            Layout::Unified => "cgroup v2 (unified): memory, pids and cpu in /sys/fs/cgroup",
            Layout::Legacy => "cgroup v1: memory, pids and cpu controllers in /sys/fs/cgroup/<controller>",
            Layout::Hybrid => "cgroup hybrid: v1 controllers used (memory, pids, cpu); the cgroup2 mount at /sys/fs/cgroup/unified has none to delegate",
            Layout::None => "no usable cgroup memory controller: limits are not enforced",
        }
    }

    /// The directories that hold groups: one per v1 controller, or the v2 root.
    fn roots(&self) -> Vec<PathBuf> {
        let root = Path::new(ROOT);
        match self {
            Layout::Unified => vec![root.to_path_buf()],
            Layout::Legacy | Layout::Hybrid => ["memory", "pids", "cpu"]
                .iter()
                .map(|c| root.join(c))
                .filter(|p| p.is_dir())
                .collect(),
            Layout::None => Vec::new(),
        }
    }

    /// Every group directory under `sim-real/` now (leftovers when nothing runs).
    pub fn existing_groups(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for root in self.roots() {
            if let Ok(entries) = fs::read_dir(root.join(PARENT)) {
                for entry in entries.flatten() {
                    if entry.path().is_dir() {
                        out.push(entry.path());
                    }
                }
            }
        }
        out
    }
}

/// One group, present in each controller's hierarchy.
#[derive(Clone, Debug)]
pub struct Group {
    layout: Layout,
    dirs: Vec<PathBuf>,
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Limits {
    pub memory: Option<u64>,
    pub nano_cpus: Option<u64>,
    pub pids: Option<u64>,
}

fn write(path: &Path, value: &str) -> io::Result<()> {
    fs::write(path, value).map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))
}

impl Group {
    /// Makes (or reuses) the group `name` and sets its limits.
    pub fn create(layout: &Layout, name: &str, limits: Limits) -> io::Result<Group> {
        let mut dirs = Vec::new();
        let mut fresh = true;
        for root in layout.roots() {
            let dir = root.join(PARENT).join(name);
            match fs::create_dir(&dir) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => fresh = false,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    fs::create_dir_all(&dir)?;
                }
                Err(e) => return Err(e),
            }
            dirs.push(dir);
        }
        let group = Group {
            layout: layout.clone(),
            dirs,
        };
        // A new group has no limits: only those asked for are written (each write costs).
        let wanted = limits.memory.is_some() || limits.nano_cpus.is_some() || limits.pids.is_some();
        if wanted || !fresh {
            group.set(limits)?;
        }
        Ok(group)
    }

    /// The group `name` as it is (an earlier invocation's), limits untouched.
    pub fn existing(layout: &Layout, name: &str) -> Group {
        Group {
            layout: layout.clone(),
            dirs: layout
                .roots()
                .into_iter()
                .map(|root| root.join(PARENT).join(name))
                .collect(),
        }
    }

    /// The group's directories, one per controller hierarchy (they may not exist).
    pub fn dirs(&self) -> &[PathBuf] {
        &self.dirs
    }

    fn dir_with(&self, file: &str) -> Option<PathBuf> {
        self.dirs.iter().map(|d| d.join(file)).find(|p| p.exists())
    }

    fn set(&self, limits: Limits) -> io::Result<()> {
        let unified = self.layout == Layout::Unified;
        let memory = limits.memory.map(|m| m.to_string());
        if unified {
            if let Some(p) = self.dir_with("memory.max") {
                write(&p, memory.as_deref().unwrap_or("max"))?;
            }
            if let Some(p) = self.dir_with("memory.swap.max") {
                write(&p, if memory.is_some() { "0" } else { "max" })?;
            }
            if let Some(p) = self.dir_with("pids.max") {
                write(&p, &limits.pids.map_or("max".into(), |n| n.to_string()))?;
            }
            if let Some(p) = self.dir_with("cpu.max") {
                let quota = limits
                    .nano_cpus
                    .map_or("max".into(), |n| (n / 10_000).max(1000).to_string());
                write(&p, &format!("{quota} 100000"))?;
            }
        } else {
            if let Some(p) = self.dir_with("memory.limit_in_bytes") {
                // Swap must not absorb what the limit refuses: memsw (if present) is the same.
                let value = memory.as_deref().unwrap_or("-1");
                if let Some(sw) = self.dir_with("memory.memsw.limit_in_bytes") {
                    if memory.is_none() {
                        write(&sw, "-1")?;
                        write(&p, value)?;
                    } else {
                        write(&p, value)?;
                        write(&sw, value)?;
                    }
                } else {
                    write(&p, value)?;
                }
            }
            if let Some(p) = self.dir_with("pids.max") {
                write(&p, &limits.pids.map_or("max".into(), |n| n.to_string()))?;
            }
            if let Some(p) = self.dir_with("cpu.cfs_quota_us") {
                let quota = limits
                    .nano_cpus
                    .map_or("-1".into(), |n| (n / 10_000).max(1000).to_string());
                write(&p, &quota)?;
            }
        }
        Ok(())
    }

    /// The `cgroup.procs` files a new process writes itself into.
    pub fn procs_files(&self) -> Vec<PathBuf> {
        self.dirs.iter().map(|d| d.join("cgroup.procs")).collect()
    }

    /// Host PIDs of the processes in the group.
    pub fn pids(&self) -> Vec<i32> {
        let mut out = Vec::new();
        for dir in &self.dirs {
            if let Ok(text) = fs::read_to_string(dir.join("cgroup.procs")) {
                out.extend(text.lines().filter_map(|l| l.trim().parse::<i32>().ok()));
            }
        }
        out.dedup();
        out
    }

    /// The kernel's OOM killer ended a process of this group.
    pub fn oom_kills(&self) -> u64 {
        let file = if self.layout == Layout::Unified {
            "memory.events"
        } else {
            "memory.oom_control"
        };
        self.dir_with(file)
            .and_then(|p| fs::read_to_string(p).ok())
            .and_then(|text| {
                text.lines().find_map(|l| {
                    l.strip_prefix("oom_kill ")
                        .and_then(|n| n.trim().parse().ok())
                })
            })
            .unwrap_or(0)
    }

    /// The highest memory use seen, in bytes.
    pub fn peak_memory(&self) -> u64 {
        ["memory.max_usage_in_bytes", "memory.peak"]
            .iter()
            .find_map(|f| self.dir_with(f))
            .and_then(|p| fs::read_to_string(p).ok())
            .and_then(|t| t.trim().parse().ok())
            .unwrap_or(0)
    }

    /// Kills what is left in the group and removes its directories.
    pub fn destroy(&self) -> io::Result<()> {
        remove_dirs(&self.dirs)
    }
}

/// SIGKILLs every process in these group directories, then removes them (retrying while the
/// kernel finishes reaping).
pub fn remove_dirs(dirs: &[PathBuf]) -> io::Result<()> {
    for attempt in 0..200 {
        let mut busy = false;
        for dir in dirs {
            if let Ok(text) = fs::read_to_string(dir.join("cgroup.procs")) {
                for pid in text.lines().filter_map(|l| l.trim().parse::<i32>().ok()) {
                    busy = true;
                    let _ = nix::sys::signal::kill(
                        nix::unistd::Pid::from_raw(pid),
                        nix::sys::signal::Signal::SIGKILL,
                    );
                }
            }
        }
        let mut left = false;
        for dir in dirs {
            match fs::remove_dir(dir) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) if attempt == 199 => return Err(e),
                Err(_) => left = true,
            }
        }
        if !left {
            return Ok(());
        }
        if busy || left {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
    }
    Ok(())
}
