"""Adding the nullable columns a newer version brought to an existing table."""

from __future__ import annotations

import pytest
from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    inspect,
    text,
)

from integrity_service.schema_upgrade import SchemaUpgradeError, add_missing_columns


def test_missing_nullable_columns_are_added_and_required_ones_refused(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            Table("t", MetaData(), Column("id", Integer, primary_key=True)).create(connection)
            connection.execute(text("INSERT INTO t (id) VALUES (1)"))
        newer = MetaData()
        Table(
            "t",
            newer,
            Column("id", Integer, primary_key=True),
            Column("note", String(20), server_default="50%"),
            Column("required", String(20), nullable=False),
        )
        with pytest.raises(SchemaUpgradeError, match=r"t\.required"), engine.begin() as connection:
            add_missing_columns(connection, newer)
        with engine.connect() as connection:
            assert [c["name"] for c in inspect(connection).get_columns("t")] == ["id"]
        newer.tables["t"].c.required.nullable = True
        with engine.begin() as connection:
            assert add_missing_columns(connection, newer) == ["t.note", "t.required"]
        with engine.begin() as connection:
            assert add_missing_columns(connection, newer) == []
            assert connection.execute(text("SELECT id, note, required FROM t")).all() == [
                (1, "50%", None)
            ]
    finally:
        engine.dispose()
