// For everyone: no serious or critical axe-core violation in the main states of the page, and
// the desktop and phone layouts (screenshots under target/browser/).

import { test } from "node:test";
import assert from "node:assert/strict";
import {
  TEST, byTestId, playTyped, sceneImageLoaded, screenshot, seriousViolations, setBalance, turnDone, useBrowser,
  useMockImage, withPage,
} from "./helpers.mjs";

useBrowser();

/** A page with a scene image, an item with its sprite, a hotspot, and the quest and rule panels. */
async function fullWorld(page) {
  await playTyped(page, "I look around");
  await sceneImageLoaded(page);
  await useMockImage(page, "item");
  await playTyped(page, "I search the floor");
  await page.waitForFunction(() => document.querySelector('[data-testid="item-icon"]'));
  await useMockImage(page, "none");
  await byTestId(page, "hotspot").click();
  await turnDone(page);
  await page.waitForFunction(() => !document.querySelector('[data-testid="quests"]').hidden);
}

test("the main states have no serious or critical accessibility violation", TEST, () =>
  withPage({ query: "?mock_image=scene&seed=8" }, async (page, pageErrors) => {
    const found = {};
    found.empty = await seriousViolations(page);
    await fullWorld(page);
    found.world = await seriousViolations(page);
    await byTestId(page, "use-item").first().focus();
    await page.keyboard.press("Enter");
    found.picking = await seriousViolations(page);
    await page.keyboard.press("Escape");

    await useMockImage(page, "fail");
    await byTestId(page, "action-input").fill("I touch the runes");
    await byTestId(page, "act").click();
    await page.waitForFunction(() => document.querySelector('[data-testid="narrative"]').textContent.length > 10);
    found.running = await seriousViolations(page);
    await turnDone(page);
    found.failed = await seriousViolations(page);
    await setBalance(page, 2);
    await playTyped(page, "I look around");
    found.lowBalance = await seriousViolations(page);

    await page.goto(`${page.url()}&lang=ko-KR`);
    found.korean = await seriousViolations(page);
    assert.equal(await page.evaluate(() => document.documentElement.lang), "ko");
    for (const [state, violations] of Object.entries(found)) assert.deepEqual(violations, [], `state ${state}`);
    assert.deepEqual(pageErrors, []);
  }));

test("desktop puts scene and story side by side; a 390x844 phone stacks one column without sideways scrolling", TEST, async () => {
  await withPage({ query: "?mock_image=scene&seed=8" }, async (page, pageErrors) => {
    await fullWorld(page);
    const scene = await byTestId(page, "scene-column").boundingBox();
    const story = await byTestId(page, "story-column").boundingBox();
    assert.ok(story.x >= scene.x + scene.width, "the story is beside the scene");
    await screenshot(page, "desktop.png");
    assert.deepEqual(pageErrors, []);
  });
  await withPage({ query: "?mock_image=scene&seed=8", viewport: { width: 390, height: 844 } }, async (page, pageErrors) => {
    await fullWorld(page);
    const columns = [];
    for (const id of ["scene", "inventory", "narrative", "cards", "action-form", "quests", "rules"]) {
      columns.push({ id, ...(await byTestId(page, id).boundingBox()) });
    }
    for (const box of columns) {
      assert.ok(box.x >= 0 && box.x + box.width <= 390, `${box.id} fits the width: ${JSON.stringify(box)}`);
      assert.ok(box.width > 300, `${box.id} takes the whole column: ${box.width}`);
    }
    for (let index = 1; index < columns.length; index += 1) {
      assert.ok(columns[index].y >= columns[index - 1].y + columns[index - 1].height, `${columns[index].id} is below ${columns[index - 1].id}`);
    }
    const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, body: document.body.scrollWidth, view: innerWidth }));
    assert.ok(widths.page <= widths.view && widths.body <= widths.view, `no sideways scrolling: ${JSON.stringify(widths)}`);
    assert.deepEqual(await seriousViolations(page), [], "the phone layout is accessible too");
    await screenshot(page, "phone.png");
    assert.deepEqual(pageErrors, []);
  });
});
