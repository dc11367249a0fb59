//! HTTP servers: nginx and busybox httpd serve files from a document root.

use crate::fs::{FsTree, Node};
use crate::program::applets::basic::KERNEL_RELEASE;
use crate::program::calendar::DateTime;
use crate::program::kernel::{Kernel, Proc};
use crate::program::ServerKind;
use std::fmt::Write;

pub const NGINX_VERSION: &str = "1.25.3";
pub const NGINX_DOCROOT: &str = "/usr/share/nginx/html";

/// A response as the client sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    pub reason: &'static str,
    pub body: Vec<u8>,
    /// The `Content-Type` nginx would send (from the file name, as its mime.types maps it).
    pub content_type: &'static str,
}

/// nginx's `mime.types` for the files a learner is likely to serve.
fn content_type_of(path: &str) -> &'static str {
    let ext = crate::fs::file_name(path)
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" | "shtml" => "text/html",
        "css" => "text/css",
        "txt" => "text/plain",
        "js" => "application/javascript",
        "json" => "application/json",
        "xml" => "text/xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" | "svgz" => "image/svg+xml",
        "ico" => "image/x-icon",
        _ => "application/octet-stream",
    }
}

/// The status line and headers nginx sends with `resp` (what `curl -I`/`-i` show), each line
/// ending in CRLF, the blank line included. `now_unix` is the `Date`. Known difference: the
/// simulated files have no modification time, so there is no `Last-Modified` or `ETag`.
pub fn head(resp: &HttpResponse, now_unix: u64) -> String {
    let date = DateTime::from_unix(now_unix).strftime("%a, %d %b %Y %H:%M:%S GMT");
    let mut out = format!(
        "HTTP/1.1 {} {}\r\nServer: nginx/{NGINX_VERSION}\r\nDate: {date}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: keep-alive\r\n",
        resp.status,
        resp.reason,
        resp.content_type,
        resp.body.len()
    );
    if resp.status == 200 {
        out.push_str("Accept-Ranges: bytes\r\n");
    }
    out.push_str("\r\n");
    out
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        403 => "Forbidden",
        404 => "Not Found",
        _ => "Internal Server Error",
    }
}

fn error_page(status: u16) -> Vec<u8> {
    let r = reason(status);
    format!(
        "<html>\r\n<head><title>{status} {r}</title></head>\r\n<body>\r\n<center><h1>{status} {r}</h1></center>\r\n<hr><center>nginx/{NGINX_VERSION}</center>\r\n</body>\r\n</html>\r\n"
    )
    .into_bytes()
}

/// nginx's 404 page.
pub fn not_found() -> HttpResponse {
    response(404, error_page(404), "text/html")
}

fn response(status: u16, body: Vec<u8>, content_type: &'static str) -> HttpResponse {
    HttpResponse {
        status,
        reason: reason(status),
        body,
        content_type,
    }
}

/// Serves GET `path` (may carry a query) from `docroot` in `fs`.
pub fn serve(fs: &FsTree, docroot: &str, path: &str) -> HttpResponse {
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let path = percent_decode(path);
    // normalize() cannot climb above "/", so the request stays inside the document root.
    let rel = crate::fs::normalize("/", &path);
    let mut full = if rel == "/" {
        docroot.to_string()
    } else {
        format!("{}{rel}", docroot.trim_end_matches('/'))
    };
    if matches!(fs.stat(&full), Ok(Node::Dir { .. })) {
        full = crate::fs::normalize(&full, "index.html");
        return match fs.read_file(&full) {
            Ok(data) => response(200, data.to_vec(), "text/html"),
            Err(_) => response(403, error_page(403), "text/html"),
        };
    }
    match fs.read_file(&full) {
        Ok(data) => response(200, data.to_vec(), content_type_of(&full)),
        Err(_) => response(404, error_page(404), "text/html"),
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What nginx makes of its config: the port it listens on and what it serves there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NginxSetup {
    pub port: u16,
    pub kind: ServerKind,
}

/// The config files nginx reads, in its order: the image's server blocks (default.conf, or
/// nginxdemos/hello's own), then the main file. Files it cannot read are skipped.
fn nginx_files(fs: &FsTree) -> Vec<&[u8]> {
    let mut paths: Vec<String> = fs
        .entry_names("/etc/nginx/conf.d")
        .unwrap_or_default()
        .into_iter()
        .filter(|n| n.ends_with(".conf"))
        .map(|n| format!("/etc/nginx/conf.d/{n}"))
        .collect();
    paths.push("/etc/nginx/nginx.conf".into());
    paths
        .iter()
        .filter_map(|path| fs.read_file(path).ok())
        .collect()
}

/// `listen N;` and `root DIR;` from the config files, and whether the server block answers
/// with variables (nginxdemos/hello) or serves files.
fn nginx_setup(files: &[&[u8]]) -> NginxSetup {
    let mut port = 80;
    let mut root = NGINX_DOCROOT.to_string();
    let mut all = String::new();
    for data in files {
        let text = String::from_utf8_lossy(data);
        all.push_str(&text);
        for line in text.lines() {
            let line = line.trim().trim_end_matches(';');
            let mut words = line.split_whitespace();
            match (words.next(), words.next()) {
                (Some("listen"), Some(v)) => {
                    if let Some(p) = v.rsplit(':').next().and_then(|p| p.parse().ok()) {
                        port = p;
                    }
                }
                (Some("root"), Some(v)) => root = v.to_string(),
                _ => {}
            }
        }
    }
    let kind = match super::nginx_vars::parse(&all, port, &root) {
        Some(page) => ServerKind::NginxVars(page),
        None => ServerKind::Http { docroot: root },
    };
    NginxSetup { port, kind }
}

pub fn nginx(k: &mut Kernel, p: &mut Proc) -> i32 {
    let args = p.args().to_vec();
    if args.iter().any(|a| a == "-v" || a == "-V") {
        k.err(p, &format!("nginx version: nginx/{NGINX_VERSION}\n"));
        return 0;
    }
    if args.iter().any(|a| a == "-t") {
        k.err(
            p,
            "nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\nnginx: configuration file /etc/nginx/nginx.conf test is successful\n",
        );
        return 0;
    }
    let foreground = args.windows(2).any(|w| {
        w.first().is_some_and(|a| a == "-g")
            && w.get(1)
                .is_some_and(|g| g.replace(' ', "").contains("daemonoff"))
    });
    // Every container of an image reads the same config: its reading is kept by content.
    let setup = k.cache.nginx(&nginx_files(k.ctx.fs), nginx_setup);
    let pid = k.pid();
    let ts = DateTime::from_unix(k.ctx.now_unix).strftime("%Y/%m/%d %H:%M:%S");
    // Written in place: every pod's container prints these lines.
    let mut log = String::with_capacity(512);
    let worker = pid.saturating_add(28);
    for msg in [
        format_args!("using the \"epoll\" event method"),
        format_args!("nginx/{NGINX_VERSION}"),
        format_args!("built by gcc 12.2.0 (Debian 12.2.0-14) "),
        format_args!("OS: Linux {KERNEL_RELEASE}"),
        format_args!("getrlimit(RLIMIT_NOFILE): 1048576:1048576"),
        format_args!("start worker processes"),
        format_args!("start worker process {worker}"),
    ] {
        let _ = writeln!(log, "{ts} [notice] {pid}#{pid}: {msg}");
    }
    k.err(p, &log);
    k.listen(setup.port, setup.kind.clone());
    if foreground {
        k.run_forever();
    }
    // Without `daemon off;` the master forks into the background and this process exits,
    // which ends a container whose main process it was.
    0
}

/// busybox httpd: `httpd [-f] [-p [IP:]PORT] [-h HOME]`.
pub fn httpd(k: &mut Kernel, p: &mut Proc) -> i32 {
    let opts = match crate::program::applets::parse_opts(p.args(), "fvi", "phcru") {
        Ok(o) => o,
        Err(c) => return crate::program::applets::bad_option(k, p, c),
    };
    let port = match opts.value('p') {
        None => 80,
        Some(v) => match v.rsplit(':').next().and_then(|s| s.parse::<u16>().ok()) {
            Some(p) => p,
            None => {
                k.err(p, &format!("httpd: invalid number '{v}'\n"));
                return 1;
            }
        },
    };
    let home = p.path(opts.value('h').unwrap_or("."));
    if !k.ctx.fs.stat(&home).is_ok_and(Node::is_dir) {
        k.err(
            p,
            &format!("httpd: can't change directory to '{home}': No such file or directory\n"),
        );
        return 1;
    }
    k.listen(port, ServerKind::Http { docroot: home });
    if opts.has('f') {
        k.run_forever();
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serves_files_index_and_404() {
        let mut fs = FsTree::new();
        fs.put("/www/index.html", Node::file("home"));
        fs.put("/www/a/b.txt", Node::file("b"));
        fs.put("/secret", Node::file("s"));
        assert_eq!(serve(&fs, "/www", "/").body, b"home");
        assert_eq!(serve(&fs, "/www", "/a/b.txt?x=1").body, b"b");
        assert_eq!(serve(&fs, "/www", "/a").status, 403);
        assert_eq!(serve(&fs, "/www", "/nope").status, 404);
        assert_eq!(serve(&fs, "/www", "/../secret").status, 404);
        assert_eq!(serve(&fs, "/www", "/%69ndex.html").body, b"home");
    }
}
