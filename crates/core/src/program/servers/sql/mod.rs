//! A small SQL engine for the simulated mysqld, in the order a server works: the lexer cuts
//! the text into tokens, the parser builds a syntax tree ([`ast`]) without touching any data,
//! and the executor runs the tree against the databases in [`storage`] (directories under
//! `/var/lib/mysql`, one `NAME.ibd` file a table). So a syntax error is reported before any
//! lookup, as mysql does.

mod ast;
mod executor;
mod lexer;
mod parser;
mod storage;
#[cfg(test)]
mod tests;

use crate::fs::FsTree;
use serde::{Deserialize, Serialize};

pub use storage::database_exists;

pub const DATADIR: &str = "/var/lib/mysql";
pub const VERSION: &str = "8.0.36";

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    pub ty: String,
    #[serde(default)]
    pub auto_increment: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Option<String>>>,
    #[serde(default)]
    pub next_id: i64,
}

/// A result set: column names and rows (None is NULL).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResultSet {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Option<String>>>,
}

/// A MySQL error: code, SQLSTATE, message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SqlError {
    pub code: u32,
    pub state: &'static str,
    pub message: String,
}

fn err(code: u32, state: &'static str, message: impl Into<String>) -> SqlError {
    SqlError {
        code,
        state,
        message: message.into(),
    }
}

fn syntax(near: &str) -> SqlError {
    err(
        1064,
        "42000",
        format!("You have an error in your SQL syntax; check the manual that corresponds to your MySQL server version for the right syntax to use near '{near}' at line 1"),
    )
}

/// A session's state: the current database.
#[derive(Clone, Debug, Default)]
pub struct Session {
    pub db: Option<String>,
    pub user: String,
}

/// Executes one statement: parse it whole, then run it. `Ok(None)` for statements without a
/// result set.
pub fn execute(fs: &mut FsTree, s: &mut Session, sql: &str) -> Result<Option<ResultSet>, SqlError> {
    let statement = parser::parse(lexer::lex(sql)?)?;
    executor::run(fs, s, statement)
}

/// Splits a script into statements at top-level semicolons.
pub fn split_statements(script: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in script.chars() {
        if let Some(q) = quote {
            cur.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '\'' | '"' | '`' => {
                quote = Some(c);
                cur.push(c);
            }
            ';' => {
                if !cur.trim().is_empty() {
                    out.push(cur.trim().to_string());
                }
                cur.clear();
            }
            _ => cur.push(c),
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_string());
    }
    out
}

/// mysql's batch output: tab-separated with a header line, NULL and escapes as mysql -B.
pub fn format_batch(rs: &ResultSet, headers: bool) -> String {
    if rs.rows.is_empty() {
        return String::new();
    }
    let esc = |s: &str| {
        s.replace('\\', "\\\\")
            .replace('\t', "\\t")
            .replace('\n', "\\n")
            .replace('\0', "\\0")
    };
    let mut out = String::new();
    if headers {
        out.push_str(&rs.columns.join("\t"));
        out.push('\n');
    }
    for row in &rs.rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| match c {
                Some(v) => esc(v),
                None => "NULL".into(),
            })
            .collect();
        out.push_str(&cells.join("\t"));
        out.push('\n');
    }
    out
}
