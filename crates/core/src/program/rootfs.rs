//! Files that make programs exist in an image: the busybox base and the server images'
//! binaries. The World builds its stock images from these.

use super::binary_file;
use crate::fs::Node;

#[rustfmt::skip] // compact, and sorted as `busybox --list` prints them
const APPLETS: &[&str] = &[
    "[", "awk", "base64", "basename", "cat", "chmod", "cp", "cut", "date", "dd", "df", "dirname",
    "du", "echo", "env", "expr", "false", "find", "free", "grep", "gunzip", "gzip", "head",
    "hexdump", "hostname", "httpd", "id", "ifconfig", "ip", "kill", "ln", "ls", "md5sum", "mkdir",
    "mv", "nc", "nproc", "nslookup", "od", "ping", "printenv", "printf", "ps", "pwd", "readlink",
    "realpath", "rm", "rmdir", "sed", "seq", "sh", "sha1sum", "sha256sum", "sha512sum", "sleep",
    "sort", "stat", "tac", "tail", "tar", "tee", "test", "touch", "tr", "true", "uname", "uniq",
    "uptime", "wc", "wget", "which", "whoami", "xargs", "yes", "zcat",
];

/// The applets the simulated busybox provides (each is a link in /bin).
pub fn applets() -> &'static [&'static str] {
    APPLETS
}

pub const BUSYBOX_USAGE: &str = "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.
BusyBox is copyrighted by many authors between 1998-2015.
Licensed under GPLv2. See source distribution for detailed
copyright notices.

Usage: busybox [function [arguments]...]
   or: busybox --list
   or: function [arguments]...

\tBusyBox is a multi-call binary that combines many common Unix
\tutilities into a single executable.  Most people will create a
\tlink to busybox for each function they wish to use and BusyBox
\twill act like whatever name it's invoked as.
";

/// The busybox image's files: /bin/busybox, a link per applet, and the few files in /etc
/// that `id`, `whoami` and `hostname` read.
pub fn busybox_rootfs() -> Vec<(String, Node)> {
    let mut files = vec![
        ("/bin".to_string(), Node::dir()),
        (
            "/bin/busybox".to_string(),
            Node::executable(binary_file("busybox")),
        ),
    ];
    for applet in APPLETS {
        files.push((format!("/bin/{applet}"), Node::symlink("busybox")));
    }
    for dir in [
        "/dev",
        "/etc",
        "/home",
        "/proc",
        "/root",
        "/sys",
        "/tmp",
        "/usr",
        "/usr/sbin",
        "/var",
        "/var/www",
    ] {
        files.push((dir.to_string(), Node::dir()));
    }
    files.push((
        "/etc/passwd".into(),
        Node::file(
            "root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\nbin:x:2:2:bin:/bin:/bin/false\nsys:x:3:3:sys:/dev:/bin/false\nsync:x:4:100:sync:/bin:/bin/sync\nmail:x:8:8:mail:/var/spool/mail:/bin/false\nwww-data:x:33:33:www-data:/var/www:/bin/false\noperator:x:37:37:Operator:/var:/bin/false\nnobody:x:65534:65534:nobody:/home:/bin/false\n",
        ),
    ));
    files.push((
        "/etc/group".into(),
        Node::file(
            "root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nadm:x:4:\ntty:x:5:\ndisk:x:6:\nwheel:x:10:\nmail:x:8:\nwww-data:x:33:\nusers:x:100:\nnogroup:x:65534:\n",
        ),
    ));
    crate::order::sort_by(&mut files, &|a, b| a.0.cmp(&b.0));
    files
}

/// The program files of a server image, by image name ("nginx", "redis", "mysql"): its
/// binaries, entrypoint and default content. Combine with a shell base (`busybox_rootfs`)
/// so `docker exec ... sh` works, as the real Debian-based images have a shell.
pub fn server_rootfs(image: &str) -> Vec<(String, Node)> {
    let bin = |name: &str| Node::executable(binary_file(name));
    let mut files: Vec<(String, Node)> = Vec::new();
    match image {
        "nginx" => {
            files.push(("/usr/sbin/nginx".into(), bin("nginx")));
            files.push(("/docker-entrypoint.sh".into(), bin("docker-entrypoint")));
            files.push(("/docker-entrypoint.d".into(), Node::dir()));
            files.push((
                "/etc/nginx/conf.d/default.conf".into(),
                Node::file("server {\n    listen       80;\n    listen  [::]:80;\n    server_name  localhost;\n\n    location / {\n        root   /usr/share/nginx/html;\n        index  index.html index.htm;\n    }\n}\n"),
            ));
            files.push((
                "/usr/share/nginx/html/index.html".into(),
                Node::file("<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is successfully installed and\nworking. Further configuration is required.</p>\n</body>\n</html>\n"),
            ));
            files.push((
                "/usr/share/nginx/html/50x.html".into(),
                Node::file("<!DOCTYPE html>\n<html>\n<head>\n<title>Error</title>\n</head>\n<body>\n<h1>An error occurred.</h1>\n</body>\n</html>\n"),
            ));
        }
        "redis" => {
            files.push(("/usr/local/bin/redis-server".into(), bin("redis-server")));
            files.push(("/usr/local/bin/redis-cli".into(), bin("redis-cli")));
            files.push((
                "/usr/local/bin/docker-entrypoint.sh".into(),
                bin("docker-entrypoint"),
            ));
            files.push(("/data".into(), Node::dir()));
        }
        "mysql" => {
            files.push(("/usr/sbin/mysqld".into(), bin("mysqld")));
            files.push(("/usr/bin/mysql".into(), bin("mysql")));
            files.push((
                "/usr/local/bin/docker-entrypoint.sh".into(),
                bin("docker-entrypoint"),
            ));
            files.push(("/var/lib/mysql".into(), Node::dir()));
            files.push(("/var/run/mysqld".into(), Node::dir()));
        }
        _ => {}
    }
    files
}
