"""Tamper-evident ledger: canonical entries, RFC 6962 Merkle tree, signed checkpoints.

A pure library: it knows neither Flask nor SQL nor the civil-service domain.
Storage is reached through the protocols in :mod:`ledger.store`.
"""
