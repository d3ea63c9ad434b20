// The console's few behaviours: copy buttons, confirmations, and the live lists
// (server-sent events). Everything is written with textContent: no HTML from data.
"use strict";

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  return node;
}

function link(href, text) { const a = el("a", text); a.href = href; return a; }

document.addEventListener("click", (event) => {
  const button = event.target.closest("button.copy");
  if (!button) return;
  const from = button.dataset.copyFrom ? document.getElementById(button.dataset.copyFrom).value : button.dataset.copy;
  navigator.clipboard.writeText(from).then(() => { button.textContent = "Copied"; }, () => { button.textContent = "Copy failed"; });
});

document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});

function executionRow(e) {
  const tr = el("tr"); tr.dataset.id = e.id;
  tr.append(el("td", e.createdAt.slice(0, 19), "small"));
  const fn = el("td"); fn.append(link("/console/executions/" + encodeURIComponent(e.id), e.functionId)); tr.append(fn);
  tr.append(el("td", e.trigger));
  const st = el("td"); st.append(el("span", e.status, "status " + e.status)); tr.append(st);
  tr.append(el("td", e.statusCode || ""));
  tr.append(el("td", e.duration + " ms"));
  const cause = el("td", null, "small"); cause.append(el("code", e.cause));
  if (e.parentId) { cause.append(" ← "); cause.append(link("/console/executions/" + encodeURIComponent(e.parentId), e.parentId.slice(0, 8))); }
  tr.append(cause);
  return tr;
}

function requestRow(r) {
  const tr = el("tr");
  tr.append(el("td", r.at.slice(11, 19), "small"), el("td", r.method));
  const path = el("td"); path.append(el("code", r.path, "small")); tr.append(path);
  const who = el("td", r.caller, "caller");
  if (r.executionId) { who.append(" ("); who.append(link("/console/executions/" + encodeURIComponent(r.executionId), r.executionId.slice(0, 8))); who.append(")"); }
  if (r.console) who.append(" · console");
  tr.append(who);
  const st = el("td"); st.append(el("span", r.status, "code c" + Math.floor(r.status / 100))); tr.append(st);
  tr.append(el("td", r.milliseconds));
  const events = el("td", null, "events"); for (const name of r.events) { events.append(el("code", name, "small"), " "); } tr.append(events);
  return tr;
}

function live(table, render, replace) {
  const state = document.getElementById("live-state");
  const body = table.tBodies[0];
  const source = new EventSource(table.dataset.live);
  source.onopen = () => { if (state) { state.classList.remove("off"); state.textContent = "● live"; } };
  source.onerror = () => { if (state) { state.classList.add("off"); state.textContent = "○ reconnecting"; } };
  source.onmessage = (message) => {
    const item = JSON.parse(message.data);
    const row = render(item); row.classList.add("fresh");
    const old = replace && item.id ? body.querySelector('tr[data-id="' + CSS.escape(item.id) + '"]') : null;
    if (old) old.replaceWith(row); else body.prepend(row);
    while (body.rows.length > 300) body.deleteRow(body.rows.length - 1);
  };
}

window.addEventListener("DOMContentLoaded", () => {
  const executions = document.getElementById("executions");
  if (executions && executions.dataset.live) live(executions, executionRow, true);
  const requests = document.getElementById("requests");
  if (requests && requests.dataset.live) live(requests, requestRow, false);
});
