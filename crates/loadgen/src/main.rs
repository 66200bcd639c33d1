//! `uw-loadgen`: drives the turn server through `POST /api/turn` with closed-loop clients or
//! held-open streams, checks every stream's event order, and reports latency percentiles,
//! throughput, errors and the server's CPU and memory.

mod http;
mod options;
mod server_usage;
mod stats;
mod turn;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use options::{Mode, Options};
use server_usage::UsageSampler;
use stats::Samples;
use turn::{OrderCheck, TurnError, TurnTiming, run_turn};

/// Everything measured, merged from all clients.
#[derive(Default)]
struct Totals {
    turns: u64,
    first_byte: Samples,
    first_narrative: Samples,
    final_event: Samples,
    render: Samples,
    overhead: Samples,
    narrative_gap: Samples,
    errors: BTreeMap<String, u64>,
    render_statuses: BTreeMap<String, u64>,
    open_streams: u64,
    max_open_streams: u64,
}

impl Totals {
    fn record(&mut self, timing: TurnTiming, token_delay: Duration) {
        self.turns += 1;
        let push = |samples: &mut Samples, value: Option<Duration>| value.map(|v| samples.push(v));
        push(&mut self.first_byte, timing.first_byte);
        push(&mut self.first_narrative, timing.first_narrative);
        push(&mut self.final_event, timing.final_event);
        push(&mut self.render, timing.render);
        if let Some(final_event) = timing.final_event {
            let paced = token_delay * timing.narrative_events.saturating_sub(1);
            self.overhead.push(final_event.saturating_sub(paced));
        }
        for gap in timing.narrative_gaps {
            self.narrative_gap.push(gap);
        }
        if let Some(status) = timing.render_status {
            *self.render_statuses.entry(status).or_default() += 1;
        }
    }

    fn error(&mut self, kind: String) {
        *self.errors.entry(kind).or_default() += 1;
    }
}

fn main() -> anyhow::Result<()> {
    let options = Options::from_command_line()?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let report = runtime.block_on(run(options))?;
    println!("{report}");
    Ok(())
}

async fn run(options: Options) -> anyhow::Result<String> {
    let options = Arc::new(options);
    let totals = Arc::new(Mutex::new(Totals::default()));
    let sampler = options.server_pid.map(UsageSampler::start);
    let started = Instant::now();
    let deadline = options.duration.map(|d| started + d);

    let background: Vec<_> = (0..options.background_images)
        .map(|_| {
            let options = Arc::clone(&options);
            tokio::spawn(async move { background_images(options, deadline).await })
        })
        .collect();
    let clients: Vec<_> = (0..options.concurrency)
        .map(|client| {
            let (options, totals) = (Arc::clone(&options), Arc::clone(&totals));
            tokio::spawn(async move { client_loop(client, options, totals, deadline).await })
        })
        .collect();
    for client in clients {
        client.await?;
    }
    let elapsed = started.elapsed();
    for task in background {
        task.abort();
    }
    let usage = match sampler {
        Some(sampler) => Some(sampler.stop().await),
        None => None,
    };
    let totals = totals.lock().unwrap();
    let violations = std::mem::take(&mut *VIOLATIONS.lock().unwrap());
    let json = serde_json::json!({
        "mode": options.mode.as_str(),
        "concurrency": options.concurrency,
        "turns": totals.turns,
        "elapsed_s": elapsed.as_secs_f64(),
        "turns_per_s": totals.turns as f64 / elapsed.as_secs_f64(),
        "max_open_streams": totals.max_open_streams,
        "errors": totals.errors,
        "order_violations": violations,
        "render_statuses": totals.render_statuses,
        "first_byte_ms": totals.first_byte.to_json(),
        "first_narrative_ms": totals.first_narrative.to_json(),
        "final_ms": totals.final_event.to_json(),
        "render_ms": totals.render.to_json(),
        "overhead_ms": totals.overhead.to_json(),
        "narrative_gap_ms": totals.narrative_gap.to_json(),
        "server": usage.map(|u| u.to_json()),
    });
    Ok(if options.json { json.to_string() } else { serde_json::to_string_pretty(&json)? })
}

/// How long a client waits after a failed connection or turn before it tries again.
const RETRY_PAUSE: Duration = Duration::from_millis(50);

/// Order violations of all streams, by kind.
static VIOLATIONS: Mutex<BTreeMap<&'static str, u64>> = Mutex::new(BTreeMap::new());

/// One client: turns one after another (closed loop), or exactly one held-open turn.
async fn client_loop(client: usize, options: Arc<Options>, totals: Arc<Mutex<Totals>>, deadline: Option<Instant>) {
    let body = options.body(client);
    let path = options.path(&options.mock_image, client);
    let mut connection = None;
    let mut done = 0u64;
    // Spreading the starts keeps a large hold run from overflowing the server's accept queue.
    if let Some(ramp) = options.ramp {
        tokio::time::sleep(ramp.mul_f64(client as f64 / options.concurrency as f64)).await;
    }
    loop {
        let out_of_time = deadline.is_some_and(|deadline| Instant::now() >= deadline);
        let out_of_turns = options.turns_per_client.is_some_and(|limit| done >= limit);
        if out_of_time || out_of_turns {
            break;
        }
        if connection.as_ref().is_none_or(|c: &http::Connection| !c.is_reusable()) {
            match http::Connection::connect(&options.address).await {
                Ok(fresh) => connection = Some(fresh),
                Err(_) => {
                    totals.lock().unwrap().error(TurnError::Connect.kind());
                    tokio::time::sleep(RETRY_PAUSE).await;
                    continue;
                }
            }
        }
        {
            let mut totals = totals.lock().unwrap();
            totals.open_streams += 1;
            totals.max_open_streams = totals.max_open_streams.max(totals.open_streams);
        }
        let mut order = OrderCheck::default();
        let result =
            run_turn(connection.as_mut().expect("connected above"), &options.host, &path, &body, &mut order).await;
        {
            let mut totals = totals.lock().unwrap();
            totals.open_streams -= 1;
            match result {
                Ok(timing) => totals.record(timing, options.token_delay),
                Err(error) => {
                    totals.error(error.kind());
                    connection = None;
                }
            }
        }
        {
            let mut violations = VIOLATIONS.lock().unwrap();
            for (kind, count) in order.violations {
                *violations.entry(kind).or_default() += count;
            }
        }
        done += 1;
        if options.mode == Mode::Hold {
            break;
        }
        if connection.is_none() {
            // A server that refuses every turn must not be answered with a tight loop.
            tokio::time::sleep(RETRY_PAUSE).await;
        }
    }
}

/// Keeps images being painted in the background (isolation runs); their timings are not counted.
async fn background_images(options: Arc<Options>, deadline: Option<Instant>) {
    let body = options.body(0);
    let path = options.path("scene", 0);
    while deadline.is_none_or(|deadline| Instant::now() < deadline) {
        if let Ok(mut connection) = http::Connection::connect(&options.address).await {
            while connection.is_reusable() {
                let mut order = OrderCheck::default();
                if run_turn(&mut connection, &options.host, &path, &body, &mut order).await.is_err() {
                    break;
                }
            }
        }
        // Reached only when connecting or a turn failed: pause rather than spin at the server.
        tokio::time::sleep(RETRY_PAUSE).await;
    }
}
