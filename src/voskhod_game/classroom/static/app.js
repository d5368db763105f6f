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
      if (m.round && m.round.status === "open") deadline = performance.now() + m.round.ms_left;
      renderState();
      break;
    case "tally":
      tally = m;
      renderChoices();
      renderRound();
      break;
    case "voted":
      myVote = { round: m.round, choice: m.choice };
      $("vote-error").textContent = "";
      renderChoices();
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
// Story text uses *emphasis* and **strong**; build DOM nodes so no server text is ever parsed as HTML.
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

function renderState() {
  const s = state;
  document.title = s.title + " · Classroom";
  $("title").textContent = s.title;
  $("where").textContent = `Scene ${s.scene.number} of ${s.scene.count}: ${s.scene.title} · ${s.clock}`;
  const meters = $("meters");
  meters.replaceChildren();
  for (const m of s.meters) {
    const box = document.createElement("div");
    box.className = "meter " + m.state;
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", `${m.label}: ${m.display}, ${m.state}`);
    const label = document.createElement("div"); label.className = "label"; label.textContent = m.label;
    const value = document.createElement("div"); value.className = "value"; value.textContent = m.display;
    const bar = document.createElement("div"); bar.className = "bar";
    const fill = document.createElement("span"); fill.style.width = Math.round(m.fraction * 100) + "%";
    bar.append(fill);
    box.append(label, value, bar);
    meters.append(box);
  }
  const story = $("story");
  story.replaceChildren();
  if (s.heading) { const h = document.createElement("h2"); h.textContent = s.heading; story.append(h); }
  renderMarkup(story, s.text);
  $("history").hidden = !s.history;
  $("history").textContent = s.history || "";
  renderResult();
  renderRound();
  renderChoices();
  renderEnding();
}

function renderResult() {
  const r = state.round;
  const box = $("result");
  box.replaceChildren();
  if (!r || r.status !== "resolved" || state.status === "open") { box.hidden = true; return; }
  box.hidden = false;
  const total = r.counts ? Object.values(r.counts).reduce((a, b) => a + b, 0) : 0;
  const head = document.createElement("p");
  const how = r.decided_by === "teacher" ? "the teacher broke a tie" : `${r.counts[r.winner]} of ${total} vote${total === 1 ? "" : "s"}`;
  head.append("The class chose ");
  const b = document.createElement("strong"); b.textContent = r.winner_label; head.append(b);
  head.append(` (${how}).`);
  box.append(head);
  if (myVote && myVote.round === r.number) {
    const mine = document.createElement("p"); mine.className = "muted";
    mine.textContent = myVote.choice === r.winner ? "You voted for it." : "You voted for something else.";
    box.append(mine);
  }
  if (r.result) renderMarkup(box, r.result);
}

function statusText() {
  const s = state, r = s.round;
  if (s.ended) return "The session is over.";
  if (s.ending) return "The mission has ended. Wait for the debrief.";
  if (!r || s.status === "idle" || s.status === "resolved") return "Wait for the teacher to open the vote.";
  if (s.status === "open") return myVote && myVote.round === r.number ? "Vote is open: you can change your vote." : "Vote now!";
  if (s.status === "paused") return "The vote is paused.";
  if (s.status === "closed") return r.tie.length > 1 ? "It's a tie: the teacher decides." : "The vote has closed.";
  return "";
}

function renderRound() {
  if (!state) return;
  $("round-status").textContent = statusText();
  const voted = tally && state.round && tally.round === state.round.number && state.status === "open"
    ? ` · ${tally.voted} of ${tally.joined} voted` : "";
  $("round-status").textContent += voted;
  tick();
}

function tick() {
  const el = $("countdown");
  if (!state || !state.round || (state.status !== "open" && state.status !== "paused")) { el.textContent = ""; return; }
  const ms = state.status === "paused" ? state.round.ms_left : Math.max(0, deadline - performance.now());
  const secs = Math.ceil(ms / 1000);
  el.textContent = (state.status === "paused" ? "⏸ " : "") + `${Math.floor(secs / 60)}:${String(secs % 60).padStart(2, "0")}`;
  el.classList.toggle("low", secs <= 5);
}
setInterval(tick, 250);

function currentCounts() {
  const r = state.round;
  if (!r) return null;
  if (tally && tally.round === r.number && state.status === "open") return tally.counts;
  return r.counts;
}

function renderChoices() {
  if (!state) return;
  const list = $("choices");
  list.replaceChildren();
  const r = state.round;
  const open = state.status === "open" && r && !state.ended;
  const roundChoices = open ? r.choices : [];
  const counts = open ? currentCounts() : null;
  const total = counts ? Object.values(counts).reduce((a, b) => a + b, 0) : 0;
  for (const c of state.choices) {
    const li = document.createElement("li");
    const button = document.createElement("button");
    button.className = "choice";
    button.type = "button";
    button.dataset.choice = c.id;
    button.disabled = !open || !roundChoices.includes(c.id);
    const mine = open && myVote && myVote.round === r.number && myVote.choice === c.id;
    if (mine) {
      button.classList.add("mine");
      const tag = document.createElement("span"); tag.className = "tag"; tag.textContent = "Your vote"; button.append(tag);
    }
    if (counts && counts[c.id] !== undefined) {
      const fill = document.createElement("span"); fill.className = "fill";
      fill.style.width = (total ? Math.round(counts[c.id] * 100 / total) : 0) + "%";
      button.append(fill);
    }
    button.append(`${c.number}. ${c.label}`);
    if (c.minutes) button.append(` (${c.cost}${c.risky ? ", risky" : ""})`);
    if (!c.enabled && c.reason) {
      const why = document.createElement("span"); why.className = "reason"; why.textContent = c.reason; button.append(why);
    }
    if (counts && counts[c.id] !== undefined) {
      const n = document.createElement("span"); n.className = "count";
      n.textContent = `${counts[c.id]} vote${counts[c.id] === 1 ? "" : "s"}`; button.append(n);
    }
    button.addEventListener("click", () => vote(c.id));
    li.append(button);
    list.append(li);
  }
  list.hidden = !!state.ending || state.ended;
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
  box.hidden = !s.ending;
  if (s.ending) {
    const t = document.createElement("p"); t.className = "ending-title"; t.textContent = s.ending.title; box.append(t);
    renderMarkup(box, s.ending.text);
    if (s.ending.debrief) renderMarkup(box, s.ending.debrief);
  }
  const d = $("debrief");
  d.replaceChildren();
  d.hidden = !s.debrief;
  if (!s.debrief) return;
  const h = document.createElement("h2"); h.textContent = "Class debrief"; d.append(h);
  if (s.debrief.path.length) {
    const p = document.createElement("p"); p.textContent = "The path the class took:"; d.append(p);
    const ol = document.createElement("ol");
    for (const step of s.debrief.path) {
      const li = document.createElement("li");
      li.textContent = `${step.scene}: ${step.choice} (${step.decided_by === "teacher" ? "tie broken by the teacher" : step.votes + " of " + step.total + " votes"})`;
      ol.append(li);
    }
    d.append(ol);
  }
  if (s.debrief.comparisons.length) {
    const table = document.createElement("table");
    const head = document.createElement("tr");
    for (const t of ["", "The class", s.debrief.reference_label]) { const th = document.createElement("th"); th.textContent = t; head.append(th); }
    table.append(head);
    for (const c of s.debrief.comparisons) {
      const tr = document.createElement("tr");
      for (const t of [c.label, c.yours, c.real]) { const td = document.createElement("td"); td.textContent = t; tr.append(td); }
      table.append(tr);
    }
    d.append(table);
  }
  const q = document.createElement("p"); q.textContent = "To talk about:"; d.append(q);
  const ul = document.createElement("ul"); ul.className = "questions";
  for (const question of s.debrief.questions) { const li = document.createElement("li"); li.textContent = question; ul.append(li); }
  d.append(ul);
}

// -- start ------------------------------------------------------------------
if (!(saved && saved.token)) showJoin("");
connect();
