//! The servers of the data-defined images: postgres, mongo, apache httpd (and WordPress on
//! it), memcached and Jenkins, with their entrypoints' checks and their start-up logs.

use crate::fs::Node;
use crate::program::calendar::DateTime;
use crate::program::exec;
use crate::program::kernel::{Kernel, Proc};
use crate::program::ServerKind;

fn spawn_args(k: &mut Kernel, p: &Proc, argv: Vec<String>) -> i32 {
    let name = argv.first().cloned().unwrap_or_default();
    let child = Proc { argv, ..p.clone() };
    match exec::spawn(k, child) {
        Ok(code) => code,
        Err(e) => {
            k.err(
                p,
                &format!("/usr/local/bin/docker-entrypoint.sh: line 1: exec: {name}: not found\n"),
            );
            e.exit_code()
        }
    }
}

/// The entrypoints' rule: a first argument that is an option goes to the server.
fn with_server(p: &Proc, server: &str) -> Vec<String> {
    let mut argv: Vec<String> = p.args().to_vec();
    if argv.first().is_none_or(|a| a.starts_with('-')) {
        argv.insert(0, server.to_string());
    }
    argv
}

fn is_root(p: &Proc) -> bool {
    p.user.is_empty() || p.user == "root" || p.user == "0"
}

fn pg_version(p: &Proc) -> String {
    p.getenv("PG_VERSION")
        .unwrap_or("17.0")
        .split('-')
        .next()
        .unwrap_or("17.0")
        .to_string()
}

/// postgres' docker-entrypoint.sh: an empty data directory needs a superuser password.
pub fn postgres_entrypoint(k: &mut Kernel, p: &mut Proc) -> i32 {
    let argv = with_server(p, "postgres");
    if argv.first().map(String::as_str) != Some("postgres") {
        return spawn_args(k, p, argv);
    }
    let pgdata = p
        .getenv("PGDATA")
        .unwrap_or("/var/lib/postgresql/data")
        .to_string();
    let initialised = k.ctx.fs.exists(&format!("{pgdata}/PG_VERSION"));
    if initialised {
        k.out(p, "\nPostgreSQL Database directory appears to contain a database; Skipping initialization\n\n");
    } else {
        let password = p.getenv("POSTGRES_PASSWORD").unwrap_or("");
        let trust = p.getenv("POSTGRES_HOST_AUTH_METHOD") == Some("trust");
        if password.is_empty() && !trust {
            k.err(p, "Error: Database is uninitialized and superuser password is not specified.\n       You must specify POSTGRES_PASSWORD to a non-empty value for the\n       superuser. For example, \"-e POSTGRES_PASSWORD=password\" on \"docker run\".\n\n       You may also use \"POSTGRES_HOST_AUTH_METHOD=trust\" to allow all\n       connections without a password. This is *not* recommended.\n\n       See PostgreSQL documentation about \"trust\":\n       https://www.postgresql.org/docs/current/auth-trust.html\n");
            return 1;
        }
        let major = pg_version(p).split('.').next().unwrap_or("17").to_string();
        let _ = k.ctx.fs.mkdir(&format!("{pgdata}/base"), true);
        k.ctx.fs.put(
            &format!("{pgdata}/PG_VERSION"),
            Node::file(format!("{major}\n")),
        );
        k.ctx.fs.put(
            &format!("{pgdata}/base/1"),
            Node::file(Vec::new()).sized(7_600_000),
        );
        k.ctx.fs.put(
            &format!("{pgdata}/pg_wal"),
            Node::file(Vec::new()).sized(16_777_216),
        );
        let db = p
            .getenv("POSTGRES_DB")
            .or(p.getenv("POSTGRES_USER"))
            .unwrap_or("postgres")
            .to_string();
        let mut log = format!("The files belonging to this database system will be owned by user \"postgres\".\nThis user must also own the server process.\n\nThe database cluster will be initialized with locale \"en_US.utf8\".\nThe default database encoding has accordingly been set to \"UTF8\".\nThe default text search configuration will be set to \"english\".\n\nData page checksums are disabled.\n\nfixing permissions on existing directory {pgdata} ... ok\ncreating subdirectories ... ok\nselecting dynamic shared memory implementation ... posix\nselecting default \"max_connections\" ... 100\nselecting default \"shared_buffers\" ... 128MB\nselecting default time zone ... Etc/UTC\ncreating configuration files ... ok\nrunning bootstrap script ... ok\nperforming post-bootstrap initialization ... ok\nsyncing data to disk ... ok\n\n\nSuccess. You can now start the database server using:\n\n    pg_ctl -D {pgdata} -l logfile start\n\n");
        if db != "postgres" {
            log.push_str("CREATE DATABASE\n\n");
        }
        log.push_str("\n/usr/local/bin/docker-entrypoint.sh: ignoring /docker-entrypoint-initdb.d/*\n\nPostgreSQL init process complete; ready for start up.\n\n");
        k.out(p, &log);
    }
    // The entrypoint drops to the postgres user (gosu) before the server starts.
    let child = Proc {
        argv,
        user: "postgres".into(),
        ..p.clone()
    };
    match exec::spawn(k, child) {
        Ok(code) => code,
        Err(e) => e.exit_code(),
    }
}

pub fn postgres(k: &mut Kernel, p: &mut Proc) -> i32 {
    let v = pg_version(p);
    if p.args()
        .first()
        .is_some_and(|a| a == "--version" || a == "-V")
    {
        k.out(
            p,
            &format!(
                "postgres (PostgreSQL) {v} (Debian {})\n",
                p.getenv("PG_VERSION").unwrap_or(&v)
            ),
        );
        return 0;
    }
    if is_root(p) {
        k.err(p, "\"root\" execution of the PostgreSQL server is not permitted.\nThe server must be started under an unprivileged user ID to prevent\npossible system security compromise.  See the documentation for\nmore information on how to properly start the server.\n");
        return 1;
    }
    let ts = DateTime::from_unix(k.ctx.now_unix).strftime("%Y-%m-%d %H:%M:%S.000 UTC");
    let pid = k.pid();
    let log = format!("{ts} [{pid}] LOG:  starting PostgreSQL {v} (Debian {}) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit\n{ts} [{pid}] LOG:  listening on IPv4 address \"0.0.0.0\", port 5432\n{ts} [{pid}] LOG:  listening on IPv6 address \"::\", port 5432\n{ts} [{pid}] LOG:  listening on Unix socket \"/var/run/postgresql/.s.PGSQL.5432\"\n{ts} [{}] LOG:  database system was shut down at {ts}\n{ts} [{pid}] LOG:  database system is ready to accept connections\n", p.getenv("PG_VERSION").unwrap_or(&v), pid + 27);
    k.err(p, &log);
    if !k.alloc(40 * 1024 * 1024) {
        return 137;
    }
    k.listen(
        5432,
        ServerKind::Opaque {
            name: "postgres".into(),
        },
    );
    k.run_forever();
    0
}

pub fn psql(k: &mut Kernel, p: &mut Proc) -> i32 {
    if p.args()
        .first()
        .is_some_and(|a| a == "--version" || a == "-V")
    {
        let v = pg_version(p);
        k.out(
            p,
            &format!(
                "psql (PostgreSQL) {v} (Debian {})\n",
                p.getenv("PG_VERSION").unwrap_or(&v)
            ),
        );
        return 0;
    }
    k.err(p, "[simulator] psql: SQL sessions with postgres are not simulated (the mysql image's client is)\n");
    2
}

/// mongo's entrypoint: a root user needs both a name and a password.
pub fn mongo_entrypoint(k: &mut Kernel, p: &mut Proc) -> i32 {
    let argv = with_server(p, "mongod");
    let user = p
        .getenv("MONGO_INITDB_ROOT_USERNAME")
        .is_some_and(|v| !v.is_empty());
    let password = p
        .getenv("MONGO_INITDB_ROOT_PASSWORD")
        .is_some_and(|v| !v.is_empty());
    if argv.first().map(String::as_str) == Some("mongod") && user != password {
        k.err(p, "error: missing 'MONGO_INITDB_ROOT_USERNAME' or 'MONGO_INITDB_ROOT_PASSWORD'\n       both must be specified for a user to be created\n");
        return 1;
    }
    spawn_args(k, p, argv)
}

pub fn mongod(k: &mut Kernel, p: &mut Proc) -> i32 {
    let v = p.getenv("MONGO_VERSION").unwrap_or("8.0.3").to_string();
    if p.args().first().is_some_and(|a| a == "--version") {
        k.out(p, &format!("db version v{v}\nBuild Info: {{\n    \"version\": \"{v}\",\n    \"environment\": {{\n        \"distmod\": \"ubuntu2204\",\n        \"distarch\": \"x86_64\",\n        \"target_arch\": \"x86_64\"\n    }}\n}}\n"));
        return 0;
    }
    let ts = DateTime::from_unix(k.ctx.now_unix).strftime("%Y-%m-%dT%H:%M:%S.000+00:00");
    let pid = k.pid();
    let host = k.ctx.hostname.to_string();
    let line = |id: u32, ctx: &str, msg: &str, attr: &str| {
        format!("{{\"t\":{{\"$date\":\"{ts}\"}},\"s\":\"I\",  \"c\":\"{}\", \"id\":{id},   \"ctx\":\"{ctx}\",\"msg\":\"{msg}\",\"attr\":{attr}}}\n", if id == 23403 { "CONTROL" } else { "NETWORK" })
    };
    let mut log = line(
        23403,
        "initandlisten",
        "Build Info",
        &format!("{{\"buildInfo\":{{\"version\":\"{v}\"}}}}"),
    );
    log.push_str(&format!("{{\"t\":{{\"$date\":\"{ts}\"}},\"s\":\"I\",  \"c\":\"CONTROL\",  \"id\":4615611, \"ctx\":\"initandlisten\",\"msg\":\"MongoDB starting\",\"attr\":{{\"pid\":{pid},\"port\":27017,\"dbPath\":\"/data/db\",\"architecture\":\"64-bit\",\"host\":\"{host}\"}}}}\n"));
    log.push_str(&line(
        23015,
        "listener",
        "Listening on",
        "{\"address\":\"0.0.0.0\"}",
    ));
    log.push_str(&line(
        23016,
        "listener",
        "Waiting for connections",
        "{\"port\":27017,\"ssl\":\"off\"}",
    ));
    k.out(p, &log);
    let _ = k.ctx.fs.mkdir("/data/db/journal", true);
    k.ctx.fs.put(
        "/data/db/WiredTiger",
        Node::file("WiredTiger\nWiredTiger 11.3.0: (October 1, 2024)\n"),
    );
    if !k.alloc(80 * 1024 * 1024) {
        return 137;
    }
    k.listen(
        27017,
        ServerKind::Opaque {
            name: "mongod".into(),
        },
    );
    k.run_forever();
    0
}

pub fn mongosh(k: &mut Kernel, p: &mut Proc) -> i32 {
    if p.args().first().is_some_and(|a| a == "--version") {
        k.out(p, "2.3.2\n");
        return 0;
    }
    k.err(
        p,
        "[simulator] mongosh: MongoDB sessions are not simulated\n",
    );
    1
}

fn apache_log(k: &mut Kernel, p: &Proc, name: &str, banner: &str, mpm: &str) {
    let host = k.ctx.hostname;
    let address = crate::program::net::address(k, host);
    let ts = DateTime::from_unix(k.ctx.now_unix).strftime("%a %b %d %H:%M:%S.000000 %Y");
    let pid = k.pid();
    let warn = format!("AH00558: {name}: Could not reliably determine the server's fully qualified domain name, using {address}. Set the 'ServerName' directive globally to suppress this message\n");
    k.err(p, &format!("{warn}{warn}[{ts}] [{mpm}:notice] [pid {pid}:tid {pid}] AH00489: {banner} configured -- resuming normal operations\n[{ts}] [core:notice] [pid {pid}:tid {pid}] AH00094: Command line: '{name} -D FOREGROUND'\n"));
}

/// The httpd image's `httpd-foreground` (and `httpd -DFOREGROUND`): serves htdocs on port 80.
pub fn apache(k: &mut Kernel, p: &mut Proc) -> i32 {
    let v = p.getenv("HTTPD_VERSION").unwrap_or("2.4.62").to_string();
    let args = p.args().to_vec();
    if args.first().is_some_and(|a| a == "-v" || a == "-V") {
        k.out(
            p,
            &format!("Server version: Apache/{v} (Unix)\nServer built:   Oct 17 2024 00:00:00\n"),
        );
        return 0;
    }
    if p.name() == "apache2" || p.getenv("HTTPD_PREFIX").is_none() {
        return apache2_foreground(k, p);
    }
    apache_log(k, p, "httpd", &format!("Apache/{v} (Unix)"), "mpm_event");
    let docroot = httpd_docroot(k).unwrap_or_else(|| "/usr/local/apache2/htdocs".into());
    k.listen(80, ServerKind::Http { docroot });
    k.run_forever();
    0
}

fn httpd_docroot(k: &Kernel) -> Option<String> {
    let conf = k
        .ctx
        .fs
        .read_file("/usr/local/apache2/conf/httpd.conf")
        .ok()?;
    let text = String::from_utf8_lossy(conf);
    text.lines()
        .find_map(|l| l.trim().strip_prefix("DocumentRoot "))
        .map(|d| d.trim().trim_matches('"').to_string())
}

/// WordPress' entrypoint: copies WordPress into the (volume) document root on first start and
/// writes wp-config.php from the WORDPRESS_DB_* variables.
pub fn wordpress_entrypoint(k: &mut Kernel, p: &mut Proc) -> i32 {
    let argv = with_server(p, "apache2-foreground");
    let root = "/var/www/html";
    if !k.ctx.fs.exists(&format!("{root}/index.php")) {
        let files: Vec<(String, Node)> = k
            .ctx
            .fs
            .descendants("/usr/src/wordpress")
            .map(|(path, node)| (path.clone(), node.clone()))
            .collect();
        for (path, node) in files {
            let target = format!("{root}{}", path.trim_start_matches("/usr/src/wordpress"));
            let _ = k.ctx.fs.mkdir(crate::fs::parent(&target), true);
            k.ctx.fs.put(&target, node);
        }
        k.err(p, &format!("WordPress not found in {root} - copying now...\nComplete! WordPress has been successfully copied to {root}\n"));
    }
    let vars: Vec<String> = p
        .env
        .iter()
        .filter(|(name, _)| name.starts_with("WORDPRESS_"))
        .map(|(name, _)| name.clone())
        .collect();
    if !vars.is_empty() && !k.ctx.fs.exists(&format!("{root}/wp-config.php")) {
        let host = p.getenv("WORDPRESS_DB_HOST").unwrap_or("mysql").to_string();
        k.ctx.fs.put(&format!("{root}/wp-config.php"), Node::file(format!("<?php\ndefine( 'DB_HOST', '{host}' );\ndefine( 'DB_NAME', '{}' );\ndefine( 'DB_USER', '{}' );\n", p.getenv("WORDPRESS_DB_NAME").unwrap_or("wordpress"), p.getenv("WORDPRESS_DB_USER").unwrap_or("example username"))));
        k.err(p, &format!("No 'wp-config.php' found in {root}, but 'WORDPRESS_...' variables supplied; copying 'wp-config-docker.php' ({})\n", vars.join(" ")));
    }
    spawn_args(k, p, argv)
}

/// apache2-foreground of the php:apache images. The page it serves says what WordPress
/// would: whether the database named by WORDPRESS_DB_HOST answers.
pub fn apache2_foreground(k: &mut Kernel, p: &mut Proc) -> i32 {
    let php = p.getenv("PHP_VERSION").unwrap_or("8.2.24").to_string();
    apache_log(
        k,
        p,
        "apache2",
        &format!("Apache/2.4.62 (Debian) PHP/{php}"),
        "mpm_prefork",
    );
    let root = "/var/www/html";
    if k.ctx.fs.exists(&format!("{root}/wp-config.php"))
        && !k.ctx.fs.exists(&format!("{root}/index.html"))
    {
        let host = p.getenv("WORDPRESS_DB_HOST").unwrap_or("mysql").to_string();
        let (name, port) = match host.split_once(':') {
            Some((h, port)) => (h.to_string(), port.parse().unwrap_or(3306)),
            None => (host.clone(), 3306),
        };
        let reachable = crate::program::net::with_server(k, &name, port, |remote| {
            remote.kind == ServerKind::Mysql
        })
        .unwrap_or(false);
        let page = if reachable {
            "<!DOCTYPE html>\n<html lang=\"en-US\">\n<head><title>WordPress &rsaquo; Installation</title></head>\n<body class=\"wp-core-ui\">\n<h1>Welcome</h1>\n<p>Welcome to the famous five-minute WordPress installation process!</p>\n</body>\n</html>\n".to_string()
        } else {
            "<!DOCTYPE html>\n<html>\n<head><title>Database Error</title></head>\n<body>\n<h1>Error establishing a database connection</h1>\n</body>\n</html>\n".to_string()
        };
        // Generated when the server starts: the simulator does not run PHP per request.
        k.ctx
            .fs
            .put(&format!("{root}/index.html"), Node::file(page));
    }
    k.listen(
        80,
        ServerKind::Http {
            docroot: root.into(),
        },
    );
    k.run_forever();
    0
}

pub fn memcached_entrypoint(k: &mut Kernel, p: &mut Proc) -> i32 {
    let argv = with_server(p, "memcached");
    spawn_args(k, p, argv)
}

/// memcached: silent unless `-v`; refuses root without `-u`, as the real one does.
pub fn memcached(k: &mut Kernel, p: &mut Proc) -> i32 {
    let args = p.args().to_vec();
    let v = p
        .getenv("MEMCACHED_VERSION")
        .unwrap_or("1.6.32")
        .to_string();
    if args.iter().any(|a| a == "-V" || a == "--version") {
        k.out(p, &format!("memcached {v}\n"));
        return 0;
    }
    if is_root(p) && !args.iter().any(|a| a == "-u" || a.starts_with("--user")) {
        k.err(p, "can't run as root without the -u switch\n");
        return 71;
    }
    let mut port = 11211;
    let mut memory_mb: u64 = 64;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-p" => port = it.next().and_then(|v| v.parse().ok()).unwrap_or(port),
            "-m" => memory_mb = it.next().and_then(|v| v.parse().ok()).unwrap_or(memory_mb),
            _ => {}
        }
    }
    if args.iter().any(|a| a.starts_with("-v")) {
        k.err(p, &format!("slab class   1: chunk size        96 perslab   10922\n<{} server listening (auto-negotiate)\n", 26));
    }
    let _ = memory_mb;
    k.listen(port, ServerKind::Memcached);
    k.run_forever();
    0
}

/// Jenkins (jenkins.sh under tini): the war's start-up, with the initial admin password.
pub fn jenkins(k: &mut Kernel, p: &mut Proc) -> i32 {
    let home = p
        .getenv("JENKINS_HOME")
        .unwrap_or("/var/jenkins_home")
        .to_string();
    let v = p.getenv("JENKINS_VERSION").unwrap_or("2.462.3").to_string();
    let secret = crate::digest::sha256_digest(format!("{}{home}", k.ctx.hostname).as_bytes());
    let password: String = secret
        .trim_start_matches("sha256:")
        .chars()
        .take(32)
        .collect();
    let file = format!("{home}/secrets/initialAdminPassword");
    let _ = k.ctx.fs.mkdir(&format!("{home}/secrets"), true);
    if !k.ctx.fs.exists(&file) {
        k.ctx.fs.put(&file, Node::file(format!("{password}\n")));
    }
    let ts = DateTime::from_unix(k.ctx.now_unix).strftime("%Y-%m-%d %H:%M:%S.000+0000");
    let stars = "*************************************************************\n";
    let log = format!("Running from: /usr/share/jenkins/jenkins.war\nwebroot: {home}/war\n{ts} [id=1]\tINFO\twinstone.Logger#logInternal: Beginning extraction from war file\n{ts} [id=1]\tINFO\torg.eclipse.jetty.server.Server#doStart: jetty-12.0.13; built: 2024-09-03T03:04:15.240Z; jvm 17.0.13+11\n{ts} [id=1]\tINFO\to.e.j.s.AbstractConnector#doStart: Started ServerConnector@1{{HTTP/1.1, (http/1.1)}}{{0.0.0.0:8080}}\n{ts} [id=1]\tINFO\twinstone.Logger#logInternal: Winstone Servlet Engine running: controlPort=disabled\n{ts} [id=29]\tINFO\tjenkins.install.SetupWizard#init: \n\n{stars}{stars}{stars}\nJenkins initial setup is required. An admin user has been created and a password generated.\nPlease use the following password to proceed to installation:\n\n{}\nThis may also be found at: {file}\n\n{stars}{stars}{stars}\n{ts} [id=29]\tINFO\thudson.lifecycle.Lifecycle#onReady: Jenkins is fully up and running\n", k.ctx.fs.read_file(&file).map(|d| String::from_utf8_lossy(d).into_owned()).unwrap_or_default());
    let _ = v;
    k.err(p, &log);
    if !k.alloc(256 * 1024 * 1024) {
        return 137;
    }
    k.listen(
        8080,
        ServerKind::Opaque {
            name: "jenkins".into(),
        },
    );
    k.listen(
        50000,
        ServerKind::Opaque {
            name: "jenkins-agent".into(),
        },
    );
    k.run_forever();
    0
}

/// php from the command line: its version; scripts are not simulated.
pub fn php(k: &mut Kernel, p: &mut Proc) -> i32 {
    let v = p.getenv("PHP_VERSION").unwrap_or("8.2.24").to_string();
    if p.args()
        .first()
        .is_some_and(|a| a == "-v" || a == "--version")
    {
        k.out(p, &format!("PHP {v} (cli) (built: Oct 17 2024 00:00:00) (NTS)\nCopyright (c) The PHP Group\nZend Engine v4.2.24, Copyright (c) Zend Technologies\n"));
        return 0;
    }
    k.err(p, "[simulator] php: PHP code is not simulated\n");
    1
}
