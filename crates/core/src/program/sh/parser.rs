//! Shell grammar (a POSIX subset): lists, and-or chains, pipelines, simple commands with
//! assignments and redirections, `if`, `while`/`until`, `for`, `case`, `{ }`, `( )` and
//! function definitions.

use super::lexer::{plain, tokenize, Part, Tok, Token, Word};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct List(pub Vec<Item>);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub and_or: AndOr,
    pub background: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AndOr {
    pub first: Pipeline,
    /// (true for `&&`, false for `||`, pipeline)
    pub rest: Vec<(bool, Pipeline)>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pipeline {
    pub negate: bool,
    pub cmds: Vec<Command>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Simple(Simple),
    Compound(Box<Compound>, Vec<Redir>),
    Function(String, Box<Command>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Simple {
    pub assigns: Vec<(String, Word)>,
    pub words: Vec<Word>,
    pub redirs: Vec<Redir>,
    pub line: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Compound {
    Brace(List),
    Subshell(List),
    If {
        branches: Vec<(List, List)>,
        otherwise: Option<List>,
    },
    While {
        until: bool,
        cond: List,
        body: List,
    },
    For {
        var: String,
        items: Option<Vec<Word>>,
        body: List,
    },
    Case {
        word: Word,
        arms: Vec<(Vec<Word>, List)>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RedirKind {
    Out,
    Append,
    In,
    /// `>&N` / `<&N`
    Dup,
    HereDoc {
        body: String,
        expand: bool,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redir {
    pub fd: u32,
    pub kind: RedirKind,
    pub target: Word,
}

pub fn parse(src: &str, first_line: u32) -> Result<List, String> {
    let tokens = tokenize(src, first_line)?;
    let mut p = Parser {
        toks: tokens,
        pos: 0,
        depth: 0,
    };
    let list = p.list(&[])?;
    if let Some(t) = p.toks.get(p.pos) {
        return Err(format!("syntax error: unexpected {}", describe(&t.tok)));
    }
    Ok(list)
}

struct Parser {
    toks: Vec<Token>,
    pos: usize,
    /// Nesting of compound commands, bounded so hostile input cannot exhaust the stack.
    depth: u32,
}

const MAX_NESTING: u32 = 100;

fn describe(tok: &Tok) -> String {
    match tok {
        Tok::Word(w) => match plain(w) {
            Some(s) => format!("\"{s}\""),
            None => "word".into(),
        },
        Tok::Op(op) => format!("\"{op}\""),
        Tok::Redir(op, _) => format!("\"{op}\""),
        Tok::HereDoc { .. } => "\"<<\"".into(),
        Tok::Newline => "newline".into(),
    }
}

const RESERVED: &[&str] = &[
    "if", "then", "elif", "else", "fi", "while", "until", "do", "done", "for", "case", "esac",
    "in", "{", "}", "!",
];

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.tok)
    }

    fn line(&self) -> u32 {
        self.toks
            .get(self.pos)
            .or_else(|| self.toks.last())
            .map(|t| t.line)
            .unwrap_or(1)
    }

    fn keyword(&self) -> Option<&str> {
        match self.peek() {
            Some(Tok::Word(w)) => plain(w).filter(|s| RESERVED.contains(s)),
            _ => None,
        }
    }

    fn is_keyword(&self, kw: &str) -> bool {
        self.keyword() == Some(kw)
    }

    fn expect_keyword(&mut self, kw: &str) -> Result<(), String> {
        if self.is_keyword(kw) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.unexpected(Some(kw)))
        }
    }

    fn unexpected(&self, expecting: Option<&str>) -> String {
        let what = match self.peek() {
            Some(t) => describe(t),
            None => "end of file".into(),
        };
        match expecting {
            Some(e) => format!("syntax error: unexpected {what} (expecting \"{e}\")"),
            None => format!("syntax error: unexpected {what}"),
        }
    }

    fn skip_newlines(&mut self) {
        while self.peek() == Some(&Tok::Newline) {
            self.pos += 1;
        }
    }

    /// A list ends at end of input, at a closing token, or at one of the `terminators`
    /// keywords.
    fn list(&mut self, terminators: &[&str]) -> Result<List, String> {
        let mut items = Vec::new();
        loop {
            self.skip_newlines();
            match self.peek() {
                None => break,
                Some(Tok::Op(")" | ";;")) => break,
                _ => {}
            }
            if let Some(kw) = self.keyword() {
                if terminators.contains(&kw) {
                    break;
                }
            }
            let and_or = self.and_or()?;
            let mut background = false;
            match self.peek() {
                Some(Tok::Op(";")) | Some(Tok::Newline) => self.pos += 1,
                Some(Tok::Op("&")) => {
                    background = true;
                    self.pos += 1;
                }
                _ => {}
            }
            items.push(Item { and_or, background });
            match self.peek() {
                None | Some(Tok::Op(")" | ";;")) => break,
                _ => {}
            }
        }
        Ok(List(items))
    }

    fn and_or(&mut self) -> Result<AndOr, String> {
        let first = self.pipeline()?;
        let mut rest = Vec::new();
        loop {
            let and = match self.peek() {
                Some(Tok::Op("&&")) => true,
                Some(Tok::Op("||")) => false,
                _ => break,
            };
            self.pos += 1;
            self.skip_newlines();
            rest.push((and, self.pipeline()?));
        }
        Ok(AndOr { first, rest })
    }

    fn pipeline(&mut self) -> Result<Pipeline, String> {
        let mut negate = false;
        while self.is_keyword("!") {
            negate = !negate;
            self.pos += 1;
        }
        let mut cmds = vec![self.command()?];
        while self.peek() == Some(&Tok::Op("|")) {
            self.pos += 1;
            self.skip_newlines();
            cmds.push(self.command()?);
        }
        Ok(Pipeline { negate, cmds })
    }

    fn command(&mut self) -> Result<Command, String> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err("syntax error: nesting too deep".into());
        }
        let result = self.command_inner();
        self.depth -= 1;
        result
    }

    fn command_inner(&mut self) -> Result<Command, String> {
        let compound = match self.keyword() {
            Some("if") => Some(self.if_clause()?),
            Some("while") => Some(self.while_clause(false)?),
            Some("until") => Some(self.while_clause(true)?),
            Some("for") => Some(self.for_clause()?),
            Some("case") => Some(self.case_clause()?),
            Some("{") => {
                self.pos += 1;
                let body = self.list(&["}"])?;
                self.expect_keyword("}")?;
                Some(Compound::Brace(body))
            }
            Some(kw @ ("then" | "elif" | "else" | "fi" | "do" | "done" | "esac" | "}" | "in")) => {
                return Err(format!("syntax error: unexpected \"{kw}\""));
            }
            _ => None,
        };
        if let Some(c) = compound {
            let redirs = self.redirs()?;
            return Ok(Command::Compound(Box::new(c), redirs));
        }
        if self.peek() == Some(&Tok::Op("(")) {
            self.pos += 1;
            let body = self.list(&[])?;
            if self.peek() != Some(&Tok::Op(")")) {
                return Err(self.unexpected(Some(")")));
            }
            self.pos += 1;
            let redirs = self.redirs()?;
            return Ok(Command::Compound(
                Box::new(Compound::Subshell(body)),
                redirs,
            ));
        }
        // Function definition: NAME ( ) command
        if let (Some(Tok::Word(w)), Some(Tok::Op("(")), Some(Tok::Op(")"))) = (
            self.peek(),
            self.toks.get(self.pos + 1).map(|t| &t.tok),
            self.toks.get(self.pos + 2).map(|t| &t.tok),
        ) {
            if let Some(name) = plain(w).filter(|n| is_name(n)).map(str::to_string) {
                self.pos += 3;
                self.skip_newlines();
                let body = self.command()?;
                return Ok(Command::Function(name, Box::new(body)));
            }
        }
        self.simple()
    }

    fn redirs(&mut self) -> Result<Vec<Redir>, String> {
        let mut redirs = Vec::new();
        while let Some(r) = self.redir()? {
            redirs.push(r);
        }
        Ok(redirs)
    }

    fn redir(&mut self) -> Result<Option<Redir>, String> {
        match self.peek().cloned() {
            Some(Tok::Redir(op, fd)) => {
                self.pos += 1;
                let target = match self.peek() {
                    Some(Tok::Word(w)) => w.clone(),
                    _ => return Err(self.unexpected(None)),
                };
                self.pos += 1;
                let (kind, default_fd) = match op.as_str() {
                    ">" | ">|" => (RedirKind::Out, 1),
                    ">>" => (RedirKind::Append, 1),
                    "<" | "<>" => (RedirKind::In, 0),
                    ">&" => (RedirKind::Dup, 1),
                    "<&" => (RedirKind::Dup, 0),
                    _ => return Err(format!("syntax error: unexpected \"{op}\"")),
                };
                Ok(Some(Redir {
                    fd: fd.unwrap_or(default_fd),
                    kind,
                    target,
                }))
            }
            Some(Tok::HereDoc { body, expand }) => {
                self.pos += 1;
                Ok(Some(Redir {
                    fd: 0,
                    kind: RedirKind::HereDoc { body, expand },
                    target: Vec::new(),
                }))
            }
            _ => Ok(None),
        }
    }

    fn simple(&mut self) -> Result<Command, String> {
        let line = self.line();
        let mut s = Simple {
            assigns: Vec::new(),
            words: Vec::new(),
            redirs: Vec::new(),
            line,
        };
        loop {
            if let Some(r) = self.redir()? {
                s.redirs.push(r);
                continue;
            }
            match self.peek() {
                Some(Tok::Word(w)) => {
                    let w = w.clone();
                    self.pos += 1;
                    if s.words.is_empty() {
                        if let Some((name, value)) = split_assignment(&w) {
                            s.assigns.push((name, value));
                            continue;
                        }
                    }
                    s.words.push(w);
                }
                _ => break,
            }
        }
        if s.words.is_empty() && s.assigns.is_empty() && s.redirs.is_empty() {
            return Err(self.unexpected(None));
        }
        Ok(Command::Simple(s))
    }

    fn if_clause(&mut self) -> Result<Compound, String> {
        self.expect_keyword("if")?;
        let mut branches = Vec::new();
        let mut otherwise = None;
        loop {
            let cond = self.list(&["then"])?;
            self.expect_keyword("then")?;
            let body = self.list(&["elif", "else", "fi"])?;
            branches.push((cond, body));
            match self.keyword() {
                Some("elif") => {
                    self.pos += 1;
                }
                Some("else") => {
                    self.pos += 1;
                    otherwise = Some(self.list(&["fi"])?);
                    self.expect_keyword("fi")?;
                    break;
                }
                _ => {
                    self.expect_keyword("fi")?;
                    break;
                }
            }
        }
        Ok(Compound::If {
            branches,
            otherwise,
        })
    }

    fn while_clause(&mut self, until: bool) -> Result<Compound, String> {
        self.pos += 1;
        let cond = self.list(&["do"])?;
        self.expect_keyword("do")?;
        let body = self.list(&["done"])?;
        self.expect_keyword("done")?;
        Ok(Compound::While { until, cond, body })
    }

    fn for_clause(&mut self) -> Result<Compound, String> {
        self.pos += 1;
        let var = match self.peek() {
            Some(Tok::Word(w)) => plain(w).filter(|n| is_name(n)).map(str::to_string),
            _ => None,
        };
        let Some(var) = var else {
            return Err("syntax error: bad for loop variable".into());
        };
        self.pos += 1;
        self.skip_newlines();
        let mut items = None;
        if self.is_keyword("in") {
            self.pos += 1;
            let mut words = Vec::new();
            while let Some(Tok::Word(w)) = self.peek() {
                words.push(w.clone());
                self.pos += 1;
            }
            items = Some(words);
        }
        match self.peek() {
            Some(Tok::Op(";")) | Some(Tok::Newline) => self.pos += 1,
            _ => {}
        }
        self.skip_newlines();
        self.expect_keyword("do")?;
        let body = self.list(&["done"])?;
        self.expect_keyword("done")?;
        Ok(Compound::For { var, items, body })
    }

    fn case_clause(&mut self) -> Result<Compound, String> {
        self.pos += 1;
        let word = match self.peek() {
            Some(Tok::Word(w)) => w.clone(),
            _ => return Err(self.unexpected(Some("word"))),
        };
        self.pos += 1;
        self.skip_newlines();
        self.expect_keyword("in")?;
        let mut arms = Vec::new();
        loop {
            self.skip_newlines();
            if self.is_keyword("esac") {
                self.pos += 1;
                break;
            }
            if self.peek() == Some(&Tok::Op("(")) {
                self.pos += 1;
            }
            let mut patterns = Vec::new();
            loop {
                match self.peek() {
                    Some(Tok::Word(w)) => {
                        patterns.push(w.clone());
                        self.pos += 1;
                    }
                    _ => return Err(self.unexpected(Some(")"))),
                }
                match self.peek() {
                    Some(Tok::Op("|")) => self.pos += 1,
                    Some(Tok::Op(")")) => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(self.unexpected(Some(")"))),
                }
            }
            let body = self.list(&["esac"])?;
            arms.push((patterns, body));
            match self.peek() {
                Some(Tok::Op(";;")) => self.pos += 1,
                _ => {
                    self.skip_newlines();
                    self.expect_keyword("esac")?;
                    break;
                }
            }
        }
        Ok(Compound::Case { word, arms })
    }
}

/// `NAME=value` at the start of a simple command.
fn split_assignment(word: &Word) -> Option<(String, Word)> {
    let Some(Part::Lit {
        text,
        quoted: false,
    }) = word.first()
    else {
        return None;
    };
    let (name, rest) = text.split_once('=')?;
    if !is_name(name) {
        return None;
    }
    let mut value = Vec::new();
    if !rest.is_empty() {
        value.push(Part::Lit {
            text: rest.to_string(),
            quoted: false,
        });
    }
    value.extend(word.iter().skip(1).cloned());
    Some((name.to_string(), value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_control_flow() {
        let l = parse(
            "if true; then echo a; elif false; then :; else echo b; fi",
            1,
        )
        .unwrap();
        assert_eq!(l.0.len(), 1);
        let l = parse(
            "for i in 1 2 3\ndo\n echo $i\ndone; while false; do :; done",
            1,
        )
        .unwrap();
        assert_eq!(l.0.len(), 2);
        let l = parse("case $x in a|b) echo ab;; *) echo other;; esac", 1).unwrap();
        assert!(
            matches!(&l.0[0].and_or.first.cmds[0], Command::Compound(c, _) if matches!(**c, Compound::Case { ref arms, .. } if arms.len() == 2))
        );
        let l = parse("f() { echo hi; }; f", 1).unwrap();
        assert!(matches!(&l.0[0].and_or.first.cmds[0], Command::Function(n, _) if n == "f"));
    }

    #[test]
    fn assignments_pipes_and_redirects() {
        let l = parse("A=1 B=2 env | grep A > out 2>&1 &", 1).unwrap();
        let item = &l.0[0];
        assert!(item.background);
        let Command::Simple(s) = &item.and_or.first.cmds[0] else {
            panic!()
        };
        assert_eq!(s.assigns.len(), 2);
        let Command::Simple(s) = &item.and_or.first.cmds[1] else {
            panic!()
        };
        assert_eq!(s.redirs.len(), 2);
        assert_eq!(s.redirs[1].fd, 2);
    }

    #[test]
    fn syntax_errors_are_worded_like_ash() {
        assert_eq!(
            parse("if", 1).unwrap_err(),
            "syntax error: unexpected end of file (expecting \"then\")"
        );
        assert!(parse("echo ;;", 1).is_err());
        assert!(parse("| x", 1).is_err());
        assert!(parse("done", 1).is_err());
        assert!(parse("(echo", 1).is_err());
    }
}
