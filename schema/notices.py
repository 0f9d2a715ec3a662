"""Change notices (a day's location or call moved) and who has acknowledged them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

import msgspec
import sqlite_utils

from schema import rules
from schema.clock import iso, utcnow
from schema.errors import NotFound
from schema.event_kinds import EventKind
from schema.store import events
from schema.store.connection import write
from schema.store.rows import fetch_all, insert
from schema.types import Notice, NoticeKind


class NoticeStatus(msgspec.Struct, kw_only=True):
    """A notice with its tally, for the coordinator's Changes view."""

    notice: Notice
    recipients: int
    acknowledged: int


class RecipientStatus(msgspec.Struct, kw_only=True):
    person_id: int
    name: str
    acknowledged_at: datetime | None


def create(
    db: sqlite_utils.Database,
    *,
    day_id: int | None,
    kind: NoticeKind,
    summary: str,
    person_ids: Iterable[int],
    actor: str,
    now: datetime,
    personal: Mapping[int, str] | None = None,
) -> int:
    """Write a notice for these people; call inside the transaction that made the change.

    `personal` gives some recipients their own wording (their own call time, not the unit's);
    the coordinator's views keep the one summary and its tally."""
    notice_id = insert(
        db,
        "notices",
        {
            "day_id": day_id,
            "kind": str(kind),
            "summary": summary,
            "created_at": iso(now),
            "actor": actor,
        },
    )
    recipients = sorted(set(person_ids))
    own = personal or {}
    db.conn.executemany(
        "INSERT INTO notice_recipients (notice_id, person_id, summary) VALUES (?, ?, ?)",
        [(notice_id, person_id, own.get(person_id)) for person_id in recipients],
    )
    events.record(
        db,
        actor=actor,
        kind=EventKind.NOTICE_CREATED,
        subject=f"notice:{notice_id}",
        now=now,
        data={
            "day_id": day_id,
            "kind": str(kind),
            "summary": summary,
            "recipients": len(recipients),
        },
    )
    return notice_id


def list_all(db: sqlite_utils.Database, *, limit: int = 500) -> list[NoticeStatus]:
    rows = db.execute(
        "SELECT n.id, count(r.person_id), count(r.acknowledged_at) FROM notices n"
        " LEFT JOIN notice_recipients r ON r.notice_id = n.id"
        " GROUP BY n.id ORDER BY n.id DESC LIMIT ?",
        [limit],
    ).fetchall()
    by_id = {
        n.id: n
        for n in fetch_all(db, Notice, "SELECT * FROM notices ORDER BY id DESC LIMIT ?", [limit])
    }
    return [
        NoticeStatus(notice=by_id[nid], recipients=total, acknowledged=acked)
        for nid, total, acked in rows
    ]


def recipients(db: sqlite_utils.Database, notice_id: int) -> list[RecipientStatus]:
    rows = db.execute(
        "SELECT p.id, p.name, r.acknowledged_at FROM notice_recipients r"
        " JOIN people p ON p.id = r.person_id WHERE r.notice_id = ?"
        " ORDER BY r.acknowledged_at IS NOT NULL, p.name",
        [notice_id],
    ).fetchall()
    return [
        RecipientStatus(
            person_id=pid,
            name=name,
            acknowledged_at=datetime.fromisoformat(at) if at else None,
        )
        for pid, name, at in rows
    ]


def for_person(
    db: sqlite_utils.Database, person_id: int, *, pending_only: bool = True
) -> list[tuple[Notice, datetime | None]]:
    """A person's notices, newest first, with when they acknowledged each."""
    sql = (
        "SELECT n.*, r.acknowledged_at AS ack, r.summary AS own FROM notices n"
        " JOIN notice_recipients r ON r.notice_id = n.id WHERE r.person_id = ?"
    )
    if pending_only:
        sql += " AND r.acknowledged_at IS NULL"
    cursor = db.execute(sql + " ORDER BY n.id DESC LIMIT 100", [person_id])
    columns = [c[0] for c in cursor.description]
    found = []
    for row in cursor.fetchall():
        data = dict(zip(columns, row, strict=True))
        ack = data.pop("ack")
        own = data.pop("own")
        if own:
            data["summary"] = own
        found.append(
            (
                msgspec.convert(data, Notice, strict=False),
                datetime.fromisoformat(ack) if ack else None,
            )
        )
    return found


def acknowledge(
    db: sqlite_utils.Database,
    person_id: int,
    notice_id: int,
    *,
    nonce: str = "",
    client_at: datetime | None = None,
    replayed: bool = False,
    now: datetime | None = None,
) -> datetime:
    """Mark a notice seen. Idempotent: a replay answers with the first acknowledgement's time."""
    moment = now or utcnow()
    with write(db):
        row = db.execute(
            "SELECT r.acknowledged_at, n.created_at FROM notice_recipients r"
            " JOIN notices n ON n.id = r.notice_id WHERE r.notice_id = ? AND r.person_id = ?",
            [notice_id, person_id],
        ).fetchone()
        if row is None:
            raise NotFound(f"no notice {notice_id} for you")
        if row[0] is not None:
            return datetime.fromisoformat(row[0])
        # Never before the notice existed, whatever a replaying phone's clock says.
        at = max(rules.replayed_time(moment, client_at, replayed), datetime.fromisoformat(row[1]))
        db.execute(
            "UPDATE notice_recipients SET acknowledged_at = ?, ack_nonce = ?"
            " WHERE notice_id = ? AND person_id = ? AND acknowledged_at IS NULL",
            [iso(at), nonce[:64], notice_id, person_id],
        )
        events.record(
            db,
            actor=f"person:{person_id}",
            kind=EventKind.NOTICE_ACKNOWLEDGED,
            subject=f"notice:{notice_id}",
            now=moment,
            data={"person_id": person_id, "replayed": replayed, "nonce": nonce[:64]},
        )
    return at
