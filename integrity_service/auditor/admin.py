"""The administrator's page: users (deactivate, reactivate) and API tokens (create, revoke)."""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import select
from werkzeug.wrappers import Response

from integrity_service import accounts, db
from integrity_service.auditor import bp
from integrity_service.auditor.access import ADMINS, roles_required, signed_in_user
from integrity_service.problems import Problem
from integrity_service.users import TokenOwner, User


def _page(new_token: str | None = None, new_token_name: str | None = None) -> Response:
    session = db.session()
    users = session.scalars(select(User).order_by(User.username)).all()
    tokens = session.scalars(select(accounts.ApiToken).order_by(accounts.ApiToken.name)).all()
    owners = dict(session.execute(select(TokenOwner.token_name, TokenOwner.username)).all())
    response = make_response(
        render_template(
            "auditor/admin.html",
            users=users,
            tokens=tokens,
            owners=owners,
            roles=accounts.ROLES,
            bkpsdm_users=[u for u in users if u.role == "bkpsdm" and u.active],
            new_token=new_token,
            new_token_name=new_token_name,
            me=signed_in_user().username,
        )
    )
    response.headers["Cache-Control"] = "no-store"  # a new token is shown once, never cached
    return response


def _token_refusal(name: str, role: str) -> str | None:
    """Return why a token of this name and role cannot be created, or None."""
    if not accounts.NAME_PATTERN.fullmatch(name):
        return gettext("Give the token a name of 1-64 letters, digits, '.', '_' or '-'.")
    if role not in accounts.ROLES:
        return gettext("Choose one of the roles offered.")
    return None


@bp.get("/admin")
@roles_required(*ADMINS)
def admin() -> Response:
    """List users and API tokens."""
    return _page()


@bp.post("/admin/tokens")
@roles_required(*ADMINS)
def create_token() -> Response:
    """Create an API token and show it once; only its hash is stored."""
    name = request.form.get("name", "").strip()
    role = request.form.get("role", "")
    owner = request.form.get("owner", "").strip() or None
    refused = _token_refusal(name, role)
    if refused is not None:
        flash(refused, "error")
        return redirect(url_for("auditor.admin"))
    with db.sessions()() as session, session.begin():
        if session.get(accounts.ApiToken, name) is not None:
            flash(
                gettext("The name %(name)s is already used; names are never reused.", name=name),
                "error",
            )
            return redirect(url_for("auditor.admin"))
        if owner is not None:
            user = session.get(User, owner)
            if user is None or user.role != "bkpsdm":
                flash(gettext("A token can belong only to an existing BKPSDM user."), "error")
                return redirect(url_for("auditor.admin"))
        try:
            token = accounts.issue_token(session, name=name, role=role)
        except accounts.TokenError as exc:
            session.rollback()
            flash(gettext("The token was not created: %(reason)s", reason=str(exc)), "error")
            return redirect(url_for("auditor.admin"))
        if owner is not None:
            session.flush()
            session.add(TokenOwner(token_name=name, username=owner))
    return _page(new_token=token, new_token_name=name)


@bp.post("/admin/tokens/<name>/revoke")
@roles_required(*ADMINS)
def revoke_token(name: str) -> Response:
    """Revoke an API token at once."""
    with db.sessions()() as session, session.begin():
        try:
            revoked = accounts.revoke_token(session, name=name)
        except accounts.TokenError as exc:
            raise Problem(
                404, gettext("Not found"), gettext("No API token is named %(name)s.", name=name)
            ) from exc
    if revoked:
        flash(
            gettext("Token %(name)s revoked; requests with it are refused from now on.", name=name),
            "ok",
        )
    else:
        flash(gettext("Token %(name)s was already revoked.", name=name), "info")
    return redirect(url_for("auditor.admin"))


@bp.post("/admin/users/<username>/active")
@roles_required(*ADMINS)
def set_user_active(username: str) -> Response:
    """Deactivate a user (their web sessions are revoked at once) or reactivate one.

    The revocation happens in the same transaction as the change: see
    `integrity_service.web_sessions` (a reactivated user signs in afresh).
    """
    active = request.form.get("active") == "1"
    if username == signed_in_user().username and not active:
        flash(
            gettext("You cannot deactivate your own account; ask another administrator."), "error"
        )
        return redirect(url_for("auditor.admin"))
    with db.sessions()() as session, session.begin():
        user = session.get(User, username)
        if user is None:
            raise Problem(
                404, gettext("Not found"), gettext("No user is named %(name)s.", name=username)
            )
        user.active = active
    if active:
        flash(gettext("User %(name)s can sign in again.", name=username), "ok")
    else:
        flash(gettext("User %(name)s is deactivated and signed out.", name=username), "ok")
    return redirect(url_for("auditor.admin"))
