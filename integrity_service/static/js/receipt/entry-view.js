// Show an entry's content, read from the receipt in this browser only. Everything is written
// with textContent: a receipt is data from outside and must never become markup.

import { message, optionalMessage, pageLanguage } from "./messages.js";

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function formatTime(text) {
  const when = new Date(text);
  if (Number.isNaN(when.getTime())) return text;
  return new Intl.DateTimeFormat(pageLanguage(), {
    dateStyle: "long",
    timeStyle: "long",
    timeZone: "Asia/Jakarta",
  }).format(when);
}

function formatDay(text) {
  const [year, month, day] = text.split("-").map(Number);
  const when = new Date(Date.UTC(year, month - 1, day));
  if (Number.isNaN(when.getTime())) return text;
  return new Intl.DateTimeFormat(pageLanguage(), { dateStyle: "long", timeZone: "UTC" }).format(
    when,
  );
}

function label(name) {
  return optionalMessage(`field.${name}`) ?? name;
}

/** Return a node showing one JSON value: nested objects as tables, arrays as lists. */
function valueNode(value) {
  if (value === null) return element("span", "—", "muted");
  if (Array.isArray(value)) {
    if (!value.length) return element("span", "—", "muted");
    const list = element("ul", null, "plain");
    for (const item of value) {
      const entry = element("li");
      entry.append(valueNode(item));
      list.append(entry);
    }
    return list;
  }
  if (typeof value === "object") return fieldTable(Object.entries(value));
  if (typeof value === "number") {
    return element("span", new Intl.NumberFormat(pageLanguage()).format(value));
  }
  if (typeof value === "boolean") return element("span", message(value ? "value.yes" : "value.no"));
  if (TIME.test(value)) return element("span", formatTime(value));
  if (DAY.test(value)) return element("span", formatDay(value));
  return element("span", value);
}

function fieldTable(pairs, className = "fields") {
  const table = element("table", null, className);
  const body = table.appendChild(element("tbody"));
  for (const [name, value] of pairs) {
    const row = body.appendChild(element("tr"));
    row.dataset.field = name;
    row.append(element("th", label(name)));
    row.appendChild(element("td")).append(valueNode(value));
  }
  return table;
}

/** Return the body's fields in the page's preferred order (known fields first), then the rest. */
function ordered(body, order) {
  const rank = (name) => (order.includes(name) ? order.indexOf(name) : order.length);
  return Object.entries(body).sort(([a], [b]) => rank(a) - rank(b));
}

/**
 * Fill `container` with the entry's fields (type, seq, time, actor, then its body, in the
 * order of the container's data-field-order).
 */
export function showEntry(container, entry) {
  container.replaceChildren();
  const order = (container.dataset.fieldOrder ?? "").split(" ").filter(Boolean);
  const kind = optionalMessage(`type.${entry.type}`);
  const head = [
    ["type", kind ? `${kind} (${entry.type})` : entry.type],
    ["seq", String(entry.seq)],
    ["time", entry.time],
    ["actor", entry.actor],
  ];
  container.append(fieldTable(head, "fields entry-head"));
  container.append(element("h3", message("entry.body")));
  container.append(fieldTable(ordered(entry.body, order), "fields entry-body"));
  const technical = container.appendChild(element("details"));
  technical.append(element("summary", message("entry.technical")));
  technical.append(fieldTable([["prev", entry.prev], ["salt", entry.salt]], "fields mono"));
}
