//! The stock images of the built-in registry, modelled on the official images: the same layer
//! structure (nginx, redis and mysql share a Debian base layer, so pulls report "Already
//! exists"), the same configs (entrypoints, commands, ports, volumes, environment). File
//! contents are small stand-ins: a binary is a marker naming the simulated program, and each
//! layer declares the size of the real one, so `docker images` shows busybox at 4.26MB and
//! nginx at 192MB. Creation dates are the real tags' build dates, before the World began.
//! The images beyond these bases are data: see `data.rs` and crates/core/data/images.json.

use crate::fs::{LayerDiff, Node};
use crate::image::{Created, HistoryEntry, ImageConfig, Layer};
use crate::program::{applets, binary_file};

const PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// An image under construction: its layers and config.
#[derive(Clone)]
pub(super) struct Recipe {
    pub(super) layers: Vec<Layer>,
    pub(super) config: ImageConfig,
}

impl Recipe {
    /// An empty image built on `date` ("2024-10-02T00:00:00Z").
    pub(super) fn scratch(date: &str) -> Recipe {
        Recipe {
            layers: Vec::new(),
            config: ImageConfig::new(stamp(date)),
        }
    }

    /// The same layers and config, built on another date (an image made from this base).
    pub(super) fn dated(mut self, date: &str) -> Recipe {
        self.config.created = stamp(date);
        self
    }

    /// A layer of `size` bytes (the real layer's), of which `diff` is what the simulator keeps.
    pub(super) fn layer(mut self, created_by: &str, diff: LayerDiff, size: u64) -> Recipe {
        let layer = Layer::declared(diff, size);
        self.config.diff_ids.push(layer.diff_id.clone());
        self.config.history.push(HistoryEntry {
            created: self.config.created,
            created_by: created_by.to_string(),
            empty_layer: false,
            comment: String::new(),
            size: layer.size,
        });
        self.layers.push(layer);
        self
    }

    fn meta(mut self, created_by: &str, change: impl FnOnce(&mut ImageConfig)) -> Recipe {
        change(&mut self.config);
        self.config.history.push(HistoryEntry {
            created: self.config.created,
            created_by: created_by.to_string(),
            empty_layer: true,
            comment: String::new(),
            size: 0,
        });
        self
    }

    pub(super) fn env(self, key: &str, value: &str) -> Recipe {
        self.meta(&format!("ENV {key}={value}"), |c| {
            c.config.set_env(key, value)
        })
    }

    pub(super) fn cmd(self, argv: &[&str]) -> Recipe {
        let argv: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
        let shown = format!("CMD {}", serde_json::to_string(&argv).unwrap_or_default());
        self.meta(&shown, |c| c.config.cmd = Some(argv))
    }

    pub(super) fn entrypoint(self, argv: &[&str]) -> Recipe {
        let argv: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
        let shown = format!(
            "ENTRYPOINT {}",
            serde_json::to_string(&argv).unwrap_or_default()
        );
        self.meta(&shown, |c| c.config.entrypoint = Some(argv))
    }

    pub(super) fn expose(self, port: &str) -> Recipe {
        self.meta(&format!("EXPOSE map[{port}:{{}}]"), |c| {
            c.config.exposed_ports.insert(port.to_string());
        })
    }

    pub(super) fn volume(self, path: &str) -> Recipe {
        self.meta(&format!("VOLUME [{path}]"), |c| {
            c.config.volumes.insert(path.to_string());
        })
    }

    pub(super) fn workdir(self, path: &str) -> Recipe {
        self.meta(&format!("WORKDIR {path}"), |c| {
            c.config.working_dir = path.to_string()
        })
    }

    pub(super) fn stop_signal(self, signal: &str) -> Recipe {
        self.meta(&format!("STOPSIGNAL {signal}"), |c| {
            c.config.stop_signal = Some(signal.to_string())
        })
    }

    pub(super) fn user(self, user: &str) -> Recipe {
        self.meta(&format!("USER {user}"), |c| {
            c.config.user = user.to_string()
        })
    }
}

/// ms from the World's tick 0 to a UTC date "YYYY-MM-DDTHH:MM:SSZ" (negative before it).
/// An unreadable date counts as tick 0.
pub(crate) fn stamp(date: &str) -> Created {
    let num = |range: std::ops::Range<usize>| -> Option<i64> { date.get(range)?.parse().ok() };
    let parts = (|| {
        Some((
            num(0..4)?,
            num(5..7)?,
            num(8..10)?,
            num(11..13)?,
            num(14..16)?,
            num(17..19)?,
        ))
    })();
    let Some((y, m, d, hh, mm, ss)) = parts else {
        return 0;
    };
    // Howard Hinnant's days-from-civil.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let unix = days * 86_400 + hh * 3600 + mm * 60 + ss;
    (unix - crate::output::EPOCH_UNIX as i64) * 1000
}

/// Decimal sizes as docker prints them: "4.26MB", "388B", "8.7kB", "1.1GB". Only the
/// built-in data is read this way, and a test checks that all of it parses with
/// [`checked_size`], so the 0 for a malformed size is never taken.
pub fn parse_size(text: &str) -> u64 {
    checked_size(text).unwrap_or(0)
}

/// [`parse_size`], or `None` for a number or unit docker does not print.
pub(crate) fn checked_size(text: &str) -> Option<u64> {
    let split = text
        .find(|c: char| c.is_ascii_alphabetic())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let scale = match unit {
        "" | "B" => 1.0,
        "kB" => 1e3,
        "MB" => 1e6,
        "GB" => 1e9,
        _ => return None,
    };
    let number = number.trim().parse::<f64>().ok()?;
    (number.is_finite() && number >= 0.0).then(|| (number * scale).round() as u64)
}

fn files(entries: &[(&str, Node)]) -> LayerDiff {
    let mut diff = LayerDiff::new();
    for (path, node) in entries {
        diff.put(*path, node.clone());
    }
    diff
}

/// The directories and account files every Linux root filesystem has.
fn base_system(os_release: &str) -> Vec<(String, Node)> {
    let mut out: Vec<(String, Node)> = [
        "/bin",
        "/dev",
        "/etc",
        "/home",
        "/lib",
        "/proc",
        "/root",
        "/sbin",
        "/sys",
        "/tmp",
        "/usr",
        "/usr/bin",
        "/usr/sbin",
        "/usr/local",
        "/usr/local/bin",
        "/var",
        "/var/log",
    ]
    .iter()
    .map(|d| (d.to_string(), Node::dir()))
    .collect();
    out.push(("/tmp".to_string(), Node::Dir { mode: 0o1777 }));
    out.push((
        "/etc/passwd".to_string(),
        Node::file(
            "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n",
        ),
    ));
    out.push((
        "/etc/group".to_string(),
        Node::file("root:x:0:\nnogroup:x:65534:\n"),
    ));
    out.push(("/etc/os-release".to_string(), Node::file(os_release)));
    out
}

/// busybox and a link per applet under `bin`.
fn busybox_files(bin: &str) -> Vec<(String, Node)> {
    let mut out = vec![(
        format!("{bin}/busybox"),
        Node::executable(binary_file("busybox")).sized(2_200_000),
    )];
    for applet in applets() {
        if *applet != "busybox" {
            out.push((format!("{bin}/{applet}"), Node::symlink("busybox")));
        }
    }
    out
}

fn layer_of(entries: Vec<(String, Node)>) -> LayerDiff {
    let mut diff = LayerDiff::new();
    for (path, node) in entries {
        diff.put(path, node);
    }
    diff
}

/// A shell script that prints a line and then runs its arguments, as the official images'
/// entrypoints do after their set-up.
fn entrypoint_script(banner: &str) -> Node {
    Node::executable(format!(
        "#!/bin/sh\nset -e\necho \"{banner}\"\nexec \"$@\"\n"
    ))
}

/// The package tools of a Debian-style system and their empty state: `apt-get update` fills
/// /var/lib/apt/lists, as on the real slim images, which ship it empty.
fn apt_files(installed: &str) -> Vec<(String, Node)> {
    let bin = |name: &str, size: u64| Node::executable(binary_file(name)).sized(size);
    vec![
        ("/usr/bin/apt-get".into(), bin("apt-get", 51_000)),
        ("/usr/bin/apt".into(), bin("apt", 19_000)),
        ("/usr/bin/dpkg".into(), bin("dpkg", 317_000)),
        ("/var/lib/apt/lists".into(), Node::dir()),
        ("/var/lib/apt/lists/partial".into(), Node::dir()),
        ("/var/cache/apt/archives".into(), Node::dir()),
        ("/var/cache/apt/archives/partial".into(), Node::dir()),
        ("/var/lib/dpkg/status".into(), Node::file(installed)),
    ]
}

/// Debian 12: `slim` is bookworm-slim (74.8MB), otherwise the full bookworm image (117MB).
fn debian(slim: bool) -> Recipe {
    let mut entries = base_system("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\nID=debian\n");
    entries.extend(busybox_files("/bin"));
    entries.push(("/bin/bash".to_string(), Node::symlink("busybox")));
    entries.push(("/etc/debian_version".to_string(), Node::file("12.7\n")));
    entries.extend(apt_files(crate::program::packages::DPKG_BASE));
    let (date, size, by) = if slim {
        (
            "2024-09-26T00:00:00Z",
            74_800_000,
            "# debian.sh --arch 'amd64' out/ 'bookworm' '@1727654400'",
        )
    } else {
        entries.push(("/usr/share/perl5".into(), Node::dir()));
        (
            "2024-09-26T00:00:00Z",
            116_500_000,
            "# debian.sh --arch 'amd64' --no-slim out/ 'bookworm' '@1727654400'",
        )
    };
    Recipe::scratch(date)
        .layer(by, layer_of(entries), size)
        .cmd(&["bash"])
}

/// Ubuntu 24.04 (noble) or 22.04 (jammy).
fn ubuntu(noble: bool) -> Recipe {
    let (version, name, date, size) = if noble {
        ("24.04.1 LTS", "noble", "2024-10-11T03:32:00Z", 78_100_000)
    } else {
        ("22.04.5 LTS", "jammy", "2024-09-11T16:25:00Z", 77_900_000)
    };
    let mut entries = base_system(&format!("PRETTY_NAME=\"Ubuntu {version}\"\nNAME=\"Ubuntu\"\nVERSION_ID=\"{}\"\nVERSION_CODENAME={name}\nID=ubuntu\nID_LIKE=debian\n", version.get(..5).unwrap_or(version)));
    entries.extend(busybox_files("/bin"));
    entries.push(("/bin/bash".to_string(), Node::symlink("busybox")));
    entries.extend(apt_files(crate::program::packages::DPKG_BASE));
    Recipe::scratch(date)
        .meta("ARG RELEASE", |_| {})
        .meta("ARG LAUNCHPAD_BUILD_ARCH", |_| {})
        .layer(
            &format!("ADD file:ubuntu-{name}-oci-amd64-root.tar.gz in / "),
            layer_of(entries),
            size,
        )
        .cmd(&["/bin/bash"])
}

/// The code-built images every other stock image starts from, by the name data files use.
pub(super) fn base(name: &str) -> Option<Recipe> {
    Some(match name {
        "ubuntu-noble" => ubuntu(true),
        "ubuntu-jammy" => ubuntu(false),
        _ => return None,
    })
}

pub(super) type StockImage = (Vec<String>, Vec<Layer>, ImageConfig);

/// The base and server images built here: their tags, layers (bottom first) and config.
pub(super) fn images() -> Vec<StockImage> {
    let sized_bin = |name: &str, size: u64| Node::executable(binary_file(name)).sized(size);
    let busybox = {
        let mut entries = base_system("NAME=BusyBox\nVERSION_ID=1.36.1\n");
        entries.extend(busybox_files("/bin"));
        entries.push(("/var/www".to_string(), Node::dir()));
        Recipe::scratch("2024-09-26T21:31:42Z")
            .layer(
                "BusyBox 1.36.1 (glibc), Debian 12",
                layer_of(entries),
                4_260_000,
            )
            .cmd(&["sh"])
    };

    let alpine = {
        let mut entries = base_system("NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME=\"Alpine Linux v3.20\"\n");
        entries.extend(busybox_files("/bin"));
        entries.push(("/etc/alpine-release".to_string(), Node::file("3.20.3\n")));
        entries.push(("/sbin/apk".to_string(), sized_bin("apk", 69_000)));
        entries.push(("/etc/apk/repositories".to_string(), Node::file("https://dl-cdn.alpinelinux.org/alpine/v3.20/main\nhttps://dl-cdn.alpinelinux.org/alpine/v3.20/community\n")));
        entries.push((
            "/lib/apk/db/installed".to_string(),
            Node::file(crate::program::packages::APK_BASE),
        ));
        entries.push(("/var/cache/apk".to_string(), Node::dir()));
        Recipe::scratch("2024-09-06T12:05:36Z")
            .layer(
                "ADD alpine-minirootfs-3.20.3-x86_64.tar.gz / # buildkit",
                layer_of(entries),
                7_800_000,
            )
            .cmd(&["/bin/sh"])
    };

    let nginx = debian(true)
        .dated("2024-10-02T17:55:35Z")
        .env("PATH", PATH)
        .env("NGINX_VERSION", "1.27.2")
        .layer(
            "RUN /bin/sh -c set -x && apt-get update && apt-get install --no-install-recommends --no-install-suggests -y nginx # buildkit",
            files(&[
                ("/usr/sbin/nginx", sized_bin("nginx", 1_400_000)),
                ("/etc/nginx/nginx.conf", Node::file("user  nginx;\nworker_processes  auto;\nerror_log  /var/log/nginx/error.log notice;\npid        /var/run/nginx.pid;\nevents {\n    worker_connections  1024;\n}\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n}\n")),
                ("/etc/nginx/conf.d/default.conf", Node::file("server {\n    listen       80;\n    server_name  localhost;\n    location / {\n        root   /usr/share/nginx/html;\n        index  index.html index.htm;\n    }\n}\n")),
                ("/usr/share/nginx/html/index.html", Node::file("<!DOCTYPE html>\n<html>\n<head><title>Welcome to nginx!</title></head>\n<body>\n<h1>Welcome to nginx!</h1>\n<p>The nginx web server is installed and working.</p>\n</body>\n</html>\n")),
                ("/var/log/nginx", Node::dir()),
                ("/var/cache/nginx", Node::dir()),
            ]),
            117_000_000,
        )
        .layer(
            "COPY docker-entrypoint.sh / # buildkit",
            files(&[("/docker-entrypoint.sh", entrypoint_script("/docker-entrypoint.sh: Configuration complete; ready for start up"))]),
            1_620,
        )
        .entrypoint(&["/docker-entrypoint.sh"])
        .expose("80/tcp")
        .stop_signal("SIGQUIT")
        .cmd(&["nginx", "-g", "daemon off;"]);

    let redis = debian(true)
        .dated("2024-10-02T19:20:11Z")
        .env("REDIS_VERSION", "7.4.1")
        .layer(
            "RUN /bin/sh -c set -eux; make -C /usr/src/redis install # buildkit",
            files(&[
                (
                    "/usr/local/bin/redis-server",
                    sized_bin("redis-server", 15_300_000),
                ),
                (
                    "/usr/local/bin/redis-cli",
                    sized_bin("redis-cli", 8_100_000),
                ),
            ]),
            37_900_000,
        )
        .layer(
            "RUN /bin/sh -c mkdir /data && chown redis:redis /data # buildkit",
            files(&[("/data", Node::dir())]),
            0,
        )
        .volume("/data")
        .workdir("/data")
        .layer(
            "COPY docker-entrypoint.sh /usr/local/bin/ # buildkit",
            files(&[(
                "/usr/local/bin/docker-entrypoint.sh",
                entrypoint_script("Starting Redis"),
            )]),
            661,
        )
        .entrypoint(&["docker-entrypoint.sh"])
        .expose("6379/tcp")
        .cmd(&["redis-server"]);

    let mysql = debian(true)
        .dated("2024-10-15T21:39:07Z")
        .env("MYSQL_MAJOR", "8.4")
        .env("MYSQL_VERSION", "8.4.3-1.el9")
        .layer(
            "RUN /bin/sh -c set -eux; microdnf install -y mysql-community-server-minimal mysql-shell # buildkit",
            files(&[
                ("/usr/sbin/mysqld", sized_bin("mysqld", 68_000_000)),
                ("/usr/bin/mysql", sized_bin("mysql", 7_300_000)),
                ("/etc/my.cnf", Node::file("[mysqld]\ndatadir=/var/lib/mysql\nsocket=/var/run/mysqld/mysqld.sock\n")),
                ("/var/lib/mysql", Node::dir()),
                ("/var/run/mysqld", Node::dir()),
            ]),
            511_000_000,
        )
        .volume("/var/lib/mysql")
        .layer(
            "COPY docker-entrypoint.sh /usr/local/bin/ # buildkit",
            files(&[("/usr/local/bin/docker-entrypoint.sh", entrypoint_script("[Entrypoint]: Entrypoint script for MySQL Server 8.4.3-1.el9 started."))]),
            15_400,
        )
        .entrypoint(&["docker-entrypoint.sh"])
        .expose("3306/tcp")
        .expose("33060/tcp")
        .cmd(&["mysqld"]);

    let hello = Recipe::scratch("2023-05-02T16:49:27Z")
        .layer(
            "COPY hello / # buildkit",
            files(&[("/hello", sized_bin("hello", 13_256))]),
            13_256,
        )
        .cmd(&["/hello"]);

    let busybox_env = busybox.env("PATH", PATH);
    let alpine_env = alpine.env("PATH", PATH);
    let tags = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
    [
        (
            tags(&["busybox:latest", "busybox:1.36", "busybox:1.36.1"]),
            busybox_env,
        ),
        (
            tags(&["alpine:latest", "alpine:3.20", "alpine:3.20.3", "alpine:3"]),
            alpine_env,
        ),
        (
            tags(&[
                "debian:bookworm-slim",
                "debian:12-slim",
                "debian:stable-slim",
            ]),
            debian(true),
        ),
        (
            tags(&[
                "debian:latest",
                "debian:bookworm",
                "debian:12",
                "debian:stable",
            ]),
            debian(false),
        ),
        (
            tags(&[
                "nginx:latest",
                "nginx:1.27",
                "nginx:1.27.2",
                "nginx:mainline",
            ]),
            nginx,
        ),
        (
            tags(&["redis:latest", "redis:7", "redis:7.4", "redis:7.4.1"]),
            redis,
        ),
        (
            tags(&[
                "mysql:latest",
                "mysql:8.4",
                "mysql:8.4.3",
                "mysql:lts",
                "mysql:8",
            ]),
            mysql,
        ),
        (tags(&["hello-world:latest"]), hello),
    ]
    .into_iter()
    .map(|(names, recipe)| (names, recipe.layers, recipe.config))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_count_from_the_worlds_start() {
        assert_eq!(stamp("2025-01-01T00:00:00Z"), 0);
        assert_eq!(stamp("2025-01-01T00:00:01Z"), 1000);
        assert_eq!(stamp("2024-12-31T00:00:00Z"), -86_400_000);
        assert_eq!(stamp("2024-03-01T00:00:00Z"), -306 * 86_400_000);
    }

    #[test]
    fn sizes_read_as_docker_prints_them() {
        assert_eq!(parse_size("4.26MB"), 4_260_000);
        assert_eq!(parse_size("388B"), 388);
        assert_eq!(parse_size("8.7kB"), 8_700);
        assert_eq!(parse_size("1.1GB"), 1_100_000_000);
        assert_eq!(checked_size("12 MiB"), None);
        assert_eq!(checked_size("MB"), None);
        assert_eq!(checked_size("-1kB"), None);
    }
}
