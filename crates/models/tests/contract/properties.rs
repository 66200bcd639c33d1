//! Any valid TurnOutput serialises and parses back equal.

use models::{
    ActionCard, ActionDeck, AgentConsole, AgentPhase, AspectRatio, BoundedText, BoundedVec, Box2D, CurrencyAmount,
    EconomyOutput, Id, ImageId, ImageJob, ImageSize, ImageUrl, InventoryItemData, Language, MemoryPin, ModelLabel,
    Quest, RenderOutput, RiskLevel, SafetyOutput, SceneObject, TurnOutput, UiOutput, ValidationBadge, WorldDelta,
    WorldRule, parse_turn_output,
};
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;

fn id() -> impl Strategy<Value = Id> {
    "[A-Za-z0-9_.:-]{1,64}".prop_map(|text| Id::try_from(text).unwrap())
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![".{0,40}", "[가-힣 ]{0,20}", Just(String::new()), Just("quote \" slash \\ newline \n".to_owned())]
}

fn amount() -> impl Strategy<Value = CurrencyAmount> {
    (0..=1_000_000_000u32, 0..=1_000_000_000u32)
        .prop_map(|(signal, memory_shard)| CurrencyAmount { signal, memory_shard })
}

fn box_2d() -> impl Strategy<Value = Box2D> {
    (0..1000u16, 0..1000u16, 1..=1000u16, 1..=1000u16).prop_map(|(y, x, h, w)| {
        let (ymax, xmax) = ((y + h).min(1000).max(y + 1), (x + w).min(1000).max(x + 1));
        Box2D::new(y, x, ymax, xmax).unwrap()
    })
}

fn bounded<T: std::fmt::Debug, const N: usize>(
    item: impl Strategy<Value = T>,
) -> impl Strategy<Value = BoundedVec<T, N>> {
    vec(item, 0..=N).prop_map(|items| BoundedVec::new(items).unwrap())
}

fn image_id() -> impl Strategy<Value = ImageId> {
    "[0-9a-f]{24}".prop_map(|hex| ImageId::from_digest_hex(&hex).unwrap())
}

fn image_job() -> impl Strategy<Value = ImageJob> {
    (
        any::<bool>(),
        text(),
        select(vec![ModelLabel::Fast, ModelLabel::Quality]),
        select(AspectRatio::ALL.to_vec()),
        select(vec![ImageSize::OneK, ImageSize::TwoK, ImageSize::FourK]),
        bounded::<ImageId, 2>(image_id()),
        option::of((image_id(), select(vec!["png", "jpg", "webp"]))),
        any::<bool>(),
        option::of("[a-z]{0,32}"),
    )
        .prop_map(
            |(should_generate, prompt, model_label, aspect_ratio, image_size, ids, url, remove_background, hint)| {
                ImageJob {
                    should_generate,
                    prompt,
                    model_label,
                    aspect_ratio,
                    image_size,
                    reference_image_ids: ids,
                    reference_image_url: url.map(|(id, ext)| ImageUrl::for_image(&id, ext).unwrap()),
                    remove_background,
                    image_type_hint: hint.map(|h| BoundedText::new(h).unwrap()),
                }
            },
        )
}

fn render() -> impl Strategy<Value = RenderOutput> {
    (option::of(image_job()), option::of(image_id()), option::of(any::<u64>()), any::<bool>()).prop_map(
        |(image_job, id, generation_time_ms, background_removed)| RenderOutput {
            image_job,
            image_url: id.as_ref().map(|id| ImageUrl::for_image(id, "png").unwrap()),
            image_id: id,
            generation_time_ms,
            background_removed,
        },
    )
}

fn card() -> impl Strategy<Value = ActionCard> {
    (
        id(),
        text(),
        amount(),
        select(vec![RiskLevel::Low, RiskLevel::Medium, RiskLevel::High]),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(id, label, cost, risk, enabled, is_alternative)| ActionCard {
            id,
            label,
            cost,
            risk,
            enabled,
            is_alternative,
        })
}

fn world() -> impl Strategy<Value = WorldDelta> {
    let rule =
        (id(), text(), option::of(text())).prop_map(|(id, label, description)| WorldRule { id, label, description });
    let item = (id(), text(), text(), option::of(text()), 1..=u32::MAX).prop_map(
        |(id, label, description, icon_url, quantity)| InventoryItemData { id, label, description, icon_url, quantity },
    );
    let quest = (id(), text(), any::<bool>(), option::of(text()), any::<bool>(), 0..=100u32, any::<u32>()).prop_map(
        |(id, label, is_completed, description, is_main, progress, reward_signal)| Quest {
            id,
            label,
            is_completed,
            description,
            is_main,
            progress,
            reward_signal,
        },
    );
    let pin = (id(), text(), amount()).prop_map(|(id, content, cost)| MemoryPin { id, content, cost });
    (
        bounded::<_, 3>(rule),
        bounded::<_, 5>(item),
        bounded::<_, 5>(id()),
        bounded::<_, 3>(quest),
        bounded::<_, 3>(text()),
        bounded::<_, 2>(pin),
    )
        .prop_map(
            |(
                rules_changed,
                inventory_added,
                inventory_removed,
                quests_updated,
                relationships_changed,
                memory_pins,
            )| {
                WorldDelta {
                    rules_changed,
                    inventory_added,
                    inventory_removed,
                    quests_updated,
                    relationships_changed,
                    memory_pins,
                }
            },
        )
}

fn turn_output() -> impl Strategy<Value = TurnOutput> {
    let object = (id(), text(), box_2d(), option::of(text()))
        .prop_map(|(id, label, box_2d, interaction_hint)| SceneObject { id, label, box_2d, interaction_hint });
    let badges = vec(
        select(vec![
            ValidationBadge::SchemaOk,
            ValidationBadge::EconomyFail,
            ValidationBadge::SafetyBlocked,
            ValidationBadge::ConsistencyOk,
        ]),
        0..=4,
    );
    (
        select(vec![Language::Korean, Language::English]),
        text(),
        (amount(), amount(), amount(), any::<u64>(), any::<bool>()),
        (any::<bool>(), option::of(text())),
        (bounded::<_, 5>(card()), bounded::<_, 5>(object)),
        world(),
        render(),
        (select(AgentPhase::ALL.to_vec()), badges, any::<u32>(), select(vec![ModelLabel::Fast, ModelLabel::Quality])),
    )
        .prop_map(|(language, narrative, economy, safety, ui, world, render, console)| TurnOutput {
            language,
            narrative,
            economy: EconomyOutput {
                cost: economy.0,
                gains: economy.1,
                balance_after: economy.2,
                credit: economy.3,
                low_balance_warning: economy.4,
            },
            safety: SafetyOutput { blocked: safety.0, message: safety.1 },
            ui: UiOutput { action_deck: ActionDeck { cards: ui.0 }, objects: ui.1 },
            world,
            render,
            agent_console: AgentConsole {
                current_phase: console.0,
                badges: BoundedVec::new(console.1).unwrap(),
                repair_count: console.2,
                model_label: console.3,
            },
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn any_valid_turn_output_round_trips(output in turn_output()) {
        let written = serde_json::to_vec(&output).unwrap();
        let parsed = parse_turn_output(&written).unwrap();
        prop_assert_eq!(parsed, output);
    }
}
