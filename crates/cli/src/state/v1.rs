//! The journal format of the first `sim`: a header `{"version":1,"seed":N}`, then one
//! `{"line": ..., "context": FsTree}` per executed line, the context in the tree's own serde
//! shape (`{"nodes": {"/Dockerfile": {"File": {"data": [70, ...], "mode": 420}}}}`). Only read.

use serde::Deserialize;
use sim_core::fs::normalize;
use sim_core::scenario::{ScenarioError, Step};
use sim_core::BuildContext;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    version: u32,
    seed: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    line: String,
    #[serde(default)]
    context: Option<BuildContext>,
}

/// The seed, when `line` is a header in this format (`None` when it is not one at all).
pub fn read_header(line: &[u8]) -> Option<Result<u64, ScenarioError>> {
    let header: Header = serde_json::from_slice(line).ok()?;
    Some(match header.version {
        1 => Ok(header.seed),
        // Only version 1 was ever written with this header; anything else is not ours.
        other => Err(ScenarioError::Damaged(format!(
            "unknown format version {other} in the old header"
        ))),
    })
}

/// The tree laid down again entry by entry, so that a hand-edited journal cannot break the
/// tree's own rules (absolute paths, every parent a directory).
fn rebuilt(tree: &BuildContext) -> BuildContext {
    let mut again = BuildContext::new();
    for (path, node) in tree.iter() {
        let path = normalize("/", path);
        if path != "/" {
            again.put(&path, node.clone());
        }
    }
    again
}

/// One executed line as a step, checked against the scenario limits like a current one.
pub fn read_entry(line: &[u8], number: usize) -> Result<Step, ScenarioError> {
    let entry: Entry =
        serde_json::from_slice(line).map_err(|e| ScenarioError::Damaged(e.to_string()))?;
    let step = Step::new(entry.line, entry.context.map(|tree| rebuilt(&tree)));
    step.check(number)?;
    Ok(step)
}
