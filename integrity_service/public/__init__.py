"""Public, login-free endpoints: checkpoints, the verifier key, proofs."""

from flask import Blueprint

bp = Blueprint("public", __name__, url_prefix="/public")

from integrity_service.public import pages, routes, tlog  # noqa: E402, F401
