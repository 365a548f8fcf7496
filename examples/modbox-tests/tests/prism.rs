//! Contract tests against Prism, an independent OpenAPI mock server that validates every
//! request against spec/modbox.yaml. Pinned in package.json and package-lock.json at the
//! repository root; the first test that needs it runs `npm ci` when it is missing, so a fresh
//! clone needs nothing but `cargo test`.

mod support;

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use modbox::runtime;
use modbox::types::SandboxImageUpdate;
use modbox::{Client, Error, ErrorBody, Nullable};
use support::{Reply, Server};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The Prism binary, installed with `npm ci` first if it is not there yet. Tests run on
/// several threads, and test runners may run them in several processes: a file lock makes one
/// of them install while the others wait.
fn installed_prism() -> PathBuf {
    let root = repo_root();
    let bin = root.join("node_modules/.bin/prism");
    if bin.exists() {
        return bin;
    }
    let lock_dir = root.join("target");
    std::fs::create_dir_all(&lock_dir).expect("target directory");
    let lock = std::fs::File::create(lock_dir.join("npm-ci.lock")).expect("lock file");
    lock.lock().expect("lock npm ci");
    if !bin.exists() {
        let out = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&root)
            .output()
            .expect("npm runs (Node.js and npm are needed for the Prism tests)");
        assert!(
            out.status.success(),
            "`npm ci` failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(bin.exists(), "`npm ci` ran but installed no Prism");
    bin
}

/// A Prism process, stopped when dropped (also when a test panics).
struct Prism {
    child: Child,
    base_url: String,
}

impl Prism {
    fn start(dynamic: bool) -> Prism {
        let bin = installed_prism();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut command = Command::new(bin);
        command
            .args([
                "mock",
                "spec/modbox.yaml",
                "-h",
                "127.0.0.1",
                "-p",
                &port.to_string(),
            ])
            .current_dir(repo_root())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        if dynamic {
            command.arg("-d");
        }
        let child = command.spawn().expect("Prism starts");
        let prism = Prism {
            child,
            base_url: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(60);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "Prism did not listen within 60 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        prism
    }
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn id() -> uuid::Uuid {
    "3fa85f64-5717-4562-b3fc-2c963f66afa6".parse().unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn static_mode_accepts_what_the_client_sends() {
    let prism = Prism::start(false);
    let client = Client::new("YOUR_TOKEN_HERE")
        .with_base_url(&prism.base_url)
        .with_max_retries(0);
    let update = SandboxImageUpdate {
        description: Nullable::Null,
        memory_mb: Nullable::Value(2048),
        ..Default::default()
    };
    let detail = client
        .update_sandbox_image(id(), &update)
        .await
        .expect("Prism accepts the request");
    assert_eq!(detail.name, "string");
    assert_eq!(detail.memory_mb, 0);
    // And with no body at all, which the spec allows.
    client
        .update_sandbox_image(id(), None)
        .await
        .expect("an absent optional body is valid");
}

#[tokio::test(flavor = "multi_thread")]
async fn prism_rejects_a_request_without_the_credential() {
    // The negative control: the same request without `Authorization` violates the spec, so
    // the test above would fail if the client left the header out.
    let prism = Prism::start(false);
    let path = format!("/sandbox-images/{}", id());
    let mut request = runtime::Request::new("raw", reqwest::Method::PUT, "/raw", path, &[]);
    request
        .json::<_, ErrorBody>(&SandboxImageUpdate::default(), "application/json")
        .unwrap();
    let core = runtime::Core::new(&prism.base_url, "t");
    let response = core.execute::<ErrorBody>(request, &[]).await.unwrap();
    assert_eq!(response.status(), 422);
}

/// A small deterministic generator, so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<T>(&mut self, value: T) -> Nullable<T> {
        match self.next() % 3 {
            0 => Nullable::Absent,
            1 => Nullable::Null,
            _ => Nullable::Value(value),
        }
    }
}

fn random_update(rng: &mut Rng) -> SandboxImageUpdate {
    let n = rng.next();
    SandboxImageUpdate {
        description: rng.pick(format!("desc {n} ✓ \"quoted\"")),
        enabled: rng.pick(n.is_multiple_of(2)),
        image: rng.pick("python:3.12".to_string()),
        is_default: rng.pick(n.is_multiple_of(3)),
        memory_mb: rng.pick((n % 65536) as i64),
        name: rng.pick(format!("name-{n}")),
        readiness_port: rng.pick((n % 65535) as i64),
        registry_id: rng.pick(id()),
        tag: rng.pick("latest".to_string()),
        ttl_seconds: rng.pick(-((n % 1000) as i64)),
    }
}

/// A `date-time` is decoded into `chrono::DateTime<Utc>`, which keeps the instant but not its
/// spelling (`07.0Z` comes back as `07Z`): compare date-times as instants, everything else as
/// it is.
fn same_instants(mut value: serde_json::Value) -> serde_json::Value {
    for field in ["created_at", "updated_at"] {
        if let Some(serde_json::Value::String(text)) = value.get(field) {
            let instant =
                chrono::DateTime::parse_from_rfc3339(text).expect("an RFC 3339 date-time");
            value[field] =
                serde_json::json!([instant.timestamp(), instant.timestamp_subsec_nanos()]);
        }
    }
    value
}

#[tokio::test(flavor = "multi_thread")]
async fn dynamic_mode_responses_decode_and_re_encode_losslessly() {
    let prism = Prism::start(true);
    // A forwarding recorder between the client and Prism keeps each raw answer to compare with.
    let recorder = Server::start(vec![Reply::forward(&prism.base_url)]).await;
    let client = Client::new("YOUR_TOKEN_HERE")
        .with_base_url(&recorder.base_url)
        .with_max_retries(0);
    let mut rng = Rng(0x5eed_1234_abcd);
    let mut states = std::collections::BTreeSet::new();
    const CALLS: usize = 200;
    for call in 0..CALLS {
        let update = random_update(&mut rng);
        let sent = serde_json::to_value(&update).unwrap();
        for field in [
            "description",
            "enabled",
            "image",
            "is_default",
            "memory_mb",
            "name",
            "readiness_port",
            "registry_id",
            "tag",
            "ttl_seconds",
        ] {
            let state = match sent.get(field) {
                None => "absent",
                Some(serde_json::Value::Null) => "null",
                Some(_) => "value",
            };
            states.insert((field, state));
        }
        let result = client.update_sandbox_image(id(), &update).await;
        let detail = match result {
            Ok(detail) => detail,
            Err(Error::Decode {
                path,
                message,
                body,
                ..
            }) => {
                panic!("call {call}: Prism's answer does not decode at `{path}`: {message}\n{body}")
            }
            Err(e) => panic!("call {call}: {e}"),
        };
        let (status, raw) = recorder.forwarded().last().cloned().unwrap();
        assert_eq!(status, 200, "call {call}");
        let raw: serde_json::Value = serde_json::from_slice(&raw).unwrap();
        let encoded = serde_json::to_value(&detail).unwrap();
        assert_eq!(
            same_instants(encoded),
            same_instants(raw),
            "call {call}: re-encoding lost something"
        );
    }
    assert_eq!(recorder.forwarded().len(), CALLS);
    assert_eq!(
        states.len(),
        30,
        "every field was sent absent, null and with a value"
    );
}
