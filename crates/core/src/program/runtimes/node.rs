//! node, npm and npx of the node images, and the image's entrypoint.

use super::{unsimulated, version};
use crate::program::exec;
use crate::program::kernel::{Kernel, Proc};

pub fn node(k: &mut Kernel, p: &mut Proc) -> i32 {
    let args = p.args().to_vec();
    match args.first().map(String::as_str) {
        None => 0, // No terminal: the REPL reads end-of-file and exits.
        Some("--version" | "-v") => {
            let v = version(p, "NODE_VERSION", "22.11.0").to_string();
            k.out(p, &format!("v{v}\n"));
            0
        }
        Some("-e" | "--eval" | "-p" | "--print") => {
            let code = args.get(1).cloned().unwrap_or_default();
            match console_log(&code) {
                Some(text) => {
                    k.out(p, &format!("{text}\n"));
                    0
                }
                None => unsimulated(k, p, "node -e", &code),
            }
        }
        Some(script) => {
            let mut path = p.path(script);
            if k.ctx.fs.stat(&path).is_ok_and(crate::fs::Node::is_dir) {
                path = format!("{}/index.js", path.trim_end_matches('/'));
            }
            match k.ctx.fs.read_file(&path) {
                Ok(data) => {
                    let code = String::from_utf8_lossy(data).into_owned();
                    unsimulated(k, p, &format!("node {script}"), &code)
                }
                Err(_) => {
                    k.err(p, &format!("node:internal/modules/cjs/loader:1228\n  throw err;\n  ^\n\nError: Cannot find module '{path}'\n    at Module._resolveFilename (node:internal/modules/cjs/loader:1225:15)\n    at node:internal/main/run_main_module:28:49 {{\n  code: 'MODULE_NOT_FOUND',\n  requireStack: []\n}}\n\nNode.js v{}\n", version(p, "NODE_VERSION", "22.11.0")));
                    1
                }
            }
        }
    }
}

/// `console.log("text")`, the one line of JavaScript the simulator answers itself.
fn console_log(code: &str) -> Option<String> {
    let code = code.trim().trim_end_matches(';');
    let inner = code.strip_prefix("console.log(")?.strip_suffix(')')?.trim();
    let quote = inner
        .chars()
        .next()
        .filter(|c| matches!(c, '"' | '\'' | '`'))?;
    let text = inner.strip_prefix(quote)?.strip_suffix(quote)?;
    (!text.contains(quote)).then(|| text.to_string())
}

pub fn npm(k: &mut Kernel, p: &mut Proc) -> i32 {
    crate::program::packages::npm::main(k, p)
}

pub fn npx(k: &mut Kernel, p: &mut Proc) -> i32 {
    match p.args().first().map(String::as_str) {
        Some("--version" | "-v") => crate::program::packages::npm::main(k, p),
        _ => unsimulated(k, p, "npx", ""),
    }
}

/// The node image's docker-entrypoint.sh: a first argument that is an option, or not a
/// command, runs under node (`docker run node app.js`, `docker run node -e ...`).
pub fn entrypoint(k: &mut Kernel, p: &mut Proc) -> i32 {
    let mut argv: Vec<String> = p.args().to_vec();
    let first = argv.first().cloned().unwrap_or_default();
    let is_command = exec::locate_from(k.ctx.fs, &p.cwd, &first, &p.env).is_ok();
    if first.is_empty() || first.starts_with('-') || !is_command {
        argv.insert(0, "node".to_string());
    }
    let child = Proc { argv, ..p.clone() };
    match exec::spawn(k, child) {
        Ok(code) => code,
        Err(e) => e.exit_code(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_a_literal_console_log_is_answered() {
        assert_eq!(super::console_log("console.log('hi');"), Some("hi".into()));
        assert_eq!(super::console_log("console.log(1+1)"), None);
    }
}
