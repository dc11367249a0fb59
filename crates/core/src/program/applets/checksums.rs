//! Checksums (`md5sum`, `sha1sum`, `sha256sum`, `sha512sum`, with `-c`) and `base64`.

use super::files::read;
use crate::digest::hex;
use crate::program::kernel::{Kernel, Proc};
use sha2::{Digest, Sha256, Sha512};

fn digest(algo: &str, data: &[u8]) -> String {
    match algo {
        "md5" => hex(&md5(data)),
        "sha1" => hex(&sha1(data)),
        "sha512" => hex(&Sha512::digest(data)),
        _ => hex(&Sha256::digest(data)),
    }
}

/// `md5sum`, `sha1sum`, `sha256sum`, `sha512sum`: "HASH  NAME" per file, `-` for stdin.
pub fn sum(k: &mut Kernel, p: &mut Proc) -> i32 {
    let name = p.name().to_string();
    let algo = name.trim_end_matches("sum").to_string();
    let check = p.args().iter().any(|a| a == "-c");
    let mut files: Vec<String> = p
        .args()
        .iter()
        .filter(|a| !(a.starts_with('-') && a.len() > 1))
        .cloned()
        .collect();
    if files.is_empty() {
        files.push("-".into());
    }
    let mut status = 0;
    let (mut checked, mut mismatched) = (0, 0);
    for f in files {
        let data = if f == "-" {
            Ok(p.stdin.take_all())
        } else {
            read(k, p, &f)
        };
        let data = match data {
            Ok(d) => d,
            Err(e) => {
                k.err(p, &format!("{name}: can't open '{f}': {e}\n"));
                status = 1;
                continue;
            }
        };
        if !check {
            k.out(p, &format!("{}  {f}\n", digest(&algo, &data)));
            continue;
        }
        for line in String::from_utf8_lossy(&data).lines() {
            let Some((want, file)) = line.split_once("  ") else {
                continue;
            };
            let ok = read(k, p, file).is_ok_and(|d| digest(&algo, &d) == want);
            k.out(
                p,
                &format!("{file}: {}\n", if ok { "OK" } else { "FAILED" }),
            );
            checked += 1;
            if !ok {
                mismatched += 1;
                status = 1;
            }
        }
    }
    if mismatched > 0 {
        let msg = format!(
            "{name}: WARNING: {mismatched} of {checked} computed checksums did NOT match\n"
        );
        k.err(p, &msg);
    }
    status
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub fn base64(k: &mut Kernel, p: &mut Proc) -> i32 {
    let decode = p.args().iter().any(|a| a == "-d");
    let file = p.args().iter().find(|a| !a.starts_with('-')).cloned();
    let data = match file {
        Some(f) if f != "-" => match read(k, p, &f) {
            Ok(d) => d,
            Err(e) => {
                k.err(p, &format!("base64: can't open '{f}': {e}\n"));
                return 1;
            }
        },
        _ => p.stdin.take_all(),
    };
    if decode {
        let mut out = Vec::new();
        let mut acc = 0u32;
        let mut bits = 0;
        for &b in &data {
            let Some(v) = B64.iter().position(|&c| c == b) else {
                if b == b'=' {
                    break;
                }
                continue;
            };
            acc = (acc << 6) | v as u32;
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push((acc >> bits) as u8);
                acc &= (1 << bits) - 1;
            }
        }
        k.out_bytes(p, &out);
        return 0;
    }
    let mut text = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                let idx = ((n >> (18 - 6 * i)) & 63) as usize;
                text.push(char::from(B64.get(idx).copied().unwrap_or(b'A')));
            } else {
                text.push('=');
            }
        }
    }
    let mut out = String::new();
    let chars: Vec<char> = text.chars().collect();
    for line in chars.chunks(76) {
        out.extend(line);
        out.push('\n');
    }
    k.out(p, &out);
    0
}

/// MD5 (RFC 1321).
fn md5(data: &[u8]) -> [u8; 16] {
    const S: [u32; 64] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5,
        9, 14, 20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10,
        15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ];
    let kk: Vec<u32> = (0..64)
        .map(|i| ((i as f64 + 1.0).sin().abs() * 4_294_967_296.0) as u32)
        .collect();
    let mut h: [u32; 4] = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476];
    for block in padded(data, false).chunks(64) {
        let m: Vec<u32> = block
            .chunks(4)
            .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
            .collect();
        let [mut a, mut b, mut c, mut d] = h;
        for i in 0..64 {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let f = f.wrapping_add(a).wrapping_add(kk[i]).wrapping_add(m[g]);
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(f.rotate_left(S[i]));
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 16];
    for (i, w) in h.iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&w.to_le_bytes());
    }
    out
}

/// SHA-1 (FIPS 180-4).
fn sha1(data: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [
        0x6745_2301,
        0xEFCD_AB89,
        0x98BA_DCFE,
        0x1032_5476,
        0xC3D2_E1F0,
    ];
    for block in padded(data, true).chunks(64) {
        let mut w = [0u32; 80];
        for (i, c) in block.chunks(4).enumerate() {
            w[i] = u32::from_be_bytes([c[0], c[1], c[2], c[3]]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = h;
        for (i, wi) in w.iter().enumerate() {
            let (f, kc) = match i / 20 {
                0 => ((b & c) | (!b & d), 0x5A82_7999),
                1 => (b ^ c ^ d, 0x6ED9_EBA1),
                2 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6u32),
            };
            let t = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(kc)
                .wrapping_add(*wi);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = t;
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 20];
    for (i, w) in h.iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&w.to_be_bytes());
    }
    out
}

/// The message padded to whole 64-byte blocks with its bit length (big- or little-endian).
fn padded(data: &[u8], big_endian: bool) -> Vec<u8> {
    let mut m = data.to_vec();
    let bits = (data.len() as u64).wrapping_mul(8);
    m.push(0x80);
    while m.len() % 64 != 56 {
        m.push(0);
    }
    m.extend_from_slice(&if big_endian {
        bits.to_be_bytes()
    } else {
        bits.to_le_bytes()
    });
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digests() {
        assert_eq!(hex(&md5(b"")), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(hex(&md5(b"hi\n")), "764efa883dda1e11db47671c4a3bbd9e");
        assert_eq!(
            hex(&sha1(b"abc")),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
    }
}
