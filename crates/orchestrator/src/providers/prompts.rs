//! The game master's prompts. The wording lives in `prompts/*.md` (built into the binary, so it
//! is self-contained); this file only fills their `{{placeholders}}`.

use models::{Language, TurnInput};
use serde_json::Value;

use crate::game_master::GameMasterRequest;

const SYSTEM: &str = include_str!("../../prompts/game_master_system.md");
const TURN: &str = include_str!("../../prompts/game_master_turn.md");
const REPAIR: &str = include_str!("../../prompts/repair.md");
const IMAGE_GUIDANCE: &str = include_str!("../../prompts/image_guidance.md");

/// The two texts of a request: the standing instructions and this turn's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GameMasterPrompt {
    pub system: String,
    pub user: String,
}

/// The models' TurnOutput schema without the `$schema` marker, which the structured output
/// endpoints do not need.
pub fn schema_for_models() -> Value {
    let mut schema = models::turn_output_schema_for_models();
    if let Some(object) = schema.as_object_mut() {
        object.remove("$schema");
    }
    schema
}

/// Builds the prompt of one answer; a repair appends what was wrong with the last one.
pub fn game_master_prompt(request: &GameMasterRequest) -> GameMasterPrompt {
    let input = &request.input;
    let language = language_code(input.language);
    let system = fill(
        SYSTEM,
        &[
            ("language", language),
            ("language_name", input.language.pick("Korean", "English")),
            ("image_guidance", IMAGE_GUIDANCE.trim()),
        ],
    );
    let scene = input.scene_context.as_deref().map(str::trim).filter(|scene| !scene.is_empty());
    let mut user = fill(
        TURN,
        &[
            ("language", language),
            ("player_action", &player_action(input)),
            ("signal", &input.economy_snapshot.signal.to_string()),
            ("memory_shard", &input.economy_snapshot.memory_shard.to_string()),
            ("scene_context", scene.unwrap_or("(nothing yet: this is where the story begins)")),
        ],
    );
    if let Some(repair) = &request.repair {
        user.push_str(&fill(REPAIR, &[("attempt", &repair.attempt.to_string()), ("problem", &repair.problem)]));
    }
    GameMasterPrompt { system, user }
}

fn language_code(language: Language) -> &'static str {
    language.pick("ko-KR", "en-US")
}

/// What the player did, one line per kind of action.
fn player_action(input: &TurnInput) -> String {
    let mut lines = Vec::new();
    if !input.text.trim().is_empty() {
        lines.push(format!("- wrote: \"{}\"", input.text.trim()));
    }
    if let Some(action) = &input.action_id {
        lines.push(format!("- chose the action card `{}`", &**action));
    }
    if let Some(click) = &input.click {
        lines.push(format!("- clicked the scene object `{}`", &*click.object_id));
    }
    if let Some(drop) = &input.drop {
        lines.push(format!("- dropped the item `{}` onto `{}`", &*drop.item_id, &*drop.target_object_id));
    }
    if lines.is_empty() {
        lines.push("- nothing yet: open the story".to_owned());
    }
    lines.join("\n")
}

/// Replaces each `{{name}}` with its value in one pass, so a value that itself contains
/// `{{...}}` (the player's text, say) is left as it is. Unknown names stay visible.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}") {
            Some(end) => {
                let name = after[..end].trim();
                match values.iter().find(|(key, _)| *key == name) {
                    Some((_, value)) => out.push_str(value),
                    None => out.push_str(&rest[start..start + 2 + end + 2]),
                }
                rest = &after[end + 2..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game_master::RepairFeedback;
    use crate::options::MockImage;

    fn request(text: &str, repair: Option<RepairFeedback>) -> GameMasterRequest {
        let body = serde_json::json!({
            "language": "ko-KR",
            "text": text,
            "client": {"viewport_w": 800, "viewport_h": 600},
            "economy_snapshot": {"signal": 42, "memory_shard": 3},
            "click": {"object_id": "door_1"}
        });
        let input = models::parse_turn_input(body.to_string().as_bytes()).unwrap();
        GameMasterRequest { input, seed: 1, mock_image: MockImage::Auto, repair }
    }

    #[test]
    fn every_placeholder_is_filled() {
        let prompt = game_master_prompt(&request("look {{around}}", None));
        assert!(!prompt.system.contains("{{"), "{}", prompt.system);
        assert!(prompt.system.contains("Korean") && prompt.system.contains("ko-KR"));
        assert!(prompt.system.contains("aspect_ratio"), "the image guidance is in the system prompt");
        assert!(prompt.user.contains("look {{around}}"), "the player's braces are kept as written");
        assert!(prompt.user.contains("`door_1`") && prompt.user.contains("42 Signal"));
        assert!(!prompt.user.contains("refused"));
    }

    #[test]
    fn a_repair_says_what_was_wrong() {
        let repair = RepairFeedback { attempt: 2, problem: "economy.cost.signal: expected an integer".into() };
        let prompt = game_master_prompt(&request("", Some(repair)));
        assert!(prompt.user.contains("attempt 2") && prompt.user.contains("economy.cost.signal: expected an integer"));
    }

    #[test]
    fn fill_leaves_unknown_and_unclosed_placeholders() {
        assert_eq!(fill("a {{x}} {{y}} {{z", &[("x", "1")]), "a 1 {{y}} {{z");
    }
}
