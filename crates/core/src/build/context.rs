//! What a build takes from its context and its Dockerfile before any step runs: where the
//! Dockerfile is, what `.dockerignore` leaves, which stages the target needs, the files a COPY
//! names and their checksum (the content part of a cache key).

use super::dockerfile::{Dockerfile, Instruction, Stage};
use super::dockerignore::DockerIgnore;
use crate::digest::sha256_digest;
use crate::fs::{normalize, FsTree, Node};

/// A COPY source that is not there, in BuildKit's words.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    /// Not in the build context.
    #[error(
        "failed to compute cache key: failed to calculate checksum of ref: \"{0}\": not found"
    )]
    NotInContext(String),
    /// Not in an earlier stage or image (`COPY --from`), or gone below a matched directory.
    #[error("\"{0}\": not found")]
    NotFound(String),
}

/// Where the Dockerfile is inside the loaded context: `-f` relative to the context directory
/// when it lies inside it, otherwise the front put it at `/Dockerfile`.
pub fn dockerfile_in_context(context_dir: &str, file: Option<&str>) -> String {
    let Some(file) = file else {
        return "/Dockerfile".into();
    };
    let context = normalize("/", context_dir);
    let file = normalize("/", file);
    match file.strip_prefix(&context) {
        Some(_) if context == "/" => file.clone(),
        Some(rest) if rest.starts_with('/') => rest.to_string(),
        _ => "/Dockerfile".into(),
    }
}

/// The context without what `.dockerignore` excludes (the Dockerfile and .dockerignore are
/// always sent, as docker does).
pub fn filter_context(context: &FsTree, ignore: &DockerIgnore) -> FsTree {
    let mut out = FsTree::new();
    for (path, node) in context.iter() {
        let relative = path.trim_start_matches('/');
        if relative == "Dockerfile" || relative == ".dockerignore" || !ignore.is_excluded(relative)
        {
            out.put(path, node.clone());
        }
    }
    out
}

/// The stages the target needs (by FROM and COPY --from), in file order; BuildKit skips the
/// rest.
pub fn needed_stages(file: &Dockerfile, target: usize) -> Vec<usize> {
    let mut needed = vec![false; file.stages.len()];
    let mut pending = vec![target];
    let index_of = |name: &str| -> Option<usize> {
        let lower = name.to_lowercase();
        file.stages
            .iter()
            .position(|s| s.name.as_deref() == Some(lower.as_str()))
            .or_else(|| name.parse().ok())
    };
    while let Some(i) = pending.pop() {
        if i >= needed.len() || needed[i] {
            continue;
        }
        needed[i] = true;
        let stage: &Stage = &file.stages[i];
        if let Some(j) = index_of(&stage.base).filter(|j| *j < i) {
            pending.push(j);
        }
        for ins in &stage.instructions {
            if let Instruction::Copy { from: Some(f), .. } = &ins.value {
                if let Some(j) = index_of(f).filter(|j| *j < i) {
                    pending.push(j);
                }
            }
        }
    }
    (0..needed.len()).filter(|i| needed[*i]).collect()
}

/// The files COPY takes: each source file, or a directory's contents, with `*`/`?` wildcards
/// in the last component. Paths are relative to the destination.
pub fn collect_sources(
    fs: &FsTree,
    sources: &[String],
    from_image: bool,
) -> Result<Vec<(String, Node)>, SourceError> {
    let mut out = Vec::new();
    for source in sources {
        let path = normalize("/", source);
        let matches: Vec<String> = if path.contains('*') || path.contains('?') {
            let dir = crate::fs::parent(&path);
            let pattern = crate::fs::file_name(&path);
            fs.list_dir(dir)
                .unwrap_or_default()
                .into_iter()
                .filter(|(name, _)| crate::glob::fnmatch_file(pattern, name))
                .map(|(name, _)| normalize(dir, &name))
                .collect()
        } else {
            vec![path.clone()]
        };
        if matches.is_empty() || (matches.len() == 1 && fs.lstat(&matches[0]).is_err()) {
            return Err(if from_image {
                SourceError::NotFound(path)
            } else {
                SourceError::NotInContext(path)
            });
        }
        for m in matches {
            match fs.stat(&m) {
                Ok(Node::Dir { .. }) => {
                    for (p, node) in fs.descendants(&m) {
                        out.push((
                            p[m.len()..].trim_start_matches('/').to_string(),
                            node.clone(),
                        ));
                    }
                }
                Ok(node) => out.push((crate::fs::file_name(&m).to_string(), node.clone())),
                Err(_) => return Err(SourceError::NotFound(m)),
            }
        }
    }
    Ok(out)
}

/// Checksum of copied files (names, modes and contents), Docker's content part of the key.
pub fn checksum_of(files: &[(String, Node)]) -> String {
    sha256_digest(serde_json::to_string(files).unwrap_or_default().as_bytes())
}
