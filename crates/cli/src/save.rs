//! `docker save [-o FILE] IMAGE...`: the front writes the archive (the core has no files to
//! write to). The tarball is made by [`sim_core::image::archive`]; in real mode its layers are
//! the real ones (the machine's busybox in place of the simulation's marker).

use sim_core::image::archive::{write_archive, SaveImage};
use sim_core::image::{ImageError, Layer, Reference};
use sim_core::World;

pub const USAGE: &str = "\"docker save\" requires at least 1 argument.\nSee 'docker save --help'.\n\nUsage:  docker save [OPTIONS] IMAGE [IMAGE...]\n\nSave one or more images to a tar archive (streamed to STDOUT by default)\n";

/// The words after `docker save` / `docker image save`, if the line is one.
pub fn request<'a>(words: &'a [&'a str]) -> Option<&'a [&'a str]> {
    match words {
        ["docker", "save", rest @ ..] | ["docker", "image", "save", rest @ ..] => Some(rest),
        _ => None,
    }
}

pub struct Save {
    pub output: Option<String>,
    pub images: Vec<String>,
}

/// Reads `-o FILE`, `--output FILE`, `--output=FILE` and the image names.
pub fn parse(args: &[&str]) -> Result<Save, String> {
    let mut save = Save {
        output: None,
        images: Vec::new(),
    };
    let mut i = 0;
    while i < args.len() {
        let arg = args[i];
        if arg == "-o" || arg == "--output" {
            let value = args.get(i + 1).ok_or_else(|| {
                format!("flag needs an argument: {arg}\nSee 'docker save --help'.")
            })?;
            save.output = Some(value.to_string());
            i += 1;
        } else if let Some(value) = arg.strip_prefix("--output=") {
            save.output = Some(value.to_string());
        } else if let Some(value) = arg.strip_prefix("-o").filter(|v| !v.is_empty()) {
            save.output = Some(value.to_string());
        } else if arg.starts_with('-') && arg != "-" {
            return Err(format!("unknown flag: {arg}\nSee 'docker save --help'."));
        } else {
            save.images.push(arg.to_string());
        }
        i += 1;
    }
    if save.images.is_empty() {
        return Err(USAGE.trim_end().to_string());
    }
    Ok(save)
}

fn image_error(e: ImageError) -> String {
    if e.from_daemon() {
        format!("Error response from daemon: {e}")
    } else {
        e.to_string()
    }
}

/// The archive of `names` in `world`, each layer's tar from `layer_tar`.
pub fn archive(
    world: &World,
    names: &[String],
    layer_tar: &mut dyn FnMut(&Layer) -> Result<Vec<u8>, String>,
) -> Result<Vec<u8>, String> {
    let store = world.images();
    let mut images: Vec<SaveImage> = Vec::new();
    for name in names {
        let image = store.lookup(name).map_err(image_error)?;
        // A name that is a tag saves that tag; an ID saves the image untagged (as docker).
        let tag = Reference::parse(name)
            .ok()
            .filter(|r| store.tagged(r) == Some(image.id.as_str()));
        if let Some(same) = images.iter_mut().find(|i| i.config == image.config) {
            same.tags.extend(tag);
            continue;
        }
        let mut layers = Vec::new();
        for diff_id in &image.config.diff_ids {
            let layer = store.layer(diff_id).ok_or_else(|| {
                format!("Error response from daemon: layer does not exist: {diff_id}")
            })?;
            layers.push(layer_tar(layer)?);
        }
        images.push(SaveImage {
            config: image.config.clone(),
            tags: tag.into_iter().collect(),
            layers,
        });
    }
    Ok(write_archive(&images))
}
