"""Signing in and out: a generic error on any failure, attempts limited per address and name."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from integrity_service import db, errors
from integrity_service.auditor import bp
from integrity_service.auditor.access import (
    READERS,
    SUBMITTERS,
    home_endpoint,
    roles_required,
    safe_next,
)
from integrity_service.problems import Problem
from integrity_service.users import authenticate, cookie_is_secure, limiter, normalise_username


def _login_limit() -> str:
    return str(current_app.config["LOGIN_RATE_LIMIT"])


def _username_key() -> str:
    return "user:" + normalise_username(request.form.get("username", ""))[:64]


def _plain_http_warning() -> bool:
    """Tell whether the session cookie will be Secure on a plain-HTTP page (sign-in would fail)."""
    return not request.is_secure and cookie_is_secure(current_app)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_username_key)
def login() -> Response | str:
    """Show the sign-in form; sign in with a username and password."""
    target = safe_next(request.values.get("next"))
    if current_user.is_authenticated:
        return redirect(target or url_for(home_endpoint(current_user.role)))
    error = None
    username = ""
    if request.method == "POST":
        username = request.form.get("username", "")
        with db.sessions()() as write, write.begin():
            user = authenticate(write, username, request.form.get("password", ""))
        if user is not None:
            lang = session.get("lang")
            session.clear()  # a fresh session for the signed-in user
            if lang:
                session["lang"] = lang
            login_user(user)
            return redirect(target or url_for(home_endpoint(user.role)))
        error = gettext("The username or password is wrong, or the account is deactivated.")
    page = render_template(
        "auditor/login.html",
        error=error,
        username=username,
        next=target,
        plain_http=_plain_http_warning(),
    )
    return page


@bp.post("/logout")
@roles_required(*READERS, *SUBMITTERS)
def logout() -> Response:
    """Sign out and return to the sign-in page."""
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    return redirect(url_for("auditor.login"))


@bp.app_errorhandler(RateLimitExceeded)
def too_many_attempts(_error: RateLimitExceeded) -> Response:
    """Answer a refused sign-in attempt; the limiter adds the Retry-After header."""
    return errors.answer(
        Problem(
            429,
            gettext("Too many attempts"),
            gettext("Too many sign-in attempts. Wait a minute, then try again."),
        )
    )
