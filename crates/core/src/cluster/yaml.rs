//! YAML for `kubectl apply -f`: yaml-rust2's event parser builds a small tree of nodes that keep
//! their line, and serde reads the manifest types from that tree. Much smaller in the browser
//! bundle than a libyaml port, and every error still names the line it comes from.

use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};
use std::collections::BTreeMap;
use std::fmt;
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::TScalarStyle;

/// A YAML node and the line (1-based, in the text given) where it starts.
#[derive(Clone, Debug)]
struct Node {
    line: usize,
    kind: Kind,
}

#[derive(Clone, Debug)]
enum Kind {
    /// The text and whether it was plain (unquoted), which decides if `5` is a number.
    Scalar(String, bool),
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

/// An error with the line it belongs to, once known.
#[derive(Debug)]
pub struct Error {
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error {
            line: None,
            message: msg.to_string(),
        }
    }
}

/// Reads one YAML document into `T`.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, Error> {
    let node = load(text)?;
    T::deserialize(&node)
}

fn load(text: &str) -> Result<Node, Error> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<(Node, Option<Node>)> = Vec::new();
    let mut anchors: BTreeMap<usize, Node> = BTreeMap::new();
    let mut anchor_of: Vec<usize> = Vec::new();
    loop {
        let (event, mark) = parser.next_token().map_err(|e| Error {
            line: Some(e.marker().line()),
            message: e.info().to_string(),
        })?;
        let line = mark.line();
        let (node, anchor) = match event {
            Event::StreamEnd => break,
            Event::Scalar(text, style, anchor, _) => (
                Node {
                    line,
                    kind: Kind::Scalar(text, style == TScalarStyle::Plain),
                },
                anchor,
            ),
            Event::SequenceStart(anchor, _) => {
                anchor_of.push(anchor);
                let seq = Node {
                    line,
                    kind: Kind::Seq(Vec::new()),
                };
                stack.push((seq, None));
                continue;
            }
            Event::MappingStart(anchor, _) => {
                anchor_of.push(anchor);
                let map = Node {
                    line,
                    kind: Kind::Map(Vec::new()),
                };
                stack.push((map, None));
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let Some((done, _)) = stack.pop() else { break };
                (done, anchor_of.pop().unwrap_or(0))
            }
            Event::Alias(id) => match anchors.get(&id) {
                Some(n) => (n.clone(), 0),
                None => return Err(error_at(line, "unknown anchor")),
            },
            _ => continue,
        };
        if anchor > 0 {
            anchors.insert(anchor, node.clone());
        }
        match stack.last_mut() {
            None => return Ok(node),
            Some((parent, pending_key)) => match &mut parent.kind {
                Kind::Seq(items) => items.push(node),
                Kind::Map(pairs) => match pending_key.take() {
                    None => *pending_key = Some(node),
                    Some(key) => pairs.push((key, node)),
                },
                Kind::Scalar(..) => {}
            },
        }
    }
    // An empty document reads as null, as YAML has it.
    Ok(Node {
        line: 1,
        kind: Kind::Scalar(String::new(), true),
    })
}

fn error_at(line: usize, message: &str) -> Error {
    Error {
        line: Some(line),
        message: message.to_string(),
    }
}

/// The innermost node an error comes from names its line.
fn at<T>(line: usize, r: Result<T, Error>) -> Result<T, Error> {
    r.map_err(|mut e| {
        e.line.get_or_insert(line);
        e
    })
}

fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

impl<'de> de::Deserializer<'de> for &'de Node {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        let r = match &self.kind {
            Kind::Scalar(text, true) => plain(text, v),
            Kind::Scalar(text, false) => v.visit_str(text),
            Kind::Seq(items) => v.visit_seq(de::value::SeqDeserializer::new(items.iter())),
            Kind::Map(pairs) => v.visit_map(de::value::MapDeserializer::new(
                pairs.iter().map(|(k, val)| (k, val)),
            )),
        };
        at(self.line, r)
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        match &self.kind {
            Kind::Scalar(text, true) if is_null(text) => v.visit_none(),
            _ => at(self.line, v.visit_some(self)),
        }
    }

    // Strings take any scalar as written (`5` is the string "5" for a label).
    fn deserialize_str<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        match &self.kind {
            Kind::Scalar(text, _) => at(self.line, v.visit_str(text)),
            _ => self.deserialize_any(v),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        self.deserialize_str(v)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        self.deserialize_str(v)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char
        bytes byte_buf unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum ignored_any
    }
}

impl<'de> IntoDeserializer<'de, Error> for &'de Node {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}

/// A plain scalar as YAML 1.2's core schema reads it: null, bool, integer, float or string.
/// Classified outside the generic visitor so that each manifest type does not copy it.
enum Plain<'a> {
    Null,
    Bool(bool),
    U64(u64),
    I64(i64),
    F64(f64),
    Str(&'a str),
}

fn classify(text: &str) -> Plain<'_> {
    if is_null(text) {
        return Plain::Null;
    }
    match text {
        "true" | "True" | "TRUE" => return Plain::Bool(true),
        "false" | "False" | "FALSE" => return Plain::Bool(false),
        _ => {}
    }
    if text.starts_with(|c: char| c.is_ascii_digit() || "+-.".contains(c)) {
        if let Ok(n) = text.parse::<u64>() {
            return Plain::U64(n);
        }
        if let Ok(n) = text.parse::<i64>() {
            return Plain::I64(n);
        }
        if text.contains(|c: char| c.is_ascii_digit()) {
            if let Ok(n) = text.parse::<f64>() {
                return Plain::F64(n);
            }
        }
    }
    Plain::Str(text)
}

fn plain<'de, V: Visitor<'de>>(text: &str, v: V) -> Result<V::Value, Error> {
    match classify(text) {
        Plain::Null => v.visit_unit(),
        Plain::Bool(b) => v.visit_bool(b),
        Plain::U64(n) => v.visit_u64(n),
        Plain::I64(n) => v.visit_i64(n),
        Plain::F64(n) => v.visit_f64(n),
        Plain::Str(s) => v.visit_str(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_read_by_their_style() {
        let v: serde_json::Value =
            from_str("a: 5\nb: \"5\"\nc: true\nd: ~\ne: 0.5\nf: [1, x]\n").unwrap();
        assert_eq!(
            v,
            serde_json::json!({"a": 5, "b": "5", "c": true, "d": null, "e": 0.5, "f": [1, "x"]})
        );
    }

    #[test]
    fn errors_carry_the_line() {
        let e = from_str::<BTreeMap<String, u32>>("a: 1\nb: x\n").unwrap_err();
        assert_eq!(e.line, Some(2), "{e}");
        let e = from_str::<serde_json::Value>("a: 1\n b: [\n").unwrap_err();
        assert!(e.line.is_some(), "{e}");
    }

    #[test]
    fn anchors_and_aliases_copy_the_node() {
        let v: serde_json::Value = from_str("a: &x {k: v}\nb: *x\n").unwrap();
        assert_eq!(v["b"], serde_json::json!({"k": "v"}));
    }
}
