//! java, javac and jshell of the eclipse-temurin (and jenkins) images.

use super::unsimulated;
use crate::program::kernel::{Kernel, Proc};

/// "21.0.5+11" from JAVA_VERSION "jdk-21.0.5+11".
fn build(p: &Proc) -> String {
    p.getenv("JAVA_VERSION")
        .unwrap_or("jdk-17.0.13+11")
        .trim_start_matches("jdk-")
        .to_string()
}

fn release(p: &Proc) -> String {
    build(p).split('+').next().unwrap_or("").to_string()
}

pub fn java(k: &mut Kernel, p: &mut Proc) -> i32 {
    let (b, r) = (build(p), release(p));
    let vm = format!("OpenJDK Runtime Environment Temurin-{b} (build {b}-LTS)\nOpenJDK 64-Bit Server VM Temurin-{b} (build {b}-LTS, mixed mode, sharing)\n");
    let args = p.args().to_vec();
    match args.first().map(String::as_str) {
        // `-version` writes to stderr with quotes, `--version` to stdout without.
        Some("-version") => {
            k.err(p, &format!("openjdk version \"{r}\" 2024-10-15 LTS\n{vm}"));
            0
        }
        Some("--version") => {
            k.out(p, &format!("openjdk {r} 2024-10-15 LTS\n{vm}"));
            0
        }
        None => {
            k.err(p, "Usage: java [options] <mainclass> [args...]\n           (to execute a class)\n   or  java [options] -jar <jarfile> [args...]\n           (to execute a jar file)\n");
            1
        }
        Some(_) => {
            let jar = args
                .iter()
                .position(|a| a == "-jar")
                .and_then(|i| args.get(i + 1));
            if let Some(jar) = jar {
                if !k.ctx.fs.exists(&p.path(jar)) {
                    k.err(p, &format!("Error: Unable to access jarfile {jar}\n"));
                    return 1;
                }
            }
            let target = jar
                .or_else(|| args.iter().find(|a| !a.starts_with('-')))
                .cloned()
                .unwrap_or_default();
            // A Java application in a container is nearly always a service: it keeps running.
            unsimulated(k, p, &format!("java {target}"), "SpringApplication")
        }
    }
}

pub fn javac(k: &mut Kernel, p: &mut Proc) -> i32 {
    match p.args().first().map(String::as_str) {
        Some("--version" | "-version") => {
            let r = release(p);
            k.out(p, &format!("javac {r}\n"));
            0
        }
        _ => unsimulated(k, p, "javac", ""),
    }
}

/// jshell without a terminal: its banner, then end-of-file ends it.
pub fn jshell(k: &mut Kernel, p: &mut Proc) -> i32 {
    let r = release(p);
    k.out(p, &format!("|  Welcome to JShell -- Version {r}\n|  For an introduction type: /help intro\n\njshell> "));
    0
}
