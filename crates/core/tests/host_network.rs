//! The host's side of `-p`: `curl` and `wget` typed at the host's own prompt reach the ports
//! containers publish (and fail in the real tools' words when nothing is there), and the
//! preview read answers the same without changing the World.

use sim_core::{BuildContext, EventKind, Outcome, PreviewResponse, World, DEFAULT_HOST};

fn run(w: &mut World, line: &str) -> Outcome {
    w.run_line(line, &BuildContext::default())
}

fn ok(w: &mut World, line: &str) -> String {
    let out = run(w, line);
    assert_eq!(out.exit_code, 0, "`{line}`: {}{}", out.stdout, out.stderr);
    out.stdout
}

fn nginx_on(w: &mut World, publish: &str) {
    ok(w, &format!("docker run -d --name web {publish} nginx"));
}

#[test]
fn curl_and_wget_on_the_host_reach_a_published_port() {
    let mut w = World::new(1);
    nginx_on(&mut w, "-p 8080:80");
    let body = ok(&mut w, "curl localhost:8080");
    assert!(body.contains("<title>Welcome to nginx!</title>"), "{body}");
    // curl prints the body as it came, nothing added.
    let served = ok(
        &mut w,
        "docker exec web cat /usr/share/nginx/html/index.html",
    );
    assert_eq!(body, served);
    assert_eq!(ok(&mut w, "wget -qO- http://127.0.0.1:8080/"), body);
    let head = ok(&mut w, "curl -I localhost:8080");
    assert!(
        head.starts_with("HTTP/1.1 200 OK\r\nServer: nginx/1.25.3\r\nDate: "),
        "{head}"
    );
    assert!(head.contains(&format!("Content-Length: {}\r\n", body.len())));
    assert!(head.ends_with("\r\n\r\n") && !head.contains("Welcome"));
    let missing = run(&mut w, "curl -i localhost:8080/nope");
    assert!(missing.stdout.starts_with("HTTP/1.1 404 Not Found\r\n"));
    assert_eq!(run(&mut w, "curl -sf localhost:8080/nope").exit_code, 22);
    // The trace says what ran where, as for exec.
    let ran: Vec<i32> = w
        .events()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::HostCommandRan { exit_code, .. } => Some(*exit_code),
            _ => None,
        })
        .collect();
    assert_eq!(ran, [0, 0, 0, 0, 22]);
}

#[test]
fn nothing_published_is_refused_in_the_tools_own_words() {
    let mut w = World::new(2);
    let curl = run(&mut w, "curl localhost:8080");
    assert_eq!(curl.exit_code, 7);
    assert_eq!(
        curl.stderr,
        "curl: (7) Failed to connect to localhost port 8080 after 0 ms: Couldn't connect to server\n"
    );
    assert_eq!(curl.stdout, "");
    let wget = run(&mut w, "wget -qO- localhost:8080");
    assert_eq!(wget.exit_code, 1);
    assert_eq!(
        wget.stderr,
        "wget: can't connect to remote host (127.0.0.1): Connection refused\n"
    );
    assert_eq!(run(&mut w, "curl -s localhost:8080").stderr, "");
    // A container without -p is not on the host's ports, only at its own address.
    ok(&mut w, "docker run -d --name web nginx");
    assert_eq!(run(&mut w, "curl localhost:80").exit_code, 7);
    let ip = ok(
        &mut w,
        "docker inspect -f '{{.NetworkSettings.IPAddress}}' web",
    );
    assert!(ok(&mut w, &format!("curl -s {}", ip.trim())).contains("Welcome to nginx!"));
    // Container names mean nothing to the host's resolver.
    let by_name = run(&mut w, "curl web");
    assert_eq!(
        (by_name.exit_code, by_name.stderr.as_str()),
        (6, "curl: (6) Could not resolve host: web\n")
    );
}

#[test]
fn a_loopback_binding_answers_on_loopback_only() {
    let mut w = World::new(3);
    nginx_on(&mut w, "-p 127.0.0.1:9090:80");
    ok(&mut w, "docker run -d --name open -p 8080:80 nginx");
    assert!(ok(&mut w, "curl -s 127.0.0.1:9090").contains("Welcome"));
    assert!(ok(&mut w, "curl -s localhost:9090").contains("Welcome"));
    // The host's own name is not loopback: only the 0.0.0.0 binding answers there.
    assert_eq!(run(&mut w, "curl default:9090").exit_code, 7);
    assert!(ok(&mut w, "curl -s default:8080").contains("Welcome"));
}

#[test]
fn publish_all_ports_are_reached_where_docker_port_says() {
    let mut w = World::new(4);
    ok(&mut w, "docker run -d --name web -P nginx");
    let port = ok(&mut w, "docker port web 80");
    let host_port = port.trim().rsplit(':').next().unwrap().to_string();
    assert!(ok(&mut w, &format!("curl -s localhost:{host_port}")).contains("Welcome"));
    assert!(w
        .published_ports(DEFAULT_HOST)
        .iter()
        .any(|p| p.host_port.to_string() == host_port && p.container == "web"));
}

#[test]
fn the_learners_own_page_comes_back_after_copy_and_after_a_bind_mount() {
    let mut w = World::new(5);
    let context = BuildContext::from_files([
        (
            "Dockerfile",
            "FROM nginx\nCOPY index.html /usr/share/nginx/html/index.html\n",
        ),
        ("index.html", "<h1>My site</h1>"),
    ]);
    let built = w.run_line("docker build -t site .", &context);
    assert_eq!(built.exit_code, 0, "{}", built.stderr);
    ok(&mut w, "docker run -d --name site -p 8080:80 site");
    assert_eq!(ok(&mut w, "curl localhost:8080"), "<h1>My site</h1>");
    match w.preview_http(DEFAULT_HOST, 8080, "/") {
        PreviewResponse::Http { status, body, .. } => {
            assert_eq!((status, body.as_slice()), (200, &b"<h1>My site</h1>"[..]))
        }
        other => panic!("{other:?}"),
    }
    // A host directory bind-mounted over the document root: what is in it is served.
    ok(
        &mut w,
        "docker run --rm -v /srv/site:/site busybox sh -c 'echo bound > /site/index.html'",
    );
    ok(
        &mut w,
        "docker run -d --name bound -p 8081:80 -v /srv/site:/usr/share/nginx/html nginx",
    );
    assert_eq!(ok(&mut w, "wget -qO- localhost:8081"), "bound\n");
    // curl -o writes into the host's files, where the bind mount sees it.
    ok(&mut w, "curl -s -o /srv/site/copy.html localhost:8080");
    assert_eq!(
        ok(&mut w, "curl -s localhost:8081/copy.html"),
        "<h1>My site</h1>"
    );
}

#[test]
fn a_stopped_container_or_a_port_nothing_listens_on_does_not_answer() {
    let mut w = World::new(6);
    nginx_on(&mut w, "-p 8080:80");
    ok(&mut w, "docker stop web");
    assert_eq!(run(&mut w, "curl localhost:8080").exit_code, 7);
    assert!(matches!(
        w.preview_http(DEFAULT_HOST, 8080, "/"),
        PreviewResponse::Failed { .. }
    ));
    ok(&mut w, "docker start web");
    assert_eq!(run(&mut w, "curl -s localhost:8080").exit_code, 0);
    // Published to a port nginx does not listen on: docker's proxy accepts, then closes.
    ok(&mut w, "docker run -d --name wrong -p 7070:8080 nginx");
    let reset = run(&mut w, "curl localhost:7070");
    assert_eq!(
        (reset.exit_code, reset.stderr.as_str()),
        (56, "curl: (56) Recv failure: Connection reset by peer\n")
    );
}

#[test]
fn each_host_has_its_own_ports() {
    let mut w = World::new(7);
    ok(&mut w, "host add node-2");
    ok(&mut w, "docker -H node-2 run -d -p 8080:80 nginx");
    assert_eq!(run(&mut w, "curl localhost:8080").exit_code, 7);
    assert!(ok(&mut w, "ssh node-2 curl -s localhost:8080").contains("Welcome"));
    assert!(matches!(
        w.preview_http("node-2", 8080, "/"),
        PreviewResponse::Http { status: 200, .. }
    ));
    assert!(matches!(
        w.preview_http(DEFAULT_HOST, 8080, "/"),
        PreviewResponse::Failed { .. }
    ));
    assert!(w.published_ports(DEFAULT_HOST).is_empty());
    let unknown = run(&mut w, "ssh node-9 curl localhost");
    assert_eq!(unknown.exit_code, 255);
    assert_eq!(run(&mut w, "ssh node-2 ls").exit_code, 127);
}

#[test]
fn the_preview_is_a_pure_read_that_agrees_with_curl() {
    let mut w = World::new(8);
    nginx_on(&mut w, "-p 8080:80");
    let (digest, hash, events) = (w.state_digest(), w.trace_hash(), w.events().len());
    let page = w.preview_http(DEFAULT_HOST, 8080, "/");
    let missing = w.preview_http(DEFAULT_HOST, 8080, "nope");
    let refused = w.preview_http(DEFAULT_HOST, 9999, "/");
    let no_host = w.preview_http("nowhere", 8080, "/");
    assert_eq!(
        (w.state_digest(), w.trace_hash(), w.events().len()),
        (digest, hash, events)
    );
    assert_eq!(page.text(), ok(&mut w, "curl localhost:8080"));
    assert!(matches!(missing, PreviewResponse::Http { status: 404, .. }));
    let curl = run(&mut w, "curl localhost:9999");
    assert_eq!(format!("{}\n", refused.text()), curl.stderr);
    assert!(matches!(no_host, PreviewResponse::Failed { .. }));
}
