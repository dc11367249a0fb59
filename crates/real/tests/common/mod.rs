//! What the real-mode tests share.
// Each test binary uses a different part of this module.
#![allow(dead_code)]

use std::cell::Cell;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

/// A state directory that, when a test ends (passed or failed), kills and removes whatever
/// its containers left (processes, mounts, cgroups, network namespaces), so a failing test
/// leaves nothing running on the machine to hold a bridge address the next run needs.
///
/// One at a time in a test binary: every session numbers its bridge addresses from
/// 172.17.0.2, so two tests' containers running at once clash on `simbr0` (the later one
/// gets loopback only, with a message a test comparing output would see).
/// A test may open several (two sessions on one bridge): the first one takes the turn.
pub struct Scratch(tempfile::TempDir, Option<MutexGuard<'static, ()>>);

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

thread_local! {
    /// Whether this test's thread holds the turn already.
    static HOLDS_TURN: Cell<bool> = const { Cell::new(false) };
}

impl Scratch {
    pub fn new() -> Scratch {
        let turn = (!HOLDS_TURN.get()).then(|| {
            // A test that failed holding it poisons it; the next one may still go.
            let turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
            HOLDS_TURN.set(true);
            turn
        });
        Scratch(tempfile::tempdir().expect("a temporary directory"), turn)
    }

    pub fn path(&self) -> &Path {
        self.0.path()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let none = Default::default();
        sim_real::prune::prune(&self.path().join("real"), &none, &none);
        if self.1.is_some() {
            HOLDS_TURN.set(false);
        }
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
