"""The append-only events table: the audit trail and the change feed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
import sqlite_utils

from schema.clock import iso
from schema.event_kinds import EventKind
from schema.types import Event

_encoder = msgspec.json.Encoder()


def record(
    db: sqlite_utils.Database,
    *,
    actor: str,
    kind: EventKind,
    subject: str,
    now: datetime,
    data: dict[str, Any] | None = None,
) -> int:
    """Append one event; call inside the write transaction of the change it describes."""
    cursor = db.execute(
        "INSERT INTO events (at, actor, kind, subject, data) VALUES (?, ?, ?, ?, ?)",
        [iso(now), actor, kind, subject, _encoder.encode(data or {}).decode("utf-8")],
    )
    return int(cursor.lastrowid or 0)


def latest_id(db: sqlite_utils.Database) -> int:
    return int(db.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0])


def since(db: sqlite_utils.Database, after_id: int, *, limit: int = 1000) -> list[Event]:
    """Events newer than `after_id`, oldest first: what a follower has not seen yet."""
    rows = db.execute(
        "SELECT id, at, actor, kind, subject, data FROM events WHERE id > ? ORDER BY id LIMIT ?",
        [after_id, limit],
    ).fetchall()
    return [_event(row) for row in rows]


def for_subject(db: sqlite_utils.Database, subject: str, *, limit: int = 200) -> list[Event]:
    rows = db.execute(
        "SELECT id, at, actor, kind, subject, data FROM events WHERE subject = ? "
        "ORDER BY id DESC LIMIT ?",
        [subject, limit],
    ).fetchall()
    return [_event(row) for row in rows]


def _event(row: tuple[Any, ...]) -> Event:
    return Event(
        id=row[0],
        at=datetime.fromisoformat(row[1]),
        actor=row[2],
        kind=row[3],
        subject=row[4],
        data=msgspec.json.decode(row[5]),
    )
