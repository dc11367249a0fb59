//! `od` and `hexdump`: bytes shown as octal, hex, decimal or characters, sixteen to a line,
//! with repeated lines folded into `*` as both do.

use super::files::read;
use crate::program::kernel::{Kernel, Proc};

/// How one item of a line is shown.
#[derive(Clone, Copy)]
enum Item {
    /// Bytes per item, radix, digits.
    Int(usize, u32, usize),
    SignedByte,
    Char,
}

fn char_item(b: u8) -> String {
    let s = match b {
        0 => "\\0".to_string(),
        7 => "\\a".into(),
        8 => "\\b".into(),
        9 => "\\t".into(),
        10 => "\\n".into(),
        11 => "\\v".into(),
        12 => "\\f".into(),
        13 => "\\r".into(),
        32..=126 => char::from(b).to_string(),
        _ => format!("{b:03o}"),
    };
    format!("{s:>4}")
}

fn render(line: &[u8], item: Item) -> String {
    let mut out = String::new();
    match item {
        Item::Char => {
            for &b in line {
                out.push_str(&char_item(b));
            }
        }
        Item::SignedByte => {
            for &b in line {
                out.push_str(&format!(" {:>4}", b as i8));
            }
        }
        Item::Int(size, radix, digits) => {
            for chunk in line.chunks(size) {
                let mut v: u64 = 0;
                for (i, b) in chunk.iter().enumerate() {
                    v |= u64::from(*b) << (8 * i);
                }
                let text = match radix {
                    8 => format!("{v:0digits$o}"),
                    16 => format!("{v:0digits$x}"),
                    _ => format!("{v:>digits$}"),
                };
                out.push(' ');
                out.push_str(&text);
            }
        }
    }
    out
}

fn input(k: &mut Kernel, p: &Proc, files: &[String], who: &str) -> Result<Vec<u8>, i32> {
    if files.is_empty() {
        return Ok(p.stdin.take_all());
    }
    let mut data = Vec::new();
    for f in files {
        match read(k, p, f) {
            Ok(d) => data.extend(d),
            Err(e) => {
                k.err(p, &format!("{who}: {f}: {e}\n"));
                return Err(1);
            }
        }
    }
    Ok(data)
}

/// Lines of 16 bytes with `*` for repeats; `show` renders one line at an offset.
fn lines(data: &[u8], show: &mut dyn FnMut(usize, &[u8]) -> String) -> String {
    let mut out = String::new();
    let mut prev: Option<&[u8]> = None;
    let mut starred = false;
    for (i, line) in data.chunks(16).enumerate() {
        if prev == Some(line) && line.len() == 16 {
            if !starred {
                out.push_str("*\n");
                starred = true;
            }
            continue;
        }
        starred = false;
        prev = Some(line);
        out.push_str(&show(i * 16, line));
    }
    out
}

pub fn od(k: &mut Kernel, p: &mut Proc) -> i32 {
    let mut item = Item::Int(2, 8, 6);
    let mut addr = true;
    let mut files = Vec::new();
    let args = p.args().to_vec();
    let mut i = 0;
    while let Some(a) = args.get(i) {
        i += 1;
        let mut take = |flag: &str| -> Option<String> {
            match a.strip_prefix(flag) {
                Some("") => {
                    i += 1;
                    args.get(i - 1).cloned()
                }
                Some(v) => Some(v.to_string()),
                None => None,
            }
        };
        if let Some(t) = take("-t") {
            item = match t.as_str() {
                "x1" => Item::Int(1, 16, 2),
                "x2" | "x" => Item::Int(2, 16, 4),
                "x4" => Item::Int(4, 16, 8),
                "o1" => Item::Int(1, 8, 3),
                "o2" | "o" => Item::Int(2, 8, 6),
                "u1" => Item::Int(1, 10, 3),
                "u2" | "u" => Item::Int(2, 10, 5),
                "d1" => Item::SignedByte,
                "c" | "a" => Item::Char,
                other => {
                    k.err(p, &format!("od: invalid type string '{other}'\n"));
                    return 1;
                }
            };
        } else if let Some(v) = take("-A") {
            addr = v != "n";
        } else {
            match a.as_str() {
                "-c" => item = Item::Char,
                "-x" => item = Item::Int(2, 16, 4),
                "-b" => item = Item::Int(1, 8, 3),
                "-d" => item = Item::Int(2, 10, 5),
                "-o" => item = Item::Int(2, 8, 6),
                s if s.starts_with('-') && s.len() > 1 => {
                    return super::bad_option(k, p, s.chars().nth(1).unwrap_or('?'));
                }
                _ => files.push(a.clone()),
            }
        }
    }
    let data = match input(k, p, &files, "od") {
        Ok(d) => d,
        Err(code) => return code,
    };
    let mut out = lines(&data, &mut |off, line| {
        let prefix = if addr {
            format!("{off:07o}")
        } else {
            String::new()
        };
        format!("{prefix}{}\n", render(line, item))
    });
    if addr {
        out.push_str(&format!("{:07o}\n", data.len()));
    }
    k.out(p, &out);
    0
}

pub fn hexdump(k: &mut Kernel, p: &mut Proc) -> i32 {
    let canonical = p.args().iter().any(|a| a == "-C");
    let files: Vec<String> = p
        .args()
        .iter()
        .filter(|a| !a.starts_with('-'))
        .cloned()
        .collect();
    let data = match input(k, p, &files, "hexdump") {
        Ok(d) => d,
        Err(code) => return code,
    };
    let mut out = lines(&data, &mut |off, line| {
        if !canonical {
            return format!("{off:07x}{}\n", render(line, Item::Int(2, 16, 4)));
        }
        let mut hex = String::new();
        for i in 0..16 {
            match line.get(i) {
                Some(b) => hex.push_str(&format!("{b:02x} ")),
                None => hex.push_str("   "),
            }
            if i == 7 {
                hex.push(' ');
            }
        }
        let text: String = line
            .iter()
            .map(|&b| {
                if (32..127).contains(&b) {
                    char::from(b)
                } else {
                    '.'
                }
            })
            .collect();
        format!("{off:08x}  {hex} |{text}|\n")
    });
    if !data.is_empty() || !canonical {
        out.push_str(&if canonical {
            format!("{:08x}\n", data.len())
        } else {
            format!("{:07x}\n", data.len())
        });
    }
    k.out(p, &out);
    0
}
