//! The servers and runtimes of the stock images, as far as the simulator runs them honestly.

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

fn status(world: &mut World, name: &str) -> String {
    ok(
        world,
        &format!("docker inspect --format {{{{.State.Status}}}} {name}"),
    )
    .trim()
    .to_string()
}

#[test]
fn postgres_refuses_without_a_password_and_starts_with_one() {
    let mut w = World::new(1);
    ok(&mut w, "docker pull postgres:16");
    ok(&mut w, "docker run -d --name db postgres:16");
    assert_eq!(status(&mut w, "db"), "exited");
    let refused = logs(&mut w, "db");
    assert!(
        refused
            .contains("Error: Database is uninitialized and superuser password is not specified."),
        "{refused}"
    );
    ok(&mut w, "docker run -d --name pg -e POSTGRES_PASSWORD=secret -v pgdata:/var/lib/postgresql/data postgres:16");
    assert_eq!(status(&mut w, "pg"), "running");
    let log = logs(&mut w, "pg");
    assert!(
        log.contains("PostgreSQL init process complete; ready for start up."),
        "{log}"
    );
    assert!(log.contains("LOG:  starting PostgreSQL 16.4"), "{log}");
    assert!(
        log.contains("database system is ready to accept connections"),
        "{log}"
    );
    // The second container on the same volume finds the database and skips initialisation,
    // even without the password.
    ok(&mut w, "docker rm -f pg");
    ok(
        &mut w,
        "docker run -d --name pg2 -v pgdata:/var/lib/postgresql/data postgres:16",
    );
    assert_eq!(status(&mut w, "pg2"), "running");
    assert!(logs(&mut w, "pg2").contains("Skipping initialization"));
    assert_eq!(
        ok(&mut w, "docker exec pg2 psql --version"),
        "psql (PostgreSQL) 16.4 (Debian 16.4-1.pgdg120+2)\n"
    );
}

#[test]
fn httpd_serves_it_works_and_wordpress_reaches_mysql_by_name() {
    let mut w = World::new(1);
    ok(&mut w, "docker run -d --name web httpd:2.4");
    assert!(logs(&mut w, "web").contains("AH00094: Command line: 'httpd -D FOREGROUND'"));
    assert_eq!(
        ok(&mut w, "docker exec web wget -qO- http://localhost/"),
        "<html><body><h1>It works!</h1></body></html>\n"
    );
    ok(
        &mut w,
        "docker run -d --name mysql -e MYSQL_ROOT_PASSWORD=pw mysql:8.4",
    );
    ok(&mut w, "docker run -d --name blog -e WORDPRESS_DB_HOST=mysql -e WORDPRESS_DB_PASSWORD=pw wordpress:6");
    let log = logs(&mut w, "blog");
    assert!(
        log.contains("Complete! WordPress has been successfully copied to /var/www/html"),
        "{log}"
    );
    let page = ok(&mut w, "docker exec blog cat /var/www/html/index.html");
    assert!(
        page.contains("five-minute WordPress installation"),
        "{page}"
    );
    // Pointed at a host that does not exist, WordPress shows its database error.
    ok(
        &mut w,
        "docker run -d --name broken -e WORDPRESS_DB_HOST=nowhere wordpress:6",
    );
    let broken = ok(&mut w, "docker exec broken cat /var/www/html/index.html");
    assert!(
        broken.contains("Error establishing a database connection"),
        "{broken}"
    );
}

#[test]
fn memcached_jenkins_and_mongo_start_as_the_real_ones() {
    let mut w = World::new(1);
    ok(
        &mut w,
        "docker run -d --name cache -p 11211:11211 memcached:1.6-alpine",
    );
    assert_eq!(status(&mut w, "cache"), "running");
    assert_eq!(
        ok(&mut w, "docker exec cache memcached -V"),
        "memcached 1.6.32\n"
    );
    let root = run(&mut w, "docker run --rm -u root memcached:1.6-alpine");
    assert!(
        root.stderr
            .contains("can't run as root without the -u switch"),
        "{}",
        root.stderr
    );

    ok(
        &mut w,
        "docker run -d --name ci -p 8080:8080 jenkins/jenkins:lts",
    );
    let log = logs(&mut w, "ci");
    assert!(log.contains("Jenkins initial setup is required."), "{log}");
    let password = ok(
        &mut w,
        "docker exec ci cat /var/jenkins_home/secrets/initialAdminPassword",
    );
    assert_eq!(password.trim().len(), 32);
    assert!(log.contains(password.trim()));

    let half = run(
        &mut w,
        "docker run --rm -e MONGO_INITDB_ROOT_USERNAME=admin mongo:7.0",
    );
    assert!(half
        .stderr
        .contains("both must be specified for a user to be created"));
    ok(&mut w, "docker run -d --name mongo mongo:7.0");
    assert!(logs(&mut w, "mongo").contains("\"msg\":\"Waiting for connections\""));
}

#[test]
fn runtimes_print_their_versions() {
    let mut w = World::new(1);
    assert_eq!(
        ok(&mut w, "docker run --rm node:20 node --version"),
        "v20.18.0\n"
    );
    assert_eq!(
        ok(&mut w, "docker run --rm node:22 npm --version"),
        "10.9.0\n"
    );
    assert_eq!(
        ok(&mut w, "docker run --rm node:22 -e \"console.log('hi')\""),
        "hi\n"
    );
    assert_eq!(
        ok(&mut w, "docker run --rm golang:1.22 go version"),
        "go version go1.22.8 linux/amd64\n"
    );
    assert_eq!(
        ok(
            &mut w,
            "docker run --rm python:3.13-slim python -c \"print('hi')\""
        ),
        "hi\n"
    );
    let java = run(&mut w, "docker run --rm eclipse-temurin:17 java -version");
    assert!(
        java.stderr
            .contains("\nopenjdk version \"17.0.13\" 2024-10-15 LTS\n"),
        "{}",
        java.stderr
    );
    assert_eq!(
        ok(
            &mut w,
            "docker run --rm ubuntu:22.04 grep VERSION_ID /etc/os-release"
        ),
        "VERSION_ID=\"22.04\"\n"
    );
}
