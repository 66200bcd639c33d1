// Whole turns through the page: text before image, low balance, a failed image, a dropped
// connection, a reload mid-turn, and a stream given up for good.

import { test } from "node:test";
import assert from "node:assert/strict";
import {
  TEST, BASE_URL, act, byTestId, playTyped, sceneImageLoaded, screenshot, setBalance, shownTurnId, startRelay,
  storedResult, turnDone, useBrowser, withPage,
} from "./helpers.mjs";

useBrowser();

test("a turn streams its narrative before the image, then shows the image and the new balance", TEST, () =>
  withPage({ query: "?mock_image=scene&seed=21" }, async (page, pageErrors) => {
    await act(page, "I open the rusted door");
    // Text first: the narrative is on screen while the scene is still being painted.
    await page.waitForFunction(() => {
      const narrative = document.querySelector('[data-testid="narrative"]').textContent;
      const scene = document.querySelector('[data-testid="scene"]').dataset.state;
      return narrative.length > 20 && scene === "pending";
    });
    assert.equal(await byTestId(page, "scene-placeholder").isVisible(), true, "the placeholder shows while painting");

    await turnDone(page);
    await sceneImageLoaded(page);
    assert.match(await byTestId(page, "scene-image").getAttribute("src"), /^\/static\/images\/generated\/img_[0-9a-f]{24}\.png$/);
    const signal = Number(await byTestId(page, "signal").textContent());
    assert.ok(signal < 100 && signal >= 100 - 15, `the balance paid for the turn and the image: ${signal}`);
    assert.match(await byTestId(page, "cost").textContent(), /Signal/);
    assert.equal(await page.locator('[data-testid="stages"] li[data-status="complete"]').count(), 7);
    assert.ok((await byTestId(page, "card").count()) > 0, "the next actions are offered");
    assert.ok((await byTestId(page, "badges").locator("li").count()) > 0, "badges are shown");
    await screenshot(page, "turn.png");
    assert.deepEqual(pageErrors, []);
  }));

test("an insufficient balance plays the turn in text with a warning", TEST, () =>
  withPage({ query: "?mock_image=scene&seed=5" }, async (page, pageErrors) => {
    await setBalance(page, 3);
    await playTyped(page, "I look around");
    assert.equal(await byTestId(page, "scene-message").isVisible(), true);
    assert.match(await byTestId(page, "scene-message").textContent(), /Not enough Signal/);
    assert.equal(await byTestId(page, "low-balance").isVisible(), true, "the low-balance warning shows");
    assert.equal(await byTestId(page, "scene-image").isVisible(), false, "no image");
    const signal = Number(await byTestId(page, "signal").textContent());
    assert.ok(signal >= 0 && signal <= 2, `only the turn's own cost was paid: ${signal}`);
    assert.deepEqual(pageErrors, []);
  }));

test("a failed image shows the fallback message and refunds the image", TEST, () =>
  withPage({ query: "?mock_image=fail&seed=9&lang=ko-KR" }, async (page, pageErrors) => {
    await playTyped(page, "룬을 만진다");
    assert.match(await byTestId(page, "scene-message").textContent(), /이미지를 만들지 못해/);
    const signal = Number(await byTestId(page, "signal").textContent());
    assert.ok(signal >= 95 && signal <= 99, `the image cost came back: ${signal}`);
    assert.match(await byTestId(page, "act").textContent(), /행동하기/, "the page speaks Korean");
    assert.deepEqual(pageErrors, []);
  }));

test("a dropped connection resumes from the last event without repeating text", TEST, async () => {
  const relay = await startRelay(BASE_URL);
  try {
    await withPage({ url: relay.url, query: "?mock_image=none&seed=13" }, async (page, pageErrors) => {
      const followed = [];
      page.on("request", (request) => { if (request.url().includes("/events")) followed.push(request); });
      relay.dropAfter("event: narrative");
      await playTyped(page, "I listen");

      assert.equal(relay.drops(), 1, "the stream was cut after its first narrative event");
      assert.ok(followed.length >= 2, `the EventSource reconnected (${followed.length} requests)`);
      const resumedFrom = Number((await followed[1].allHeaders())["last-event-id"]);
      assert.ok(resumedFrom > 0, "the reconnect carried Last-Event-ID");
      const result = await storedResult(await shownTurnId(page));
      assert.equal(await byTestId(page, "narrative").textContent(), result.output.narrative, "the narrative, once");
      assert.deepEqual(pageErrors, []);
    });
  } finally {
    await relay.close();
  }
});

test("a reload mid-turn reattaches after the last event: every delta once, then the image", TEST, () =>
  withPage({ query: "?mock_image=scene&seed=31" }, async (page, pageErrors) => {
    await act(page, "I follow the draft");
    // Reload while the narrative is still streaming, with a few deltas already shown.
    await page.waitForFunction(() => JSON.parse(sessionStorage.getItem("uw.turn.v1") ?? "{}").lastEventId >= 6);
    const before = await page.evaluate(() => JSON.parse(sessionStorage.getItem("uw.turn.v1")));
    assert.equal(before.done, false, "the turn was still running");
    const reattached = [];
    page.on("request", (request) => { if (request.url().includes("/events")) reattached.push(new URL(request.url())); });
    await page.reload();

    await turnDone(page);
    await sceneImageLoaded(page);
    assert.ok(reattached.length >= 1, "the reloaded page followed the turn again");
    assert.equal(reattached[0].pathname, `/api/turns/${before.turnId}/events`, "the same turn");
    assert.ok(Number(reattached[0].searchParams.get("last_event_id")) >= before.lastEventId, "after the last event shown");
    const result = await storedResult(before.turnId);
    assert.equal(await byTestId(page, "narrative").textContent(), result.output.narrative, "every delta exactly once");
    assert.equal(await byTestId(page, "scene-image").getAttribute("src"), result.output.render.image_url);
    assert.equal(await page.locator('[data-testid="stages"] li[data-status="complete"]').count(), 7);
    const signal = Number(await byTestId(page, "signal").textContent());
    assert.equal(signal, result.output.economy.balance_after.signal, "the wallet survived the reload");
    assert.deepEqual(pageErrors, []);
  }));

test("a stream given up for good shows the stored result, and a failed image as failed", TEST, async () => {
  const relay = await startRelay(BASE_URL);
  try {
    await withPage({ url: relay.url, query: "?mock_image=fail&seed=17" }, async (page, pageErrors) => {
      relay.dropAfter("event: narrative", { refuseAfter: true });
      await playTyped(page, "I wait in the dark");
      assert.equal(relay.drops(), 1, "the stream was cut");
      const result = await storedResult(await shownTurnId(page));
      assert.equal(result.status, "complete");
      assert.equal(await byTestId(page, "scene").getAttribute("data-render"), "failed");
      assert.match(await byTestId(page, "scene-message").textContent(), /could not be made/);
      assert.equal(await byTestId(page, "scene-image").isVisible(), false, "no image");
      assert.equal(await byTestId(page, "narrative").textContent(), result.output.narrative);
      const signal = Number(await byTestId(page, "signal").textContent());
      assert.equal(signal, result.output.economy.balance_after.signal, "the refunded balance");
      assert.ok(signal >= 95, `the image cost came back: ${signal}`);
      assert.deepEqual(pageErrors, []);
    });
  } finally {
    await relay.close();
  }
});
