//! The turn contract.
