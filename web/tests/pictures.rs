//! The pictures rendered in a real browser from snapshots of real Worlds.
//! Run: CHROMEDRIVER=/usr/bin/chromedriver cargo test -p sim-web --target wasm32-unknown-unknown --test pictures
#![cfg(target_arch = "wasm32")]

#[path = "../src/pictures/mod.rs"]
mod pictures;

use std::rc::Rc;
use std::time::Duration;

use pictures::{
    discovery_of, ClusterPicture, ContainersPicture, Discovery, DiscoveryPicture, IsolationPicture,
    LayerStack, MemoryPicture, Pictures, RegistryPicture, RolloutPicture, SchedulingPicture,
};
use sim_core::fs::Node;
use sim_core::view::{rollouts, snapshot, RolloutView, Snapshot};
use sim_core::{BuildContext, World};
use wasm_bindgen::JsCast;
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
    rollouts: Rc<Vec<RolloutView>>,
    discovery: Option<Rc<Discovery>>,
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
        "cluster" => html! { <ClusterPicture {snapshot} {lang} /> },
        "scheduling" => html! { <SchedulingPicture {snapshot} {lang} /> },
        "rollout" => html! { <RolloutPicture rollouts={props.rollouts.clone()} {lang} /> },
        "discovery" => match props.discovery.clone() {
            Some(discovery) => html! { <DiscoveryPicture {discovery} {lang} /> },
            None => html! {},
        },
        _ => html! { <Pictures {snapshot} {lang} /> },
    }
}

/// Renders one picture into a fresh element and returns its HTML.
async fn render(w: &World, which: &'static str, lang: &'static str) -> String {
    mount(w, which, lang).await.inner_html()
}

/// Renders one picture into a fresh element and returns the element, to query and click.
async fn mount(w: &World, which: &'static str, lang: &'static str) -> web_sys::Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    let props = Props {
        snapshot: Rc::new(snapshot(w)),
        lang,
        which,
        rollouts: Rc::new(rollouts(w)),
        discovery: discovery_of(w, None).map(Rc::new),
    };
    yew::Renderer::<Show>::with_root_and_props(root.clone(), props).render();
    yew::platform::time::sleep(Duration::from_millis(30)).await;
    root
}

fn count(root: &web_sys::Element, selector: &str) -> u32 {
    root.query_selector_all(selector).unwrap().length()
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

const WEB6: [&str; 2] = [
    "cluster create --nodes 4",
    "kubectl create deployment web --image=nginx --replicas=6",
];

#[wasm_bindgen_test]
async fn cluster_picture_draws_every_node_and_greys_a_failed_one() {
    let w = world(&WEB6);
    let root = mount(&w, "cluster", "en").await;
    assert_eq!(count(&root, "g.pic-node"), 4, "{}", root.inner_html());
    assert_eq!(count(&root, "g.pic-node-failed"), 0);
    assert_eq!(count(&root, "rect.pic-pod-running"), 6);
    // One owner, one colour.
    assert_eq!(count(&root, "rect.pic-pod-0"), 6);
    assert!(root.inner_html().contains("CPU"));

    let mut lines = WEB6.to_vec();
    lines.extend([
        "kubectl cordon node-4",
        "cluster node fail node-2",
        "tick 6m",
    ]);
    let w = world(&lines);
    let root = mount(&w, "cluster", "en").await;
    assert_eq!(count(&root, "g.pic-node"), 4);
    let failed = root.query_selector_all("g.pic-node-failed").unwrap();
    assert_eq!(failed.length(), 1, "{}", root.inner_html());
    let failed_text = failed
        .get(0)
        .and_then(|n| n.text_content())
        .unwrap_or_default();
    assert!(
        failed_text.contains("node-2") && failed_text.contains("NotReady"),
        "{failed_text}"
    );
    assert!(failed_text.contains("kubelet stopped"));
    let cordoned = root
        .query_selector("g.pic-node-cordoned")
        .unwrap()
        .and_then(|n| n.text_content());
    assert!(cordoned.is_some_and(|t| t.contains("node-4") && t.contains("SchedulingDisabled")));
    // The six pods run again, none of them on the failed node.
    assert_eq!(count(&root, "rect.pic-pod-running"), 6);
    assert_eq!(count(&root, "g.pic-node-failed rect.pic-pod-running"), 0);
    let ko = render(&w, "cluster", "ko").await;
    assert!(ko.contains("kubelet 멈춤") && ko.contains("메모리"), "{ko}");
}

#[wasm_bindgen_test]
async fn a_big_cluster_is_summarised() {
    let w = world(&["cluster create --nodes 250"]);
    let root = mount(&w, "cluster", "en").await;
    assert_eq!(count(&root, "g.pic-node"), 0);
    assert_eq!(count(&root, "g.pic-cluster-summary"), 1);
    assert!(
        root.inner_html().contains("Ready nodes 250"),
        "{}",
        root.inner_html()
    );
}

#[wasm_bindgen_test]
async fn scheduling_picture_draws_the_table_and_replays_other_strategies() {
    let w = world(&[
        "cluster create",
        "kubectl cordon node-3",
        "kubectl create deployment web --image=nginx --replicas=4",
    ]);
    let root = mount(&w, "scheduling", "en").await;
    let html = root.inner_html();
    assert_eq!(count(&root, "g.pic-decision-row"), 3, "{html}");
    assert_eq!(count(&root, "g.pic-picked"), 1);
    assert!(html.contains("node(s) were unschedulable"), "{html}");
    assert!(html.contains("of 3 nodes passed"));
    // "What if": the same four pods under round-robin, side by side with now.
    let button = (0..count(&root, "button.pic-strategy"))
        .filter_map(|i| {
            root.query_selector_all("button.pic-strategy")
                .unwrap()
                .get(i)
        })
        .find(|b| b.text_content().as_deref() == Some("round-robin"))
        .expect("a round-robin button");
    button.dyn_into::<web_sys::HtmlElement>().unwrap().click();
    yew::platform::time::sleep(Duration::from_millis(30)).await;
    let html = root.inner_html();
    assert!(html.contains("replayed under round-robin"), "{html}");
    assert_eq!(count(&root, "g.pic-what-if-row"), 3);
    // Nothing goes to the cordoned node, now or in the replay.
    let node3 = root
        .query_selector_all("g.pic-what-if-row")
        .unwrap()
        .get(2)
        .unwrap();
    assert_eq!(
        node3
            .dyn_into::<web_sys::Element>()
            .unwrap()
            .query_selector_all("rect")
            .unwrap()
            .length(),
        0
    );
    let ko = render(&w, "scheduling", "ko").await;
    assert!(
        ko.contains("점수") && ko.contains("다른 전략이었다면"),
        "{ko}"
    );
}

#[wasm_bindgen_test]
async fn clicking_a_pod_chip_shows_its_decision() {
    let w = world(&WEB6);
    let first = w.cluster().unwrap().pods().next().unwrap();
    let (id, name) = (first.id, first.name.clone());
    let root = mount(&w, "all", "en").await;
    // The newest pod's table first.
    assert!(!root.inner_html().contains(&format!("{name} →")));
    let chip = root
        .query_selector(&format!("rect[data-pod=\"{id}\"]"))
        .unwrap()
        .expect("the first pod's chip");
    chip.dispatch_event(
        &web_sys::MouseEvent::new_with_mouse_event_init_dict("click", &{
            let init = web_sys::MouseEventInit::new();
            init.set_bubbles(true);
            init
        })
        .unwrap(),
    )
    .unwrap();
    yew::platform::time::sleep(Duration::from_millis(30)).await;
    let html = root.inner_html();
    assert!(html.contains(&format!("{name} →")), "{html}");
    assert_eq!(count(&root, "rect.pic-pod-selected"), 1);
}

const ROLLOUT: [&str; 5] = [
    "cluster create",
    "kubectl create deployment web --image=nginx --replicas=4",
    "tick 10s",
    "kubectl set image deployment/web nginx=nginx:1.27",
    "tick 10s",
];

#[wasm_bindgen_test]
async fn rollout_picture_draws_old_and_new_pods_between_the_bounds() {
    let w = world(&ROLLOUT);
    let root = mount(&w, "rollout", "en").await;
    let html = root.inner_html();
    assert!(html.contains("deployment/web · nginx:1.27"), "{html}");
    assert!(html.contains("rollout complete"));
    // 4 replicas: surge 1 (25 % up), unavailable 1 (25 % down).
    assert!(
        html.contains("max pods 5") && html.contains("min ready 3"),
        "{html}"
    );
    assert_eq!(count(&root, "g.pic-roll-bound"), 2);
    let steps = rollouts(&w)[0].points.len() as u32;
    assert_eq!(count(&root, "g.pic-roll-step"), steps);
    assert!(count(&root, "rect.pic-roll-old") > 0 && count(&root, "rect.pic-roll-new") > 0);

    // A bad release: pale new pods, the old ones still serving, the state says why.
    let mut lines = ROLLOUT.to_vec();
    lines.extend([
        "kubectl set image deployment/web nginx=nginx:0.0-nope",
        "tick 11m",
    ]);
    let w = world(&lines);
    let html = render(&w, "rollout", "en").await;
    assert!(
        html.contains("stalled (ProgressDeadlineExceeded)"),
        "{html}"
    );
    assert!(html.contains("ImagePull"), "{html}");
    assert!(html.contains("pic-roll-new pic-roll-unready"));
    let ko = render(&w, "rollout", "ko").await;
    assert!(ko.contains("최대 파드 5") && ko.contains("멈춤"), "{ko}");
}

#[wasm_bindgen_test]
async fn discovery_picture_draws_the_lookup_and_lights_the_changed_keys() {
    let mut lines = vec![
        "cluster create",
        "kubectl create deployment web --image=nginx --replicas=2",
        "kubectl expose deployment web --port=80",
    ];
    let w = world(&lines);
    let html = render(&w, "discovery", "en").await;
    assert!(html.contains("No lookup from inside a pod yet"), "{html}");
    lines.extend([
        "kubectl run client --image=busybox -- sleep 3600",
        "tick 5s",
        "kubectl exec client -- nslookup web",
    ]);
    let w = world(&lines);
    let root = mount(&w, "discovery", "en").await;
    let html = root.inner_html();
    assert!(html.contains("pod client → web"), "{html}");
    assert!(html.contains("search default.svc.cluster.local svc.cluster.local cluster.local"));
    let ip = w
        .cluster()
        .unwrap()
        .services()
        .get("default", "web")
        .unwrap()
        .cluster_ip
        .clone()
        .unwrap();
    assert!(
        html.contains(&format!("web.default.svc.cluster.local → {ip}")),
        "{html}"
    );
    assert!(html.contains(&format!("ClusterIP {ip}")));
    assert!(html.contains("/registry/services/endpoints/default/web"));
    assert_eq!(count(&root, ".pic-disc-step"), 6);
    assert_eq!(count(&root, ".pic-key-lit"), 0, "a lookup writes nothing");

    lines.push("kubectl delete pods -l app=web");
    let w = world(&lines);
    let root = mount(&w, "discovery", "en").await;
    assert!(count(&root, ".pic-key-lit") >= 1);
    assert!(count(&root, ".pic-key-deleted") >= 1);
    let ko = render(&w, "discovery", "ko").await;
    assert!(ko.contains("클러스터 DNS"), "{ko}");
}
