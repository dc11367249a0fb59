//! The PORTS column of `docker ps`, as the docker CLI's `DisplayablePorts` writes it.
//!
//! Ports are ordered by container port; exposed ports without a host port, and ports published
//! on the same number (`-p 80:80`), are written first and consecutive numbers merge into a
//! range (`80-81/tcp`, `0.0.0.0:80->80/tcp`); ports published on another number follow
//! (`0.0.0.0:8080->80/tcp`).

/// One port of a running container: `host` is `(ip, port)` when it is published.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct PortEntry {
    pub container_port: u16,
    pub host: Option<(String, u16)>,
    pub proto: String,
}

/// The column text for `ports` (any order).
pub fn displayable_ports(mut ports: Vec<PortEntry>) -> String {
    crate::order::sort_by(&mut ports, &|a, b| {
        let public = |p: &PortEntry| p.host.as_ref().map_or(0, |h| h.1);
        let ip = |p: &PortEntry| p.host.as_ref().map(|h| h.0.clone()).unwrap_or_default();
        (a.container_port, public(a), &a.proto, ip(a)).cmp(&(
            b.container_port,
            public(b),
            &b.proto,
            ip(b),
        ))
    });
    // Groups in the order their key first appears: (ip, proto) and the current range.
    let mut groups: Vec<((String, String), u16, u16)> = Vec::new();
    let mut done: Vec<String> = Vec::new();
    let mut mappings: Vec<String> = Vec::new();
    for port in ports {
        let current = port.container_port;
        let ip = match &port.host {
            Some((ip, public)) if *public != current => {
                mappings.push(format!("{ip}:{public}->{current}/{}", port.proto));
                continue;
            }
            Some((ip, _)) => ip.clone(),
            None => String::new(),
        };
        let key = (ip, port.proto);
        match groups.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, _, last)) if current == last.saturating_add(1) => *last = current,
            Some((key, first, last)) => {
                done.push(group_text(key, *first, *last));
                (*first, *last) = (current, current);
            }
            None => groups.push((key, current, current)),
        }
    }
    done.extend(
        groups
            .iter()
            .map(|(key, first, last)| group_text(key, *first, *last)),
    );
    done.extend(mappings);
    done.join(", ")
}

fn group_text((ip, proto): &(String, String), first: u16, last: u16) -> String {
    let range = if first == last {
        first.to_string()
    } else {
        format!("{first}-{last}")
    };
    if ip.is_empty() {
        format!("{range}/{proto}")
    } else {
        format!("{ip}:{range}->{range}/{proto}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exposed(port: u16) -> PortEntry {
        PortEntry {
            container_port: port,
            host: None,
            proto: "tcp".into(),
        }
    }

    fn published(public: u16, port: u16) -> PortEntry {
        PortEntry {
            container_port: port,
            host: Some(("0.0.0.0".into(), public)),
            proto: "tcp".into(),
        }
    }

    #[test]
    fn exposed_ports_come_first_by_number_then_published_ones() {
        let text = displayable_ports(vec![published(8080, 80), exposed(33060), exposed(3306)]);
        assert_eq!(text, "3306/tcp, 33060/tcp, 0.0.0.0:8080->80/tcp");
    }

    #[test]
    fn consecutive_ports_merge_into_ranges() {
        let text = displayable_ports(vec![exposed(81), exposed(80), exposed(82), exposed(90)]);
        assert_eq!(text, "80-82/tcp, 90/tcp");
        let same = displayable_ports(vec![published(80, 80), published(81, 81)]);
        assert_eq!(same, "0.0.0.0:80-81->80-81/tcp");
    }

    #[test]
    fn no_ports_no_text() {
        assert_eq!(displayable_ports(Vec::new()), "");
    }
}
