// The taiyaku review workbench: draws the bead rows and sends the reviewer's actions.
// Every text from the documents is set with textContent, never as HTML.
"use strict";

const state = { filter: "review", query: "", page: 1, pages: 1, rows: [], current: 0, busy: false };
const meta = (name) => document.querySelector(`meta[name="${name}"]`).content;
const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else if (key.startsWith("data-")) node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

function say(text, isError) {
  const message = $("message");
  message.textContent = text;
  message.className = isError ? "error" : "";
}

async function load() {
  const params = new URLSearchParams({ filter: state.filter, q: state.query, page: String(state.page) });
  const response = await fetch(`/api/beads?${params}`, { headers: { Accept: "application/json" } });
  const data = await response.json();
  if (!response.ok) { say(data.error || "failed", true); return; }
  if (data.publication !== meta("publication")) {
    say("The corpus was published again since this page was loaded: reload the page.", true);
  }
  state.rows = data.rows;
  state.page = data.page;
  state.pages = data.pages;
  state.current = Math.min(state.current, Math.max(0, data.rows.length - 1));
  render(data);
}

function render(data) {
  $("progress").textContent = data.progress.text;
  $("undo").disabled = !data.progress.can_undo;
  for (const button of document.querySelectorAll("button.filter")) {
    button.classList.toggle("active", button.dataset.filter === state.filter);
  }
  $("page-info").textContent = `page ${data.page} of ${data.pages} (${data.total} beads)`;
  $("prev-page").disabled = data.page <= 1;
  $("next-page").disabled = data.page >= data.pages;
  const body = $("rows");
  body.replaceChildren(...data.rows.map((row, index) => renderRow(row, index)));
  highlight();
}

function renderRow(row, index) {
  const classes = [];
  if (row.reviewed) classes.push("reviewed");
  else if (row.score < 0.9) classes.push("low");
  if (row.findings.some((f) => f.severity === "error" && f.decision !== "dismiss")) classes.push("finding");
  const tr = el("tr", { class: classes.join(" "), id: `row-${row.id}`, "data-index": String(index) });
  tr.addEventListener("click", () => { state.current = index; highlight(); });
  const sentences = (list, lang) => el("td", { class: lang, lang }, ...list.map((text) => el("span", { class: "sentence" }, text)));
  const enCell = sentences(row.en, "en");
  if (row.findings.length) {
    enCell.append(el("ul", { class: "findings" }, ...row.findings.map((finding) => renderFinding(row, finding))));
  }
  const flags = el("div", {}, ...row.flags.map((flag) => el("span", { class: "flag" }, flag)));
  const info = el("td", { class: "info" }, el("span", { class: "score" }, row.score.toFixed(3)), " · ", row.type, flags);
  const button = (label, title, handler) => {
    const b = el("button", { type: "button", title }, label);
    b.addEventListener("click", (event) => { event.stopPropagation(); state.current = index; highlight(); handler(row); });
    return b;
  };
  const actions = el("td", { class: "actions" },
    button("confirm", "confirm as correct (c)", (r) => act("confirm", r)),
    button("merge ↓", "merge with the next bead (m)", (r) => act("merge", r)),
    button("split", "split at a sentence boundary (s)", (r) => openSplit(r)),
    button("ja ↑", "move the first Japanese sentence to the previous bead ([)", (r) => act("move", r, { side: "ja", direction: "up" })),
    button("ja ↓", "move the last Japanese sentence to the next bead (])", (r) => act("move", r, { side: "ja", direction: "down" })),
    button("en ↑", "move the first English sentence to the previous bead ({)", (r) => act("move", r, { side: "en", direction: "up" })),
    button("en ↓", "move the last English sentence to the next bead (})", (r) => act("move", r, { side: "en", direction: "down" })),
    button("ja alone", "the Japanese has no counterpart: 1-0 (1)", (r) => act("no-counterpart", r, { side: "ja" })),
    button("en alone", "the English has no counterpart: 0-1 (2)", (r) => act("no-counterpart", r, { side: "en" })),
    button("context", "show the original context (x)", (r) => toggleContext(r)),
  );
  tr.append(el("td", { class: "id" }, row.id), sentences(row.ja, "ja"), enCell, info, actions);
  return tr;
}

function renderFinding(row, finding) {
  const item = el("li", { class: finding.decision === "dismiss" ? "dismissed" : "" },
    el("span", { class: `sev-${finding.severity}` }, finding.check), ": ", finding.message);
  if (finding.decision) {
    item.append(` (${finding.decision === "dismiss" ? "dismissed" : "accepted"}${finding.reason ? ": " + finding.reason : ""})`);
  } else {
    const dismiss = el("button", { type: "button", title: "dismiss as a false alarm (d)" }, "dismiss");
    dismiss.addEventListener("click", (event) => { event.stopPropagation(); openReason(row, finding); });
    const accept = el("button", { type: "button", title: "accept: a real problem (a)" }, "accept");
    accept.addEventListener("click", (event) => { event.stopPropagation(); decide(row, finding, "accept", ""); });
    item.append(" ", dismiss, " ", accept);
  }
  return item;
}

function highlight() {
  const rows = $("rows").children;
  for (let i = 0; i < rows.length; i++) rows[i].classList.toggle("current", i === state.current);
  if (rows[state.current]) rows[state.current].scrollIntoView({ block: "nearest" });
}

async function act(action, row, extra) {
  if (state.busy) return;
  state.busy = true;
  try {
    const body = { action, publication: meta("publication"), ...(row ? { bead: row.position, signature: row.signature } : {}), ...(extra || {}) };
    const response = await fetch("/api/action", {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": meta("csrf-token") },
      body: JSON.stringify(body),
    });
    const data = await response.json();
    if (response.status === 409 && data.reload) {
      say(`${data.error} — reloading…`, true);
      setTimeout(() => window.location.reload(), 1500);
      return;
    }
    if (!response.ok) { say(data.error || "failed", true); return; }
    say(`saved: ${data.message}`, false);
    await load();
  } finally {
    state.busy = false;
  }
}

function decide(row, finding, decision, reason) {
  act("decide", row, { finding: finding.number, decision, reason });
}

let pendingDecision = null;
function openReason(row, finding) {
  pendingDecision = { row, finding };
  $("reason-finding").textContent = `${finding.check}: ${finding.message}`;
  $("reason").value = "";
  $("reason-dialog").showModal();
  $("reason").focus();
}

let pendingSplit = null;
function openSplit(row) {
  if (row.ja.length + row.en.length < 2) { say("A bead of one sentence cannot be split.", true); return; }
  pendingSplit = row;
  $("split-bead").textContent = row.id;
  const fill = (select, count) => {
    select.replaceChildren(...Array.from({ length: count + 1 }, (_, n) => el("option", { value: String(n) }, String(n))));
  };
  fill($("split-ja"), row.ja.length);
  fill($("split-en"), row.en.length);
  $("split-ja").value = String(Math.ceil(row.ja.length / 2));
  $("split-en").value = String(Math.ceil(row.en.length / 2));
  $("split-dialog").showModal();
}

async function toggleContext(row) {
  const tr = document.getElementById(`row-${row.id}`);
  const shown = tr.querySelectorAll(".context");
  if (shown.length) { shown.forEach((node) => node.remove()); return; }
  const params = new URLSearchParams({ bead: String(row.position), signature: row.signature });
  const response = await fetch(`/api/context?${params}`);
  const data = await response.json();
  if (!response.ok) { say(data.error || "failed", true); return; }
  const cells = { ja: tr.querySelector("td.ja"), en: tr.querySelector("td.en") };
  for (const side of ["ja", "en"]) {
    for (const part of data[side]) {
      cells[side].append(el("div", { class: "context" }, `[${part.span[0]},${part.span[1]}) …`, part.before, el("mark", {}, part.text), part.after, "…"));
    }
  }
}

function currentRow() { return state.rows[state.current]; }

function onKey(event) {
  if (event.target.tagName === "INPUT" || event.target.tagName === "SELECT" || document.querySelector("dialog[open]")) {
    if (event.key === "Escape" && event.target.id === "search") event.target.blur();
    return;
  }
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const row = currentRow();
  const keys = {
    j: () => { state.current = Math.min(state.current + 1, state.rows.length - 1); highlight(); },
    k: () => { state.current = Math.max(state.current - 1, 0); highlight(); },
    ArrowDown: () => keys.j(),
    ArrowUp: () => keys.k(),
    c: () => row && act("confirm", row),
    m: () => row && act("merge", row),
    s: () => row && openSplit(row),
    "[": () => row && act("move", row, { side: "ja", direction: "up" }),
    "]": () => row && act("move", row, { side: "ja", direction: "down" }),
    "{": () => row && act("move", row, { side: "en", direction: "up" }),
    "}": () => row && act("move", row, { side: "en", direction: "down" }),
    1: () => row && act("no-counterpart", row, { side: "ja" }),
    2: () => row && act("no-counterpart", row, { side: "en" }),
    d: () => { const f = row && row.findings.find((x) => !x.decision); if (f) openReason(row, f); },
    a: () => { const f = row && row.findings.find((x) => !x.decision); if (f) decide(row, f, "accept", ""); },
    x: () => row && toggleContext(row),
    z: () => act("undo", null),
    "/": () => $("search").focus(),
    n: () => { if (state.page < state.pages) { state.page++; state.current = 0; load(); } },
    p: () => { if (state.page > 1) { state.page--; state.current = 0; load(); } },
    "?": () => $("help").showModal(),
  };
  const handler = keys[event.key];
  if (handler) { event.preventDefault(); handler(); }
}

function setUp() {
  for (const button of document.querySelectorAll("button.filter")) {
    button.addEventListener("click", () => { state.filter = button.dataset.filter; state.page = 1; state.current = 0; load(); });
  }
  let searchTimer = null;
  $("search").addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => { state.query = $("search").value; state.page = 1; state.current = 0; load(); }, 200);
  });
  $("undo").addEventListener("click", () => act("undo", null));
  $("help-button").addEventListener("click", () => $("help").showModal());
  $("prev-page").addEventListener("click", () => keys("p"));
  $("next-page").addEventListener("click", () => keys("n"));
  $("split-cancel").addEventListener("click", () => $("split-dialog").close());
  $("split-ok").addEventListener("click", () => {
    $("split-dialog").close();
    act("split", pendingSplit, { ja_at: Number($("split-ja").value), en_at: Number($("split-en").value) });
  });
  $("reason").addEventListener("keydown", (event) => { if (event.key === "Enter") $("reason-ok").click(); });
  $("reason-cancel").addEventListener("click", () => $("reason-dialog").close());
  $("reason-ok").addEventListener("click", () => {
    const reason = $("reason").value.trim();
    if (!reason) { $("reason").focus(); return; }
    $("reason-dialog").close();
    decide(pendingDecision.row, pendingDecision.finding, "dismiss", reason);
  });
  document.addEventListener("keydown", onKey);
  load();
}

function keys(key) { onKey({ key, target: document.body, preventDefault() {}, ctrlKey: false, metaKey: false, altKey: false }); }

document.addEventListener("DOMContentLoaded", setUp);
