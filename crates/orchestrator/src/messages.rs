//! Sentences the player reads, in both languages of the contract.

use models::Language;

pub fn insufficient_balance(language: Language) -> String {
    language
        .pick(
            "시그널이 부족해 이번 턴은 이미지 없이 진행됩니다.",
            "Not enough Signal for an image; this turn continues in text.",
        )
        .to_owned()
}

pub fn safety_blocked(language: Language) -> String {
    language
        .pick(
            "안전 정책 때문에 이 장면의 이미지는 만들 수 없습니다.",
            "This scene's image was blocked by the safety policy.",
        )
        .to_owned()
}

pub fn image_failed(language: Language) -> String {
    language
        .pick("이미지를 만들지 못해 텍스트로 계속합니다.", "The image could not be made; the story continues in text.")
        .to_owned()
}

pub fn repair_notice(language: Language, attempt: u32) -> String {
    match language {
        Language::Korean => format!("게임 마스터의 답이 규칙에 맞지 않아 다시 씁니다 ({attempt}번째)."),
        Language::English => format!("The game master's answer broke the rules; rewriting it (attempt {attempt})."),
    }
}

pub fn fallback_narrative(language: Language) -> String {
    language
        .pick(
            "죄송합니다. 이번 장면을 제대로 그려내지 못했습니다. 잠시 숨을 고르고 다른 행동을 시도해 보세요.",
            "Sorry, this scene could not be told properly. Take a breath and try another action.",
        )
        .to_owned()
}

pub fn fallback_card_label(language: Language) -> String {
    language.pick("텍스트로 계속하기", "Continue in text").to_owned()
}
