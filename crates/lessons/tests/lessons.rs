//! The embedded lessons: complete in both languages, prerequisites sound, and every step's
//! check failing before its solution and passing after it.

use sim_core::World;
use sim_lessons::{catalog, Catalog, Lang, Lesson};

const SEED: u64 = 42;

fn lessons() -> &'static Catalog {
    match catalog() {
        Ok(catalog) => catalog,
        Err(e) => panic!("the embedded lessons do not parse: {e}"),
    }
}

#[test]
fn the_first_four_lessons_are_there_in_order() {
    let ids: Vec<&str> = lessons().lessons.iter().map(|l| l.id.as_str()).collect();
    assert!(ids.len() >= 4, "{ids:?}");
    assert_eq!(
        &ids[..4],
        ["01-containers", "02-images", "03-configuration", "04-data"]
    );
    assert!(lessons().get("02-images").is_some());
    assert!(lessons().get("nope").is_none());
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
            (3..=6).contains(&lesson.steps.len()),
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
    let data = catalog.get("04-data").map(|l| l.prerequisites.clone());
    assert_eq!(
        data,
        Some(vec![
            "02-images".to_string(),
            "03-configuration".to_string()
        ])
    );
}

/// Runs one step's solution lines; every one must succeed.
fn solve(world: &mut World, lesson: &Lesson, index: usize) {
    let context = lesson.build_context(index);
    for line in &lesson.steps[index].solution {
        let out = world.run_line(line, &context);
        assert_eq!(
            out.exit_code,
            0,
            "{} step {}: `{line}` failed:\n{}{}",
            lesson.id,
            index + 1,
            out.stdout,
            out.stderr
        );
    }
}

#[test]
fn every_check_fails_before_its_solution_and_passes_after() {
    for lesson in &lessons().lessons {
        let mut world = World::new(SEED);
        for (index, step) in lesson.steps.iter().enumerate() {
            let before = step.check.evaluate(&world);
            assert!(
                !before.passed,
                "{} step {}: the check passes before the solution ran: {}",
                lesson.id,
                index + 1,
                before.detail.en
            );
            solve(&mut world, lesson, index);
            let after = step.check.evaluate(&world);
            assert!(
                after.passed,
                "{} step {}: the check fails after the solution: {} / {}",
                lesson.id,
                index + 1,
                after.detail.en,
                after.detail.ko
            );
            for lang in Lang::ALL {
                assert!(!before.detail.get(lang).is_empty());
                assert!(!after.detail.get(lang).is_empty());
            }
        }
        // Later steps never undo earlier ones, so `sim lesson check` can pass as a whole.
        for (index, step) in lesson.steps.iter().enumerate() {
            let result = step.check.evaluate(&world);
            assert!(
                result.passed,
                "{} step {} no longer passes at the end: {}",
                lesson.id,
                index + 1,
                result.detail.en
            );
        }
    }
}

#[test]
fn lessons_do_not_depend_on_the_seed() {
    for seed in [1, 7, 1234] {
        for lesson in &lessons().lessons {
            let mut world = World::new(seed);
            for index in 0..lesson.steps.len() {
                solve(&mut world, lesson, index);
            }
            for step in &lesson.steps {
                assert!(
                    step.check.evaluate(&world).passed,
                    "{} seed {seed}",
                    lesson.id
                );
            }
        }
    }
}

#[test]
fn a_failing_check_says_what_is_missing() {
    let world = World::new(SEED);
    let lesson = lessons().get("01-containers").expect("lesson 1");
    let result = lesson.steps[1].check.evaluate(&world);
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
    let result = lesson.steps[1].check.evaluate(&world);
    assert!(!result.passed);
    assert!(
        result.detail.en.contains("created, not running"),
        "{}",
        result.detail.en
    );
}

#[test]
fn a_step_without_files_builds_with_the_earlier_steps_files() {
    let lesson = lessons().get("02-images").expect("lesson 2");
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
    let lesson = lessons().get("01-containers").expect("lesson 1");
    assert_eq!(lesson.title.get(Lang::Ko), lesson.title.ko);
    assert_eq!(lesson.title.get(Lang::En), lesson.title.en);
}
