//! Builtins that keep state in the shell: `trap` (EXIT and signals), `kill` aimed at the shell
//! itself (which runs its trap), `getopts`, and the seeded `$RANDOM`.

use super::interp::{Flow, Io, Shell};
use crate::program::kernel::Kernel;

/// Signal numbers and names as ash lists them (0 is the shell's exit).
const SIGNALS: &[(u32, &str)] = &[
    (0, "EXIT"),
    (1, "HUP"),
    (2, "INT"),
    (3, "QUIT"),
    (6, "ABRT"),
    (9, "KILL"),
    (10, "USR1"),
    (12, "USR2"),
    (13, "PIPE"),
    (14, "ALRM"),
    (15, "TERM"),
    (17, "CHLD"),
];

/// `EXIT`, `SIGINT`, `int`, `15`... to the signal number.
fn signal_number(spec: &str) -> Option<u32> {
    if let Ok(n) = spec.parse::<u32>() {
        return SIGNALS.iter().find(|(num, _)| *num == n).map(|(n, _)| *n);
    }
    let upper = spec.to_ascii_uppercase();
    let name = upper.strip_prefix("SIG").unwrap_or(&upper);
    SIGNALS.iter().find(|(_, s)| *s == name).map(|(n, _)| *n)
}

fn signal_name(n: u32) -> &'static str {
    SIGNALS
        .iter()
        .find(|(num, _)| *num == n)
        .map_or("?", |(_, s)| s)
}

/// What the parent shell prints when a child dies of signal `n`.
fn death_message(n: u32) -> &'static str {
    match n {
        1 => "Hangup",
        2 => "",
        9 => "Killed",
        10 => "User defined signal 1",
        12 => "User defined signal 2",
        14 => "Alarm clock",
        _ => "Terminated",
    }
}

pub fn trap(sh: &mut Shell, k: &mut Kernel, args: &[String], io: &Io, line: u32) -> i32 {
    if args.is_empty() {
        let mut out = String::new();
        for (n, action) in &sh.traps {
            let quoted = format!("'{}'", action.replace('\'', "'\"'\"'"));
            out.push_str(&format!("trap -- {quoted} {}\n", signal_name(*n)));
        }
        k.write(&io.out, out.as_bytes());
        return 0;
    }
    // `trap SIG...` with a signal first resets those signals, as `trap - SIG...` does.
    let (action, specs) = match args.split_first() {
        Some((first, rest)) if first == "-" => (None, rest),
        Some((first, rest)) if !rest.is_empty() => (Some(first.clone()), rest),
        Some((first, _)) if signal_number(first).is_some() => (None, args),
        _ => (Some(String::new()), args.get(1..).unwrap_or(&[])),
    };
    let mut status = 0;
    for spec in specs {
        match signal_number(spec) {
            Some(n) => match &action {
                Some(a) => {
                    sh.traps.insert(n, a.clone());
                }
                None => {
                    sh.traps.remove(&n);
                }
            },
            None => {
                sh.error(
                    k,
                    io,
                    &format!("trap: line {line}: {spec}: invalid signal specification"),
                );
                status = 1;
            }
        }
    }
    status
}

impl Shell {
    /// Runs the EXIT trap once, as the shell ends: `$?` is the exit status, which stays the
    /// shell's unless the trap itself calls `exit`.
    pub fn run_exit_trap(&mut self, k: &mut Kernel, io: &Io) -> i32 {
        let status = self.status;
        let Some(action) = self.traps.remove(&0) else {
            return status;
        };
        if k.halted() || k.signal.is_some() {
            return status;
        }
        self.flow = Flow::Normal;
        self.run_source(k, &action, 1, io);
        if self.flow == Flow::Exit {
            self.status
        } else {
            self.status = status;
            status
        }
    }

    /// `$RANDOM`: 0..32767 from a generator seeded by the shell's pid and start time, so the
    /// same run gives the same numbers.
    pub fn next_random(&self) -> u32 {
        let x = self.random.get();
        let x = x ^ (x << 13);
        let x = x ^ (x >> 7);
        let x = x ^ (x << 17);
        self.random.set(x);
        ((x >> 33) % 32768) as u32
    }
}

/// `kill [-s SIG | -SIG] PID...`: a signal for the shell itself runs its trap (or ends it);
/// anything else goes to the kill applet.
pub fn kill(sh: &mut Shell, k: &mut Kernel, argv: &[String], io: &Io) -> i32 {
    let args = argv.get(1..).unwrap_or(&[]);
    let (spec, pids) = match args.first().map(String::as_str) {
        Some("-s") => (args.get(1).cloned(), args.get(2..).unwrap_or(&[])),
        Some(a) if a.starts_with('-') && a.len() > 1 => {
            (Some(a[1..].to_string()), args.get(1..).unwrap_or(&[]))
        }
        _ => (None, args),
    };
    let me = sh.pid.to_string();
    if pids.len() != 1 || pids.first() != Some(&me) {
        let env = sh.exported_env();
        return sh.run_external(k, argv.to_vec(), env, io);
    }
    let Some(n) = spec.as_deref().map_or(Some(15), signal_number) else {
        let bad = spec.unwrap_or_default();
        sh.error(k, io, &format!("kill: bad signal name '{bad}'"));
        return 1;
    };
    if n == 0 {
        return 0;
    }
    match sh.traps.get(&n).cloned() {
        Some(action) if n != 9 => {
            if !action.is_empty() {
                let saved = sh.status;
                sh.run_source(k, &action, 1, io);
                if sh.flow != Flow::Exit {
                    sh.status = saved;
                }
            }
            0
        }
        _ => {
            let message = death_message(n);
            if !message.is_empty() {
                k.signal = Some(message);
            }
            sh.status = 128 + n as i32;
            sh.flow = Flow::Exit;
            sh.status
        }
    }
}

pub fn getopts(sh: &mut Shell, k: &mut Kernel, args: &[String], io: &Io) -> i32 {
    let (Some(optstring), Some(name)) = (args.first(), args.get(1)) else {
        sh.error(k, io, "getopts: usage: getopts optstring var [arg]");
        return 2;
    };
    let params: Vec<String> = match args.get(2..) {
        Some(rest) if !rest.is_empty() => rest.to_vec(),
        _ => sh.positional.clone(),
    };
    let silent = optstring.starts_with(':');
    let mut optind: usize = sh
        .get_var("OPTIND")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
        .max(1);
    // Inside a cluster (`-ab`) ash already shows OPTIND past it; the position is kept aside.
    let (shown, at, mut pos) = sh.getopts_at;
    if optind == shown && pos > 0 {
        optind = at;
    } else {
        pos = 0;
    }
    let done = |sh: &mut Shell, optind: usize| {
        sh.set_var(name, "?");
        sh.set_var("OPTIND", &optind.to_string());
        sh.getopts_at = (optind, optind, 0);
        1
    };
    let Some(arg) = params.get(optind - 1).cloned() else {
        return done(sh, optind);
    };
    if pos == 0 {
        if arg == "--" {
            return done(sh, optind + 1);
        }
        if !arg.starts_with('-') || arg == "-" {
            return done(sh, optind);
        }
        pos = 1;
    }
    let chars: Vec<char> = arg.chars().collect();
    let c = chars.get(pos).copied().unwrap_or('?');
    pos += 1;
    let rest: String = chars.get(pos..).unwrap_or(&[]).iter().collect();
    let at_end = pos >= chars.len();
    let spec = optstring.trim_start_matches(':');
    let known = c != ':' && spec.contains(c);
    let wants_arg = known && spec.split(c).nth(1).is_some_and(|s| s.starts_with(':'));
    if at_end {
        optind += 1;
        pos = 0;
    }
    if !known {
        if silent {
            sh.set_var("OPTARG", &c.to_string());
        } else {
            sh.vars.remove("OPTARG");
            k.write(&io.err, format!("Illegal option -{c}\n").as_bytes());
        }
        sh.set_var(name, "?");
    } else if wants_arg {
        let value = if !at_end {
            optind += 1;
            pos = 0;
            Some(rest)
        } else {
            let v = params.get(optind - 1).cloned();
            if v.is_some() {
                optind += 1;
            }
            v
        };
        match value {
            Some(v) => {
                sh.set_var("OPTARG", &v);
                sh.set_var(name, &c.to_string());
            }
            None if silent => {
                sh.set_var("OPTARG", &c.to_string());
                sh.set_var(name, ":");
            }
            None => {
                sh.vars.remove("OPTARG");
                k.write(&io.err, format!("No arg for -{c} option\n").as_bytes());
                sh.set_var(name, "?");
            }
        }
    } else {
        sh.set_var("OPTARG", "");
        sh.set_var(name, &c.to_string());
    }
    let shown = if pos > 0 { optind + 1 } else { optind };
    sh.set_var("OPTIND", &shown.to_string());
    sh.getopts_at = (shown, optind, pos);
    0
}
