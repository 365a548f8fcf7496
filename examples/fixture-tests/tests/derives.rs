//! Extra derives (`Config::extra_derive`) as a user turns them on: every conditional one on
//! fixtures with enums, floats, maps, JSON values, unions and recursion. That this crate builds
//! clippy-clean is half the test (a derive written twice, or on a type it cannot hold on, is a
//! compile error); the other half is that each derive is there wherever it can hold.

use std::collections::{BTreeSet, HashSet};

use fixture_tests::derived::{additional_properties, ref_cycles, scalars_and_directions, unions};

fn eq_hash<T: Eq + std::hash::Hash>() {}
fn ord<T: Ord>() {}
fn partial_ord<T: PartialOrd>() {}
fn default<T: Default>() {}
fn copy<T: Copy>() {}

#[test]
fn derives_hold_wherever_the_fields_allow_them() {
    // Structs of strings and bools, a tagged union of them (its catch-all is JSON: Eq and Hash
    // hold, order does not), string and integer enums.
    eq_hash::<unions::types::Dog>();
    eq_hash::<unions::types::Pet>();
    default::<unions::types::Dog>(); // required fields, each with a default
    ord::<unions::types::IdOrName>();
    ord::<scalars_and_directions::types::Kind>();
    copy::<scalars_and_directions::types::Level>();
    // A float still orders partially.
    partial_ord::<unions::types::Scalar>();
    // Maps, closed or typed: everything, order included.
    ord::<additional_properties::types::Closed>();
    ord::<additional_properties::types::Counters>();
    eq_hash::<additional_properties::types::Open>();
    // Recursion: a tree of itself, and structs that box themselves.
    ord::<ref_cycles::types::Tree>();
    eq_hash::<ref_cycles::types::Expression>();
}

#[test]
fn derived_traits_work_as_users_use_them() {
    let dog = |name: &str| unions::types::Dog {
        pet_type: name.into(),
        ..Default::default()
    };
    let dogs: HashSet<unions::types::Dog> = [dog("a"), dog("a"), dog("b")].into();
    assert_eq!(dogs.len(), 2);
    let names = |n: &[&str]| additional_properties::types::Closed {
        name: n.first().map(|s| s.to_string()),
    };
    let sorted: BTreeSet<_> = [names(&["b"]), names(&["a"]), names(&[])].into();
    let first: Vec<_> = sorted.iter().map(|c| c.name.clone()).collect();
    assert_eq!(first, [None, Some("a".into()), Some("b".into())]);
}

/// The derive lists of every model in a generated file, by type name.
fn derive_lists(code: &str) -> Vec<(String, Vec<String>)> {
    let mut lists = Vec::new();
    let mut rest = code;
    while let Some(at) = rest.find("#[derive(") {
        let after = &rest[at + 9..];
        let end = after.find(")]").unwrap();
        let names: Vec<String> = after[..end]
            .split(',')
            .map(|d| d.trim().rsplit("::").next().unwrap().to_string())
            .filter(|d| !d.is_empty())
            .collect();
        let item = &after[end..];
        let name = item
            .split_whitespace()
            .skip_while(|w| !matches!(*w, "struct" | "enum"))
            .nth(1)
            .unwrap_or_default()
            .trim_end_matches(['{', '(', ';'])
            .split('<')
            .next()
            .unwrap()
            .to_string();
        lists.push((name, names));
        rest = item;
    }
    lists
}

const DERIVED: [&str; 5] = [
    include_str!(concat!(env!("OUT_DIR"), "/derived_unions.rs")),
    include_str!(concat!(env!("OUT_DIR"), "/derived_all_of.rs")),
    include_str!(concat!(
        env!("OUT_DIR"),
        "/derived_additional_properties.rs"
    )),
    include_str!(concat!(env!("OUT_DIR"), "/derived_ref_cycles.rs")),
    include_str!(concat!(
        env!("OUT_DIR"),
        "/derived_scalars_and_directions.rs"
    )),
];

#[test]
fn no_derive_is_written_twice_and_those_that_cannot_hold_are_left_off() {
    let lists: Vec<_> = DERIVED.iter().flat_map(|code| derive_lists(code)).collect();
    for (name, derives) in &lists {
        let unique: HashSet<&String> = derives.iter().collect();
        assert_eq!(unique.len(), derives.len(), "{name}: {derives:?}");
    }
    let of = |name: &str| {
        lists
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, d)| d.clone())
            .unwrap_or_else(|| panic!("no type {name}"))
    };
    // An f64 (directly, in a union, in a struct a union holds): no Eq, Hash or Ord.
    for name in ["Circle", "Scalar", "Shape"] {
        let derives = of(name);
        assert!(
            !derives
                .iter()
                .any(|d| ["Eq", "Hash", "Ord"].contains(&d.as_str())),
            "{name}: {derives:?}"
        );
    }
    // A JSON value (a struct's unknown fields, a union's catch-all): no order.
    for name in ["Open", "Pet", "Dog"] {
        let derives = of(name);
        assert!(
            !derives.iter().any(|d| d.ends_with("Ord")),
            "{name}: {derives:?}"
        );
        assert!(derives.contains(&"Hash".to_string()), "{name}: {derives:?}");
    }
    // Enums have no default; only all-integer enums are Copy.
    assert!(!of("Kind").contains(&"Default".to_string()));
    assert!(!of("Kind").contains(&"Copy".to_string()));
}

/// The README's `Config` example with every option on builds, and each option shows.
#[test]
fn the_readme_config_example_builds_with_every_option() {
    use fixture_tests::readme_config::{types::Pet, Client, USER_AGENT};
    // `keep_unknown_fields(false)`: a model is exactly its properties; `extra_derive("Eq")`.
    let pet = Pet {
        name: "Rex".into(),
        kind: fixture_tests::readme_config::types::PetKind::Dog,
    };
    eq_hash::<fixture_tests::readme_config::types::PetKind>();
    assert_eq!(pet.clone(), pet);
    fn eq<T: Eq>(_: &T) {}
    eq(&pet);
    // `crate_name("my_api")`, and `tags(["Pets"])`: the Pets operations and what they use.
    assert!(USER_AGENT.starts_with("my_api/"));
    let client = Client::new();
    let _ = (client.list_pets(), client.order_pet(1), client.health());
}
