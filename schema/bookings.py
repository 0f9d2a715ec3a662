"""Vendor bookings: a delivery, pick-up or service by a vendor at a location on a shoot day.

A booking belongs to a day: when the day moves, the booking moves with it (by the same shift
as the day's call, and to the day's new location if it was at the old one), its confirmation
is cleared and the vendor's contacts get a notice. A vendor contact confirms from the phone;
the confirmation is one conditional update, so two taps confirm once.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import msgspec
import sqlite_utils

from schema import notices, validate
from schema.clock import iso, local_iso, utcnow
from schema.errors import InvalidInput, NotFound, RuleViolation
from schema.event_kinds import EventKind
from schema.production import COORDINATOR
from schema.store import events
from schema.store.connection import read, write
from schema.store.rows import fetch_all, fetch_one, insert, unchanged, update_versioned
from schema.types import BookingKind, Day, NoticeKind, Person, PersonKind

KIND_WORDS = {
    BookingKind.DELIVERY: "delivery",
    BookingKind.PICKUP: "pick-up",
    BookingKind.SERVICE: "service",
}
SOON = timedelta(hours=24)


class BookingIn(msgspec.Struct, kw_only=True):
    """What the coordinator types: who, which day, what kind, what time, where (blank: the
    day's own location)."""

    vendor_id: int
    day_id: int
    kind: BookingKind = BookingKind.DELIVERY
    at: time
    location_id: int | None = None
    what: str = ""
    notes: str = ""


class Booking(msgspec.Struct, kw_only=True):
    id: int
    vendor_id: int
    day_id: int
    location_id: int | None
    kind: BookingKind
    at: datetime  # local wall-clock time, like calls
    what: str = ""
    notes: str = ""
    confirmed_at: datetime | None = None
    confirmed_by: int | None = None
    cancelled_at: datetime | None = None
    version: int = 1


class BookingLine(msgspec.Struct, kw_only=True):
    """A booking as lists show it: with its vendor, place and day named."""

    id: int
    vendor_id: int
    vendor_name: str
    day_id: int
    unit: str
    kind: BookingKind
    at: datetime
    location_id: int | None
    location_name: str | None
    location_address: str | None
    what: str
    notes: str
    confirmed_at: datetime | None
    confirmed_by_name: str | None
    cancelled_at: datetime | None
    version: int

    @property
    def summary(self) -> str:
        what = f"{self.what} " if self.what else ""
        place = self.location_name or "location to be confirmed"
        return f"{what}{KIND_WORDS[self.kind]} at {place}, {self.at:%a %d %b %H:%M}"


LINES_SQL = (
    "SELECT b.id, b.vendor_id, v.name AS vendor_name, b.day_id, d.unit, b.kind, b.at,"
    " b.location_id, l.name AS location_name, l.address AS location_address, b.what, b.notes,"
    " b.confirmed_at, p.name AS confirmed_by_name, b.cancelled_at, b.version"
    " FROM bookings b JOIN vendors v ON v.id = b.vendor_id JOIN days d ON d.id = b.day_id"
    " LEFT JOIN locations l ON l.id = b.location_id LEFT JOIN people p ON p.id = b.confirmed_by"
)


# --- the coordinator's side ---------------------------------------------------------------------


def clean_booking(db: sqlite_utils.Database, new: BookingIn) -> dict[str, Any]:
    with validate.checks() as check:
        what = check(validate.text, new.what, "what", limit=120)
        notes = check(validate.text, new.notes, "notes", limit=validate.MAX_TEXT)
        try:
            kind = BookingKind(str(new.kind))
        except ValueError:
            check(validate.fail, "kind must be delivery, pickup or service", "kind")
            kind = BookingKind.DELIVERY
    vendor = db.execute(
        "SELECT name, archived_at FROM vendors WHERE id = ?", [new.vendor_id]
    ).fetchone()
    if vendor is None:
        raise InvalidInput(f"no vendor with id {new.vendor_id}", field="vendor_id")
    if vendor[1] is not None:
        raise InvalidInput(f"{vendor[0]} is archived; restore it first", field="vendor_id")
    day = _day(db, new.day_id)
    location_id = new.location_id if new.location_id is not None else day.location_id
    if (
        location_id is not None
        and not db.execute("SELECT 1 FROM locations WHERE id = ?", [location_id]).fetchone()
    ):
        raise InvalidInput(f"no location with id {location_id}", field="location_id")
    return {
        "vendor_id": new.vendor_id,
        "day_id": day.id,
        "location_id": location_id,
        "kind": str(kind),
        "at": local_iso(datetime.combine(day.date, new.at)),
        "what": what,
        "notes": notes,
    }


def add_booking(
    db: sqlite_utils.Database,
    new: BookingIn,
    *,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> Booking:
    with write(db):
        values = clean_booking(db, new)
        booking_id = insert(db, "bookings", values)
        events.record(
            db,
            actor=actor,
            kind=EventKind.BOOKING_ADDED,
            subject=f"booking:{booking_id}",
            now=now or utcnow(),
            data=values,
        )
    return get_booking(db, booking_id)


def update_booking(
    db: sqlite_utils.Database,
    booking_id: int,
    version: int,
    new: BookingIn,
    *,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> Booking:
    """Edit a booking; a new time, place, day or kind needs the vendor to confirm again."""
    moment = now or utcnow()
    with write(db):
        old = get_booking(db, booking_id)
        if old.cancelled_at is not None:
            raise RuleViolation("this booking was cancelled; book the vendor again instead")
        if new.vendor_id != old.vendor_id:
            raise InvalidInput(
                "a booking stays with its vendor: cancel it and book the other vendor",
                field="vendor_id",
            )
        values = clean_booking(db, new)
        if new.day_id == old.day_id and old.at.date() != _day(db, old.day_id).date:
            # A booking its day's moved call shifted past midnight keeps that side of midnight:
            # a time typed for it, or none changed, means the same date as before.
            values["at"] = local_iso(datetime.combine(old.at.date(), new.at))
        if unchanged(db, "bookings", booking_id, version, values):
            return old
        material = ("day_id", "location_id", "kind", "at")
        moved = any(str(values[k]) != str(_raw(db, booking_id)[k]) for k in material)
        if moved:
            values.update(confirmed_at=None, confirmed_by=None)
        update_versioned(db, "bookings", booking_id, version, values)
        events.record(
            db,
            actor=actor,
            kind=EventKind.BOOKING_UPDATED,
            subject=f"booking:{booking_id}",
            now=moment,
            data=values,
        )
        if moved:
            _tell_vendor(db, booking_id, old, actor=actor, now=moment)
    return get_booking(db, booking_id)


def as_input(booking: Booking | BookingLine) -> BookingIn:
    """A booking as the form that made it: the start of an edit that changes a field or two."""
    return BookingIn(
        vendor_id=booking.vendor_id,
        day_id=booking.day_id,
        kind=booking.kind,
        at=booking.at.time(),
        location_id=booking.location_id,
        what=booking.what,
        notes=booking.notes,
    )


def cancel_booking(
    db: sqlite_utils.Database,
    booking_id: int,
    version: int,
    *,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> Booking:
    moment = now or utcnow()
    with write(db):
        booking = get_booking(db, booking_id)
        if booking.cancelled_at is not None:
            raise RuleViolation("this booking is already cancelled", code="booking_cancelled")
        update_versioned(db, "bookings", booking_id, version, {"cancelled_at": iso(moment)})
        events.record(
            db,
            actor=actor,
            kind=EventKind.BOOKING_CANCELLED,
            subject=f"booking:{booking_id}",
            now=moment,
        )
        line = get_line(db, booking_id)
        _notify(
            db,
            line,
            f"Cancelled: {line.summary}",
            actor=actor,
            now=moment,
            kind=NoticeKind.BOOKING_CANCELLED,
        )
    return get_booking(db, booking_id)


def get_booking(db: sqlite_utils.Database, booking_id: int) -> Booking:
    found = fetch_one(db, Booking, "SELECT * FROM bookings WHERE id = ?", [booking_id])
    if found is None:
        raise NotFound(f"no booking with id {booking_id}", code="booking_not_found")
    return found


def get_line(db: sqlite_utils.Database, booking_id: int) -> BookingLine:
    found = fetch_one(db, BookingLine, LINES_SQL + " WHERE b.id = ?", [booking_id])
    if found is None:
        raise NotFound(f"no booking with id {booking_id}", code="booking_not_found")
    return found


def list_bookings(
    db: sqlite_utils.Database,
    *,
    vendor_id: int | None = None,
    day_id: int | None = None,
    start: date | None = None,
    cancelled: bool = False,
) -> list[BookingLine]:
    """Bookings by time; from `start` on, for one vendor or day, without cancelled ones by
    default."""
    where, params = ["1 = 1"], []
    if day_id is not None:
        where.append("b.day_id = ?")
        params.append(day_id)
    if vendor_id is not None:
        where.append("b.vendor_id = ?")
        params.append(vendor_id)
    if start is not None:
        where.append("b.at >= ?")
        params.append(start.isoformat())
    if not cancelled:
        where.append("b.cancelled_at IS NULL")
    sql = LINES_SQL + " WHERE " + " AND ".join(where) + " ORDER BY b.at, b.id"
    with read(db):
        return fetch_all(db, BookingLine, sql, params)


def unconfirmed_soon(db: sqlite_utils.Database, local_now: datetime) -> list[BookingLine]:
    """Bookings nobody has confirmed that happen within the next 24 hours (wall clock)."""
    sql = (
        LINES_SQL + " WHERE b.cancelled_at IS NULL AND b.confirmed_at IS NULL"
        " AND b.at >= ? AND b.at <= ? ORDER BY b.at"
    )
    return fetch_all(db, BookingLine, sql, [local_iso(local_now), local_iso(local_now + SOON)])


# --- the vendor's side --------------------------------------------------------------------------


def for_contact(db: sqlite_utils.Database, person: Person, *, start: date) -> list[BookingLine]:
    """A vendor contact's company's bookings from `start` on; nobody else's."""
    if person.kind != PersonKind.VENDOR_CONTACT or person.vendor_id is None:
        return []
    return list_bookings(db, vendor_id=person.vendor_id, start=start)


def shown_as(booking: Booking | BookingLine) -> str:
    """What a vendor is shown of a booking, as one opaque tag: when, where and what happens.
    A confirmation echoes it, so one sent late (queued offline) holds only for that booking."""
    return f"{booking.day_id}:{local_iso(booking.at)}@{booking.location_id or ''}/{booking.kind}"


def confirm(
    db: sqlite_utils.Database,
    booking_id: int,
    person: Person,
    *,
    shown: str | None = None,
    now: datetime | None = None,
) -> BookingLine:
    """A vendor contact confirms one of their company's bookings; again changes nothing. With
    `shown` (see shown_as), a booking changed since then is refused: the vendor looks again."""
    moment = now or utcnow()
    with write(db):
        booking = _contact_booking(db, booking_id, person)
        if booking.cancelled_at is not None:
            raise RuleViolation("this booking was cancelled", code="booking_cancelled")
        if shown is not None and shown != shown_as(booking):
            raise RuleViolation(
                "this booking changed after you saw it: look at it again, then confirm",
                code="booking_changed",
            )
        cursor = db.execute(
            "UPDATE bookings SET confirmed_at = ?, confirmed_by = ?, version = version + 1"
            " WHERE id = ? AND confirmed_at IS NULL AND cancelled_at IS NULL",
            [iso(moment), person.id, booking_id],
        )
        if cursor.rowcount == 1:
            events.record(
                db,
                actor=f"person:{person.id}",
                kind=EventKind.BOOKING_CONFIRMED,
                subject=f"booking:{booking_id}",
                now=moment,
                data={"person_id": person.id, "at": local_iso(booking.at)},
            )
    return get_line(db, booking_id)


def _contact_booking(db: sqlite_utils.Database, booking_id: int, person: Person) -> Booking:
    """The booking if it is this contact's company's; anyone else's is simply not found."""
    found = fetch_one(
        db,
        Booking,
        "SELECT b.* FROM bookings b JOIN people p ON p.vendor_id = b.vendor_id"
        " WHERE b.id = ? AND p.id = ? AND p.kind = ?",
        [booking_id, person.id, str(PersonKind.VENDOR_CONTACT)],
    )
    if found is None:
        raise NotFound(f"no booking {booking_id} for you", code="booking_not_found")
    return found


# --- following the schedule ---------------------------------------------------------------------


def follow_day(db: sqlite_utils.Database, old: Day, new: Day, *, actor: str, now: datetime) -> int:
    """A day moved: its bookings move by the same shift (and to its new location if they were
    at the old one), need confirming again, and their vendors are told. Call inside the
    transaction that moved the day. Returns how many bookings moved."""
    shift = new.call_at - old.call_at
    relocated = old.location_id != new.location_id
    if not shift and not relocated:
        return 0
    moved = 0
    for booking in fetch_all(
        db,
        Booking,
        "SELECT * FROM bookings WHERE day_id = ? AND cancelled_at IS NULL",
        [new.id],
    ):
        values: dict[str, Any] = {"at": local_iso(booking.at + shift)}
        if relocated and booking.location_id == old.location_id:
            values["location_id"] = new.location_id
        db.execute(
            "UPDATE bookings SET at = ?, location_id = ?, confirmed_at = NULL,"
            " confirmed_by = NULL, version = version + 1 WHERE id = ?",
            [values["at"], values.get("location_id", booking.location_id), booking.id],
        )
        events.record(
            db,
            actor=actor,
            kind=EventKind.BOOKING_MOVED,
            subject=f"booking:{booking.id}",
            now=now,
            data={"day_id": new.id, **values},
        )
        _tell_vendor(db, booking.id, booking, actor=actor, now=now)
        moved += 1
    return moved


def day_cancelled(db: sqlite_utils.Database, day: Day, *, actor: str, now: datetime) -> None:
    """Before a day is deleted (its bookings go with it), tell each vendor what is off."""
    for line in fetch_all(
        db, BookingLine, LINES_SQL + " WHERE b.day_id = ? AND b.cancelled_at IS NULL", [day.id]
    ):
        _notify(
            db,
            line,
            f"Cancelled with its day: {line.summary}",
            actor=actor,
            now=now,
            kind=NoticeKind.BOOKING_CANCELLED,
        )


def _tell_vendor(
    db: sqlite_utils.Database, booking_id: int, before: Booking, *, actor: str, now: datetime
) -> None:
    line = get_line(db, booking_id)
    what = f"{line.what} " if line.what else ""
    was = f"{before.at:%a %d %b %H:%M}"
    if before.location_id != line.location_id:
        was += f" at {_place(db, before.location_id)}"
    place = line.location_name or "a location to be confirmed"
    summary = (
        f"Your {what}{KIND_WORDS[line.kind]} moved to {line.at:%a %d %b %H:%M} at {place}"
        f" (was {was}); please confirm it again"
    )
    _notify(db, line, summary, actor=actor, now=now)


def _notify(
    db: sqlite_utils.Database,
    line: BookingLine,
    summary: str,
    *,
    actor: str,
    now: datetime,
    kind: NoticeKind = NoticeKind.BOOKING_MOVED,
) -> None:
    contacts = [
        r[0]
        for r in db.execute(
            "SELECT id FROM people WHERE vendor_id = ? AND kind = ?",
            [line.vendor_id, str(PersonKind.VENDOR_CONTACT)],
        )
    ]
    if contacts:
        notices.create(
            db,
            day_id=line.day_id,
            kind=kind,
            summary=summary,
            person_ids=contacts,
            actor=actor,
            now=now,
        )


def _place(db: sqlite_utils.Database, location_id: int | None) -> str:
    if location_id is None:
        return "a location to be confirmed"
    row = db.execute("SELECT name FROM locations WHERE id = ?", [location_id]).fetchone()
    return str(row[0]) if row else f"location {location_id}"


def _day(db: sqlite_utils.Database, day_id: int) -> Day:
    found = fetch_one(db, Day, "SELECT * FROM days WHERE id = ?", [day_id])
    if found is None:
        raise InvalidInput(f"no day with id {day_id}", field="day_id")
    return found


def _raw(db: sqlite_utils.Database, booking_id: int) -> dict[str, Any]:
    cursor = db.execute("SELECT * FROM bookings WHERE id = ?", [booking_id])
    row = cursor.fetchone()
    return dict(zip([c[0] for c in cursor.description], row, strict=True))
