"""From an empty production (`callboard init`, no demo): a vendor, its contact, a booking and
a generated deal memo, all by key presses in the TUI, checked in the database and on screen."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import sqlite_utils
from textual.widgets import DataTable, Static

from schema import bookings, contracts, directory, locations, paperwork, production, schedule
from schema.directory import PersonIn
from schema.locations import LocationIn
from schema.schedule import DayIn
from schema.store.connection import connect
from schema.types import ContractStatus
from tests.tui.conftest import fill, make_app, settle
from tui.dialogs.bookings import BookingsDialog
from tui.dialogs.paperwork import PaperworkDialog
from tui.dialogs.vendors import VendorsDialog

SHOOT = date(2026, 12, 3)


def empty_production(tmp_path: Path) -> tuple[str, sqlite_utils.Database]:
    path = tmp_path / "new.db"
    db = connect(path)
    production.create(db, "Harbour Lights", timezone="Europe/London")
    mill = locations.add_location(db, LocationIn(name="Harbour Mill"))
    schedule.add_day(db, DayIn(date=SHOOT, call=time(7), wrap=time(19), location_id=mill.id))
    return str(path), db


def text_of(app: object, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())  # type: ignore[attr-defined]


async def test_vendor_contact_and_booking_by_keys(tmp_path: Path) -> None:
    path, db = empty_production(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("3", "v")
        await settle(pilot)
        assert isinstance(app.screen, VendorsDialog)
        await pilot.press("a")
        await settle(pilot)
        await fill(pilot, "Power Up Ltd")
        await pilot.press("tab")
        await fill(pilot, "generators")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, VendorsDialog)
        vendors = app.screen.query_one("#vendors", DataTable)
        assert vendors.row_count == 1
        [vendor] = directory.list_vendors(db)
        assert (vendor.name, vendor.service) == ("Power Up Ltd", "generators")
        await pilot.press("x")
        await settle(pilot)
        assert directory.list_vendors(db) == []
        assert "archived" in str(vendors.get_row_at(0)[-1])
        await pilot.press("x")
        await settle(pilot)
        assert [v.name for v in directory.list_vendors(db)] == ["Power Up Ltd"]
        await pilot.press("escape")
        await settle(pilot)

        # The contact: a person of kind vendor contact, linked to the vendor.
        directory.add_person(
            db,
            PersonIn(name="Pat Power", kind="vendor_contact", vendor_id=vendor.id),  # type: ignore[arg-type]
        )
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("tab", "tab")
        await fill(pilot, "Generator")
        await pilot.press("tab")
        await fill(pilot, "06:00")
        await pilot.press("ctrl+s")
        await settle(pilot)
        [booked] = bookings.list_bookings(db)
        assert (booked.vendor_name, booked.what, f"{booked.at:%H:%M}") == (
            "Power Up Ltd",
            "Generator",
            "06:00",
        )
        side = text_of(app, "#day-problems")
        assert "06:00 Power Up Ltd: Generator delivery at Harbour Mill NOT CONFIRMED" in side

        await pilot.press("B")
        await settle(pilot)
        assert isinstance(app.screen, BookingsDialog)
        assert app.screen.query_one("#bookings", DataTable).row_count == 1
        await pilot.press("e")  # change the time: the form holds the booking as it is
        await settle(pilot)
        await pilot.press("tab", "tab")
        await fill(pilot, "05:30")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, BookingsDialog)
        moved = bookings.get_line(db, booked.id)
        assert (moved.what, f"{moved.at:%H:%M}", moved.location_name) == (
            "Generator",
            "05:30",
            "Harbour Mill",
        )
        shown = app.screen.query_one("#bookings", DataTable).get_row_at(0)
        assert str(shown[0]) == "05:30"
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert bookings.list_bookings(db) == []
        assert bookings.get_booking(db, booked.id).cancelled_at is not None
        assert app.screen.query_one("#bookings", DataTable).row_count == 0
        await pilot.press("escape")
        await settle(pilot)
        assert "Generator" not in text_of(app, "#day-problems")


async def test_generated_deal_memo_and_missing_paperwork_by_keys(tmp_path: Path) -> None:
    path, db = empty_production(tmp_path)
    ana = directory.add_person(db, PersonIn(name="Ana Silva", department="Camera"))
    schedule.call_person(db, schedule.list_days(db)[0].day.id, ana.id)
    app = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "Ana Silva is called on 2026-12-03: no deal memo" in text_of(app, "#day-problems")
        calls = app.screen.query_one("#calls", DataTable)
        assert "no deal memo" in str(calls.get_row_at(0)[-1])

        await pilot.press("2")
        await settle(pilot)
        assert "Missing: no deal memo" in text_of(app, "#contract-detail")
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("ctrl+s")  # the kind offered is what is missing: a deal memo
        await settle(pilot)
        [memo] = contracts.contracts_for_person(db, ana.id)
        assert (memo.kind, memo.title) == ("deal memo", "Deal memo: Ana Silva")
        await pilot.press("d")
        await settle(pilot)
        await fill(pilot, "£450 a day")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        sent = contracts.get_contract(db, memo.id)
        assert sent.status == ContractStatus.SENT and sent.document_sha256
        detail = text_of(app, "#contract-detail")
        assert "Deal memo: Ana Silva  [sent]" in detail
        assert "deal memo not signed" in detail

        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, PaperworkDialog)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("tab")
        await fill(pilot, "Camera")
        await pilot.press("ctrl+s")
        await settle(pilot)
        needs = {(str(r.party), r.department, r.kind) for r in paperwork.list_requirements(db)}
        assert ("crew", "Camera", "cast agreement") in needs
