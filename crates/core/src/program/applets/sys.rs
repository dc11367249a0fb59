//! Applets about time, processes and memory: sleep, date, ps, dd, free, df, uptime, kill.

use crate::program::calendar::DateTime;
use crate::program::kernel::{Kernel, Proc, MIB};

/// Parses one `sleep` operand into milliseconds (`1.5`, `2m`, `1h`, `1d`).
fn sleep_ms(arg: &str) -> Option<u64> {
    let (num, mult) = match arg.chars().last()? {
        's' => (arg.get(..arg.len() - 1)?, 1.0),
        'm' => (arg.get(..arg.len() - 1)?, 60.0),
        'h' => (arg.get(..arg.len() - 1)?, 3600.0),
        'd' => (arg.get(..arg.len() - 1)?, 86_400.0),
        _ => (arg, 1.0),
    };
    if num.is_empty() || !num.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let v: f64 = num.parse().ok()?;
    let ms = v * mult * 1000.0;
    if !ms.is_finite() || ms < 0.0 {
        return None;
    }
    Some(if ms > 1e18 {
        u64::MAX
    } else {
        ms.round() as u64
    })
}

pub fn sleep(k: &mut Kernel, p: &mut Proc) -> i32 {
    let args = p.args().to_vec();
    if args.is_empty() {
        k.err(p, "Usage: sleep [N]...\n");
        return 1;
    }
    let mut total: u64 = 0;
    for a in &args {
        if a == "inf" || a == "infinity" {
            k.run_forever();
            return 0;
        }
        match sleep_ms(a) {
            Some(ms) => total = total.saturating_add(ms),
            None => {
                k.err(p, &format!("sleep: invalid number '{a}'\n"));
                return 1;
            }
        }
    }
    k.advance(total);
    0
}

/// The logical wall clock now, in seconds.
pub fn now(k: &Kernel) -> u64 {
    k.ctx.now_unix.saturating_add(k.clock / 1000)
}

pub fn date(k: &mut Kernel, p: &mut Proc) -> i32 {
    let args = p.args().to_vec();
    let mut when = now(k);
    let mut format: Option<String> = None;
    let mut i = 0;
    while let Some(a) = args.get(i) {
        i += 1;
        match a.as_str() {
            "-u" | "--utc" => {}
            "-R" => format = Some("%a, %d %b %Y %H:%M:%S %z".into()),
            "-I" => format = Some("%Y-%m-%d".into()),
            "-d" | "--date" => {
                let Some(v) = args.get(i) else {
                    k.err(p, "date: option requires an argument -- 'd'\n");
                    return 1;
                };
                i += 1;
                match parse_date(v) {
                    Some(t) => when = t,
                    None => {
                        k.err(p, &format!("date: invalid date '{v}'\n"));
                        return 1;
                    }
                }
            }
            f if f.starts_with('+') => format = Some(f.get(1..).unwrap_or("").to_string()),
            other => {
                k.err(p, &format!("date: invalid date '{other}'\n"));
                return 1;
            }
        }
    }
    let dt = DateTime::from_unix(when);
    let text = match format {
        Some(f) => dt.strftime(&f),
        None => dt.busybox_default(),
    };
    k.out(p, &format!("{text}\n"));
    0
}

/// `@SECONDS`, `YYYY-MM-DD`, `YYYY-MM-DD HH:MM[:SS]`.
fn parse_date(s: &str) -> Option<u64> {
    if let Some(n) = s.strip_prefix('@') {
        return n.parse().ok();
    }
    let (d, t) = match s.split_once([' ', 'T']) {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let mut dp = d.split('-').map(|x| x.parse::<u32>().ok());
    let (y, m, day) = (dp.next()??, dp.next()??, dp.next()??);
    if !(1..=12).contains(&m)
        || day == 0
        || day > crate::program::calendar::days_in_month(i64::from(y), m)
    {
        return None;
    }
    let mut secs = 0u64;
    if let Some(t) = t {
        let mut tp = t.split(':').map(|x| x.parse::<u64>().ok());
        let h = tp.next()??;
        let mi = tp.next().flatten().unwrap_or(0);
        let se = tp.next().flatten().unwrap_or(0);
        secs = h * 3600 + mi * 60 + se;
    }
    let days = crate::program::calendar::days_from_civil(i64::from(y), m, day);
    u64::try_from(days.checked_mul(86_400)?)
        .ok()?
        .checked_add(secs)
}

pub fn ps(k: &mut Kernel, p: &mut Proc) -> i32 {
    let mut out = String::from("PID   USER     TIME  COMMAND\n");
    let mut rows: Vec<(u32, String, String)> = k
        .ctx
        .processes
        .iter()
        .map(|pr| (pr.pid, pr.user.clone(), pr.command.clone()))
        .collect();
    if k.depth > 1 {
        // ps runs as a child of the process the World started: it sees itself too.
        let pid = k.next_pid;
        k.next_pid = k.next_pid.saturating_add(1);
        rows.push((
            pid,
            crate::program::applets::basic::user_ids(k, &p.user).0,
            p.argv.join(" "),
        ));
    }
    for (pid, user, cmd) in rows {
        let user = if user.is_empty() {
            "root".to_string()
        } else {
            user
        };
        let user: String = user.chars().take(8).collect();
        out.push_str(&format!("{pid:>5} {user:<8} {:>5} {cmd}\n", "0:00"));
    }
    k.out(p, &out);
    0
}

/// Parses dd's sizes: `200M`, `1k`, `512`, `1G`, `2kB`.
fn dd_size(s: &str) -> Option<u64> {
    let digits_end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let n: u64 = s.get(..digits_end)?.parse().ok()?;
    let mult: u64 = match s.get(digits_end..)? {
        "" | "c" => 1,
        "w" => 2,
        "b" => 512,
        "k" | "K" | "KiB" => 1024,
        "kB" | "KB" => 1000,
        "M" | "MiB" => 1024 * 1024,
        "MB" => 1_000_000,
        "G" | "GiB" => 1024 * 1024 * 1024,
        "GB" => 1_000_000_000,
        _ => return None,
    };
    n.checked_mul(mult)
}

fn human(bytes: u64) -> String {
    let units = ["B", "kB", "MB", "GB", "TB"];
    let mut v = bytes as f64;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < units.len() {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{bytes}B")
    } else {
        format!("{v:.1}{}", units.get(u).copied().unwrap_or("B"))
    }
}

pub fn dd(k: &mut Kernel, p: &mut Proc) -> i32 {
    let mut input: Option<String> = None;
    let mut output: Option<String> = None;
    let mut bs: u64 = 512;
    let mut count: Option<u64> = None;
    for a in p.args().to_vec() {
        let Some((key, val)) = a.split_once('=') else {
            k.err(p, &format!("dd: invalid argument '{a}'\n"));
            return 1;
        };
        let size = || dd_size(val);
        match key {
            "if" => input = Some(val.to_string()),
            "of" => output = Some(val.to_string()),
            "bs" | "ibs" | "obs" => match size() {
                Some(v) if v > 0 => bs = v,
                _ => {
                    k.err(p, &format!("dd: invalid number '{val}'\n"));
                    return 1;
                }
            },
            "count" => match size() {
                Some(v) => count = Some(v),
                None => {
                    k.err(p, &format!("dd: invalid number '{val}'\n"));
                    return 1;
                }
            },
            "conv" | "status" | "iflag" | "oflag" | "skip" | "seek" => {}
            _ => {
                k.err(p, &format!("dd: invalid argument '{a}'\n"));
                return 1;
            }
        }
    }
    // The block buffer is what lessons use to exceed --memory.
    if !k.alloc(bs) {
        return 137;
    }
    let infinite = matches!(
        input.as_deref(),
        Some("/dev/zero" | "/dev/urandom" | "/dev/random")
    );
    let source: Vec<u8> = match input.as_deref() {
        None | Some("-") | Some("/dev/stdin") => p.stdin.take_all(),
        Some(path) if infinite => {
            let _ = path;
            Vec::new()
        }
        Some(path) => match k.ctx.fs.read_file(&p.path(path)) {
            Ok(d) => d.to_vec(),
            Err(e) => {
                k.free(bs);
                k.err(p, &format!("dd: can't open '{path}': {e}\n"));
                return 1;
            }
        },
    };
    let (full, partial, total) = if infinite {
        let Some(c) = count else {
            // dd from /dev/zero without count runs until killed.
            k.run_forever();
            return 0;
        };
        (c, 0, c.saturating_mul(bs))
    } else {
        let len = source.len() as u64;
        let limit = count.map(|c| c.saturating_mul(bs)).unwrap_or(len).min(len);
        (limit / bs, u64::from(!limit.is_multiple_of(bs)), limit)
    };
    // Only materialise data that lands in a file (capped so a huge zero file cannot exhaust
    // the simulator itself).
    let writes_data = !matches!(output.as_deref(), Some("/dev/null"));
    if writes_data {
        let cap = total.min(16 * MIB) as usize;
        let data: Vec<u8> = if infinite {
            vec![0u8; cap]
        } else {
            source.get(..cap.min(source.len())).unwrap_or(&[]).to_vec()
        };
        match output.as_deref() {
            None | Some("-") | Some("/dev/stdout") => k.out_bytes(p, &data),
            Some(path) => {
                let full_path = p.path(path);
                if let Err(e) = k.ctx.fs.write_file(&full_path, &data, false) {
                    k.free(bs);
                    k.err(p, &format!("dd: can't open '{path}': {e}\n"));
                    return 1;
                }
            }
        }
    }
    k.free(bs);
    let secs = total as f64 / 3.0e9 + 0.000_05;
    let rate = if secs > 0.0 { total as f64 / secs } else { 0.0 };
    k.err(
        p,
        &format!(
            "{full}+{partial} records in\n{full}+{partial} records out\n{total} bytes ({}) copied, {secs:.6} seconds, {}/s\n",
            human(total),
            human(rate as u64)
        ),
    );
    0
}

pub fn free(k: &mut Kernel, p: &mut Proc) -> i32 {
    let total = k.ctx.memory_limit.unwrap_or(2048 * MIB) / 1024;
    let used = (k.mem / 1024).min(total);
    let free = total - used;
    let out = format!(
        "              total        used        free      shared  buff/cache   available\nMem:    {total:>11} {used:>11} {free:>11} {:>11} {:>11} {free:>11}\nSwap:             0           0           0\n",
        0, 0
    );
    k.out(p, &out);
    0
}

pub fn df(k: &mut Kernel, p: &mut Proc) -> i32 {
    let used = (k.ctx.fs.total_size() / 1024).max(1);
    let total: u64 = 61_255_492;
    let avail = total - used;
    let pct = (used * 100).div_ceil(total);
    let out = format!(
        "Filesystem           1K-blocks      Used Available Use% Mounted on\noverlay              {total:>9} {used:>9} {avail:>9} {pct:>3}% /\ntmpfs                    65536         0     65536   0% /dev\nshm                      65536         0     65536   0% /dev/shm\n"
    );
    k.out(p, &out);
    0
}

pub fn uptime(k: &mut Kernel, p: &mut Proc) -> i32 {
    let dt = DateTime::from_unix(now(k));
    let mins = k.clock / 60_000;
    k.out(
        p,
        &format!(
            " {}  up {mins} min,  0 users,  load average: 0.00, 0.00, 0.00\n",
            dt.strftime("%H:%M:%S")
        ),
    );
    0
}

pub fn kill(k: &mut Kernel, p: &mut Proc) -> i32 {
    let mut status = 0;
    for a in p.args().to_vec().iter().filter(|a| !a.starts_with('-')) {
        let exists = a
            .parse::<u32>()
            .ok()
            .is_some_and(|pid| k.ctx.processes.iter().any(|pr| pr.pid == pid));
        if !exists {
            k.err(p, &format!("kill: can't kill pid {a}: No such process\n"));
            status = 1;
        }
    }
    status
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sleep_units() {
        assert_eq!(sleep_ms("5"), Some(5000));
        assert_eq!(sleep_ms("0.5"), Some(500));
        assert_eq!(sleep_ms("2m"), Some(120_000));
        assert_eq!(sleep_ms("1h"), Some(3_600_000));
        assert_eq!(sleep_ms("x"), None);
        assert_eq!(sleep_ms("1x"), None);
        assert_eq!(sleep_ms(""), None);
        assert_eq!(sleep_ms("s"), None);
        assert_eq!(sleep_ms("99999999999999999999999"), Some(u64::MAX));
    }

    #[test]
    fn dd_sizes_and_dates() {
        assert_eq!(dd_size("200M"), Some(200 * 1024 * 1024));
        assert_eq!(dd_size("1k"), Some(1024));
        assert_eq!(dd_size("18446744073709551615G"), None);
        assert_eq!(dd_size("x"), None);
        assert_eq!(parse_date("@0"), Some(0));
        assert_eq!(parse_date("2024-01-01"), Some(1_704_067_200));
        assert_eq!(parse_date("2024-02-30"), None);
        assert_eq!(human(209_715_200), "200.0MB");
    }
}
