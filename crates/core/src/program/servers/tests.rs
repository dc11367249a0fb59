//! Servers and their clients through `run`.

use crate::program::kernel::MIB;
use crate::program::testutil::{rootfs, stderr, stdout, OneHost, Run};
use crate::program::{Exit, NoNetwork, ServerKind};

#[test]
fn redis_data_survives_in_data_dir() {
    let mut fs = rootfs();
    let r = Run::default().go(
        &mut fs,
        &mut NoNetwork,
        &["docker-entrypoint.sh", "redis-server"],
    );
    assert_eq!(r.exit, Exit::Running);
    assert_eq!(r.listening, vec![(6379, ServerKind::Redis)]);
    assert!(stdout(&r).contains("* Ready to accept connections tcp\n"));
    assert!(r.peak_memory >= 10 * MIB);

    let run = Run {
        local_servers: vec![(6379, ServerKind::Redis)],
        ..Run::default()
    };
    let r = run.go(&mut fs, &mut NoNetwork, &["sh", "-c", "redis-cli PING; redis-cli SET visits 1; redis-cli INCR visits; redis-cli GET nope; redis-cli DBSIZE"]);
    assert_eq!(stdout(&r), "PONG\nOK\n2\n\n1\n");
    // A second run (a new `docker exec`, or a new container on the same volume) sees it.
    let r = run.go(&mut fs, &mut NoNetwork, &["redis-cli", "GET", "visits"]);
    assert_eq!(stdout(&r), "2\n");
    assert!(fs.read_file("/data/dump.rdb").is_ok());
    let r = Run::default().go(&mut fs, &mut NoNetwork, &["redis-server"]);
    assert!(stdout(&r).contains("Done loading RDB, keys loaded: 1, keys expired: 0."));

    let r = Run::default().go(&mut fs, &mut NoNetwork, &["redis-cli", "GET", "visits"]);
    assert_eq!(
        stderr(&r),
        "Could not connect to Redis at 127.0.0.1:6379: Connection refused\n"
    );
    assert_eq!(r.exit, Exit::Code(1));
    let mut other = OneHost {
        name: "cache".into(),
        port: 6379,
        kind: ServerKind::Redis,
        env: Vec::new(),
        fs: rootfs(),
    };
    let r = Run::default().go(
        &mut fs,
        &mut other,
        &["redis-cli", "-h", "cache", "SET", "k", "v"],
    );
    assert_eq!(stdout(&r), "OK\n");
    assert!(
        other.fs.read_file("/data/dump.rdb").is_ok(),
        "the data lives in the server's filesystem"
    );
}

#[test]
fn mysql_requires_a_password_option() {
    // MYSQL_PASS is not one of the image's variables: it is refused like no variable at all.
    for env in [vec![], vec![("MYSQL_PASS".to_string(), "pw".to_string())]] {
        let mut fs = rootfs();
        let mut run = Run::default();
        run.env.extend(env);
        let r = run.go(&mut fs, &mut NoNetwork, &["docker-entrypoint.sh", "mysqld"]);
        assert_eq!(r.exit, Exit::Code(1));
        let err = stderr(&r);
        assert!(err.contains(" [ERROR] [Entrypoint]: Database is uninitialized and password option is not specified\n\tYou need to specify one of the following as an environment variable:\n\t- MYSQL_ROOT_PASSWORD\n\t- MYSQL_ALLOW_EMPTY_PASSWORD\n\t- MYSQL_RANDOM_ROOT_PASSWORD\n"), "{err}");
        assert!(!fs.exists("/var/lib/mysql/mysql"));
    }
}

#[test]
fn the_root_password_counts_only_when_the_data_directory_is_empty() {
    let mut fs = rootfs();
    let mut first = Run::default();
    first.env.push(("MYSQL_ROOT_PASSWORD".into(), "old".into()));
    assert_eq!(
        first
            .go(&mut fs, &mut NoNetwork, &["docker-entrypoint.sh", "mysqld"])
            .exit,
        Exit::Running
    );
    // A new container on the same data (a volume) with another password keeps the old one.
    let mut second = Run::default();
    second
        .env
        .push(("MYSQL_ROOT_PASSWORD".into(), "new".into()));
    let r = second.go(&mut fs, &mut NoNetwork, &["docker-entrypoint.sh", "mysqld"]);
    assert_eq!(r.exit, Exit::Running);
    assert!(!stdout(&r).contains("Initializing database files"));
    let client = Run {
        local_servers: vec![(3306, ServerKind::Mysql)],
        env: second.env.clone(),
        ..Run::default()
    };
    let login = |fs: &mut _, pw: &str| {
        client
            .go(
                fs,
                &mut NoNetwork,
                &["mysql", "-uroot", pw, "-e", "SELECT 1"],
            )
            .exit
    };
    assert_eq!(login(&mut fs, "-pnew"), Exit::Code(1));
    assert_eq!(login(&mut fs, "-pold"), Exit::Code(0));
}

#[test]
fn mysql_initialises_serves_and_keeps_data() {
    let mut fs = rootfs();
    let mut server = Run::default();
    server
        .env
        .push(("MYSQL_ROOT_PASSWORD".into(), "secret".into()));
    server.env.push(("MYSQL_DATABASE".into(), "shop".into()));
    let r = server.go(&mut fs, &mut NoNetwork, &["docker-entrypoint.sh", "mysqld"]);
    assert_eq!(r.exit, Exit::Running);
    assert_eq!(r.listening, vec![(3306, ServerKind::Mysql)]);
    assert!(stdout(&r).contains("[Note] [Entrypoint]: Creating database shop\n"));
    assert!(stderr(&r).contains("ready for connections. Version: '8.0.36'"));
    assert!(r.peak_memory >= 360 * MIB);

    let client = Run {
        local_servers: vec![(3306, ServerKind::Mysql)],
        env: server.env.clone(),
        ..Run::default()
    };
    let r = client.go(&mut fs, &mut NoNetwork, &["mysql", "-uroot", "-psecret", "-e", "CREATE TABLE shop.items (id INT, name VARCHAR(10)); INSERT INTO shop.items VALUES (1, 'pen'); SHOW DATABASES"]);
    assert_eq!(
        stderr(&r),
        "mysql: [Warning] Using a password on the command line interface can be insecure.\n"
    );
    assert_eq!(
        stdout(&r),
        "Database\ninformation_schema\nmysql\nperformance_schema\nshop\nsys\n"
    );
    let r = client.go(
        &mut fs,
        &mut NoNetwork,
        &[
            "mysql",
            "-uroot",
            "-psecret",
            "shop",
            "-e",
            "SELECT * FROM items",
        ],
    );
    assert_eq!(stdout(&r), "id\tname\n1\tpen\n");
    assert!(fs.read_file("/var/lib/mysql/shop/items.ibd").is_ok());
    let r = client.go(
        &mut fs,
        &mut NoNetwork,
        &["mysql", "-uroot", "-pwrong", "-e", "SELECT 1"],
    );
    assert_eq!(r.exit, Exit::Code(1));
    assert!(stderr(&r).ends_with(
        "ERROR 1045 (28000): Access denied for user 'root'@'localhost' (using password: YES)\n"
    ));
    let r = client.go(
        &mut fs,
        &mut NoNetwork,
        &["mysql", "-uroot", "-psecret", "-e", "USE nope"],
    );
    assert!(stderr(&r).ends_with("ERROR 1049 (42000) at line 1: Unknown database 'nope'\n"));

    // A restart on the same data directory skips initialisation: no password needed, data kept.
    let r = Run::default().go(&mut fs, &mut NoNetwork, &["docker-entrypoint.sh", "mysqld"]);
    assert_eq!(r.exit, Exit::Running);
    assert!(!stdout(&r).contains("Initializing database files"));
    let r = client.go(
        &mut fs,
        &mut NoNetwork,
        &[
            "mysql",
            "-uroot",
            "-psecret",
            "-e",
            "SELECT name FROM shop.items",
        ],
    );
    assert_eq!(stdout(&r), "name\npen\n");

    let r = Run::default().go(
        &mut fs,
        &mut NoNetwork,
        &["mysql", "-uroot", "-psecret", "-e", "SELECT 1"],
    );
    assert!(stderr(&r).ends_with("ERROR 2002 (HY000): Can't connect to local MySQL server through socket '/var/run/mysqld/mysqld.sock' (2)\n"));
    let r = Run::default().go(
        &mut fs,
        &mut NoNetwork,
        &["mysql", "-h", "db", "-uroot", "-psecret", "-e", "SELECT 1"],
    );
    assert!(stderr(&r).ends_with("ERROR 2005 (HY000): Unknown MySQL server host 'db' (-2)\n"));
}

#[test]
fn mysqld_is_oom_killed_under_256m() {
    let mut fs = rootfs();
    let mut server = Run::default();
    server.env.push(("MYSQL_ROOT_PASSWORD".into(), "pw".into()));
    server.memory_limit = Some(256 * MIB);
    let r = server.go(&mut fs, &mut NoNetwork, &["docker-entrypoint.sh", "mysqld"]);
    assert_eq!(r.exit, Exit::OomKilled);
    assert!(r.listening.is_empty());
}

#[test]
fn mysql_client_over_the_network() {
    let mut db_fs = rootfs();
    let env = vec![("MYSQL_ROOT_PASSWORD".to_string(), "pw".to_string())];
    let mut server = Run::default();
    server.env.extend(env.clone());
    server.go(&mut db_fs, &mut NoNetwork, &["mysqld"]);
    let mut net = OneHost {
        name: "db".into(),
        port: 3306,
        kind: ServerKind::Mysql,
        env,
        fs: db_fs,
    };
    let mut fs = rootfs();
    let r = Run::default().go(
        &mut fs,
        &mut net,
        &[
            "mysql",
            "-h",
            "db",
            "-uroot",
            "-ppw",
            "-e",
            "CREATE DATABASE app",
        ],
    );
    assert_eq!(r.exit, Exit::Code(0), "{}", stderr(&r));
    assert!(net.fs.exists("/var/lib/mysql/app"));
    let r = Run::default().go(
        &mut fs,
        &mut net,
        &["mysql", "-h", "db", "-uroot", "-pbad", "-e", "SELECT 1"],
    );
    assert!(stderr(&r).contains("Access denied for user 'root'@'172.17.0.2'"));
}
