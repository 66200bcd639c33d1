// The web client: starts a turn with POST /api/turns, follows it with EventSource, and shows the
// stages, the streaming narrative, badges, economy, next actions and the scene image.

const STAGES = ["parse", "validate", "plan", "resolve", "render", "verify", "commit"];

const TEXT = {
  "en-US": {
    title: "Undertow", signal: "Signal", shard: "Memory Shard", lowBalance: "Low balance", language: "Language",
    painting: "The scene is being painted…", actionLabel: "Your action", placeholder: "What do you do?", act: "Act",
    settings: "Balance", cost: (s, m) => `Last turn: −${s} Signal${m ? `, −${m} Shard` : ""}`,
    stages: { parse: "Parse", validate: "Validate", plan: "Plan", resolve: "Resolve", render: "Render", verify: "Verify", commit: "Commit" },
    busy: "A turn is still running.", failedStart: "The turn could not start", lost: "Connection lost; reconnecting…",
    first: "Type an action to begin.", risk: { low: "low risk", medium: "medium risk", high: "high risk" },
    imageFailed: "The image could not be made; the story continues in text.",
  },
  "ko-KR": {
    title: "언더토우", signal: "시그널", shard: "메모리 샤드", lowBalance: "잔액 부족", language: "언어",
    painting: "장면을 그리는 중…", actionLabel: "행동", placeholder: "무엇을 하시겠습니까?", act: "행동하기",
    settings: "잔액", cost: (s, m) => `지난 턴: 시그널 −${s}${m ? `, 샤드 −${m}` : ""}`,
    stages: { parse: "해석", validate: "검증", plan: "계획", resolve: "해결", render: "렌더", verify: "확인", commit: "확정" },
    busy: "아직 턴이 진행 중입니다.", failedStart: "턴을 시작하지 못했습니다", lost: "연결이 끊겨 다시 연결하는 중…",
    first: "행동을 입력해 시작하세요.", risk: { low: "낮은 위험", medium: "중간 위험", high: "높은 위험" },
    imageFailed: "이미지를 만들지 못해 텍스트로 계속합니다.",
  },
};

const $ = (id) => document.querySelector(`[data-testid="${id}"]`);
const pageQuery = new URLSearchParams(location.search);

const state = {
  language: pageQuery.get("lang") === "ko-KR" ? "ko-KR" : "en-US",
  balance: { signal: 100, memory_shard: 5 },
  imageUrl: null,
  source: null,
  // The id of the last event applied, so a replay after a reconnect never repeats text.
  lastEventId: 0,
  turnDone: true,
};

function t() {
  return TEXT[state.language];
}

function translatePage() {
  document.documentElement.lang = state.language === "ko-KR" ? "ko" : "en";
  for (const element of document.querySelectorAll("[data-i18n]")) {
    const value = t()[element.dataset.i18n];
    if (typeof value === "string") element.textContent = value;
  }
  for (const element of document.querySelectorAll("[data-i18n-placeholder]")) {
    element.placeholder = t()[element.dataset.i18nPlaceholder];
  }
  renderStages({});
}

function renderStages(statuses) {
  const list = $("stages");
  list.replaceChildren(...STAGES.map((name) => {
    const item = document.createElement("li");
    item.textContent = t().stages[name];
    item.dataset.stage = name;
    if (statuses[name]) item.dataset.status = statuses[name];
    return item;
  }));
}

function setStage(name, status) {
  const item = $("stages").querySelector(`[data-stage="${name}"]`);
  if (item) item.dataset.status = status;
}

function showWallet(economy) {
  $("signal").textContent = state.balance.signal;
  $("shard").textContent = state.balance.memory_shard;
  $("set-signal").value = state.balance.signal;
  $("set-shard").value = state.balance.memory_shard;
  if (economy) {
    $("cost").hidden = false;
    $("cost").textContent = t().cost(economy.cost.signal, economy.cost.memory_shard);
    $("low-balance").hidden = !economy.low_balance_warning;
  }
}

function showScene(kind, detail) {
  const frame = $("scene");
  frame.dataset.state = kind;
  $("scene-placeholder").hidden = kind !== "pending";
  $("scene-message").hidden = kind !== "message";
  if (kind === "message") $("scene-message").textContent = detail;
  const image = $("scene-image");
  if (kind === "image") {
    image.classList.remove("shown");
    image.onload = () => image.classList.add("shown");
    image.src = detail;
    image.hidden = false;
  } else if (kind !== "message" || !state.imageUrl) {
    image.hidden = kind !== "pending" || !state.imageUrl;
  }
}

function showCards(cards) {
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
    button.addEventListener("click", () => playTurn(card.label, card.id));
    return button;
  }));
}

function showBadges(badges) {
  $("badges").replaceChildren(...badges.map((badge) => {
    const item = document.createElement("li");
    item.textContent = badge;
    item.dataset.ok = String(!/_(fail|blocked)$/.test(badge));
    return item;
  }));
}

function showError(message) {
  $("error").hidden = !message;
  $("error").textContent = message ?? "";
}

const handlers = {
  turn() {},
  stage(data) {
    setStage(data.name, data.status);
  },
  narrative(data) {
    $("narrative").textContent += data.text;
  },
  repair() {
    $("narrative").textContent = "";
  },
  badges(data) {
    showBadges(data.badges);
  },
  error() {},
  final({ data: output }) {
    state.balance = { ...output.economy.balance_after };
    showWallet(output.economy);
    showCards(output.ui.action_deck.cards);
    const render = output.render;
    if (render.image_job?.should_generate && !render.image_url) showScene("pending");
  },
  render(data) {
    if (data.economy) {
      state.balance = { ...data.economy.balance_after };
      showWallet(data.economy);
    }
    if (data.status === "completed" && data.render.image_url) {
      state.imageUrl = data.render.image_url;
      showScene("image", data.render.image_url);
    } else if (data.message) {
      showScene("message", data.message);
    } else if ($("scene").dataset.state === "pending") {
      showScene(state.imageUrl ? "image" : "empty", state.imageUrl);
    }
    finishTurn();
  },
};

function apply(name, event) {
  const id = Number(event.lastEventId);
  if (id && id <= state.lastEventId) return;
  if (id) state.lastEventId = id;
  showError(null);
  handlers[name](JSON.parse(event.data));
}

function finishTurn() {
  state.turnDone = true;
  state.source?.close();
  state.source = null;
  $("act").disabled = false;
  document.body.dataset.turn = "done";
}

function follow(eventsUrl, resultUrl) {
  const source = new EventSource(eventsUrl);
  state.source = source;
  for (const name of Object.keys(handlers)) {
    source.addEventListener(name, (event) => {
      // The server's `error` event carries data; the browser's own connection error does not.
      if (name === "error" && event.data === undefined) return;
      apply(name, event);
    });
  }
  source.onerror = async () => {
    if (state.turnDone) return;
    if (source.readyState === EventSource.CONNECTING) {
      showError(t().lost);
      return;
    }
    // The stream is closed for good before its render event: the result is still on the server.
    const awaitedImage = $("scene").dataset.state === "pending";
    const result = await fetchResult(resultUrl);
    if (result?.output) {
      handlers.final({ data: result.output });
      if (result.status === "complete") handlers.render(recoveredRender(result.output.render, awaitedImage));
    }
    finishTurn();
  };
}

/** The turn's stored result, once complete (or as it stands after about ten seconds). */
async function fetchResult(resultUrl) {
  let result = null;
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const response = await fetch(resultUrl).catch(() => null);
    result = response?.ok ? await response.json() : result;
    if (result?.status === "complete") break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return result;
}

/** A render event rebuilt from a stored result: an awaited image that has no URL failed. */
function recoveredRender(render, awaitedImage) {
  if (render.image_url) return { status: "completed", render, economy: null };
  if (awaitedImage) return { status: "failed", render, economy: null, message: t().imageFailed };
  return { status: "skipped", render, economy: null };
}

async function playTurn(text, actionId = null) {
  if (!state.turnDone) {
    showError(t().busy);
    return;
  }
  state.turnDone = false;
  state.lastEventId = 0;
  document.body.dataset.turn = "running";
  $("act").disabled = true;
  $("narrative").textContent = "";
  showBadges([]);
  renderStages({});
  showError(null);
  const body = {
    language: state.language,
    text,
    action_id: actionId,
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
    follow(answer.events_url, answer.result_url);
  } catch (error) {
    showError(`${t().failedStart}: ${error.message}`);
    finishTurn();
  }
}

function readBalanceInputs() {
  const read = (id) => Math.max(0, Math.min(1_000_000_000, Math.trunc(Number($(id).value) || 0)));
  state.balance = { signal: read("set-signal"), memory_shard: read("set-shard") };
  showWallet(null);
}

$("action-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("action-input").value.trim();
  if (!text) return;
  $("action-input").value = "";
  playTurn(text);
});
$("language").value = state.language;
$("language").addEventListener("change", (event) => {
  state.language = event.target.value;
  translatePage();
});
$("set-signal").addEventListener("change", readBalanceInputs);
$("set-shard").addEventListener("change", readBalanceInputs);

translatePage();
showWallet(null);
$("narrative").textContent = t().first;
document.body.dataset.turn = "done";
