#!/usr/bin/env python3
"""A tiny stand-alone fake of the ledger's public transparency-log HTTP contract.

It exists to exercise the Go interoperability checker (``gocheck``) without the
real server, and shares no code with it: RFC 6962 section 2.1 is implemented
here from scratch (recursive MTH, PATH and PROOF) with hashlib, and checkpoints
are C2SP signed notes made with PyNaCl Ed25519.

Endpoints (see DESIGN.md section 3 and tests/interop/gocheck/main.go)::

    GET /public/key                              verifier key line
    GET /public/checkpoint                       latest signed checkpoint
    GET /public/checkpoints                      {"checkpoints": [...]}, oldest first
    GET /public/proof/inclusion?index=I&size=S   inclusion proof
    GET /public/proof/consistency?old=M&size=S   consistency proof

Each checkpoint also carries a C2SP witness cosignature from a key gocheck does
not know, which a correct verifier must tolerate.

Usage::

    python fake_log.py [--leaves 37] [--checkpoints 1,8,20] [--seed 1]
                       [--corrupt {none,inclusion,consistency,signature,root}]

The server listens on 127.0.0.1 (ephemeral port unless ``--port``) and prints
its base URL as the first line of standard output.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import random
import sys
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from nacl.signing import SigningKey

CORRUPTIONS = ("none", "inclusion", "consistency", "signature", "root")
DEFAULT_ORIGIN = "ledger.example.go.id/placement-audit/fake"
WITNESS_NAME = "witness.example.org/fake-witness"


def b64(data: bytes) -> str:
    """Standard padded base64 of ``data`` as text."""
    return base64.b64encode(data).decode("ascii")


def leaf_hash(commitment: bytes) -> bytes:
    """RFC 6962 leaf hash, ``SHA-256(0x00 || commitment)``."""
    return hashlib.sha256(b"\x00" + commitment).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """RFC 6962 interior node hash, ``SHA-256(0x01 || left || right)``."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """The largest power of two strictly less than ``n`` (``n >= 2``)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


class MerkleTree:
    """RFC 6962 Merkle tree over a list of leaf commitments, straight from the RFC."""

    def __init__(self, commitments: list[bytes]) -> None:
        """Build the tree over ``commitments`` (each leaf's data)."""
        self.leaves = [leaf_hash(c) for c in commitments]
        self._cache: dict[tuple[int, int], bytes] = {}

    def mth(self, lo: int, hi: int) -> bytes:
        """MTH(D[lo:hi]), the Merkle tree hash of leaves ``lo`` to ``hi - 1``."""
        n = hi - lo
        if n == 0:
            return hashlib.sha256(b"").digest()
        if n == 1:
            return self.leaves[lo]
        key = (lo, hi)
        if key not in self._cache:
            k = split_point(n)
            self._cache[key] = node_hash(self.mth(lo, lo + k), self.mth(lo + k, hi))
        return self._cache[key]

    def root(self, size: int) -> bytes:
        """The root hash of the tree of the first ``size`` leaves."""
        return self.mth(0, size)

    def path(self, m: int, lo: int, hi: int) -> list[bytes]:
        """PATH(m, D[lo:hi]): audit path of leaf ``lo + m`` in D[lo:hi]."""
        n = hi - lo
        if n == 1:
            return []
        k = split_point(n)
        if m < k:
            return [*self.path(m, lo, lo + k), self.mth(lo + k, hi)]
        return [*self.path(m - k, lo + k, hi), self.mth(lo, lo + k)]

    def subproof(self, m: int, lo: int, hi: int, b: bool) -> list[bytes]:
        """SUBPROOF(m, D[lo:hi], b) of RFC 6962 section 2.1.2."""
        n = hi - lo
        if m == n:
            return [] if b else [self.mth(lo, hi)]
        k = split_point(n)
        if m <= k:
            return [*self.subproof(m, lo, lo + k, b), self.mth(lo + k, hi)]
        return [*self.subproof(m - k, lo + k, hi, False), self.mth(lo, lo + k)]

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        """Audit path of leaf ``index`` in the tree of the first ``size`` leaves."""
        return self.path(index, 0, size)

    def consistency_proof(self, old: int, size: int) -> list[bytes]:
        """PROOF(old, D[0:size]): consistency of the tree of ``old`` leaves with ``size``."""
        return self.subproof(old, 0, size, True)


def key_id(name: str, type_byte: int, public_key: bytes) -> bytes:
    """C2SP signed-note key ID: ``SHA-256(name || 0x0A || type || key)[:4]``."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([type_byte]) + public_key).digest()[:4]


def flip(data: bytes) -> bytes:
    """``data`` with the low bit of its first byte flipped."""
    return bytes([data[0] ^ 1]) + data[1:]


class FakeLog:
    """State of the fake log: leaves, checkpoints, keys and the corruption mode."""

    def __init__(
        self,
        leaves: int,
        checkpoint_sizes: list[int],
        seed: int,
        origin: str = DEFAULT_ORIGIN,
        corrupt: str = "none",
    ) -> None:
        """Make ``leaves`` random commitments and sign one checkpoint per size."""
        rng = random.Random(seed)
        self.origin = origin
        self.corrupt = corrupt
        self.size = leaves
        self.tree = MerkleTree([rng.randbytes(32) for _ in range(leaves)])
        self.key = SigningKey(rng.randbytes(32))
        self.witness_key = SigningKey(rng.randbytes(32))
        pub = bytes(self.key.verify_key)
        self.key_id = key_id(origin, 0x01, pub)
        self.verifier_key = f"{origin}+{self.key_id.hex()}+" + b64(b"\x01" + pub)
        sizes = sorted({s for s in checkpoint_sizes if 0 < s <= leaves} | {leaves})
        self.checkpoints = [self.checkpoint(s) for s in sizes]

    def checkpoint(self, size: int) -> dict[str, object]:
        """A signed checkpoint of the first ``size`` leaves, as served in JSON."""
        root = self.tree.root(size)
        text = f"{self.origin}\n{size}\n{b64(root)}\n".encode()
        sig = self.key.sign(text).signature
        note = text + b"\n" + self._sig_line(self.origin, self.key_id + sig)
        # A C2SP tlog-cosignature from a witness the checker does not know.
        stamp = int(time.time())
        wpub = bytes(self.witness_key.verify_key)
        msg = f"cosignature/v1\ntime {stamp}\n".encode() + text
        wsig = self.witness_key.sign(msg).signature
        wid = key_id(WITNESS_NAME, 0x04, wpub)
        note += self._sig_line(WITNESS_NAME, wid + stamp.to_bytes(8, "big") + wsig)
        return {"size": size, "root": b64(root), "note": note.decode()}

    @staticmethod
    def _sig_line(name: str, blob: bytes) -> bytes:
        return f"\u2014 {name} {b64(blob)}\n".encode()

    def latest_note(self) -> str:
        """The latest checkpoint note, with its log signature broken if asked."""
        note = str(self.checkpoints[-1]["note"])
        if self.corrupt != "signature":
            return note
        text, _, sigs = note.partition("\n\n")
        first, _, rest = sigs.partition("\n")
        prefix, _, blob = first.rpartition(" ")
        raw = base64.b64decode(blob)
        raw = raw[:4] + flip(raw[4:])  # keep the key ID, break the signature
        return f"{text}\n\n{prefix} {b64(raw)}\n{rest}"

    def checkpoints_json(self) -> dict[str, object]:
        """The /public/checkpoints document, with a wrong root if asked."""
        cps = [dict(cp) for cp in self.checkpoints]
        if self.corrupt == "root":
            cps[0]["root"] = b64(flip(base64.b64decode(str(cps[0]["root"]))))
        return {"checkpoints": cps}

    def inclusion(self, index: int, size: int) -> dict[str, object]:
        """The /public/proof/inclusion document."""
        if not 0 < size <= self.size or not 0 <= index < size:
            raise ValueError(f"need 0 <= index < size <= {self.size}")
        leaf = self.tree.leaves[index]
        proof = self.tree.inclusion_proof(index, size)
        if self.corrupt == "inclusion":
            if proof:
                proof[0] = flip(proof[0])
            else:
                leaf = flip(leaf)
        return {
            "index": index,
            "size": size,
            "leaf_hash": b64(leaf),
            "proof": [b64(h) for h in proof],
        }

    def consistency(self, old: int, size: int) -> dict[str, object]:
        """The /public/proof/consistency document."""
        if not 0 < old <= size <= self.size:
            raise ValueError(f"need 0 < old <= size <= {self.size}")
        proof = self.tree.consistency_proof(old, size)
        if self.corrupt == "consistency" and proof:
            proof[0] = flip(proof[0])
        return {"old_size": old, "size": size, "proof": [b64(h) for h in proof]}


def make_handler(log: FakeLog) -> type[BaseHTTPRequestHandler]:
    """An HTTP request handler class serving ``log``."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            """Keep quiet: tests read standard output."""

        def _send(self, status: int, body: str, ctype: str) -> None:
            data = body.encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _json(self, doc: object, status: int = HTTPStatus.OK) -> None:
            self._send(status, json.dumps(doc), "application/json")

        def do_GET(self) -> None:
            """Serve one GET request."""
            parts = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            text = "text/plain; charset=utf-8"
            try:
                if parts.path == "/public/key":
                    self._send(HTTPStatus.OK, log.verifier_key + "\n", text)
                elif parts.path == "/public/checkpoint":
                    self._send(HTTPStatus.OK, log.latest_note(), text)
                elif parts.path == "/public/checkpoints":
                    self._json(log.checkpoints_json())
                elif parts.path == "/public/proof/inclusion":
                    self._json(log.inclusion(int(query["index"]), int(query["size"])))
                elif parts.path == "/public/proof/consistency":
                    self._json(log.consistency(int(query["old"]), int(query["size"])))
                else:
                    self._json({"error": "not found"}, HTTPStatus.NOT_FOUND)
            except (KeyError, ValueError) as exc:
                self._json({"error": f"bad request: {exc}"}, HTTPStatus.BAD_REQUEST)

    return Handler


def default_sizes(leaves: int) -> list[int]:
    """A few checkpoint sizes: tiny trees, powers of two, odd sizes and the last."""
    return [1, 2, 3, 8, 13, 16, leaves // 2 + 1, leaves]


def main(argv: list[str] | None = None) -> None:
    """Parse arguments, print the base URL and serve until interrupted."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--leaves", type=int, default=37, help="number of leaves (>= 1)")
    ap.add_argument("--checkpoints", help="comma-separated checkpoint sizes (default: a mix)")
    ap.add_argument("--seed", type=int, default=1, help="seed for leaves and keys")
    ap.add_argument("--origin", default=DEFAULT_ORIGIN, help="checkpoint origin / key name")
    ap.add_argument("--corrupt", choices=CORRUPTIONS, default="none", help="what to break")
    ap.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: ephemeral)")
    args = ap.parse_args(argv)
    if args.leaves < 1:
        ap.error("--leaves must be at least 1")
    if args.checkpoints:
        sizes = [int(s) for s in args.checkpoints.split(",") if s.strip()]
    else:
        sizes = default_sizes(args.leaves)
    log = FakeLog(args.leaves, sizes, args.seed, args.origin, args.corrupt)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(log))
    server.daemon_threads = True
    print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    sys.exit(main())
