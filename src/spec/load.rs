//! Stage 1: bytes to a JSON value. The only file that names the YAML crates.
//!
//! YAML or JSON is decided by content, not by file name: a document whose first character is
//! `{` is read as JSON (the fast path, and serde_json's errors carry line and column), anything
//! else as YAML. Positions of values are not kept while loading: they cost time and memory on
//! every run, and are needed only when something is wrong. [`locate`] finds them afterwards.

use std::collections::HashMap;

use serde_json::{Map, Number, Value};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use crate::diagnostics::{join, Diagnostic};

/// Reads a document into a JSON value.
pub fn load(text: &str) -> Result<Value, Vec<Diagnostic>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim_start().starts_with('{') {
        return serde_json::from_str(text).map_err(|e| {
            vec![
                Diagnostic::error("", format!("invalid JSON: {}", strip_position(&e)))
                    .at(e.line(), e.column()),
            ]
        });
    }
    if let Some((line, column)) = flow_nesting_beyond(text, MAX_FLOW_NESTING) {
        return Err(vec![Diagnostic::error(
            "",
            format!("invalid YAML: brackets nested deeper than {MAX_FLOW_NESTING} levels"),
        )
        .at(line, column)]);
    }
    let yaml: serde_yaml::Value = serde_yaml::from_str::<Yaml>(text)
        .map(|y| y.0)
        .map_err(|e| {
            let mut d = Diagnostic::error("", format!("invalid YAML: {}", strip_yaml_position(&e)));
            if let Some(loc) = e.location() {
                d = d.at(loc.line(), loc.column());
            }
            vec![d]
        })?;
    let mut problems = Vec::new();
    let value = yaml_to_json(yaml, "", &mut problems);
    if problems.is_empty() {
        Ok(value)
    } else {
        Err(problems)
    }
}

/// The YAML parser refuses nesting deeper than 128 levels, but only after scanning the whole
/// document, and its scanner takes time quadratic in the depth of `[`/`{` nesting (100,000
/// brackets: half a minute). A linear look first refuses what it would refuse anyway.
const MAX_FLOW_NESTING: usize = 1000;

/// Where `[`/`{` nesting first goes deeper than `limit`, as 1-based line and column. Counts
/// brackets that open a flow collection (first on a line or after `: `, `- `, `? `, `, `, or
/// inside one), outside quotes and comments; a bracket in plain text is not one.
fn flow_nesting_beyond(text: &str, limit: usize) -> Option<(usize, usize)> {
    let (mut depth, mut line, mut column) = (0usize, 1usize, 0usize);
    let mut quote: Option<char> = None;
    // Whether the next character outside whitespace begins a node.
    let mut node_start = true;
    let mut previous = '\n';
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        column += 1;
        if c == '\n' {
            (line, column) = (line + 1, 0);
        }
        if let Some(q) = quote {
            if q == '"' && c == '\\' {
                chars.next();
                column += 1;
            } else if c == q {
                quote = None;
                node_start = false;
            }
        } else if c == '\n' {
            node_start = true;
        } else if c == '#' && previous.is_whitespace() {
            while chars.peek().is_some_and(|&n| n != '\n') {
                chars.next();
            }
        } else if !c.is_whitespace() {
            node_start = match c {
                '"' | '\'' if node_start => {
                    quote = Some(c);
                    false
                }
                '[' | '{' if node_start || depth > 0 => {
                    depth += 1;
                    if depth > limit {
                        return Some((line, column));
                    }
                    true
                }
                ']' | '}' if depth > 0 => {
                    depth -= 1;
                    false
                }
                ',' if depth > 0 => true,
                ':' | '-' | '?' => node_start || chars.peek().is_none_or(|n| n.is_whitespace()),
                _ => false,
            };
        }
        previous = c;
    }
    None
}

fn strip_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

fn strip_yaml_position(e: &serde_yaml::Error) -> String {
    let text = e.to_string();
    match text.find(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// A YAML value as `serde_yaml::Value` reads it, except that an integer past 64 bits
/// (`18446744073709552000`: `u64::MAX` printed through a double, as many serializers do) is
/// read as the float it stands for, where `serde_yaml::Value` refuses the whole document.
struct Yaml(serde_yaml::Value);

impl<'de> serde::Deserialize<'de> for Yaml {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(YamlVisitor).map(Yaml)
    }
}

struct YamlVisitor;

impl<'de> serde::de::Visitor<'de> for YamlVisitor {
    type Value = serde_yaml::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, b: bool) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Bool(b))
    }
    fn visit_i64<E>(self, i: i64) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Number(i.into()))
    }
    fn visit_u64<E>(self, u: u64) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Number(u.into()))
    }
    fn visit_i128<E>(self, i: i128) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Number((i as f64).into()))
    }
    fn visit_u128<E>(self, u: u128) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Number((u as f64).into()))
    }
    fn visit_f64<E>(self, f: f64) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Number(f.into()))
    }
    fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::String(s.to_string()))
    }
    fn visit_string<E>(self, s: String) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::String(s))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Null)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(serde_yaml::Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(YamlVisitor)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(Yaml(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(serde_yaml::Value::Sequence(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = serde_yaml::Mapping::new();
        while let Some((Yaml(key), Yaml(value))) = map.next_entry()? {
            if out.contains_key(&key) {
                let key = serde_yaml::to_string(&key).unwrap_or_default();
                return Err(serde::de::Error::custom(format!(
                    "duplicate entry with key {:?}",
                    key.trim_end()
                )));
            }
            out.insert(key, value);
        }
        Ok(serde_yaml::Value::Mapping(out))
    }
    /// A tagged value (`!Ref x`): its value, as for any tag.
    fn visit_enum<A: serde::de::EnumAccess<'de>>(self, data: A) -> Result<Self::Value, A::Error> {
        use serde::de::VariantAccess;
        let (_tag, variant): (String, _) = data.variant()?;
        variant.newtype_variant::<Yaml>().map(|y| y.0)
    }
}

/// Converts YAML to JSON. Mapping keys that YAML reads as numbers or booleans (`200:` in a
/// `responses` object is the common case) become their text, as every OpenAPI tool reads them.
fn yaml_to_json(value: serde_yaml::Value, pointer: &str, problems: &mut Vec<Diagnostic>) -> Value {
    use serde_yaml::Value as Y;
    match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                Number::from_f64(f).map(Value::Number).unwrap_or_else(|| {
                    problems.push(Diagnostic::error(
                        pointer,
                        format!("the number {n} has no JSON form (JSON has no NaN or infinity)"),
                    ));
                    Value::Null
                })
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| yaml_to_json(v, &format!("{pointer}/{i}"), problems))
                .collect(),
        ),
        Y::Mapping(map) => {
            let mut out = Map::with_capacity(map.len());
            for (key, v) in map {
                let key = match key {
                    Y::String(s) => s,
                    Y::Bool(b) => b.to_string(),
                    Y::Number(n) => n.to_string(),
                    Y::Null => "null".to_string(),
                    other => {
                        problems.push(Diagnostic::error(
                            pointer,
                            format!(
                                "a mapping key must be a string, found {}",
                                yaml_kind(&other)
                            ),
                        ));
                        continue;
                    }
                };
                let child = join(pointer, &key);
                let v = yaml_to_json(v, &child, problems);
                out.insert(key, v);
            }
            Value::Object(out)
        }
        Y::Tagged(tagged) => yaml_to_json(tagged.value, pointer, problems),
    }
}

fn yaml_kind(v: &serde_yaml::Value) -> &'static str {
    match v {
        serde_yaml::Value::Sequence(_) => "a sequence",
        serde_yaml::Value::Mapping(_) => "a mapping",
        serde_yaml::Value::Tagged(_) => "a tagged value",
        _ => "a scalar",
    }
}

/// Finds the line and column (1-based) of the values at `pointers`, by reading the source
/// again with a parser that reports positions. JSON is YAML, so one reader serves both.
/// Pointers it cannot find (the text does not parse, or the value was made by normalising)
/// are left out of the answer.
pub fn locate(text: &str, pointers: &[&str]) -> HashMap<String, (usize, usize)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut receiver = Locator {
        wanted: pointers.iter().map(|p| p.to_string()).collect(),
        found: HashMap::new(),
        stack: Vec::new(),
    };
    let mut parser = Parser::new_from_str(text);
    // A parse error only stops the search early: what was found so far is still right.
    let _ = parser.load(&mut receiver, false);
    receiver.found
}

/// Where the reader is: in a mapping (waiting for a key, or holding the key whose value comes
/// next) or in a sequence (at some index).
enum Frame {
    Mapping {
        pointer: String,
        key: Option<String>,
    },
    Sequence {
        pointer: String,
        next: usize,
    },
}

struct Locator {
    wanted: std::collections::HashSet<String>,
    found: HashMap<String, (usize, usize)>,
    stack: Vec<Frame>,
}

impl Locator {
    /// The pointer of the value that starts now, advancing the parent frame past it.
    /// `None` when the event is a mapping key.
    fn next_value_pointer(&mut self) -> Option<String> {
        match self.stack.last_mut() {
            None => Some(String::new()),
            Some(Frame::Sequence { pointer, next }) => {
                let p = format!("{pointer}/{next}");
                *next += 1;
                Some(p)
            }
            Some(Frame::Mapping { pointer, key }) => key.take().map(|k| join(pointer, &k)),
        }
    }

    fn record(&mut self, pointer: &str, mark: Marker) {
        if self.wanted.contains(pointer) {
            self.found
                .entry(pointer.to_string())
                .or_insert((mark.line(), mark.col() + 1));
        }
    }
}

impl MarkedEventReceiver for Locator {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        match ev {
            Event::Scalar(text, ..) => match self.next_value_pointer() {
                Some(p) => self.record(&p, mark),
                None => {
                    if let Some(Frame::Mapping { pointer, key }) = self.stack.last_mut() {
                        let child = join(pointer, &text);
                        *key = Some(text);
                        // A value is reported where its key stands: that is the line a
                        // reader looks for.
                        self.record(&child, mark);
                    }
                }
            },
            Event::Alias(_) => {
                if let Some(p) = self.next_value_pointer() {
                    self.record(&p, mark);
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                let pointer = self.next_value_pointer().unwrap_or_default();
                self.record(&pointer, mark);
                self.stack.push(if matches!(ev, Event::MappingStart(..)) {
                    Frame::Mapping { pointer, key: None }
                } else {
                    Frame::Sequence { pointer, next: 0 }
                });
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_flow_nesting_is_refused_before_the_yaml_parser_sees_it() {
        let deep = format!("x: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        let err = load(&deep).unwrap_err();
        assert!(err[0].message.contains("deeper than 1000"), "{:?}", err);
        // Brackets in plain text, quotes and comments are not nesting.
        let text = format!(
            "a: range [0, 1) {}\nb: '{}'\nc: \"{}\" # {}\nd: [[1], {{e: [2]}}]\n",
            "[".repeat(2000),
            "[".repeat(2000),
            "{".repeat(2000),
            "[".repeat(2000)
        );
        assert!(flow_nesting_beyond(&text, 1000).is_none());
        assert_eq!(flow_nesting_beyond("a: [[[", 2), Some((1, 6)));
    }

    #[test]
    fn yaml_numeric_keys_become_strings() {
        let v = load("responses:\n  200:\n    description: ok\n").unwrap();
        assert_eq!(v["responses"]["200"]["description"], "ok");
    }

    #[test]
    fn json_is_detected_by_content() {
        let v = load("  {\"a\": [1, 2]}").unwrap();
        assert_eq!(v["a"][1], 2);
    }

    #[test]
    fn json_errors_carry_line_and_column() {
        let e = load("{\n  \"a\": ,\n}").unwrap_err();
        assert_eq!(e[0].position, Some((2, 8)));
    }

    #[test]
    fn locates_yaml_and_json_values() {
        let yaml = "a:\n  b:\n    - x\n    - y: 1\n";
        let found = locate(yaml, &["/a/b", "/a/b/1/y"]);
        assert_eq!(found["/a/b"], (2, 3));
        assert_eq!(found["/a/b/1/y"], (4, 7));
        let json = "{\n  \"a\": {\"b/c\": 3}\n}";
        assert_eq!(locate(json, &["/a/b~1c"])["/a/b~1c"], (2, 9));
    }
}
