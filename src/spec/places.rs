//! Where the structure of a document is, as opposed to its data.
//!
//! Examples, `x-*` extensions, defaults and enum values are data: they never reach the code,
//! so a `$ref` inside them is not resolved, and a file it names is never opened (a vendor's
//! code samples may refer to files that were never published). Keys of maps whose keys are
//! names (`properties`, `components/schemas`, `responses`, ...) are names, never keywords, so a
//! property called `example` or `x-id` is structure like any other.

use serde_json::Value;

use crate::diagnostics::escape_token;

/// Maps whose keys the document's author chose: a key there is a name, not a keyword.
const NAME_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
    "schemas",
    "responses",
    "parameters",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
    "pathItems",
    "content",
    "encoding",
    "variables",
    "webhooks",
    "paths",
    "mapping",
];

/// Keys whose values are data, not structure.
fn is_data_key(key: &str) -> bool {
    key.starts_with("x-") || matches!(key, "example" | "examples" | "default" | "enum" | "const")
}

/// Every `$ref` with a string target in the structure under `value` (which stands at `at`):
/// the pointer of the object holding it, and the target. In document order; iterative, so any
/// depth of nesting is fine. Every generation walks the whole document here, so the path is
/// kept as a stack of borrowed keys and a pointer is built only where a reference is found.
pub fn refs(value: &Value, at: &str) -> Vec<(String, String)> {
    enum Token<'v> {
        Root,
        Key(&'v str),
        Index(usize),
    }
    let mut out = Vec::new();
    let mut path: Vec<Token> = Vec::new();
    // (value, its depth below `value`, the token that leads to it, whether its keys are names)
    let mut stack = vec![(value, 0usize, Token::Root, false)];
    while let Some((value, depth, token, names)) = stack.pop() {
        path.truncate(depth.saturating_sub(1));
        if depth > 0 {
            path.push(token);
        }
        match value {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref") {
                    let mut pointer = at.to_string();
                    for token in &path {
                        pointer.push('/');
                        match token {
                            Token::Key(key) => pointer.push_str(&escape_token(key)),
                            Token::Index(i) => pointer.push_str(&i.to_string()),
                            Token::Root => {}
                        }
                    }
                    out.push((pointer, target.clone()));
                }
                for (key, child) in map.iter().rev() {
                    if !names && (is_data_key(key) || key == "$ref") {
                        continue;
                    }
                    if child.is_object() || child.is_array() {
                        let child_names = !names && NAME_MAPS.contains(&key.as_str());
                        stack.push((child, depth + 1, Token::Key(key), child_names));
                    }
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate().rev() {
                    if child.is_object() || child.is_array() {
                        stack.push((child, depth + 1, Token::Index(i), false));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn data_is_skipped_and_names_are_not() {
        let doc = json!({
            "x-samples": {"$ref": "missing.yaml"},
            "paths": {"/a": {"get": {"responses": {"default": {"$ref": "#/r"}},
                "requestBody": {"content": {"application/json": {
                    "examples": {"one": {"$ref": "#/components/examples/nope"}},
                    "schema": {"properties": {
                        "example": {"$ref": "#/s1"},
                        "x-id": {"$ref": "#/s2"},
                        "p": {"example": {"$ref": "nope.yaml"}, "default": {"$ref": "#/d"}}
                    }}
                }}}
            }}}
        });
        let found: Vec<String> = refs(&doc, "").into_iter().map(|(_, t)| t).collect();
        assert_eq!(found, ["#/r", "#/s1", "#/s2"]);
        let (at, _) = &refs(&doc, "")[1];
        assert_eq!(
            at,
            "/paths/~1a/get/requestBody/content/application~1json/schema/properties/example"
        );
    }
}
