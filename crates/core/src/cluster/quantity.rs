//! Kubernetes quantities: CPU in millicores (`100m`, `0.5`, `2`) and memory in bytes (`128Mi`,
//! `1Gi`, `500M`, `1024`), parsed and printed as kubectl spells them.

/// CPU in millicores: `100m` → 100, `0.5` → 500, `2` → 2000.
pub fn parse_cpu(text: &str) -> Option<u64> {
    if let Some(milli) = text.strip_suffix('m') {
        return milli.parse().ok();
    }
    let cores: f64 = text.parse().ok()?;
    let milli = (cores * 1000.0).round();
    (milli.is_finite() && (0.0..=1e15).contains(&milli)).then_some(milli as u64)
}

/// Memory in bytes with Kubernetes' suffixes: binary `Ki Mi Gi Ti`, decimal `k M G T`.
pub fn parse_memory(text: &str) -> Option<u64> {
    const UNITS: &[(&str, u64)] = &[
        ("Ki", 1 << 10),
        ("Mi", 1 << 20),
        ("Gi", 1 << 30),
        ("Ti", 1 << 40),
        ("k", 1_000),
        ("M", 1_000_000),
        ("G", 1_000_000_000),
        ("T", 1_000_000_000_000),
    ];
    let (number, scale) = UNITS
        .iter()
        .find_map(|(suffix, scale)| text.strip_suffix(suffix).map(|n| (n, *scale)))
        .unwrap_or((text, 1));
    let value: f64 = number.parse().ok()?;
    let bytes = (value * scale as f64).round();
    (bytes.is_finite() && (0.0..=1e18).contains(&bytes)).then_some(bytes as u64)
}

/// Millicores as kubectl prints them: whole cores as `2`, the rest as `250m`.
pub fn format_cpu(milli: u64) -> String {
    if milli.is_multiple_of(1000) {
        format!("{}", milli / 1000)
    } else {
        format!("{milli}m")
    }
}

/// Bytes in the largest binary unit that divides them exactly (`128Mi`, `4Gi`).
pub fn format_memory(bytes: u64) -> String {
    for (suffix, scale) in [
        ("Ti", 1u64 << 40),
        ("Gi", 1 << 30),
        ("Mi", 1 << 20),
        ("Ki", 1 << 10),
    ] {
        if bytes >= scale && bytes.is_multiple_of(scale) {
            return format!("{}{suffix}", bytes / scale);
        }
    }
    bytes.to_string()
}

/// Whole mebibytes, as `kubectl top` prints memory (`128Mi`).
pub fn format_memory_mi(bytes: u64) -> String {
    format!("{}Mi", bytes >> 20)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_and_memory_forms() {
        assert_eq!(parse_cpu("100m"), Some(100));
        assert_eq!(parse_cpu("0.5"), Some(500));
        assert_eq!(parse_cpu("2"), Some(2000));
        assert_eq!(parse_cpu("x"), None);
        assert_eq!(parse_memory("128Mi"), Some(128 << 20));
        assert_eq!(parse_memory("1G"), Some(1_000_000_000));
        assert_eq!(parse_memory("512"), Some(512));
        assert_eq!(parse_memory("Mi"), None);
        assert_eq!(format_cpu(2000), "2");
        assert_eq!(format_cpu(250), "250m");
        assert_eq!(format_memory(4 << 30), "4Gi");
        assert_eq!(format_memory(1000), "1000");
    }
}
