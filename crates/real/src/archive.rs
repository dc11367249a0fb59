//! `docker load` in real mode: every layer of the archive is extracted under untar's rules
//! into a scratch directory before the core reads it, so a hostile layer is refused before it
//! becomes an image (and the driver would refuse it again when it stores the layer).

use crate::untar;
use std::path::Path;

/// Checks every layer tar of `archive`; the scratch directory is removed afterwards.
pub fn check(archive: &[u8], scratch: &Path) -> Result<(), String> {
    let layers = sim_core::image::archive::layer_blobs(archive).map_err(|e| e.to_string())?;
    let result = layers.iter().enumerate().try_for_each(|(i, layer)| {
        let dir = scratch.join(i.to_string());
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        untar::extract(layer, &dir).map_err(|e| e.to_string())
    });
    let _ = std::fs::remove_dir_all(scratch);
    result
}
