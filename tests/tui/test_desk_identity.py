"""Who made it, in the views the other features added: a mark on the arrivals board and a
published call sheet are recorded under the desk's coordinator; and a read-only desk may still
look in those views (filters, the day out of days, the sign-in sheet, a poster, the lists)."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils
from pypdf import PdfReader
from textual.widgets import Static

from schema.event_kinds import EventKind
from tests.tui.conftest import TODAY, clock, fill, settle
from tests.tui.test_board_keys import find, heading, open_board, select
from tui.app import CallboardApp
from tui.dialogs.bookings import BookingsDialog
from tui.dialogs.form import FormDialog
from tui.dialogs.paperwork import PaperworkDialog
from tui.dialogs.reports import DayOutOfDaysDialog
from tui.dialogs.vendors import VendorsDialog
from tui.screens.arrivals import ArrivalsScreen
from tui.screens.base import DeskScreen
from tui.screens.deliveries import DeliveriesScreen
from tui.screens.schedule import ScheduleScreen


def desk_app(path: str, **options: object) -> CallboardApp:
    return CallboardApp(path, today=TODAY, clock=clock, follow=False, **options)  # type: ignore[arg-type]


def actors(db: sqlite_utils.Database, kind: EventKind) -> list[str]:
    return [r[0] for r in db.execute("SELECT actor FROM events WHERE kind = ?", [str(kind)])]


def events(db: sqlite_utils.Database) -> int:
    return int(db.execute("SELECT count(*) FROM events").fetchone()[0])


async def test_a_mark_and_a_publish_are_recorded_under_the_desks_coordinator(
    demo_path: str, db: sqlite_utils.Database
) -> None:
    board, arrival = find(db, "missing")
    app = desk_app(demo_path, actor="priya")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_board(pilot)
        await select(pilot, board, arrival)
        await pilot.press("k")  # sick
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("c")  # cleared: a mark recorded straight from the board
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
    assert actors(db, EventKind.MARK_RECORDED) == ["priya", "priya"]
    assert actors(db, EventKind.CALLSHEET_PUBLISHED) == ["priya"]


async def test_a_read_only_desk_may_look_in_every_new_view(
    demo_path: str, db: sqlite_utils.Database, tmp_path: Path
) -> None:
    before = events(db)
    app = desk_app(demo_path, read_only=True)
    refused: list[str] = []
    notify = app.notify

    def heard(message: str, *, title: str = "", **options: object) -> None:
        if title == "Read-only":
            refused.append(message)
        notify(message, title=title, **options)  # type: ignore[arg-type]

    app.notify = heard  # type: ignore[method-assign]

    async def write_file(key: str, out: Path) -> None:
        await pilot.press(key)
        await settle(pilot)
        assert isinstance(app.screen, FormDialog), key
        await fill(pilot, str(out))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen), key
        assert out.is_file(), key

    async def look_then_try(key: str, dialog: type, write_key: str) -> None:
        await pilot.press(key)
        await settle(pilot)
        assert isinstance(app.screen, dialog), key
        refused.clear()
        await pilot.press(write_key)
        await settle(pilot)
        assert isinstance(app.screen, dialog) and len(refused) == 1, (key, write_key)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)

    async with app.run_test(size=(120, 40)) as pilot:
        await open_board(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert "showing missing" in heading(app)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, DayOutOfDaysDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ArrivalsScreen)
        sheet = tmp_path / "sheet.pdf"
        await write_file("p", sheet)
        assert "Sign" in PdfReader(sheet).pages[0].extract_text()

        await pilot.press("0")
        await settle(pilot)
        assert isinstance(app.screen, DeliveriesScreen)
        await pilot.press("f")
        await settle(pilot)
        title = str(app.screen.query_one("#deliveries-title", Static).render())
        assert "every message" in title

        await pilot.press("4")  # Locations: a poster is a file
        await settle(pilot)
        await write_file("p", tmp_path / "poster.pdf")

        await pilot.press("2")  # Contracts: the paperwork list, its keys refused
        await settle(pilot)
        await look_then_try("p", PaperworkDialog, "a")
        await pilot.press("3")  # People: the vendors, likewise
        await settle(pilot)
        await look_then_try("v", VendorsDialog, "a")
        await pilot.press("1")  # Schedule: a day's bookings
        await settle(pilot)
        await look_then_try("B", BookingsDialog, "x")
        await pilot.press("g", "t")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
    assert events(db) == before
