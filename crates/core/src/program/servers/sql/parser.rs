//! Tokens to a [`Statement`]. Nothing is looked up or changed here: the executor does that.

use super::ast::{CompareOp, Condition, Expr, Select, SelectItem, Statement, TableName, Value};
use super::lexer::{near, render, Tok};
use super::{err, syntax, Column, SqlError};

/// Parses one statement (trailing `;`s allowed).
pub(super) fn parse(toks: Vec<Tok>) -> Result<Statement, SqlError> {
    if toks.is_empty() {
        return Err(err(1065, "42000", "Query was empty"));
    }
    let mut p = Parser { toks, pos: 0 };
    let statement = p.statement()?;
    p.done()?;
    Ok(statement)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    /// mysql's syntax error, quoting the statement from the current token on.
    fn err(&self) -> SqlError {
        syntax(&near(self.toks.get(self.pos..).unwrap_or(&[])))
    }

    fn kw(&mut self, word: &str) -> bool {
        let found = self.peek().is_some_and(|t| t.is_word(word));
        if found {
            self.pos += 1;
        }
        found
    }

    fn expect_kw(&mut self, word: &str) -> Result<(), SqlError> {
        if self.kw(word) {
            Ok(())
        } else {
            Err(self.err())
        }
    }

    fn sym(&mut self, s: &str) -> bool {
        let found = self.peek().is_some_and(|t| t.is_sym(s));
        if found {
            self.pos += 1;
        }
        found
    }

    fn expect_sym(&mut self, s: &str) -> Result<(), SqlError> {
        if self.sym(s) {
            Ok(())
        } else {
            Err(self.err())
        }
    }

    fn ident(&mut self) -> Result<String, SqlError> {
        match self.peek().cloned() {
            Some(Tok::Ident(w)) => {
                self.pos += 1;
                Ok(w)
            }
            _ => Err(self.err()),
        }
    }

    fn table(&mut self) -> Result<TableName, SqlError> {
        let first = self.ident()?;
        if self.sym(".") {
            let name = self.ident()?;
            return Ok(TableName {
                db: Some(first),
                name,
            });
        }
        Ok(TableName {
            db: None,
            name: first,
        })
    }

    fn value(&mut self) -> Result<Value, SqlError> {
        let value = match self.peek() {
            Some(Tok::Str(s) | Tok::Num(s)) => Some(s.clone()),
            Some(t) if t.is_word("NULL") => None,
            Some(t) if t.is_word("TRUE") => Some("1".into()),
            Some(t) if t.is_word("FALSE") => Some("0".into()),
            _ => return Err(self.err()),
        };
        self.pos += 1;
        Ok(value)
    }

    fn done(&mut self) -> Result<(), SqlError> {
        while self.sym(";") {}
        if self.pos < self.toks.len() {
            return Err(self.err());
        }
        Ok(())
    }

    fn statement(&mut self) -> Result<Statement, SqlError> {
        if self.kw("SHOW") {
            if self.kw("DATABASES") || self.kw("SCHEMAS") {
                return Ok(Statement::ShowDatabases);
            }
            if self.kw("TABLES") {
                let db = if self.kw("FROM") || self.kw("IN") {
                    Some(self.ident()?)
                } else {
                    None
                };
                return Ok(Statement::ShowTables { db });
            }
            return Err(self.err());
        }
        if self.kw("USE") {
            return Ok(Statement::Use { db: self.ident()? });
        }
        if self.kw("CREATE") {
            if self.kw("DATABASE") || self.kw("SCHEMA") {
                let if_not_exists = self.kw("IF") && self.kw("NOT") && self.kw("EXISTS");
                let name = self.ident()?;
                return Ok(Statement::CreateDatabase {
                    name,
                    if_not_exists,
                });
            }
            if self.kw("TABLE") {
                return self.create_table();
            }
            return Err(self.err());
        }
        if self.kw("DROP") {
            if self.kw("DATABASE") || self.kw("SCHEMA") {
                let if_exists = self.kw("IF") && self.kw("EXISTS");
                let name = self.ident()?;
                return Ok(Statement::DropDatabase { name, if_exists });
            }
            if self.kw("TABLE") {
                let if_exists = self.kw("IF") && self.kw("EXISTS");
                let table = self.table()?;
                return Ok(Statement::DropTable { table, if_exists });
            }
            return Err(self.err());
        }
        if self.kw("INSERT") {
            return self.insert();
        }
        if self.kw("DELETE") {
            self.expect_kw("FROM")?;
            let table = self.table()?;
            let filter = self.filter()?;
            return Ok(Statement::Delete { table, filter });
        }
        if self.kw("UPDATE") {
            return self.update();
        }
        if self.kw("DESCRIBE") || self.kw("DESC") {
            return Ok(Statement::Describe {
                table: self.table()?,
            });
        }
        if self.kw("SELECT") {
            return self.select().map(Statement::Select);
        }
        Err(self.err())
    }

    fn create_table(&mut self) -> Result<Statement, SqlError> {
        const CONSTRAINTS: [&str; 6] =
            ["PRIMARY", "KEY", "UNIQUE", "INDEX", "CONSTRAINT", "FOREIGN"];
        let if_not_exists = self.kw("IF") && self.kw("NOT") && self.kw("EXISTS");
        let table = self.table()?;
        self.expect_sym("(")?;
        let mut columns = Vec::new();
        let mut depth = 0usize;
        loop {
            // A column: name type [anything up to the next top-level comma].
            let is_constraint = self
                .peek()
                .is_some_and(|t| CONSTRAINTS.iter().any(|k| t.is_word(k)));
            let mut col = Column::default();
            if !is_constraint {
                col.name = self.ident()?;
                col.ty = self.ident()?;
            }
            loop {
                match self.peek() {
                    None => return Err(self.err()),
                    Some(t) if t.is_sym("(") => depth += 1,
                    Some(t) if t.is_sym(")") && depth > 0 => depth -= 1,
                    Some(t) if (t.is_sym(",") || t.is_sym(")")) && depth == 0 => break,
                    Some(t) if t.is_word("AUTO_INCREMENT") => col.auto_increment = true,
                    _ => {}
                }
                self.pos += 1;
            }
            if !is_constraint {
                columns.push(col);
            }
            if self.sym(",") {
                continue;
            }
            self.expect_sym(")")?;
            break;
        }
        // Table options (ENGINE=..., CHARSET=...) are accepted and ignored.
        self.pos = self.toks.len();
        Ok(Statement::CreateTable {
            table,
            if_not_exists,
            columns,
        })
    }

    fn insert(&mut self) -> Result<Statement, SqlError> {
        self.kw("INTO");
        let table = self.table()?;
        let mut columns = None;
        if self.sym("(") {
            let mut list = Vec::new();
            loop {
                list.push(self.ident()?);
                if !self.sym(",") {
                    break;
                }
            }
            self.expect_sym(")")?;
            columns = Some(list);
        }
        if !(self.kw("VALUES") || self.kw("VALUE")) {
            return Err(self.err());
        }
        let mut rows = Vec::new();
        loop {
            self.expect_sym("(")?;
            let mut values = Vec::new();
            if !self.sym(")") {
                loop {
                    values.push(self.value()?);
                    if !self.sym(",") {
                        break;
                    }
                }
                self.expect_sym(")")?;
            }
            rows.push(values);
            if !self.sym(",") {
                break;
            }
        }
        Ok(Statement::Insert {
            table,
            columns,
            rows,
        })
    }

    fn update(&mut self) -> Result<Statement, SqlError> {
        let table = self.table()?;
        self.expect_kw("SET")?;
        let mut sets = Vec::new();
        loop {
            let column = self.ident()?;
            self.expect_sym("=")?;
            sets.push((column, self.value()?));
            if !self.sym(",") {
                break;
            }
        }
        let filter = self.filter()?;
        Ok(Statement::Update {
            table,
            sets,
            filter,
        })
    }

    /// `[WHERE col op value [AND ...]]`
    fn filter(&mut self) -> Result<Vec<Condition>, SqlError> {
        let mut conds = Vec::new();
        if !self.kw("WHERE") {
            return Ok(conds);
        }
        loop {
            let column = self.ident()?;
            let op = match self.peek() {
                Some(Tok::Sym(s)) => match s.as_str() {
                    "=" => CompareOp::Eq,
                    "!=" | "<>" => CompareOp::Ne,
                    "<" => CompareOp::Lt,
                    ">" => CompareOp::Gt,
                    "<=" => CompareOp::Le,
                    ">=" => CompareOp::Ge,
                    _ => return Err(self.err()),
                },
                Some(t) if t.is_word("LIKE") => CompareOp::Like,
                Some(t) if t.is_word("IS") => CompareOp::IsNull,
                _ => return Err(self.err()),
            };
            self.pos += 1;
            let (op, value) = if op == CompareOp::IsNull {
                let not = self.kw("NOT");
                self.expect_kw("NULL")?;
                (
                    if not {
                        CompareOp::IsNotNull
                    } else {
                        CompareOp::IsNull
                    },
                    None,
                )
            } else {
                (op, self.value()?)
            };
            conds.push(Condition { column, op, value });
            if !self.kw("AND") {
                break;
            }
        }
        Ok(conds)
    }

    fn select(&mut self) -> Result<Select, SqlError> {
        const ENDS: [&str; 5] = ["FROM", "WHERE", "ORDER", "LIMIT", "AS"];
        let mut items = Vec::new();
        loop {
            // An item runs up to a top-level comma, `;` or clause keyword.
            let start = self.pos;
            let mut depth = 0usize;
            while let Some(t) = self.peek() {
                if t.is_sym("(") {
                    depth += 1;
                } else if t.is_sym(")") {
                    depth = depth.saturating_sub(1);
                } else if depth == 0
                    && (t.is_sym(",") || t.is_sym(";") || ENDS.iter().any(|k| t.is_word(k)))
                {
                    break;
                }
                self.pos += 1;
            }
            let toks = self.toks.get(start..self.pos).unwrap_or(&[]);
            if toks.is_empty() {
                return Err(self.err());
            }
            let text = render(toks);
            let expr = expr(toks);
            let mut header = text.clone();
            if self.kw("AS") {
                header = match self.peek() {
                    Some(Tok::Ident(a) | Tok::Str(a)) => a.clone(),
                    _ => return Err(self.err()),
                };
                self.pos += 1;
            }
            items.push(SelectItem { header, text, expr });
            if !self.sym(",") {
                break;
            }
        }
        let mut select = Select {
            items,
            from: None,
            filter: Vec::new(),
            order: None,
            limit: None,
        };
        if !self.kw("FROM") {
            return Ok(select);
        }
        select.from = Some(self.table()?);
        select.filter = self.filter()?;
        if self.kw("ORDER") {
            self.expect_kw("BY")?;
            let column = self.ident()?;
            let desc = self.kw("DESC");
            if !desc {
                self.kw("ASC");
            }
            select.order = Some((column, desc));
        }
        if self.kw("LIMIT") {
            match self.value()? {
                Some(n) => select.limit = n.parse().ok(),
                None => return Err(self.err()),
            }
        }
        Ok(select)
    }
}

/// What a select item's tokens say.
fn expr(toks: &[Tok]) -> Expr {
    match toks {
        [Tok::Sym(s)] if s == "*" => Expr::Star,
        [Tok::Ident(w)] => Expr::Name(w.clone()),
        [Tok::Ident(_), Tok::Sym(dot), Tok::Ident(c)] if dot == "." => {
            Expr::Qualified { column: c.clone() }
        }
        [Tok::Num(n)] | [Tok::Str(n)] => Expr::Literal(n.clone()),
        [Tok::Ident(f), Tok::Sym(o), Tok::Sym(c)] if o == "(" && c == ")" => Expr::Call(f.clone()),
        [Tok::Num(a), Tok::Sym(op), Tok::Num(b)] => Expr::Arithmetic {
            left: a.clone(),
            op: op.clone(),
            right: b.clone(),
        },
        [first, ..] if first.is_word("COUNT") => Expr::Count,
        _ => Expr::Other,
    }
}
