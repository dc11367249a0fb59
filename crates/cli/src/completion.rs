//! Tab completion for the REPL: sim's own commands, docker subcommands and their flags (from
//! the core's command table, so they never drift apart), file names for `docker build`, and
//! the names of containers, images and volumes seen in lines that succeeded.

use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{Context, Helper};
use sim_core::command::flags::Kind;
use sim_core::command::{parse_line, Command, Sub, SubSpec, SUBCOMMANDS};
use std::collections::BTreeSet;

/// First words a REPL line can start with.
const FIRST_WORDS: &[&str] = &[
    "docker", "events", "exit", "hash", "help", "quit", "reset", "tick",
];

/// Images the simulator knows without a build, offered before any was used.
const KNOWN_IMAGES: &[&str] = &["alpine", "busybox", "mysql", "nginx", "redis", "ubuntu"];

/// Names that appeared in successful lines. Learnt from the lines themselves (not by querying
/// the world, which would add events to the trace), so a name can outlive its object.
#[derive(Default)]
pub struct Names {
    containers: BTreeSet<String>,
    images: BTreeSet<String>,
    volumes: BTreeSet<String>,
}

impl Names {
    pub fn observe(&mut self, line: &str, exit_code: i32) {
        if exit_code != 0 {
            return;
        }
        let Ok(Command::Docker(inv)) = parse_line(line) else {
            return;
        };
        let arg = |i: usize| inv.args.get(i).cloned();
        match inv.sub {
            Sub::Run | Sub::Create => {
                self.containers
                    .extend(inv.flags.value("name").map(str::to_string));
                self.images.extend(arg(0));
            }
            Sub::Rm => {
                for name in &inv.args {
                    self.containers.remove(name);
                }
            }
            Sub::Build => self.images.extend(inv.flags.values("tag").iter().cloned()),
            Sub::Pull => self.images.extend(arg(0)),
            Sub::Tag | Sub::Commit => self.images.extend(arg(1)),
            Sub::Rmi => {
                for name in &inv.args {
                    self.images.remove(name);
                }
            }
            Sub::VolumeCreate => self.volumes.extend(arg(0)),
            Sub::VolumeRm => {
                for name in &inv.args {
                    self.volumes.remove(name);
                }
            }
            _ => {}
        }
    }

    fn images(&self) -> impl Iterator<Item = &str> {
        self.images
            .iter()
            .map(String::as_str)
            .chain(KNOWN_IMAGES.iter().copied())
    }
}

#[derive(Default)]
pub struct SimHelper {
    pub names: Names,
    files: FilenameCompleter,
}

impl SimHelper {
    pub fn new() -> SimHelper {
        SimHelper::default()
    }

    /// Candidates for the word that ends at `pos`, and where that word starts.
    pub fn candidates(&self, line: &str, pos: usize) -> (usize, Vec<String>) {
        let before = &line[..pos];
        let start = before
            .rfind(char::is_whitespace)
            .map(|i| i + before[i..].chars().next().map_or(1, char::len_utf8))
            .unwrap_or(0);
        let prefix = &before[start..];
        let words: Vec<&str> = before[..start].split_whitespace().collect();
        let mut options: Vec<String> = match words.split_first() {
            None => FIRST_WORDS.iter().map(|w| w.to_string()).collect(),
            Some((&"docker", rest)) => self.docker_words(rest, prefix),
            Some(_) => Vec::new(),
        };
        options.retain(|o| o.starts_with(prefix));
        options.sort();
        options.dedup();
        (start, options)
    }

    fn docker_words(&self, rest: &[&str], prefix: &str) -> Vec<String> {
        let Some((spec, after)) = find_spec(rest) else {
            // Still choosing the subcommand: the next word of every spelling that fits.
            let mut next: Vec<String> = SUBCOMMANDS
                .iter()
                .flat_map(|s| s.names.iter())
                .filter_map(|name| {
                    let words: Vec<&str> = name.split(' ').collect();
                    (words.len() > rest.len() && words[..rest.len()] == *rest)
                        .then(|| words[rest.len()].to_string())
                })
                .collect();
            if rest.is_empty() {
                next.push("--help".into());
            }
            return next;
        };
        if prefix.starts_with('-') {
            let mut flags: Vec<String> =
                spec.flags.iter().map(|f| format!("--{}", f.long)).collect();
            flags.push("--help".into());
            return flags;
        }
        // The word after a flag that takes a value is that value: nothing to offer.
        if after
            .last()
            .is_some_and(|previous| takes_value(spec, previous))
        {
            return Vec::new();
        }
        // Which argument this word is: the first names a container or an image; later ones
        // are mostly the program's own arguments.
        let first_arg = positionals(spec, after) == 0;
        let containers = || self.names.containers.iter().cloned();
        let images = || self.names.images().map(str::to_string);
        match spec.sub {
            Sub::Start | Sub::Stop | Sub::Restart | Sub::Kill | Sub::Rm | Sub::Logs => {
                containers().collect()
            }
            Sub::Exec | Sub::Port | Sub::Commit | Sub::Diff if first_arg => containers().collect(),
            Sub::Run | Sub::Create | Sub::History | Sub::Pull | Sub::Push if first_arg => {
                images().collect()
            }
            Sub::Tag | Sub::Rmi => images().collect(),
            Sub::Inspect => containers().chain(images()).collect(),
            Sub::VolumeRm | Sub::VolumeInspect => self.names.volumes.iter().cloned().collect(),
            _ => Vec::new(),
        }
    }
}

/// The subcommand whose (longest) spelling starts `words`, and the words after it.
fn find_spec<'w, 'a>(words: &'w [&'a str]) -> Option<(&'static SubSpec, &'w [&'a str])> {
    SUBCOMMANDS
        .iter()
        .flat_map(|spec| spec.names.iter().map(move |name| (spec, name)))
        .filter_map(|(spec, name)| {
            let name_words: Vec<&str> = name.split(' ').collect();
            (words.len() >= name_words.len() && words[..name_words.len()] == *name_words)
                .then_some((spec, name_words.len()))
        })
        .max_by_key(|(_, len)| *len)
        .map(|(spec, len)| (spec, &words[len..]))
}

/// `word` is a flag of `spec` whose value is the next word.
fn takes_value(spec: &SubSpec, word: &str) -> bool {
    spec.flags.iter().any(|f| {
        f.kind == Kind::Value
            && (word == format!("--{}", f.long) || f.short.is_some_and(|c| word == format!("-{c}")))
    })
}

/// How many arguments (not flags, not flag values) `words` holds.
fn positionals(spec: &SubSpec, words: &[&str]) -> usize {
    let mut count = 0;
    let mut skip_value = false;
    for word in words {
        if skip_value {
            skip_value = false;
        } else if word.starts_with('-') && *word != "-" {
            skip_value = !word.contains('=') && takes_value(spec, word);
        } else {
            count += 1;
        }
    }
    count
}

/// `docker build` takes a context directory and `-f FILE`: paths on the real disk.
fn wants_path(before: &str) -> bool {
    let mut words: Vec<&str> = before.split_whitespace().collect();
    let typing = if before.ends_with(char::is_whitespace) {
        ""
    } else {
        words.pop().unwrap_or("")
    };
    if words.first() != Some(&"docker") || typing.starts_with('-') {
        return false;
    }
    match find_spec(&words[1..]) {
        Some((spec, after)) if spec.sub == Sub::Build => {
            let previous = after.last().copied().unwrap_or("");
            !takes_value(spec, previous) || previous == "-f" || previous == "--file"
        }
        _ => false,
    }
}

impl Completer for SimHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        if wants_path(&line[..pos]) {
            return self.files.complete(line, pos, ctx);
        }
        let (start, options) = self.candidates(line, pos);
        let pairs = options
            .into_iter()
            .map(|o| Pair {
                display: o.clone(),
                replacement: format!("{o} "),
            })
            .collect();
        Ok((start, pairs))
    }
}

impl Hinter for SimHelper {
    type Hint = String;
}
impl Highlighter for SimHelper {}
impl Validator for SimHelper {}
impl Helper for SimHelper {}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete(helper: &SimHelper, line: &str) -> Vec<String> {
        helper.candidates(line, line.len()).1
    }

    #[test]
    fn first_words_and_subcommands() {
        let helper = SimHelper::new();
        assert_eq!(complete(&helper, "do"), ["docker"]);
        assert_eq!(complete(&helper, "e"), ["events", "exit"]);
        let subs = complete(&helper, "docker ");
        for expected in ["run", "ps", "build", "images", "volume", "system", "--help"] {
            assert!(subs.iter().any(|s| s == expected), "{expected} in {subs:?}");
        }
        assert_eq!(complete(&helper, "docker ru"), ["run"]);
        assert!(complete(&helper, "docker volume ").contains(&"ls".to_string()));
    }

    #[test]
    fn build_wants_paths() {
        assert!(wants_path("docker build "));
        assert!(wants_path("docker build -t app ./sr"));
        assert!(wants_path("docker build -f "));
        assert!(!wants_path("docker build -t "));
        assert!(!wants_path("docker build --ta"));
        assert!(!wants_path("docker buil"));
        assert!(!wants_path("docker run "));
    }

    #[test]
    fn flags_and_names() {
        let mut helper = SimHelper::new();
        assert!(complete(&helper, "docker run --na").contains(&"--name".to_string()));
        helper.names.observe("docker run -d --name web nginx", 0);
        helper
            .names
            .observe("docker run -d --name failed nginx", 125);
        assert_eq!(complete(&helper, "docker stop w"), ["web"]);
        assert!(complete(&helper, "docker stop f").is_empty());
        assert!(complete(&helper, "docker run --name ").is_empty());
        assert!(complete(&helper, "docker run -d ng").contains(&"nginx".to_string()));
        assert!(complete(&helper, "docker run -e A=1 --name x ng").contains(&"nginx".to_string()));
        assert!(complete(&helper, "docker run nginx ng").is_empty());
        helper.names.observe("docker rm web", 0);
        assert!(complete(&helper, "docker stop w").is_empty());
    }
}
