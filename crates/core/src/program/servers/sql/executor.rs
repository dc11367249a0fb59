//! Runs a parsed [`Statement`] against the databases in the container's filesystem.

use super::ast::{CompareOp, Condition, Expr, Select, Statement, TableName, Value};
use super::storage::{
    database_exists, databases, db_path, load_table, save_table, table_path, tables,
};
use super::{err, syntax, Column, ResultSet, Session, SqlError, Table, VERSION};
use crate::fs::FsTree;

/// Runs one statement. `Ok(None)` for statements without a result set.
pub(super) fn run(
    fs: &mut FsTree,
    s: &mut Session,
    statement: Statement,
) -> Result<Option<ResultSet>, SqlError> {
    match statement {
        Statement::ShowDatabases => Ok(Some(ResultSet {
            columns: vec!["Database".into()],
            rows: databases(fs).into_iter().map(|d| vec![Some(d)]).collect(),
        })),
        Statement::ShowTables { db } => {
            let db = existing_db(fs, s, db)?;
            Ok(Some(ResultSet {
                columns: vec![format!("Tables_in_{db}")],
                rows: tables(fs, &db).into_iter().map(|t| vec![Some(t)]).collect(),
            }))
        }
        Statement::Use { db } => {
            if !database_exists(fs, &db) {
                return Err(unknown_database(&db));
            }
            s.db = Some(db);
            Ok(None)
        }
        Statement::CreateDatabase {
            name,
            if_not_exists,
        } => create_database(fs, &name, if_not_exists).map(|()| None),
        Statement::CreateTable {
            table,
            if_not_exists,
            columns,
        } => {
            let db = existing_db(fs, s, table.db)?;
            if fs.exists(&table_path(&db, &table.name)) {
                if if_not_exists {
                    return Ok(None);
                }
                return Err(err(
                    1050,
                    "42S01",
                    format!("Table '{}' already exists", table.name),
                ));
            }
            let new = Table {
                columns,
                rows: Vec::new(),
                next_id: 1,
            };
            save_table(fs, &db, &table.name, &new).map(|()| None)
        }
        Statement::DropDatabase { name, if_exists } => {
            if !database_exists(fs, &name) {
                if if_exists {
                    return Ok(None);
                }
                return Err(err(
                    1008,
                    "HY000",
                    format!("Can't drop database '{name}'; database doesn't exist"),
                ));
            }
            let _ = fs.remove(&db_path(&name), true);
            if s.db.as_deref() == Some(name.as_str()) {
                s.db = None;
            }
            Ok(None)
        }
        Statement::DropTable { table, if_exists } => {
            let db = current_db(s, table.db)?;
            let path = table_path(&db, &table.name);
            if !fs.exists(&path) {
                if if_exists {
                    return Ok(None);
                }
                return Err(err(
                    1051,
                    "42S02",
                    format!("Unknown table '{db}.{}'", table.name),
                ));
            }
            let _ = fs.remove(&path, false);
            Ok(None)
        }
        Statement::Insert {
            table,
            columns,
            rows,
        } => insert(fs, s, &table, columns.as_deref(), rows).map(|()| None),
        Statement::Delete { table, filter } => {
            let (db, mut data) = open(fs, s, &table)?;
            let mut kept = Vec::new();
            for row in std::mem::take(&mut data.rows) {
                if !matches(&data, &row, &filter)? {
                    kept.push(row);
                }
            }
            data.rows = kept;
            save_table(fs, &db, &table.name, &data).map(|()| None)
        }
        Statement::Update {
            table,
            sets,
            filter,
        } => update(fs, s, &table, &sets, &filter).map(|()| None),
        Statement::Describe { table } => {
            let (_, data) = open(fs, s, &table)?;
            Ok(Some(describe(&data)))
        }
        Statement::Select(select) => self::select(fs, s, &select).map(Some),
    }
}

fn unknown_database(db: &str) -> SqlError {
    err(1049, "42000", format!("Unknown database '{db}'"))
}

fn current_db(s: &Session, explicit: Option<String>) -> Result<String, SqlError> {
    match explicit.or_else(|| s.db.clone()) {
        Some(d) => Ok(d),
        None => Err(err(1046, "3D000", "No database selected")),
    }
}

/// The database a statement names (or the session's), which must exist.
fn existing_db(fs: &FsTree, s: &Session, explicit: Option<String>) -> Result<String, SqlError> {
    let db = current_db(s, explicit)?;
    if !database_exists(fs, &db) {
        return Err(unknown_database(&db));
    }
    Ok(db)
}

/// A table's database and contents.
fn open(fs: &FsTree, s: &Session, table: &TableName) -> Result<(String, Table), SqlError> {
    let db = current_db(s, table.db.clone())?;
    let data = load_table(fs, &db, &table.name)?;
    Ok((db, data))
}

fn create_database(fs: &mut FsTree, db: &str, if_not_exists: bool) -> Result<(), SqlError> {
    if database_exists(fs, db) {
        if if_not_exists {
            return Ok(());
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
    fs.mkdir(&db_path(db), true)
        .map_err(|e| err(1006, "HY000", format!("Can't create database '{db}' ({e})")))
}

fn field_index(table: &Table, col: &str) -> Result<usize, SqlError> {
    table
        .columns
        .iter()
        .position(|x| x.name.eq_ignore_ascii_case(col))
        .ok_or_else(|| {
            err(
                1054,
                "42S22",
                format!("Unknown column '{col}' in 'field list'"),
            )
        })
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

fn insert(
    fs: &mut FsTree,
    s: &Session,
    table: &TableName,
    columns: Option<&[String]>,
    rows: Vec<Vec<Value>>,
) -> Result<(), SqlError> {
    let (db, mut data) = open(fs, s, table)?;
    let targets: Vec<usize> = match columns {
        Some(names) => names
            .iter()
            .map(|c| field_index(&data, c))
            .collect::<Result<_, _>>()?,
        None => (0..data.columns.len()).collect(),
    };
    for (row_no, values) in rows.into_iter().enumerate() {
        if targets.len() != values.len() {
            return Err(err(
                1136,
                "21S01",
                format!(
                    "Column count doesn't match value count at row {}",
                    row_no + 1
                ),
            ));
        }
        let mut row: Vec<Option<String>> = vec![None; data.columns.len()];
        for (&idx, v) in targets.iter().zip(values) {
            if let (Some(slot), Some(col)) = (row.get_mut(idx), data.columns.get(idx)) {
                *slot = normalize_value(col, v);
            }
        }
        for (i, col) in data.columns.iter().enumerate() {
            if !col.auto_increment {
                continue;
            }
            if let Some(slot) = row.get_mut(i) {
                match slot.as_deref().map(str::parse::<i64>) {
                    Some(Ok(v)) if v > 0 => data.next_id = data.next_id.max(v.saturating_add(1)),
                    _ => {
                        let id = data.next_id.max(1);
                        *slot = Some(id.to_string());
                        data.next_id = id.saturating_add(1);
                    }
                }
            }
        }
        data.rows.push(row);
    }
    save_table(fs, &db, &table.name, &data)
}

fn update(
    fs: &mut FsTree,
    s: &Session,
    table: &TableName,
    sets: &[(String, Value)],
    filter: &[Condition],
) -> Result<(), SqlError> {
    let (db, mut data) = open(fs, s, table)?;
    let sets: Vec<(usize, &Value)> = sets
        .iter()
        .map(|(c, v)| field_index(&data, c).map(|idx| (idx, v)))
        .collect::<Result<_, _>>()?;
    let mut rows = std::mem::take(&mut data.rows);
    for row in &mut rows {
        if matches(&data, row, filter)? {
            for &(idx, v) in &sets {
                if let (Some(slot), Some(col)) = (row.get_mut(idx), data.columns.get(idx)) {
                    *slot = normalize_value(col, v.clone());
                }
            }
        }
    }
    data.rows = rows;
    save_table(fs, &db, &table.name, &data)
}

fn describe(table: &Table) -> ResultSet {
    ResultSet {
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
    }
}

fn normalize_value(col: &Column, v: Value) -> Value {
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

fn compare(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x.partial_cmp(&y).unwrap_or(std::cmp::Ordering::Equal),
        _ => a.to_lowercase().cmp(&b.to_lowercase()),
    }
}

fn matches(table: &Table, row: &[Option<String>], filter: &[Condition]) -> Result<bool, SqlError> {
    for cond in filter {
        let idx = column_index(table, &cond.column)?;
        let cell = row.get(idx).cloned().flatten();
        let ok = match (cond.op, &cell, &cond.value) {
            (CompareOp::IsNull, c, _) => c.is_none(),
            (CompareOp::IsNotNull, c, _) => c.is_some(),
            (_, None, _) | (_, _, None) => false,
            (CompareOp::Like, Some(c), Some(v)) => crate::glob::like(v, c),
            (op, Some(c), Some(v)) => {
                let o = compare(c, v);
                match op {
                    CompareOp::Eq => o.is_eq(),
                    CompareOp::Ne => !o.is_eq(),
                    CompareOp::Lt => o.is_lt(),
                    CompareOp::Gt => o.is_gt(),
                    CompareOp::Le => o.is_le(),
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

fn select(fs: &FsTree, s: &Session, select: &Select) -> Result<ResultSet, SqlError> {
    let Some(from) = &select.from else {
        let mut row = Vec::new();
        for item in &select.items {
            row.push(scalar(&item.expr, &item.text, s)?);
        }
        return Ok(ResultSet {
            columns: select.items.iter().map(|i| i.header.clone()).collect(),
            rows: vec![row],
        });
    };
    let (_, table) = open(fs, s, from)?;
    let mut rows: Vec<Vec<Option<String>>> = Vec::new();
    for row in &table.rows {
        if matches(&table, row, &select.filter)? {
            rows.push(row.clone());
        }
    }
    if let Some((column, desc)) = &select.order {
        let idx = column_index(&table, column)?;
        crate::order::sort_by(&mut rows, &|a, b| {
            let x = a.get(idx).cloned().flatten().unwrap_or_default();
            let y = b.get(idx).cloned().flatten().unwrap_or_default();
            let o = compare(&x, &y);
            if *desc {
                o.reverse()
            } else {
                o
            }
        });
    }
    if let Some(l) = select.limit {
        rows.truncate(l);
    }
    if let [only] = select.items.as_slice() {
        if only.expr.is_count() {
            return Ok(ResultSet {
                columns: vec![only.header.clone()],
                rows: vec![vec![Some(rows.len().to_string())]],
            });
        }
    }
    let mut columns = Vec::new();
    let mut picks: Vec<usize> = Vec::new();
    for item in &select.items {
        let col = match &item.expr {
            Expr::Star => {
                for (i, c) in table.columns.iter().enumerate() {
                    columns.push(c.name.clone());
                    picks.push(i);
                }
                continue;
            }
            Expr::Name(c) | Expr::Qualified { column: c } => c,
            _ => return Err(syntax(&item.text)),
        };
        picks.push(field_index(&table, col)?);
        columns.push(item.header.clone());
    }
    let rows = rows
        .into_iter()
        .map(|r| picks.iter().map(|&i| r.get(i).cloned().flatten()).collect())
        .collect();
    Ok(ResultSet { columns, rows })
}

/// A scalar expression without a table: literals, a few functions, + - * /.
fn scalar(expr: &Expr, text: &str, s: &Session) -> Result<Value, SqlError> {
    match expr {
        Expr::Literal(n) => Ok(Some(n.clone())),
        Expr::Name(w) if w.eq_ignore_ascii_case("NULL") => Ok(None),
        Expr::Call(f) => match f.to_uppercase().as_str() {
            "VERSION" => Ok(Some(VERSION.into())),
            "DATABASE" | "SCHEMA" => Ok(s.db.clone()),
            "USER" | "CURRENT_USER" => Ok(Some(format!("{}@localhost", s.user))),
            "NOW" => Ok(Some("2025-01-01 00:00:00".into())),
            _ => Err(err(1305, "42000", format!("FUNCTION {f} does not exist"))),
        },
        Expr::Arithmetic { left, op, right } => {
            let (x, y): (f64, f64) = (left.parse().unwrap_or(0.0), right.parse().unwrap_or(0.0));
            let v = match op.as_str() {
                "+" => x + y,
                "-" => x - y,
                "*" => x * y,
                "/" if y != 0.0 => return Ok(Some(format!("{:.4}", x / y))),
                "/" => return Ok(None),
                _ => return Err(syntax(text)),
            };
            Ok(Some(if v.fract() == 0.0 && v.abs() < 1e15 {
                (v as i64).to_string()
            } else {
                v.to_string()
            }))
        }
        _ => Err(syntax(text)),
    }
}
