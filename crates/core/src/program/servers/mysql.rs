//! mysqld (with the official image's entrypoint behaviour folded in) and the `mysql` client.
//!
//! The data directory is `/var/lib/mysql`: `mysql/` marks it initialised (so a volume that
//! already holds it skips initialisation and keeps its data and passwords), `mysql.ibd`
//! holds the accounts, and each database is a directory of `TABLE.ibd` files.

use super::sql::{self, Session, DATADIR, VERSION};
use crate::fs::FsTree;
use crate::program::calendar::DateTime;
use crate::program::kernel::{Kernel, Proc, MIB};
use crate::program::{net, NetError, ServerKind};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// What a running mysqld holds: InnoDB buffer pool and the rest.
pub const MYSQLD_MEMORY: u64 = 360 * MIB;
const ACCOUNTS: &str = "/var/lib/mysql/mysql.ibd";
const IMAGE_VERSION: &str = "8.0.36-1.el8";

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct Accounts {
    /// user → sha256 of the password (hex)
    users: BTreeMap<String, String>,
    /// user → databases granted (root has all)
    #[serde(default)]
    grants: BTreeMap<String, Vec<String>>,
}

fn hash(password: &str) -> String {
    let digest = Sha256::digest(password.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn load_accounts(fs: &FsTree) -> Option<Accounts> {
    fs.read_file(ACCOUNTS)
        .ok()
        .and_then(|d| serde_json::from_slice(d).ok())
}

fn env_get<'e>(env: &'e [(String, String)], name: &str) -> Option<&'e str> {
    env.iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Checks a login against the server's accounts. `Err` is the access-denied message.
fn authenticate(
    fs: &FsTree,
    env: &[(String, String)],
    user: &str,
    password: &str,
    client_host: &str,
) -> Result<(), String> {
    let ok = match load_accounts(fs) {
        Some(acc) => acc.users.get(user).is_some_and(|h| *h == hash(password)),
        // A data directory without accounts: fall back to the environment it started with.
        None => user == "root" && env_get(env, "MYSQL_ROOT_PASSWORD").unwrap_or("") == password,
    };
    if ok {
        Ok(())
    } else {
        let using = if password.is_empty() { "NO" } else { "YES" };
        Err(format!(
            "ERROR 1045 (28000): Access denied for user '{user}'@'{client_host}' (using password: {using})"
        ))
    }
}

pub fn mysqld(k: &mut Kernel, p: &mut Proc) -> i32 {
    if p.args().iter().any(|a| a == "--version" || a == "-V") {
        k.out(p, &format!("/usr/sbin/mysqld  Ver {VERSION} for Linux on x86_64 (MySQL Community Server - GPL)\n"));
        return 0;
    }
    let now = DateTime::from_unix(k.ctx.now_unix);
    let ep_ts = now.strftime("%Y-%m-%d %H:%M:%S+00:00");
    let srv_ts = now.strftime("%Y-%m-%dT%H:%M:%S.000000Z");
    let note = |msg: &str| format!("{ep_ts} [Note] [Entrypoint]: {msg}\n");
    let mut out = String::new();
    out.push_str(&note(&format!(
        "Entrypoint script for MySQL Server {IMAGE_VERSION} started."
    )));
    out.push_str(&note("Switching to dedicated user 'mysql'"));
    out.push_str(&note(&format!(
        "Entrypoint script for MySQL Server {IMAGE_VERSION} started."
    )));
    let initialised = k.ctx.fs.exists(&format!("{DATADIR}/mysql"));
    let mut server_log = String::new();
    if !initialised {
        let env = p.env.clone();
        let get = |n: &str| {
            env_get(&env, n)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        // Only these three count, and only now, on an empty data directory: the image ignores
        // any other name (MYSQL_PASS) and, once initialised, the password in the environment.
        let root_password = if let Some(pw) = get("MYSQL_ROOT_PASSWORD") {
            pw
        } else if get("MYSQL_ALLOW_EMPTY_PASSWORD").is_some() {
            String::new()
        } else if get("MYSQL_RANDOM_ROOT_PASSWORD").is_some() {
            let seed = format!("{}{}", k.ctx.hostname, k.ctx.now_unix);
            hash(&seed).chars().take(32).collect()
        } else {
            k.out(p, &out);
            k.err(
                p,
                &format!("{ep_ts} [ERROR] [Entrypoint]: Database is uninitialized and password option is not specified\n\tYou need to specify one of the following as an environment variable:\n\t- MYSQL_ROOT_PASSWORD\n\t- MYSQL_ALLOW_EMPTY_PASSWORD\n\t- MYSQL_RANDOM_ROOT_PASSWORD\n"),
            );
            return 1;
        };
        out.push_str(&note("Initializing database files"));
        server_log.push_str(&format!("{srv_ts} 0 [System] [MY-013169] [Server] /usr/sbin/mysqld (mysqld {VERSION}) initializing of server in progress as process 80\n"));
        server_log.push_str(&format!("{srv_ts} 6 [Warning] [MY-010453] [Server] root@localhost is created with an empty password ! Please consider switching off the --initialize-insecure option.\n"));
        if let Err(e) = initialise(k.ctx.fs, &root_password, &env) {
            k.out(p, &out);
            k.err(
                p,
                &format!("{srv_ts} 0 [ERROR] [MY-010119] [Server] Aborting: {e}\n"),
            );
            return 1;
        }
        out.push_str(&note("Database files initialized"));
        out.push_str(&note("Starting temporary server"));
        out.push_str(&note("Temporary server started."));
        if get("MYSQL_RANDOM_ROOT_PASSWORD").is_some() && get("MYSQL_ROOT_PASSWORD").is_none() {
            out.push_str(&note(&format!("GENERATED ROOT PASSWORD: {root_password}")));
        }
        if let Some(db) = get("MYSQL_DATABASE") {
            out.push_str(&note(&format!("Creating database {db}")));
        }
        if let Some(user) = get("MYSQL_USER") {
            out.push_str(&note(&format!("Creating user {user}")));
            if let Some(db) = get("MYSQL_DATABASE") {
                out.push_str(&note(&format!("Giving user {user} access to schema {db}")));
            }
        }
        out.push_str(&note("Stopping temporary server"));
        out.push_str(&note("Temporary server stopped"));
        out.push('\n');
        out.push_str(&note("MySQL init process done. Ready for start up."));
        out.push('\n');
    }
    k.out(p, &out);
    // The server proper: this is where the memory goes, so `--memory 256m` kills it here.
    if !k.alloc(MYSQLD_MEMORY) {
        return 137;
    }
    let pid = k.pid();
    server_log.push_str(&format!("{srv_ts} 0 [System] [MY-010116] [Server] /usr/sbin/mysqld (mysqld {VERSION}) starting as process {pid}\n"));
    server_log.push_str(&format!(
        "{srv_ts} 1 [System] [MY-013576] [InnoDB] InnoDB initialization has started.\n"
    ));
    server_log.push_str(&format!(
        "{srv_ts} 1 [System] [MY-013577] [InnoDB] InnoDB initialization has ended.\n"
    ));
    server_log.push_str(&format!("{srv_ts} 0 [System] [MY-011323] [Server] X Plugin ready for connections. Bind-address: '::' port: 33060, socket: /var/run/mysqld/mysqlx.sock\n"));
    server_log.push_str(&format!("{srv_ts} 0 [System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections. Version: '{VERSION}'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL Community Server - GPL.\n"));
    k.err(p, &server_log);
    k.listen(3306, ServerKind::Mysql);
    k.run_forever();
    0
}

fn initialise(
    fs: &mut FsTree,
    root_password: &str,
    env: &[(String, String)],
) -> Result<(), String> {
    for dir in ["mysql", "performance_schema", "sys"] {
        fs.mkdir(&format!("{DATADIR}/{dir}"), true)
            .map_err(|e| e.to_string())?;
    }
    fs.write_file(
        &format!("{DATADIR}/ibdata1"),
        b"simulated InnoDB system tablespace\n",
        false,
    )
    .map_err(|e| e.to_string())?;
    fs.write_file(
        &format!("{DATADIR}/auto.cnf"),
        b"[auto]\nserver-uuid=00000000-0000-0000-0000-000000000001\n",
        false,
    )
    .map_err(|e| e.to_string())?;
    let mut acc = Accounts::default();
    acc.users.insert("root".into(), hash(root_password));
    let get = |n: &str| env_get(env, n).filter(|v| !v.is_empty());
    if let Some(db) = get("MYSQL_DATABASE") {
        if !db.contains('/') {
            fs.mkdir(&format!("{DATADIR}/{db}"), true)
                .map_err(|e| e.to_string())?;
        }
    }
    if let (Some(user), Some(pw)) = (get("MYSQL_USER"), get("MYSQL_PASSWORD")) {
        if user != "root" {
            acc.users.insert(user.to_string(), hash(pw));
            acc.grants.insert(
                user.to_string(),
                get("MYSQL_DATABASE")
                    .map(|d| vec![d.to_string()])
                    .unwrap_or_default(),
            );
        }
    }
    let data = serde_json::to_vec(&acc).map_err(|e| e.to_string())?;
    fs.write_file(ACCOUNTS, &data, false)
        .map_err(|e| e.to_string())
}

struct ClientArgs {
    user: String,
    password: Option<String>,
    host: Option<String>,
    port: u16,
    execute: Option<String>,
    database: Option<String>,
    headers: bool,
}

fn parse_client(args: &[String]) -> Result<ClientArgs, String> {
    let mut c = ClientArgs {
        user: "root".into(),
        password: None,
        host: None,
        port: 3306,
        execute: None,
        database: None,
        headers: true,
    };
    let mut i = 0;
    // Options that take a value: short form glued or separate, long form with '='.
    let value = |i: &mut usize, glued: &str| -> Result<String, String> {
        if !glued.is_empty() {
            return Ok(glued.to_string());
        }
        *i += 1;
        args.get(*i)
            .cloned()
            .ok_or_else(|| "mysql: option requires an argument".to_string())
    };
    while let Some(a) = args.get(i) {
        if let Some(long) = a.strip_prefix("--") {
            let (name, val) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            match name {
                "user" => c.user = val.unwrap_or_default(),
                "password" => c.password = Some(val.unwrap_or_default()),
                "host" => c.host = val,
                "port" => c.port = val.and_then(|v| v.parse().ok()).unwrap_or(3306),
                "execute" => c.execute = val,
                "database" => c.database = val,
                "skip-column-names" => c.headers = false,
                "batch" | "silent" | "raw" | "table" | "protocol" | "default-character-set" => {}
                other => return Err(format!("mysql: [ERROR] unknown option '--{other}'.")),
            }
        } else if let Some(short) = a.strip_prefix('-').filter(|s| !s.is_empty()) {
            let (flag, glued) = short.split_at(
                short
                    .char_indices()
                    .nth(1)
                    .map(|(i, _)| i)
                    .unwrap_or(short.len()),
            );
            match flag {
                "u" => c.user = value(&mut i, glued)?,
                "p" => c.password = Some(glued.to_string()),
                "h" => c.host = Some(value(&mut i, glued)?),
                "P" => c.port = value(&mut i, glued)?.parse().unwrap_or(3306),
                "e" => c.execute = Some(value(&mut i, glued)?),
                "D" => c.database = Some(value(&mut i, glued)?),
                "N" => c.headers = false,
                "B" | "s" | "r" | "t" | "v" => {}
                other => return Err(format!("mysql: [ERROR] unknown option '-{other}'.")),
            }
        } else if c.database.is_none() {
            c.database = Some(a.clone());
        }
        i += 1;
    }
    Ok(c)
}

pub fn client(k: &mut Kernel, p: &mut Proc) -> i32 {
    let args = p.args().to_vec();
    if args.iter().any(|a| a == "--version" || a == "-V") {
        k.out(
            p,
            &format!("mysql  Ver {VERSION} for Linux on x86_64 (MySQL Community Server - GPL)\n"),
        );
        return 0;
    }
    let c = match parse_client(&args) {
        Ok(c) => c,
        Err(e) => {
            k.err(p, &format!("{e}\n"));
            return 1;
        }
    };
    if c.password.as_deref().is_some_and(|pw| !pw.is_empty()) {
        k.err(
            p,
            "mysql: [Warning] Using a password on the command line interface can be insecure.\n",
        );
    }
    let script = match &c.execute {
        Some(e) => e.clone(),
        None => String::from_utf8_lossy(&p.stdin.take_all()).into_owned(),
    };
    let with_line = c.execute.is_some() || !script.is_empty();
    let host = c.host.clone().unwrap_or_else(|| "localhost".into());
    let client_host = if k.is_local_host(&host) {
        "localhost".to_string()
    } else {
        let me = k.ctx.hostname.to_string();
        net::address(k, &me)
    };
    let password = c.password.clone().unwrap_or_default();
    let user = c.user.clone();
    let database = c.database.clone();
    let headers = c.headers;
    let result = net::with_server(
        k,
        &host,
        c.port,
        |remote| -> Result<String, (String, String)> {
            if remote.kind != ServerKind::Mysql {
                return Err((String::new(), "ERROR 2013 (HY000): Lost connection to MySQL server at 'reading initial communication packet', system error: 0".into()));
            }
            authenticate(remote.fs, remote.env, &user, &password, &client_host)
                .map_err(|e| (String::new(), e))?;
            let mut session = Session {
                db: None,
                user: user.clone(),
            };
            if let Some(db) = &database {
                if !sql::database_exists(remote.fs, db) {
                    return Err((
                        String::new(),
                        format!("ERROR 1049 (42000): Unknown database '{db}'"),
                    ));
                }
                session.db = Some(db.clone());
            }
            let mut out = String::new();
            for stmt in sql::split_statements(&script) {
                match sql::execute(remote.fs, &mut session, &stmt) {
                    Ok(Some(rs)) => out.push_str(&sql::format_batch(&rs, headers)),
                    Ok(None) => {}
                    Err(e) => {
                        let at = if with_line { " at line 1" } else { "" };
                        return Err((
                            out,
                            format!("ERROR {} ({}){at}: {}", e.code, e.state, e.message),
                        ));
                    }
                }
            }
            Ok(out)
        },
    );
    match result {
        Ok(Ok(out)) => {
            k.out(p, &out);
            0
        }
        Ok(Err((partial, e))) => {
            k.out(p, &partial);
            k.err(p, &format!("{e}\n"));
            1
        }
        Err(NetError::Refused | NetError::Reset) if c.host.is_none() || host == "localhost" => {
            k.err(p, "ERROR 2002 (HY000): Can't connect to local MySQL server through socket '/var/run/mysqld/mysqld.sock' (2)\n");
            1
        }
        Err(NetError::Refused | NetError::Reset) => {
            k.err(
                p,
                &format!(
                    "ERROR 2003 (HY000): Can't connect to MySQL server on '{host}:{}' (111)\n",
                    c.port
                ),
            );
            1
        }
        Err(NetError::UnknownHost) => {
            k.err(
                p,
                &format!("ERROR 2005 (HY000): Unknown MySQL server host '{host}' (-2)\n"),
            );
            1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_args() {
        let a: Vec<String> = [
            "-uroot",
            "-psecret",
            "-h",
            "db",
            "-e",
            "SHOW DATABASES",
            "shop",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let c = parse_client(&a).unwrap();
        assert_eq!(c.user, "root");
        assert_eq!(c.password.as_deref(), Some("secret"));
        assert_eq!(c.host.as_deref(), Some("db"));
        assert_eq!(c.execute.as_deref(), Some("SHOW DATABASES"));
        assert_eq!(c.database.as_deref(), Some("shop"));
        assert!(parse_client(&["-e".to_string()]).is_err());
        assert!(parse_client(&["--bogus".to_string()]).is_err());
    }

    #[test]
    fn auth_uses_stored_accounts() {
        let mut fs = FsTree::new();
        initialise(&mut fs, "pw", &[("MYSQL_DATABASE".into(), "app".into())]).unwrap();
        assert!(authenticate(&fs, &[], "root", "pw", "localhost").is_ok());
        assert_eq!(
            authenticate(&fs, &[], "root", "bad", "localhost").unwrap_err(),
            "ERROR 1045 (28000): Access denied for user 'root'@'localhost' (using password: YES)"
        );
        assert!(sql::database_exists(&fs, "app"));
    }
}
