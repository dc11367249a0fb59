//! Bridge networking: one bridge `simbr0` (the gateway address of the core's network, as
//! docker0 is), and per container a named network namespace with a veth pair: the host end
//! on the bridge, `eth0` inside with the IP the model gave the container and a default route
//! via the bridge. Done with iproute2's `ip` (installed on every target machine): a handful of
//! calls per container, where netlink would need a new dependency and a lot of message code.
//!
//! The namespace is made (and configured) before the container's init starts, which then
//! joins it: its first instruction already has the network.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub const BRIDGE: &str = "simbr0";
/// The core's default bridge network (as docker0): containers get 172.17.0.2 onwards.
pub const GATEWAY: &str = "172.17.0.1";
pub const PREFIX_LEN: u8 = 16;
/// Where `ip netns` keeps its namespaces.
const NETNS_DIR: &str = "/run/netns";

/// Why bridge networking is not available here (containers then get loopback only).
pub fn unavailable() -> Option<String> {
    let found = ["/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"]
        .iter()
        .any(|p| Path::new(p).exists());
    if !found {
        return Some("iproute2's `ip` is not installed".into());
    }
    if !Path::new("/sys/class/net").exists() {
        return Some("/sys/class/net is missing".into());
    }
    None
}

fn ip(args: &[&str]) -> io::Result<()> {
    let out = Command::new("ip")
        .args(args)
        .stdin(Stdio::null())
        .output()?;
    if out.status.success() {
        Ok(())
    } else {
        Err(io::Error::other(format!(
            "ip {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        )))
    }
}

/// The names of one container's network: its namespace (the state directory's prefix, so
/// sessions on other state directories never touch it) and the host end of its veth pair.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Names {
    pub netns: String,
    pub veth: String,
}

impl Names {
    /// `prefix` is [`crate::prune::group_prefix`] of the state directory.
    pub fn of(prefix: &str, id: &str) -> Names {
        let id8: String = id.chars().take(8).collect();
        // Sessions with the same seed have the same container IDs: three characters of the
        // state directory's prefix keep their veths apart (interface names have 15 bytes).
        let tag: String = prefix.chars().take(3).collect();
        Names {
            netns: format!("sim-{prefix}{id}"),
            veth: format!("veth{id8}{tag}"),
        }
    }

    pub fn netns_path(&self) -> PathBuf {
        Path::new(NETNS_DIR).join(&self.netns)
    }
}

pub fn exists(name: &str) -> bool {
    Path::new("/sys/class/net").join(name).exists()
}

/// Creates the bridge if it is not there yet.
pub fn ensure_bridge() -> io::Result<()> {
    if exists(BRIDGE) {
        return Ok(());
    }
    // Another session may create it at the same moment: only the end state matters.
    let _ = ip(&["link", "add", BRIDGE, "type", "bridge"]);
    let cidr = format!("{GATEWAY}/{PREFIX_LEN}");
    let _ = ip(&["addr", "add", &cidr, "dev", BRIDGE]);
    ip(&["link", "set", BRIDGE, "up"])
}

/// Makes the container's namespace with `eth0` at `address` (from the model), its veth's host
/// end on the bridge. Whatever an earlier run left under these names goes first.
pub fn attach(names: &Names, address: &str) -> io::Result<()> {
    // The batch lines are words: only a plain IPv4 address goes in.
    if address.parse::<std::net::Ipv4Addr>().is_err() {
        return Err(io::Error::other(format!(
            "{address:?} is not an IPv4 address"
        )));
    }
    ensure_bridge()?;
    detach(names);
    // Two batches (one `ip` process each, ~8 ms) instead of seven calls (~10 ms apiece).
    let cidr = format!("{address}/{PREFIX_LEN}");
    let host = [
        format!("netns add {}", names.netns),
        format!(
            "link add {} type veth peer name eth0 netns {}",
            names.veth, names.netns
        ),
        format!("link set {} master {BRIDGE} up", names.veth),
    ];
    // onlink: the model's user-defined networks have other subnets on the same bridge.
    let inside = [
        format!("addr add {cidr} dev eth0"),
        "link set eth0 up".to_string(),
        "link set lo up".to_string(),
        format!("route add default via {GATEWAY} dev eth0 onlink"),
    ];
    let mut result = ip_batch(&[], &host);
    if result.is_err() && names.netns_path().exists() && exists(&names.veth) {
        // A `system prune` elsewhere may have removed an empty bridge meanwhile: once more.
        ensure_bridge()?;
        result = ip(&["link", "set", &names.veth, "master", BRIDGE, "up"]);
    }
    let result = result.and_then(|()| ip_batch(&["-n", &names.netns], &inside));
    if result.is_err() {
        detach(names);
    }
    result
}

/// Runs `lines` through one `ip -batch` process (it stops at the first failing line).
fn ip_batch(options: &[&str], lines: &[String]) -> io::Result<()> {
    let mut child = Command::new("ip")
        .args(options)
        .args(["-batch", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(lines.join("\n").as_bytes())?;
        stdin.write_all(b"\n")?;
    }
    let out = child.wait_with_output()?;
    if out.status.success() {
        Ok(())
    } else {
        Err(io::Error::other(format!(
            "ip {}: {}",
            lines.join("; "),
            String::from_utf8_lossy(&out.stderr).trim()
        )))
    }
}

/// Removes the container's veth pair and namespace; true if anything was there.
pub fn detach(names: &Names) -> bool {
    // Deleting the namespace deletes eth0 in it, and so its peer on the bridge.
    let had_ns = names.netns_path().exists() && ip(&["netns", "del", &names.netns]).is_ok();
    let had_veth = exists(&names.veth) && ip(&["link", "del", &names.veth]).is_ok();
    had_veth || had_ns
}

/// The namespaces of this state directory (`prefix`) that exist now, by container ID.
pub fn namespaces_of(prefix: &str) -> Vec<String> {
    let start = format!("sim-{prefix}");
    let mut ids: Vec<String> = fs::read_dir(NETNS_DIR)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| {
                    e.file_name()
                        .to_string_lossy()
                        .strip_prefix(&start)
                        .map(str::to_string)
                })
                .collect()
        })
        .unwrap_or_default();
    ids.sort();
    ids
}

/// The host ends of veth pairs of this state directory (`prefix`) that exist now.
pub fn veths_of(prefix: &str) -> Vec<String> {
    let tag: String = prefix.chars().take(3).collect();
    let mut names: Vec<String> = fs::read_dir("/sys/class/net")
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.len() == 15 && n.starts_with("veth") && n.ends_with(&tag))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Removes the bridge if no interface is attached to it; true if it was removed.
pub fn remove_bridge_if_unused() -> bool {
    let ports = Path::new("/sys/class/net").join(BRIDGE).join("brif");
    let unused = fs::read_dir(&ports).is_ok_and(|mut e| e.next().is_none());
    unused && ip(&["link", "del", BRIDGE]).is_ok()
}
