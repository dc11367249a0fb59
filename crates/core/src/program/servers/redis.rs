//! redis-server and redis-cli. The dataset lives in `/data/dump.rdb` (the official image's
//! working directory), rewritten after every change, so it survives in a volume exactly where
//! the real server keeps it. The file format is the simulator's own: a `REDIS0011` line and
//! the keys as sorted JSON.

use crate::fs::FsTree;
use crate::program::calendar::DateTime;
use crate::program::kernel::{Kernel, Proc};
use crate::program::{net, NetError, ServerKind};
use std::collections::BTreeMap;

pub const DATA_DIR: &str = "/data";
pub const DUMP: &str = "/data/dump.rdb";
const MAGIC: &str = "REDIS0011\n";
pub const VERSION: &str = "7.2.4";

/// A reply in RESP terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    Status(String),
    Error(String),
    Int(i64),
    Bulk(Option<String>),
    Array(Vec<Reply>),
}

pub fn load(fs: &FsTree) -> BTreeMap<String, String> {
    let Ok(data) = fs.read_file(DUMP) else {
        return BTreeMap::new();
    };
    let text = String::from_utf8_lossy(data);
    let body = text.strip_prefix(MAGIC).unwrap_or("");
    serde_json::from_str(body).unwrap_or_default()
}

fn store(fs: &mut FsTree, db: &BTreeMap<String, String>) -> Result<(), String> {
    let body = serde_json::to_string(db).map_err(|e| e.to_string())?;
    if !fs.exists(DATA_DIR) {
        fs.mkdir(DATA_DIR, true).map_err(|e| e.to_string())?;
    }
    fs.write_file(DUMP, format!("{MAGIC}{body}\n").as_bytes(), false)
        .map_err(|e| e.to_string())
}

fn wrong_args(cmd: &str) -> Reply {
    Reply::Error(format!(
        "ERR wrong number of arguments for '{}' command",
        cmd.to_lowercase()
    ))
}

fn not_int() -> Reply {
    Reply::Error("ERR value is not an integer or out of range".into())
}

/// Executes one command against the server's data.
pub fn execute(fs: &mut FsTree, args: &[String]) -> Reply {
    let Some(cmd) = args.first() else {
        return Reply::Error("ERR empty command".into());
    };
    let upper = cmd.to_uppercase();
    let a = args.get(1..).unwrap_or(&[]);
    let mut db = load(fs);
    let mut changed = false;
    let reply = match (upper.as_str(), a) {
        ("PING", []) => Reply::Status("PONG".into()),
        ("PING", [m]) => Reply::Bulk(Some(m.clone())),
        ("ECHO", [m]) => Reply::Bulk(Some(m.clone())),
        ("SET", [key, value, ..]) => {
            let opts: Vec<String> = a.get(2..).unwrap_or(&[]).iter().map(|o| o.to_uppercase()).collect();
            let exists = db.contains_key(key);
            if (opts.iter().any(|o| o == "NX") && exists) || (opts.iter().any(|o| o == "XX") && !exists) {
                Reply::Bulk(None)
            } else {
                db.insert(key.clone(), value.clone());
                changed = true;
                Reply::Status("OK".into())
            }
        }
        ("SETNX", [key, value]) => {
            if db.contains_key(key) {
                Reply::Int(0)
            } else {
                db.insert(key.clone(), value.clone());
                changed = true;
                Reply::Int(1)
            }
        }
        ("GET", [key]) => Reply::Bulk(db.get(key).cloned()),
        ("MGET", keys) if !keys.is_empty() => {
            Reply::Array(keys.iter().map(|k| Reply::Bulk(db.get(k).cloned())).collect())
        }
        ("MSET", kv) if !kv.is_empty() && kv.len() % 2 == 0 => {
            for pair in kv.chunks(2) {
                if let [k, v] = pair {
                    db.insert(k.clone(), v.clone());
                }
            }
            changed = true;
            Reply::Status("OK".into())
        }
        ("APPEND", [key, value]) => {
            let entry = db.entry(key.clone()).or_default();
            entry.push_str(value);
            let len = entry.len() as i64;
            changed = true;
            Reply::Int(len)
        }
        ("STRLEN", [key]) => Reply::Int(db.get(key).map(|v| v.len() as i64).unwrap_or(0)),
        ("DEL" | "UNLINK", keys) if !keys.is_empty() => {
            let n = keys.iter().filter(|k| db.remove(*k).is_some()).count() as i64;
            changed = n > 0;
            Reply::Int(n)
        }
        ("EXISTS", keys) if !keys.is_empty() => {
            Reply::Int(keys.iter().filter(|k| db.contains_key(*k)).count() as i64)
        }
        ("KEYS", [pattern]) => Reply::Array(
            db.keys()
                .filter(|k| crate::glob::fnmatch(pattern, k))
                .map(|k| Reply::Bulk(Some(k.clone())))
                .collect(),
        ),
        ("INCR" | "DECR" | "INCRBY" | "DECRBY", _) => {
            let (key, delta) = match (upper.as_str(), a) {
                ("INCR", [k]) => (k, Some(1i64)),
                ("DECR", [k]) => (k, Some(-1)),
                ("INCRBY", [k, d]) => (k, d.parse::<i64>().ok()),
                ("DECRBY", [k, d]) => (k, d.parse::<i64>().ok().and_then(|d| d.checked_neg())),
                _ => return wrong_args(cmd),
            };
            let Some(delta) = delta else { return not_int() };
            let current = match db.get(key) {
                None => Some(0),
                Some(v) => v.parse::<i64>().ok(),
            };
            match current.and_then(|c| c.checked_add(delta)) {
                Some(v) => {
                    db.insert(key.clone(), v.to_string());
                    changed = true;
                    Reply::Int(v)
                }
                None => not_int(),
            }
        }
        ("TYPE", [key]) => Reply::Status(if db.contains_key(key) { "string" } else { "none" }.into()),
        ("TTL" | "PTTL", [key]) => Reply::Int(if db.contains_key(key) { -1 } else { -2 }),
        ("EXPIRE" | "PERSIST", [key, ..]) => Reply::Int(i64::from(db.contains_key(key))),
        ("DBSIZE", []) => Reply::Int(db.len() as i64),
        ("FLUSHALL" | "FLUSHDB", _) => {
            db.clear();
            changed = true;
            Reply::Status("OK".into())
        }
        ("SAVE", []) => {
            changed = true;
            Reply::Status("OK".into())
        }
        ("BGSAVE", _) => {
            changed = true;
            Reply::Status("Background saving started".into())
        }
        ("SELECT", [n]) if n == "0" => Reply::Status("OK".into()),
        ("SELECT", [_]) => Reply::Error("ERR DB index is out of range".into()),
        ("CONFIG", [sub, name]) if sub.eq_ignore_ascii_case("GET") && name == "dir" => Reply::Array(vec![
            Reply::Bulk(Some("dir".into())),
            Reply::Bulk(Some(DATA_DIR.into())),
        ]),
        ("INFO", _) => Reply::Bulk(Some(format!(
            "# Server\r\nredis_version:{VERSION}\r\nredis_mode:standalone\r\ntcp_port:6379\r\n\r\n# Keyspace\r\n{}",
            if db.is_empty() { String::new() } else { format!("db0:keys={},expires=0,avg_ttl=0\r\n", db.len()) }
        ))),
        (
            "PING" | "ECHO" | "SET" | "SETNX" | "GET" | "MGET" | "MSET" | "APPEND" | "STRLEN" | "DEL"
            | "UNLINK" | "EXISTS" | "KEYS" | "TYPE" | "TTL" | "PTTL" | "EXPIRE" | "PERSIST" | "DBSIZE"
            | "SAVE" | "SELECT" | "CONFIG",
            _,
        ) => wrong_args(cmd),
        _ => {
            let rest: Vec<String> = a.iter().map(|x| format!("'{x}' ")).collect();
            Reply::Error(format!(
                "ERR unknown command '{cmd}', with args beginning with: {}",
                rest.concat()
            ))
        }
    };
    if changed {
        if let Err(e) = store(fs, &db) {
            return Reply::Error(format!("MISCONF Errors writing the RDB: {e}"));
        }
    }
    reply
}

/// redis-cli's output for a reply when standard output is not a terminal.
pub fn format_raw(reply: &Reply) -> String {
    match reply {
        Reply::Status(s) => s.clone(),
        Reply::Error(e) => format!("{e}\n"),
        Reply::Int(n) => n.to_string(),
        Reply::Bulk(Some(s)) => s.clone(),
        Reply::Bulk(None) => String::new(),
        Reply::Array(items) => items.iter().map(format_raw).collect::<Vec<_>>().join("\n"),
    }
}

pub fn server(k: &mut Kernel, p: &mut Proc) -> i32 {
    let args = p.args().to_vec();
    if args.iter().any(|a| a == "-v" || a == "--version") {
        k.out(
            p,
            &format!(
                "Redis server v={VERSION} sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=sim\n"
            ),
        );
        return 0;
    }
    let mut port: u16 = 6379;
    let mut i = 0;
    while let Some(a) = args.get(i) {
        if a == "--port" {
            match args.get(i + 1).and_then(|v| v.parse().ok()) {
                Some(v) => port = v,
                None => {
                    k.err(p, "\n*** FATAL CONFIG FILE ERROR (Redis 7.2.4) ***\nReading the configuration file, at line 2\n>>> 'port'\nInvalid port\n");
                    return 1;
                }
            }
            i += 1;
        }
        i += 1;
    }
    let pid = k.pid();
    let now = DateTime::from_unix(k.ctx.now_unix);
    let ts = format!(
        "{} {}.000",
        now.strftime("%d %b %Y"),
        now.strftime("%H:%M:%S")
    );
    let existing = k.ctx.fs.exists(DUMP);
    let keys = load(k.ctx.fs).len();
    let mut log = String::new();
    let c = |log: &mut String, role: char, level: char, msg: &str| {
        log.push_str(&format!("{pid}:{role} {ts} {level} {msg}\n"));
    };
    c(&mut log, 'C', '#', "WARNING Memory overcommit must be enabled! Without it, a background save or replication may fail under low memory condition. Being disabled, it can also cause failures without low memory condition, see https://github.com/jemalloc/jemalloc/issues/1328. To fix this issue add 'vm.overcommit_memory = 1' to /etc/sysctl.conf and then reboot or run the command 'sysctl vm.overcommit_memory=1' for this to take effect.");
    c(
        &mut log,
        'C',
        '*',
        "oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo",
    );
    c(&mut log, 'C', '*', &format!("Redis version={VERSION}, bits=64, commit=00000000, modified=0, pid={pid}, just started"));
    if args.is_empty() {
        c(&mut log, 'C', '#', "Warning: no config file specified, using the default config. In order to specify a config file use redis-server /path/to/redis.conf");
    } else {
        c(&mut log, 'C', '*', "Configuration loaded");
    }
    c(&mut log, 'M', '*', "monotonic clock: POSIX clock_gettime");
    c(
        &mut log,
        'M',
        '*',
        &format!("Running mode=standalone, port={port}."),
    );
    c(&mut log, 'M', '*', "Server initialized");
    if existing {
        c(
            &mut log,
            'M',
            '*',
            &format!("Loading RDB produced by version {VERSION}"),
        );
        c(&mut log, 'M', '*', "RDB age 0 seconds");
        c(&mut log, 'M', '*', "RDB memory usage when created 0.83 Mb");
        c(
            &mut log,
            'M',
            '*',
            &format!("Done loading RDB, keys loaded: {keys}, keys expired: 0."),
        );
        c(&mut log, 'M', '*', "DB loaded from disk: 0.000 seconds");
    }
    c(&mut log, 'M', '*', "Ready to accept connections tcp");
    k.out(p, &log);
    k.listen(port, ServerKind::Redis);
    k.run_forever();
    0
}

pub fn cli(k: &mut Kernel, p: &mut Proc) -> i32 {
    let args = p.args().to_vec();
    let mut host = "127.0.0.1".to_string();
    let mut port: u16 = 6379;
    let mut i = 0;
    let mut command: Vec<String> = Vec::new();
    while let Some(a) = args.get(i) {
        match a.as_str() {
            "-h" => {
                host = args.get(i + 1).cloned().unwrap_or_default();
                i += 2;
            }
            "-p" => {
                match args.get(i + 1).and_then(|v| v.parse().ok()) {
                    Some(v) => port = v,
                    None => {
                        k.err(p, "Invalid server port.\n");
                        return 1;
                    }
                }
                i += 2;
            }
            "-n" | "-a" | "--user" | "--pass" => i += 2,
            "--raw" | "--no-raw" | "--no-auth-warning" => i += 1,
            "-v" | "--version" => {
                k.out(p, &format!("redis-cli {VERSION}\n"));
                return 0;
            }
            _ => {
                command = args.get(i..).unwrap_or(&[]).to_vec();
                break;
            }
        }
    }
    // Without a command, redis-cli reads commands from a non-terminal standard input.
    let commands: Vec<Vec<String>> = if command.is_empty() {
        let input = String::from_utf8_lossy(&p.stdin.take_all()).into_owned();
        input
            .lines()
            .filter_map(shlex::split)
            .filter(|c| !c.is_empty())
            .collect()
    } else {
        vec![command]
    };
    let mut out = String::new();
    let mut status = 0;
    let result = net::with_server(k, &host, port, |remote| {
        let mut replies = Vec::new();
        for c in &commands {
            let reply = match remote.kind {
                ServerKind::Redis => execute(remote.fs, c),
                _ => Reply::Error("ERR Protocol error".into()),
            };
            replies.push(reply);
        }
        replies
    });
    match result {
        Ok(replies) => {
            for r in replies {
                if matches!(r, Reply::Error(_)) {
                    status = 1;
                }
                out.push_str(&format_raw(&r));
                out.push('\n');
            }
            k.out(p, &out);
            status
        }
        Err(NetError::Refused | NetError::Reset) => {
            k.err(
                p,
                &format!("Could not connect to Redis at {host}:{port}: Connection refused\n"),
            );
            1
        }
        Err(NetError::UnknownHost) => {
            k.err(
                p,
                &format!(
                    "Could not connect to Redis at {host}:{port}: Name or service not known\n"
                ),
            );
            1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(fs: &mut FsTree, cmd: &str) -> Reply {
        let args: Vec<String> = cmd.split(' ').map(str::to_string).collect();
        execute(fs, &args)
    }

    #[test]
    fn commands_persist_in_dump() {
        let mut fs = FsTree::new();
        assert_eq!(run(&mut fs, "PING"), Reply::Status("PONG".into()));
        assert_eq!(run(&mut fs, "SET a 1"), Reply::Status("OK".into()));
        assert_eq!(run(&mut fs, "INCR a"), Reply::Int(2));
        assert_eq!(run(&mut fs, "GET a"), Reply::Bulk(Some("2".into())));
        assert_eq!(run(&mut fs, "GET b"), Reply::Bulk(None));
        assert!(fs.read_file(DUMP).unwrap().starts_with(b"REDIS0011"));
        assert_eq!(run(&mut fs, "DBSIZE"), Reply::Int(1));
        assert_eq!(format_raw(&run(&mut fs, "KEYS *")), "a");
        assert_eq!(run(&mut fs, "DEL a b"), Reply::Int(1));
        run(&mut fs, "SET s x");
        assert_eq!(run(&mut fs, "INCR s"), not_int());
        assert!(matches!(run(&mut fs, "GET"), Reply::Error(e) if e.contains("wrong number")));
        assert!(
            matches!(run(&mut fs, "NOPE x"), Reply::Error(e) if e.starts_with("ERR unknown command 'NOPE'"))
        );
        assert_eq!(run(&mut fs, "FLUSHALL"), Reply::Status("OK".into()));
        assert_eq!(run(&mut fs, "DBSIZE"), Reply::Int(0));
    }
}
