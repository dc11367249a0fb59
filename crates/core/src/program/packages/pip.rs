//! pip of the python images: `install` (names, `-r requirements.txt`, `--no-cache-dir`),
//! `uninstall -y`, `list`, `freeze`, `--version`. Packages land in site-packages with their
//! real sizes; without `--no-cache-dir` the downloaded wheels stay in /root/.cache/pip, as
//! they do in a real image.

use super::{catalogue, put_files, resolve, Package};
use crate::fs::Node;
use crate::program::kernel::{Kernel, Proc};

/// "3.12" from PYTHON_VERSION (the python images), or the newest site-packages found.
fn python_short(p: &Proc) -> String {
    let v = p.getenv("PYTHON_VERSION").unwrap_or("3.11.2");
    v.splitn(3, '.').take(2).collect::<Vec<_>>().join(".")
}

fn site_packages(p: &Proc) -> String {
    if p.getenv("PYTHON_VERSION").is_some() {
        format!("/usr/local/lib/python{}/site-packages", python_short(p))
    } else {
        "/usr/lib/python3/dist-packages".to_string()
    }
}

fn bin_dir(p: &Proc) -> &'static str {
    if p.getenv("PYTHON_VERSION").is_some() {
        "/usr/local/bin"
    } else {
        "/usr/bin"
    }
}

fn normal(name: &str) -> String {
    name.to_ascii_lowercase().replace('_', "-")
}

/// Requirement names from arguments and `-r` files: "flask==3.0.3" → "flask".
fn requirements(k: &mut Kernel, p: &Proc, args: &[String]) -> Result<Vec<String>, i32> {
    let mut out = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "-r" || a == "--requirement" {
            let file = it.next().cloned().unwrap_or_default();
            let path = p.path(&file);
            let Ok(data) = k.ctx.fs.read_file(&path) else {
                k.err(p, &format!("ERROR: Could not open requirements file: [Errno 2] No such file or directory: '{file}'\n"));
                return Err(1);
            };
            let text = String::from_utf8_lossy(data).into_owned();
            for line in text.lines() {
                let line = line.split('#').next().unwrap_or("").trim();
                if !line.is_empty() && !line.starts_with('-') {
                    out.push(line.to_string());
                }
            }
        } else if !a.starts_with('-') {
            out.push(a.clone());
        }
    }
    Ok(out)
}

fn name_of(requirement: &str) -> String {
    let end = requirement
        .find(['=', '<', '>', '~', '!', '[', ';', ' '])
        .unwrap_or(requirement.len());
    normal(requirement.get(..end).unwrap_or(requirement))
}

pub fn main(k: &mut Kernel, p: &mut Proc) -> i32 {
    let args = p.args().to_vec();
    let short = python_short(p);
    match args.first().map(String::as_str) {
        Some("--version" | "-V") => {
            let site = site_packages(p);
            k.out(p, &format!("pip 24.2 from {site}/pip (python {short})\n"));
            0
        }
        Some("install") => install(k, p, args.get(1..).unwrap_or(&[])),
        Some("uninstall") => {
            let site = site_packages(p);
            for req in args
                .get(1..)
                .unwrap_or(&[])
                .iter()
                .filter(|a| !a.starts_with('-'))
            {
                let name = name_of(req);
                let dir = format!("{site}/{}", name.replace('-', "_"));
                if k.ctx.fs.exists(&dir) {
                    k.ctx.fs.remove_subtree(&dir);
                    k.out(p, &format!("Found existing installation: {name}\nUninstalling {name}:\n  Successfully uninstalled {name}\n"));
                } else {
                    k.err(
                        p,
                        &format!("WARNING: Skipping {name} as it is not installed.\n"),
                    );
                }
            }
            0
        }
        Some("list" | "freeze") => {
            let freeze = args.first().is_some_and(|a| a == "freeze");
            let site = site_packages(p);
            let mut rows: Vec<(String, String)> = k
                .ctx
                .fs
                .list_dir(&site)
                .unwrap_or_default()
                .into_iter()
                .filter_map(|(n, _)| {
                    n.strip_suffix(".dist-info")
                        .and_then(|s| s.rsplit_once('-'))
                        .map(|(a, b)| (a.to_string(), b.to_string()))
                })
                .collect();
            if !freeze {
                rows.insert(0, ("pip".into(), "24.2".into()));
                crate::order::sort(&mut rows);
            }
            let mut out = if freeze {
                String::new()
            } else {
                "Package    Version\n---------- -------\n".to_string()
            };
            for (n, v) in rows {
                out.push_str(&if freeze {
                    format!("{n}=={v}\n")
                } else {
                    format!("{n:<10} {v}\n")
                });
            }
            k.out(p, &out);
            0
        }
        _ => {
            k.err(p, "\nUsage:   \n  pip <command> [options]\n");
            1
        }
    }
}

fn install(k: &mut Kernel, p: &Proc, args: &[String]) -> i32 {
    let no_cache = args.iter().any(|a| a == "--no-cache-dir")
        || p.getenv("PIP_NO_CACHE_DIR")
            .is_some_and(|v| !v.is_empty() && v != "0" && v != "false");
    // Debian's own python is managed by apt (PEP 668): pip refuses unless told otherwise.
    let marker = format!("/usr/lib/python{}/EXTERNALLY-MANAGED", python_short(p));
    if p.getenv("PYTHON_VERSION").is_none()
        && k.ctx.fs.exists(&marker)
        && !args.iter().any(|a| a == "--break-system-packages")
    {
        k.err(p, "error: externally-managed-environment\n\n× This environment is externally managed\n╰─> To install Python packages system-wide, try apt install\n    python3-xyz, where xyz is the package you are trying to\n    install.\n\n    If you wish to install a non-Debian-packaged Python package,\n    create a virtual environment using python3 -m venv path/to/venv.\n    Then use path/to/venv/bin/python to install it.\n\nnote: If you believe this is a mistake, please contact your Python installation or OS distribution provider. You can override this, at the risk of breaking your Python installation or OS, by passing --break-system-packages.\nhint: See PEP 668 for the detailed specification.\n");
        return 1;
    }
    let reqs = match requirements(k, p, args) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let table = &catalogue().pip;
    let site = site_packages(p);
    let installed = |n: &str| k.ctx.fs.exists(&format!("{site}/{}", n.replace('-', "_")));
    let names: Vec<String> = reqs.iter().map(|r| name_of(r)).collect();
    let mut out = String::new();
    for (req, name) in reqs.iter().zip(&names) {
        if !table.contains_key(name) {
            out.push_str(&format!("ERROR: Could not find a version that satisfies the requirement {req} (from versions: none)\nERROR: No matching distribution found for {req}\n"));
            k.out(p, "");
            k.err(p, &out);
            return 1;
        }
    }
    let order = resolve(table, &names, &installed).unwrap_or_default();
    // pip collects breadth first: what was asked, then what that needs, naming the parent.
    let mut shown = String::new();
    let mut queue: Vec<(String, Option<String>)> =
        names.iter().map(|n| (n.clone(), None)).collect();
    let mut seen: Vec<String> = Vec::new();
    let mut i = 0;
    while let Some((name, parent)) = queue.get(i).cloned() {
        i += 1;
        if seen.contains(&name) || !order.contains(&name) {
            continue;
        }
        seen.push(name.clone());
        let Some(package) = table.get(&name) else {
            continue;
        };
        match parent {
            Some(from) => shown.push_str(&format!("Collecting {name} (from {from})\n")),
            None => shown.push_str(&format!("Collecting {name}\n")),
        }
        shown.push_str(&format!(
            "  Downloading {}-{}-py3-none-any.whl ({})\n",
            name.replace('-', "_"),
            package.v,
            super::kib(wheel(package))
        ));
        for dep in &package.deps {
            queue.push((dep.clone(), Some(name.clone())));
        }
    }
    out.push_str(&shown);
    for name in &names {
        if installed(name) {
            out.push_str(&format!(
                "Requirement already satisfied: {name} in {site}\n"
            ));
        }
    }
    let bin = bin_dir(p);
    for name in &order {
        let Some(package) = table.get(name) else {
            continue;
        };
        let module = name.replace('-', "_");
        let mut placed = Package {
            files: Default::default(),
            ..package.clone()
        };
        placed
            .files
            .insert(format!("{site}/{module}/__init__.py"), "data".into());
        placed.files.insert(
            format!("{site}/{module}-{}.dist-info/METADATA", package.v),
            format!(
                "file:Metadata-Version: 2.1\nName: {name}\nVersion: {}\n",
                package.v
            ),
        );
        for (path, spec) in &package.files {
            let script = path.strip_prefix("bin/").unwrap_or(path);
            placed.files.insert(format!("{bin}/{script}"), spec.clone());
        }
        put_files(k.ctx.fs, &placed, "");
        if !no_cache {
            let _ = k.ctx.fs.mkdir("/root/.cache/pip/wheels", true);
            k.ctx.fs.put(
                &format!(
                    "/root/.cache/pip/wheels/{module}-{}-py3-none-any.whl",
                    package.v
                ),
                Node::file(Vec::new()).sized(wheel(package)),
            );
        }
    }
    if !order.is_empty() {
        let mut listed: Vec<String> = order
            .iter()
            .filter_map(|n| table.get(n).map(|pk| format!("{n}-{}", pk.v)))
            .collect();
        out.push_str(&format!(
            "Installing collected packages: {}\n",
            order.join(", ")
        ));
        crate::order::sort(&mut listed);
        out.push_str(&format!("Successfully installed {}\n", listed.join(" ")));
    }
    if p.user.is_empty() || p.user == "root" {
        out.push_str("WARNING: Running pip as the 'root' user can result in broken permissions and conflicting behaviour with the system package manager, possibly rendering your system unusable.It is recommended to use a virtual environment instead: https://pip.pypa.io/warnings/venv. Use the --root-user-action option if you know what you are doing and want to suppress this warning.\n");
    }
    k.out(p, &out);
    k.advance(800 * order.len() as u64);
    0
}

/// A wheel is compressed: about a third of what it installs.
fn wheel(package: &Package) -> u64 {
    package.bytes() / 3
}
