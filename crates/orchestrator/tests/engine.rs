//! Integration tests of the turn engine: event sequences with fakes, the image pipeline, the
//! decision table, isolation of narrative streams from image work, and log hygiene.

mod engine {
    pub mod harness;
    mod lifecycle;
    mod logs;
    mod pipeline;
    #[path = "../support/png_header.rs"]
    pub mod png_header;
    mod sequences;
}
