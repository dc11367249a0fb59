//! Network tools that report addresses: `ping`, `nslookup`, `ifconfig` and `ip addr`. Names
//! resolve as the simulated network resolves them (running containers by name or hostname);
//! round-trip times are the simulator's, a steady fraction of a millisecond.

use crate::program::kernel::{Kernel, Proc};

/// The address `host` resolves to, if it does.
fn resolve(k: &mut Kernel, host: &str) -> Option<String> {
    if matches!(host, "localhost" | "127.0.0.1") {
        return Some("127.0.0.1".into());
    }
    if host.parse::<std::net::Ipv4Addr>().is_ok() {
        return Some(host.to_string());
    }
    k.ctx.network.address(host)
}

/// This container's own address on the network, if it has one.
fn own_address(k: &mut Kernel) -> Option<String> {
    let me = k.ctx.hostname.to_string();
    k.ctx.network.address(&me)
}

fn mac(ip: &str) -> String {
    let mut out = String::from("02:42");
    for part in ip.split('.') {
        out.push_str(&format!(":{:02x}", part.parse::<u8>().unwrap_or(0)));
    }
    out
}

pub fn ping(k: &mut Kernel, p: &mut Proc) -> i32 {
    let args = p.args().to_vec();
    let mut count: Option<u64> = None;
    let mut host = None;
    let mut i = 0;
    while let Some(a) = args.get(i) {
        i += 1;
        match a.as_str() {
            "-c" => {
                count = args.get(i).and_then(|v| v.parse().ok());
                i += 1;
            }
            "-W" | "-w" | "-i" | "-s" | "-t" => i += 1,
            s if s.starts_with("-c") => count = s.get(2..).and_then(|v| v.parse().ok()),
            s if s.starts_with('-') => {}
            _ => host = Some(a.clone()),
        }
    }
    let Some(host) = host else {
        k.err(p, "Usage: ping [OPTIONS] HOST\n");
        return 1;
    };
    let Some(ip) = resolve(k, &host) else {
        k.err(p, &format!("ping: bad address '{host}'\n"));
        return 1;
    };
    k.out(p, &format!("PING {host} ({ip}): 56 data bytes\n"));
    let mut sent = 0u64;
    let mut times = Vec::new();
    // Without -c it pings once a second until stopped.
    while count.is_none_or(|c| sent < c) {
        if sent > 0 {
            k.advance(1000);
        }
        if k.halted() {
            return 0;
        }
        let ms = 0.05 + 0.007 * (sent % 5) as f64;
        times.push(ms);
        k.out(
            p,
            &format!("64 bytes from {ip}: seq={sent} ttl=64 time={ms:.3} ms\n"),
        );
        sent += 1;
    }
    let min = times.iter().copied().fold(f64::MAX, f64::min);
    let max = times.iter().copied().fold(0.0, f64::max);
    let avg = times.iter().sum::<f64>() / times.len().max(1) as f64;
    let mut out = format!(
        "\n--- {host} ping statistics ---\n{sent} packets transmitted, {sent} packets received, 0% packet loss\n"
    );
    if sent > 0 {
        out.push_str(&format!(
            "round-trip min/avg/max = {min:.3}/{avg:.3}/{max:.3} ms\n"
        ));
    }
    k.out(p, &out);
    0
}

pub fn nslookup(k: &mut Kernel, p: &mut Proc) -> i32 {
    let Some(host) = p.args().iter().find(|a| !a.starts_with('-')).cloned() else {
        k.err(p, "Usage: nslookup HOST [DNS_SERVER]\n");
        return 1;
    };
    // In a pod the cluster DNS answers, in busybox's words.
    if let Some(tried) = k.ctx.network.dns(&host) {
        let (out, code) = crate::cluster::dns::nslookup_text(&host, &tried);
        k.out(p, &out);
        return code;
    }
    // Docker's embedded DNS server answers inside containers.
    let mut out = String::from("Server:\t\t127.0.0.11\nAddress:\t127.0.0.11:53\n\n");
    let code = match resolve(k, &host) {
        Some(ip) => {
            out.push_str(&format!(
                "Non-authoritative answer:\nName:\t{host}\nAddress: {ip}\n\n"
            ));
            0
        }
        None => {
            out.push_str(&format!("** server can't find {host}: NXDOMAIN\n\n"));
            1
        }
    };
    k.out(p, &out);
    code
}

pub fn ifconfig(k: &mut Kernel, p: &mut Proc) -> i32 {
    let mut out = String::new();
    if let Some(ip) = own_address(k) {
        let bcast = ip
            .rsplitn(3, '.')
            .last()
            .map_or(String::new(), |n| format!("{n}.255.255"));
        out.push_str(&format!(
            "eth0      Link encap:Ethernet  HWaddr {}  \n          inet addr:{ip}  Bcast:{bcast}  Mask:255.255.0.0\n          UP BROADCAST RUNNING MULTICAST  MTU:1500  Metric:1\n          RX packets:0 errors:0 dropped:0 overruns:0 frame:0\n          TX packets:0 errors:0 dropped:0 overruns:0 carrier:0\n          collisions:0 txqueuelen:0 \n          RX bytes:0 (0.0 B)  TX bytes:0 (0.0 B)\n\n",
            mac(&ip).to_uppercase()
        ));
    }
    out.push_str("lo        Link encap:Local Loopback  \n          inet addr:127.0.0.1  Mask:255.0.0.0\n          UP LOOPBACK RUNNING  MTU:65536  Metric:1\n          RX packets:0 errors:0 dropped:0 overruns:0 frame:0\n          TX packets:0 errors:0 dropped:0 overruns:0 carrier:0\n          collisions:0 txqueuelen:1000 \n          RX bytes:0 (0.0 B)  TX bytes:0 (0.0 B)\n\n");
    k.out(p, &out);
    0
}

/// `ip addr` (also `ip a`, `ip address show`); other objects are not simulated.
pub fn ip(k: &mut Kernel, p: &mut Proc) -> i32 {
    let object = p.args().iter().find(|a| !a.starts_with('-')).cloned();
    match object.as_deref() {
        Some("a" | "addr" | "address") => {}
        Some("route" | "r") => {
            if let Some(me) = own_address(k) {
                let net = me.rsplitn(3, '.').last().unwrap_or("172.17").to_string();
                let text = format!(
                    "default via {net}.0.1 dev eth0 \n{net}.0.0/16 dev eth0 scope link  src {me} \n"
                );
                k.out(p, &text);
            }
            return 0;
        }
        _ => {
            k.err(p, "ip: only 'ip addr' and 'ip route' are simulated\n");
            return 1;
        }
    }
    let mut out = String::from("1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN qlen 1000\n    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n    inet 127.0.0.1/8 scope host lo\n       valid_lft forever preferred_lft forever\n");
    if let Some(ip) = own_address(k) {
        let bcast = ip
            .rsplitn(3, '.')
            .last()
            .map_or(String::new(), |n| format!("{n}.255.255"));
        out.push_str(&format!(
            "2: eth0@if3: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1500 qdisc noqueue state UP \n    link/ether {} brd ff:ff:ff:ff:ff:ff\n    inet {ip}/16 brd {bcast} scope global eth0\n       valid_lft forever preferred_lft forever\n",
            mac(&ip)
        ));
    }
    k.out(p, &out);
    0
}
