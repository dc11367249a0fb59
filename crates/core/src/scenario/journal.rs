//! A scenario as JSON lines, so that a front can append each command as it runs instead of
//! rewriting everything: a header line `{"v":2,"seed":42}`, then one [`Step`] per line. The
//! lines are the same JSON as in a whole scenario. Reading and writing the file is the front's.

use serde::{Deserialize, Serialize};

use super::{check_version, ScenarioError, Step, FORMAT_VERSION, MAX_JSON_BYTES};

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    v: u32,
    seed: u64,
}

/// The first line (without its newline).
pub fn header_line(seed: u64) -> String {
    let header = Header {
        v: FORMAT_VERSION,
        seed,
    };
    // Cannot fail: two integers.
    serde_json::to_string(&header).unwrap_or_default()
}

/// One step's line (without its newline).
pub fn step_line(step: &Step) -> String {
    // Cannot fail: every map key is a string and there are no floats.
    serde_json::to_string(step).unwrap_or_default()
}

/// Reads the first line: the seed, once the version is one this simulator reads.
pub fn read_header(line: &[u8]) -> Result<u64, ScenarioError> {
    let header: Header = serde_json::from_slice(line).map_err(|e| {
        ScenarioError::damaged(format!(
            "expected {{\"v\":{FORMAT_VERSION},\"seed\":N}}: {e}"
        ))
    })?;
    check_version(header.v)?;
    Ok(header.seed)
}

/// Reads the line of step `number` (from 1) and checks it against the limits.
pub fn read_step(line: &[u8], number: usize) -> Result<Step, ScenarioError> {
    if line.len() > MAX_JSON_BYTES {
        return Err(ScenarioError::too_big(
            format!("command {number} takes {} bytes", line.len()),
            format!("{MAX_JSON_BYTES} bytes"),
        ));
    }
    let step: Step = serde_json::from_slice(line).map_err(ScenarioError::damaged)?;
    step.check(number)?;
    Ok(step)
}
