/// The example harness's fixed part: decode each example with its type, encode it back,
/// compare. Written into the harness program after the table of types (`decode`).
mod check {
    use serde_json::Value;

    /// What became of one example.
    pub enum Outcome {
        /// Decoded, and encoded back to the same JSON.
        Exact,
        /// Encoded back to the same JSON but for date-times written another way for the same
        /// instant (`+00:00` for `Z`, fractions of a second).
        Spelling(String),
        /// Did not decode: the field, and serde's message.
        Decode(String, String),
        /// Decoded, but encoded back to other JSON: where, and how.
        Changed(String, String),
    }

    /// Decodes `input` as the client decodes a body (from bytes, naming the failing field),
    /// and encodes it as the client encodes one.
    pub fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(input: &Value) -> Outcome {
        let bytes = serde_json::to_vec(input).expect("a JSON value encodes");
        let mut deserializer = serde_json::Deserializer::from_slice(&bytes);
        let decoded: T = match serde_path_to_error::deserialize(&mut deserializer) {
            Ok(decoded) => decoded,
            Err(e) => return Outcome::Decode(e.path().to_string(), e.inner().to_string()),
        };
        let output = match serde_json::to_vec(&decoded)
            .and_then(|bytes| serde_json::from_slice::<Value>(&bytes))
        {
            Ok(output) => output,
            Err(e) => return Outcome::Changed(String::new(), format!("does not encode: {e}")),
        };
        let mut spelling = None;
        match compare(input, &output, "", &mut spelling) {
            Some((path, what)) => Outcome::Changed(path, what),
            None => match spelling {
                Some(path) => Outcome::Spelling(path),
                None => Outcome::Exact,
            },
        }
    }

    /// The first difference between the example and what was encoded, as JSON values: keys in
    /// any order, numbers as numbers, date-times as instants (noted in `spelling`).
    fn compare(
        input: &Value,
        output: &Value,
        path: &str,
        spelling: &mut Option<String>,
    ) -> Option<(String, String)> {
        match (input, output) {
            (Value::Object(a), Value::Object(b)) => {
                for (key, value) in a {
                    let at = format!("{path}/{key}");
                    match b.get(key) {
                        None if value.is_null() => return Some((at, "null left out".into())),
                        None => return Some((at, "dropped".into())),
                        Some(other) => {
                            if let Some(d) = compare(value, other, &at, spelling) {
                                return Some(d);
                            }
                        }
                    }
                }
                b.iter()
                    .find(|(key, _)| !a.contains_key(*key))
                    .map(|(key, value)| {
                        let what = if value.is_null() {
                            "null added"
                        } else {
                            "added"
                        };
                        (format!("{path}/{key}"), format!("{what}: {}", short(value)))
                    })
            }
            (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
                .iter()
                .zip(b)
                .enumerate()
                .find_map(|(i, (x, y))| compare(x, y, &format!("{path}/{i}"), spelling)),
            (Value::Number(a), Value::Number(b)) => {
                let same = match (a.as_i64(), b.as_i64(), a.as_u64(), b.as_u64()) {
                    (Some(x), Some(y), _, _) => x == y,
                    (_, _, Some(x), Some(y)) => x == y,
                    _ => a.as_f64() == b.as_f64(),
                };
                (!same).then(|| (path.to_string(), format!("{a} became {b}")))
            }
            (Value::String(a), Value::String(b)) if a != b => {
                match (
                    chrono::DateTime::parse_from_rfc3339(a),
                    chrono::DateTime::parse_from_rfc3339(b),
                ) {
                    (Ok(x), Ok(y)) if x == y => {
                        spelling.get_or_insert_with(|| path.to_string());
                        None
                    }
                    _ => Some((
                        path.to_string(),
                        format!("{} became {}", short(input), short(output)),
                    )),
                }
            }
            _ if input == output => None,
            _ => Some((
                path.to_string(),
                format!("{} became {}", short(input), short(output)),
            )),
        }
    }

    fn short(value: &Value) -> String {
        let text = value.to_string();
        match text.char_indices().nth(60) {
            Some((i, _)) => format!("{}…", &text[..i]),
            None => text,
        }
    }

    /// Runs every case of `cases` (a JSON list of `{id, ty, value}`) and prints one JSON line
    /// per case: `{id, outcome, path, detail}`.
    pub fn run(cases: &str, decode: fn(usize, &Value) -> Outcome) {
        let cases: Vec<Value> = serde_json::from_str(cases).expect("the cases are JSON");
        for case in cases {
            let ty = case["ty"].as_u64().expect("a type index") as usize;
            let (outcome, path, detail) = match decode(ty, &case["value"]) {
                Outcome::Exact => ("exact", String::new(), String::new()),
                Outcome::Spelling(path) => ("spelling", path, String::new()),
                Outcome::Decode(path, message) => ("decode", path, message),
                Outcome::Changed(path, what) => ("changed", path, what),
            };
            let line = serde_json::json!({
                "id": case["id"],
                "outcome": outcome,
                "path": path,
                "detail": detail,
            });
            println!("{line}");
        }
    }
}
