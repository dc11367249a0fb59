//! Signal names and numbers as `docker kill --signal` accepts them.

pub(crate) const SIGKILL: i32 = 9;
pub(crate) const SIGTERM: i32 = 15;

/// `KILL`, `SIGTERM` or a number from 1 to 64.
pub(crate) fn signal_number(signal: &str) -> Option<i32> {
    let name = signal.trim_start_matches("SIG");
    let table = [
        ("HUP", 1),
        ("INT", 2),
        ("QUIT", 3),
        ("KILL", 9),
        ("USR1", 10),
        ("USR2", 12),
        ("TERM", 15),
    ];
    table
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| *v)
        .or_else(|| signal.parse().ok().filter(|n| (1..=64).contains(n)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_with_or_without_sig_and_numbers_in_range() {
        assert_eq!(signal_number("SIGTERM"), Some(SIGTERM));
        assert_eq!(signal_number("KILL"), Some(SIGKILL));
        assert_eq!(signal_number("64"), Some(64));
        assert_eq!(signal_number("65"), None);
        assert_eq!(signal_number("0"), None);
        assert_eq!(signal_number("BOGUS"), None);
    }
}
