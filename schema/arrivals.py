"""The arrivals board: who is called at each location on a day, and who has arrived.

A read model over calls and check-ins; the write path is schema/checkins.py.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta, tzinfo

import msgspec
import sqlite_utils

from schema import dayrecord, locations
from schema.clock import iso, wall_clock
from schema.production import get as get_production
from schema.production import zone
from schema.store.rows import fetch_all
from schema.types import ARRIVED_RESULTS, CheckinResult, Day, TimeSource


class Arrival(msgspec.Struct, kw_only=True):
    """One expected (or unexpected) person at one location today."""

    person_id: int
    name: str
    department: str
    call_at: datetime | None
    arrived_at: datetime | None = None
    late_minutes: int = 0
    called: bool = True
    far: bool = False
    replayed: bool = False
    checked_in_at: str | None = None  # a location other than this one (the day moved since)
    day_id: int | None = None
    phone: str = ""
    arrival_source: str = ""  # server, phone (its own clock, replayed) or coordinator
    phone_time: bool = False  # a time from the phone not yet accepted by the coordinator
    wrap_at: datetime | None = None
    wrap_source: str = ""
    mark: str = ""  # absent, sick or released (by the coordinator)
    reason: str = ""
    arrived_reason: str = ""

    def state(self, local_now: datetime) -> str:
        """arrived | late | missing (past call, not here) | expected | unexpected, or absent |
        sick as the coordinator marked them."""
        if self.mark in ("absent", "sick"):
            return self.mark
        if self.arrived_at is not None:
            if not self.called:
                return "unexpected"
            return "late" if self.late_minutes else "arrived"
        if self.call_at is not None and local_now > self.call_at:
            return "missing"
        return "expected"


class LocationBoard(msgspec.Struct, kw_only=True):
    location_id: int
    name: str
    day_ids: list[int]
    arrivals: list[Arrival]


def board(db: sqlite_utils.Database, on: date) -> list[LocationBoard]:
    """Today's calls per location with who has arrived: the coordinator's arrivals board."""
    production_zone = zone(get_production(db))
    days = fetch_all(
        db,
        Day,
        "SELECT * FROM days WHERE date = ? AND location_id IS NOT NULL ORDER BY call_at",
        [on.isoformat()],
    )
    names = locations.names(db)
    boards: dict[int, LocationBoard] = {}
    for day in days:
        assert day.location_id is not None
        entry = boards.setdefault(
            day.location_id,
            LocationBoard(
                location_id=day.location_id,
                name=names.get(day.location_id, "?"),
                day_ids=[],
                arrivals=[],
            ),
        )
        entry.day_ids.append(day.id)
    expected = _expected(db, on)
    arrivals = _arrivals_on(db, on, production_zone)
    by_day = {(h.day_id, h.arrival.person_id): h for h in arrivals if h.day_id is not None}
    by_place = {(h.location_id, h.arrival.person_id): h for h in arrivals}
    used: set[int] = set()
    for (location_id, person_id), (day_id, arrival) in expected.items():
        # A check-in counts for its day even if the day has since moved to another location.
        hit = by_day.get((day_id, person_id)) or by_place.get((location_id, person_id))
        if hit is not None and id(hit) not in used:
            used.add(id(hit))
            _arrived(arrival, hit, names if hit.location_id != location_id else None)
        boards[location_id].arrivals.append(arrival)
    for hit in arrivals:
        if id(hit) in used:
            continue
        entry = boards.setdefault(
            hit.location_id,
            LocationBoard(
                location_id=hit.location_id,
                name=names.get(hit.location_id, "?"),
                day_ids=[],
                arrivals=[],
            ),
        )
        entry.arrivals.append(hit.arrival)
    _with_record(db, boards, production_zone)
    for entry in boards.values():
        entry.arrivals.sort(key=lambda a: (a.call_at or datetime.max, a.name))
    return sorted(boards.values(), key=lambda b: b.name)


def _with_record(
    db: sqlite_utils.Database, boards: dict[int, LocationBoard], production_zone: tzinfo
) -> None:
    """Hand marks, wraps and where each time came from, from the day's record."""
    called = [a for b in boards.values() for a in b.arrivals if a.day_id is not None]
    found = dayrecord.records(db, {a.day_id for a in called if a.day_id}, where=production_zone)
    by_key = {(r.day_id, r.person_id): r for r in found}
    for arrival in called:
        record = by_key.get((arrival.day_id or 0, arrival.person_id))
        if record is None:
            continue
        if record.arrived is not None:
            arrival.arrival_source = str(record.arrived.source)
            if record.arrived.source == TimeSource.COORDINATOR:
                arrival.arrived_at, arrival.checked_in_at = record.arrived.at, None
                arrival.late_minutes = record.late_minutes
                arrival.arrived_reason = record.arrived_reason
        arrival.phone_time = record.phone_time
        if record.wrap is not None:
            arrival.wrap_at, arrival.wrap_source = record.wrap.at, str(record.wrap.source)
        arrival.mark, arrival.reason = record.status, record.reason


def _arrived(arrival: Arrival, hit: _Hit, names: dict[int, str] | None) -> None:
    found = hit.arrival
    arrival.arrived_at, arrival.late_minutes = found.arrived_at, found.late_minutes
    arrival.far, arrival.replayed = found.far, found.replayed
    if names is not None:
        arrival.checked_in_at = names.get(hit.location_id, "another location")


def _expected(db: sqlite_utils.Database, on: date) -> dict[tuple[int, int], tuple[int, Arrival]]:
    rows = db.execute(
        "SELECT d.location_id, p.id, p.name, p.department, c.call_at, d.id, p.phone FROM calls c"
        " JOIN days d ON d.id = c.day_id JOIN people p ON p.id = c.person_id"
        " WHERE d.date = ? AND d.location_id IS NOT NULL ORDER BY c.call_at",
        [on.isoformat()],
    ).fetchall()
    expected: dict[tuple[int, int], tuple[int, Arrival]] = {}
    for location_id, pid, name, department, call_at, day_id, phone in rows:
        expected.setdefault(
            (location_id, pid),
            (
                day_id,
                Arrival(
                    person_id=pid,
                    name=name,
                    department=department,
                    call_at=datetime.fromisoformat(call_at),
                    day_id=day_id,
                    phone=phone,
                ),
            ),
        )
    return expected


class _Hit(msgspec.Struct):
    """A first arrival, with where it was made and for which day."""

    location_id: int
    day_id: int | None
    arrival: Arrival


def _arrivals_on(db: sqlite_utils.Database, on: date, production_zone: tzinfo) -> list[_Hit]:
    """First arrival per (location, person) for `on`: check-ins that belong to one of that
    date's days (a night call after midnight included), or, for people not called there,
    those that happened on that local date."""
    start = datetime.combine(on - timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    end = datetime.combine(on + timedelta(days=2), datetime.min.time(), tzinfo=UTC)
    arrived_results = [str(r) for r in ARRIVED_RESULTS]
    rows = db.execute(
        "SELECT k.person_id, k.location_id, k.result, k.happened_at, k.late_minutes, k.far,"
        " k.replayed, p.name, p.department, d.date, k.day_id, p.phone FROM checkins k"
        " JOIN people p ON p.id = k.person_id LEFT JOIN days d ON d.id = k.day_id"
        " WHERE k.happened_at >= ? AND k.happened_at < ? AND k.location_id IS NOT NULL"
        f" AND k.result IN ({','.join('?' * len(arrived_results))}) ORDER BY k.happened_at",
        [iso(start), iso(end), *arrived_results],
    ).fetchall()
    found: dict[tuple[int, int | None, int], _Hit] = {}
    for row in rows:
        pid, lid, result, happened, late, far, replayed, name, dept, day_date, day_id, phone = row
        local = wall_clock(datetime.fromisoformat(happened), production_zone)
        belongs = day_date == on.isoformat() if day_date else local.date() == on
        if not belongs or (lid, day_id, pid) in found:
            continue
        found[(lid, day_id, pid)] = _Hit(
            lid,
            day_id,
            Arrival(
                person_id=pid,
                name=name,
                department=dept,
                call_at=None,
                arrived_at=local,
                late_minutes=late,
                called=result != CheckinResult.NOT_CALLED,
                far=bool(far),
                replayed=bool(replayed),
                phone=phone,
            ),
        )
    return list(found.values())


def tally(board: LocationBoard, local_now: datetime) -> Counter[str]:
    """How many people at a location are expected, arrived, late, missing or unexpected."""
    return Counter(arrival.state(local_now) for arrival in board.arrivals)
