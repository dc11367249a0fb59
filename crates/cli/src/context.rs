//! Loading a `docker build` context directory from disk into the core's [`BuildContext`].
//!
//! This is the I/O half of a build: the core asks for a directory
//! ([`sim_core::command::ContextRequest`]), the CLI reads it here, and the core never touches
//! the disk. Symlinks are stored as symlinks, never followed, so nothing outside the context
//! directory is read. `.dockerignore` is applied while walking (as docker does before sending),
//! so ignored directories such as `target/` don't count against the size limits.

use sim_core::build::dockerignore::DockerIgnore;
use sim_core::command::ContextRequest;
use sim_core::fs::{normalize, Node};
use sim_core::BuildContext;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

/// Larger contexts are refused: the journal stores every build's context.
pub const MAX_CONTEXT_BYTES: u64 = 50 * 1000 * 1000;
pub const MAX_CONTEXT_ENTRIES: usize = 20_000;
// Whatever is loaded can be saved in the journal (a `-f` Dockerfile from elsewhere on top).
const _: () = assert!(MAX_CONTEXT_BYTES < sim_core::scenario::MAX_FILES_BYTES);
const _: () = assert!(MAX_CONTEXT_ENTRIES < sim_core::scenario::MAX_FILES_ENTRIES);

#[derive(Debug, thiserror::Error)]
pub enum ContextError {
    #[error("unable to prepare context: path \"{0}\" not found")]
    NotFound(String),
    #[error("unable to prepare context: context must be a directory: {}", .0.display())]
    NotADirectory(PathBuf),
    #[error(
        "unable to prepare context: the build context in {} is larger than {} (the simulator's limit); leave files out with a .dockerignore",
        path.display(),
        human_size(MAX_CONTEXT_BYTES)
    )]
    TooLarge { path: PathBuf },
    #[error(
        "unable to prepare context: the build context in {} has more than {MAX_CONTEXT_ENTRIES} files (the simulator's limit); leave files out with a .dockerignore",
        path.display()
    )]
    TooManyFiles { path: PathBuf },
    #[error(
        "unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat {}: no such file or directory",
        .0.display()
    )]
    DockerfileNotFound(PathBuf),
    #[error("unable to prepare context: {}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("unable to prepare context: {0} is not supported by the simulator; pass a directory")]
    Unsupported(&'static str),
}

/// A loaded context and what it weighs (files and symlinks; directories are free).
pub struct LoadedContext {
    pub tree: BuildContext,
    pub bytes: u64,
    pub files: usize,
}

impl LoadedContext {
    /// Docker prints "Sending build context"; this is the simulator's equivalent.
    pub fn progress_line(&self) -> String {
        format!(
            "[+] Loading build context {} ({} file{})",
            human_size(self.bytes),
            self.files,
            if self.files == 1 { "" } else { "s" }
        )
    }
}

/// Reads the context a `docker build` line asked for, relative to `cwd`.
pub fn load(request: &ContextRequest, cwd: &Path) -> Result<LoadedContext, ContextError> {
    let dir_arg = request.context_dir.as_str();
    if dir_arg == "-" {
        return Err(ContextError::Unsupported(
            "reading the build context from stdin",
        ));
    }
    if dir_arg.contains("://") || dir_arg.starts_with("git@") {
        return Err(ContextError::Unsupported("a remote build context (URL)"));
    }
    let root = cwd.join(dir_arg);
    let meta = fs::metadata(&root).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => ContextError::NotFound(dir_arg.to_string()),
        _ => ContextError::Io {
            path: root.clone(),
            source: e,
        },
    })?;
    if !meta.is_dir() {
        return Err(ContextError::NotADirectory(lexical_absolute(&root)));
    }

    let ignore = match fs::read(root.join(".dockerignore")) {
        Ok(bytes) => DockerIgnore::parse(&String::from_utf8_lossy(&bytes)),
        Err(_) => DockerIgnore::parse(""),
    };
    let mut loader = Loader {
        root: root.clone(),
        ignore,
        loaded: LoadedContext {
            tree: BuildContext::new(),
            bytes: 0,
            files: 0,
        },
        entries: 0,
    };
    loader.walk()?;
    let mut loaded = loader.loaded;

    if let Some(file) = &request.dockerfile {
        if file == "-" {
            return Err(ContextError::Unsupported(
                "reading the Dockerfile from stdin",
            ));
        }
        // `-f` is relative to the current directory; the core finds it where
        // `dockerfile_in_context` says. Putting the file there makes both agree whatever the
        // spelling (absolute paths, `..`), and sends it even when .dockerignore excludes it.
        let path = lexical_absolute(&cwd.join(file));
        let outside = !path.starts_with(lexical_absolute(&root));
        let target = dockerfile_in_context(dir_arg, file).unwrap_or_else(|| "/Dockerfile".into());
        match fs::read(&path) {
            Ok(data) => {
                let mode = fs::metadata(&path).map_or(0o644, |m| mode_of(&m, 0o644));
                if loaded.tree.get(&target).is_none() {
                    loaded.files += 1;
                }
                loaded.bytes += data.len() as u64;
                loaded.bytes -= loaded.tree.get(&target).map_or(0, Node::size);
                loaded.tree.put(
                    &target,
                    Node::File {
                        data,
                        mode,
                        filler: 0,
                    },
                );
                // A `-f` file from elsewhere counts too: the journal must be able to hold it.
                if loaded.bytes > MAX_CONTEXT_BYTES {
                    return Err(ContextError::TooLarge { path: root });
                }
            }
            // Inside the context, a missing Dockerfile is the core's error to report.
            Err(e) if e.kind() == io::ErrorKind::NotFound && !outside => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(ContextError::DockerfileNotFound(path))
            }
            Err(source) => return Err(ContextError::Io { path, source }),
        }
    }
    Ok(loaded)
}

/// Where the core looks for `-f FILE` in the context: the path inside it when FILE lies in the
/// context directory (compared as written, as the core does), else `None` for `/Dockerfile`.
/// Mirrors `dockerfile_in_context` in sim-core's world/build.rs.
fn dockerfile_in_context(context_dir: &str, file: &str) -> Option<String> {
    let context = normalize("/", context_dir);
    let file = normalize("/", file);
    if context == "/" {
        return Some(file);
    }
    match file.strip_prefix(&context) {
        Some(rest) if rest.starts_with('/') => Some(rest.to_string()),
        _ => None,
    }
}

struct Loader {
    root: PathBuf,
    ignore: DockerIgnore,
    loaded: LoadedContext,
    entries: usize,
}

impl Loader {
    fn walk(&mut self) -> Result<(), ContextError> {
        // With `!exceptions`, an ignored directory may still hold included files.
        let prune = !self.ignore.rules().iter().any(|r| r.exception);
        let mut pending: Vec<String> = vec![String::new()];
        while let Some(relative) = pending.pop() {
            let dir = self.root.join(&relative);
            let mut names: Vec<String> = fs::read_dir(&dir)
                .map_err(|e| self.io_error(&dir, e))?
                .map(|entry| {
                    entry
                        .map(|e| e.file_name().to_string_lossy().into_owned())
                        .map_err(|e| self.io_error(&dir, e))
                })
                .collect::<Result<_, _>>()?;
            // Sorted, so that hitting a limit is reported the same way every time.
            names.sort();
            for name in names.into_iter().rev() {
                let child = if relative.is_empty() {
                    name.clone()
                } else {
                    format!("{relative}/{name}")
                };
                let path = self.root.join(&child);
                let meta = fs::symlink_metadata(&path).map_err(|e| self.io_error(&path, e))?;
                let always_sent = child == "Dockerfile" || child == ".dockerignore";
                let excluded = !always_sent && self.ignore.is_excluded(&child);
                if meta.is_dir() {
                    if !excluded {
                        self.add(
                            &child,
                            Node::Dir {
                                mode: mode_of(&meta, 0o755),
                            },
                        )?;
                    }
                    if !excluded || !prune {
                        pending.push(child);
                    }
                    continue;
                }
                if excluded {
                    continue;
                }
                let node = if meta.file_type().is_symlink() {
                    let target = fs::read_link(&path).map_err(|e| self.io_error(&path, e))?;
                    Node::Symlink {
                        target: target.to_string_lossy().into_owned(),
                    }
                } else if meta.is_file() {
                    if self.loaded.bytes + meta.len() > MAX_CONTEXT_BYTES {
                        return Err(ContextError::TooLarge {
                            path: self.root.clone(),
                        });
                    }
                    let data = fs::read(&path).map_err(|e| self.io_error(&path, e))?;
                    Node::File {
                        data,
                        mode: mode_of(&meta, 0o644),
                        filler: 0,
                    }
                } else {
                    // Sockets, fifos and devices are not part of a build context.
                    continue;
                };
                self.loaded.files += 1;
                self.loaded.bytes += node.size();
                self.add(&child, node)?;
            }
        }
        if self.loaded.bytes > MAX_CONTEXT_BYTES {
            return Err(ContextError::TooLarge {
                path: self.root.clone(),
            });
        }
        Ok(())
    }

    fn add(&mut self, relative: &str, node: Node) -> Result<(), ContextError> {
        self.entries += 1;
        if self.entries > MAX_CONTEXT_ENTRIES {
            return Err(ContextError::TooManyFiles {
                path: self.root.clone(),
            });
        }
        self.loaded.tree.put(&format!("/{relative}"), node);
        Ok(())
    }

    fn io_error(&self, path: &Path, source: io::Error) -> ContextError {
        ContextError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

#[cfg(unix)]
fn mode_of(meta: &fs::Metadata, _default: u32) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o7777
}

#[cfg(not(unix))]
fn mode_of(_meta: &fs::Metadata, default: u32) -> u32 {
    default
}

/// An absolute path with `.` and `..` removed, without touching the disk (docker's messages
/// show such paths).
fn lexical_absolute(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Sizes the way the docker CLI prints them (`units.HumanSize`: four significant digits).
pub fn human_size(bytes: u64) -> String {
    sim_core::output::human_size_with_precision(bytes, 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("sim-context-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn request(dir: &str, dockerfile: Option<&str>) -> ContextRequest {
        ContextRequest {
            context_dir: dir.to_string(),
            dockerfile: dockerfile.map(str::to_string),
        }
    }

    #[test]
    fn files_dirs_and_symlinks_are_loaded() {
        let cwd = temp_dir("load");
        let app = cwd.join("app");
        fs::create_dir_all(app.join("src/empty")).unwrap();
        fs::write(app.join("Dockerfile"), "FROM busybox\nCOPY . /app\n").unwrap();
        fs::write(app.join("src/main.sh"), "echo hi\n").unwrap();
        fs::write(cwd.join("outside.txt"), "secret").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink("../../outside.txt", app.join("src/link")).unwrap();

        let loaded = load(&request("app", None), &cwd).unwrap();
        let tree = &loaded.tree;
        assert_eq!(
            tree.get("/Dockerfile"),
            Some(&Node::File {
                data: b"FROM busybox\nCOPY . /app\n".to_vec(),
                mode: 0o644,
                filler: 0
            })
        );
        assert!(matches!(tree.get("/src"), Some(Node::Dir { .. })));
        assert!(matches!(tree.get("/src/empty"), Some(Node::Dir { .. })));
        assert_eq!(tree.read_file("/src/main.sh").unwrap(), b"echo hi\n");
        #[cfg(unix)]
        {
            // Kept as a link; the file it points to outside the context is not read.
            assert_eq!(
                tree.get("/src/link"),
                Some(&Node::symlink("../../outside.txt"))
            );
            assert!(tree.iter().all(|(_, n)| n.size() != 6 || n.is_dir()));
        }
        assert!(loaded
            .progress_line()
            .starts_with("[+] Loading build context "));
        fs::remove_dir_all(&cwd).unwrap();
    }

    #[test]
    fn dockerignore_leaves_files_out_but_keeps_the_dockerfile() {
        let cwd = temp_dir("ignore");
        fs::create_dir_all(cwd.join("target/debug")).unwrap();
        fs::write(cwd.join("target/debug/big"), vec![0u8; 1000]).unwrap();
        fs::write(cwd.join("Dockerfile"), "FROM busybox\n").unwrap();
        fs::write(cwd.join(".dockerignore"), "target\nDockerfile\n*.log\n").unwrap();
        fs::write(cwd.join("build.log"), "x").unwrap();
        fs::write(cwd.join("keep.txt"), "x").unwrap();
        let loaded = load(&request(".", None), &cwd).unwrap();
        let paths: Vec<&str> = loaded.tree.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths, ["/.dockerignore", "/Dockerfile", "/keep.txt"]);
        fs::remove_dir_all(&cwd).unwrap();
    }

    #[test]
    fn a_dockerfile_outside_the_context_goes_to_slash_dockerfile() {
        let cwd = temp_dir("outside");
        fs::create_dir_all(cwd.join("ctx")).unwrap();
        fs::write(cwd.join("ctx/Dockerfile"), "FROM scratch\n").unwrap();
        fs::write(cwd.join("dev.Dockerfile"), "FROM busybox\n").unwrap();
        let loaded = load(&request("ctx", Some("dev.Dockerfile")), &cwd).unwrap();
        assert_eq!(
            loaded.tree.read_file("/Dockerfile").unwrap(),
            b"FROM busybox\n"
        );

        // Inside the context it stays where it is.
        fs::write(cwd.join("ctx/dev.Dockerfile"), "FROM alpine\n").unwrap();
        let loaded = load(&request("ctx", Some("ctx/dev.Dockerfile")), &cwd).unwrap();
        assert_eq!(
            loaded.tree.read_file("/Dockerfile").unwrap(),
            b"FROM scratch\n"
        );
        assert_eq!(
            loaded.tree.read_file("/dev.Dockerfile").unwrap(),
            b"FROM alpine\n"
        );

        let err = load(&request("ctx", Some("nope.Dockerfile")), &cwd)
            .err()
            .unwrap();
        assert!(matches!(err, ContextError::DockerfileNotFound(_)), "{err}");
        fs::remove_dir_all(&cwd).unwrap();
    }

    #[test]
    fn missing_context_and_file_context_give_dockers_errors() {
        let cwd = temp_dir("missing");
        let err = load(&request("nope", None), &cwd).err().unwrap();
        assert_eq!(
            err.to_string(),
            "unable to prepare context: path \"nope\" not found"
        );
        fs::write(cwd.join("file"), "x").unwrap();
        let err = load(&request("file", None), &cwd).err().unwrap();
        assert!(
            err.to_string().contains("context must be a directory"),
            "{err}"
        );
        fs::remove_dir_all(&cwd).unwrap();
    }

    #[test]
    fn too_many_files_are_refused() {
        let cwd = temp_dir("many");
        for i in 0..=MAX_CONTEXT_ENTRIES {
            fs::write(cwd.join(format!("f{i}")), "").unwrap();
        }
        let err = load(&request(".", None), &cwd).err().unwrap();
        assert!(matches!(err, ContextError::TooManyFiles { .. }), "{err}");
        fs::remove_dir_all(&cwd).unwrap();
    }

    #[test]
    fn sizes_read_like_dockers() {
        assert_eq!(human_size(0), "0B");
        assert_eq!(human_size(999), "999B");
        assert_eq!(human_size(2048), "2.048kB");
        assert_eq!(human_size(1_200_000), "1.2MB");
        assert_eq!(human_size(50_000_000), "50MB");
        assert_eq!(human_size(123_456_789), "123.5MB");
    }
}
