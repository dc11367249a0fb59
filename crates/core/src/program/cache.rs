//! What programs work out from files alone, kept between runs: a shell script's syntax tree and
//! nginx's reading of its config. Every container of an image runs the same entrypoint script
//! and reads the same config, so the second container on reuses the first one's work.
//!
//! Keys are the content itself (the script's text, the config files' bytes), never a path or
//! an image id: a container or image that changed the file has other content, so it misses and
//! parses afresh. A hit gives exactly what parsing would have given, so the cache never
//! changes what a program does, only how fast. Bounded: past [`MAX_ENTRIES`] a map starts over.

use super::servers::http::NginxSetup;
use super::sh::List;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Entries kept per kind before the map is emptied (a simulation runs a handful of images).
const MAX_ENTRIES: usize = 64;
/// Longer sources are parsed every time (not worth keeping a copy of).
const MAX_KEY_BYTES: usize = 16 * 1024;

/// Owned by whoever runs programs over and over (the simulated driver); see the module doc.
#[derive(Default)]
pub struct ProgramCache {
    /// First line number -> source -> the parse: the tree, or the syntax error message.
    scripts: BTreeMap<u32, BTreeMap<String, Arc<Result<List, String>>>>,
    script_count: usize,
    /// The config files' contents, in the order nginx reads them -> what it made of them.
    nginx: BTreeMap<Vec<u8>, Arc<NginxSetup>>,
}

impl ProgramCache {
    /// The parse of `src` starting at line `first_line`, made by `parse` on a miss.
    pub(crate) fn script(
        &mut self,
        src: &str,
        first_line: u32,
        parse: impl FnOnce(&str, u32) -> Result<List, String>,
    ) -> Arc<Result<List, String>> {
        if src.len() > MAX_KEY_BYTES {
            return Arc::new(parse(src, first_line));
        }
        // Looked up by `&str`: a hit copies nothing.
        if let Some(hit) = self.scripts.get(&first_line).and_then(|m| m.get(src)) {
            return Arc::clone(hit);
        }
        let parsed = Arc::new(parse(src, first_line));
        if self.script_count >= MAX_ENTRIES {
            self.scripts.clear();
            self.script_count = 0;
        }
        self.scripts
            .entry(first_line)
            .or_default()
            .insert(src.to_string(), Arc::clone(&parsed));
        self.script_count += 1;
        parsed
    }

    /// What nginx makes of config files with these contents (in the order it reads them),
    /// made by `read` on a miss.
    pub(crate) fn nginx(
        &mut self,
        files: &[&[u8]],
        read: impl FnOnce(&[&[u8]]) -> NginxSetup,
    ) -> Arc<NginxSetup> {
        // Each file's length, then its bytes: two lists of files never share a key.
        let mut key = Vec::with_capacity(files.iter().map(|f| f.len() + 8).sum());
        for file in files {
            key.extend_from_slice(&(file.len() as u64).to_le_bytes());
            key.extend_from_slice(file);
        }
        if let Some(hit) = self.nginx.get(key.as_slice()) {
            return Arc::clone(hit);
        }
        let setup = Arc::new(read(files));
        if key.len() > MAX_KEY_BYTES {
            return setup;
        }
        if self.nginx.len() >= MAX_ENTRIES {
            self.nginx.clear();
        }
        self.nginx.insert(key, Arc::clone(&setup));
        setup
    }
}
