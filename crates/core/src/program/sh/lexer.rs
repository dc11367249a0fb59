//! Shell tokens: words (with their quoting kept as parts), operators, newlines and here-docs.

/// One piece of a word, with whether it was quoted (quoted text is not split or globbed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    Lit {
        text: String,
        quoted: bool,
    },
    Param {
        name: String,
        op: ParamOp,
        word: Vec<Part>,
        quoted: bool,
    },
    CmdSub {
        src: String,
        quoted: bool,
    },
    Arith {
        src: String,
        quoted: bool,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamOp {
    Plain,
    /// `${#x}`
    Length,
    /// `${x-w}` / `${x:-w}` (bool: colon form, which also treats empty as unset)
    Default(bool),
    Assign(bool),
    Alt(bool),
    Error(bool),
    /// `${x#p}` `${x##p}` `${x%p}` `${x%%p}`
    TrimPrefix(bool),
    TrimSuffix(bool),
}

pub type Word = Vec<Part>;

/// The word as plain text if it has no quoting or expansions (keywords, names).
pub fn plain(word: &Word) -> Option<&str> {
    match word.as_slice() {
        [Part::Lit {
            text,
            quoted: false,
        }] => Some(text),
        _ => None,
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tok {
    Word(Word),
    /// A redirection operator with its explicit fd (`2>`), e.g. (">", Some(2)).
    Redir(String, Option<u32>),
    /// A here-document: the body (filled in after the line ends) and whether to expand it.
    HereDoc {
        body: String,
        expand: bool,
    },
    Op(&'static str),
    Newline,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub tok: Tok,
    pub line: u32,
}

pub struct Lexer<'s> {
    chars: Vec<char>,
    pos: usize,
    line: u32,
    out: Vec<Token>,
    /// Here-documents waiting for the end of the line: token index, delimiter, strip tabs.
    pending: Vec<(usize, String, bool)>,
    _src: &'s str,
    /// How deep `${...}` operands nest, bounded against hostile input.
    nest: u32,
}

const OPS: &[&str] = &["&&", "||", ";;", ";", "&", "|", "(", ")"];

pub fn tokenize(src: &str, first_line: u32) -> Result<Vec<Token>, String> {
    let mut lx = Lexer {
        chars: src.chars().collect(),
        pos: 0,
        line: first_line,
        out: Vec::new(),
        pending: Vec::new(),
        _src: src,
        nest: 0,
    };
    lx.run()?;
    Ok(lx.out)
}

/// The parts of a here-document body or an arithmetic expression: `$` expansions and
/// backquotes are live, everything else (quotes included) is literal text.
pub fn heredoc_word(src: &str) -> Result<Word, String> {
    let mut lx = Lexer {
        chars: src.chars().collect(),
        pos: 0,
        line: 1,
        out: Vec::new(),
        pending: Vec::new(),
        _src: src,
        nest: 0,
    };
    let mut parts: Word = Vec::new();
    let mut lit = String::new();
    while let Some(c) = lx.peek() {
        match c {
            '\\' if matches!(lx.peek_at(1), Some('$' | '`' | '\\')) => {
                lx.pos += 1;
                if let Some(e) = lx.bump() {
                    lit.push(e);
                }
            }
            '\\' if lx.peek_at(1) == Some('\n') => {
                lx.pos += 2;
            }
            '$' => match lx.dollar(true)? {
                Some(part) => {
                    if !lit.is_empty() {
                        parts.push(Part::Lit {
                            text: std::mem::take(&mut lit),
                            quoted: true,
                        });
                    }
                    parts.push(part);
                }
                None => lit.push('$'),
            },
            '`' => {
                lx.pos += 1;
                if !lit.is_empty() {
                    parts.push(Part::Lit {
                        text: std::mem::take(&mut lit),
                        quoted: true,
                    });
                }
                let src = lx.backquoted()?;
                parts.push(Part::CmdSub { src, quoted: true });
            }
            _ => {
                lx.bump();
                lit.push(c);
            }
        }
    }
    if !lit.is_empty() || parts.is_empty() {
        parts.push(Part::Lit {
            text: lit,
            quoted: true,
        });
    }
    Ok(parts)
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.chars.get(self.pos + n).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        if c == '\n' {
            self.line += 1;
        }
        Some(c)
    }

    fn push(&mut self, tok: Tok) {
        let line = self.line;
        self.out.push(Token { tok, line });
    }

    fn run(&mut self) -> Result<(), String> {
        while let Some(c) = self.peek() {
            match c {
                ' ' | '\t' | '\r' => {
                    self.pos += 1;
                }
                '\\' if self.peek_at(1) == Some('\n') => {
                    self.bump();
                    self.bump();
                }
                '\n' => {
                    self.push(Tok::Newline);
                    self.bump();
                    self.read_heredocs()?;
                }
                '#' => {
                    while let Some(c) = self.peek() {
                        if c == '\n' {
                            break;
                        }
                        self.pos += 1;
                    }
                }
                _ => {
                    if let Some(tok) = self.operator()? {
                        self.push(tok);
                    } else {
                        let word = self.word()?;
                        self.push(Tok::Word(word));
                    }
                }
            }
        }
        if !self.pending.is_empty() {
            // A here-doc that never saw its line end: an empty body, as ash does at EOF.
            self.read_heredocs()?;
        }
        Ok(())
    }

    fn starts_with(&self, s: &str) -> bool {
        s.chars()
            .enumerate()
            .all(|(i, c)| self.peek_at(i) == Some(c))
    }

    fn operator(&mut self) -> Result<Option<Tok>, String> {
        // An IO number: digits directly followed by '<' or '>'.
        let mut n = 0;
        while self.peek_at(n).is_some_and(|c| c.is_ascii_digit()) {
            n += 1;
        }
        let fd = if n > 0 && matches!(self.peek_at(n), Some('<' | '>')) {
            let digits: String = self
                .chars
                .get(self.pos..self.pos + n)
                .unwrap_or(&[])
                .iter()
                .collect();
            self.pos += n;
            Some(digits.parse::<u32>().unwrap_or(u32::MAX))
        } else {
            None
        };
        for op in ["<<-", "<<", ">>", ">&", "<&", ">|", "<>", ">", "<"] {
            if self.starts_with(op) {
                self.pos += op.len();
                if op.starts_with("<<") {
                    return self.heredoc(op == "<<-").map(Some);
                }
                return Ok(Some(Tok::Redir(op.to_string(), fd)));
            }
        }
        for op in OPS {
            if self.starts_with(op) {
                self.pos += op.len();
                return Ok(Some(Tok::Op(op)));
            }
        }
        Ok(None)
    }

    fn heredoc(&mut self, strip: bool) -> Result<Tok, String> {
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.pos += 1;
        }
        let word = self.word()?;
        let mut delim = String::new();
        let mut quoted = false;
        for part in &word {
            match part {
                Part::Lit { text, quoted: q } => {
                    delim.push_str(text);
                    quoted |= *q;
                }
                _ => return Err("syntax error: bad here-document delimiter".into()),
            }
        }
        if delim.is_empty() {
            return Err("syntax error: unexpected newline".into());
        }
        self.pending.push((self.out.len(), delim, strip));
        Ok(Tok::HereDoc {
            body: String::new(),
            expand: !quoted,
        })
    }

    fn read_heredocs(&mut self) -> Result<(), String> {
        let pending = std::mem::take(&mut self.pending);
        for (index, delim, strip) in pending {
            let mut body = String::new();
            loop {
                if self.peek().is_none() {
                    break;
                }
                let mut line = String::new();
                while let Some(c) = self.bump() {
                    if c == '\n' {
                        break;
                    }
                    line.push(c);
                }
                let line = if strip {
                    line.trim_start_matches('\t').to_string()
                } else {
                    line
                };
                if line == delim {
                    break;
                }
                body.push_str(&line);
                body.push('\n');
            }
            if let Some(Token {
                tok: Tok::HereDoc { body: b, .. },
                ..
            }) = self.out.get_mut(index)
            {
                *b = body;
            }
        }
        Ok(())
    }

    fn at_word_end(&self) -> bool {
        match self.peek() {
            None => true,
            Some(c) => matches!(
                c,
                ' ' | '\t' | '\r' | '\n' | ';' | '&' | '|' | '(' | ')' | '<' | '>'
            ),
        }
    }

    fn word(&mut self) -> Result<Word, String> {
        let mut parts: Word = Vec::new();
        let mut lit = String::new();
        let flush = |lit: &mut String, parts: &mut Word| {
            if !lit.is_empty() {
                parts.push(Part::Lit {
                    text: std::mem::take(lit),
                    quoted: false,
                });
            }
        };
        while !self.at_word_end() {
            let Some(c) = self.peek() else { break };
            match c {
                '\\' => {
                    self.pos += 1;
                    match self.bump() {
                        Some('\n') => {}
                        Some(e) => {
                            flush(&mut lit, &mut parts);
                            parts.push(Part::Lit {
                                text: e.to_string(),
                                quoted: true,
                            });
                        }
                        None => lit.push('\\'),
                    }
                }
                '\'' => {
                    self.pos += 1;
                    flush(&mut lit, &mut parts);
                    let mut text = String::new();
                    loop {
                        match self.bump() {
                            Some('\'') => break,
                            Some(c) => text.push(c),
                            None => return Err("syntax error: unterminated quoted string".into()),
                        }
                    }
                    parts.push(Part::Lit { text, quoted: true });
                }
                '"' => {
                    self.pos += 1;
                    flush(&mut lit, &mut parts);
                    let inner = self.double_quoted()?;
                    if inner.is_empty() {
                        parts.push(Part::Lit {
                            text: String::new(),
                            quoted: true,
                        });
                    }
                    parts.extend(inner);
                }
                '$' => {
                    if let Some(part) = self.dollar(false)? {
                        flush(&mut lit, &mut parts);
                        parts.push(part);
                    } else {
                        lit.push('$');
                    }
                }
                '`' => {
                    self.pos += 1;
                    flush(&mut lit, &mut parts);
                    let src = self.backquoted()?;
                    parts.push(Part::CmdSub { src, quoted: false });
                }
                _ => {
                    self.bump();
                    lit.push(c);
                }
            }
        }
        flush(&mut lit, &mut parts);
        Ok(parts)
    }

    fn double_quoted(&mut self) -> Result<Word, String> {
        let mut parts: Word = Vec::new();
        let mut lit = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err("syntax error: unterminated quoted string".into());
            };
            match c {
                '"' => {
                    self.pos += 1;
                    break;
                }
                '\\' => {
                    self.pos += 1;
                    match self.bump() {
                        Some(e @ ('$' | '`' | '"' | '\\')) => lit.push(e),
                        Some('\n') => {}
                        Some(e) => {
                            lit.push('\\');
                            lit.push(e);
                        }
                        None => return Err("syntax error: unterminated quoted string".into()),
                    }
                }
                '$' => match self.dollar(true)? {
                    Some(part) => {
                        if !lit.is_empty() {
                            parts.push(Part::Lit {
                                text: std::mem::take(&mut lit),
                                quoted: true,
                            });
                        }
                        parts.push(part);
                    }
                    None => lit.push('$'),
                },
                '`' => {
                    self.pos += 1;
                    if !lit.is_empty() {
                        parts.push(Part::Lit {
                            text: std::mem::take(&mut lit),
                            quoted: true,
                        });
                    }
                    let src = self.backquoted()?;
                    parts.push(Part::CmdSub { src, quoted: true });
                }
                _ => {
                    self.bump();
                    lit.push(c);
                }
            }
        }
        if !lit.is_empty() {
            parts.push(Part::Lit {
                text: lit,
                quoted: true,
            });
        }
        Ok(parts)
    }

    fn backquoted(&mut self) -> Result<String, String> {
        let mut src = String::new();
        loop {
            match self.bump() {
                Some('`') => return Ok(src),
                Some('\\') => match self.bump() {
                    Some(e @ ('`' | '\\' | '$')) => src.push(e),
                    Some(e) => {
                        src.push('\\');
                        src.push(e);
                    }
                    None => break,
                },
                Some(c) => src.push(c),
                None => break,
            }
        }
        Err("syntax error: unterminated quoted string".into())
    }

    /// Reads up to the parenthesis closing one already consumed, respecting quotes.
    fn balanced(&mut self, open: char, close: char) -> Result<String, String> {
        let mut depth = 1usize;
        let mut src = String::new();
        while let Some(c) = self.bump() {
            match c {
                '\'' => {
                    src.push(c);
                    loop {
                        match self.bump() {
                            Some('\'') => break,
                            Some(x) => src.push(x),
                            None => return Err("syntax error: unterminated quoted string".into()),
                        }
                    }
                    src.push('\'');
                }
                '"' => {
                    src.push(c);
                    loop {
                        match self.bump() {
                            Some('"') => break,
                            Some('\\') => {
                                src.push('\\');
                                if let Some(x) = self.bump() {
                                    src.push(x);
                                }
                            }
                            Some(x) => src.push(x),
                            None => return Err("syntax error: unterminated quoted string".into()),
                        }
                    }
                    src.push('"');
                }
                '\\' => {
                    src.push(c);
                    if let Some(x) = self.bump() {
                        src.push(x);
                    }
                }
                c if c == open => {
                    depth += 1;
                    src.push(c);
                }
                c if c == close => {
                    depth -= 1;
                    if depth == 0 {
                        return Ok(src);
                    }
                    src.push(c);
                }
                c => src.push(c),
            }
        }
        Err(format!("syntax error: unterminated {open}"))
    }

    /// `$...` at the cursor; None when the `$` is literal.
    fn dollar(&mut self, quoted: bool) -> Result<Option<Part>, String> {
        let next = self.peek_at(1);
        match next {
            Some('(') if self.peek_at(2) == Some('(') => {
                self.pos += 3;
                let src = self.balanced('(', ')')?;
                // The second closing parenthesis.
                if self.peek() == Some(')') {
                    self.pos += 1;
                } else {
                    return Err("syntax error: missing '))'".into());
                }
                Ok(Some(Part::Arith { src, quoted }))
            }
            Some('(') => {
                self.pos += 2;
                let src = self.balanced('(', ')')?;
                Ok(Some(Part::CmdSub { src, quoted }))
            }
            Some('{') => {
                self.pos += 2;
                self.braced(quoted).map(Some)
            }
            Some(c) if is_name_start(c) => {
                self.pos += 1;
                let mut name = String::new();
                while let Some(c) = self.peek() {
                    if !is_name_char(c) {
                        break;
                    }
                    name.push(c);
                    self.pos += 1;
                }
                Ok(Some(Part::Param {
                    name,
                    op: ParamOp::Plain,
                    word: Vec::new(),
                    quoted,
                }))
            }
            Some(c)
                if c.is_ascii_digit() || matches!(c, '?' | '$' | '#' | '@' | '*' | '!' | '-') =>
            {
                self.pos += 2;
                Ok(Some(Part::Param {
                    name: c.to_string(),
                    op: ParamOp::Plain,
                    word: Vec::new(),
                    quoted,
                }))
            }
            _ => {
                self.pos += 1;
                Ok(None)
            }
        }
    }

    fn braced(&mut self, quoted: bool) -> Result<Part, String> {
        if self.nest > 50 {
            return Err("syntax error: bad substitution".into());
        }
        let bad = || "syntax error: bad substitution".to_string();
        let mut op = ParamOp::Plain;
        if self.peek() == Some('#') && self.peek_at(1).is_some_and(|c| c != '}') {
            self.pos += 1;
            op = ParamOp::Length;
        }
        let mut name = String::new();
        match self.peek() {
            Some(c) if is_name_start(c) => {
                while let Some(c) = self.peek() {
                    if !is_name_char(c) {
                        break;
                    }
                    name.push(c);
                    self.pos += 1;
                }
            }
            Some(c) if c.is_ascii_digit() => {
                while let Some(c) = self.peek() {
                    if !c.is_ascii_digit() {
                        break;
                    }
                    name.push(c);
                    self.pos += 1;
                }
            }
            Some(c) if matches!(c, '?' | '$' | '#' | '@' | '*' | '!' | '-') => {
                name.push(c);
                self.pos += 1;
            }
            _ => return Err(bad()),
        }
        if self.peek() == Some('}') {
            self.pos += 1;
            return Ok(Part::Param {
                name,
                op,
                word: Vec::new(),
                quoted,
            });
        }
        if op == ParamOp::Length {
            return Err(bad());
        }
        let colon = self.peek() == Some(':');
        if colon {
            self.pos += 1;
        }
        op = match self.bump() {
            Some('-') => ParamOp::Default(colon),
            Some('=') => ParamOp::Assign(colon),
            Some('+') => ParamOp::Alt(colon),
            Some('?') => ParamOp::Error(colon),
            Some('#') if !colon => {
                let long = self.peek() == Some('#');
                if long {
                    self.pos += 1;
                }
                ParamOp::TrimPrefix(long)
            }
            Some('%') if !colon => {
                let long = self.peek() == Some('%');
                if long {
                    self.pos += 1;
                }
                ParamOp::TrimSuffix(long)
            }
            _ => return Err(bad()),
        };
        // The operand word: read up to the matching '}' as a small word of its own.
        let src = self.balanced('{', '}')?;
        let mut inner = Lexer {
            chars: src.chars().collect(),
            pos: 0,
            line: self.line,
            out: Vec::new(),
            pending: Vec::new(),
            _src: "",
            nest: self.nest + 1,
        };
        let word = inner.operand_word(quoted)?;
        Ok(Part::Param {
            name,
            op,
            word,
            quoted,
        })
    }

    /// The operand of `${x:-...}`: everything, spaces included, with quotes and expansions.
    fn operand_word(&mut self, quoted: bool) -> Result<Word, String> {
        let mut parts: Word = Vec::new();
        let mut lit = String::new();
        while let Some(c) = self.peek() {
            match c {
                '\'' if !quoted => {
                    self.pos += 1;
                    if !lit.is_empty() {
                        parts.push(Part::Lit {
                            text: std::mem::take(&mut lit),
                            quoted,
                        });
                    }
                    let mut text = String::new();
                    loop {
                        match self.bump() {
                            Some('\'') | None => break,
                            Some(c) => text.push(c),
                        }
                    }
                    parts.push(Part::Lit { text, quoted: true });
                }
                '"' => {
                    self.pos += 1;
                    if !lit.is_empty() {
                        parts.push(Part::Lit {
                            text: std::mem::take(&mut lit),
                            quoted,
                        });
                    }
                    let inner = self.double_quoted()?;
                    if inner.is_empty() {
                        parts.push(Part::Lit {
                            text: String::new(),
                            quoted: true,
                        });
                    }
                    parts.extend(inner);
                }
                '\\' => {
                    self.pos += 1;
                    if let Some(e) = self.bump() {
                        lit.push(e);
                    }
                }
                '$' => match self.dollar(quoted)? {
                    Some(part) => {
                        if !lit.is_empty() {
                            parts.push(Part::Lit {
                                text: std::mem::take(&mut lit),
                                quoted,
                            });
                        }
                        parts.push(part);
                    }
                    None => lit.push('$'),
                },
                _ => {
                    self.bump();
                    lit.push(c);
                }
            }
        }
        if !lit.is_empty() {
            parts.push(Part::Lit { text: lit, quoted });
        }
        Ok(parts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(src: &str) -> Vec<Tok> {
        tokenize(src, 1)
            .unwrap()
            .into_iter()
            .map(|t| t.tok)
            .collect()
    }

    #[test]
    fn quotes_and_operators() {
        let toks = words("echo 'a b' \"c $X\" d\\ e >>f 2>&1 && x|y; z &");
        assert_eq!(toks.len(), 15, "{toks:?}");
        assert_eq!(toks[4], Tok::Redir(">>".into(), None));
        assert_eq!(toks[6], Tok::Redir(">&".into(), Some(2)));
        assert_eq!(toks[8], Tok::Op("&&"));
    }

    #[test]
    fn comments_and_heredoc() {
        let toks = words("cat <<EOF # note\nhello $X\nEOF\necho");
        assert!(matches!(&toks[1], Tok::HereDoc { body, expand: true } if body == "hello $X\n"));
        assert_eq!(
            toks.last(),
            Some(&Tok::Word(vec![Part::Lit {
                text: "echo".into(),
                quoted: false
            }]))
        );
    }

    #[test]
    fn unterminated_quote_is_an_error() {
        assert!(tokenize("echo 'x", 1).is_err());
        assert!(tokenize("echo \"x", 1).is_err());
        assert!(tokenize("echo $(x", 1).is_err());
        assert!(tokenize("echo ${", 1).is_err());
    }

    #[test]
    fn parameter_forms() {
        let toks = words("${A:-x y} ${#B} $((1+2)) $(echo hi)");
        assert!(
            matches!(&toks[0], Tok::Word(w) if matches!(&w[0], Part::Param { op: ParamOp::Default(true), .. }))
        );
        assert!(
            matches!(&toks[1], Tok::Word(w) if matches!(&w[0], Part::Param { op: ParamOp::Length, .. }))
        );
        assert!(
            matches!(&toks[2], Tok::Word(w) if matches!(&w[0], Part::Arith { src, .. } if src == "1+2"))
        );
        assert!(
            matches!(&toks[3], Tok::Word(w) if matches!(&w[0], Part::CmdSub { src, .. } if src == "echo hi"))
        );
    }
}
