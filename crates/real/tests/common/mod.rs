//! What the real-mode tests share.
// Each test binary uses a different part of this module.
#![allow(dead_code)]

use std::path::Path;

/// A state directory that, when a test ends (passed or failed), kills and removes whatever
/// its containers left (processes, mounts, cgroups, network namespaces), so a failing test
/// leaves nothing running on the machine to hold a bridge address the next run needs.
pub struct Scratch(tempfile::TempDir);

impl Scratch {
    pub fn new() -> Scratch {
        Scratch(tempfile::tempdir().expect("a temporary directory"))
    }

    pub fn path(&self) -> &Path {
        self.0.path()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let none = Default::default();
        sim_real::prune::prune(&self.path().join("real"), &none, &none);
    }
}

/// A real session in `dir`, or `None` (with the reason printed) where this machine cannot
/// run containers: not root, no overlayfs or namespaces, no static busybox.
pub fn session(dir: &Path) -> Option<sim_real::RealSession> {
    open_if(dir, sim_real::check::preflight())
}

/// As [`session`], also needing what the bridge network needs.
pub fn bridged_session(dir: &Path) -> Option<sim_real::RealSession> {
    open_if(
        dir,
        sim_real::check::preflight().or_else(sim_real::net::unavailable),
    )
}

fn open_if(dir: &Path, missing: Option<String>) -> Option<sim_real::RealSession> {
    let missing = missing.or_else(|| {
        (!Path::new(sim_real::store::HOST_BUSYBOX).exists()).then(|| {
            format!(
                "no {} (Debian package busybox-static)",
                sim_real::store::HOST_BUSYBOX
            )
        })
    });
    if let Some(missing) = missing {
        eprintln!("SKIPPED (not a failure): {missing}");
        return None;
    }
    Some(sim_real::RealSession::open(dir, None).expect("session opens"))
}
