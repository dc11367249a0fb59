//! `kubectl describe node|pod|deployment`, each with its Events table.

use super::views::{self, PodView, WorkloadView};
use super::{age, node_ip};
use crate::cluster::labels::Labels;
use crate::cluster::node::Node;
use crate::cluster::objects::{Deployment, Pod, PodTemplate};
use crate::cluster::quantity::{format_cpu, format_memory};
use crate::cluster::Cluster;
use crate::event::Tick;
use std::fmt::Write;

/// `Labels:` with one label per line under the first, as describe aligns them.
fn labels_block(out: &mut String, title: &str, labels: &Labels) {
    let pad = " ".repeat(18);
    if labels.is_empty() {
        let _ = writeln!(out, "{:<18}<none>", format!("{title}:"));
        return;
    }
    for (i, (k, v)) in labels.iter().enumerate() {
        if i == 0 {
            let _ = writeln!(out, "{:<18}{k}={v}", format!("{title}:"));
        } else {
            let _ = writeln!(out, "{pad}{k}={v}");
        }
    }
}

/// The Events table of one object (`kind/name`): repeats on one line, its Age reading
/// `20s (x4 over 2m)` (the last, how many, since the first), oldest last seen first.
fn events_block(out: &mut String, cluster: &Cluster, object: &str, now: Tick) {
    let mut events =
        crate::cluster::events::group(cluster.events().iter().filter(|e| e.object == object));
    crate::order::sort_by(&mut events, &|a, b| a.last_at.cmp(&b.last_at));
    if events.is_empty() {
        out.push_str("Events:            <none>\n");
        return;
    }
    out.push_str("Events:\n");
    let mut lines = vec![
        "  Type\tReason\tAge\tFrom\tMessage".to_string(),
        "  ----\t------\t----\t----\t-------".to_string(),
    ];
    for g in events {
        let e = g.first;
        let when = if g.count > 1 {
            format!(
                "{} (x{} over {})",
                age(now, g.last_at),
                g.count,
                age(now, e.at)
            )
        } else {
            age(now, e.at)
        };
        lines.push(format!(
            "  {}\t{}\t{}\t{}\t{}",
            e.kind(),
            e.reason,
            when,
            e.source,
            e.message
        ));
    }
    out.push_str(&crate::output::align_tab_separated_min(&lines, 0));
}

/// kubectl's one-line summary of a probe (`http-get http://:80/ delay=0s timeout=1s ...`).
fn probe_line(p: &crate::cluster::probe::Probe) -> String {
    let action = match &p.action {
        crate::cluster::probe::ProbeAction::Exec(argv) => format!("exec [{}]", argv.join(" ")),
        crate::cluster::probe::ProbeAction::HttpGet {
            path,
            port,
            named,
            https,
        } => {
            let scheme = if *https { "https" } else { "http" };
            match named {
                Some(name) => format!("http-get {scheme}://:{name}{path}"),
                None => format!("http-get {scheme}://:{port}{path}"),
            }
        }
    };
    format!(
        "{action} delay={}s timeout={}s period={}s #success={} #failure={}",
        p.initial_delay_seconds,
        p.timeout_seconds,
        p.period_seconds,
        p.success_threshold,
        p.failure_threshold
    )
}

fn template_block(out: &mut String, t: &PodTemplate, indent: &str) {
    let _ = writeln!(out, "{indent}Containers:");
    for c in &t.containers {
        let _ = writeln!(out, "{indent}  {}:", c.name);
        let _ = writeln!(out, "{indent}    Image:      {}", c.image);
        if !c.command.is_empty() {
            let _ = writeln!(out, "{indent}    Command:    {}", c.command.join(" "));
        }
        for (title, r) in [("Limits", c.limits), ("Requests", c.requests)] {
            if r.cpu_m > 0 || r.memory > 0 {
                let _ = writeln!(out, "{indent}    {title}:");
                if r.cpu_m > 0 {
                    let _ = writeln!(out, "{indent}      cpu:     {}", format_cpu(r.cpu_m));
                }
                if r.memory > 0 {
                    let _ = writeln!(out, "{indent}      memory:  {}", format_memory(r.memory));
                }
            }
        }
        if let Some(p) = &c.readiness {
            let _ = writeln!(out, "{indent}    Readiness:  {}", probe_line(p));
        }
    }
    if !t.node_selector.is_empty() {
        let sel: Vec<String> = t
            .node_selector
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let _ = writeln!(out, "{indent}Node-Selectors:  {}", sel.join(","));
    }
}

pub fn describe_pod(cluster: &Cluster, pod: &Pod, now: Tick) -> String {
    let mut out = String::new();
    // Status and restarts as the kubelet reported them to the store.
    let key = format!("/registry/pods/{}/{}", pod.namespace, pod.name);
    let (_, status, restarts) = views::get::<PodView>(cluster.store(), &key)
        .map(|v| v.columns())
        .unwrap_or_else(|| (String::new(), pod.status(), pod.restarts));
    let node = match pod.node {
        Some(n) => {
            let node = &cluster.nodes()[n as usize];
            format!("{}/{}", node.name, node_ip(node.index))
        }
        None => "<none>".into(),
    };
    let _ = writeln!(out, "Name:             {}", pod.name);
    let _ = writeln!(out, "Namespace:        {}", pod.namespace);
    let _ = writeln!(out, "Priority:         0");
    let _ = writeln!(out, "Service Account:  default");
    let _ = writeln!(out, "Node:             {node}");
    labels_block(&mut out, "Labels", pod.labels());
    let _ = writeln!(out, "Status:           {status}");
    let _ = writeln!(out, "IP:               {}", pod.ip.as_deref().unwrap_or(""));
    if let Some(owner) = &pod.owner {
        let _ = writeln!(
            out,
            "Controlled By:    {}/{}",
            owner.kind.name(),
            owner.name
        );
    }
    template_block(&mut out, &pod.spec, "");
    if restarts > 0 {
        let _ = writeln!(out, "Restart Count:    {restarts}");
    }
    out.push_str("Tolerations:      node.kubernetes.io/not-ready:NoExecute op=Exists for 300s\n                  node.kubernetes.io/unreachable:NoExecute op=Exists for 300s\n");
    events_block(&mut out, cluster, &format!("pod/{}", pod.name), now);
    out
}

pub fn describe_node(cluster: &Cluster, node: &Node, now: Tick) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Name:               {}", node.name);
    let _ = writeln!(out, "Roles:              <none>");
    let mut lines = String::new();
    labels_block(&mut lines, "Labels", &node.labels);
    // describe node aligns at column 20.
    out.push_str(&lines.replace(&" ".repeat(18), &" ".repeat(20)).replacen(
        "Labels:           ",
        "Labels:             ",
        1,
    ));
    let _ = writeln!(out, "CreationTimestamp:  {} ago", age(now, node.created));
    if node.taints.is_empty() {
        let _ = writeln!(out, "Taints:             <none>");
    } else {
        for (i, t) in node.taints.iter().enumerate() {
            let title = if i == 0 { "Taints:" } else { "" };
            let value = if t.value.is_empty() {
                String::new()
            } else {
                format!("={}", t.value)
            };
            let _ = writeln!(out, "{title:<20}{}{value}:{}", t.key, t.effect);
        }
    }
    let _ = writeln!(out, "Unschedulable:      {}", node.unschedulable);
    out.push_str("Conditions:\n  Type    Status  Reason\n  ----    ------  ------\n");
    let (status, reason) = match (node.ready, node.heartbeat) {
        (true, _) => ("True", "KubeletReady"),
        (false, _) => ("Unknown", "NodeStatusUnknown"),
    };
    let _ = writeln!(out, "  Ready   {status:<7} {reason}");
    let _ = writeln!(
        out,
        "Addresses:\n  InternalIP:  {}\n  Hostname:    {}",
        node_ip(node.index),
        node.name
    );
    let _ = writeln!(
        out,
        "Capacity:\n  cpu:     {}\n  memory:  {}\n  pods:    {}",
        format_cpu(node.capacity.cpu_m),
        format_memory(node.capacity.memory),
        node.max_pods
    );
    let _ = writeln!(out, "PodCIDR:            {}", node.pod_cidr());
    let pods: Vec<&Pod> = cluster.pods_on(node.index).collect();
    let _ = writeln!(
        out,
        "Non-terminated Pods:          ({} in total)",
        pods.iter().filter(|p| !p.terminating).count()
    );
    let mut lines = vec![
        "  Namespace\tName\tCPU Requests\tMemory Requests\tAge".to_string(),
        "  ---------\t----\t------------\t---------------\t---".to_string(),
    ];
    for p in pods.iter().filter(|p| !p.terminating) {
        let r = p.spec.requests();
        lines.push(format!(
            "  {}\t{}\t{} ({}%)\t{} ({}%)\t{}",
            p.namespace,
            p.name,
            format_cpu(r.cpu_m),
            percent(r.cpu_m, node.capacity.cpu_m),
            format_memory(r.memory),
            percent(r.memory, node.capacity.memory),
            age(now, p.created)
        ));
    }
    out.push_str(&crate::output::align_tab_separated_min(&lines, 0));
    let _ = writeln!(
        out,
        "Allocated resources:\n  Resource  Requests\n  --------  --------\n  cpu       {} ({}%)\n  memory    {} ({}%)",
        format_cpu(node.requested.cpu_m),
        percent(node.requested.cpu_m, node.capacity.cpu_m),
        format_memory(node.requested.memory),
        percent(node.requested.memory, node.capacity.memory)
    );
    events_block(&mut out, cluster, &format!("node/{}", node.name), now);
    out
}

fn percent(part: u64, whole: u64) -> u64 {
    (part * 100).checked_div(whole).unwrap_or(0)
}

pub fn describe_deployment(cluster: &Cluster, d: &Deployment, now: Tick) -> String {
    let mut out = String::new();
    // The counts as the Deployment's status in the store holds them.
    let key = format!("/registry/deployments/{}/{}", d.namespace, d.name);
    let status = views::get::<WorkloadView>(cluster.store(), &key)
        .map(|v| v.status)
        .unwrap_or_default();
    let (ready, updated, available, total) = (
        status.ready,
        status.updated,
        status.available,
        status.replicas,
    );
    let _ = writeln!(out, "Name:                   {}", d.name);
    let _ = writeln!(out, "Namespace:              {}", d.namespace);
    let _ = writeln!(out, "CreationTimestamp:      {} ago", age(now, d.created));
    let labels: Vec<String> = d.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let _ = writeln!(out, "Labels:                 {}", labels.join(","));
    let _ = writeln!(out, "Selector:               {}", labels.join(","));
    let _ = writeln!(
        out,
        "Replicas:               {} desired | {updated} updated | {total} total | {available} available | {} unavailable",
        d.replicas,
        (d.replicas as usize).saturating_sub(ready)
    );
    out.push_str(&crate::cluster::rollout::describe_strategy(&d.rollout));
    let _ = writeln!(out, "Pod Template:");
    let mut labels_text = String::new();
    labels_block(&mut labels_text, "  Labels", &d.template.labels);
    out.push_str(&labels_text);
    template_block(&mut out, &d.template, "  ");
    let hash = crate::cluster::names::template_hash(&d.template, 0);
    let new_rs = cluster
        .replicasets()
        .find(|r| r.owner.as_ref() == Some(&d.key()) && r.template_hash == hash);
    let old: Vec<String> = cluster
        .replicasets()
        .filter(|r| r.owner.as_ref() == Some(&d.key()) && r.template_hash != hash && r.replicas > 0)
        .map(|r| {
            format!(
                "{} ({}/{} replicas created)",
                r.name, r.replicas, r.replicas
            )
        })
        .collect();
    let _ = writeln!(
        out,
        "OldReplicaSets:         {}",
        if old.is_empty() {
            "<none>".into()
        } else {
            old.join(", ")
        }
    );
    match new_rs {
        Some(rs) => {
            let _ = writeln!(
                out,
                "NewReplicaSet:          {} ({}/{} replicas created)",
                rs.name, rs.replicas, rs.replicas
            );
        }
        None => out.push_str("NewReplicaSet:          <none>\n"),
    }
    events_block(&mut out, cluster, &format!("deployment/{}", d.name), now);
    out
}
