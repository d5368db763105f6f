// The student page: join with a code, vote, and come back silently after a phone sleeps.
// Speaks the protocol in docs/classroom-protocol.md. No build step, no libraries.
"use strict";

const STORAGE_KEY = "voskhod.classroom";
const $ = (id) => document.getElementById(id);

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
    if (pendingJoin) send({ type: "join", code: pendingJoin.code, name: pendingJoin.name, token: saved ? saved.token : undefined });
    else if (saved && saved.token) send({ type: "resume", token: saved.token });
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
    if (state) setLink("Reconnecting…");
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
      $("me").textContent = "You are " + m.name;
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
      showOut("You have left the session", m.message);
      if (ws) ws.close();
      break;
    case "session_ended":
      if (state) { $("vote-error").textContent = m.message; break; }
      showOut("The session is over", m.message);
      stopped = true;
      break;
    case "unknown_token":
      save(null);
      showJoin("That session is over or was restarted from scratch. Join again with the new code.");
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
  if (!code) { $("join-error").textContent = "Type the join code from the projector."; return; }
  pendingJoin = { code, name: $("name").value.trim() };
  $("join").disabled = true;
  $("join-error").textContent = "";
  if (!send({ type: "join", code: pendingJoin.code, name: pendingJoin.name, token: saved ? saved.token : undefined })) {
    $("join-error").textContent = "Connecting…";
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
  document.title = (s.ended ? "Debrief · " : s.status === "open" ? "Vote now · " : s.status === "paused" ? "Vote paused · "
    : s.round && (s.status === "resolved" || s.status === "closed") ? "Result · " : "") + s.title;
  $("title").textContent = s.title;
  $("where").textContent = `Scene ${s.scene.number} of ${s.scene.count}: ${s.scene.title} · ${s.clock}`;
  const meters = $("meters");
  meters.replaceChildren();
  for (const m of s.meters) {
    const box = el("div", undefined, "meter " + m.state);
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", `${m.label}: ${m.display}, ${m.state}`);
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
  if (s.ended) return "The session is over. The class debrief is on screen.";
  if (s.status === "open") return `Vote open: ${r.choices.length} choices, ${Math.ceil(r.ms_left / 1000)} seconds.`;
  if (s.status === "paused") return "The vote is paused.";
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
    if (f.source) li.append(el("span", "Source: " + f.source, "source"));
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
    for (const t of section.terms) dl.append(el("dt", t.term), el("dd", t.definition));
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
    if (id === r.winner) label.append(el("span", " ✔ chosen", "tag"));
    if (myVote && myVote.round === r.number && myVote.choice === id) label.append(el("span", " · your vote", "tag mine"));
    const count = el("span", `${n} (${pct}%)`, "n");
    const bar = el("span", undefined, "bar");
    const fill = document.createElement("span"); fill.style.width = pct + "%"; bar.append(fill);
    bar.setAttribute("aria-hidden", "true");
    li.append(label, count, bar);
    list.append(li);
  }
  $("mine").textContent = myVote && myVote.round === r.number && r.winner
    ? (myVote.choice === r.winner ? "You voted for it." : "You voted for something else.") : "";
  const text = $("result-text");
  text.replaceChildren();
  if (r.result && state.status === "resolved") renderMarkup(text, r.result);
}

function statusText() {
  const s = state, r = s.round;
  if (s.ended) return "The session is over.";
  if (s.ending) return "The story has reached its ending. Wait for the debrief.";
  if (!r || s.status === "idle" || s.status === "resolved") return "Wait for the teacher to open the vote.";
  if (s.status === "open") return myVote && myVote.round === r.number ? "Vote open: you can change your vote." : "Vote now!";
  if (s.status === "paused") return "The vote is paused.";
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
      if (c.minutes) text.append(` (${c.cost}${c.risky ? ", risky" : ""})`);
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
    button.querySelector(".tag").textContent = mine ? "Your vote" : "";
    const n = counts && counts[id] !== undefined ? counts[id] : null;
    button.querySelector(".count").textContent = n === null || !live.texts ? "" : live.texts[id];
    button.querySelector(".fill").style.width = n === null || !total ? "0%" : Math.round(n * 100 / total) + "%";
  }
}

function vote(choice) {
  if (!state || !state.round) return;
  $("vote-error").textContent = "";
  if (!send({ type: "vote", round: state.round.number, choice })) $("vote-error").textContent = "Reconnecting… vote again in a moment.";
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
  d.append(el("h2", "Class debrief"));
  if (b.summary) {
    d.append(el("h3", b.summary.heading));
    const ul = el("ul", undefined, "summary");
    for (const point of b.summary.points) ul.append(el("li", point));
    d.append(ul);
  }
  if (b.path.length) {
    d.append(el("h3", "The path the class took"));
    const ol = el("ol");
    for (const step of b.path) ol.append(el("li", `${step.scene}: ${step.choice} (${step.how})`));
    d.append(ol);
  }
  if (b.closest.length) {
    d.append(el("h3", "The closest votes"));
    const ul = el("ul");
    for (const c of b.closest) ul.append(el("li", `Round ${c.round}: ${c.split} (${c.close})`));
    d.append(ul);
  }
  if (b.comparisons.length) d.append(table("The class and the reference", b.comparisons.map((c) => [c.label, c.yours, c.real]), b.reference_label));
  if (b.timeline.length) d.append(table("Timeline", b.timeline.map((t) => [t.label, t.yours, t.real]), b.reference_label));
  d.append(el("h3", "To talk about"));
  for (const group of b.scene_questions || []) {
    d.append(el("h4", group.scene));
    const list = el("ul", undefined, "questions");
    for (const question of group.questions) list.append(el("li", question));
    d.append(list);
  }
  if ((b.scene_questions || []).length) d.append(el("h4", "After the session"));
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
      panel.append(el("h3", "Sources"));
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
  const t = el("table");
  t.append(el("caption", caption));
  const head = el("tr");
  for (const text of ["", "The class", reference || "History"]) {
    const th = el("th", text); th.scope = "col"; head.append(th);
  }
  t.append(head);
  for (const row of rows) {
    const tr = el("tr");
    const th = el("th", row[0]); th.scope = "row"; tr.append(th);
    tr.append(el("td", row[1]), el("td", row[2]));
    t.append(tr);
  }
  return t;
}

// -- start ------------------------------------------------------------------
if (!(saved && saved.token)) showJoin("");
connect();
