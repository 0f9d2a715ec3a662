"""Vendor bookings: confirmed once by the vendor's own contact, moved with their day."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import msgspec
import pytest
import sqlite_utils

from schema import bookings, directory, notices, problems, schedule
from schema.bookings import BookingIn
from schema.directory import PersonIn, VendorIn
from schema.errors import InvalidInput, NotFound, RuleViolation, StaleEdit
from schema.types import BookingKind, NoticeKind, Person, PersonKind, ProblemKind
from tests.conftest import NOW
from tests.schema import factories

THURSDAY = date(2026, 12, 3)


def contact(db: sqlite_utils.Database, vendor_name: str, name: str) -> Person:
    vendor = directory.vendor_named(db, vendor_name) or directory.add_vendor(
        db, VendorIn(name=vendor_name, service="generators"), now=NOW
    )
    return directory.add_person(
        db, PersonIn(name=name, kind=PersonKind.VENDOR_CONTACT, vendor_id=vendor.id), now=NOW
    )


def generator(db: sqlite_utils.Database, on: date = THURSDAY) -> tuple[bookings.Booking, Person]:
    mill = db.execute("SELECT id FROM locations WHERE name = 'Harbour Mill'").fetchone()
    mill_id = mill[0] if mill else factories.location(db, "Harbour Mill").id
    day = factories.day(db, on, location_id=mill_id)
    known = directory.list_people(db, search="Pat Power")
    pat = known[0] if known else contact(db, "Power Up", "Pat Power")
    assert pat.vendor_id is not None
    booking = bookings.add_booking(
        db,
        BookingIn(vendor_id=pat.vendor_id, day_id=day.id, at=time(6), what="Generator"),
        now=NOW,
    )
    return booking, pat


def test_a_booking_is_at_the_days_location_unless_told(fresh_db: sqlite_utils.Database) -> None:
    booking, _ = generator(fresh_db)
    line = bookings.get_line(fresh_db, booking.id)
    assert line.at == datetime(2026, 12, 3, 6, 0)
    assert line.location_name == "Harbour Mill"
    assert line.summary == "Generator delivery at Harbour Mill, Thu 03 Dec 06:00"
    with pytest.raises(InvalidInput, match="no day with id 99"):
        bookings.add_booking(
            fresh_db, BookingIn(vendor_id=booking.vendor_id, day_id=99, at=time(6)), now=NOW
        )


def test_the_vendors_contact_confirms_once_and_strangers_cannot(
    fresh_db: sqlite_utils.Database,
) -> None:
    booking, pat = generator(fresh_db)
    stranger = contact(fresh_db, "Other Co", "Olly Other")
    crew = factories.person(fresh_db, "Cam Crew")
    for outsider in (stranger, crew):
        with pytest.raises(NotFound):
            bookings.confirm(fresh_db, booking.id, outsider, now=NOW)
    assert bookings.for_contact(fresh_db, stranger, start=NOW.date()) == []

    first = bookings.confirm(fresh_db, booking.id, pat, now=NOW)
    again = bookings.confirm(fresh_db, booking.id, pat, now=NOW + timedelta(hours=1))
    assert first.confirmed_at == again.confirmed_at == NOW
    assert again.confirmed_by_name == "Pat Power"
    confirmed = fresh_db.execute(
        "SELECT count(*) FROM events WHERE kind = 'booking.confirmed'"
    ).fetchone()[0]
    assert confirmed == 1


def test_a_booking_follows_its_moved_day_and_the_vendor_is_told(
    fresh_db: sqlite_utils.Database,
) -> None:
    booking, pat = generator(fresh_db)
    bookings.confirm(fresh_db, booking.id, pat, now=NOW)
    day = schedule.get_day(fresh_db, booking.day_id)
    yard = factories.location(fresh_db, "Back Yard")
    schedule.move_day(
        fresh_db, day.id, day.version, to_date=date(2026, 12, 4), location_id=yard.id, now=NOW
    )
    moved = bookings.get_line(fresh_db, booking.id)
    assert moved.at == datetime(2026, 12, 4, 6, 0)
    assert moved.location_name == "Back Yard"
    assert moved.confirmed_at is None  # to confirm again
    [(notice, _)] = notices.for_person(fresh_db, pat.id)
    assert notice.kind == NoticeKind.BOOKING_MOVED
    assert notice.summary == (
        "Your Generator delivery moved to Fri 04 Dec 06:00 at Back Yard "
        "(was Thu 03 Dec 06:00 at Harbour Mill); please confirm it again"
    )


def test_an_edit_of_time_or_place_needs_the_vendor_again_and_tells_them(
    fresh_db: sqlite_utils.Database,
) -> None:
    booking, pat = generator(fresh_db)
    bookings.confirm(fresh_db, booking.id, pat, now=NOW)
    booking = bookings.get_booking(fresh_db, booking.id)
    # Words only: still confirmed, nobody is told.
    worded = msgspec.structs.replace(bookings.as_input(booking), what="Big generator")
    booking = bookings.update_booking(fresh_db, booking.id, booking.version, worded, now=NOW)
    assert (booking.what, booking.confirmed_at) == ("Big generator", NOW)
    assert notices.for_person(fresh_db, pat.id) == []
    # A new time: to confirm again, and the vendor's contact has a notice in their terms.
    earlier = msgspec.structs.replace(bookings.as_input(booking), at=time(5, 30))
    booking = bookings.update_booking(fresh_db, booking.id, booking.version, earlier, now=NOW)
    assert (booking.at, booking.confirmed_at) == (datetime(2026, 12, 3, 5, 30), None)
    [(notice, _)] = notices.for_person(fresh_db, pat.id)
    assert notice.summary == (
        "Your Big generator delivery moved to Thu 03 Dec 05:30 at Harbour Mill "
        "(was Thu 03 Dec 06:00); please confirm it again"
    )
    # A stale version, another vendor and a cancelled booking are refused, nothing written.
    with pytest.raises(StaleEdit):
        bookings.update_booking(fresh_db, booking.id, booking.version - 1, worded, now=NOW)
    other = contact(fresh_db, "Other Co", "Olly Other")
    assert other.vendor_id is not None
    elsewhere = msgspec.structs.replace(earlier, vendor_id=other.vendor_id)
    with pytest.raises(InvalidInput, match="stays with its vendor"):
        bookings.update_booking(fresh_db, booking.id, booking.version, elsewhere, now=NOW)
    bookings.cancel_booking(fresh_db, booking.id, booking.version, now=NOW)
    cancelled = bookings.get_booking(fresh_db, booking.id)
    with pytest.raises(RuleViolation, match="cancelled"):
        bookings.update_booking(fresh_db, booking.id, cancelled.version, worded, now=NOW)


def test_an_edit_keeps_a_booking_shifted_past_midnight_on_its_date(
    fresh_db: sqlite_utils.Database,
) -> None:
    booking, pat = generator(fresh_db)
    late = msgspec.structs.replace(bookings.as_input(booking), at=time(23, 30))
    booking = bookings.update_booking(fresh_db, booking.id, booking.version, late, now=NOW)
    day = schedule.get_day(fresh_db, booking.day_id)
    schedule.move_day(fresh_db, day.id, day.version, call=time(9), now=NOW)  # +2 h: 01:30 Fri
    moved = bookings.get_booking(fresh_db, booking.id)
    assert moved.at == datetime(2026, 12, 4, 1, 30)
    bookings.confirm(fresh_db, booking.id, pat, now=NOW)
    moved = bookings.get_booking(fresh_db, booking.id)
    worded = msgspec.structs.replace(bookings.as_input(moved), notes="ring the bell")
    kept = bookings.update_booking(fresh_db, booking.id, moved.version, worded, now=NOW)
    assert (kept.at, kept.confirmed_at, kept.notes) == (moved.at, NOW, "ring the bell")
    later = msgspec.structs.replace(bookings.as_input(kept), at=time(2, 0))
    retimed = bookings.update_booking(fresh_db, booking.id, kept.version, later, now=NOW)
    assert retimed.at == datetime(2026, 12, 4, 2, 0)


def test_a_late_confirmation_holds_only_for_the_booking_as_it_was_seen(
    fresh_db: sqlite_utils.Database,
) -> None:
    booking, pat = generator(fresh_db)
    seen = bookings.shown_as(booking)
    day = schedule.get_day(fresh_db, booking.day_id)
    schedule.move_day(fresh_db, day.id, day.version, call=time(9), now=NOW)  # 06:00 -> 08:00
    with pytest.raises(RuleViolation, match="changed after you saw it") as refused:
        bookings.confirm(fresh_db, booking.id, pat, shown=seen, now=NOW)
    assert refused.value.code == "booking_changed"
    assert bookings.get_booking(fresh_db, booking.id).confirmed_at is None
    moved = bookings.get_booking(fresh_db, booking.id)
    now_seen = bookings.shown_as(moved)
    assert now_seen != seen
    assert bookings.confirm(fresh_db, booking.id, pat, shown=now_seen, now=NOW).confirmed_at == NOW


def test_a_call_time_change_shifts_the_booking(fresh_db: sqlite_utils.Database) -> None:
    booking, _ = generator(fresh_db)
    day = schedule.get_day(fresh_db, booking.day_id)
    schedule.move_day(fresh_db, day.id, day.version, call=time(8), now=NOW)
    assert bookings.get_booking(fresh_db, booking.id).at == datetime(2026, 12, 3, 7, 0)


def test_a_deleted_day_cancels_its_bookings_with_a_notice(
    fresh_db: sqlite_utils.Database,
) -> None:
    booking, pat = generator(fresh_db)
    day = schedule.get_day(fresh_db, booking.day_id)
    schedule.delete_day(fresh_db, day.id, day.version, now=NOW)
    [(notice, _)] = notices.for_person(fresh_db, pat.id)
    assert notice.kind == NoticeKind.BOOKING_CANCELLED
    assert "Generator delivery" in notice.summary


def test_an_unconfirmed_booking_within_a_day_is_a_problem(
    fresh_db: sqlite_utils.Database,
) -> None:
    booking, pat = generator(fresh_db, on=date(2026, 12, 2))  # 06:00 tomorrow: 24h from NOW
    later, _ = generator(fresh_db, on=date(2026, 12, 5))
    found = [
        p for p in problems.find(fresh_db, now=NOW) if p.kind == ProblemKind.UNCONFIRMED_BOOKING
    ]
    assert [(p.date, p.message) for p in found] == [
        (
            date(2026, 12, 2),
            "Power Up has not confirmed Generator delivery at Harbour Mill, Wed 02 Dec 06:00",
        )
    ]
    assert later.id != booking.id
    bookings.confirm(fresh_db, booking.id, pat, now=NOW)
    assert not [
        p for p in problems.find(fresh_db, now=NOW) if p.kind == ProblemKind.UNCONFIRMED_BOOKING
    ]


def test_cancel_tells_the_vendor_and_refuses_a_confirm(fresh_db: sqlite_utils.Database) -> None:
    booking, pat = generator(fresh_db)
    bookings.cancel_booking(fresh_db, booking.id, booking.version, now=NOW)
    with pytest.raises(RuleViolation, match="cancelled"):
        bookings.confirm(fresh_db, booking.id, pat, now=NOW)
    assert bookings.list_bookings(fresh_db) == []
    [(notice, _)] = notices.for_person(fresh_db, pat.id)
    assert notice.summary.startswith("Cancelled: Generator delivery")


def test_an_archived_vendor_takes_no_booking(fresh_db: sqlite_utils.Database) -> None:
    booking, _ = generator(fresh_db)
    vendor = directory.get_vendor(fresh_db, booking.vendor_id)
    directory.archive_vendor(fresh_db, vendor.id, vendor.version, now=NOW)
    with pytest.raises(InvalidInput, match="archived"):
        bookings.add_booking(
            fresh_db,
            BookingIn(
                vendor_id=vendor.id, day_id=booking.day_id, at=time(7), kind=BookingKind.PICKUP
            ),
            now=NOW,
        )


def test_a_contact_of_an_archived_vendor_stays_editable(fresh_db: sqlite_utils.Database) -> None:
    pat = contact(fresh_db, "Power Up", "Pat Power")
    assert pat.vendor_id is not None
    vendor = directory.get_vendor(fresh_db, pat.vendor_id)
    directory.archive_vendor(fresh_db, vendor.id, vendor.version, now=NOW)
    edited = directory.update_person(
        fresh_db,
        pat.id,
        pat.version,
        PersonIn(
            name="Pat Power",
            kind=PersonKind.VENDOR_CONTACT,
            vendor_id=vendor.id,
            phone="+44 7700 900123",
        ),
        now=NOW,
    )
    assert edited.phone == "+44 7700 900123"
    with pytest.raises(InvalidInput, match="archived"):
        directory.add_person(
            fresh_db,
            PersonIn(name="New Contact", kind=PersonKind.VENDOR_CONTACT, vendor_id=vendor.id),
            now=NOW,
        )
