//! The pictures rendered in a real browser from snapshots of real Worlds.
//! Run: CHROMEDRIVER=/usr/bin/chromedriver cargo test -p sim-web --target wasm32-unknown-unknown --test pictures
#![cfg(target_arch = "wasm32")]

#[path = "../src/pictures/mod.rs"]
mod pictures;

use std::rc::Rc;
use std::time::Duration;

use pictures::{
    ContainersPicture, IsolationPicture, LayerStack, MemoryPicture, Pictures, RegistryPicture,
};
use sim_core::fs::Node;
use sim_core::view::{snapshot, Snapshot};
use sim_core::{BuildContext, World};
use wasm_bindgen_test::*;
use yew::prelude::*;

wasm_bindgen_test_configure!(run_in_browser);

fn world(lines: &[&str]) -> World {
    let mut ctx = BuildContext::default();
    ctx.put(
        "/Dockerfile",
        Node::file(b"FROM alpine\nCOPY a.txt /a.txt\nRUN cat /a.txt > /b.txt\n".to_vec()),
    );
    ctx.put("/a.txt", Node::file(b"A\n".to_vec()));
    let mut w = World::new(42);
    for line in lines {
        let out = w.run_line(line, &ctx);
        assert!(
            out.exit_code == 0 || line.contains("hog"),
            "{line}: {}",
            out.stderr
        );
    }
    w
}

#[derive(Properties, PartialEq)]
struct Props {
    snapshot: Rc<Snapshot>,
    lang: &'static str,
    which: &'static str,
}

#[component]
fn Show(props: &Props) -> Html {
    let snapshot = props.snapshot.clone();
    let lang = props.lang;
    match props.which {
        "layers" => html! { <LayerStack {snapshot} {lang} /> },
        "containers" => html! { <ContainersPicture {snapshot} {lang} /> },
        "isolation" => html! { <IsolationPicture {snapshot} {lang} /> },
        "registry" => html! { <RegistryPicture {snapshot} {lang} /> },
        "memory" => html! { <MemoryPicture {snapshot} {lang} /> },
        _ => html! { <Pictures {snapshot} {lang} /> },
    }
}

/// Renders one picture into a fresh element and returns its HTML.
async fn render(w: &World, which: &'static str, lang: &'static str) -> String {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let props = Props {
        snapshot: Rc::new(snapshot(w)),
        lang,
        which,
    };
    yew::Renderer::<Show>::with_root_and_props(root.clone(), props).render();
    yew::platform::time::sleep(Duration::from_millis(30)).await;
    root.inner_html()
}

#[wasm_bindgen_test]
async fn layer_stack_shows_shared_layers_and_cached_steps() {
    let w = world(&["docker build -t app .", "docker build -t app ."]);
    let html = render(&w, "layers", "en").await;
    assert!(html.contains("role=\"img\""), "{html}");
    assert!(html.contains("app:latest") && html.contains("alpine:latest"));
    assert!(html.contains("shared ×2"), "{html}");
    assert!(html.contains("CACHED"));
    assert!(html.contains("RUN cat /a.txt"));
    let ko = render(&w, "layers", "ko").await;
    assert!(ko.contains("공유 ×2"));
}

#[wasm_bindgen_test]
async fn removed_container_loses_its_writable_layer_and_the_volume_stays() {
    let w = world(&[
        "docker run --name app -v data:/data busybox sh -c 'echo k > /data/k; echo l > /l'",
    ]);
    let before = render(&w, "containers", "en").await;
    assert!(
        before.contains("writable layer") && before.contains("A /l"),
        "{before}"
    );
    assert!(before.contains("volume data"));

    let w = world(&[
        "docker run --name app -v data:/data busybox sh -c 'echo k > /data/k; echo l > /l'",
        "docker rm app",
    ]);
    let after = render(&w, "containers", "en").await;
    assert!(after.contains("writable layer discarded"), "{after}");
    assert!(after.contains("pic-discarded"));
    assert!(
        !after.contains("A /l"),
        "the writable layer is gone: {after}"
    );
    assert!(after.contains("volume data") && after.contains("1 files"));
}

#[wasm_bindgen_test]
async fn isolation_shows_the_host_and_each_hostname() {
    let w = world(&["docker run -d --name web --hostname webhost nginx"]);
    let html = render(&w, "isolation", "en").await;
    assert!(html.contains("hostname: host"), "{html}");
    assert!(html.contains("hostname: webhost"));
    assert!(html.contains("[web]"));
    assert!(html.contains("/sbin/init"));
    // The host's header sits a full line above its first process row, not on top of it.
    let y_of = |needle: &str| -> i32 {
        let at = html
            .find(needle)
            .unwrap_or_else(|| panic!("{needle} in {html}"));
        let tag = &html[html[..at].rfind("<text").expect("a text element")..at];
        let y = tag.split("y=\"").nth(1).and_then(|r| r.split('"').next());
        y.and_then(|v| v.parse().ok()).expect("a y attribute")
    };
    assert!(y_of("/sbin/init") - y_of("   PID  COMMAND") >= 18, "{html}");
}

#[wasm_bindgen_test]
async fn registry_shows_skipped_layers() {
    let w = world(&["docker pull nginx", "docker pull redis"]);
    let html = render(&w, "registry", "en").await;
    assert!(html.contains("docker pull redis:latest"), "{html}");
    assert!(html.contains("Already exists"));
    assert!(html.contains("Pull complete"));
}

#[wasm_bindgen_test]
async fn memory_marks_the_oom_kill() {
    let w = world(&[
        "docker run -d --name db -m 512m -e MYSQL_ROOT_PASSWORD=pw mysql",
        "docker run --name hog -m 64m busybox dd if=/dev/zero of=/dev/null bs=200M count=1",
    ]);
    let html = render(&w, "memory", "en").await;
    assert!(html.contains("OOMKilled"), "{html}");
    assert!(html.contains("db") && html.contains("limit"));
}

#[wasm_bindgen_test]
async fn two_hundred_containers_stay_a_small_picture() {
    let lines: Vec<String> = (0..200)
        .map(|i| format!("docker create --name c{i} busybox"))
        .collect();
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let w = world(&refs);
    let html = render(&w, "all", "en").await;
    assert!(html.contains("more"), "caps with +N more");
    assert!(
        html.matches("<g").count() < 400,
        "{} groups",
        html.matches("<g").count()
    );
    assert!(html.len() < 200_000, "{} bytes", html.len());
}
