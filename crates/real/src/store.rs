//! The content-addressed layer store under the state directory:
//! `blobs/sha256/<hex>` holds each layer tar, `layers/<diff_id hex>/` its extracted files
//! (extracted once; a directory is only renamed into place when complete).
//!
//! The core's layers carry stand-in files: a simulated binary is a marker naming its program.
//! A layer has a real form when the only such program is busybox, which becomes this machine's
//! static busybox; any other (nginx, redis, mysql, ...) has none here.

use crate::untar::{self, UntarError};
use sha2::{Digest, Sha256};
use sim_core::fs::{Change, LayerDiff, Node};
use sim_core::program::BINARY_MAGIC;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Where the machine's static busybox is (Debian's busybox-static).
pub const HOST_BUSYBOX: &str = "/usr/bin/busybox";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the image has no real form here: its {program} is a program of the simulation only; `sim --real` runs images made of busybox (or scratch): use busybox, or a Dockerfile FROM busybox")]
    Simulated { program: String },
    #[error(
        "cannot read the machine's busybox {HOST_BUSYBOX} (Debian package busybox-static): {0}"
    )]
    NoBusybox(io::Error),
    #[error(transparent)]
    Untar(#[from] UntarError),
    #[error("layer store {}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
}

pub struct LayerStore {
    root: PathBuf,
    busybox: Option<Vec<u8>>,
    /// The machine's busybox applets and whether its ps has TIME (see [`crate::applets`]).
    host_applets: Option<(Vec<String>, bool)>,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn io_at(path: &Path) -> impl FnOnce(io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

impl LayerStore {
    pub fn new(root: &Path) -> LayerStore {
        LayerStore {
            root: root.to_path_buf(),
            busybox: None,
            host_applets: None,
        }
    }

    /// The extracted directory of a layer, by the diff_id the core knows it by.
    pub fn layer_dir(&self, diff_id: &str) -> PathBuf {
        let hex = diff_id.strip_prefix("sha256:").unwrap_or(diff_id);
        self.root.join("layers").join(hex)
    }

    fn refusal_file(&self, diff_id: &str) -> PathBuf {
        self.layer_dir(diff_id).with_extension("refused")
    }

    /// Why a layer the core sent has no real form here, if it has none.
    pub fn refusal(&self, diff_id: &str) -> Option<String> {
        fs::read_to_string(self.refusal_file(diff_id)).ok()
    }

    pub fn has(&self, diff_id: &str) -> bool {
        self.layer_dir(diff_id).is_dir()
    }

    /// The layer's real content: simulated busybox markers become the machine's busybox.
    pub fn realize(&mut self, diff: &LayerDiff) -> Result<LayerDiff, StoreError> {
        let mut real = LayerDiff::new();
        for (path, change) in diff.iter() {
            match change {
                Change::Put(Node::File { data, mode, .. }) => {
                    let node = match data.strip_prefix(BINARY_MAGIC.as_bytes()) {
                        Some(rest) => {
                            let program = String::from_utf8_lossy(rest).trim().to_string();
                            if program != "busybox" {
                                return Err(StoreError::Simulated { program });
                            }
                            let data = self.busybox()?.clone();
                            Node::File {
                                data,
                                mode: *mode,
                                filler: 0,
                            }
                        }
                        None => Node::File {
                            data: data.clone(),
                            mode: *mode,
                            filler: 0,
                        },
                    };
                    real.put(path.clone(), node);
                }
                Change::Put(Node::Symlink { target })
                    if target == "busybox" || target.ends_with("/busybox") =>
                {
                    let node = match self.applet_script(path) {
                        Some(script) => Node::executable(script),
                        None => Node::symlink(target.clone()),
                    };
                    real.put(path.clone(), node);
                }
                Change::Put(node) => real.put(path.clone(), node.clone()),
                Change::Whiteout => real.whiteout(path.clone()),
                Change::OpaqueDir { mode } => {
                    real.put(path.clone(), Node::Dir { mode: *mode });
                    // LayerDiff has no public opaque constructor: the tar carries it below.
                    real.put(format!("{path}/.wh..wh..opq"), Node::file(Vec::new()));
                }
            }
        }
        Ok(real)
    }

    /// The layer's real tar (what `docker save` writes in real mode): its canonical tar once
    /// realized, so its digest is the one a real run of the same files gives.
    pub fn real_tar(&mut self, diff: &LayerDiff) -> Result<Vec<u8>, StoreError> {
        Ok(sim_core::image::canonical_tar(&self.realize(diff)?))
    }

    /// The script that stands in for the busybox applet linked at `path`, if the machine's
    /// busybox lacks what the official image's has.
    fn applet_script(&mut self, path: &str) -> Option<&'static str> {
        let applet = path.rsplit('/').next().unwrap_or(path);
        let (list, ps_time) = self
            .host_applets
            .get_or_insert_with(|| crate::applets::host_busybox(HOST_BUSYBOX));
        crate::applets::substitute(applet, list, *ps_time)
    }

    fn busybox(&mut self) -> Result<&Vec<u8>, StoreError> {
        if self.busybox.is_none() {
            self.busybox = Some(fs::read(HOST_BUSYBOX).map_err(StoreError::NoBusybox)?);
        }
        Ok(self.busybox.as_ref().expect("just read"))
    }

    /// Keeps the layer `diff_id` (once): its real tar as a blob, then its files extracted.
    pub fn store(&mut self, diff_id: &str, diff: &LayerDiff) -> Result<(), StoreError> {
        if self.has(diff_id) {
            return Ok(());
        }
        let real = match self.realize(diff) {
            Ok(real) => real,
            Err(e) => {
                // Remembered: the core sends a layer once, and later containers of it must
                // still hear why it cannot run.
                if let StoreError::Simulated { .. } = &e {
                    let _ = fs::create_dir_all(self.root.join("layers"));
                    let _ = fs::write(self.refusal_file(diff_id), e.to_string());
                }
                return Err(e);
            }
        };
        let tar = sim_core::image::canonical_tar(&real);
        self.store_tar(diff_id, &tar)
    }

    /// Keeps a layer tar under its digest and extracts it for `diff_id`.
    pub fn store_tar(&mut self, diff_id: &str, tar: &[u8]) -> Result<(), StoreError> {
        let blobs = self.root.join("blobs").join("sha256");
        fs::create_dir_all(&blobs).map_err(io_at(&blobs))?;
        let blob = blobs.join(hex(&Sha256::digest(tar)));
        if !blob.exists() {
            let partial = blob.with_extension("partial");
            fs::write(&partial, tar)
                .and_then(|()| fs::rename(&partial, &blob))
                .map_err(io_at(&blob))?;
        }
        let dir = self.layer_dir(diff_id);
        let work = dir.with_extension(format!("extracting-{}", std::process::id()));
        let _ = fs::remove_dir_all(&work);
        fs::create_dir_all(&work).map_err(io_at(&work))?;
        if let Err(e) = untar::extract(tar, &work) {
            let _ = fs::remove_dir_all(&work);
            return Err(e.into());
        }
        fs::rename(&work, &dir).map_err(io_at(&dir))?;
        Ok(())
    }
}
