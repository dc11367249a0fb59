//! The stock images as the real ones: sizes, build dates, tags and configs.

use sim_core::{BuildContext, Outcome, World};

fn run(world: &mut World, line: &str) -> Outcome {
    world.run_line(line, &BuildContext::default())
}

fn ok(world: &mut World, line: &str) -> String {
    let out = run(world, line);
    assert_eq!(out.exit_code, 0, "`{line}`: {}{}", out.stdout, out.stderr);
    out.stdout
}

#[test]
fn stock_images_have_their_real_sizes_and_dates() {
    let mut w = World::new(1);
    ok(&mut w, "docker pull busybox");
    ok(&mut w, "docker pull nginx:1.27");
    let size = |w: &mut World, image: &str| {
        ok(w, &format!("docker images --format {{{{.Size}}}} {image}"))
            .trim()
            .to_string()
    };
    assert_eq!(size(&mut w, "busybox"), "4.26MB");
    assert_eq!(size(&mut w, "nginx"), "192MB");
    let created = ok(
        &mut w,
        "docker image inspect --format {{.Created}} nginx:1.27",
    );
    assert_eq!(created.trim(), "2024-10-02T17:55:35.000000000Z");
    let listing = ok(&mut w, "docker images nginx");
    assert!(listing.contains("3 months ago"), "{listing}");
    // Real sizes show in history, one line per step.
    let history = ok(&mut w, "docker history nginx:1.27");
    assert!(
        history.contains("74.8MB") && history.contains("117MB"),
        "{history}"
    );
}

#[test]
fn shared_base_layers_download_once_and_count_once() {
    let mut w = World::new(1);
    ok(&mut w, "docker pull debian:bookworm-slim");
    let pull = ok(&mut w, "docker pull python:3.12-slim");
    assert_eq!(pull.matches("Already exists").count(), 1, "{pull}");
    let df = ok(&mut w, "docker system df");
    // 74.8MB of Debian, counted once, plus python's 3.3MB + 41.4MB + 36B = 119.5MB.
    assert!(
        df.contains("Images          2         0         120MB"),
        "{df}"
    );
}

#[test]
fn tutorial_tags_exist_with_their_configs() {
    let mut w = World::new(1);
    for image in [
        "ubuntu:24.04",
        "ubuntu:22.04",
        "python:3.12",
        "python:3.12-alpine",
        "python:3.13-slim",
        "node:22",
        "node:22-alpine",
        "node:20",
        "golang:1.22",
        "golang:1.22-alpine",
        "eclipse-temurin:21",
        "eclipse-temurin:21-jre",
        "postgres:16",
        "postgres:16-alpine",
        "mongo:7.0",
        "httpd:2.4",
        "httpd:2.4-alpine",
        "memcached:1.6-alpine",
        "jenkins/jenkins:lts",
        "wordpress:6",
    ] {
        ok(&mut w, &format!("docker pull {image}"));
    }
    let inspect = |w: &mut World, image: &str, field: &str| {
        ok(
            w,
            &format!("docker image inspect --format '{{{{json .Config.{field}}}}}' {image}"),
        )
        .trim()
        .to_string()
    };
    assert_eq!(
        inspect(&mut w, "postgres:16", "Entrypoint"),
        r#"["docker-entrypoint.sh"]"#
    );
    assert!(inspect(&mut w, "postgres:16", "Env").contains("PGDATA=/var/lib/postgresql/data"));
    assert_eq!(inspect(&mut w, "golang:1.22", "WorkingDir"), r#""/go""#);
    assert_eq!(
        inspect(&mut w, "memcached:1.6-alpine", "User"),
        r#""memcache""#
    );
    assert_eq!(
        inspect(&mut w, "jenkins/jenkins:lts", "ExposedPorts"),
        r#"{"50000/tcp":{},"8080/tcp":{}}"#
    );
    assert_eq!(inspect(&mut w, "node:22", "Cmd"), r#"["node"]"#);
    // The slim and alpine variants are much smaller than the full images.
    let bytes = |w: &mut World, image: &str| -> u64 {
        let out = ok(
            w,
            &format!("docker image inspect --format {{{{.Size}}}} {image}"),
        );
        out.trim().parse().unwrap_or(0)
    };
    let full = bytes(&mut w, "python:3.12");
    let slim = bytes(&mut w, "python:3.13-slim");
    let alpine = bytes(&mut w, "python:3.12-alpine");
    assert!(full > 900_000_000 && full < 1_100_000_000, "{full}");
    assert!(slim > 110_000_000 && slim < 130_000_000, "{slim}");
    assert!(alpine > 50_000_000 && alpine < 60_000_000, "{alpine}");
}
