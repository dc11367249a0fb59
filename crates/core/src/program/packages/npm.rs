//! npm of the node images: `install` (`i`, with names or from package.json), `ci` (needs
//! package-lock.json), `start`/`run`, `--version`. Each dependency adds its whole tree's
//! size and package count under node_modules, from the catalogue.

use super::catalogue;
use crate::fs::Node;
use crate::program::exec;
use crate::program::kernel::{Kernel, Proc};
use serde_json::{Map, Value};

fn npm_version(p: &Proc) -> &'static str {
    match p.getenv("NODE_VERSION").and_then(|v| v.split('.').next()) {
        Some("20") => "10.8.2",
        Some("18") => "10.2.3",
        _ => "10.9.0",
    }
}

fn read_json(k: &Kernel, path: &str) -> Option<Value> {
    let data = k.ctx.fs.read_file(path).ok()?;
    serde_json::from_slice(data).ok()
}

fn enoent(k: &mut Kernel, p: &Proc, path: &str) -> i32 {
    k.err(p, &format!("npm error code ENOENT\nnpm error syscall open\nnpm error path {path}\nnpm error errno -2\nnpm error enoent Could not read package.json: Error: ENOENT: no such file or directory, open '{path}'\nnpm error enoent This is related to npm not being able to find a file.\nnpm error enoent\n"));
    254
}

pub fn main(k: &mut Kernel, p: &mut Proc) -> i32 {
    let args = p.args().to_vec();
    let manifest = format!("{}/package.json", p.cwd.trim_end_matches('/'));
    match args.first().map(String::as_str) {
        Some("--version" | "-v") => {
            let v = npm_version(p);
            k.out(p, &format!("{v}\n"));
            0
        }
        Some("install" | "i" | "add") => {
            install(k, p, &manifest, args.get(1..).unwrap_or(&[]), false)
        }
        Some("ci") => {
            let lock = format!("{}/package-lock.json", p.cwd.trim_end_matches('/'));
            if !k.ctx.fs.exists(&lock) {
                k.err(p, "npm error code EUSAGE\nnpm error\nnpm error The `npm ci` command can only install with an existing package-lock.json or\nnpm error npm-shrinkwrap.json with lockfileVersion >= 1. Run an install with npm@5 or\nnpm error later to generate a package-lock.json file, then try again.\n");
                return 1;
            }
            k.ctx
                .fs
                .remove_subtree(&format!("{}/node_modules", p.cwd.trim_end_matches('/')));
            install(k, p, &manifest, &[], true)
        }
        Some("start") => run_script(k, p, &manifest, "start"),
        Some("run" | "run-script") => match args.get(1) {
            Some(name) => {
                let name = name.clone();
                run_script(k, p, &manifest, &name)
            }
            None => 0,
        },
        Some("init") => {
            let name = p.cwd.rsplit('/').next().unwrap_or("app").to_string();
            let text = format!("{{\n  \"name\": \"{name}\",\n  \"version\": \"1.0.0\",\n  \"main\": \"index.js\",\n  \"scripts\": {{\n    \"test\": \"echo \\\"Error: no test specified\\\" && exit 1\"\n  }},\n  \"license\": \"ISC\"\n}}\n");
            k.ctx.fs.put(&manifest, Node::file(text.clone()));
            k.out(p, &format!("Wrote to {manifest}:\n\n{text}\n\n"));
            0
        }
        _ => {
            k.err(p, "npm <command>\n\nUsage:\n\nnpm install        install all the dependencies in your project\n");
            1
        }
    }
}

fn install(k: &mut Kernel, p: &Proc, manifest: &str, names: &[String], clean: bool) -> i32 {
    let table = &catalogue().npm;
    let mut pkg = match read_json(k, manifest) {
        Some(v) => v,
        None if names.is_empty() => return enoent(k, p, manifest),
        None => serde_json::json!({}),
    };
    let wanted: Vec<String> = names
        .iter()
        .filter(|a| !a.starts_with('-'))
        .map(|a| {
            a.rsplit_once('@')
                .filter(|(n, _)| !n.is_empty())
                .map(|(n, _)| n.to_string())
                .unwrap_or_else(|| a.clone())
        })
        .collect();
    for name in &wanted {
        if !table.contains_key(name) {
            k.err(p, &format!("npm error code E404\nnpm error 404 Not Found - GET https://registry.npmjs.org/{name} - Not found\nnpm error 404\nnpm error 404  '{name}@*' is not in this registry.\n"));
            return 1;
        }
    }
    let dev = names.iter().any(|a| a == "-D" || a == "--save-dev");
    let section = if dev {
        "devDependencies"
    } else {
        "dependencies"
    };
    if let Some(obj) = pkg.as_object_mut() {
        let deps = obj
            .entry(section)
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(deps) = deps.as_object_mut() {
            for name in &wanted {
                if let Some(package) = table.get(name) {
                    deps.insert(name.clone(), Value::String(format!("^{}", package.v)));
                }
            }
        }
    }
    let mut all: Vec<String> = Vec::new();
    for key in ["dependencies", "devDependencies"] {
        if let Some(deps) = pkg.get(key).and_then(Value::as_object) {
            all.extend(deps.keys().cloned());
        }
    }
    let root = p.cwd.trim_end_matches('/').to_string();
    let mut added = 0u32;
    for name in &all {
        let dir = format!("{root}/node_modules/{name}");
        let Some(package) = table.get(name) else {
            continue;
        };
        if k.ctx.fs.exists(&dir) {
            continue;
        }
        let _ = k.ctx.fs.mkdir(&dir, true);
        k.ctx.fs.put(
            &format!("{dir}/package.json"),
            Node::file(format!(
                "{{\"name\":\"{name}\",\"version\":\"{}\"}}\n",
                package.v
            )),
        );
        // The package and its dependency tree, as one file: their code is not simulated.
        k.ctx.fs.put(
            &format!("{dir}/index.js"),
            Node::file(Vec::new()).sized(package.bytes()),
        );
        added += package.count.max(1);
    }
    if !wanted.is_empty() {
        let text = serde_json::to_string_pretty(&pkg).unwrap_or_default() + "\n";
        k.ctx.fs.put(manifest, Node::file(text));
    }
    if !clean {
        let lock = serde_json::json!({"name": pkg.get("name").cloned().unwrap_or(Value::Null), "lockfileVersion": 3, "requires": true, "packages": all});
        k.ctx.fs.put(
            &format!("{root}/package-lock.json"),
            Node::file(serde_json::to_string_pretty(&lock).unwrap_or_default() + "\n"),
        );
    }
    let audited = added + 1;
    let text = if added == 0 {
        format!("\nup to date, audited {audited} packages in 1s\n\nfound 0 vulnerabilities\n")
    } else {
        format!("\nadded {added} packages, and audited {audited} packages in 3s\n\nfound 0 vulnerabilities\n")
    };
    k.out(p, &text);
    k.advance(3000);
    0
}

fn run_script(k: &mut Kernel, p: &Proc, manifest: &str, name: &str) -> i32 {
    let Some(pkg) = read_json(k, manifest) else {
        return enoent(k, p, manifest);
    };
    let root = p.cwd.trim_end_matches('/').to_string();
    let script = pkg
        .get("scripts")
        .and_then(|s| s.get(name))
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| {
            (name == "start" && k.ctx.fs.exists(&format!("{root}/server.js")))
                .then(|| "node server.js".to_string())
        });
    let Some(script) = script else {
        k.err(p, &format!("npm error Missing script: \"{name}\"\nnpm error\nnpm error To see a list of scripts, run:\nnpm error   npm run\n"));
        return 1;
    };
    let title = pkg.get("name").and_then(Value::as_str).unwrap_or("");
    let version = pkg.get("version").and_then(Value::as_str).unwrap_or("");
    k.out(p, &format!("\n> {title}@{version} {name}\n> {script}\n\n"));
    let mut env = p.env.clone();
    let path = p.getenv("PATH").unwrap_or(exec::DEFAULT_PATH).to_string();
    crate::image::set_env(
        &mut env,
        "PATH",
        &format!("{root}/node_modules/.bin:{path}"),
    );
    let child = Proc {
        argv: vec!["sh".into(), "-c".into(), script],
        env,
        ..p.clone()
    };
    exec::spawn(k, child).unwrap_or(127)
}
