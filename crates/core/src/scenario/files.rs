//! How a build context is written in a scenario: a JSON object from relative names to entries.
//!
//! A plain text file (mode 644) is just its text, so what people type in the files editor
//! reads as itself (`{"Dockerfile": "FROM busybox\n"}`, also the format of the first share
//! links). Anything else is an object: `{"text": "...", "mode": "755"}` for other modes,
//! `{"base64": "..."}` for binary data, `{"dir": true}` for a directory, `{"symlink": "t"}`.
//! Directories that only hold other entries with the default mode are implied by them.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::de::value::MapAccessDeserializer;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use super::MAX_FILES_ENTRIES;
use crate::fs::{normalize, FsTree, Node};

const FILE_MODE: u32 = 0o644;
const DIR_MODE: u32 = 0o755;

/// `#[serde(with = "files::optional")]` for a step's `Option<BuildContext>`.
pub mod optional {
    use super::*;

    pub fn serialize<S: Serializer>(tree: &Option<FsTree>, s: S) -> Result<S::Ok, S::Error> {
        match tree {
            Some(tree) => Files(tree).serialize(s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<FsTree>, D::Error> {
        Option::<Owned>::deserialize(d).map(|files| files.map(|f| f.0))
    }
}

/// `#[serde(with = "files::plain")]` for a scenario's closing files.
pub mod plain {
    use super::*;

    pub fn serialize<S: Serializer>(tree: &FsTree, s: S) -> Result<S::Ok, S::Error> {
        Files(tree).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<FsTree, D::Error> {
        Owned::deserialize(d).map(|f| f.0)
    }
}

struct Files<'a>(&'a FsTree);

impl Serialize for Files<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        for (path, node) in self.0.iter() {
            let implied = matches!(node, Node::Dir { mode } if *mode == DIR_MODE)
                && self.0.descendants(path).next().is_some();
            if !implied {
                map.serialize_entry(path.trim_start_matches('/'), &Entry(node))?;
            }
        }
        map.end()
    }
}

struct Entry<'a>(&'a Node);

impl Serialize for Entry<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut detail = Detail::default();
        match self.0 {
            Node::File { data, mode, filler } => {
                if *filler > 0 {
                    detail.filler = Some(*filler);
                }
                match std::str::from_utf8(data).ok().filter(|t| reads_as_text(t)) {
                    Some(text) if *mode == FILE_MODE && *filler == 0 => {
                        return s.serialize_str(text)
                    }
                    Some(text) => detail.text = Some(text.to_string()),
                    None => detail.base64 = Some(STANDARD.encode(data)),
                }
                if *mode != FILE_MODE {
                    detail.mode = Some(format!("{mode:o}"));
                }
            }
            Node::Dir { mode } => {
                detail.dir = true;
                if *mode != DIR_MODE {
                    detail.mode = Some(format!("{mode:o}"));
                }
            }
            Node::Symlink { target } => detail.symlink = Some(target.clone()),
        }
        detail.serialize(s)
    }
}

/// Text whose JSON string stays readable and at most twice as long: control characters other
/// than newlines and tabs would each become six bytes (`\u0001`), so such files go as base64.
fn reads_as_text(text: &str) -> bool {
    text.chars()
        .all(|c| !c.is_control() || matches!(c, '\n' | '\t' | '\r'))
}

#[derive(Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Detail {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    base64: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    dir: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    symlink: Option<String>,
    /// Octal, as `ls -l` and `chmod` write it ("755").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    mode: Option<String>,
    /// Bytes a file declares beyond its stored content (stock image files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    filler: Option<u64>,
}

impl Detail {
    fn into_node(self) -> Result<Node, String> {
        let mode = |default: u32| match &self.mode {
            None => Ok(default),
            Some(text) => u32::from_str_radix(text, 8)
                .ok()
                .filter(|m| *m <= 0o7777)
                .ok_or_else(|| format!("mode {text:?} is not an octal file mode like \"755\"")),
        };
        match (self.text, self.base64, self.dir, self.symlink) {
            (Some(text), None, false, None) => Ok(Node::File {
                data: text.into_bytes(),
                mode: mode(FILE_MODE)?,
                filler: self.filler.unwrap_or(0),
            }),
            (None, Some(encoded), false, None) => Ok(Node::File {
                data: STANDARD
                    .decode(encoded.as_bytes())
                    .map_err(|e| format!("a file's base64 is damaged: {e}"))?,
                mode: mode(FILE_MODE)?,
                filler: self.filler.unwrap_or(0),
            }),
            (None, None, true, None) => Ok(Node::Dir {
                mode: mode(DIR_MODE)?,
            }),
            (None, None, false, Some(target)) if self.mode.is_none() => {
                Ok(Node::Symlink { target })
            }
            _ => Err(
                "a file entry needs exactly one of \"text\", \"base64\", \"dir\" or \"symlink\" (a symlink has no mode)"
                    .to_string(),
            ),
        }
    }
}

struct Owned(FsTree);

impl<'de> Deserialize<'de> for Owned {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(TreeVisitor)
    }
}

struct TreeVisitor;

impl<'de> Visitor<'de> for TreeVisitor {
    type Value = Owned;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object from file names to their contents")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Owned, A::Error> {
        let mut tree = FsTree::new();
        let mut entries = 0usize;
        while let Some((name, ParsedNode(node))) = map.next_entry::<String, ParsedNode>()? {
            entries += 1;
            if entries > MAX_FILES_ENTRIES {
                return Err(de::Error::custom(format!(
                    "more than {MAX_FILES_ENTRIES} files in one build context"
                )));
            }
            let path = normalize("/", &name);
            if path == "/" {
                return Err(de::Error::custom(format!("{name:?} is not a file name")));
            }
            tree.put(&path, node);
        }
        Ok(Owned(tree))
    }
}

struct ParsedNode(Node);

impl<'de> Deserialize<'de> for ParsedNode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = ParsedNode;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a file's text, or an object with \"text\", \"base64\", \"dir\" or \"symlink\"")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<ParsedNode, E> {
        Ok(ParsedNode(Node::file(text)))
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<ParsedNode, E> {
        Ok(ParsedNode(Node::file(text.into_bytes())))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ParsedNode, A::Error> {
        let detail = Detail::deserialize(MapAccessDeserializer::new(map))?;
        detail
            .into_node()
            .map(ParsedNode)
            .map_err(de::Error::custom)
    }
}
