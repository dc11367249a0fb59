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

#[test]
fn statements_parse_into_a_tree_before_running() {
    use super::ast::{CompareOp, Condition, Expr, Select, SelectItem, Statement, TableName};
    let tree = parser::parse(
        lexer::lex("SELECT name AS n, COUNT(*) FROM shop.items WHERE id >= 2 AND note IS NOT NULL ORDER BY id DESC LIMIT 3;").unwrap(),
    )
    .unwrap();
    let item = |header: &str, text: &str, expr: Expr| SelectItem {
        header: header.into(),
        text: text.into(),
        expr,
    };
    assert_eq!(
        tree,
        Statement::Select(Select {
            items: vec![
                item("n", "name", Expr::Name("name".into())),
                item("COUNT(*)", "COUNT(*)", Expr::Count),
            ],
            from: Some(TableName {
                db: Some("shop".into()),
                name: "items".into()
            }),
            filter: vec![
                Condition {
                    column: "id".into(),
                    op: CompareOp::Ge,
                    value: Some("2".into())
                },
                Condition {
                    column: "note".into(),
                    op: CompareOp::IsNotNull,
                    value: None
                },
            ],
            order: Some(("id".into(), true)),
            limit: Some(3),
        })
    );
}

#[test]
fn a_syntax_error_wins_over_a_missing_table_as_in_mysql() {
    let mut fs = FsTree::new();
    let mut s = Session {
        db: None,
        user: "root".into(),
    };
    // Nothing is looked up before the whole statement parsed.
    let e = run(&mut fs, &mut s, "INSERT INTO nope VALUES (1").unwrap_err();
    assert_eq!(e.code, 1064, "{e:?}");
    assert!(e.message.ends_with("near '' at line 1"), "{}", e.message);
    assert_eq!(
        run(&mut fs, &mut s, "INSERT INTO nope VALUES (1)")
            .unwrap_err()
            .code,
        1046
    );
    assert_eq!(run(&mut fs, &mut s, "").unwrap_err().code, 1065);
    let e = run(&mut fs, &mut s, "SELECT 'open").unwrap_err();
    assert!(e.message.contains("near ''open'"), "{}", e.message);
}

#[test]
fn like_uses_the_shared_matcher_with_mysql_escapes() {
    let mut fs = FsTree::new();
    let mut s = Session {
        db: None,
        user: "root".into(),
    };
    run(&mut fs, &mut s, "CREATE DATABASE d").unwrap();
    run(&mut fs, &mut s, "USE d").unwrap();
    run(&mut fs, &mut s, "CREATE TABLE t (v VARCHAR(9))").unwrap();
    run(
        &mut fs,
        &mut s,
        "INSERT INTO t VALUES ('50%'), ('500'), ('Apple')",
    )
    .unwrap();
    assert_eq!(
        run(&mut fs, &mut s, "SELECT v FROM t WHERE v LIKE '50\\\\%'").unwrap(),
        "v\n50%\n"
    );
    assert_eq!(
        run(&mut fs, &mut s, "SELECT v FROM t WHERE v LIKE 'a%'").unwrap(),
        "v\nApple\n"
    );
    assert_eq!(
        run(&mut fs, &mut s, "SELECT v FROM t WHERE v LIKE '5_0'").unwrap(),
        "v\n500\n"
    );
}
