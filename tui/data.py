"""Database work off the UI thread: each worker opens its own connection and posts a message.

`DbWork` is mixed into screens and dialogs. `fetch` reads (a newer fetch for the same slot
supersedes an older one, so a fast typist never sees stale search results); `change` writes
and reports success or the domain error, which `tui.errors` turns into a notification.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import sqlite_utils
from textual import work
from textual.message import Message

from schema.errors import CallboardError, RuleViolation
from schema.store.connection import connect
from tui.context import Desk
from tui.logs import log, log_path

READ_ONLY = RuleViolation(
    "this desk was opened read-only (--read-only): it shows everything and changes nothing",
    code="read_only",
)
Query = Callable[[sqlite_utils.Database], Any]
Apply = Callable[[Any], None]


@contextmanager
def opened(path: str, *, read_only: bool = False) -> Iterator[sqlite_utils.Database]:
    """A connection for this thread only, closed when the work is done (in read-only mode one
    SQLite itself will not write through, so even a key that slipped past cannot change
    anything)."""
    db = connect(path, migrate_schema=False, read_only=read_only)
    try:
        yield db
    finally:
        db.conn.close()


def as_domain_error(error: Exception) -> CallboardError:
    """What the coordinator is told. An error the core did not raise on purpose (a bug) is
    logged with its traceback and reported as one line that says where the detail is."""
    if isinstance(error, CallboardError):
        return error
    if isinstance(error, OSError):  # a file the coordinator named: unreadable, no such folder
        where = f"{error.filename}: " if error.filename else ""
        return CallboardError(f"{where}{error.strerror or error}", code="file")
    if isinstance(error, sqlite3.Error):
        return CallboardError(f"the database said: {error}", code="database")
    log.error("unexpected error in a database worker", exc_info=error)
    return CallboardError(
        f"something went wrong ({type(error).__name__}); nothing was saved. "
        f"The detail is in {log_path()}",
        code="internal",
    )


class Loaded(Message, bubble=False):
    """A read finished; `apply` shows it (on the UI thread) if it is still the latest."""

    def __init__(self, slot: str, ticket: int, payload: Any, apply: Apply) -> None:
        super().__init__()
        self.slot, self.ticket, self.payload, self.apply = slot, ticket, payload, apply


class Changed(Message, bubble=False):
    """A write succeeded; `done` says so to the coordinator."""

    def __init__(self, result: Any, done: str, after: Apply | None) -> None:
        super().__init__()
        self.result, self.done, self.after = result, done, after


class Refused(Message, bubble=False):
    """A read or write failed with a domain (or database) error; nothing was written."""

    def __init__(self, error: CallboardError) -> None:
        super().__init__()
        self.error = error


class DbWork:
    """Mixin for screens and dialogs that talk to the production file."""

    desk: Desk

    if TYPE_CHECKING:

        def post_message(self, message: Message) -> bool: ...

    def fetch(self, slot: str, query: Query, apply: Apply) -> None:
        tickets: dict[str, int] = self.__dict__.setdefault("_tickets", {})
        tickets[slot] = tickets.get(slot, 0) + 1
        self._read(slot, tickets[slot], query, apply)

    def change(self, action: Query, done: str = "", after: Apply | None = None) -> None:
        if self.desk.read_only and getattr(self, "writes", True):
            self.post_message(Refused(READ_ONLY))
            return
        self._write(action, done, after)

    @work(thread=True, group="db")
    def _read(self, slot: str, ticket: int, query: Query, apply: Apply) -> None:
        try:
            with opened(self.desk.db_path, read_only=self.desk.read_only) as db:
                payload = query(db)
        except Exception as error:  # a notification, never a crash (as_domain_error logs bugs)
            self.post_message(Refused(as_domain_error(error)))
            return
        self.post_message(Loaded(slot, ticket, payload, apply))

    @work(thread=True, group="db")
    def _write(self, action: Query, done: str, after: Apply | None) -> None:
        try:
            with opened(self.desk.db_path, read_only=self.desk.read_only) as db:
                result = action(db)
        except Exception as error:  # a notification, never a crash (as_domain_error logs bugs)
            self.post_message(Refused(as_domain_error(error)))
            return
        self.post_message(Changed(result, done, after))

    def on_loaded(self, message: Loaded) -> None:
        if self.__dict__.get("_tickets", {}).get(message.slot) == message.ticket:
            message.apply(message.payload)
