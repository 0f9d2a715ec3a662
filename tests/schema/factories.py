"""Small builders for schema tests: a person, a location, a day with calls, a signed contract."""

from __future__ import annotations

from datetime import date, datetime, time

import sqlite_utils

from schema import contracts, directory, links, locations, schedule
from schema.directory import PersonIn
from schema.locations import LocationIn
from schema.types import Contract, Day, Location, Person
from tests.conftest import NOW

PDF = b"%PDF-1.4\n% test contract\n"


def person(db: sqlite_utils.Database, name: str = "Ana Silva", **fields: object) -> Person:
    return directory.add_person(db, PersonIn(name=name, **fields), now=NOW)  # type: ignore[arg-type]


def location(db: sqlite_utils.Database, name: str = "Harbour Mill", **fields: object) -> Location:
    return locations.add_location(db, LocationIn(name=name, **fields), now=NOW)  # type: ignore[arg-type]


def day(
    db: sqlite_utils.Database,
    on: date = date(2026, 12, 1),
    *,
    call: time = time(7, 0),
    wrap: time = time(19, 0),
    location_id: int | None = None,
    unit: str = "Main",
) -> Day:
    return schedule.add_day(
        db,
        schedule.DayIn(date=on, call=call, wrap=wrap, location_id=location_id, unit=unit),
        now=NOW,
    )


def countersigned(db: sqlite_utils.Database, who: Person) -> Contract:
    contract = sent(db, who)
    contract = contracts.sign(
        db,
        contract.id,
        who.id,
        full_name=who.name,
        shown_sha256=contract.document_sha256 or "",
        agreed=True,
        ip="203.0.113.5",
        user_agent="pytest",
        now=NOW,
    )
    return contracts.countersign(db, contract.id, now=NOW)


def sent(db: sqlite_utils.Database, who: Person, kind: str = "crew agreement") -> Contract:
    contract = contracts.add_contract(db, who.id, kind=kind, now=NOW)
    contract = contracts.attach_document(db, contract.id, "agreement.pdf", PDF, now=NOW)
    return contracts.mark_sent(db, contract.id, now=NOW)


def session(db: sqlite_utils.Database, who: Person, at: datetime = NOW) -> str:
    token = links.issue_link(db, who.id, now=at).url.rsplit("/", 1)[1]
    return links.exchange_link(db, token, now=at)[1]
