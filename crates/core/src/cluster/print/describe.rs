//! `kubectl describe node|pod|deployment|replicaset`, each with its Events table: every
//! field is read from the objects' values in the store (print::describe_views), the Events
//! from the Event objects stored under `/registry/events/`.

use super::age;
use super::describe_views::{
    int_or_string, ContainerDetail, NodeDetail, PodDetail, ProbeDetail, SpecDetail, WorkloadDetail,
};
use super::views::{self, EventView};
use crate::cluster::labels::Labels;
use crate::cluster::quantity::{format_cpu, format_memory, parse_cpu, parse_memory};
use crate::cluster::store::Store;
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

/// The Events table of one object (`kind/name` in namespace `ns`): one line per Event
/// object, its Age reading `20s (x4 over 2m)` (the last, how many, since the first), oldest
/// last seen first.
fn events_block(out: &mut String, store: &Store, ns: &str, object: &str, now: Tick) {
    let name = object.split_once('/').map_or(object, |(_, n)| n);
    // The cluster records its events without a namespace, so they are stored in `default`:
    // an object elsewhere finds its events there too.
    let namespaces: &[&str] = if ns == "default" {
        &["default"]
    } else {
        &[ns, "default"]
    };
    // An Event's name begins with its object's: only those keys are read.
    let mut events: Vec<EventView> = namespaces
        .iter()
        .flat_map(|ns| views::list::<EventView>(store, &format!("/registry/events/{ns}/{name}.")))
        .filter(|e| e.object() == object)
        .collect();
    crate::order::sort_by(&mut events, &|a, b| a.order().cmp(&b.order()));
    crate::order::sort_by(&mut events, &|a, b| a.last_at().cmp(&b.last_at()));
    if events.is_empty() {
        out.push_str("Events:            <none>\n");
        return;
    }
    out.push_str("Events:\n");
    let mut lines = vec![
        "  Type\tReason\tAge\tFrom\tMessage".to_string(),
        "  ----\t------\t----\t----\t-------".to_string(),
    ];
    for e in events {
        let when = if e.count > 1 {
            format!(
                "{} (x{} over {})",
                age(now, e.last_at()),
                e.count,
                age(now, e.first_at())
            )
        } else {
            age(now, e.first_at())
        };
        lines.push(format!(
            "  {}\t{}\t{}\t{}\t{}",
            e.kind, e.reason, when, e.source.component, e.message
        ));
    }
    out.push_str(&crate::output::align_tab_separated_min(&lines, 0));
}

/// kubectl's one-line summary of a probe (`http-get http://:80/ delay=0s timeout=1s ...`).
fn probe_line(p: &ProbeDetail) -> String {
    let action = match (&p.exec, &p.http_get) {
        (Some(exec), _) => format!("exec [{}]", exec.command.join(" ")),
        (None, Some(h)) => format!(
            "http-get {}://:{}{}",
            h.scheme.to_ascii_lowercase(),
            int_or_string(&h.port),
            h.path
        ),
        (None, None) => String::new(),
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

fn container_block(out: &mut String, c: &ContainerDetail, indent: &str) {
    let _ = writeln!(out, "{indent}  {}:", c.name);
    let _ = writeln!(out, "{indent}    Image:      {}", c.image);
    if !c.command.is_empty() {
        let _ = writeln!(out, "{indent}    Command:    {}", c.command.join(" "));
    }
    for (title, q) in [
        ("Limits", &c.resources.limits),
        ("Requests", &c.resources.requests),
    ] {
        let Some(q) = q.as_ref().filter(|q| q.cpu.is_some() || q.memory.is_some()) else {
            continue;
        };
        let _ = writeln!(out, "{indent}    {title}:");
        if let Some(cpu) = &q.cpu {
            let _ = writeln!(out, "{indent}      cpu:     {cpu}");
        }
        if let Some(memory) = &q.memory {
            let _ = writeln!(out, "{indent}      memory:  {memory}");
        }
    }
    if let Some(p) = &c.readiness_probe {
        let _ = writeln!(out, "{indent}    Readiness:  {}", probe_line(p));
    }
}

fn template_block(out: &mut String, t: &SpecDetail, indent: &str) {
    let _ = writeln!(out, "{indent}Containers:");
    for c in &t.containers {
        container_block(out, c, indent);
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

/// A pod's page, from its stored value (`key`); None when the store has no such pod.
pub fn describe_pod(store: &Store, key: &str, now: Tick) -> Option<String> {
    let value = &store.get(key)?.value;
    let pod: PodDetail = serde_json::from_str(value).ok()?;
    let (_, status, restarts) = PodDetail::columns(value)?;
    let meta = &pod.metadata.meta;
    let node = match pod.spec.node_name.as_deref() {
        Some(n) => {
            let ip = views::get::<NodeDetail>(store, &format!("/registry/minions/{n}"))
                .map(|d| d.address("InternalIP").to_string())
                .unwrap_or_default();
            format!("{n}/{ip}")
        }
        None => "<none>".into(),
    };
    let mut out = String::new();
    let _ = writeln!(out, "Name:             {}", meta.name);
    let _ = writeln!(out, "Namespace:        {}", meta.namespace);
    let _ = writeln!(out, "Priority:         0");
    let _ = writeln!(out, "Service Account:  default");
    let _ = writeln!(out, "Node:             {node}");
    labels_block(&mut out, "Labels", &meta.labels);
    let _ = writeln!(out, "Status:           {status}");
    let _ = writeln!(
        out,
        "IP:               {}",
        pod.status.pod_ip.as_deref().unwrap_or("")
    );
    if let Some(owner) = pod.metadata.owner_references.first() {
        let _ = writeln!(out, "Controlled By:    {}/{}", owner.kind, owner.name);
    }
    template_block(&mut out, &pod.spec, "");
    if restarts > 0 {
        let _ = writeln!(out, "Restart Count:    {restarts}");
    }
    out.push_str("Tolerations:      node.kubernetes.io/not-ready:NoExecute op=Exists for 300s\n                  node.kubernetes.io/unreachable:NoExecute op=Exists for 300s\n");
    events_block(
        &mut out,
        store,
        &meta.namespace,
        &format!("pod/{}", meta.name),
        now,
    );
    Some(out)
}

/// A node's page, from its stored value and those of the pods bound to it (`pod_keys`).
pub fn describe_node(store: &Store, name: &str, pod_keys: &[String], now: Tick) -> Option<String> {
    let node: NodeDetail = views::get(store, &format!("/registry/minions/{name}"))?;
    let mut out = String::new();
    let _ = writeln!(out, "Name:               {name}");
    let _ = writeln!(out, "Roles:              <none>");
    let mut lines = String::new();
    labels_block(&mut lines, "Labels", &node.metadata.labels);
    // describe node aligns at column 20.
    out.push_str(&lines.replace(&" ".repeat(18), &" ".repeat(20)).replacen(
        "Labels:           ",
        "Labels:             ",
        1,
    ));
    let _ = writeln!(
        out,
        "CreationTimestamp:  {} ago",
        age(now, node.metadata.created())
    );
    if node.spec.taints.is_empty() {
        let _ = writeln!(out, "Taints:             <none>");
    } else {
        for (i, t) in node.spec.taints.iter().enumerate() {
            let title = if i == 0 { "Taints:" } else { "" };
            let value = if t.value.is_empty() {
                String::new()
            } else {
                format!("={}", t.value)
            };
            let _ = writeln!(out, "{title:<20}{}{value}:{}", t.key, t.effect);
        }
    }
    let _ = writeln!(out, "Unschedulable:      {}", node.spec.unschedulable);
    out.push_str("Conditions:\n  Type    Status  Reason\n  ----    ------  ------\n");
    let (status, reason) = if node.ready() {
        ("True", "KubeletReady")
    } else {
        ("Unknown", "NodeStatusUnknown")
    };
    let _ = writeln!(out, "  Ready   {status:<7} {reason}");
    let _ = writeln!(
        out,
        "Addresses:\n  InternalIP:  {}\n  Hostname:    {}",
        node.address("InternalIP"),
        node.address("Hostname")
    );
    let cap = &node.status.capacity;
    let _ = writeln!(
        out,
        "Capacity:\n  cpu:     {}\n  memory:  {}\n  pods:    {}",
        cap.cpu, cap.memory, cap.pods
    );
    let _ = writeln!(out, "PodCIDR:            {}", node.spec.pod_cidr);
    let (cap_cpu, cap_memory) = (
        parse_cpu(&cap.cpu).unwrap_or(0),
        parse_memory(&cap.memory).unwrap_or(0),
    );
    let pods: Vec<PodDetail> = pod_keys
        .iter()
        .filter_map(|k| views::get(store, k))
        .collect();
    let live: Vec<&PodDetail> = pods
        .iter()
        .filter(|p| p.metadata.meta.deletion_timestamp.is_none())
        .collect();
    let _ = writeln!(
        out,
        "Non-terminated Pods:          ({} in total)",
        live.len()
    );
    let mut lines = vec![
        "  Namespace\tName\tCPU Requests\tMemory Requests\tAge".to_string(),
        "  ---------\t----\t------------\t---------------\t---".to_string(),
    ];
    for p in &live {
        let (cpu, memory) = p.spec.requests();
        lines.push(format!(
            "  {}\t{}\t{} ({}%)\t{} ({}%)\t{}",
            p.metadata.meta.namespace,
            p.metadata.meta.name,
            format_cpu(cpu),
            percent(cpu, cap_cpu),
            format_memory(memory),
            percent(memory, cap_memory),
            age(now, p.metadata.meta.created())
        ));
    }
    out.push_str(&crate::output::align_tab_separated_min(&lines, 0));
    // What the scheduler counts against the node: every pod bound to it, leaving ones too.
    let (cpu, memory) = pods
        .iter()
        .map(|p| p.spec.requests())
        .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    let _ = writeln!(
        out,
        "Allocated resources:\n  Resource  Requests\n  --------  --------\n  cpu       {} ({}%)\n  memory    {} ({}%)",
        format_cpu(cpu),
        percent(cpu, cap_cpu),
        format_memory(memory),
        percent(memory, cap_memory)
    );
    events_block(&mut out, store, "default", &format!("node/{name}"), now);
    Some(out)
}

fn percent(part: u64, whole: u64) -> u64 {
    (part * 100).checked_div(whole).unwrap_or(0)
}

/// A template as compared to find a Deployment's new ReplicaSet: without the
/// `pod-template-hash` label the ReplicaSet controller adds.
fn template_of(value: &str) -> Option<serde_json::Value> {
    let mut v: serde_json::Value = serde_json::from_str(value).ok()?;
    let mut t = v.get_mut("spec")?.get_mut("template")?.take();
    if let Some(labels) = t
        .get_mut("metadata")
        .and_then(|m| m.get_mut("labels"))
        .and_then(|l| l.as_object_mut())
    {
        labels.remove("pod-template-hash");
    }
    Some(t)
}

/// A Deployment's page, from its stored value and its ReplicaSets'.
pub fn describe_deployment(store: &Store, ns: &str, name: &str, now: Tick) -> Option<String> {
    let key = format!("/registry/deployments/{ns}/{name}");
    let value = &store.get(&key)?.value;
    let d: WorkloadDetail = serde_json::from_str(value).ok()?;
    let status = &d.status;
    let meta = &d.metadata.meta;
    let mut out = String::new();
    let _ = writeln!(out, "Name:                   {}", meta.name);
    let _ = writeln!(out, "Namespace:              {}", meta.namespace);
    let _ = writeln!(
        out,
        "CreationTimestamp:      {} ago",
        age(now, meta.created())
    );
    let labels: Vec<String> = meta
        .labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let _ = writeln!(out, "Labels:                 {}", labels.join(","));
    let _ = writeln!(out, "Selector:               {}", labels.join(","));
    let _ = writeln!(
        out,
        "Replicas:               {} desired | {} updated | {} total | {} available | {} unavailable",
        d.spec.replicas,
        status.updated,
        status.replicas,
        status.available,
        (d.spec.replicas as usize).saturating_sub(status.ready)
    );
    if let Some(s) = &d.spec.strategy {
        let _ = writeln!(out, "StrategyType:           {}", s.kind);
        let _ = writeln!(out, "MinReadySeconds:        {}", d.spec.min_ready_seconds);
        if let Some(r) = &s.rolling_update {
            let _ = writeln!(
                out,
                "RollingUpdateStrategy:  {} max unavailable, {} max surge",
                int_or_string(&r.max_unavailable),
                int_or_string(&r.max_surge)
            );
        }
    }
    let _ = writeln!(out, "Pod Template:");
    let mut labels_text = String::new();
    labels_block(
        &mut labels_text,
        "  Labels",
        &d.spec.template.metadata.labels,
    );
    out.push_str(&labels_text);
    template_block(&mut out, &d.spec.template.spec, "  ");
    // Its ReplicaSets: the new one has the Deployment's template, old ones still run pods.
    let current = template_of(value);
    let (mut new_rs, mut old) = (None, Vec::new());
    for (_, e) in store.prefix(&format!("/registry/replicasets/{ns}/")) {
        let Ok(rs) = serde_json::from_str::<WorkloadDetail>(&e.value) else {
            continue;
        };
        if !rs
            .metadata
            .owner_references
            .iter()
            .any(|o| o.kind == "Deployment" && o.name == meta.name)
        {
            continue;
        }
        let line = format!(
            "{} ({}/{} replicas created)",
            rs.metadata.meta.name, rs.spec.replicas, rs.spec.replicas
        );
        if current.is_some() && template_of(&e.value) == current {
            new_rs = Some(line);
        } else if rs.spec.replicas > 0 {
            old.push(line);
        }
    }
    let _ = writeln!(
        out,
        "OldReplicaSets:         {}",
        if old.is_empty() {
            "<none>".into()
        } else {
            old.join(", ")
        }
    );
    let _ = writeln!(
        out,
        "NewReplicaSet:          {}",
        new_rs.as_deref().unwrap_or("<none>")
    );
    events_block(
        &mut out,
        store,
        ns,
        &format!("deployment/{}", meta.name),
        now,
    );
    Some(out)
}

/// A ReplicaSet's page, from its stored value.
pub fn describe_replicaset(store: &Store, ns: &str, name: &str, now: Tick) -> Option<String> {
    let rs: WorkloadDetail = views::get(store, &format!("/registry/replicasets/{ns}/{name}"))?;
    let meta = &rs.metadata.meta;
    let mut out = String::new();
    let _ = writeln!(out, "Name:           {}", meta.name);
    let _ = writeln!(out, "Namespace:      {}", meta.namespace);
    let selector: Vec<String> = meta
        .labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let _ = writeln!(out, "Selector:       {}", selector.join(","));
    let mut labels = String::new();
    labels_block(&mut labels, "Labels", &meta.labels);
    out.push_str(&labels.replace(&" ".repeat(18), &" ".repeat(16)).replacen(
        "Labels:           ",
        "Labels:         ",
        1,
    ));
    if let Some(rev) = &rs.metadata.annotations.revision {
        let _ = writeln!(
            out,
            "Annotations:    deployment.kubernetes.io/revision: {rev}"
        );
    }
    if let Some(owner) = rs.metadata.owner_references.first() {
        let _ = writeln!(out, "Controlled By:  {}/{}", owner.kind, owner.name);
    }
    let _ = writeln!(
        out,
        "Replicas:       {} current / {} desired",
        rs.status.replicas, rs.spec.replicas
    );
    let ready = rs.status.ready;
    let _ = writeln!(
        out,
        "Pods Status:    {ready} Running / {} Waiting / 0 Succeeded / 0 Failed",
        rs.status.replicas.saturating_sub(ready)
    );
    let _ = writeln!(out, "Pod Template:");
    let mut labels_text = String::new();
    labels_block(
        &mut labels_text,
        "  Labels",
        &rs.spec.template.metadata.labels,
    );
    out.push_str(&labels_text);
    template_block(&mut out, &rs.spec.template.spec, "  ");
    events_block(
        &mut out,
        store,
        ns,
        &format!("replicaset/{}", meta.name),
        now,
    );
    Some(out)
}
