// RFC 6962 hashing and inclusion proofs, verified as RFC 9162 section 2.1.3.2 says.
// Indices are BigInt: JavaScript's bitwise operators work on 32 bits only.

import { VerificationError, concat } from "./bytes.js";
import { sha256 } from "./crypto.js";

export const HASH_SIZE = 32;

/** Return the leaf hash SHA-256(0x00 || leaf). */
export function leafHash(leaf, engine) {
  return sha256(concat(Uint8Array.of(0x00), leaf), engine);
}

/** Return the interior node hash SHA-256(0x01 || left || right). */
export function nodeHash(left, right, engine) {
  return sha256(concat(Uint8Array.of(0x01), left, right), engine);
}

/**
 * Return the root implied by the inclusion proof of `leaf` (a leaf hash) at `index` in a tree
 * of `size` leaves. Throws VerificationError "inclusion.index" or "inclusion.length".
 */
export async function rootFromInclusionProof(index, size, leaf, proof, engine) {
  const n = BigInt(size);
  const m = BigInt(index);
  if (m < 0n || m >= n) {
    throw new VerificationError("inclusion.index", { index: String(index), size: String(size) });
  }
  let fn = m;
  let sn = n - 1n;
  let result = leaf;
  for (const item of proof) {
    if (sn === 0n) throw new VerificationError("inclusion.length", { count: proof.length });
    if ((fn & 1n) === 1n || fn === sn) {
      result = await nodeHash(item, result, engine);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      result = await nodeHash(result, item, engine);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) throw new VerificationError("inclusion.length", { count: proof.length });
  return result;
}
