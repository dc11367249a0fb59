//! Containers of one image share what their programs parsed from the image's files (the
//! entrypoint script, nginx's config): a container that changes those files, and an image
//! built with other ones, must see their own files at the next start.

use sim_core::{BuildContext, Outcome, World};

fn run(world: &mut World, line: &str) -> Outcome {
    world.run_line(line, &BuildContext::default())
}

fn ok(world: &mut World, line: &str) -> String {
    let out = run(world, line);
    assert_eq!(out.exit_code, 0, "`{line}`: {}{}", out.stdout, out.stderr);
    out.stdout
}

fn logs(world: &mut World, name: &str) -> String {
    let out = run(world, &format!("docker logs {name}"));
    out.stdout + &out.stderr
}

const BANNER: &str = "Configuration complete; ready for start up";

#[test]
fn a_container_that_changes_its_entrypoint_and_config_runs_its_own_at_restart() {
    let mut w = World::new(1);
    ok(&mut w, "docker run -d --name a nginx");
    ok(&mut w, "docker run -d --name b nginx");
    assert!(logs(&mut w, "a").contains(BANNER));
    let page = ok(&mut w, "docker exec a wget -qO- localhost");
    assert!(page.contains("Welcome to nginx!"), "{page}");
    // Another entrypoint script and another port, in a's files only.
    ok(
        &mut w,
        r#"docker exec a sh -c "printf '#!/bin/sh\necho changed entrypoint\nexec \"\$@\"\n' > /docker-entrypoint.sh; sed -i 's/listen       80/listen 8080/' /etc/nginx/conf.d/default.conf""#,
    );
    ok(&mut w, "docker restart a");
    let log = logs(&mut w, "a");
    assert!(log.contains("changed entrypoint"), "{log}");
    let page = ok(&mut w, "docker exec a wget -qO- localhost:8080");
    assert!(page.contains("Welcome to nginx!"), "{page}");
    let refused = run(&mut w, "docker exec a wget -qO- localhost:80");
    assert_ne!(refused.exit_code, 0, "{}", refused.stdout);
    // b, started before and after, still runs the image's own files.
    ok(&mut w, "docker restart b");
    let log = logs(&mut w, "b");
    assert!(!log.contains("changed entrypoint"), "{log}");
    assert_eq!(log.matches(BANNER).count(), 2, "{log}");
    let page = ok(&mut w, "docker exec b wget -qO- localhost");
    assert!(page.contains("Welcome to nginx!"), "{page}");
}

#[test]
fn an_image_built_with_another_config_serves_on_its_port_after_the_stock_one() {
    let mut w = World::new(1);
    ok(&mut w, "docker run -d --name stock nginx");
    let context = BuildContext::from_files([(
        "Dockerfile",
        "FROM nginx\nRUN sed -i 's/listen       80/listen 81/' /etc/nginx/conf.d/default.conf\nRUN printf '#!/bin/sh\\necho built entrypoint\\nexec \"$@\"\\n' > /docker-entrypoint.sh\n",
    )]);
    let built = w.run_line("docker build -t mine .", &context);
    assert_eq!(built.exit_code, 0, "{}{}", built.stdout, built.stderr);
    ok(&mut w, "docker run -d --name mine mine");
    let log = logs(&mut w, "mine");
    assert!(log.contains("built entrypoint"), "{log}");
    assert!(!log.contains(BANNER), "{log}");
    let page = ok(&mut w, "docker exec mine wget -qO- localhost:81");
    assert!(page.contains("Welcome to nginx!"), "{page}");
    // And the stock image again, after the built one.
    ok(&mut w, "docker run -d --name stock2 nginx");
    assert!(logs(&mut w, "stock2").contains(BANNER));
    let page = ok(&mut w, "docker exec stock2 wget -qO- localhost");
    assert!(page.contains("Welcome to nginx!"), "{page}");
}
