//! A small SQL engine for the simulated mysqld: databases are directories under
//! `/var/lib/mysql`, tables are `NAME.ibd` files in them (JSON in the simulator's own format).

use crate::fs::{FsTree, Node};
use serde::{Deserialize, Serialize};

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

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Num(String),
    Sym(String),
}

fn lex(sql: &str) -> Result<Vec<Tok>, SqlError> {
    let chars: Vec<char> = sql.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while let Some(&c) = chars.get(i) {
        if c.is_whitespace() {
            i += 1;
        } else if c == '-' && chars.get(i + 1) == Some(&'-') {
            while chars.get(i).is_some_and(|c| *c != '\n') {
                i += 1;
            }
        } else if c == '\'' || c == '"' {
            i += 1;
            let mut s = String::new();
            loop {
                match chars.get(i) {
                    None => {
                        return Err(syntax(
                            &sql.chars()
                                .skip(i.saturating_sub(s.len() + 1))
                                .collect::<String>(),
                        ))
                    }
                    Some('\\') => {
                        let e = chars.get(i + 1).copied().unwrap_or('\\');
                        s.push(match e {
                            'n' => '\n',
                            't' => '\t',
                            '0' => '\0',
                            other => other,
                        });
                        i += 2;
                    }
                    Some(&q) if q == c => {
                        if chars.get(i + 1) == Some(&c) {
                            s.push(c);
                            i += 2;
                        } else {
                            i += 1;
                            break;
                        }
                    }
                    Some(&x) => {
                        s.push(x);
                        i += 1;
                    }
                }
            }
            out.push(Tok::Str(s));
        } else if c == '`' {
            i += 1;
            let mut s = String::new();
            while let Some(&x) = chars.get(i) {
                i += 1;
                if x == '`' {
                    break;
                }
                s.push(x);
            }
            out.push(Tok::Ident(s));
        } else if c.is_ascii_digit()
            || (c == '-'
                && chars.get(i + 1).is_some_and(char::is_ascii_digit)
                && matches!(out.last(), None | Some(Tok::Sym(_))))
        {
            let start = i;
            i += 1;
            while chars
                .get(i)
                .is_some_and(|c| c.is_ascii_digit() || *c == '.')
            {
                i += 1;
            }
            out.push(Tok::Num(
                chars.get(start..i).unwrap_or(&[]).iter().collect(),
            ));
        } else if c.is_alphanumeric() || c == '_' || c == '$' {
            let start = i;
            while chars
                .get(i)
                .is_some_and(|c| c.is_alphanumeric() || *c == '_' || *c == '$')
            {
                i += 1;
            }
            out.push(Tok::Ident(
                chars.get(start..i).unwrap_or(&[]).iter().collect(),
            ));
        } else {
            let two: String = chars.get(i..i + 2).unwrap_or(&[]).iter().collect();
            if matches!(two.as_str(), "<=" | ">=" | "!=" | "<>") {
                out.push(Tok::Sym(two));
                i += 2;
            } else {
                out.push(Tok::Sym(c.to_string()));
                i += 1;
            }
        }
    }
    Ok(out)
}

struct P {
    toks: Vec<Tok>,
    pos: usize,
    src: String,
}

impl P {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn near(&self) -> String {
        // The text from the current token on, as mysql quotes it.
        let mut s = String::new();
        for t in self.toks.get(self.pos..).unwrap_or(&[]) {
            if !s.is_empty() {
                s.push(' ');
            }
            match t {
                Tok::Ident(x) | Tok::Num(x) | Tok::Sym(x) => s.push_str(x),
                Tok::Str(x) => s.push_str(&format!("'{x}'")),
            }
        }
        if s.is_empty() {
            String::new()
        } else {
            s
        }
    }

    fn err(&self) -> SqlError {
        let _ = &self.src;
        syntax(&self.near())
    }

    fn kw(&mut self, word: &str) -> bool {
        match self.peek() {
            Some(Tok::Ident(w)) if w.eq_ignore_ascii_case(word) => {
                self.pos += 1;
                true
            }
            _ => false,
        }
    }

    fn expect_kw(&mut self, word: &str) -> Result<(), SqlError> {
        if self.kw(word) {
            Ok(())
        } else {
            Err(self.err())
        }
    }

    fn sym(&mut self, s: &str) -> bool {
        match self.peek() {
            Some(Tok::Sym(x)) if x == s => {
                self.pos += 1;
                true
            }
            _ => false,
        }
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

    /// `name` or `db.name`.
    fn qualified(&mut self) -> Result<(Option<String>, String), SqlError> {
        let first = self.ident()?;
        if self.sym(".") {
            let second = self.ident()?;
            return Ok((Some(first), second));
        }
        Ok((None, first))
    }

    fn value(&mut self) -> Result<Option<String>, SqlError> {
        match self.peek().cloned() {
            Some(Tok::Str(s)) | Some(Tok::Num(s)) => {
                self.pos += 1;
                Ok(Some(s))
            }
            Some(Tok::Ident(w)) if w.eq_ignore_ascii_case("NULL") => {
                self.pos += 1;
                Ok(None)
            }
            Some(Tok::Ident(w)) if w.eq_ignore_ascii_case("TRUE") => {
                self.pos += 1;
                Ok(Some("1".into()))
            }
            Some(Tok::Ident(w)) if w.eq_ignore_ascii_case("FALSE") => {
                self.pos += 1;
                Ok(Some("0".into()))
            }
            _ => Err(self.err()),
        }
    }

    fn done(&mut self) -> Result<(), SqlError> {
        while self.sym(";") {}
        if self.pos < self.toks.len() {
            return Err(self.err());
        }
        Ok(())
    }
}

/// A session's state: the current database.
#[derive(Clone, Debug, Default)]
pub struct Session {
    pub db: Option<String>,
    pub user: String,
}

fn db_path(db: &str) -> String {
    format!("{DATADIR}/{db}")
}

fn table_path(db: &str, t: &str) -> String {
    format!("{DATADIR}/{db}/{t}.ibd")
}

pub fn database_exists(fs: &FsTree, db: &str) -> bool {
    !db.is_empty() && !db.contains('/') && matches!(fs.stat(&db_path(db)), Ok(Node::Dir { .. }))
}

fn databases(fs: &FsTree) -> Vec<String> {
    let mut dbs: Vec<String> = fs
        .list_dir(DATADIR)
        .unwrap_or_default()
        .into_iter()
        .filter(|(n, node)| node.is_dir() && !n.starts_with('#'))
        .map(|(n, _)| n)
        .collect();
    dbs.push("information_schema".into());
    crate::order::sort(&mut dbs);
    dbs
}

fn load_table(fs: &FsTree, db: &str, t: &str) -> Result<Table, SqlError> {
    let data = fs
        .read_file(&table_path(db, t))
        .map_err(|_| err(1146, "42S02", format!("Table '{db}.{t}' doesn't exist")))?;
    serde_json::from_slice(data)
        .map_err(|_| err(1146, "42S02", format!("Table '{db}.{t}' doesn't exist")))
}

fn save_table(fs: &mut FsTree, db: &str, t: &str, table: &Table) -> Result<(), SqlError> {
    let data = serde_json::to_vec(table).map_err(|e| err(1030, "HY000", e.to_string()))?;
    fs.write_file(&table_path(db, t), &data, false)
        .map_err(|e| err(1030, "HY000", format!("Got error from storage engine: {e}")))
}

fn current_db(s: &Session, explicit: Option<String>) -> Result<String, SqlError> {
    match explicit.or_else(|| s.db.clone()) {
        Some(d) => Ok(d),
        None => Err(err(1046, "3D000", "No database selected")),
    }
}

/// A WHERE condition: column op value, joined by AND.
type Cond = Vec<(String, String, Option<String>)>;

fn parse_where(p: &mut P) -> Result<Cond, SqlError> {
    let mut conds = Vec::new();
    if !p.kw("WHERE") {
        return Ok(conds);
    }
    loop {
        let col = p.ident()?;
        let op = match p.peek().cloned() {
            Some(Tok::Sym(s))
                if matches!(s.as_str(), "=" | "!=" | "<>" | "<" | ">" | "<=" | ">=") =>
            {
                p.pos += 1;
                s
            }
            Some(Tok::Ident(w)) if w.eq_ignore_ascii_case("LIKE") => {
                p.pos += 1;
                "LIKE".into()
            }
            Some(Tok::Ident(w)) if w.eq_ignore_ascii_case("IS") => {
                p.pos += 1;
                let not = p.kw("NOT");
                p.expect_kw("NULL")?;
                conds.push((col, if not { "IS NOT".into() } else { "IS".into() }, None));
                if !p.kw("AND") {
                    break;
                }
                continue;
            }
            _ => return Err(p.err()),
        };
        let v = p.value()?;
        conds.push((col, op, v));
        if !p.kw("AND") {
            break;
        }
    }
    Ok(conds)
}

fn compare(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal),
        _ => a.to_lowercase().cmp(&b.to_lowercase()),
    }
}

fn like(pat: &str, s: &str) -> bool {
    let glob: String = pat
        .chars()
        .map(|c| match c {
            '%' => "*".to_string(),
            '_' => "?".to_string(),
            '*' | '?' | '[' | '\\' => format!("\\{c}"),
            other => other.to_string(),
        })
        .collect();
    crate::program::pattern::fnmatch(&glob.to_lowercase(), &s.to_lowercase())
}

fn matches(table: &Table, row: &[Option<String>], cond: &Cond) -> Result<bool, SqlError> {
    for (col, op, v) in cond {
        let idx = column_index(table, col)?;
        let cell = row.get(idx).cloned().flatten();
        let ok = match (op.as_str(), &cell, v) {
            ("IS", c, _) => c.is_none(),
            ("IS NOT", c, _) => c.is_some(),
            (_, None, _) | (_, _, None) => false,
            ("LIKE", Some(c), Some(v)) => like(v, c),
            (op, Some(c), Some(v)) => {
                let o = compare(c, v);
                match op {
                    "=" => o.is_eq(),
                    "!=" | "<>" => !o.is_eq(),
                    "<" => o.is_lt(),
                    ">" => o.is_gt(),
                    "<=" => o.is_le(),
                    _ => o.is_ge(),
                }
            }
        };
        if !ok {
            return Ok(false);
        }
    }
    Ok(true)
}

fn column_index(table: &Table, col: &str) -> Result<usize, SqlError> {
    table
        .columns
        .iter()
        .position(|c| c.name.eq_ignore_ascii_case(col))
        .ok_or_else(|| {
            err(
                1054,
                "42S22",
                format!("Unknown column '{col}' in 'where clause'"),
            )
        })
}

fn normalize_value(col: &Column, v: Option<String>) -> Option<String> {
    let ty = col.ty.to_lowercase();
    match v {
        Some(s) if ty.contains("int") => Some(
            s.parse::<f64>()
                .map(|f| (f.round() as i64).to_string())
                .unwrap_or_else(|_| "0".into()),
        ),
        other => other,
    }
}

/// Executes one statement. `Ok(None)` for statements without a result set.
pub fn execute(fs: &mut FsTree, s: &mut Session, sql: &str) -> Result<Option<ResultSet>, SqlError> {
    let toks = lex(sql)?;
    let mut p = P {
        toks,
        pos: 0,
        src: sql.to_string(),
    };
    if p.toks.is_empty() {
        return Err(err(1065, "42000", "Query was empty"));
    }
    if p.kw("SHOW") {
        if p.kw("DATABASES") || p.kw("SCHEMAS") {
            p.done()?;
            return Ok(Some(ResultSet {
                columns: vec!["Database".into()],
                rows: databases(fs).into_iter().map(|d| vec![Some(d)]).collect(),
            }));
        }
        if p.kw("TABLES") {
            let explicit = if p.kw("FROM") || p.kw("IN") {
                Some(p.ident()?)
            } else {
                None
            };
            p.done()?;
            let db = current_db(s, explicit)?;
            if !database_exists(fs, &db) {
                return Err(err(1049, "42000", format!("Unknown database '{db}'")));
            }
            let mut tables: Vec<String> = fs
                .list_dir(&db_path(&db))
                .unwrap_or_default()
                .into_iter()
                .filter_map(|(n, _)| n.strip_suffix(".ibd").map(str::to_string))
                .collect();
            crate::order::sort(&mut tables);
            return Ok(Some(ResultSet {
                columns: vec![format!("Tables_in_{db}")],
                rows: tables.into_iter().map(|t| vec![Some(t)]).collect(),
            }));
        }
        return Err(p.err());
    }
    if p.kw("USE") {
        let db = p.ident()?;
        p.done()?;
        if !database_exists(fs, &db) {
            return Err(err(1049, "42000", format!("Unknown database '{db}'")));
        }
        s.db = Some(db);
        return Ok(None);
    }
    if p.kw("CREATE") {
        if p.kw("DATABASE") || p.kw("SCHEMA") {
            let if_not = p.kw("IF") && p.kw("NOT") && p.kw("EXISTS");
            let db = p.ident()?;
            p.done()?;
            if database_exists(fs, &db) {
                if if_not {
                    return Ok(None);
                }
                return Err(err(
                    1007,
                    "HY000",
                    format!("Can't create database '{db}'; database exists"),
                ));
            }
            if db.contains('/') || db.is_empty() {
                return Err(err(
                    1102,
                    "42000",
                    format!("Incorrect database name '{db}'"),
                ));
            }
            fs.mkdir(&db_path(&db), true)
                .map_err(|e| err(1006, "HY000", format!("Can't create database '{db}' ({e})")))?;
            return Ok(None);
        }
        if p.kw("TABLE") {
            let if_not = p.kw("IF") && p.kw("NOT") && p.kw("EXISTS");
            let (explicit, name) = p.qualified()?;
            let db = current_db(s, explicit)?;
            if !database_exists(fs, &db) {
                return Err(err(1049, "42000", format!("Unknown database '{db}'")));
            }
            p.expect_sym("(")?;
            let mut columns = Vec::new();
            let mut depth = 0usize;
            loop {
                // A column: name type [anything up to the next top-level comma].
                let is_constraint = matches!(p.peek(), Some(Tok::Ident(w)) if ["PRIMARY", "KEY", "UNIQUE", "INDEX", "CONSTRAINT", "FOREIGN"].iter().any(|k| w.eq_ignore_ascii_case(k)));
                let mut col = Column::default();
                if !is_constraint {
                    col.name = p.ident()?;
                    col.ty = p.ident()?;
                }
                loop {
                    match p.peek().cloned() {
                        None => return Err(p.err()),
                        Some(Tok::Sym(x)) if x == "(" => depth += 1,
                        Some(Tok::Sym(x)) if x == ")" && depth > 0 => depth -= 1,
                        Some(Tok::Sym(x)) if (x == "," || x == ")") && depth == 0 => break,
                        Some(Tok::Ident(w)) if w.eq_ignore_ascii_case("AUTO_INCREMENT") => {
                            col.auto_increment = true
                        }
                        _ => {}
                    }
                    p.pos += 1;
                }
                if !is_constraint {
                    columns.push(col);
                }
                if p.sym(",") {
                    continue;
                }
                p.expect_sym(")")?;
                break;
            }
            // Table options (ENGINE=..., CHARSET=...) are accepted and ignored.
            p.pos = p.toks.len();
            if fs.exists(&table_path(&db, &name)) {
                if if_not {
                    return Ok(None);
                }
                return Err(err(1050, "42S01", format!("Table '{name}' already exists")));
            }
            let table = Table {
                columns,
                rows: Vec::new(),
                next_id: 1,
            };
            save_table(fs, &db, &name, &table)?;
            return Ok(None);
        }
        return Err(p.err());
    }
    if p.kw("DROP") {
        if p.kw("DATABASE") || p.kw("SCHEMA") {
            let if_exists = p.kw("IF") && p.kw("EXISTS");
            let db = p.ident()?;
            p.done()?;
            if !database_exists(fs, &db) {
                if if_exists {
                    return Ok(None);
                }
                return Err(err(
                    1008,
                    "HY000",
                    format!("Can't drop database '{db}'; database doesn't exist"),
                ));
            }
            let _ = fs.remove(&db_path(&db), true);
            if s.db.as_deref() == Some(db.as_str()) {
                s.db = None;
            }
            return Ok(None);
        }
        if p.kw("TABLE") {
            let if_exists = p.kw("IF") && p.kw("EXISTS");
            let (explicit, name) = p.qualified()?;
            p.done()?;
            let db = current_db(s, explicit)?;
            let path = table_path(&db, &name);
            if !fs.exists(&path) {
                if if_exists {
                    return Ok(None);
                }
                return Err(err(1051, "42S02", format!("Unknown table '{db}.{name}'")));
            }
            let _ = fs.remove(&path, false);
            return Ok(None);
        }
        return Err(p.err());
    }
    if p.kw("INSERT") {
        p.kw("INTO");
        let (explicit, name) = p.qualified()?;
        let db = current_db(s, explicit)?;
        let mut table = load_table(fs, &db, &name)?;
        let mut cols: Option<Vec<usize>> = None;
        if p.sym("(") {
            let mut list = Vec::new();
            loop {
                let c = p.ident()?;
                let idx = table
                    .columns
                    .iter()
                    .position(|x| x.name.eq_ignore_ascii_case(&c))
                    .ok_or_else(|| {
                        err(
                            1054,
                            "42S22",
                            format!("Unknown column '{c}' in 'field list'"),
                        )
                    })?;
                list.push(idx);
                if !p.sym(",") {
                    break;
                }
            }
            p.expect_sym(")")?;
            cols = Some(list);
        }
        if !(p.kw("VALUES") || p.kw("VALUE")) {
            return Err(p.err());
        }
        let mut row_no = 0;
        loop {
            row_no += 1;
            p.expect_sym("(")?;
            let mut values = Vec::new();
            if !p.sym(")") {
                loop {
                    values.push(p.value()?);
                    if !p.sym(",") {
                        break;
                    }
                }
                p.expect_sym(")")?;
            }
            let targets: Vec<usize> = cols
                .clone()
                .unwrap_or_else(|| (0..table.columns.len()).collect());
            if targets.len() != values.len() {
                return Err(err(
                    1136,
                    "21S01",
                    format!("Column count doesn't match value count at row {row_no}"),
                ));
            }
            let mut row: Vec<Option<String>> = vec![None; table.columns.len()];
            for (idx, v) in targets.into_iter().zip(values) {
                if let (Some(slot), Some(col)) = (row.get_mut(idx), table.columns.get(idx)) {
                    *slot = normalize_value(col, v);
                }
            }
            for (i, col) in table.columns.iter().enumerate() {
                if col.auto_increment {
                    if let Some(slot) = row.get_mut(i) {
                        match slot.as_deref().map(str::parse::<i64>) {
                            Some(Ok(v)) if v > 0 => {
                                table.next_id = table.next_id.max(v.saturating_add(1))
                            }
                            _ => {
                                let id = table.next_id.max(1);
                                *slot = Some(id.to_string());
                                table.next_id = id.saturating_add(1);
                            }
                        }
                    }
                }
            }
            table.rows.push(row);
            if !p.sym(",") {
                break;
            }
        }
        p.done()?;
        save_table(fs, &db, &name, &table)?;
        return Ok(None);
    }
    if p.kw("DELETE") {
        p.expect_kw("FROM")?;
        let (explicit, name) = p.qualified()?;
        let db = current_db(s, explicit)?;
        let mut table = load_table(fs, &db, &name)?;
        let cond = parse_where(&mut p)?;
        p.done()?;
        let mut kept = Vec::new();
        for row in std::mem::take(&mut table.rows) {
            if !matches(&table, &row, &cond)? {
                kept.push(row);
            }
        }
        table.rows = kept;
        save_table(fs, &db, &name, &table)?;
        return Ok(None);
    }
    if p.kw("UPDATE") {
        let (explicit, name) = p.qualified()?;
        let db = current_db(s, explicit)?;
        let mut table = load_table(fs, &db, &name)?;
        p.expect_kw("SET")?;
        let mut sets = Vec::new();
        loop {
            let c = p.ident()?;
            p.expect_sym("=")?;
            let v = p.value()?;
            let idx = table
                .columns
                .iter()
                .position(|x| x.name.eq_ignore_ascii_case(&c))
                .ok_or_else(|| {
                    err(
                        1054,
                        "42S22",
                        format!("Unknown column '{c}' in 'field list'"),
                    )
                })?;
            sets.push((idx, v));
            if !p.sym(",") {
                break;
            }
        }
        let cond = parse_where(&mut p)?;
        p.done()?;
        let mut rows = std::mem::take(&mut table.rows);
        for row in &mut rows {
            if matches(&table, row, &cond)? {
                for (idx, v) in &sets {
                    if let (Some(slot), Some(col)) = (row.get_mut(*idx), table.columns.get(*idx)) {
                        *slot = normalize_value(col, v.clone());
                    }
                }
            }
        }
        table.rows = rows;
        save_table(fs, &db, &name, &table)?;
        return Ok(None);
    }
    if p.kw("DESCRIBE") || p.kw("DESC") {
        let (explicit, name) = p.qualified()?;
        p.done()?;
        let db = current_db(s, explicit)?;
        let table = load_table(fs, &db, &name)?;
        return Ok(Some(ResultSet {
            columns: ["Field", "Type", "Null", "Key", "Default", "Extra"]
                .iter()
                .map(|c| c.to_string())
                .collect(),
            rows: table
                .columns
                .iter()
                .map(|c| {
                    vec![
                        Some(c.name.clone()),
                        Some(c.ty.to_lowercase()),
                        Some("YES".into()),
                        Some(String::new()),
                        None,
                        Some(if c.auto_increment {
                            "auto_increment".into()
                        } else {
                            String::new()
                        }),
                    ]
                })
                .collect(),
        }));
    }
    if p.kw("SELECT") {
        return select(fs, s, &mut p, sql).map(Some);
    }
    Err(p.err())
}

fn select(fs: &mut FsTree, s: &mut Session, p: &mut P, sql: &str) -> Result<ResultSet, SqlError> {
    // The select list, each item kept with its source text for the header.
    let mut items: Vec<(String, Vec<Tok>)> = Vec::new();
    let body_start = p.pos;
    let _ = body_start;
    loop {
        let start = p.pos;
        let mut depth = 0usize;
        while let Some(t) = p.peek() {
            match t {
                Tok::Sym(x) if x == "(" => depth += 1,
                Tok::Sym(x) if x == ")" => depth = depth.saturating_sub(1),
                Tok::Sym(x) if (x == "," || x == ";") && depth == 0 => break,
                Tok::Ident(w)
                    if depth == 0
                        && ["FROM", "WHERE", "ORDER", "LIMIT", "AS"]
                            .iter()
                            .any(|k| w.eq_ignore_ascii_case(k)) =>
                {
                    break
                }
                _ => {}
            }
            p.pos += 1;
        }
        let toks = p.toks.get(start..p.pos).unwrap_or(&[]).to_vec();
        if toks.is_empty() {
            return Err(p.err());
        }
        let mut header = render(&toks);
        if p.kw("AS") {
            header = match p.peek().cloned() {
                Some(Tok::Ident(a)) | Some(Tok::Str(a)) => {
                    p.pos += 1;
                    a
                }
                _ => return Err(p.err()),
            };
        }
        items.push((header, toks));
        if !p.sym(",") {
            break;
        }
    }
    let _ = sql;
    if !p.kw("FROM") {
        p.done()?;
        let mut row = Vec::new();
        for (_, toks) in &items {
            row.push(scalar(toks, s)?);
        }
        return Ok(ResultSet {
            columns: items.into_iter().map(|(h, _)| h).collect(),
            rows: vec![row],
        });
    }
    let (explicit, name) = p.qualified()?;
    let db = current_db(s, explicit)?;
    let table = load_table(fs, &db, &name)?;
    let cond = parse_where(p)?;
    let mut order: Option<(usize, bool)> = None;
    if p.kw("ORDER") {
        p.expect_kw("BY")?;
        let c = p.ident()?;
        let idx = column_index(&table, &c)?;
        let desc = p.kw("DESC");
        if !desc {
            p.kw("ASC");
        }
        order = Some((idx, desc));
    }
    let mut limit: Option<usize> = None;
    if p.kw("LIMIT") {
        match p.value()? {
            Some(n) => limit = n.parse().ok(),
            None => return Err(p.err()),
        }
    }
    p.done()?;
    let mut rows: Vec<Vec<Option<String>>> = Vec::new();
    for row in &table.rows {
        if matches(&table, row, &cond)? {
            rows.push(row.clone());
        }
    }
    if let Some((idx, desc)) = order {
        crate::order::sort_by(&mut rows, &|a, b| {
            let x = a.get(idx).cloned().flatten().unwrap_or_default();
            let y = b.get(idx).cloned().flatten().unwrap_or_default();
            let o = compare(&x, &y);
            if desc {
                o.reverse()
            } else {
                o
            }
        });
    }
    if let Some(l) = limit {
        rows.truncate(l);
    }
    // Projection.
    let is_count = |toks: &[Tok]| matches!(toks.first(), Some(Tok::Ident(w)) if w.eq_ignore_ascii_case("COUNT"));
    if items.len() == 1 && items.first().is_some_and(|(_, t)| is_count(t)) {
        let header = items.first().map(|(h, _)| h.clone()).unwrap_or_default();
        return Ok(ResultSet {
            columns: vec![header],
            rows: vec![vec![Some(rows.len().to_string())]],
        });
    }
    let mut columns = Vec::new();
    let mut picks: Vec<usize> = Vec::new();
    for (header, toks) in &items {
        if matches!(toks.as_slice(), [Tok::Sym(x)] if x == "*") {
            for (i, c) in table.columns.iter().enumerate() {
                columns.push(c.name.clone());
                picks.push(i);
            }
            continue;
        }
        let col = match toks.as_slice() {
            [Tok::Ident(c)] => c.clone(),
            [Tok::Ident(_), Tok::Sym(dot), Tok::Ident(c)] if dot == "." => c.clone(),
            _ => return Err(syntax(&render(toks))),
        };
        let idx = table
            .columns
            .iter()
            .position(|x| x.name.eq_ignore_ascii_case(&col))
            .ok_or_else(|| {
                err(
                    1054,
                    "42S22",
                    format!("Unknown column '{col}' in 'field list'"),
                )
            })?;
        columns.push(header.clone());
        picks.push(idx);
    }
    let rows = rows
        .into_iter()
        .map(|r| picks.iter().map(|&i| r.get(i).cloned().flatten()).collect())
        .collect();
    Ok(ResultSet { columns, rows })
}

fn render(toks: &[Tok]) -> String {
    let mut s = String::new();
    for (i, t) in toks.iter().enumerate() {
        let piece = match t {
            Tok::Ident(x) | Tok::Num(x) => x.clone(),
            Tok::Sym(x) => x.clone(),
            Tok::Str(x) => format!("'{x}'"),
        };
        let glue =
            matches!(t, Tok::Sym(_)) || matches!(toks.get(i.wrapping_sub(1)), Some(Tok::Sym(_)));
        if i > 0 && !glue {
            s.push(' ');
        }
        s.push_str(&piece);
    }
    s
}

/// A scalar expression without a table: literals, a few functions, + - * /.
fn scalar(toks: &[Tok], s: &Session) -> Result<Option<String>, SqlError> {
    match toks {
        [Tok::Num(n)] | [Tok::Str(n)] => Ok(Some(n.clone())),
        [Tok::Ident(w)] if w.eq_ignore_ascii_case("NULL") => Ok(None),
        [Tok::Ident(f), Tok::Sym(o), Tok::Sym(c)] if o == "(" && c == ")" => {
            match f.to_uppercase().as_str() {
                "VERSION" => Ok(Some(VERSION.into())),
                "DATABASE" | "SCHEMA" => Ok(s.db.clone()),
                "USER" | "CURRENT_USER" => Ok(Some(format!("{}@localhost", s.user))),
                "NOW" => Ok(Some("2025-01-01 00:00:00".into())),
                _ => Err(err(1305, "42000", format!("FUNCTION {f} does not exist"))),
            }
        }
        [Tok::Num(a), Tok::Sym(op), Tok::Num(b)] => {
            let (x, y): (f64, f64) = (a.parse().unwrap_or(0.0), b.parse().unwrap_or(0.0));
            let v = match op.as_str() {
                "+" => x + y,
                "-" => x - y,
                "*" => x * y,
                "/" if y != 0.0 => return Ok(Some(format!("{:.4}", x / y))),
                "/" => return Ok(None),
                _ => return Err(syntax(&render(toks))),
            };
            Ok(Some(if v.fract() == 0.0 && v.abs() < 1e15 {
                (v as i64).to_string()
            } else {
                v.to_string()
            }))
        }
        _ => Err(syntax(&render(toks))),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn run(fs: &mut FsTree, s: &mut Session, sql: &str) -> Result<String, SqlError> {
        execute(fs, s, sql).map(|r| r.map(|rs| format_batch(&rs, true)).unwrap_or_default())
    }

    #[test]
    fn create_insert_select() {
        let mut fs = FsTree::new();
        fs.mkdir("/var/lib/mysql/mysql", true).unwrap();
        let mut s = Session {
            db: None,
            user: "root".into(),
        };
        assert_eq!(
            run(&mut fs, &mut s, "CREATE TABLE t (id INT)")
                .unwrap_err()
                .code,
            1046
        );
        run(&mut fs, &mut s, "CREATE DATABASE shop").unwrap();
        assert_eq!(
            run(&mut fs, &mut s, "CREATE DATABASE shop")
                .unwrap_err()
                .code,
            1007
        );
        run(&mut fs, &mut s, "USE shop").unwrap();
        run(&mut fs, &mut s, "CREATE TABLE items (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20), price DECIMAL(5,2))").unwrap();
        run(
            &mut fs,
            &mut s,
            "INSERT INTO items (name, price) VALUES ('apple', 1.5), ('pear', NULL)",
        )
        .unwrap();
        run(&mut fs, &mut s, "INSERT INTO items VALUES (10, 'it''s', 3)").unwrap();
        assert_eq!(
            run(&mut fs, &mut s, "SELECT * FROM items").unwrap(),
            "id\tname\tprice\n1\tapple\t1.5\n2\tpear\tNULL\n10\tit's\t3\n"
        );
        assert_eq!(
            run(
                &mut fs,
                &mut s,
                "SELECT name FROM items WHERE id > 1 ORDER BY id DESC LIMIT 1"
            )
            .unwrap(),
            "name\nit's\n"
        );
        assert_eq!(
            run(&mut fs, &mut s, "SELECT COUNT(*) FROM items").unwrap(),
            "COUNT(*)\n3\n"
        );
        assert_eq!(
            run(&mut fs, &mut s, "SHOW TABLES").unwrap(),
            "Tables_in_shop\nitems\n"
        );
        assert_eq!(
            run(&mut fs, &mut s, "SHOW DATABASES").unwrap(),
            "Database\ninformation_schema\nmysql\nshop\n"
        );
        assert_eq!(
            run(&mut fs, &mut s, "INSERT INTO items VALUES (1)")
                .unwrap_err()
                .code,
            1136
        );
        assert_eq!(
            run(&mut fs, &mut s, "SELECT * FROM nope")
                .unwrap_err()
                .message,
            "Table 'shop.nope' doesn't exist"
        );
        assert_eq!(run(&mut fs, &mut s, "SELEC 1").unwrap_err().code, 1064);
        run(&mut fs, &mut s, "DELETE FROM items WHERE name = 'pear'").unwrap();
        run(&mut fs, &mut s, "UPDATE items SET price = 2 WHERE id = 1").unwrap();
        assert_eq!(
            run(&mut fs, &mut s, "SELECT price FROM items WHERE id = 1").unwrap(),
            "price\n2\n"
        );
        assert_eq!(
            run(&mut fs, &mut s, "SELECT 1+1, VERSION()").unwrap(),
            "1+1\tVERSION()\n2\t8.0.36\n"
        );
        run(&mut fs, &mut s, "DROP TABLE items").unwrap();
        run(&mut fs, &mut s, "DROP DATABASE shop").unwrap();
        assert_eq!(run(&mut fs, &mut s, "USE shop").unwrap_err().code, 1049);
    }

    #[test]
    fn statements_split_outside_quotes() {
        assert_eq!(split_statements("a; b ';' ;; c"), vec!["a", "b ';'", "c"]);
    }
}
