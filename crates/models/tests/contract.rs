//! Contract tests: fixtures round-trip, refusals name their field, properties of outputs and the
//! economy, the published schemas, and the crate's freedom from IO dependencies.

mod contract {
    mod dependencies;
    mod economy;
    mod examples;
    mod properties;
    mod refusals;
    mod schema;
    mod wire_names;
}
