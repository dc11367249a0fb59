//! nginx answering with text made per request from its variables, as nginxdemos/hello is
//! configured: `return 200 '...'` (the plain-text tag) or a file whose placeholders
//! `sub_filter` replaces (the HTML tag). The variables are the answering container's
//! (`$hostname`, `$server_addr`), the request's (`$request_uri`, `$request_id`) and the
//! clock's (`$time_local`).

use super::http::HttpResponse;
use crate::fs::FsTree;
use crate::program::calendar::DateTime;
use serde::{Deserialize, Serialize};

/// What a server block with variables answers (parsed from the image's config).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VarsPage {
    pub port: u16,
    /// `return 200 'TEXT'`: the body, variables not yet expanded.
    pub text: Option<String>,
    /// `try_files /FILE`: the file served, under the root.
    pub file: Option<String>,
    /// `sub_filter 'FROM' 'TO'`: replacements in the file, `TO` with variables.
    pub subs: Vec<(String, String)>,
    pub content_type: String,
}

/// One request's facts.
pub struct Request<'a> {
    pub uri: &'a str,
    pub now_unix: u64,
    /// 32 hex digits, unique per request (nginx's `$request_id`).
    pub id: String,
}

/// The words of a config line, single-quoted words kept whole (quotes removed, `\n` read).
fn words(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = line.trim().trim_end_matches(';').chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '\'' {
            chars.next();
            let mut w = String::new();
            while let Some(c) = chars.next() {
                match c {
                    '\'' => break,
                    '\\' if chars.peek() == Some(&'n') => {
                        chars.next();
                        w.push('\n');
                    }
                    c => w.push(c),
                }
            }
            out.push(w);
        } else {
            let mut w = String::new();
            while let Some(&c) = chars.peek().filter(|c| !c.is_whitespace()) {
                w.push(c);
                chars.next();
            }
            out.push(w);
        }
    }
    out
}

/// The server block of `config` when it answers with variables (else None: plain files).
pub fn parse(config: &str, port: u16, root: &str) -> Option<VarsPage> {
    let mut page = VarsPage {
        port,
        text: None,
        file: None,
        subs: Vec::new(),
        content_type: "text/html".into(),
    };
    for line in config.lines() {
        let w = words(line);
        match w.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
            ["return", "200", text] => page.text = Some(text.to_string()),
            ["sub_filter", from, to] => page.subs.push((from.to_string(), to.to_string())),
            ["try_files", file, ..] => {
                page.file = Some(format!(
                    "{}/{}",
                    root.trim_end_matches('/'),
                    file.trim_start_matches('/')
                ))
            }
            ["default_type", t] => page.content_type = t.to_string(),
            _ => {}
        }
    }
    (page.text.is_some() || !page.subs.is_empty()).then_some(page)
}

/// The answering container's name and address, from the files its runtime gave it.
fn identity(fs: &FsTree) -> (String, String) {
    let read = |p: &str| {
        fs.read_file(p)
            .map(|d| String::from_utf8_lossy(d).into_owned())
            .unwrap_or_default()
    };
    let hostname = read("/etc/hostname").trim().to_string();
    let hosts = read("/etc/hosts");
    let ip = hosts
        .lines()
        .find_map(|l| {
            let mut f = l.split_whitespace();
            let ip = f.next()?;
            f.any(|n| n == hostname).then(|| ip.to_string())
        })
        .unwrap_or_else(|| "127.0.0.1".into());
    (hostname, ip)
}

/// `text` with nginx's variables replaced.
fn expand(text: &str, page: &VarsPage, fs: &FsTree, req: &Request) -> String {
    let (hostname, ip) = identity(fs);
    let time = DateTime::from_unix(req.now_unix).strftime("%d/%b/%Y:%H:%M:%S +0000");
    // Longest names first: $server_addr before a shorter one it starts with.
    [
        ("$server_addr", ip),
        ("$server_port", page.port.to_string()),
        ("$hostname", hostname),
        ("$request_uri", req.uri.to_string()),
        ("$request_id", req.id.clone()),
        ("$time_local", time),
    ]
    .iter()
    .fold(text.to_string(), |t, (name, value)| t.replace(name, value))
}

/// The response to GET `uri`.
pub fn serve(fs: &FsTree, page: &VarsPage, req: &Request) -> HttpResponse {
    let content_type = if page.content_type == "text/plain" {
        "text/plain"
    } else {
        "text/html"
    };
    let body = match (&page.text, &page.file) {
        (Some(text), _) => expand(text, page, fs, req),
        (None, Some(file)) => match fs.read_file(file) {
            Ok(data) => {
                let mut body = String::from_utf8_lossy(data).into_owned();
                for (from, to) in &page.subs {
                    body = body.replace(from.as_str(), &expand(to, page, fs, req));
                }
                body
            }
            Err(_) => return super::http::not_found(),
        },
        (None, None) => return super::http::not_found(),
    };
    HttpResponse {
        status: 200,
        reason: "OK",
        body: body.into_bytes(),
        content_type,
    }
}

/// nginx's `$request_id` for a request: 32 hex digits from what makes it unique here (the
/// client, its process, the time and the URI), so runs repeat.
pub fn request_id(client: &str, pid: u32, now_unix: u64, uri: &str) -> String {
    let digest =
        crate::digest::sha256_digest(format!("{client}|{pid}|{now_unix}|{uri}").as_bytes());
    crate::digest::hex_part(&digest).chars().take(32).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::Node;

    fn fs() -> FsTree {
        let mut fs = FsTree::new();
        fs.put("/etc/hostname", Node::file("hello-1\n"));
        fs.put(
            "/etc/hosts",
            Node::file("127.0.0.1\tlocalhost\n10.244.1.5\thello-1\n"),
        );
        fs.put(
            "/www/index.html",
            Node::file("<p>name server_hostname at server_address</p>"),
        );
        fs
    }

    fn req(uri: &str) -> Request<'_> {
        Request {
            uri,
            now_unix: 1_764_460_800,
            id: request_id("client", 7, 1_764_460_800, uri),
        }
    }

    #[test]
    fn plain_text_names_the_answering_container() {
        let conf = "server {\n  listen 80;\n  location / {\n    default_type text/plain;\n    return 200 'Server address: $server_addr:$server_port\\nServer name: $hostname\\nURI: $request_uri\\n';\n  }\n}\n";
        let page = parse(conf, 80, "/www").expect("a page with variables");
        let r = serve(&fs(), &page, &req("/x?y=1"));
        assert_eq!(r.content_type, "text/plain");
        assert_eq!(
            String::from_utf8(r.body).unwrap(),
            "Server address: 10.244.1.5:80\nServer name: hello-1\nURI: /x?y=1\n"
        );
    }

    #[test]
    fn sub_filter_fills_the_file() {
        let conf = "server {\n  listen 80;\n  root /www;\n  try_files /index.html =404;\n  sub_filter 'server_hostname' '$hostname';\n  sub_filter 'server_address' '$server_addr:$server_port';\n}\n";
        let page = parse(conf, 80, "/www").expect("a page with variables");
        let r = serve(&fs(), &page, &req("/"));
        assert_eq!(r.body, b"<p>name hello-1 at 10.244.1.5:80</p>");
        assert!(parse("server {\n listen 80;\n root /www;\n}\n", 80, "/www").is_none());
    }

    #[test]
    fn request_ids_differ_per_request_and_repeat_per_run() {
        let a = request_id("c", 1, 5, "/");
        assert_eq!(a.len(), 32);
        assert_eq!(a, request_id("c", 1, 5, "/"));
        assert_ne!(a, request_id("c", 2, 5, "/"));
    }
}
