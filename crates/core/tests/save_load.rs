//! `docker save` archives (a docker archive and an OCI layout in one tar) and `docker load`
//! of either form: round trips keep diff_ids and image IDs, foreign OCI layouts load, and
//! damaged or hostile archives are refused in docker's words.

use sim_core::fs::{LayerDiff, Node};
use sim_core::image::archive::{read_archive, write_archive, ArchiveError, SaveImage};
use sim_core::image::{Layer, Reference};
use sim_core::{BuildContext, World};
use std::io::Read;

fn ok(w: &mut World, line: &str) -> String {
    let o = w.run_line(line, &BuildContext::default());
    assert_eq!(o.exit_code, 0, "{line}: {}", o.stderr);
    o.stdout
}

/// The archive of one image of `world`, each layer's tar as the simulation keeps it.
fn save(world: &World, name: &str) -> Vec<u8> {
    let image = world.images().lookup(name).unwrap();
    let layers = image
        .config
        .diff_ids
        .iter()
        .map(|d| world.images().layer(d).unwrap().tar())
        .collect();
    write_archive(&[SaveImage {
        config: image.config.clone(),
        tags: vec![Reference::parse(name).unwrap()],
        layers,
    }])
}

fn entries(tar: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut archive = tar::Archive::new(tar);
    for e in archive.entries().unwrap() {
        let mut e = e.unwrap();
        let path = e.path().unwrap().to_string_lossy().into_owned();
        let mut data = Vec::new();
        e.read_to_end(&mut data).unwrap();
        out.push((path, data));
    }
    out
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

fn load(world: &mut World, archive: &[u8]) -> sim_core::Outcome {
    world.run_line(
        "docker load -i img.tar",
        &BuildContext::from_files([("img.tar", archive)]),
    )
}

#[test]
fn a_saved_image_loads_back_with_the_same_id_and_digests() {
    let mut w = World::new(7);
    ok(&mut w, "docker pull busybox");
    let before = w.images().lookup("busybox").unwrap().clone();
    let archive = save(&w, "busybox");
    let names: Vec<String> = entries(&archive).into_iter().map(|e| e.0).collect();
    for required in ["oci-layout", "index.json", "manifest.json", "repositories"] {
        assert!(
            names.iter().any(|n| n == required),
            "{required} in {names:?}"
        );
    }
    ok(&mut w, "docker rmi busybox");
    let o = load(&mut w, &archive);
    assert_eq!(o.stdout, "Loaded image: busybox:latest\n", "{}", o.stderr);
    let after = w.images().lookup("busybox").unwrap();
    assert_eq!(after.id, before.id);
    assert_eq!(after.config, before.config);
    // And it runs.
    assert!(ok(&mut w, "docker run --rm busybox echo hi").ends_with("hi\n"));
}

#[test]
fn the_oci_config_carries_the_run_config_and_the_layer_digests() {
    let mut w = World::new(7);
    let ctx = BuildContext::from_files([
        ("Dockerfile", "FROM busybox\nWORKDIR /app\nCOPY a.txt .\nENV X=1\nEXPOSE 80\nCMD [\"cat\", \"a.txt\"]\n"),
        ("a.txt", "hello\n"),
    ]);
    let o = w.run_line("docker build -t app .", &ctx);
    assert_eq!(o.exit_code, 0, "{}", o.stderr);
    let archive = save(&w, "app");
    let files = entries(&archive);
    let index: serde_json::Value =
        serde_json::from_slice(&files.iter().find(|f| f.0 == "index.json").unwrap().1).unwrap();
    let desc = &index["manifests"][0];
    assert_eq!(
        desc["annotations"]["io.containerd.image.name"],
        "docker.io/library/app:latest"
    );
    let blob = |digest: &str| {
        let path = format!("blobs/sha256/{}", digest.trim_start_matches("sha256:"));
        files.iter().find(|f| f.0 == path).unwrap().1.clone()
    };
    let manifest: serde_json::Value =
        serde_json::from_slice(&blob(desc["digest"].as_str().unwrap())).unwrap();
    let config: serde_json::Value =
        serde_json::from_slice(&blob(manifest["config"]["digest"].as_str().unwrap())).unwrap();
    assert_eq!(config["config"]["WorkingDir"], "/app");
    assert_eq!(config["config"]["Cmd"], serde_json::json!(["cat", "a.txt"]));
    assert!(config["config"]["ExposedPorts"]["80/tcp"].is_object());
    // Every layer blob hashes to its diff_id, in order.
    let diff_ids = config["rootfs"]["diff_ids"].as_array().unwrap();
    for (layer, diff_id) in manifest["layers"].as_array().unwrap().iter().zip(diff_ids) {
        let bytes = blob(layer["digest"].as_str().unwrap());
        assert_eq!(
            sim_core::digest::sha256_digest(&bytes),
            diff_id.as_str().unwrap()
        );
    }
    let image = w.images().lookup("app").unwrap().clone();
    assert_eq!(diff_ids.len(), image.config.diff_ids.len());
    // Built at a time with milliseconds, it loads back with the same ID.
    ok(&mut w, "docker rmi app");
    assert_eq!(load(&mut w, &archive).exit_code, 0);
    assert_eq!(w.images().lookup("app").unwrap().id, image.id);
}

/// An OCI layout as other tools write it: no manifest.json, the tag only in the index.
#[test]
fn an_oci_layout_without_manifest_json_loads() {
    let mut diff = LayerDiff::new();
    diff.put("/hello.txt", Node::file(b"hi\n".to_vec()));
    let layer = Layer::new(diff).tar();
    let d = |b: &[u8]| sim_core::digest::sha256_digest(b);
    let config = format!(
        r#"{{"architecture":"amd64","os":"linux","config":{{"Cmd":["cat","/hello.txt"]}},"rootfs":{{"type":"layers","diff_ids":["{}"]}}}}"#,
        d(&layer)
    );
    let manifest = format!(
        r#"{{"schemaVersion":2,"config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"{}","size":{}}},"layers":[{{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"{}","size":{}}}]}}"#,
        d(config.as_bytes()),
        config.len(),
        d(&layer),
        layer.len()
    );
    let index = format!(
        r#"{{"schemaVersion":2,"manifests":[{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"{}","size":{},"annotations":{{"org.opencontainers.image.ref.name":"hello:v1"}}}}]}}"#,
        d(manifest.as_bytes()),
        manifest.len()
    );
    let blob = |b: &[u8]| format!("blobs/sha256/{}", d(b).trim_start_matches("sha256:"));
    let archive = tar_of(&[
        ("oci-layout", br#"{"imageLayoutVersion":"1.0.0"}"#),
        ("index.json", index.as_bytes()),
        (&blob(manifest.as_bytes()), manifest.as_bytes()),
        (&blob(config.as_bytes()), config.as_bytes()),
        (&blob(&layer), &layer),
    ]);
    let mut w = World::new(1);
    let o = load(&mut w, &archive);
    assert_eq!(o.stdout, "Loaded image: hello:v1\n", "{}", o.stderr);
    let image = w.images().lookup("hello:v1").unwrap();
    assert_eq!(image.config.diff_ids[0].as_str(), d(&layer));
    assert_eq!(
        image.config.config.cmd,
        Some(vec!["cat".to_string(), "/hello.txt".to_string()])
    );
}

#[test]
fn damaged_and_hostile_archives_are_refused() {
    let mut w = World::new(1);
    ok(&mut w, "docker pull busybox");
    let good = save(&w, "busybox");

    let o = load(&mut w, &good[..good.len() / 3]);
    assert_eq!(o.exit_code, 1);
    assert!(
        o.stderr.starts_with("Error response from daemon: "),
        "{}",
        o.stderr
    );

    let o = load(&mut w, &tar_of(&[("hello", b"x")]));
    assert_eq!(
        o.stderr,
        format!("Error response from daemon: {}\n", ArchiveError::Unknown)
    );

    // A layer blob whose bytes are not its diff_id.
    let files = entries(&good);
    let tampered: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|(p, d)| {
            let mut d = d.clone();
            if d.len() > 10_000 {
                d[600] ^= 1;
            }
            (p.clone(), d)
        })
        .collect();
    let refs: Vec<(&str, &[u8])> = tampered
        .iter()
        .map(|(p, d)| (p.as_str(), d.as_slice()))
        .collect();
    let o = load(&mut w, &tar_of(&refs));
    assert!(
        o.stderr.contains("invalid diffID for layer 0"),
        "{}",
        o.stderr
    );

    let o = w.run_line("docker load", &BuildContext::default());
    assert_eq!(o.stderr, "requested load from stdin, but stdin is empty\n");
    let o = w.run_line("docker load -i gone.tar", &BuildContext::default());
    assert_eq!(o.stderr, "open gone.tar: no such file or directory\n");
}

/// A layer with `../` or a device node is refused, whatever the archive's form.
#[test]
fn layers_that_leave_their_directory_are_refused() {
    let escape = {
        let mut b = tar::Builder::new(Vec::new());
        let mut h = tar::Header::new_gnu();
        h.set_size(1);
        h.set_mode(0o644);
        // set_path refuses `..`: write the name field directly, as an attacker would.
        h.as_old_mut().name[..7].copy_from_slice(b"../evil");
        h.set_cksum();
        b.append(&h, &b"x"[..]).unwrap();
        b.into_inner().unwrap()
    };
    let device = {
        let mut b = tar::Builder::new(Vec::new());
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Char);
        h.set_size(0);
        h.set_mode(0o644);
        b.append_data(&mut h, "dev/mem", std::io::empty()).unwrap();
        b.into_inner().unwrap()
    };
    for (layer, why) in [(escape, "leaves the layer"), (device, "not allowed")] {
        let d = sim_core::digest::sha256_digest(&layer);
        let config = format!(r#"{{"rootfs":{{"type":"layers","diff_ids":["{d}"]}}}}"#);
        let manifest = r#"[{"Config":"config.json","RepoTags":["bad:1"],"Layers":["layer.tar"]}]"#;
        let archive = tar_of(&[
            ("manifest.json", manifest.as_bytes()),
            ("config.json", config.as_bytes()),
            ("layer.tar", &layer),
        ]);
        let err = read_archive(&archive).unwrap_err().to_string();
        assert!(err.contains(why), "{err}");
    }
}
