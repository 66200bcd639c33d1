//! The deferred render task (docs/render.md §2–3): generate under the deadline, check and store the
//! bytes off the async workers, sync the result, and send the one `render` event — after `final`,
//! with a refund and a localized message when anything fails.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use futures::FutureExt;
use models::{
    EconomyOutput, ImageJob, ImageUrl, Language, ModelLabel, RenderOutcome, RenderOutput, RenderReason, RenderStatus,
    SafetyOutput, TurnEvent, TurnId, TurnOutput,
};

use crate::engine_state::EngineInner;
use crate::image_generator::{ImageError, ImageRequest, ReferenceImage};
use crate::image_store::{StoreError, StoredImage, check_and_store, read_stored};
use crate::messages;
use crate::redact::prompt_hash;
use crate::turn_context::{RenderHandoff, TurnContext};

/// Everything the image work needs, copied out of the turn so the task owns it.
pub(crate) struct RenderJob {
    turn_id: TurnId,
    language: Language,
    job: ImageJob,
    request: ImageRequest,
    /// The Signal charged for the image in `final`, refunded if the image fails.
    charge: u32,
    economy: EconomyOutput,
    snapshot: models::CurrencyAmount,
    /// The scene the player has now, usable as a reference when it is one of ours.
    previous_image: Option<ImageUrl>,
}

impl RenderJob {
    pub(crate) fn new(turn: &TurnContext, job: ImageJob, charge: u32, output: &TurnOutput) -> Self {
        let request = ImageRequest {
            prompt: job.prompt.trim().to_owned(),
            aspect_ratio: job.aspect_ratio,
            image_size: job.image_size,
            model_label: job.model_label,
            seed: turn.seed,
            reference: None,
            remove_background: job.remove_background,
            image_type_hint: job.image_type_hint.as_ref().map(|hint| hint.to_string()),
            mock_image: turn.options.mock_image,
        };
        RenderJob {
            turn_id: turn.turn_id.clone(),
            language: turn.input.language,
            previous_image: job.reference_image_url.clone().or_else(|| turn.input.previous_image_url.clone()),
            job,
            request,
            charge,
            economy: output.economy,
            snapshot: turn.input.economy_snapshot,
        }
    }
}

/// Spawns the image work on the engine's tracker. It sends `render` only once the turn has sent
/// `final` (the gate), and gives back the turn's in-flight place after that.
pub(crate) fn spawn(turn: &TurnContext, job: RenderJob, handoff: &mut RenderHandoff) {
    let engine = Arc::clone(&turn.engine);
    let sink = turn.sink();
    let final_gate = handoff.final_gate.take();
    let in_flight = handoff.in_flight.take();
    turn.hand_render_to_task();
    let span = tracing::Span::current();
    engine.tracker.clone().spawn(async move {
        // A panic anywhere in the image work still ends the turn with one failed, refunded
        // `render`, so the stream, the record and the metrics never wait for an image that died.
        let made = AssertUnwindSafe(make_image(&engine, &job)).catch_unwind();
        let mut outcome = tokio::select! {
            made = made => made.unwrap_or_else(|_| {
                tracing::error!(turn_id = %job.turn_id, "the image work panicked; the image fails");
                failure(&job, RenderReason::ProviderError, None)
            }),
            () = engine.cancel.cancelled() => failure(&job, RenderReason::Unavailable, None),
        };
        // A stage that failed after this task was spawned made `final` the safe fallback, which
        // charged nothing: the turn's own charge is neither refunded nor written back.
        if let Some(gate) = final_gate
            && gate.await.unwrap_or(false)
        {
            outcome.economy = None;
        }
        span.in_scope(|| log_outcome(&job.turn_id, &job.job, &outcome));
        engine.metrics.record_outcome(outcome.status, outcome.reason, outcome.render.generation_time_ms);
        sink.emit(TurnEvent::Render(Box::new(outcome)));
        drop(in_flight);
    });
}

async fn make_image(engine: &EngineInner, job: &RenderJob) -> RenderOutcome {
    let Some(generator) = engine.images.clone() else {
        return failure(job, RenderReason::Unavailable, None);
    };
    // Waiting for a permit is not generation time: the clock starts at the generator call.
    let Ok(_permit) = engine.image_permits.acquire().await else {
        return failure(job, RenderReason::Unavailable, None);
    };
    let _busy = ImagesInFlight::enter(engine);
    let data_dir = engine.config.data_dir.clone();
    let mut request = job.request.clone();
    request.reference = read_reference(&data_dir, job.previous_image.as_ref()).await;

    let started = Instant::now();
    let elapsed_ms = |started: Instant| Some(started.elapsed().as_millis() as u64);
    // One deadline covers the provider and the CPU work after it (decode, cut-out, store).
    let deadline = tokio::time::Instant::now() + engine.config.image_timeout;
    let generated = match tokio::time::timeout_at(deadline, generator.generate(request)).await {
        Err(_) => return failure(job, RenderReason::Timeout, elapsed_ms(started)),
        Ok(Err(error)) => return failure(job, reason_for(&error), elapsed_ms(started)),
        Ok(Ok(generated)) => generated,
    };
    let remove_background = job.job.remove_background;
    let work = crate::cpu_pool::run_image_work(move || check_and_store(&generated.bytes, remove_background, &data_dir));
    let stored = match tokio::time::timeout_at(deadline, work).await {
        Err(_) => return failure(job, RenderReason::Timeout, elapsed_ms(started)),
        Ok(stored) => stored.unwrap_or_else(|error| Err(StoreError::Storage(std::io::Error::other(error)))),
    };
    match stored {
        Ok(stored) => success(job, stored, started.elapsed()),
        Err(StoreError::InvalidImage(_)) => failure(job, RenderReason::InvalidImage, elapsed_ms(started)),
        Err(StoreError::Storage(error)) => {
            tracing::error!(turn_id = %job.turn_id, error = %error, "an image could not be stored");
            failure(job, RenderReason::StorageError, elapsed_ms(started))
        }
    }
}

fn reason_for(error: &ImageError) -> RenderReason {
    match error {
        ImageError::RateLimited => RenderReason::RateLimited,
        ImageError::SafetyBlocked => RenderReason::SafetyBlocked,
        ImageError::NoImage => RenderReason::NoImage,
        ImageError::InvalidImage(_) => RenderReason::InvalidImage,
        ImageError::Provider(_) => RenderReason::ProviderError,
        ImageError::Unavailable => RenderReason::Unavailable,
    }
}

/// Reads the previous scene from our own folder; a missing or unreadable file means no
/// reference, never a failed turn.
async fn read_reference(data_dir: &std::path::Path, url: Option<&ImageUrl>) -> Option<ReferenceImage> {
    let url = url?;
    let (dir, stored) = (data_dir.to_path_buf(), url.clone());
    let bytes = tokio::task::spawn_blocking(move || read_stored(&dir, &stored)).await.ok()?.ok()?;
    let mime_type = match url.file_name().rsplit_once('.')?.1 {
        "png" => "image/png",
        "jpg" => "image/jpeg",
        _ => "image/webp",
    };
    Some(ReferenceImage { bytes: bytes.into(), mime_type })
}

fn success(job: &RenderJob, stored: StoredImage, took: Duration) -> RenderOutcome {
    RenderOutcome {
        status: RenderStatus::Completed,
        reason: None,
        message: None,
        render: RenderOutput {
            image_job: Some(ImageJob { should_generate: false, ..job.job.clone() }),
            image_url: Some(stored.image_url),
            image_id: Some(stored.image_id),
            generation_time_ms: Some(took.as_millis() as u64),
            background_removed: stored.background_removed,
        },
        economy: None,
        safety: None,
    }
}

/// A failed image: no URL, the time spent, the charge refunded, a message for the player.
fn failure(job: &RenderJob, reason: RenderReason, generation_time_ms: Option<u64>) -> RenderOutcome {
    let blocked = reason == RenderReason::SafetyBlocked;
    let message = if blocked { messages::safety_blocked(job.language) } else { messages::image_failed(job.language) };
    RenderOutcome {
        status: RenderStatus::Failed,
        reason: Some(reason),
        message: Some(message.clone()),
        render: RenderOutput {
            image_job: Some(ImageJob { should_generate: false, ..job.job.clone() }),
            image_url: None,
            image_id: None,
            generation_time_ms,
            background_removed: false,
        },
        economy: (job.charge > 0).then(|| job.economy.refund_signal(job.snapshot, job.charge)),
        safety: blocked.then_some(SafetyOutput { blocked: true, message: Some(message) }),
    }
}

/// Counts an image being made for the metrics, for as long as it lives.
struct ImagesInFlight<'a>(&'a EngineInner);

impl<'a> ImagesInFlight<'a> {
    fn enter(engine: &'a EngineInner) -> Self {
        engine.metrics.images_in_flight.fetch_add(1, Ordering::Relaxed);
        ImagesInFlight(engine)
    }
}

impl Drop for ImagesInFlight<'_> {
    fn drop(&mut self) {
        self.0.metrics.images_in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

fn log_outcome(turn_id: &TurnId, job: &ImageJob, outcome: &RenderOutcome) {
    tracing::info!(
        turn_id = %turn_id,
        prompt_hash = %prompt_hash(&job.prompt),
        status = outcome.status.as_str(),
        reason = outcome.reason.map(RenderReason::as_str),
        image_id = outcome.render.image_id.as_ref().map(|id| id.as_str()),
        model_label = model_label_str(job.model_label),
        generation_time_ms = outcome.render.generation_time_ms,
        "image outcome"
    );
}

/// Logs and counts an image the render stage skipped.
pub(crate) fn log_skip(turn: &TurnContext, job: Option<&ImageJob>, reason: RenderReason) {
    tracing::info!(
        turn_id = %turn.turn_id,
        prompt_hash = job.map(|job| prompt_hash(&job.prompt)),
        status = RenderStatus::Skipped.as_str(),
        reason = reason.as_str(),
        "image outcome"
    );
    turn.engine.metrics.record_outcome(RenderStatus::Skipped, Some(reason), None);
}

fn model_label_str(label: ModelLabel) -> &'static str {
    match label {
        ModelLabel::Fast => "FAST",
        ModelLabel::Quality => "QUALITY",
    }
}
