//! Rollout and discovery workloads for `sim bench`: a rolling update of a large Deployment
//! run by the controllers to completion, one DNS lookup and one service connection among
//! 10,000 Services and 150,000 pods, and 1,000 pods moving. Figures are printed, never
//! asserted. The kubelets here only mark pods started (their containers' cost is the
//! cluster bench's kubelet figure).

use crate::cluster::objects::{Phase, PodTemplate};
use crate::cluster::services::{ServicePort, ServiceRequest};
use crate::cluster::{Cluster, KubeletAction};
use rand_core::{RngCore, SeedableRng};
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct DiscoveryFigures {
    pub rollout_replicas: u32,
    pub rollout_ms: f64,
    pub services: usize,
    pub pods: u32,
    pub nslookup_ms: f64,
    pub connect_ms: f64,
    pub moved_pods: usize,
    /// Deleting the pods, making, scheduling and starting their replacements.
    pub move_ms: f64,
    /// The endpoints of one Service the move touched, computed afresh.
    pub endpoints_ms: f64,
}

/// Controllers and stand-in kubelets (a started pod is Running at once) until nothing moves.
fn settle(cluster: &mut Cluster, now: u64, rng: &mut dyn RngCore) {
    loop {
        let before = cluster.events().len();
        cluster.reconcile(now, rng);
        let actions = cluster.take_kubelet();
        let acted = !actions.is_empty();
        for action in actions {
            if let KubeletAction::Run(id) = action {
                if let Some(p) = cluster.pod_mut(id) {
                    p.container = Some(format!("c{id}"));
                    p.phase = Phase::Running;
                    p.running = true;
                    p.ready_since = Some(now);
                }
            }
        }
        if !acted && cluster.events().len() == before {
            break;
        }
    }
}

fn nodes(cluster: &mut Cluster, n: usize) {
    let capacity = crate::cluster::objects::Resources {
        cpu_m: 64_000,
        memory: 256 << 30,
    };
    for i in 1..=n {
        let _ = cluster.add_node(&format!("node-{i}"), capacity, Default::default(), 0);
    }
}

/// A rolling update of `replicas` pods, from the image change to the last old pod gone.
pub fn rollout(clock: &dyn Fn() -> f64, replicas: u32) -> Result<f64, String> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    let mut cluster = Cluster::new(Default::default());
    nodes(&mut cluster, (replicas as usize).div_ceil(100).max(1));
    let labels = [("app".to_string(), "web".to_string())].into();
    let template = PodTemplate::single("web", "nginx:1.27", labels);
    cluster
        .create_deployment("default", "web", replicas, template, 0, &mut rng)
        .map_err(|e| e.0)?;
    settle(&mut cluster, 0, &mut rng);
    let start = clock();
    cluster
        .set_image("default", "web", &[("web".into(), "nginx:1.27.2".into())])
        .map_err(|e| e.0)?;
    settle(&mut cluster, 1000, &mut rng);
    let ms = clock() - start;
    let d = cluster
        .deployment("default", "web")
        .ok_or("no deployment")?;
    if !cluster.rollout_complete(d) {
        return Err("the rollout did not complete".into());
    }
    Ok(ms)
}

/// `services` Services, each selecting its share of `pods` bare pods.
pub fn measure_discovery(
    clock: &dyn Fn() -> f64,
    replicas: u32,
    services: usize,
    pods: u32,
    moved: usize,
) -> Result<DiscoveryFigures, String> {
    let rollout_ms = rollout(clock, replicas)?;
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2);
    let mut cluster = Cluster::new(Default::default());
    nodes(&mut cluster, (pods as usize).div_ceil(110).max(1));
    let template = |i: usize| {
        let labels = [("app".to_string(), format!("svc-{i}"))].into();
        PodTemplate::single("web", "nginxdemos/hello", labels)
    };
    for p in 0..pods as usize {
        let i = p % services;
        cluster
            .create_pod("default", &format!("pod-{p}"), template(i), 0, &mut rng)
            .map_err(|e| e.0)?;
    }
    for i in 0..services {
        let req = ServiceRequest {
            name: format!("svc-{i}"),
            namespace: "default".into(),
            selector: [("app".to_string(), format!("svc-{i}"))].into(),
            ports: vec![ServicePort {
                name: None,
                protocol: "TCP".into(),
                port: 80,
                target_port: 80,
                node_port: None,
            }],
            ..Default::default()
        };
        cluster.create_service(req, 0, &mut rng).map_err(|e| e.0)?;
    }
    settle(&mut cluster, 0, &mut rng);
    let target = format!("svc-{}", services / 2);
    let start = clock();
    let tried = cluster.dns_lookup("default", &target);
    let nslookup_ms = clock() - start;
    let ip = match tried.last() {
        Some((_, crate::cluster::dns::Answer::A(ips))) => ips[0].clone(),
        _ => return Err("the lookup found nothing".into()),
    };
    let start = clock();
    let routed = cluster.route(&ip, 80, &mut rng).and_then(|(_, e)| e);
    let connect_ms = clock() - start;
    routed.ok_or("the connection found no endpoint")?;
    // Pods of the first `moved` Services go and come back (another name, maybe another node).
    let start = clock();
    for p in 0..moved {
        let id = cluster.pod("default", &format!("pod-{p}")).map(|x| x.id);
        if let Some(id) = id {
            cluster.delete_pod(id, 1000);
        }
        cluster
            .create_pod(
                "default",
                &format!("moved-{p}"),
                template(p % services),
                1000,
                &mut rng,
            )
            .map_err(|e| e.0)?;
    }
    settle(&mut cluster, 1000, &mut rng);
    let move_ms = clock() - start;
    let touched = cluster
        .services()
        .get("default", "svc-0")
        .ok_or("no svc-0")?;
    let start = clock();
    let endpoints = cluster.endpoints(touched);
    let endpoints_ms = clock() - start;
    if !endpoints.iter().any(|e| e.pod.starts_with("moved-")) {
        return Err("the moved pod is not an endpoint".into());
    }
    Ok(DiscoveryFigures {
        rollout_replicas: replicas,
        rollout_ms,
        services,
        pods,
        nslookup_ms,
        connect_ms,
        moved_pods: moved,
        move_ms,
        endpoints_ms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_workloads_complete() {
        let clock = || 0.0;
        let f = measure_discovery(&clock, 40, 20, 300, 30).expect("the workloads run");
        assert_eq!((f.services, f.pods, f.moved_pods), (20, 300, 30));
    }
}
