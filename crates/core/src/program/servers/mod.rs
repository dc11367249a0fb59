//! Simulated server images' programs: nginx, redis, mysql, and the images' entrypoint.

pub mod http;
mod images;
pub mod memcache;
pub mod mysql;
pub mod nginx_vars;
pub mod redis;
pub mod sql;

use super::applets::Applet;
use super::exec;
use super::kernel::{Kernel, Proc};

/// The server or client program named `name` (the name in the binary file).
pub fn program(name: &str) -> Option<Applet> {
    let f: Applet = match name {
        "nginx" => http::nginx,
        "redis-server" => redis::server,
        "redis-cli" => redis::cli,
        "mysqld" => mysql::mysqld,
        "mysql" => mysql::client,
        "docker-entrypoint" => entrypoint,
        "postgres-entrypoint" => images::postgres_entrypoint,
        "postgres" => images::postgres,
        "psql" => images::psql,
        "mongo-entrypoint" => images::mongo_entrypoint,
        "mongod" => images::mongod,
        "mongosh" => images::mongosh,
        "apache" | "httpd-foreground" => images::apache,
        "apache2-foreground" => images::apache2_foreground,
        "wordpress-entrypoint" => images::wordpress_entrypoint,
        "memcached-entrypoint" => images::memcached_entrypoint,
        "memcached" => images::memcached,
        "jenkins" => images::jenkins,
        "php" => images::php,
        "apk" => crate::program::packages::apk::main,
        "apt-get" => crate::program::packages::apt::apt_get,
        "apt" => crate::program::packages::apt::apt,
        // Language runtimes and tools of the images (python, node, go, java, curl, ...).
        other => return crate::program::runtimes::program(other),
    };
    Some(f)
}

/// What a server answers to raw text from a client such as `nc` (`echo stats | nc cache
/// 11211`); `None` for servers whose protocol the simulator does not speak as text.
pub fn answer_text(remote: &mut crate::program::Remote, request: &[u8]) -> Option<Vec<u8>> {
    match &remote.kind {
        crate::program::ServerKind::Memcached => {
            let text = String::from_utf8_lossy(request);
            Some(memcache::execute(remote.fs, &text).into_bytes())
        }
        _ => None,
    }
}

const NGINX_ENTRYPOINT: &str = "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration
/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/
/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh
10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf
10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf
/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh
/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh
/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh
/docker-entrypoint.sh: Configuration complete; ready for start up
";

/// The official images' `docker-entrypoint.sh`: prints what the image's script prints for its
/// server, then `exec "$@"` (a first argument starting with '-' is passed to the server, as
/// redis' and mysql's scripts do).
pub fn entrypoint(k: &mut Kernel, p: &mut Proc) -> i32 {
    let mut argv: Vec<String> = p.args().to_vec();
    let Some(first) = argv.first().cloned() else {
        return 0;
    };
    if first.starts_with('-') {
        let server = if k.ctx.fs.exists("/usr/sbin/mysqld") {
            "mysqld"
        } else if k.ctx.fs.exists("/usr/local/bin/redis-server") {
            "redis-server"
        } else {
            "nginx"
        };
        argv.insert(0, server.to_string());
    }
    if argv.first().map(String::as_str) == Some("nginx")
        || argv.first().map(String::as_str) == Some("nginx-debug")
    {
        k.out(p, NGINX_ENTRYPOINT);
    }
    let name = argv.first().cloned().unwrap_or_default();
    let child = Proc { argv, ..p.clone() };
    match exec::spawn(k, child) {
        Ok(code) => code,
        Err(e) => {
            k.err(
                p,
                &format!("/usr/local/bin/docker-entrypoint.sh: line 1: exec: {name}: not found\n"),
            );
            e.exit_code()
        }
    }
}

#[cfg(test)]
mod tests;
