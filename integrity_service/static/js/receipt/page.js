// The "check my receipt" page: read a receipt (pasted or chosen as a file), fetch the published
// verifier key (public data only), verify everything here, show each check and the entry.
// Nothing about the receipt is sent anywhere: the form's fields have no names and no action.

import { ENGINES } from "./crypto.js";
import { showEntry } from "./entry-view.js";
import { message } from "./messages.js";
import { verifyReceipt } from "./receipt.js";

const SYMBOLS = { pass: "✓", fail: "✗", skip: "–", note: "ℹ", pending: "…" };

function byId(id) {
  return document.getElementById(id);
}

async function fetchKey(url) {
  try {
    const response = await fetch(url, { cache: "no-store", credentials: "omit" });
    if (!response.ok) return { keyText: null, keyError: `HTTP ${response.status}` };
    return { keyText: await response.text(), keyError: null };
  } catch (error) {
    return { keyText: null, keyError: String(error?.message ?? error) };
  }
}

function detailParams(check) {
  const params = { ...check.params };
  if (params.engine) params.engine = message(`engine.${params.engine}`);
  return params;
}

function showChecks(list, checks) {
  list.replaceChildren();
  for (const check of checks) {
    const item = document.createElement("li");
    item.dataset.check = check.id;
    item.dataset.status = check.status;
    item.dataset.code = check.code;
    item.className = `check status-${check.status}`;
    const status = document.createElement("span");
    status.className = "status";
    status.textContent = `${SYMBOLS[check.status] ?? ""} ${message(`status.${check.status}`)}`;
    const title = document.createElement("strong");
    title.className = "title";
    title.textContent = message(`check.${check.id}`);
    const detail = document.createElement("span");
    detail.className = "detail";
    detail.textContent = message(check.code, detailParams(check));
    item.append(status, title, detail);
    list.append(item);
  }
}

function showWitnesses(container, lines) {
  container.replaceChildren();
  container.hidden = !lines.length;
  if (!lines.length) return;
  const pre = document.createElement("pre");
  pre.className = "mono";
  pre.textContent = lines.join("\n");
  container.append(pre);
}

function showOutcome(outcome) {
  const verdict = byId("verdict");
  verdict.dataset.verdict = outcome.verdict;
  verdict.className = `verdict verdict-${outcome.verdict}`;
  verdict.textContent = message(`verdict.${outcome.verdict}`);
  showChecks(byId("checks"), outcome.checks);
  showWitnesses(byId("witness-lines"), outcome.witnesses);
  const entrySection = byId("entry");
  if (outcome.entry) {
    showEntry(byId("entry-fields"), outcome.entry);
    byId("entry-warning").hidden = outcome.verdict === "verified";
    entrySection.hidden = false;
  } else {
    entrySection.hidden = true;
    byId("entry-fields").replaceChildren();
  }
  const redacted = outcome.receipt !== null && outcome.receipt.entry === null;
  byId("redacted-note").hidden = !redacted;
}

function showProblem(text) {
  const problem = byId("receipt-problem");
  problem.textContent = text;
  problem.hidden = !text;
}

async function run(form) {
  const text = byId("receipt-text").value.trim();
  showProblem("");
  if (!text) {
    showProblem(message("error.empty"));
    return;
  }
  const result = byId("result");
  result.dataset.state = "working";
  byId("verify").disabled = true;
  try {
    const override = byId("key-text").value.trim();
    const key = override ? { keyText: override, keyError: null } : await fetchKey(form.dataset.keyUrl);
    const engine = byId("engine").value;
    const outcome = await verifyReceipt(text, { ...key, engine });
    showOutcome(outcome);
    result.dataset.engine = outcome.engine ?? "";
    result.hidden = false;
    result.dataset.state = "done";
  } catch (error) {
    showProblem(message("error.unexpected", { reason: String(error?.message ?? error) }));
    result.dataset.state = "error";
  } finally {
    byId("verify").disabled = false;
  }
}

async function readFile(file, form) {
  try {
    byId("receipt-text").value = await file.text();
  } catch {
    showProblem(message("error.file", { name: file.name }));
    return;
  }
  await run(form);
}

function start() {
  const form = byId("receipt-form");
  if (!form) return;
  const asked = new URLSearchParams(window.location.search).get("engine");
  if (ENGINES.includes(asked)) byId("engine").value = asked;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run(form);
  });
  byId("receipt-file").addEventListener("change", (event) => {
    const [file] = event.target.files;
    if (file) readFile(file, form);
  });
  const area = byId("receipt-text");
  area.addEventListener("dragover", (event) => event.preventDefault());
  area.addEventListener("drop", (event) => {
    const [file] = event.dataTransfer?.files ?? [];
    if (!file) return;
    event.preventDefault();
    readFile(file, form);
  });
  form.dataset.ready = "true";
}

start();
