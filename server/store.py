"""One SQLite connection per thread, opened on first use and kept.

Opening a connection per request would re-run the migration check (a BEGIN IMMEDIATE) every
time; a per-thread cache pays that once. Handlers run inline on the event loop thread (see
server/app.py), so in practice one connection serves the API; threads stay safe regardless.
"""

from __future__ import annotations

import threading

import sqlite_utils

from schema.store.connection import connect


class ConnectionCache:
    def __init__(self, path: str) -> None:
        self.path = path
        self._local = threading.local()
        self._lock = threading.Lock()
        self._all: list[sqlite_utils.Database] = []

    def migrate(self) -> None:
        """Bring the file to the latest schema once, at startup."""
        connect(self.path).conn.close()

    def get(self) -> sqlite_utils.Database:
        db: sqlite_utils.Database | None = getattr(self._local, "db", None)
        if db is None:
            db = connect(self.path, migrate_schema=False)
            self._local.db = db
            with self._lock:
                self._all.append(db)
        elif db.conn.in_transaction:
            # A handler that died mid-read must not leave its snapshot open for the next one.
            db.conn.rollback()
        return db

    def close_all(self) -> None:
        with self._lock:
            for db in self._all:
                db.conn.close()
            self._all.clear()
        self._local = threading.local()
