//! What a mock turn changes in the world, so every panel of the client has something to show:
//! the item it paints joins the inventory, examining an object reveals a rule and advances the
//! quest, and using an item on an object completes the quest and is remembered.

use models::{BoundedVec, CurrencyAmount, InventoryItemData, MemoryPin, Quest, TurnInput, WorldDelta, WorldRule};

use super::scenes::{ITEMS, Item, Line, OBJECTS, QUEST, RULES};
use super::valid_id;

/// The world delta of a turn; `painted` is the item whose sprite the turn's image job paints.
pub(crate) fn world_delta(input: &TurnInput, painted: Option<&Item>) -> WorldDelta {
    let language = input.language;
    let text = |line: &Line| language.pick(line.0, line.1).to_owned();
    let mut world = WorldDelta::default();
    if let Some((id, label, description, _)) = painted {
        let item = InventoryItemData {
            id: valid_id(id),
            label: text(label),
            description: text(description),
            icon_url: None,
            quantity: 1,
        };
        world.inventory_added = BoundedVec::new(vec![item]).expect("one item fits");
    }
    let quest = |progress: u32| Quest {
        id: valid_id(QUEST.0),
        label: text(&QUEST.1),
        is_completed: progress == 100,
        description: Some(text(&QUEST.2)),
        is_main: true,
        progress,
        reward_signal: 0,
    };
    if let Some(click) = &input.click {
        world.quests_updated = BoundedVec::new(vec![quest(40)]).expect("one quest fits");
        if let Some((_, rule_id, rule)) = RULES.iter().find(|(object, _, _)| *object == click.object_id.as_str()) {
            let rule = WorldRule { id: valid_id(rule_id), label: text(rule), description: None };
            world.rules_changed = BoundedVec::new(vec![rule]).expect("one rule fits");
        }
    }
    if let Some(drop) = &input.drop {
        world.quests_updated = BoundedVec::new(vec![quest(100)]).expect("one quest fits");
        let item_id = drop.item_id.as_str();
        let pin = MemoryPin {
            id: valid_id(&format!("pin_{}", &item_id[..item_id.len().min(60)])),
            content: answer_line(input).unwrap_or_default(),
            cost: CurrencyAmount { signal: 0, memory_shard: 0 },
        };
        world.memory_pins = BoundedVec::new(vec![pin]).expect("one pin fits");
    }
    world
}

/// The sentence that answers a click or a drop by naming what the player touched; `None` for a
/// turn of words alone, or a click on an object this world does not know.
pub(crate) fn answer_line(input: &TurnInput) -> Option<String> {
    let language = input.language;
    let object_label = |id: &str| OBJECTS.iter().find(|(object, _)| *object == id).map(|(_, label)| *label);
    if let Some(drop) = &input.drop {
        let item = ITEMS.iter().find(|(id, ..)| *id == drop.item_id.as_str()).map(|(_, label, ..)| *label);
        let item = item.map_or(drop.item_id.as_str(), |label| language.pick(label.0, label.1));
        let target = object_label(&drop.target_object_id);
        let target = target.map_or(drop.target_object_id.as_str(), |label| language.pick(label.0, label.1));
        return Some(
            language
                .pick(&format!("{target}에 {item}을(를) 사용합니다."), &format!("You use the {item} on the {target}."))
                .to_owned(),
        );
    }
    let click = input.click.as_ref()?;
    let (korean, english) = object_label(&click.object_id)?;
    Some(
        language.pick(&format!("{korean}을(를) 자세히 살펴봅니다."), &format!("You examine the {english}.")).to_owned(),
    )
}
