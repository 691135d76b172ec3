"""Signing in and out: a generic error on any failure, attempts limited per address and name.

Each sign-in opens a web session recorded on the server (`integrity_service.web_sessions`);
signing out revokes it, so the old cookie signs no one in afterwards.
"""

from __future__ import annotations

import math
import time

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
    signed_in_user,
)
from integrity_service.problems import Problem
from integrity_service.users import authenticate, cookie_is_secure, limiter, normalise_username
from integrity_service.web_sessions import end_web_session, start_web_session


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
            # Its own transaction, opened by a write (a SQLite read-then-write could fail busy).
            with db.sessions()() as write, write.begin():
                start_web_session(write, user)
            lang = session.get("lang")
            session.clear()  # a fresh session for the signed-in user (no fixation)
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
    """Sign out: revoke this web session (a copy of its cookie stops working too)."""
    with db.sessions()() as write, write.begin():
        end_web_session(write, signed_in_user().get_id())
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    return redirect(url_for("auditor.login"))


def _retry_after() -> int:
    """Return the whole seconds until the breached limit's window resets (at least 1)."""
    breached = limiter.current_limit
    if breached is None:
        return 60
    reset_time = breached.window[0]  # when the window ends (not reset_at: that adds 1)
    return max(1, math.ceil(reset_time - time.time()))


@bp.app_errorhandler(RateLimitExceeded)
def too_many_attempts(_error: RateLimitExceeded) -> Response:
    """Answer a refused sign-in attempt with Retry-After (only a 429 carries one)."""
    response = errors.answer(
        Problem(
            429,
            gettext("Too many attempts"),
            gettext("Too many sign-in attempts. Wait a minute, then try again."),
        )
    )
    response.headers["Retry-After"] = str(_retry_after())
    return response
