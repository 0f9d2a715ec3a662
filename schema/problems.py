"""The rules' findings for the whole production, loaded in a few set-based queries."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum

import msgspec
import sqlite_utils

from schema import (
    bookings,
    dayrecord,
    directory,
    gear,
    locations,
    paperwork,
    plan,
    rules,
    stock,
)
from schema.clock import utcnow, wall_clock
from schema.production import get as get_production
from schema.production import local_now, min_rest, zone
from schema.store.connection import read
from schema.store.replica import read_status
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


# --- things, not people: stock, equipment and the plan ------------------------------------------


class StockProblemKind(StrEnum):
    LOW_STOCK = "low_stock"
    UNIT_OVERDUE = "unit_overdue"
    RENTAL_OVERDUE = "rental_overdue"
    GEAR_DOUBLE_BOOKED = "gear_double_booked"
    STAGE_OVERLOADED = "stage_overloaded"
    ORDER_LATE = "order_late"


class StockProblem(msgspec.Struct, kw_only=True, frozen=True):
    """A finding about stock, gear or the plan; shaped like a schedule Problem."""

    kind: StockProblemKind
    date: date
    message: str
    item_id: int | None = None
    unit_id: int | None = None
    order_id: int | None = None
    stage_id: int | None = None
    day_ids: tuple[int, ...] = ()


def find_stock(db: sqlite_utils.Database, *, now: datetime | None = None) -> list[StockProblem]:
    """Low stock, overdue gear and rentals, double-booked gear, overloaded days, late orders."""
    moment = now or utcnow()
    with read(db):
        today = wall_clock(moment, zone(get_production(db))).date()
        found = [
            *_low_stock(db, today),
            *_overdue(db, moment),
            *_double_booked_gear(db),
            *_plan_problems(db, today),
        ]
    return sorted(found, key=lambda p: (p.date, p.kind, p.message))


class DurabilityProblemKind(StrEnum):
    REPLICA_BEHIND = "replica_behind"


class DurabilityProblem(msgspec.Struct, kw_only=True, frozen=True):
    """A finding about the production file itself: changes that exist on one disk only."""

    kind: DurabilityProblemKind
    date: date
    message: str
    day_ids: tuple[int, ...] = ()


AnyProblem = Problem | StockProblem | DurabilityProblem


def find_all(
    db: sqlite_utils.Database, *, on: date | None = None, now: datetime | None = None
) -> list[AnyProblem]:
    """Every problem: the schedule's, the stock's and the replica's, by date."""
    found: list[AnyProblem] = [
        *find(db, on=on, now=now),
        *find_stock(db, now=now),
        *find_durability(db, now=now),
    ]
    chosen = [p for p in found if on is None or p.date == on]
    return sorted(chosen, key=lambda p: (p.date, str(p.kind)))


def find_for_days(db: sqlite_utils.Database) -> list[Problem | StockProblem]:
    """What the Schedule marks against its days: the schedule's problems and gear booked on two
    overlapping days (a camera cannot be at two locations at once, like a person)."""
    return [*find(db), *_double_booked_gear(db)]


def find_durability(
    db: sqlite_utils.Database, *, now: datetime | None = None
) -> list[DurabilityProblem]:
    """A replica more than a minute behind (or stopped), read from the status file the
    replicating process keeps beside the production file; nothing for an unreplicated one."""
    path = _file_of(db)
    if path is None:
        return []
    moment = now or utcnow()
    status = read_status(path, moment)
    if not status.problem:
        return []
    today = wall_clock(moment, zone(get_production(db))).date()
    where = f" ({status.url})" if status.url else ""
    return [
        DurabilityProblem(
            kind=DurabilityProblemKind.REPLICA_BEHIND,
            date=today,
            message=f"The replica{where}: {status.message}; recent changes exist only on "
            "this machine",
        )
    ]


def _file_of(db: sqlite_utils.Database) -> str | None:
    """The main database's file, or None in memory."""
    for _seq, name, file in db.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return str(file) or None
    return None


def _low_stock(db: sqlite_utils.Database, today: date) -> list[StockProblem]:
    return [
        StockProblem(
            kind=StockProblemKind.LOW_STOCK,
            date=today,
            item_id=s.item.id,
            message=f"{s.item.name}: {s.on_hand} {s.item.unit} on hand, "
            f"below the reorder level of {s.item.reorder_level}",
        )
        for s in stock.low_stock(db)
    ]


def _overdue(db: sqlite_utils.Database, now: datetime) -> list[StockProblem]:
    found = []
    for line in gear.overdue_units(db, now=now):
        due = line.unit.due_back_at
        assert due is not None
        who = line.holder_name or line.place_name
        found.append(
            StockProblem(
                kind=StockProblemKind.UNIT_OVERDUE,
                date=due.date(),
                unit_id=line.unit.id,
                message=f"{line.unit.label} ({line.item_name}) is overdue from {who} "
                f"since {due:%a %d %b %H:%M}",
            )
        )
    for rental in gear.rentals(db, now=now):
        if rental.overdue and rental.due_back_at is not None:
            found.append(
                StockProblem(
                    kind=StockProblemKind.RENTAL_OVERDUE,
                    date=rental.due_back_at.date(),
                    unit_id=rental.rental.unit_id,
                    message=f"{rental.label} was due back to {rental.vendor_name} at "
                    f"{rental.due_back_at:%a %d %b %H:%M}",
                )
            )
    return found


def _double_booked_gear(db: sqlite_utils.Database) -> list[StockProblem]:
    return [
        StockProblem(
            kind=StockProblemKind.GEAR_DOUBLE_BOOKED,
            date=c.date,
            unit_id=c.unit_id,
            day_ids=c.day_ids,
            message=f"{c.label} is booked on two days at once on {c.date.isoformat()}",
        )
        for c in gear.double_bookings(db)
    ]


def _plan_problems(db: sqlite_utils.Database, today: date) -> list[StockProblem]:
    current = plan.plan(db, today=today, start_on=today - timedelta(days=7), days=67)
    order_word = current.words["order"]
    found = [
        StockProblem(
            kind=StockProblemKind.STAGE_OVERLOADED,
            date=o.date,
            stage_id=o.stage_id,
            message=f"{o.stage_name} is overloaded on {o.date:%a %d %b}: "
            f"{o.load} planned, capacity {o.capacity}",
        )
        for o in current.overloads
    ]
    for line in current.orders:
        if line.late:
            found.append(
                StockProblem(
                    kind=StockProblemKind.ORDER_LATE,
                    date=line.order.due_on,
                    order_id=line.order.id,
                    message=f"{order_word.capitalize()} {line.order.id} ({line.product_name}"
                    f"{', ' + line.customer if line.customer else ''}) is late: due "
                    f"{line.order.due_on:%a %d %b}, planned to finish {line.planned_end:%a %d %b}",
                )
            )
    return found
