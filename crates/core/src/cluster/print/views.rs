//! What kubectl reads back from the store: each kind's value decoded into just the fields its
//! printers need. Strings borrow from the stored JSON where they can, so listing 150,000 pods
//! allocates little more than the table it prints.

use crate::cluster::labels::Labels;
use crate::cluster::store::Store;
use crate::event::Tick;
use serde::Deserialize;
use std::borrow::Cow;

type Text<'a> = Cow<'a, str>;

#[derive(Deserialize, Debug)]
pub struct Meta<'a> {
    #[serde(borrow)]
    pub name: Text<'a>,
    #[serde(borrow, default)]
    pub namespace: Text<'a>,
    #[serde(default)]
    pub labels: Labels,
    #[serde(borrow, rename = "creationTimestamp", default)]
    pub creation_timestamp: Text<'a>,
    #[serde(borrow, rename = "deletionTimestamp", default)]
    pub deletion_timestamp: Option<Text<'a>>,
}

impl Meta<'_> {
    /// When it was created, on the World's clock (0 if the stamp does not read).
    pub fn created(&self) -> Tick {
        parse_rfc3339(&self.creation_timestamp).unwrap_or(0)
    }
}

#[derive(Deserialize, Debug)]
pub struct ContainerView<'a> {
    #[serde(borrow)]
    pub name: Text<'a>,
    #[serde(borrow)]
    pub image: Text<'a>,
}

#[derive(Deserialize, Debug)]
pub struct PodSpecView<'a> {
    #[serde(borrow)]
    pub containers: Vec<ContainerView<'a>>,
    #[serde(borrow, rename = "nodeName", default)]
    pub node_name: Option<Text<'a>>,
}

#[derive(Deserialize, Debug, Default)]
pub struct StateView<'a> {
    #[serde(default)]
    pub running: Option<serde::de::IgnoredAny>,
    #[serde(borrow, default)]
    pub waiting: Option<Reason<'a>>,
    #[serde(borrow, default)]
    pub terminated: Option<Terminated<'a>>,
}

#[derive(Deserialize, Debug)]
pub struct Reason<'a> {
    #[serde(borrow, default)]
    pub reason: Text<'a>,
}

#[derive(Deserialize, Debug)]
pub struct Terminated<'a> {
    #[serde(rename = "exitCode", default)]
    pub exit_code: i32,
    #[serde(borrow, default)]
    pub reason: Text<'a>,
}

#[derive(Deserialize, Debug)]
pub struct ContainerStatusView<'a> {
    pub ready: bool,
    #[serde(rename = "restartCount")]
    pub restart_count: u32,
    #[serde(borrow, default)]
    pub state: StateView<'a>,
}

#[derive(Deserialize, Debug)]
pub struct PodStatusView<'a> {
    #[serde(borrow, rename = "containerStatuses", default)]
    pub container_statuses: Vec<ContainerStatusView<'a>>,
    #[serde(borrow)]
    pub phase: Text<'a>,
    #[serde(borrow, rename = "podIP", default)]
    pub pod_ip: Option<Text<'a>>,
}

#[derive(Deserialize, Debug)]
pub struct PodView<'a> {
    #[serde(borrow)]
    pub metadata: Meta<'a>,
    #[serde(borrow)]
    pub spec: PodSpecView<'a>,
    #[serde(borrow)]
    pub status: PodStatusView<'a>,
}

impl PodView<'_> {
    /// READY, STATUS and RESTARTS as kubectl's pod printer derives them from the statuses.
    pub fn columns(&self) -> (String, String, u32) {
        let mut reason: &str = &self.status.phase;
        let mut ready = 0;
        let mut restarts = 0;
        for c in self.status.container_statuses.iter().rev() {
            restarts += c.restart_count;
            let s = &c.state;
            if let Some(w) = s.waiting.as_ref().filter(|w| !w.reason.is_empty()) {
                reason = &w.reason;
            } else if let Some(t) = s.terminated.as_ref().filter(|t| !t.reason.is_empty()) {
                reason = &t.reason;
            } else if c.ready && s.running.is_some() {
                ready += 1;
            }
        }
        let status = match (&self.metadata.deletion_timestamp, reason) {
            (Some(_), _) => "Terminating".to_string(),
            (None, r) => r.to_string(),
        };
        let total = self.spec.containers.len().max(1);
        (format!("{ready}/{total}"), status, restarts)
    }
}

#[derive(Deserialize, Debug)]
pub struct Address<'a> {
    #[serde(borrow)]
    pub address: Text<'a>,
    #[serde(borrow, rename = "type")]
    pub kind: Text<'a>,
}

#[derive(Deserialize, Debug)]
pub struct Condition<'a> {
    #[serde(borrow)]
    pub status: Text<'a>,
    #[serde(borrow, rename = "type")]
    pub kind: Text<'a>,
}

#[derive(Deserialize, Debug)]
pub struct NodeSpecView {
    #[serde(default)]
    pub unschedulable: bool,
}

#[derive(Deserialize, Debug)]
pub struct NodeStatusView<'a> {
    #[serde(borrow, default)]
    pub addresses: Vec<Address<'a>>,
    #[serde(borrow, default)]
    pub conditions: Vec<Condition<'a>>,
}

#[derive(Deserialize, Debug)]
pub struct NodeView<'a> {
    #[serde(borrow)]
    pub metadata: Meta<'a>,
    pub spec: NodeSpecView,
    #[serde(borrow)]
    pub status: NodeStatusView<'a>,
}

impl NodeView<'_> {
    /// `Ready`, `NotReady`, with `,SchedulingDisabled` when cordoned.
    pub fn status(&self) -> String {
        let ready = self
            .status
            .conditions
            .iter()
            .any(|c| c.kind == "Ready" && c.status == "True");
        let base = if ready { "Ready" } else { "NotReady" };
        if self.spec.unschedulable {
            format!("{base},SchedulingDisabled")
        } else {
            base.into()
        }
    }

    pub fn internal_ip(&self) -> &str {
        self.status
            .addresses
            .iter()
            .find(|a| a.kind == "InternalIP")
            .map_or("<none>", |a| &a.address)
    }
}

#[derive(Deserialize, Debug)]
pub struct TemplateView<'a> {
    #[serde(borrow)]
    pub spec: PodSpecView<'a>,
}

#[derive(Deserialize, Debug)]
pub struct WorkloadSpecView<'a> {
    pub replicas: u32,
    #[serde(borrow)]
    pub template: TemplateView<'a>,
}

#[derive(Deserialize, Debug, Default)]
pub struct WorkloadStatusView {
    #[serde(rename = "availableReplicas", default)]
    pub available: usize,
    #[serde(rename = "readyReplicas", default)]
    pub ready: usize,
    #[serde(default)]
    pub replicas: usize,
    #[serde(rename = "updatedReplicas", default)]
    pub updated: usize,
}

/// A ReplicaSet or a Deployment.
#[derive(Deserialize, Debug)]
pub struct WorkloadView<'a> {
    #[serde(borrow)]
    pub metadata: Meta<'a>,
    #[serde(borrow)]
    pub spec: WorkloadSpecView<'a>,
    #[serde(default)]
    pub status: WorkloadStatusView,
}

impl WorkloadView<'_> {
    /// The CONTAINERS and IMAGES columns of `-o wide`.
    pub fn containers_images(&self) -> [String; 2] {
        let c = &self.spec.template.spec.containers;
        let names: Vec<&str> = c.iter().map(|c| c.name.as_ref()).collect();
        let images: Vec<&str> = c.iter().map(|c| c.image.as_ref()).collect();
        [names.join(","), images.join(",")]
    }
}

#[derive(Deserialize, Debug)]
pub struct ServicePortView<'a> {
    #[serde(borrow, default)]
    pub name: Option<Text<'a>>,
    #[serde(rename = "nodePort", default)]
    pub node_port: Option<u32>,
    pub port: u32,
    #[serde(borrow)]
    pub protocol: Text<'a>,
    #[serde(rename = "targetPort")]
    pub target_port: u32,
}

#[derive(Deserialize, Debug)]
pub struct ServiceSpecView<'a> {
    #[serde(borrow, rename = "clusterIP")]
    pub cluster_ip: Text<'a>,
    #[serde(borrow, default)]
    pub ports: Vec<ServicePortView<'a>>,
    #[serde(default)]
    pub selector: Labels,
    #[serde(borrow, rename = "type")]
    pub kind: Text<'a>,
}

#[derive(Deserialize, Debug)]
pub struct ServiceView<'a> {
    #[serde(borrow)]
    pub metadata: Meta<'a>,
    #[serde(borrow)]
    pub spec: ServiceSpecView<'a>,
}

#[derive(Deserialize, Debug)]
pub struct EndpointAddress<'a> {
    #[serde(borrow, default)]
    pub ip: Option<Text<'a>>,
}

#[derive(Deserialize, Debug)]
pub struct Subset<'a> {
    #[serde(borrow, default)]
    pub addresses: Vec<EndpointAddress<'a>>,
    #[serde(default)]
    pub ports: Vec<u32>,
}

#[derive(Deserialize, Debug)]
pub struct EndpointsView<'a> {
    #[serde(borrow)]
    pub metadata: Meta<'a>,
    #[serde(borrow, default)]
    pub subsets: Vec<Subset<'a>>,
}

impl EndpointsView<'_> {
    /// `ip:port` for every address and port, as kubectl's ENDPOINTS column lists them.
    pub fn addresses(&self) -> Vec<String> {
        let mut out = Vec::new();
        for s in &self.subsets {
            for a in &s.addresses {
                for p in &s.ports {
                    out.push(format!("{}:{p}", a.ip.as_deref().unwrap_or("")));
                }
            }
        }
        out
    }
}

#[derive(Deserialize, Debug)]
pub struct SliceEndpoint<'a> {
    #[serde(borrow, default)]
    pub addresses: Vec<Text<'a>>,
}

#[derive(Deserialize, Debug)]
pub struct SlicePort<'a> {
    #[serde(borrow, default)]
    pub name: Text<'a>,
    pub port: u32,
    #[serde(borrow, default)]
    pub protocol: Text<'a>,
}

#[derive(Deserialize, Debug)]
pub struct SliceView<'a> {
    #[serde(borrow)]
    pub metadata: Meta<'a>,
    #[serde(borrow, rename = "addressType")]
    pub address_type: Text<'a>,
    #[serde(borrow, default)]
    pub endpoints: Vec<SliceEndpoint<'a>>,
    #[serde(borrow, default)]
    pub ports: Vec<SlicePort<'a>>,
}

impl SliceView<'_> {
    /// Every endpoint's addresses, in order.
    pub fn addresses(&self) -> Vec<String> {
        self.endpoints
            .iter()
            .flat_map(|e| e.addresses.iter().map(|a| a.to_string()))
            .collect()
    }
}

#[derive(Deserialize, Debug)]
pub struct InvolvedObject<'a> {
    #[serde(borrow)]
    pub kind: Text<'a>,
    #[serde(borrow)]
    pub name: Text<'a>,
}

#[derive(Deserialize, Debug)]
pub struct Source<'a> {
    #[serde(borrow, default)]
    pub component: Text<'a>,
}

/// A v1 Event: one line of `kubectl get events`.
#[derive(Deserialize, Debug)]
pub struct EventView<'a> {
    #[serde(borrow)]
    pub metadata: Meta<'a>,
    #[serde(borrow, rename = "involvedObject")]
    pub involved_object: InvolvedObject<'a>,
    #[serde(borrow)]
    pub reason: Text<'a>,
    #[serde(borrow, default)]
    pub message: Text<'a>,
    #[serde(default)]
    pub count: u32,
    #[serde(borrow, rename = "firstTimestamp")]
    pub first_timestamp: Text<'a>,
    #[serde(borrow, rename = "lastTimestamp")]
    pub last_timestamp: Text<'a>,
    #[serde(borrow, rename = "type")]
    pub kind: Text<'a>,
    #[serde(borrow)]
    pub source: Source<'a>,
}

impl EventView<'_> {
    /// `pod/web-…`: the object as kubectl's OBJECT column names it.
    pub fn object(&self) -> String {
        format!(
            "{}/{}",
            self.involved_object.kind.to_ascii_lowercase(),
            self.involved_object.name
        )
    }

    pub fn first_at(&self) -> Tick {
        parse_rfc3339(&self.first_timestamp).unwrap_or(0)
    }

    pub fn last_at(&self) -> Tick {
        parse_rfc3339(&self.last_timestamp).unwrap_or(0)
    }

    /// The order events were first recorded in: their first time, then the nanoseconds the
    /// name's hex suffix adds for Events begun at the same tick.
    pub fn order(&self) -> (Tick, u128) {
        let suffix = self.metadata.name.rsplit('.').next().unwrap_or("");
        (
            self.first_at(),
            u128::from_str_radix(suffix, 16).unwrap_or(0),
        )
    }
}

/// The values under `prefix` (`/registry/pods/default/`), decoded; values that do not decode
/// as `T` are left out (the store only holds what the cluster wrote).
pub fn list<'s, T: Deserialize<'s>>(store: &'s Store, prefix: &str) -> Vec<T> {
    store
        .prefix(prefix)
        .filter_map(|(_, e)| serde_json::from_str(&e.value).ok())
        .collect()
}

/// One key's value, decoded.
pub fn get<'s, T: Deserialize<'s>>(store: &'s Store, key: &str) -> Option<T> {
    store
        .get(key)
        .and_then(|e| serde_json::from_str(&e.value).ok())
}

/// `2025-01-01T00:00:05Z` or `...05.250Z` (what the store writes) back to the World's clock.
pub fn parse_rfc3339(text: &str) -> Option<Tick> {
    let (date, time) = text.strip_suffix('Z')?.split_once('T')?;
    let mut d = date.splitn(3, '-').map(|x| x.parse::<i64>().ok());
    let (y, mo, day) = (d.next()??, d.next()??, d.next()??);
    let (hms, frac) = time.split_once('.').unwrap_or((time, "0"));
    let mut t = hms.splitn(3, ':').map(|x| x.parse::<i64>().ok());
    let (h, mi, s) = (t.next()??, t.next()??, t.next()??);
    let days = crate::program::calendar::days_from_civil(
        y,
        u32::try_from(mo).ok()?,
        u32::try_from(day).ok()?,
    );
    let unix = days * 86_400 + h * 3600 + mi * 60 + s;
    // Milliseconds: the first three digits of the fraction.
    let ms: i64 = format!("{frac:0<3}")[..3].parse().ok()?;
    let since = (unix - crate::output::EPOCH_UNIX as i64) * 1000 + ms;
    u64::try_from(since).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_read_back_to_the_tick_they_were_written_at() {
        for tick in [0u64, 999, 1_000, 61_250, 86_400_000 * 400 + 7] {
            let text = crate::cluster::store_pod::timestamp(tick);
            assert_eq!(parse_rfc3339(&text), Some(tick), "{text}");
        }
        assert_eq!(parse_rfc3339("2025-01-01T00:00:05Z"), Some(5_000));
        assert_eq!(
            crate::cluster::store_pod::timestamp(61_250),
            "2025-01-01T00:01:01.250Z"
        );
        assert_eq!(parse_rfc3339("2025-01-01T00:00:05.250000000Z"), Some(5_250));
        assert_eq!(parse_rfc3339("yesterday"), None);
    }

    #[test]
    fn pod_columns_follow_kubectls_printer() {
        let pod = |statuses: &str, deleted: &str| {
            format!(
                r#"{{"metadata":{{"name":"p","creationTimestamp":"2025-01-01T00:00:00Z"{deleted}}},"spec":{{"containers":[{{"name":"c","image":"i"}}]}},"status":{{"phase":"Running","containerStatuses":[{statuses}]}}}}"#
            )
        };
        let cols = |text: &str| serde_json::from_str::<PodView>(text).unwrap().columns();
        let running = pod(
            r#"{"ready":true,"restartCount":2,"state":{"running":{}}}"#,
            "",
        );
        assert_eq!(cols(&running), ("1/1".into(), "Running".into(), 2));
        let waiting = pod(
            r#"{"ready":false,"restartCount":3,"state":{"waiting":{"reason":"CrashLoopBackOff"}}}"#,
            "",
        );
        assert_eq!(cols(&waiting), ("0/1".into(), "CrashLoopBackOff".into(), 3));
        let ended = pod(
            r#"{"ready":false,"restartCount":0,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}}"#,
            "",
        );
        assert_eq!(cols(&ended).1, "Completed");
        let deleted = pod(
            r#"{"ready":true,"restartCount":0,"state":{"running":{}}}"#,
            r#","deletionTimestamp":"2025-01-01T00:01:00Z""#,
        );
        assert_eq!(cols(&deleted).1, "Terminating");
    }
}
