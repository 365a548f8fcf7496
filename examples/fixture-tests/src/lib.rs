//! One module per fixture, each the SDK sdkgen generates for it (see build.rs).

pub mod unions {
    include!(concat!(env!("OUT_DIR"), "/unions.rs"));
}

pub mod all_of {
    include!(concat!(env!("OUT_DIR"), "/all_of.rs"));
}

pub mod additional_properties {
    include!(concat!(env!("OUT_DIR"), "/additional_properties.rs"));
}
