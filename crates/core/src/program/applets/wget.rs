//! busybox wget: HTTP GET over the simulated network, with busybox's messages.

use super::{bad_option, parse_opts};
use crate::program::kernel::{Kernel, Proc};
use crate::program::net;
use crate::program::servers::http::{serve, HttpResponse};
use crate::program::servers::nginx_vars;
use crate::program::{NetError, ServerKind};

/// A parsed `http://host[:port]/path` URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url {
    pub host: String,
    pub port: u16,
    pub path: String,
}

pub fn parse_url(url: &str) -> Option<Url> {
    let (rest, default_port) = if let Some(r) = url.strip_prefix("http://") {
        (r, 80)
    } else if let Some(r) = url.strip_prefix("https://") {
        (r, 443)
    } else if url.contains("://") {
        return None;
    } else {
        (url, 80)
    };
    let (hostport, path) = match rest.find('/') {
        Some(i) => (rest.get(..i)?, rest.get(i..)?.to_string()),
        None => (rest, "/".to_string()),
    };
    let hostport = hostport.rsplit('@').next().unwrap_or(hostport);
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) => (h.to_string(), p.parse::<u16>().ok()?),
        None => (hostport.to_string(), default_port),
    };
    if host.is_empty() {
        return None;
    }
    Some(Url { host, port, path })
}

/// Why a GET failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GetError {
    Net(NetError),
    /// Something that does not speak HTTP answered.
    NotHttp,
}

/// GET `url` from whatever server listens there.
pub fn http_get(k: &mut Kernel, url: &Url) -> Result<HttpResponse, GetError> {
    let path = url.path.clone();
    let (now_unix, pid) = (k.ctx.now_unix, k.pid());
    let id = nginx_vars::request_id(k.ctx.hostname, pid, now_unix, &path);
    net::with_server(k, &url.host, url.port, |remote| match &remote.kind {
        ServerKind::Http { docroot } => Ok(serve(remote.fs, docroot, &path)),
        ServerKind::NginxVars(page) => {
            let req = nginx_vars::Request {
                uri: &path,
                now_unix,
                id,
            };
            Ok(nginx_vars::serve(remote.fs, page, &req))
        }
        _ => Err(GetError::NotHttp),
    })
    .map_err(GetError::Net)?
}

fn progress_line(name: &str, size: usize) -> String {
    let shown: String = name.chars().take(20).collect();
    let size_txt = if size < 100_000 {
        format!("{size:>6}")
    } else {
        format!("{:>5}k", size / 1024)
    };
    format!("{shown:<20} 100% |********************************|{size_txt}  0:00:00 ETA\n")
}

pub fn wget(k: &mut Kernel, p: &mut Proc) -> i32 {
    let opts = match parse_opts(p.args(), "qcsSnv", "OTUtPY") {
        Ok(o) => o,
        Err(c) => return bad_option(k, p, c),
    };
    let quiet = opts.has('q');
    let Some(url_text) = opts.operands.first().cloned() else {
        k.err(
            p,
            "Usage: wget [-cqS] [-O FILE] [-Y on/off] [-P DIR] [-U AGENT] [-T SEC] URL...\n",
        );
        return 1;
    };
    let Some(url) = parse_url(&url_text) else {
        k.err(p, &format!("wget: not an http or ftp url: {url_text}\n"));
        return 1;
    };
    let ip = net::address(k, &url.host);
    // Unknown names fail before connecting; ask the network first so the order of
    // messages is busybox's.
    let result = http_get(k, &url);
    if let Err(GetError::Net(NetError::UnknownHost)) = result {
        k.err(p, &format!("wget: bad address '{}'\n", url.host));
        return 1;
    }
    if !quiet {
        k.err(
            p,
            &format!(
                "Connecting to {}:{} ({ip}:{})\n",
                url.host, url.port, url.port
            ),
        );
    }
    let resp = match result {
        Ok(r) => r,
        Err(GetError::Net(NetError::Reset)) => {
            k.err(
                p,
                "wget: error getting response: Connection reset by peer\n",
            );
            return 1;
        }
        Err(GetError::Net(_)) => {
            k.err(
                p,
                &format!("wget: can't connect to remote host ({ip}): Connection refused\n"),
            );
            return 1;
        }
        Err(GetError::NotHttp) => {
            k.err(
                p,
                "wget: error getting response: Connection reset by peer\n",
            );
            return 1;
        }
    };
    if resp.status != 200 {
        k.err(
            p,
            &format!(
                "wget: server returned error: HTTP/1.1 {} {}\n",
                resp.status, resp.reason
            ),
        );
        return 1;
    }
    let out_name = opts.value('O').map(str::to_string);
    match out_name.as_deref() {
        Some("-") => {
            if !quiet {
                k.err(p, "writing to stdout\n");
            }
            k.out_bytes(p, &resp.body);
            if !quiet {
                k.err(p, &progress_line("-", resp.body.len()));
                k.err(p, "written to stdout\n");
            }
        }
        other => {
            let name = match other {
                Some(n) => n.to_string(),
                None => {
                    let last = url
                        .path
                        .split('?')
                        .next()
                        .unwrap_or("")
                        .rsplit('/')
                        .next()
                        .unwrap_or("");
                    if last.is_empty() {
                        "index.html".to_string()
                    } else {
                        last.to_string()
                    }
                }
            };
            let dir = opts
                .value('P')
                .map(|d| p.path(d))
                .unwrap_or_else(|| p.cwd.clone());
            let path = crate::fs::normalize(&dir, &name);
            if other.is_none() && k.ctx.fs.exists(&path) {
                k.err(p, &format!("wget: can't open '{name}': File exists\n"));
                return 1;
            }
            if !quiet {
                k.err(p, &format!("saving to '{name}'\n"));
            }
            if let Err(e) = k.ctx.fs.write_file(&path, &resp.body, false) {
                k.err(p, &format!("wget: can't open '{name}': {e}\n"));
                return 1;
            }
            if !quiet {
                k.err(p, &progress_line(&name, resp.body.len()));
                k.err(p, &format!("'{name}' saved\n"));
            }
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            parse_url("http://web:8080/a?b"),
            Some(Url {
                host: "web".into(),
                port: 8080,
                path: "/a?b".into()
            })
        );
        assert_eq!(parse_url("localhost").map(|u| u.port), Some(80));
        assert_eq!(parse_url("ftp://x/"), None);
        assert_eq!(parse_url("http://:80/"), None);
        assert_eq!(parse_url("http://h:99999/"), None);
    }
}
