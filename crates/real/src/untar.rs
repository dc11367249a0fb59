//! Extracting one OCI layer tar into its own directory, refusing anything that could write
//! outside it or that a layer has no business holding.
//!
//! OCI whiteouts become overlayfs ones: `.wh.NAME` a character device 0:0 named NAME,
//! `.wh..wh..opq` the xattr `trusted.overlay.opaque=y` on its directory. Every entry's parent
//! must be a directory this archive made (never a symlink), so a link can never redirect a
//! later write.

use nix::sys::stat::{mknod, Mode, SFlag};
use std::collections::BTreeMap;
use std::fs::{self, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// Linux's limits: a whole path (PATH_MAX) and one name (NAME_MAX).
const MAX_PATH: usize = 4096;
const MAX_NAME: usize = 255;
const BLOCK: u64 = 512;

#[derive(Debug, thiserror::Error)]
pub enum UntarError {
    #[error("layer tar entry {0:?}: absolute paths are not allowed")]
    Absolute(String),
    #[error("layer tar entry {0:?}: the path leaves the layer (`..`)")]
    Escapes(String),
    #[error("layer tar entry {0:?}: the name is too long")]
    TooLong(String),
    #[error("layer tar entry {0:?}: appears twice in the archive")]
    Duplicate(String),
    #[error("layer tar entry {path:?}: {kind} entries are not allowed in a layer")]
    Kind { path: String, kind: String },
    #[error("layer tar entry {path:?}: link target {target:?} points outside the layer")]
    LinkOutside { path: String, target: String },
    #[error(
        "layer tar entry {path:?}: hard link to {target:?}, which is not a file of this layer"
    )]
    BadHardLink { path: String, target: String },
    #[error("layer tar entry {path:?}: its directory {through:?} is not a directory of this layer (a symlink or a file)")]
    Through { path: String, through: String },
    #[error("layer tar is truncated or damaged: {0}")]
    Damaged(String),
    #[error("cannot write the layer: {0}")]
    Io(#[from] io::Error),
}

/// What an entry path became once checked: its components, never empty, never `..`.
fn clean_path(raw: &[u8]) -> Result<Vec<String>, UntarError> {
    let text = String::from_utf8_lossy(raw).into_owned();
    if raw.len() > MAX_PATH {
        return Err(UntarError::TooLong(text.chars().take(64).collect()));
    }
    if text.starts_with('/') {
        return Err(UntarError::Absolute(text));
    }
    let mut parts = Vec::new();
    for part in text.split('/') {
        match part {
            "" | "." => {}
            ".." => return Err(UntarError::Escapes(text)),
            name if name.len() > MAX_NAME => {
                return Err(UntarError::TooLong(text.chars().take(64).collect()))
            }
            name => parts.push(name.to_string()),
        }
    }
    Ok(parts)
}

/// A relative symlink target, seen from the link's directory, must stay inside the layer.
/// (Absolute targets are resolved inside the container's root, never on the host.)
fn link_stays_inside(dir: &[String], target: &str) -> bool {
    if target.starts_with('/') {
        return true;
    }
    let mut depth = dir.len() as i64;
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => depth -= 1,
            _ => depth += 1,
        }
        if depth < 0 {
            return false;
        }
    }
    true
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Made {
    Dir,
    File,
    Other,
}

struct Extractor<'a> {
    root: &'a Path,
    /// Every path this archive made (by components joined with '/'), and what it is.
    made: BTreeMap<String, Made>,
}

impl Extractor<'_> {
    /// The host path of `parts`, after checking (and making) each parent directory.
    fn prepare(&mut self, parts: &[String], display: &str) -> Result<PathBuf, UntarError> {
        let mut path = self.root.to_path_buf();
        for i in 0..parts.len().saturating_sub(1) {
            let key = parts[..=i].join("/");
            path.push(&parts[i]);
            match self.made.get(&key) {
                Some(Made::Dir) => {}
                Some(_) => {
                    return Err(UntarError::Through {
                        path: display.to_string(),
                        through: key,
                    })
                }
                None => {
                    // A parent the archive did not list: made as a plain directory.
                    fs::create_dir(&path)?;
                    self.made.insert(key, Made::Dir);
                }
            }
        }
        if let Some(last) = parts.last() {
            path.push(last);
        }
        Ok(path)
    }

    fn claim(&mut self, parts: &[String], display: &str, made: Made) -> Result<(), UntarError> {
        let key = parts.join("/");
        if self.made.insert(key, made).is_some() {
            return Err(UntarError::Duplicate(display.to_string()));
        }
        Ok(())
    }
}

/// Extracts the layer tar `bytes` into `root` (an empty directory). On error, what was written
/// stays inside `root` for the caller to delete.
pub fn extract(bytes: &[u8], root: &Path) -> Result<(), UntarError> {
    let mut archive = tar::Archive::new(bytes);
    let mut ex = Extractor {
        root,
        made: BTreeMap::new(),
    };
    let mut end = 0u64;
    let entries = archive
        .entries()
        .map_err(|e| UntarError::Damaged(e.to_string()))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| UntarError::Damaged(e.to_string()))?;
        let size = entry.header().entry_size().unwrap_or(0);
        end = entry.raw_file_position() + size.div_ceil(BLOCK) * BLOCK;
        if end > bytes.len() as u64 {
            return Err(UntarError::Damaged("an entry's data is cut off".into()));
        }
        let raw = entry.path_bytes().into_owned();
        let display = String::from_utf8_lossy(&raw).into_owned();
        let parts = clean_path(&raw)?;
        let Some(name) = parts.last().cloned() else {
            continue; // "./": the layer root itself
        };
        let kind = entry.header().entry_type();
        let mode = entry.header().mode().unwrap_or(0o644) & 0o7777;
        if name == ".wh..wh..opq" {
            let dir = &parts[..parts.len() - 1];
            let path = ex.prepare(&parts, &display)?;
            ex.claim(&parts, &display, Made::Other)?;
            let dir_path = path.parent().unwrap_or(root);
            if !dir.is_empty() && ex.made.get(&dir.join("/")) != Some(&Made::Dir) {
                return Err(UntarError::Through {
                    path: display,
                    through: dir.join("/"),
                });
            }
            set_opaque(dir_path)?;
            continue;
        }
        if let Some(hidden) = name.strip_prefix(".wh.") {
            let mut target = parts.clone();
            *target.last_mut().expect("not empty") = hidden.to_string();
            clean_path(hidden.as_bytes())?;
            if hidden.is_empty() || hidden.contains('/') {
                return Err(UntarError::Escapes(display));
            }
            let path = ex.prepare(&target, &display)?;
            ex.claim(&target, &display, Made::Other)?;
            mknod(&path, SFlag::S_IFCHR, Mode::empty(), 0).map_err(io::Error::from)?;
            continue;
        }
        match kind {
            tar::EntryType::Directory => {
                let path = ex.prepare(&parts, &display)?;
                ex.claim(&parts, &display, Made::Dir)?;
                fs::create_dir(&path)?;
                fs::set_permissions(&path, fs::Permissions::from_mode(mode))?;
            }
            tar::EntryType::Regular | tar::EntryType::Continuous => {
                let path = ex.prepare(&parts, &display)?;
                ex.claim(&parts, &display, Made::File)?;
                let mut file = OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .mode(mode)
                    .custom_flags(nix::libc::O_NOFOLLOW)
                    .open(&path)?;
                let mut buffer = Vec::with_capacity(size as usize);
                entry
                    .read_to_end(&mut buffer)
                    .map_err(|e| UntarError::Damaged(e.to_string()))?;
                file.write_all(&buffer)?;
                // The umask may have dropped bits the layer asks for.
                fs::set_permissions(&path, fs::Permissions::from_mode(mode))?;
            }
            tar::EntryType::Symlink => {
                let target = entry
                    .link_name_bytes()
                    .map(|t| String::from_utf8_lossy(&t).into_owned())
                    .unwrap_or_default();
                if target.is_empty()
                    || target.len() > MAX_PATH
                    || !link_stays_inside(&parts[..parts.len() - 1], &target)
                {
                    return Err(UntarError::LinkOutside {
                        path: display,
                        target,
                    });
                }
                let path = ex.prepare(&parts, &display)?;
                ex.claim(&parts, &display, Made::Other)?;
                std::os::unix::fs::symlink(&target, &path)?;
            }
            tar::EntryType::Link => {
                let raw_target = entry
                    .link_name_bytes()
                    .map(|t| t.into_owned())
                    .unwrap_or_default();
                let target_text = String::from_utf8_lossy(&raw_target).into_owned();
                let target = clean_path(&raw_target).map_err(|_| UntarError::LinkOutside {
                    path: display.clone(),
                    target: target_text.clone(),
                })?;
                if ex.made.get(&target.join("/")) != Some(&Made::File) {
                    return Err(UntarError::BadHardLink {
                        path: display,
                        target: target_text,
                    });
                }
                let path = ex.prepare(&parts, &display)?;
                ex.claim(&parts, &display, Made::File)?;
                let mut source = root.to_path_buf();
                source.extend(&target);
                fs::hard_link(&source, &path)?;
            }
            other => {
                return Err(UntarError::Kind {
                    path: display,
                    kind: kind_name(other),
                })
            }
        }
    }
    // A whole archive ends with two zero blocks after its last entry.
    let tail = bytes.get(end as usize..).unwrap_or_default();
    if tail.len() < 2 * BLOCK as usize || tail[..2 * BLOCK as usize].iter().any(|b| *b != 0) {
        return Err(UntarError::Damaged(
            "the archive ends before its end-of-archive blocks".into(),
        ));
    }
    Ok(())
}

fn kind_name(kind: tar::EntryType) -> String {
    match kind {
        tar::EntryType::Char => "character device".into(),
        tar::EntryType::Block => "block device".into(),
        tar::EntryType::Fifo => "fifo".into(),
        other => format!("{other:?}"),
    }
}

/// overlayfs's opaque directory marker.
fn set_opaque(dir: &Path) -> io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let path = std::ffi::CString::new(dir.as_os_str().as_bytes())
        .map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
    let name = c"trusted.overlay.opaque";
    // SAFETY: both strings are NUL-terminated and the value buffer is one valid byte.
    let rc =
        unsafe { nix::libc::lsetxattr(path.as_ptr(), name.as_ptr(), b"y".as_ptr().cast(), 1, 0) };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}
