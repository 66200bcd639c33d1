// The scene's objects as buttons over its image. A `box_2d` is in 0..1000 of the image itself, so
// the layer that holds them is laid exactly over the painted part of the <img> (object-fit:
// contain letterboxes it) and follows it on every resize. Pointer, keyboard and drag all work.

import { t } from "./i18n.js";
import { itemById, pickedItem } from "./world.js";

const $ = (id) => document.querySelector(`[data-testid="${id}"]`);
const ITEM_TYPE = "application/x-uw-item";
let objects = [];
let actions = { click() {}, drop() {} };

/** `callbacks.click(object)` plays a click, `callbacks.drop(itemId, object)` a drop. */
export function initHotspots(callbacks) {
  actions = callbacks;
  new ResizeObserver(layoutHotspots).observe($("scene"));
  $("scene-image").addEventListener("load", layoutHotspots);
}

export function showHotspots(list) {
  objects = Array.isArray(list) ? list : [];
  renderHotspots();
}

export function clearHotspots() {
  showHotspots([]);
}

export function hasHotspots() {
  return objects.length > 0;
}

export function focusFirstHotspot() {
  $("hotspots").querySelector("button")?.focus();
}

/** Lays the layer over the painted part of the image, or over the whole frame without one. */
export function layoutHotspots() {
  const frame = $("scene");
  const image = $("scene-image");
  const layer = $("hotspots");
  let box = { left: 0, top: 0, width: frame.clientWidth, height: frame.clientHeight };
  if (!image.hidden && image.naturalWidth > 0 && image.naturalHeight > 0) {
    const scale = Math.min(image.clientWidth / image.naturalWidth, image.clientHeight / image.naturalHeight);
    const width = image.naturalWidth * scale;
    const height = image.naturalHeight * scale;
    box = {
      left: image.offsetLeft + (image.clientWidth - width) / 2,
      top: image.offsetTop + (image.clientHeight - height) / 2,
      width,
      height,
    };
  }
  for (const [key, value] of Object.entries(box)) layer.style[key] = `${value}px`;
}

function hotspot(object) {
  const [ymin, xmin, ymax, xmax] = ["ymin", "xmin", "ymax", "xmax"].map((key) => object.box_2d[key] / 10);
  const button = document.createElement("button");
  button.type = "button";
  button.className = "hotspot";
  button.dataset.testid = "hotspot";
  button.dataset.objectId = object.id;
  Object.assign(button.style, { left: `${xmin}%`, top: `${ymin}%`, width: `${xmax - xmin}%`, height: `${ymax - ymin}%` });
  const tip = document.createElement("span");
  tip.className = "tip";
  const label = document.createElement("strong");
  label.textContent = object.label;
  tip.append(label);
  // With an item picked the hint says what a press does; it is visible text, not an aria-label,
  // so what is read out and what is seen stay the same.
  const item = pickedItem();
  const hintText = item ? t().useOn(item.label, object.label) : object.interaction_hint;
  if (hintText) {
    const hint = document.createElement("span");
    hint.textContent = hintText;
    tip.append(" ", hint);
  }
  button.append(tip);
  button.addEventListener("click", () => {
    const chosen = pickedItem();
    if (chosen) actions.drop(chosen.id, object);
    else actions.click(object);
  });
  button.addEventListener("dragover", (event) => {
    if (!event.dataTransfer.types.includes(ITEM_TYPE)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    button.classList.add("target");
  });
  button.addEventListener("dragleave", () => button.classList.remove("target"));
  button.addEventListener("drop", (event) => {
    event.preventDefault();
    button.classList.remove("target");
    const itemId = event.dataTransfer.getData(ITEM_TYPE);
    if (itemById(itemId)) actions.drop(itemId, object);
  });
  return button;
}

/** Redraws the buttons, e.g. when an item is picked and their accessible names change. */
export function renderHotspots() {
  const layer = $("hotspots");
  layer.replaceChildren(...objects.filter((object) => object?.box_2d).map(hotspot));
  layer.hidden = objects.length === 0;
  layer.dataset.picking = String(Boolean(pickedItem()));
  layoutHotspots();
}
