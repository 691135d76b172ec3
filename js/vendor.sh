#!/usr/bin/env bash
# Vendor the pinned JavaScript libraries into integrity_service/static/vendor/.
#
# The receipt page verifies Ed25519 signatures in the browser with WebCrypto and falls back
# to @noble/ed25519 (with SHA-256/512 from @noble/hashes) where WebCrypto lacks Ed25519 or is
# unavailable (a plain-http, non-loopback address). This script installs the exact versions
# in js/package-lock.json with `npm ci` (npm registry only, no install scripts) and copies
# their browser ES modules, unchanged, beside their licences. Nothing is fetched at run time.
#
#   bash js/vendor.sh           # install and copy, unless the copy already matches the lock
#   bash js/vendor.sh --force   # install and copy again
set -euo pipefail

js_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$js_dir")"
dest="$root/integrity_service/static/vendor"
stamp="$dest/.package-lock.sha256"
files=(
  "noble-ed25519/index.js" "noble-ed25519/LICENSE"
  "noble-hashes/sha2.js" "noble-hashes/_md.js" "noble-hashes/_u64.js"
  "noble-hashes/utils.js" "noble-hashes/LICENSE"
)
want="$(sha256sum "$js_dir/package-lock.json" | cut -d' ' -f1)"

complete() {
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] || return 1
  for file in "${files[@]}"; do [ -f "$dest/$file" ] || return 1; done
}

if [ "${1:-}" != "--force" ] && complete; then
  echo "js/vendor.sh: $dest is up to date"
  exit 0
fi
command -v npm >/dev/null || { echo "js/vendor.sh: npm is not installed (Node.js 20+)" >&2; exit 1; }

(cd "$js_dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)

staging="$(mktemp -d "$root/integrity_service/static/.vendor.XXXXXX")"
trap 'rm -rf "$staging"' EXIT
chmod 755 "$staging"
mkdir -p "$staging/noble-ed25519" "$staging/noble-hashes"
for file in "${files[@]}"; do
  package="@noble/${file%%/*}"; package="${package/noble-/}"
  cp "$js_dir/node_modules/$package/${file#*/}" "$staging/$file"
done
# Node reads the copies as ES modules for the smoke test below; browsers ignore this file.
printf '{"type": "module", "private": true}\n' > "$staging/package.json"

# Smoke test of the copies themselves: RFC 8032 section 7.1, test 1, and SHA-256("abc").
node --input-type=module - "$staging" <<'JS'
const dir = process.argv[2];
const ed = await import(`${dir}/noble-ed25519/index.js`);
const { sha256, sha512 } = await import(`${dir}/noble-hashes/sha2.js`);
ed.hashes.sha512 = sha512;
const hex = (s) => Uint8Array.from(s.match(/../g).map((b) => parseInt(b, 16)));
const pub = hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
const sig = hex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
const abc = Buffer.from(sha256(new TextEncoder().encode("abc"))).toString("hex");
if (!ed.verify(sig, new Uint8Array(), pub, { zip215: false }) || ed.verify(sig, hex("00"), pub)) {
  throw new Error("vendored @noble/ed25519 failed the RFC 8032 test vector");
}
if (abc !== "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") {
  throw new Error("vendored @noble/hashes sha256 failed its test vector");
}
JS

echo "$want" > "$staging/.package-lock.sha256"
rm -rf "$dest"
mv "$staging" "$dest"
trap - EXIT
echo "js/vendor.sh: vendored @noble/ed25519 and @noble/hashes into $dest"
