//! The syntax tree of one statement: what the parser understood, before anything runs.

use super::Column;

/// A value as written: `None` is NULL; numbers and strings are kept as text.
pub(super) type Value = Option<String>;

/// `name` or `db.name`.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct TableName {
    pub db: Option<String>,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Statement {
    ShowDatabases,
    ShowTables {
        db: Option<String>,
    },
    Use {
        db: String,
    },
    CreateDatabase {
        name: String,
        if_not_exists: bool,
    },
    CreateTable {
        table: TableName,
        if_not_exists: bool,
        columns: Vec<Column>,
    },
    DropDatabase {
        name: String,
        if_exists: bool,
    },
    DropTable {
        table: TableName,
        if_exists: bool,
    },
    Insert {
        table: TableName,
        /// The column list, when given.
        columns: Option<Vec<String>>,
        rows: Vec<Vec<Value>>,
    },
    Delete {
        table: TableName,
        filter: Vec<Condition>,
    },
    Update {
        table: TableName,
        sets: Vec<(String, Value)>,
        filter: Vec<Condition>,
    },
    Describe {
        table: TableName,
    },
    Select(Select),
}

/// One `column op value` of a WHERE clause; the conditions are joined by AND.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Condition {
    pub column: String,
    pub op: CompareOp,
    pub value: Value,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum CompareOp {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
    Like,
    IsNull,
    IsNotNull,
}

#[derive(Clone, Debug, PartialEq)]
pub(super) struct Select {
    pub items: Vec<SelectItem>,
    pub from: Option<TableName>,
    pub filter: Vec<Condition>,
    /// ORDER BY column, descending?
    pub order: Option<(String, bool)>,
    pub limit: Option<usize>,
}

/// One item of the select list, with the header mysql prints for it.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct SelectItem {
    /// The `AS` alias, or the expression's text.
    pub header: String,
    /// The expression's text, as an error quotes it.
    pub text: String,
    pub expr: Expr,
}

/// The expressions the engine knows; anything else is kept as [`Expr::Other`] and refused
/// with a syntax error when it is evaluated.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Expr {
    /// `*`
    Star,
    /// A bare word: a column, or NULL without a table.
    Name(String),
    /// `t.column`
    Qualified {
        column: String,
    },
    /// A number or a string.
    Literal(String),
    /// `f()`
    Call(String),
    /// `1 + 2`: two numbers and an operator.
    Arithmetic {
        left: String,
        op: String,
        right: String,
    },
    /// `COUNT(...)`
    Count,
    Other,
}

impl Expr {
    /// Whether the item counts rows (`COUNT(*)`, `COUNT(x)`).
    pub fn is_count(&self) -> bool {
        match self {
            Expr::Count => true,
            Expr::Name(w) | Expr::Call(w) => w.eq_ignore_ascii_case("COUNT"),
            _ => false,
        }
    }
}
