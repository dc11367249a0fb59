//! busybox applets. Each takes the kernel and its process and returns the exit code; output
//! and error wording follow busybox 1.36.

mod awk;
pub(crate) mod basic;
mod checksums;
mod dump;
mod expr;
mod files;
mod gzip;
mod links;
mod nc;
mod netinfo;
mod sed;
mod sys;
mod tar;
mod text;
pub mod wget;
mod xargs;

use super::kernel::{Kernel, Proc};

pub use basic::{echo, printf};
pub use wget::http_get;

pub type Applet = fn(&mut Kernel, &mut Proc) -> i32;

/// The applet named `name`, if implemented.
pub fn lookup(name: &str) -> Option<Applet> {
    let f: Applet = match name {
        "echo" => basic::echo,
        "printf" => basic::printf,
        "true" => basic::true_,
        "false" => basic::false_,
        "env" => basic::env,
        "printenv" => basic::printenv,
        "hostname" => basic::hostname,
        "id" => basic::id,
        "whoami" => basic::whoami,
        "pwd" => basic::pwd,
        "uname" => basic::uname,
        "basename" => basic::basename,
        "dirname" => basic::dirname,
        "seq" => basic::seq,
        "which" => basic::which,
        "test" | "[" => basic::test,
        "yes" => basic::yes,
        "nproc" => basic::nproc,
        "sleep" => sys::sleep,
        "date" => sys::date,
        "ps" => sys::ps,
        "dd" => sys::dd,
        "free" => sys::free,
        "df" => sys::df,
        "uptime" => sys::uptime,
        "kill" => sys::kill,
        "cat" => files::cat,
        "ls" => files::ls,
        "mkdir" => files::mkdir,
        "rmdir" => files::rmdir,
        "touch" => files::touch,
        "rm" => files::rm,
        "cp" => files::cp,
        "mv" => files::mv,
        "ln" => files::ln,
        "stat" => files::stat,
        "chmod" => files::chmod,
        "du" => files::du,
        "find" => files::find,
        "wc" => text::wc,
        "head" => text::head,
        "tail" => text::tail,
        "grep" => text::grep,
        "cut" => text::cut,
        "sort" => text::sort,
        "uniq" => text::uniq,
        "tr" => text::tr,
        "tee" => text::tee,
        "tac" => text::tac,
        "wget" => wget::wget,
        "httpd" => crate::program::servers::http::httpd,
        "expr" => expr::expr,
        "xargs" => xargs::xargs,
        "readlink" => links::readlink,
        "realpath" => links::realpath,
        "md5sum" | "sha1sum" | "sha256sum" | "sha512sum" => checksums::sum,
        "base64" => checksums::base64,
        "sed" => sed::sed,
        "awk" => awk::awk,
        "od" => dump::od,
        "hexdump" => dump::hexdump,
        "tar" => tar::tar,
        "nc" => nc::nc,
        "ping" => netinfo::ping,
        "nslookup" => netinfo::nslookup,
        "ifconfig" => netinfo::ifconfig,
        "ip" => netinfo::ip,
        "gzip" | "gunzip" | "zcat" => gzip::gzip,
        _ => return None,
    };
    Some(f)
}

/// Splits leading `-abc` option clusters from operands. `with_value` lists options that take
/// a value (`-n 5` or `-n5`). Returns (flags with values, operands) or the bad option.
pub struct Opts {
    pub flags: Vec<(char, Option<String>)>,
    pub operands: Vec<String>,
}

impl Opts {
    pub fn has(&self, c: char) -> bool {
        self.flags.iter().any(|(f, _)| *f == c)
    }

    pub fn value(&self, c: char) -> Option<&str> {
        self.flags
            .iter()
            .rev()
            .find(|(f, _)| *f == c)
            .and_then(|(_, v)| v.as_deref())
    }
}

pub fn parse_opts(args: &[String], known: &str, with_value: &str) -> Result<Opts, char> {
    let mut flags = Vec::new();
    let mut operands = Vec::new();
    let mut i = 0;
    let mut only_operands = false;
    while let Some(a) = args.get(i) {
        i += 1;
        if only_operands || !a.starts_with('-') || a == "-" {
            operands.push(a.clone());
            continue;
        }
        if a == "--" {
            only_operands = true;
            continue;
        }
        let chars: Vec<char> = a.chars().skip(1).collect();
        let mut j = 0;
        while let Some(&c) = chars.get(j) {
            j += 1;
            if with_value.contains(c) {
                let rest: String = chars.get(j..).unwrap_or(&[]).iter().collect();
                let value = if !rest.is_empty() {
                    Some(rest)
                } else {
                    let v = args.get(i).cloned();
                    i += 1;
                    v
                };
                if value.is_none() {
                    return Err(c);
                }
                flags.push((c, value));
                break;
            }
            if !known.contains(c) {
                return Err(c);
            }
            flags.push((c, None));
        }
    }
    Ok(Opts { flags, operands })
}

/// busybox's complaint about an unknown option, with exit code 1.
pub fn bad_option(k: &mut Kernel, p: &Proc, c: char) -> i32 {
    k.err(p, &format!("{}: invalid option -- '{c}'\n", p.name()));
    1
}

#[cfg(test)]
mod tests;
