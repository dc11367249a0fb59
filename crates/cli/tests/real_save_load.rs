//! `docker save` / `docker load` through the `sim` binary, in both modes: the tarball is a
//! docker archive and an OCI layout at once, loads back with the same image, is accepted by
//! umoci (strict), skopeo and podman when they are installed, and a hostile layer is refused
//! in real mode before it becomes an image. Real runs need root (skipped with the reason).

mod common;

use common::TempDir;
use std::path::Path;
use std::process::{Command, Output};

fn sim_in(dir: &TempDir, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sim"))
        .current_dir(dir.path())
        .arg("--state")
        .arg(dir.state())
        .args(args)
        .output()
        .expect("sim runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn ok(dir: &TempDir, args: &[&str]) -> String {
    let out = sim_in(dir, args);
    assert!(
        out.status.success(),
        "{args:?}: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

extern "C" {
    #[link_name = "geteuid"]
    fn libc_geteuid() -> u32;
}

fn can_run_real() -> bool {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc_geteuid() } != 0 {
        eprintln!("SKIPPED (not a failure): sim --real needs root");
        return false;
    }
    if !Path::new("/usr/bin/busybox").exists() {
        eprintln!("SKIPPED (not a failure): no /usr/bin/busybox (Debian package busybox-static)");
        return false;
    }
    true
}

fn tool(name: &str) -> bool {
    let there = Command::new(name).arg("--version").output().is_ok();
    if !there {
        eprintln!("SKIPPED (not a failure): {name} is not installed (apt-get install {name})");
    }
    there
}

fn image_id(dir: &TempDir, real: bool, name: &str) -> String {
    let mut args = vec!["docker", "images", "-q", "--no-trunc", name];
    if real {
        args.insert(0, "--real");
    }
    ok(dir, &args).trim().to_string()
}

#[test]
fn sim_mode_saves_and_loads_the_same_image() {
    let dir = TempDir::new("save-sim");
    ok(&dir, &["docker", "pull", "busybox"]);
    let id = image_id(&dir, false, "busybox");
    ok(&dir, &["docker", "save", "-o", "bb.tar", "busybox"]);
    ok(&dir, &["docker", "rmi", "busybox"]);
    let out = ok(&dir, &["docker", "load", "-i", "bb.tar"]);
    assert_eq!(out, "Loaded image: busybox:latest\n");
    assert_eq!(image_id(&dir, false, "busybox"), id);
    let out = sim_in(&dir, &["docker", "save", "-o", "x.tar", "nope"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "Error response from daemon: No such image: nope\n"
    );
    let out = sim_in(&dir, &["docker", "save"]);
    assert!(text(&out.stderr).starts_with("\"docker save\" requires at least 1 argument."));
}

#[test]
fn real_mode_saves_an_image_other_tools_read_and_loads_it_back() {
    if !can_run_real() {
        return;
    }
    let dir = TempDir::new("save-real");
    let build = dir.path().join("ctx");
    std::fs::create_dir_all(&build).unwrap();
    std::fs::write(
        build.join("Dockerfile"),
        "FROM busybox\nRUN echo built > /built.txt\nCMD [\"cat\", \"/built.txt\"]\n",
    )
    .unwrap();
    ok(&dir, &["--real", "docker", "build", "-t", "app:v1", "ctx"]);
    ok(
        &dir,
        &["--real", "docker", "save", "-o", "app.tar", "app:v1"],
    );
    ok(&dir, &["--real", "docker", "rmi", "app:v1"]);
    assert_eq!(
        ok(&dir, &["--real", "docker", "load", "-i", "app.tar"]),
        "Loaded image: app:v1\n"
    );
    let out = ok(&dir, &["--real", "docker", "run", "--rm", "app:v1"]);
    assert_eq!(out, "built\n");
    // Saved again, the loaded image gives the same bytes: the real layers are canonical.
    ok(
        &dir,
        &["--real", "docker", "save", "-o", "again.tar", "app:v1"],
    );
    let same = std::fs::read(dir.path().join("app.tar")).unwrap()
        == std::fs::read(dir.path().join("again.tar")).unwrap();
    assert!(same, "the second save differs from the first");
    check_with_tools(&dir, "app.tar");
}

/// umoci (strict on the OCI layout: digests, diff_ids), skopeo on both forms, podman load.
fn check_with_tools(dir: &TempDir, archive: &str) {
    let tar = dir.path().join(archive);
    let layout = dir.path().join("layout");
    std::fs::create_dir_all(&layout).unwrap();
    let run = |cmd: &mut Command| {
        let out = cmd.output().expect("runs");
        assert!(
            out.status.success(),
            "{cmd:?}: {}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        text(&out.stdout)
    };
    run(Command::new("tar")
        .arg("xf")
        .arg(&tar)
        .arg("-C")
        .arg(&layout));
    if tool("umoci") {
        let bundle = dir.path().join("bundle");
        run(Command::new("umoci")
            .args(["unpack", "--image"])
            .arg(format!("{}:v1", layout.display()))
            .arg(&bundle));
        let built = std::fs::read_to_string(bundle.join("rootfs/built.txt")).unwrap();
        assert_eq!(built, "built\n");
        assert!(bundle.join("rootfs/bin/busybox").is_file());
    }
    if tool("skopeo") {
        let oci = run(Command::new("skopeo")
            .arg("inspect")
            .arg(format!("oci:{}:v1", layout.display())));
        let archive = run(Command::new("skopeo")
            .arg("inspect")
            .arg(format!("docker-archive:{}", tar.display())));
        let layers = |json: &str| -> serde_json::Value {
            serde_json::from_str::<serde_json::Value>(json).unwrap()["Layers"].clone()
        };
        assert_eq!(layers(&oci), layers(&archive));
        assert_eq!(layers(&oci).as_array().map(Vec::len), Some(2));
    }
    if tool("podman") {
        // This machine's podman: its own storage (vfs), no systemd, events to a file.
        let root = dir.path().join("podman");
        let out = run(Command::new("podman")
            .arg("--root")
            .arg(root.join("root"))
            .arg("--runroot")
            .arg(root.join("run"))
            .args([
                "--storage-driver",
                "vfs",
                "--cgroup-manager",
                "cgroupfs",
                "--events-backend",
                "file",
                "load",
                "-i",
            ])
            .arg(&tar));
        assert!(
            out.contains("Loaded image: localhost/app:v1") || out.contains("app:v1"),
            "{out}"
        );
    }
}

#[test]
fn real_mode_refuses_a_hostile_layer_before_it_becomes_an_image() {
    if !can_run_real() {
        return;
    }
    let dir = TempDir::new("load-hostile");
    // A symlink to the host's /tmp, then a file written through it.
    let layer = {
        let mut b = tar::Builder::new(Vec::new());
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Symlink);
        h.set_size(0);
        h.set_mode(0o777);
        b.append_link(&mut h, "escape", "../../../../../../tmp")
            .unwrap();
        let mut h = tar::Header::new_gnu();
        h.set_size(2);
        h.set_mode(0o644);
        b.append_data(&mut h, "escape/pwned", &b"x\n"[..]).unwrap();
        b.into_inner().unwrap()
    };
    let digest = sim_core::digest::sha256_digest(&layer);
    let config = format!(r#"{{"rootfs":{{"type":"layers","diff_ids":["{digest}"]}}}}"#);
    let mut b = tar::Builder::new(Vec::new());
    for (path, data) in [
        (
            "manifest.json",
            br#"[{"Config":"c.json","RepoTags":["evil:1"],"Layers":["l.tar"]}]"#.to_vec(),
        ),
        ("c.json", config.into_bytes()),
        ("l.tar", layer),
    ] {
        let mut h = tar::Header::new_ustar();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        b.append_data(&mut h, path, data.as_slice()).unwrap();
    }
    std::fs::write(dir.path().join("evil.tar"), b.into_inner().unwrap()).unwrap();
    let out = sim_in(&dir, &["--real", "docker", "load", "-i", "evil.tar"]);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.starts_with("Error response from daemon: layer tar entry"),
        "{err}"
    );
    assert!(err.contains("points outside the layer"), "{err}");
    assert_eq!(image_id(&dir, true, "evil:1"), "");
}
