//! The store of turns: each turn's event log (for replay), its status and its synced output.
//! A record is also the sink its turn emits into, so what is streamed and what is stored cannot
//! disagree.

use std::collections::{HashMap, VecDeque};
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
    /// The store's queue of completed turns, which the record joins when its `render` is out.
    completed: CompletedTurns,
}

/// Completed turns, oldest first. Turns join it as they complete, so it is in completion order
/// by construction and retention only ever looks at its front.
type CompletedTurns = Arc<Mutex<VecDeque<(Instant, TurnId)>>>;

#[derive(Debug)]
struct RecordState {
    events: Vec<Arc<TurnEvent>>,
    status: TurnStatus,
    output: Option<TurnOutput>,
    completed_at: Option<Instant>,
}

impl TurnRecord {
    fn new(turn_id: TurnId, completed: CompletedTurns) -> Self {
        let state = RecordState { events: Vec::new(), status: TurnStatus::Running, output: None, completed_at: None };
        TurnRecord { turn_id, state: Mutex::new(state), event_count: watch::Sender::new(0), completed }
    }

    /// True once the turn completed at least `retention` before `now`.
    fn expired(&self, now: Instant, retention: Duration) -> bool {
        self.lock().completed_at.is_some_and(|at| now.saturating_duration_since(at) >= retention)
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

    /// How many events the log holds now; read from the log itself, so it never trails it.
    pub fn event_count(&self) -> usize {
        self.lock().events.len()
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
        let (count, completed_at) = {
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
            let completed_at = if event.is_last() { state.completed_at } else { None };
            state.events.push(Arc::new(event));
            (state.events.len(), completed_at)
        };
        self.event_count.send_replace(count);
        if let Some(at) = completed_at {
            lock(&self.completed).push_back((at, self.turn_id.clone()));
        }
    }
}

/// All turns this process knows, with retention by age and by count of completed turns so that
/// memory stays bounded.
#[derive(Debug)]
pub struct TurnStore {
    turns: Mutex<HashMap<TurnId, Arc<TurnRecord>>>,
    completed: CompletedTurns,
    retention: Duration,
    retention_max: usize,
}

/// At most this many turns are forgotten per sweep. Sweeps run at every turn start, so a
/// backlog drains within a few starts, and no start pays for freeing thousands of event logs.
const SWEEP_BATCH: usize = 32;

impl TurnStore {
    pub fn new(retention: Duration, retention_max: usize) -> Self {
        TurnStore { turns: Mutex::default(), completed: Arc::default(), retention, retention_max }
    }

    /// Creates the record of a new turn.
    pub fn insert(&self, turn_id: TurnId) -> Arc<TurnRecord> {
        let record = Arc::new(TurnRecord::new(turn_id.clone(), Arc::clone(&self.completed)));
        lock(&self.turns).insert(turn_id, Arc::clone(&record));
        record
    }

    /// The turn, unless it is unknown or its retention has passed.
    pub fn get(&self, turn_id: &TurnId) -> Option<Arc<TurnRecord>> {
        let record = lock(&self.turns).get(turn_id).cloned()?;
        (!record.expired(Instant::now(), self.retention)).then_some(record)
    }

    pub fn len(&self) -> usize {
        lock(&self.turns).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Forgets the oldest completed turns that are past the retention time or beyond the
    /// retention count, at most `SWEEP_BATCH` of them. Running turns are never dropped. Cheap
    /// when there is nothing to do: it only looks at the front of the completion queue.
    pub fn sweep(&self, now: Instant) {
        let mut forgotten = Vec::new();
        {
            let mut completed = lock(&self.completed);
            while forgotten.len() < SWEEP_BATCH {
                let Some((completed_at, _)) = completed.front() else { break };
                let too_old = now.saturating_duration_since(*completed_at) >= self.retention;
                if !too_old && completed.len() <= self.retention_max {
                    break;
                }
                if let Some((_, turn_id)) = completed.pop_front() {
                    forgotten.push(turn_id);
                }
            }
        }
        if forgotten.is_empty() {
            return;
        }
        // The records are dropped after the map's lock is released: freeing their event logs
        // must not hold up other turns looking up theirs.
        let _dropped: Vec<Arc<TurnRecord>> = {
            let mut turns = lock(&self.turns);
            forgotten.iter().filter_map(|turn_id| turns.remove(turn_id)).collect()
        };
    }
}

/// A poisoned lock is still safe to use here: every change under these locks is one push, one
/// pop or one assignment, so a panic cannot leave them half-changed.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use models::{RenderOutcome, RenderOutput, RenderReason, RenderStatus};

    fn complete(record: &TurnRecord) {
        let outcome = RenderOutcome {
            status: RenderStatus::Skipped,
            reason: Some(RenderReason::NoImageJob),
            message: None,
            render: RenderOutput::default(),
            economy: None,
            safety: None,
        };
        record.emit(TurnEvent::Render(Box::new(outcome)));
    }

    fn turn_id(n: u32) -> TurnId {
        TurnId::parse(&format!("t{n:020x}")).unwrap()
    }

    #[test]
    fn completed_turns_beyond_the_count_are_forgotten_oldest_first_and_running_ones_stay() {
        let store = TurnStore::new(Duration::from_secs(600), 2);
        let records: Vec<_> = (0..5).map(|n| store.insert(turn_id(n))).collect();
        for record in &records[..4] {
            complete(record);
        }
        store.sweep(Instant::now());
        assert_eq!(store.len(), 3, "two completed turns and the running one stay");
        assert!(store.get(&turn_id(0)).is_none() && store.get(&turn_id(1)).is_none());
        assert!(store.get(&turn_id(2)).is_some() && store.get(&turn_id(3)).is_some());
        assert_eq!(store.get(&turn_id(4)).map(|r| r.status()), Some(TurnStatus::Running));
    }

    #[test]
    fn completed_turns_past_the_retention_time_are_unreadable_then_forgotten() {
        let store = TurnStore::new(Duration::from_secs(60), 100);
        let done = store.insert(turn_id(1));
        let running = store.insert(turn_id(2));
        complete(&done);
        assert!(store.get(&turn_id(1)).is_some(), "readable right after completing");

        let later = Instant::now() + Duration::from_secs(61);
        assert!(done.expired(later, store.retention));
        store.sweep(later);
        assert_eq!(store.len(), 1, "only the running turn is left");
        assert!(Arc::ptr_eq(&store.get(&turn_id(2)).unwrap(), &running));
    }

    #[test]
    fn one_sweep_forgets_a_bounded_batch_and_the_next_ones_finish_the_backlog() {
        let store = TurnStore::new(Duration::from_secs(600), 1);
        for n in 0..(SWEEP_BATCH as u32 * 2 + 1) {
            complete(&store.insert(turn_id(n)));
        }
        store.sweep(Instant::now());
        assert_eq!(store.len(), SWEEP_BATCH + 1);
        store.sweep(Instant::now());
        assert_eq!(store.len(), 1);
    }
}
