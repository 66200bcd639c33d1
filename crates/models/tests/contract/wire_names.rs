//! Every `as_str` (used for metrics labels, logs and provider requests) is the serde name the
//! wire uses, and every `ALL` list (which the metrics iterate) holds every variant once.

use models::{AgentPhase, AspectRatio, ImageSize, RenderReason, RenderStatus};
use serde::Serialize;

fn check<T: Serialize + Copy + std::fmt::Debug>(values: &[T], as_str: impl Fn(T) -> &'static str) {
    for value in values {
        let wire = serde_json::to_value(value).unwrap();
        assert_eq!(wire.as_str(), Some(as_str(*value)), "{value:?}: as_str and the serde name differ");
    }
    let mut names: Vec<&str> = values.iter().map(|value| as_str(*value)).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), values.len(), "a name appears twice: {names:?}");
}

/// The position of a reason in `RenderReason::ALL`; written as a full match, so a new reason
/// does not compile until it has its place (and so its metrics label).
fn reason_slot(reason: RenderReason) -> usize {
    match reason {
        RenderReason::NoImageJob => 0,
        RenderReason::ShouldGenerateFalse => 1,
        RenderReason::EmptyPrompt => 2,
        RenderReason::InvalidPrompt => 3,
        RenderReason::InsufficientBalance => 4,
        RenderReason::Timeout => 5,
        RenderReason::RateLimited => 6,
        RenderReason::SafetyBlocked => 7,
        RenderReason::NoImage => 8,
        RenderReason::InvalidImage => 9,
        RenderReason::ProviderError => 10,
        RenderReason::StorageError => 11,
        RenderReason::Unavailable => 12,
    }
}

#[test]
fn render_reasons_have_their_serde_names_and_all_lists_every_reason() {
    check(&RenderReason::ALL, RenderReason::as_str);
    for (slot, reason) in RenderReason::ALL.iter().enumerate() {
        assert_eq!(reason_slot(*reason), slot, "{reason:?} is out of place in RenderReason::ALL");
    }
}

#[test]
fn render_statuses_have_their_serde_names() {
    let every = [RenderStatus::Completed, RenderStatus::Skipped, RenderStatus::Failed];
    let _every_status_is_listed = |status: RenderStatus| match status {
        RenderStatus::Completed | RenderStatus::Skipped | RenderStatus::Failed => (),
    };
    check(&every, RenderStatus::as_str);
}

#[test]
fn phases_ratios_and_sizes_have_their_serde_names() {
    check(&AgentPhase::ALL, AgentPhase::as_str);
    check(&AspectRatio::ALL, AspectRatio::as_str);
    check(&[ImageSize::OneK, ImageSize::TwoK, ImageSize::FourK], ImageSize::as_str);
}
