//! Pod and Deployment manifests in YAML (`kubectl apply -f`), read strictly: an unknown field,
//! a wrong type or a bad quantity is an error naming its line, and a file with any error gives
//! no objects at all.

use super::labels::Labels;
use super::objects::{ContainerTemplate, PodTemplate, Resources, Toleration};
use super::quantity::{parse_cpu, parse_memory};
use serde::Deserialize;
use std::collections::BTreeMap;

/// One object of a manifest file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Manifest {
    Pod {
        namespace: String,
        name: String,
        template: PodTemplate,
    },
    Deployment {
        namespace: String,
        name: String,
        replicas: u32,
        template: PodTemplate,
        /// Strategy, limits and annotations.
        rollout: super::rollout::Rollout,
    },
}

impl Manifest {
    /// `pod/web` or `deployment.apps/web`, as kubectl names what it applied.
    pub fn display_name(&self) -> String {
        match self {
            Manifest::Pod { name, .. } => format!("pod/{name}"),
            Manifest::Deployment { name, .. } => format!("deployment.apps/{name}"),
        }
    }
}

#[derive(Deserialize)]
struct KindOnly {
    kind: Option<String>,
    #[serde(rename = "apiVersion")]
    api_version: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Meta {
    name: String,
    #[serde(default)]
    namespace: Option<String>,
    #[serde(default)]
    labels: Labels,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
}

/// A quantity as written (`100m`, `0.5`, `128Mi`, `1`), checked when read.
struct Quantity(String);

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            S(String),
            N(f64),
        }
        let text = match Raw::deserialize(d)? {
            Raw::S(s) => s,
            Raw::N(n) => n.to_string(),
        };
        if parse_memory(&text).is_none() && parse_cpu(&text).is_none() {
            return Err(serde::de::Error::custom(format!(
                "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$' (got \"{text}\")"
            )));
        }
        Ok(Quantity(text))
    }
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ResourcesM {
    #[serde(default)]
    requests: BTreeMap<String, Quantity>,
    #[serde(default)]
    limits: BTreeMap<String, Quantity>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ContainerM {
    name: String,
    image: String,
    #[serde(default)]
    command: Vec<String>,
    #[serde(default)]
    args: Vec<String>,
    #[serde(default)]
    resources: ResourcesM,
    #[serde(default)]
    readiness_probe: Option<super::probe::ProbeM>,
    /// What a probe's named port refers to; otherwise documentation, as in Kubernetes.
    #[serde(default)]
    ports: Vec<ContainerPortM>,
    #[serde(default)]
    #[allow(dead_code)]
    image_pull_policy: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ContainerPortM {
    container_port: i64,
    #[serde(default)]
    name: Option<String>,
    // Accepted so that real manifests read; not simulated.
    #[serde(default)]
    #[allow(dead_code)]
    protocol: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    host_port: Option<i64>,
    #[serde(default)]
    #[allow(dead_code)]
    host_ip: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct TolerationM {
    #[serde(default)]
    key: String,
    #[serde(default)]
    operator: Option<String>,
    #[serde(default)]
    value: Option<String>,
    #[serde(default)]
    effect: String,
    #[serde(default)]
    toleration_seconds: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct PodSpecM {
    containers: Vec<ContainerM>,
    #[serde(default)]
    node_selector: Labels,
    #[serde(default)]
    tolerations: Vec<TolerationM>,
    #[serde(default)]
    node_name: Option<String>,
    #[serde(default)]
    restart_policy: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct PodM {
    api_version: String,
    kind: String,
    metadata: Meta,
    spec: PodSpecM,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TemplateMeta {
    #[serde(default)]
    labels: Labels,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TemplateM {
    metadata: TemplateMeta,
    spec: PodSpecM,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct SelectorM {
    match_labels: Labels,
}

fn one() -> u32 {
    1
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct DeploymentSpecM {
    #[serde(default = "one")]
    replicas: u32,
    selector: SelectorM,
    template: TemplateM,
    #[serde(default)]
    strategy: Option<super::rollout::spec::StrategyM>,
    #[serde(default)]
    min_ready_seconds: Option<u64>,
    #[serde(default)]
    progress_deadline_seconds: Option<u64>,
    #[serde(default)]
    revision_history_limit: Option<u32>,
    #[serde(default)]
    paused: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct DeploymentM {
    api_version: String,
    kind: String,
    metadata: Meta,
    spec: DeploymentSpecM,
}

fn resources(map: &BTreeMap<String, Quantity>) -> Result<Resources, String> {
    let mut r = Resources::default();
    for (k, Quantity(v)) in map {
        match k.as_str() {
            "cpu" => {
                r.cpu_m = parse_cpu(v).ok_or_else(|| format!("invalid cpu quantity \"{v}\""))?
            }
            "memory" => {
                r.memory =
                    parse_memory(v).ok_or_else(|| format!("invalid memory quantity \"{v}\""))?
            }
            other => return Err(format!("unsupported resource name \"{other}\"")),
        }
    }
    Ok(r)
}

/// The pod template; `path` is where its spec sits (`spec`, `spec.template.spec`), for errors.
fn template(labels: Labels, spec: PodSpecM, path: &str) -> Result<PodTemplate, String> {
    if spec.containers.is_empty() {
        return Err(format!("{path}.containers: Required value"));
    }
    let mut containers = Vec::new();
    for (i, c) in spec.containers.into_iter().enumerate() {
        let mut named = Vec::new();
        for (j, p) in c.ports.iter().enumerate() {
            if !(1..=65535).contains(&p.container_port) {
                return Err(format!(
                    "{path}.containers[{i}].ports[{j}].containerPort: Invalid value: {}: must be between 1 and 65535, inclusive",
                    p.container_port
                ));
            }
            if let Some(name) = &p.name {
                named.push((name.clone(), p.container_port as u16));
            }
        }
        let readiness = c
            .readiness_probe
            .map(|p| p.check(&format!("{path}.containers[{i}].readinessProbe"), &named))
            .transpose()?;
        containers.push(ContainerTemplate {
            name: c.name,
            image: c.image,
            command: c.command.into_iter().chain(c.args).collect(),
            requests: resources(&c.resources.requests)?,
            limits: resources(&c.resources.limits)?,
            readiness,
        });
    }
    let tolerations = spec
        .tolerations
        .into_iter()
        .map(|t| Toleration {
            key: t.key,
            value: if t.operator.as_deref() == Some("Exists") {
                None
            } else {
                Some(t.value.unwrap_or_default())
            },
            effect: t.effect,
            seconds: t.toleration_seconds,
        })
        .collect();
    Ok(PodTemplate {
        labels,
        containers,
        node_selector: spec.node_selector,
        tolerations,
        node_name: spec.node_name,
        annotations: Labels::new(),
    })
}

/// `error: error parsing FILE: ...` with the line (counted in the whole file).
fn yaml_error(file: &str, first_line: usize, e: &super::yaml::Error) -> String {
    match e.line {
        Some(line) => format!(
            "error: error parsing {file}: line {}: {e}",
            line + first_line - 1
        ),
        None => format!("error: error parsing {file}: {e}"),
    }
}

/// Reads every document of a manifest file; the first error stops it.
pub fn parse(file: &str, text: &str, default_namespace: &str) -> Result<Vec<Manifest>, String> {
    let mut out = Vec::new();
    let mut first_line = 1;
    let mut docs: Vec<(usize, String)> = Vec::new();
    let mut current = String::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim_end() == "---" {
            docs.push((first_line, std::mem::take(&mut current)));
            first_line = i + 2;
        } else {
            current.push_str(line);
            current.push('\n');
        }
    }
    docs.push((first_line, current));
    for (first, doc) in docs {
        if doc
            .lines()
            .all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        {
            continue;
        }
        let head: KindOnly =
            super::yaml::from_str(&doc).map_err(|e| yaml_error(file, first, &e))?;
        let kind = head.kind.unwrap_or_default();
        if kind.is_empty() || head.api_version.is_none() {
            return Err(format!("error: error validating \"{file}\": error validating data: [apiVersion not set, kind not set]; if you choose to ignore these errors, turn validation off with --validate=false"));
        }
        let m = match kind.as_str() {
            "Pod" => {
                let p: PodM = super::yaml::from_str(&doc).map_err(|e| yaml_error(file, first, &e))?;
                let _ = (&p.api_version, &p.kind, &p.metadata.annotations, &p.spec.restart_policy);
                let namespace = p.metadata.namespace.unwrap_or_else(|| default_namespace.into());
                let name = p.metadata.name;
                let template = template(p.metadata.labels, p.spec, "spec")
                    .map_err(|e| format!("The Pod \"{name}\" is invalid: {e}"))?;
                Manifest::Pod { namespace, name, template }
            }
            "Deployment" => {
                let mut d: DeploymentM = super::yaml::from_str(&doc).map_err(|e| yaml_error(file, first, &e))?;
                let _ = (&d.api_version, &d.kind);
                let name = d.metadata.name;
                let spec = &mut d.spec;
                let rollout = super::rollout::spec::rollout(
                    spec.strategy.take(),
                    spec.min_ready_seconds,
                    spec.progress_deadline_seconds,
                    spec.revision_history_limit,
                    spec.paused,
                    d.metadata.annotations,
                )
                .map_err(|e| format!("The Deployment \"{name}\" is invalid: {e}"))?;
                let labels = d.spec.template.metadata.labels;
                let selector = d.spec.selector.match_labels;
                if selector.is_empty() || selector.iter().any(|(k, v)| labels.get(k) != Some(v)) {
                    return Err(format!("The Deployment \"{name}\" is invalid: spec.template.metadata.labels: Invalid value: {labels:?}: `selector` does not match template `labels`"));
                }
                let namespace = d.metadata.namespace.unwrap_or_else(|| default_namespace.into());
                let template = template(labels, d.spec.template.spec, "spec.template.spec")
                    .map_err(|e| format!("The Deployment \"{name}\" is invalid: {e}"))?;
                Manifest::Deployment { namespace, name, replicas: d.spec.replicas, template, rollout }
            }
            other => {
                return Err(format!(
                    "error: resource mapping not found for name: \"\" namespace: \"\" from \"{file}\": no matches for kind \"{other}\" in version \"{}\"\nensure CRDs are installed first",
                    head.api_version.unwrap_or_default()
                ))
            }
        };
        out.push(m);
    }
    Ok(out)
}

/// A JSON value as YAML (`-o yaml`), in kubectl's layout: two-space indents, list items of
/// maps starting on the dash, strings quoted only where YAML would read them otherwise.
/// Written here rather than with the YAML crate's emitter, which would add its size to the
/// browser bundle for this alone.
pub fn to_yaml(value: &serde_json::Value) -> String {
    let mut out = String::new();
    match value {
        serde_json::Value::Object(_) | serde_json::Value::Array(_) => {
            write_block(&mut out, value, 0)
        }
        scalar => {
            out.push_str(&yaml_scalar(scalar));
            out.push('\n');
        }
    }
    out
}

fn write_block(out: &mut String, value: &serde_json::Value, indent: usize) {
    use serde_json::Value;
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                out.push_str(&format!("{pad}{}:", yaml_string(k)));
                write_child(out, v, indent);
            }
        }
        Value::Array(items) => {
            for item in items {
                out.push_str(&format!("{pad}-"));
                match item {
                    Value::Object(map) if !map.is_empty() => {
                        // The first key on the dash's line, the rest under it.
                        let mut first = String::new();
                        write_block(&mut first, item, indent + 2);
                        out.push(' ');
                        out.push_str(first.trim_start());
                    }
                    _ => write_child(out, item, indent),
                }
            }
        }
        scalar => {
            out.push_str(&format!("{pad}{}\n", yaml_scalar(scalar)));
        }
    }
}

/// What follows `key:` or `-`: a scalar on the same line, or a nested block.
fn write_child(out: &mut String, value: &serde_json::Value, indent: usize) {
    use serde_json::Value;
    match value {
        Value::Object(m) if !m.is_empty() => {
            out.push('\n');
            write_block(out, value, indent + 2);
        }
        // kubectl does not indent a list under its key.
        Value::Array(a) if !a.is_empty() => {
            out.push('\n');
            write_block(out, value, indent);
        }
        Value::Object(_) => out.push_str(" {}\n"),
        Value::Array(_) => out.push_str(" []\n"),
        scalar => out.push_str(&format!(" {}\n", yaml_scalar(scalar))),
    }
}

fn yaml_scalar(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => yaml_string(s),
        other => other.to_string(),
    }
}

/// A string plain when YAML reads it back as the same string, else double-quoted.
fn yaml_string(s: &str) -> String {
    let plain = !s.is_empty()
        && !s.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@` ".contains(c))
        && !s.ends_with(' ')
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.contains('\n')
        && !matches!(
            s,
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "~"
        )
        && s.parse::<f64>().is_err();
    if plain {
        s.to_string()
    } else {
        serde_json::Value::String(s.to_string()).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx\n        resources:\n          requests:\n            cpu: 250m\n            memory: 64Mi\n";

    #[test]
    fn yaml_output_reads_back_as_the_same_value() {
        let value = serde_json::json!({
            "apiVersion": "v1",
            "items": [{"name": "a", "ports": [80, 443], "empty": {}}, "plain", "true", ""],
            "metadata": {"labels": {"app": "web", "n": "5"}, "note": "a: b"},
        });
        let text = to_yaml(&value);
        assert!(
            text.starts_with("apiVersion: v1\nitems:\n- empty: {}\n  name: a\n"),
            "{text}"
        );
        let back: serde_json::Value = super::super::yaml::from_str(&text).unwrap();
        assert_eq!(back, value, "{text}");
    }

    #[test]
    fn deployment_manifest_reads() {
        let m = parse("web.yaml", GOOD, "default").unwrap();
        let Manifest::Deployment {
            replicas, template, ..
        } = &m[0]
        else {
            panic!()
        };
        assert_eq!(*replicas, 2);
        assert_eq!(
            template.requests(),
            Resources {
                cpu_m: 250,
                memory: 64 << 20
            }
        );
    }

    #[test]
    fn errors_name_the_line() {
        let bad = GOOD.replace("  replicas: 2", "  replicass: 2");
        let e = parse("web.yaml", &bad, "default").unwrap_err();
        assert!(e.contains("line 6"), "{e}");
        let bad = GOOD.replace("cpu: 250m", "cpu: lots");
        let e = parse("web.yaml", &bad, "default").unwrap_err();
        assert!(e.contains("line 20"), "{e}");
        let two = format!(
            "{GOOD}---\n{}",
            GOOD.replace("name: web\nspec", "name: b\nspec")
                .replace("  replicas: 2", "  replicas: x")
        );
        let e = parse("two.yaml", &two, "default").unwrap_err();
        assert!(e.contains("line 28"), "{e}");
    }

    fn with_probe(probe: &str) -> String {
        GOOD.replace(
            "        image: nginx\n",
            &format!("        image: nginx\n        readinessProbe:\n{probe}"),
        )
    }

    fn probe_of(text: &str) -> crate::cluster::probe::Probe {
        let m = parse("web.yaml", text, "default").unwrap();
        let Manifest::Deployment { template, .. } = &m[0] else {
            panic!()
        };
        template.containers[0].readiness.clone().unwrap()
    }

    #[test]
    fn readiness_probes_read_with_kubernetes_defaults() {
        use crate::cluster::probe::ProbeAction;
        let p = probe_of(&with_probe(
            "          httpGet:\n            path: /healthz\n            port: 80\n",
        ));
        assert_eq!(
            p.action,
            ProbeAction::HttpGet {
                path: "/healthz".into(),
                port: 80,
                named: None,
                https: false,
            }
        );
        let got = (p.initial_delay_seconds, p.period_seconds, p.timeout_seconds);
        assert_eq!(got, (0, 10, 1));
        assert_eq!((p.success_threshold, p.failure_threshold), (1, 3));
        let p = probe_of(&with_probe(
            "          exec:\n            command: [cat, /tmp/ready]\n          periodSeconds: 2\n          failureThreshold: 1\n",
        ));
        assert_eq!(
            p.action,
            ProbeAction::Exec(vec!["cat".into(), "/tmp/ready".into()])
        );
        assert_eq!((p.period_seconds, p.failure_threshold), (2, 1));
        // A probe is part of the template, so adding one is a new revision.
        let plain = parse("web.yaml", GOOD, "default").unwrap();
        let probed = parse(
            "web.yaml",
            &with_probe("          exec:\n            command: [true]\n"),
            "default",
        )
        .unwrap();
        let hash = |m: &Manifest| match m {
            Manifest::Deployment { template, .. } => {
                crate::cluster::names::template_hash(template, 0)
            }
            _ => String::new(),
        };
        assert_ne!(hash(&plain[0]), hash(&probed[0]));
    }

    #[test]
    fn bad_readiness_probes_are_refused_naming_the_field() {
        let at =
            "The Deployment \"web\" is invalid: spec.template.spec.containers[0].readinessProbe";
        let cases = [
            ("          periodSeconds: 5\n", format!("{at}: Required value: must specify a handler type")),
            (
                "          exec:\n            command: [true]\n          httpGet:\n            port: 80\n",
                format!("{at}.httpGet: Forbidden: may not specify more than 1 handler type"),
            ),
            ("          exec:\n            command: []\n", format!("{at}.exec.command: Required value")),
            (
                "          httpGet:\n            port: 70000\n",
                format!("{at}.httpGet.port: Invalid value: 70000: must be between 1 and 65535, inclusive"),
            ),
            (
                "          exec:\n            command: [true]\n          failureThreshold: -1\n",
                format!("{at}.failureThreshold: Invalid value: -1: must be greater than or equal to 0"),
            ),
            (
                "          httpGet:\n            port: 80\n            scheme: FTP\n",
                format!("{at}.httpGet.scheme: Unsupported value: \"FTP\": supported values: \"HTTP\", \"HTTPS\""),
            ),
            (
                // The container's own ports, after its probe.
                "          exec:\n            command: [true]\n        ports:\n        - containerPort: 0\n",
                "The Deployment \"web\" is invalid: spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 0: must be between 1 and 65535, inclusive".to_string(),
            ),
        ];
        for (probe, want) in cases {
            let e = parse("web.yaml", &with_probe(probe), "default").unwrap_err();
            assert_eq!(e, want);
        }
        let e = parse(
            "web.yaml",
            &with_probe("          exec:\n            cmd: [true]\n"),
            "default",
        )
        .unwrap_err();
        assert!(e.contains("line 20"), "{e}");
    }
}
