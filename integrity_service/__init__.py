"""The integrity service: a Flask app over the tamper-evident placement ledger."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask, redirect, url_for

from integrity_service import config


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create the app: configuration, database, blueprints, error handlers and CLI."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(config.defaults(app.instance_path))
    app.config.from_prefixed_env("INTEGRITY")
    if test_config is not None:
        app.config.from_mapping(test_config)
    if app.config["DATABASE_URL"].startswith("sqlite:///" + app.instance_path):
        os.makedirs(app.instance_path, exist_ok=True)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = config.instance_secret(app.instance_path)

    from integrity_service import cli, db, errors, i18n, limits, ops, security, users
    from integrity_service.api import bp as api_bp
    from integrity_service.auditor import bp as auditor_bp
    from integrity_service.public import bp as public_bp
    from integrity_service.reports.routes import bp as reports_bp

    db.init_app(app)
    ops.init_app(app)
    errors.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    users.init_app(app)
    limits.init_app(app)
    cli.init_app(app)
    app.register_blueprint(public_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(auditor_bp)
    app.register_blueprint(reports_bp)
    app.add_url_rule("/", "site_root", lambda: redirect(url_for("public.index")))
    return app
