"""Database engine, sessions and the serialised write transaction.

Plain SQLAlchemy 2.0 (no Flask-SQLAlchemy) so the ledger's write path can
choose exactly how a transaction begins: SQLite ``BEGIN IMMEDIATE`` takes the
write lock before the log head is read, PostgreSQL takes a transaction-scoped
advisory lock. Either way two writers can never chain onto the same head.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

# Any constant works; it only has to be the same for every writer of one database.
LEDGER_LOCK_KEY = 6962_8785


class Base(DeclarativeBase):
    """Declarative base of every table."""


def make_engine(
    url: str, *, sqlite_synchronous: str = "FULL", sqlite_max_page_count: int | None = None
) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and manual BEGIN handling.

    ``hide_parameters``: a database error that reaches a log names the statement but not
    its values, which may be personal data (names, scores).
    """
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, hide_parameters=True)
    engine = create_engine(url, connect_args={"timeout": 60}, hide_parameters=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's begin event emit BEGIN itself (pysqlite's own is deferred only).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={sqlite_synchronous}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=60000")
        if sqlite_max_page_count is not None:
            cursor.execute(f"PRAGMA max_page_count={int(sqlite_max_page_count)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get("ledger_write", False)
        driver_rows(conn, "BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def driver_rows(conn: Connection, sql: str, params: Sequence[Any] = ()) -> list[Any]:
    """Run one statement (``?`` placeholders) through a plain DB-API cursor; return its rows.

    For the hottest statements (a placement check's token lookup, log position,
    idempotency key and projection row; the ledger's node reads and verify scan):
    the ORM and Core layers cost 20-40 µs per statement, the driver 2. The
    statement joins ``conn``'s transaction, and driver errors are raised as
    SQLAlchemy's ``DBAPIError`` subclasses, as the layers would raise them (so a
    full disk is still an ``OperationalError``). No rows for a statement without any.
    """
    if conn.dialect.paramstyle != "qmark":
        sql = sql.replace("?", "%s")
    dbapi_error = conn.dialect.loaded_dbapi.Error
    cursor = conn.connection.cursor()
    try:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []
    except dbapi_error as exc:
        raise DBAPIError.instance(
            sql,
            params,
            exc,
            dbapi_error,
            hide_parameters=conn.engine.hide_parameters,
            dialect=conn.dialect,
        ) from exc
    finally:
        cursor.close()


def is_sqlite(engine: Engine) -> bool:
    """Return True for a SQLite engine."""
    return engine.dialect.name == "sqlite"


@contextmanager
def sqlite_writer_turn(engine: Engine) -> Iterator[None]:
    """Wait for this SQLite database's writer turn: a blocking flock on a file beside it.

    SQLite's busy handler polls with growing sleeps (up to 100 ms), so writers of
    several gunicorn workers sleep while the write lock is already free; the kernel
    wakes a flock waiter the moment the holder's transaction ends. Each turn opens
    its own file description, so threads of one process exclude each other too. A
    killed holder's lock is released by the kernel. In-memory databases need none.
    """
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        yield
        return
    fd = os.open(database + "-writer.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


@contextmanager
def write_session(factory: sessionmaker[Session]) -> Iterator[Session]:
    """Yield a session whose transaction holds the ledger write lock; commit on success."""
    session = factory()
    engine = session.get_bind()
    turn = sqlite_writer_turn(engine) if is_sqlite(engine) else nullcontext()
    with turn:
        try:
            conn = session.connection(execution_options={"ledger_write": True})
            if not is_sqlite(conn.engine):
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LEDGER_LOCK_KEY})
            yield session
            session.commit()
        except BaseException:
            discard(session)
            raise
        finally:
            session.close()


def discard(session: Session) -> None:
    """Roll back; if the connection is gone (cut, server restarted), just drop it.

    A failed rollback must not replace the error that caused it, nor turn an
    answer already made into a 500: the pool opens a new connection next time.
    """
    try:
        session.rollback()
    except SQLAlchemyError:
        session.invalidate()


def init_app(app: Flask) -> None:
    """Create the app's engine and session factory and close sessions after each request."""
    engine = make_engine(
        app.config["DATABASE_URL"],
        sqlite_synchronous=app.config["SQLITE_SYNCHRONOUS"],
        sqlite_max_page_count=app.config.get("SQLITE_MAX_PAGE_COUNT"),
    )
    app.extensions["integrity_engine"] = engine
    app.extensions["integrity_sessions"] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)


def engine() -> Engine:
    """Return the current app's engine."""
    return current_app.extensions["integrity_engine"]


def sessions() -> sessionmaker[Session]:
    """Return the current app's session factory."""
    return current_app.extensions["integrity_sessions"]


def session() -> Session:
    """Return the read session of the current app context."""
    if "db_session" not in g:
        g.db_session = sessions()()
    return g.db_session


def _close_session(_exc: BaseException | None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        try:
            db_session.close()  # rolls back the read transaction
        except SQLAlchemyError as exc:
            current_app.logger.warning("read session's connection dropped: %s", exc.orig or exc)
            db_session.invalidate()
