//! The sans-IO seam: the World issues effects to a driver and decides from the observations
//! it gets back.

use sim_core::driver::{
    Driver, Effect, Observation, ProcessExit, ProcessStart, Purpose, Sandbox, SimDriver, Target,
};
use sim_core::fs::{LayerDiff, Node};
use sim_core::program::{OutputChunk, Stream};
use sim_core::{BuildContext, MountKind, Outcome, Status, World};
use std::cell::RefCell;
use std::rc::Rc;

fn run(world: &mut World, line: &str) -> Outcome {
    world.run_line(line, &BuildContext::default())
}

fn ok(world: &mut World, line: &str) -> String {
    let out = run(world, line);
    assert_eq!(
        out.exit_code, 0,
        "`{line}` failed: {}{}",
        out.stdout, out.stderr
    );
    out.stdout
}

/// What a recording driver saw: each effect with the observations it answered.
type Log = Rc<RefCell<Vec<(Effect, Vec<Observation>)>>>;

/// Wraps another driver and writes down every call.
struct RecordingDriver<D> {
    inner: D,
    log: Log,
}

impl<D: Driver> Driver for RecordingDriver<D> {
    fn perform(&mut self, effect: &Effect) -> Vec<Observation> {
        let observations = self.inner.perform(effect);
        self.log
            .borrow_mut()
            .push((effect.clone(), observations.clone()));
        observations
    }

    fn run_process(&mut self, start: &ProcessStart, sandbox: &mut Sandbox<'_>) -> Vec<Observation> {
        let observations = self.inner.run_process(start, sandbox);
        self.log
            .borrow_mut()
            .push((Effect::StartProcess(start.clone()), observations.clone()));
        observations
    }
}

fn recording_world(seed: u64) -> (World, Log) {
    let log: Log = Rc::default();
    let driver = RecordingDriver {
        inner: SimDriver,
        log: log.clone(),
    };
    (World::with_driver(seed, Box::new(driver)), log)
}

fn effects_of(log: &Log) -> Vec<Effect> {
    log.borrow().iter().map(|(e, _)| e.clone()).collect()
}

fn container_id(world: &World, name: &str) -> String {
    world
        .containers()
        .find(|c| c.name == name)
        .map(|c| c.id.clone())
        .expect("container exists")
}

const SCENARIO: &[&str] = &[
    "docker run -d --name web -v data:/data -m 64m nginx",
    "docker exec web ls",
    "docker rm -f web",
    "docker volume rm data",
];

fn start_of(effect: &Effect) -> &ProcessStart {
    match effect {
        Effect::StartProcess(start) => start,
        other => panic!("expected StartProcess, got {other:?}"),
    }
}

#[test]
fn run_exec_rm_and_volume_rm_issue_the_expected_effects_in_order() {
    let (mut world, log) = recording_world(7);

    ok(&mut world, SCENARIO[0]);
    let id = container_id(&world, "web");
    let nginx_layers = world
        .images()
        .lookup("nginx")
        .expect("nginx was pulled")
        .config
        .diff_ids
        .clone();
    assert!(!nginx_layers.is_empty());
    let effects = effects_of(&log);
    assert_eq!(effects.len(), 4, "{effects:#?}");
    assert_eq!(
        effects[0],
        Effect::CreateVolume {
            name: "data".into()
        }
    );
    assert_eq!(
        effects[1],
        Effect::PrepareRootfs {
            target: Target::Container(id.clone()),
            layers: nginx_layers,
        }
    );
    assert_eq!(
        effects[2],
        Effect::Mount {
            container: id.clone(),
            kind: MountKind::Volume,
            source: "data".into(),
            path: "/data".into(),
            read_only: false,
        }
    );
    let main = start_of(&effects[3]);
    assert_eq!(main.target, Target::Container(id.clone()));
    assert_eq!(main.purpose, Purpose::Main);
    assert_eq!(main.pid, 1);
    assert_eq!(main.argv.last().map(String::as_str), Some("daemon off;"));
    assert_eq!(main.memory, Some(64 * 1024 * 1024));
    assert_eq!(main.hostname, &id[..12]);
    // nginx keeps running and listens: the observations say so.
    let observed = log.borrow()[3].1.clone();
    assert!(observed.iter().any(
        |o| matches!(o, Observation::Listening { ports } if ports.iter().any(|(p, _)| *p == 80))
    ));
    assert!(observed.iter().any(|o| matches!(
        o,
        Observation::ProcessExited {
            exit: ProcessExit::StillRunning,
            ..
        }
    )));
    log.borrow_mut().clear();

    let listing = ok(&mut world, SCENARIO[1]);
    assert!(listing.contains("data\n"), "{listing}");
    let effects = effects_of(&log);
    assert_eq!(effects.len(), 1, "{effects:#?}");
    let exec = start_of(&effects[0]);
    assert_eq!(exec.target, Target::Container(id.clone()));
    assert_eq!(exec.purpose, Purpose::Exec);
    assert_eq!(exec.pid, 2);
    assert_eq!(exec.argv, vec!["ls".to_string()]);
    assert_eq!(exec.memory, Some(64 * 1024 * 1024));
    log.borrow_mut().clear();

    ok(&mut world, SCENARIO[2]);
    assert_eq!(
        effects_of(&log),
        vec![
            Effect::Signal {
                container: id.clone(),
                signal: 9
            },
            Effect::RemoveContainer {
                container: id.clone()
            },
        ]
    );
    log.borrow_mut().clear();

    ok(&mut world, SCENARIO[3]);
    assert_eq!(
        effects_of(&log),
        vec![Effect::RemoveVolume {
            name: "data".into()
        }]
    );
}

#[test]
fn world_effects_is_the_same_log_the_driver_saw() {
    let (mut world, log) = recording_world(11);
    for line in SCENARIO {
        ok(&mut world, line);
    }
    ok(
        &mut world,
        "docker run --rm -v /srv:/srv busybox touch /srv/x",
    );
    assert_eq!(world.effects(), effects_of(&log).as_slice());
    let taken = world.take_effects();
    assert_eq!(taken, effects_of(&log));
    assert!(world.effects().is_empty());
}

fn build_context() -> BuildContext {
    let mut ctx = BuildContext::default();
    ctx.put(
        "/Dockerfile",
        Node::file(b"FROM busybox\nRUN echo hi > /hi.txt\nCMD [\"cat\", \"/hi.txt\"]\n".to_vec()),
    );
    ctx
}

#[test]
fn a_build_run_step_prepares_a_sandbox_and_starts_a_process_in_it() {
    let (mut world, log) = recording_world(3);
    let ctx = build_context();
    let out = world.run_line("docker build -t app .", &ctx);
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    let busybox_layers = world
        .images()
        .lookup("busybox")
        .expect("busybox was pulled")
        .config
        .diff_ids
        .clone();
    let effects = effects_of(&log);
    assert_eq!(effects.len(), 2, "{effects:#?}");
    let Effect::PrepareRootfs {
        target: Target::BuildStep(step),
        layers,
    } = &effects[0]
    else {
        panic!("expected a build sandbox first: {effects:#?}");
    };
    assert_eq!(layers, &busybox_layers);
    let run = start_of(&effects[1]);
    assert_eq!(run.target, Target::BuildStep(*step));
    assert_eq!(run.purpose, Purpose::BuildRun);
    assert_eq!(run.argv, vec!["/bin/sh", "-c", "echo hi > /hi.txt"]);
    assert_eq!(run.hostname, "buildkitsandbox");
    assert_eq!(run.memory, None);

    // A fully cached build runs nothing.
    log.borrow_mut().clear();
    let again = world.run_line("docker build -t app .", &ctx);
    assert_eq!(again.exit_code, 0);
    assert!(effects_of(&log).is_empty(), "{:#?}", effects_of(&log));

    // The layer it made is the one the next container's rootfs stacks on top.
    let app_layers = world
        .images()
        .lookup("app")
        .expect("built")
        .config
        .diff_ids
        .clone();
    assert_eq!(app_layers.len(), busybox_layers.len() + 1);
    assert_eq!(ok(&mut world, "docker run --rm app"), "hi\n");
    let effects = effects_of(&log);
    assert_eq!(
        effects[0],
        Effect::PrepareRootfs {
            target: Target::Container(match &effects[1] {
                Effect::StartProcess(s) => match &s.target {
                    Target::Container(id) => id.clone(),
                    other => panic!("{other:?}"),
                },
                other => panic!("{other:?}"),
            }),
            layers: app_layers,
        }
    );
    assert!(matches!(
        effects.last(),
        Some(Effect::RemoveContainer { .. })
    ));
}

#[test]
fn same_seed_and_commands_give_the_same_effect_log() {
    let once = || {
        let (mut world, log) = recording_world(42);
        for line in SCENARIO {
            ok(&mut world, line);
        }
        let out = world.run_line("docker build -t app .", &build_context());
        assert_eq!(out.exit_code, 0);
        ok(
            &mut world,
            "docker run -d --name r --restart on-failure:2 busybox sh -c 'exit 1'",
        );
        ok(&mut world, "tick 5s");
        ok(&mut world, "docker run -d --name s busybox sleep 100");
        ok(&mut world, "docker stop -t 2 s");
        ok(&mut world, "docker rm -v r s");
        let seen = serde_json::to_string(&*log.borrow()).expect("serializable");
        let kept = serde_json::to_string(world.effects()).expect("serializable");
        (seen, kept, world.trace_hash())
    };
    let (a_seen, a_kept, a_hash) = once();
    let (b_seen, b_kept, b_hash) = once();
    assert_eq!(a_seen, b_seen);
    assert_eq!(a_kept, b_kept);
    assert_eq!(a_hash, b_hash);
    // Effects are plain data: they come back from JSON as they were.
    let parsed: Vec<Effect> = serde_json::from_str(&a_kept).expect("parses");
    assert_eq!(
        serde_json::to_string(&parsed).expect("serializable"),
        a_kept
    );
    // stop = SIGTERM, then SIGKILL when the grace period ends (sleep has no handler).
    assert!(a_kept.contains("\"signal\":15"));
}

#[test]
fn the_recording_driver_changes_nothing_in_the_trace() {
    let lines = [
        "docker volume create v",
        "docker run -d --name web -p 8080:80 -v v:/usr/share/nginx/html nginx",
        "docker run --rm busybox wget -qO- http://web/",
        "docker exec web sh -c 'echo hi > /usr/share/nginx/html/x.html'",
        "docker kill -s HUP web",
        "docker rm web",
    ];
    let mut plain = World::new(9);
    let (mut recorded, _log) = recording_world(9);
    for line in lines {
        let a = run(&mut plain, line);
        let b = run(&mut recorded, line);
        assert_eq!(
            (a.stdout, a.stderr, a.exit_code),
            (b.stdout, b.stderr, b.exit_code)
        );
    }
    assert_eq!(plain.trace_hash(), recorded.trace_hash());
    assert_eq!(plain.state_digest(), recorded.state_digest());
    assert_eq!(plain.effects(), recorded.effects());
}

/// A driver that runs nothing: each process gets the next canned answer, whatever it is.
struct ScriptedDriver {
    answers: Vec<Vec<Observation>>,
    started: Rc<RefCell<Vec<ProcessStart>>>,
}

impl ScriptedDriver {
    fn new(answers: Vec<Vec<Observation>>) -> (ScriptedDriver, Rc<RefCell<Vec<ProcessStart>>>) {
        let started = Rc::default();
        let mut answers = answers;
        answers.reverse();
        (
            ScriptedDriver {
                answers,
                started: Rc::clone(&started),
            },
            started,
        )
    }
}

impl Driver for ScriptedDriver {
    fn perform(&mut self, _effect: &Effect) -> Vec<Observation> {
        Vec::new()
    }

    fn run_process(
        &mut self,
        start: &ProcessStart,
        _sandbox: &mut Sandbox<'_>,
    ) -> Vec<Observation> {
        self.started.borrow_mut().push(start.clone());
        let mut answer = self
            .answers
            .pop()
            .unwrap_or_else(|| panic!("no answer scripted for {start:?}"));
        // Canned file changes land where this process runs.
        for o in &mut answer {
            if let Observation::FilesChanged { target, .. } = o {
                *target = start.target.clone();
            }
        }
        answer
    }
}

fn output(at_ms: u64, stream: Stream, text: &str) -> Observation {
    Observation::Output {
        chunks: vec![OutputChunk {
            at_ms,
            stream,
            bytes: text.as_bytes().to_vec(),
        }],
    }
}

fn exited(exit: ProcessExit, elapsed_ms: u64) -> Observation {
    Observation::ProcessExited {
        exit,
        elapsed_ms,
        peak_memory: 1 << 20,
    }
}

fn file_added(path: &str, content: &str) -> Observation {
    let mut changes = LayerDiff::new();
    changes.put(path, Node::file(content.as_bytes().to_vec()));
    Observation::FilesChanged {
        target: Target::BuildStep(0), // replaced by the driver with the real target
        changes,
    }
}

#[test]
fn the_world_decides_from_observations_not_from_the_programs() {
    let (driver, started) = ScriptedDriver::new(vec![
        // `docker run -d --name job busybox echo real`: the driver says "boom", exit 3.
        vec![
            output(5, Stream::Stdout, "boom\n"),
            file_added("/made-by-driver", "x"),
            exited(ProcessExit::Code(3), 20),
        ],
        // Foreground `docker run --name fg busybox true`: killed by a signal.
        vec![
            output(0, Stream::Stderr, "dying\n"),
            exited(ProcessExit::Signal(9), 1_500),
        ],
        // `docker run -d --name srv busybox sleep 1000`: the driver says it serves HTTP.
        vec![
            Observation::Listening {
                ports: vec![(
                    80,
                    sim_core::program::ServerKind::Http {
                        docroot: "/www".into(),
                    },
                )],
            },
            exited(ProcessExit::StillRunning, 3_600_000),
        ],
        // `docker exec srv cat /nothing`.
        vec![
            output(0, Stream::Stdout, "from the driver\n"),
            exited(ProcessExit::Code(0), 0),
        ],
        // `docker run -d --name hog -m 16m busybox true`.
        vec![exited(ProcessExit::OomKilled, 100)],
    ]);
    let mut world = World::with_driver(1, Box::new(driver));

    ok(&mut world, "docker run -d --name job busybox echo real");
    let job = world.containers().find(|c| c.name == "job").expect("job");
    assert_eq!(job.status, Status::Exited);
    assert_eq!(job.exit_code, 3);
    assert_eq!(ok(&mut world, "docker logs job"), "boom\n");
    let diff = ok(&mut world, "docker diff job");
    assert!(diff.contains("A /made-by-driver"), "{diff}");
    assert!(ok(&mut world, "docker ps -a").contains("Exited (3)"));

    let fg = run(&mut world, "docker run --name fg busybox true");
    assert_eq!(fg.exit_code, 137);
    assert_eq!(fg.stderr, "dying\n");
    let before = world.now();

    ok(&mut world, "docker run -d --name srv busybox sleep 1000");
    assert!(world.now() >= before);
    let exec = run(&mut world, "docker exec srv cat /nothing");
    assert_eq!(
        (exec.stdout.as_str(), exec.exit_code),
        ("from the driver\n", 0)
    );
    // The driver said srv listens: it handles SIGTERM, so `docker stop` ends it with 0 at once
    // (a real `sleep` would have been killed after the grace period: 137).
    let stop_at = world.now();
    ok(&mut world, "docker stop srv");
    let srv = world.containers().find(|c| c.name == "srv").expect("srv");
    assert_eq!((srv.status, srv.exit_code), (Status::Exited, 0));
    assert_eq!(srv.finished_at, Some(stop_at));

    ok(&mut world, "docker run -d --name hog -m 16m busybox true");
    let hog = world.containers().find(|c| c.name == "hog").expect("hog");
    assert_eq!((hog.exit_code, hog.oom_killed), (137, true));

    let argvs: Vec<Vec<String>> = started.borrow().iter().map(|s| s.argv.clone()).collect();
    assert_eq!(
        argvs,
        vec![
            vec!["echo", "real"],
            vec!["true"],
            vec!["sleep", "1000"],
            vec!["cat", "/nothing"],
            vec!["true"],
        ]
    );
}

#[test]
fn a_build_takes_its_layer_and_its_verdict_from_the_driver() {
    let (driver, _started) = ScriptedDriver::new(vec![
        vec![
            file_added("/from-driver", "made elsewhere\n"),
            exited(ProcessExit::Code(0), 2_000),
        ],
        vec![
            output(0, Stream::Stderr, "boom\n"),
            exited(ProcessExit::Code(3), 10),
        ],
    ]);
    let mut world = World::with_driver(1, Box::new(driver));
    let out = world.run_line("docker build -t app .", &build_context());
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    let app = world.images().lookup("app").expect("built");
    // The driver's change is in the image; the simulated `echo` never ran.
    assert!(app.rootfs.stat("/from-driver").is_ok());
    assert!(app.rootfs.stat("/hi.txt").is_err());

    let out = world.run_line("docker build --no-cache -t app .", &build_context());
    assert_eq!(out.exit_code, 1);
    assert!(out.stderr.contains("boom"), "{}", out.stderr);
    assert!(out.stderr.contains("exit code: 3"), "{}", out.stderr);
}
