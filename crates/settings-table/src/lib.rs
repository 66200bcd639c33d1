//! The turn server's settings in one place: the table of every environment variable with its
//! default and meaning (`table.rs`), and the one reader that trims, applies those defaults and
//! names the variable in every error (`reader.rs`). The server and the real providers both read
//! through it, so a variable is added, defaulted and reported the same way everywhere.

mod reader;
mod table;

pub use reader::{SettingsError, Variables};
pub use table::{VARIABLES, Variable, default_of, variable};
