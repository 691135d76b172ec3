#!/bin/sh
# Verify a receipt with standard tools: jq, base64, sha256sum, xxd and OpenSSL 3.
# Usage: sh verify_receipt.sh RECEIPT.json KEY.txt   (KEY.txt: the text of /public/key)
set -eu
receipt=$1
key=$(cat "$2")
name=${key%%+*}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL $*"; exit 1; }
hex() { base64 -d | xxd -p -c 64; }
sha() { xxd -r -p | sha256sum | cut -c1-64; }

# 1. The verifier key: key ID = SHA-256(name || 0x0A || 0x01 || public key)[:4].
printf '%s' "$key" | cut -d+ -f3- | base64 -d > "$work/key"    # 0x01 || Ed25519 key
keyid=$({ printf '%s\n' "$name"; cat "$work/key"; } | sha256sum | cut -c1-8)
[ "$keyid" = "$(echo "$key" | cut -d+ -f2)" ] || fail "key ID"

# 2. The commitment C = SHA-256(entry bytes); a lawfully erased entry has no bytes.
commitment=$(jq -r .commitment "$receipt" | hex)
if [ -n "$(jq -r '.entry // empty' "$receipt")" ]; then
  [ "$(jq -r .entry "$receipt" | base64 -d | sha256sum | cut -c1-64)" = "$commitment" ] \
    || fail "commitment"
else
  echo "note entry body erased lawfully; its commitment is still checked"
fi

# 3. The log's Ed25519 signature over the checkpoint text (the lines before the blank line).
jq -j .checkpoint "$receipt" > "$work/note"
awk 'NF == 0 { exit } { print }' "$work/note" > "$work/text"
grep "^— $name " "$work/note" | head -n 1 | cut -d' ' -f3 | base64 -d > "$work/line"
[ "$(head -c 4 "$work/line" | xxd -p)" = "$keyid" ] || fail "no signature by $name"
tail -c 64 "$work/line" > "$work/sig"
{ printf '302a300506032b6570032100' | xxd -r -p; tail -c 32 "$work/key"; } > "$work/pub.der"
openssl pkeyutl -verify -pubin -keyform DER -inkey "$work/pub.der" -rawin \
  -in "$work/text" -sigfile "$work/sig" > /dev/null || fail "signature"

# 4. The inclusion proof (RFC 9162 2.1.3.2) from leaf SHA-256(0x00 || C) to the root.
size=$(sed -n 2p "$work/text")
root=$(sed -n 3p "$work/text" | hex)
[ "$(jq .inclusion_proof.size "$receipt")" = "$size" ] || fail "proof size"
fn=$(jq .seq "$receipt")
sn=$((size - 1))
r=$(printf '00%s' "$commitment" | sha)
for p in $(jq -r '.inclusion_proof.proof[]' "$receipt"); do
  p=$(printf '%s' "$p" | hex)
  [ "$sn" -gt 0 ] || fail "proof too long"
  if [ $((fn & 1)) -eq 1 ] || [ "$fn" -eq "$sn" ]; then
    r=$(printf '01%s%s' "$p" "$r" | sha)
    while [ $((fn & 1)) -eq 0 ] && [ "$fn" -ne 0 ]; do fn=$((fn >> 1)); sn=$((sn >> 1)); done
  else
    r=$(printf '01%s%s' "$r" "$p" | sha)
  fi
  fn=$((fn >> 1)); sn=$((sn >> 1))
done
[ "$sn" -eq 0 ] && [ "$r" = "$root" ] || fail "inclusion proof"
echo "ok   entry $(jq .seq "$receipt") is in $name at size $size"
