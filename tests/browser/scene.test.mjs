// The scene and the world through the page: hotspots over the image, item sprites in the
// inventory, drag and drop and its keyboard path, and the quest, rule and memory panels.

import { test } from "node:test";
import assert from "node:assert/strict";
import {
  TEST, byTestId, playTyped, postedTurn, sceneImageLoaded, shownTurnId, storedResult, turnDone, useBrowser,
  useMockImage, withPage,
} from "./helpers.mjs";

useBrowser();

/** Waits until the hotspot sits on `box` (0..1000 of the image) over the painted part of the image. */
function hotspotOnBox(page, box) {
  return page.waitForFunction((box) => {
    const image = document.querySelector('[data-testid="scene-image"]');
    const spot = document.querySelector('[data-testid="hotspot"]')?.getBoundingClientRect();
    if (!spot || !image.naturalWidth) return false;
    const frame = image.getBoundingClientRect();
    const scale = Math.min(frame.width / image.naturalWidth, frame.height / image.naturalHeight);
    const [width, height] = [image.naturalWidth * scale, image.naturalHeight * scale];
    const left = frame.x + (frame.width - width) / 2;
    const top = frame.y + (frame.height - height) / 2;
    const near = (a, b) => Math.abs(a - b) < 1.5;
    return near(spot.x, left + (box.xmin / 1000) * width) && near(spot.y, top + (box.ymin / 1000) * height)
      && near(spot.right, left + (box.xmax / 1000) * width) && near(spot.bottom, top + (box.ymax / 1000) * height);
  }, box);
}

test("hotspots sit on the image at their box, follow it, and a click plays that object", TEST, () =>
  withPage({ query: "?mock_image=scene&seed=21" }, async (page, pageErrors) => {
    assert.equal(await byTestId(page, "hotspot").count(), 0, "no hotspots before a turn");
    await playTyped(page, "I look around");
    await sceneImageLoaded(page);
    const first = await storedResult(await shownTurnId(page));
    const [object] = first.output.ui.objects;
    const spot = byTestId(page, "hotspot");
    assert.equal(await spot.count(), 1);
    assert.equal(await spot.getAttribute("data-object-id"), object.id);
    await hotspotOnBox(page, object.box_2d);

    // Another size, and a frame that letterboxes the image: the hotspot stays on its box.
    await page.setViewportSize({ width: 1000, height: 700 });
    await hotspotOnBox(page, object.box_2d);
    await page.addStyleTag({ content: '[data-testid="scene"] { aspect-ratio: 1 / 1; }' });
    await page.waitForFunction(() => {
      const frame = document.querySelector('[data-testid="scene"]').getBoundingClientRect();
      return Math.abs(frame.width - frame.height) < 1;
    });
    await hotspotOnBox(page, object.box_2d);

    // Label and hint on hover and on keyboard focus.
    const tip = spot.locator(".tip");
    assert.equal(await tip.evaluate((node) => getComputedStyle(node).opacity), "0");
    await spot.hover();
    await page.waitForFunction(() => getComputedStyle(document.querySelector(".hotspot .tip")).opacity === "1");
    assert.equal(await tip.innerText(), `${object.label}\n${object.interaction_hint}`);
    await page.mouse.move(0, 0);
    await spot.focus();
    await page.keyboard.press("Shift+Tab");
    await page.keyboard.press("Tab");
    await page.waitForFunction(() => getComputedStyle(document.querySelector(".hotspot .tip")).opacity === "1");

    const posted = await postedTurn(page, () => page.keyboard.press("Enter"));
    assert.deepEqual(posted.click, { object_id: object.id, box_2d: object.box_2d });
    assert.equal(posted.drop, null);
    assert.equal(await byTestId(page, "hotspot").count(), 0, "the hotspots went with the new turn");
    await turnDone(page);
    const answer = await storedResult(await shownTurnId(page));
    assert.match(answer.output.narrative, new RegExp(`You examine the ${object.label}\\.`), "the story answers the click");
    assert.equal(await byTestId(page, "narrative").textContent(), answer.output.narrative);
    assert.equal(await byTestId(page, "hotspot").getAttribute("data-object-id"), answer.output.ui.objects[0].id);
    assert.deepEqual(pageErrors, []);
  }));

test("an item turn puts a transparent sprite in the inventory and keeps the scene", TEST, () =>
  withPage({ query: "?mock_image=scene&seed=21" }, async (page, pageErrors) => {
    await playTyped(page, "I look around");
    await sceneImageLoaded(page);
    const scene = await byTestId(page, "scene-image").getAttribute("src");
    assert.equal(await byTestId(page, "item").count(), 0);
    assert.equal(await byTestId(page, "inventory-empty").isVisible(), true);

    await useMockImage(page, "item");
    await sceneImageLoaded(page);
    await playTyped(page, "I search the floor");
    const result = await storedResult(await shownTurnId(page));
    const [added] = result.output.world.inventory_added;
    assert.equal(result.output.render.background_removed, true);
    assert.equal(await byTestId(page, "scene-image").getAttribute("src"), scene, "the scene keeps its image");
    assert.equal(await byTestId(page, "scene").getAttribute("data-state"), "image");

    const item = page.locator(`[data-testid="item"][data-item-id="${added.id}"]`);
    await assertSprite(page, item, result.output.render.image_url);
    assert.match(await item.innerText(), new RegExp(`${added.label}[\\s\\S]*×1[\\s\\S]*${added.description}`));

    await page.reload();
    await assertSprite(page, item, result.output.render.image_url);
    assert.equal(await byTestId(page, "scene-image").getAttribute("src"), scene, "the reload keeps the scene");
    assert.deepEqual(pageErrors, []);
  }));

/** The item shows `url` as its icon, decoded: transparent corners, an opaque middle. */
async function assertSprite(page, item, url) {
  const icon = item.locator('[data-testid="item-icon"]');
  assert.equal(await icon.getAttribute("src"), url);
  const alpha = await icon.evaluate(async (image) => {
    await image.decode();
    const canvas = Object.assign(document.createElement("canvas"), { width: image.naturalWidth, height: image.naturalHeight });
    const context = canvas.getContext("2d");
    context.drawImage(image, 0, 0);
    const at = (x, y) => context.getImageData(x, y, 1, 1).data[3];
    const [w, h] = [canvas.width - 1, canvas.height - 1];
    return { corners: [at(0, 0), at(w, 0), at(0, h), at(w, h)], middle: at(w >> 1, h >> 1) };
  });
  assert.deepEqual(alpha.corners, [0, 0, 0, 0], "the background was cut out");
  assert.equal(alpha.middle, 255, "the item itself is opaque");
}

/**
 * A page with one item (with its sprite) in the inventory and one hotspot in the scene, reopened
 * without images so the turns that follow paint nothing.
 */
async function itemAndHotspot(page) {
  await playTyped(page, "I search the floor");
  await page.waitForFunction(() => document.querySelector('[data-testid="item-icon"]'));
  const result = await storedResult(await shownTurnId(page));
  await useMockImage(page, "none");
  await page.waitForFunction(() => document.querySelector('[data-testid="hotspot"]'));
  return { item: result.output.world.inventory_added[0], object: result.output.ui.objects[0] };
}

function assertDrop(posted, item, object) {
  assert.deepEqual(posted.drop, { item_id: item.id, target_object_id: object.id, target_box_2d: object.box_2d });
  assert.equal(posted.click, null);
}

test("dragging an item onto a hotspot plays the drop", TEST, () =>
  withPage({ query: "?mock_image=item&seed=4" }, async (page, pageErrors) => {
    const { item, object } = await itemAndHotspot(page);
    const source = page.locator(`[data-testid="item"][data-item-id="${item.id}"]`);
    const posted = await postedTurn(page, () => source.dragTo(byTestId(page, "hotspot")));
    assertDrop(posted, item, object);
    await turnDone(page);
    const narrative = await byTestId(page, "narrative").textContent();
    assert.match(narrative, new RegExp(`You use the ${item.label} on the ${object.label}\\.`));
    assert.deepEqual(pageErrors, []);
  }));

test("the keyboard picks an item, then a hotspot, and plays the same drop", TEST, () =>
  withPage({ query: "?mock_image=item&seed=4" }, async (page, pageErrors) => {
    const { item, object } = await itemAndHotspot(page);
    const use = page.locator(`[data-testid="item"][data-item-id="${item.id}"] [data-testid="use-item"]`);
    // Escape puts a picked item back.
    await use.focus();
    await page.keyboard.press("Enter");
    assert.equal(await use.getAttribute("aria-pressed"), "true");
    await page.keyboard.press("Escape");
    assert.equal(await use.getAttribute("aria-pressed"), "false");
    assert.equal(await byTestId(page, "pick-status").textContent(), "");

    await use.focus();
    await page.keyboard.press("Enter");
    assert.match(await byTestId(page, "pick-status").textContent(), new RegExp(`use ${item.label} on`));
    const focused = await page.evaluate(() => document.activeElement.dataset.testid);
    assert.equal(focused, "hotspot", "focus moved to the scene");
    assert.equal(await byTestId(page, "hotspot").innerText(), `${object.label}\nUse ${item.label} on ${object.label}`);
    const posted = await postedTurn(page, () => page.keyboard.press("Enter"));
    assertDrop(posted, item, object);
    await turnDone(page);
    assert.match(await byTestId(page, "narrative").textContent(), new RegExp(`You use the ${item.label}`));
    assert.equal(await byTestId(page, "pick-status").textContent(), "", "the pick ends with the turn");
    assert.deepEqual(pageErrors, []);
  }));

test("quests, rules and memory appear only when the world has them, and survive a reload", TEST, () =>
  withPage({ query: "?mock_image=item&seed=8" }, async (page, pageErrors) => {
    const panels = async () => ({
      quests: await byTestId(page, "quests").isVisible(),
      rules: await byTestId(page, "rules").isVisible(),
      memory: await byTestId(page, "memory").isVisible(),
    });
    assert.deepEqual(await panels(), { quests: false, rules: false, memory: false });
    const { item } = await itemAndHotspot(page);
    assert.deepEqual(await panels(), { quests: false, rules: false, memory: false }, "words alone change no world");

    await byTestId(page, "hotspot").click();
    await turnDone(page);
    const clicked = await storedResult(await shownTurnId(page));
    assert.deepEqual(await panels(), { quests: true, rules: true, memory: false });
    const quest = clicked.output.world.quests_updated[0];
    assert.match(await byTestId(page, "quest").innerText(), new RegExp(`${quest.label}[\\s\\S]*40%`));
    assert.equal(await byTestId(page, "quest").locator("progress").evaluate((bar) => bar.value), 40);
    assert.equal(await byTestId(page, "rule").textContent(), clicked.output.world.rules_changed[0].label);

    await page.locator(`[data-testid="item"][data-item-id="${item.id}"]`).dragTo(byTestId(page, "hotspot"));
    await page.waitForFunction(() => document.body.dataset.turn === "running");
    await turnDone(page);
    assert.deepEqual(await panels(), { quests: true, rules: true, memory: true });
    assert.equal(await byTestId(page, "quest").count(), 1, "the quest is updated in place");
    assert.equal(await byTestId(page, "quest").getAttribute("data-done"), "true");
    assert.match(await byTestId(page, "pin").textContent(), new RegExp(`You use the ${item.label}`));

    await page.reload();
    assert.deepEqual(await panels(), { quests: true, rules: true, memory: true }, "kept across a reload");
    assert.deepEqual(pageErrors, []);
  }));
