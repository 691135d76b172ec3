"""Public pages (no login, no personal data): checkpoints, how to verify, check a receipt.

Pages show only what the log publishes anyway (signed checkpoints, the
verifier key) and aggregate figures. The receipt page verifies a person's
receipt in their browser: the receipt never reaches the server.
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app, render_template, request, url_for
from flask_babel import gettext as _

from integrity_service import db, keys, stats
from integrity_service.key_rotation import log_keys
from integrity_service.problems import Problem, bad_parameter
from integrity_service.public import bp
from integrity_service.public.receipt_messages import (
    check_titles,
    field_labels,
    receipt_messages,
)
from integrity_service.public.views import history_page, latest_checkpoint

HOWTO = Path(__file__).resolve().parent.parent / "templates" / "public" / "howto"
_MAX_PAGE = 10**9


@bp.get("/")
def index() -> str:
    """Show the latest checkpoint, the verifier key(s) and the headline figures."""
    session = db.session()
    verifier = keys.verifier(current_app)
    published = log_keys(session, verifier)
    return render_template(
        "public/index.html",
        checkpoint=latest_checkpoint(session, [key.verifier for key in published]),
        key=verifier.to_text(),
        log_keys=published,
        placements=stats.placement_summary(session),
        findings=stats.findings_summary(session),
    )


def _page_number() -> int:
    raw = request.args.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= _MAX_PAGE:
        raise bad_parameter("page", f"must be a page number from 1, not {raw[:24]!r}")
    return int(raw)


@bp.get("/history")
def history() -> str:
    """Show every signed checkpoint, newest first, a page at a time."""
    session = db.session()
    published = log_keys(session, keys.verifier(current_app))
    page = history_page(session, [key.verifier for key in published], _page_number())
    if page.page > page.pages:
        raise Problem(404, "Not found", f"the checkpoint history has {page.pages} page(s)")
    return render_template("public/history.html", history=page)


def machine_endpoints() -> list[tuple[str, str]]:
    """Return the public machine endpoints this app serves, each with what it returns."""
    known = [
        ("public.key", "/public/key", _("The verifier key, as text.")),
        (
            "public.key_list",
            "/public/keys",
            _("Every key of the log, each with the tree sizes it signs, as text."),
        ),
        (
            "public.checkpoint",
            "/public/checkpoint",
            _("The latest signed checkpoint with its witnesses' cosignatures, as text."),
        ),
        ("public.checkpoints", "/public/checkpoints", _("Every signed checkpoint, as JSON.")),
        (
            "public.inclusion",
            "/public/proof/inclusion?index=I&size=N",
            _("The inclusion proof of entry I in the tree of N entries, as JSON."),
        ),
        (
            "public.consistency",
            "/public/proof/consistency?old=M&size=N",
            _("The consistency proof from the tree of M entries to that of N, as JSON."),
        ),
        (
            "public.tlog_tile",
            "/public/tlog/tile/<L>/<N>",
            _("C2SP tlog-tiles: hash tiles and entry bundles (commitments only), for mirrors."),
        ),
    ]
    served = current_app.view_functions
    return [(path, meaning) for endpoint, path, meaning in known if endpoint in served]


def _example(name: str) -> str:
    return (HOWTO / name).read_text(encoding="utf-8")


@bp.get("/verify-howto")
def verify_howto() -> str:
    """Explain the formats and how to verify a receipt or checkpoint with other tools."""
    verifier = keys.verifier(current_app)
    return render_template(
        "public/verify_howto.html",
        key=verifier.to_text(),
        log_keys=log_keys(db.session(), verifier),
        origin=verifier.name,
        key_url=url_for("public.key", _external=True),
        keys_url=url_for("public.key_list", _external=True),
        checkpoint_url=url_for("public.checkpoint", _external=True),
        endpoints=machine_endpoints(),
        go_example=_example("verify_receipt.go"),
        shell_example=_example("verify_receipt.sh"),
    )


@bp.get("/receipt")
def receipt() -> str:
    """Show the receipt checker; the verification runs in the browser, on the receipt alone."""
    return render_template(
        "public/receipt.html",
        messages=receipt_messages(),
        field_order=list(field_labels()),
        checks=check_titles(),
        key_url=url_for("public.key_list"),
    )


from integrity_service.public import statistics  # noqa: E402, F401  (registers its page)
