// What the page shows of a turn: stages, wallet, scene frame, cards, badges and messages.

import { t } from "./i18n.js";
import { renderHotspots } from "./hotspots.js";

const STAGES = ["parse", "validate", "plan", "resolve", "render", "verify", "commit"];

export const $ = (id) => document.querySelector(`[data-testid="${id}"]`);

export function renderStages(statuses = {}) {
  $("stages").replaceChildren(...STAGES.map((name) => {
    const item = document.createElement("li");
    item.textContent = t().stages[name];
    item.dataset.stage = name;
    if (statuses[name]) item.dataset.status = statuses[name];
    return item;
  }));
}

/** The balance, and what the last turn cost when `economy` is given. */
export function showWallet(balance, economy) {
  $("signal").textContent = balance.signal;
  $("shard").textContent = balance.memory_shard;
  $("set-signal").value = balance.signal;
  $("set-shard").value = balance.memory_shard;
  if (economy) {
    $("cost").hidden = false;
    $("cost").textContent = t().cost(economy.cost.signal, economy.cost.memory_shard);
    $("low-balance").hidden = !economy.low_balance_warning;
  }
}

/** The scene frame: `empty`, `pending` (being painted), `image` (`detail` = url) or `message`. */
export function showScene(kind, detail, lastImageUrl) {
  $("scene").dataset.state = kind;
  $("scene-placeholder").hidden = kind !== "pending";
  $("scene-message").hidden = kind !== "message";
  if (kind === "message") $("scene-message").textContent = detail;
  const image = $("scene-image");
  if (kind === "image") {
    if (image.getAttribute("src") !== detail) {
      image.classList.remove("shown");
      image.onload = () => image.classList.add("shown");
      image.src = detail;
    }
    image.hidden = false;
  } else if (kind !== "message" || !lastImageUrl) {
    image.hidden = kind !== "pending" || !lastImageUrl;
  }
  renderHotspots();
}

/** The action cards; `play(card)` plays one. */
export function showCards(cards, play) {
  $("cards").replaceChildren(...cards.map((card) => {
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.testid = "card";
    button.dataset.cardId = card.id;
    button.disabled = !card.enabled;
    button.textContent = card.label;
    const cost = document.createElement("span");
    cost.className = "card-cost";
    cost.textContent = `${card.cost.signal} ${t().signal} · ${t().risk[card.risk] ?? card.risk}`;
    button.append(cost);
    button.addEventListener("click", () => play(card));
    return button;
  }));
}

export function showBadges(badges) {
  $("badges").replaceChildren(...badges.map((badge) => {
    const item = document.createElement("li");
    item.textContent = badge;
    item.dataset.ok = String(!/_(fail|blocked)$/.test(badge));
    return item;
  }));
}

export function showError(message) {
  $("error").hidden = !message;
  $("error").textContent = message ?? "";
}

export function showNote(message) {
  $("inventory-note").hidden = !message;
  $("inventory-note").textContent = message ?? "";
}
