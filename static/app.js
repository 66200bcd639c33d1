// The web client: starts a turn with POST /api/turns, follows it with EventSource, and shows the
// stages, the streaming narrative, badges, economy, next actions, the scene with its hotspots
// and the world panels. The running turn lives in sessionStorage, so a reload reattaches to it.

import { language, setLanguage, t, translatePage } from "./i18n.js";
import { applyWorldDelta, initWorld, pick, renderWorld, setItemIcon, setSpritePending } from "./world.js";
import { clearHotspots, focusFirstHotspot, hasHotspots, initHotspots, renderHotspots, showHotspots } from "./hotspots.js";
import { $, renderStages, showBadges, showCards, showError, showNote, showScene, showWallet } from "./view.js";

const TURN_KEY = "uw.turn.v1";
const PLAYER_KEY = "uw.player.v1";
// How long the recovery path waits for a turn whose stream could not be followed to end.
const RESULT_POLLS = 60;

const pageQuery = new URLSearchParams(location.search);

const state = {
  balance: { signal: 100, memory_shard: 5 },
  imageUrl: null,
  source: null,
  turnDone: true,
  // The running (or last) turn as it is shown: what a reload needs to show it again.
  turn: null,
};

function readStored(storage, key) {
  try {
    return JSON.parse(storage.getItem(key));
  } catch {
    return null;
  }
}

function writeStored(storage, key, value) {
  try {
    storage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage denied: the page still plays, it only forgets on reload.
  }
}

function savePlayer() {
  writeStored(localStorage, PLAYER_KEY, { balance: state.balance, imageUrl: state.imageUrl });
}

function saveTurn() {
  if (state.turn) writeStored(sessionStorage, TURN_KEY, state.turn);
}

const isItemJob = (output) => output?.render?.image_job?.image_type_hint === "item";

/** Shows what `final` carries; safe to repeat (the world delta is applied once per turn). */
function showOutput(output) {
  const turn = state.turn;
  applyWorldDelta(turn.turnId, output.world);
  showWallet(state.balance, output.economy);
  showCards(output.ui.action_deck.cards, (card) => playTurn({ text: card.label, action_id: card.id }));
  showHotspots(output.ui.objects);
  const job = output.render.image_job;
  if (isItemJob(output)) {
    // A sprite belongs to the item the turn hands over; the scene keeps its last image.
    turn.spriteItem = output.world.inventory_added?.[0]?.id ?? null;
    if (turn.spriteItem && job.should_generate && !turn.rendered) setSpritePending(turn.spriteItem, true);
  } else if (job?.should_generate && !output.render.image_url && !turn.rendered) {
    showScene("pending", null, state.imageUrl);
  }
}

const handlers = {
  turn() {},
  stage(data) {
    state.turn.stages[data.name] = data.status;
    $("stages").querySelector(`[data-stage="${data.name}"]`)?.setAttribute("data-status", data.status);
  },
  narrative(data) {
    state.turn.narrative += data.text;
    $("narrative").textContent = state.turn.narrative;
  },
  repair() {
    state.turn.narrative = "";
    $("narrative").textContent = "";
  },
  badges(data) {
    state.turn.badges = data.badges;
    showBadges(data.badges);
  },
  error() {},
  final({ data: output }) {
    state.turn.output = output;
    state.balance = { ...output.economy.balance_after };
    savePlayer();
    showOutput(output);
  },
  render(data) {
    const turn = state.turn;
    turn.rendered = true;
    if (data.economy) {
      state.balance = { ...data.economy.balance_after };
      showWallet(state.balance, data.economy);
    }
    $("scene").dataset.render = data.status;
    if (isItemJob(turn.output)) {
      if (turn.spriteItem) setSpritePending(turn.spriteItem, false);
      if (data.status === "completed" && data.render.background_removed && data.render.image_url && turn.spriteItem) {
        setItemIcon(turn.spriteItem, data.render.image_url);
      }
      if (data.message) showNote(data.message);
    } else if (data.status === "completed" && data.render.image_url) {
      state.imageUrl = data.render.image_url;
      showScene("image", data.render.image_url, state.imageUrl);
    } else if (data.message) {
      showScene("message", data.message, state.imageUrl);
    } else if ($("scene").dataset.state === "pending") {
      showScene(state.imageUrl ? "image" : "empty", state.imageUrl, state.imageUrl);
    }
    finishTurn();
  },
};

function apply(name, event) {
  const id = Number(event.lastEventId);
  if (!state.turn || state.turnDone) return;
  if (id && id <= state.turn.lastEventId) return;
  showError(null);
  handlers[name](JSON.parse(event.data));
  if (id && state.turn) state.turn.lastEventId = id;
  saveTurn();
}

function finishTurn() {
  state.turnDone = true;
  state.source?.close();
  state.source = null;
  if (state.turn) {
    state.turn.done = true;
    saveTurn();
  }
  savePlayer();
  $("act").disabled = false;
  document.body.dataset.turn = "done";
}

/**
 * The `render` event a stored result stands for, when the stream that carried it is gone. The
 * stored render keeps no status: an image is a success, time spent without one is a failure
 * (its refund is already in the stored economy), and no attempt at all is a skip.
 */
function renderFromResult(output) {
  const render = output.render;
  const base = { reason: null, message: null, render, economy: output.economy, safety: null };
  if (render.image_url) return { ...base, status: "completed" };
  if (render.generation_time_ms !== null && render.generation_time_ms !== undefined) {
    return { ...base, status: "failed", message: t().imageFailed };
  }
  const message = render.image_job && output.economy.low_balance_warning ? t().imageSkipped : null;
  return { ...base, status: "skipped", message };
}

/** The stream is closed for good before its `render`: the turn goes on, so wait for its result. */
async function recover(resultUrl) {
  for (let attempt = 0; attempt < RESULT_POLLS && !state.turnDone; attempt += 1) {
    const response = await fetch(resultUrl, { cache: "no-store" }).catch(() => null);
    if (response?.status === 404) break;
    const result = response?.ok ? await response.json() : null;
    if (state.turnDone) return;
    if (result?.status === "complete" && result.output) {
      state.turn.narrative = result.output.narrative;
      $("narrative").textContent = result.output.narrative;
      handlers.final({ data: result.output });
      handlers.render(renderFromResult(result.output));
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  finishTurn();
}

function follow() {
  const turn = state.turn;
  const url = new URL(turn.eventsUrl, location.href);
  // A reload starts a new EventSource, which cannot send Last-Event-ID itself; the query can.
  if (turn.lastEventId > 0) url.searchParams.set("last_event_id", String(turn.lastEventId));
  const source = new EventSource(url);
  state.source = source;
  for (const name of Object.keys(handlers)) {
    source.addEventListener(name, (event) => {
      // The server's `error` event carries data; the browser's own connection error does not.
      if (name === "error" && event.data === undefined) return;
      if (source === state.source) apply(name, event);
    });
  }
  source.onerror = () => {
    if (state.turnDone || source !== state.source) return;
    if (source.readyState === EventSource.CONNECTING) {
      showError(t().lost);
      return;
    }
    state.source = null;
    recover(turn.resultUrl);
  };
}

function startShowingTurn(turn) {
  state.turn = turn;
  state.turnDone = turn.done;
  document.body.dataset.turn = turn.done ? "done" : "running";
  $("act").disabled = !turn.done;
  $("narrative").textContent = turn.narrative;
  showBadges(turn.badges);
  renderStages(turn.stages);
}

async function playTurn(action) {
  if (!state.turnDone) {
    showError(t().busy);
    return;
  }
  state.turnDone = false;
  document.body.dataset.turn = "running";
  $("act").disabled = true;
  $("narrative").textContent = "";
  showBadges([]);
  renderStages();
  clearHotspots();
  pick(null);
  showError(null);
  showNote(null);
  // The last turn's image message belongs to that turn; the last image stays until a new one.
  if ($("scene").dataset.state === "message") showScene(state.imageUrl ? "image" : "empty", state.imageUrl, state.imageUrl);
  const body = {
    language: language(),
    text: action.text ?? "",
    action_id: action.action_id ?? null,
    click: action.click ?? null,
    drop: action.drop ?? null,
    client: { viewport_w: innerWidth || 1280, viewport_h: innerHeight || 720, theme: "dark" },
    economy_snapshot: { ...state.balance },
    previous_image_url: state.imageUrl,
  };
  const query = new URLSearchParams();
  for (const key of ["seed", "mock_image"]) if (pageQuery.has(key)) query.set(key, pageQuery.get(key));
  try {
    const response = await fetch(`/api/turns${query.size ? `?${query}` : ""}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const answer = await response.json();
    if (response.status !== 202) throw new Error(answer.error?.message ?? response.statusText);
    startShowingTurn({
      turnId: answer.turn_id, eventsUrl: answer.events_url, resultUrl: answer.result_url, lastEventId: 0,
      narrative: "", stages: {}, badges: [], output: null, spriteItem: null, rendered: false, done: false,
    });
    saveTurn();
    follow();
  } catch (error) {
    showError(`${t().failedStart}: ${error.message}`);
    finishTurn();
  }
}

/** After a reload: the last turn as it was, reattached to its stream when it had not ended. */
function restoreTurn() {
  const stored = readStored(sessionStorage, TURN_KEY);
  if (!stored?.turnId || typeof stored.narrative !== "string") return false;
  startShowingTurn({ stages: {}, badges: [], lastEventId: 0, ...stored });
  if (stored.output) {
    if (!stored.done) state.balance = { ...stored.output.economy.balance_after };
    showOutput(stored.output);
  }
  if (!stored.done) follow();
  return true;
}

function readBalanceInputs() {
  const read = (id) => Math.max(0, Math.min(1_000_000_000, Math.trunc(Number($(id).value) || 0)));
  state.balance = { signal: read("set-signal"), memory_shard: read("set-shard") };
  savePlayer();
  showWallet(state.balance, null);
}

function onItemPicked(item) {
  renderHotspots();
  if (!item) {
    $("pick-status").textContent = "";
    return;
  }
  $("pick-status").textContent = hasHotspots() ? t().choose(item.label) : t().noTargets;
  focusFirstHotspot();
}

$("action-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("action-input").value.trim();
  if (!text) return;
  $("action-input").value = "";
  playTurn({ text });
});
$("language").value = language();
$("language").addEventListener("change", (event) => {
  setLanguage(event.target.value);
  translatePage();
  renderStages(state.turn?.stages);
  renderWorld();
  renderHotspots();
});
$("set-signal").addEventListener("change", readBalanceInputs);
$("set-shard").addEventListener("change", readBalanceInputs);
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape") pick(null);
});

initWorld(onItemPicked);
initHotspots({
  click: (object) => playTurn({ click: { object_id: object.id, box_2d: object.box_2d } }),
  drop: (itemId, object) => playTurn({ drop: { item_id: itemId, target_object_id: object.id, target_box_2d: object.box_2d } }),
});
translatePage();
renderStages();
const player = readStored(localStorage, PLAYER_KEY);
if (player?.balance) state.balance = { signal: Number(player.balance.signal) || 0, memory_shard: Number(player.balance.memory_shard) || 0 };
if (typeof player?.imageUrl === "string") {
  state.imageUrl = player.imageUrl;
  showScene("image", state.imageUrl, state.imageUrl);
}
showWallet(state.balance, null);
if (!restoreTurn()) {
  $("narrative").textContent = t().first;
  document.body.dataset.turn = "done";
}
