"""The coordinator's marks on the board: arrived by hand, absent, sick, released early, wrap,
meal out and in, a phone's time accepted; and the day's own facts that go with them (the unit's
meal break, a call's kind).

A mark is a row in `marks` and an event, in one transaction, with the coordinator as actor; the
latest mark of a kind is the one that counts, so a correction is just another mark and nothing
is ever overwritten: the audit shows every hand that touched the day.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

import msgspec
import sqlite_utils

from schema import validate
from schema.clock import iso, local_iso, utcnow
from schema.errors import InvalidInput, NotFound
from schema.event_kinds import EventKind
from schema.production import COORDINATOR
from schema.store import events
from schema.store.connection import write
from schema.store.rows import get, insert, update_versioned
from schema.types import ARRIVED_RESULTS, WRAPPED_RESULTS, CallKind, Day, MarkKind

# Marks that say when something happened, and so need a time.
TIMED = frozenset(
    {MarkKind.ARRIVED, MarkKind.RELEASED, MarkKind.WRAP, MarkKind.MEAL_OUT, MarkKind.MEAL_IN}
)
# Marks that say why, and so need a reason.
REASONED = frozenset({MarkKind.ABSENT, MarkKind.RELEASED})
# How far from the day's planned span a marked time may be (a long overrun, an early pre-call).
SLACK = timedelta(hours=12)
MAX_REASON = 200
MAX_MEAL = 180


class Mark(msgspec.Struct, kw_only=True):
    id: int
    day_id: int
    person_id: int
    kind: MarkKind
    at: datetime | None = None
    reason: str = ""
    actor: str
    created_at: datetime


class Marked(msgspec.Struct, kw_only=True):
    """What the marks for one person's day add up to (latest of each kind counts)."""

    arrived_at: datetime | None = None
    arrived_reason: str = ""
    status: MarkKind | None = None  # absent or sick
    reason: str = ""
    released_at: datetime | None = None
    wrap_at: datetime | None = None
    meal_out: datetime | None = None
    meal_in: datetime | None = None
    accepted: bool = False


def mark(
    db: sqlite_utils.Database,
    day_id: int,
    person_id: int,
    kind: MarkKind,
    *,
    at: datetime | None = None,
    reason: str = "",
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> Mark:
    """Record one mark for a person called on a day. `at` is local wall-clock time."""
    moment = now or utcnow()
    with write(db):
        day = get(db, "days", Day, day_id)
        _check_called(db, day_id, person_id)
        values = _clean(day, kind, at, reason)
        return _record(db, day_id, person_id, kind, values, actor, moment)


def wrap_group(
    db: sqlite_utils.Database,
    day_id: int,
    at: datetime,
    *,
    department: str | None = None,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> list[int]:
    """Wrap everyone on a day (or one department of it) who arrived and is not yet wrapped:
    absent, sick, released, already wrapped and never-arrived people keep what they have (a
    missing person is not given hours). Returns who was wrapped."""
    moment = now or utcnow()
    with write(db):
        day = get(db, "days", Day, day_id)
        values = _clean(day, MarkKind.WRAP, at, "")
        who = _unwrapped(db, day_id, department)
        for person_id in who:
            _record(db, day_id, person_id, MarkKind.WRAP, values, actor, moment)
    return who


def set_meal(
    db: sqlite_utils.Database,
    day_id: int,
    version: int,
    meal: time | None,
    minutes: int,
    *,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> Day:
    """The unit's meal break on a day (None: no meal set)."""
    if meal is not None and not 15 <= minutes <= MAX_MEAL:
        raise InvalidInput(f"a meal lasts 15 to {MAX_MEAL} minutes", field="meal_minutes")
    with write(db):
        day = get(db, "days", Day, day_id)
        meal_at = _meal_moment(day, meal) if meal is not None else None
        values = {
            "meal_at": local_iso(meal_at) if meal_at else None,
            "meal_minutes": minutes if meal_at else 0,
        }
        update_versioned(db, "days", day_id, version, values)
        events.record(
            db,
            actor=actor,
            kind=EventKind.DAY_MEAL_SET,
            subject=f"day:{day_id}",
            now=now or utcnow(),
            data=values,
        )
        return get(db, "days", Day, day_id)


def set_call_kind(
    db: sqlite_utils.Database,
    day_id: int,
    person_id: int,
    kind: CallKind,
    *,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> None:
    """A call as work, a hold (paid, on standby) or a travel day, for the day out of days."""
    with write(db):
        cursor = db.execute(
            "UPDATE calls SET kind = ?, version = version + 1 WHERE day_id = ? AND person_id = ?",
            [str(kind), day_id, person_id],
        )
        if cursor.rowcount != 1:
            raise NotFound("that person is not called on that day")
        events.record(
            db,
            actor=actor,
            kind=EventKind.CALL_KIND_SET,
            subject=f"day:{day_id}",
            now=now or utcnow(),
            data={"person_id": person_id, "kind": str(kind)},
        )


def summarise(db: sqlite_utils.Database, day_ids: Iterable[int]) -> dict[tuple[int, int], Marked]:
    """Marks per (day, person), folded in the order they were made."""
    ids = sorted(set(day_ids))
    found: dict[tuple[int, int], Marked] = {}
    if not ids:
        return found
    rows = db.execute(
        "SELECT day_id, person_id, kind, at, reason FROM marks"
        f" WHERE day_id IN ({','.join('?' * len(ids))}) ORDER BY id",
        ids,
    ).fetchall()
    for day_id, person_id, kind, at, reason in rows:
        _fold(found.setdefault((day_id, person_id), Marked()), MarkKind(kind), at, reason)
    return found


def history(db: sqlite_utils.Database, day_id: int, person_id: int) -> list[Mark]:
    rows = db.execute(
        "SELECT id, day_id, person_id, kind, at, reason, actor, created_at FROM marks"
        " WHERE day_id = ? AND person_id = ? ORDER BY id",
        [day_id, person_id],
    )
    columns = [c[0] for c in rows.description]
    return [
        msgspec.convert(dict(zip(columns, row, strict=True)), Mark, strict=False)
        for row in rows.fetchall()
    ]


def _fold(marked: Marked, kind: MarkKind, at: str | None, reason: str) -> None:
    moment = datetime.fromisoformat(at) if at else None
    if kind == MarkKind.ARRIVED:
        marked.arrived_at, marked.arrived_reason, marked.status = moment, reason, None
    elif kind in (MarkKind.ABSENT, MarkKind.SICK):
        marked.status, marked.reason = kind, reason
    elif kind == MarkKind.RELEASED:
        marked.released_at, marked.reason = moment, reason
    elif kind == MarkKind.CLEARED:
        marked.status, marked.released_at, marked.reason = None, None, ""
    elif kind == MarkKind.WRAP:
        marked.wrap_at = moment
    elif kind == MarkKind.MEAL_OUT:
        marked.meal_out = moment
    elif kind == MarkKind.MEAL_IN:
        marked.meal_in = moment
    elif kind == MarkKind.ACCEPTED:
        marked.accepted = True


def _record(
    db: sqlite_utils.Database,
    day_id: int,
    person_id: int,
    kind: MarkKind,
    values: dict[str, str | None],
    actor: str,
    moment: datetime,
) -> Mark:
    row = {
        "day_id": day_id,
        "person_id": person_id,
        "kind": str(kind),
        **values,
        "actor": actor,
        "created_at": iso(moment),
    }
    mark_id = insert(db, "marks", row)
    events.record(
        db,
        actor=actor,
        kind=EventKind.MARK_RECORDED,
        subject=f"day:{day_id}",
        now=moment,
        data={"mark_id": mark_id, "person_id": person_id, "kind": str(kind), **values},
    )
    return msgspec.convert({"id": mark_id, **row}, Mark, strict=False)


def _clean(day: Day, kind: MarkKind, at: datetime | None, reason: str) -> dict[str, str | None]:
    text = validate.text(reason, "reason")
    if len(text) > MAX_REASON:
        raise InvalidInput(f"a reason is at most {MAX_REASON} characters", field="reason")
    if kind in REASONED and not text:
        raise InvalidInput(f"say why ({kind} needs a reason)", field="reason")
    if kind not in TIMED:
        return {"at": None, "reason": text}
    if at is None:
        raise InvalidInput(f"{kind} needs a time", field="at")
    if not day.call_at - SLACK <= at <= day.wrap_at + SLACK:
        raise InvalidInput(
            f"{at:%a %d %b %H:%M} is too far from this day ({day.date:%a %d %b})", field="at"
        )
    return {"at": local_iso(at), "reason": text}


def at_on(day: Day, clock: time) -> datetime:
    """A time typed for a day: on its date, or the next morning when the day runs past
    midnight and the time is before the call (a 02:00 wrap of a night shoot)."""
    moment = datetime.combine(day.date, clock)
    if moment < day.call_at - SLACK / 2 and day.wrap_at.date() > day.date:
        moment += timedelta(days=1)
    return moment


def _meal_moment(day: Day, meal: time) -> datetime:
    moment = at_on(day, meal)
    if not day.call_at <= moment <= day.wrap_at:
        raise InvalidInput(
            f"the meal at {meal:%H:%M} is outside the day ({day.call_at:%H:%M} to "
            f"{day.wrap_at:%H:%M})",
            field="meal_at",
        )
    return moment


def _check_called(db: sqlite_utils.Database, day_id: int, person_id: int) -> None:
    if (
        db.execute(
            "SELECT 1 FROM calls WHERE day_id = ? AND person_id = ?", [day_id, person_id]
        ).fetchone()
        is None
    ):
        raise NotFound("that person is not called on that day")


def _unwrapped(db: sqlite_utils.Database, day_id: int, department: str | None) -> list[int]:
    called = db.execute(
        "SELECT c.person_id FROM calls c JOIN people p ON p.id = c.person_id"
        " WHERE c.day_id = ? AND (? IS NULL OR p.department = ? COLLATE NOCASE)"
        " ORDER BY p.name",
        [day_id, department, department],
    ).fetchall()
    results = [str(r) for r in WRAPPED_RESULTS]
    by_phone = {
        row[0]
        for row in db.execute(
            "SELECT person_id FROM checkouts WHERE day_id = ?"
            f" AND result IN ({','.join('?' * len(results))})",
            [day_id, *results],
        )
    }
    arrived = [str(r) for r in ARRIVED_RESULTS]
    checked_in = {
        row[0]
        for row in db.execute(
            "SELECT person_id FROM checkins WHERE day_id = ?"
            f" AND result IN ({','.join('?' * len(arrived))})",
            [day_id, *arrived],
        )
    }
    marked = summarise(db, [day_id])
    who = []
    for (person_id,) in called:
        state = marked.get((day_id, person_id), Marked())
        here = person_id in checked_in or state.arrived_at is not None
        if not here or person_id in by_phone or state.wrap_at or state.released_at:
            continue
        if state.status is None:
            who.append(person_id)
    return who


def call_day(
    db: sqlite_utils.Database, on: date, person_id: int, *, unit: str | None = None
) -> Day:
    """The day on a date a person is called on (a unit names one when there are several)."""
    found = _days(
        db,
        "SELECT d.* FROM days d JOIN calls c ON c.day_id = d.id WHERE d.date = ?"
        " AND c.person_id = ? AND (? IS NULL OR d.unit = ? COLLATE NOCASE) ORDER BY d.call_at",
        [on.isoformat(), person_id, unit, unit],
    )
    if not found:
        raise NotFound(f"person {person_id} is not called on {on.isoformat()}")
    return _one_day(found, on)


def unit_day(db: sqlite_utils.Database, on: date, *, unit: str | None = None) -> Day:
    """The day on a date (a unit names one when several units work that date)."""
    found = _days(
        db,
        "SELECT * FROM days WHERE date = ? AND (? IS NULL OR unit = ? COLLATE NOCASE)"
        " ORDER BY call_at",
        [on.isoformat(), unit, unit],
    )
    if not found:
        raise NotFound(
            f"nothing is scheduled on {on.isoformat()}" + (f" for {unit}" if unit else "")
        )
    return _one_day(found, on)


def _days(db: sqlite_utils.Database, sql: str, params: list[object]) -> list[Day]:
    cursor = db.execute(sql, params)
    columns = [c[0] for c in cursor.description]
    return [
        msgspec.convert(dict(zip(columns, row, strict=True)), Day, strict=False)
        for row in cursor.fetchall()
    ]


def _one_day(found: list[Day], on: date) -> Day:
    if len(found) > 1:
        units = ", ".join(d.unit for d in found)
        raise InvalidInput(
            f"several units work on {on.isoformat()} ({units}); name one", field="unit"
        )
    return found[0]
