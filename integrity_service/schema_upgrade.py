"""Bring an existing database's tables up to the models: the columns ``create_all`` skips.

``Base.metadata.create_all`` creates missing tables only; ``init-db`` (see
`integrity_service.cli.initialise`) then calls `add_missing_columns` so that a
nullable column a newer version added to an existing table appears too.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Connection, MetaData, inspect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import CreateColumn, ExecutableDDLElement


class AddColumn(ExecutableDDLElement):
    """``ALTER TABLE <table> ADD COLUMN <column spec>`` for a column of a table's metadata."""

    def __init__(self, column: Column[Any]) -> None:
        self.column = column


@compiles(AddColumn)
def _compile_add_column(element: AddColumn, compiler: Any, **kw: Any) -> str:
    # The column spec comes from the same DDL compiler as CREATE TABLE's (quoting, types,
    # a default's escaping for the driver's paramstyle).
    table = compiler.preparer.format_table(element.column.table)
    spec = compiler.process(CreateColumn(element.column), **kw)
    return f"ALTER TABLE {table} ADD COLUMN {spec}"


class SchemaUpgradeError(Exception):
    """An existing table lacks a column that cannot be added in place (not nullable)."""


def missing_columns(connection: Connection, metadata: MetaData) -> list[Column[Any]]:
    """Return the columns of ``metadata``'s existing tables that the database lacks."""
    inspector = inspect(connection)
    missing: list[Column[Any]] = []
    for table in metadata.sorted_tables:
        if not inspector.has_table(table.name, schema=table.schema):
            continue
        present = {column["name"] for column in inspector.get_columns(table.name, table.schema)}
        missing.extend(column for column in table.columns if column.name not in present)
    return missing


def add_missing_columns(connection: Connection, metadata: MetaData) -> list[str]:
    """Add to existing tables the nullable columns ``metadata`` has and they lack.

    Each is added with ``ALTER TABLE ... ADD COLUMN``, compiled for the
    connection's dialect (SQLite, PostgreSQL): its type, and its server default
    if it has one, but no foreign key or other constraint. Old rows get NULL (or
    that default). A missing column that is not nullable needs a migration of
    its own: `SchemaUpgradeError`, raised before anything is altered. Run it in
    a transaction (``engine.begin()``); return the ``table.column`` names added.
    """
    missing = missing_columns(connection, metadata)
    refused = [f"{c.table.name}.{c.name}" for c in missing if not c.nullable or c.primary_key]
    if refused:
        raise SchemaUpgradeError(
            f"the database lacks the column(s) {', '.join(refused)}, which are not nullable "
            "and cannot be added in place; migrate the database by hand"
        )
    for column in missing:
        connection.execute(AddColumn(column))
    return [f"{column.table.name}.{column.name}" for column in missing]
