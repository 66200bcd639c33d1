//! The mock game master's material: places, events and actions in both languages.

/// One line of the story in Korean and English.
pub(crate) type Line = (&'static str, &'static str);

pub(crate) const OPENINGS: &[Line] = &[
    (
        "횃불이 흔들리는 돌 복도 끝에서 차가운 바람이 불어옵니다.",
        "At the end of the stone corridor the torches waver in a cold draft.",
    ),
    (
        "무너진 성당의 스테인드글라스 사이로 희미한 빛이 쏟아집니다.",
        "Faint light spills through the stained glass of the ruined chapel.",
    ),
    ("안개 낀 늪 위로 낡은 나무 다리가 삐걱거립니다.", "An old wooden bridge creaks above the misty marsh."),
    (
        "지하 도서관의 먼지 쌓인 서가 사이로 발소리가 울립니다.",
        "Footsteps echo between the dusty shelves of the buried library.",
    ),
];

pub(crate) const EVENTS: &[Line] = &[
    (
        "당신의 행동에 응답하듯 어둠 속에서 무언가가 움직입니다.",
        "As if answering your move, something shifts in the dark.",
    ),
    (
        "벽에 새겨진 룬 문자가 잠시 푸르게 빛났다가 사라집니다.",
        "Runes carved in the wall glow blue for a moment, then fade.",
    ),
    (
        "멀리서 종소리가 세 번 울리고, 공기가 무거워집니다.",
        "A bell tolls three times far away, and the air grows heavy.",
    ),
    ("발밑의 돌판이 낮게 울리며 숨겨진 길을 드러냅니다.", "A flagstone hums underfoot and reveals a hidden way."),
];

pub(crate) const CLOSINGS: &[Line] = &[
    ("선택은 당신의 몫입니다.", "The choice is yours."),
    ("조심스럽게 다음 걸음을 정하세요.", "Choose your next step with care."),
    ("시그널이 희미하게 맥동합니다.", "Your Signal pulses faintly."),
];

/// Action cards: id, label, Signal cost.
pub(crate) const CARDS: &[(&str, Line, u32)] = &[
    ("act_look", ("주변을 살핀다", "Look around"), 1),
    ("act_listen", ("숨을 죽이고 듣는다", "Hold your breath and listen"), 1),
    ("act_advance", ("앞으로 나아간다", "Press forward"), 2),
    ("act_rune", ("룬을 만진다", "Touch the runes"), 3),
    ("act_retreat", ("물러선다", "Fall back"), 1),
];

pub(crate) const OBJECTS: &[(&str, Line)] = &[
    ("obj_door", ("녹슨 문", "Rusted door")),
    ("obj_altar", ("금 간 제단", "Cracked altar")),
    ("obj_chest", ("잠긴 상자", "Locked chest")),
];

pub(crate) const SCENE_PROMPTS: &[&str] = &[
    "A torch-lit stone corridor in a dark fantasy dungeon, cold blue mist, cinematic wide view",
    "A ruined gothic chapel with broken stained glass, shafts of pale light, painterly style",
    "A creaking wooden bridge over a misty marsh at dusk, lanterns, moody atmosphere",
    "A buried library with towering dusty shelves and floating dust motes, warm candle light",
];

/// An item the mock paints as a sprite and hands to the player: id, label, description, prompt.
pub(crate) type Item = (&'static str, Line, Line, &'static str);

pub(crate) const ITEMS: &[Item] = &[
    (
        "item_brass_key",
        ("황동 열쇠", "Brass key"),
        ("장식이 새겨진 오래된 열쇠입니다.", "An ornate old key, warm to the touch."),
        "A single ornate brass key, game item sprite, centered on a plain background",
    ),
    (
        "item_rune_stone",
        ("룬 돌", "Rune stone"),
        ("푸르게 빛나는 매끄러운 돌입니다.", "A smooth stone that glows a faint blue."),
        "A glowing blue rune stone, game item sprite, centered on a plain background",
    ),
    (
        "item_coin_pouch",
        ("동전 주머니", "Coin pouch"),
        ("은화가 든 작은 가죽 주머니입니다.", "A small leather pouch of silver coins."),
        "A small leather pouch of silver coins, game item sprite, centered on a plain background",
    ),
];

/// The one quest of the mock world: examining things advances it, using an item completes it.
pub(crate) const QUEST: (&str, Line, Line) = (
    "quest_way_out",
    ("출구 찾기", "Find a way out"),
    ("이 지하에서 빠져나갈 길을 찾으세요.", "Find the way out of the undercroft."),
);

/// The rule an examined object reveals, by object id.
pub(crate) const RULES: &[(&str, &str, Line)] = &[
    ("obj_door", "rule_rust", ("녹슨 것은 힘보다 기름에 약합니다.", "Rusted things yield to oil, not force.")),
    ("obj_altar", "rule_offering", ("제단은 제물 없이 응답하지 않습니다.", "The altar answers only to an offering.")),
    ("obj_chest", "rule_locks", ("모든 자물쇠에는 맞는 열쇠가 있습니다.", "Every lock has its key somewhere below.")),
];
