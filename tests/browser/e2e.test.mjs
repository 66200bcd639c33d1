// The web client in a real browser: headless Debian Chromium driven by playwright-core, against
// a running server (UW_URL). Each test plays whole turns through the page. Playwright gives every
// launch a fresh, empty profile of its own.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { createServer, connect } from "node:net";
import { join } from "node:path";
import { chromium } from "playwright-core";

const BASE_URL = process.env.UW_URL ?? "http://127.0.0.1:8011";
const SCREENSHOT_DIR = process.env.UW_SCREENSHOT_DIR ?? "target/browser";
let browser;

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ],
  });
});

after(async () => {
  await browser?.close();
});

async function openPage(query = "") {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(error.message));
  await page.goto(`${BASE_URL}/${query}`);
  return { context, page, problems };
}

const byTestId = (page, id) => page.locator(`[data-testid="${id}"]`);

async function setBalance(page, signal) {
  await page.locator(".settings summary").click();
  await byTestId(page, "set-signal").fill(String(signal));
  await byTestId(page, "set-signal").dispatchEvent("change");
}

async function act(page, text) {
  await byTestId(page, "action-input").fill(text);
  await byTestId(page, "act").click();
}

const turnDone = (page) => page.waitForFunction(() => document.body.dataset.turn === "done", null, { timeout: 20_000 });

test("a turn streams its narrative before the image, then shows the image and the new balance", async () => {
  const { context, page, problems } = await openPage("?mock_image=scene&seed=21");
  await act(page, "I open the rusted door");
  // Text first: the narrative is on screen while the scene is still being painted.
  await page.waitForFunction(() => {
    const narrative = document.querySelector('[data-testid="narrative"]').textContent;
    const scene = document.querySelector('[data-testid="scene"]').dataset.state;
    return narrative.length > 20 && scene === "pending";
  }, null, { timeout: 10_000 });
  assert.equal(await byTestId(page, "scene-placeholder").isVisible(), true, "the placeholder shows while painting");

  await turnDone(page);
  const image = byTestId(page, "scene-image");
  await page.waitForFunction(() => document.querySelector('[data-testid="scene-image"]').naturalWidth > 0);
  assert.match(await image.getAttribute("src"), /^\/static\/images\/generated\/img_[0-9a-f]{24}\.png$/);
  const signal = Number(await byTestId(page, "signal").textContent());
  assert.ok(signal < 100 && signal >= 100 - 15, `the balance paid for the turn and the image: ${signal}`);
  assert.match(await byTestId(page, "cost").textContent(), /Signal/);
  assert.equal(await page.locator('[data-testid="stages"] li[data-status="complete"]').count(), 7);
  assert.ok((await byTestId(page, "card").count()) > 0, "the next actions are offered");
  assert.ok((await byTestId(page, "badges").locator("li").count()) > 0, "badges are shown");

  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, "turn.png"), fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});

test("an insufficient balance plays the turn in text with a warning", async () => {
  const { context, page, problems } = await openPage("?mock_image=scene&seed=5");
  await setBalance(page, 3);
  await act(page, "I look around");
  await turnDone(page);
  assert.equal(await byTestId(page, "scene-message").isVisible(), true);
  assert.match(await byTestId(page, "scene-message").textContent(), /Not enough Signal/);
  assert.equal(await byTestId(page, "low-balance").isVisible(), true, "the low-balance warning shows");
  assert.equal(await byTestId(page, "scene-image").isVisible(), false, "no image");
  const signal = Number(await byTestId(page, "signal").textContent());
  assert.ok(signal >= 0 && signal <= 2, `only the turn's own cost was paid: ${signal}`);
  assert.deepEqual(problems, []);
  await context.close();
});

test("a failed image shows the fallback message and refunds the image", async () => {
  const { context, page, problems } = await openPage("?mock_image=fail&seed=9&lang=ko-KR");
  await act(page, "룬을 만진다");
  await turnDone(page);
  assert.match(await byTestId(page, "scene-message").textContent(), /이미지를 만들지 못해/);
  const signal = Number(await byTestId(page, "signal").textContent());
  assert.ok(signal >= 95 && signal <= 99, `the image cost came back: ${signal}`);
  assert.match(await byTestId(page, "act").textContent(), /행동하기/, "the page speaks Korean");
  assert.deepEqual(problems, []);
  await context.close();
});

/**
 * A TCP relay in front of the server. Armed with a marker, it ends the first connection whose
 * answer carries that marker right after relaying it, as a network drop would: the drop happens
 * at the same point of the stream however fast or slow the machine is. With `refuseEvents`,
 * every event stream asked for after the drop gets a 503, which ends an EventSource for good.
 */
async function startRelay(target) {
  const { hostname, port } = new URL(target);
  const sockets = new Set();
  let marker = null;
  let drops = 0;
  let refuseEvents = false;
  const relay = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {});
    }
    // Every request is looked at, since a browser may send one on a connection it keeps alive.
    client.on("data", (chunk) => {
      if (refuseEvents && drops > 0 && /^GET \S*\/events/.test(chunk.toString("latin1"))) {
        upstream.destroy();
        client.end("HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        return;
      }
      upstream.write(chunk);
    });
    upstream.on("data", (chunk) => {
      client.write(chunk);
      if (marker && chunk.includes(marker)) {
        marker = null;
        drops += 1;
        upstream.destroy();
        client.end();
      }
    });
    upstream.on("end", () => client.end());
  });
  await new Promise((resolve) => relay.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${relay.address().port}`,
    dropAfter: (text, options = {}) => {
      marker = Buffer.from(text);
      refuseEvents = options.refuseEvents ?? false;
    },
    drops: () => drops,
    close: () => new Promise((resolve) => { sockets.forEach((socket) => socket.destroy()); relay.close(resolve); }),
  };
}

test("a dropped connection resumes from the last event without repeating text", async (t) => {
  const relay = await startRelay(BASE_URL);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // Whatever an assertion does, the page and the relay close, so a red test cannot hang the run.
  t.after(async () => {
    await context.close();
    await relay.close();
  });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(error.message));
  const followed = [];
  page.on("request", (request) => { if (request.url().includes("/events")) followed.push(request); });
  await page.goto(`${relay.url}/?mock_image=none&seed=13`);
  relay.dropAfter("event: narrative");
  await act(page, "I listen");
  await turnDone(page);

  assert.equal(relay.drops(), 1, "the stream was cut after its first narrative event");
  assert.ok(followed.length >= 2, `the EventSource reconnected (${followed.length} requests)`);
  const resumedFrom = Number((await followed[1].allHeaders())["last-event-id"]);
  assert.ok(resumedFrom > 0, "the reconnect carried Last-Event-ID");
  const shown = await byTestId(page, "narrative").textContent();
  const turnId = new URL(followed[0].url()).pathname.split("/")[3];
  const result = await (await fetch(`${BASE_URL}/api/turns/${turnId}`)).json();
  assert.equal(shown, result.output.narrative, "the narrative on screen is the turn's, once");
  assert.deepEqual(problems, []);
});

test("a stream lost for good before its render shows the stored result and says the image failed", async (t) => {
  const relay = await startRelay(BASE_URL);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  t.after(async () => {
    await context.close();
    await relay.close();
  });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(error.message));
  await page.goto(`${relay.url}/?mock_image=fail&seed=17`);
  relay.dropAfter("event: final", { refuseEvents: true });
  await act(page, "I touch the rune");
  await turnDone(page);
  assert.equal(relay.drops(), 1, "the stream was cut right after final");
  assert.equal(await byTestId(page, "scene-message").isVisible(), true, "the failure is shown, not a finished scene");
  assert.match(await byTestId(page, "scene-message").textContent(), /could not be made/);
  const signal = Number(await byTestId(page, "signal").textContent());
  assert.ok(signal >= 95 && signal <= 99, `the stored result carries the refund: ${signal}`);
  assert.deepEqual(problems, []);
});
