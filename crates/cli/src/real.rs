//! `sim --real`: the same lines run by real processes on this machine (Linux, root), through
//! sim-real's driver. The state directory keeps a real session in `real/`; the two modes never
//! share one.

use sim_core::{BuildContext, Outcome, World};
use std::path::Path;

#[cfg(target_os = "linux")]
pub struct Real {
    session: Option<sim_real::RealSession>,
}

#[cfg(not(target_os = "linux"))]
pub enum Real {}

/// The real session's files in a state directory.
pub fn holds_real_session(state_dir: &Path) -> bool {
    state_dir.join("real").join("journal.jsonl").exists()
}

/// Refuses a simulated session on a directory that holds a real one.
pub fn refuse_for_sim(state_dir: &Path) -> Result<(), String> {
    if holds_real_session(state_dir) {
        return Err(format!(
            "the state directory {} holds a `sim --real` session; add --real, or use another --state DIR (or `sim --real reset` there first)",
            state_dir.display()
        ));
    }
    Ok(())
}

#[cfg(target_os = "linux")]
impl Real {
    /// Opens the real session (checking the machine first) and prints what a repair did.
    pub fn open(state_dir: &Path, seed: Option<u64>) -> Result<Real, String> {
        let mut session = sim_real::RealSession::open(state_dir, seed)?;
        for note in session.take_notes() {
            crate::session::err(&format!("sim --real: {note}\n"));
        }
        Ok(Real {
            session: Some(session),
        })
    }

    pub fn run(&mut self, line: &str, context: Option<BuildContext>) -> Result<Outcome, String> {
        match &mut self.session {
            Some(session) => session.run(line, context),
            None => Err("the real session is closed".into()),
        }
    }

    pub fn world(&self) -> Option<&World> {
        self.session.as_ref().and_then(|s| s.world())
    }

    pub fn seed(&self) -> u64 {
        self.session.as_ref().map_or(0, |s| s.seed())
    }

    /// What a killed run left (mounts, cgroups and their processes, directories), removed.
    pub fn prune(&mut self) -> Vec<String> {
        self.session.as_mut().map(|s| s.prune()).unwrap_or_default()
    }

    pub fn layout(&self) -> String {
        self.session
            .as_ref()
            .map(|s| s.layout().describe().to_string())
            .unwrap_or_default()
    }
}

#[cfg(target_os = "linux")]
impl Drop for Real {
    /// The end of the invocation: what still runs is stopped and recorded, and said.
    fn drop(&mut self) {
        if let Some(session) = self.session.take() {
            match session.close() {
                Ok(lines) => {
                    for line in lines {
                        crate::session::err(&format!("sim --real: {line}\n"));
                    }
                }
                Err(e) => crate::session::err(&format!("sim --real: {e}\n")),
            }
        }
    }
}

#[cfg(not(target_os = "linux"))]
impl Real {
    pub fn open(_state_dir: &Path, _seed: Option<u64>) -> Result<Real, String> {
        Err("sim --real runs containers with Linux namespaces, overlayfs and cgroups: it needs Linux".into())
    }
    pub fn run(&mut self, _: &str, _: Option<BuildContext>) -> Result<Outcome, String> {
        match *self {}
    }
    pub fn world(&self) -> Option<&World> {
        match *self {}
    }
    pub fn seed(&self) -> u64 {
        match *self {}
    }
    pub fn prune(&mut self) -> Vec<String> {
        match *self {}
    }
    pub fn layout(&self) -> String {
        match *self {}
    }
}

/// Layer tars for `docker save` in real mode: the real files (the machine's busybox), or why
/// the layer has no real form.
#[cfg(target_os = "linux")]
pub fn layer_tar() -> impl FnMut(&sim_core::image::Layer) -> Result<Vec<u8>, String> {
    let mut store = sim_real::store::LayerStore::new(Path::new("/nonexistent"));
    move |layer| store.real_tar(&layer.diff).map_err(|e| e.to_string())
}

#[cfg(not(target_os = "linux"))]
pub fn layer_tar() -> impl FnMut(&sim_core::image::Layer) -> Result<Vec<u8>, String> {
    |_| Err("sim --real needs Linux".to_string())
}

/// `sim --real reset`: unmounts and removes everything of the real session in `state_dir`.
pub fn reset(state_dir: &Path) -> Result<bool, String> {
    let dir = state_dir.join("real");
    if !dir.exists() {
        return Ok(false);
    }
    #[cfg(target_os = "linux")]
    {
        let mut report = sim_real::prune::prune(&dir, &Default::default(), &Default::default());
        report.extend(sim_real::prune::bridge());
        for line in report {
            crate::session::err(&format!("sim --real: {line}\n"));
        }
    }
    std::fs::remove_dir_all(&dir).map_err(|e| format!("cannot remove {}: {e}", dir.display()))?;
    Ok(true)
}
