//! `sim` alone: an interactive prompt with line editing, history and tab completion.

use crate::completion::SimHelper;
use crate::session::{err, out, Session, Step};
use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::{CompletionType, Config, Editor};
use sim_core::command::complete::Names;
use std::io::IsTerminal;
use std::path::Path;

pub const PROMPT: &str = "sim$ ";
const HISTORY_FILE: &str = "history.txt";

/// Runs the prompt until Ctrl-D or `exit`; gives the exit code.
pub fn run(session: &mut Session, state_dir: &Path) -> Result<i32, ReadlineError> {
    let config = Config::builder()
        .history_ignore_space(true)
        .history_ignore_dups(true)?
        .max_history_size(1000)?
        .completion_type(CompletionType::List)
        .build();
    let mut editor: Editor<SimHelper, DefaultHistory> = Editor::with_config(config)?;
    let Some(state) = session.state() else {
        err("sim: the prompt is for the simulation; in real mode use `sim --real docker ...` or `sim --real script FILE`\n");
        return Ok(2);
    };
    let (restored, seed) = (state.ran(), state.seed());
    let mut helper = SimHelper::new();
    helper.names = Names::of_world(state.world());
    editor.set_helper(Some(helper));
    let history = state_dir.join(HISTORY_FILE);
    // No history yet is normal.
    let _ = editor.load_history(&history);

    if std::io::stdin().is_terminal() {
        out(&format!(
            "sim: a simulated Docker (seed {}{}). Type `help` for help, Ctrl-D to leave.\n",
            seed,
            match restored {
                0 => String::new(),
                1 => ", 1 command restored".to_string(),
                n => format!(", {n} commands restored"),
            }
        ));
    }

    loop {
        let line = match editor.readline(PROMPT) {
            Ok(line) => line,
            // Ctrl-C drops the line being typed, as in a shell.
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => return Ok(0),
            Err(e) => return Err(e),
        };
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let _ = editor.add_history_entry(line);
        if std::fs::create_dir_all(state_dir).is_ok() {
            let _ = editor.append_history(&history);
        }
        match session.run_line(line) {
            Ok(Step::Exit(code)) => return Ok(code),
            Ok(Step::Ran(_)) => {
                if let (Some(helper), Some(world)) = (editor.helper_mut(), session.world()) {
                    helper.names = Names::of_world(world);
                }
            }
            // The line ran but could not be saved: say so and carry on in memory.
            Err(e) => err(&format!("sim: {e}\n")),
        }
    }
}
