"""The receipt page's messages for its script, translated here from the catalogue.

The browser verifies the receipt (``static/js/receipt/``) and names each
result by a code; the page carries these texts as a JSON data block, so the
script needs no catalogue of its own. ``{name}`` marks a value the script
fills in; keep the codes in step with the script.
"""

from __future__ import annotations

from flask_babel import gettext as _


def check_titles() -> dict[str, str]:
    """Return the title of each check, in the order the page shows them."""
    return {
        "check.receipt": _("Receipt format"),
        "check.commitment": _("Commitment of the entry"),
        "check.entry": _("Entry content"),
        "check.key": _("Published verifier key"),
        "check.signature": _("Checkpoint signature"),
        "check.checkpoint": _("Checkpoint matches the receipt"),
        "check.inclusion": _("Inclusion proof"),
        "check.witnesses": _("Witness cosignatures"),
    }


def _outcomes() -> dict[str, str]:
    return {
        "status.pass": _("Passed"),
        "status.fail": _("Failed"),
        "status.skip": _("Not checked"),
        "status.note": _("Note"),
        "status.pending": _("Pending"),
        "verdict.verified": _("Verified: the entry is in the log, as the log's key signed it."),
        "verdict.pending": _(
            "Not yet verifiable: no signed checkpoint covers this entry yet. Ask for the "
            "receipt again after the next checkpoint."
        ),
        "verdict.failed": _("Not verified: at least one check failed (see below)."),
        "engine.webcrypto": _("the browser's WebCrypto"),
        "engine.noble": _("the JavaScript library noble-ed25519"),
        "skipped": _("Not checked, because an earlier check failed."),
        "skipped.pending": _("Not checked: no checkpoint covers the entry yet."),
    }


def _receipt_and_entry() -> dict[str, str]:
    return {
        "receipt.ok": _("Receipt of entry {seq} of the log {log}."),
        "receipt.json": _("This is not receipt JSON: it does not parse as a JSON object."),
        "receipt.field": _("The receipt's field \u201c{field}\u201d is missing or malformed."),
        "commitment.ok": _("SHA-256 of the entry's bytes equals the commitment {commitment}."),
        "commitment.mismatch": _(
            "The entry's bytes do not match the commitment: the receipt says {expected}, "
            "the bytes hash to {computed}. The entry was changed."
        ),
        "commitment.redacted": _(
            "The body of this entry was erased lawfully (UU 27/2022). Its commitment "
            "{commitment} stays in the log and is checked below."
        ),
        "commitment.unflagged": _(
            "The receipt has no entry bytes but does not say the entry was redacted."
        ),
        "commitment.flagged": _("The receipt says the entry was redacted but carries its bytes."),
        "entry.ok": _("The entry is a well-formed {type} entry with seq {seq}."),
        "entry.redacted": _("No entry content: the body was erased lawfully."),
        "entry.utf8": _("The entry's bytes are not valid UTF-8 text."),
        "entry.json": _("The entry's bytes are not a JSON object."),
        "entry.fields": _("The entry's fields are wrong: missing {missing}; unexpected {extra}."),
        "entry.field": _("The entry's field \u201c{field}\u201d is malformed."),
        "entry.seq": _("The entry says seq {entry}, the receipt says {receipt}."),
        "entry.canonical": _("The entry's bytes are not in canonical form (RFC 8785)."),
    }


def _key_and_checkpoint() -> dict[str, str]:
    return {
        "key.ok": _("Verifier key {key}; its key ID matches the key."),
        "key.list": _(
            "The log's {count} verifier keys, each for the tree sizes it signs: {key}; every "
            "key ID matches its key."
        ),
        "key.fetch": _("The published verifier key could not be fetched ({reason})."),
        "key.format": _("The verifier key is malformed; expected name+keyID+base64 key."),
        "key.id": _(
            "The verifier key's ID {given} does not match the key (it should be {computed})."
        ),
        "note.format": _("The checkpoint is not a well-formed signed note."),
        "signature.ok": _("Valid Ed25519 signature by {name} over the checkpoint text ({engine})."),
        "signature.bad": _(
            "The signature by {name} does not verify ({engine}): the checkpoint text or the "
            "signature was changed."
        ),
        "signature.missing": _("The checkpoint carries no signature by the key {name} ({id})."),
        "checkpoint.ok": _("Checkpoint of {origin}: {size} entries, root {root}."),
        "checkpoint.format": _("The checkpoint text is malformed (origin, size, root)."),
        "checkpoint.origin": _(
            "The checkpoint is of the log {origin}; the key is named {name} and the receipt "
            "is of the log {log}: all three must be the same."
        ),
        "checkpoint.window": _(
            "The checkpoint of {size} entries is signed by the key {id}, which does not sign "
            "that tree size (it signs the sizes {sizes})."
        ),
        "checkpoint.none": _(
            "No signed checkpoint covers entry {seq} yet; the receipt holds no proof."
        ),
        "inclusion.ok": _(
            "Entry {index} is in the tree of {size} entries: {count} proof hashes lead to the "
            "checkpoint's root."
        ),
        "inclusion.missing": _("The receipt has a checkpoint but no inclusion proof."),
        "inclusion.target": _(
            "The proof is for entry {index} in a tree of {proof} entries, not for entry {seq} "
            "in the checkpoint's {size}."
        ),
        "inclusion.index": _("Entry {index} lies outside a tree of {size} entries."),
        "inclusion.length": _("The proof has the wrong number of hashes ({count})."),
        "inclusion.root": _(
            "The proof leads to the root {computed}, but the checkpoint's root is {expected}: "
            "a proof hash or the checkpoint was changed."
        ),
        "witnesses.listed": _(
            "{count} witness cosignature line(s), shown below. They are not checked here: "
            "each witness publishes its own key."
        ),
        "witnesses.none": _("No witness has cosigned this checkpoint yet."),
    }


def _page() -> dict[str, str]:
    return {
        "error.empty": _("Paste the receipt JSON or choose the receipt file first."),
        "error.file": _("The file {name} could not be read."),
        "error.unexpected": _("The check could not run: {reason}"),
        "entry.body": _("Recorded data"),
        "entry.technical": _("Technical fields"),
        "value.yes": _("yes"),
        "value.no": _("no"),
    }


def field_labels() -> dict[str, str]:
    """Return the label of each known entry and body field, by field name."""
    return {
        "type": _("Type"),
        "seq": _("Entry number (seq)"),
        "time": _("Recorded at"),
        "actor": _("Recorded by"),
        "prev": _("Previous commitment"),
        "salt": _("Salt"),
        "nip": _("NIP"),
        "name": _("Name"),
        "rank": _("Rank (golongan)"),
        "unit": _("Unit"),
        "current_position": _("Current position"),
        "event": _("Assessment event"),
        "method": _("Method"),
        "assessed_on": _("Assessed on"),
        "session": _("Session"),
        "competencies": _("Competency levels"),
        "potential_category": _("Potential category"),
        "performance_rating": _("Performance rating"),
        "position": _("Position"),
        "position_title": _("Position title"),
        "from_position": _("Former position"),
        "vacancy": _("Vacancy"),
        "decree_number": _("Decree number (SK)"),
        "decided_on": _("Decided on"),
        "decided_by": _("Decided by"),
        "approval_reference": _("Approval reference"),
        "ruleset_hash": _("Rule set (hash)"),
        "kind": _("Kind"),
        "justification": _("Justification"),
        "ranking_position": _("Place in the ranking"),
        "verdict": _("Verdict of the rules"),
        "findings": _("Findings"),
        "supersedes": _("Corrects entry"),
        "reason": _("Reason"),
        "result": _("Corrected result"),
    }


def entry_type_labels() -> dict[str, str]:
    """Return the name of each entry type, e.g. "Placement decided" for placement.decided."""
    return {
        "assessment.recorded": _("Assessment result recorded"),
        "assessment.corrected": _("Assessment result corrected"),
        "placement.decided": _("Placement decided"),
        "placement.checked": _("Placement checked before the decision"),
        "position.defined": _("Position defined"),
        "vacancy.opened": _("Vacancy opened"),
        "ranking.published": _("Ranking published"),
        "relation.declared": _("Relation declared"),
        "placement.reevaluated": _("Placement re-evaluated after a correction"),
        "ruleset.activated": _("Rule set activated"),
        "entry.redacted": _("Entry erased lawfully"),
        "log.key_announced": _("New signing key announced"),
        "log.key_retired": _("Old signing key retired"),
    }


def receipt_messages() -> dict[str, str]:
    """Return every message of the receipt page's script, in the request's language."""
    return {
        **check_titles(),
        **_outcomes(),
        **_receipt_and_entry(),
        **_key_and_checkpoint(),
        **_page(),
        **{f"field.{name}": text for name, text in field_labels().items()},
        **{f"type.{name}": text for name, text in entry_type_labels().items()},
    }
