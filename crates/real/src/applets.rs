//! Applets the simulated busybox image has (as the official image does) and the machine's
//! busybox (Debian's busybox-static 1.35) lacks or prints differently: in the real image their
//! link becomes a small script over the machine's busybox, giving the official image's
//! output from the real system. Only used where the machine's busybox lacks the applet or,
//! for `ps`, lacks `-o time`.

use std::process::Command;

/// printenv: awk's ENVIRON answers it (exit 1 when a name is not set, as printenv does).
const PRINTENV: &str = r#"#!/bin/sh
# printenv: this busybox is built without it; awk's ENVIRON gives the same answer.
[ $# -eq 0 ] && exec env
exec awk 'BEGIN { s = 0; for (i = 1; i < ARGC; i++) if (ARGV[i] in ENVIRON) print ENVIRON[ARGV[i]]; else s = 1; exit s }' "$@"
"#;

/// ps without options, as the official image prints it (PID USER TIME COMMAND): this busybox
/// has no TIME column, so the script reads /proc itself (utime + stime at USER_HZ 100) with
/// shell builtins only: a helper process would take a PID the official ps does not. With
/// options: busybox's own ps (named `ps`).
const PS: &str = r#"#!/bin/sh
# ps as the official busybox image prints it; this busybox is built without the TIME column.
[ $# -gt 0 ] && exec -a ps /bin/busybox "$@"
echo 'PID   USER     TIME  COMMAND'
# One pattern per length of PID: each expands sorted, so PIDs come in numeric order.
for d in /proc/[0-9] /proc/[0-9][0-9] /proc/[0-9][0-9][0-9] /proc/[0-9][0-9][0-9][0-9] \
  /proc/[0-9][0-9][0-9][0-9][0-9] /proc/[0-9][0-9][0-9][0-9][0-9][0-9] /proc/[0-9][0-9][0-9][0-9][0-9][0-9][0-9]; do
  read -r stat 2>/dev/null < "$d/stat" || continue
  pid=${d#/proc/}
  comm=${stat#*(}
  comm=${comm%)*}
  set -- ${stat##*)}
  s=$(( (${12} + ${13}) / 100 ))
  uid=0
  while read -r key value rest; do
    [ "$key" = Uid: ] && uid=$value && break
  done 2>/dev/null < "$d/status"
  user=$uid
  while IFS=: read -r name x id rest; do
    [ "$id" = "$uid" ] && user=$name && break
  done 2>/dev/null < /etc/passwd
  args=
  while IFS= read -r -d "" a || [ -n "$a" ]; do
    args="$args${args:+ }$a"
  done 2>/dev/null < "$d/cmdline"
  [ -z "$args" ] && args="[$comm]"
  [ "$pid" = $$ ] && args=ps
  printf '%5s %-8.8s %2d:%02d %s\n' "$pid" "$user" $(( s / 60 )) $(( s % 60 )) "$args"
done
"#;

/// The script standing in for `applet`, if it needs one given what the machine's busybox
/// provides (`host_applets`, from `busybox --list`) and can do (`ps -o time`).
pub fn substitute(
    applet: &str,
    host_applets: &[String],
    host_ps_time: bool,
) -> Option<&'static str> {
    match applet {
        "printenv" if !host_applets.iter().any(|a| a == "printenv") => Some(PRINTENV),
        "ps" if !host_ps_time => Some(PS),
        _ => None,
    }
}

/// What the machine's busybox provides: its applets, and whether its ps has a TIME column.
pub fn host_busybox(path: &str) -> (Vec<String>, bool) {
    let list = Command::new(path)
        .arg("--list")
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let ps_time = Command::new(path)
        .args(["ps", "-o", "time"])
        .output()
        .is_ok_and(|o| o.status.success());
    (list, ps_time)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_what_the_host_busybox_lacks_is_substituted() {
        let with = vec!["env".to_string(), "printenv".to_string()];
        let without = vec!["env".to_string()];
        assert_eq!(substitute("printenv", &with, true), None);
        assert_eq!(substitute("printenv", &without, true), Some(PRINTENV));
        assert_eq!(substitute("ps", &without, true), None);
        assert_eq!(substitute("ps", &without, false), Some(PS));
        assert_eq!(substitute("ls", &without, false), None);
    }
}
