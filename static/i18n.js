// The client's words in both languages, and the one place that picks them.

export const TEXT = {
  "en-US": {
    title: "Undertow", signal: "Signal", shard: "Memory Shard", lowBalance: "Low balance", language: "Language",
    painting: "The scene is being painted…", actionLabel: "Your action", placeholder: "What do you do?", act: "Act",
    settings: "Balance", cost: (s, m) => `Last turn: −${s} Signal${m ? `, −${m} Shard` : ""}`,
    stages: { parse: "Parse", validate: "Validate", plan: "Plan", resolve: "Resolve", render: "Render", verify: "Verify", commit: "Commit" },
    busy: "A turn is still running.", failedStart: "The turn could not start", lost: "Connection lost; reconnecting…",
    first: "Type an action to begin.", risk: { low: "low risk", medium: "medium risk", high: "high risk" },
    sceneLabel: "Scene", progressLabel: "Turn progress", badgesLabel: "Validation", cardsLabel: "Actions",
    hotspotsLabel: "Things in the scene",
    inventory: "Inventory", inventoryEmpty: "You carry nothing yet.", quests: "Quests", rules: "Rules", memory: "Memory",
    quantity: (n) => `×${n}`, done: "done", use: "Use", cancel: "Cancel",
    useOn: (item, target) => `Use ${item} on ${target}`,
    choose: (item) => `Choose something in the scene to use ${item} on. Escape cancels.`,
    noTargets: "There is nothing in the scene to use it on yet.",
    spritePending: "The item is being painted…",
    imageFailed: "The image could not be made; the story continues in text.",
    imageSkipped: "Not enough Signal for an image; this turn continues in text.",
  },
  "ko-KR": {
    title: "언더토우", signal: "시그널", shard: "메모리 샤드", lowBalance: "잔액 부족", language: "언어",
    painting: "장면을 그리는 중…", actionLabel: "행동", placeholder: "무엇을 하시겠습니까?", act: "행동하기",
    settings: "잔액", cost: (s, m) => `지난 턴: 시그널 −${s}${m ? `, 샤드 −${m}` : ""}`,
    stages: { parse: "해석", validate: "검증", plan: "계획", resolve: "해결", render: "렌더", verify: "확인", commit: "확정" },
    busy: "아직 턴이 진행 중입니다.", failedStart: "턴을 시작하지 못했습니다", lost: "연결이 끊겨 다시 연결하는 중…",
    first: "행동을 입력해 시작하세요.", risk: { low: "낮은 위험", medium: "중간 위험", high: "높은 위험" },
    sceneLabel: "장면", progressLabel: "턴 진행", badgesLabel: "검증", cardsLabel: "행동",
    hotspotsLabel: "장면 속 사물",
    inventory: "소지품", inventoryEmpty: "아직 가진 것이 없습니다.", quests: "퀘스트", rules: "규칙", memory: "기억",
    quantity: (n) => `×${n}`, done: "완료", use: "사용", cancel: "취소",
    useOn: (item, target) => `${target}에 ${item} 사용`,
    choose: (item) => `${item}을(를) 사용할 대상을 장면에서 고르세요. Esc로 취소합니다.`,
    noTargets: "아직 장면에 사용할 대상이 없습니다.",
    spritePending: "아이템을 그리는 중…",
    imageFailed: "이미지를 만들지 못해 텍스트로 계속합니다.",
    imageSkipped: "시그널이 부족해 이번 턴은 이미지 없이 진행됩니다.",
  },
};

const pageLanguage = new URLSearchParams(location.search).get("lang") === "ko-KR" ? "ko-KR" : "en-US";
let current = pageLanguage;

export const language = () => current;

export function setLanguage(value) {
  current = TEXT[value] ? value : "en-US";
}

export function t() {
  return TEXT[current];
}

/** Writes every `data-i18n` text, placeholder and `data-i18n-label` accessible name of the page. */
export function translatePage() {
  document.documentElement.lang = current === "ko-KR" ? "ko" : "en";
  for (const element of document.querySelectorAll("[data-i18n]")) {
    const value = t()[element.dataset.i18n];
    if (typeof value === "string") element.textContent = value;
  }
  for (const element of document.querySelectorAll("[data-i18n-placeholder]")) {
    element.placeholder = t()[element.dataset.i18nPlaceholder];
  }
  for (const element of document.querySelectorAll("[data-i18n-label]")) {
    element.setAttribute("aria-label", t()[element.dataset.i18nLabel]);
  }
}
