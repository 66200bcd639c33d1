//! The mock game master's pacing clock, precise to well under a millisecond. tokio's timer has
//! 1 ms ticks and rounds every deadline up, and the OS poll under it rounds up again, so a delta
//! paced with it lands up to 2 ms late; that lateness would count as server overhead in every
//! latency figure taken with the mock. One thread waits on a condition variable (which the OS
//! times in nanoseconds) for the earliest deadline and wakes whoever is due by then.

use std::collections::{BTreeSet, HashMap};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Condvar, Mutex, MutexGuard, OnceLock};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

/// How long a deadline may wait for later ones to come due with it. Waking a batch at once costs
/// the woken runtime one wake-up instead of one per sleeper; a lone deadline is woken on time.
const BATCH_WINDOW: Duration = Duration::from_micros(500);

/// Resolves at `deadline`, never before it, and at most `BATCH_WINDOW` after it on an idle machine.
pub(crate) fn sleep_until(deadline: Instant) -> PreciseSleep {
    PreciseSleep { deadline, id: None }
}

/// The future of `sleep_until`; dropping it forgets its deadline.
pub(crate) struct PreciseSleep {
    deadline: Instant,
    /// Set once registered with the clock.
    id: Option<u64>,
}

impl Future for PreciseSleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, context: &mut Context<'_>) -> Poll<()> {
        if Instant::now() >= self.deadline {
            if let Some(id) = self.id.take() {
                clock().forget(self.deadline, id);
            }
            return Poll::Ready(());
        }
        let id = clock().register(self.id, self.deadline, context.waker());
        self.id = Some(id);
        Poll::Pending
    }
}

impl Drop for PreciseSleep {
    fn drop(&mut self) {
        if let Some(id) = self.id {
            clock().forget(self.deadline, id);
        }
    }
}

fn clock() -> &'static Clock {
    static CLOCK: OnceLock<&'static Clock> = OnceLock::new();
    CLOCK.get_or_init(|| {
        let clock: &'static Clock = Box::leak(Box::default());
        let spawned = std::thread::Builder::new().name("uw-mock-clock".to_owned()).spawn(move || clock.run());
        if let Err(error) = spawned {
            // Without its thread the clock would never wake anyone; stopping loudly beats
            // turns that hang.
            panic!("the mock pacing clock cannot start: {error}");
        }
        clock
    })
}

#[derive(Default)]
struct Clock {
    state: Mutex<ClockState>,
    /// Signalled when a deadline earlier than every known one arrives.
    earlier: Condvar,
}

#[derive(Default)]
struct ClockState {
    /// Deadlines of the waiting sleeps, earliest first.
    due: BTreeSet<(Instant, u64)>,
    wakers: HashMap<u64, Waker>,
    next_id: u64,
}

impl Clock {
    fn lock(&self) -> MutexGuard<'_, ClockState> {
        // Every change under this lock is one insert or removal, so a poisoned lock is usable.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn register(&self, id: Option<u64>, deadline: Instant, waker: &Waker) -> u64 {
        let mut state = self.lock();
        if let Some(id) = id
            && let Some(known) = state.wakers.get_mut(&id)
        {
            known.clone_from(waker);
            return id;
        }
        let id = state.next_id;
        state.next_id += 1;
        let earliest = state.due.first().is_none_or(|(at, _)| deadline < *at);
        state.due.insert((deadline, id));
        state.wakers.insert(id, waker.clone());
        drop(state);
        if earliest {
            self.earlier.notify_one();
        }
        id
    }

    fn forget(&self, deadline: Instant, id: u64) {
        let mut state = self.lock();
        state.due.remove(&(deadline, id));
        state.wakers.remove(&id);
    }

    fn run(&self) {
        let mut state = self.lock();
        loop {
            let now = Instant::now();
            let mut woken = Vec::new();
            while let Some(&(at, id)) = state.due.first() {
                if at > now {
                    break;
                }
                state.due.pop_first();
                woken.extend(state.wakers.remove(&id));
            }
            if !woken.is_empty() {
                // Wake outside the lock: a wake may reach into another runtime.
                drop(state);
                woken.into_iter().for_each(Waker::wake);
                state = self.lock();
                continue;
            }
            state = match state.due.first().copied() {
                Some((earliest, _)) => {
                    // Wait for the last deadline within the window after the earliest one, so
                    // they all wake together.
                    let last_in_window = state
                        .due
                        .range(..=(earliest + BATCH_WINDOW, u64::MAX))
                        .next_back()
                        .map_or(earliest, |(at, _)| *at);
                    let wait = last_in_window.saturating_duration_since(now);
                    self.earlier.wait_timeout(state, wait).unwrap_or_else(|poisoned| poisoned.into_inner()).0
                }
                None => self.earlier.wait(state).unwrap_or_else(|poisoned| poisoned.into_inner()),
            };
        }
    }
}

#[cfg(test)]
mod tests {

    use super::*;

    #[tokio::test]
    async fn sleeps_end_in_deadline_order_and_never_early() {
        let start = Instant::now();
        let (done, mut finished) = tokio::sync::mpsc::unbounded_channel();
        for offset_us in [3000u64, 1000, 2000] {
            let done = done.clone();
            tokio::spawn(async move {
                let deadline = start + Duration::from_micros(offset_us);
                sleep_until(deadline).await;
                done.send((offset_us, Instant::now() >= deadline)).unwrap();
            });
        }
        let mut order = Vec::new();
        for _ in 0..3 {
            order.push(finished.recv().await.unwrap());
        }
        assert_eq!(order, [(1000, true), (2000, true), (3000, true)]);
    }

    #[tokio::test]
    async fn a_dropped_sleep_does_not_stop_later_ones() {
        let abandoned = sleep_until(Instant::now() + Duration::from_millis(1));
        let pinned = Box::pin(abandoned);
        futures::FutureExt::now_or_never(pinned);
        let deadline = Instant::now() + Duration::from_millis(3);
        sleep_until(deadline).await;
        assert!(Instant::now() >= deadline);
    }
}
