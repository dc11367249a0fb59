//! kubectl's outputs and the cluster's lifecycle through command lines: -o name|json|yaml,
//! describe node and deployment, top, labels and selectors, cascading deletion, cluster
//! explain on small and large clusters, cluster delete.

use sim_core::{BuildContext, Outcome, World};

fn run(w: &mut World, line: &str) -> Outcome {
    w.run_line(line, &BuildContext::default())
}

fn ok(w: &mut World, line: &str) -> String {
    let o = run(w, line);
    assert_eq!(o.exit_code, 0, "{line}: {}{}", o.stdout, o.stderr);
    o.stdout
}

fn world_with_web(replicas: u32) -> World {
    let mut w = World::new(21);
    ok(&mut w, "cluster create");
    ok(
        &mut w,
        &format!("kubectl create deployment web --image=nginx --replicas={replicas}"),
    );
    w
}

#[test]
fn output_formats_name_json_yaml() {
    let mut w = world_with_web(2);
    let names = ok(&mut w, "kubectl get pods -o name");
    let pods: Vec<String> = w
        .cluster()
        .unwrap()
        .pods()
        .map(|p| format!("pod/{}", p.name))
        .collect();
    for p in &pods {
        assert!(names.lines().any(|l| l == p), "{names}");
    }
    let json: serde_json::Value =
        serde_json::from_str(&ok(&mut w, "kubectl get deploy web -o json")).unwrap();
    assert_eq!(json["kind"], "Deployment");
    assert_eq!(json["spec"]["replicas"], 2);
    let list: serde_json::Value =
        serde_json::from_str(&ok(&mut w, "kubectl get pods -o json")).unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    assert_eq!(
        list["items"][0]["metadata"]["ownerReferences"][0]["kind"],
        "ReplicaSet"
    );
    let yaml = ok(&mut w, "kubectl get nodes node-1 -o yaml");
    assert!(yaml.contains("kind: Node"), "{yaml}");
    assert!(yaml.contains("podCIDR: 10.244.1.0/24"), "{yaml}");
    let o = run(&mut w, "kubectl get pods -o table");
    assert_eq!(o.exit_code, 1);
    assert!(
        o.stderr.contains("unable to match a printer"),
        "{}",
        o.stderr
    );
}

#[test]
fn describe_node_and_deployment_show_their_share_and_events() {
    let mut w = world_with_web(3);
    ok(
        &mut w,
        "kubectl set resources deployment web --requests=cpu=500m,memory=256Mi",
    );
    let d = ok(&mut w, "kubectl describe deployment web");
    assert!(
        d.contains(
            "Replicas:               3 desired | 3 updated | 3 total | 3 available | 0 unavailable"
        ),
        "{d}"
    );
    assert!(d.contains("Scaled up replica set web-"), "{d}");
    let c = w.cluster().unwrap();
    let node = c.nodes().iter().max_by_key(|n| n.requested.cpu_m).unwrap();
    let (name, cpu) = (node.name.clone(), node.requested.cpu_m);
    let text = ok(&mut w, &format!("kubectl describe node {name}"));
    assert!(
        text.contains(&format!("  cpu       {}m ({}%)", cpu, cpu * 100 / 2000)),
        "{text}"
    );
    assert!(text.contains("RegisteredNode"), "{text}");
    let top = ok(&mut w, "kubectl top nodes");
    assert!(top.contains(&format!("{name}   {cpu}m")), "{top}");
}

#[test]
fn labels_select_nodes_and_pods() {
    let mut w = world_with_web(1);
    ok(&mut w, "kubectl run db --image=redis");
    assert_eq!(
        ok(&mut w, "kubectl label node node-3 disk=ssd"),
        "node/node-3 labeled\n"
    );
    let o = run(&mut w, "kubectl label node node-3 disk=hdd");
    assert_eq!(o.exit_code, 1);
    assert!(o.stderr.contains("--overwrite is false"), "{}", o.stderr);
    ok(&mut w, "kubectl label node node-3 disk=hdd --overwrite");
    let nodes = ok(&mut w, "kubectl get nodes -l disk=hdd");
    assert_eq!(nodes.lines().count(), 2, "{nodes}");
    let pods = ok(&mut w, "kubectl get pods -l run=db -o name");
    assert_eq!(pods, "pod/db\n");
}

#[test]
fn deleting_a_deployment_cascades_to_replicasets_pods_and_containers() {
    let mut w = world_with_web(3);
    let containers = |w: &World| -> usize {
        w.cluster()
            .unwrap()
            .pods()
            .filter(|p| p.container.is_some())
            .count()
    };
    assert_eq!(containers(&w), 3);
    assert_eq!(
        ok(&mut w, "kubectl delete deployment web"),
        "deployment.apps \"web\" deleted\n"
    );
    let c = w.cluster().unwrap();
    assert_eq!(c.pods().count(), 0);
    assert_eq!(c.replicasets().count(), 0);
    for node in ["node-1", "node-2", "node-3"] {
        let ps = ok(&mut w, &format!("docker -H {node} ps -a -q"));
        assert_eq!(ps, "", "{node}");
    }
    // A deleted pod of a Deployment comes back under another name.
    ok(
        &mut w,
        "kubectl create deployment api --image=nginx --replicas=1",
    );
    let first = w.cluster().unwrap().pods().next().unwrap().name.clone();
    ok(&mut w, &format!("kubectl delete pod {first}"));
    let c = w.cluster().unwrap();
    assert_eq!(c.pods().count(), 1);
    assert_ne!(c.pods().next().unwrap().name, first);
}

#[test]
fn explain_shows_every_filter_and_the_pick() {
    let mut w = world_with_web(1);
    ok(&mut w, "kubectl cordon node-2");
    ok(&mut w, "kubectl run one --image=nginx");
    let text = ok(&mut w, "cluster explain one");
    let picked = w
        .cluster()
        .unwrap()
        .node_of(w.cluster().unwrap().pod("default", "one").unwrap())
        .unwrap()
        .to_string();
    assert!(text.contains("NodeUnschedulable"), "{text}");
    let row = text.lines().find(|l| l.starts_with("node-2")).unwrap();
    assert!(row.contains("node(s) were unschedulable"), "{row}");
    let picked_row = text.lines().find(|l| l.starts_with(&picked)).unwrap();
    assert!(picked_row.ends_with("<=="), "{picked_row}");
    assert!(text.contains(&format!("picked {picked}")), "{text}");
    let o = run(&mut w, "cluster explain nope");
    assert_eq!(
        o.stderr,
        "Error from server (NotFound): pods \"nope\" not found\n"
    );
}

#[test]
fn cluster_delete_removes_its_hosts_and_kubectl_loses_the_server() {
    let mut w = world_with_web(2);
    assert!(w.host_names().contains(&"node-1".to_string()));
    ok(&mut w, "cluster delete");
    assert_eq!(w.host_names(), ["default"]);
    let o = run(&mut w, "kubectl get nodes");
    assert!(o
        .stderr
        .starts_with("The connection to the server localhost:8080 was refused"));
    // A new cluster can be made again.
    ok(&mut w, "cluster create --nodes 1");
    let o = run(&mut w, "cluster create");
    assert_eq!(o.exit_code, 1);
}

#[test]
fn bad_cluster_words_are_refused_without_change() {
    let mut w = World::new(1);
    for line in [
        "cluster create --nodes 0",
        "cluster create --cpu lots",
        "cluster create --bogus 1",
        "cluster scheduler fastest",
        "cluster node fail node-1",
    ] {
        let before = w.state_digest();
        let o = run(&mut w, line);
        assert_ne!(o.exit_code, 0, "{line}");
        assert_eq!(before, w.state_digest(), "{line}");
    }
    ok(&mut w, "cluster create --nodes 1");
    let o = run(&mut w, "cluster node fail node-9");
    assert_eq!(
        o.stderr,
        "Error from server (NotFound): nodes \"node-9\" not found\n"
    );
    let o = run(&mut w, "kubectl scale deployment nope --replicas=2");
    assert_eq!(
        o.stderr,
        "Error from server (NotFound): deployments.apps \"nope\" not found\n"
    );
    let o = run(&mut w, "kubectl scale deployment nope --replicas=x");
    assert!(
        o.stderr
            .contains("invalid argument \"x\" for \"--replicas\""),
        "{}",
        o.stderr
    );
}

#[test]
fn get_of_several_kinds_joins_their_tables_with_kind_prefixed_names() {
    let mut w = world_with_web(2);
    ok(&mut w, "kubectl expose deployment web --port 80");
    let pods = ok(&mut w, "kubectl get pods -o name");
    let all = ok(&mut w, "kubectl get all");
    let tables: Vec<&str> = all.split("\n\n").collect();
    assert_eq!(tables.len(), 4, "{all}");
    let first_names: Vec<String> = tables
        .iter()
        .map(|t| {
            t.lines()
                .nth(1)
                .unwrap()
                .split_whitespace()
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    assert!(first_names[0].starts_with("pod/web-"), "{all}");
    assert_eq!(first_names[1], "service/web");
    assert_eq!(first_names[2], "deployment.apps/web");
    assert!(first_names[3].starts_with("replicaset.apps/web-"), "{all}");
    // Every pod -o name lists is in the pods' table.
    for pod in pods.lines() {
        assert!(tables[0].contains(pod), "{pod} missing from {all}");
    }
    // One kind alone keeps plain names; two kinds that answer get prefixes.
    assert!(ok(&mut w, "kubectl get svc").contains("\nweb "));
    let two = ok(&mut w, "kubectl get svc,ep");
    assert!(
        two.contains("\nservice/web ") && two.contains("\nendpoints/web "),
        "{two}"
    );
    // One List for json, items of every kind.
    let json: serde_json::Value =
        serde_json::from_str(&ok(&mut w, "kubectl get deploy,svc -o json")).unwrap();
    let kinds: Vec<&str> = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["Deployment", "Service"]);
    // An unknown kind anywhere in the list refuses the line.
    let bad = run(&mut w, "kubectl get pods,foo");
    assert_eq!(bad.exit_code, 1);
    assert!(
        bad.stderr.contains("doesn't have a resource type \"foo\""),
        "{}",
        bad.stderr
    );
    // Nothing anywhere: one "No resources found".
    let none = run(&mut w, "kubectl get all -n kube-system");
    assert_eq!(
        (none.stdout.as_str(), none.stderr.as_str()),
        ("", "No resources found in kube-system namespace.\n")
    );
}
