"""Opening a production's SQLite file, and the one way to write to it.

Every connection runs in autocommit mode so that transactions are explicit. Writers start with
`BEGIN IMMEDIATE`: with the TUI and the server on one WAL file, a deferred transaction that
upgrades to a write can fail with "database is locked" regardless of the busy timeout.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from schema.store.migrations import migrate

BUSY_TIMEOUT_MS = 10_000


def connect(
    path: str | Path, *, migrate_schema: bool = True, read_only: bool = False
) -> sqlite_utils.Database:
    """Open (creating if needed) a production file with WAL, foreign keys and a busy timeout.

    `read_only` opens an existing file so that SQLite itself refuses every write (a production
    manager's view of the desk): no migrations, no journal mode change, nothing created."""
    if read_only:
        target, uri = Path(path).resolve().as_uri() + "?mode=ro", True
    else:
        target, uri = str(path), False
    conn = sqlite3.connect(
        target,
        isolation_level=None,
        check_same_thread=False,
        timeout=BUSY_TIMEOUT_MS / 1000,
        uri=uri,
    )
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if read_only:
        conn.execute("PRAGMA query_only = ON")
        return sqlite_utils.Database(conn)
    if str(path) != ":memory:":
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = NORMAL")
    db = sqlite_utils.Database(conn)
    if migrate_schema:
        with write(db):
            migrate(db)
    return db


@contextmanager
def write(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """A write transaction (BEGIN IMMEDIATE), or a savepoint when one is already open."""
    conn = db.conn
    if conn.in_transaction:
        conn.execute("SAVEPOINT nested")
        try:
            yield db
        except BaseException:
            conn.execute("ROLLBACK TO nested")
            conn.execute("RELEASE nested")
            raise
        conn.execute("RELEASE nested")
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


@contextmanager
def read(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """A consistent snapshot for several reads (a no-op inside an open transaction)."""
    conn = db.conn
    if conn.in_transaction:
        yield db
        return
    conn.execute("BEGIN")
    try:
        yield db
    finally:
        conn.execute("COMMIT")
