// C2SP signed notes and verifier keys, as ledger/note.py reads them (and Go's sumdb/note).

import { VerificationError, concat, equalBytes, fromBase64, toHex, utf8 } from "./bytes.js";
import { sha256 } from "./crypto.js";

export const ALG_ED25519 = 0x01;
const SIG_PREFIX = "\u2014 ";
const MAX_SIGNATURES = 100;

// Python's str.isprintable() is false for these: other (C*), line and paragraph separators,
// and every space separator but the ASCII space.
const UNPRINTABLE = /[\p{C}\p{Zl}\p{Zp}]|[^\P{Zs} ]/u;

function checkName(name, code) {
  // Non-empty, printable, no white space and no '+': what ledger/note.py accepts.
  if (!name || /[\s+]/u.test(name) || UNPRINTABLE.test(name)) {
    throw new VerificationError(code, { name });
  }
}

/** Return the 4-byte key ID SHA-256(name || 0x0A || alg || public key)[:4]. */
export async function keyId(name, alg, publicKey, engine) {
  const digest = await sha256(concat(utf8(name), Uint8Array.of(0x0a, alg), publicKey), engine);
  return digest.slice(0, 4);
}

/**
 * Parse and check a verifier key `<name>+<8 hex key ID>+<base64(0x01 || public key)>`.
 * Resolve to {name, keyId, publicKey, text}; throw a VerificationError naming the fault.
 */
export async function parseVerifierKey(text, engine) {
  const trimmed = String(text).trim();
  // Split at the first two '+' only: base64 has '+' of its own (ledger/note.py does the same).
  const first = trimmed.indexOf("+");
  const second = first < 0 ? -1 : trimmed.indexOf("+", first + 1);
  if (second < 0) throw new VerificationError("key.format", { key: trimmed });
  const name = trimmed.slice(0, first);
  const hexId = trimmed.slice(first + 1, second);
  const encoded = trimmed.slice(second + 1);
  checkName(name, "key.format");
  const raw = fromBase64(encoded, "key.format", { key: trimmed });
  if (raw.length !== 33 || raw[0] !== ALG_ED25519) {
    throw new VerificationError("key.format", { key: trimmed });
  }
  const publicKey = raw.slice(1);
  const computed = await keyId(name, ALG_ED25519, publicKey, engine);
  if (!/^[0-9a-fA-F]{8}$/.test(hexId) || hexId.toLowerCase() !== toHex(computed)) {
    throw new VerificationError("key.id", { given: hexId, computed: toHex(computed) });
  }
  return { name, keyId: computed, publicKey, text: trimmed };
}

/**
 * Parse a key list as /public/keys serves it (ledger/keyset.py): one
 * `<verifier key> [first=<size>] [last=<size>]` per line, the tree sizes whose checkpoints
 * the key signs; a bare key signs every size. Resolve to [{...key, first, last}] (BigInt).
 */
export async function parseKeyList(text, engine) {
  const lines = String(text)
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"));
  if (!lines.length) throw new VerificationError("key.format", { key: "" });
  const keys = [];
  for (const line of lines) {
    const [keyText, ...options] = line.split(/\s+/u);
    const key = await parseVerifierKey(keyText, engine);
    const bounds = {};
    for (const option of options) {
      const match = /^(first|last)=(0|[1-9][0-9]{0,19})$/.exec(option);
      if (!match || match[1] in bounds) throw new VerificationError("key.format", { key: line });
      bounds[match[1]] = BigInt(match[2]);
    }
    const first = bounds.first ?? 0n;
    const last = bounds.last ?? null;
    if (last !== null && last < first) throw new VerificationError("key.format", { key: line });
    keys.push({ ...key, first, last });
  }
  return keys;
}

/** Return true when a key of a key list signs the checkpoint of a tree of `size` entries. */
export function keySigns(key, size) {
  return size >= key.first && (key.last === null || size <= key.last);
}

function checkText(text) {
  if (!text.endsWith("\n")) throw new VerificationError("note.format");
  for (const line of text.slice(0, -1).split("\n")) {
    if (UNPRINTABLE.test(line)) throw new VerificationError("note.format");
  }
}

/**
 * Split a signed note into its signed text (everything before the blank line, ending in a
 * newline) and its signature lines {name, keyId, signature, line}, without verifying.
 */
export function splitNote(note) {
  const cut = note.lastIndexOf("\n\n");
  if (cut < 0 || !note.endsWith("\n")) throw new VerificationError("note.format");
  const text = note.slice(0, cut + 1);
  checkText(text);
  const signatures = note
    .slice(cut + 2, -1)
    .split("\n")
    .map((line) => {
      if (!line.startsWith(SIG_PREFIX)) throw new VerificationError("note.format");
      const rest = line.slice(SIG_PREFIX.length);
      const space = rest.indexOf(" ");
      const name = space < 0 ? rest : rest.slice(0, space);
      const raw = fromBase64(space < 0 ? "" : rest.slice(space + 1), "note.format");
      if (!name || raw.length < 5) throw new VerificationError("note.format");
      return { name, keyId: raw.slice(0, 4), signature: raw.slice(4), line };
    });
  if (signatures.length > MAX_SIGNATURES) throw new VerificationError("note.format");
  return { text, signatures };
}

/** Return the signature lines made by the given verifier key (same name and key ID). */
export function signaturesBy(signatures, key) {
  return signatures.filter((s) => s.name === key.name && equalBytes(s.keyId, key.keyId));
}

