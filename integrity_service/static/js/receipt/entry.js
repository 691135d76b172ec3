// Ledger entries (DESIGN.md section 3): strict parsing and RFC 8785 canonical form.

import { VerificationError, equalBytes, fromUtf8, utf8 } from "./bytes.js";

const FIELDS = ["actor", "body", "prev", "salt", "seq", "time", "type"];
const TYPE = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function isObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

const MAX_DEPTH = 32;

/**
 * Return the RFC 8785 (JSON Canonicalization Scheme) text of a parsed JSON value: keys sorted
 * by UTF-16 code units, ECMAScript string serialisation, no white space. Like
 * ledger/canonical.py, only integers within +/-(2**53 - 1) are allowed, no deeper than 32.
 */
export function canonicalJson(value, depth = 0) {
  if (depth > MAX_DEPTH) throw new VerificationError("entry.canonical");
  if (value === null || typeof value === "boolean" || typeof value === "string") {
    return JSON.stringify(value);
  }
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new VerificationError("entry.canonical");
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map((item) => canonicalJson(item, depth + 1)).join(",")}]`;
  }
  const keys = Object.keys(value).sort();
  const members = keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key], depth + 1)}`);
  return `{${members.join(",")}}`;
}

/**
 * Parse canonical entry bytes and check them as ledger/entry.py does; `seq` is the receipt's.
 * Throws VerificationError "entry.utf8", "entry.json", "entry.fields", "entry.field",
 * "entry.seq" or "entry.canonical".
 */
export function parseEntry(bytes, seq) {
  const text = fromUtf8(bytes, "entry.utf8");
  let entry;
  try {
    entry = JSON.parse(text);
  } catch {
    throw new VerificationError("entry.json");
  }
  if (!isObject(entry)) throw new VerificationError("entry.json");
  const keys = Object.keys(entry);
  const missing = FIELDS.filter((name) => !keys.includes(name));
  const extra = keys.filter((name) => !FIELDS.includes(name));
  if (missing.length || extra.length) {
    throw new VerificationError("entry.fields", {
      missing: missing.join(", ") || "-",
      extra: extra.join(", ") || "-",
    });
  }
  if (!Number.isSafeInteger(entry.seq) || entry.seq < 0) {
    throw new VerificationError("entry.field", { field: "seq" });
  }
  const checks = {
    type: typeof entry.type === "string" && TYPE.test(entry.type),
    time: typeof entry.time === "string" && TIME.test(entry.time),
    actor: typeof entry.actor === "string" && entry.actor.length > 0,
    body: isObject(entry.body),
    prev: typeof entry.prev === "string" && B64.test(entry.prev) && entry.prev.length === 44,
    salt: typeof entry.salt === "string" && B64.test(entry.salt) && entry.salt.length === 24,
  };
  for (const [field, ok] of Object.entries(checks)) {
    if (!ok) throw new VerificationError("entry.field", { field });
  }
  if (entry.seq !== seq) {
    throw new VerificationError("entry.seq", { entry: entry.seq, receipt: seq });
  }
  if (!equalBytes(utf8(canonicalJson(entry)), bytes)) {
    throw new VerificationError("entry.canonical");
  }
  return entry;
}
