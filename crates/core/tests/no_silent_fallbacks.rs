//! Answers that used to fall back to a default where docker reports an error (or a failure):
//! each now says what docker says.

use sim_core::{BuildContext, EventKind, World};

fn run(w: &mut World, line: &str) -> sim_core::Outcome {
    w.run_line(line, &BuildContext::default())
}

fn tar_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (path, data) in files {
        let mut h = tar::Header::new_ustar();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        b.append_data(&mut h, path, *data).unwrap();
    }
    b.into_inner().unwrap()
}

/// An exec still running when the wait ends is interrupted: the trace says 130 as the
/// terminal does, not 0 (a lesson check reading the trace would count it a success).
#[test]
fn an_interrupted_exec_is_not_recorded_as_a_success() {
    let mut w = World::new(1);
    assert_eq!(
        run(&mut w, "docker run -d --name c busybox sleep 100000").exit_code,
        0
    );
    let out = run(&mut w, "docker exec c sleep 100000");
    assert_eq!(out.exit_code, 130, "{}", out.stderr);
    let recorded = w.events().iter().rev().find_map(|e| match &e.kind {
        EventKind::ExecRan { exit_code, .. } => Some(*exit_code),
        _ => None,
    });
    assert_eq!(recorded, Some(130));
    // One that ends keeps its own code.
    assert_eq!(run(&mut w, "docker exec c sh -c 'exit 3'").exit_code, 3);
}

/// A config without `rootfs` is refused as moby refuses it, not loaded as an image of no
/// layers.
#[test]
fn a_config_without_rootfs_does_not_load() {
    let mut w = World::new(1);
    let manifest = br#"[{"Config":"config.json","RepoTags":["empty:1"],"Layers":[]}]"#;
    let config = br#"{"architecture":"amd64","os":"linux","config":{"Cmd":["sh"]}}"#;
    let archive = tar_of(&[("manifest.json", manifest), ("config.json", config)]);
    let out = w.run_line(
        "docker load -i img.tar",
        &BuildContext::from_files([("img.tar", archive.as_slice())]),
    );
    assert_eq!(
        out.stderr,
        "Error response from daemon: invalid image JSON, no RootFS key\n"
    );
    assert_eq!(out.exit_code, 1);
    assert!(w.images().lookup("empty:1").is_err());
}

fn build_context(dockerfile: &str) -> BuildContext {
    let mut ctx = BuildContext::default();
    ctx.put(
        "/Dockerfile",
        sim_core::fs::Node::file(dockerfile.as_bytes().to_vec()),
    );
    ctx
}

/// `-e NAME` without a value passes the client's NAME through; the simulated client has
/// none, so the container has no NAME (docker unsets even the image's), never `NAME=`.
#[test]
fn a_bare_env_name_unsets_it_instead_of_setting_it_empty() {
    let mut w = World::new(1);
    let built = w.run_line(
        "docker build -t greet .",
        &build_context("FROM busybox\nENV GREETING=hi MOOD=calm\n"),
    );
    assert_eq!(built.exit_code, 0, "{}", built.stderr);
    let out = run(
        &mut w,
        "docker run --rm -e GREETING -e EXTRA -e MOOD=glad greet env",
    );
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    assert!(!out.stdout.contains("GREETING"), "{}", out.stdout);
    assert!(!out.stdout.contains("EXTRA"), "{}", out.stdout);
    assert!(out.stdout.contains("MOOD=glad\n"), "{}", out.stdout);

    // The same for a process started by `docker exec`.
    assert_eq!(
        run(&mut w, "docker run -d --name g greet sleep 1000").exit_code,
        0
    );
    let out = run(&mut w, "docker exec -e GREETING g env");
    assert!(!out.stdout.contains("GREETING"), "{}", out.stdout);
    assert!(out.stdout.contains("MOOD=calm\n"), "{}", out.stdout);
}

/// `shift abc` is refused as ash refuses a word that is not a number, not as a shift past
/// the end; both errors stop a non-interactive shell, as ash's raised errors do.
#[test]
fn shift_of_a_word_is_an_illegal_number() {
    let mut w = World::new(1);
    let out = run(
        &mut w,
        "docker run --rm busybox sh -c 'shift abc; echo after'",
    );
    assert_eq!(out.exit_code, 2);
    assert!(
        out.stderr.contains("shift: line") && out.stderr.contains("Illegal number: abc"),
        "{}",
        out.stderr
    );
    assert_eq!(out.stdout, "");
    let out = run(
        &mut w,
        "docker run --rm busybox sh -c 'shift 3; echo after'",
    );
    assert_eq!((out.exit_code, out.stdout.as_str()), (2, ""));
    assert!(
        out.stderr.contains("can't shift that many"),
        "{}",
        out.stderr
    );
    let out = run(
        &mut w,
        "docker run --rm busybox sh -c 'set -- a b; shift 1; echo $1'",
    );
    assert_eq!(out.stdout, "b\n");
}
