"""The master schedule: days (shoot days or production blocks) and the people called on them.

Moving a day's location, date or call time writes a change notice for everyone called that day,
in the same transaction, so nobody learns of a move only by turning up at the old place.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import Enum
from typing import Any

import msgspec
import sqlite_utils

from schema import bookings, notices, paperwork, validate
from schema.clock import local_iso, utcnow
from schema.errors import InvalidInput, NotFound
from schema.event_kinds import EventKind
from schema.production import COORDINATOR
from schema.rules import format_duration
from schema.store import events
from schema.store.connection import read, write
from schema.store.rows import (
    delete_versioned,
    fetch_all,
    fetch_one,
    get,
    insert,
    unchanged,
    update_versioned,
)
from schema.types import Call, Day, NoticeKind


class Keep(Enum):
    """Sentinel for 'leave this field as it is' where None is a meaningful value."""

    KEEP = "keep"


class DayIn(msgspec.Struct, kw_only=True):
    date: date
    call: time
    wrap: time
    unit: str = "Main"
    location_id: int | None = None
    scenes: str = ""
    notes: str = ""


class CallLine(msgspec.Struct, kw_only=True):
    """One row of a day's detail: who is called when, and their paperwork state."""

    call: Call
    name: str
    department: str
    role: str
    contract_status: str | None
    missing: list[str] = []  # the required paperwork lacking on the day (when asked for)


class DaySummary(msgspec.Struct, kw_only=True):
    day: Day
    location_name: str | None
    called: int


# The longest day a wrap at or before its call may stand for. A night shoot wraps a few hours
# after midnight (16:00 to 02:00 is 10 hours); a next-morning wrap making a longer day than this
# (09:30 to 08:00 would be 22h30) is a slip of the keyboard, not a day anyone works.
MAX_OVERNIGHT_DAY = timedelta(hours=20)


def day_span(on: date, call: time, wrap: time) -> tuple[datetime, datetime]:
    """Call and wrap as datetimes; a wrap at or before the call is after midnight."""
    call_at = datetime.combine(on, call)
    return call_at, wrap_after(call_at, wrap)


def wrap_after(call_at: datetime, wrap: time, field: str = "wrap") -> datetime:
    """The wrap on the call's date, or the next morning when it is at or before the call (a
    night shoot); refused when that next-morning reading would make an impossibly long day."""
    wrap_at = datetime.combine(call_at.date(), wrap)
    if wrap_at > call_at:
        return wrap_at
    wrap_at += timedelta(days=1)
    if wrap_at - call_at > MAX_OVERNIGHT_DAY:
        raise InvalidInput(
            f"{field} {wrap:%H:%M} would be {format_duration(wrap_at - call_at)} after the "
            f"{call_at:%H:%M} call; a wrap earlier than the call means the next morning",
            field=field,
        )
    return wrap_at


def clean_day(db: sqlite_utils.Database, new: DayIn, day_id: int | None = None) -> dict[str, Any]:
    call_at, wrap_at = day_span(new.date, new.call, new.wrap)
    if (
        new.location_id is not None
        and not db.execute("SELECT 1 FROM locations WHERE id = ?", [new.location_id]).fetchone()
    ):
        raise InvalidInput(f"no location with id {new.location_id}", field="location_id")
    unit = validate.text(new.unit, "unit", required=True, limit=40)
    if db.execute(
        "SELECT 1 FROM days WHERE date = ? AND unit = ? AND id IS NOT ?",
        [new.date.isoformat(), unit, day_id],
    ).fetchone():
        # One unit shoots one day at a time: a second one would double-book its whole crew.
        raise InvalidInput(
            f"the {unit} unit already has a day on {new.date.isoformat()}", field="date"
        )
    return {
        "date": new.date.isoformat(),
        "unit": unit,
        "location_id": new.location_id,
        "call_at": local_iso(call_at),
        "wrap_at": local_iso(wrap_at),
        "scenes": validate.text(new.scenes, "scenes", limit=validate.MAX_TEXT),
        "notes": validate.text(new.notes, "notes", limit=validate.MAX_TEXT),
    }


def add_day(
    db: sqlite_utils.Database,
    new: DayIn,
    *,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> Day:
    with write(db):
        values = clean_day(db, new)
        day_id = insert(db, "days", values)
        events.record(
            db,
            actor=actor,
            kind=EventKind.DAY_ADDED,
            subject=f"day:{day_id}",
            now=now or utcnow(),
            data=values,
        )
    return get_day(db, day_id)


def update_day(
    db: sqlite_utils.Database,
    day_id: int,
    version: int,
    new: DayIn,
    *,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> Day:
    """Edit or move a day; called people's own call times move with the day's call."""
    moment = now or utcnow()
    with write(db):
        old = get_day(db, day_id)
        values = clean_day(db, new, day_id)
        if unchanged(db, "days", day_id, version, values):
            return old  # saved as it was: nobody needs a notice about nothing
        update_versioned(db, "days", day_id, version, values)
        updated = get_day(db, day_id)
        old_calls = _call_times(db, day_id)
        shift = updated.call_at - old.call_at
        if shift:
            _shift_calls(db, day_id, shift)
        detached = _detach_checkins(db, day_id) if updated.date != old.date else 0
        events.record(
            db,
            actor=actor,
            kind=EventKind.DAY_UPDATED,
            subject=f"day:{day_id}",
            now=moment,
            data={**values, "detached_checkins": detached},
        )
        if updated.date != old.date or not sheet_published(db, old.date, old.unit):
            _notify_changes(db, old, updated, old_calls, actor=actor, now=moment)
        bookings.follow_day(db, old, updated, actor=actor, now=moment)
    return updated


def move_day(
    db: sqlite_utils.Database,
    day_id: int,
    version: int,
    *,
    to_date: date | None = None,
    location_id: int | Keep | None = Keep.KEEP,
    call: time | None = None,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> Day:
    """Change only a day's date, location or call time, keeping its length."""
    day = get_day(db, day_id)
    length = day.wrap_at - day.call_at
    new_call = datetime.combine(to_date or day.date, call or day.call_at.time())
    new = DayIn(
        date=to_date or day.date,
        call=new_call.time(),
        wrap=(new_call + length).time(),
        unit=day.unit,
        location_id=day.location_id if isinstance(location_id, Keep) else location_id,
        scenes=day.scenes,
        notes=day.notes,
    )
    return update_day(db, day_id, version, new, actor=actor, now=now)


def delete_day(
    db: sqlite_utils.Database,
    day_id: int,
    version: int,
    *,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> None:
    """Delete a day; everyone who was called gets a cancellation notice."""
    moment = now or utcnow()
    with write(db):
        day = get_day(db, day_id)
        bookings.day_cancelled(db, day, actor=actor, now=moment)
        called = _called_ids(db, day_id)
        if called:
            notices.create(
                db,
                day_id=None,
                kind=NoticeKind.DAY_CANCELLED,
                summary=f"{day.unit} unit, {_when(day.call_at)}: cancelled",
                person_ids=called,
                actor=actor,
                now=moment,
            )
        delete_versioned(db, "days", day_id, version)
        events.record(
            db,
            actor=actor,
            kind=EventKind.DAY_DELETED,
            subject=f"day:{day_id}",
            now=moment,
            data={"date": day.date.isoformat(), "unit": day.unit, "called": len(called)},
        )


def get_day(db: sqlite_utils.Database, day_id: int) -> Day:
    return get(db, "days", Day, day_id)


def list_days(
    db: sqlite_utils.Database, *, start: date | None = None, end: date | None = None
) -> list[DaySummary]:
    """The stripboard: days in order with location name and head count."""
    sql = (
        "SELECT d.*, l.name AS location_name, (SELECT count(*) FROM calls c"
        " WHERE c.day_id = d.id) AS called FROM days d"
        " LEFT JOIN locations l ON l.id = d.location_id WHERE 1 = 1"
    )
    params: list[str] = []
    if start is not None:
        sql += " AND d.date >= ?"
        params.append(start.isoformat())
    if end is not None:
        sql += " AND d.date <= ?"
        params.append(end.isoformat())
    cursor = db.execute(sql + " ORDER BY d.date, d.call_at, d.unit", params)
    columns = [c[0] for c in cursor.description]
    found = []
    for row in cursor.fetchall():
        data = dict(zip(columns, row, strict=True))
        location_name, called = data.pop("location_name"), data.pop("called")
        found.append(
            DaySummary(
                day=msgspec.convert(data, Day, strict=False),
                location_name=location_name,
                called=called,
            )
        )
    return found


# --- calls --------------------------------------------------------------------------------------


def call_person(
    db: sqlite_utils.Database,
    day_id: int,
    person_id: int,
    *,
    call: time | None = None,
    wrap: time | None = None,
    notes: str = "",
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> Call:
    """Call a person on a day (at the day's call unless a time is given)."""
    with write(db):
        day = get_day(db, day_id)
        if not db.execute("SELECT 1 FROM people WHERE id = ?", [person_id]).fetchone():
            raise InvalidInput(f"no person with id {person_id}", field="person_id")
        if db.execute(
            "SELECT 1 FROM calls WHERE day_id = ? AND person_id = ?", [day_id, person_id]
        ).fetchone():
            raise InvalidInput("this person is already called on this day", field="person_id")
        values = _call_values(day, call, wrap, notes)
        call_id = insert(db, "calls", {"day_id": day_id, "person_id": person_id, **values})
        events.record(
            db,
            actor=actor,
            kind=EventKind.CALL_ADDED,
            subject=f"day:{day_id}",
            now=now or utcnow(),
            data={"call_id": call_id, "person_id": person_id, **values},
        )
    return get(db, "calls", Call, call_id)


def update_call(
    db: sqlite_utils.Database,
    call_id: int,
    version: int,
    *,
    call: time | None,
    wrap: time | None = None,
    notes: str = "",
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> Call:
    """Change one person's call; if the time moved, they get a notice of their own."""
    moment = now or utcnow()
    with write(db):
        existing = get(db, "calls", Call, call_id)
        day = get_day(db, existing.day_id)
        values = _call_values(day, call, wrap, notes)
        if unchanged(db, "calls", call_id, version, values):
            return existing
        update_versioned(db, "calls", call_id, version, values)
        events.record(
            db,
            actor=actor,
            kind=EventKind.CALL_UPDATED,
            subject=f"day:{day.id}",
            now=moment,
            data={"call_id": call_id, "person_id": existing.person_id, **values},
        )
        updated = get(db, "calls", Call, call_id)
        if updated.call_at != existing.call_at and not sheet_published(db, day.date, day.unit):
            notices.create(
                db,
                day_id=day.id,
                kind=NoticeKind.CALL_CHANGED,
                summary=f"{day.unit} unit, {day.date:%a %d %b}: your call moved from "
                f"{existing.call_at:%H:%M} to {updated.call_at:%H:%M}",
                person_ids=[existing.person_id],
                actor=actor,
                now=moment,
            )
    return updated


def release_person(
    db: sqlite_utils.Database,
    call_id: int,
    version: int,
    *,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> None:
    """Release a person from a day; they are told, so nobody turns up uncalled."""
    moment = now or utcnow()
    with write(db):
        existing = get(db, "calls", Call, call_id)
        day = get_day(db, existing.day_id)
        delete_versioned(db, "calls", call_id, version)
        if not sheet_published(db, day.date, day.unit):
            notices.create(
                db,
                day_id=day.id,
                kind=NoticeKind.RELEASED,
                summary=f"{day.unit} unit, {day.date:%a %d %b}: you are no longer called",
                person_ids=[existing.person_id],
                actor=actor,
                now=moment,
            )
        events.record(
            db,
            actor=actor,
            kind=EventKind.CALL_RELEASED,
            subject=f"day:{existing.day_id}",
            now=moment,
            data={"call_id": call_id, "person_id": existing.person_id},
        )


def calls_for_day(
    db: sqlite_utils.Database, day_id: int, *, papers: bool = False
) -> list[CallLine]:
    """Who is called on a day, with the best contract status each person has (and, with
    `papers`, what required paperwork each lacks on the day)."""
    cursor = db.execute(
        "SELECT c.*, p.name, p.department, p.role, ("
        "  SELECT status FROM contracts k WHERE k.person_id = p.id AND k.status != 'void'"
        "  ORDER BY CASE status WHEN 'countersigned' THEN 0 WHEN 'signed' THEN 1"
        "  WHEN 'viewed' THEN 2 WHEN 'sent' THEN 3 ELSE 4 END LIMIT 1) AS contract_status"
        " FROM calls c JOIN people p ON p.id = c.person_id WHERE c.day_id = ?"
        " ORDER BY c.call_at, p.department, p.name",
        [day_id],
    )
    columns = [c[0] for c in cursor.description]
    lines = []
    for row in cursor.fetchall():
        data = dict(zip(columns, row, strict=True))
        extra = {k: data.pop(k) for k in ("name", "department", "role", "contract_status")}
        lines.append(CallLine(call=msgspec.convert(data, Call, strict=False), **extra))
    if papers and lines:
        gate = paperwork.Gate(db)
        on = get_day(db, day_id).date
        for line in lines:
            line.missing = gate.gaps(line.call.person_id, on)
    return lines


def calls_for_person(
    db: sqlite_utils.Database, person_id: int, *, start: date | None = None
) -> list[tuple[Call, Day]]:
    """A person's calls in date order, each with its day."""
    sql = (
        "SELECT c.id AS c_id, d.id AS d_id FROM calls c JOIN days d ON d.id = c.day_id"
        " WHERE c.person_id = ?"
    )
    params: list[Any] = [person_id]
    if start is not None:
        sql += " AND d.date >= ?"
        params.append(start.isoformat())
    with read(db):
        pairs = db.execute(sql + " ORDER BY c.call_at", params).fetchall()
        return [(get(db, "calls", Call, cid), get_day(db, did)) for cid, did in pairs]


def call_of(db: sqlite_utils.Database, day_id: int, person_id: int) -> Call | None:
    return fetch_one(
        db, Call, "SELECT * FROM calls WHERE day_id = ? AND person_id = ?", [day_id, person_id]
    )


def _call_values(day: Day, call: time | None, wrap: time | None, notes: str) -> dict[str, Any]:
    call_at = datetime.combine(day.date, call) if call else day.call_at
    if call_at < day.call_at - timedelta(hours=12):
        call_at += timedelta(days=1)  # an after-midnight call on a night shoot
    wrap_at = wrap_after(call_at, wrap) if wrap is not None else None
    return {
        "call_at": local_iso(call_at),
        "wrap_at": local_iso(wrap_at) if wrap_at else None,
        "notes": validate.text(notes, "notes", limit=500),
    }


def _shift_calls(db: sqlite_utils.Database, day_id: int, shift: timedelta) -> None:
    for call in fetch_all(db, Call, "SELECT * FROM calls WHERE day_id = ?", [day_id]):
        db.execute(
            "UPDATE calls SET call_at = ?, wrap_at = ?, version = version + 1 WHERE id = ?",
            [
                local_iso(call.call_at + shift),
                local_iso(call.wrap_at + shift) if call.wrap_at else None,
                call.id,
            ],
        )


def _detach_checkins(db: sqlite_utils.Database, day_id: int) -> int:
    """A day moved to another date: arrivals made for the old date no longer count for it
    (they stay recorded, at their location and time), so nobody shows as here who is not."""
    return db.execute("UPDATE checkins SET day_id = NULL WHERE day_id = ?", [day_id]).rowcount


def _called_ids(db: sqlite_utils.Database, day_id: int) -> list[int]:
    return [r[0] for r in db.execute("SELECT person_id FROM calls WHERE day_id = ?", [day_id])]


def sheet_published(db: sqlite_utils.Database, on: date, unit: str) -> bool:
    """Whether a call sheet of this unit's day was published: from then on the day's edits wait
    in the draft and the next publication tells each person (schema/callsheets.py)."""
    found = db.execute(
        "SELECT 1 FROM callsheet_versions WHERE date = ? AND unit = ? LIMIT 1",
        [on.isoformat(), unit],
    ).fetchone()
    return found is not None


def _call_times(db: sqlite_utils.Database, day_id: int) -> dict[int, datetime]:
    return {
        call.person_id: call.call_at
        for call in fetch_all(db, Call, "SELECT * FROM calls WHERE day_id = ?", [day_id])
    }


def _notify_changes(
    db: sqlite_utils.Database,
    old: Day,
    new: Day,
    old_calls: dict[int, datetime],
    *,
    actor: str,
    now: datetime,
) -> None:
    called = _called_ids(db, new.id)
    if not called:
        return
    for kind, summary in _change_summaries(db, old, new):
        own = _own_calls(old, new, old_calls, _call_times(db, new.id))
        notices.create(
            db,
            day_id=new.id,
            kind=kind,
            summary=summary,
            person_ids=called,
            actor=actor,
            now=now,
            personal=own if kind == NoticeKind.CALL_CHANGED else None,
        )


def _own_calls(
    old: Day, day: Day, old_calls: dict[int, datetime], new_calls: dict[int, datetime]
) -> dict[int, str]:
    """The day's call moved: each person reads their own call first (theirs may be hours
    from the unit's), then the unit's."""
    return {
        person_id: f"{day.date:%a %d %b}: your call is now {call_at:%H:%M}"
        f" (was {old_calls.get(person_id, call_at):%H:%M}); the {day.unit} unit call moved"
        f" from {old.call_at:%H:%M} to {day.call_at:%H:%M}"
        for person_id, call_at in new_calls.items()
    }


def _change_summaries(
    db: sqlite_utils.Database, old: Day, new: Day
) -> list[tuple[NoticeKind, str]]:
    found: list[tuple[NoticeKind, str]] = []
    if old.date != new.date:
        found.append(
            (
                NoticeKind.DATE_CHANGED,
                f"{new.unit} unit moved from {_when(old.call_at)} to {_when(new.call_at)}",
            )
        )
    elif old.call_at != new.call_at:
        found.append(
            (
                NoticeKind.CALL_CHANGED,
                f"{new.unit} unit, {new.date:%a %d %b}: call moved from "
                f"{old.call_at:%H:%M} to {new.call_at:%H:%M}",
            )
        )
    if old.location_id != new.location_id:
        found.append(
            (
                NoticeKind.LOCATION_CHANGED,
                f"{new.unit} unit, {new.date:%a %d %b}: location is now "
                f"{_location_name(db, new.location_id)}"
                f" (was {_location_name(db, old.location_id)})",
            )
        )
    return found


def _location_name(db: sqlite_utils.Database, location_id: int | None) -> str:
    if location_id is None:
        return "to be confirmed"
    row = db.execute("SELECT name FROM locations WHERE id = ?", [location_id]).fetchone()
    if row is None:
        raise NotFound(f"no location with id {location_id}")
    return str(row[0])


def _when(moment: datetime) -> str:
    return f"{moment:%a %d %b} {moment:%H:%M}"
