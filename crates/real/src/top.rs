//! `docker top` in real mode: the container's processes as this machine sees them (host PIDs
//! from its cgroup, read from /proc), in the columns of `ps -ef` as docker prints them.

use std::collections::BTreeSet;
use std::fs;

/// Clock ticks per second for /proc times (USER_HZ, 100 on Linux).
const TICKS: u64 = 100;

struct Proc {
    uid: String,
    pid: i32,
    ppid: i32,
    start: String,
    time: String,
    cmd: String,
}

fn boot_time() -> u64 {
    fs::read_to_string("/proc/stat")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("btime ")?.trim().parse().ok())
        })
        .unwrap_or(0)
}

fn read(pid: i32, boot: u64) -> Option<Proc> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .map(|v| v.split_whitespace().next().unwrap_or("").to_string())
    };
    let uid = field("Uid:")?;
    let ppid = field("PPid:")?.parse().unwrap_or(0);
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces) in parentheses.
    let rest: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let num = |i: usize| rest.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    let cpu = (num(11) + num(12)) / TICKS;
    let started = boot + num(19) / TICKS;
    let cmdline = fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    let cmd = cmdline
        .split(|b| *b == 0)
        .filter(|a| !a.is_empty())
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    Some(Proc {
        uid: if uid == "0" { "root".into() } else { uid },
        pid,
        ppid,
        start: format!("{:02}:{:02}", (started / 3600) % 24, (started / 60) % 60),
        time: format!("{:02}:{:02}:{:02}", cpu / 3600, (cpu / 60) % 60, cpu % 60),
        cmd,
    })
}

/// The `docker top` table of these host PIDs (those gone meanwhile left out), PID order.
pub fn table(pids: &[i32]) -> String {
    let boot = boot_time();
    let unique: BTreeSet<i32> = pids.iter().copied().collect();
    let mut lines = vec!["UID\tPID\tPPID\tC\tSTIME\tTTY\tTIME\tCMD".to_string()];
    for p in unique.into_iter().filter_map(|pid| read(pid, boot)) {
        lines.push(format!(
            "{}\t{}\t{}\t0\t{}\t?\t{}\t{}",
            p.uid, p.pid, p.ppid, p.start, p.time, p.cmd
        ));
    }
    sim_core::output::align_tab_separated_min(&lines, 20)
}
