"""Reports over the day as it happened: the daily production report, timecards, day out of days,
and the sign-in sheet's rows. Read models only; schema/outputs writes them to PDF and CSV.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import date, datetime, timedelta, tzinfo

import msgspec
import sqlite_utils

from schema import dayrecord, locations, rules
from schema.dayrecord import PersonDay, Timed
from schema.errors import NotFound
from schema.production import get as get_production
from schema.production import meal_due, zone
from schema.store.connection import read
from schema.store.rows import fetch_all
from schema.types import CallKind, Day, TimeSource

# --- daily production report ----------------------------------------------------------------


class ReportLine(msgspec.Struct, kw_only=True):
    """One person on one day, as a report prints it (times HH:MM, sources named)."""

    date: str
    unit: str
    location: str
    name: str
    department: str
    role: str
    kind: str
    call: str
    arrived: str
    arrived_source: str
    late_minutes: int
    meal_out: str
    meal_out_source: str
    meal_in: str
    meal_in_source: str
    wrap: str
    wrap_source: str
    hours: str
    status: str
    reason: str
    flags: str


class ReportDay(msgspec.Struct, kw_only=True):
    day: Day
    location: str
    lines: list[ReportLine]
    totals: dict[str, int]


class DailyReport(msgspec.Struct, kw_only=True):
    production: str
    date: date
    unit: str | None
    days: list[ReportDay]


def daily(db: sqlite_utils.Database, on: date, *, unit: str | None = None) -> DailyReport:
    """Who was called, arrived (late by), took a meal, wrapped, hours, absences and why."""
    with read(db):
        production = get_production(db)
        days = fetch_all(
            db,
            Day,
            "SELECT * FROM days WHERE date = ? AND (? IS NULL OR unit = ? COLLATE NOCASE)"
            " ORDER BY call_at, unit",
            [on.isoformat(), unit, unit],
        )
        found = dayrecord.records(db, [d.id for d in days])
        names = locations.names(db)
    due, where = meal_due(production), zone(production)
    by_day: dict[int, list[PersonDay]] = defaultdict(list)
    for record in found:
        by_day[record.day_id].append(record)
    report_days = []
    for day in days:
        place = names.get(day.location_id, "") if day.location_id else ""
        lines = [line_of(r, place, due, where) for r in by_day[day.id]]
        report_days.append(
            ReportDay(day=day, location=place, lines=lines, totals=_totals(by_day[day.id], due))
        )
    return DailyReport(production=production.name, date=on, unit=unit, days=report_days)


def line_of(
    record: PersonDay, place: str, due: timedelta, where: tzinfo | None = None
) -> ReportLine:
    hours = record.hours(where)
    flags = []
    if record.arrived is not None and record.arrived.source == TimeSource.COORDINATOR:
        flags.append(
            f"in by hand ({record.arrived_reason})" if record.arrived_reason else "in by hand"
        )
    if record.phone_time:
        flags.append("time from the phone")
    if record.far:
        flags.append("far")
    if record.meal_penalty(due, where):
        flags.append("meal penalty")
    return ReportLine(
        date=record.date,
        unit=record.unit,
        location=place,
        name=record.name,
        department=record.department,
        role=record.role,
        kind=str(record.kind),
        call=f"{record.call_at:%H:%M}",
        arrived=_hhmm(record.arrived, record.call_at),
        arrived_source=_source(record.arrived),
        late_minutes=record.late_minutes if record.arrived else 0,
        meal_out=_hhmm(record.meal_out, record.call_at),
        meal_out_source=_source(record.meal_out),
        meal_in=_hhmm(record.meal_in, record.call_at),
        meal_in_source=_source(record.meal_in),
        wrap=_hhmm(record.wrap, record.call_at),
        wrap_source=_source(record.wrap),
        hours=rules.format_duration(hours) if hours is not None else "",
        status=record.status,
        reason=record.reason,
        flags=", ".join(flags),
    )


def _hhmm(timed: Timed | None, call_at: datetime) -> str:
    """HH:MM, with +1 when it falls on the next calendar day (a night shoot's wrap)."""
    if timed is None:
        return ""
    later = (timed.at.date() - call_at.date()).days
    return f"{timed.at:%H:%M}" + (f" +{later}" if later > 0 else "")


def _source(timed: Timed | None) -> str:
    return str(timed.source) if timed is not None else ""


def _totals(records: list[PersonDay], due: timedelta) -> dict[str, int]:
    return {
        "called": len(records),
        "arrived": sum(1 for r in records if r.arrived is not None),
        "late": sum(1 for r in records if r.arrived is not None and r.late_minutes),
        "wrapped": sum(1 for r in records if r.wrap is not None),
        "absent": sum(1 for r in records if r.status == "absent"),
        "sick": sum(1 for r in records if r.status == "sick"),
        "released": sum(1 for r in records if r.status == "released"),
        "meal_penalties": sum(1 for r in records if r.meal_penalty(due)),
        "phone_times": sum(1 for r in records if r.phone_time),
    }


# --- timecards ------------------------------------------------------------------------------


def week_of(on: date) -> tuple[date, date]:
    """Monday to Sunday around `on`: the payroll week."""
    monday = on - timedelta(days=on.weekday())
    return monday, monday + timedelta(days=6)


def timecards(db: sqlite_utils.Database, on: date) -> list[ReportLine]:
    """Per person and day of the week holding `on`: call, arrival, meal, wrap, hours, each
    time with where it came from. Sorted by person, then date."""
    first, last = week_of(on)
    with read(db):
        production = get_production(db)
        found = dayrecord.for_dates(db, first.isoformat(), last.isoformat())
        names = locations.names(db)
    due, where = meal_due(production), zone(production)
    lines = [
        line_of(r, names.get(r.location_id, "") if r.location_id else "", due, where) for r in found
    ]
    return sorted(lines, key=lambda line: (line.name.casefold(), line.date, line.call))


# --- day out of days ------------------------------------------------------------------------

# Gap between two work days (with no hold or travel in it) long enough to take someone off the
# payroll: they are dropped after the first and picked up for the second.
DROP_AFTER_DAYS = 10
LEGEND = {
    "SW": "start work",
    "W": "work",
    "WF": "work finish",
    "SWF": "start, work and finish",
    "H": "hold",
    "T": "travel",
    "D": "drop (off payroll after this day)",
    "PU": "pick-up (back on payroll)",
}


class DoodRow(msgspec.Struct, kw_only=True):
    person_id: int
    name: str
    department: str
    role: str
    codes: dict[str, str]  # ISO date -> code
    work: int
    hold: int
    travel: int
    start: str
    finish: str


class DayOutOfDays(msgspec.Struct, kw_only=True):
    production: str
    dates: list[str]
    rows: list[DoodRow]


def day_out_of_days(
    db: sqlite_utils.Database,
    *,
    first: date | None = None,
    last: date | None = None,
    drop_after: int = DROP_AFTER_DAYS,
) -> DayOutOfDays:
    """The standard grid: a row per person, a column per shoot date, a code per call."""
    with read(db):
        production = get_production(db).name
        rows = db.execute(
            "SELECT p.id, p.name, p.department, p.role, d.date, c.kind FROM calls c"
            " JOIN days d ON d.id = c.day_id JOIN people p ON p.id = c.person_id"
            " WHERE (? IS NULL OR d.date >= ?) AND (? IS NULL OR d.date <= ?)"
            " ORDER BY p.department, p.name, d.date",
            [_iso(first), _iso(first), _iso(last), _iso(last)],
        ).fetchall()
        dates = [
            r[0]
            for r in db.execute(
                "SELECT DISTINCT date FROM days WHERE (? IS NULL OR date >= ?)"
                " AND (? IS NULL OR date <= ?) ORDER BY date",
                [_iso(first), _iso(first), _iso(last), _iso(last)],
            )
        ]
    people: dict[int, tuple[str, str, str]] = {}
    calls: dict[int, dict[str, CallKind]] = defaultdict(dict)
    for person_id, name, department, role, on, kind in rows:
        people[person_id] = (name, department, role)
        calls[person_id][on] = _stronger(calls[person_id].get(on), CallKind(kind))
    grid = [
        _dood_row(person_id, *people[person_id], calls[person_id], drop_after)
        for person_id in people
    ]
    return DayOutOfDays(production=production, dates=dates, rows=grid)


def codes_for(kinds: dict[str, CallKind], drop_after: int = DROP_AFTER_DAYS) -> dict[str, str]:
    """The DOOD code for each date a person is called (pure: dates as ISO strings).

    A work day is W, the first SW, the last WF, a lone one SWF; a work day followed by a long
    gap with nothing in it ends in D (dropped), the work day after it starts with PU."""
    codes = {on: "H" if kind == CallKind.HOLD else "T" for on, kind in kinds.items()}
    work = sorted(on for on, kind in kinds.items() if kind == CallKind.WORK)
    dropped: set[str] = set()
    for before, after in itertools.pairwise(work):
        gap = (date.fromisoformat(after) - date.fromisoformat(before)).days - 1
        if gap >= drop_after and not any(before < on < after for on in kinds):
            dropped.add(before)
    for index, on in enumerate(work):
        start = "S" if index == 0 else "PU" if work[index - 1] in dropped else ""
        end = "F" if index == len(work) - 1 else "D" if on in dropped else ""
        codes[on] = f"{start}W{end}"
    return codes


def _dood_row(
    person_id: int,
    name: str,
    department: str,
    role: str,
    kinds: dict[str, CallKind],
    drop_after: int,
) -> DoodRow:
    counts: dict[CallKind, int] = defaultdict(int)
    for kind in kinds.values():
        counts[kind] += 1
    work = sorted(on for on, kind in kinds.items() if kind == CallKind.WORK)
    return DoodRow(
        person_id=person_id,
        name=name,
        department=department,
        role=role,
        codes=codes_for(kinds, drop_after),
        work=counts[CallKind.WORK],
        hold=counts[CallKind.HOLD],
        travel=counts[CallKind.TRAVEL],
        start=work[0] if work else "",
        finish=work[-1] if work else "",
    )


def _stronger(old: CallKind | None, new: CallKind) -> CallKind:
    """Two calls on one date (two units): work beats travel beats hold."""
    rank = {CallKind.WORK: 2, CallKind.TRAVEL: 1, CallKind.HOLD: 0}
    return new if old is None or rank[new] > rank[old] else old


def _iso(on: date | None) -> str | None:
    return on.isoformat() if on else None


# --- sign-in sheet --------------------------------------------------------------------------


class SheetLine(msgspec.Struct, kw_only=True):
    name: str
    department: str
    role: str
    call: str


class SignInSheet(msgspec.Struct, kw_only=True):
    production: str
    date: date
    location: str
    address: str
    units: list[str]
    lines: list[SheetLine]


def signin_sheet(db: sqlite_utils.Database, on: date, location_id: int) -> SignInSheet:
    """Everyone called at a location on a date, by call then department: the paper fallback."""
    with read(db):
        production = get_production(db).name
        place = db.execute(
            "SELECT name, address FROM locations WHERE id = ?", [location_id]
        ).fetchone()
        if place is None:
            raise NotFound(f"no location with id {location_id}")
        rows = db.execute(
            "SELECT p.name, p.department, p.role, c.call_at, d.unit FROM calls c"
            " JOIN days d ON d.id = c.day_id JOIN people p ON p.id = c.person_id"
            " WHERE d.date = ? AND d.location_id = ? AND c.kind != 'hold'"
            " ORDER BY c.call_at, p.department, p.name",
            [on.isoformat(), location_id],
        ).fetchall()
    return SignInSheet(
        production=production,
        date=on,
        location=place[0],
        address=place[1],
        units=sorted({r[4] for r in rows}),
        lines=[
            SheetLine(name=n, department=d, role=r, call=f"{datetime.fromisoformat(c):%H:%M}")
            for n, d, r, c, _ in rows
        ],
    )


def signin_sheets(
    db: sqlite_utils.Database, on: date, *, location_id: int | None = None
) -> list[SignInSheet]:
    """A sheet per location worked on a date (or just the one named)."""
    if location_id is not None:
        return [signin_sheet(db, on, location_id)]
    rows = db.execute(
        "SELECT DISTINCT d.location_id FROM days d JOIN locations l ON l.id = d.location_id"
        " WHERE d.date = ? ORDER BY l.name",
        [on.isoformat()],
    ).fetchall()
    return [signin_sheet(db, on, row[0]) for row in rows]
