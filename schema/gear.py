"""Equipment: units with QR labels, checked out and returned by scan, booked to days, rented.

A unit is one physical piece (a quantity of 1 of its item), so every check-out and return is
a ledger movement and the balances always say where the gear is. A scan of a label from a phone
works like a check-in: a closed list of answers, idempotent by the phone's nonce, replayed from
its offline outbox with the time it really happened.

Bookings hang off days, not dates: moving a day (its date or location) takes its gear along,
and a rental is due back at the wrap of its last day, wherever that day has moved to.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Annotated

import msgspec
import sqlite_utils

from schema import stock, validate
from schema.clock import iso, local_iso, utcnow, wall_clock
from schema.errors import InvalidInput, NotFound, RuleViolation
from schema.event_kinds import EventKind
from schema.production import COORDINATOR, zone
from schema.production import get as get_production
from schema.stock import ItemKind, MoveIn, MoveKind, PlaceKind
from schema.store import events
from schema.store.connection import read, write
from schema.store.rows import fetch_all, fetch_one, insert
from schema.tokens import RandomBytes, new_code, normalize_code
from schema.types import Person

WALKIE = "Walkie-talkie"


class Unit(msgspec.Struct, kw_only=True):
    id: int
    item_id: int
    label: str
    code: str
    kit: str = ""
    home_place_id: int
    place_id: int
    holder_person_id: int | None = None
    out_since: datetime | None = None
    due_back_at: datetime | None = None  # local wall-clock time, like the schedule
    issued_day_id: int | None = None
    issued_to: str | None = None  # the department a walkie was issued to for that day
    accepted_by: str | None = None
    vendor_id: int | None = None
    version: int = 1


class UnitLine(msgspec.Struct, kw_only=True):
    """A unit as the desk lists it: where it is, who has it, when it is due back."""

    unit: Unit
    item_name: str
    place_name: str
    holder_name: str | None
    out: bool
    overdue: bool


class ScanResult(StrEnum):
    """The closed list of answers a label scan can get (static/equipment.js says each)."""

    CHECKED_OUT = "checked_out"
    RETURNED = "returned"
    HANDED_OVER = "handed_over"
    UNKNOWN_CODE = "unknown_code"
    NO_SESSION = "no_session"
    LINK_REVOKED = "link_revoked"
    SESSION_EXPIRED = "session_expired"


Nonce = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9_-]{8,64}$")]
PhoneMoment = Annotated[datetime, msgspec.Meta(tz=True)]


class ScanRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    code: Annotated[str, msgspec.Meta(max_length=64)]
    nonce: Nonce
    client_at: PhoneMoment | None = None
    queued: bool = False


class ScanAnswer(msgspec.Struct, kw_only=True):
    result: ScanResult
    label: str | None = None
    item_name: str | None = None
    at: datetime | None = None
    due_back_at: datetime | None = None
    previous_holder: str | None = None
    returned_to: str | None = None
    replayed: bool = False


class UnitPublic(msgspec.Struct, kw_only=True):
    """What a label's page shows a signed-in crew member: the unit and who has it."""

    label: str
    item_name: str
    holder_name: str | None
    due_back_at: datetime | None


class Booking(msgspec.Struct, kw_only=True):
    unit_id: int
    label: str
    kit: str
    day_id: int
    date: date
    unit_name: str  # the shooting unit (Main, Second)
    location_name: str | None
    call_at: datetime
    wrap_at: datetime


class Conflict(msgspec.Struct, kw_only=True, frozen=True):
    """A unit booked on two days whose call-to-wrap spans overlap."""

    unit_id: int
    label: str
    date: date
    day_ids: tuple[int, int]


class Rental(msgspec.Struct, kw_only=True):
    id: int
    unit_id: int
    vendor_id: int
    first_date: date
    last_day_id: int | None
    returned_at: datetime | None = None
    created_at: datetime


class RentalLine(msgspec.Struct, kw_only=True):
    rental: Rental
    label: str
    vendor_name: str
    due_back_at: datetime | None
    overdue: bool


class WalkieLine(msgspec.Struct, kw_only=True):
    """Walkies issued to one department for one day: how many, how many back, which missing."""

    department: str
    issued: int
    returned: int
    missing: list[str]


# --- units --------------------------------------------------------------------------------------


def add_unit(
    db: sqlite_utils.Database,
    item_id: int,
    label: str,
    *,
    home_place_id: int,
    kit: str = "",
    vendor_id: int | None = None,
    rng: RandomBytes = secrets.token_bytes,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> Unit:
    """A new unit of an equipment item, received into its home place with a fresh label code."""
    moment = now or utcnow()
    with write(db):
        item = stock.get_item(db, item_id)
        if item.kind != ItemKind.EQUIPMENT:
            raise InvalidInput(f"{item.name} is not equipment", field="item_id")
        clean = validate.text(label, "label", required=True, limit=80)
        if db.execute("SELECT 1 FROM equipment_units WHERE label = ?", [clean]).fetchone():
            raise InvalidInput(f"there is already a unit labelled {clean!r}", field="label")
        stock.get_place(db, home_place_id)
        values = {
            "item_id": item_id,
            "label": clean,
            "code": _unused_code(db, rng),
            "kit": validate.text(kit, "kit", limit=80),
            "home_place_id": home_place_id,
            "place_id": home_place_id,
            "vendor_id": vendor_id,
        }
        unit_id = insert(db, "equipment_units", values)
        reason = f"new unit {clean}" + (f" hired from vendor {vendor_id}" if vendor_id else "")
        stock.apply(
            db,
            MoveIn(
                kind=MoveKind.RECEIVE,
                item_id=item_id,
                quantity=1,
                to_place_id=home_place_id,
                unit_id=unit_id,
                reason=reason,
            ),
            actor=actor,
            now=moment,
        )
        events.record(
            db,
            actor=actor,
            kind=EventKind.EQUIPMENT_UNIT_ADDED,
            subject=f"unit:{unit_id}",
            now=moment,
            data=values,
        )
    return get_unit(db, unit_id)


def _unused_code(db: sqlite_utils.Database, rng: RandomBytes) -> str:
    for _ in range(100):
        code = new_code(rng)
        if not db.execute("SELECT 1 FROM equipment_units WHERE code = ?", [code]).fetchone():
            return code
    raise RuntimeError("could not find an unused label code")


def get_unit(db: sqlite_utils.Database, unit_id: int) -> Unit:
    found = fetch_one(db, Unit, "SELECT * FROM equipment_units WHERE id = ?", [unit_id])
    if found is None:
        raise NotFound(f"no equipment unit with id {unit_id}")
    return found


def unit_by_code(db: sqlite_utils.Database, code: str) -> Unit | None:
    return fetch_one(
        db, Unit, "SELECT * FROM equipment_units WHERE code = ?", [normalize_code(code)[:16]]
    )


def list_units(
    db: sqlite_utils.Database, *, item_id: int | None = None, now: datetime | None = None
) -> list[UnitLine]:
    local = wall_clock(now or utcnow(), zone(get_production(db)))
    sql = (
        "SELECT u.*, i.name AS item_name, p.name AS place_name, pe.name AS holder_name"
        " FROM equipment_units u JOIN stock_items i ON i.id = u.item_id"
        " JOIN stock_places p ON p.id = u.place_id"
        " LEFT JOIN people pe ON pe.id = u.holder_person_id"
    )
    params: list[int] = []
    if item_id is not None:
        sql += " WHERE u.item_id = ?"
        params.append(item_id)
    cursor = db.execute(sql + " ORDER BY i.name, u.label", params)
    columns = [c[0] for c in cursor.description]
    lines = []
    for row in cursor.fetchall():
        data = dict(zip(columns, row, strict=True))
        item_name, place_name = data.pop("item_name"), data.pop("place_name")
        holder_name = data.pop("holder_name")
        unit = msgspec.convert(data, Unit, strict=False)
        out = unit.place_id != unit.home_place_id
        lines.append(
            UnitLine(
                unit=unit,
                item_name=item_name,
                place_name=place_name,
                holder_name=holder_name,
                out=out,
                overdue=_overdue(unit, local),
            )
        )
    return lines


def _overdue(unit: Unit, local_now: datetime) -> bool:
    out = unit.place_id != unit.home_place_id
    return out and unit.due_back_at is not None and unit.due_back_at < local_now


def overdue_units(db: sqlite_utils.Database, *, now: datetime | None = None) -> list[UnitLine]:
    return [line for line in list_units(db, now=now) if line.overdue]


# --- check out and return -----------------------------------------------------------------------


def check_out(
    db: sqlite_utils.Database,
    unit_id: int,
    *,
    to_place_id: int,
    due_back_at: datetime | None = None,
    holder_person_id: int | None = None,
    issued_day_id: int | None = None,
    issued_to: str | None = None,
    accepted_by: str | None = None,
    nonce: str | None = None,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> Unit:
    """Move a unit from wherever it is to a person or a department, due back at a time."""
    moment = now or utcnow()
    with write(db):
        unit = get_unit(db, unit_id)
        _move_unit(db, unit, MoveKind.CHECK_OUT, to_place_id, nonce, actor, moment)
        values = {
            "holder_person_id": holder_person_id,
            "out_since": iso(moment),
            "due_back_at": local_iso(due_back_at) if due_back_at else None,
            "issued_day_id": issued_day_id,
            "issued_to": issued_to,
            "accepted_by": accepted_by,
        }
        _set_unit(db, unit, to_place_id, values)
        events.record(
            db,
            actor=actor,
            kind=EventKind.EQUIPMENT_CHECKED_OUT,
            subject=f"unit:{unit_id}",
            now=moment,
            data={"to_place_id": to_place_id, **values},
        )
    return get_unit(db, unit_id)


def return_unit(
    db: sqlite_utils.Database,
    unit_id: int,
    *,
    to_place_id: int | None = None,
    accepted_by: str | None = None,
    nonce: str | None = None,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> Unit:
    """Bring a unit back (to its home place unless told otherwise)."""
    moment = now or utcnow()
    with write(db):
        unit = get_unit(db, unit_id)
        target = to_place_id or unit.home_place_id
        if unit.place_id == target:
            raise RuleViolation(f"{unit.label} is already back", code="already_back")
        _move_unit(db, unit, MoveKind.RETURN, target, nonce, actor, moment)
        values: dict[str, object] = {
            "holder_person_id": None,
            "out_since": None,
            "due_back_at": None,
            "accepted_by": accepted_by,
        }
        _set_unit(db, unit, target, values)
        events.record(
            db,
            actor=actor,
            kind=EventKind.EQUIPMENT_RETURNED,
            subject=f"unit:{unit_id}",
            now=moment,
            data={"to_place_id": target, "accepted_by": accepted_by},
        )
    return get_unit(db, unit_id)


def _move_unit(
    db: sqlite_utils.Database,
    unit: Unit,
    kind: MoveKind,
    to_place_id: int,
    nonce: str | None,
    actor: str,
    moment: datetime,
) -> None:
    if unit.place_id == to_place_id:
        raise RuleViolation(f"{unit.label} is already there", code="already_there")
    stock.apply(
        db,
        MoveIn(
            kind=kind,
            item_id=unit.item_id,
            quantity=1,
            from_place_id=unit.place_id,
            to_place_id=to_place_id,
            unit_id=unit.id,
            reason=f"{kind.replace('_', ' ')} {unit.label}",
            nonce=nonce,
        ),
        actor=actor,
        now=moment,
    )


def _set_unit(
    db: sqlite_utils.Database, unit: Unit, place_id: int, values: dict[str, object]
) -> None:
    """Conditional on where the unit was read to be: two scans cannot both move it."""
    assignments = ", ".join(f"{k} = ?" for k in values)
    cursor = db.execute(
        f"UPDATE equipment_units SET place_id = ?, {assignments}, version = version + 1"
        " WHERE id = ? AND place_id = ?",
        [place_id, *values.values(), unit.id, unit.place_id],
    )
    if cursor.rowcount != 1:
        raise RuleViolation(f"{unit.label} was moved by someone else just now", code="moved")


# --- a scan from a phone ------------------------------------------------------------------------


def scan(
    db: sqlite_utils.Database,
    person: Person,
    request: ScanRequest,
    *,
    now: datetime | None = None,
) -> ScanAnswer:
    """A crew member scanned a label: take it (from the shelf or from a colleague) or, when
    they hold it already, give it back. The same nonce again is the same scan."""
    received = now or utcnow()
    actor = f"person:{person.id}"
    with write(db):
        earlier = db.execute(
            "SELECT result, unit_id, happened_at, replayed, previous_holder FROM equipment_scans"
            " WHERE person_id = ? AND nonce = ?",
            [person.id, request.nonce],
        ).fetchone()
        if earlier is not None:
            return _answer(
                db, ScanResult(earlier[0]), earlier[1], earlier[2], earlier[3], earlier[4]
            )
        happened = _happened(request, received)
        unit = unit_by_code(db, request.code)
        previous: str | None = None
        if unit is None:
            result = ScanResult.UNKNOWN_CODE
        elif unit.holder_person_id == person.id:
            result = ScanResult.RETURNED
            return_unit(
                db, unit.id, accepted_by=person.name, nonce=request.nonce, actor=actor, now=happened
            )
        else:
            result, previous = _take_unit(db, unit, person, request.nonce, actor, happened)
        insert(
            db,
            "equipment_scans",
            {
                "person_id": person.id,
                "unit_id": unit.id if unit else None,
                "code": request.code[:32],
                "nonce": request.nonce,
                "result": str(result),
                "received_at": iso(received),
                "happened_at": iso(happened),
                "replayed": request.queued,
                "previous_holder": previous,
            },
        )
        events.record(
            db,
            actor=actor,
            kind=EventKind.EQUIPMENT_SCANNED,
            subject=f"unit:{unit.id if unit else 0}",
            now=received,
            data={"result": str(result), "replayed": request.queued, "code": request.code[:32]},
        )
        return _answer(
            db, result, unit.id if unit else None, iso(happened), request.queued, previous
        )


def _take_unit(
    db: sqlite_utils.Database,
    unit: Unit,
    person: Person,
    nonce: str,
    actor: str,
    happened: datetime,
) -> tuple[ScanResult, str | None]:
    previous = None
    if unit.holder_person_id is not None:
        row = db.execute("SELECT name FROM people WHERE id = ?", [unit.holder_person_id]).fetchone()
        previous = str(row[0]) if row else None
    hands = stock.person_place(db, person.id, actor=actor, now=happened)
    check_out(
        db,
        unit.id,
        to_place_id=hands.id,
        holder_person_id=person.id,
        due_back_at=_still_due(unit) or due_back_for(db, person.id, unit.id, happened),
        issued_day_id=unit.issued_day_id,
        issued_to=unit.issued_to,
        accepted_by=person.name,
        nonce=nonce,
        actor=actor,
        now=happened,
    )
    return (ScanResult.HANDED_OVER if previous else ScanResult.CHECKED_OUT), previous


def _still_due(unit: Unit) -> datetime | None:
    """A unit taken over while out keeps the time it was due (a walkie, the day's wrap)."""
    return unit.due_back_at if unit.place_id != unit.home_place_id else None


def _happened(request: ScanRequest, received: datetime) -> datetime:
    """The phone's time for a scan replayed from its outbox (if plausible), else now."""
    client = request.client_at
    if request.queued and client is not None and received - timedelta(days=2) <= client <= received:
        return client
    return received


def due_back_for(
    db: sqlite_utils.Database, person_id: int, unit_id: int, moment: datetime
) -> datetime:
    """When gear taken at `moment` is due back: the wrap of the day it is booked to or the
    taker is called on that date (the latest), else the end of that day."""
    local = wall_clock(moment, zone(get_production(db)))
    today = local.date().isoformat()
    row = db.execute(
        "SELECT max(w) FROM ("
        " SELECT d.wrap_at AS w FROM gear_bookings b JOIN days d ON d.id = b.day_id"
        "  WHERE b.unit_id = ? AND d.date = ?"
        " UNION ALL SELECT coalesce(c.wrap_at, d.wrap_at) FROM calls c"
        "  JOIN days d ON d.id = c.day_id WHERE c.person_id = ? AND d.date = ?)",
        [unit_id, today, person_id, today],
    ).fetchone()
    if row and row[0]:
        return datetime.fromisoformat(row[0])
    return datetime.combine(local.date(), time(23, 59))


def _answer(
    db: sqlite_utils.Database,
    result: ScanResult,
    unit_id: int | None,
    happened: str,
    replayed: object,
    previous: str | None,
) -> ScanAnswer:
    answer = ScanAnswer(
        result=result,
        at=datetime.fromisoformat(happened),
        replayed=bool(replayed),
        previous_holder=previous,
    )
    if unit_id is None:
        return answer
    unit = get_unit(db, unit_id)
    answer.label = unit.label
    answer.item_name = stock.get_item(db, unit.item_id).name
    if result == ScanResult.RETURNED:
        answer.returned_to = stock.get_place(db, unit.home_place_id).name
    else:
        answer.due_back_at = unit.due_back_at
    return answer


def public_unit(db: sqlite_utils.Database, code: str) -> UnitPublic | None:
    unit = unit_by_code(db, code)
    if unit is None:
        return None
    holder = None
    if unit.holder_person_id is not None:
        row = db.execute("SELECT name FROM people WHERE id = ?", [unit.holder_person_id]).fetchone()
        holder = str(row[0]) if row else None
    return UnitPublic(
        label=unit.label,
        item_name=stock.get_item(db, unit.item_id).name,
        holder_name=holder,
        due_back_at=unit.due_back_at,
    )


def label_url(base_url: str, unit: Unit) -> str:
    return f"{base_url.rstrip('/')}/e/{unit.code}"


# --- bookings -----------------------------------------------------------------------------------


def book(
    db: sqlite_utils.Database,
    unit_ids: list[int],
    day_id: int,
    *,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> list[Booking]:
    """Book units to a day (and so to its location). A unit already booked elsewhere at the
    same time is booked anyway and shows as a conflict, as a double-booked person does."""
    moment = now or utcnow()
    if not unit_ids:
        raise InvalidInput("nothing to book", field="unit_ids")
    with write(db):
        if not db.execute("SELECT 1 FROM days WHERE id = ?", [day_id]).fetchone():
            raise NotFound(f"no day with id {day_id}")
        for unit_id in unit_ids:
            get_unit(db, unit_id)
            db.execute(
                "INSERT OR IGNORE INTO gear_bookings (unit_id, day_id, created_at)"
                " VALUES (?, ?, ?)",
                [unit_id, day_id, iso(moment)],
            )
        events.record(
            db,
            actor=actor,
            kind=EventKind.EQUIPMENT_BOOKED,
            subject=f"day:{day_id}",
            now=moment,
            data={"unit_ids": unit_ids},
        )
    return bookings(db, day_id=day_id)


def kit_units(db: sqlite_utils.Database, kit: str) -> list[int]:
    ids = [
        int(r[0])
        for r in db.execute(
            "SELECT id FROM equipment_units WHERE kit = ? COLLATE NOCASE ORDER BY id", [kit.strip()]
        )
    ]
    if not ids:
        raise NotFound(f"no units in a kit called {kit!r}")
    return ids


def unbook(
    db: sqlite_utils.Database,
    unit_id: int,
    day_id: int,
    *,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> None:
    with write(db):
        cursor = db.execute(
            "DELETE FROM gear_bookings WHERE unit_id = ? AND day_id = ?", [unit_id, day_id]
        )
        if cursor.rowcount != 1:
            raise NotFound("that unit is not booked on that day")
        events.record(
            db,
            actor=actor,
            kind=EventKind.EQUIPMENT_UNBOOKED,
            subject=f"day:{day_id}",
            now=now or utcnow(),
            data={"unit_id": unit_id},
        )


def bookings(
    db: sqlite_utils.Database, *, day_id: int | None = None, unit_id: int | None = None
) -> list[Booking]:
    """Bookings with the day's date and location as they are now (they follow the day)."""
    sql = (
        "SELECT b.unit_id, u.label, u.kit, b.day_id, d.date, d.unit AS unit_name,"
        " l.name AS location_name, d.call_at, d.wrap_at FROM gear_bookings b"
        " JOIN equipment_units u ON u.id = b.unit_id JOIN days d ON d.id = b.day_id"
        " LEFT JOIN locations l ON l.id = d.location_id WHERE 1 = 1"
    )
    params: list[int] = []
    if day_id is not None:
        sql += " AND b.day_id = ?"
        params.append(day_id)
    if unit_id is not None:
        sql += " AND b.unit_id = ?"
        params.append(unit_id)
    return fetch_all(db, Booking, sql + " ORDER BY d.date, d.call_at, u.label", params)


def double_bookings(db: sqlite_utils.Database) -> list[Conflict]:
    """Units booked on two days whose call-to-wrap spans overlap (two units, one camera)."""
    rows = db.execute(
        "SELECT a.unit_id, u.label, d2.date, a.day_id, b.day_id FROM gear_bookings a"
        " JOIN gear_bookings b ON b.unit_id = a.unit_id AND b.day_id > a.day_id"
        " JOIN days d1 ON d1.id = a.day_id JOIN days d2 ON d2.id = b.day_id"
        " JOIN equipment_units u ON u.id = a.unit_id"
        " WHERE d1.call_at < d2.wrap_at AND d2.call_at < d1.wrap_at"
        " ORDER BY d2.date, u.label"
    ).fetchall()
    return [
        Conflict(
            unit_id=int(r[0]),
            label=str(r[1]),
            date=date.fromisoformat(r[2]),
            day_ids=(int(r[3]), int(r[4])),
        )
        for r in rows
    ]


# --- rentals ------------------------------------------------------------------------------------


def rent(
    db: sqlite_utils.Database,
    unit_id: int,
    vendor_id: int,
    *,
    first_date: date,
    last_day_id: int,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> Rental:
    """A hire window for a unit from a vendor: from a date to the wrap of a day."""
    moment = now or utcnow()
    with write(db):
        get_unit(db, unit_id)
        row = db.execute("SELECT date FROM days WHERE id = ?", [last_day_id]).fetchone()
        if row is None:
            raise NotFound(f"no day with id {last_day_id}")
        if date.fromisoformat(row[0]) < first_date:
            raise InvalidInput("the last day is before the first date", field="last_day_id")
        if not db.execute("SELECT 1 FROM vendors WHERE id = ?", [vendor_id]).fetchone():
            raise NotFound(f"no vendor with id {vendor_id}")
        rental_id = insert(
            db,
            "gear_rentals",
            {
                "unit_id": unit_id,
                "vendor_id": vendor_id,
                "first_date": first_date.isoformat(),
                "last_day_id": last_day_id,
                "created_at": iso(moment),
            },
        )
        events.record(
            db,
            actor=actor,
            kind=EventKind.EQUIPMENT_RENTED,
            subject=f"unit:{unit_id}",
            now=moment,
            data={"rental_id": rental_id, "vendor_id": vendor_id, "last_day_id": last_day_id},
        )
    found = fetch_one(db, Rental, "SELECT * FROM gear_rentals WHERE id = ?", [rental_id])
    assert found is not None
    return found


def return_rental(
    db: sqlite_utils.Database,
    rental_id: int,
    *,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> Rental:
    """Give a hired unit back to its vendor: it moves to the vendor's place in the ledger."""
    moment = now or utcnow()
    with write(db):
        rental = fetch_one(db, Rental, "SELECT * FROM gear_rentals WHERE id = ?", [rental_id])
        if rental is None:
            raise NotFound(f"no rental with id {rental_id}")
        if rental.returned_at is not None:
            raise RuleViolation("this rental was already returned", code="already_back")
        name = db.execute("SELECT name FROM vendors WHERE id = ?", [rental.vendor_id]).fetchone()
        vendor = stock.place(
            db, PlaceKind.VENDOR, str(name[0]), vendor_id=rental.vendor_id, actor=actor, now=moment
        )
        return_unit(db, rental.unit_id, to_place_id=vendor.id, actor=actor, now=moment)
        db.execute(
            "UPDATE gear_rentals SET returned_at = ? WHERE id = ? AND returned_at IS NULL",
            [iso(moment), rental_id],
        )
    found = fetch_one(db, Rental, "SELECT * FROM gear_rentals WHERE id = ?", [rental_id])
    assert found is not None
    return found


def rentals(db: sqlite_utils.Database, *, now: datetime | None = None) -> list[RentalLine]:
    local = wall_clock(now or utcnow(), zone(get_production(db)))
    cursor = db.execute(
        "SELECT r.*, u.label, v.name AS vendor_name, d.wrap_at AS due FROM gear_rentals r"
        " JOIN equipment_units u ON u.id = r.unit_id JOIN vendors v ON v.id = r.vendor_id"
        " LEFT JOIN days d ON d.id = r.last_day_id ORDER BY r.id"
    )
    columns = [c[0] for c in cursor.description]
    lines = []
    for row in cursor.fetchall():
        data = dict(zip(columns, row, strict=True))
        label, vendor_name, due = data.pop("label"), data.pop("vendor_name"), data.pop("due")
        rental = msgspec.convert(data, Rental, strict=False)
        due_at = datetime.fromisoformat(due) if due else None
        lines.append(
            RentalLine(
                rental=rental,
                label=label,
                vendor_name=vendor_name,
                due_back_at=due_at,
                overdue=rental.returned_at is None and due_at is not None and due_at < local,
            )
        )
    return lines


# --- walkie-talkies -----------------------------------------------------------------------------


def issue_to_department(
    db: sqlite_utils.Database,
    unit_ids: list[int],
    department: str,
    day_id: int,
    *,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> list[Unit]:
    """Hand units (walkies) to a department for a day, due back at that day's wrap."""
    moment = now or utcnow()
    with write(db):
        row = db.execute("SELECT wrap_at FROM days WHERE id = ?", [day_id]).fetchone()
        if row is None:
            raise NotFound(f"no day with id {day_id}")
        dept = stock.place(db, PlaceKind.DEPARTMENT, department, actor=actor, now=moment)
        for unit_id in unit_ids:
            check_out(
                db,
                unit_id,
                to_place_id=dept.id,
                due_back_at=datetime.fromisoformat(row[0]),
                issued_day_id=day_id,
                issued_to=dept.name,
                accepted_by=department,
                actor=actor,
                now=moment,
            )
    return [get_unit(db, u) for u in unit_ids]


def issue_walkies(
    db: sqlite_utils.Database,
    department: str,
    count: int,
    day_id: int,
    *,
    item_name: str = WALKIE,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> list[Unit]:
    """Hand `count` walkies that are in store (first by label) to a department for a day.
    Walkies are the everyday pool: a walkie booked to another day is not held back for it."""
    if count < 1:
        raise InvalidInput("issue at least one", field="count")
    with write(db):
        free = [
            int(r[0])
            for r in db.execute(
                "SELECT u.id FROM equipment_units u JOIN stock_items i ON i.id = u.item_id"
                " WHERE i.name = ? AND u.place_id = u.home_place_id"
                " ORDER BY u.label LIMIT ?",
                [item_name, count],
            )
        ]
        if len(free) < count:
            raise InvalidInput(
                f"only {len(free)} {item_name.lower()}{'s' if len(free) != 1 else ''} in store",
                field="count",
            )
        return issue_to_department(db, free, department, day_id, actor=actor, now=now)


def walkie_report(
    db: sqlite_utils.Database, day_id: int, *, item_name: str = WALKIE, now: datetime | None = None
) -> list[WalkieLine]:
    """Per department: walkies issued for the day, how many are back, and (after wrap) which
    are missing. A unit still out before wrap is not missing yet."""
    with read(db):
        local = wall_clock(now or utcnow(), zone(get_production(db)))
        rows = db.execute(
            "SELECT u.label, u.place_id = u.home_place_id, u.due_back_at, u.issued_to"
            " FROM equipment_units u JOIN stock_items i ON i.id = u.item_id"
            " WHERE u.issued_day_id = ? AND i.name = ? ORDER BY u.issued_to, u.label",
            [day_id, item_name],
        ).fetchall()
    by_department: dict[str, WalkieLine] = {}
    for label, back, due, department in rows:
        line = by_department.setdefault(
            department or "",
            WalkieLine(department=department or "", issued=0, returned=0, missing=[]),
        )
        line.issued += 1
        if back:
            line.returned += 1
        elif due and datetime.fromisoformat(due) < local:
            line.missing.append(label)
    return list(by_department.values())
