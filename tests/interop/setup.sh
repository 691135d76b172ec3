#!/usr/bin/env bash
# Build the Go interoperability checker, tests/interop/.build/gocheck.
#
# Idempotent. Installs the Debian packages golang-go and
# golang-golang-x-mod-dev only when missing (running apt-get update first,
# only then), then builds fully offline against the Debian-packaged
# golang.org/x/mod in /usr/share/gocode (never downloads Go or modules).
#
# Exit status: 0 built; 3 the Go toolchain or x/mod is missing and cannot be
# installed (callers may skip); 1 any other failure (e.g. a compile error).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUILD="$HERE/.build"
OUT="$BUILD/gocheck"
GOCODE=/usr/share/gocode
XMOD="$GOCODE/src/golang.org/x/mod"
PACKAGES=(golang-go golang-golang-x-mod-dev)

die() { echo "setup.sh: $2" >&2; exit "$1"; }

pkg_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

# Serialise concurrent runs (e.g. pytest-xdist workers).
mkdir -p "$BUILD"
if command -v flock >/dev/null 2>&1; then
    exec 9>"$BUILD/.lock"
    flock -w 900 9 || die 1 "timed out waiting for $BUILD/.lock"
fi

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
    for p in "${PACKAGES[@]}"; do
        pkg_installed "$p" || missing+=("$p")
    done
elif ! command -v go >/dev/null 2>&1 || [ ! -d "$XMOD/sumdb/note" ]; then
    die 3 "Go toolchain unavailable: not a Debian system and go or $XMOD is missing"
fi

if [ "${#missing[@]}" -gt 0 ]; then
    echo "setup.sh: installing missing Debian packages: ${missing[*]}" >&2
    SUDO=()
    if [ "$(id -u)" -ne 0 ]; then
        command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null \
            || die 3 "Go toolchain unavailable: need root to install ${missing[*]}"
        SUDO=(sudo -n)
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${SUDO[@]}" apt-get update -qq >&2 \
        || die 3 "Go toolchain unavailable: apt-get update failed"
    "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 \
        || die 3 "Go toolchain unavailable: apt-get install ${missing[*]} failed"
fi

GO="$(command -v go || true)"
[ -z "$GO" ] && [ -x /usr/lib/go/bin/go ] && GO=/usr/lib/go/bin/go
[ -n "$GO" ] || die 3 "Go toolchain unavailable: no go binary after installing golang-go"
[ -d "$XMOD/sumdb/note" ] && [ -d "$XMOD/sumdb/tlog" ] \
    || die 3 "Go toolchain unavailable: $XMOD/sumdb/{note,tlog} missing"

# Keep Go's caches inside .build and forbid any network access.
export GOCACHE="$BUILD/gocache" GOPROXY=off GOSUMDB=off GOTOOLCHAIN=local GOFLAGS= \
    CGO_ENABLED=0
TMP="$OUT.tmp.$$"
trap 'rm -f "$TMP"' EXIT

# First choice: GOPATH mode, resolving imports from /usr/share/gocode.
if ! (cd "$HERE/gocheck" && GO111MODULE=off GOPATH="$GOCODE" "$GO" build -o "$TMP" . ) \
        2>"$BUILD/build-gopath.log"; then
    # Fallback (for Go versions without GOPATH mode): a throwaway module that
    # replaces golang.org/x/mod with the Debian copy.
    MOD="$BUILD/mod"
    rm -rf "$MOD" && mkdir -p "$MOD"
    cp "$HERE/gocheck/main.go" "$MOD/"
    cat >"$MOD/go.mod" <<EOF
module gocheck

go 1.19

require golang.org/x/mod v0.0.0

replace golang.org/x/mod => $XMOD
EOF
    if ! (cd "$MOD" && GO111MODULE=on GOPATH="$BUILD/gopath" GOFLAGS=-mod=mod \
            "$GO" build -o "$TMP" . ) 2>"$BUILD/build-module.log"; then
        cat "$BUILD/build-gopath.log" "$BUILD/build-module.log" >&2
        die 1 "go build of tests/interop/gocheck failed (logs above)"
    fi
fi
mv -f "$TMP" "$OUT"
echo "setup.sh: built $OUT ($("$GO" version))" >&2
