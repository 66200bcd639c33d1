// The player's world across turns: the inventory (with the item sprites the server cuts out),
// quests, rules and memory pins. Kept in localStorage so a reload keeps them; each turn's delta
// is applied once however often its `final` is seen again (replays, reloads, recovery).

import { t } from "./i18n.js";

const KEY = "uw.world.v1";
const KEPT_TURNS = 20;
const KEPT_PINS = 10;
// Icons are shown only from this server's own generated images, never from a URL a model wrote.
const OWN_IMAGE = /^\/static\/images\/generated\/img_[0-9a-f]{24}\.(png|webp|jpe?g)$/;

const $ = (id) => document.querySelector(`[data-testid="${id}"]`);
const blank = () => ({ inventory: [], quests: [], rules: [], pins: [], appliedTurns: [] });
const world = load();
const pendingSprites = new Set();
let picked = null;
let onPick = () => {};

function load() {
  try {
    const stored = JSON.parse(localStorage.getItem(KEY));
    if (stored && Array.isArray(stored.inventory)) return { ...blank(), ...stored };
  } catch {
    // A damaged record starts a fresh world rather than a broken page.
  }
  return blank();
}

function save() {
  try {
    localStorage.setItem(KEY, JSON.stringify(world));
  } catch {
    // Storage full or denied: the world still lives for this page.
  }
}

function upsert(list, entry) {
  const index = list.findIndex((known) => known.id === entry.id);
  if (index >= 0) list[index] = { ...list[index], ...entry };
  else list.push(entry);
}

/** Applies one turn's `world` delta, once per turn id. */
export function applyWorldDelta(turnId, delta) {
  if (!delta || world.appliedTurns.includes(turnId)) return;
  world.appliedTurns = [...world.appliedTurns, turnId].slice(-KEPT_TURNS);
  for (const item of delta.inventory_added ?? []) {
    const known = world.inventory.find((entry) => entry.id === item.id);
    const icon = OWN_IMAGE.test(item.icon_url ?? "") ? item.icon_url : null;
    if (known) {
      Object.assign(known, { label: item.label, description: item.description, quantity: known.quantity + item.quantity });
      if (icon) known.icon_url = icon;
    } else {
      world.inventory.push({ id: item.id, label: item.label, description: item.description, quantity: item.quantity, icon_url: icon });
    }
  }
  const removed = new Set(delta.inventory_removed ?? []);
  world.inventory = world.inventory.filter((item) => !removed.has(item.id));
  if (picked && removed.has(picked)) pick(null);
  for (const quest of delta.quests_updated ?? []) upsert(world.quests, quest);
  for (const rule of delta.rules_changed ?? []) upsert(world.rules, rule);
  for (const pin of delta.memory_pins ?? []) upsert(world.pins, pin);
  world.pins = world.pins.slice(-KEPT_PINS);
  save();
  renderWorld();
}

/** Marks the item whose sprite a turn is painting, until its `render` arrives. */
export function setSpritePending(itemId, pending) {
  if (pending) pendingSprites.add(itemId);
  else pendingSprites.delete(itemId);
  renderWorld();
}

/** Gives an item its cut-out sprite. */
export function setItemIcon(itemId, url) {
  const item = world.inventory.find((entry) => entry.id === itemId);
  if (!item || !OWN_IMAGE.test(url)) return;
  item.icon_url = url;
  save();
  renderWorld();
}

export function itemById(itemId) {
  return world.inventory.find((item) => item.id === itemId) ?? null;
}

/** The item picked by keyboard (or tap) to be used on a hotspot, or null. */
export function pickedItem() {
  return picked ? itemById(picked) : null;
}

export function pick(itemId) {
  picked = itemId;
  renderWorld();
  onPick(pickedItem());
}

export function initWorld(pickCallback) {
  onPick = pickCallback;
  renderWorld();
}

function element(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

function itemEntry(item) {
  const entry = element("li", { className: "item", draggable: true });
  entry.dataset.testid = "item";
  entry.dataset.itemId = item.id;
  entry.dataset.picked = String(picked === item.id);
  let icon;
  if (pendingSprites.has(item.id)) {
    icon = element("span", { className: "icon pending", title: t().spritePending });
    icon.append(element("span", { className: "spinner small" }));
    icon.setAttribute("role", "img");
    icon.setAttribute("aria-label", t().spritePending);
  } else if (item.icon_url) {
    icon = element("img", { className: "icon", src: item.icon_url, alt: "", draggable: false });
    icon.dataset.testid = "item-icon";
  } else {
    icon = element("span", { className: "icon none", textContent: "◆" });
    icon.setAttribute("aria-hidden", "true");
  }
  const use = element("button", { type: "button", className: "use", textContent: picked === item.id ? t().cancel : t().use });
  use.dataset.testid = "use-item";
  use.setAttribute("aria-pressed", String(picked === item.id));
  use.setAttribute("aria-label", `${picked === item.id ? t().cancel : t().use}: ${item.label}`);
  use.addEventListener("click", () => pick(picked === item.id ? null : item.id));
  entry.addEventListener("dragstart", (event) => {
    event.dataTransfer.setData("application/x-uw-item", item.id);
    event.dataTransfer.setData("text/plain", item.label);
    event.dataTransfer.effectAllowed = "move";
  });
  const quantity = element("span", { className: "quantity", textContent: t().quantity(item.quantity) });
  quantity.dataset.testid = "item-quantity";
  entry.append(
    icon,
    element("div", { className: "item-text" },
      element("strong", { textContent: item.label }), " ", quantity,
      item.description ? element("p", { className: "item-description", textContent: item.description }) : null),
    use,
  );
  return entry;
}

function questEntry(quest) {
  const bar = element("progress", { max: 100, value: quest.progress });
  bar.setAttribute("aria-label", quest.label);
  const status = quest.is_completed ? ` · ${t().done}` : "";
  const entry = element("li", { className: "quest" },
    element("span", { textContent: quest.label }),
    bar,
    element("span", { className: "percent", textContent: `${quest.progress}%${status}` }),
    quest.description ? element("p", { className: "muted", textContent: quest.description }) : null);
  entry.dataset.testid = "quest";
  entry.dataset.done = String(Boolean(quest.is_completed));
  return entry;
}

function fillPanel(id, entries) {
  const panel = $(id);
  panel.hidden = entries.length === 0;
  panel.querySelector("ul").replaceChildren(...entries);
}

/** Draws the inventory and the panels; a panel with nothing to show is hidden. */
export function renderWorld() {
  const items = world.inventory.map(itemEntry);
  $("inventory-list").replaceChildren(...items);
  $("inventory-empty").hidden = items.length > 0;
  fillPanel("quests", world.quests.map(questEntry));
  fillPanel("rules", world.rules.map((rule) => {
    const entry = element("li", { textContent: rule.label });
    entry.dataset.testid = "rule";
    return entry;
  }));
  fillPanel("memory", world.pins.map((pin) => {
    const entry = element("li", { textContent: pin.content });
    entry.dataset.testid = "pin";
    return entry;
  }));
}
