//! The mock game master: a narrative in the turn's language streamed word by word, then a
//! TurnOutput that satisfies every rule of the contract.

use std::time::Duration;

use futures::StreamExt;
use futures::stream::{self, BoxStream};
use models::{
    ActionCard, ActionDeck, AgentConsole, AspectRatio, BoundedText, BoundedVec, Box2D, CurrencyAmount, EconomyOutput,
    ImageJob, ImageSize, ModelLabel, RenderOutput, RiskLevel, SafetyOutput, SceneObject, TurnInput, TurnOutput,
    UiOutput, ValidationBadge,
};

use super::scenes::{CARDS, CLOSINGS, EVENTS, ITEMS, Item, OBJECTS, OPENINGS, SCENE_PROMPTS};
use super::world::{answer_line, world_delta};
use super::{SeededRng, valid_id};
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
    let opening = text(rng.pick(OPENINGS));
    // A click or a drop is answered by name, so the player sees the story respond to it.
    let event = text(rng.pick(EVENTS));
    let event = answer_line(input).unwrap_or(event);
    let narrative = [opening, event, text(rng.pick(CLOSINGS))].join(" ");

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

    let (image_job, painted) = image_job(request, &mut rng);
    TurnOutput {
        language,
        narrative,
        economy: EconomyOutput::settle(input.economy_snapshot, cost, gains, false),
        safety: SafetyOutput { blocked: false, message: None },
        ui: UiOutput {
            action_deck: ActionDeck { cards: BoundedVec::new(cards).expect("three cards fit") },
            objects: BoundedVec::new(vec![object]).expect("one object fits"),
        },
        world: world_delta(input, painted),
        render: RenderOutput { image_job, ..RenderOutput::default() },
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
/// An item sprite comes with the item it paints, which the turn adds to the inventory.
fn image_job(request: &GameMasterRequest, rng: &mut SeededRng) -> (Option<ImageJob>, Option<&'static Item>) {
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
        MockImage::None => (None, None),
        MockImage::Skip => (Some(ImageJob { should_generate: false, ..scene }), None),
        MockImage::Item => {
            let item = rng.pick(ITEMS);
            let job = ImageJob {
                prompt: item.3.to_owned(),
                aspect_ratio: AspectRatio::Square,
                reference_image_url: None,
                remove_background: true,
                image_type_hint: BoundedText::new("item").ok(),
                ..scene
            };
            (Some(job), Some(item))
        }
        MockImage::Auto | MockImage::Scene | MockImage::Fail | MockImage::Timeout | MockImage::Safety => {
            (Some(scene), None)
        }
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

#[cfg(test)]
mod tests {
    use super::mock_output;
    use crate::game_master::GameMasterRequest;
    use crate::options::MockImage;

    fn request(language: &str, extra: &str, mock_image: MockImage) -> GameMasterRequest {
        let body = format!(
            r#"{{"language":"{language}","text":"","client":{{"viewport_w":800,"viewport_h":600}},
                "economy_snapshot":{{"signal":100,"memory_shard":5}}{extra}}}"#
        );
        let input = models::parse_turn_input(body.as_bytes()).expect("a valid input");
        GameMasterRequest { input, seed: 3, mock_image, repair: None }
    }

    #[test]
    fn an_item_sprite_turn_adds_the_item_it_paints() {
        for seed in 0..12 {
            let mut request = request("en-US", "", MockImage::Item);
            request.seed = seed;
            let output = mock_output(&request);
            let job = output.render.image_job.expect("an item job");
            assert_eq!(job.image_type_hint.as_deref(), Some("item"));
            assert!(job.remove_background);
            let added = &output.world.inventory_added;
            assert_eq!(added.len(), 1, "exactly the painted item is added");
            let (id, label, _, prompt) =
                super::ITEMS.iter().find(|item| item.0 == added[0].id.as_str()).expect("a known item");
            assert_eq!(job.prompt, *prompt, "the sprite paints the item that is added ({id})");
            assert_eq!(added[0].label, label.1);
            assert_eq!(added[0].quantity, 1);
            assert!(!added[0].description.is_empty());
        }
        for mode in [MockImage::Scene, MockImage::None, MockImage::Skip] {
            let output = mock_output(&request("en-US", "", mode));
            assert!(output.world.inventory_added.is_empty(), "{mode:?} adds nothing");
        }
    }

    #[test]
    fn a_click_is_answered_by_name_and_reveals_a_rule() {
        let click = r#","click":{"object_id":"obj_altar","box_2d":{"ymin":10,"xmin":10,"ymax":20,"xmax":20}}"#;
        let output = mock_output(&request("en-US", click, MockImage::None));
        assert!(output.narrative.contains("You examine the Cracked altar."), "{}", output.narrative);
        assert_eq!(output.world.quests_updated[0].progress, 40);
        assert!(!output.world.quests_updated[0].is_completed);
        assert_eq!(output.world.rules_changed[0].id.as_str(), "rule_offering");
        assert!(output.world.memory_pins.is_empty());

        let korean = mock_output(&request("ko-KR", click, MockImage::None));
        assert!(korean.narrative.contains("금 간 제단"), "{}", korean.narrative);

        let unknown = r#","click":{"object_id":"obj_elsewhere"}"#;
        let output = mock_output(&request("en-US", unknown, MockImage::None));
        assert!(!output.narrative.contains("examine"), "an unknown object is not named");
        assert!(output.world.rules_changed.is_empty());
    }

    #[test]
    fn a_drop_uses_the_item_completes_the_quest_and_is_remembered() {
        let drop = r#","drop":{"item_id":"item_brass_key","target_object_id":"obj_chest",
            "target_box_2d":{"ymin":100,"xmin":100,"ymax":400,"xmax":350}}"#;
        let output = mock_output(&request("en-US", drop, MockImage::Auto));
        assert!(output.narrative.contains("You use the Brass key on the Locked chest."), "{}", output.narrative);
        let quest = &output.world.quests_updated[0];
        assert_eq!((quest.progress, quest.is_completed), (100, true));
        assert_eq!(output.world.memory_pins[0].id.as_str(), "pin_item_brass_key");
        assert!(output.world.memory_pins[0].content.contains("Locked chest"));
        assert_eq!(output.render.image_job.unwrap().image_type_hint.as_deref(), Some("item"), "auto paints an item");

        let long_id = "x".repeat(64);
        let drop = format!(
            r#","drop":{{"item_id":"{long_id}","target_object_id":"obj_x","target_box_2d":{{"ymin":1,"xmin":1,"ymax":2,"xmax":2}}}}"#
        );
        let output = mock_output(&request("en-US", &drop, MockImage::None));
        assert!(output.world.memory_pins[0].id.as_str().len() <= 64, "a long item id still makes a valid pin id");
        assert!(output.narrative.contains(&format!("You use the {long_id} on the obj_x.")));
    }

    #[test]
    fn a_turn_of_words_changes_no_world() {
        let output = mock_output(&request("en-US", "", MockImage::Scene));
        let world = &output.world;
        assert!(world.quests_updated.is_empty() && world.rules_changed.is_empty() && world.memory_pins.is_empty());
    }
}
