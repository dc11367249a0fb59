//! `kubectl`: the verbs, on the World's cluster. Printing is crate::cluster::print's; `logs`
//! and `exec` go through docker's own paths on the pod's node.

use super::cluster::NO_SERVER;
use super::{Failure, Handled, Reply, World};
use crate::cluster::labels::Selector;
use crate::cluster::objects::{Pod, PodTemplate, Resources};
use crate::cluster::print::{self, Runtime, Runtimes};
use crate::cluster::quantity::{parse_cpu, parse_memory};
use crate::command::kubectl::{KubectlCommand, HELP};
use crate::command::{self, Command};
use crate::BuildContext;

fn fail(message: impl Into<String>) -> Failure {
    Failure::new(message, 1)
}

/// The resource types kubectl knows here, by every name it accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Res {
    Nodes,
    Pods,
    Deployments,
    ReplicaSets,
    Events,
}

impl Res {
    /// How kubectl writes the kind before a name (`deployment.apps/web`).
    pub(super) fn qualified(self) -> &'static str {
        match self {
            Res::Nodes => "node",
            Res::Pods => "pod",
            Res::Deployments => "deployment.apps",
            Res::ReplicaSets => "replicaset.apps",
            Res::Events => "event",
        }
    }
}

pub(super) fn resource(word: &str) -> Result<Res, Failure> {
    Ok(match word.to_ascii_lowercase().as_str() {
        "nodes" | "node" | "no" => Res::Nodes,
        "pods" | "pod" | "po" => Res::Pods,
        "deployments" | "deployment" | "deploy" | "deployments.apps" => Res::Deployments,
        "replicasets" | "replicaset" | "rs" | "replicasets.apps" => Res::ReplicaSets,
        "events" | "event" | "ev" => Res::Events,
        _ => {
            return Err(fail(format!(
                "error: the server doesn't have a resource type \"{word}\""
            )))
        }
    })
}

/// `TYPE NAME...` or `TYPE/NAME...`.
pub(super) fn targets(args: &[String]) -> Result<Vec<(Res, Option<String>)>, Failure> {
    let Some(first) = args.first() else {
        return Err(fail("error: you must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources."));
    };
    if first.contains('/') {
        return args
            .iter()
            .map(|a| {
                let (t, n) = a.split_once('/').ok_or_else(|| {
                    fail("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>')")
                })?;
                Ok((resource(t)?, Some(n.to_string())))
            })
            .collect();
    }
    let types: Vec<Res> = first.split(',').map(resource).collect::<Result<_, _>>()?;
    if args.len() == 1 {
        return Ok(types.into_iter().map(|t| (t, None)).collect());
    }
    let t = types[0];
    Ok(args[1..].iter().map(|n| (t, Some(n.clone()))).collect())
}

impl World {
    pub(crate) async fn cmd_kubectl(
        &mut self,
        cmd: KubectlCommand,
        context: &BuildContext,
    ) -> Handled {
        if cmd.has("help") {
            return Ok(Reply::out(HELP));
        }
        if cmd.verb == "version" {
            let client = "Client Version: v1.32.0\nKustomize Version: v5.5.0\n";
            if cmd.has("client") {
                return Ok(Reply::out(client));
            }
            if self.cluster.is_none() {
                return Err(fail(format!("{client}{NO_SERVER}")));
            }
            return Ok(Reply::out(format!(
                "{client}Server Version: v1.32.0 (simulated)\n"
            )));
        }
        if self.cluster.is_none() {
            return Err(fail(NO_SERVER));
        }
        let result = match cmd.verb.as_str() {
            "get"
                if super::kubectl_get_many::wanted(&cmd.args)
                    && !cmd.has("watch")
                    && !cmd.has("watch-only") =>
            {
                self.kubectl_get_many(&cmd)
            }
            "get" | "describe" | "delete" if super::services::service_target(&cmd.args) => {
                self.kubectl_services(&cmd)
            }
            "create"
                if cmd
                    .args
                    .first()
                    .is_some_and(|a| a == "service" || a == "svc") =>
            {
                self.kubectl_create_service(&cmd)
            }
            "expose" => self.kubectl_expose(&cmd),
            "get" if cmd.has("watch") || cmd.has("watch-only") => {
                self.kubectl_get_watch(&cmd).await
            }
            "get" => self.kubectl_get(&cmd),
            "describe" => self.kubectl_describe(&cmd),
            "create" => self.kubectl_create(&cmd),
            "run" => self.kubectl_run(&cmd),
            "scale" => self.kubectl_scale(&cmd),
            "set" => self.kubectl_set(&cmd),
            "label" => self.kubectl_label(&cmd),
            "delete" => self.kubectl_delete(&cmd, context),
            "cordon" | "uncordon" => self.kubectl_cordon(&cmd),
            "drain" => self.kubectl_drain(&cmd),
            "logs" => self.kubectl_logs(&cmd).await,
            "exec" => self.kubectl_exec(&cmd).await,
            "top" => self.kubectl_top(&cmd),
            "apply" => self.kubectl_apply(&cmd, context),
            "rollout" => self.kubectl_rollout(&cmd),
            "annotate" => self.kubectl_annotate(&cmd),
            other => Err(fail(format!(
                "error: unknown command \"{other}\" for \"kubectl\""
            ))),
        };
        self.cluster_sync();
        result
    }

    /// Writes the cluster through to its store, with what the kubelets see of the pods'
    /// containers: what kubectl prints is read from there.
    pub(super) fn refresh_store(&mut self) {
        let runtimes = self.runtimes();
        let now = self.now;
        if let Some(cluster) = self.cluster.as_mut() {
            cluster.sync_store(now, &runtimes);
        }
    }

    /// What each pod's container is doing on its node.
    pub(super) fn runtimes(&mut self) -> Runtimes {
        let Some(cluster) = self.cluster.take() else {
            return Runtimes::new();
        };
        let mut out = Runtimes::new();
        for node in cluster.nodes() {
            let pods: Vec<&Pod> = cluster.pods_on(node.index).collect();
            self.on_host(&node.name, |w| {
                for p in &pods {
                    let Some(c) = p
                        .container
                        .as_ref()
                        .and_then(|id| w.engine.containers.get(id.as_str()))
                    else {
                        continue;
                    };
                    out.insert(
                        p.id,
                        Runtime {
                            running: c.is_running(),
                            restarts: c.restart_count,
                            exited: (!c.is_running()).then_some(c.exit_code),
                        },
                    );
                }
            });
        }
        self.cluster = Some(cluster);
        out
    }

    /// `describe`: each page is printed from the objects' values in the store; the model
    /// only says which objects a name or prefix means.
    fn kubectl_describe(&mut self, cmd: &KubectlCommand) -> Handled {
        let targets = targets(&cmd.args)?;
        self.refresh_store();
        let now = self.now;
        let ns = cmd.namespace().to_string();
        let cluster = self.cluster_or_refused()?;
        let store = cluster.store();
        let not_found = |kind: &str, n: &str| {
            fail(format!(
                "Error from server (NotFound): {kind} \"{n}\" not found"
            ))
        };
        let node_page = |n: &crate::cluster::node::Node| {
            let keys: Vec<String> = cluster
                .pods_on(n.index)
                .map(|p| format!("/registry/pods/{}/{}", p.namespace, p.name))
                .collect();
            print::describe_node(store, &n.name, &keys, now)
        };
        let pod_page = |p: &Pod| {
            print::describe_pod(
                store,
                &format!("/registry/pods/{}/{}", p.namespace, p.name),
                now,
            )
        };
        let mut out = Vec::new();
        for (res, name) in targets {
            match (res, name) {
                (Res::Nodes, Some(n)) => {
                    let node = cluster.node(&n).ok_or_else(|| not_found("nodes", &n))?;
                    out.extend(node_page(node));
                }
                (Res::Nodes, None) => out.extend(cluster.nodes().iter().filter_map(node_page)),
                (Res::Pods, Some(n)) => {
                    // describe takes a name prefix, as kubectl does.
                    let pods: Vec<&Pod> = match cluster.pod(&ns, &n) {
                        Some(p) => vec![p],
                        None => cluster
                            .pods()
                            .filter(|p| p.namespace == ns && p.name.starts_with(&n))
                            .collect(),
                    };
                    if pods.is_empty() {
                        return Err(not_found("pods", &n));
                    }
                    out.extend(pods.into_iter().filter_map(pod_page));
                }
                (Res::Pods, None) => out.extend(
                    cluster
                        .pods()
                        .filter(|p| p.namespace == ns)
                        .filter_map(pod_page),
                ),
                (Res::Deployments, Some(n)) => {
                    let page = print::describe_deployment(store, &ns, &n, now)
                        .ok_or_else(|| not_found("deployments.apps", &n))?;
                    out.push(page);
                }
                (Res::Deployments, None) => out.extend(
                    cluster
                        .deployments()
                        .filter(|d| d.namespace == ns)
                        .filter_map(|d| print::describe_deployment(store, &ns, &d.name, now)),
                ),
                (Res::ReplicaSets, Some(n)) => {
                    let page = print::describe_replicaset(store, &ns, &n, now)
                        .ok_or_else(|| not_found("replicasets.apps", &n))?;
                    out.push(page);
                }
                (Res::ReplicaSets, None) => out.extend(
                    cluster
                        .replicasets()
                        .filter(|r| r.namespace == ns)
                        .filter_map(|r| print::describe_replicaset(store, &ns, &r.name, now)),
                ),
                (r, _) => {
                    return Err(fail(format!(
                    "error: describe of {r:?} is not simulated (describe node, pod, deployment or replicaset)"
                )))
                }
            }
        }
        Ok(Reply::out(out.join("\n\n")))
    }

    fn kubectl_create(&mut self, cmd: &KubectlCommand) -> Handled {
        let [kind, name] = cmd.args.as_slice() else {
            return Err(fail("error: Unexpected args: use kubectl create deployment NAME --image=IMAGE [--replicas=N]"));
        };
        if !matches!(kind.as_str(), "deployment" | "deploy") {
            return Err(fail(format!("error: unknown command \"{kind}\" for \"kubectl create\" (this kubectl creates deployments; apply -f for manifests)")));
        }
        let image = cmd
            .value("image")
            .ok_or_else(|| fail("error: required flag(s) \"image\" not set"))?
            .to_string();
        let replicas = replicas_of(cmd, 1)?;
        let labels = [("app".to_string(), name.clone())].into();
        let template = PodTemplate::single(&container_name(&image), &image, labels);
        let (ns, now) = (cmd.namespace().to_string(), self.now);
        self.with_cluster(|c, rng| c.create_deployment(&ns, name, replicas, template, now, rng))?;
        Ok(Reply::out(format!("deployment.apps/{name} created\n")))
    }

    fn kubectl_run(&mut self, cmd: &KubectlCommand) -> Handled {
        let Some(name) = cmd.args.first() else {
            return Err(fail("error: NAME is required for run"));
        };
        let image = cmd
            .value("image")
            .ok_or_else(|| fail("error: required flag(s) \"image\" not set"))?
            .to_string();
        let labels = [("run".to_string(), name.clone())].into();
        let mut template = PodTemplate::single(name, &image, labels);
        template.containers[0].command =
            cmd.args[1..].iter().chain(&cmd.command).cloned().collect();
        let (ns, now) = (cmd.namespace().to_string(), self.now);
        self.with_cluster(|c, rng| c.create_pod(&ns, name, template, now, rng))?;
        Ok(Reply::out(format!("pod/{name} created\n")))
    }

    fn kubectl_scale(&mut self, cmd: &KubectlCommand) -> Handled {
        let targets = targets(&cmd.args)?;
        if cmd.value("replicas").is_none() {
            return Err(fail("error: required flag(s) \"replicas\" not set"));
        }
        let replicas = replicas_of(cmd, 0)?;
        let ns = cmd.namespace().to_string();
        let mut out = String::new();
        for (res, name) in targets {
            let Some(name) = name else {
                return Err(fail(
                    "error: resource(s) were provided, but no name was specified",
                ));
            };
            if res != Res::Deployments {
                return Err(fail(format!(
                    "error: scale of {res:?} is not simulated (scale deployment/NAME)"
                )));
            }
            self.with_cluster(|c, _| c.scale(&ns, &name, replicas))?;
            out.push_str(&format!("deployment.apps/{name} scaled\n"));
        }
        Ok(Reply::out(out))
    }

    fn kubectl_set(&mut self, cmd: &KubectlCommand) -> Handled {
        if cmd.args.first().map(String::as_str) == Some("image") {
            return self.kubectl_set_image(cmd);
        }
        let (Some("resources"), rest) = (
            cmd.args.first().map(String::as_str),
            cmd.args.get(1..).unwrap_or(&[]),
        ) else {
            return Err(fail("error: this kubectl sets resources and image: kubectl set resources deployment NAME --requests=cpu=100m,memory=128Mi, kubectl set image deployment/NAME CONTAINER=IMAGE"));
        };
        let targets = targets(rest)?;
        let requests = parse_resource_list(cmd.value("requests").unwrap_or(""))?;
        let limits = parse_resource_list(cmd.value("limits").unwrap_or(""))?;
        if requests == Resources::default() && limits == Resources::default() {
            return Err(fail("error: you must specify an update to requests or limits (in the form of --requests/--limits)"));
        }
        let ns = cmd.namespace().to_string();
        let mut out = String::new();
        for (res, name) in targets {
            let (Res::Deployments, Some(name)) = (res, name) else {
                return Err(fail("error: set resources works on deployment NAME here"));
            };
            self.with_cluster(|c, _| {
                c.set_template(&ns, &name, |t| {
                    for ct in &mut t.containers {
                        if requests.cpu_m > 0 {
                            ct.requests.cpu_m = requests.cpu_m;
                        }
                        if requests.memory > 0 {
                            ct.requests.memory = requests.memory;
                        }
                        if limits.cpu_m > 0 {
                            ct.limits.cpu_m = limits.cpu_m;
                        }
                        if limits.memory > 0 {
                            ct.limits.memory = limits.memory;
                        }
                    }
                })
            })?;
            out.push_str(&format!(
                "deployment.apps/{name} resource requirements updated\n"
            ));
        }
        Ok(Reply::out(out))
    }

    fn kubectl_label(&mut self, cmd: &KubectlCommand) -> Handled {
        let Some(first) = cmd.args.first() else {
            return Err(fail(
                "error: resource(s) were provided, but no name was specified",
            ));
        };
        let (target, changes) = if first.contains('/') {
            (vec![first.clone()], &cmd.args[1..])
        } else {
            (
                cmd.args.iter().take(2).cloned().collect(),
                cmd.args.get(2..).unwrap_or(&[]),
            )
        };
        let targets = targets(&target)?;
        if changes.is_empty() {
            return Err(fail("error: at least one label update is required"));
        }
        let (res, Some(name)) = targets[0].clone() else {
            return Err(fail(
                "error: resource(s) were provided, but no name was specified",
            ));
        };
        if res != Res::Nodes {
            return Err(fail(
                "error: label works on nodes here (kubectl label node NAME key=value)",
            ));
        }
        for change in changes {
            let result = match change.strip_suffix('-') {
                Some(key) => self.with_cluster(|c, _| c.label_node(&name, key, None)),
                None => {
                    let (k, v) = change
                        .split_once('=')
                        .ok_or_else(|| fail(format!("error: invalid label spec: {change}")))?;
                    let exists = self
                        .cluster
                        .as_ref()
                        .and_then(|c| c.node(&name))
                        .and_then(|n| n.labels.get(k))
                        .is_some_and(|old| old != v);
                    if exists && !cmd.has("overwrite") {
                        return Err(fail(
                            format!(
                                "error: 'key' already has a value ({k}), and --overwrite is false"
                            )
                            .replace("'key'", &format!("'{k}'")),
                        ));
                    }
                    self.with_cluster(|c, _| c.label_node(&name, k, Some(v)))
                }
            };
            result?;
        }
        Ok(Reply::out(format!("node/{name} labeled\n")))
    }

    fn kubectl_delete(&mut self, cmd: &KubectlCommand, context: &BuildContext) -> Handled {
        if cmd.value("filename").is_some() {
            return self.kubectl_delete_file(cmd, context);
        }
        let targets = targets(&cmd.args)?;
        let (ns, now) = (cmd.namespace().to_string(), self.now);
        let mut out = String::new();
        for (res, name) in targets {
            let Some(name) = name else {
                // `delete pods -l app=web`: every pod the selector picks.
                if let (Res::Pods, Some(selector)) = (&res, cmd.value("selector")) {
                    out.push_str(&self.delete_selected_pods(&ns, selector)?);
                    continue;
                }
                return Err(fail(
                    "error: resource(s) were provided, but no name was specified",
                ));
            };
            match res {
                Res::Pods => {
                    self.with_cluster(|c, _| c.delete_pod_named(&ns, &name, now))?;
                    out.push_str(&format!("pod \"{name}\" deleted\n"));
                }
                Res::Deployments => {
                    self.with_cluster(|c, _| c.delete_deployment(&ns, &name, now))?;
                    out.push_str(&format!("deployment.apps \"{name}\" deleted\n"));
                }
                Res::ReplicaSets => {
                    self.with_cluster(|c, _| c.delete_replicaset(&ns, &name, now))?;
                    out.push_str(&format!("replicaset.apps \"{name}\" deleted\n"));
                }
                Res::Nodes => return Err(fail("error: deleting nodes is not simulated: use cluster node fail NAME, or cordon and drain")),
                Res::Events => return Err(fail("error: deleting events is not simulated")),
            }
        }
        Ok(Reply::out(out))
    }

    fn delete_selected_pods(&mut self, ns: &str, selector: &str) -> Result<String, Failure> {
        let selector = Selector::parse(selector).map_err(fail)?;
        let now = self.now;
        let cluster = self.cluster_or_refused()?;
        let picked: Vec<(u64, String)> =
            crate::cluster::controllers::pods_matching(cluster, Some(ns), &selector)
                .filter(|p| !p.terminating)
                .map(|p| (p.id, p.name.clone()))
                .collect();
        if picked.is_empty() {
            return Ok(format!("No resources found in {ns} namespace.\n"));
        }
        let mut out = String::new();
        for (id, name) in picked {
            self.with_cluster(|c, _| {
                c.delete_pod(id, now);
                Ok(())
            })?;
            out.push_str(&format!("pod \"{name}\" deleted\n"));
        }
        Ok(out)
    }

    fn kubectl_cordon(&mut self, cmd: &KubectlCommand) -> Handled {
        let on = cmd.verb == "cordon";
        let Some(name) = cmd.args.first() else {
            return Err(fail(format!("error: USAGE: {} NODE [flags]", cmd.verb)));
        };
        let now = self.now;
        let changed = self.with_cluster(|c, _| c.set_unschedulable(name, on, now))?;
        let what = if on { "cordoned" } else { "uncordoned" };
        Ok(Reply::out(if changed {
            format!("node/{name} {what}\n")
        } else {
            format!("node/{name} already {what}\n")
        }))
    }

    fn kubectl_drain(&mut self, cmd: &KubectlCommand) -> Handled {
        let Some(name) = cmd.args.first() else {
            return Err(fail("error: USAGE: drain NODE [flags]"));
        };
        let now = self.now;
        let cluster = self.cluster_or_refused()?;
        let node = cluster.node(name).ok_or_else(|| {
            fail(format!(
                "Error from server (NotFound): nodes \"{name}\" not found"
            ))
        })?;
        let pods: Vec<(u64, String, String, bool)> = cluster
            .pods()
            .filter(|p| p.node == Some(node.index) && !p.terminating)
            .map(|p| (p.id, p.namespace.clone(), p.name.clone(), p.owner.is_some()))
            .collect();
        let bare: Vec<String> = pods
            .iter()
            .filter(|p| !p.3)
            .map(|p| format!("{}/{}", p.1, p.2))
            .collect();
        if !bare.is_empty() && !cmd.has("force") {
            let _ = self.with_cluster(|c, _| c.set_unschedulable(name, true, now));
            return Err(fail(format!(
                "node/{name} cordoned\nerror: unable to drain node \"{name}\" due to error: cannot delete Pods that declare no controller (use --force to override): {}, continuing command...\nThere are pending nodes to be drained:\n {name}\ncannot delete Pods that declare no controller (use --force to override): {}",
                bare.join(", "),
                bare.join(", ")
            )));
        }
        let mut out = String::new();
        if self.with_cluster(|c, _| c.set_unschedulable(name, true, now))? {
            out.push_str(&format!("node/{name} cordoned\n"));
        }
        if !bare.is_empty() {
            out.push_str(&format!(
                "Warning: deleting Pods that declare no controller: {}\n",
                bare.join(", ")
            ));
        }
        for (id, _, pod, _) in &pods {
            out.push_str(&format!("evicting pod default/{pod}\n"));
            self.with_cluster(|c, _| {
                c.delete_pod(*id, now);
                Ok(())
            })?;
        }
        for (_, _, pod, _) in &pods {
            out.push_str(&format!("pod/{pod} evicted\n"));
        }
        out.push_str(&format!("node/{name} drained\n"));
        Ok(Reply::out(out))
    }

    /// The node and container of a pod, for `logs` and `exec`.
    fn pod_container(&self, cmd: &KubectlCommand) -> Result<(String, String), Failure> {
        let cluster = self.cluster_or_refused()?;
        let name = cmd
            .args
            .first()
            .ok_or_else(|| fail("error: expected POD_NAME"))?;
        let name = name.strip_prefix("pod/").unwrap_or(name);
        let pod = cluster.pod(cmd.namespace(), name).ok_or_else(|| {
            fail(format!(
                "Error from server (NotFound): pods \"{name}\" not found"
            ))
        })?;
        match (cluster.node_of(pod), &pod.container) {
            (Some(node), Some(c)) => Ok((node.to_string(), c.clone())),
            _ => Err(fail(format!(
                "Error from server (BadRequest): container \"{}\" in pod \"{name}\" is waiting to start: ContainerCreating",
                pod.spec.containers.first().map_or("", |c| c.name.as_str())
            ))),
        }
    }

    async fn kubectl_logs(&mut self, cmd: &KubectlCommand) -> Handled {
        let (node, container) = self.pod_container(cmd)?;
        self.docker_on(&node, &["logs".into(), container]).await
    }

    async fn kubectl_exec(&mut self, cmd: &KubectlCommand) -> Handled {
        if cmd.command.is_empty() {
            return Err(fail(
                "error: you must specify at least one command for the container",
            ));
        }
        let (node, container) = self.pod_container(cmd)?;
        let mut words = vec!["exec".to_string(), container];
        words.extend(cmd.command.iter().cloned());
        let result = self.docker_on(&node, &words).await;
        // kubectl's wording for a command that failed inside the container.
        match result {
            Ok(mut reply) if reply.exit_code != 0 => {
                reply.stderr.push_str(&format!(
                    "command terminated with exit code {}\n",
                    reply.exit_code
                ));
                Ok(reply)
            }
            other => other,
        }
    }

    /// Runs a docker command on `node`'s engine (the pod's container, by ID).
    async fn docker_on(&mut self, node: &str, words: &[String]) -> Handled {
        let mut line = vec!["docker".to_string()];
        line.extend(words.iter().cloned());
        let line =
            shlex::try_join(line.iter().map(String::as_str)).map_err(|e| fail(e.to_string()))?;
        let Ok(Command::Docker(inv)) = command::parse_line(&line) else {
            return Err(fail("error: cannot pass this command to the container"));
        };
        if !self.enter_host(node) {
            return Err(fail(format!("error: node {node} has no engine")));
        }
        let result = Box::pin(self.docker(inv, &BuildContext::default())).await;
        self.enter_host(crate::DEFAULT_HOST);
        result
    }

    fn kubectl_top(&mut self, cmd: &KubectlCommand) -> Handled {
        let what = cmd.args.first().map(String::as_str).unwrap_or("");
        let cluster = self.cluster_or_refused()?;
        // No metrics-server: the figures are what the pods request (said in the header note).
        match what {
            "nodes" | "node" | "no" => {
                let rows: Vec<Vec<String>> = cluster
                    .nodes()
                    .iter()
                    .map(|n| {
                        vec![
                            n.name.clone(),
                            format!("{}m", n.requested.cpu_m),
                            format!("{}%", n.requested.cpu_m * 100 / n.capacity.cpu_m.max(1)),
                            crate::cluster::quantity::format_memory_mi(n.requested.memory),
                            format!("{}%", n.requested.memory * 100 / n.capacity.memory.max(1)),
                        ]
                    })
                    .collect();
                Ok(Reply::out(print::table(
                    &["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"],
                    &rows,
                )))
            }
            "pods" | "pod" | "po" => {
                let ns = cmd.namespace();
                let rows: Vec<Vec<String>> = cluster
                    .pods()
                    .filter(|p| p.namespace == ns && p.node.is_some())
                    .map(|p| {
                        let r = p.spec.requests();
                        vec![
                            p.name.clone(),
                            format!("{}m", r.cpu_m),
                            crate::cluster::quantity::format_memory_mi(r.memory),
                        ]
                    })
                    .collect();
                Ok(Reply::out(print::table(
                    &["NAME", "CPU(cores)", "MEMORY(bytes)"],
                    &rows,
                )))
            }
            "" => Err(fail("error: you must specify a resource: nodes or pods")),
            other => Err(fail(format!(
                "error: the server doesn't have a resource type \"{other}\""
            ))),
        }
    }
}

fn replicas_of(cmd: &KubectlCommand, default: u32) -> Result<u32, Failure> {
    match cmd.value("replicas") {
        None => Ok(default),
        Some(v) => v.parse().map_err(|_| {
            fail(format!("error: invalid argument \"{v}\" for \"--replicas\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax"))
        }),
    }
}

/// `cpu=100m,memory=128Mi`.
fn parse_resource_list(text: &str) -> Result<Resources, Failure> {
    let mut r = Resources::default();
    for part in text.split(',').filter(|p| !p.is_empty()) {
        let bad = || fail(format!("error: invalid resource specification: {part}"));
        let (k, v) = part.split_once('=').ok_or_else(bad)?;
        match k {
            "cpu" => r.cpu_m = parse_cpu(v).ok_or_else(bad)?,
            "memory" => r.memory = parse_memory(v).ok_or_else(bad)?,
            _ => return Err(bad()),
        }
    }
    Ok(r)
}

/// The container name kubectl derives from an image (`nginx:1.27` → `nginx`).
fn container_name(image: &str) -> String {
    let last = image.rsplit('/').next().unwrap_or(image);
    last.split([':', '@']).next().unwrap_or(last).to_string()
}
