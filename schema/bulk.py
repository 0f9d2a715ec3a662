"""Scheduling many people at once: copy a day's calls, call or release a department, shift a
department's call times. Each is one transaction made of the single-person services, so the
audit keeps one event per person and each person gets exactly the notice they would have got
one at a time. `preview` runs the same plan in a transaction it rolls back, and reports the
notices it would send and the problems it would create, without writing anything.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from enum import StrEnum

import msgspec
import sqlite_utils

from schema import problems, schedule
from schema.clock import utcnow
from schema.errors import InvalidInput, NotFound
from schema.production import COORDINATOR
from schema.store.connection import write
from schema.store.rows import fetch_all
from schema.types import Call, Day, Problem

MAX_SHIFT_MINUTES = 12 * 60


class BulkKind(StrEnum):
    COPY = "copy"  # every call of another day, each at the same offset from the day's call
    CALL = "call"  # everyone in a department not yet called, at one call time
    RELEASE = "release"  # everyone in a department called that day
    SHIFT = "shift"  # a department's call (and own wrap) times, by N minutes


class Plan(msgspec.Struct, kw_only=True, frozen=True):
    kind: BulkKind
    day_id: int
    from_day_id: int | None = None
    department: str = ""
    call: time | None = None  # CALL: their call time (None: the day's call)
    minutes: int = 0  # SHIFT: later (+) or earlier (-)


class Done(msgspec.Struct, kw_only=True):
    """What a plan did (or, previewed, would do): whom it touched and whom it left alone."""

    plan: Plan
    title: str
    people: list[str]
    skipped: list[str] = []


class NoticeLine(msgspec.Struct, kw_only=True):
    summary: str
    recipients: list[str]


class Preview(msgspec.Struct, kw_only=True):
    done: Done
    notices: list[NoticeLine]
    problems: list[Problem]


class _Rehearsed(Exception):
    """Raised inside the preview's transaction so that it rolls back, carrying the result."""

    def __init__(self, preview: Preview) -> None:
        super().__init__("rehearsal")
        self.preview = preview


def apply(
    db: sqlite_utils.Database,
    plan: Plan,
    *,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> Done:
    """Carry out a plan, all or nothing."""
    moment = now or utcnow()
    with write(db):
        day = schedule.get_day(db, plan.day_id)
        if plan.kind == BulkKind.COPY:
            return _copy(db, plan, day, actor, moment)
        department = resolve_department(db, plan.department)
        if plan.kind == BulkKind.CALL:
            return _call(db, plan, day, department, actor, moment)
        if plan.kind == BulkKind.RELEASE:
            return _release(db, plan, day, department, actor, moment)
        return _shift(db, plan, day, department, actor, moment)


def preview(
    db: sqlite_utils.Database,
    plan: Plan,
    *,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> Preview:
    """What `apply` would do, the notices it would send and the problems it would add; the
    plan runs for real inside a transaction that is then rolled back, so the answer is exact."""
    try:
        with write(db):
            last_notice = db.execute("SELECT coalesce(max(id), 0) FROM notices").fetchone()[0]
            before = set(problems.find(db))
            done = apply(db, plan, actor=actor, now=now)
            made = _notices_since(db, last_notice)
            created = [p for p in problems.find(db) if p not in before]
            raise _Rehearsed(Preview(done=done, notices=made, problems=created))
    except _Rehearsed as rehearsal:
        return rehearsal.preview


def resolve_department(db: sqlite_utils.Database, text: str) -> str:
    """A department as typed: its exact name in any case, or the one it begins ("gr" is
    Grip when nothing else starts so)."""
    wanted = text.strip().casefold()
    if not wanted:
        raise InvalidInput("name a department", field="department")
    names = [
        r[0] for r in db.execute("SELECT DISTINCT department FROM people WHERE department != ''")
    ]
    exact = [n for n in names if n.casefold() == wanted]
    if exact:
        return exact[0]
    starting = sorted(n for n in names if n.casefold().startswith(wanted))
    if len(starting) == 1:
        return starting[0]
    if starting:
        raise InvalidInput(
            f"department {text.strip()!r} could be {', '.join(starting)}", field="department"
        )
    raise InvalidInput(f"no department called {text.strip()!r}", field="department")


# --- the four plans -----------------------------------------------------------------------------


def _copy(db: sqlite_utils.Database, plan: Plan, day: Day, actor: str, now: datetime) -> Done:
    if plan.from_day_id is None or plan.from_day_id == day.id:
        raise InvalidInput("choose another day to copy the calls from", field="from_day_id")
    source = schedule.get_day(db, plan.from_day_id)
    called = _called(db, day.id)
    people, skipped = [], []
    for line in schedule.calls_for_day(db, source.id):
        if line.call.person_id in called:
            skipped.append(line.name)
            continue
        # The same place in the day: an hour before the unit's call there, an hour before here.
        call_at = day.call_at + (line.call.call_at - source.call_at)
        wrap_at = day.call_at + (line.call.wrap_at - source.call_at) if line.call.wrap_at else None
        schedule.call_person(
            db,
            day.id,
            line.call.person_id,
            call=call_at.time(),
            wrap=wrap_at.time() if wrap_at else None,
            notes=line.call.notes,
            actor=actor,
            now=now,
        )
        people.append(line.name)
    title = f"Copy {source.unit} unit's calls of {source.date:%a %d %b} to {_day(day)}"
    return Done(plan=plan, title=title, people=people, skipped=skipped)


def _call(
    db: sqlite_utils.Database, plan: Plan, day: Day, department: str, actor: str, now: datetime
) -> Done:
    called = _called(db, day.id)
    rows = db.execute(
        "SELECT id, name FROM people WHERE department = ? ORDER BY name", [department]
    ).fetchall()
    people, skipped = [], []
    for person_id, name in rows:
        if person_id in called:
            skipped.append(name)
            continue
        # Their own call time in the same step: no "your call moved" for a call just made.
        schedule.call_person(db, day.id, person_id, call=plan.call, actor=actor, now=now)
        people.append(name)
    at = plan.call or day.call_at.time()
    title = f"Call {department} on {_day(day)} at {at:%H:%M}"
    return Done(plan=plan, title=title, people=people, skipped=skipped)


def _release(
    db: sqlite_utils.Database, plan: Plan, day: Day, department: str, actor: str, now: datetime
) -> Done:
    people = []
    for call, name in _department_calls(db, day, department):
        schedule.release_person(db, call.id, call.version, actor=actor, now=now)
        people.append(name)
    return Done(plan=plan, title=f"Release {department} from {_day(day)}", people=people)


def _shift(
    db: sqlite_utils.Database, plan: Plan, day: Day, department: str, actor: str, now: datetime
) -> Done:
    if not plan.minutes or abs(plan.minutes) > MAX_SHIFT_MINUTES:
        raise InvalidInput(
            f"shift by 1 to {MAX_SHIFT_MINUTES} minutes, later (+) or earlier (-)",
            field="minutes",
        )
    by = timedelta(minutes=plan.minutes)
    people = []
    for call, name in _department_calls(db, day, department):
        moved = call.call_at + by
        wrap = call.wrap_at + by if call.wrap_at else None
        schedule.update_call(
            db,
            call.id,
            call.version,
            call=moved.time(),
            wrap=wrap.time() if wrap else None,
            notes=call.notes,
            actor=actor,
            now=now,
        )
        people.append(name)
    sign = "later" if plan.minutes > 0 else "earlier"
    title = f"{department} on {_day(day)}: calls {abs(plan.minutes)} minutes {sign}"
    return Done(plan=plan, title=title, people=people)


def _department_calls(
    db: sqlite_utils.Database, day: Day, department: str
) -> list[tuple[Call, str]]:
    names = dict(
        db.execute(
            "SELECT c.id, p.name FROM calls c JOIN people p ON p.id = c.person_id"
            " WHERE c.day_id = ? AND p.department = ?",
            [day.id, department],
        ).fetchall()
    )
    found = fetch_all(
        db,
        Call,
        "SELECT c.* FROM calls c JOIN people p ON p.id = c.person_id"
        " WHERE c.day_id = ? AND p.department = ? ORDER BY c.call_at, p.name",
        [day.id, department],
    )
    if not found:
        raise NotFound(f"nobody in {department} is called on {_day(day)}")
    return [(call, names[call.id]) for call in found]


def _called(db: sqlite_utils.Database, day_id: int) -> set[int]:
    return {r[0] for r in db.execute("SELECT person_id FROM calls WHERE day_id = ?", [day_id])}


def _notices_since(db: sqlite_utils.Database, after_id: int) -> list[NoticeLine]:
    rows = db.execute(
        "SELECT n.id, n.summary, p.name FROM notices n"
        " JOIN notice_recipients r ON r.notice_id = n.id JOIN people p ON p.id = r.person_id"
        " WHERE n.id > ? ORDER BY n.id, p.name",
        [after_id],
    ).fetchall()
    lines: dict[int, NoticeLine] = {}
    for notice_id, summary, name in rows:
        lines.setdefault(notice_id, NoticeLine(summary=summary, recipients=[]))
        lines[notice_id].recipients.append(name)
    return list(lines.values())


def _day(day: Day) -> str:
    return f"{day.unit} unit, {day.date:%a %d %b}"
