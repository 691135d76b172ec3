// Verify a receipt (integrity_service/receipts.py) against a verifier key, or the log's key
// list after a key rotation (each key with the tree sizes it signs), in the browser.
//
// The same checks, by the same names and in the same order, as ledger/receipt.py (the
// `verify-receipt` command): receipt, commitment, entry, key, signature, checkpoint,
// inclusion, witnesses. Each result is {id, status, code, params}; `code` names the page's
// message and `status` is pass, fail or skip, or on this page also "note" (a lawfully erased
// entry; witness lines listed) and "pending" (no checkpoint covers the entry yet). Witness
// cosignatures are listed, not verified: their keys are the witnesses' own.

import { VerificationError, fromBase64, toBase64, toHex, utf8 } from "./bytes.js";
import { sha256, verifyEd25519 } from "./crypto.js";
import { parseEntry } from "./entry.js";
import { keySigns, parseKeyList, signaturesBy, splitNote } from "./note.js";
import { HASH_SIZE, leafHash, rootFromInclusionProof } from "./proof.js";

export const CHECKS = [
  "receipt",
  "commitment",
  "entry",
  "key",
  "signature",
  "checkpoint",
  "inclusion",
  "witnesses",
];
const FIELDS = ["seq", "entry", "redacted", "commitment", "log", "checkpoint", "inclusion_proof"];
const SIZE = /^(0|[1-9][0-9]{0,19})$/;

function fieldError(field) {
  return new VerificationError("receipt.field", { field });
}

function nonNegative(value, field) {
  if (!Number.isSafeInteger(value) || value < 0) throw fieldError(field);
  return value;
}

function hash32(text, field) {
  const raw = fromBase64(text, "receipt.field", { field });
  if (raw.length !== HASH_SIZE) throw fieldError(field);
  return raw;
}

/** Parse receipt JSON (a {"receipt": {...}} document is unwrapped) and check its form. */
export function parseReceipt(text) {
  let receipt;
  try {
    receipt = JSON.parse(text);
  } catch {
    throw new VerificationError("receipt.json");
  }
  const isObject = (value) => value !== null && typeof value === "object" && !Array.isArray(value);
  if (isObject(receipt) && !("seq" in receipt) && "receipt" in receipt) receipt = receipt.receipt;
  if (!isObject(receipt)) throw new VerificationError("receipt.json");
  for (const field of FIELDS) if (!(field in receipt)) throw fieldError(field);
  const { entry, checkpoint } = receipt;
  const proof = receipt.inclusion_proof;
  nonNegative(receipt.seq, "seq");
  if (entry !== null && typeof entry !== "string") throw fieldError("entry");
  if (typeof receipt.redacted !== "boolean") throw fieldError("redacted");
  if (typeof receipt.log !== "string") throw fieldError("log");
  if (checkpoint !== null && typeof checkpoint !== "string") throw fieldError("checkpoint");
  let proofHashes = [];
  if (proof !== null) {
    if (!isObject(proof) || !Array.isArray(proof.proof)) throw fieldError("inclusion_proof");
    nonNegative(proof.index, "inclusion_proof.index");
    nonNegative(proof.size, "inclusion_proof.size");
    proofHashes = proof.proof.map((item, i) => hash32(item, `inclusion_proof.proof[${i}]`));
  }
  return {
    receipt,
    entryBytes: entry === null ? null : fromBase64(entry, "receipt.field", { field: "entry" }),
    commitment: hash32(receipt.commitment, "commitment"),
    proofHashes,
  };
}

/** Parse checkpoint text `<origin>\n<size>\n<base64 root>\n[extension lines]`. */
export function parseCheckpoint(text) {
  const lines = text.split("\n");
  if (lines.length < 4 || lines[lines.length - 1] !== "" || !lines[0]) {
    throw new VerificationError("checkpoint.format");
  }
  if (!SIZE.test(lines[1])) throw new VerificationError("checkpoint.format");
  const root = fromBase64(lines[2], "checkpoint.format");
  if (root.length !== HASH_SIZE) throw new VerificationError("checkpoint.format");
  return { origin: lines[0], size: BigInt(lines[1]), root };
}

class Report {
  constructor() {
    this.results = new Map();
  }

  set(id, status, code, params = {}) {
    this.results.set(id, { id, status, code, params });
  }

  fail(id, error) {
    if (!(error instanceof VerificationError)) throw error;
    this.set(id, "fail", error.code, error.params);
  }

  list() {
    return CHECKS.map((id) => this.results.get(id) ?? { id, status: "skip", code: "skipped" });
  }
}

async function checkEntryBytes(report, parsed, engine) {
  const { receipt, commitment, entryBytes } = parsed;
  const shown = { commitment: toBase64(commitment) };
  if (entryBytes === null) {
    if (receipt.redacted) report.set("commitment", "note", "commitment.redacted", shown);
    else report.set("commitment", "fail", "commitment.unflagged");
    report.set("entry", "skip", "entry.redacted");
    return null;
  }
  if (receipt.redacted) {
    report.set("commitment", "fail", "commitment.flagged");
  } else {
    const computed = await sha256(entryBytes, engine);
    if (toHex(computed) === toHex(commitment)) {
      report.set("commitment", "pass", "commitment.ok", shown);
    } else {
      report.set("commitment", "fail", "commitment.mismatch", {
        expected: shown.commitment,
        computed: toBase64(computed),
      });
    }
  }
  try {
    const entry = parseEntry(entryBytes, receipt.seq);
    report.set("entry", "pass", "entry.ok", { type: entry.type, seq: entry.seq });
    return entry;
  } catch (error) {
    report.fail("entry", error);
    return null;
  }
}

async function keyFrom(report, keyText, keyError, engine) {
  if (keyText === null || keyText === undefined) {
    report.set("key", "fail", "key.fetch", { reason: keyError ?? "" });
    return null;
  }
  try {
    const keys = await parseKeyList(keyText, engine);
    const texts = keys.map((key) => key.text).join(", ");
    if (keys.length === 1) report.set("key", "pass", "key.ok", { key: texts });
    else report.set("key", "pass", "key.list", { count: keys.length, key: texts });
    return keys;
  } catch (error) {
    report.fail("key", error);
    return null;
  }
}

/** Verify the log's signature, then parse the checkpoint ("open, then parse"). */
async function openCheckpoint(report, receipt, keys, engine, outcome) {
  let note;
  try {
    note = splitNote(receipt.checkpoint);
  } catch (error) {
    report.fail("signature", error);
    return null;
  }
  const signers = keys
    .map((key) => ({ key, lines: signaturesBy(note.signatures, key) }))
    .filter((signer) => signer.lines.length);
  const mine = signers.flatMap((signer) => signer.lines);
  outcome.witnesses = note.signatures.filter((s) => !mine.includes(s)).map((s) => s.line);
  const count = outcome.witnesses.length;
  report.set("witnesses", "note", count ? "witnesses.listed" : "witnesses.none", { count });
  const key = signers.length ? signers[0].key : keys[keys.length - 1];
  if (!mine.length) {
    const id = keys.map((each) => toHex(each.keyId)).join(", ");
    report.set("signature", "fail", "signature.missing", { name: key.name, id });
    return null;
  }
  for (const signer of signers) {
    for (const signature of signer.lines) {
      const { publicKey, name } = signer.key;
      const result = await verifyEd25519(publicKey, signature.signature, utf8(note.text), engine);
      outcome.engine = result.engine;
      if (!result.ok) {
        report.set("signature", "fail", "signature.bad", { name, engine: result.engine });
        return null;
      }
    }
  }
  report.set("signature", "pass", "signature.ok", { name: key.name, engine: outcome.engine });
  let checkpoint;
  try {
    checkpoint = parseCheckpoint(note.text);
  } catch (error) {
    report.fail("checkpoint", error);
    return null;
  }
  const params = {
    origin: checkpoint.origin,
    size: String(checkpoint.size),
    root: toBase64(checkpoint.root),
    name: key.name,
    log: receipt.log,
  };
  if (checkpoint.origin !== key.name || checkpoint.origin !== receipt.log) {
    report.set("checkpoint", "fail", "checkpoint.origin", params);
    return null;
  }
  if (!signers.some((signer) => keySigns(signer.key, checkpoint.size))) {
    const sizes = `${key.first}\u2013${key.last ?? "\u2026"}`;
    report.set("checkpoint", "fail", "checkpoint.window", { ...params, id: toHex(key.keyId), sizes });
    return null;
  }
  report.set("checkpoint", "pass", "checkpoint.ok", params);
  return checkpoint;
}

async function checkInclusion(report, parsed, checkpoint, engine) {
  const { receipt, commitment, proofHashes } = parsed;
  const proof = receipt.inclusion_proof;
  if (proof === null) {
    report.set("inclusion", "fail", "inclusion.missing");
    return;
  }
  const params = { index: proof.index, size: String(checkpoint.size), seq: receipt.seq };
  if (proof.index !== receipt.seq || BigInt(proof.size) !== checkpoint.size) {
    report.set("inclusion", "fail", "inclusion.target", { ...params, proof: proof.size });
    return;
  }
  try {
    const leaf = await leafHash(commitment, engine);
    const root = await rootFromInclusionProof(receipt.seq, checkpoint.size, leaf, proofHashes, engine);
    params.count = proofHashes.length;
    if (toHex(root) === toHex(checkpoint.root)) {
      report.set("inclusion", "pass", "inclusion.ok", params);
    } else {
      report.set("inclusion", "fail", "inclusion.root", {
        ...params,
        expected: toBase64(checkpoint.root),
        computed: toBase64(root),
      });
    }
  } catch (error) {
    report.fail("inclusion", error);
  }
}

/**
 * Verify receipt JSON text against a verifier key or key list (text, or null with `keyError`
 * saying why it could not be had). Resolve to {verdict, checks, receipt, entry, witnesses, engine}:
 * verdict "verified" when no check failed and the inclusion proof passed, "pending" when
 * nothing failed but no checkpoint covers the entry yet, else "failed".
 */
export async function verifyReceipt(text, { keyText, keyError = null, engine = "auto" }) {
  const report = new Report();
  const outcome = { report, receipt: null, entry: null, witnesses: [], engine: null };
  let parsed;
  try {
    parsed = parseReceipt(text);
  } catch (error) {
    report.fail("receipt", error);
    return finish(outcome);
  }
  const { receipt } = parsed;
  outcome.receipt = receipt;
  report.set("receipt", "pass", "receipt.ok", { seq: receipt.seq, log: receipt.log });
  outcome.entry = await checkEntryBytes(report, parsed, engine);
  const keys = await keyFrom(report, keyText, keyError, engine);
  if (receipt.checkpoint === null) {
    report.set("signature", "skip", "skipped.pending");
    report.set("checkpoint", "pending", "checkpoint.none", { seq: receipt.seq });
    report.set("inclusion", "skip", "skipped.pending");
    report.set("witnesses", "skip", "skipped.pending");
    return finish(outcome);
  }
  if (keys === null) return finish(outcome);
  const checkpoint = await openCheckpoint(report, receipt, keys, engine, outcome);
  if (checkpoint !== null) await checkInclusion(report, parsed, checkpoint, engine);
  return finish(outcome);
}

function finish(outcome) {
  const checks = outcome.report.list();
  const inclusion = checks.find((check) => check.id === "inclusion");
  let verdict = "failed";
  if (!checks.some((check) => check.status === "fail")) {
    if (inclusion.status === "pass") verdict = "verified";
    else if (checks.some((check) => check.status === "pending")) verdict = "pending";
  }
  return {
    verdict,
    checks,
    receipt: outcome.receipt,
    entry: outcome.entry,
    witnesses: outcome.witnesses,
    engine: outcome.engine,
  };
}
