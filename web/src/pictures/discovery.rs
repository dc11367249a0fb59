//! One lookup by name from inside a pod, drawn step by step: the pod on its node, its
//! resolv.conf search list, each name the resolver asked CoreDNS with the answer, the
//! Service's ClusterIP, the endpoints kube-proxy chooses among, the pods behind them on their
//! nodes; then the etcd store's keys holding those facts, lit when the last command wrote them.
//! Every fact comes from the core (`view::last_lookup`, `view::lookup`).

use std::rc::Rc;

use sim_core::view::{last_lookup, lookup, LookupView};
use sim_core::World;
use yew::prelude::*;

use super::labels::{t, Label};
use super::svg::{clip, empty, frame, text};

const W: i32 = 440;
const ROW: i32 = 16;

/// What the discovery picture draws: the lookup, and the Services a learner may look up instead.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Discovery {
    pub lookup: Option<LookupView>,
    pub services: Vec<String>,
    /// The Service chosen by a click, if any (else the last `kubectl exec` lookup is drawn).
    pub picked: Option<String>,
}

/// The lookup to draw in `world`: of the Service `picked` from the last lookup's pod (or the
/// first running pod), else the last `kubectl exec POD -- nslookup|wget NAME`. None without a
/// cluster.
pub fn discovery_of(world: &World, picked: Option<&str>) -> Option<Discovery> {
    let cluster = world.cluster()?;
    let services: Vec<String> = cluster
        .services()
        .iter()
        .filter(|s| s.name != "kubernetes")
        .map(|s| s.name.clone())
        .collect();
    let last = last_lookup(world);
    let picked = picked.filter(|p| services.iter().any(|s| s == p));
    let lookup = match picked {
        Some(service) => {
            let from = last.as_ref().map(|(pod, _, _)| pod.clone()).or_else(|| {
                cluster
                    .pods()
                    .find(|p| !p.terminating && p.ip.is_some())
                    .map(|p| p.name.clone())
            });
            // As a client would connect: to the Service's first port.
            let port = cluster
                .services()
                .iter()
                .find(|s| s.name == service)
                .and_then(|s| s.ports.first())
                .map(|p| p.port);
            from.and_then(|pod| lookup(world, &pod, service, port))
        }
        None => last.and_then(|(pod, name, port)| lookup(world, &pod, &name, port)),
    };
    Some(Discovery {
        lookup,
        services,
        picked: picked.map(str::to_string),
    })
}

#[derive(Properties, PartialEq)]
pub struct DiscoveryPictureProps {
    pub discovery: Rc<Discovery>,
    pub lang: &'static str,
    /// A Service's name when its button is clicked.
    #[prop_or_default]
    pub on_pick: Callback<String>,
}

#[component]
pub fn DiscoveryPicture(props: &DiscoveryPictureProps) -> Html {
    let lang = props.lang;
    let d = &props.discovery;
    let buttons = d.services.iter().map(|name| {
        let active = d.picked.as_deref() == Some(name.as_str());
        let on_pick = props.on_pick.clone();
        let service = name.clone();
        let onclick = Callback::from(move |_: MouseEvent| on_pick.emit(service.clone()));
        html! {
            <button type="button" class={classes!("pic-strategy", active.then_some("pic-active"))}
                aria-pressed={active.to_string()} {onclick}>{ name.clone() }</button>
        }
    });
    let body = match &d.lookup {
        Some(v) => steps(v, lang),
        None => empty(t(lang, Label::NoLookup)),
    };
    html! {
        <div class="pic-discovery">
            if !d.services.is_empty() {
                <div class="pic-strategies" role="group" aria-label={t(lang, Label::LookUpService)}>
                    <span class="pic-small">{ t(lang, Label::LookUpService) }</span>
                    { for buttons }
                </div>
            }
            { body }
        </div>
    }
}

/// One numbered step: a box with a title line and detail lines under it.
fn step(
    y: i32,
    n: usize,
    title: String,
    lines: Vec<(String, &'static str)>,
    class: &'static str,
) -> (Html, i32) {
    let height = 20 + lines.len() as i32 * ROW + 4;
    let drawn = lines
        .into_iter()
        .enumerate()
        .map(|(i, (line, class))| text(30, y + 32 + i as i32 * ROW, class, clip(&line, 72)));
    let html = html! {
        <g class={classes!("pic-disc-step", class)}>
            <rect class="pic-disc-box" x="0" y={y.to_string()} width={W.to_string()} height={height.to_string()} rx="5" />
            <circle class="pic-disc-num" cx="14" cy={(y + 13).to_string()} r="8" />
            { text(11, y + 17, "pic-tiny", n.to_string()) }
            { text(30, y + 16, "pic-label", clip(&title, 64)) }
            { for drawn }
        </g>
    };
    (html, y + height + 10)
}

fn steps(v: &LookupView, lang: &'static str) -> Html {
    let mut parts: Vec<Html> = Vec::new();
    let mut y = 0;
    let mut number = 0;
    let mut add = |title: String, lines: Vec<(String, &'static str)>, class: &'static str| {
        number += 1;
        let (h, next) = step(y, number, title, lines, class);
        if number > 1 {
            parts.push(html! { <line class="pic-disc-arrow" x1="14" x2="14" y1={(y - 10).to_string()} y2={y.to_string()} /> });
        }
        parts.push(h);
        y = next;
    };
    let target = match v.port {
        Some(port) => format!("{}:{port}", v.name),
        None => v.name.clone(),
    };
    add(
        format!("{} {} → {target}", t(lang, Label::Pod), v.pod),
        vec![(
            format!(
                "{} {} · {} {}",
                t(lang, Label::Node),
                v.node,
                "IP",
                v.pod_ip
            ),
            "pic-small",
        )],
        "",
    );
    add(
        "/etc/resolv.conf".to_string(),
        vec![
            (format!("search {}", v.search.join(" ")), "pic-small"),
            (
                "nameserver 10.96.0.10 · options ndots:5".to_string(),
                "pic-small pic-muted",
            ),
        ],
        "",
    );
    let answered = v.tried.last().is_some_and(|(_, ips)| !ips.is_empty());
    let dns_lines = v
        .tried
        .iter()
        .map(|(fqdn, ips)| {
            if ips.is_empty() {
                (format!("{fqdn} → NXDOMAIN"), "pic-small pic-muted")
            } else {
                (
                    format!("{fqdn} → {}", ips.join(", ")),
                    "pic-small pic-disc-hit",
                )
            }
        })
        .collect();
    add(
        t(lang, Label::DnsAsked).to_string(),
        dns_lines,
        if answered { "" } else { "pic-disc-miss" },
    );
    if let Some(service) = &v.service {
        let title = match &v.cluster_ip {
            Some(ip) => format!("Service {service} · ClusterIP {ip}"),
            None => format!("Service {service} · {}", t(lang, Label::Headless)),
        };
        add(
            title,
            vec![(t(lang, Label::VirtualIp).to_string(), "pic-small pic-muted")],
            "",
        );
        let mut lines: Vec<(String, &'static str)> = v
            .endpoints
            .iter()
            .take(8)
            .map(|e| (format!("{} → {} @ {}", e.ip, e.pod, e.node), "pic-small"))
            .collect();
        if v.endpoints.len() > 8 {
            lines.push((
                super::labels::more(lang, v.endpoints.len() - 8),
                "pic-small",
            ));
        }
        if v.endpoints.is_empty() {
            lines.push((
                t(lang, Label::NoEndpoints).to_string(),
                "pic-small pic-down",
            ));
        }
        let title = if v.cluster_ip.is_some() {
            format!(
                "kube-proxy: {} ({})",
                t(lang, Label::PicksOne),
                v.endpoints.len()
            )
        } else {
            t(lang, Label::ClientPicks).to_string()
        };
        add(
            title,
            lines,
            if v.endpoints.is_empty() {
                "pic-disc-miss"
            } else {
                ""
            },
        );
    }
    let key_lines: Vec<(String, &'static str)> = v
        .keys
        .iter()
        .map(|k| {
            let class = match (k.deleted, k.lit) {
                (true, _) => "pic-small pic-key-deleted",
                (false, true) => "pic-small pic-key-lit",
                _ => "pic-small pic-muted",
            };
            let mark = if k.deleted { "DELETE" } else { "PUT" };
            (
                format!(
                    "{} · rev {} {}",
                    k.key,
                    k.mod_revision,
                    if k.lit { mark } else { "" }
                ),
                class,
            )
        })
        .collect();
    add(
        format!("etcd · revision {}", v.revision),
        key_lines,
        "pic-disc-store",
    );
    let description = if lang == "ko" {
        format!(
            "파드 {}에서 {} 찾기: search 목록으로 이름 {}개를 물었고, {}. 엔드포인트 {}개. 저장소 키 {}개 중 방금 바뀐 것 {}개.",
            v.pod,
            v.name,
            v.tried.len(),
            v.cluster_ip.as_deref().map_or("답이 없거나 헤드리스".to_string(), |ip| format!("ClusterIP {ip}")),
            v.endpoints.len(),
            v.keys.len(),
            v.keys.iter().filter(|k| k.lit).count()
        )
    } else {
        format!(
            "Looking up {} from pod {}: {} names asked through the search list; {}. {} endpoints. Of {} store keys, {} just changed.",
            v.name,
            v.pod,
            v.tried.len(),
            v.cluster_ip.as_deref().map_or("no answer, or headless".to_string(), |ip| format!("ClusterIP {ip}")),
            v.endpoints.len(),
            v.keys.len(),
            v.keys.iter().filter(|k| k.lit).count()
        )
    };
    frame(W, y, description, html! { <>{ for parts }</> })
}
