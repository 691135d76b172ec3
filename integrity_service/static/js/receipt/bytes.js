// Byte helpers: strict base64, hex, UTF-8 and comparisons. No dependencies.

/** A check failed; `code` names what failed (a key of the page's messages), `params` fills it. */
export class VerificationError extends Error {
  constructor(code, params = {}) {
    super(code);
    this.name = "VerificationError";
    this.code = code;
    this.params = params;
  }
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decode standard, padded base64 (as Python's b64decode(validate=True)); throw on anything else. */
export function fromBase64(text, code = "format.base64", params = {}) {
  if (typeof text !== "string" || !BASE64.test(text)) {
    throw new VerificationError(code, params);
  }
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Encode bytes as standard, padded base64. */
export function toBase64(bytes) {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Return lower-case hex of bytes. */
export function toHex(bytes) {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Return the concatenation of byte arrays. */
export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((size, part) => size + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Return true when two byte arrays hold the same bytes. */
export function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i += 1) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** Return the UTF-8 bytes of a string. */
export function utf8(text) {
  return new TextEncoder().encode(text);
}

/** Decode UTF-8 strictly; throw a VerificationError with `code` on invalid bytes. */
export function fromUtf8(bytes, code) {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new VerificationError(code);
  }
}
