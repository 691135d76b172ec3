// SHA-256 and Ed25519 verification: WebCrypto where the browser has it, else the vendored
// noble libraries (loaded only when needed, from /static/vendor; never from the network).
//
// engine "auto" (default): WebCrypto, falling back to noble where WebCrypto lacks Ed25519
// or is missing altogether (a plain-http page outside localhost has no crypto.subtle).
// engine "webcrypto": WebCrypto only; engine "noble": noble only (hashes included).

const VENDOR = new URL("../../vendor/", import.meta.url);
export const ENGINES = ["auto", "webcrypto", "noble"];

let noblePromise = null;

/** Load the vendored @noble/ed25519 with @noble/hashes' SHA-512 (for its synchronous verify). */
function loadNoble() {
  if (noblePromise === null) {
    noblePromise = Promise.all([
      import(new URL("noble-ed25519/index.js", VENDOR).href),
      import(new URL("noble-hashes/sha2.js", VENDOR).href),
    ]).then(([ed, sha2]) => {
      ed.hashes.sha512 = sha2.sha512;
      return { ed, sha256: sha2.sha256 };
    });
    noblePromise.catch(() => {
      noblePromise = null; // a later attempt may succeed (e.g. after a network hiccup)
    });
  }
  return noblePromise;
}

function subtle() {
  return globalThis.crypto?.subtle;
}

function checkEngine(engine) {
  if (!ENGINES.includes(engine)) throw new Error(`unknown engine ${engine}`);
}

/** Return SHA-256 of bytes and the engine that computed it. */
export async function sha256(bytes, engine = "auto") {
  checkEngine(engine);
  if (engine !== "noble" && subtle()) {
    return new Uint8Array(await subtle().digest("SHA-256", bytes));
  }
  if (engine === "webcrypto") throw new Error("WebCrypto (crypto.subtle) is not available");
  return (await loadNoble()).sha256(bytes);
}

function unsupported(error) {
  return error?.name === "NotSupportedError" || error instanceof TypeError;
}

/**
 * Verify an Ed25519 signature; resolve to {ok, engine} naming the engine that decided.
 * A malformed key or signature is a failed verification, not an exception.
 */
export async function verifyEd25519(publicKey, signature, message, engine = "auto") {
  checkEngine(engine);
  if (engine !== "noble" && subtle()) {
    try {
      const key = await subtle().importKey("raw", publicKey, { name: "Ed25519" }, false, [
        "verify",
      ]);
      const ok = await subtle().verify({ name: "Ed25519" }, key, signature, message);
      return { ok, engine: "webcrypto" };
    } catch (error) {
      if (engine === "webcrypto" || !unsupported(error)) {
        if (engine === "webcrypto" && unsupported(error)) {
          throw new Error("this browser's WebCrypto has no Ed25519");
        }
        return { ok: false, engine: "webcrypto" };
      }
    }
  } else if (engine === "webcrypto") {
    throw new Error("WebCrypto (crypto.subtle) is not available");
  }
  const { ed } = await loadNoble();
  let ok = false;
  try {
    // zip215: false is RFC 8032's strict verification, as libsodium (the signer) does.
    ok = ed.verify(signature, message, publicKey, { zip215: false });
  } catch {
    ok = false;
  }
  return { ok, engine: "noble" };
}
