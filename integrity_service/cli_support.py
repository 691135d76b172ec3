"""Shared guards for CLI commands."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click
from sqlalchemy import inspect
from sqlalchemy.exc import SQLAlchemyError

from integrity_service import db

F = TypeVar("F", bound=Callable[..., Any])


def requires_schema(command: F) -> F:
    """Refuse to run a command on a database without the ledger tables, saying what to do."""

    @functools.wraps(command)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        engine = db.engine()
        try:
            present = inspect(engine).has_table("ledger_entries")
        except SQLAlchemyError as exc:
            url = engine.url.render_as_string(hide_password=True)
            raise click.ClickException(f"cannot open the database {url}: {exc}") from exc
        if not present:
            url = engine.url.render_as_string(hide_password=True)
            raise click.ClickException(
                f"the database {url} has no ledger tables; "
                "run 'flask --app integrity_service init-db' first"
            )
        return command(*args, **kwargs)

    return guarded  # type: ignore[return-value]
