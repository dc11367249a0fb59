//! Word expansion: tilde, parameters, command substitution, arithmetic, field splitting and
//! pathname expansion, in the POSIX order.

use super::interp::{Io, Shell};
use super::lexer::{ParamOp, Part, Word};
use super::memory::BIG_VALUE;
use crate::glob::{Dialect, Glob};
use crate::program::kernel::{Kernel, HELD_CAP};
use crate::program::pattern;

/// A field being built: its text, and the same text as a glob pattern (quoted characters
/// escaped) with whether it has unquoted glob characters.
#[derive(Default)]
struct Field {
    text: String,
    pattern: String,
    glob: bool,
    exists: bool,
    /// Bytes of the value too big to hold (assignments only): counted, not kept.
    unheld: u64,
}

impl Field {
    fn push(&mut self, s: &str, quoted: bool) {
        if !s.contains(['*', '?', '[', '\\']) {
            // Nothing to escape or glob: copy it whole (values can be megabytes).
            self.text.push_str(s);
            self.pattern.push_str(s);
        } else {
            for c in s.chars() {
                self.text.push(c);
                if quoted && matches!(c, '*' | '?' | '[' | '\\') {
                    self.pattern.push('\\');
                } else if !quoted && matches!(c, '*' | '?' | '[') {
                    self.glob = true;
                }
                self.pattern.push(c);
            }
        }
        if quoted || !s.is_empty() {
            self.exists = true;
        }
    }
}

/// How a word is being expanded.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Command arguments: split and glob.
    Fields,
    /// Assignments, redirection targets, `case` words: one string.
    Single,
    /// `case` patterns: one string, quoted characters escaped.
    Pattern,
}

impl Shell {
    pub fn expand_words(
        &mut self,
        k: &mut Kernel,
        words: &[Word],
        io: &Io,
    ) -> Result<Vec<String>, String> {
        let mut out = Vec::new();
        let mut bytes = 0u64;
        for w in words {
            for f in self.expand(k, w, io, Mode::Fields)? {
                bytes = bytes.saturating_add(f.text.len() as u64 + 32);
                if bytes > HELD_CAP {
                    // More arguments than the simulator holds: it stops following.
                    k.run_forever();
                    return Ok(Vec::new());
                }
                if f.glob {
                    let matches = pattern::glob(k.ctx.fs, &self.cwd, &f.pattern);
                    if !matches.is_empty() {
                        out.extend(matches);
                        continue;
                    }
                }
                out.push(f.text);
            }
        }
        k.work(bytes);
        Ok(out)
    }

    /// An assignment's value: the text held and the bytes beyond it only counted.
    pub fn expand_sized(
        &mut self,
        k: &mut Kernel,
        word: &Word,
        io: &Io,
    ) -> Result<(String, u64), String> {
        let fields = self.expand(k, word, io, Mode::Single)?;
        let unheld = fields.iter().map(|f| f.unheld).sum();
        let text = fields
            .into_iter()
            .map(|f| f.text)
            .collect::<Vec<_>>()
            .join(" ");
        k.work(text.len() as u64);
        Ok((text, unheld))
    }

    pub fn expand_single(
        &mut self,
        k: &mut Kernel,
        word: &Word,
        io: &Io,
    ) -> Result<String, String> {
        Ok(self
            .expand(k, word, io, Mode::Single)?
            .into_iter()
            .map(|f| f.text)
            .collect::<Vec<_>>()
            .join(" "))
    }

    pub fn expand_pattern(
        &mut self,
        k: &mut Kernel,
        word: &Word,
        io: &Io,
    ) -> Result<String, String> {
        Ok(self
            .expand(k, word, io, Mode::Pattern)?
            .into_iter()
            .map(|f| f.pattern)
            .collect::<Vec<_>>()
            .join(" "))
    }

    /// A here-document body: parameters, `$(...)` and backquotes, as inside double quotes.
    pub fn expand_heredoc(
        &mut self,
        k: &mut Kernel,
        body: &str,
        io: &Io,
    ) -> Result<String, String> {
        let word = super::lexer::heredoc_word(body)?;
        self.expand_single(k, &word, io)
    }

    fn ifs(&self) -> String {
        self.get_var("IFS").unwrap_or_else(|| " \t\n".into())
    }

    fn expand(
        &mut self,
        k: &mut Kernel,
        word: &Word,
        io: &Io,
        mode: Mode,
    ) -> Result<Vec<Field>, String> {
        let mut fields = Vec::new();
        let mut cur = Field::default();
        let split = mode == Mode::Fields;
        let ifs = self.ifs();
        for (i, part) in word.iter().enumerate() {
            match part {
                Part::Lit { text, quoted } => {
                    if i == 0 && !quoted && text.starts_with('~') {
                        let (user, rest) = match text.find('/') {
                            Some(idx) => (
                                text.get(1..idx).unwrap_or(""),
                                text.get(idx..).unwrap_or(""),
                            ),
                            None => (text.get(1..).unwrap_or(""), ""),
                        };
                        if user.is_empty() {
                            let home = self.get_var("HOME").unwrap_or_else(|| "/root".into());
                            cur.push(&home, true);
                            cur.push(rest, false);
                            continue;
                        }
                    }
                    cur.push(text, *quoted || mode == Mode::Single);
                }
                Part::Param {
                    name,
                    op,
                    word,
                    quoted,
                } => {
                    if self.is_unheld(name) {
                        match op {
                            ParamOp::Length => {
                                let len = self.unheld_len(name).to_string();
                                cur.push(&len, true);
                                continue;
                            }
                            ParamOp::Alt(_) => {}
                            ParamOp::TrimPrefix(_) | ParamOp::TrimSuffix(_) => {
                                k.run_forever();
                                return Ok(Vec::new());
                            }
                            _ if mode == Mode::Single => {
                                cur.unheld = cur.unheld.saturating_add(self.unheld_len(name));
                                cur.exists = true;
                                continue;
                            }
                            _ => {
                                // Its content is needed and was never kept.
                                k.run_forever();
                                return Ok(Vec::new());
                            }
                        }
                    }
                    if name == "@" && *op == ParamOp::Plain && *quoted {
                        let args = self.positional.clone();
                        for (j, a) in args.iter().enumerate() {
                            if j > 0 {
                                fields.push(std::mem::take(&mut cur));
                            }
                            cur.push(a, true);
                        }
                        continue;
                    }
                    let value = self.param(k, name, *op, word, io)?;
                    self.add_value(&mut cur, &mut fields, &value, *quoted, split, &ifs, mode);
                }
                Part::CmdSub { src, quoted } => {
                    let value = self.capture(k, src, io);
                    self.add_value(&mut cur, &mut fields, &value, *quoted, split, &ifs, mode);
                }
                Part::Arith { src, quoted } => {
                    let inner = super::lexer::heredoc_word(src)?;
                    let expr = self.expand_single(k, &inner, io)?;
                    let value = self.arith(&expr)?.to_string();
                    self.add_value(&mut cur, &mut fields, &value, *quoted, split, &ifs, mode);
                }
            }
            if cur.unheld > 0 || cur.text.len() as u64 > BIG_VALUE {
                if mode != Mode::Single {
                    k.run_forever();
                    return Ok(Vec::new());
                }
                // Too big to hold: keep counting its length only.
                cur.unheld = cur.unheld.saturating_add(cur.text.len() as u64);
                cur.text = String::new();
                cur.pattern = String::new();
            }
        }
        if cur.exists || (mode != Mode::Fields && fields.is_empty()) {
            fields.push(cur);
        }
        Ok(fields)
    }

    #[allow(clippy::too_many_arguments)]
    fn add_value(
        &self,
        cur: &mut Field,
        fields: &mut Vec<Field>,
        value: &str,
        quoted: bool,
        split: bool,
        ifs: &str,
        mode: Mode,
    ) {
        if quoted || !split {
            cur.push(value, quoted || mode == Mode::Single);
            if quoted {
                cur.exists = true;
            }
            return;
        }
        for c in value.chars() {
            if ifs.contains(c) {
                if cur.exists {
                    fields.push(std::mem::take(cur));
                }
            } else {
                let mut b = [0u8; 4];
                cur.push(c.encode_utf8(&mut b), false);
            }
        }
    }

    pub fn arith(&mut self, expr: &str) -> Result<i64, String> {
        let vars = std::cell::RefCell::new(Vec::<(String, i64)>::new());
        let snapshot = self.clone_vars_for_arith();
        let result = super::arith::eval(
            expr,
            &mut |n| {
                if let Some((_, v)) = vars.borrow().iter().rev().find(|(k, _)| k == n) {
                    return v.to_string();
                }
                snapshot.get(n).cloned().unwrap_or_default()
            },
            &mut |n, v| vars.borrow_mut().push((n.to_string(), v)),
        );
        for (n, v) in vars.into_inner() {
            self.set_var(&n, &v.to_string());
        }
        result
    }

    fn clone_vars_for_arith(&self) -> std::collections::BTreeMap<String, String> {
        crate::order::map_from(self.vars.iter().map(|(k, v)| (k.clone(), v.value.clone())))
    }

    fn param(
        &mut self,
        k: &mut Kernel,
        name: &str,
        op: ParamOp,
        word: &Word,
        io: &Io,
    ) -> Result<String, String> {
        let value = self.get_var(name);
        let is_set = |colon: bool| match &value {
            None => false,
            Some(v) => !(colon && v.is_empty()),
        };
        match op {
            ParamOp::Plain => Ok(value.unwrap_or_default()),
            ParamOp::Length => Ok(value.unwrap_or_default().chars().count().to_string()),
            ParamOp::Default(colon) => {
                if is_set(colon) {
                    Ok(value.unwrap_or_default())
                } else {
                    self.expand_single(k, word, io)
                }
            }
            ParamOp::Assign(colon) => {
                if is_set(colon) {
                    Ok(value.unwrap_or_default())
                } else {
                    let v = self.expand_single(k, word, io)?;
                    self.set_var(name, &v);
                    Ok(v)
                }
            }
            ParamOp::Alt(colon) => {
                if is_set(colon) {
                    self.expand_single(k, word, io)
                } else {
                    Ok(String::new())
                }
            }
            ParamOp::Error(colon) => {
                if is_set(colon) {
                    Ok(value.unwrap_or_default())
                } else {
                    let msg = self.expand_single(k, word, io)?;
                    let msg = if msg.is_empty() {
                        "parameter not set".to_string()
                    } else {
                        msg
                    };
                    Err(format!("{name}: {msg}"))
                }
            }
            ParamOp::TrimPrefix(long) | ParamOp::TrimSuffix(long) => {
                let v = value.unwrap_or_default();
                let pat = self.expand_pattern(k, word, io)?;
                let prefix = matches!(op, ParamOp::TrimPrefix(_));
                Ok(trim(&v, &pat, prefix, long))
            }
        }
    }
}

fn trim(v: &str, pat: &str, prefix: bool, long: bool) -> String {
    let Ok(glob) = Glob::new(pat, Dialect::Shell) else {
        return v.to_string();
    };
    if prefix {
        glob.trim_prefix(v, long)
    } else {
        glob.trim_suffix(v, long)
    }
}

#[cfg(test)]
mod tests {
    use super::trim;

    #[test]
    fn trims() {
        assert_eq!(trim("a/b/c.txt", "*/", true, false), "b/c.txt");
        assert_eq!(trim("a/b/c.txt", "*/", true, true), "c.txt");
        assert_eq!(trim("a/b/c.txt", ".*", false, false), "a/b/c");
        assert_eq!(trim("x.tar.gz", ".*", false, true), "x");
    }
}
