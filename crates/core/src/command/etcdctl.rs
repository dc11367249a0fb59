//! `etcdctl get|watch` lines, parsed with etcdctl's flags and refused in its words.

use super::ParseError;

/// The subcommands this etcdctl has.
pub const SUBCOMMANDS: &[&str] = &["get", "watch", "help"];

/// The flags it knows (Tab completion offers them).
pub const FLAGS: &[&str] = &[
    "--prefix",
    "--keys-only",
    "--print-value-only",
    "--rev",
    "--for",
];

/// How long `etcdctl watch` follows changes unless `--for` says otherwise.
pub const WATCH_MS: u64 = 30_000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EtcdctlCommand {
    Help,
    Get {
        key: String,
        prefix: bool,
        keys_only: bool,
        values_only: bool,
    },
    /// Prints the changes of the next `ms` logical milliseconds (and those since `rev`).
    Watch {
        key: String,
        prefix: bool,
        rev: Option<u64>,
        ms: u64,
    },
}

pub const HELP: &str = "NAME:\n\tetcdctl - A simple command line client for etcd3 (the simulator's key-value store).\n\nUSAGE:\n\tetcdctl get KEY [--prefix] [--keys-only] [--print-value-only]\n\tetcdctl watch KEY [--prefix] [--rev N] [--for 30s]\n\nThe cluster keeps its state under Kubernetes' keys: /registry/pods/NS/NAME,\n/registry/services/specs/NS/NAME, /registry/services/endpoints/NS/NAME,\n/registry/minions/NAME, /registry/deployments/NS/NAME, /registry/replicasets/NS/NAME.\nValues are shown as JSON here; a real cluster stores them as protobuf.\n\nCOMMANDS:\n\tget\tGets the key or a range of keys (a missing key prints nothing)\n\twatch\tPrints PUT/DELETE, key and value of each change during the next logical\n\t\tseconds (--for, default 30s; a real watch runs until interrupted),\n\t\tstarting from revision --rev when given\n";

fn err(message: impl Into<String>, code: i32) -> ParseError {
    ParseError::new(message.into(), code)
}

pub fn parse(words: &[String]) -> Result<EtcdctlCommand, ParseError> {
    let Some((sub, rest)) = words.split_first() else {
        return Ok(EtcdctlCommand::Help);
    };
    match sub.as_str() {
        "help" | "--help" | "-h" => return Ok(EtcdctlCommand::Help),
        "get" | "watch" => {}
        other if other.starts_with('-') => {
            return Err(err(format!("Error: unknown flag: {other}"), 1))
        }
        other => {
            return Err(err(
                format!("Error: unknown command \"{other}\" for \"etcdctl\"\nRun 'etcdctl --help' for usage."),
                1,
            ))
        }
    }
    let (mut prefix, mut keys_only, mut values_only) = (false, false, false);
    let (mut rev, mut ms) = (None, WATCH_MS);
    let mut keys = Vec::new();
    let mut i = 0;
    while i < rest.len() {
        let w = &rest[i];
        i += 1;
        let (name, inline) = match w.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (w.as_str(), None),
        };
        let value = |i: &mut usize| -> Result<String, ParseError> {
            if let Some(v) = inline.clone() {
                return Ok(v);
            }
            let v = rest
                .get(*i)
                .cloned()
                .ok_or_else(|| err(format!("Error: flag needs an argument: {name}"), 1))?;
            *i += 1;
            Ok(v)
        };
        match name {
            "--prefix" => prefix = true,
            "--keys-only" if sub == "get" => keys_only = true,
            "--print-value-only" if sub == "get" => values_only = true,
            "--rev" if sub == "watch" => {
                let v = value(&mut i)?;
                rev = Some(v.parse().map_err(|_| {
                    err(format!("Error: invalid argument \"{v}\" for \"--rev\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax"), 1)
                })?);
            }
            "--for" if sub == "watch" => {
                let v = value(&mut i)?;
                ms = super::parse_duration_ms(&v)
                    .filter(|&m| m <= 3_600_000)
                    .ok_or_else(|| err(format!("Error: invalid argument \"{v}\" for \"--for\" flag: a duration up to 1h, such as 30s"), 1))?;
            }
            flag if flag.starts_with("--") => {
                return Err(err(format!("Error: unknown flag: {flag}"), 1))
            }
            flag if flag.starts_with('-') && flag.len() > 1 => {
                let c = flag.chars().nth(1).unwrap_or('-');
                return Err(err(
                    format!("Error: unknown shorthand flag: '{c}' in {flag}"),
                    1,
                ));
            }
            _ => keys.push(w.clone()),
        }
    }
    let [key] = keys.as_slice() else {
        return Err(err(
            if sub == "get" {
                "Error: get command needs one argument as key and an optional argument as range_end"
            } else {
                "Error: bad number of arguments"
            },
            1,
        ));
    };
    let key = key.clone();
    Ok(if sub == "get" {
        EtcdctlCommand::Get {
            key,
            prefix,
            keys_only,
            values_only,
        }
    } else {
        EtcdctlCommand::Watch {
            key,
            prefix,
            rev,
            ms,
        }
    })
}
