// What every browser test shares: headless Debian Chromium driven by playwright-core against a
// running server (UW_URL), pages that always close, turns played through the page, the stored
// result of a turn, a TCP relay that cuts or refuses streams, and the axe-core check.

import { after, before } from "node:test";
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer, connect } from "node:net";
import { join } from "node:path";
import { chromium } from "playwright-core";

export const BASE_URL = process.env.UW_URL ?? "http://127.0.0.1:8011";
const SCREENSHOT_DIR = process.env.UW_SCREENSHOT_DIR ?? "target/browser";
// Generous on purpose: images are painted on the lowest-priority threads, which a machine busy
// with builds starves for many seconds; every wait ends as soon as its condition holds.
const WAIT_MS = Number(process.env.UW_BROWSER_WAIT_MS ?? 120_000);
/** Options of every test: one that hangs fails on its own instead of holding the suite. */
export const TEST = { timeout: Number(process.env.TEST_TIMEOUT_MS ?? 420_000) };
const AXE_SCRIPT = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

let browser;

/** Launches one browser for the calling test file and closes it after its last test. */
export function useBrowser() {
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
}

/**
 * Runs `body` with a fresh page (its own profile: empty storage) and closes it whatever happens.
 * `pageErrors` collects uncaught page errors; a test asserts it stays empty.
 */
export async function withPage({ url = BASE_URL, query = "", viewport = { width: 1280, height: 800 } }, body) {
  const context = await browser.newContext({ viewport });
  context.setDefaultTimeout(WAIT_MS);
  try {
    const page = await context.newPage();
    const pageErrors = [];
    page.on("pageerror", (error) => pageErrors.push(error.message));
    await page.goto(`${url}/${query}`);
    return await body(page, pageErrors);
  } finally {
    await context.close();
  }
}

export const byTestId = (page, id) => page.locator(`[data-testid="${id}"]`);

export async function setBalance(page, signal) {
  await page.locator(".settings summary").click();
  await byTestId(page, "set-signal").fill(String(signal));
  await byTestId(page, "set-signal").dispatchEvent("change");
}

export async function act(page, text) {
  await byTestId(page, "action-input").fill(text);
  await byTestId(page, "act").click();
}

export const turnDone = (page) => page.waitForFunction(() => document.body.dataset.turn === "done");

/** Runs `start` and returns the TurnInput the page posted because of it. */
export async function postedTurn(page, start) {
  const [request] = await Promise.all([
    page.waitForRequest((request) => request.method() === "POST" && new URL(request.url()).pathname === "/api/turns"),
    start(),
  ]);
  return request.postDataJSON();
}

/**
 * Reopens the page with another `mock_image`: the page restores its last turn (hotspots included)
 * and its world, so a next turn can act on them without painting another item.
 */
export async function useMockImage(page, mode) {
  const url = new URL(page.url());
  url.searchParams.set("mock_image", mode);
  await page.goto(url.toString());
}

/** Plays a typed turn to its end. */
export async function playTyped(page, text) {
  await act(page, text);
  await turnDone(page);
}

/** The id of the turn the page shows, as it keeps it for a reload. */
export const shownTurnId = (page) => page.evaluate(() => JSON.parse(sessionStorage.getItem("uw.turn.v1")).turnId);

/** The server's stored result of a turn. */
export async function storedResult(turnId) {
  const response = await fetch(`${BASE_URL}/api/turns/${turnId}`);
  if (!response.ok) throw new Error(`GET /api/turns/${turnId}: ${response.status}`);
  return response.json();
}

export const sceneImageLoaded = (page) =>
  page.waitForFunction(() => {
    const image = document.querySelector('[data-testid="scene-image"]');
    return !image.hidden && image.complete && image.naturalWidth > 0;
  });

export async function screenshot(page, name) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, name), fullPage: true });
}

/** The serious and critical axe-core violations of the page as it is now, as readable lines. */
export async function seriousViolations(page) {
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.addScriptTag({ path: AXE_SCRIPT });
  const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ["violations"] })).violations);
  return violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => `${violation.impact} ${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`);
}

/**
 * A TCP relay in front of the server. Armed with a marker, it ends the first connection whose
 * answer carries that marker right after relaying it, as a network drop would: the drop happens
 * at the same point of the stream however fast or slow the machine is. With `refuseAfter`, it
 * answers every event-stream request after the drop `503`, so the browser gives the stream up.
 */
export async function startRelay(target) {
  const { hostname, port } = new URL(target);
  const sockets = new Set();
  let marker = null;
  let drops = 0;
  let refuse = false;
  let refuseAfterDrop = false;
  const relay = createServer((client) => {
    const upstream = connect(Number(port), hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {});
    }
    client.on("data", (chunk) => {
      if (refuse && /^GET \/api\/turns\/[^ ]+\/events/.test(chunk.toString("latin1"))) {
        client.end("HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        upstream.destroy();
        return;
      }
      upstream.write(chunk);
    });
    client.on("end", () => upstream.end());
    upstream.on("data", (chunk) => {
      client.write(chunk);
      if (marker && chunk.includes(marker)) {
        marker = null;
        drops += 1;
        refuse = refuseAfterDrop;
        upstream.destroy();
        client.end();
      }
    });
    upstream.on("end", () => client.end());
  });
  await new Promise((resolve) => relay.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${relay.address().port}`,
    dropAfter: (text, { refuseAfter = false } = {}) => {
      marker = Buffer.from(text);
      refuseAfterDrop = refuseAfter;
    },
    drops: () => drops,
    close: () => new Promise((resolve) => { sockets.forEach((socket) => socket.destroy()); relay.close(resolve); }),
  };
}
