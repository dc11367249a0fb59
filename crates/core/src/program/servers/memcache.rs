//! memcached's text protocol (`set`, `get`, `delete`, `stats`, ...), answering a client's
//! request over the simulated network. Items live in the server's filesystem, one file per
//! key under /run/memcached, so they last exactly as long as the container.

use crate::fs::{FsTree, Node};

const DIR: &str = "/run/memcached";

fn item_path(key: &str) -> String {
    let safe: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '%'
            }
        })
        .collect();
    format!("{DIR}/{safe}")
}

/// Answers every command in `request` (lines as a client such as `nc` sends them).
pub fn execute(fs: &mut FsTree, request: &str) -> String {
    let mut out = String::new();
    let mut lines = request.split('\n').map(|l| l.trim_end_matches('\r'));
    while let Some(line) = lines.next() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            [] => {}
            ["set" | "add" | "replace", key, flags, _exptime, bytes, rest @ ..] => {
                let data = lines.next().unwrap_or("");
                let noreply = rest.first() == Some(&"noreply");
                if bytes.parse::<usize>().ok() != Some(data.len()) {
                    out.push_str("CLIENT_ERROR bad data chunk\r\n");
                    continue;
                }
                let path = item_path(key);
                let exists = fs.exists(&path);
                let store = match words.first().copied().unwrap_or("") {
                    "add" => !exists,
                    "replace" => exists,
                    _ => true,
                };
                if store {
                    let _ = fs.mkdir(DIR, true);
                    fs.put(&path, Node::file(format!("{flags}\n{data}")));
                }
                if !noreply {
                    out.push_str(if store {
                        "STORED\r\n"
                    } else {
                        "NOT_STORED\r\n"
                    });
                }
            }
            ["get" | "gets", keys @ ..] => {
                for key in keys {
                    if let Ok(stored) = fs.read_file(&item_path(key)) {
                        let text = String::from_utf8_lossy(stored).into_owned();
                        let (flags, data) = text.split_once('\n').unwrap_or(("0", ""));
                        out.push_str(&format!("VALUE {key} {flags} {}\r\n{data}\r\n", data.len()));
                    }
                }
                out.push_str("END\r\n");
            }
            ["delete", key, ..] => {
                let path = item_path(key);
                if fs.exists(&path) {
                    let _ = fs.remove(&path, false);
                    out.push_str("DELETED\r\n");
                } else {
                    out.push_str("NOT_FOUND\r\n");
                }
            }
            ["stats", ..] => {
                let items = fs.list_dir(DIR).map(|e| e.len()).unwrap_or(0);
                let bytes: u64 = fs
                    .list_dir(DIR)
                    .map(|e| e.iter().map(|(_, n)| n.size()).sum())
                    .unwrap_or(0);
                out.push_str(&format!("STAT pid 1\r\nSTAT version 1.6.32\r\nSTAT pointer_size 64\r\nSTAT curr_connections 2\r\nSTAT curr_items {items}\r\nSTAT bytes {bytes}\r\nSTAT limit_maxbytes 67108864\r\nSTAT threads 4\r\nEND\r\n"));
            }
            ["version"] => out.push_str("VERSION 1.6.32\r\n"),
            ["flush_all", ..] => {
                fs.remove_subtree(DIR);
                out.push_str("OK\r\n");
            }
            ["quit"] => break,
            _ => out.push_str("ERROR\r\n"),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_get_delete_and_stats_as_memcached_answers() {
        let mut fs = FsTree::new();
        assert_eq!(
            execute(&mut fs, "set greeting 0 0 5\r\nhello\r\n"),
            "STORED\r\n"
        );
        assert_eq!(
            execute(&mut fs, "get greeting\r\n"),
            "VALUE greeting 0 5\r\nhello\r\nEND\r\n"
        );
        assert_eq!(
            execute(&mut fs, "add greeting 0 0 1\r\nx\r\n"),
            "NOT_STORED\r\n"
        );
        assert_eq!(
            execute(&mut fs, "set bad 0 0 9\r\nshort\r\n"),
            "CLIENT_ERROR bad data chunk\r\n"
        );
        assert!(execute(&mut fs, "stats\r\n").contains("STAT curr_items 1\r\n"));
        assert_eq!(
            execute(&mut fs, "delete greeting\r\nget greeting\r\n"),
            "DELETED\r\nEND\r\n"
        );
        assert_eq!(execute(&mut fs, "bogus\r\n"), "ERROR\r\n");
    }
}
