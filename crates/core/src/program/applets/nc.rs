//! `nc`: a raw TCP client to the simulated servers. What is sent on standard input reaches the
//! server; its answer is printed: HTTP for nginx and httpd, RESP (inline commands) for redis.
//! `-z` only checks that the port is open; `-l` listens, which waits forever here.

use crate::program::kernel::{Kernel, Proc};
use crate::program::servers::{http, redis};
use crate::program::{net, NetError, ServerKind};

/// A redis reply in the wire format.
fn resp(r: &redis::Reply) -> String {
    match r {
        redis::Reply::Status(s) => format!("+{s}\r\n"),
        redis::Reply::Error(e) => format!("-{e}\r\n"),
        redis::Reply::Int(n) => format!(":{n}\r\n"),
        redis::Reply::Bulk(Some(s)) => format!("${}\r\n{s}\r\n", s.len()),
        redis::Reply::Bulk(None) => "$-1\r\n".into(),
        redis::Reply::Array(items) => {
            let mut out = format!("*{}\r\n", items.len());
            for i in items {
                out.push_str(&resp(i));
            }
            out
        }
    }
}

/// The answer of an HTTP server to the request text `req`.
fn http_answer(fs: &crate::fs::FsTree, docroot: &str, req: &str) -> Vec<u8> {
    let first = req.lines().next().unwrap_or("");
    let mut words = first.split_whitespace();
    let (method, path) = (words.next().unwrap_or(""), words.next().unwrap_or("/"));
    let r = if matches!(method, "GET" | "HEAD") {
        http::serve(fs, docroot, path)
    } else {
        http::HttpResponse {
            status: 400,
            reason: "Bad Request",
            body: b"<html><body><h1>400 Bad Request</h1></body></html>\r\n".to_vec(),
            content_type: "text/html",
        }
    };
    let mut out = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        r.status,
        r.reason,
        r.body.len()
    )
    .into_bytes();
    if method != "HEAD" {
        out.extend(r.body);
    }
    out
}

pub fn nc(k: &mut Kernel, p: &mut Proc) -> i32 {
    let mut scan = false;
    let mut verbose = false;
    let mut listen = false;
    let mut operands = Vec::new();
    let args = p.args().to_vec();
    let mut i = 0;
    while let Some(a) = args.get(i) {
        i += 1;
        match a.as_str() {
            "-p" | "-w" | "-W" | "-i" | "-q" => i += 1,
            s if s.starts_with('-') && s.len() > 1 => {
                for c in s.chars().skip(1) {
                    match c {
                        'z' => scan = true,
                        'v' => verbose = true,
                        'l' => listen = true,
                        'n' | 'u' | 'k' | 'N' => {}
                        other => return super::bad_option(k, p, other),
                    }
                }
            }
            _ => operands.push(a.clone()),
        }
    }
    if listen {
        // Nobody connects to a listener in the simulation: it waits, as the real one would.
        k.run_forever();
        return 0;
    }
    let (Some(host), Some(port)) = (operands.first(), operands.get(1)) else {
        k.err(p, "Usage: nc [OPTIONS] HOST PORT  - connect\n");
        return 1;
    };
    let Ok(port) = port.parse::<u16>() else {
        k.err(p, &format!("nc: bad port '{port}'\n"));
        return 1;
    };
    let input = if scan { Vec::new() } else { p.stdin.take_all() };
    let request = String::from_utf8_lossy(&input).into_owned();
    let answer = net::with_server(k, host, port, |remote| match &remote.kind {
        ServerKind::Http { docroot } if !request.is_empty() => {
            http_answer(remote.fs, docroot, &request)
        }
        ServerKind::Redis => {
            let mut out = String::new();
            for line in request.lines() {
                let words: Vec<String> = line.split_whitespace().map(str::to_string).collect();
                if !words.is_empty() {
                    out.push_str(&resp(&redis::execute(remote.fs, &words)));
                }
            }
            out.into_bytes()
        }
        _ => Vec::new(),
    });
    let addr = net::address(k, host);
    match answer {
        Ok(bytes) => {
            if verbose {
                k.err(p, &format!("{host} ({addr}:{port}) open\n"));
            }
            k.out_bytes(p, &bytes);
            0
        }
        Err(NetError::UnknownHost) => {
            k.err(p, &format!("nc: bad address '{host}'\n"));
            1
        }
        Err(NetError::Refused | NetError::Reset) => {
            if !scan || verbose {
                k.err(
                    p,
                    &format!("nc: can't connect to remote host ({addr}): Connection refused\n"),
                );
            }
            1
        }
    }
}
