//! Words of one instruction: the command word, `--flags`, quoted words, JSON arrays and
//! key=value pairs (BuildKit `splitCommand`, `extractBuilderFlags` and the line parsers).

use std::collections::BTreeMap;

use super::lines::is_token_space;
use super::parse::{bad, Problem};
use super::*;

/// Splits `CMD [--flags] rest` into the word, the `--flags` and the trimmed rest.
pub(super) fn split_command(line: &str) -> (String, Vec<String>, String) {
    let trimmed = line.trim();
    match trimmed.find(is_token_space) {
        Some(at) => {
            let (cmd, rest) = trimmed.split_at(at);
            let (rest, flags) = extract_builder_flags(rest.trim_start_matches(is_token_space));
            (cmd.to_string(), flags, rest.trim().to_string())
        }
        None => (trimmed.to_string(), Vec::new(), String::new()),
    }
}

/// BuildKit's `extractBuilderFlags`: leading words that start with `--` are flags (quotes and `\`
/// processed inside them); a bare `--` ends them. Returns the rest of the line and the flags.
pub(super) fn extract_builder_flags(line: &str) -> (String, Vec<String>) {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let chars: Vec<char> = line.chars().collect();
    let rest_from = |pos: usize| {
        chars
            .get(pos..)
            .unwrap_or_default()
            .iter()
            .collect::<String>()
    };
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    let mut word = String::new();
    let mut quote = '\0';
    let mut blank_ok = false;
    let mut pos = 0;
    loop {
        let ch = chars.get(pos).copied();
        if phase == Phase::Spaces {
            match ch {
                None => break,
                Some(c) if c.is_whitespace() => {
                    pos += 1;
                    continue;
                }
                Some(c) => {
                    if c != '-' || chars.get(pos + 1) != Some(&'-') {
                        return (rest_from(pos), words);
                    }
                    phase = Phase::Word;
                }
            }
        }
        let Some(mut c) = ch else {
            if word != "--" && (blank_ok || !word.is_empty()) {
                words.push(word);
            }
            break;
        };
        if phase == Phase::Word {
            if c.is_whitespace() {
                phase = Phase::Spaces;
                if word == "--" {
                    return (rest_from(pos), words);
                }
                if blank_ok || !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                word.clear();
                blank_ok = false;
                pos += 1;
                continue;
            }
            if c == '\'' || c == '"' {
                quote = c;
                blank_ok = true;
                phase = Phase::Quote;
                pos += 1;
                continue;
            }
            if c == '\\' {
                match chars.get(pos + 1) {
                    None => {
                        pos += 1;
                        continue;
                    }
                    Some(&next) => {
                        pos += 1;
                        c = next;
                    }
                }
            }
            word.push(c);
            pos += 1;
            continue;
        }
        // Phase::Quote
        if c == quote {
            phase = Phase::Word;
            pos += 1;
            continue;
        }
        if c == '\\' {
            match chars.get(pos + 1) {
                None => {
                    phase = Phase::Word;
                    pos += 1;
                    continue;
                }
                Some(&next) => {
                    pos += 1;
                    c = next;
                }
            }
        }
        word.push(c);
        pos += 1;
    }
    (String::new(), words)
}

/// BuildKit's `parseWords`: splits on whitespace, keeping quotes and escapes in the words.
pub(super) fn parse_words(rest: &str, escape: char) -> Vec<String> {
    #[derive(PartialEq)]
    enum Phase {
        Spaces,
        Word,
        Quote,
    }
    let chars: Vec<char> = rest.chars().collect();
    let mut words = Vec::new();
    let mut phase = Phase::Spaces;
    let mut word = String::new();
    let mut quote = '\0';
    let mut blank_ok = false;
    let mut pos = 0;
    loop {
        let ch = chars.get(pos).copied();
        if phase == Phase::Spaces {
            match ch {
                None => break,
                Some(c) if c.is_whitespace() => {
                    pos += 1;
                    continue;
                }
                Some(_) => phase = Phase::Word,
            }
        }
        let Some(mut c) = ch else {
            if blank_ok || !word.is_empty() {
                words.push(word);
            }
            break;
        };
        if phase == Phase::Word {
            if c.is_whitespace() {
                phase = Phase::Spaces;
                if blank_ok || !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                blank_ok = false;
                pos += 1;
                continue;
            }
            if c == '\'' || c == '"' {
                quote = c;
                blank_ok = true;
                phase = Phase::Quote;
            }
            if c == escape {
                match chars.get(pos + 1) {
                    None => {
                        pos += 1;
                        continue;
                    }
                    Some(&next) => {
                        word.push(c);
                        pos += 1;
                        c = next;
                    }
                }
            }
            word.push(c);
            pos += 1;
            continue;
        }
        // Phase::Quote
        if c == quote {
            phase = Phase::Word;
        }
        if c == escape && quote != '\'' {
            match chars.get(pos + 1) {
                None => {
                    phase = Phase::Word;
                    pos += 1;
                    continue;
                }
                Some(&next) => {
                    word.push(c);
                    pos += 1;
                    c = next;
                }
            }
        }
        word.push(c);
        pos += 1;
    }
    words
}

/// `reWhitespace.Split`: FROM, EXPOSE, and the non-JSON COPY/ADD/VOLUME.
pub(super) fn split_whitespace_delimited(rest: &str) -> Vec<String> {
    rest.split(is_token_space)
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

pub(super) enum Json {
    Array(Vec<String>),
    NotJson,
}

pub(super) const NOT_STRING_ARRAY: &str =
    "when using JSON array syntax, arrays must be comprised of strings only";

/// BuildKit's `parseJSON`: a JSON array of strings, or not JSON at all (then the shell form).
pub(super) fn parse_json(rest: &str) -> Result<Json, Problem> {
    let rest = rest.trim_start();
    if !rest.starts_with('[') {
        return Ok(Json::NotJson);
    }
    let Ok(values) = serde_json::from_str::<Vec<serde_json::Value>>(rest) else {
        return Ok(Json::NotJson);
    };
    values
        .into_iter()
        .map(|v| match v {
            serde_json::Value::String(s) => Ok(s),
            _ => Err(bad(NOT_STRING_ARRAY)),
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Json::Array)
}

/// RUN/CMD/ENTRYPOINT/SHELL: exec form if valid JSON, otherwise the raw text as shell form.
pub(super) fn maybe_json(rest: &str) -> Result<ShellOrExec, Problem> {
    if rest.is_empty() {
        return Ok(ShellOrExec::Shell(String::new()));
    }
    Ok(match parse_json(rest)? {
        Json::Array(words) => ShellOrExec::Exec(words),
        Json::NotJson => ShellOrExec::Shell(rest.to_string()),
    })
}

/// COPY/ADD/VOLUME: a JSON array, or words split on blanks. Also says whether it was JSON.
pub(super) fn maybe_json_to_list(rest: &str) -> Result<(Vec<String>, bool), Problem> {
    Ok(match parse_json(rest)? {
        Json::Array(words) => (words, true),
        Json::NotJson => (split_whitespace_delimited(rest), false),
    })
}

/// ENV and LABEL (`parseNameVal` + `parseKvps`).
pub(super) fn parse_name_values(
    rest: &str,
    what: &str,
    escape: char,
) -> Result<Vec<(String, String)>, Problem> {
    let words = parse_words(rest, escape);
    let Some(first) = words.first() else {
        return Ok(Vec::new());
    };
    if !first.contains('=') {
        // Legacy `ENV KEY rest of the line`.
        let mut parts = rest.splitn(2, is_token_space);
        let key = parts.next().unwrap_or_default();
        let value = parts.next().map(|v| v.trim_start_matches(is_token_space));
        let Some(value) = value else {
            return Err(bad(format!("{what} must have two arguments")));
        };
        return Ok(vec![(key.to_string(), value.to_string())]);
    }
    words
        .iter()
        .map(|word| match word.split_once('=') {
            Some((k, v)) => Ok((k.to_string(), v.to_string())),
            None => Err(bad(format!(
                "Syntax error - can't find = in {word:?}. Must be of the form: name=value"
            ))),
        })
        .collect()
}

pub(super) fn check_key_values(pairs: &[(String, String)], what: &str) -> Result<(), Problem> {
    if pairs.is_empty() {
        return Err(bad(format!("{what} requires at least one argument")));
    }
    if pairs.iter().any(|(k, _)| k.is_empty()) {
        return Err(bad(format!("{what} names can not be blank")));
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq)]
pub(super) enum FlagKind {
    Bool,
    Str,
    Strs,
}

pub(super) const FROM_FLAGS: &[(&str, FlagKind)] = &[("platform", FlagKind::Str)];
pub(super) const COPY_FLAGS: &[(&str, FlagKind)] = &[
    ("chown", FlagKind::Str),
    ("from", FlagKind::Str),
    ("chmod", FlagKind::Str),
    ("link", FlagKind::Bool),
    ("parents", FlagKind::Bool),
    ("exclude", FlagKind::Strs),
];
pub(super) const ADD_FLAGS: &[(&str, FlagKind)] = &[
    ("chown", FlagKind::Str),
    ("chmod", FlagKind::Str),
    ("link", FlagKind::Bool),
    ("keep-git-dir", FlagKind::Bool),
    ("checksum", FlagKind::Str),
    ("unpack", FlagKind::Bool),
    ("exclude", FlagKind::Strs),
];
pub(super) const RUN_FLAGS: &[(&str, FlagKind)] = &[
    ("mount", FlagKind::Strs),
    ("network", FlagKind::Str),
    ("security", FlagKind::Str),
];
pub(super) const HEALTHCHECK_FLAGS: &[(&str, FlagKind)] = &[
    ("interval", FlagKind::Str),
    ("timeout", FlagKind::Str),
    ("start-period", FlagKind::Str),
    ("start-interval", FlagKind::Str),
    ("retries", FlagKind::Str),
];

/// BuildKit's `BFlags.Parse`: `--name=value` only, known names only, each at most once.
/// Returns the string values by name (booleans as "true"/"false").
pub(super) fn parse_flags(
    flags: &[String],
    allowed: &[(&str, FlagKind)],
) -> Result<BTreeMap<String, Vec<String>>, Problem> {
    let mut used: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for flag in flags {
        if flag == "--" {
            break;
        }
        let Some(body) = flag.strip_prefix("--") else {
            return Err(bad(format!("arg should start with -- : {flag}")));
        };
        let (name, value) = match body.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (body, None),
        };
        let shown = format!("--{name}");
        let Some(&(_, kind)) = allowed.iter().find(|(n, _)| *n == name) else {
            let names: Vec<&str> = allowed.iter().map(|(n, _)| *n).collect();
            let hint = suggest(name, &names, true)
                .map(|s| format!(" (did you mean {s}?)"))
                .unwrap_or_default();
            return Err(bad(format!("unknown flag: {shown}{hint}")));
        };
        if used.contains_key(name) && kind != FlagKind::Strs {
            return Err(bad(format!("duplicate flag specified: {shown}")));
        }
        let value = match (kind, value) {
            (FlagKind::Bool, Some("")) => {
                return Err(bad(format!("missing a value on flag: {shown}")));
            }
            (FlagKind::Bool, None) => "true".to_string(),
            (FlagKind::Bool, Some(v)) => match v.to_lowercase().as_str() {
                "true" => "true".to_string(),
                "false" => "false".to_string(),
                _ => {
                    return Err(bad(format!(
                        "expecting boolean value for flag {shown}, not: {v}"
                    )))
                }
            },
            (_, None) => return Err(bad(format!("missing a value on flag: {shown}"))),
            (_, Some(v)) => v.to_string(),
        };
        used.entry(name.to_string()).or_default().push(value);
    }
    Ok(used)
}

/// The last value of a string flag; BuildKit treats an empty value as unset.
pub(super) fn flag_value(flags: &BTreeMap<String, Vec<String>>, name: &str) -> Option<String> {
    flags
        .get(name)
        .and_then(|v| v.last())
        .filter(|v| !v.is_empty())
        .cloned()
}

/// BuildKit's `suggest.WrapError`: the closest option within edit distance 2.
pub(super) fn suggest(value: &str, options: &[&str], case_sensitive: bool) -> Option<String> {
    let fold = |s: &str| {
        if case_sensitive {
            s.to_string()
        } else {
            s.to_lowercase()
        }
    };
    let value_folded = fold(value);
    let mut best = None;
    let mut min_distance = 3;
    for option in options {
        let option = fold(option);
        if option == value_folded {
            return None;
        }
        let distance = strsim::levenshtein(&value_folded, &option);
        if distance < min_distance {
            min_distance = distance;
            best = Some(if case_sensitive {
                option
            } else {
                match_case(&option, value)
            });
        }
    }
    best
}

pub(super) fn match_case(option: &str, original: &str) -> String {
    if original == original.to_lowercase() {
        option.to_lowercase()
    } else if original == original.to_uppercase() {
        option.to_uppercase()
    } else {
        option.to_string()
    }
}
