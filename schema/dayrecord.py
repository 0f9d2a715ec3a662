"""The day as it happened, per person: call, arrival, meal, wrap, hours, each time with its source.

A read model over calls, check-ins, check-outs and the coordinator's marks. A hand mark beats a
phone's time (the coordinator corrected it); a phone's own clock (an offline replay) is shown as
such until the coordinator accepts or corrects it. Times here are local wall-clock times.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, timedelta, tzinfo

import msgspec
import sqlite_utils

from schema import marks, rules
from schema.clock import wall_clock
from schema.production import get as get_production
from schema.production import meal_due, min_rest, zone
from schema.types import (
    ARRIVED_RESULTS,
    WRAPPED_RESULTS,
    CallKind,
    HappenedKind,
    MarkKind,
    Problem,
    TimeSource,
)


class Timed(msgspec.Struct, kw_only=True, frozen=True):
    at: datetime
    source: TimeSource


class PersonDay(msgspec.Struct, kw_only=True):
    """One person's call on one day, and what happened."""

    day_id: int
    date: str
    unit: str
    location_id: int | None
    person_id: int
    name: str
    department: str
    role: str
    phone: str
    kind: CallKind
    call_at: datetime
    planned_wrap: datetime
    arrived: Timed | None = None
    late_minutes: int = 0
    far: bool = False
    phone_time: bool = False  # arrival believed from the phone's clock, not yet accepted
    wrap: Timed | None = None
    meal_out: Timed | None = None
    meal_in: Timed | None = None
    status: str = ""  # "", absent, sick, released
    reason: str = ""
    arrived_reason: str = ""  # why the coordinator marked the arrival by hand

    def start(self) -> datetime:
        """Paid from call, or from arrival when late."""
        if self.arrived is not None and self.arrived.at > self.call_at:
            return self.arrived.at
        return self.call_at

    def hours(self, where: tzinfo | None = None) -> timedelta | None:
        """Worked time from call (or late arrival) to wrap, less the meal; None before wrap."""
        if self.wrap is None or self.status in ("absent", "sick"):
            return None
        worked = rules.elapsed(self.start(), self.wrap.at, where)
        if self.meal_out is not None and self.meal_in is not None:
            worked -= rules.elapsed(self.meal_out.at, self.meal_in.at, where)
        return max(worked, timedelta(0))

    def meal_penalty(self, due: timedelta, where: tzinfo | None = None) -> bool:
        """Wrapped more than `due` after call without a meal begun by then."""
        if self.kind != CallKind.WORK or self.status in ("absent", "sick"):
            return False
        if self.wrap is None:  # judged once the day is over for them, not on a plan
            return False
        if rules.elapsed(self.call_at, self.wrap.at, where) <= due:
            return False
        meal = self.meal_out
        return meal is None or rules.elapsed(self.call_at, meal.at, where) > due


def records(
    db: sqlite_utils.Database, day_ids: Iterable[int], *, where: tzinfo | None = None
) -> list[PersonDay]:
    """Every call on these days, with what happened, ordered by day, call and name."""
    ids = sorted(set(day_ids))
    if not ids:
        return []
    where = where or zone(get_production(db))
    marks_of = marks.summarise(db, ids)
    found = [_person_day(row) for row in _calls(db, ids)]
    arrivals = _first_checkins(db, ids)
    wraps = _first_checkouts(db, ids)
    for record in found:
        key = (record.day_id, record.person_id)
        _apply_phone(record, arrivals.get(key), wraps.get(key), where)
        _apply_meal_default(record)
        _apply_marks(record, marks_of.get(key), where)
    return found


def for_dates(
    db: sqlite_utils.Database, first: str, last: str, *, unit: str | None = None
) -> list[PersonDay]:
    rows = db.execute(
        "SELECT id FROM days WHERE date BETWEEN ? AND ? AND (? IS NULL OR unit = ? COLLATE NOCASE)",
        [first, last, unit, unit],
    ).fetchall()
    return records(db, [r[0] for r in rows])


_CALL_COLUMNS = (
    "day_id",
    "date",
    "unit",
    "location_id",
    "person_id",
    "name",
    "department",
    "role",
    "phone",
    "kind",
    "call_at",
    "planned_wrap",
    "meal_at",
    "meal_minutes",
)


def _calls(db: sqlite_utils.Database, ids: list[int]) -> list[dict[str, object]]:
    rows = db.execute(
        "SELECT d.id, d.date, d.unit, d.location_id, p.id, p.name, p.department, p.role,"
        " p.phone, c.kind, c.call_at, coalesce(c.wrap_at, d.wrap_at), d.meal_at, d.meal_minutes"
        " FROM calls c JOIN days d ON d.id = c.day_id JOIN people p ON p.id = c.person_id"
        f" WHERE d.id IN ({','.join('?' * len(ids))})"
        " ORDER BY d.date, d.call_at, d.unit, c.call_at, p.department, p.name",
        ids,
    ).fetchall()
    return [dict(zip(_CALL_COLUMNS, row, strict=True)) for row in rows]


def _person_day(row: dict[str, object]) -> PersonDay:
    record = msgspec.convert(
        {k: v for k, v in row.items() if k not in ("meal_at", "meal_minutes")},
        PersonDay,
        strict=False,
    )
    meal_at = row["meal_at"]
    if isinstance(meal_at, str) and row["meal_minutes"]:
        start = datetime.fromisoformat(meal_at)
        minutes = int(str(row["meal_minutes"]))
        record.meal_out = Timed(at=start, source=TimeSource.SCHEDULE)
        record.meal_in = Timed(at=start + timedelta(minutes=minutes), source=TimeSource.SCHEDULE)
    return record


class _Scan(msgspec.Struct):
    happened_at: datetime
    received_at: datetime
    replayed: bool
    late_minutes: int = 0
    far: bool = False


def _first_checkins(db: sqlite_utils.Database, ids: list[int]) -> dict[tuple[int, int], _Scan]:
    results = [str(r) for r in ARRIVED_RESULTS]
    rows = db.execute(
        "SELECT day_id, person_id, happened_at, received_at, replayed, late_minutes, far"
        f" FROM checkins WHERE day_id IN ({','.join('?' * len(ids))})"
        f" AND result IN ({','.join('?' * len(results))}) ORDER BY id DESC",
        [*ids, *results],
    ).fetchall()
    # Newest first, so the oldest (the one that counts) is the one left in the dict.
    return {
        (d, p): _Scan(datetime.fromisoformat(h), datetime.fromisoformat(r), bool(q), late, bool(f))
        for d, p, h, r, q, late, f in rows
    }


def _first_checkouts(db: sqlite_utils.Database, ids: list[int]) -> dict[tuple[int, int], _Scan]:
    results = [str(r) for r in WRAPPED_RESULTS]
    rows = db.execute(
        "SELECT day_id, person_id, happened_at, received_at, replayed"
        f" FROM checkouts WHERE day_id IN ({','.join('?' * len(ids))})"
        f" AND result IN ({','.join('?' * len(results))}) ORDER BY happened_at DESC, id DESC",
        [*ids, *results],
    ).fetchall()
    return {
        (d, p): _Scan(datetime.fromisoformat(h), datetime.fromisoformat(r), bool(q))
        for d, p, h, r, q in rows
    }


def _source(scan: _Scan) -> TimeSource:
    """The phone's clock counted only when it was replayed and differs from the receipt."""
    return (
        TimeSource.PHONE
        if scan.replayed and scan.happened_at != scan.received_at
        else TimeSource.SERVER
    )


def _apply_phone(
    record: PersonDay, arrival: _Scan | None, wrap: _Scan | None, where: tzinfo
) -> None:
    if arrival is not None:
        source = _source(arrival)
        record.arrived = Timed(at=wall_clock(arrival.happened_at, where), source=source)
        record.late_minutes, record.far = arrival.late_minutes, arrival.far
        record.phone_time = source == TimeSource.PHONE
    if wrap is not None:
        record.wrap = Timed(at=wall_clock(wrap.happened_at, where), source=_source(wrap))


def _apply_meal_default(record: PersonDay) -> None:
    """The unit's meal counts for a person only if it fell inside their own day."""
    if record.meal_out is None:
        return
    if not record.call_at <= record.meal_out.at < record.planned_wrap:
        record.meal_out = record.meal_in = None


def _apply_marks(record: PersonDay, marked: marks.Marked | None, where: tzinfo) -> None:
    if marked is None:
        return
    hand = TimeSource.COORDINATOR
    if marked.arrived_at is not None:
        record.arrived = Timed(at=marked.arrived_at, source=hand)
        record.arrived_reason = marked.arrived_reason
        record.late_minutes = rules.late_minutes(record.call_at, marked.arrived_at, where)
        record.phone_time = False
    if marked.accepted:
        record.phone_time = False
    if marked.status is not None:
        record.status, record.reason = str(marked.status), marked.reason
        record.meal_out = record.meal_in = None  # not there: no meal taken
    if marked.released_at is not None:
        record.status, record.reason = str(MarkKind.RELEASED), marked.reason
        record.wrap = Timed(at=marked.released_at, source=hand)
    if marked.wrap_at is not None:
        record.wrap = Timed(at=marked.wrap_at, source=hand)
    if marked.meal_out is not None:
        record.meal_out = Timed(at=marked.meal_out, source=hand)
    if marked.meal_in is not None:
        record.meal_in = Timed(at=marked.meal_in, source=hand)


class _NextCalls:
    """Each person's earliest call on a date after a given one, found by bisection: a large
    production has thousands of wraps to set against its calls."""

    def __init__(self, rows: Iterable[tuple[int, str, int, str]]) -> None:
        by_person: dict[int, list[tuple[str, datetime, int]]] = defaultdict(list)
        for person_id, call_at, day_id, on in rows:
            by_person[person_id].append((on, datetime.fromisoformat(call_at), day_id))
        self.dates: dict[int, list[str]] = {}
        self.earliest: dict[int, list[tuple[datetime, int, str]]] = {}
        for person_id, calls in by_person.items():
            calls.sort()
            earliest: list[tuple[datetime, int, str]] = []
            for on, call_at, day_id in reversed(calls):  # the earliest call from here on
                if not earliest or call_at < earliest[-1][0]:
                    earliest.append((call_at, day_id, on))
                else:
                    earliest.append(earliest[-1])
            self.dates[person_id] = [c[0] for c in calls]
            self.earliest[person_id] = earliest[::-1]

    def after(self, person_id: int, on: str) -> tuple[datetime, int, str] | None:
        dates = self.dates.get(person_id, [])
        at = bisect_right(dates, on)
        return self.earliest[person_id][at] if at < len(dates) else None


# --- problems found in what happened --------------------------------------------------------


def problems(db: sqlite_utils.Database) -> list[Problem]:
    """Meal penalties worked, and next calls that now break the minimum rest because of an
    actual wrap (an overrun): found before the next call sheet goes out."""
    production = get_production(db)
    where = zone(production)
    observed = [
        row[0]
        for row in db.execute(
            "SELECT day_id FROM checkins WHERE day_id IS NOT NULL UNION"
            " SELECT day_id FROM checkouts WHERE day_id IS NOT NULL UNION"
            " SELECT day_id FROM marks"
        )
    ]
    found = records(db, observed, where=where)
    due = meal_due(production)
    penalties = [_meal_problem(r, due) for r in found if r.meal_penalty(due, where)]
    return penalties + _short_rests(db, found, min_rest(production), where)


def _meal_problem(record: PersonDay, due: timedelta) -> Problem:
    on = date.fromisoformat(record.date)
    return Problem(
        kind=HappenedKind.MEAL_PENALTY,
        date=on,
        person_id=record.person_id,
        day_ids=(record.day_id,),
        message=f"{record.name} worked more than {rules.format_duration(due)} from call "
        f"without a meal on {on.isoformat()}",
    )


def _short_rests(
    db: sqlite_utils.Database, found: list[PersonDay], rest: timedelta, where: tzinfo
) -> list[Problem]:
    wrapped = [r for r in found if r.wrap is not None and r.wrap.source != TimeSource.SCHEDULE]
    if not wrapped:
        return []
    people = sorted({r.person_id for r in wrapped})
    # Only calls soon enough after a wrap to break the rest are read: one later than the last
    # wrap plus the rest plus a day (for a clock change) is a full rest after every wrap.
    first = min(r.date for r in wrapped)
    last = max(r.wrap.at for r in wrapped if r.wrap is not None) + rest + timedelta(days=1)
    later_calls = _NextCalls(
        db.execute(
            "SELECT c.person_id, c.call_at, d.id, d.date FROM days d JOIN calls c"
            " ON c.day_id = d.id WHERE d.date > ? AND d.date <= ?"
            f" AND c.person_id IN ({','.join('?' * len(people))})",
            [first, last.date().isoformat(), *people],
        ).fetchall()
    )
    problems_found: list[Problem] = []
    for record in wrapped:
        assert record.wrap is not None
        following = later_calls.after(record.person_id, record.date)
        if following is None:
            continue
        next_call, next_day, on = following
        actual = rules.elapsed(record.wrap.at, next_call, where)
        planned = rules.elapsed(record.planned_wrap, next_call, where)
        if actual >= rest or planned < rest:  # fine, or already a planned short turnaround
            continue
        problems_found.append(
            Problem(
                kind=HappenedKind.SHORT_REST_AFTER_WRAP,
                date=date.fromisoformat(on),
                person_id=record.person_id,
                day_ids=(record.day_id, next_day),
                message=f"{record.name} wrapped at {record.wrap.at:%H:%M} on {record.date}: "
                f"{rules.format_duration(actual)} rest before the {next_call:%H:%M} call on {on} "
                f"(minimum {rules.format_duration(rest)})",
            )
        )
    return problems_found
