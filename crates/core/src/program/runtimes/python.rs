//! python and pip of the python images.

use super::{unsimulated, version};
use crate::fs::Node;
use crate::program::kernel::{Kernel, Proc};
use crate::program::ServerKind;

pub fn python(k: &mut Kernel, p: &mut Proc) -> i32 {
    let v = version(p, "PYTHON_VERSION", "3.12.7").to_string();
    let args = p.args().to_vec();
    match args.first().map(String::as_str) {
        None => 0, // A REPL with no terminal reads end-of-file and exits, as in `docker run python`.
        Some("--version" | "-V") => {
            k.out(p, &format!("Python {v}\n"));
            0
        }
        Some("-c") => {
            let code = args.get(1).cloned().unwrap_or_default();
            match literal_print(&code) {
                Some(text) => {
                    k.out(p, &format!("{text}\n"));
                    0
                }
                None => unsimulated(k, p, "python -c", &code),
            }
        }
        Some("-m") => module(
            k,
            p,
            &v,
            args.get(1).map(String::as_str).unwrap_or(""),
            args.get(2..).unwrap_or(&[]),
        ),
        Some(script) => {
            let path = p.path(script);
            match k.ctx.fs.read_file(&path) {
                Ok(data) => {
                    let code = String::from_utf8_lossy(data).into_owned();
                    unsimulated(k, p, &format!("python {script}"), &code)
                }
                Err(_) => {
                    k.err(p, &format!("python3: can't open file '{path}': [Errno 2] No such file or directory\n"));
                    2
                }
            }
        }
    }
}

/// `print("text")` or `print('text')`, the one line of Python the simulator answers itself.
fn literal_print(code: &str) -> Option<String> {
    let inner = code
        .trim()
        .strip_prefix("print(")?
        .strip_suffix(')')?
        .trim();
    let quote = inner.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let text = inner.strip_prefix(quote)?.strip_suffix(quote)?;
    (!text.contains(quote)).then(|| text.to_string())
}

fn module(k: &mut Kernel, p: &mut Proc, v: &str, name: &str, rest: &[String]) -> i32 {
    match name {
        "http.server" => http_server(k, p, rest),
        "pip" => {
            let mut argv = vec!["pip".to_string()];
            argv.extend(rest.iter().cloned());
            let mut child = Proc { argv, ..p.clone() };
            pip(k, &mut child)
        }
        "venv" => {
            let Some(dir) = rest.iter().find(|a| !a.starts_with('-')) else {
                k.err(p, "usage: venv [-h] ENV_DIR [ENV_DIR ...]\nvenv: error: the following arguments are required: ENV_DIR\n");
                return 2;
            };
            let root = p.path(dir);
            let fs = &mut *k.ctx.fs;
            let _ = fs.mkdir(&format!("{root}/bin"), true);
            let short = v.rsplitn(2, '.').last().unwrap_or(v);
            let _ = fs.mkdir(&format!("{root}/lib/python{short}/site-packages"), true);
            let _ = fs.symlink("/usr/local/bin/python3", &format!("{root}/bin/python3"));
            let _ = fs.symlink("python3", &format!("{root}/bin/python"));
            fs.put(
                &format!("{root}/bin/pip"),
                Node::executable(crate::program::binary_file("pip")),
            );
            fs.put(
                &format!("{root}/pyvenv.cfg"),
                Node::file(format!(
                    "home = /usr/local/bin\ninclude-system-site-packages = false\nversion = {v}\n"
                )),
            );
            0
        }
        "" => {
            k.err(p, "Argument expected for the -m option\n");
            2
        }
        other => unsimulated(k, p, &format!("python -m {other}"), ""),
    }
}

/// `python -m http.server [PORT] [-d DIR] [-b ADDR]`: serves the directory, as the real one.
fn http_server(k: &mut Kernel, p: &mut Proc, rest: &[String]) -> i32 {
    let mut port: u16 = 8000;
    let mut dir = p.cwd.clone();
    let mut bind = "0.0.0.0".to_string();
    let mut it = rest.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-d" | "--directory" => dir = p.path(it.next().map(String::as_str).unwrap_or(".")),
            "-b" | "--bind" => bind = it.next().cloned().unwrap_or(bind),
            other => match other.parse() {
                Ok(n) => port = n,
                Err(_) => {
                    k.err(p, &format!("usage: server.py [-h] [--cgi] [-b ADDRESS] [-d DIRECTORY] [-p VERSION] [port]\nserver.py: error: argument port: invalid int value: '{other}'\n"));
                    return 2;
                }
            },
        }
    }
    k.out(
        p,
        &format!("Serving HTTP on {bind} port {port} (http://{bind}:{port}/) ...\n"),
    );
    k.listen(port, ServerKind::Http { docroot: dir });
    k.run_forever();
    0
}

/// A console script pip installed (flask, gunicorn, uvicorn, ...): an application server.
pub fn console_script(k: &mut Kernel, p: &mut Proc) -> i32 {
    if p.args().first().is_some_and(|a| a == "--version") {
        let name = p.name().to_string();
        k.out(p, &format!("{name} (the version pip installed)\n"));
        return 0;
    }
    let line = p.argv.join(" ");
    unsimulated(k, p, &line, "app.run(")
}

/// pip: `--version`, and `install`/`uninstall`/`list`/`freeze` through the catalogue.
pub fn pip(k: &mut Kernel, p: &mut Proc) -> i32 {
    crate::program::packages::pip::main(k, p)
}

#[cfg(test)]
mod tests {
    use super::literal_print;

    #[test]
    fn only_a_literal_print_is_answered() {
        assert_eq!(literal_print("print('hi')"), Some("hi".into()));
        assert_eq!(literal_print(" print(\"a b\") "), Some("a b".into()));
        assert_eq!(literal_print("print(1+1)"), None);
        assert_eq!(literal_print("print('a'); x()"), None);
    }
}
