//! `-o json|yaml`: the objects in the API's shape (apiVersion, kind, metadata, spec, status).

use crate::cluster::node::Node;
use crate::cluster::objects::{Deployment, Pod, PodTemplate, ReplicaSet};
use crate::cluster::quantity::{format_cpu, format_memory};
use crate::cluster::Cluster;
use serde_json::{json, Map, Value};

fn resources(r: crate::cluster::objects::Resources) -> Value {
    let mut m = Map::new();
    if r.cpu_m > 0 {
        m.insert("cpu".into(), format_cpu(r.cpu_m).into());
    }
    if r.memory > 0 {
        m.insert("memory".into(), format_memory(r.memory).into());
    }
    Value::Object(m)
}

fn pod_spec(t: &PodTemplate) -> Value {
    let containers: Vec<Value> = t
        .containers
        .iter()
        .map(|c| {
            let mut v = json!({"name": c.name, "image": c.image});
            if !c.command.is_empty() {
                v["command"] = json!(c.command);
            }
            let mut res = Map::new();
            if c.requests.cpu_m > 0 || c.requests.memory > 0 {
                res.insert("requests".into(), resources(c.requests));
            }
            if c.limits.cpu_m > 0 || c.limits.memory > 0 {
                res.insert("limits".into(), resources(c.limits));
            }
            v["resources"] = Value::Object(res);
            v
        })
        .collect();
    let mut spec = json!({"containers": containers, "restartPolicy": "Always"});
    if !t.node_selector.is_empty() {
        spec["nodeSelector"] = json!(t.node_selector);
    }
    if let Some(n) = &t.node_name {
        spec["nodeName"] = json!(n);
    }
    spec
}

pub fn pod_json(cluster: &Cluster, p: &Pod, status: &str) -> Value {
    let mut spec = pod_spec(&p.spec);
    if let Some(node) = cluster.node_of(p) {
        spec["nodeName"] = json!(node);
    }
    let mut meta =
        json!({"name": p.name, "namespace": p.namespace, "uid": p.uid, "labels": p.labels()});
    if let Some(o) = &p.owner {
        meta["ownerReferences"] = json!([{"apiVersion": "apps/v1", "kind": o.kind.name(), "name": o.name, "controller": true}]);
    }
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta,
        "spec": spec,
        "status": {"phase": format!("{:?}", p.phase), "podIP": p.ip, "reason": status},
    })
}

pub fn node_json(n: &Node) -> Value {
    let taints: Vec<Value> = n
        .taints
        .iter()
        .map(|t| json!({"key": t.key, "value": t.value, "effect": t.effect}))
        .collect();
    json!({
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {"name": n.name, "labels": n.labels},
        "spec": {"podCIDR": n.pod_cidr(), "unschedulable": n.unschedulable, "taints": taints},
        "status": {
            "capacity": {"cpu": format_cpu(n.capacity.cpu_m), "memory": format_memory(n.capacity.memory), "pods": n.max_pods.to_string()},
            "conditions": [{"type": "Ready", "status": if n.ready { "True" } else { "Unknown" }}],
        },
    })
}

pub fn deployment_json(d: &Deployment) -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": d.name, "namespace": d.namespace, "uid": d.uid, "labels": d.labels},
        "spec": {
            "replicas": d.replicas,
            "selector": {"matchLabels": d.template.labels},
            "template": {"metadata": {"labels": d.template.labels}, "spec": pod_spec(&d.template)},
        },
    })
}

pub fn replicaset_json(rs: &ReplicaSet) -> Value {
    let mut meta = json!({"name": rs.name, "namespace": rs.namespace, "uid": rs.uid, "labels": rs.template.labels,
        "annotations": {"deployment.kubernetes.io/revision": rs.revision.to_string()}});
    if let Some(o) = &rs.owner {
        meta["ownerReferences"] = json!([{"apiVersion": "apps/v1", "kind": o.kind.name(), "name": o.name, "controller": true}]);
    }
    json!({
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": meta,
        "spec": {"replicas": rs.replicas, "selector": {"matchLabels": rs.template.labels},
            "template": {"metadata": {"labels": rs.template.labels}, "spec": pod_spec(&rs.template)}},
    })
}

/// Several objects as kubectl prints a list.
pub fn list_json(items: Vec<Value>) -> Value {
    json!({"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}})
}
