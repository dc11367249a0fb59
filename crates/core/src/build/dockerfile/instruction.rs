//! One logical line to one typed instruction (BuildKit's line parsers + `instructions.Parse*`).

use super::heredoc::{chomp, heredoc_word, run_script, Heredoc};
use super::lines::is_token_space;
use super::parse::{bad, Problem, INSTRUCTION_NAMES};
use super::words::*;
use super::*;

pub(super) enum Parsed {
    From {
        base: String,
        name: Option<String>,
        platform: Option<String>,
    },
    Instruction {
        value: Instruction,
        /// What BuildKit adds to the step's name: a heredoc RUN's summary, `(apk add...)`.
        note: Option<String>,
    },
}

/// COPY/ADD sources that are heredoc words become inline files; the rest stay paths.
fn split_inline(
    what: &str,
    args: Vec<String>,
    dest: &str,
    heredocs: &[Heredoc],
) -> Result<(Vec<String>, Vec<InlineFile>), Problem> {
    if heredoc_word(dest).is_some() {
        return Err(bad(format!(
            "{what} cannot accept a heredoc as a destination"
        )));
    }
    let mut paths = Vec::new();
    let mut inline = Vec::new();
    for arg in args {
        let Some(word) = heredoc_word(&arg) else {
            paths.push(arg);
            continue;
        };
        let content = heredocs
            .iter()
            .find(|doc| doc.name == word.name)
            .map(|doc| doc.content.clone())
            .unwrap_or_default();
        inline.push(InlineFile {
            content: if word.chomp { chomp(&content) } else { content },
            name: word.name,
            expand: word.expand,
        });
    }
    Ok((paths, inline))
}

/// BuildKit's `parseOnBuild`: the trigger must be an instruction a later build can run, and
/// is kept as text (heredoc bodies appended) for the image config.
fn onbuild(line: &str, rest: &str, heredocs: &[Heredoc]) -> Result<Instruction, Problem> {
    let Some(trigger) = rest.split_whitespace().next() else {
        return Err(bad("ONBUILD requires at least one argument"));
    };
    let trigger = trigger.to_uppercase();
    match trigger.as_str() {
        "ONBUILD" => return Err(bad("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed")),
        "MAINTAINER" | "FROM" => {
            return Err(bad(format!(
                "{trigger} isn't allowed as an ONBUILD trigger"
            )))
        }
        _ => {}
    }
    // `(?i)^\s*ONBUILD\s*` removed from the line as written.
    let trimmed = line.trim_start();
    let mut expression = trimmed
        .get("ONBUILD".len()..)
        .unwrap_or_default()
        .trim_start()
        .to_string();
    for doc in heredocs {
        expression.push('\n');
        expression.push_str(&doc.content);
        expression.push_str(&doc.name);
    }
    Ok(Instruction::Onbuild(expression))
}

pub(super) fn exactly_one(rest: &str, what: &str) -> Result<String, Problem> {
    if rest.is_empty() {
        return Err(bad(format!("{what} requires exactly one argument")));
    }
    Ok(rest.to_string())
}

/// A valid stage name: `^[a-z][a-z0-9-_.]*$` (after lower-casing).
pub(super) fn is_valid_stage_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_.".contains(c))
}

pub(super) fn parse_line(
    line: &str,
    escape: char,
    heredocs: &[Heredoc],
) -> Result<Parsed, Problem> {
    let (word, flags, rest) = split_command(line);
    let mut note = None;
    let instruction = match word.to_lowercase().as_str() {
        "from" => {
            let args = split_whitespace_delimited(&rest);
            let name = match args.as_slice() {
                [_] => None,
                [_, as_word, name] if as_word.eq_ignore_ascii_case("as") => {
                    let lower = name.to_lowercase();
                    if !is_valid_stage_name(&lower) {
                        return Err(bad(format!(
                            "invalid name for build stage: {name:?}, name can't start with a \
                             number or contain symbols"
                        )));
                    }
                    Some(lower)
                }
                _ => return Err(bad("FROM requires either one or three arguments")),
            };
            let flags = parse_flags(&flags, FROM_FLAGS)?;
            let base = args.into_iter().next().unwrap_or_default();
            return Ok(Parsed::From {
                base,
                name,
                platform: flag_value(&flags, "platform"),
            });
        }
        "run" => {
            let mut form = maybe_json(&rest)?;
            parse_flags(&flags, RUN_FLAGS)?;
            if let (ShellOrExec::Shell(command), false) = (&form, heredocs.is_empty()) {
                let (script, summary) = run_script(command, heredocs);
                form = ShellOrExec::Shell(script);
                note = summary;
            }
            Instruction::Run(form)
        }
        "cmd" => {
            let form = maybe_json(&rest)?;
            parse_flags(&flags, &[])?;
            Instruction::Cmd(form)
        }
        "entrypoint" => {
            let form = maybe_json(&rest)?;
            parse_flags(&flags, &[])?;
            Instruction::Entrypoint(form)
        }
        "shell" => {
            let form = maybe_json(&rest)?;
            parse_flags(&flags, &[])?;
            match form {
                ShellOrExec::Exec(words) if words.is_empty() => {
                    return Err(bad("SHELL requires at least one argument"))
                }
                ShellOrExec::Exec(words) => Instruction::Shell(words),
                ShellOrExec::Shell(_) => {
                    return Err(bad("SHELL requires the arguments to be in JSON form"))
                }
            }
        }
        what @ ("copy" | "add") => {
            let upper = what.to_uppercase();
            let (mut args, json) = maybe_json_to_list(&rest)?;
            if args.len() < 2 {
                return Err(bad(format!(
                    "{upper} requires at least two arguments, but only one was provided. \
                     Destination could not be determined"
                )));
            }
            let parsed = parse_flags(
                &flags,
                if what == "copy" {
                    COPY_FLAGS
                } else {
                    ADD_FLAGS
                },
            )?;
            let dest = args.pop().unwrap_or_default();
            let (args, inline) = if json {
                (args, Vec::new())
            } else {
                split_inline(&upper, args, &dest, heredocs)?
            };
            let chown = flag_value(&parsed, "chown");
            let chmod = flag_value(&parsed, "chmod");
            if what == "copy" {
                let from = flag_value(&parsed, "from");
                if from.as_deref().is_some_and(|f| f.contains('$')) {
                    return Err(Problem {
                        kind: ErrorKind::Stage,
                        message: "variable expansion is not supported for --from, define a new \
                                  stage with FROM using ARG from global scope as a workaround"
                            .to_string(),
                    });
                }
                let from = from.map(|f| f.to_lowercase());
                Instruction::Copy {
                    sources: args,
                    dest,
                    from,
                    chown,
                    chmod,
                    inline,
                }
            } else {
                Instruction::Add {
                    sources: args,
                    dest,
                    chown,
                    chmod,
                    inline,
                }
            }
        }
        what @ ("env" | "label") => {
            let upper = what.to_uppercase();
            let pairs = parse_name_values(&rest, &upper, escape)?;
            parse_flags(&flags, &[])?;
            check_key_values(&pairs, &upper)?;
            if what == "env" {
                Instruction::Env(pairs)
            } else {
                Instruction::Label(pairs)
            }
        }
        "arg" => {
            let words = parse_words(&rest, escape);
            if words.is_empty() {
                return Err(bad("ARG requires at least one argument"));
            }
            let decls = words
                .into_iter()
                .map(|word| match word.split_once('=') {
                    Some(("", _)) => Err(bad("ARG names can not be blank")),
                    Some((name, value)) => Ok(ArgDecl {
                        name: name.to_string(),
                        default: Some(value.to_string()),
                    }),
                    None => Ok(ArgDecl {
                        name: word,
                        default: None,
                    }),
                })
                .collect::<Result<Vec<_>, _>>()?;
            Instruction::Arg(decls)
        }
        "workdir" => {
            let path = exactly_one(&rest, "WORKDIR")?;
            parse_flags(&flags, &[])?;
            Instruction::Workdir(path)
        }
        "user" => {
            let user = exactly_one(&rest, "USER")?;
            parse_flags(&flags, &[])?;
            Instruction::User(user)
        }
        "maintainer" => {
            let name = exactly_one(&rest, "MAINTAINER")?;
            parse_flags(&flags, &[])?;
            Instruction::Maintainer(name)
        }
        // BuildKit parses no flags for STOPSIGNAL.
        "stopsignal" => Instruction::StopSignal(exactly_one(&rest, "STOPSIGNAL")?),
        "expose" => {
            let mut ports = split_whitespace_delimited(&rest);
            if ports.is_empty() {
                return Err(bad("EXPOSE requires at least one argument"));
            }
            parse_flags(&flags, &[])?;
            crate::order::sort(&mut ports);
            Instruction::Expose(ports)
        }
        "volume" => {
            let (paths, _) = maybe_json_to_list(&rest)?;
            if paths.is_empty() {
                return Err(bad("VOLUME requires at least one argument"));
            }
            parse_flags(&flags, &[])?;
            let paths: Vec<String> = paths.iter().map(|p| p.trim().to_string()).collect();
            if paths.iter().any(String::is_empty) {
                return Err(bad("VOLUME specified can not be an empty string"));
            }
            Instruction::Volume(paths)
        }
        "healthcheck" => {
            parse_healthcheck(&flags, &rest)?;
            let trimmed = line.trim();
            let after = trimmed
                .find(is_token_space)
                .and_then(|at| trimmed.get(at..));
            Instruction::Healthcheck(after.unwrap_or_default().trim().to_string())
        }
        "onbuild" => {
            parse_flags(&flags, &[])?;
            onbuild(line, &rest, heredocs)?
        }
        _ => {
            let hint = suggest(&word, &INSTRUCTION_NAMES, false)
                .map(|s| format!(" (did you mean {s}?)"))
                .unwrap_or_default();
            return Err(bad(format!("unknown instruction: {word}{hint}")));
        }
    };
    Ok(Parsed::Instruction {
        value: instruction,
        note,
    })
}

/// BuildKit's `parseHealthConfig` + `parseHealthcheck` checks (the value itself stays raw).
pub(super) fn parse_healthcheck(flags: &[String], rest: &str) -> Result<(), Problem> {
    let mut parts = rest.splitn(2, char::is_whitespace);
    let kind = parts.next().unwrap_or_default();
    if kind.is_empty() {
        return Err(bad("HEALTHCHECK requires at least one argument"));
    }
    let command = parts.next().unwrap_or_default().trim_start();
    let kind = kind.to_uppercase();
    if kind == "NONE" {
        if !command.is_empty() {
            return Err(bad("HEALTHCHECK NONE takes no arguments"));
        }
        return Ok(());
    }
    parse_flags(flags, HEALTHCHECK_FLAGS)?;
    if kind != "CMD" {
        return Err(bad(format!(
            "Unknown type {kind:?} in HEALTHCHECK (try CMD)"
        )));
    }
    if matches!(maybe_json(command)?, ShellOrExec::Exec(words) if words.is_empty()) {
        return Err(bad("Missing command after HEALTHCHECK CMD"));
    }
    Ok(())
}
