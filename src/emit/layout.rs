//! Which file of a crate each operation and model goes in.
//!
//! A crate with tag features is split by them: a tag's operations (their client methods and
//! builders) in `src/client/<tag>.rs`, the models only that tag reaches in `src/types/<tag>.rs`,
//! each declared behind the tag's feature, so that rustc never reads the files of a tag that is
//! off; models several tags share go in `src/types/shared.rs`. No file holds more than
//! [`OPERATIONS_PER_FILE`] operations or [`TYPES_PER_FILE`] models: a large tag takes several
//! (`repos`, `repos_2`...), so rustc, an editor and a reader each get files of a size they cope
//! with. What no feature gates stays in `client.rs` and `types.rs` (up to the same limits).
//!
//! Code for `include!` has no features and stays one file: one unit each.

use std::collections::BTreeMap;

use crate::ir::{Api, Gate};
use crate::naming::{Case, Namespace};

/// At about 110 generated lines an operation, a file of at most 11,000 lines.
pub const OPERATIONS_PER_FILE: usize = 100;
/// At about 30 generated lines a model, a file of at most 9,000 lines.
pub const TYPES_PER_FILE: usize = 300;

/// Names no module of `client` or `types` may take: what those modules name themselves, and
/// file names Windows refuses.
const RESERVED: &[&str] = &[
    "builder", "client", "runtime", "testing", "types", "con", "prn", "aux", "nul", "com1", "com2",
    "com3", "com4", "com5", "com6", "com7", "com8", "com9", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5",
    "lpt6", "lpt7", "lpt8", "lpt9",
];

/// The group of the models several tags share, and of what no tag gates past the first file.
const SHARED: &str = "shared";
const COMMON: &str = "common";

/// The units of the `client` and `types` modules: the first of each is the module's own file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub client: Vec<Unit>,
    pub types: Vec<Unit>,
}

/// One file: its module's name (`None` for the parent's own file), the features it is
/// compiled under (empty: always), and the indices of its operations or models.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub module: Option<String>,
    pub gate: Gate,
    pub items: Vec<usize>,
}

impl Layout {
    /// The layout of `api`'s code: split by features when `split`, else one file each.
    pub fn new(api: &Api, split: bool) -> Layout {
        if !split {
            let all = |n: usize| Unit {
                module: None,
                gate: Gate::new(),
                items: (0..n).collect(),
            };
            return Layout {
                client: vec![all(api.operations.len())],
                types: vec![all(api.types.len())],
            };
        }
        // An operation goes with the first of its features; a model with its only one, or
        // with the shared ones.
        let client = units(
            api.operations
                .iter()
                .map(|op| (op.gate.first().cloned(), &op.gate)),
            OPERATIONS_PER_FILE,
        );
        let types = units(
            api.types.iter().map(|t| match t.gate.as_slice() {
                [] => (None, &t.gate),
                [one] => (Some(one.clone()), &t.gate),
                _ => (Some(SHARED.to_string()), &t.gate),
            }),
            TYPES_PER_FILE,
        );
        Layout { client, types }
    }
}

/// Items grouped by key (`None`: no feature) and cut into files of at most `per_file`, each
/// file gated by the union of its items' gates.
fn units<'g>(
    items: impl Iterator<Item = (Option<String>, &'g Gate)>,
    per_file: usize,
) -> Vec<Unit> {
    let mut ungated = Vec::new();
    let mut groups: BTreeMap<String, Vec<(usize, &Gate)>> = BTreeMap::new();
    for (i, (key, gate)) in items.enumerate() {
        match key {
            None => ungated.push((i, gate)),
            Some(key) => groups.entry(key).or_default().push((i, gate)),
        }
    }
    let mut names = Namespace::with_reserved(RESERVED);
    let mut out = Vec::new();
    let mut rest = ungated.split_off(ungated.len().min(per_file));
    out.push(unit(None, &ungated));
    // What no feature gates and does not fit the parent's file (an untagged API's), then each
    // group's, in the order of their names.
    let mut overflow = Vec::new();
    while !rest.is_empty() {
        let tail = rest.split_off(rest.len().min(per_file));
        overflow.push(std::mem::replace(&mut rest, tail));
    }
    let chunks = overflow
        .into_iter()
        .map(|chunk| (COMMON.to_string(), chunk))
        .chain(groups.into_iter().flat_map(|(key, items)| {
            items
                .chunks(per_file)
                .map(|chunk| (key.clone(), chunk.to_vec()))
                .collect::<Vec<_>>()
        }));
    for (key, chunk) in chunks {
        out.push(unit(Some(names.claim(&key, Case::Snake)), &chunk));
    }
    out
}

fn unit(module: Option<String>, items: &[(usize, &Gate)]) -> Unit {
    let gate = if items.iter().any(|(_, g)| g.is_empty()) {
        Gate::new()
    } else {
        let mut all: Vec<String> = items.iter().flat_map(|(_, g)| g.iter().cloned()).collect();
        all.sort();
        all.dedup();
        all
    };
    Unit {
        module,
        gate,
        items: items.iter().map(|(i, _)| *i).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gates(list: &[&[&str]]) -> Vec<Gate> {
        list.iter()
            .map(|g| g.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    fn layout(list: &[&[&str]], key_first: bool, per_file: usize) -> Vec<Unit> {
        let gates = gates(list);
        units(
            gates.iter().map(|g| {
                let key = match g.as_slice() {
                    [] => None,
                    [one, ..] if key_first => Some(one.clone()),
                    [one] => Some(one.clone()),
                    _ => Some(SHARED.to_string()),
                };
                (key, g)
            }),
            per_file,
        )
    }

    #[test]
    fn a_file_per_feature_its_gate_the_union_of_its_items() {
        let units = layout(
            &[&["pets"], &[], &["pets", "stores"], &["stores"]],
            true,
            10,
        );
        let show: Vec<(Option<&str>, Vec<&str>, Vec<usize>)> = units
            .iter()
            .map(|u| {
                let gate = u.gate.iter().map(String::as_str).collect();
                (u.module.as_deref(), gate, u.items.clone())
            })
            .collect();
        assert_eq!(
            show,
            [
                (None, vec![], vec![1]),
                (Some("pets"), vec!["pets", "stores"], vec![0, 2]),
                (Some("stores"), vec!["stores"], vec![3]),
            ]
        );
    }

    #[test]
    fn large_groups_take_several_files_and_names_never_clash() {
        let mut list: Vec<&[&str]> = vec![&[]; 5];
        list.extend([&["builder"] as &[&str]; 3]);
        list.extend([&["common"] as &[&str]; 1]);
        list.extend([&["a", "b"] as &[&str]; 2]);
        let units = layout(&list, false, 2);
        let names: Vec<Option<&str>> = units.iter().map(|u| u.module.as_deref()).collect();
        assert_eq!(
            names,
            [
                None,
                Some("common"),
                Some("common_2"),
                Some("builder_2"),
                Some("builder_3"),
                Some("common_3"),
                Some("shared"),
            ]
        );
        assert_eq!(units[0].items, [0, 1]);
        assert_eq!(units[2].items, [4]);
        assert!(units.iter().all(|u| u.items.len() <= 2));
        // The shared models' file is compiled when any feature that reaches one is on.
        assert_eq!(units[6].gate, ["a", "b"]);
    }
}
