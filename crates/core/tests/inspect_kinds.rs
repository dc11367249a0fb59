//! `docker inspect` tries every kind of object; `docker container|image|volume inspect` look
//! up their own kind only, even where a container, an image and a volume share a name.

use sim_core::{BuildContext, Outcome, World};

fn run(world: &mut World, line: &str) -> Outcome {
    world.run_line(line, &BuildContext::default())
}

/// A world with a volume, a container and an image tag all called `data`.
fn world_with_three_datas() -> World {
    let mut w = World::new(7);
    for line in [
        "docker volume create data",
        "docker run -d --name data busybox sleep 100",
        "docker tag busybox data",
    ] {
        let out = run(&mut w, line);
        assert_eq!(out.exit_code, 0, "{line}: {}", out.stderr);
    }
    w
}

fn json_of(world: &mut World, line: &str) -> serde_json::Value {
    let out = run(world, line);
    assert_eq!(out.exit_code, 0, "{line}: {}", out.stderr);
    serde_json::from_str(&out.stdout).expect("inspect prints JSON")
}

#[test]
fn volume_inspect_prints_the_volume_not_a_container_of_that_name() {
    let mut w = world_with_three_datas();
    let items = json_of(&mut w, "docker volume inspect data");
    let volume = &items[0];
    let keys: Vec<&str> = volume
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "CreatedAt",
            "Driver",
            "Labels",
            "Mountpoint",
            "Name",
            "Options",
            "Scope"
        ]
    );
    assert_eq!(volume["Mountpoint"], "/var/lib/docker/volumes/data/_data");
}

#[test]
fn container_and_image_inspect_keep_to_their_kind() {
    let mut w = world_with_three_datas();
    let container = json_of(&mut w, "docker container inspect data");
    assert_eq!(container[0]["Name"], "/data");
    let image = json_of(&mut w, "docker image inspect data");
    let tags = image[0]["RepoTags"].as_array().expect("RepoTags");
    assert!(tags.iter().any(|t| t == "data:latest"), "{tags:?}");
    // The generic form takes the container first, as docker does.
    let any = json_of(&mut w, "docker inspect data");
    assert_eq!(any[0]["Name"], "/data");
}

#[test]
fn a_missing_object_is_named_by_its_kind() {
    let mut w = world_with_three_datas();
    for (line, message) in [
        (
            "docker container inspect busybox",
            "Error: No such container: busybox",
        ),
        ("docker image inspect nope", "Error: No such image: nope"),
        ("docker volume inspect nope", "Error: No such volume: nope"),
        ("docker inspect nope", "Error: No such object: nope"),
    ] {
        let out = run(&mut w, line);
        assert_eq!(out.exit_code, 1, "{line}");
        assert_eq!(out.stderr.trim_end(), message, "{line}");
    }
}
