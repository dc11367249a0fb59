//! curl over the simulated network, in the images that ship it and on the host itself: GET
//! (or HEAD with `-I`) a URL and print what the server sent, with curl's flags, messages and
//! exit codes.

use crate::program::applets::wget::{http_get, parse_url, GetError, Url};
use crate::program::kernel::{Kernel, Proc};
use crate::program::net;
use crate::program::servers::http::{head, HttpResponse};
use crate::program::NetError;

/// `curl --help`: the real one's layout, listing the options this curl knows.
const HELP: &str = "Usage: curl [options...] <url>
 -f, --fail                 Fail fast with no output on HTTP errors
 -h, --help                 Get help for commands
 -I, --head                 Show document info only
 -i, --include              Include protocol response headers in the output
 -L, --location             Follow redirects
 -o, --output <file>        Write to file instead of stdout
 -O, --remote-name          Write output to a file named as the remote file
 -S, --show-error           Show error even when -s is used
 -s, --silent               Silent mode
 -v, --verbose              Make the operation more talkative
 -V, --version              Show version number and quit

(simulated: -X, -H, -A and -m are accepted and change nothing the simulated servers answer)
";

const USAGE_HINT: &str = "curl: try 'curl --help' or 'curl --manual' for more information\n";

/// What the command line asked for.
#[derive(Default)]
struct Options {
    silent: bool,
    show_errors: bool,
    fail: bool,
    head: bool,
    include: bool,
    verbose: bool,
    output: Option<String>,
    remote_name: bool,
    url: Option<String>,
}

/// Long options by name, and which short letter each is.
const LONG: &[(&str, char)] = &[
    ("silent", 's'),
    ("show-error", 'S'),
    ("fail", 'f'),
    ("head", 'I'),
    ("include", 'i'),
    ("verbose", 'v'),
    ("location", 'L'),
    ("insecure", 'k'),
    ("output", 'o'),
    ("remote-name", 'O'),
    ("request", 'X'),
    ("header", 'H'),
    ("user-agent", 'A'),
    ("max-time", 'm'),
];

/// Letters that take a value (the next word, or the rest of the word).
const WITH_VALUE: &str = "oXHAm";

fn parse(args: &[String]) -> Result<Options, String> {
    let mut o = Options::default();
    let mut i = 0;
    while let Some(a) = args.get(i) {
        i += 1;
        let mut letters: Vec<char> = Vec::new();
        let mut inline_value: Option<String> = None;
        if let Some(long) = a.strip_prefix("--") {
            let (name, value) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let Some((_, c)) = LONG.iter().find(|(n, _)| *n == name) else {
                return Err(format!("curl: option --{name}: is unknown\n{USAGE_HINT}"));
            };
            letters.push(*c);
            inline_value = value;
        } else if let Some(short) = a.strip_prefix('-').filter(|s| !s.is_empty()) {
            for (at, c) in short.char_indices() {
                letters.push(c);
                if WITH_VALUE.contains(c) {
                    let rest = &short[at + c.len_utf8()..];
                    if !rest.is_empty() {
                        inline_value = Some(rest.to_string());
                    }
                    break;
                }
            }
        } else {
            o.url = Some(a.clone());
            continue;
        }
        for c in letters {
            let value = if WITH_VALUE.contains(c) {
                match inline_value.take().or_else(|| {
                    let v = args.get(i).cloned();
                    i += 1;
                    v
                }) {
                    Some(v) => Some(v),
                    None => {
                        return Err(format!(
                            "curl: option -{c}: requires parameter\n{USAGE_HINT}"
                        ))
                    }
                }
            } else {
                None
            };
            match c {
                's' => o.silent = true,
                'S' => o.show_errors = true,
                'f' => o.fail = true,
                'I' => o.head = true,
                'i' => o.include = true,
                'v' => o.verbose = true,
                'O' => o.remote_name = true,
                'o' => o.output = value,
                // Followed redirects, TLS checks, methods, headers and time limits change
                // nothing the simulated servers answer.
                'L' | 'k' | 'X' | 'H' | 'A' | 'm' => {}
                other => {
                    return Err(format!("curl: option -{other}: is unknown\n{USAGE_HINT}"));
                }
            }
        }
    }
    Ok(o)
}

/// The version line of the distribution's own curl package (alpine's, or Debian's, which is
/// also what the host has).
fn version_line(k: &Kernel) -> &'static str {
    let alpine = k
        .ctx
        .fs
        .read_file("/etc/os-release")
        .is_ok_and(|d| String::from_utf8_lossy(d).contains("ID=alpine"));
    if alpine {
        "curl 8.10.1 (x86_64-alpine-linux-musl) libcurl/8.10.1 OpenSSL/3.3.2 zlib/1.3.1 brotli/1.1.0 zstd/1.5.6 c-ares/1.33.1 libidn2/2.3.7 libpsl/0.21.5 nghttp2/1.62.1\n"
    } else {
        "curl 7.88.1 (x86_64-pc-linux-gnu) libcurl/7.88.1 OpenSSL/3.0.14 zlib/1.2.13 brotli/1.0.9 zstd/1.5.4 libidn2/2.3.3 libpsl/0.21.2 (+libidn2/2.3.3) libssh2/1.10.0 nghttp2/1.52.0 librtmp/2.3 OpenLDAP/2.5.13\n"
    }
}

/// curl's progress meter, printed to stderr when the body goes to a file (the transfer takes
/// no logical time; the speed shown is the size per second).
fn progress_meter(size: usize) -> String {
    let n = |v: usize| -> String {
        if v < 100_000 {
            format!("{v}")
        } else {
            format!("{}k", v / 1024)
        }
    };
    let s = n(size);
    format!(
        "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n                                 Dload  Upload   Total   Spent    Left  Speed\n100 {s:>5}  100 {s:>5}    0     0  {s:>5}      0 --:--:-- --:--:-- --:--:-- {s:>5}\n"
    )
}

/// `-v`'s account of the request, on stderr, before the response headers.
fn verbose_request(url: &Url, ip: &str, method: &str) -> String {
    format!(
        "*   Trying {ip}:{port}...\n* Connected to {host} ({ip}) port {port} (#0)\n> {method} {path} HTTP/1.1\n> Host: {host}:{port}\n> User-Agent: curl/7.88.1\n> Accept: */*\n> \n",
        port = url.port,
        host = url.host,
        path = url.path,
    )
}

pub fn curl(k: &mut Kernel, p: &mut Proc) -> i32 {
    if p.args().iter().any(|a| a == "--help" || a == "-h") {
        k.out(p, HELP);
        return 0;
    }
    if p.args().iter().any(|a| a == "--version" || a == "-V") {
        let line = version_line(k);
        k.out(p, line);
        return 0;
    }
    let o = match parse(p.args()) {
        Ok(o) => o,
        Err(message) => {
            k.err(p, &message);
            return 2;
        }
    };
    let report = !o.silent || o.show_errors;
    let Some(url_text) = o.url.clone() else {
        k.err(p, USAGE_HINT);
        return 2;
    };
    let Some(url) = parse_url(&url_text) else {
        if report {
            k.err(p, "curl: (3) URL using bad/illegal format or missing URL\n");
        }
        return 3;
    };
    let ip = net::address(k, &url.host);
    let fail = |k: &mut Kernel, p: &Proc, code: i32, message: String| {
        if o.verbose {
            k.err(p, &format!("* {message}\n* Closing connection 0\n"));
        }
        if report {
            k.err(p, &format!("curl: ({code}) {message}\n"));
        }
        code
    };
    let response = match http_get(k, &url) {
        Ok(r) => r,
        Err(GetError::Net(NetError::UnknownHost)) => {
            return fail(k, p, 6, format!("Could not resolve host: {}", url.host));
        }
        Err(GetError::Net(NetError::Refused)) => {
            if o.verbose {
                k.err(
                    p,
                    &format!(
                        "*   Trying {ip}:{}...\n* connect to {ip} port {} failed: Connection refused\n",
                        url.port, url.port
                    ),
                );
            }
            let message = format!(
                "Failed to connect to {} port {} after 0 ms: Couldn't connect to server",
                url.host, url.port
            );
            return fail(k, p, 7, message);
        }
        Err(GetError::Net(NetError::Reset)) => {
            return fail(k, p, 56, "Recv failure: Connection reset by peer".into());
        }
        Err(GetError::NotHttp) => {
            return fail(k, p, 1, "Received HTTP/0.9 when not allowed".into());
        }
    };
    answer(k, p, &o, &url, &ip, &response)
}

/// Prints (or saves) what the server sent, as the flags ask.
fn answer(
    k: &mut Kernel,
    p: &mut Proc,
    o: &Options,
    url: &Url,
    ip: &str,
    response: &HttpResponse,
) -> i32 {
    let report = !o.silent || o.show_errors;
    let headers = head(response, k.ctx.now_unix);
    if o.verbose {
        let method = if o.head { "HEAD" } else { "GET" };
        let mut text = verbose_request(url, ip, method);
        for line in headers.split("\r\n").take_while(|l| !l.is_empty()) {
            text.push_str(&format!("< {line}\n"));
        }
        text.push_str("< \n");
        k.err(p, &text);
    }
    if o.fail && response.status >= 400 {
        if report {
            k.err(
                p,
                &format!(
                    "curl: (22) The requested URL returned error: {}\n",
                    response.status
                ),
            );
        }
        return 22;
    }
    let mut bytes = Vec::new();
    if o.head || o.include {
        bytes.extend_from_slice(headers.as_bytes());
    }
    if !o.head {
        bytes.extend_from_slice(&response.body);
    }
    let file = o.output.clone().or_else(|| {
        o.remote_name.then(|| {
            crate::fs::file_name(url.path.split('?').next().unwrap_or(""))
                .trim_start_matches('/')
                .to_string()
        })
    });
    if o.remote_name && file.as_deref() == Some("") {
        if report {
            k.err(p, "curl: Remote file name has no length!\ncurl: (23) Failed writing received data to disk/application\n");
        }
        return 23;
    }
    let code = match file.as_deref() {
        None | Some("-") => {
            k.out_bytes(p, &bytes);
            0
        }
        // The usual way to keep only the status or the headers: the bytes go nowhere.
        Some("/dev/null") => 0,
        Some(name) => {
            let path = p.path(name);
            if k.ctx.fs.write_file(&path, &bytes, false).is_err() {
                if report {
                    k.err(p, &format!("curl: (23) Failure writing output to destination, passed {} returned 0\n", bytes.len()));
                }
                return 23;
            }
            if !o.silent && !o.verbose {
                k.err(p, &progress_meter(bytes.len()));
            }
            0
        }
    };
    if o.verbose {
        k.err(
            p,
            &format!("* Connection #0 to host {} left intact\n", url.host),
        );
    }
    code
}
