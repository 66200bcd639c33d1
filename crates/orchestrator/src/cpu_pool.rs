//! The image CPU pool: a few threads at the lowest scheduling priority that paint, decode, encode
//! and cut out images, so image work never competes on equal terms with the async workers that
//! carry narrative deltas.

use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;

type Job = Box<dyn FnOnce() + Send + 'static>;

/// Jobs that may wait for a thread; past it a job is refused instead of queued behind work that
/// no deadline could still cover.
const MAX_QUEUED_JOBS: usize = 64;

/// The pool could not run the job: its queue is full, or it ended (only while the process exits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the image worker pool is full or gone")]
pub struct CpuPoolGone;

/// Runs `job` on the image CPU pool and waits for its result without holding an async worker.
///
/// The pool is shared by the whole process and starts on first use with one thread per core:
/// images are CPU-bound, so more threads would only queue on the same cores.
pub async fn run_image_work<T, F>(job: F) -> Result<T, CpuPoolGone>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    // The wait happens on a blocking-pool thread rather than through an async channel so that
    // tokio knows work is under way: with paused time (the tests), the clock must not jump to
    // the image deadline while a picture is still being painted.
    let caller_waits = Arc::new(());
    let still_wanted = Arc::downgrade(&caller_waits);
    let result = tokio::task::spawn_blocking(move || {
        let (answer, result) = sync_channel(1);
        let wrapped: Job = Box::new(move || {
            // A caller that gave up (its deadline passed) before the job started wants nothing:
            // skipping it keeps abandoned work from delaying the images still awaited.
            if still_wanted.strong_count() > 0 {
                let _ = answer.send(job());
            }
        });
        shared_pool().submit(wrapped)?;
        result.recv().map_err(|_| CpuPoolGone)
    })
    .await
    .unwrap_or(Err(CpuPoolGone));
    drop(caller_waits);
    result
}

fn shared_pool() -> &'static CpuPool {
    static POOL: OnceLock<CpuPool> = OnceLock::new();
    POOL.get_or_init(|| {
        let threads = thread::available_parallelism().map(|count| count.get()).unwrap_or(1);
        CpuPool::start(threads)
    })
}

/// A fixed set of low-priority threads fed by one queue.
struct CpuPool {
    // A std channel is enough: submitting never blocks (a full queue refuses), and the workers
    // block on the queue, which is what threads outside the async runtime are for.
    jobs: SyncSender<Job>,
}

impl CpuPool {
    fn start(threads: usize) -> Self {
        let (jobs, queue) = sync_channel::<Job>(MAX_QUEUED_JOBS);
        let queue = Arc::new(Mutex::new(queue));
        for index in 0..threads.max(1) {
            let queue = Arc::clone(&queue);
            let spawned = thread::Builder::new().name(format!("uw-image-{index}")).spawn(move || work(&queue));
            if let Err(error) = spawned {
                tracing::error!(error = %error, "an image worker thread could not start");
            }
        }
        CpuPool { jobs }
    }

    fn submit(&self, job: Job) -> Result<(), CpuPoolGone> {
        self.jobs.try_send(job).map_err(|error| {
            if matches!(error, TrySendError::Full(_)) {
                tracing::warn!(queued = MAX_QUEUED_JOBS, "the image worker queue is full; an image fails");
            }
            CpuPoolGone
        })
    }
}

fn work(queue: &Mutex<Receiver<Job>>) {
    lower_own_priority();
    loop {
        let next = {
            let queue = queue.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            queue.recv()
        };
        match next {
            // A panicking job must not take the worker with it; its waiter sees the pool as gone
            // for that one job and fails the image cleanly.
            Ok(job) => {
                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
            }
            Err(_) => return,
        }
    }
}

/// Nice 19 on Linux: on a busy core the scheduler then gives the async workers nearly all of
/// the time they ask for, and the image threads the rest. Failing to lower it only costs latency.
fn lower_own_priority() {
    if let Err(error) = thread_priority::set_current_thread_priority(thread_priority::ThreadPriority::Min) {
        tracing::warn!(error = ?error, "an image worker could not lower its priority");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn jobs_run_off_the_runtime_and_return_their_results() {
        let caller = thread::current().id();
        let (worker, sum) = run_image_work(move || (thread::current().id(), (1..=10u32).sum::<u32>())).await.unwrap();
        assert_ne!(worker, caller);
        assert_eq!(sum, 55);
    }

    #[tokio::test]
    async fn a_panicking_job_fails_alone_and_the_pool_keeps_working() {
        let failed = run_image_work(|| -> u32 { panic!("a painter bug") }).await;
        assert_eq!(failed, Err(CpuPoolGone));
        assert_eq!(run_image_work(|| 7u32).await, Ok(7));
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn workers_run_at_the_lowest_priority() {
        // Field 19 of a thread's stat line is its nice value; the name field before it may hold
        // spaces, so count from the closing parenthesis.
        let stat = run_image_work(|| std::fs::read_to_string("/proc/thread-self/stat")).await.unwrap().unwrap();
        let after_name = &stat[stat.rfind(')').unwrap() + 2..];
        let nice: i32 = after_name.split(' ').nth(16).unwrap().parse().unwrap();
        assert_eq!(nice, 19);
    }
}
