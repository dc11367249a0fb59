//! Image commands where the model's own state is broken behind docker's back: each reports
//! docker's error instead of quietly making up a filesystem.

use crate::digest::sha256_digest;
use crate::image::{DiffId, Reference};
use crate::{BuildContext, Outcome, World};

fn run(world: &mut World, line: &str) -> Outcome {
    world.run_line(line, &BuildContext::default())
}

#[test]
fn a_manifest_naming_a_blob_the_registry_lacks_fails_the_pull_and_stores_nothing() {
    let mut w = World::new(1);
    let busybox = Reference::parse("busybox").unwrap();
    let mut config = w.registry.manifest(&busybox).unwrap().clone();
    config
        .diff_ids
        .push(DiffId::from_digest(sha256_digest(b"a layer nobody pushed")));
    w.registry
        .put_manifest(Reference::parse("me/broken:1").unwrap(), config);

    let out = run(&mut w, "docker pull me/broken:1");
    assert_eq!(out.exit_code, 1);
    assert_eq!(
        out.stderr,
        "Error response from daemon: blob unknown: blob unknown to registry\n"
    );
    // Not even the layers that were there: a failed download leaves nothing behind.
    assert_eq!(w.engine.images.layers().count(), 0);
    assert_eq!(run(&mut w, "docker images -q").stdout, "");
    // The intact image still pulls.
    assert_eq!(run(&mut w, "docker pull busybox").exit_code, 0);
}

#[test]
fn diff_of_a_container_whose_image_is_gone_is_an_error_not_every_file_added() {
    let mut w = World::new(1);
    let created = run(&mut w, "docker create --name c busybox touch /x");
    assert_eq!(created.exit_code, 0, "{}", created.stderr);
    let image = w.engine.images.lookup("busybox").unwrap().id.clone();
    assert_eq!(run(&mut w, "docker diff c").exit_code, 0);

    w.engine.images.remove_image(&image);
    let out = run(&mut w, "docker diff c");
    assert_eq!(out.exit_code, 1);
    assert_eq!(
        out.stderr,
        format!("Error response from daemon: No such image: {image}\n")
    );
}

#[test]
fn push_words_and_refusals_are_dockers() {
    let mut w = World::new(1);
    let out = run(&mut w, "docker push me/app:1");
    assert_eq!(
        out.stderr,
        "Error response from daemon: An image does not exist locally with the tag: me/app\n"
    );
    let out = run(&mut w, "docker push Me/app");
    assert_eq!(
        (out.exit_code, out.stderr.as_str()),
        (
            1,
            "invalid reference format: repository name (Me/app) must be lowercase\n"
        )
    );
}
