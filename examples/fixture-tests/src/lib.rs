//! One module per fixture, each the SDK sdkgen generates for it (see build.rs), and the
//! helper the tests share.

/// Decodes `value` as `T`, and checks that encoding gives back the same JSON.
pub fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(
    value: serde_json::Value,
) -> T {
    let decoded: T = serde_json::from_value(value.clone()).expect("decodes");
    assert_eq!(
        serde_json::to_value(&decoded).unwrap(),
        value,
        "re-encodes unchanged"
    );
    decoded
}

pub mod unions {
    include!(concat!(env!("OUT_DIR"), "/unions.rs"));
}

pub mod all_of {
    include!(concat!(env!("OUT_DIR"), "/all_of.rs"));
}

pub mod additional_properties {
    include!(concat!(env!("OUT_DIR"), "/additional_properties.rs"));
}

pub mod bodies {
    include!(concat!(env!("OUT_DIR"), "/bodies.rs"));
}

pub mod servers {
    include!(concat!(env!("OUT_DIR"), "/servers.rs"));
}

pub mod security {
    include!(concat!(env!("OUT_DIR"), "/security.rs"));
}

pub mod responses {
    include!(concat!(env!("OUT_DIR"), "/responses.rs"));
}

pub mod scalars_and_directions {
    include!(concat!(env!("OUT_DIR"), "/scalars_and_directions.rs"));
}

pub mod parameter_styles {
    include!(concat!(env!("OUT_DIR"), "/parameter_styles.rs"));
}

/// `tests/fixtures/tags.yaml` generated with `Config::tags(["Pets"])`.
pub mod tags_pets {
    include!(concat!(env!("OUT_DIR"), "/tags_pets.rs"));
}

pub mod calls {
    include!(concat!(env!("OUT_DIR"), "/calls.rs"));
}

pub mod streams {
    include!(concat!(env!("OUT_DIR"), "/streams.rs"));
}

pub mod paging {
    include!(concat!(env!("OUT_DIR"), "/paging.rs"));
}

/// Fixtures generated with every conditional extra derive (`Eq`, `Hash`, `PartialOrd`, `Ord`,
/// `Default`, `Copy`) and two the models have already (see build.rs).
pub mod derived {
    pub mod unions {
        include!(concat!(env!("OUT_DIR"), "/derived_unions.rs"));
    }
    pub mod all_of {
        include!(concat!(env!("OUT_DIR"), "/derived_all_of.rs"));
    }
    pub mod additional_properties {
        include!(concat!(
            env!("OUT_DIR"),
            "/derived_additional_properties.rs"
        ));
    }
    pub mod ref_cycles {
        include!(concat!(env!("OUT_DIR"), "/derived_ref_cycles.rs"));
    }
    pub mod scalars_and_directions {
        include!(concat!(
            env!("OUT_DIR"),
            "/derived_scalars_and_directions.rs"
        ));
    }
}

/// `tests/fixtures/tags.yaml` through the README's `Config` example, every option on.
pub mod readme_config {
    include!(concat!(env!("OUT_DIR"), "/readme_config.rs"));
}

pub mod oauth {
    include!(concat!(env!("OUT_DIR"), "/oauth.rs"));
}
