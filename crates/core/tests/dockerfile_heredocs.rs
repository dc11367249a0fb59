//! Heredocs and ONBUILD in real builds: what the image holds afterwards, and what its
//! containers print, through the entry point every front uses (`World::run_line`).

use sim_core::fs::Node;
use sim_core::{BuildContext, EventKind, Outcome, World};

fn context(dockerfile: &str) -> BuildContext {
    let mut ctx = BuildContext::default();
    ctx.put("/Dockerfile", Node::file(dockerfile.as_bytes().to_vec()));
    ctx
}

fn ok(world: &mut World, line: &str, ctx: &BuildContext) -> String {
    let out = world.run_line(line, ctx);
    assert_eq!(
        out.exit_code, 0,
        "`{line}` failed: {}{}",
        out.stdout, out.stderr
    );
    out.stdout
}

fn run(world: &mut World, line: &str) -> String {
    ok(world, line, &BuildContext::default())
}

/// (step, cached) of the build steps the command made.
fn steps(world: &World, out: &Outcome) -> Vec<(String, bool)> {
    world.events()[out.first_event as usize..out.end_event as usize]
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::BuildStep { step, cached, .. } => Some((step.clone(), *cached)),
            _ => None,
        })
        .collect()
}

const HEREDOCS: &str = "FROM busybox
ARG WHO=world
RUN <<EOF
mkdir -p /app
echo built > /app/stamp
EOF
COPY <<EOF /app/hello.sh
echo \"hello $WHO from $(cat /app/stamp)\"
EOF
COPY <<'RAW' <<-TABS /app/
keep $WHO
RAW
\tno tabs
\tTABS
RUN cat <<EOF >> /app/stamp
and $HOSTNAME-free
EOF
CMD [\"sh\", \"/app/hello.sh\"]
";

#[test]
fn run_and_copy_heredocs_build_an_image_that_runs() {
    let mut w = World::new(1);
    let ctx = context(HEREDOCS);
    let out = w.run_line("docker build -t app .", &ctx);
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    let names: Vec<String> = steps(&w, &out).into_iter().map(|(s, _)| s).collect();
    assert_eq!(
        names,
        [
            "[2/5] RUN <<EOF (mkdir -p /app...)",
            "[3/5] COPY <<EOF /app/hello.sh",
            "[4/5] COPY <<'RAW' <<-TABS /app/",
            "[5/5] RUN cat <<EOF >> /app/stamp",
        ]
    );
    // The CMD runs the copied script; $WHO was expanded at build time, $(...) was not.
    assert_eq!(
        run(&mut w, "docker run --rm app cat /app/hello.sh"),
        "echo \"hello world from $(cat /app/stamp)\"\n"
    );
    // The shell read the last RUN's heredoc: the unquoted body was expanded by it.
    assert_eq!(
        run(&mut w, "docker run --rm app"),
        "hello world from built\nand -free\n"
    );
    // A quoted name keeps the body literal; <<- drops the leading tabs.
    assert_eq!(
        run(&mut w, "docker run --rm app cat /app/RAW"),
        "keep $WHO\n"
    );
    assert_eq!(
        run(&mut w, "docker run --rm app cat /app/TABS"),
        "no tabs\n"
    );
    let listing = run(&mut w, "docker run --rm app ls -l /app/RAW");
    assert!(listing.starts_with("-rw-r--r--"), "{listing}");
}

#[test]
fn a_changed_heredoc_body_misses_the_cache_even_with_the_same_first_line() {
    let mut w = World::new(1);
    let first = "FROM busybox\nRUN <<EOF\necho one > /f\necho two >> /f\nEOF\n";
    ok(&mut w, "docker build -t app .", &context(first));
    let again = w.run_line("docker build -t app .", &context(first));
    assert!(steps(&w, &again).iter().all(|(_, cached)| *cached));
    let changed = first.replace("two", "three");
    let out = w.run_line("docker build -t app .", &context(&changed));
    assert_eq!(
        steps(&w, &out),
        [("[2/2] RUN <<EOF (echo one > /f...)".to_string(), false)]
    );
    assert_eq!(run(&mut w, "docker run --rm app cat /f"), "one\nthree\n");
}

#[test]
fn onbuild_triggers_run_in_the_build_that_uses_the_image() {
    let mut w = World::new(1);
    let base = "FROM busybox\nONBUILD RUN echo triggered > /onbuild\nONBUILD COPY <<END /note\nfrom base\nEND\nCMD [\"cat\", \"/onbuild\", \"/note\"]\n";
    let out = w.run_line("docker build -t base .", &context(base));
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    // The base itself does not run them; it stores them.
    assert_eq!(
        w.run_line("docker run --rm base", &BuildContext::default())
            .exit_code,
        1
    );
    assert_eq!(
        run(
            &mut w,
            "docker inspect --format '{{json .Config.OnBuild}}' base"
        ),
        "[\"RUN echo triggered > /onbuild\",\"COPY <<END /note\\nfrom base\\nEND\"]\n"
    );
    // A build FROM it runs them first, named ONBUILD, and its image keeps none.
    let child = "FROM base\nRUN echo child >> /onbuild\n";
    let out = w.run_line("docker build -t child .", &context(child));
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    let names: Vec<String> = steps(&w, &out).into_iter().map(|(s, _)| s).collect();
    assert_eq!(
        names,
        [
            "[2/4] ONBUILD RUN echo triggered > /onbuild",
            "[3/4] ONBUILD COPY <<END /note",
            "[4/4] RUN echo child >> /onbuild",
        ]
    );
    assert_eq!(
        run(&mut w, "docker run --rm child"),
        "triggered\nchild\nfrom base\n"
    );
    assert_eq!(
        run(
            &mut w,
            "docker inspect --format '{{json .Config.OnBuild}}' child"
        ),
        "null\n"
    );
}

#[test]
fn dockerfile_errors_for_heredocs_onbuild_and_long_lines() {
    let mut w = World::new(1);
    let long = format!("FROM busybox\nLABEL x={}\n", "a".repeat(65_536));
    let cases = [
        ("FROM busybox\nRUN <<EOF\necho hi\n", "unterminated heredoc"),
        (
            "FROM busybox\nONBUILD ONBUILD RUN x\n",
            "dockerfile parse error on line 2: Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed",
        ),
        (
            "FROM busybox\nONBUILD FROM alpine\n",
            "dockerfile parse error on line 2: FROM isn't allowed as an ONBUILD trigger",
        ),
        (
            &long,
            "dockerfile line greater than max allowed size of 65535",
        ),
    ];
    for (text, error) in cases {
        let out = w.run_line("docker build -t bad .", &context(text));
        assert_ne!(out.exit_code, 0, "{text:?}");
        assert!(out.stderr.contains(error), "{text:?}: {}", out.stderr);
    }
}

#[test]
fn onbuild_of_an_earlier_stage_runs_in_the_stage_built_from_it() {
    let mut w = World::new(1);
    // An ENV trigger is no step: the count has only the RUNs.
    let text = "FROM busybox AS base\nONBUILD ENV WHO=trigger\nONBUILD RUN echo from-$WHO > /x\nFROM base\nRUN cat /x > /y\n";
    let out = w.run_line("docker build -t app .", &context(text));
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    let names: Vec<String> = steps(&w, &out).into_iter().map(|(s, _)| s).collect();
    assert_eq!(
        names,
        [
            "[2/3] ONBUILD RUN echo from-$WHO > /x",
            "[3/3] RUN cat /x > /y"
        ]
    );
    assert_eq!(run(&mut w, "docker run --rm app cat /y"), "from-trigger\n");
}
