//! Calendar arithmetic on the logical clock (UTC only; containers default to UTC): the core's one
//! days <-> year/month/day routine, used by `date` and by the timestamps docker prints.

/// A broken-down UTC time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateTime {
    pub year: i64,
    /// 1..=12
    pub month: u32,
    /// 1..=31
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    /// 0 = Sunday
    pub weekday: u32,
    /// 1..=366
    pub yday: u32,
}

pub const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
pub const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const LONG_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const LONG_DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

impl DateTime {
    pub fn from_unix(secs: u64) -> DateTime {
        DateTime::from_unix_signed(i64::try_from(secs).unwrap_or(i64::MAX / 2))
    }

    /// Like [`DateTime::from_unix`], for times before 1970 too.
    pub fn from_unix_signed(secs: i64) -> DateTime {
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        let weekday = (days + 4).rem_euclid(7) as u32;
        let yday = (days - days_from_civil(year, 1, 1) + 1) as u32;
        DateTime {
            year,
            month,
            day,
            hour: (rem / 3600) as u32,
            minute: (rem % 3600 / 60) as u32,
            second: (rem % 60) as u32,
            weekday,
            yday,
        }
    }

    pub fn month_name(&self) -> &'static str {
        MONTHS
            .get(self.month.saturating_sub(1) as usize)
            .copied()
            .unwrap_or("Jan")
    }

    pub fn day_name(&self) -> &'static str {
        DAYS.get(self.weekday as usize).copied().unwrap_or("Sun")
    }

    /// `date`'s default: "Mon Jan  1 00:00:00 UTC 2024".
    pub fn busybox_default(&self) -> String {
        self.strftime("%a %b %e %H:%M:%S %Z %Y")
    }

    /// The strftime subset `date +FORMAT` and server logs use.
    pub fn strftime(&self, fmt: &str) -> String {
        let mut out = String::new();
        let mut chars = fmt.chars();
        while let Some(c) = chars.next() {
            if c != '%' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some('Y') => out.push_str(&self.year.to_string()),
                Some('y') => out.push_str(&format!("{:02}", self.year.rem_euclid(100))),
                Some('m') => out.push_str(&format!("{:02}", self.month)),
                Some('d') => out.push_str(&format!("{:02}", self.day)),
                Some('e') => out.push_str(&format!("{:2}", self.day)),
                Some('H') => out.push_str(&format!("{:02}", self.hour)),
                Some('I') => out.push_str(&format!("{:02}", (self.hour + 11) % 12 + 1)),
                Some('p') => out.push_str(if self.hour < 12 { "AM" } else { "PM" }),
                Some('M') => out.push_str(&format!("{:02}", self.minute)),
                Some('S') => out.push_str(&format!("{:02}", self.second)),
                Some('j') => out.push_str(&format!("{:03}", self.yday)),
                Some('a') => out.push_str(self.day_name()),
                Some('A') => {
                    out.push_str(LONG_DAYS.get(self.weekday as usize).copied().unwrap_or(""))
                }
                Some('b') | Some('h') => out.push_str(self.month_name()),
                Some('B') => out.push_str(
                    LONG_MONTHS
                        .get(self.month.saturating_sub(1) as usize)
                        .copied()
                        .unwrap_or(""),
                ),
                Some('u') => {
                    out.push_str(&(if self.weekday == 0 { 7 } else { self.weekday }).to_string())
                }
                Some('w') => out.push_str(&self.weekday.to_string()),
                Some('Z') => out.push_str("UTC"),
                Some('z') => out.push_str("+0000"),
                Some('s') => out.push_str(&self.unix().to_string()),
                Some('F') => out.push_str(&self.strftime("%Y-%m-%d")),
                Some('T') => out.push_str(&self.strftime("%H:%M:%S")),
                Some('D') => out.push_str(&self.strftime("%m/%d/%y")),
                Some('R') => out.push_str(&self.strftime("%H:%M")),
                Some('c') => out.push_str(&self.strftime("%a %b %e %H:%M:%S %Y")),
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('N') => out.push_str("000000000"),
                Some('%') => out.push('%'),
                Some(other) => {
                    out.push('%');
                    out.push(other);
                }
                None => out.push('%'),
            }
        }
        out
    }

    pub fn unix(&self) -> i64 {
        days_from_civil(self.year, self.month, self.day) * 86_400
            + i64::from(self.hour) * 3600
            + i64::from(self.minute) * 60
            + i64::from(self.second)
    }
}

/// Days in a month, for validating parsed dates.
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(
            DateTime::from_unix(0).busybox_default(),
            "Thu Jan  1 00:00:00 UTC 1970"
        );
        assert_eq!(
            DateTime::from_unix(1_704_067_200).busybox_default(),
            "Mon Jan  1 00:00:00 UTC 2024"
        );
        let leap = DateTime::from_unix(1_709_164_800 + 3661);
        assert_eq!(leap.strftime("%F %T %j"), "2024-02-29 01:01:01 060");
        assert_eq!(leap.unix(), 1_709_164_800 + 3661);
        assert_eq!(days_in_month(2023, 2), 28);
        let far = DateTime::from_unix(u64::MAX);
        assert!(far.year > 1970);
    }
}
