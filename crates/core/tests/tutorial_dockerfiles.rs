//! The first Dockerfiles tutorials hand out build and run: package managers, language images,
//! the apt cleanup lesson in layer sizes, and a multi-stage Go build to scratch.

use sim_core::fs::Node;
use sim_core::{BuildContext, Outcome, World};

fn run(world: &mut World, line: &str) -> Outcome {
    world.run_line(line, &BuildContext::default())
}

fn ok(world: &mut World, line: &str) -> String {
    let out = run(world, line);
    assert_eq!(out.exit_code, 0, "`{line}`: {}{}", out.stdout, out.stderr);
    out.stdout
}

fn context(files: &[(&str, &str)]) -> BuildContext {
    let mut ctx = BuildContext::default();
    for (path, content) in files {
        ctx.put(&format!("/{path}"), Node::file(content.as_bytes().to_vec()));
    }
    ctx
}

fn build(world: &mut World, tag: &str, files: &[(&str, &str)]) -> Outcome {
    world.run_line(&format!("docker build -t {tag} ."), &context(files))
}

fn built(world: &mut World, tag: &str, files: &[(&str, &str)]) -> String {
    let out = build(world, tag, files);
    assert_eq!(out.exit_code, 0, "{tag}: {}{}", out.stdout, out.stderr);
    out.stdout + &out.stderr
}

fn size(world: &mut World, image: &str) -> u64 {
    ok(
        world,
        &format!("docker image inspect --format {{{{.Size}}}} {image}"),
    )
    .trim()
    .parse()
    .unwrap_or(0)
}

/// The size of each history line, newest first (0 for config-only steps).
fn layer_sizes(world: &mut World, image: &str) -> Vec<String> {
    ok(
        world,
        &format!("docker history --format {{{{.Size}}}} {image}"),
    )
    .lines()
    .map(str::to_string)
    .collect()
}

#[test]
fn alpine_apk_add_curl_builds_and_curl_runs() {
    let mut w = World::new(1);
    let log = built(
        &mut w,
        "a",
        &[(
            "Dockerfile",
            "FROM alpine\nRUN apk add --no-cache curl\nCMD [\"curl\", \"--version\"]\n",
        )],
    );
    assert!(log.contains("(10/10) Installing curl (8.10.1-r0)"), "{log}");
    assert!(log.contains("OK: 14 MiB in 24 packages"), "{log}");
    assert!(ok(&mut w, "docker run --rm a").starts_with("curl 8.10.1 (x86_64-alpine-linux-musl)"));
    // The layer is as big as what apk installed: curl and its nine libraries.
    let sizes = layer_sizes(&mut w, "a");
    assert_eq!(
        sizes.get(1).map(String::as_str),
        Some("5.54MB"),
        "{sizes:?}"
    );
    // Without --no-cache and without `apk update` the image has no index: apk's own error.
    let out = run(&mut w, "docker run --rm alpine apk add curl");
    assert_eq!(out.exit_code, 1);
    assert_eq!(out.stderr, "ERROR: unable to select packages:\n  curl (no such package):\n    required by: world[curl]\n");
    // Build tools in a virtual group, deleted in the same RUN: the layer keeps only curl.
    let grouped = "FROM alpine\nRUN apk add --no-cache curl && apk add --no-cache --virtual .build-deps gcc musl-dev && apk del .build-deps\n";
    let log = built(&mut w, "grouped", &[("Dockerfile", grouped)]);
    assert!(log.contains("Installing .build-deps ("), "{log}");
    assert!(log.contains("Purging gcc (13.2.1_git20240309-r0)"), "{log}");
    assert_eq!(
        layer_sizes(&mut w, "grouped").first().map(String::as_str),
        Some("5.54MB")
    );
    let unknown = run(
        &mut w,
        "docker run --rm alpine apk add --no-cache nosuchpkg",
    );
    assert!(
        unknown.stderr.contains("nosuchpkg (no such package)"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn debian_apt_get_needs_update_and_cleanup_belongs_in_the_same_run() {
    let mut w = World::new(1);
    ok(&mut w, "docker pull debian:bookworm-slim");
    let missing = run(
        &mut w,
        "docker run --rm debian:bookworm-slim apt-get install -y curl",
    );
    assert_eq!(missing.exit_code, 100);
    assert_eq!(missing.stderr, "E: Unable to locate package curl\n");
    let same_run = "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n";
    let later_run = "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y curl\nRUN rm -rf /var/lib/apt/lists/*\n";
    let log = built(&mut w, "same", &[("Dockerfile", same_run)]);
    assert!(
        log.contains("Reading package lists...")
            && log.contains("Setting up curl (7.88.1-10+deb12u7) ..."),
        "{log}"
    );
    built(&mut w, "later", &[("Dockerfile", later_run)]);
    let (same, later) = (size(&mut w, "same"), size(&mut w, "later"));
    // The lists (about 19.4 MB) stay in the install layer when removed one RUN later.
    assert!(
        later - same > 19_000_000 && later - same < 20_000_000,
        "{same} {later}"
    );
    assert_eq!(
        layer_sizes(&mut w, "later").first().map(String::as_str),
        Some("0B")
    );
    // Without -y, extra packages need an answer; a build has no terminal.
    let asked = build(
        &mut w,
        "asked",
        &[(
            "Dockerfile",
            "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install curl\n",
        )],
    );
    assert_ne!(asked.exit_code, 0);
    assert!(
        asked
            .stderr
            .contains("Do you want to continue? [Y/n] Abort."),
        "{}",
        asked.stderr
    );
    assert!(ok(&mut w, "docker run --rm same curl --version").starts_with("curl 7.88.1"));
    // Debian's python belongs to apt: pip refuses to install into it (PEP 668).
    let pep668 = build(&mut w, "pep668", &[("Dockerfile", "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y python3-pip\nRUN pip install flask\n")]);
    assert!(
        pep668
            .stderr
            .contains("error: externally-managed-environment"),
        "{}",
        pep668.stderr
    );
}

#[test]
fn python_slim_pip_install_and_a_flask_app_that_keeps_running() {
    let mut w = World::new(1);
    let files = [
        ("Dockerfile", "FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\nEXPOSE 5000\nCMD [\"python\", \"app.py\"]\n"),
        ("requirements.txt", "flask==3.0.3\n"),
        ("app.py", "from flask import Flask\napp = Flask(__name__)\napp.run(host='0.0.0.0', port=5000)\n"),
    ];
    let log = built(&mut w, "flaskapp", &files);
    assert!(
        log.contains("Successfully installed blinker-1.8.2 click-8.1.7 flask-3.0.3"),
        "{log}"
    );
    let site = ok(
        &mut w,
        "docker run --rm flaskapp ls /usr/local/lib/python3.12/site-packages",
    );
    assert!(
        site.contains("flask\n") && site.contains("werkzeug\n"),
        "{site}"
    );
    // --no-cache-dir left no wheels behind.
    let cache = run(&mut w, "docker run --rm flaskapp ls /root/.cache/pip");
    assert_ne!(cache.exit_code, 0);
    ok(&mut w, "docker run -d --name web -p 5000:5000 flaskapp");
    let ps = ok(&mut w, "docker ps");
    assert!(
        ps.contains("Up") && ps.contains("0.0.0.0:5000->5000/tcp"),
        "{ps}"
    );
    let logs = run(&mut w, "docker logs web");
    assert!(
        logs.stderr
            .contains("python app.py: the program's code is not simulated"),
        "{}",
        logs.stderr
    );
    ok(&mut w, "docker stop web");
    assert_eq!(
        ok(&mut w, "docker run --rm python:3.12-slim python --version"),
        "Python 3.12.7\n"
    );
    let unknown = run(
        &mut w,
        "docker run --rm python:3.12-slim pip install nosuchpkg",
    );
    assert!(unknown
        .stderr
        .contains("ERROR: No matching distribution found for nosuchpkg"));
}

#[test]
fn python_http_server_serves_the_directory() {
    let mut w = World::new(1);
    let files = [
        ("Dockerfile", "FROM python:3.12-slim\nWORKDIR /site\nCOPY index.html .\nCMD [\"python\", \"-m\", \"http.server\", \"8000\"]\n"),
        ("index.html", "<h1>hello</h1>\n"),
    ];
    built(&mut w, "site", &files);
    ok(&mut w, "docker run -d --name site site");
    assert_eq!(
        ok(&mut w, "docker exec site wget -qO- http://localhost:8000/"),
        "<h1>hello</h1>\n"
    );
    let logs = ok(&mut w, "docker logs site");
    assert!(logs.contains("Serving HTTP on 0.0.0.0 port 8000"), "{logs}");
}

#[test]
fn node_npm_ci_and_npm_start() {
    let mut w = World::new(1);
    let files = [
        ("Dockerfile", "FROM node:22-alpine\nWORKDIR /usr/src/app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nEXPOSE 3000\nCMD [\"npm\", \"start\"]\n"),
        ("package.json", "{\"name\": \"web\", \"version\": \"1.0.0\", \"scripts\": {\"start\": \"node server.js\"}, \"dependencies\": {\"express\": \"^4.21.1\"}}\n"),
        ("package-lock.json", "{\"lockfileVersion\": 3}\n"),
        ("server.js", "const app = require('express')();\napp.listen(3000);\n"),
    ];
    let log = built(&mut w, "nodeapp", &files);
    assert!(log.contains("added 65 packages"), "{log}");
    ok(&mut w, "docker run -d --name api -p 3000:3000 nodeapp");
    let logs = run(&mut w, "docker logs api");
    assert!(
        logs.stdout.contains("> web@1.0.0 start\n> node server.js"),
        "{}",
        logs.stdout
    );
    assert!(logs
        .stderr
        .contains("node server.js: the program's code is not simulated"));
    assert!(ok(&mut w, "docker ps").contains("Up"));
    // npm ci refuses without a lock file, in npm's words.
    let no_lock = build(&mut w, "nolock", &[files[0], files[1], files[3]]);
    assert!(
        no_lock
            .stderr
            .contains("The `npm ci` command can only install with an existing package-lock.json"),
        "{}",
        no_lock.stderr
    );
}

#[test]
fn multi_stage_go_build_to_scratch_is_small() {
    let mut w = World::new(1);
    let source = [
        ("go.mod", "module example.com/hello\n\ngo 1.22\n"),
        (
            "main.go",
            "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"hello\")\n}\n",
        ),
    ];
    let multi = "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY go.mod ./\nRUN go mod download\nCOPY . .\nRUN CGO_ENABLED=0 go build -o /out/hello .\n\nFROM scratch\nCOPY --from=build /out/hello /hello\nENTRYPOINT [\"/hello\"]\n";
    let single = "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/hello .\nCMD [\"/out/hello\"]\n";
    let mut files = source.to_vec();
    files.push(("Dockerfile", multi));
    built(&mut w, "small", &files);
    files.pop();
    files.push(("Dockerfile", single));
    built(&mut w, "big", &files);
    let (small, big) = (size(&mut w, "small"), size(&mut w, "big"));
    assert!(small > 1_000_000 && small < 3_000_000, "{small}");
    assert!(big > 700_000_000, "{big}");
    // The compiled program runs as a process that says its code is not simulated, and exits.
    let out = run(&mut w, "docker run --rm small");
    assert_eq!(out.exit_code, 0);
    assert!(
        out.stderr.contains("the program's code is not simulated"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("exits 0"), "{}", out.stderr);
}
