"""Small read queries the coordinator's desk needs that no other service offers."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import NamedTuple

import sqlite_utils

from schema import directory, locations, schedule
from schema.checkins import LocationBoard
from schema.types import ContractStatus, Location, Person, PersonKind


def departments(db: sqlite_utils.Database) -> list[str]:
    rows = db.execute(
        "SELECT DISTINCT department FROM people WHERE department != '' ORDER BY department"
    ).fetchall()
    return [row[0] for row in rows]


def tally(board: LocationBoard, local_now: datetime) -> Counter[str]:
    """How many people at a location are expected, arrived, late, missing or unexpected."""
    return Counter(arrival.state(local_now) for arrival in board.arrivals)


class Showcase(NamedTuple):
    """Whom and where to show a newcomer first (`callboard welcome`)."""

    crew: Person | None
    vendor: Person | None
    place: Location | None


def showcase(db: sqlite_utils.Database, today: date) -> Showcase:
    crew = _showcase_crew(db, today)
    return Showcase(crew, _showcase_vendor(db), _showcase_location(db, crew, today))


def _showcase_crew(db: sqlite_utils.Database, today: date) -> Person | None:
    """A crew member called today with a countersigned contract, else any crew or cast."""
    row = db.execute(
        "SELECT p.id FROM calls c JOIN days d ON d.id = c.day_id JOIN people p ON p.id ="
        " c.person_id WHERE d.date = ? AND p.kind = ? AND d.location_id IS NOT NULL"
        " AND EXISTS (SELECT 1 FROM contracts k WHERE k.person_id = p.id AND k.status = ?)"
        " ORDER BY c.call_at, p.id LIMIT 1",
        [today.isoformat(), str(PersonKind.CREW), str(ContractStatus.COUNTERSIGNED)],
    ).fetchone()
    if row is None:
        row = db.execute(
            "SELECT id FROM people WHERE kind IN (?, ?) ORDER BY id LIMIT 1",
            [str(PersonKind.CREW), str(PersonKind.CAST)],
        ).fetchone()
    return directory.get_person(db, row[0]) if row else None


def _showcase_vendor(db: sqlite_utils.Database) -> Person | None:
    """A vendor contact, preferably one with a contract waiting for them."""
    row = db.execute(
        "SELECT p.id FROM people p LEFT JOIN contracts k ON k.person_id = p.id"
        " AND k.status IN ('sent', 'viewed') WHERE p.kind = ?"
        " ORDER BY k.id IS NULL, p.id LIMIT 1",
        [str(PersonKind.VENDOR_CONTACT)],
    ).fetchone()
    return directory.get_person(db, row[0]) if row else None


def _showcase_location(
    db: sqlite_utils.Database, crew: Person | None, today: date
) -> Location | None:
    """Where the chosen crew member is called today, else the first location."""
    if crew is not None:
        for _call, day in schedule.calls_for_person(db, crew.id, start=today):
            if day.date == today and day.location_id is not None:
                return locations.get_location(db, day.location_id)
    found = locations.list_locations(db)
    return found[0] if found else None
