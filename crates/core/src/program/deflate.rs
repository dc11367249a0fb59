//! DEFLATE (RFC 1951) and the gzip container (RFC 1952), for `gzip`, `gunzip`, `zcat` and
//! `tar z`. Compression is LZ77 over a 32 KiB window with fixed Huffman codes: real gzip output,
//! a little larger than gzip -6 makes. Decompression reads stored, fixed and dynamic blocks.

const WINDOW: usize = 32 * 1024;
const MAX_CHAIN: usize = 32;

fn crc32(data: &[u8]) -> u32 {
    let mut table = [0u32; 256];
    for (i, slot) in table.iter_mut().enumerate() {
        let mut c = i as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
        *slot = c;
    }
    let mut crc = !0u32;
    for &b in data {
        crc = table[((crc ^ u32::from(b)) & 0xff) as usize] ^ (crc >> 8);
    }
    !crc
}

struct BitWriter {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl BitWriter {
    fn bits(&mut self, value: u32, count: u32) {
        self.acc |= u64::from(value) << self.n;
        self.n += count;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    /// A Huffman code, most significant bit first.
    fn code(&mut self, code: u32, len: u32) {
        let mut rev = 0;
        for i in 0..len {
            rev |= ((code >> i) & 1) << (len - 1 - i);
        }
        self.bits(rev, len);
    }

    fn finish(mut self) -> Vec<u8> {
        if self.n > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

/// The fixed literal/length code of `sym` (RFC 1951 3.2.6).
fn fixed_code(w: &mut BitWriter, sym: u32) {
    match sym {
        0..=143 => w.code(0x30 + sym, 8),
        144..=255 => w.code(0x190 + sym - 144, 9),
        256..=279 => w.code(sym - 256, 7),
        _ => w.code(0xc0 + sym - 280, 8),
    }
}

const LEN_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
const LEN_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];

fn index_for(base: &[u16], value: usize) -> usize {
    base.iter()
        .rposition(|&b| usize::from(b) <= value)
        .unwrap_or(0)
}

/// Raw DEFLATE of `data` in one fixed-Huffman block.
pub fn deflate(data: &[u8]) -> Vec<u8> {
    let mut w = BitWriter {
        out: Vec::new(),
        acc: 0,
        n: 0,
    };
    w.bits(1, 1); // final block
    w.bits(1, 2); // fixed Huffman
    let mut head = vec![usize::MAX; 1 << 15];
    let mut prev = vec![usize::MAX; data.len()];
    let hash = |i: usize| -> usize {
        let a = usize::from(data[i]);
        let b = usize::from(data[i + 1]);
        let c = usize::from(data[i + 2]);
        ((a << 10) ^ (b << 5) ^ c) & 0x7fff
    };
    let mut i = 0;
    while i < data.len() {
        let mut best = (0usize, 0usize);
        if i + 2 < data.len() {
            let h = hash(i);
            let mut cand = head[h];
            let mut chain = 0;
            while cand != usize::MAX && i - cand <= WINDOW && chain < MAX_CHAIN {
                let max = (data.len() - i).min(258);
                let mut len = 0;
                while len < max && data[cand + len] == data[i + len] {
                    len += 1;
                }
                if len > best.0 {
                    best = (len, i - cand);
                }
                cand = prev[cand];
                chain += 1;
            }
            prev[i] = head[h];
            head[h] = i;
        }
        if best.0 >= 3 {
            let (len, dist) = best;
            let li = index_for(&LEN_BASE, len);
            fixed_code(&mut w, 257 + li as u32);
            w.bits(
                (len - usize::from(LEN_BASE[li])) as u32,
                u32::from(LEN_EXTRA[li]),
            );
            let di = index_for(&DIST_BASE, dist);
            w.code(di as u32, 5);
            w.bits(
                (dist - usize::from(DIST_BASE[di])) as u32,
                u32::from(DIST_EXTRA[di]),
            );
            // Index the skipped positions so later matches can find them.
            let end = (i + len).min(data.len().saturating_sub(2));
            for (j, slot) in prev.iter_mut().enumerate().take(end).skip(i + 1) {
                let h = hash(j);
                *slot = head[h];
                head[h] = j;
            }
            i += len;
        } else {
            fixed_code(&mut w, u32::from(data[i]));
            i += 1;
        }
    }
    fixed_code(&mut w, 256);
    w.finish()
}

struct BitReader<'a> {
    data: &'a [u8],
    pos: usize,
    bit: u32,
}

impl BitReader<'_> {
    fn bits(&mut self, count: u32) -> Result<u32, String> {
        let mut v = 0;
        for i in 0..count {
            let byte = *self.data.get(self.pos).ok_or("unexpected end of file")?;
            v |= u32::from((byte >> self.bit) & 1) << i;
            self.bit += 1;
            if self.bit == 8 {
                self.bit = 0;
                self.pos += 1;
            }
        }
        Ok(v)
    }
}

/// A canonical Huffman code: how many codes of each length, and the symbols in code order.
struct Huffman {
    counts: [u16; 16],
    symbols: Vec<u16>,
}

impl Huffman {
    fn new(lengths: &[u8]) -> Huffman {
        let mut counts = [0u16; 16];
        for &l in lengths {
            counts[usize::from(l)] += 1;
        }
        counts[0] = 0;
        let mut offs = [0u16; 16];
        for l in 1..16 {
            offs[l] = offs[l - 1] + counts[l - 1];
        }
        let mut symbols = vec![0u16; lengths.len()];
        for (sym, &l) in lengths.iter().enumerate() {
            if l != 0 {
                symbols[usize::from(offs[usize::from(l)])] = sym as u16;
                offs[usize::from(l)] += 1;
            }
        }
        Huffman { counts, symbols }
    }

    fn decode(&self, r: &mut BitReader) -> Result<u16, String> {
        let (mut code, mut first, mut index) = (0i32, 0i32, 0i32);
        for len in 1..16 {
            code |= r.bits(1)? as i32;
            let count = i32::from(self.counts[len]);
            if code - count < first {
                return self
                    .symbols
                    .get((index + (code - first)) as usize)
                    .copied()
                    .ok_or_else(|| "invalid compressed data".to_string());
            }
            index += count;
            first += count;
            first <<= 1;
            code <<= 1;
        }
        Err("invalid compressed data".into())
    }
}

/// Raw DEFLATE decoding; `limit` bounds the output (a small file can expand enormously).
pub fn inflate(data: &[u8], limit: usize) -> Result<(Vec<u8>, usize), String> {
    let mut r = BitReader {
        data,
        pos: 0,
        bit: 0,
    };
    let mut out: Vec<u8> = Vec::new();
    loop {
        let last = r.bits(1)?;
        match r.bits(2)? {
            0 => {
                if r.bit != 0 {
                    r.bit = 0;
                    r.pos += 1;
                }
                let len = r.bits(16)? as usize;
                let _nlen = r.bits(16)?;
                let chunk = data
                    .get(r.pos..r.pos + len)
                    .ok_or("unexpected end of file")?;
                out.extend_from_slice(chunk);
                r.pos += len;
            }
            kind @ (1 | 2) => {
                let (lit, dist) = if kind == 1 {
                    let mut l = [8u8; 288];
                    l[144..256].fill(9);
                    l[256..280].fill(7);
                    (Huffman::new(&l), Huffman::new(&[5u8; 30]))
                } else {
                    let hlit = r.bits(5)? as usize + 257;
                    let hdist = r.bits(5)? as usize + 1;
                    let hclen = r.bits(4)? as usize + 4;
                    const ORDER: [usize; 19] = [
                        16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
                    ];
                    let mut cl = [0u8; 19];
                    for &o in ORDER.iter().take(hclen) {
                        cl[o] = r.bits(3)? as u8;
                    }
                    let clh = Huffman::new(&cl);
                    let mut lengths = Vec::new();
                    while lengths.len() < hlit + hdist {
                        let sym = clh.decode(&mut r)?;
                        match sym {
                            0..=15 => lengths.push(sym as u8),
                            16 => {
                                let prev = *lengths.last().ok_or("invalid compressed data")?;
                                for _ in 0..3 + r.bits(2)? {
                                    lengths.push(prev);
                                }
                            }
                            17 => lengths.extend(std::iter::repeat_n(0, 3 + r.bits(3)? as usize)),
                            _ => lengths.extend(std::iter::repeat_n(0, 11 + r.bits(7)? as usize)),
                        }
                    }
                    let (l, d) = lengths.split_at(hlit.min(lengths.len()));
                    (Huffman::new(l), Huffman::new(d))
                };
                loop {
                    let sym = lit.decode(&mut r)?;
                    if sym < 256 {
                        out.push(sym as u8);
                    } else if sym == 256 {
                        break;
                    } else {
                        let li = usize::from(sym - 257);
                        let base = *LEN_BASE.get(li).ok_or("invalid compressed data")?;
                        let len = usize::from(base) + r.bits(u32::from(LEN_EXTRA[li]))? as usize;
                        let di = usize::from(dist.decode(&mut r)?);
                        let dbase = *DIST_BASE.get(di).ok_or("invalid compressed data")?;
                        let d = usize::from(dbase) + r.bits(u32::from(DIST_EXTRA[di]))? as usize;
                        if d > out.len() {
                            return Err("invalid compressed data".into());
                        }
                        for _ in 0..len {
                            out.push(out[out.len() - d]);
                        }
                    }
                    if out.len() > limit {
                        return Err("out of memory".into());
                    }
                }
            }
            _ => return Err("invalid compressed data".into()),
        }
        if last == 1 {
            let used = r.pos + usize::from(r.bit != 0);
            return Ok((out, used));
        }
    }
}

/// A gzip member holding `data`, named `name` when given.
pub fn gzip(data: &[u8], name: Option<&str>) -> Vec<u8> {
    let mut out = vec![
        0x1f,
        0x8b,
        8,
        if name.is_some() { 8 } else { 0 },
        0,
        0,
        0,
        0,
        0,
        3,
    ];
    if let Some(n) = name {
        out.extend_from_slice(n.as_bytes());
        out.push(0);
    }
    out.extend(deflate(data));
    out.extend_from_slice(&crc32(data).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

pub fn is_gzip(data: &[u8]) -> bool {
    data.starts_with(&[0x1f, 0x8b])
}

/// The content of gzip data (members one after another), in gunzip's error words.
pub fn gunzip(data: &[u8], limit: usize) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        if !is_gzip(rest) || rest.get(2) != Some(&8) {
            return Err("invalid magic".into());
        }
        let flags = rest.get(3).copied().unwrap_or(0);
        let mut pos = 10;
        if flags & 4 != 0 {
            let xlen = usize::from(*rest.get(pos).unwrap_or(&0))
                | usize::from(*rest.get(pos + 1).unwrap_or(&0)) << 8;
            pos += 2 + xlen;
        }
        for bit in [8u8, 16] {
            if flags & bit != 0 {
                while rest.get(pos).is_some_and(|&b| b != 0) {
                    pos += 1;
                }
                pos += 1;
            }
        }
        if flags & 2 != 0 {
            pos += 2;
        }
        let body = rest.get(pos..).ok_or("unexpected end of file")?;
        let (content, used) = inflate(body, limit.saturating_sub(out.len()))?;
        let trailer = body.get(used..used + 8).ok_or("unexpected end of file")?;
        let crc = u32::from_le_bytes([trailer[0], trailer[1], trailer[2], trailer[3]]);
        if crc != crc32(&content) {
            return Err("crc error".into());
        }
        out.extend(content);
        rest = body.get(used + 8..).unwrap_or(&[]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_compresses() {
        let text = "hello hello hello hello, compressible text\n".repeat(200);
        let gz = gzip(text.as_bytes(), Some("t.txt"));
        assert!(gz.len() < text.len() / 10, "{} bytes", gz.len());
        assert_eq!(gunzip(&gz, 1 << 20).expect("gunzip"), text.as_bytes());
        assert_eq!(gunzip(&gzip(b"", None), 10).expect("empty"), b"");
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert!(gunzip(b"not gzip", 10).is_err());
        let mut bad = gz.clone();
        let n = bad.len();
        bad[n - 6] ^= 1;
        assert!(gunzip(&bad, 1 << 20).is_err());
        assert!(gunzip(&gz, 100).is_err(), "the output limit holds");
    }
}
