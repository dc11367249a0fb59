//! The go tool of the golang images: `version`, `mod init/download/tidy`, and `build`, which
//! writes a binary of a plausible size (a static Go binary is about 1.5 MB before any of the
//! program's own code), so a multi-stage build shows how much smaller the final image is.

use super::{unsimulated, version};
use crate::fs::Node;
use crate::program::binary_file;
use crate::program::kernel::{Kernel, Proc};

/// A Go binary's size: the runtime and standard library it links, plus its own code.
const RUNTIME_BYTES: u64 = 1_500_000;

pub fn go(k: &mut Kernel, p: &mut Proc) -> i32 {
    let v = version(p, "GOLANG_VERSION", "1.22.8").to_string();
    let args = p.args().to_vec();
    match args.first().map(String::as_str) {
        Some("version") => {
            k.out(p, &format!("go version go{v} linux/amd64\n"));
            0
        }
        Some("mod") => go_mod(k, p, &v, args.get(1..).unwrap_or(&[])),
        Some("build") => go_build(k, p, args.get(1..).unwrap_or(&[])),
        Some("run" | "test" | "generate" | "vet") => {
            unsimulated(k, p, &format!("go {}", args.join(" ")), "")
        }
        Some("env") => {
            let gopath = p.getenv("GOPATH").unwrap_or("/root/go").to_string();
            k.out(p, &format!("GOARCH='amd64'\nGOOS='linux'\nGOPATH='{gopath}'\nGOROOT='/usr/local/go'\nGOVERSION='go{v}'\n"));
            0
        }
        None => {
            k.err(p, "Go is a tool for managing Go source code.\n\nUsage:\n\n\tgo <command> [arguments]\n\n");
            2
        }
        Some(other) => {
            k.err(
                p,
                &format!("go {other}: unknown command\nRun 'go help' for usage.\n"),
            );
            2
        }
    }
}

fn module_name(k: &Kernel, cwd: &str) -> Option<String> {
    let data = k.ctx.fs.read_file(&format!("{cwd}/go.mod")).ok()?;
    let text = String::from_utf8_lossy(data);
    text.lines()
        .find_map(|l| l.strip_prefix("module "))
        .map(|m| m.trim().to_string())
}

fn go_mod(k: &mut Kernel, p: &mut Proc, v: &str, args: &[String]) -> i32 {
    let cwd = p.cwd.clone();
    match args.first().map(String::as_str) {
        Some("init") => {
            let Some(name) = args.get(1) else {
                k.err(p, "go: cannot determine module path for source directory (outside GOPATH, module path must be specified)\n");
                return 1;
            };
            if k.ctx.fs.exists(&format!("{cwd}/go.mod")) {
                k.err(p, &format!("go: {cwd}/go.mod already exists\n"));
                return 1;
            }
            let short = v.rsplitn(2, '.').last().unwrap_or(v);
            k.ctx.fs.put(
                &format!("{cwd}/go.mod"),
                Node::file(format!("module {name}\n\ngo {short}\n")),
            );
            k.err(p, &format!("go: creating new go.mod: module {name}\n"));
            0
        }
        Some("download" | "tidy" | "verify") => {
            if module_name(k, &cwd).is_none() {
                k.err(p, "go: go.mod file not found in current directory or any parent directory; see 'go help modules'\n");
                return 1;
            }
            0
        }
        _ => {
            k.err(p, "Go mod provides access to operations on modules.\n");
            2
        }
    }
}

/// `go build [-o OUT] [flags] [PACKAGE]`: needs a module and Go files, writes the binary.
fn go_build(k: &mut Kernel, p: &mut Proc, args: &[String]) -> i32 {
    let cwd = p.cwd.clone();
    let mut out: Option<String> = None;
    let mut package = ".".to_string();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-o" => out = it.next().cloned(),
            "-ldflags" | "-tags" | "-gcflags" | "-mod" => {
                it.next();
            }
            flag if flag.starts_with('-') => {}
            pkg => package = pkg.to_string(),
        }
    }
    let Some(module) = module_name(k, &cwd) else {
        k.err(p, "go: go.mod file not found in current directory or any parent directory; see 'go help modules'\n");
        return 1;
    };
    let dir = p.path(package.trim_end_matches("/..."));
    let sources: Vec<(String, u64)> = k
        .ctx
        .fs
        .descendants(&dir)
        .filter(|(path, _)| path.ends_with(".go") && !path.ends_with("_test.go"))
        .map(|(path, node)| (path.clone(), node.size()))
        .collect();
    let serves = sources.iter().any(|(path, _)| {
        k.ctx
            .fs
            .read_file(path)
            .is_ok_and(|code| super::looks_like_server(&String::from_utf8_lossy(code)))
    });
    if sources.is_empty() {
        k.err(p, &format!("no Go files in {dir}\n"));
        return 1;
    }
    let name = module.rsplit('/').next().unwrap_or("main").to_string();
    let target = match out {
        Some(o) if o.ends_with('/') || k.ctx.fs.stat(&p.path(&o)).is_ok_and(Node::is_dir) => {
            format!("{}/{name}", p.path(&o).trim_end_matches('/'))
        }
        Some(o) => p.path(&o),
        None => format!("{cwd}/{name}"),
    };
    // Compiled code is some tens of times the size of its source.
    let code: u64 = sources.iter().map(|(_, size)| size * 40).sum();
    let mut data = binary_file("go-program");
    data.extend_from_slice(format!("module {module}\nserves {serves}\n").as_bytes());
    let node = Node::executable(data).sized(RUNTIME_BYTES + code);
    // go build makes the output's directory, as `-o /out/app` in Dockerfiles relies on.
    if k.ctx.fs.mkdir(crate::fs::parent(&target), true).is_err() {
        k.err(p, &format!("go: open {target}: not a directory\n"));
        return 1;
    }
    k.ctx.fs.put(&target, node);
    k.advance(2000);
    0
}

/// A program `go build` made: its code is Go the simulator does not run.
pub fn compiled(k: &mut Kernel, p: &mut Proc) -> i32 {
    let name = p.name().to_string();
    let path = crate::program::exec::locate_from(
        k.ctx.fs,
        &p.cwd,
        p.argv.first().map_or("", String::as_str),
        &p.env,
    )
    .unwrap_or_default();
    let code = k
        .ctx
        .fs
        .read_file(&path)
        .map(|d| String::from_utf8_lossy(d).into_owned())
        .unwrap_or_default();
    // go build noted whether the source serves (then it keeps running) or is a command.
    let hint = if code.contains("serves true") {
        "http.ListenAndServe"
    } else {
        ""
    };
    unsimulated(
        k,
        p,
        &format!("{name} (a Go program built in the simulator)"),
        hint,
    )
}
