//! What a container printed: `docker logs`, and the output an attached `run`/`exec` shows.

use super::{ContainerId, Failure, Handled, LogLine, Reply, World};
use crate::command::Invocation;
use crate::event::Tick;
use crate::program::Stream;

impl World {
    pub(super) fn logs_of(&self, id: &ContainerId, from: Tick, until: Tick) -> Vec<LogLine> {
        let logs = match self.engine.containers.get(id) {
            Some(c) => c.logs(until),
            None => self
                .recently_removed
                .get(id)
                .map(|(logs, _)| logs.clone())
                .unwrap_or_default(),
        };
        logs.into_iter()
            .filter(|l| l.at >= from && l.at <= until)
            .collect()
    }

    pub(crate) fn cmd_logs(&mut self, inv: &Invocation) -> Handled {
        let id = self.find_container(&inv.args[0])?;
        let c = self.container(&id)?;
        let mut lines = c.logs(self.now);
        if let Some(tail) = inv.flags.value("tail") {
            if tail != "all" {
                let n: usize = tail.parse().map_err(|_| {
                    Failure::new(
                        format!("invalid argument \"{tail}\" for \"-n, --tail\" flag"),
                        125,
                    )
                })?;
                lines = split_lines(lines);
                let skip = lines.len().saturating_sub(n);
                lines.drain(..skip);
            }
        }
        let stamps = inv.flags.has("timestamps");
        let mut reply = Reply::default();
        for line in split_lines(lines) {
            let mut text = String::from_utf8_lossy(&line.bytes).into_owned();
            if stamps {
                text = format!("{} {text}", crate::output::rfc3339(line.at));
            }
            match line.stream {
                Stream::Stdout => reply.stdout.push_str(&text),
                Stream::Stderr => reply.stderr.push_str(&text),
            }
        }
        Ok(reply)
    }
}

pub(super) fn push_logs(reply: &mut Reply, logs: &[LogLine]) {
    for line in logs {
        let text = String::from_utf8_lossy(&line.bytes);
        match line.stream {
            Stream::Stdout => reply.stdout.push_str(&text),
            Stream::Stderr => reply.stderr.push_str(&text),
        }
    }
}

/// What to tell someone who asked for an interactive shell (`docker run -it busybox sh`,
/// `docker exec -it web sh`): there is no terminal to type into here, so the shell read no
/// input and ended at once, and how to run commands in a container instead.
pub(super) fn no_terminal_note(inv: &Invocation, argv: &[String], verb: &str) -> Option<String> {
    let interactive = inv.flags.has("interactive") || inv.flags.has("tty");
    let program = argv.first()?.rsplit('/').next()?;
    let shell = ["sh", "bash", "ash", "zsh"].contains(&program);
    if !interactive || !shell || argv.len() > 1 {
        return None;
    }
    let how = if verb == "exec" {
        "run each command with `docker exec NAME COMMAND` (for example `docker exec NAME ls /`)"
    } else {
        "give the commands to the shell (`docker run IMAGE sh -c 'COMMAND; COMMAND'`), or keep a container running (`docker run -d --name NAME IMAGE sleep 3600`) and use `docker exec NAME COMMAND`"
    };
    Some(format!(
        "(simulator: there is no interactive terminal here, so `{program}` read no input and ended. Instead, {how}.)\n"
    ))
}

/// Log chunks split into lines, so `--tail` counts lines.
fn split_lines(chunks: Vec<LogLine>) -> Vec<LogLine> {
    let mut out = Vec::new();
    for chunk in chunks {
        for piece in chunk.bytes.split_inclusive(|b| *b == b'\n') {
            out.push(LogLine {
                at: chunk.at,
                stream: chunk.stream,
                bytes: piece.to_vec(),
            });
        }
    }
    out
}
