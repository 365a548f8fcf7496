//! The nexus and GitHub (repos, issues, pulls) SDKs, generated twice by build.rs.

macro_rules! sdk {
    ($name:ident, $file:literal) => {
        #[allow(clippy::all, dead_code)]
        pub mod $name {
            include!(concat!(env!("OUT_DIR"), "/", $file));
        }
    };
}

sdk!(nexus_keep, "nexus_keep.rs");
sdk!(nexus_drop, "nexus_drop.rs");
sdk!(github_keep, "github_keep.rs");
sdk!(github_drop, "github_drop.rs");
