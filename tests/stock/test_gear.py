"""Equipment: labels scanned out and back, bookings that follow their day, conflicts, rentals,
walkies and purchase orders."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlite_utils

from schema import directory, gear, problems, purchasing, schedule, stock
from schema.directory import VendorIn
from schema.errors import InvalidInput, RuleViolation
from schema.gear import ScanRequest, ScanResult
from schema.problems import StockProblemKind
from schema.stock import ItemKind, PlaceKind
from tests.conftest import NOW
from tests.schema import factories


def _camera(db: sqlite_utils.Database) -> tuple[gear.Unit, gear.Unit]:
    body = stock.add_item(db, "ARRI Alexa Mini", ItemKind.EQUIPMENT, now=NOW)
    lens = stock.add_item(db, "Cooke S4 32mm", ItemKind.EQUIPMENT, now=NOW)
    truck = stock.place(db, PlaceKind.STORE, "Camera truck", now=NOW)
    return (
        gear.add_unit(db, body.id, "Alexa A", home_place_id=truck.id, kit="Camera A", now=NOW),
        gear.add_unit(db, lens.id, "32mm A", home_place_id=truck.id, kit="Camera A", now=NOW),
    )


def test_scan_checks_out_then_returns_and_is_idempotent(fresh_db: sqlite_utils.Database) -> None:
    alexa, _ = _camera(fresh_db)
    focus = factories.person(fresh_db, "Kemi Okafor", department="Camera")
    day = factories.day(fresh_db, date(2026, 12, 1), call=time(7), wrap=time(19))
    schedule.call_person(fresh_db, day.id, focus.id, now=NOW)
    request = ScanRequest(code=alexa.code.lower(), nonce="scan-00000001")
    answer = gear.scan(fresh_db, focus, request, now=NOW)
    assert answer.result == ScanResult.CHECKED_OUT
    assert answer.due_back_at == datetime(2026, 12, 1, 19, 0)  # the wrap of her call
    assert gear.scan(fresh_db, focus, request, now=NOW) == answer  # the same scan, once
    unit = gear.get_unit(fresh_db, alexa.id)
    hands = stock.person_place(fresh_db, focus.id)
    assert unit.place_id == hands.id and unit.accepted_by == "Kemi Okafor"
    assert stock.balance(fresh_db, alexa.item_id, hands.id) == 1
    back = gear.scan(fresh_db, focus, ScanRequest(code=alexa.code, nonce="scan-00000002"), now=NOW)
    assert back.result == ScanResult.RETURNED and back.returned_to == "Camera truck"
    assert stock.balance(fresh_db, alexa.item_id, unit.home_place_id) == 1
    assert stock.balance(fresh_db, alexa.item_id, hands.id) == 0


def test_a_scan_from_someone_else_hands_the_unit_over(fresh_db: sqlite_utils.Database) -> None:
    alexa, _ = _camera(fresh_db)
    first = factories.person(fresh_db, "Ana Silva")
    second = factories.person(fresh_db, "Ben Thorne")
    gear.scan(fresh_db, first, ScanRequest(code=alexa.code, nonce="first-000001"), now=NOW)
    answer = gear.scan(
        fresh_db, second, ScanRequest(code=alexa.code, nonce="second-00001"), now=NOW
    )
    assert answer.result == ScanResult.HANDED_OVER and answer.previous_holder == "Ana Silva"
    assert gear.get_unit(fresh_db, alexa.id).holder_person_id == second.id
    unknown = gear.scan(fresh_db, second, ScanRequest(code="ZZZZZZZZ", nonce="second-00002"))
    assert unknown.result == ScanResult.UNKNOWN_CODE


def test_an_offline_scan_keeps_its_time_and_overdue_is_a_problem(
    fresh_db: sqlite_utils.Database,
) -> None:
    alexa, _ = _camera(fresh_db)
    grip = factories.person(fresh_db, "Dara Eze")
    tapped = NOW - timedelta(minutes=20)
    request = ScanRequest(code=alexa.code, nonce="queued-00001", client_at=tapped, queued=True)
    answer = gear.scan(fresh_db, grip, request, now=NOW)
    assert answer.replayed and answer.at == tapped
    # Not called today: due back at the end of the day; the next morning it is overdue.
    assert answer.due_back_at == datetime(2026, 12, 1, 23, 59)
    later = NOW + timedelta(days=1)
    found = problems.find_stock(fresh_db, now=later)
    assert [p.kind for p in found] == [StockProblemKind.UNIT_OVERDUE]
    assert "Alexa A" in found[0].message and "Dara Eze" in found[0].message


def test_bookings_follow_a_moved_day_and_double_booking_is_a_conflict(
    fresh_db: sqlite_utils.Database,
) -> None:
    alexa, lens = _camera(fresh_db)
    mill = factories.location(fresh_db, "Harbour Mill")
    quay = factories.location(fresh_db, "Blackwall Quay")
    thursday = factories.day(fresh_db, date(2026, 12, 3), location_id=mill.id)
    gear.book(fresh_db, gear.kit_units(fresh_db, "camera a"), thursday.id, now=NOW)
    assert {b.location_name for b in gear.bookings(fresh_db, day_id=thursday.id)} == {
        "Harbour Mill"
    }
    schedule.move_day(
        fresh_db, thursday.id, thursday.version, to_date=date(2026, 12, 4), location_id=quay.id
    )
    moved = gear.bookings(fresh_db, unit_id=alexa.id)
    assert [(b.date, b.location_name) for b in moved] == [(date(2026, 12, 4), "Blackwall Quay")]
    assert gear.double_bookings(fresh_db) == []
    second = factories.day(fresh_db, date(2026, 12, 4), unit="Second", call=time(12))
    gear.book(fresh_db, [lens.id], second.id, now=NOW)
    [conflict] = gear.double_bookings(fresh_db)
    assert conflict.label == "32mm A" and set(conflict.day_ids) == {thursday.id, second.id}
    kinds = [p.kind for p in problems.find_stock(fresh_db, now=NOW)]
    assert kinds == [StockProblemKind.GEAR_DOUBLE_BOOKED]
    # Days that do not overlap (a morning unit and an evening unit) are no conflict.
    gear.unbook(fresh_db, lens.id, second.id)
    evening = factories.day(fresh_db, date(2026, 12, 4), unit="Night", call=time(20), wrap=time(4))
    gear.book(fresh_db, [alexa.id], evening.id, now=NOW)
    assert gear.double_bookings(fresh_db) == []


def test_a_rental_is_due_back_at_the_wrap_of_its_last_day(fresh_db: sqlite_utils.Database) -> None:
    vendor = directory.add_vendor(fresh_db, VendorIn(name="Thames Camera Rental"), now=NOW)
    alexa, _ = _camera(fresh_db)
    last = factories.day(fresh_db, date(2026, 12, 2), wrap=time(18))
    rental = gear.rent(
        fresh_db, alexa.id, vendor.id, first_date=date(2026, 12, 1), last_day_id=last.id
    )
    [line] = gear.rentals(fresh_db, now=NOW)
    assert line.due_back_at == datetime(2026, 12, 2, 18, 0) and not line.overdue
    after_wrap = datetime(2026, 12, 2, 18, 30, tzinfo=UTC)  # London is on UTC in December
    assert gear.rentals(fresh_db, now=after_wrap)[0].overdue
    schedule.move_day(fresh_db, last.id, last.version, to_date=date(2026, 12, 5))
    assert gear.rentals(fresh_db, now=NOW)[0].due_back_at == datetime(2026, 12, 5, 18, 0)
    gear.return_rental(fresh_db, rental.id)
    vendor_place = stock.find_place(fresh_db, "Thames Camera Rental")
    assert stock.balance(fresh_db, alexa.item_id, vendor_place.id) == 1
    with pytest.raises(RuleViolation):
        gear.return_rental(fresh_db, rental.id)


def test_walkies_issued_per_department_and_missing_after_wrap(
    fresh_db: sqlite_utils.Database,
) -> None:
    walkie = stock.add_item(fresh_db, gear.WALKIE, ItemKind.EQUIPMENT)
    office = stock.place(fresh_db, PlaceKind.STORE, "Production office")
    units = [
        gear.add_unit(fresh_db, walkie.id, f"Walkie {n:02d}", home_place_id=office.id).id
        for n in range(1, 6)
    ]
    day = factories.day(fresh_db, date(2026, 12, 1), wrap=time(19))
    gear.issue_to_department(fresh_db, units[:3], "Camera", day.id, now=NOW)
    gear.issue_to_department(fresh_db, units[3:], "Grip", day.id, now=NOW)
    gear.return_unit(fresh_db, units[0])
    gear.return_unit(fresh_db, units[3])
    # A walkie picked up by a scan stays counted for the department it was issued to.
    focus = factories.person(fresh_db, "Kemi Okafor")
    code = gear.get_unit(fresh_db, units[1]).code
    gear.scan(fresh_db, focus, ScanRequest(code=code, nonce="walkie-00001"), now=NOW)
    before_wrap = gear.walkie_report(fresh_db, day.id, now=NOW)
    assert [(w.department, w.issued, w.returned, w.missing) for w in before_wrap] == [
        ("Camera", 3, 1, []),
        ("Grip", 2, 1, []),
    ]
    after = gear.walkie_report(fresh_db, day.id, now=NOW + timedelta(hours=14))
    assert [(w.department, w.missing) for w in after] == [
        ("Camera", ["Walkie 02", "Walkie 03"]),
        ("Grip", ["Walkie 05"]),
    ]


def test_walkies_are_issued_by_count_from_what_is_in_store(
    fresh_db: sqlite_utils.Database,
) -> None:
    walkie = stock.add_item(fresh_db, gear.WALKIE, ItemKind.EQUIPMENT)
    office = stock.place(fresh_db, PlaceKind.STORE, "Production office")
    for n in (3, 1, 2):
        gear.add_unit(fresh_db, walkie.id, f"Walkie {n:02d}", home_place_id=office.id)
    day = factories.day(fresh_db, date(2026, 12, 1), wrap=time(19))
    issued = gear.issue_walkies(fresh_db, "Camera", 2, day.id, now=NOW)
    assert [u.label for u in issued] == ["Walkie 01", "Walkie 02"]
    with pytest.raises(InvalidInput, match="only 1 walkie-talkie in store"):
        gear.issue_walkies(fresh_db, "Grip", 2, day.id, now=NOW)
    with pytest.raises(InvalidInput, match="at least one"):
        gear.issue_walkies(fresh_db, "Grip", 0, day.id, now=NOW)
    [report] = gear.walkie_report(fresh_db, day.id, now=NOW)
    assert (report.department, report.issued) == ("Camera", 2)  # the refusals wrote nothing


def test_a_purchase_order_received_in_part_then_in_full(fresh_db: sqlite_utils.Database) -> None:
    vendor = directory.add_vendor(fresh_db, VendorIn(name="Timber Direct"), now=NOW)
    ply = stock.add_item(fresh_db, "Plywood sheet", ItemKind.RAW_MATERIAL, reorder_level=10)
    store = stock.place(fresh_db, PlaceKind.STORE, "Stores")
    order = purchasing.order(fresh_db, vendor.id, {ply.id: 30}, expected_on=date(2026, 12, 3))
    part = purchasing.receive(fresh_db, order.order.id, store.id, {ply.id: 12})
    assert part.order.status == purchasing.OrderStatus.PARTLY_RECEIVED
    with pytest.raises(RuleViolation, match="only 18 more"):
        purchasing.receive(fresh_db, order.order.id, store.id, {ply.id: 19})
    full = purchasing.receive(fresh_db, order.order.id, store.id)
    assert full.order.status == purchasing.OrderStatus.RECEIVED
    assert stock.balance(fresh_db, ply.id, store.id) == 30


def test_what_arrived_as_the_desk_types_it(fresh_db: sqlite_utils.Database) -> None:
    vendor = directory.add_vendor(fresh_db, VendorIn(name="Timber Direct"), now=NOW)
    ply = stock.add_item(fresh_db, "Plywood sheet", ItemKind.RAW_MATERIAL)
    screws = stock.add_item(fresh_db, "Screws", ItemKind.COMPONENT)
    glue = stock.add_item(fresh_db, "Glue", ItemKind.RAW_MATERIAL)
    view = purchasing.order(fresh_db, vendor.id, {ply.id: 30, screws.id: 500})
    arrived = purchasing.arrived_from_text(fresh_db, view, " plywood SHEET=10; Screws=200; ")
    assert arrived == {ply.id: 10, screws.id: 200}
    assert purchasing.arrived_from_text(fresh_db, view, "  ") == {}  # everything still due
    with pytest.raises(InvalidInput, match="'Glue' is not on this order"):
        purchasing.arrived_from_text(fresh_db, view, f"{glue.name}=3")
    for bad in ("Screws", "Screws=lots", "Screws=0", "Screws=²"):
        with pytest.raises(InvalidInput, match="write ITEM=QUANTITY"):
            purchasing.arrived_from_text(fresh_db, view, bad)
