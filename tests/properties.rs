//! Property tests over random schema trees (proptest):
//!
//! 1. generation succeeds or gives a diagnostic, never a panic, and the output parses with syn;
//! 2. random JSON instances of each schema decode with the generated model and encode back to
//!    the same JSON: one SDK holds a batch of random schemas, a generated harness crate decodes
//!    and re-encodes every instance, and the test compares.

mod support;

use std::fmt::Write as _;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{json, Map, Value};

use sdkgen::{generate, Options, Source};
use support::{assert_success, Scratch};

/// A schema, small enough to generate valid instances for.
#[derive(Debug, Clone)]
enum Schema {
    String,
    DateTime,
    Uuid,
    Integer,
    Number,
    Boolean,
    Enum(Vec<String>),
    Array(Box<Schema>),
    Map(Box<Schema>),
    Object(Vec<Property>),
}

#[derive(Debug, Clone)]
struct Property {
    name: String,
    schema: Schema,
    required: bool,
    nullable: bool,
}

/// Property names that collide once made Rust identifiers, are keywords, are not
/// identifiers at all, or are what the generated code names its own locals.
const NAMES: &[&str] = &[
    "id",
    "name",
    "type",
    "self",
    "async",
    "value",
    "Value",
    "a-b",
    "a b",
    "1st",
    "_",
    "camelCase",
    "camel_case",
    "x",
    "é",
    "$ref",
    "Self",
    "crate",
    // The names `impl_deserialize!` uses inside its decoding (hygiene keeps them apart).
    "map",
    "key",
    "deserializer",
    "f",
    "Visitor",
];
const ENUM_VALUES: &[&str] = &["a", "A", "b-c", "1", "", "on", "ON", "Self", "x y"];

fn schema() -> impl Strategy<Value = Schema> {
    let leaf = prop_oneof![
        Just(Schema::String),
        Just(Schema::DateTime),
        Just(Schema::Uuid),
        Just(Schema::Integer),
        Just(Schema::Number),
        Just(Schema::Boolean),
        proptest::sample::subsequence(ENUM_VALUES, 1..5)
            .prop_map(|v| Schema::Enum(v.into_iter().map(String::from).collect())),
    ];
    leaf.prop_recursive(4, 24, 5, |inner| {
        prop_oneof![
            inner.clone().prop_map(|s| Schema::Array(Box::new(s))),
            inner.clone().prop_map(|s| Schema::Map(Box::new(s))),
            proptest::collection::vec(
                (
                    proptest::sample::select(NAMES),
                    inner,
                    any::<bool>(),
                    any::<bool>()
                ),
                0..5
            )
            .prop_map(|props| {
                let mut seen = Vec::new();
                let properties = props
                    .into_iter()
                    .filter(|(name, ..)| {
                        let fresh = !seen.contains(name);
                        seen.push(*name);
                        fresh
                    })
                    .map(|(name, schema, required, nullable)| Property {
                        name: name.to_string(),
                        schema,
                        required,
                        nullable,
                    })
                    .collect();
                Schema::Object(properties)
            }),
        ]
    })
}

fn to_json(schema: &Schema) -> Value {
    match schema {
        Schema::String => json!({"type": "string"}),
        Schema::DateTime => json!({"type": "string", "format": "date-time"}),
        Schema::Uuid => json!({"type": "string", "format": "uuid"}),
        Schema::Integer => json!({"type": "integer"}),
        Schema::Number => json!({"type": "number"}),
        Schema::Boolean => json!({"type": "boolean"}),
        Schema::Enum(values) => json!({"type": "string", "enum": values}),
        Schema::Array(items) => json!({"type": "array", "items": to_json(items)}),
        Schema::Map(values) => json!({"type": "object", "additionalProperties": to_json(values)}),
        Schema::Object(properties) => {
            let mut props = Map::new();
            let mut required = Vec::new();
            for p in properties {
                let mut s = to_json(&p.schema);
                if p.nullable {
                    let ty = s["type"].clone();
                    s["type"] = json!([ty, "null"]);
                    if let Some(values) = s.get_mut("enum").and_then(Value::as_array_mut) {
                        values.push(Value::Null);
                    }
                }
                props.insert(p.name.clone(), s);
                if p.required {
                    required.push(p.name.clone());
                }
            }
            json!({"type": "object", "properties": props, "required": required})
        }
    }
}

/// A valid instance of `schema`, in the form the generated model writes back (date-times in
/// UTC with `Z`, UUIDs lower case).
fn instance(schema: &Schema) -> BoxedStrategy<Value> {
    match schema {
        Schema::String => any::<String>().prop_map(Value::String).boxed(),
        Schema::DateTime => (0i64..4_000_000_000)
            .prop_map(|s| {
                let t = chrono::DateTime::from_timestamp(s, 0).unwrap();
                Value::String(t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
            })
            .boxed(),
        Schema::Uuid => any::<u128>()
            .prop_map(|n| Value::String(uuid::Uuid::from_u128(n).to_string()))
            .boxed(),
        Schema::Integer => any::<i64>().prop_map(Value::from).boxed(),
        Schema::Number => prop_oneof![
            any::<i32>().prop_map(Value::from),
            (-1e12f64..1e12).prop_map(Value::from)
        ]
        .boxed(),
        Schema::Boolean => any::<bool>().prop_map(Value::Bool).boxed(),
        // Known values, and one the SDK does not know (a newer server's), kept as sent.
        Schema::Enum(values) => prop_oneof![
            proptest::sample::select(values.clone()).prop_map(Value::String),
            Just(Value::String("newer-value".into()))
        ]
        .boxed(),
        Schema::Array(items) => proptest::collection::vec(instance(items), 0..3)
            .prop_map(Value::Array)
            .boxed(),
        Schema::Map(values) => {
            proptest::collection::btree_map("[a-z]{0,4}", instance(values), 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect()))
                .boxed()
        }
        Schema::Object(properties) => {
            let fields: Vec<BoxedStrategy<Option<(String, Value)>>> = properties
                .iter()
                .map(|p| {
                    let name = p.name.clone();
                    let mut value = instance(&p.schema);
                    if p.nullable {
                        value = prop_oneof![value, Just(Value::Null)].boxed();
                    }
                    let present = value.prop_map(move |v| Some((name.clone(), v)));
                    if p.required {
                        present.boxed()
                    } else {
                        prop_oneof![present, Just(None)].boxed()
                    }
                })
                .collect();
            fields
                .prop_map(|fields| Value::Object(fields.into_iter().flatten().collect()))
                .boxed()
        }
    }
}

fn spec_of(schemas: &[Schema]) -> String {
    let components: Map<String, Value> = schemas
        .iter()
        .enumerate()
        .map(|(i, s)| (format!("S{i}"), to_json(s)))
        .collect();
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Random", "version": "1.0.0"},
        "paths": {},
        "components": {"schemas": components}
    })
    .to_string()
}

fn options() -> Options {
    Options {
        crate_name: "random".into(),
        tag_features: true,
        ..Options::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn generation_gives_code_that_parses_or_a_diagnostic(schemas in proptest::collection::vec(schema(), 1..6)) {
        let source = Source::named("random.json", spec_of(&schemas));
        match generate(&source, &options()) {
            Ok(generated) => {
                if let Err(e) = syn::parse_file(&generated.code()) {
                    panic!("the output does not parse: {e}");
                }
            }
            Err(e) => prop_assert!(!e.diagnostics.is_empty(), "an error without a diagnostic"),
        }
    }
}

/// Numbers compare by value: a `number` field reads `3` and writes `3.0`, the same number.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

#[test]
fn random_instances_decode_and_encode_back_unchanged() {
    const SCHEMAS: usize = 24;
    const INSTANCES: usize = 8;
    // A fixed seed: the same batch in every run, so a failure replays.
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
    );
    let schemas: Vec<Schema> = (0..SCHEMAS)
        .map(|_| schema().new_tree(&mut runner).unwrap().current())
        .collect();
    let instances: Vec<Vec<Value>> = schemas
        .iter()
        .map(|s| {
            (0..INSTANCES)
                .map(|_| instance(s).new_tree(&mut runner).unwrap().current())
                .collect()
        })
        .collect();

    let scratch = Scratch::new("properties");
    let workspace = &scratch.workspace;
    let source = Source::named("random.json", spec_of(&schemas));
    let generated = generate(&source, &options()).unwrap_or_else(|e| panic!("{e}"));
    for file in generated.crate_files() {
        let path = workspace.join("random").join(&file.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, file.contents).unwrap();
    }

    // The harness: for each schema, decode each instance with its model and print it back.
    let mut main = String::from(
        "fn main() {\n    let input: Vec<Vec<serde_json::Value>> = \
         serde_json::from_str(&std::fs::read_to_string(std::env::args().nth(1).unwrap()).unwrap()).unwrap();\n\
         let mut output: Vec<Vec<serde_json::Value>> = Vec::new();\n",
    );
    for i in 0..SCHEMAS {
        writeln!(
            main,
            "    output.push(input[{i}].iter().map(|v| {{ let model: random::types::S{i} = \
             serde_json::from_value(v.clone()).unwrap_or_else(|e| panic!(\"S{i}: {{e}}: {{v}}\")); \
             serde_json::to_value(&model).unwrap() }}).collect());"
        )
        .unwrap();
    }
    main.push_str("    println!(\"{}\", serde_json::to_string(&output).unwrap());\n}\n");
    std::fs::create_dir_all(workspace.join("harness/src")).unwrap();
    std::fs::write(workspace.join("harness/src/main.rs"), main).unwrap();
    std::fs::write(
        workspace.join("harness/Cargo.toml"),
        "[package]\nname = \"harness\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n\
         random = { path = \"../random\" }\nserde_json = \"1\"\n",
    )
    .unwrap();
    scratch.members(&["random", "harness"]);
    let input = workspace.join("instances.json");
    std::fs::write(&input, serde_json::to_string(&instances).unwrap()).unwrap();

    let input = input.to_str().unwrap();
    let out = scratch.cargo(&["run", "--quiet", "-p", "harness", "--", input]);
    assert_success(&out, "the harness failed");
    let output: Vec<Vec<Value>> = serde_json::from_slice(&out.stdout).unwrap();
    for (i, (sent, got)) in instances.iter().zip(&output).enumerate() {
        for (a, b) in sent.iter().zip(got) {
            assert!(
                same(a, b),
                "S{i} ({:?}) changed a value:\n  in:  {a}\n  out: {b}",
                schemas[i]
            );
        }
    }
}
