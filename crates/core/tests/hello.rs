//! nginxdemos/hello in the stock registry: its page is made per request by the simulated
//! nginx from the answering container's name and address, so requests through a Service
//! show which pod answered (kube-proxy's seeded choice, the same on every run).

use sim_core::{BuildContext, Outcome, World};
use std::collections::BTreeSet;

fn run(w: &mut World, line: &str) -> Outcome {
    w.run_line(line, &BuildContext::default())
}

fn ok(w: &mut World, line: &str) -> String {
    let o = run(w, line);
    assert_eq!(o.exit_code, 0, "{line}: {}{}", o.stdout, o.stderr);
    o.stdout
}

fn field<'a>(page: &'a str, name: &str) -> &'a str {
    page.lines()
        .find_map(|l| l.strip_prefix(name))
        .unwrap_or_else(|| panic!("no {name} in {page}"))
        .trim()
}

/// Six requests to the Service `hello` from a client pod: (server name, server address).
fn answers(seed: u64, image: &str) -> (World, Vec<String>) {
    let mut w = World::new(seed);
    ok(&mut w, "cluster create --nodes 2");
    ok(&mut w, "kubectl run client --image=busybox -- sleep 3600");
    ok(
        &mut w,
        &format!("kubectl create deployment hello --image={image} --replicas=3"),
    );
    ok(&mut w, "kubectl expose deployment hello --port=80");
    let pages = (0..6)
        .map(|_| ok(&mut w, "kubectl exec client -- wget -qO- http://hello"))
        .collect();
    (w, pages)
}

#[test]
fn plain_text_names_the_pod_that_answered() {
    let (w, pages) = answers(5, "nginxdemos/hello:plain-text");
    let c = w.cluster().unwrap();
    let mut names = BTreeSet::new();
    let mut ids = BTreeSet::new();
    for page in &pages {
        let name = field(page, "Server name:");
        let pod = c
            .pod("default", name)
            .unwrap_or_else(|| panic!("{name} is no pod: {page}"));
        assert!(name.starts_with("hello-"), "{page}");
        let ip = pod.ip.clone().unwrap();
        assert_eq!(field(page, "Server address:"), format!("{ip}:80"));
        assert_eq!(field(page, "URI:"), "/");
        assert!(field(page, "Date:").ends_with("+0000"), "{page}");
        ids.insert(field(page, "Request ID:").to_string());
        names.insert(name.to_string());
    }
    // Spread over the endpoints, and every request its own ID.
    assert!(names.len() >= 2, "{pages:?}");
    assert_eq!(ids.len(), pages.len());
    // Seeded: the same run answers from the same pods.
    assert_eq!(answers(5, "nginxdemos/hello:plain-text").1, pages);
}

#[test]
fn latest_serves_the_html_page_filled_in() {
    let (w, pages) = answers(9, "nginxdemos/hello");
    let page = &pages[0];
    assert!(page.contains("<title>Hello World</title>"), "{page}");
    let c = w.cluster().unwrap();
    let answered = c
        .pods()
        .find(|p| {
            p.name.starts_with("hello-") && page.contains(&format!("<span>{}</span>", p.name))
        })
        .unwrap_or_else(|| panic!("no pod named in {page}"));
    let ip = answered.ip.clone().unwrap();
    assert!(page.contains(&format!("<span>{ip}:80</span>")), "{page}");
    assert!(
        !page.contains("server_hostname") && !page.contains("request_id"),
        "{page}"
    );
}

#[test]
fn the_image_is_in_the_stock_registry_with_both_tags() {
    let mut w = World::new(1);
    for tag in ["latest", "plain-text"] {
        let out = ok(&mut w, &format!("docker pull nginxdemos/hello:{tag}"));
        assert!(out.contains(&format!("nginxdemos/hello:{tag}")), "{out}");
    }
    let o = ok(&mut w, "docker run -d --name h nginxdemos/hello:plain-text");
    assert!(!o.is_empty());
    let page = ok(
        &mut w,
        "docker run --rm busybox wget -qO- http://172.17.0.2",
    );
    assert!(
        page.starts_with("Server address: 172.17.0.2:80\nServer name: "),
        "{page}"
    );
}
