//! What a shell's variables and arguments cost. The footprint is counted against the
//! container's memory limit on every command (the kernel OOM-kills past it), and a value too
//! big to be worth holding keeps only its length: `x=$x$x` in a loop grows to the limit in
//! sizes alone, without the simulator allocating it.

use super::interp::Shell;
use crate::program::kernel::{Kernel, MIB};

/// Largest value the shell really holds; a bigger one keeps only its length ("unheld"), and
/// a command that needs its content stops being followed (it counts as still running).
pub const BIG_VALUE: u64 = 8 * MIB;
/// What malloc adds to every string.
const OVERHEAD: u64 = 32;

impl Shell {
    /// (bytes counted against the limit, bytes really held) of variables and arguments.
    fn footprint(&self) -> (u64, u64) {
        let mut total = 0u64;
        let mut held = 0u64;
        for (name, var) in &self.vars {
            let len = (name.len() + var.value.len()) as u64;
            held = held.saturating_add(len);
            total = total.saturating_add(len + OVERHEAD);
            if let Some(extra) = self.unheld.get(name) {
                total = total.saturating_add(*extra);
            }
        }
        for a in &self.positional {
            held = held.saturating_add(a.len() as u64);
            total = total.saturating_add(a.len() as u64 + OVERHEAD);
        }
        (total, held)
    }

    /// Brings the kernel's count up to date with this shell's variables (may OOM-kill).
    pub fn sync_memory(&mut self, k: &mut Kernel) {
        let (total, held) = self.footprint();
        if held > self.held_bytes {
            if k.hold(held - self.held_bytes, false) {
                self.held_bytes = held;
            }
        } else {
            k.unhold(self.held_bytes - held);
            self.held_bytes = held;
        }
        if total > self.mem_bytes {
            k.alloc(total - self.mem_bytes);
        } else {
            k.free(self.mem_bytes - total);
        }
        self.mem_bytes = total;
    }

    /// A subshell copied from this one has ended: its changes to the counts go with it.
    pub fn forget_child(&self, k: &mut Kernel, child: &Shell) {
        k.mem = k
            .mem
            .saturating_sub(child.mem_bytes)
            .saturating_add(self.mem_bytes);
        k.held = k
            .held
            .saturating_sub(child.held_bytes)
            .saturating_add(self.held_bytes);
    }

    /// The shell exits: everything it counted is given back.
    pub fn release(&mut self, k: &mut Kernel) {
        k.free(self.mem_bytes);
        k.unhold(self.held_bytes);
        self.mem_bytes = 0;
        self.held_bytes = 0;
    }

    /// Is `name` a set variable whose value the shell keeps only the length of?
    pub fn is_unheld(&self, name: &str) -> bool {
        self.vars.contains_key(name) && self.unheld.contains_key(name)
    }

    /// The length of an unheld value.
    pub fn unheld_len(&self, name: &str) -> u64 {
        self.unheld.get(name).copied().unwrap_or(0)
    }

    /// Assigns a value of which only `text` is held and `unheld` more bytes are counted.
    pub fn set_sized(&mut self, name: &str, text: &str, unheld: u64) {
        if unheld == 0 {
            self.set_var(name, text);
        } else {
            self.set_var(name, "");
            self.unheld
                .insert(name.to_string(), unheld.saturating_add(text.len() as u64));
        }
    }
}
