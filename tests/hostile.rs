//! Hostile and broken documents, run through the real binary as a user would: each gives a
//! diagnostic (exit 3, with the place) or an SDK (exit 0), within a time limit and a memory
//! limit; never a panic (exit 101), a stack overflow or another signal, or a hang.
//!
//! The documents are built here rather than committed: some are megabytes.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const TIME_LIMIT: Duration = Duration::from_secs(60);
/// Peak resident memory of any one run (debug build).
const MEMORY_LIMIT_MIB: i64 = 1024;
const DEPTH: usize = 10_000;

enum Expect {
    /// An SDK is written.
    Generated,
    /// Refused with this in the message, and a place.
    Refused(&'static str),
    /// Either, but nothing else (fuzz regressions: what matters is that they do not crash).
    Either,
}

fn cases() -> Vec<(&'static str, Vec<u8>, Expect)> {
    use Expect::*;
    let deep_json = |open: &str, leaf: &str, close: &str| {
        format!(
            r##"{{"openapi":"3.1.0","info":{{"title":"t","version":"1"}},"paths":{{}},"components":{{"schemas":{{"Deep":{}{leaf}{}}}}}}}"##,
            open.repeat(DEPTH),
            close.repeat(DEPTH)
        )
        .into_bytes()
    };
    let chain = |body: &dyn Fn(usize) -> String| {
        let mut schemas: Vec<String> = (0..DEPTH)
            .map(|i| format!(r#""S{i}":{}"#, body(i + 1)))
            .collect();
        schemas.push(format!(r#""S{DEPTH}":{{"type":"string"}}"#));
        format!(
            r##"{{"openapi":"3.1.0","info":{{"title":"t","version":"1"}},"paths":{{"/x":{{"get":{{"operationId":"x","responses":{{"200":{{"description":"ok","content":{{"application/json":{{"schema":{{"$ref":"#/components/schemas/S0"}}}}}}}}}}}}}}}},"components":{{"schemas":{{{}}}}}}}"##,
            schemas.join(",")
        )
        .into_bytes()
    };
    let yaml = |rest: &str| {
        format!("openapi: 3.1.0\ninfo: {{title: t, version: '1'}}\npaths: {{}}\n{rest}")
            .into_bytes()
    };
    // A schema `S` with these keywords (components are lowered whether or not an operation
    // uses them).
    let all_of_cycle =
        |schema: &str| yaml(&format!("components:\n  schemas:\n    S: {{{schema}}}\n"));
    let mut alias_bomb = String::from("x-0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let p = format!("*a{}", i - 1);
        alias_bomb.push_str(&format!("x-{i}: &a{i} [{}]\n", vec![p; 9].join(", ")));
    }
    vec![
        ("deep-arrays.json", deep_json(r#"{"type":"array","items":"#, r#"{"type":"string"}"#, "}"), Refused("recursion limit")),
        ("deep-all-of.json", deep_json(r#"{"allOf":["#, r#"{"type":"object"}"#, "]}"), Refused("recursion limit")),
        ("deep-properties.json", deep_json(r#"{"type":"object","properties":{"p":"#, r#"{"type":"string"}"#, "}}"), Refused("recursion limit")),
        ("deep-flow.yaml", yaml(&format!("x-deep: {}{}\n", "[".repeat(100_000), "]".repeat(100_000))), Refused("nested deeper than 1000")),
        ("deep-maps.yaml", yaml(&format!("x-deep: {}1{}\n", "{a: ".repeat(DEPTH), "}".repeat(DEPTH))), Refused("nested deeper than 1000")),
        ("chain-all-of.json", chain(&|n| format!(r##"{{"allOf":[{{"$ref":"#/components/schemas/S{n}"}}]}}"##)), Generated),
        ("chain-items.json", chain(&|n| format!(r##"{{"type":"array","items":{{"$ref":"#/components/schemas/S{n}"}}}}"##)), Generated),
        ("chain-refs.json", chain(&|n| format!(r##"{{"$ref":"#/components/schemas/S{n}"}}"##)), Generated),
        ("chain-properties.json", chain(&|n| format!(r##"{{"type":"object","properties":{{"next":{{"$ref":"#/components/schemas/S{n}"}}}}}}"##)), Generated),
        ("chain-one-of.json", chain(&|n| format!(r##"{{"oneOf":[{{"$ref":"#/components/schemas/S{n}"}},{{"type":"integer"}}]}}"##)), Generated),
        // A property that refers back to its schema through `allOf` with a sibling (how AWS
        // documents a `$ref`), and the same cycle through each other keyword combined with
        // `allOf`: lowering merges the referenced schema in, so each would recurse forever.
        ("all-of-sibling-cycle.yaml", all_of_cycle("properties: {Not: {allOf: [{$ref: '#/components/schemas/S'}, {description: not}]}}"), Generated),
        ("all-of-merge-cycle.yaml", all_of_cycle("properties: {next: {allOf: [{$ref: '#/components/schemas/S'}, {properties: {x: {type: string}}}]}}"), Generated),
        ("one-of-all-of-cycle.yaml", all_of_cycle("properties: {next: {oneOf: [{allOf: [{$ref: '#/components/schemas/S'}, {properties: {x: {type: string}}}]}, {type: string}]}}"), Generated),
        ("any-of-all-of-cycle.yaml", all_of_cycle("properties: {next: {anyOf: [{allOf: [{$ref: '#/components/schemas/S'}, {description: d}]}, {type: integer}]}}"), Generated),
        ("items-all-of-cycle.yaml", all_of_cycle("properties: {list: {type: array, items: {allOf: [{$ref: '#/components/schemas/S'}, {properties: {x: {type: string}}}]}}}"), Generated),
        ("map-all-of-cycle.yaml", all_of_cycle("properties: {map: {additionalProperties: {allOf: [{$ref: '#/components/schemas/S'}, {properties: {x: {type: string}}}]}}}"), Generated),
        ("mutual-all-of-cycle.yaml", all_of_cycle("properties: {t: {allOf: [{$ref: '#/components/schemas/T'}, {properties: {x: {type: string}}}]}}}\n    T: {properties: {s: {allOf: [{$ref: '#/components/schemas/S'}, {properties: {x: {type: number}}}]}}"), Generated),
        ("tree-merge-cycle.yaml", all_of_cycle("allOf: [{properties: {t: {$ref: '#/components/schemas/A'}}}, {properties: {t: {$ref: '#/components/schemas/B'}}}]}\n    A: {properties: {l: {$ref: '#/components/schemas/A'}, r: {$ref: '#/components/schemas/A'}, m: {$ref: '#/components/schemas/A'}}}\n    B: {properties: {l: {$ref: '#/components/schemas/B'}, r: {$ref: '#/components/schemas/B'}, m: {$ref: '#/components/schemas/B'}, x: {type: string}}"), Generated),
        ("list-merge-cycle.yaml", all_of_cycle("allOf: [{properties: {l: {$ref: '#/components/schemas/L'}}}, {properties: {l: {$ref: '#/components/schemas/M'}}}]}\n    L: {type: array, items: {$ref: '#/components/schemas/L'}}\n    M: {type: array, items: {$ref: '#/components/schemas/M'}"), Generated),
        // References into each other's insides, and a path item whose callback names it.
        ("ref-pointer-cycle.yaml", all_of_cycle("$ref: '#/components/schemas/T/properties/x'}\n    T: {$ref: '#/components/schemas/S/properties/x'}\n    U: {properties: {y: {$ref: '#/components/schemas/S/properties/x/items'}}"), Generated),
        ("callback-cycle.yaml", b"openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: a\n      responses: {'200': {description: ok}}\n      callbacks:\n        again: {'{$request.body#/u}': {$ref: '#/paths/~1a'}}\n".to_vec(), Generated),
        ("alias-bomb.yaml", yaml(&alias_bomb), Refused("repetition limit")),
        ("huge-description.json", format!(r#"{{"openapi":"3.1.0","info":{{"title":"t","version":"1","description":"{}"}},"paths":{{}}}}"#, "x".repeat(8 << 20)).into_bytes(), Generated),
        ("huge-names.json", format!(r##"{{"openapi":"3.1.0","info":{{"title":"t","version":"1"}},"paths":{{}},"components":{{"schemas":{{"{0}":{{"type":"object","properties":{{"{1}":{{"type":"string"}}}}}}}}}}}}"##, "N".repeat(100_000), "p".repeat(100_000)).into_bytes(), Generated),
        ("huge-enum.json", format!(r##"{{"openapi":"3.1.0","info":{{"title":"t","version":"1"}},"paths":{{}},"components":{{"schemas":{{"E":{{"type":"string","enum":[{}]}}}}}}}}"##, (0..100_000).map(|i| format!("\"v{i}\"")).collect::<Vec<_>>().join(",")).into_bytes(), Generated),
        ("self-ref-parameter.json", br##"{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"parameters":[{"$ref":"#/components/parameters/P"}],"responses":{"200":{"description":"ok"}}}}},"components":{"parameters":{"P":{"$ref":"#/components/parameters/Q"},"Q":{"$ref":"#/components/parameters/P"}}}}"##.to_vec(), Refused("$ref")),
        ("self-ref-response.json", br##"{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{"/a":{"get":{"responses":{"200":{"$ref":"#/components/responses/R"}}}}},"components":{"responses":{"R":{"$ref":"#/components/responses/R"}}}}"##.to_vec(), Refused("$ref")),
        ("self-ref-body.json", br##"{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{"/a":{"post":{"requestBody":{"$ref":"#/components/requestBodies/B"},"responses":{"200":{"description":"ok"}}}}},"components":{"requestBodies":{"B":{"$ref":"#/components/requestBodies/B"}}}}"##.to_vec(), Refused("request body")),
        ("path-item-cycle.json", br##"{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{"/a":{"$ref":"#/paths/~1b"},"/b":{"$ref":"#/paths/~1a"}}}"##.to_vec(), Generated),
        ("missing-targets.json", br##"{"openapi":"3.1.0","info":{"title":"t","version":"1"},"paths":{"/x":{"get":{"responses":{"200":{"description":"ok","content":{"application/json":{"schema":{"$ref":"#/components/schemas/Missing"}}}}}}}}}"##.to_vec(), Generated),
        ("non-string-keys.yaml", yaml("x-keys:\n  ? [1, 2]\n  : sequence key\n  ? {a: 1}\n  : mapping key\n"), Refused("mapping key must be a string")),
        ("byte-order-mark.yaml", [b"\xef\xbb\xbf".as_slice(), &yaml("")].concat(), Generated),
        ("invalid-utf8.yaml", [yaml("").as_slice(), b"x-bad: \"\xff\xfe\"\n"].concat(), Refused("not UTF-8")),
        ("empty.yaml", Vec::new(), Refused("")),
        ("not-a-mapping.yaml", b"- just\n- a list\n".to_vec(), Refused("")),
        ("nan.yaml", yaml("x-n: .nan\n"), Refused("no JSON form")),
    ]
}

/// The files of `tests/fuzz-regressions`, each expected to give a diagnostic or an SDK.
fn fuzz_regressions() -> Vec<(String, Vec<u8>, Expect)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().is_some_and(|n| n != "README.md"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = format!("fuzz-{}", p.file_name().unwrap().to_string_lossy());
            (name, std::fs::read(&p).unwrap(), Expect::Either)
        })
        .collect()
}

#[test]
fn hostile_documents_give_a_diagnostic_or_an_sdk_in_bounded_time_and_memory() {
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    let cases = cases()
        .into_iter()
        .map(|(name, bytes, expect)| (name.to_string(), bytes, expect))
        .chain(fuzz_regressions());
    for (name, bytes, expect) in cases {
        let spec = dir.path().join(&name);
        std::fs::write(&spec, &bytes).unwrap();
        let out_dir = dir.path().join(format!("{name}.sdk"));
        let started = Instant::now();
        let (status, stderr) = run(&spec, &out_dir);
        let took = started.elapsed();
        let verdict = match (&expect, status) {
            _ if took > TIME_LIMIT => Err(format!("took {took:?}")),
            (Expect::Generated | Expect::Either, Some(0))
                if out_dir.join("src/lib.rs").exists() =>
            {
                Ok(())
            }
            (Expect::Either, Some(3)) if stderr.contains("error:") => Ok(()),
            (Expect::Refused(text), Some(3))
                if stderr.contains(text)
                    && stderr.contains("error:")
                    && stderr.contains(" at ") =>
            {
                Ok(())
            }
            (_, status) => Err(format!("exit {status:?}")),
        };
        if let Err(why) = verdict {
            failures.push(format!("{name}: {why}\n{}", tail(&stderr)));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    let usage = nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN)
        .expect("getrusage");
    let peak_mib = usage.max_rss() / 1024;
    assert!(
        peak_mib < MEMORY_LIMIT_MIB,
        "a run peaked at {peak_mib} MiB"
    );
}

/// Runs `generate`, killing it at the time limit. The exit code is `None` for a signal (a stack
/// overflow aborts) or a kill.
fn run(spec: &Path, out_dir: &Path) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sdkgen"))
        .arg("generate")
        .arg("--spec")
        .arg(spec)
        .arg("--out")
        .arg(out_dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        if started.elapsed() > TIME_LIMIT {
            child.kill().unwrap();
            child.wait().unwrap();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    (status, reader.join().unwrap())
}

fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(6)..].join("\n")
}
