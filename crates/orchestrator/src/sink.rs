//! The typed sink a turn emits its domain events into.

use models::TurnEvent;

/// Receives the events of one turn, in order. Emitting never blocks and never fails: a turn runs
/// to its end whether or not anyone listens.
pub trait TurnEventSink: Send + Sync + 'static {
    fn emit(&self, event: TurnEvent);
}
