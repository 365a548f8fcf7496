//! `oneOf`/`anyOf` decode as the variant a value was written as, and re-encode unchanged.

use fixture_tests::round_trip;
use fixture_tests::unions::types::*;
use serde_json::json;

#[test]
fn a_discriminator_picks_the_variant_by_its_mapped_values() {
    let body: CelestialBody =
        round_trip(json!({"type": "gas_giant", "name": "Jupiter", "moons": 95}));
    let CelestialBody::Planet(planet) = body else {
        panic!("{body:?}")
    };
    assert_eq!(planet.type_, PlanetType::GasGiant);
    assert_eq!(planet.moons, Some(95));
    let body: CelestialBody =
        round_trip(json!({"type": "moon", "name": "Io", "orbits": "Jupiter"}));
    assert!(matches!(body, CelestialBody::Satellite(s) if s.orbits.as_deref() == Some("Jupiter")));
}

#[test]
fn an_unknown_tag_is_kept_not_refused() {
    let newer = json!({"type": "comet", "name": "Halley", "period": 76});
    let body: CelestialBody = round_trip(newer.clone());
    assert_eq!(body, CelestialBody::Other(newer));
}

#[test]
fn a_known_tag_with_a_bad_body_is_an_error_naming_the_field() {
    let err =
        serde_json::from_value::<CelestialBody>(json!({"type": "moon", "name": 7})).unwrap_err();
    assert!(err.to_string().contains("name"), "{err}");
}

#[test]
fn without_a_mapping_the_schema_names_are_the_tags() {
    let pet: Pet = round_trip(json!({"pet_type": "Cat", "purrs": true}));
    assert!(matches!(pet, Pet::Cat(c) if c.purrs == Some(true)));
    let pet: Pet = round_trip(json!({"pet_type": "Dog", "barks": false}));
    assert!(matches!(pet, Pet::Dog(_)));
}

#[test]
fn without_a_discriminator_the_object_decodes_as_the_struct_that_knows_its_keys() {
    // Circle comes first and has only optional fields: serde's untagged would take it.
    let shape: Shape = round_trip(json!({"width": 2.0, "height": 3.0}));
    assert!(
        matches!(&shape, Shape::Rectangle(r) if r.width == 2.0),
        "{shape:?}"
    );
    let shape: Shape = round_trip(json!({"radius": 1.5}));
    assert!(
        matches!(&shape, Shape::Circle(c) if c.radius == Some(1.5)),
        "{shape:?}"
    );
}

#[test]
fn one_value_enums_in_a_one_of_are_one_enum() {
    let state: InstanceState = round_trip(json!("stopped"));
    assert_eq!(state, InstanceState::Stopped);
    let newer: InstanceState = round_trip(json!("migrating"));
    assert_eq!(newer, InstanceState::Unknown("migrating".into()));
}

#[test]
fn scalars_decode_as_the_narrowest_type() {
    assert_eq!(round_trip::<Scalar>(json!(3)), Scalar::Integer(3));
    assert_eq!(round_trip::<Scalar>(json!(3.5)), Scalar::Number(3.5));
    assert_eq!(round_trip::<Scalar>(json!("x")), Scalar::String("x".into()));
    assert_eq!(round_trip::<IdOrName>(json!(42)), IdOrName::Integer(42));
    assert_eq!(
        round_trip::<IdOrName>(json!("42")),
        IdOrName::String("42".into())
    );
}

#[test]
fn a_union_whose_branches_are_only_in_its_mapping_decodes_them() {
    let dog: PetByMapping = round_trip(json!({"pet_type": "dog", "barks": true}));
    assert!(matches!(
        dog,
        PetByMapping::Dog(Dog {
            barks: Some(true),
            ..
        })
    ));
    let cat: PetByMapping = round_trip(json!({"pet_type": "cat", "purrs": false}));
    assert!(matches!(cat, PetByMapping::Cat(_)));
    let other: PetByMapping = round_trip(json!({"pet_type": "fish"}));
    assert!(matches!(other, PetByMapping::Other(_)));
    // One schema under two tags, and no oneOf at all: that schema.
    let hound: PetObject = round_trip(json!({"pet_type": "hound"}));
    let _: Dog = hound;
}
