//! The embedded lessons: complete in both languages, prerequisites sound, and every step's
//! check failing before its solution and passing after it.

use sim_core::World;
use sim_lessons::{catalog, walk, Answers, Catalog, Lang, Lesson, Step, StepKind};

const SEED: u64 = 42;

fn lessons() -> &'static Catalog {
    match catalog() {
        Ok(catalog) => catalog,
        Err(e) => panic!("the embedded lessons do not parse: {e}"),
    }
}

#[test]
fn the_lessons_form_one_numbered_path() {
    let ids: Vec<&str> = lessons().lessons.iter().map(|l| l.id.as_str()).collect();
    assert!(ids.len() >= 5, "{ids:?}");
    assert_eq!(
        &ids[..5],
        [
            "01-history",
            "02-containers",
            "03-images",
            "04-configuration",
            "05-data"
        ]
    );
    // The folder numbers are the path: 1, 2, 3... in map order, each lesson after the last.
    for (position, lesson) in lessons().lessons.iter().enumerate() {
        let number: usize = lesson.id[..2].parse().expect("NN-slug");
        assert_eq!(number, position + 1, "{}", lesson.id);
        assert_eq!(lesson.order as usize, position + 1, "{}", lesson.id);
    }
    assert!(lessons().get("03-images").is_some());
    assert!(lessons().get("nope").is_none());
    // Shipping needs the images lesson and comes before the capstone.
    let ship = ids.iter().position(|id| *id == "08-ship");
    assert!(ship.is_some_and(|s| s > 2), "{ids:?}");
    // The capstone ends the Docker part; the Kubernetes lessons follow it.
    assert!(ids.contains(&"09-capstone"));
    assert_eq!(
        &ids[ids.len() - 4..],
        [
            "10-orchestration",
            "11-self-healing",
            "12-rollout",
            "13-discovery"
        ]
    );
    let capstone = lessons()
        .get("09-capstone")
        .map(|l| l.prerequisites.clone());
    assert!(capstone.is_some_and(|p| p.contains(&"08-ship".to_string())));
}

#[test]
fn every_text_has_both_languages() {
    for lesson in &lessons().lessons {
        for lang in Lang::ALL {
            let id = &lesson.id;
            assert!(
                !lesson.title.get(lang).trim().is_empty(),
                "{id} title {lang}"
            );
            assert!(
                !lesson.prose.get(lang).trim().is_empty(),
                "{id} prose {lang}"
            );
            for (i, step) in lesson.steps.iter().enumerate() {
                assert!(
                    !step.prompt.get(lang).trim().is_empty(),
                    "{id} step {i} prompt {lang}"
                );
                assert!(
                    !step.hint.get(lang).trim().is_empty(),
                    "{id} step {i} hint {lang}"
                );
            }
        }
        assert!(
            (3..=8).contains(&lesson.steps.len()),
            "{} has {} steps",
            lesson.id,
            lesson.steps.len()
        );
        // The Korean prose is Korean and the English is not.
        assert!(lesson.prose.ko.chars().any(|c| ('가'..='힣').contains(&c)));
        assert!(!lesson.prose.en.chars().any(|c| ('가'..='힣').contains(&c)));
    }
}

#[test]
fn prerequisites_exist_come_earlier_and_have_no_cycles() {
    let catalog = lessons();
    for (index, lesson) in catalog.lessons.iter().enumerate() {
        for prerequisite in &lesson.prerequisites {
            let position = catalog
                .lessons
                .iter()
                .position(|l| &l.id == prerequisite)
                .unwrap_or_else(|| panic!("{}: unknown prerequisite {prerequisite}", lesson.id));
            // Catalog order is a topological order, so there is no cycle.
            assert!(
                position < index,
                "{} needs the later {prerequisite}",
                lesson.id
            );
        }
    }
    let data = catalog.get("05-data").map(|l| l.prerequisites.clone());
    assert_eq!(
        data,
        Some(vec![
            "03-images".to_string(),
            "04-configuration".to_string()
        ])
    );
}

/// Runs one step's solution lines. A line may fail when failing is its point (a refused
/// password); the step's check says whether the whole did what it should.
fn solve(world: &mut World, lesson: &Lesson, index: usize) {
    let context = lesson.solution_context(index);
    for line in &lesson.steps[index].solution {
        world.run_line(line, &context);
    }
}

/// The right answer of an asking step (None for the others).
fn right_answer(step: &Step) -> Option<usize> {
    step.choices.iter().position(|c| c.correct)
}

/// A world where steps `..index` were done by their solutions, and where step `index` begins.
fn world_before(lesson: &Lesson, index: usize, seed: u64) -> (World, usize) {
    let mut world = World::new(seed);
    let mut since = 0;
    for i in 0..index {
        solve(&mut world, lesson, i);
        let step = &lesson.steps[i];
        let judgement = step.judge(&world, since, right_answer(step));
        assert!(judgement.passed, "{} step {}", lesson.id, i + 1);
        since = judgement.next_since;
    }
    (world, since)
}

#[test]
fn every_step_fails_before_its_solution_and_passes_after() {
    for lesson in &lessons().lessons {
        let mut world = World::new(SEED);
        let mut since = 0;
        for (index, step) in lesson.steps.iter().enumerate() {
            let answer = right_answer(step);
            let before = step.judge(&world, since, answer);
            let no_command_yet = step.check.is_some();
            assert!(
                !before.passed || !no_command_yet,
                "{} step {}: passes before the solution ran: {}",
                lesson.id,
                index + 1,
                before.detail.en
            );
            solve(&mut world, lesson, index);
            let after = step.judge(&world, since, answer);
            assert!(
                after.passed,
                "{} step {}: fails after the solution: {} / {}",
                lesson.id,
                index + 1,
                after.detail.en,
                after.detail.ko
            );
            for lang in Lang::ALL {
                assert!(!before.detail.get(lang).is_empty());
                assert!(!after.detail.get(lang).is_empty());
            }
            since = after.next_since;
        }
        // `sim lesson check` walks the finished trace and finds every step done.
        let answers: Answers = lesson
            .steps
            .iter()
            .enumerate()
            .filter_map(|(i, s)| right_answer(s).map(|a| (i, a)))
            .collect();
        for (index, progress) in walk(lesson, &world, &answers).iter().enumerate() {
            assert!(
                progress.passed,
                "{} step {} does not pass in a walk over the finished lesson: {}",
                lesson.id,
                index + 1,
                progress.detail.en
            );
        }
    }
}

#[test]
fn every_near_miss_leaves_its_step_unpassed() {
    let mut tried = 0;
    for lesson in &lessons().lessons {
        for (index, step) in lesson.steps.iter().enumerate() {
            for near_miss in &step.near_misses {
                let (mut world, since) = world_before(lesson, index, SEED);
                let context = lesson.build_context(index);
                for line in near_miss {
                    world.run_line(line, &context);
                }
                let judgement = step.judge(&world, since, right_answer(step));
                assert!(
                    !judgement.passed,
                    "{} step {}: the near miss {near_miss:?} passes: {}",
                    lesson.id,
                    index + 1,
                    judgement.detail.en
                );
                tried += 1;
            }
        }
    }
    assert!(tried > 20, "only {tried} near misses");
}

#[test]
fn every_step_explains_itself_and_hints_before_it_tells() {
    for lesson in &lessons().lessons {
        for (index, step) in lesson.steps.iter().enumerate() {
            let at = format!("{} step {}", lesson.id, index + 1);
            for lang in Lang::ALL {
                assert!(
                    !step.why.get(lang).trim().is_empty(),
                    "{at}: no why ({lang})"
                );
                // The first hint nudges; the solution is the last hint, not the first.
                for line in &step.solution {
                    assert!(
                        !step.hint.get(lang).contains(line.as_str()),
                        "{at}: the hint gives the solution line `{line}` away ({lang})"
                    );
                }
            }
            if step.kind != StepKind::Quiz {
                assert!(!step.near_misses.is_empty(), "{at}: no near misses");
            }
        }
    }
}

#[test]
fn a_quiz_passes_only_on_its_right_answer() {
    let mut quizzes = 0;
    for lesson in &lessons().lessons {
        for (index, step) in lesson.steps.iter().enumerate() {
            if !step.kind.asks() {
                continue;
            }
            quizzes += 1;
            let (world, since) = world_before(lesson, index, SEED);
            let unanswered = step.judge(&world, since, None);
            assert!(!unanswered.passed, "{} step {}", lesson.id, index + 1);
            if step.kind != StepKind::Quiz {
                continue;
            }
            for (c, choice) in step.choices.iter().enumerate() {
                let judgement = step.judge(&world, since, Some(c));
                assert_eq!(
                    judgement.passed,
                    choice.correct,
                    "{} step {}",
                    lesson.id,
                    index + 1
                );
                assert_eq!(judgement.detail, choice.why);
            }
        }
    }
    assert!(quizzes > 0);
}

#[test]
fn lessons_do_not_depend_on_the_seed() {
    for seed in [1, 7, 1234] {
        for lesson in &lessons().lessons {
            let (world, _) = world_before(lesson, lesson.steps.len(), seed);
            let answers: Answers = lesson
                .steps
                .iter()
                .enumerate()
                .filter_map(|(i, s)| right_answer(s).map(|a| (i, a)))
                .collect();
            assert!(
                walk(lesson, &world, &answers).iter().all(|p| p.passed),
                "{} seed {seed}",
                lesson.id
            );
        }
    }
}

#[test]
fn a_failing_check_says_what_is_missing() {
    let world = World::new(SEED);
    let lesson = lessons().get("02-containers").expect("lesson 1");
    let check = lesson.steps[1].check.as_ref().expect("step 2 has a check");
    let result = check.evaluate(&world);
    assert!(!result.passed);
    assert!(result.detail.en.contains("`box1`"), "{}", result.detail.en);
    assert!(result.detail.ko.contains("`box1`"), "{}", result.detail.ko);
    assert!(
        result.detail.ko.contains("컨테이너"),
        "{}",
        result.detail.ko
    );

    // A container of that name in the wrong state is named, with the state it is in.
    let mut world = World::new(SEED);
    let context = sim_core::BuildContext::default();
    world.run_line("docker create --name box1 busybox sleep 3600", &context);
    let result = check.evaluate(&world);
    assert!(!result.passed);
    assert!(
        result.detail.en.contains("created, not running"),
        "{}",
        result.detail.en
    );
}

#[test]
fn a_step_without_files_builds_with_the_earlier_steps_files() {
    let lesson = lessons().get("03-images").expect("lesson 2");
    let first = lesson.build_context(0);
    assert!(first.exists("/Dockerfile") && first.exists("/hello.txt"));
    assert_eq!(lesson.build_context(1), first);
    assert_eq!(lesson.build_context(2), first);
    assert_ne!(lesson.build_context(3), first, "step 4 changes hello.txt");
    assert!(lesson.build_context(99).is_empty());
}

#[test]
fn languages_parse_from_codes_and_locales() {
    assert_eq!(Lang::parse("ko"), Some(Lang::Ko));
    assert_eq!(Lang::parse(" EN "), Some(Lang::En));
    assert_eq!(Lang::parse("fr"), None);
    assert_eq!("ko".parse::<Lang>(), Ok(Lang::Ko));
    assert_eq!(Lang::from_locale("ko_KR.UTF-8"), Lang::Ko);
    assert_eq!(Lang::from_locale("en_US.UTF-8"), Lang::En);
    assert_eq!(Lang::from_locale(""), Lang::En);
    let lesson = lessons().get("02-containers").expect("lesson 1");
    assert_eq!(lesson.title.get(Lang::Ko), lesson.title.ko);
    assert_eq!(lesson.title.get(Lang::En), lesson.title.en);
}

#[test]
fn what_happened_before_a_step_began_does_not_count() {
    let lesson = lessons()
        .get("02-containers")
        .expect("the containers lesson");
    let step = &lesson.steps[2];
    let right = right_answer(step);
    let context = sim_core::BuildContext::default();
    let mut world = World::new(SEED);
    for line in [
        "docker run -d --name box1 busybox sleep 3600",
        "docker exec box1 hostname",
        "docker exec box1 ps",
    ] {
        world.run_line(line, &context);
    }
    // Done before the step began: it does not pass, although the whole trace holds it.
    let begins = world.events().len();
    assert!(
        step.check
            .as_ref()
            .expect("a check")
            .evaluate(&world)
            .passed
    );
    assert!(!step.judge(&world, begins, right).passed);
    world.run_line("docker exec box1 hostname", &context);
    assert!(!step.judge(&world, begins, right).passed, "half of it");
    world.run_line("docker exec box1 ps", &context);
    assert!(step.judge(&world, begins, right).passed);
    assert!(
        !step.judge(&world, begins, None).passed,
        "a prediction needs its answer"
    );

    // A walk over the trace: typing step 3 before step 2's `docker ps` leaves step 3 undone.
    let mut early = World::new(SEED);
    for line in [
        "docker run busybox echo hi",
        "docker run -d --name box1 busybox sleep 3600",
        "docker exec box1 hostname",
        "docker exec box1 ps",
        "docker ps",
    ] {
        early.run_line(line, &context);
    }
    let answers: Answers = [(2, right.expect("step 3 asks"))].into_iter().collect();
    let walked = walk(lesson, &early, &answers);
    assert!(walked[0].passed && walked[1].passed, "{walked:?}");
    assert!(!walked[2].passed, "{walked:?}");
}
