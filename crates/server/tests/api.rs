//! Integration tests of the turn server over real HTTP: event streams and their order, resume,
//! every error of docs/protocol.md (and the document itself), files, metrics, and shutdown.

mod api {
    mod binary;
    mod docs;
    mod errors;
    mod files;
    pub mod helpers;
    mod hostile;
    mod lifecycle;
    mod real_mode;
    mod resume;
    mod streams;
}
