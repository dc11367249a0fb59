//! Tab completion for the REPL: sim's own words, then the core's shared completion (docker
//! subcommands, flags and names in the world), and real file names for `docker build`.

use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{Context, Helper};
use sim_core::command::complete::{candidates, wants_path, Names};

/// First words a REPL line can start with: the core's (`sim_core::command::FIRST_WORDS`) and
/// the REPL's own.
const FIRST_WORDS: &[&str] = &[
    "cluster", "curl", "docker", "etcdctl", "events", "exit", "hash", "help", "host", "kubectl",
    "quit", "reset", "ssh", "tick", "wget",
];

#[derive(Default)]
pub struct SimHelper {
    /// What the world holds now; the REPL refreshes it after every line.
    pub names: Names,
    files: FilenameCompleter,
}

impl SimHelper {
    pub fn new() -> SimHelper {
        SimHelper::default()
    }

    /// Candidates for the word that ends at `pos`, and where that word starts.
    pub fn candidates(&self, line: &str, pos: usize) -> (usize, Vec<String>) {
        candidates(line, pos, &self.names, FIRST_WORDS)
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

    #[test]
    fn repl_offers_every_first_word_the_core_parses() {
        for word in sim_core::command::FIRST_WORDS {
            assert!(FIRST_WORDS.contains(word), "{word}");
        }
    }

    #[test]
    fn repl_words_come_first() {
        let helper = SimHelper::new();
        assert_eq!(helper.candidates("e", 1).1, ["etcdctl", "events", "exit"]);
        assert_eq!(helper.candidates("docker ru", 9).1, ["run"]);
    }
}
