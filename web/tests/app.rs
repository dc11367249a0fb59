//! The app's components in a real browser: the terminal (Enter, history, Tab completion,
//! pasting several lines), the files editor feeding `docker build`, and the timeline stepping
//! back. Run: CHROMEDRIVER=/usr/bin/chromedriver cargo test -p sim-web --target wasm32-unknown-unknown --test app
#![cfg(target_arch = "wasm32")]

use std::time::Duration;

use sim_web::app::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlInputElement, HtmlTextAreaElement, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect("a document")
}

async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(40)).await;
}

/// A fresh app on `#/playground` with empty storage, mounted in its own element.
async fn playground() -> Element {
    let window = web_sys::window().expect("a window");
    window.local_storage().ok().flatten().map(|s| s.clear());
    window.location().set_hash("#/playground").ok();
    let root = document().create_element("div").expect("a div");
    document().body().expect("a body").append_child(&root).ok();
    yew::Renderer::<App>::with_root(root.clone()).render();
    settle().await;
    root
}

fn find<T: JsCast>(root: &Element, selector: &str) -> T {
    root.query_selector(selector)
        .ok()
        .flatten()
        .unwrap_or_else(|| panic!("no {selector}"))
        .dyn_into::<T>()
        .unwrap_or_else(|_| panic!("{selector} has another type"))
}

fn key(input: &HtmlInputElement, name: &str) {
    let init = KeyboardEventInit::new();
    init.set_key(name);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("event");
    input.dispatch_event(&event).ok();
}

async fn run(root: &Element, line: &str) {
    let input: HtmlInputElement = find(root, "#command");
    input.set_value(line);
    key(&input, "Enter");
    settle().await;
}

fn text(root: &Element, selector: &str) -> String {
    find::<Element>(root, selector)
        .text_content()
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn enter_runs_up_recalls_and_tab_completes() {
    let root = playground().await;
    run(&root, "docker run --name greeter busybox echo 안녕").await;
    assert!(text(&root, "#output").contains("안녕"));
    assert_eq!(find::<HtmlInputElement>(&root, "#command").value(), "");

    let input: HtmlInputElement = find(&root, "#command");
    key(&input, "ArrowUp");
    assert_eq!(input.value(), "docker run --name greeter busybox echo 안녕");

    input.set_value("docker ru");
    key(&input, "Tab");
    assert_eq!(input.value(), "docker run ");
    input.set_value("docker logs gr");
    key(&input, "Tab");
    assert_eq!(
        input.value(),
        "docker logs greeter ",
        "container names complete"
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn a_file_made_in_the_editor_is_the_build_context() {
    let root = playground().await;
    let name: HtmlInputElement = find(&root, "#new-file-name");
    name.set_value("Dockerfile");
    find::<web_sys::HtmlButtonElement>(&root, ".new-file button").click();
    settle().await;
    let area: HtmlTextAreaElement = find(&root, "#file-text");
    area.set_value("FROM busybox\nRUN echo built > /built.txt\nCMD [\"cat\", \"/built.txt\"]\n");
    area.dispatch_event(&web_sys::InputEvent::new("input").expect("event"))
        .ok();
    settle().await;
    run(&root, "docker build -t mine .").await;
    run(&root, "docker run --rm mine").await;
    let output = text(&root, "#output");
    assert!(
        output.contains("naming to docker.io/library/mine"),
        "{output}"
    );
    assert!(output.ends_with("built"), "{output}");
    root.remove();
}

#[wasm_bindgen_test]
async fn stepping_back_goes_event_by_event_and_typing_forks_the_future() {
    let root = playground().await;
    run(&root, "docker volume create one").await;
    run(&root, "docker volume create two").await;
    assert_eq!(text(&root, "#timeline-position").trim(), "2 / 2");
    let hash_after_two = text(&root, "#trace-hash");
    let click = |id: &str| find::<web_sys::HtmlButtonElement>(&root, id).click();
    // `volume create two` has two events (the command, the volume): first back to the command.
    click("#step-back");
    settle().await;
    assert_eq!(text(&root, "#timeline-position").trim(), "2 / 2");
    assert!(text(&root, "#timeline-event").ends_with("1/2"));
    assert_eq!(
        text(&root, "#trace-hash"),
        hash_after_two,
        "the World stays"
    );
    let current = root
        .query_selector(".timeline-step.current .event.undone")
        .ok()
        .flatten();
    assert!(
        current.is_some(),
        "the volume event is shown as not yet happened"
    );
    click("#step-back");
    settle().await;
    assert_eq!(text(&root, "#timeline-position").trim(), "1 / 2");
    assert!(root
        .query_selector("#timeline-event")
        .ok()
        .flatten()
        .is_none());
    assert_ne!(text(&root, "#trace-hash"), hash_after_two);
    click("#step-forward");
    settle().await;
    assert_eq!(
        text(&root, "#trace-hash"),
        hash_after_two,
        "replay gives the same trace"
    );
    click("#step-back");
    settle().await;
    run(&root, "docker volume ls").await;
    assert_eq!(text(&root, "#timeline-position").trim(), "2 / 2");
    let output = text(&root, "#output");
    assert!(
        output.contains("one") && !output.contains("local     two"),
        "{output}"
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn files_are_renamed_and_deleted_and_bad_names_refused() {
    let root = playground().await;
    let add = |name: &str| {
        find::<HtmlInputElement>(&root, "#new-file-name").set_value(name);
        find::<web_sys::HtmlButtonElement>(&root, ".new-file button").click();
    };
    add("a.txt");
    settle().await;
    add("../escape");
    settle().await;
    assert!(text(&root, ".files").contains("a.txt"));
    assert!(!text(&root, ".file-list").contains("escape"));
    assert!(
        root.query_selector(".files [role=alert]")
            .ok()
            .flatten()
            .is_some(),
        "a message names the problem"
    );

    let rename: HtmlInputElement = find(&root, ".file-name");
    rename.set_value("b.txt");
    rename
        .dispatch_event(&web_sys::Event::new("change").expect("event"))
        .ok();
    settle().await;
    let list = text(&root, ".file-list");
    assert!(list.contains("b.txt") && !list.contains("a.txt"), "{list}");

    find::<web_sys::HtmlButtonElement>(&root, ".file-bar button").click();
    settle().await;
    assert!(
        root.query_selector(".file-list").ok().flatten().is_none(),
        "no files left"
    );
    root.remove();
}

#[wasm_bindgen_test]
async fn the_preview_pane_opens_a_published_port_and_redraws_after_each_command() {
    let root = playground().await;
    // Nothing listens yet: curl's words, not a page.
    assert!(
        text(&root, "#preview-error").contains("Failed to connect to localhost port 8080"),
        "{}",
        text(&root, "#preview-heading")
    );
    run(&root, "docker run -d --name web -p 8080:80 nginx").await;
    assert_eq!(
        find::<HtmlInputElement>(&root, "#preview-address").value(),
        "http://localhost:8080/"
    );
    let frame: Element = find(&root, "#preview-frame");
    // No script of the page may run: the sandbox is empty.
    assert_eq!(frame.get_attribute("sandbox").as_deref(), Some(""));
    let page = frame.get_attribute("srcdoc").unwrap_or_default();
    assert!(page.contains("<title>Welcome to nginx!</title>"), "{page}");
    // Typed at the terminal, the host's curl sees the same page.
    run(&root, "curl localhost:8080").await;
    assert!(text(&root, "#output").contains("Welcome to nginx!"));
    run(&root, "docker stop web").await;
    assert!(root
        .query_selector("#preview-frame")
        .ok()
        .flatten()
        .is_none());
    assert!(text(&root, "#preview-error").contains("Couldn't connect to server"));
    root.remove();
}
