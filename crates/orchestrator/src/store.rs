//! The store of turns: each turn's event log (for replay), its status and its synced output.
//! A record is also the sink its turn emits into, so what is streamed and what is stored cannot
//! disagree.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use models::{TurnEvent, TurnId, TurnOutput};
use tokio::sync::watch;

use crate::sink::TurnEventSink;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TurnStatus {
    /// The stages are running; no `final` yet.
    Running,
    /// `final` is out; the image work has not ended.
    Rendering,
    /// `render` is out; the output is synced and final.
    Complete,
}

impl TurnStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TurnStatus::Running => "running",
            TurnStatus::Rendering => "rendering",
            TurnStatus::Complete => "complete",
        }
    }
}

/// One turn: its events in order, its status and its output.
#[derive(Debug)]
pub struct TurnRecord {
    turn_id: TurnId,
    state: Mutex<RecordState>,
    /// Counts the events so far; followers wait on it instead of polling.
    event_count: watch::Sender<usize>,
}

#[derive(Debug)]
struct RecordState {
    events: Vec<Arc<TurnEvent>>,
    status: TurnStatus,
    output: Option<TurnOutput>,
    completed_at: Option<Instant>,
}

impl TurnRecord {
    fn new(turn_id: TurnId) -> Self {
        let state = RecordState { events: Vec::new(), status: TurnStatus::Running, output: None, completed_at: None };
        TurnRecord { turn_id, state: Mutex::new(state), event_count: watch::Sender::new(0) }
    }

    pub fn turn_id(&self) -> &TurnId {
        &self.turn_id
    }

    pub fn status(&self) -> TurnStatus {
        self.lock().status
    }

    /// The output as of now: `final`'s until the image work ends, then the synced one.
    pub fn output(&self) -> Option<TurnOutput> {
        self.lock().output.clone()
    }

    /// The events after the first `seen` ones (event ids count from 1, so `seen` is the id of
    /// the last event a client has).
    pub fn events_after(&self, seen: usize) -> Vec<Arc<TurnEvent>> {
        self.lock().events.get(seen..).map(<[_]>::to_vec).unwrap_or_default()
    }

    pub fn event_count(&self) -> usize {
        *self.event_count.borrow()
    }

    /// Wakes when the turn has more than `seen` events, or at once if it already has.
    pub async fn wait_for_more_than(&self, seen: usize) {
        let mut receiver = self.event_count.subscribe();
        // The sender lives as long as the record, so this only ends by the condition holding.
        let _ = receiver.wait_for(|&count| count > seen).await;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, RecordState> {
        // A panic while holding this lock cannot leave the log half-written (each change is one
        // push or one assignment), so a poisoned lock is still safe to use.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl TurnEventSink for TurnRecord {
    fn emit(&self, event: TurnEvent) {
        let count = {
            let mut state = self.lock();
            match &event {
                TurnEvent::Final { data } => {
                    state.output = Some((**data).clone());
                    state.status = TurnStatus::Rendering;
                }
                TurnEvent::Render(outcome) => {
                    if let Some(output) = state.output.as_mut() {
                        output.apply_render_outcome(outcome);
                    }
                    state.status = TurnStatus::Complete;
                    state.completed_at = Some(Instant::now());
                }
                _ => {}
            }
            state.events.push(Arc::new(event));
            state.events.len()
        };
        self.event_count.send_replace(count);
    }
}

/// All turns this process knows, with retention by age and by count of completed turns so that
/// memory stays bounded.
#[derive(Debug)]
pub struct TurnStore {
    turns: Mutex<HashMap<TurnId, Arc<TurnRecord>>>,
    retention: Duration,
    retention_max: usize,
}

impl TurnStore {
    pub fn new(retention: Duration, retention_max: usize) -> Self {
        TurnStore { turns: Mutex::new(HashMap::new()), retention, retention_max }
    }

    /// Creates the record of a new turn.
    pub fn insert(&self, turn_id: TurnId) -> Arc<TurnRecord> {
        let record = Arc::new(TurnRecord::new(turn_id.clone()));
        self.lock().insert(turn_id, Arc::clone(&record));
        record
    }

    pub fn get(&self, turn_id: &TurnId) -> Option<Arc<TurnRecord>> {
        self.lock().get(turn_id).cloned()
    }

    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets completed turns older than the retention time, then the oldest completed ones
    /// beyond the retention count. Running turns are never dropped.
    pub fn sweep(&self, now: Instant) {
        let mut turns = self.lock();
        let mut completed: Vec<(Instant, TurnId)> =
            turns.iter().filter_map(|(id, record)| record.lock().completed_at.map(|at| (at, id.clone()))).collect();
        completed.sort_unstable();
        let over_count = completed.len().saturating_sub(self.retention_max);
        for (index, (completed_at, id)) in completed.into_iter().enumerate() {
            if index < over_count || now.saturating_duration_since(completed_at) >= self.retention {
                turns.remove(&id);
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<TurnId, Arc<TurnRecord>>> {
        self.turns.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
