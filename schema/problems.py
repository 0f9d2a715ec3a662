"""The rules' findings for the whole production, loaded in a few set-based queries."""

from __future__ import annotations

from datetime import date, datetime

import msgspec
import sqlite_utils

from schema import bookings, dayrecord, directory, locations, paperwork, rules
from schema.production import get as get_production
from schema.production import local_now, min_rest, zone
from schema.store.connection import read
from schema.types import Problem


def find(
    db: sqlite_utils.Database, *, on: date | None = None, now: datetime | None = None
) -> list[Problem]:
    """Every problem in the schedule (or only those dated `on`); `now` decides which
    bookings are close enough that an unconfirmed one is a problem."""
    with read(db):
        production = get_production(db)
        moment = local_now(production, now)
        days = [
            msgspec.convert(
                dict(
                    zip(
                        ("id", "date", "unit", "location_id", "call_at", "wrap_at"),
                        row,
                        strict=True,
                    )
                ),
                rules.DayFacts,
                strict=False,
            )
            for row in db.execute(
                "SELECT id, date, unit, location_id, call_at, wrap_at FROM days"
            ).fetchall()
        ]
        calls = [
            rules.CallFacts(
                day_id=row[0],
                person_id=row[1],
                call_at=_dt(row[2]),
                wrap_at=_dt(row[3]) if row[3] else None,
            )
            for row in db.execute(
                "SELECT day_id, person_id, call_at, wrap_at FROM calls"
            ).fetchall()
        ]
        papers = paperwork.Gate(db)
        names = directory.names(db)
        found = rules.find_problems(
            days,
            calls,
            min_rest=min_rest(production),
            names=names,
            location_names=locations.names(db),
            zone=zone(production),
            gaps=papers.gaps,
            held=papers.holding,
            bookings=[_facts(line) for line in bookings.unconfirmed_soon(db, moment)],
            now=moment,
        )
        found += dayrecord.problems(db)  # what happened: meals worked through, overruns
    found.sort(key=lambda p: (p.date, str(p.kind), p.person_id or 0, p.day_ids))
    return [p for p in found if on is None or p.date == on]


def _facts(line: bookings.BookingLine) -> rules.BookingFacts:
    return rules.BookingFacts(
        id=line.id,
        day_id=line.day_id,
        location_id=line.location_id,
        at=line.at,
        vendor=line.vendor_name,
        summary=line.summary,
        confirmed=line.confirmed_at is not None,
    )


def _dt(text: str) -> datetime:
    return datetime.fromisoformat(text)
