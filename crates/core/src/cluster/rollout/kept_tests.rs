//! The counts and indexes kept as pods change (ready pods per ReplicaSet, pods by label for
//! endpoints) against the walks over every pod they replace, after random operations.

use crate::cluster::objects::{Phase, PodTemplate, Resources};
use crate::cluster::services::{Endpoint, ServicePort, ServiceRequest};
use crate::cluster::{Cluster, KubeletAction};
use rand_core::{RngCore, SeedableRng};

fn template(image: &str) -> PodTemplate {
    let labels = [("app".to_string(), "web".to_string())].into();
    PodTemplate::single("web", image, labels)
}

/// What the kubelets would do: a pod given to a node runs (or fails to start, or waits).
fn kubelets(c: &mut Cluster, now: u64, rng: &mut dyn RngCore) {
    for action in c.take_kubelet() {
        let (KubeletAction::Run(id) | KubeletAction::Restart(id)) = action else {
            continue;
        };
        if let Some(p) = c.pod_mut(id) {
            p.container = Some(format!("c{id}"));
            p.phase = Phase::Running;
        }
        match rng.next_u32() % 4 {
            0 => {}
            1 => {
                if let Some(p) = c.pod_mut(id) {
                    p.waiting_reason = Some("ErrImagePull".into());
                }
                c.became_running(id, now);
            }
            _ => c.became_running(id, now),
        }
    }
}

/// The walks the kept figures stand for.
fn check(c: &Cluster) {
    for rs in c.replicasets() {
        let key = rs.key();
        let walked = c.owned.get(&key).map_or(0, |(set, _)| {
            set.iter()
                .filter_map(|id| c.pods.get(id))
                .filter(|p| c.pod_available(p))
                .count()
        });
        assert_eq!(c.available_pods(&key, c.min_ready_of(&key)), walked);
    }
    for s in c.services().iter() {
        let walked: Vec<Endpoint> = c
            .pods()
            .filter(|p| {
                p.namespace == s.namespace
                    && s.selector.iter().all(|(k, v)| p.labels().get(k) == Some(v))
                    && c.pod_ready(p)
            })
            .filter_map(|p| {
                Some(Endpoint {
                    ip: p.ip.clone()?,
                    pod: p.name.clone(),
                    node: c.node_of(p)?.to_string(),
                })
            })
            .collect();
        assert_eq!(c.endpoints(s), walked, "endpoints of {}", s.name);
    }
}

#[test]
fn kept_counts_equal_the_walks_after_random_operations() {
    for seed in 0..6 {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let mut c = Cluster::new(Default::default());
        let capacity = Resources {
            cpu_m: 4000,
            memory: 8 << 30,
        };
        for i in 1..=4 {
            c.add_node(&format!("node-{i}"), capacity, Default::default(), 0)
                .expect("new node");
        }
        c.create_deployment("default", "web", 6, template("nginx:1"), 0, &mut rng)
            .expect("created");
        c.create_pod("default", "solo", template("nginx:1"), 0, &mut rng)
            .expect("created");
        for (name, app) in [("web", "web"), ("none", "db")] {
            let req = ServiceRequest {
                name: name.into(),
                namespace: "default".into(),
                selector: [("app".to_string(), app.to_string())].into(),
                ports: vec![ServicePort {
                    name: None,
                    protocol: "TCP".into(),
                    port: 80,
                    target_port: 80,
                    node_port: None,
                }],
                ..Default::default()
            };
            c.create_service(req, 0, &mut rng).expect("created");
        }
        let mut now = 0;
        for _ in 0..300 {
            let node = format!("node-{}", 1 + rng.next_u32() % 4);
            let pod = c
                .pods()
                .nth(rng.next_u32() as usize % c.pods().count().max(1))
                .map(|p| (p.id, p.container.clone(), p.node));
            match rng.next_u32() % 10 {
                0 => {
                    let _ = c.scale("default", "web", rng.next_u32() % 12);
                }
                1 => {
                    let image = format!("nginx:{}", rng.next_u32() % 3);
                    let _ = c.set_image("default", "web", &[("web".into(), image)]);
                }
                2 => {
                    let _ = c.fail_node(&node, now);
                }
                3 => {
                    let _ = c.recover_node(&node, now);
                }
                4 => {
                    if let Some((id, ..)) = pod {
                        c.delete_pod(id, now);
                    }
                }
                5 => {
                    let settings = super::Rollout {
                        min_ready_seconds: (rng.next_u32() % 3) as u64,
                        ..Default::default()
                    };
                    let _ = c.set_rollout_settings("default", "web", &settings);
                }
                6 => {
                    if let Some((_, Some(container), Some(n))) = pod {
                        let n = c.nodes()[n as usize].name.clone();
                        c.container_exited(&n, &container, 1, now, now, true);
                    }
                }
                _ => {
                    now += (rng.next_u32() % 2500) as u64;
                    c.reconcile(now, &mut rng);
                    kubelets(&mut c, now, &mut rng);
                }
            }
            check(&c);
        }
    }
}
