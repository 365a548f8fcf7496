//! The Tasks SDK, generated at build time from `spec/tasks.yaml` by sdkgen.

include!(concat!(env!("OUT_DIR"), "/tasks.rs"));
