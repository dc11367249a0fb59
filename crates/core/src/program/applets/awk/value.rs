//! awk's values (numbers, strings, input that looks like a number) and associative arrays,
//! iterated in busybox's hash order.

use crate::program::cformat;
use std::collections::BTreeMap;

#[derive(Clone, Debug)]
pub enum Val {
    Uninit,
    Num(f64),
    Str(String),
    /// Input that looks like a number: compares as one.
    StrNum(String, f64),
}

/// The numeric prefix of `s`, as strtod reads it.
pub fn to_number(s: &str) -> f64 {
    let t = s.trim_start();
    let b = t.as_bytes();
    let mut end = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        end = 1;
    }
    let digits_start = end;
    while b.get(end).is_some_and(u8::is_ascii_digit) {
        end += 1;
    }
    if b.get(end) == Some(&b'.') {
        end += 1;
        while b.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
    }
    if end == digits_start || (end == digits_start + 1 && b.get(digits_start) == Some(&b'.')) {
        return 0.0;
    }
    if matches!(b.get(end), Some(b'e' | b'E')) {
        let mut e = end + 1;
        if matches!(b.get(e), Some(b'+' | b'-')) {
            e += 1;
        }
        if b.get(e).is_some_and(u8::is_ascii_digit) {
            while b.get(e).is_some_and(u8::is_ascii_digit) {
                e += 1;
            }
            end = e;
        }
    }
    t.get(..end).and_then(|n| n.parse().ok()).unwrap_or(0.0)
}

/// Input text: a number if all of it reads as one.
pub fn input_val(s: &str) -> Val {
    let t = s.trim();
    let looks = !t.is_empty()
        && t.parse::<f64>().is_ok()
        && !t.contains(|c: char| c.is_ascii_alphabetic() && !matches!(c, 'e' | 'E'));
    if looks {
        Val::StrNum(s.to_string(), to_number(t))
    } else {
        Val::Str(s.to_string())
    }
}

pub fn num_to_str(v: f64) -> String {
    if v == v.trunc() && v.abs() < 1e16 {
        format!("{}", v as i64)
    } else {
        cformat::general(v, 6, false, false)
    }
}

impl Val {
    pub fn num(&self) -> f64 {
        match self {
            Val::Uninit => 0.0,
            Val::Num(n) | Val::StrNum(_, n) => *n,
            Val::Str(s) => to_number(s),
        }
    }

    pub fn str(&self) -> String {
        match self {
            Val::Uninit => String::new(),
            Val::Num(n) => num_to_str(*n),
            Val::Str(s) | Val::StrNum(s, _) => s.clone(),
        }
    }

    pub(super) fn truthy(&self) -> bool {
        match self {
            Val::Uninit => false,
            Val::Num(n) => *n != 0.0,
            Val::StrNum(_, n) => *n != 0.0,
            Val::Str(s) => !s.is_empty(),
        }
    }

    pub(super) fn numeric(&self) -> bool {
        matches!(self, Val::Uninit | Val::Num(_) | Val::StrNum(..))
    }
}

/// An array, with busybox's hash layout kept so `for (k in a)` visits keys in its order.
#[derive(Clone, Debug, Default)]
pub struct Arr {
    map: BTreeMap<String, Val>,
    buckets: Vec<Vec<String>>,
    nprime: usize,
}

const FIRST_SIZE: usize = 61;
const PRIMES: &[usize] = &[251, 1021, 4093, 16381, 65521];

fn hashidx(name: &str) -> u32 {
    let mut idx: u32 = 0;
    for b in name.bytes() {
        idx = u32::from(b).wrapping_add(idx << 6).wrapping_add(idx >> 26);
    }
    idx
}

impl Arr {
    pub(super) fn size(&self) -> usize {
        if self.buckets.is_empty() {
            FIRST_SIZE
        } else {
            self.buckets.len()
        }
    }

    pub(super) fn get(&self, key: &str) -> Option<&Val> {
        self.map.get(key)
    }

    pub(super) fn set(&mut self, key: &str, v: Val) {
        if let Some(slot) = self.map.get_mut(key) {
            *slot = v;
            return;
        }
        if self.buckets.is_empty() {
            self.buckets = vec![Vec::new(); FIRST_SIZE];
        }
        if (self.map.len() + 1) / self.size() > 10 && self.nprime < PRIMES.len() {
            let new_size = PRIMES.get(self.nprime).copied().unwrap_or(FIRST_SIZE);
            self.nprime += 1;
            let mut fresh: Vec<Vec<String>> = vec![Vec::new(); new_size];
            for bucket in &self.buckets {
                for name in bucket {
                    let i = hashidx(name) as usize % new_size;
                    if let Some(b) = fresh.get_mut(i) {
                        b.insert(0, name.clone());
                    }
                }
            }
            self.buckets = fresh;
        }
        let size = self.size();
        if let Some(b) = self.buckets.get_mut(hashidx(key) as usize % size) {
            b.insert(0, key.to_string());
        }
        self.map.insert(key.to_string(), v);
    }

    pub(super) fn remove(&mut self, key: &str) {
        if self.map.remove(key).is_some() {
            let size = self.size();
            if let Some(b) = self.buckets.get_mut(hashidx(key) as usize % size) {
                b.retain(|k| k != key);
            }
        }
    }

    pub(super) fn len(&self) -> usize {
        self.map.len()
    }

    pub(super) fn keys(&self) -> Vec<String> {
        self.buckets.iter().flatten().cloned().collect()
    }
}
