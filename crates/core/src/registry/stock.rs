//! The stock images of the built-in registry, modelled on the official images: the same layer
//! structure (nginx, redis and mysql share a Debian base layer, so pulls report "Already
//! exists"), the same configs (entrypoints, commands, ports, volumes, environment). File
//! contents are small stand-ins: a binary is a marker naming the simulated program.

use crate::fs::{LayerDiff, Node};
use crate::image::{HistoryEntry, ImageConfig, Layer};
use crate::program::{applets, binary_file};

/// Logical creation time of stock images: before the World's clock starts.
const STOCK_CREATED: u64 = 0;
const PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// An image under construction: its layers and config.
#[derive(Clone)]
struct Recipe {
    layers: Vec<Layer>,
    config: ImageConfig,
}

impl Recipe {
    fn scratch() -> Recipe {
        Recipe {
            layers: Vec::new(),
            config: ImageConfig::new(STOCK_CREATED),
        }
    }

    fn layer(mut self, created_by: &str, diff: LayerDiff) -> Recipe {
        let layer = Layer::new(diff);
        self.config.diff_ids.push(layer.diff_id.clone());
        self.config.history.push(HistoryEntry {
            created: STOCK_CREATED,
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
            created: STOCK_CREATED,
            created_by: created_by.to_string(),
            empty_layer: true,
            comment: String::new(),
            size: 0,
        });
        self
    }

    fn env(self, key: &str, value: &str) -> Recipe {
        self.meta(&format!("ENV {key}={value}"), |c| {
            c.config.set_env(key, value)
        })
    }

    fn cmd(self, argv: &[&str]) -> Recipe {
        let argv: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
        let shown = format!("CMD {}", serde_json::to_string(&argv).unwrap_or_default());
        self.meta(&shown, |c| c.config.cmd = Some(argv))
    }

    fn entrypoint(self, argv: &[&str]) -> Recipe {
        let argv: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
        let shown = format!(
            "ENTRYPOINT {}",
            serde_json::to_string(&argv).unwrap_or_default()
        );
        self.meta(&shown, |c| c.config.entrypoint = Some(argv))
    }

    fn expose(self, port: &str) -> Recipe {
        self.meta(&format!("EXPOSE map[{port}:{{}}]"), |c| {
            c.config.exposed_ports.insert(port.to_string());
        })
    }

    fn volume(self, path: &str) -> Recipe {
        self.meta(&format!("VOLUME [{path}]"), |c| {
            c.config.volumes.insert(path.to_string());
        })
    }

    fn workdir(self, path: &str) -> Recipe {
        self.meta(&format!("WORKDIR {path}"), |c| {
            c.config.working_dir = path.to_string()
        })
    }

    fn stop_signal(self, signal: &str) -> Recipe {
        self.meta(&format!("STOPSIGNAL {signal}"), |c| {
            c.config.stop_signal = Some(signal.to_string())
        })
    }
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
        Node::executable(binary_file("busybox")),
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

fn debian() -> Recipe {
    let mut entries = base_system("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nID=debian\n");
    entries.extend(busybox_files("/bin"));
    entries.push(("/bin/bash".to_string(), Node::symlink("busybox")));
    entries.push(("/etc/debian_version".to_string(), Node::file("12.7\n")));
    Recipe::scratch()
        .layer(
            "# debian.sh --arch 'amd64' out/ 'bookworm' '@1729468800'",
            layer_of(entries),
        )
        .cmd(&["bash"])
}

pub(super) type StockImage = (Vec<&'static str>, Vec<Layer>, ImageConfig);

/// Every stock image: its tags, its layers (bottom first) and its config.
pub(super) fn images() -> Vec<StockImage> {
    let busybox = {
        let mut entries = base_system("NAME=BusyBox\nVERSION_ID=1.36.1\n");
        entries.extend(busybox_files("/bin"));
        entries.push(("/var/www".to_string(), Node::dir()));
        Recipe::scratch()
            .layer("BusyBox 1.36.1 (glibc), Debian 12", layer_of(entries))
            .cmd(&["sh"])
    };

    let alpine = {
        let mut entries = base_system("NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME=\"Alpine Linux v3.20\"\n");
        entries.extend(busybox_files("/bin"));
        entries.push(("/etc/alpine-release".to_string(), Node::file("3.20.3\n")));
        entries.push((
            "/sbin/apk".to_string(),
            Node::executable(binary_file("apk")),
        ));
        entries.push((
            "/lib/apk/db/installed".to_string(),
            Node::file("P:busybox\nV:1.36.1-r29\n\nP:alpine-baselayout\nV:3.6.5-r0\n\n"),
        ));
        Recipe::scratch()
            .layer(
                "ADD alpine-minirootfs-3.20.3-x86_64.tar.gz / # buildkit",
                layer_of(entries),
            )
            .cmd(&["/bin/sh"])
    };

    let nginx = debian()
        .env("PATH", PATH)
        .env("NGINX_VERSION", "1.27.2")
        .layer(
            "RUN /bin/sh -c set -x && apt-get update && apt-get install --no-install-recommends --no-install-suggests -y nginx # buildkit",
            files(&[
                ("/usr/sbin/nginx", Node::executable(binary_file("nginx"))),
                ("/etc/nginx/nginx.conf", Node::file("user  nginx;\nworker_processes  auto;\nerror_log  /var/log/nginx/error.log notice;\npid        /var/run/nginx.pid;\nevents {\n    worker_connections  1024;\n}\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n}\n")),
                ("/etc/nginx/conf.d/default.conf", Node::file("server {\n    listen       80;\n    server_name  localhost;\n    location / {\n        root   /usr/share/nginx/html;\n        index  index.html index.htm;\n    }\n}\n")),
                ("/usr/share/nginx/html/index.html", Node::file("<!DOCTYPE html>\n<html>\n<head><title>Welcome to nginx!</title></head>\n<body>\n<h1>Welcome to nginx!</h1>\n<p>The nginx web server is installed and working.</p>\n</body>\n</html>\n")),
                ("/var/log/nginx", Node::dir()),
                ("/var/cache/nginx", Node::dir()),
            ]),
        )
        .layer(
            "COPY docker-entrypoint.sh / # buildkit",
            files(&[("/docker-entrypoint.sh", entrypoint_script("/docker-entrypoint.sh: Configuration complete; ready for start up"))]),
        )
        .entrypoint(&["/docker-entrypoint.sh"])
        .expose("80/tcp")
        .stop_signal("SIGQUIT")
        .cmd(&["nginx", "-g", "daemon off;"]);

    let redis = debian()
        .env("REDIS_VERSION", "7.4.1")
        .layer(
            "RUN /bin/sh -c set -eux; make -C /usr/src/redis install # buildkit",
            files(&[
                (
                    "/usr/local/bin/redis-server",
                    Node::executable(binary_file("redis-server")),
                ),
                (
                    "/usr/local/bin/redis-cli",
                    Node::executable(binary_file("redis-cli")),
                ),
            ]),
        )
        .layer(
            "RUN /bin/sh -c mkdir /data && chown redis:redis /data # buildkit",
            files(&[("/data", Node::dir())]),
        )
        .volume("/data")
        .workdir("/data")
        .layer(
            "COPY docker-entrypoint.sh /usr/local/bin/ # buildkit",
            files(&[(
                "/usr/local/bin/docker-entrypoint.sh",
                entrypoint_script("Starting Redis"),
            )]),
        )
        .entrypoint(&["docker-entrypoint.sh"])
        .expose("6379/tcp")
        .cmd(&["redis-server"]);

    let mysql = debian()
        .env("MYSQL_MAJOR", "8.4")
        .env("MYSQL_VERSION", "8.4.3-1.el9")
        .layer(
            "RUN /bin/sh -c set -eux; microdnf install -y mysql-community-server-minimal mysql-shell # buildkit",
            files(&[
                ("/usr/sbin/mysqld", Node::executable(binary_file("mysqld"))),
                ("/usr/bin/mysql", Node::executable(binary_file("mysql"))),
                ("/etc/my.cnf", Node::file("[mysqld]\ndatadir=/var/lib/mysql\nsocket=/var/run/mysqld/mysqld.sock\n")),
                ("/var/lib/mysql", Node::dir()),
                ("/var/run/mysqld", Node::dir()),
            ]),
        )
        .volume("/var/lib/mysql")
        .layer(
            "COPY docker-entrypoint.sh /usr/local/bin/ # buildkit",
            files(&[("/usr/local/bin/docker-entrypoint.sh", entrypoint_script("[Entrypoint]: Entrypoint script for MySQL Server 8.4.3-1.el9 started."))]),
        )
        .entrypoint(&["docker-entrypoint.sh"])
        .expose("3306/tcp")
        .expose("33060/tcp")
        .cmd(&["mysqld"]);

    let hello = Recipe::scratch()
        .layer(
            "COPY hello / # buildkit",
            files(&[("/hello", Node::executable(binary_file("hello")))]),
        )
        .cmd(&["/hello"]);

    let debian = debian();
    let busybox_env = busybox.env("PATH", PATH);
    let alpine_env = alpine.env("PATH", PATH);
    [
        (vec!["busybox:latest", "busybox:1.36"], busybox_env),
        (vec!["alpine:latest", "alpine:3.20"], alpine_env),
        (
            vec!["debian:latest", "debian:bookworm-slim", "debian:12"],
            debian,
        ),
        (vec!["nginx:latest", "nginx:1.27"], nginx),
        (vec!["redis:latest", "redis:7"], redis),
        (vec!["mysql:latest", "mysql:8.4"], mysql),
        (vec!["hello-world:latest"], hello),
    ]
    .into_iter()
    .map(|(names, recipe)| (names, recipe.layers, recipe.config))
    .collect()
}
