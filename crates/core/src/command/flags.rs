//! A getopt in the manner of the docker CLI (spf13/pflag): `--name x`, `--name=x`, `-e K=V`,
//! `-eK=V`, combined short flags `-dit`, repeated flags, `--` to end options, and for commands
//! like `run` and `exec` options stop at the first argument (the rest belongs to the program).

use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A switch: present or not (`--rm`; `--rm=false` turns it off).
    Bool,
    /// Takes a value; may be repeated (`-e A=1 -e B=2`).
    Value,
}

#[derive(Clone, Copy, Debug)]
pub struct FlagSpec {
    pub long: &'static str,
    pub short: Option<char>,
    pub kind: Kind,
    pub help: &'static str,
}

pub const fn switch(long: &'static str, short: Option<char>, help: &'static str) -> FlagSpec {
    FlagSpec {
        long,
        short,
        kind: Kind::Bool,
        help,
    }
}

pub const fn value(long: &'static str, short: Option<char>, help: &'static str) -> FlagSpec {
    FlagSpec {
        long,
        short,
        kind: Kind::Value,
        help,
    }
}

/// Flags as given, by their long name; values in the order they came.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Flags {
    values: BTreeMap<&'static str, Vec<String>>,
}

impl Flags {
    /// A switch was given and not turned off with `=false`.
    pub fn has(&self, long: &str) -> bool {
        self.values
            .get(long)
            .and_then(|v| v.last())
            .is_some_and(|v| v != "false")
    }

    /// The last value given for a flag.
    pub fn value(&self, long: &str) -> Option<&str> {
        self.values
            .get(long)
            .and_then(|v| v.last())
            .map(String::as_str)
    }

    /// Every value given for a repeatable flag.
    pub fn values(&self, long: &str) -> &[String] {
        self.values.get(long).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// Why a command line's flags are wrong, in pflag's words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FlagError {
    /// `flag` is pflag's wording after "unknown ": `flag: --nmae` or
    /// `shorthand flag: 'z' in -zq`.
    Unknown {
        flag: String,
        suggestion: Option<String>,
    },
    NeedsValue(String),
    BadBool(String, String),
}

impl std::fmt::Display for FlagError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FlagError::Unknown { flag, suggestion } => {
                write!(f, "unknown {flag}")?;
                if let Some(s) = suggestion {
                    write!(f, " (did you mean {s}?)")?;
                }
                Ok(())
            }
            FlagError::NeedsValue(flag) => write!(f, "flag needs an argument: {flag}"),
            FlagError::BadBool(flag, v) => write!(
                f,
                "invalid argument \"{v}\" for \"{flag}\" flag: strconv.ParseBool: parsing \"{v}\": invalid syntax"
            ),
        }
    }
}

/// Splits `args` into flags and positional arguments.
pub fn parse(
    specs: &[FlagSpec],
    args: &[String],
    stop_at_first_positional: bool,
) -> Result<(Flags, Vec<String>), FlagError> {
    let mut flags = Flags::default();
    let mut positionals = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        i += 1;
        if arg == "--" {
            positionals.extend(args[i..].iter().cloned());
            break;
        }
        if let Some(body) = arg.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            let spec = specs
                .iter()
                .find(|s| s.long == name)
                .ok_or_else(|| unknown(specs, name, format!("flag: --{name}")))?;
            let value = match (spec.kind, inline) {
                (Kind::Bool, Some(v)) => bool_value(&format!("--{name}"), &v)?,
                (Kind::Bool, None) => "true".to_string(),
                (Kind::Value, Some(v)) => v,
                (Kind::Value, None) => {
                    let v = args
                        .get(i)
                        .ok_or_else(|| FlagError::NeedsValue(format!("--{name}")))?;
                    i += 1;
                    v.clone()
                }
            };
            flags.values.entry(spec.long).or_default().push(value);
        } else if arg.len() > 1 && arg.starts_with('-') {
            let shorts: Vec<char> = arg[1..].chars().collect();
            let mut j = 0;
            while j < shorts.len() {
                let c = shorts[j];
                j += 1;
                let spec = specs.iter().find(|s| s.short == Some(c)).ok_or_else(|| {
                    unknown(
                        specs,
                        &c.to_string(),
                        format!("shorthand flag: '{c}' in {arg}"),
                    )
                })?;
                match spec.kind {
                    Kind::Bool => flags
                        .values
                        .entry(spec.long)
                        .or_default()
                        .push("true".into()),
                    Kind::Value => {
                        let rest: String = shorts[j..].iter().collect();
                        let value = if !rest.is_empty() {
                            rest.strip_prefix('=').unwrap_or(&rest).to_string()
                        } else {
                            let v = args
                                .get(i)
                                .ok_or_else(|| FlagError::NeedsValue(format!("'{c}' in -{c}")))?;
                            i += 1;
                            v.clone()
                        };
                        flags.values.entry(spec.long).or_default().push(value);
                        break;
                    }
                }
            }
        } else {
            positionals.push(arg.clone());
            if stop_at_first_positional {
                positionals.extend(args[i..].iter().cloned());
                break;
            }
        }
    }
    Ok((flags, positionals))
}

fn bool_value(flag: &str, v: &str) -> Result<String, FlagError> {
    match v {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Ok("true".into()),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Ok("false".into()),
        _ => Err(FlagError::BadBool(flag.to_string(), v.to_string())),
    }
}

fn unknown(specs: &[FlagSpec], name: &str, shown: String) -> FlagError {
    let suggestion = specs
        .iter()
        .map(|s| (strsim::damerau_levenshtein(name, s.long), s.long))
        .filter(|(d, long)| *d <= 2 && *d < long.len())
        .min()
        .map(|(_, long)| format!("--{long}"));
    FlagError::Unknown {
        flag: shown,
        suggestion,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: &[FlagSpec] = &[
        switch("detach", Some('d'), ""),
        switch("interactive", Some('i'), ""),
        switch("tty", Some('t'), ""),
        value("env", Some('e'), ""),
        value("name", None, ""),
    ];

    fn args(s: &[&str]) -> Vec<String> {
        s.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn parses_docker_spellings() {
        let (f, p) = parse(
            SPECS,
            &args(&[
                "-dit",
                "-eA=1",
                "-e",
                "B=2",
                "--name=web",
                "nginx",
                "-x",
                "--y",
            ]),
            true,
        )
        .unwrap();
        assert!(f.has("detach") && f.has("interactive") && f.has("tty"));
        assert_eq!(f.values("env"), ["A=1", "B=2"]);
        assert_eq!(f.value("name"), Some("web"));
        assert_eq!(p, ["nginx", "-x", "--y"], "options stop at the image");
    }

    #[test]
    fn unknown_flag_suggests_the_closest() {
        let err = parse(SPECS, &args(&["--nmae", "x"]), false).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown flag: --nmae (did you mean --name?)"
        );
        let err = parse(SPECS, &args(&["-z"]), false).unwrap_err();
        assert_eq!(err.to_string(), "unknown shorthand flag: 'z' in -z");
        let err = parse(SPECS, &args(&["-dz"]), false).unwrap_err();
        assert_eq!(err.to_string(), "unknown shorthand flag: 'z' in -dz");
    }

    #[test]
    fn missing_value_and_bool_values() {
        assert_eq!(
            parse(SPECS, &args(&["--name"]), false).unwrap_err(),
            FlagError::NeedsValue("--name".into())
        );
        let (f, _) = parse(SPECS, &args(&["--detach=false"]), false).unwrap();
        assert!(!f.has("detach"));
        assert!(parse(SPECS, &args(&["--detach=maybe"]), false).is_err());
    }
}
