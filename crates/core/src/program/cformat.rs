//! C's printf conversions for one value (`%-8.3f`, `%5d`, `%g`, `%x`, `%c`, `%s`), as awk's
//! printf and sprintf and number-to-string conversion (`%.6g`) need them.

/// A parsed `%[flags][width][.precision]conv`.
#[derive(Clone, Debug, Default)]
pub struct Spec {
    pub left: bool,
    pub zero: bool,
    pub plus: bool,
    pub space: bool,
    pub alt: bool,
    pub width: usize,
    pub precision: Option<usize>,
    pub conv: char,
}

/// A number in C's `%e` style with `prec` digits after the point.
fn exp_form(v: f64, prec: usize, upper: bool) -> String {
    let s = format!("{v:.prec$e}");
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let sign = if exp < 0 { '-' } else { '+' };
    let e = if upper { 'E' } else { 'e' };
    format!("{mant}{e}{sign}{:02}", exp.abs())
}

/// `%g`: the shorter of `%e` and `%f` with `prec` significant digits, trailing zeros dropped.
pub fn general(v: f64, prec: usize, alt: bool, upper: bool) -> String {
    if !v.is_finite() {
        return non_finite(v, upper);
    }
    let p = prec.max(1);
    if v == 0.0 {
        return if alt {
            format!("{:.*}", p - 1, 0.0)
        } else {
            "0".into()
        };
    }
    let exp_text = exp_form(v, p - 1, upper);
    let exp: i32 = exp_text
        .rsplit(['e', 'E'])
        .next()
        .and_then(|e| e.parse().ok())
        .unwrap_or(0);
    let body = if exp < -4 || exp >= p as i32 {
        exp_text
    } else {
        let decimals = (p as i32 - 1 - exp).max(0) as usize;
        format!("{v:.decimals$}")
    };
    if alt {
        return body;
    }
    // Trailing zeros of the fraction go (in the mantissa for the exponent form).
    let (mant, tail) = match body.find(['e', 'E']) {
        Some(i) => (body.get(..i).unwrap_or(""), body.get(i..).unwrap_or("")),
        None => (body.as_str(), ""),
    };
    let mant = if mant.contains('.') {
        mant.trim_end_matches('0').trim_end_matches('.')
    } else {
        mant
    };
    format!("{mant}{tail}")
}

fn non_finite(v: f64, upper: bool) -> String {
    let s = if v.is_nan() {
        "nan"
    } else if v > 0.0 {
        "inf"
    } else {
        "-inf"
    };
    if upper {
        s.to_uppercase()
    } else {
        s.to_string()
    }
}

/// Parses the spec that starts at `chars[i]` (just after `%`); returns it and the index
/// after the conversion character. `*` widths take values from `star`.
pub fn parse(chars: &[char], mut i: usize, star: &mut dyn FnMut() -> i64) -> Option<(Spec, usize)> {
    let mut s = Spec::default();
    while let Some(&c) = chars.get(i) {
        match c {
            '-' => s.left = true,
            '0' => s.zero = true,
            '+' => s.plus = true,
            ' ' => s.space = true,
            '#' => s.alt = true,
            _ => break,
        }
        i += 1;
    }
    if chars.get(i) == Some(&'*') {
        let w = star();
        s.left |= w < 0;
        s.width = w.unsigned_abs().min(4096) as usize;
        i += 1;
    } else {
        while let Some(d) = chars.get(i).and_then(|c| c.to_digit(10)) {
            s.width = (s.width * 10 + d as usize).min(4096);
            i += 1;
        }
    }
    if chars.get(i) == Some(&'.') {
        i += 1;
        let mut p = 0usize;
        if chars.get(i) == Some(&'*') {
            p = star().clamp(0, 4096) as usize;
            i += 1;
        } else {
            while let Some(d) = chars.get(i).and_then(|c| c.to_digit(10)) {
                p = (p * 10 + d as usize).min(4096);
                i += 1;
            }
        }
        s.precision = Some(p);
    }
    // Length modifiers mean nothing here.
    while matches!(chars.get(i), Some('l' | 'h' | 'L' | 'q' | 'j' | 'z')) {
        i += 1;
    }
    s.conv = *chars.get(i)?;
    Some((s, i + 1))
}

fn pad(spec: &Spec, body: String, numeric: bool) -> String {
    let len = body.chars().count();
    if len >= spec.width {
        return body;
    }
    let fill = spec.width - len;
    if spec.left {
        format!("{body}{}", " ".repeat(fill))
    } else if spec.zero && numeric {
        let split = body
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(0)
            .min(body.len());
        let (sign, digits) = body.split_at(split);
        format!("{sign}{}{digits}", "0".repeat(fill))
    } else {
        format!("{}{body}", " ".repeat(fill))
    }
}

fn signed(spec: &Spec, negative: bool, digits: String) -> String {
    let sign = if negative {
        "-"
    } else if spec.plus {
        "+"
    } else if spec.space {
        " "
    } else {
        ""
    };
    format!("{sign}{digits}")
}

/// Formats a number for a numeric conversion.
pub fn number(spec: &Spec, v: f64) -> String {
    let body = match spec.conv {
        'd' | 'i' => {
            let n = if v.is_finite() { v.trunc() } else { 0.0 };
            let mut digits = format!("{}", n.abs() as u64);
            if let Some(p) = spec.precision {
                while digits.len() < p {
                    digits.insert(0, '0');
                }
            }
            signed(spec, n < 0.0, digits)
        }
        'o' | 'x' | 'X' | 'u' => {
            let n = if v.is_finite() {
                v.trunc() as i64 as u64
            } else {
                0
            };
            match spec.conv {
                'o' => format!("{n:o}"),
                'x' => format!("{n:x}"),
                'X' => format!("{n:X}"),
                _ => n.to_string(),
            }
        }
        'e' | 'E' => {
            if !v.is_finite() {
                non_finite(v, spec.conv == 'E')
            } else {
                let t = exp_form(v.abs(), spec.precision.unwrap_or(6), spec.conv == 'E');
                signed(spec, v.is_sign_negative() && v != 0.0, t)
            }
        }
        'g' | 'G' => {
            let t = general(
                v.abs(),
                spec.precision.unwrap_or(6),
                spec.alt,
                spec.conv == 'G',
            );
            signed(spec, v.is_sign_negative() && v != 0.0, t)
        }
        'c' => char::from_u32(v as u32)
            .map(String::from)
            .unwrap_or_default(),
        _ => {
            if !v.is_finite() {
                non_finite(v, false)
            } else {
                let p = spec.precision.unwrap_or(6);
                signed(
                    spec,
                    v.is_sign_negative() && v != 0.0,
                    format!("{:.p$}", v.abs()),
                )
            }
        }
    };
    let numeric = spec.conv != 'c';
    pad(spec, body, numeric)
}

/// Formats a string for `%s` (precision cuts it) or `%c` (its first character).
pub fn string(spec: &Spec, s: &str) -> String {
    let body: String = match (spec.conv, spec.precision) {
        ('c', _) => s.chars().next().map(String::from).unwrap_or_default(),
        (_, Some(p)) => s.chars().take(p).collect(),
        _ => s.to_string(),
    };
    pad(spec, body, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(spec: &str, v: f64) -> String {
        let chars: Vec<char> = spec.chars().collect();
        let (s, _) = parse(&chars, 0, &mut || 0).expect("spec");
        number(&s, v)
    }

    #[test]
    fn like_c() {
        assert_eq!(f("5.2f", 1.23456), " 1.23");
        assert_eq!(f("-5d|", 42.0), "42   ");
        assert_eq!(f("05d", -42.0), "-0042");
        assert_eq!(f("g", 0.0001), "0.0001");
        assert_eq!(f("g", 1e-5), "1e-05");
        assert_eq!(f("g", 123456789.0), "1.23457e+08");
        assert_eq!(f(".6g", 3.0), "3");
        assert_eq!(f("e", 1234.5), "1.234500e+03");
        assert_eq!(f("x", 255.0), "ff");
        assert_eq!(f("+d", 5.0), "+5");
    }
}
