//! Real containers end to end through the core (run as root; skipped with a reason otherwise).
#![cfg(target_os = "linux")]

use sim_real::RealSession;

fn session(dir: &std::path::Path) -> Option<RealSession> {
    if let Some(missing) = sim_real::check::preflight() {
        eprintln!("SKIPPED (not a failure): {missing}");
        return None;
    }
    Some(RealSession::open(dir, None).expect("session opens"))
}

#[test]
fn echo_hi() {
    let state = tempfile::tempdir().unwrap();
    let Some(mut s) = session(state.path()) else {
        return;
    };
    let out = s.run("docker run --rm busybox echo hi", None).unwrap();
    eprintln!("{out:?}");
    assert_eq!(out.stdout, "hi\n");
    assert_eq!(out.exit_code, 0);
    s.close().unwrap();
}
