"""Following the events table: the change feed, kept alive through errors.

`FeedFollower` owns one connection and the id of the last event seen. A failure closes the
connection and sets a growing delay; the next poll reopens and resumes from the same id, so
events written while the file was unreachable are delivered, not skipped.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time

import sqlite_utils
from textual.worker import Worker

from schema.store import events
from schema.store.connection import connect

BATCH = 1000
FIRST_DELAY_S = 0.5
MAX_DELAY_S = 8.0


class FeedFollower:
    def __init__(self, db_path: str, *, read_only: bool = False) -> None:
        self.db_path = db_path
        self.read_only = read_only
        self.seen: int | None = None  # None until the first successful read: start from "now"
        self.failures = 0
        self.recovered = False
        self._db: sqlite_utils.Database | None = None

    def poll(self) -> frozenset[str]:
        """The kinds of every event since the last poll (empty when nothing happened)."""
        db = self._connection()
        if self.seen is None:
            self.seen = events.latest_id(db)
        kinds: set[str] = set()
        while True:
            fresh = events.since(db, self.seen, limit=BATCH)
            if fresh:
                self.seen = fresh[-1].id
                kinds.update(event.kind for event in fresh)
            if len(fresh) < BATCH:
                break
        self.recovered = self.failures > 0
        self.failures = 0
        return frozenset(kinds)

    def failed(self, error: Exception) -> float:
        """Forget the connection (it may be the broken part); returns how long to wait."""
        self.close()
        self.failures += 1
        return min(FIRST_DELAY_S * 2 ** (self.failures - 1), MAX_DELAY_S)

    def close(self) -> None:
        if self._db is not None:
            # Closing a broken connection may fail too; it is gone either way.
            with contextlib.suppress(sqlite3.Error):
                self._db.conn.close()
            self._db = None

    def _connection(self) -> sqlite_utils.Database:
        if self._db is None:
            self._db = connect(self.db_path, migrate_schema=False, read_only=self.read_only)
        return self._db


def pause(worker: Worker[object], seconds: float) -> None:
    """Sleep in short steps so quitting the app never waits for a long back-off."""
    deadline = time.monotonic() + seconds
    while not worker.is_cancelled and time.monotonic() < deadline:
        time.sleep(min(0.1, seconds))
