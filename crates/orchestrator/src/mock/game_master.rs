//! The mock game master: a narrative in the turn's language streamed word by word, then a
//! TurnOutput that satisfies every rule of the contract.

use std::time::Duration;

use futures::StreamExt;
use futures::stream::{self, BoxStream};
use models::{
    ActionCard, ActionDeck, AgentConsole, AspectRatio, BoundedText, BoundedVec, Box2D, CurrencyAmount, EconomyOutput,
    Id, ImageJob, ImageSize, ModelLabel, RenderOutput, RiskLevel, SafetyOutput, SceneObject, TurnInput, TurnOutput,
    UiOutput, ValidationBadge, WorldDelta,
};

use super::SeededRng;
use super::scenes::{CARDS, CLOSINGS, EVENTS, ITEM_PROMPTS, OBJECTS, OPENINGS, SCENE_PROMPTS};
use crate::game_master::{GameMaster, GameMasterError, GameMasterEvent, GameMasterRequest};
use crate::narrative_deltas::word_deltas;
use crate::options::MockImage;

/// Writes deterministic turns; `token_delay` is the pause between narrative deltas.
#[derive(Debug, Clone)]
pub struct MockGameMaster {
    token_delay: Duration,
}

impl MockGameMaster {
    pub fn new(token_delay: Duration) -> Self {
        MockGameMaster { token_delay }
    }
}

impl GameMaster for MockGameMaster {
    fn answer(&self, request: GameMasterRequest) -> BoxStream<'static, Result<GameMasterEvent, GameMasterError>> {
        let output = mock_output(&request);
        let finished = serde_json::to_string(&output).map_err(|error| GameMasterError::Provider(error.to_string()));
        let deltas: Vec<String> = word_deltas(&output.narrative);
        let delay = self.token_delay;
        let narrative = async_stream::stream! {
            // Deltas are paced against one clock started with the first delta, so pauses do not
            // add up their rounding, and by the precise clock rather than tokio's millisecond
            // timer, so the mock's own lateness never reads as server overhead.
            let first = std::time::Instant::now();
            for (index, delta) in deltas.into_iter().enumerate() {
                // The first delta goes out at once: text first, no waiting.
                if index > 0 && !delay.is_zero() {
                    super::clock::sleep_until(first + delay.saturating_mul(index as u32)).await;
                }
                yield Ok(GameMasterEvent::NarrativeDelta(delta));
            }
        };
        narrative.chain(stream::once(async move { finished.map(GameMasterEvent::Finished) })).boxed()
    }

    fn describe(&self) -> String {
        "mock".to_owned()
    }
}

fn mock_output(request: &GameMasterRequest) -> TurnOutput {
    let input = &request.input;
    let language = input.language;
    let mut rng = SeededRng::from_text(&action_text(input), request.seed);
    let text = |line: &(&str, &str)| language.pick(line.0, line.1).to_owned();
    let narrative = [text(rng.pick(OPENINGS)), text(rng.pick(EVENTS)), text(rng.pick(CLOSINGS))].join(" ");

    let cost = CurrencyAmount { signal: 1 + rng.below(5) as u32, memory_shard: 0 };
    let gains = CurrencyAmount { signal: 0, memory_shard: u32::from(rng.below(4) == 0) };
    let first_card = rng.below(CARDS.len() as u64) as usize;
    let cards = (0..3)
        .map(|offset| {
            let (id, label, signal) = CARDS[(first_card + offset) % CARDS.len()];
            ActionCard {
                id: valid_id(id),
                label: text(&label),
                cost: CurrencyAmount { signal, memory_shard: 0 },
                risk: if signal >= 3 { RiskLevel::Medium } else { RiskLevel::Low },
                enabled: true,
                is_alternative: offset == 2,
            }
        })
        .collect();
    let (object_id, object_label) = *rng.pick(OBJECTS);
    let top = 100 + rng.below(400) as u16;
    let left = 100 + rng.below(400) as u16;
    let object = SceneObject {
        id: valid_id(object_id),
        label: text(&object_label),
        box_2d: Box2D::new(top, left, top + 300, left + 250).expect("the box stays inside 0..=1000"),
        interaction_hint: Some(language.pick("클릭해서 조사하기", "Click to inspect").to_owned()),
    };

    TurnOutput {
        language,
        narrative,
        economy: EconomyOutput::settle(input.economy_snapshot, cost, gains, false),
        safety: SafetyOutput { blocked: false, message: None },
        ui: UiOutput {
            action_deck: ActionDeck { cards: BoundedVec::new(cards).expect("three cards fit") },
            objects: BoundedVec::new(vec![object]).expect("one object fits"),
        },
        world: WorldDelta::default(),
        render: RenderOutput { image_job: image_job(request, &mut rng), ..RenderOutput::default() },
        agent_console: AgentConsole {
            current_phase: models::AgentPhase::Commit,
            badges: BoundedVec::new(vec![
                ValidationBadge::SchemaOk,
                ValidationBadge::EconomyOk,
                ValidationBadge::SafetyOk,
                ValidationBadge::ConsistencyOk,
            ])
            .expect("four badges fit"),
            repair_count: 0,
            model_label: ModelLabel::Fast,
        },
    }
}

/// The image job the `mock_image` option asks for; `auto` picks from the seed and the input.
fn image_job(request: &GameMasterRequest, rng: &mut SeededRng) -> Option<ImageJob> {
    let mode = match request.mock_image {
        MockImage::Auto if request.input.drop.is_some() => MockImage::Item,
        MockImage::Auto if rng.below(4) == 0 => MockImage::None,
        MockImage::Auto => MockImage::Scene,
        other => other,
    };
    let scene = ImageJob {
        should_generate: true,
        prompt: (*rng.pick(SCENE_PROMPTS)).to_owned(),
        model_label: ModelLabel::Quality,
        aspect_ratio: AspectRatio::Wide16x9,
        image_size: ImageSize::OneK,
        reference_image_ids: BoundedVec::default(),
        reference_image_url: request.input.previous_image_url.clone(),
        remove_background: false,
        image_type_hint: BoundedText::new("scene").ok(),
    };
    match mode {
        MockImage::None => None,
        MockImage::Skip => Some(ImageJob { should_generate: false, ..scene }),
        MockImage::Item => Some(ImageJob {
            prompt: (*rng.pick(ITEM_PROMPTS)).to_owned(),
            aspect_ratio: AspectRatio::Square,
            reference_image_url: None,
            remove_background: true,
            image_type_hint: BoundedText::new("item").ok(),
            ..scene
        }),
        MockImage::Auto | MockImage::Scene | MockImage::Fail | MockImage::Timeout | MockImage::Safety => Some(scene),
    }
}

/// The text the player's action is known by, to vary the story with it.
fn action_text(input: &TurnInput) -> String {
    let mut text = input.text.to_string();
    if let Some(action) = &input.action_id {
        text.push_str(action);
    }
    if let Some(click) = &input.click {
        text.push_str(&click.object_id);
    }
    if let Some(drop) = &input.drop {
        text.push_str(&drop.item_id);
    }
    text
}

fn valid_id(id: &str) -> Id {
    Id::try_from(id).expect("mock ids are valid")
}
