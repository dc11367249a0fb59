//! Small tools of the stock images: curl over the simulated network, and the honest stand-in
//! for programs whose work the simulator does not do (git, gcc, gosu, ...).

use crate::program::applets::wget::{http_get, parse_url, GetError};
use crate::program::exec;
use crate::program::kernel::{Kernel, Proc};
use crate::program::NetError;

/// `exec "$@"`: tini and the temurin image's entrypoint run their arguments.
pub fn exec_args(k: &mut Kernel, p: &mut Proc) -> i32 {
    let argv: Vec<String> = p
        .args()
        .iter()
        .skip_while(|a| *a == "--")
        .cloned()
        .collect();
    if argv.is_empty() {
        return 0;
    }
    let name = argv.first().cloned().unwrap_or_default();
    let child = Proc { argv, ..p.clone() };
    match exec::spawn(k, child) {
        Ok(code) => code,
        Err(e) => {
            k.err(
                p,
                &format!("[FATAL tini (1)] exec {name} failed: No such file or directory\n"),
            );
            e.exit_code()
        }
    }
}

/// curl: GET a URL and print the body (`-o FILE` saves it, `-I` prints the status line, `-f`
/// fails on HTTP errors with exit 22, `-s` keeps errors quiet unless `-S`).
pub fn curl(k: &mut Kernel, p: &mut Proc) -> i32 {
    let mut silent = false;
    let mut show_errors = false;
    let mut fail = false;
    let mut head = false;
    let mut output: Option<String> = None;
    let mut url_text: Option<String> = None;
    let args = p.args().to_vec();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--version" || a == "-V" {
            // The version of the distribution's own curl package.
            let alpine = k
                .ctx
                .fs
                .read_file("/etc/os-release")
                .is_ok_and(|d| String::from_utf8_lossy(d).contains("ID=alpine"));
            k.out(p, if alpine {
                "curl 8.10.1 (x86_64-alpine-linux-musl) libcurl/8.10.1 OpenSSL/3.3.2 zlib/1.3.1 brotli/1.1.0 zstd/1.5.6 c-ares/1.33.1 libidn2/2.3.7 libpsl/0.21.5 nghttp2/1.62.1\n"
            } else {
                "curl 7.88.1 (x86_64-pc-linux-gnu) libcurl/7.88.1 OpenSSL/3.0.14 zlib/1.2.13 brotli/1.0.9 zstd/1.5.4 libidn2/2.3.3 libpsl/0.21.2 (+libidn2/2.3.3) libssh2/1.10.0 nghttp2/1.52.0 librtmp/2.3 OpenLDAP/2.5.13\n"
            });
            return 0;
        }
        if a == "-o" || a == "--output" {
            output = it.next().cloned();
        } else if let Some(flags) = a.strip_prefix('-').filter(|f| !f.starts_with('-')) {
            for c in flags.chars() {
                match c {
                    's' => silent = true,
                    'S' => show_errors = true,
                    'f' => fail = true,
                    'I' => head = true,
                    'L' | 'k' | 'v' => {}
                    'o' => output = it.next().cloned(),
                    _ => {}
                }
            }
        } else if a == "--fail" {
            fail = true;
        } else if a == "--silent" {
            silent = true;
        } else if !a.starts_with('-') {
            url_text = Some(a.clone());
        }
    }
    let report = !silent || show_errors;
    let Some(url_text) = url_text else {
        k.err(
            p,
            "curl: try 'curl --help' or 'curl --manual' for more information\n",
        );
        return 2;
    };
    let Some(url) = parse_url(&url_text) else {
        if report {
            k.err(p, "curl: (3) URL using bad/illegal format or missing URL\n");
        }
        return 3;
    };
    let response = match http_get(k, &url) {
        Ok(r) => r,
        Err(GetError::Net(NetError::UnknownHost)) => {
            if report {
                k.err(
                    p,
                    &format!("curl: (6) Could not resolve host: {}\n", url.host),
                );
            }
            return 6;
        }
        Err(GetError::Net(NetError::Refused)) => {
            if report {
                k.err(p, &format!("curl: (7) Failed to connect to {} port {} after 0 ms: Couldn't connect to server\n", url.host, url.port));
            }
            return 7;
        }
        Err(GetError::NotHttp) => {
            if report {
                k.err(p, "curl: (1) Received HTTP/0.9 when not allowed\n");
            }
            return 1;
        }
    };
    if fail && response.status >= 400 {
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
    if head {
        k.out(
            p,
            &format!(
                "HTTP/1.1 {} {}\r\nContent-Length: {}\r\n\r\n",
                response.status,
                response.reason,
                response.body.len()
            ),
        );
        return 0;
    }
    match output {
        Some(file) => {
            let path = p.path(&file);
            if k.ctx.fs.write_file(&path, &response.body, false).is_err() {
                if report {
                    k.err(p, &format!("curl: (23) Failure writing output to destination, passed {} returned 0\n", response.body.len()));
                }
                return 23;
            }
            0
        }
        None => {
            k.out_bytes(p, &response.body);
            0
        }
    }
}

pub fn git(k: &mut Kernel, p: &mut Proc) -> i32 {
    if p.args().first().is_some_and(|a| a == "--version") {
        k.out(p, "git version 2.39.5\n");
        return 0;
    }
    inert(k, p)
}

pub fn gcc(k: &mut Kernel, p: &mut Proc) -> i32 {
    if p.args().first().is_some_and(|a| a == "--version") {
        k.out(p, "gcc (Debian 12.2.0-14) 12.2.0\n");
        return 0;
    }
    inert(k, p)
}

/// A program whose work the simulator does not do: it says so and fails, so a build that
/// depends on its result stops there instead of going on with nothing.
pub fn inert(k: &mut Kernel, p: &mut Proc) -> i32 {
    let name = p.name().to_string();
    k.err(
        p,
        &format!("[simulator] {name}: this program is installed but not simulated\n"),
    );
    1
}
