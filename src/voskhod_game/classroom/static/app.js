// The student page: join with a code, vote, and come back silently after a phone sleeps.
// Speaks the protocol in docs/classroom-protocol.md. No build step, no libraries.
"use strict";

const STORAGE_KEY = "voskhod.classroom";
const LANG_KEY = "voskhod.classroom.lang";
const $ = (id) => document.getElementById(id);

// -- words ---------------------------------------------------------------------
// The page's own words come from the server (/words?lang=), in the language the student
// picked (or the browser's). They are data: shown with textContent, values filled in here.
let words = {};
let lang = "";                   // the language the server gave us, e.g. "ru"
function t(key, values) {
  let text = Object.prototype.hasOwnProperty.call(words, key) ? words[key] : key;
  if (values) for (const [name, value] of Object.entries(values)) text = text.split("{" + name + "}").join(String(value));
  return text;
}
function storedLang() { try { return localStorage.getItem(LANG_KEY) || ""; } catch (e) { return ""; } }
function wantedLang() { return storedLang() || navigator.language || ""; }
async function loadWords(wanted) {
  let data = null;
  try {
    const response = await fetch("/words?lang=" + encodeURIComponent(wanted || ""), { cache: "no-store" });
    if (response.ok) data = await response.json();
  } catch (e) { /* keep the words the page has */ }
  if (!data) return false;
  words = data.words || {};
  lang = data.lang || "";
  document.documentElement.lang = (lang || "en").replace("_", "-");
  const pick = $("lang-pick");
  pick.replaceChildren();
  for (const choice of data.languages || []) {
    const option = el("option", choice.name);
    option.value = choice.code;
    option.lang = choice.code.replace("_", "-");
    option.selected = choice.code === lang;
    pick.append(option);
  }
  for (const node of document.querySelectorAll("[data-words]")) node.textContent = t(node.dataset.words);
  for (const node of document.querySelectorAll("[data-words-label]")) node.setAttribute("aria-label", t(node.dataset.wordsLabel));
  for (const node of document.querySelectorAll("[data-words-placeholder]")) node.placeholder = t(node.dataset.wordsPlaceholder);
  return true;
}

let ws = null;
let saved = loadSaved();        // {token, name} of this browser's place in the session
let state = null;               // the last full snapshot
let tally = null;               // the last tally
let myVote = null;              // {round, choice}
let pendingJoin = null;         // {code, name} waiting for a connection
let stopped = false;            // kicked or session over: do not reconnect
let retryDelay = 500;
let retryTimer = null;
let deadline = 0;               // performance.now() when the open round ends

function loadSaved() {
  try { return JSON.parse(localStorage.getItem(STORAGE_KEY) || "null"); } catch (e) { return null; }
}
function save(data) {
  saved = data;
  try {
    if (data) localStorage.setItem(STORAGE_KEY, JSON.stringify(data)); else localStorage.removeItem(STORAGE_KEY);
  } catch (e) { /* private mode: the session still works until the page closes */ }
}

function show(screen) {
  for (const id of ["join-screen", "game-screen", "out-screen"]) $(id).hidden = id !== screen;
}
function setLink(text) { $("link").textContent = text; }

// -- connection -------------------------------------------------------------
function connect() {
  if (stopped) return;
  clearTimeout(retryTimer);
  if (ws && (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING)) return;
  const scheme = location.protocol === "https:" ? "wss://" : "ws://";
  ws = new WebSocket(scheme + location.host + "/ws");
  ws.onopen = () => {
    retryDelay = 500;
    setLink("");
    if (pendingJoin) send({ type: "join", code: pendingJoin.code, name: pendingJoin.name, token: saved ? saved.token : undefined, lang });
    else if (saved && saved.token) send({ type: "resume", token: saved.token, lang });
    else showJoin("");
  };
  ws.onmessage = (event) => {
    let message;
    try { message = JSON.parse(event.data); } catch (e) { return; }
    handle(message);
  };
  ws.onclose = () => {
    ws = null;
    if (stopped) return;
    if (state) setLink(t("reconnecting"));
    retryTimer = setTimeout(connect, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 5000);
  };
}
function send(message) {
  if (ws && ws.readyState === WebSocket.OPEN) { ws.send(JSON.stringify(message)); return true; }
  connect();
  return false;
}
// A phone that wakes up or gets its network back reconnects at once instead of waiting for the backoff.
document.addEventListener("visibilitychange", () => { if (!document.hidden) { retryDelay = 500; connect(); } });
window.addEventListener("online", () => { retryDelay = 500; connect(); });
window.addEventListener("pageshow", () => connect());

// -- messages ---------------------------------------------------------------
function handle(m) {
  switch (m.type) {
    case "welcome":
      pendingJoin = null;
      save({ token: m.token, name: m.name });
      myVote = m.vote;
      $("me").textContent = t("you_are", { name: m.name });
      $("join").disabled = false;
      show("game-screen");
      break;
    case "state":
      if (state && m.version < state.version) break;
      state = m;
      tally = null;  // the state carries the counts as of now (or none, once the tally is hidden)
      if (m.round && m.round.status === "open") deadline = performance.now() + m.round.ms_left;
      renderState();
      break;
    case "tally":
      if (!state || !state.round || m.round !== state.round.number) break;
      tally = m;
      updateChoices();
      renderRound();
      break;
    case "voted":
      myVote = { round: m.round, choice: m.choice };
      $("vote-error").textContent = "";
      updateChoices();
      break;
    case "error":
      onError(m);
      break;
  }
}

function onError(m) {
  switch (m.code) {
    case "kicked":
      stopped = true;   // keep the token: a reload still shows this, and the server still refuses it
      showOut(t("left_title"), m.message);
      if (ws) ws.close();
      break;
    case "session_ended":
      if (state) { $("vote-error").textContent = m.message; break; }
      showOut(t("over_title"), m.message);
      stopped = true;
      break;
    case "unknown_token":
      save(null);
      showJoin(t("session_restarted"));
      break;
    case "wrong_code": case "room_locked": case "room_full": case "too_many_attempts":
      pendingJoin = null;
      showJoin(m.message);
      break;
    default:
      if (!$("game-screen").hidden) $("vote-error").textContent = m.message;
      else $("join-error").textContent = m.message;
  }
}

function showJoin(message) {
  show("join-screen");
  $("join").disabled = false;
  $("join-error").textContent = message;
  const fromLink = new URLSearchParams(location.hash.slice(1)).get("code");
  if (fromLink && !$("code").value) $("code").value = fromLink;
  ($("code").value ? $("name") : $("code")).focus();
}
function showOut(title, message) {
  show("out-screen");
  $("out-title").textContent = title;
  $("out-message").textContent = message;
}

$("join-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const code = $("code").value.trim();
  if (!code) { $("join-error").textContent = t("type_code"); return; }
  pendingJoin = { code, name: $("name").value.trim() };
  $("join").disabled = true;
  $("join-error").textContent = "";
  if (!send({ type: "join", code: pendingJoin.code, name: pendingJoin.name, token: saved ? saved.token : undefined, lang })) {
    $("join-error").textContent = t("connecting");
  }
});

// -- rendering --------------------------------------------------------------
// Every text from the server goes in with textContent (or as text nodes): a nickname or a
// story line is never parsed as HTML. Story text uses *emphasis* and **strong**.
function renderMarkup(parent, text) {
  for (const raw of text.split(/\n\s*\n/)) {
    const para = raw.trim().replace(/\s+/g, " ");  // writers wrap lines by hand; the browser wraps them
    if (!para) continue;
    const p = document.createElement("p");
    for (const part of para.split(/(\*\*[^*\n]+\*\*|\*[^*\n]+\*)/)) {
      if (!part) continue;
      if (part.startsWith("**") && part.endsWith("**") && part.length > 4) {
        const b = document.createElement("strong"); b.textContent = part.slice(2, -2); p.append(b);
      } else if (part.startsWith("*") && part.endsWith("*") && part.length > 2) {
        const i = document.createElement("em"); i.textContent = part.slice(1, -1); p.append(i);
      } else {
        p.append(part);
      }
    }
    parent.append(p);
  }
}
function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

const voting = () => state && state.round && (state.status === "open" || state.status === "paused") && !state.ended;
let lastPhase = "";   // round number + status last announced, so a tally is never read out

function renderState() {
  const s = state;
  const phase = s.round ? `${s.round.number}:${s.status}` : s.status;
  // The voting view: the vote bar and the choices come first, the story below them.
  document.body.classList.toggle("voting", !!voting());
  document.body.classList.toggle("ended", !!s.ended);
  const titleKey = s.ended ? "title_debrief" : s.status === "open" ? "title_vote" : s.status === "paused" ? "title_paused"
    : s.round && (s.status === "resolved" || s.status === "closed") ? "title_result" : "";
  document.title = titleKey ? t(titleKey, { title: s.title }) : s.title;
  $("title").textContent = s.title;
  $("where").textContent = t("where", { number: s.scene.number, count: s.scene.count, title: s.scene.title, clock: s.clock });
  const meters = $("meters");
  meters.replaceChildren();
  for (const m of s.meters) {
    const box = el("div", undefined, "meter " + m.state);
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", t("meter_aria", { label: m.label, value: m.display, state: t("meter_" + m.state) }));
    const bar = el("div", undefined, "bar");
    const fill = document.createElement("span"); fill.style.width = Math.round(m.fraction * 100) + "%";
    bar.append(fill);
    box.append(el("div", m.label, "label"), el("div", m.display, "value"), bar);
    meters.append(box);
  }
  const story = $("story");
  story.replaceChildren();
  if (s.heading) story.append(el("h2", s.heading));
  if (s.basis) story.append(el("p", s.basis, "basis"));
  renderMarkup(story, s.text);
  renderReading();
  renderResult();
  renderRound();
  buildChoices();
  renderEnding();
  if (phase !== lastPhase) {
    if ((s.status === "open" && !lastPhase.startsWith(`${s.round.number}:`)) || s.ended) window.scrollTo(0, 0);
    lastPhase = phase;
    $("announce").textContent = announcement();
  }
}

function announcement() {
  const s = state, r = s.round;
  if (s.ended) return t("announce_over");
  if (s.status === "open") return t("announce_open", { choices: r.choices.length, seconds: Math.ceil(r.ms_left / 1000) });
  if (s.status === "paused") return t("status_paused");
  if (s.status === "closed" || s.status === "resolved") return r.summary;
  return "";
}

// -- reading: history notes and glossary, each a button that opens its panel -------------
const opened = { notes: false, glossary: false, facts: false };
function toggle(name, button, panel) {
  opened[name] = !opened[name];
  button.setAttribute("aria-expanded", String(opened[name]));
  panel.hidden = !opened[name];
  if (opened[name]) panel.scrollIntoView({ block: "nearest" });
}
$("notes-button").addEventListener("click", () => toggle("notes", $("notes-button"), $("notes-panel")));
$("glossary-button").addEventListener("click", () => toggle("glossary", $("glossary-button"), $("glossary-panel")));

function factList(facts) {
  const ul = el("ul", undefined, "facts");
  for (const f of facts) {
    const li = el("li", f.text);
    if (f.source) li.append(el("span", t("source", { source: f.source }), "source"));
    ul.append(li);
  }
  return ul;
}

function renderReading() {
  const s = state;
  const notes = s.notes, glossary = s.glossary || [];
  const hasNotes = !!notes && !s.ending, hasGlossary = glossary.length > 0;
  $("reading").hidden = !(hasNotes || hasGlossary);
  for (const [name, has] of [["notes", hasNotes], ["glossary", hasGlossary]]) {
    $(name + "-button").hidden = !has;
    if (!has) opened[name] = false;
    $(name + "-button").setAttribute("aria-expanded", String(opened[name]));
    $(name + "-panel").hidden = !opened[name];
  }
  const nb = $("notes-body");
  nb.replaceChildren();
  if (hasNotes) {
    if (notes.basis) {
      const p = el("p", undefined, "basis-note");
      p.append(el("strong", notes.basis), " — " + notes.meaning);
      nb.append(p);
    }
    if (notes.note) renderMarkup(nb, notes.note);
    if (notes.facts.length) nb.append(factList(notes.facts));
  }
  const gb = $("glossary-body");
  gb.replaceChildren();
  for (const section of glossary) {
    gb.append(el("h3", section.heading));
    const dl = el("dl", undefined, "glossary");
    for (const term of section.terms) dl.append(el("dt", term.term), el("dd", term.definition));
    gb.append(dl);
  }
}

// The full split of the last vote, as a chart that stays until the next vote opens.
function renderResult() {
  const r = state.round;
  const box = $("result");
  const show = r && (state.status === "resolved" || state.status === "closed") && r.counts;
  box.hidden = !show;
  if (!show) return;
  $("result-head").textContent = r.summary;
  const list = $("split");
  list.replaceChildren();
  const total = Object.values(r.counts).reduce((a, b) => a + b, 0);
  for (const id of r.choices) {
    const n = r.counts[id] || 0;
    const pct = total ? Math.round(n * 100 / total) : 0;
    const li = el("li", undefined, id === r.winner ? "winner" : "");
    const label = el("span", r.labels[id] || id, "label");
    if (id === r.winner) label.append(el("span", " ✔ " + t("chosen"), "tag"));
    if (myVote && myVote.round === r.number && myVote.choice === id) label.append(el("span", " · " + t("your_vote_tag"), "tag mine"));
    const count = el("span", `${n} (${pct}%)`, "n");
    const bar = el("span", undefined, "bar");
    const fill = document.createElement("span"); fill.style.width = pct + "%"; bar.append(fill);
    bar.setAttribute("aria-hidden", "true");
    li.append(label, count, bar);
    list.append(li);
  }
  $("mine").textContent = myVote && myVote.round === r.number && r.winner
    ? (myVote.choice === r.winner ? t("voted_for_it") : t("voted_other")) : "";
  const text = $("result-text");
  text.replaceChildren();
  if (r.result && state.status === "resolved") renderMarkup(text, r.result);
}

function statusText() {
  const s = state, r = s.round;
  if (s.ended) return t("status_over");
  if (s.ending) return t("status_ending");
  if (!r || s.status === "idle" || s.status === "resolved") return t("status_wait");
  if (s.status === "open") return myVote && myVote.round === r.number ? t("status_can_change") : t("status_vote_now");
  if (s.status === "paused") return t("status_paused");
  if (s.status === "closed") return r.summary;
  return "";
}

function currentTally() {
  const r = state.round;
  if (tally) return { counts: tally.counts, texts: tally.count_texts, turnout: tally.turnout };
  return { counts: r ? r.counts : null, texts: r ? r.count_texts : null, turnout: r ? r.turnout : "" };
}

function renderRound() {
  if (!state) return;
  const live = voting() ? currentTally() : null;
  $("round-status").textContent = statusText() + (live && live.turnout ? ` · ${live.turnout}` : "");
  $("round").classList.toggle("hidden-tally", !!(voting() && state.round.hidden));
  tick();
}

function tick() {
  const box = $("countdown");
  if (!voting()) { box.textContent = ""; return; }
  const ms = state.status === "paused" ? state.round.ms_left : Math.max(0, deadline - performance.now());
  const secs = Math.ceil(ms / 1000);
  box.textContent = (state.status === "paused" ? "⏸ " : "") + `${Math.floor(secs / 60)}:${String(secs % 60).padStart(2, "0")}`;
  box.classList.toggle("low", secs <= 5 && state.status === "open");
}
setInterval(tick, 250);

// The buttons are built once per beat and round; tallies and votes only change them in place,
// so a finger or the keyboard focus on a button is never pulled away while votes come in.
let builtFor = "";
function buildChoices() {
  const s = state, r = s.round;
  const key = JSON.stringify([r && voting() ? r.number : 0, s.choices]);
  const list = $("choices");
  if (key !== builtFor) {
    builtFor = key;
    list.replaceChildren();
    for (const c of s.choices) {
      const button = el("button", undefined, "choice");
      button.type = "button";
      button.dataset.choice = c.id;
      const text = el("span", `${c.number}. ${c.label}`, "text");
      if (c.minutes) text.append(` (${c.cost}${c.risky ? ", " + t("risky") : ""})`);
      button.append(el("span", undefined, "fill"), text);
      if (!c.enabled && c.reason) button.append(el("span", c.reason, "reason"));
      button.append(el("span", "", "count"), el("span", "", "tag"));
      button.addEventListener("click", () => vote(c.id));
      const li = document.createElement("li");
      li.append(button);
      list.append(li);
    }
  }
  list.hidden = !!s.ending || s.ended;
  updateChoices();
}

function updateChoices() {
  if (!state) return;
  const r = state.round;
  const open = state.status === "open" && r && !state.ended;
  const live = voting() ? currentTally() : { counts: null };
  const counts = live.counts;
  const total = counts ? Object.values(counts).reduce((a, b) => a + b, 0) : 0;
  for (const button of $("choices").querySelectorAll("button.choice")) {
    const id = button.dataset.choice;
    const inRound = r && voting() && r.choices.includes(id);
    button.disabled = !open || !inRound;
    // The student's own vote stays marked while the vote is paused too.
    const mine = !!(inRound && myVote && myVote.round === r.number && myVote.choice === id);
    button.classList.toggle("mine", mine);
    button.setAttribute("aria-pressed", mine ? "true" : "false");
    button.querySelector(".tag").textContent = mine ? t("your_vote") : "";
    const n = counts && counts[id] !== undefined ? counts[id] : null;
    button.querySelector(".count").textContent = n === null || !live.texts ? "" : live.texts[id];
    button.querySelector(".fill").style.width = n === null || !total ? "0%" : Math.round(n * 100 / total) + "%";
  }
}

function vote(choice) {
  if (!state || !state.round) return;
  $("vote-error").textContent = "";
  if (!send({ type: "vote", round: state.round.number, choice })) $("vote-error").textContent = t("vote_reconnecting");
}

function renderEnding() {
  const s = state;
  const box = $("ending");
  box.replaceChildren();
  // The story above already shows the ending's title and text; this panel adds only what is new.
  box.hidden = !(s.ending && s.ending.debrief);
  if (s.ending && s.ending.debrief) renderMarkup(box, s.ending.debrief);
  const d = $("debrief");
  d.replaceChildren();
  d.hidden = !s.debrief;
  if (!s.debrief) return;
  const b = s.debrief;
  d.append(el("h2", t("class_debrief")));
  if (b.summary) {
    d.append(el("h3", b.summary.heading));
    const ul = el("ul", undefined, "summary");
    for (const point of b.summary.points) ul.append(el("li", point));
    d.append(ul);
  }
  if (b.path.length) {
    d.append(el("h3", t("path_heading")));
    const ol = el("ol");
    for (const step of b.path) ol.append(el("li", `${step.scene}: ${step.choice} (${step.how})`));
    d.append(ol);
  }
  if (b.closest.length) {
    d.append(el("h3", t("closest_heading")));
    const ul = el("ul");
    for (const c of b.closest) ul.append(el("li", t("round_line", { round: c.round, split: c.split, close: c.close })));
    d.append(ul);
  }
  if (b.comparisons.length) d.append(table(t("comparisons_heading"), b.comparisons.map((c) => [c.label, c.yours, c.real]), b.reference_label));
  if (b.timeline.length) d.append(table(t("timeline_heading"), b.timeline.map((row) => [row.label, row.yours, row.real]), b.reference_label));
  d.append(el("h3", t("talk_heading")));
  for (const group of b.scene_questions || []) {
    d.append(el("h4", group.scene));
    const list = el("ul", undefined, "questions");
    for (const question of group.questions) list.append(el("li", question));
    d.append(list);
  }
  if ((b.scene_questions || []).length) d.append(el("h4", t("after_session")));
  const ul = el("ul", undefined, "questions");
  for (const question of b.questions) ul.append(el("li", question));
  d.append(ul);
  if ((b.facts || []).length || (b.sources || []).length) {
    const button = el("button", b.facts_title, "reading-button");
    button.type = "button";
    button.id = "facts-button";
    button.setAttribute("aria-controls", "facts-panel");
    button.setAttribute("aria-expanded", String(opened.facts));
    const panel = el("section", undefined, "reading-panel");
    panel.id = "facts-panel";
    panel.setAttribute("aria-label", b.facts_title);
    panel.hidden = !opened.facts;
    if (b.facts.length) panel.append(factList(b.facts));
    if (b.sources.length) {
      panel.append(el("h3", t("sources")));
      const list = el("ul", undefined, "sources");
      for (const src of b.sources) {
        const li = el("li", src.citation);
        if (src.reliability) li.append(el("span", src.reliability, "reliability"));
        list.append(li);
      }
      panel.append(list);
    }
    button.addEventListener("click", () => toggle("facts", button, panel));
    d.append(button, panel);
  }
}

function table(caption, rows, reference) {
  const grid = el("table");
  grid.append(el("caption", caption));
  const head = el("tr");
  for (const text of ["", t("the_class"), reference || t("history")]) {
    const th = el("th", text); th.scope = "col"; head.append(th);
  }
  grid.append(head);
  for (const row of rows) {
    const tr = el("tr");
    const th = el("th", row[0]); th.scope = "row"; tr.append(th);
    tr.append(el("td", row[1]), el("td", row[2]));
    grid.append(tr);
  }
  return grid;
}

// Switching language: new words now, and the story again from the server in that language.
$("lang-pick").addEventListener("change", async (event) => {
  const wanted = event.target.value;
  try { localStorage.setItem(LANG_KEY, wanted); } catch (e) { /* private mode: this page only */ }
  if (!(await loadWords(wanted))) return;
  if (state) send({ type: "language", lang });
  if (state) renderState();
  if (!$("game-screen").hidden && saved) $("me").textContent = t("you_are", { name: saved.name });
});

// -- start ------------------------------------------------------------------
loadWords(wantedLang()).finally(() => {
  if (!(saved && saved.token)) showJoin("");
  connect();
});
