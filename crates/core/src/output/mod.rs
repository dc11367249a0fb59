//! Text output the way the docker CLI prints it: aligned tables, human sizes and durations, and
//! `--format` Go templates.

mod ports;
mod template;

pub use ports::{displayable_ports, PortEntry};
pub use template::render as render_template;

/// Aligns rows like Go's tabwriter as docker configures it (see [`align_tab_separated`]).
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let header_row = header.join("\t");
    let lines: Vec<String> = std::iter::once(header_row)
        .chain(rows.iter().map(|row| row.join("\t")))
        .collect();
    align_tab_separated(&lines)
}

/// Tab-separated lines aligned as the docker CLI's tabwriter does (`minwidth` 10, padding 3):
/// every cell but the last of a line is padded to its column's width, which is the widest
/// such cell plus 3 and never less than 10. Each line ends with a newline.
pub fn align_tab_separated(lines: &[String]) -> String {
    align_tab_separated_min(lines, 10)
}

/// [`align_tab_separated`] with another minimum column width (`docker top` uses 20).
pub fn align_tab_separated_min(lines: &[String], min_width: usize) -> String {
    const PADDING: usize = 3;
    let rows: Vec<Vec<&str>> = lines.iter().map(|l| l.split('\t').collect()).collect();
    let mut widths: Vec<usize> = Vec::new();
    for row in &rows {
        for (i, cell) in row.iter().enumerate().take(row.len().saturating_sub(1)) {
            let width = (cell.chars().count() + PADDING).max(min_width);
            match widths.get_mut(i) {
                Some(w) => *w = (*w).max(width),
                None => widths.push(width),
            }
        }
    }
    let mut out = String::new();
    for row in &rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if i + 1 < row.len() {
                let pad = widths[i].saturating_sub(cell.chars().count());
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Go's `units.HumanSizeWithPrecision(size, 3)`: decimal units, three significant digits, as
/// `docker images` and `docker system df` print sizes ("187MB").
pub fn human_size(bytes: u64) -> String {
    human_size_with_precision(bytes, 3)
}

/// Go's `units.HumanSizeWithPrecision(size, precision)` (`%.*g`): decimal units, `precision`
/// significant digits, trailing zeros dropped. The docker CLI's `units.HumanSize` is
/// precision 4 ("Sending build context to Docker daemon  2.048kB").
pub fn human_size_with_precision(bytes: u64, precision: usize) -> String {
    const UNITS: [&str; 7] = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
    let mut size = bytes as f64;
    let mut unit = 0;
    while size >= 1000.0 && unit + 1 < UNITS.len() {
        size /= 1000.0;
        unit += 1;
    }
    format!("{}{}", significant(size, precision.max(1)), UNITS[unit])
}

/// `%.{digits}g` for values in [0, 1000): `digits` significant digits, trailing zeros dropped.
fn significant(v: f64, digits: usize) -> String {
    let integer_digits = if v >= 100.0 {
        3
    } else if v >= 10.0 {
        2
    } else {
        1
    };
    let decimals = digits.saturating_sub(integer_digits);
    let text = format!("{v:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    // Rounding can carry into one more digit than asked (999.6 -> "1000" at three digits);
    // Go's %g switches to an exponent then.
    let integer_part = text.split('.').next().unwrap_or("");
    if integer_part.len() > digits {
        format!("1e+{:02}", integer_part.len() - 1)
    } else {
        text
    }
}

/// Go's `units.HumanDuration`, as `docker ps` prints "Up 5 seconds" and "2 minutes ago".
pub fn human_duration(ms: u64) -> String {
    let seconds = ms / 1000;
    let minutes = seconds / 60;
    let hours = (ms as f64 / 3_600_000.0 + 0.5) as u64;
    if seconds < 1 {
        "Less than a second".into()
    } else if seconds == 1 {
        "1 second".into()
    } else if seconds < 60 {
        format!("{seconds} seconds")
    } else if minutes == 1 {
        "About a minute".into()
    } else if minutes < 60 {
        format!("{minutes} minutes")
    } else if hours == 1 {
        "About an hour".into()
    } else if hours < 48 {
        format!("{hours} hours")
    } else if hours < 24 * 7 * 2 {
        format!("{} days", hours / 24)
    } else if hours < 24 * 30 * 2 {
        format!("{} weeks", hours / 24 / 7)
    } else if hours < 24 * 365 * 2 {
        format!("{} months", hours / 24 / 30)
    } else {
        format!("{} years", hours / 24 / 365)
    }
}

/// Cuts `text` to `max` characters, ending with "…" when cut (docker's `TruncateID`-style
/// ellipsis for commands and history lines).
pub fn ellipsis(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// Logical ms since the World began (negative: before it, as stock images were made), as an
/// RFC 3339 timestamp. The World's clock starts at 2025-01-01T00:00:00Z so that dates look real,
/// come after the stock images' real build dates, and never depend on the host's clock.
pub fn rfc3339(ms: impl Stamp) -> String {
    let ms = ms.ms();
    let (y, mo, d, h, mi, s) = civil(EPOCH + ms.div_euclid(1000));
    format!(
        "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{:09}Z",
        ms.rem_euclid(1000) * 1_000_000
    )
}

/// `2025-01-01 00:00:05 +0000 UTC`, the `CreatedAt` form of `docker ps --format`.
pub fn go_time(ms: impl Stamp) -> String {
    let ms = ms.ms();
    let (y, mo, d, h, mi, s) = civil(EPOCH + ms.div_euclid(1000));
    format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02} +0000 UTC")
}

/// A time on the World's clock: a Tick (u64) or an image stamp (i64, maybe before tick 0).
pub trait Stamp {
    fn ms(self) -> i64;
}
impl Stamp for u64 {
    fn ms(self) -> i64 {
        i64::try_from(self).unwrap_or(i64::MAX)
    }
}
impl Stamp for i64 {
    fn ms(self) -> i64 {
        self
    }
}

/// Milliseconds from `created` (an image stamp, possibly before the World began) to `now`.
pub fn since(now: u64, created: i64) -> u64 {
    let now = i64::try_from(now).unwrap_or(i64::MAX);
    u64::try_from(now.saturating_sub(created)).unwrap_or(0)
}

/// Unix seconds of the World's tick 0 (2025-01-01T00:00:00Z).
pub const EPOCH_UNIX: u64 = 1_735_689_600;
const EPOCH: i64 = EPOCH_UNIX as i64;

/// A Unix time in seconds (before 1970 too) as (year, month, day, hour, minute, second), by
/// the core's one calendar routine.
fn civil(unix: i64) -> (i64, i64, i64, i64, i64, i64) {
    let t = crate::program::calendar::DateTime::from_unix_signed(unix);
    (
        t.year,
        i64::from(t.month),
        i64::from(t.day),
        i64::from(t.hour),
        i64::from(t.minute),
        i64::from(t.second),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_match_go_units() {
        assert_eq!(human_size(0), "0B");
        assert_eq!(human_size(1234), "1.23kB");
        assert_eq!(human_size(7_800_000), "7.8MB");
        assert_eq!(human_size(187_000_000), "187MB");
        assert_eq!(human_size(10_500), "10.5kB");
        assert_eq!(human_size(999_600), "1e+03kB");
        assert_eq!(human_size_with_precision(2048, 4), "2.048kB");
        assert_eq!(human_size_with_precision(123_456_789, 4), "123.5MB");
        assert_eq!(human_size_with_precision(999, 4), "999B");
    }

    #[test]
    fn durations_match_go_units() {
        assert_eq!(human_duration(500), "Less than a second");
        assert_eq!(human_duration(1000), "1 second");
        assert_eq!(human_duration(45_000), "45 seconds");
        assert_eq!(human_duration(90_000), "About a minute");
        assert_eq!(human_duration(5 * 60_000), "5 minutes");
        assert_eq!(human_duration(3_600_000), "About an hour");
        assert_eq!(human_duration(3 * 3_600_000), "3 hours");
    }

    #[test]
    fn table_pads_by_three_to_at_least_ten_like_docker() {
        let t = table(&["A", "LONGER"], &[vec!["xyz".into(), "1".into()]]);
        assert_eq!(t, "A         LONGER\nxyz       1\n");
        let wide = table(&["NAME", "X"], &[vec!["twelve-chars".into(), "1".into()]]);
        assert_eq!(wide, "NAME           X\ntwelve-chars   1\n");
        // An empty `docker ps`, as the docker CLI prints it.
        let header = [
            "CONTAINER ID",
            "IMAGE",
            "COMMAND",
            "CREATED",
            "STATUS",
            "PORTS",
            "NAMES",
        ];
        assert_eq!(
            table(&header, &[]),
            "CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS    PORTS     NAMES\n"
        );
    }

    #[test]
    fn dates() {
        assert_eq!(rfc3339(0u64), "2025-01-01T00:00:00.000000000Z");
        assert_eq!(go_time(86_400_000u64 * 59), "2025-03-01 00:00:00 +0000 UTC");
        // Before the World began: nginx 1.27.2's image, 2024-10-02 (91 days earlier).
        assert_eq!(
            rfc3339(-91 * 86_400_000i64),
            "2024-10-02T00:00:00.000000000Z"
        );
        assert_eq!(since(5_000, -10_000), 15_000);
        assert_eq!(ellipsis("abcdef", 4), "abc…");
    }
}
