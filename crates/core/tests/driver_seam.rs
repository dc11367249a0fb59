//! The sans-IO seam: the World hands out effects and builds its state only from the
//! observations that come back, whenever they come. A hostile driver delays observations,
//! interleaves those of several processes and fails effects; the model stays consistent.

use proptest::prelude::*;
use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};
use sim_core::driver::{
    Delayed, Driver, Effect, Observation, ProcessExit, ProcessHandle, Purpose, StartError, Target,
};
use sim_core::program::ExecError;
use sim_core::{run_until_idle, BuildContext, Machine, Outcome, SimDriver, Status, Tick, World};

/// Runs one line on `machine` with `driver` and returns its outcome.
fn run(machine: &mut Machine, driver: &mut dyn Driver, line: &str) -> Outcome {
    run_with(machine, driver, line, &BuildContext::default())
}

fn run_with(
    machine: &mut Machine,
    driver: &mut dyn Driver,
    line: &str,
    context: &BuildContext,
) -> Outcome {
    machine.submit(line, context).expect("no command in flight");
    assert!(run_until_idle(machine, driver), "`{line}` never finished");
    machine.poll_outcome().expect("an outcome")
}

fn ok(machine: &mut Machine, driver: &mut dyn Driver, line: &str) -> String {
    let out = run(machine, driver, line);
    assert_eq!(
        out.exit_code, 0,
        "`{line}` failed: {}{}",
        out.stdout, out.stderr
    );
    out.stdout
}

fn world(machine: &Machine) -> &World {
    machine.world().expect("idle")
}

fn container<'w>(machine: &'w Machine, name: &str) -> &'w sim_core::Container {
    world(machine)
        .containers()
        .find(|c| c.name == name)
        .expect("container exists")
}

/// Wraps a driver: writes down every effect, drops the signals in `ignore_signals` (a process
/// with a handler that ignores them), and fails the starts of the programs in `fail_starts`.
#[derive(Default)]
struct Filtering {
    inner: SimDriver,
    effects: Vec<(String, Effect)>,
    ignore_signals: Vec<i32>,
    fail_starts: Vec<(String, StartError)>,
    failed: Vec<(Tick, String, Observation)>,
}

impl Driver for Filtering {
    fn handle_effect(&mut self, host: &str, effect: Effect, now: Tick) {
        self.effects.push((host.to_string(), effect.clone()));
        match &effect {
            Effect::Signal { signal, .. } if self.ignore_signals.contains(signal) => return,
            Effect::StartProcess(start) => {
                let argv0 = start.argv.first().cloned().unwrap_or_default();
                if let Some((_, error)) = self.fail_starts.iter().find(|(p, _)| *p == argv0) {
                    self.failed.push((
                        now,
                        host.to_string(),
                        Observation::StartFailed {
                            handle: start.handle,
                            error: error.clone(),
                        },
                    ));
                    return;
                }
            }
            _ => {}
        }
        self.inner.handle_effect(host, effect, now);
    }

    fn next_observation_at(&self) -> Option<Tick> {
        let failed = self.failed.first().map(|(at, _, _)| *at);
        [failed, self.inner.next_observation_at()]
            .into_iter()
            .flatten()
            .min()
    }

    fn poll_observation(&mut self, until: Tick) -> Option<(Tick, String, Observation)> {
        if self.failed.first().is_some_and(|(at, _, _)| *at <= until) {
            return Some(self.failed.remove(0));
        }
        self.inner.poll_observation(until)
    }
}

/// Delays every observation by a seeded random amount up to `max_delay_ms`, so observations
/// of different processes interleave in new orders; one process's observations keep their
/// order (a pipe does not reorder), but may come long after the World asked.
type Hostile = Delayed<Filtering, Box<dyn FnMut() -> Tick>>;

fn hostile(seed: u64, max_delay_ms: u64) -> Hostile {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    Delayed::new(
        Filtering::default(),
        Box::new(move || rng.next_u64() % (max_delay_ms + 1)),
    )
}

#[test]
fn run_exec_stop_and_rm_go_through_the_seam_in_order() {
    let mut machine = Machine::new(World::new(1));
    let mut driver = Filtering::default();
    ok(
        &mut machine,
        &mut driver,
        "docker run -d --name web -v data:/data -m 64m nginx",
    );
    let kinds: Vec<&str> = driver
        .effects
        .iter()
        .map(|(_, e)| match e {
            Effect::StoreLayer { .. } => "store-layer",
            Effect::CreateVolume { .. } => "create-volume",
            Effect::CreateContainer { .. } => "create-container",
            Effect::CopyUp { .. } => "copy-up",
            Effect::Mount { .. } => "mount",
            Effect::StartProcess(_) => "start",
            _ => "other",
        })
        .collect();
    // Layers travel before the container that uses them; mounts before the process.
    let first_create = kinds.iter().position(|k| *k == "create-container");
    let last_layer = kinds.iter().rposition(|k| *k == "store-layer");
    assert!(last_layer < first_create, "{kinds:?}");
    assert_eq!(kinds.last(), Some(&"start"), "{kinds:?}");
    assert!(driver.effects.iter().all(|(host, _)| host == "default"));
    let Some((_, Effect::StartProcess(main))) = driver.effects.last().cloned() else {
        panic!("no start");
    };
    assert_eq!(main.purpose, Purpose::Main);
    assert_eq!(main.memory, Some(64 * 1024 * 1024));
    let web = container(&machine, "web");
    assert_eq!(main.target, Target::Container(web.id.clone()));
    assert_eq!(web.main, Some(main.handle));
    assert_eq!(web.status, Status::Running);

    driver.effects.clear();
    ok(&mut machine, &mut driver, "docker exec web ls /data");
    let Some((_, Effect::StartProcess(exec))) = driver.effects.first() else {
        panic!("exec starts a process: {:?}", driver.effects);
    };
    assert_eq!((exec.purpose, exec.pid), (Purpose::Exec, 2));
    assert_ne!(exec.handle, main.handle);

    // nginx handles SIGTERM: the stop takes no grace period and the exit code is nginx's 0.
    driver.effects.clear();
    let before = world(&machine).now();
    ok(&mut machine, &mut driver, "docker stop web");
    assert!(matches!(
        driver.effects.as_slice(),
        [(_, Effect::Signal { signal: 15, .. })]
    ));
    let web = container(&machine, "web");
    assert_eq!((web.status, web.exit_code), (Status::Exited, 0));
    assert_eq!(web.finished_at, Some(before));

    driver.effects.clear();
    ok(&mut machine, &mut driver, "docker rm web");
    assert!(matches!(
        driver.effects.as_slice(),
        [(_, Effect::RemoveContainer { .. })]
    ));
}

#[test]
fn a_process_that_ignores_sigterm_is_killed_when_the_grace_period_ends() {
    let mut machine = Machine::new(World::new(1));
    let mut driver = Filtering {
        ignore_signals: vec![15],
        ..Filtering::default()
    };
    ok(&mut machine, &mut driver, "docker run -d --name web nginx");
    let before = world(&machine).now();
    ok(&mut machine, &mut driver, "docker stop -t 4 web");
    let web = container(&machine, "web");
    assert_eq!((web.status, web.exit_code), (Status::Exited, 137));
    assert_eq!(web.finished_at, Some(before + 4_000));
    let signals: Vec<i32> = driver
        .effects
        .iter()
        .filter_map(|(_, e)| match e {
            Effect::Signal { signal, .. } => Some(*signal),
            _ => None,
        })
        .collect();
    assert_eq!(signals, vec![15, 9]);
}

#[test]
fn a_shell_as_pid_1_ignores_sigterm_and_a_kill_signal_ends_it() {
    let mut machine = Machine::new(World::new(1));
    let mut driver = SimDriver::new();
    ok(
        &mut machine,
        &mut driver,
        "docker run -d --name box busybox sleep 3600",
    );
    // The kernel gives PID 1 no default action: TERM is ignored, the container keeps running.
    ok(&mut machine, &mut driver, "docker kill -s TERM box");
    assert_eq!(container(&machine, "box").status, Status::Running);
    ok(&mut machine, &mut driver, "docker kill box");
    let b = container(&machine, "box");
    assert_eq!((b.status, b.exit_code), (Status::Exited, 137));
}

#[test]
fn a_start_that_fails_is_reported_in_dockers_words() {
    let mut machine = Machine::new(World::new(1));
    let mut driver = Filtering {
        fail_starts: vec![(
            "sleep".into(),
            StartError::Exec {
                argv0: "sleep".into(),
                error: ExecError::PermissionDenied,
            },
        )],
        ..Filtering::default()
    };
    let out = run(
        &mut machine,
        &mut driver,
        "docker run -d --name box busybox sleep 10",
    );
    assert_eq!(out.exit_code, 126, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("exec: \"sleep\": permission denied: unknown"),
        "{}",
        out.stderr
    );
    let b = container(&machine, "box");
    assert_eq!((b.status, b.exit_code), (Status::Created, 126));
    assert!(b.main.is_none());
    // A missing program is found missing by the host itself (no lookup in the World).
    let out = run(
        &mut machine,
        &mut driver,
        "docker run busybox nosuchprogram",
    );
    assert_eq!(out.exit_code, 127);
    assert!(
        out.stderr
            .contains("exec: \"nosuchprogram\": executable file not found in $PATH"),
        "{}",
        out.stderr
    );
    // The World keeps no record of processes that are done.
    assert_eq!(world(&machine).open_processes(), 0);
}

#[test]
fn output_that_arrives_late_still_reaches_the_logs() {
    let mut machine = Machine::new(World::new(1));
    // Every observation may come up to 20 s late.
    let mut driver = hostile(7, 20_000);
    ok(
        &mut machine,
        &mut driver,
        "docker run -d --name talk busybox sh -c 'echo one; echo two >&2; sleep 3600'",
    );
    ok(&mut machine, &mut driver, "tick 30s");
    let out = run(&mut machine, &mut driver, "docker logs talk");
    assert_eq!(
        (out.stdout.as_str(), out.stderr.as_str()),
        ("one\n", "two\n")
    );
}

#[test]
fn a_container_removed_while_its_output_is_arriving_stays_removed() {
    let mut machine = Machine::new(World::new(1));
    let mut driver = hostile(3, 5_000);
    ok(
        &mut machine,
        &mut driver,
        "docker run -d --name chatty busybox sh -c 'while true; do echo x; sleep 1; done'",
    );
    ok(&mut machine, &mut driver, "tick 3s");
    ok(&mut machine, &mut driver, "docker rm -f chatty");
    ok(&mut machine, &mut driver, "tick 60s");
    let w = world(&machine);
    assert!(w.containers().all(|c| c.name != "chatty"));
    assert_eq!(w.open_processes(), 0);
    // The name is free again.
    ok(
        &mut machine,
        &mut driver,
        "docker run -d --name chatty busybox sleep 5",
    );
}

#[test]
fn a_memory_limit_kill_is_exit_137_and_oom_killed() {
    let mut machine = Machine::new(World::new(2));
    let mut driver = hostile(11, 2_000);
    let out = run(
        &mut machine,
        &mut driver,
        "docker run --name hog -m 64m busybox dd if=/dev/zero of=/dev/null bs=200M count=1",
    );
    assert_eq!(out.exit_code, 137);
    let hog = container(&machine, "hog");
    assert!(hog.oom_killed);
}

#[test]
fn a_build_runs_its_steps_in_sandboxes_that_are_discarded() {
    let mut machine = Machine::new(World::new(1));
    let mut driver = Filtering::default();
    let context = BuildContext::from_files([(
        "Dockerfile",
        "FROM busybox\nRUN echo hi > /hi.txt\nRUN echo there > /there.txt\n",
    )]);
    let out = run_with(&mut machine, &mut driver, "docker build -t app .", &context);
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    let mut prepared = Vec::new();
    let mut discarded = Vec::new();
    for (_, effect) in &driver.effects {
        match effect {
            Effect::PrepareSandbox { sandbox, .. } => prepared.push(*sandbox),
            Effect::DiscardSandbox { sandbox } => discarded.push(*sandbox),
            _ => {}
        }
    }
    assert_eq!(prepared.len(), 2);
    assert_ne!(prepared[0], prepared[1], "sandbox ids are unique");
    assert_eq!(prepared, discarded);
    let image = world(&machine).images().lookup("app").expect("built");
    assert!(image.rootfs.stat("/hi.txt").is_ok());
    assert!(image.rootfs.stat("/there.txt").is_ok());
}

#[test]
fn a_driver_that_never_answers_leaves_the_command_running_not_wrong() {
    /// Takes every effect and reports nothing.
    struct Silent;
    impl Driver for Silent {
        fn handle_effect(&mut self, _: &str, _: Effect, _: Tick) {}
        fn next_observation_at(&self) -> Option<Tick> {
            None
        }
        fn poll_observation(&mut self, _: Tick) -> Option<(Tick, String, Observation)> {
            None
        }
    }
    let mut machine = Machine::new(World::new(1));
    machine
        .submit(
            "docker run -d --name box busybox sleep 5",
            &BuildContext::default(),
        )
        .expect("idle");
    // The start waits with a deadline: time passes to it and docker gives up, in its words.
    assert!(run_until_idle(&mut machine, &mut Silent));
    let out = machine.poll_outcome().expect("finished");
    assert_ne!(out.exit_code, 0);
    assert!(
        out.stderr.contains("context deadline exceeded"),
        "{}",
        out.stderr
    );
}

/// Consistency of the model whatever the timing: every container's state agrees with itself.
fn assert_consistent(w: &World) {
    for c in w.containers() {
        match c.status {
            Status::Running => {
                assert!(c.started_at.is_some() && c.main.is_some(), "{}", c.name);
                assert_eq!(c.pid, 1);
            }
            Status::Exited => assert!(c.finished_at.is_some(), "{}", c.name),
            Status::Created => assert!(c.started_at.is_none(), "{}", c.name),
        }
        let times: Vec<Tick> = c.past_logs.iter().map(|l| l.at).collect();
        assert!(
            times.windows(2).all(|w| w[0] <= w[1]),
            "{}: {times:?}",
            c.name
        );
    }
}

const SCENARIO: &[&str] = &[
    "docker run -d --name web -p 8080:80 nginx",
    "docker run -d --name box busybox sh -c 'echo start; sleep 20; echo end'",
    "docker exec web ls /usr/share/nginx/html",
    "docker run --rm busybox sh -c 'echo fg; exit 3'",
    "docker run -d --name loop --restart on-failure:2 busybox sh -c 'echo try; exit 1'",
    "docker stop -t 2 box",
    "docker logs box",
    "tick 5s",
    "docker rm -f web",
    "docker restart box",
    "docker kill box",
    "tick 30s",
    "docker ps -a",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn the_model_stays_consistent_under_any_delays(seed in any::<u64>(), max_delay in 0u64..15_000) {
        let mut machine = Machine::new(World::new(5));
        let mut driver = hostile(seed, max_delay);
        for line in SCENARIO {
            let out = run(&mut machine, &mut driver, line);
            prop_assert!(out.exit_code >= 0, "{line}");
            assert_consistent(world(&machine));
        }
        // Once everything has arrived, nothing is left half-known.
        run(&mut machine, &mut driver, "tick 2h");
        let w = world(&machine);
        assert_consistent(w);
        prop_assert!(w.containers().all(|c| c.status != Status::Running || c.name == "box"));
        let running_mains = w.containers().filter(|c| c.main.is_some()).count();
        prop_assert_eq!(w.open_processes(), running_mains);
    }
}

#[test]
fn with_no_delay_the_machine_gives_the_same_trace_as_run_line() {
    let mut plain = World::new(9);
    let mut machine = Machine::new(World::new(9));
    let mut driver = SimDriver::new();
    for line in SCENARIO {
        let a = plain.run_line(line, &BuildContext::default());
        let b = run(&mut machine, &mut driver, line);
        assert_eq!(
            (a.stdout, a.stderr, a.exit_code),
            (b.stdout, b.stderr, b.exit_code)
        );
    }
    assert_eq!(plain.trace_hash(), world(&machine).trace_hash());
}

#[test]
fn a_late_exit_for_a_handle_the_world_forgot_changes_nothing() {
    let mut machine = Machine::new(World::new(1));
    let mut driver = SimDriver::new();
    ok(
        &mut machine,
        &mut driver,
        "docker run -d --name a busybox sleep 100",
    );
    let digest = world(&machine).state_digest();
    machine.handle_observation(
        "default",
        Observation::Exited {
            handle: ProcessHandle(999),
            exit: ProcessExit::Code(0),
        },
        world(&machine).now(),
    );
    assert_eq!(world(&machine).state_digest(), digest);
}
