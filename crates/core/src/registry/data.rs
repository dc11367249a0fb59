//! The stock images kept as data (crates/core/data/images.json): each names the image it
//! starts from and lists its steps (layers with their real sizes, and config changes), so
//! adding a tag is an edit to the data, not to code.

use super::stock::{base, parse_size, Recipe, StockImage};
use crate::fs::{LayerDiff, Node};
use crate::program::binary_file;
use serde::Deserialize;
use std::collections::BTreeMap;

const IMAGES_JSON: &str = include_str!("../../data/images.json");

#[derive(Deserialize)]
struct Catalogue {
    layers: BTreeMap<String, LayerSpec>,
    images: Vec<ImageSpec>,
}

#[derive(Deserialize)]
struct LayerSpec {
    by: String,
    size: String,
    #[serde(default)]
    files: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct ImageSpec {
    tags: Vec<String>,
    from: String,
    created: String,
    steps: Vec<Step>,
}

/// One Dockerfile step of the image's real build: a layer (inline or shared by name) or a
/// config change.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Step {
    layer: Option<String>,
    run: Option<String>,
    size: Option<String>,
    files: BTreeMap<String, String>,
    env: Option<String>,
    cmd: Option<Vec<String>>,
    entrypoint: Option<Vec<String>>,
    expose: Option<String>,
    volume: Option<String>,
    workdir: Option<String>,
    user: Option<String>,
    stopsignal: Option<String>,
}

/// A file from its spec: `dir`, `link:TARGET`, `file:TEXT`, `exec:TEXT`, `bin:PROGRAM[@SIZE]`
/// (a simulated binary), `data@SIZE` (contents not simulated, only the size).
fn node(spec: &str) -> Node {
    let (kind, rest) = spec.split_once(':').unwrap_or((spec, ""));
    match kind {
        "dir" => Node::dir(),
        "link" => Node::symlink(rest),
        "file" => Node::file(rest),
        "exec" => Node::executable(rest),
        "bin" => {
            let (program, size) = rest.split_once('@').unwrap_or((rest, "0B"));
            Node::executable(binary_file(program)).sized(parse_size(size))
        }
        _ => match spec.split_once('@') {
            Some(("data", size)) => Node::file(Vec::new()).sized(parse_size(size)),
            _ => Node::file(spec),
        },
    }
}

fn diff_of(files: &BTreeMap<String, String>) -> LayerDiff {
    let mut diff = LayerDiff::new();
    for (path, spec) in files {
        diff.put(path.as_str(), node(spec));
    }
    diff
}

/// The data images, in file order; `from` is a code-built base or any tag defined earlier.
/// A malformed data file or an unknown base is a bug caught by the tests, never a panic.
pub(super) fn images(earlier: &[StockImage]) -> Vec<StockImage> {
    let Ok(catalogue) = serde_json::from_str::<Catalogue>(IMAGES_JSON) else {
        return Vec::new();
    };
    let mut out: Vec<StockImage> = Vec::new();
    for spec in &catalogue.images {
        let start = base(&spec.from).or_else(|| {
            earlier
                .iter()
                .chain(out.iter())
                .find(|(tags, _, _)| tags.contains(&spec.from))
                .map(|(_, layers, config)| Recipe {
                    layers: layers.clone(),
                    config: config.clone(),
                })
        });
        let Some(start) = start else { continue };
        let mut recipe = start.dated(&spec.created);
        for step in &spec.steps {
            recipe = apply(recipe, step, &catalogue.layers);
        }
        out.push((spec.tags.clone(), recipe.layers, recipe.config));
    }
    out
}

fn apply(recipe: Recipe, step: &Step, shared: &BTreeMap<String, LayerSpec>) -> Recipe {
    if let Some(name) = &step.layer {
        return match shared.get(name) {
            Some(l) => recipe.layer(&l.by, diff_of(&l.files), parse_size(&l.size)),
            None => recipe,
        };
    }
    if let Some(by) = &step.run {
        let size = parse_size(step.size.as_deref().unwrap_or("0B"));
        return recipe.layer(by, diff_of(&step.files), size);
    }
    if let Some(kv) = &step.env {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        return recipe.env(k, v);
    }
    if let Some(argv) = &step.cmd {
        return recipe.cmd(&argv.iter().map(String::as_str).collect::<Vec<_>>());
    }
    if let Some(argv) = &step.entrypoint {
        return recipe.entrypoint(&argv.iter().map(String::as_str).collect::<Vec<_>>());
    }
    if let Some(port) = &step.expose {
        return recipe.expose(port);
    }
    if let Some(paths) = &step.volume {
        return paths.split_whitespace().fold(recipe, |r, p| r.volume(p));
    }
    if let Some(dir) = &step.workdir {
        return recipe.workdir(dir);
    }
    if let Some(user) = &step.user {
        return recipe.user(user);
    }
    if let Some(signal) = &step.stopsignal {
        return recipe.stop_signal(signal);
    }
    recipe
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_data_file_parses_and_every_image_finds_its_base() {
        let catalogue: Catalogue = serde_json::from_str(IMAGES_JSON).expect("images.json");
        let bases = super::super::stock::images();
        let built = images(&bases);
        assert_eq!(built.len(), catalogue.images.len());
        for spec in &catalogue.images {
            for step in &spec.steps {
                if let Some(name) = &step.layer {
                    assert!(catalogue.layers.contains_key(name), "{name}");
                }
            }
        }
    }

    /// Sizes in the data fall back to 0 when malformed; none may be.
    #[test]
    fn every_size_in_the_data_file_is_one_docker_prints() {
        use super::super::stock::checked_size;
        let catalogue: Catalogue = serde_json::from_str(IMAGES_JSON).expect("images.json");
        let in_spec = |spec: &str| spec.rsplit_once('@').map(|(_, size)| size.to_string());
        let mut sizes: Vec<String> = Vec::new();
        for layer in catalogue.layers.values() {
            sizes.push(layer.size.clone());
            sizes.extend(layer.files.values().filter_map(|f| in_spec(f)));
        }
        for step in catalogue.images.iter().flat_map(|i| &i.steps) {
            sizes.extend(step.size.clone());
            sizes.extend(step.files.values().filter_map(|f| in_spec(f)));
        }
        assert!(sizes.len() > 10);
        for size in &sizes {
            assert!(
                checked_size(size).is_some(),
                "bad size {size:?} in images.json"
            );
        }
    }
}
