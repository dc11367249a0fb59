//! Bridge networking: one bridge `simbr0` (the gateway address of the core's network, as
//! docker0 is), and per container a network namespace with a veth pair: the host end
//! on the bridge, `eth0` inside with the IP the model gave the container and a default route
//! via the bridge. A container's part is a few rtnetlink requests ([`crate::netlink`]); the
//! bridge itself (made once) with iproute2's `ip`, installed on every target machine.
//!
//! The namespace is made (and configured) before the container's init starts, which then
//! joins it: its first instruction already has the network.

use crate::netlink;
use std::fs;
use std::io;
use std::net::Ipv4Addr;
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

pub const BRIDGE: &str = "simbr0";
/// The core's default bridge network (as docker0): containers get 172.17.0.2 onwards.
pub const GATEWAY: &str = "172.17.0.1";
pub const PREFIX_LEN: u8 = 16;
/// Where `ip netns` keeps its namespaces.
const NETNS_DIR: &str = "/run/netns";
/// The bridge's addresses in use, one file each naming the veth that holds it: every session
/// (state directory) hands out 172.17.x.y from its own model, so two may pick the same one.
pub const ADDRESSES_DIR: &str = "/run/sim-real/addresses";

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

/// Makes the container's network namespace with `eth0` at `address` (from the model), its
/// veth's host end on the bridge, and returns it (the container's init joins it). Nothing
/// names it: it lives while the container's processes (or the returned fd) do, and the veth
/// pair goes with it, so an exit or a killed `sim` leaves nothing to unmount or delete.
/// Whatever an earlier run left under these names goes first.
pub fn attach(names: &Names, address: &str) -> io::Result<OwnedFd> {
    let Ok(address) = address.parse::<Ipv4Addr>() else {
        return Err(io::Error::other(format!(
            "{address:?} is not an IPv4 address"
        )));
    };
    ensure_bridge()?;
    detach(names);
    claim(names, address)?;
    match make(names, address) {
        Ok(ns) => Ok(ns),
        Err(_) => {
            detach(names);
            // A `system prune` elsewhere may have removed an empty bridge meanwhile: once more.
            ensure_bridge()?;
            claim(names, address)?;
            make(names, address).inspect_err(|_| {
                detach(names);
            })
        }
    }
}

/// Records that `names.veth` holds `address` on the bridge, or says which veth already does.
/// The model's address is kept (it is what `docker inspect` shows, the same in both modes):
/// a clash with another session's live container is refused, never renumbered. A record
/// whose veth is gone (its container exited, its `sim` was killed) is stale and taken over.
fn claim(names: &Names, address: Ipv4Addr) -> io::Result<()> {
    fs::create_dir_all(ADDRESSES_DIR)?;
    let path = Path::new(ADDRESSES_DIR).join(address.to_string());
    for _ in 0..2 {
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut file) => return io::Write::write_all(&mut file, names.veth.as_bytes()),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
        let holder = fs::read_to_string(&path).unwrap_or_default();
        if holder == names.veth {
            return Ok(());
        }
        if !holder.is_empty() && exists(&holder) {
            return Err(io::Error::new(
                io::ErrorKind::AddrInUse,
                format!(
                    "address {address} is already in use on {BRIDGE} by another sim --real \
                     session's container (veth {holder}); stop it or use another network"
                ),
            ));
        }
        // Stale: remove it and try once more (a concurrent claimant may win the new file).
        let _ = fs::remove_file(&path);
    }
    Err(io::Error::new(
        io::ErrorKind::AddrInUse,
        format!("address {address} on {BRIDGE} is being claimed by another session"),
    ))
}

/// Drops `veth`'s record of the addresses it held (none if another veth holds them now).
fn release(veth: &str) {
    let Ok(entries) = fs::read_dir(ADDRESSES_DIR) else {
        return;
    };
    for entry in entries.flatten() {
        if fs::read_to_string(entry.path()).is_ok_and(|holder| holder == veth) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// The namespace, the veth pair and eth0's address, links and route, over netlink from one
/// short-lived thread: it opens a socket on the host's network, then moves itself into a new
/// namespace (the process's other threads stay where they are).
fn make(names: &Names, address: Ipv4Addr) -> io::Result<OwnedFd> {
    let master = netlink::index_of(BRIDGE)?;
    let gateway: Ipv4Addr = GATEWAY.parse().map_err(io::Error::other)?;
    std::thread::scope(|scope| {
        scope
            .spawn(|| -> io::Result<OwnedFd> {
                let host = netlink::Socket::open()?;
                // SAFETY: unshare affects only this thread, which ends here.
                if unsafe { nix::libc::unshare(nix::libc::CLONE_NEWNET) } < 0 {
                    return Err(io::Error::last_os_error());
                }
                let ns = OwnedFd::from(fs::File::open("/proc/thread-self/ns/net")?);
                host.add_veth(&names.veth, master, ns.as_raw_fd())?;
                let inside = netlink::Socket::open()?;
                let eth0 = netlink::index_of("eth0")? as i32;
                inside.add_address(eth0, address, PREFIX_LEN)?;
                inside.link_up(eth0)?;
                inside.link_up(netlink::LO_INDEX)?;
                // onlink: the model's user-defined networks have other subnets on the bridge.
                inside.add_default_route(eth0, gateway)?;
                Ok(ns)
            })
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the network set-up thread panicked")))
    })
}

/// Removes the container's veth pair (and a named namespace, as earlier versions made);
/// true if anything was there.
pub fn detach(names: &Names) -> bool {
    release(&names.veth);
    // Deleting one end deletes the pair, at once (a namespace's own go when it is freed).
    let had_veth = exists(&names.veth)
        && netlink::Socket::open()
            .and_then(|s| s.delete_link(&names.veth))
            .is_ok();
    // As `ip netns del`: the namespace goes with its last reference.
    let path = names.netns_path();
    let had_ns = path.exists() && {
        let _ = nix::mount::umount2(&path, nix::mount::MntFlags::MNT_DETACH);
        fs::remove_file(&path).is_ok()
    };
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
    let removed = unused && ip(&["link", "del", BRIDGE]).is_ok();
    if removed {
        // No veth was on it: every address record is stale.
        let _ = fs::remove_dir_all(ADDRESSES_DIR);
    }
    removed
}
