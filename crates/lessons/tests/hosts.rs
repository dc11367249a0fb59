//! Checks that name a host count only what happened on that host: the ship lesson builds on
//! `build` and runs on `prod`, and the same commands on another host must not pass.

use sim_core::{BuildContext, World};
use sim_lessons::check::{BuildCheck, CacheUse, Check, EventCheck, ProcessCheck, Via};
use std::collections::BTreeMap;

fn run(world: &mut World, line: &str) {
    let context = BuildContext::from_files([("Dockerfile", "FROM busybox\nRUN echo v1 > /v\n")]);
    let out = world.run_line(line, &context);
    assert_eq!(out.exit_code, 0, "`{line}`: {}", out.stderr);
}

fn build_on(host: &str) -> Check {
    Check::Build(BuildCheck {
        tag: "learner/app:1".into(),
        cache: CacheUse::Any,
        host: Some(host.into()),
    })
}

fn ran_on(host: &str) -> Check {
    Check::Process(ProcessCheck {
        command: "sleep".into(),
        container: Some("app".into()),
        via: Some(Via::Run),
        exit_code: None,
        image: Some("learner/app:1".into()),
        host: Some(host.into()),
    })
}

#[test]
fn a_build_and_a_process_count_only_on_the_host_they_name() {
    let mut w = World::new(3);
    run(&mut w, "host add build prod");
    run(&mut w, "docker -H build build -t learner/app:1 .");
    assert!(build_on("build").evaluate(&w).passed);
    assert!(!build_on("prod").evaluate(&w).passed);
    assert!(!build_on("default").evaluate(&w).passed);
    run(&mut w, "docker -H build push learner/app:1");
    run(&mut w, "docker run -d --name app learner/app:1 sleep 60");
    assert!(!ran_on("prod").evaluate(&w).passed, "it ran on default");
    run(
        &mut w,
        "docker -H prod run -d --name app learner/app:1 sleep 60",
    );
    let on_prod = ran_on("prod").evaluate(&w);
    assert!(on_prod.passed, "{}", on_prod.detail.en);
    let missing = ran_on("build").evaluate(&w);
    assert!(!missing.passed);
    assert!(
        missing.detail.en.contains("on host `build`"),
        "{}",
        missing.detail.en
    );
}

#[test]
fn an_event_check_matches_the_host_field_of_events() {
    let mut w = World::new(4);
    run(&mut w, "host add prod");
    run(&mut w, "docker pull busybox");
    let pulled_on = |host: &str| {
        Check::Event(EventCheck {
            event: "image_pulled".into(),
            fields: BTreeMap::from([
                ("host".to_string(), host.to_string()),
                ("reference".to_string(), "busybox:latest".to_string()),
            ]),
        })
    };
    assert!(pulled_on("default").evaluate(&w).passed);
    assert!(!pulled_on("prod").evaluate(&w).passed);
    run(&mut w, "DOCKER_HOST=prod docker pull busybox");
    assert!(pulled_on("prod").evaluate(&w).passed);
}
