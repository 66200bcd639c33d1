//! A table of bad documents, each with the exact field path its refusal must name.

use models::{ContractError, ImageSize, parse_turn_input, parse_turn_output};
use serde_json::{Value, json};

use super::examples::fixture;

enum Document {
    Input,
    Output,
}

/// Applies `change` to a valid example and expects a refusal naming `field`.
fn check(document: Document, change: impl FnOnce(&mut Value), field: Option<&str>) {
    let name = match document {
        Document::Input => "turn_input.en-US.json",
        Document::Output => "turn_output.en-US.json",
    };
    let mut value: Value = serde_json::from_str(&fixture(name)).unwrap();
    change(&mut value);
    let body = value.to_string();
    let result = match document {
        Document::Input => parse_turn_input(body.as_bytes()).map(|_| ()),
        Document::Output => parse_turn_output(body.as_bytes()).map(|_| ()),
    };
    match result {
        Err(ContractError::Invalid { field: actual, message }) => {
            assert_eq!(actual.as_deref(), field, "wrong path for {body} ({message})");
            assert!(!message.contains(" at line "), "no parser positions in messages: {message}");
        }
        other => panic!("expected a refusal at {field:?} for {body}, got {other:?}"),
    }
}

fn set(pointer: &'static str, to: Value) -> impl FnOnce(&mut Value) {
    move |document| *document.pointer_mut(pointer).unwrap_or_else(|| panic!("{pointer} exists")) = to
}

fn insert(pointer: &'static str, key: &'static str, to: Value) -> impl FnOnce(&mut Value) {
    move |document| {
        document.pointer_mut(pointer).unwrap().as_object_mut().unwrap().insert(key.to_owned(), to);
    }
}

#[test]
fn unknown_keys_are_refused_at_every_depth() {
    check(Document::Input, insert("", "cheat", json!(true)), Some("cheat"));
    check(Document::Input, insert("/client", "dpi", json!(2)), Some("client.dpi"));
    check(Document::Input, insert("/click/box_2d", "zmin", json!(0)), Some("click.box_2d.zmin"));
    check(
        Document::Output,
        insert("/ui/action_deck/cards/1", "price", json!(1)),
        Some("ui.action_deck.cards[1].price"),
    );
    check(Document::Output, insert("/render/image_job", "style", json!("noir")), Some("render.image_job.style"));
}

#[test]
fn types_are_strict() {
    check(Document::Input, set("/economy_snapshot/signal", json!("5")), Some("economy_snapshot.signal"));
    check(Document::Input, set("/economy_snapshot/signal", json!(5.5)), Some("economy_snapshot.signal"));
    check(Document::Input, set("/text", json!(12)), Some("text"));
    check(Document::Input, set("/client/viewport_w", json!(null)), Some("client.viewport_w"));
    check(Document::Output, set("/safety/blocked", json!("false")), Some("safety.blocked"));
    check(Document::Input, |d| drop(d.as_object_mut().unwrap().remove("client")), Some("client"));
    check(
        Document::Input,
        |d| drop(d["economy_snapshot"].as_object_mut().unwrap().remove("signal")),
        Some("economy_snapshot.signal"),
    );
}

#[test]
fn numbers_out_of_range_are_refused() {
    check(Document::Input, set("/economy_snapshot/signal", json!(-1)), Some("economy_snapshot.signal"));
    check(
        Document::Input,
        set("/economy_snapshot/memory_shard", json!(1_000_000_001)),
        Some("economy_snapshot.memory_shard"),
    );
    check(Document::Input, set("/client/viewport_h", json!(0)), Some("client.viewport_h"));
    check(Document::Input, set("/client/viewport_w", json!(16385)), Some("client.viewport_w"));
    check(Document::Input, set("/click/box_2d/xmax", json!(1001)), Some("click.box_2d.xmax"));
    check(
        Document::Output,
        set("/world/quests_updated/0/progress", json!(101)),
        Some("world.quests_updated[0].progress"),
    );
    check(
        Document::Output,
        set("/world/inventory_added/0/quantity", json!(0)),
        Some("world.inventory_added[0].quantity"),
    );
    check(Document::Output, set("/agent_console/repair_count", json!(-2)), Some("agent_console.repair_count"));
}

#[test]
fn the_third_quest_is_named_by_its_index() {
    check(
        Document::Output,
        |d| {
            let quest = d["world"]["quests_updated"][0].clone();
            let mut broken = quest.clone();
            broken["progress"] = json!(250);
            d["world"]["quests_updated"] = json!([quest.clone(), quest, broken]);
        },
        Some("world.quests_updated[2].progress"),
    );
}

#[test]
fn text_limits_count_characters_not_bytes() {
    check(Document::Output, set("/narrative", json!("룬".repeat(8001))), Some("narrative"));
    let mut longest: Value = serde_json::from_str(&fixture("turn_output.en-US.json")).unwrap();
    longest["narrative"] = json!("룬".repeat(8000));
    parse_turn_output(longest.to_string().as_bytes()).expect("8000 characters are within the limit");
    check(Document::Input, set("/text", json!("룬".repeat(2001))), Some("text"));
    check(Document::Input, set("/scene_context", json!("a".repeat(2001))), Some("scene_context"));
    let mut value: Value = serde_json::from_str(&fixture("turn_input.ko-KR.json")).unwrap();
    value["text"] = json!("룬".repeat(2000));
    assert!(parse_turn_input(value.to_string().as_bytes()).is_ok(), "2000 Korean characters (6000 bytes) fit");
    check(
        Document::Output,
        set("/render/image_job/image_type_hint", json!("x".repeat(33))),
        Some("render.image_job.image_type_hint"),
    );
}

#[test]
fn ids_keep_to_their_charset_and_length() {
    check(Document::Input, set("/action_id", json!("act rune")), Some("action_id"));
    check(Document::Input, set("/action_id", json!("act/../rune")), Some("action_id"));
    check(Document::Input, set("/action_id", json!("")), Some("action_id"));
    check(Document::Input, set("/action_id", json!("a".repeat(65))), Some("action_id"));
    check(Document::Input, set("/drop/item_id", json!("열쇠")), Some("drop.item_id"));
    check(Document::Output, set("/world/inventory_removed/0", json!("bad id!")), Some("world.inventory_removed[0]"));
    let mut value: Value = serde_json::from_str(&fixture("turn_input.en-US.json")).unwrap();
    value["action_id"] = json!(format!("A-z_0.9:{}", "x".repeat(56)));
    assert!(parse_turn_input(value.to_string().as_bytes()).is_ok(), "64 characters of the charset are an id");
}

#[test]
fn boxes_must_be_ordered() {
    let inverted = json!({"ymin": 500, "xmin": 100, "ymax": 400, "xmax": 200});
    let equal = json!({"ymin": 100, "xmin": 100, "ymax": 300, "xmax": 100});
    check(Document::Input, set("/click/box_2d", inverted.clone()), Some("click.box_2d"));
    check(Document::Input, set("/drop/target_box_2d", equal), Some("drop.target_box_2d"));
    check(Document::Output, set("/ui/objects/0/box_2d", inverted), Some("ui.objects[0].box_2d"));
}

#[test]
fn lists_keep_to_their_size() {
    check(
        Document::Output,
        |d| {
            let card = d["ui"]["action_deck"]["cards"][0].clone();
            d["ui"]["action_deck"]["cards"] = Value::Array(vec![card; 6]);
        },
        Some("ui.action_deck.cards"),
    );
    check(Document::Output, set("/agent_console/badges", json!(vec!["schema_ok"; 5])), Some("agent_console.badges"));
    check(
        Document::Output,
        set("/render/image_job/reference_image_ids", json!(vec!["img_0123456789abcdef01234567"; 3])),
        Some("render.image_job.reference_image_ids"),
    );
}

#[test]
fn enums_accept_only_their_strings() {
    check(Document::Input, set("/language", json!("fr-FR")), Some("language"));
    check(Document::Input, set("/client/theme", json!("Dark")), Some("client.theme"));
    check(
        Document::Output,
        set("/ui/action_deck/cards/0/risk", json!("extreme")),
        Some("ui.action_deck.cards[0].risk"),
    );
    check(Document::Output, set("/agent_console/badges/0", json!("all_good")), Some("agent_console.badges[0]"));
    check(Document::Output, set("/render/image_job/aspect_ratio", json!("2:1")), Some("render.image_job.aspect_ratio"));
    check(Document::Output, set("/render/image_job/image_size", json!("8K")), Some("render.image_job.image_size"));
    check(Document::Output, set("/render/image_job/image_size", json!("1k")), Some("render.image_job.image_size"));
    check(Document::Output, set("/render/image_job/image_size", json!("800x600")), Some("render.image_job.image_size"));
}

#[test]
fn legacy_image_sizes_are_normalised() {
    for (legacy, size) in [
        ("1024x1024", ImageSize::OneK),
        ("1280x768", ImageSize::OneK),
        ("768x1280", ImageSize::OneK),
        ("1536x1024", ImageSize::TwoK),
        ("1024x1536", ImageSize::TwoK),
    ] {
        let mut value: Value = serde_json::from_str(&fixture("turn_output.en-US.json")).unwrap();
        value["render"]["image_job"]["image_size"] = json!(legacy);
        let output = parse_turn_output(value.to_string().as_bytes()).unwrap();
        let job = output.render.image_job.unwrap();
        assert_eq!(job.image_size, size, "{legacy}");
        let written = serde_json::to_value(&job).unwrap();
        assert_eq!(written["image_size"], json!(size.as_str()), "written in the canonical form");
    }
}

#[test]
fn only_our_own_image_urls_are_accepted() {
    for url in [
        "https://example.com/static/images/generated/img_0123456789abcdef01234567.png",
        "/static/images/generated/../../secrets.png",
        "/static/images/generated/img_0123456789ABCDEF01234567.png",
        "/static/images/generated/img_0123456789abcdef01234567.gif",
        "/static/images/generated/img_0123456789abcdef0123456.png",
        "/static/images/generated/img_0123456789abcdef01234567.png?x=1",
        "file:///etc/passwd",
    ] {
        check(Document::Input, set("/previous_image_url", json!(url)), Some("previous_image_url"));
    }
    check(
        Document::Output,
        set("/render/image_job/reference_image_url", json!("http://x/y.png")),
        Some("render.image_job.reference_image_url"),
    );
    check(
        Document::Output,
        set("/render/image_job/reference_image_ids/0", json!("img_zz")),
        Some("render.image_job.reference_image_ids[0]"),
    );
}

#[test]
fn malformed_documents_are_not_contract_errors() {
    for body in [&b"{\"language\": "[..], b"not json", b"{} trailing", b"", &[0xff, 0xfe, b'{', b'}'][..]] {
        match parse_turn_input(body) {
            Err(ContractError::Malformed { .. }) => {}
            other => panic!("{:?} should be malformed, got {other:?}", String::from_utf8_lossy(body)),
        }
    }
    let mut value: Value = serde_json::from_str(&fixture("turn_input.en-US.json")).unwrap();
    value["text"] = json!("caf\u{e9}");
    let mut latin1 = value.to_string().into_bytes();
    let at = latin1.windows(2).position(|w| w == "é".as_bytes()).unwrap();
    latin1.splice(at..at + 2, [0xe9]);
    assert!(matches!(parse_turn_input(&latin1), Err(ContractError::Malformed { .. })), "non-UTF-8 is malformed");
}

#[test]
fn an_id_counts_characters_and_names_the_character_it_refuses() {
    let accented = models::Id::try_from("é".repeat(40)).unwrap_err();
    assert!(accented.contains("contains 'é'"), "40 characters are within the length: {accented}");
    let long = models::Id::try_from("a".repeat(65)).unwrap_err();
    assert_eq!(long, "id must be 1..=64 characters, got 65");
}
