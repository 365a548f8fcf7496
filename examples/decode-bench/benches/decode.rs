//! Decoding real payloads with models that keep unknown fields (`keep`, the default) and with
//! models that drop them (`drop`): the cost of the `additional_properties` map. Payloads:
//! GitHub's own examples from its document, and pages of 100 nexus objects
//! (`payloads/`, every property filled).
//!
//! `cargo bench -p decode-bench` (needs the APIs.guru directory: see the README).

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use decode_bench::{github_drop, github_keep, nexus_drop, nexus_keep};
use divan::Bencher;

fn main() {
    divan::main();
}

/// Decodes as the SDK's client does: from bytes, naming the failing field.
fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> T {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(&mut deserializer).expect("the payload decodes")
}

static GITHUB: LazyLock<serde_json::Value> = LazyLock::new(|| {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let path = std::env::var_os("GITHUB_SPEC")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/apis-guru/api/github.com/api.github.com.json"));
    serde_json::from_slice(&std::fs::read(path).expect("GitHub's document")).expect("JSON")
});

/// One of GitHub's `components/examples`, as bytes, with the required properties the example
/// predates set (`(key, value)` at its top level): the schema requires them, so the SDK does.
fn github(name: &str, missing: &[(&str, serde_json::Value)]) -> Vec<u8> {
    let mut value = GITHUB["components"]["examples"][name]["value"].clone();
    for (key, v) in missing {
        value[*key] = v.clone();
    }
    serde_json::to_vec(&value).expect("encodes")
}

fn nexus(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("payloads/nexus-{name}.json"));
    std::fs::read(path).expect("payload")
}

macro_rules! pair {
    ($group:ident, $payload:expr, $keep:ty, $drop:ty) => {
        mod $group {
            use super::*;

            #[divan::bench]
            fn keep(bencher: Bencher) {
                let bytes = $payload;
                bencher.bench(|| decode::<$keep>(divan::black_box(&bytes)));
            }

            #[divan::bench]
            fn drop(bencher: Bencher) {
                let bytes = $payload;
                bencher.bench(|| decode::<$drop>(divan::black_box(&bytes)));
            }
        }
    };
}

pair!(
    github_full_repository,
    github("full-repository", &[("has_discussions", false.into())]),
    github_keep::types::FullRepository,
    github_drop::types::FullRepository
);
pair!(
    github_pull_request,
    github("pull-request", &[]),
    github_keep::types::PullRequest,
    github_drop::types::PullRequest
);
pair!(
    github_issue_items,
    github("issue-items", &[]),
    Vec<github_keep::types::Issue>,
    Vec<github_drop::types::Issue>
);
pair!(
    nexus_instances,
    nexus("InstanceResultsPage"),
    nexus_keep::types::InstanceResultsPage,
    nexus_drop::types::InstanceResultsPage
);
pair!(
    nexus_disks,
    nexus("DiskResultsPage"),
    nexus_keep::types::DiskResultsPage,
    nexus_drop::types::DiskResultsPage
);
pair!(
    nexus_firewall_rules,
    nexus("VpcFirewallRules"),
    nexus_keep::types::VpcFirewallRules,
    nexus_drop::types::VpcFirewallRules
);
