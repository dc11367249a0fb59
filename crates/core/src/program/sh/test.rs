//! `test` / `[`: file tests, string and integer comparisons, `!`, `-a`, `-o` and parentheses.

use crate::fs::{FsTree, Node};

/// Runs `test` with `args` (without the command name and the closing `]`). Exit status 0 for
/// true, 1 for false, 2 with a message for errors.
pub fn test(fs: &FsTree, cwd: &str, args: &[String]) -> Result<bool, String> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        [] => Ok(false),
        [a] => Ok(!a.is_empty()),
        ["!", a] => Ok(a.is_empty()),
        [op, a] if is_unary(op) => unary(fs, cwd, op, a),
        [_, _] => Err(format!(
            "{}: unknown operand",
            args.first().copied().unwrap_or("")
        )),
        [a, op, b] if is_binary(op) => binary(a, op, b),
        ["!", rest @ ..] if rest.len() == 2 => test(fs, cwd, &owned(rest)).map(|v| !v),
        ["(", a, ")"] => Ok(!a.is_empty()),
        _ => {
            let mut p = P {
                fs,
                cwd,
                args,
                pos: 0,
            };
            let v = p.or()?;
            if p.pos < p.args.len() {
                return Err(format!(
                    "{}: unknown operand",
                    p.args.get(p.pos).copied().unwrap_or("")
                ));
            }
            Ok(v)
        }
    }
}

fn owned(a: &[&str]) -> Vec<String> {
    a.iter().map(|s| s.to_string()).collect()
}

fn is_unary(op: &str) -> bool {
    matches!(
        op,
        "-e" | "-f"
            | "-d"
            | "-z"
            | "-n"
            | "-s"
            | "-r"
            | "-w"
            | "-x"
            | "-L"
            | "-h"
            | "-b"
            | "-c"
            | "-p"
            | "-S"
            | "-t"
    )
}

fn is_binary(op: &str) -> bool {
    matches!(
        op,
        "=" | "==" | "!=" | "-eq" | "-ne" | "-lt" | "-le" | "-gt" | "-ge" | "<" | ">"
    )
}

fn number(s: &str) -> Result<i64, String> {
    s.trim()
        .parse::<i64>()
        .map_err(|_| format!("{s}: bad number"))
}

fn binary(a: &str, op: &str, b: &str) -> Result<bool, String> {
    Ok(match op {
        "=" | "==" => a == b,
        "!=" => a != b,
        "<" => a < b,
        ">" => a > b,
        _ => {
            let (x, y) = (number(a)?, number(b)?);
            match op {
                "-eq" => x == y,
                "-ne" => x != y,
                "-lt" => x < y,
                "-le" => x <= y,
                "-gt" => x > y,
                _ => x >= y,
            }
        }
    })
}

fn unary(fs: &FsTree, cwd: &str, op: &str, a: &str) -> Result<bool, String> {
    let path = crate::fs::normalize(cwd, a);
    Ok(match op {
        "-z" => a.is_empty(),
        "-n" => !a.is_empty(),
        "-t" => false,
        _ if a.is_empty() => false,
        "-e" => fs.stat(&path).is_ok() || is_device(&path),
        "-f" => matches!(fs.stat(&path), Ok(Node::File { .. })),
        "-d" => matches!(fs.stat(&path), Ok(Node::Dir { .. })),
        "-s" => matches!(fs.stat(&path), Ok(n) if n.size() > 0 || n.is_dir()),
        "-r" | "-w" => fs.stat(&path).is_ok() || is_device(&path),
        "-x" => match fs.stat(&path) {
            Ok(Node::File { mode, .. }) => mode & 0o111 != 0,
            Ok(Node::Dir { .. }) => true,
            _ => false,
        },
        "-L" | "-h" => matches!(fs.lstat(&path), Ok(Node::Symlink { .. })),
        "-c" => is_device(&path),
        _ => false,
    })
}

/// Character devices every container has, which the filesystem model does not store.
fn is_device(path: &str) -> bool {
    matches!(
        path,
        "/dev/null"
            | "/dev/zero"
            | "/dev/random"
            | "/dev/urandom"
            | "/dev/tty"
            | "/dev/stdout"
            | "/dev/stderr"
            | "/dev/stdin"
    )
}

struct P<'a> {
    fs: &'a FsTree,
    cwd: &'a str,
    args: Vec<&'a str>,
    pos: usize,
}

impl<'a> P<'a> {
    fn next(&self) -> Option<&'a str> {
        self.args.get(self.pos).copied()
    }

    fn or(&mut self) -> Result<bool, String> {
        let mut v = self.and()?;
        while self.next() == Some("-o") {
            self.pos += 1;
            let r = self.and()?;
            v = v || r;
        }
        Ok(v)
    }

    fn and(&mut self) -> Result<bool, String> {
        let mut v = self.not()?;
        while self.next() == Some("-a") {
            self.pos += 1;
            let r = self.not()?;
            v = v && r;
        }
        Ok(v)
    }

    fn not(&mut self) -> Result<bool, String> {
        if self.next() == Some("!") {
            self.pos += 1;
            if self.pos > 1000 {
                return Err("expression too complex".into());
            }
            return self.not().map(|v| !v);
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<bool, String> {
        let Some(a) = self.next() else {
            return Err("argument expected".into());
        };
        if a == "(" {
            self.pos += 1;
            let v = self.or()?;
            if self.next() != Some(")") {
                return Err("')' expected".into());
            }
            self.pos += 1;
            return Ok(v);
        }
        if is_unary(a) {
            if let Some(b) = self.args.get(self.pos + 1).copied() {
                self.pos += 2;
                return unary(self.fs, self.cwd, a, b);
            }
        }
        if let (Some(op), Some(b)) = (
            self.args.get(self.pos + 1).copied(),
            self.args.get(self.pos + 2).copied(),
        ) {
            if is_binary(op) {
                self.pos += 3;
                return binary(a, op, b);
            }
        }
        self.pos += 1;
        Ok(!a.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(args: &[&str]) -> Result<bool, String> {
        let mut fs = FsTree::new();
        fs.put("/etc/hostname", Node::file("x"));
        test(&fs, "/", &owned(args))
    }

    #[test]
    fn forms() {
        assert_eq!(t(&["-f", "/etc/hostname"]), Ok(true));
        assert_eq!(t(&["-d", "/etc"]), Ok(true));
        assert_eq!(t(&["-e", "/nope"]), Ok(false));
        assert_eq!(t(&["-z", ""]), Ok(true));
        assert_eq!(t(&["a", "=", "a"]), Ok(true));
        assert_eq!(t(&["1", "-lt", "2"]), Ok(true));
        assert_eq!(t(&["1", "-eq", "a"]), Err("a: bad number".into()));
        assert_eq!(t(&["!", "-d", "/etc"]), Ok(false));
        assert_eq!(t(&["-n", "x", "-a", "1", "-gt", "2"]), Ok(false));
        assert_eq!(t(&["-n", "x", "-o", "1", "-gt", "2"]), Ok(true));
        assert_eq!(t(&["-n"]), Ok(true));
        assert_eq!(t(&["(", "a", "=", "b", ")"]), Ok(false));
    }
}
