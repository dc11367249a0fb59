//! Where the data lives: databases are directories under [`DATADIR`], tables `NAME.ibd` files
//! in them (JSON in the simulator's own format).

use super::{err, SqlError, Table, DATADIR};
use crate::fs::{FsTree, Node};

pub(super) fn db_path(db: &str) -> String {
    format!("{DATADIR}/{db}")
}

pub(super) fn table_path(db: &str, t: &str) -> String {
    format!("{DATADIR}/{db}/{t}.ibd")
}

pub fn database_exists(fs: &FsTree, db: &str) -> bool {
    !db.is_empty() && !db.contains('/') && matches!(fs.stat(&db_path(db)), Ok(Node::Dir { .. }))
}

/// `SHOW DATABASES`: the directories, and information_schema.
pub(super) fn databases(fs: &FsTree) -> Vec<String> {
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

/// `SHOW TABLES`: the `.ibd` files of `db`, sorted.
pub(super) fn tables(fs: &FsTree, db: &str) -> Vec<String> {
    let mut tables: Vec<String> = fs
        .list_dir(&db_path(db))
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(n, _)| n.strip_suffix(".ibd").map(str::to_string))
        .collect();
    crate::order::sort(&mut tables);
    tables
}

pub(super) fn load_table(fs: &FsTree, db: &str, t: &str) -> Result<Table, SqlError> {
    let missing = || err(1146, "42S02", format!("Table '{db}.{t}' doesn't exist"));
    let data = fs.read_file(&table_path(db, t)).map_err(|_| missing())?;
    serde_json::from_slice(data).map_err(|_| missing())
}

pub(super) fn save_table(
    fs: &mut FsTree,
    db: &str,
    t: &str,
    table: &Table,
) -> Result<(), SqlError> {
    let data = serde_json::to_vec(table).map_err(|e| err(1030, "HY000", e.to_string()))?;
    fs.write_file(&table_path(db, t), &data, false)
        .map_err(|e| err(1030, "HY000", format!("Got error from storage engine: {e}")))
}
