"""The vendored Ed25519 library is present and is the one js/package-lock.json pins."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
VENDOR = ROOT / "integrity_service" / "static" / "vendor"


def test_vendored_copy_matches_the_lock_file() -> None:
    lock = (ROOT / "js" / "package-lock.json").read_bytes()
    stamp = VENDOR / ".package-lock.sha256"
    assert stamp.is_file(), "integrity_service/static/vendor/ is missing: run bash js/vendor.sh"
    assert stamp.read_text().strip() == hashlib.sha256(lock).hexdigest(), (
        "the vendored copy is older than js/package-lock.json: run bash js/vendor.sh"
    )
    pinned = json.loads(lock)["packages"]
    manifest = json.loads((ROOT / "js" / "package.json").read_text())["dependencies"]
    for name, version in manifest.items():
        assert pinned[f"node_modules/{name}"]["version"] == version  # exact pins, no ranges
    for module in ("noble-ed25519/index.js", "noble-hashes/sha2.js"):
        assert (VENDOR / module).stat().st_size > 1000
