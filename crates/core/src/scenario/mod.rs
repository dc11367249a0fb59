//! A scenario is everything needed to rebuild a World: the seed and the command lines in order,
//! each with the build-context files it ran with (the files on disk or in the editor may have
//! changed since). The `sim` CLI keeps one as its state journal ([`journal`]); the web app's
//! timeline replays one, and share links and exported files carry one as JSON.
//!
//! ```json
//! {"v":2,"seed":42,"steps":[{"line":"docker build -t app .","files":{"Dockerfile":"FROM busybox\n"}},
//!  {"line":"docker run --rm app"}],"files":{"Dockerfile":"FROM busybox\n"}}
//! ```
//!
//! Everything read is checked against the limits below before anything is replayed, so no
//! input can make the simulator allocate without bound.

mod error;
mod files;
pub mod journal;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use error::ScenarioError;

use crate::{BuildContext, Outcome, World};

/// The seed when none is given, the same in the CLI and the browser, so that a lesson gives the
/// same events in both.
pub const DEFAULT_SEED: u64 = 42;

/// Version 1 was the web app's links and files (only text files); version 2 adds modes,
/// binary files, directories and symlinks. Both are read.
pub const FORMAT_VERSION: u32 = 2;

/// More commands than anyone types in a lesson or a session (replaying them takes a while).
pub const MAX_STEPS: usize = 100_000;
/// One command line (a long `sh -c` script fits).
pub const MAX_LINE_BYTES: usize = 64 * 1024;
/// The bytes of one step's files (file contents and link targets), above the CLI's 50 MB
/// context limit so that whatever it loads can be saved.
pub const MAX_FILES_BYTES: u64 = 64 * 1024 * 1024;
/// Entries (files, directories, symlinks) in one step's files.
pub const MAX_FILES_ENTRIES: usize = 25_000;
/// A file name in the files (Linux's PATH_MAX).
pub const MAX_PATH_BYTES: usize = 4096;
/// The JSON of a whole scenario, or of one journal line: base64 and escapes make the files at
/// most about twice their size, plus names and lines.
pub const MAX_JSON_BYTES: usize = 256 * 1024 * 1024;

/// One command line and, for a `docker build`, the context it ran with.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub line: String,
    /// The build context a `docker build` on this line used; absent for other lines.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "files::optional"
    )]
    pub files: Option<BuildContext>,
}

/// No files: what a step without a build context runs with.
static NO_FILES: BuildContext = BuildContext::new();

impl Step {
    pub fn new(line: impl Into<String>, files: Option<BuildContext>) -> Step {
        Step {
            line: line.into(),
            files,
        }
    }

    /// The build context to run this step with (empty when it has none).
    pub fn context(&self) -> &BuildContext {
        self.files.as_ref().unwrap_or(&NO_FILES)
    }

    /// Runs this step's line on `world`: the one place a replay meets the World.
    pub fn run(&self, world: &mut World) -> Outcome {
        world.run_line(&self.line, self.context())
    }

    /// The limits on one step; `number` (from 1) names it in the message.
    pub fn check(&self, number: usize) -> Result<(), ScenarioError> {
        if self.line.len() > MAX_LINE_BYTES {
            return Err(ScenarioError::too_big(
                format!("command {number} is {} bytes long", self.line.len()),
                format!("{MAX_LINE_BYTES} bytes"),
            ));
        }
        match &self.files {
            Some(files) => check_files(files, &format!("the files of command {number}")),
            None => Ok(()),
        }
    }
}

/// The limits on one set of files; `whose` names them in the message.
fn check_files(files: &BuildContext, whose: &str) -> Result<(), ScenarioError> {
    if files.len() > MAX_FILES_ENTRIES {
        return Err(ScenarioError::too_big(
            format!("{whose} have {} entries", files.len()),
            MAX_FILES_ENTRIES,
        ));
    }
    if files.total_size() > MAX_FILES_BYTES {
        return Err(ScenarioError::too_big(
            format!("{whose} hold {} bytes", files.total_size()),
            format!("{MAX_FILES_BYTES} bytes"),
        ));
    }
    match files.iter().find(|(path, _)| path.len() > MAX_PATH_BYTES) {
        Some((path, _)) => Err(ScenarioError::too_big(
            format!("{whose} have a name of {} bytes", path.len()),
            format!("{MAX_PATH_BYTES} bytes"),
        )),
        None => Ok(()),
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    pub seed: u64,
    pub steps: Vec<Step>,
    /// The files to build with next (the web's files editor at the end), so that a shared
    /// scenario shows the same files. Empty in the CLI, which reads them from disk.
    pub files: BuildContext,
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario::new(DEFAULT_SEED)
    }
}

impl Scenario {
    pub fn new(seed: u64) -> Scenario {
        Scenario {
            seed,
            steps: Vec::new(),
            files: BuildContext::new(),
        }
    }

    /// Reads a scenario (format version 1 or 2) and checks it against the limits.
    pub fn from_json(bytes: &[u8]) -> Result<Scenario, ScenarioError> {
        if bytes.len() > MAX_JSON_BYTES {
            return Err(ScenarioError::too_big(
                format!("its JSON is {} bytes", bytes.len()),
                format!("{MAX_JSON_BYTES} bytes"),
            ));
        }
        // The version first, so that a newer format is reported as such and not as damage.
        let header: Header = serde_json::from_slice(bytes).map_err(ScenarioError::damaged)?;
        check_version(header.version)?;
        let scenario: Scenario = serde_json::from_slice(bytes).map_err(ScenarioError::damaged)?;
        scenario.check()?;
        Ok(scenario)
    }

    pub fn to_json(&self) -> String {
        // Cannot fail: every map key is a string and there are no floats.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Checks the limits, for scenarios that came in another way (a browser's storage).
    pub fn check(&self) -> Result<(), ScenarioError> {
        if self.steps.len() > MAX_STEPS {
            return Err(ScenarioError::too_big(
                format!("it has {} commands", self.steps.len()),
                MAX_STEPS,
            ));
        }
        for (index, step) in self.steps.iter().enumerate() {
            step.check(index + 1)?;
        }
        check_files(&self.files, "the closing files")
    }

    /// Replays the steps into a fresh World with this seed: the World after the last step and
    /// what each step printed.
    pub fn replay(&self) -> (World, Vec<Outcome>) {
        let mut world = World::new(self.seed);
        let outcomes = self.steps.iter().map(|step| step.run(&mut world)).collect();
        (world, outcomes)
    }
}

/// Version 0 never existed; anything above [`FORMAT_VERSION`] comes from a newer simulator.
pub(crate) fn check_version(version: u32) -> Result<(), ScenarioError> {
    match version {
        0 => Err(ScenarioError::damaged("format version 0 does not exist")),
        v if v > FORMAT_VERSION => Err(ScenarioError::NewerVersion(v)),
        _ => Ok(()),
    }
}

/// The fields every version has, read before the rest.
#[derive(Deserialize)]
struct Header {
    #[serde(rename = "v")]
    version: u32,
}

/// The JSON shape, with the version that [`Scenario`] itself does not keep.
#[derive(Serialize)]
struct WireOut<'a> {
    v: u32,
    seed: u64,
    steps: &'a [Step],
    #[serde(serialize_with = "closing_files", skip_serializing_if = "no_files")]
    files: &'a BuildContext,
}

fn closing_files<S: Serializer>(files: &&BuildContext, s: S) -> Result<S::Ok, S::Error> {
    files::plain::serialize(files, s)
}

fn no_files(files: &&BuildContext) -> bool {
    files.is_empty()
}

#[derive(Deserialize)]
struct WireIn {
    v: u32,
    seed: u64,
    #[serde(default)]
    steps: Vec<Step>,
    #[serde(default, with = "files::plain")]
    files: BuildContext,
}

impl Serialize for Scenario {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        WireOut {
            v: FORMAT_VERSION,
            seed: self.seed,
            steps: &self.steps,
            files: &self.files,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Scenario {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let wire = WireIn::deserialize(d)?;
        check_version(wire.v).map_err(serde::de::Error::custom)?;
        Ok(Scenario {
            seed: wire.seed,
            steps: wire.steps,
            files: wire.files,
        })
    }
}

#[cfg(test)]
mod tests;
