"""The arrivals board by key: filters, marks (each an event), accepting a phone's time, wraps,
the day out of days; checked on the screen and in the database."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import sqlite_utils
from pypdf import PdfReader
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from schema import arrivals as arrivals_board
from schema import checkins, directory
from schema.arrivals import Arrival, LocationBoard
from tests.tui.conftest import NOW, TODAY, fill, make_app, settle
from tui.app import CallboardApp
from tui.dialogs.form import FormDialog
from tui.dialogs.reports import DayOutOfDaysDialog
from tui.screens.arrivals import ArrivalsScreen

LOCAL_NOW = NOW.replace(tzinfo=None)  # London is on UTC in December


def board_table(app: CallboardApp) -> DataTable[object]:
    return app.screen.query_one("#arrivals", DataTable)


def people_rows(app: CallboardApp) -> dict[str, str]:
    """Person rows on screen: key -> status cell (location header rows left out)."""
    table = board_table(app)
    keys = [row.key.value for row in table.ordered_rows]
    return {k: str(table.get_row(k)[-1]) for k in keys if k and not k.startswith("loc-")}


def heading(app: CallboardApp) -> str:
    return str(app.screen.query_one("#arrivals-title", Static).render())


def boards(db: sqlite_utils.Database) -> list[LocationBoard]:
    return arrivals_board.board(db, TODAY)


def find(db: sqlite_utils.Database, state: str) -> tuple[LocationBoard, Arrival]:
    for board in boards(db):
        for arrival in board.arrivals:
            if arrival.state(LOCAL_NOW) == state and arrival.day_id is not None:
                return board, arrival
    raise AssertionError(f"the demo has nobody {state}")


async def open_board(pilot: Pilot[None]) -> None:
    await pilot.press("5")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ArrivalsScreen)


async def select(pilot: Pilot[None], board: LocationBoard, arrival: Arrival) -> None:
    table = board_table(pilot.app)  # type: ignore[arg-type]
    table.move_cursor(row=table.get_row_index(f"{board.location_id}-{arrival.person_id}"))
    await pilot.pause()


def marks_of(db: sqlite_utils.Database, person_id: int) -> list[tuple[str, str | None, str]]:
    return db.execute(
        "SELECT kind, at, reason FROM marks WHERE person_id = ? ORDER BY id", [person_id]
    ).fetchall()


def mark_events(db: sqlite_utils.Database) -> list[tuple[str, str]]:
    return db.execute(
        "SELECT actor, subject FROM events WHERE kind = 'mark.recorded' ORDER BY id"
    ).fetchall()


@pytest.mark.parametrize(
    ("presses", "name", "state"),
    [(1, "missing", "missing"), (2, "late", "late")],
)
async def test_filters_show_only_whom_they_name(
    demo_path: str, db: sqlite_utils.Database, presses: int, name: str, state: str
) -> None:
    expected = {
        f"{b.location_id}-{a.person_id}"
        for b in boards(db)
        for a in b.arrivals
        if a.state(LOCAL_NOW) == state
    }
    assert expected, f"the demo has nobody {state}"
    app = make_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_board(pilot)
        everyone = people_rows(app)
        await pilot.press(*["f"] * presses)
        await settle(pilot)
        assert f"showing {name}" in heading(app)
        assert set(people_rows(app)) == expected
        assert len(everyone) > len(expected)


async def test_far_and_not_called_here_filters(demo_path: str, db: sqlite_utils.Database) -> None:
    board, arrival = find(db, "missing")
    code = db.execute("SELECT code FROM locations WHERE id = ?", [board.location_id]).fetchone()[0]
    person = directory.get_person(db, arrival.person_id)
    far = checkins.Position(lat=0.0, lon=0.0, accuracy_m=10)
    db.execute("UPDATE locations SET lat = 51.44, lon = 0.37 WHERE id = ?", [board.location_id])
    checkins.check_in_person(
        db, person, checkins.CheckinRequest(code=code, nonce="far-away-1", position=far), now=NOW
    )
    app = make_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_board(pilot)
        key = f"{board.location_id}-{arrival.person_id}"
        assert "⚑ far" in people_rows(app)[key]
        await pilot.press("f", "f", "f")
        await settle(pilot)
        assert "showing far" in heading(app)
        assert list(people_rows(app)) == [key]
        await pilot.press("f")
        await settle(pilot)
        assert "showing not called here" in heading(app)
        assert key not in people_rows(app)
        assert all("not called here" in s for s in people_rows(app).values())


async def test_absent_needs_a_reason_and_is_an_event(
    demo_path: str, db: sqlite_utils.Database
) -> None:
    board, arrival = find(db, "missing")
    app = make_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_board(pilot)
        await select(pilot, board, arrival)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await pilot.press("enter")  # no reason: refused under the field, nothing written
        await settle(pilot)
        assert "needs a reason" in str(app.screen.query_one("#error-reason", Static).render())
        assert marks_of(db, arrival.person_id) == []
        await fill(pilot, "no show, phone off")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ArrivalsScreen)
        assert marks_of(db, arrival.person_id) == [("absent", None, "no show, phone off")]
        assert mark_events(db) == [("coordinator", f"day:{arrival.day_id}")]
        status = people_rows(app)[f"{board.location_id}-{arrival.person_id}"]
        assert "absent" in status and "no show" in status
        assert "1 absent" in heading(app)


async def test_arrived_by_hand_from_the_paper_sheet(
    demo_path: str, db: sqlite_utils.Database
) -> None:
    board, arrival = find(db, "missing")
    app = make_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_board(pilot)
        await select(pilot, board, arrival)
        await pilot.press("i")
        await settle(pilot)
        await fill(pilot, "07:31")
        await pilot.press("tab")
        await fill(pilot, "dead phone")
        await pilot.press("enter")
        await settle(pilot)
        [(kind, at, reason)] = marks_of(db, arrival.person_id)
        assert (kind, at[11:16] if at else None, reason) == ("arrived", "07:31", "dead phone")
        status = people_rows(app)[f"{board.location_id}-{arrival.person_id}"]
        assert "07:31" in status and "by hand" in status and "dead phone" in status


async def test_a_persons_meal_break_out_and_back(demo_path: str, db: sqlite_utils.Database) -> None:
    board, arrival = find(db, "missing")
    app = make_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_board(pilot)
        await select(pilot, board, arrival)
        for key, at in (("b", "12:30"), ("B", "13:10")):
            await pilot.press(key)
            await settle(pilot)
            await fill(pilot, at)
            await pilot.press("enter")
            await settle(pilot)
    assert [
        (kind, at[11:16] if at else None) for kind, at, _ in marks_of(db, arrival.person_id)
    ] == [
        ("meal_out", "12:30"),
        ("meal_in", "13:10"),
    ]


async def test_accept_a_time_from_the_phone(demo_path: str, db: sqlite_utils.Database) -> None:
    board, arrival = find(db, "missing")
    code = db.execute("SELECT code FROM locations WHERE id = ?", [board.location_id]).fetchone()[0]
    backdated = checkins.CheckinRequest(
        code=code, nonce="backdated-1", client_at=NOW - timedelta(minutes=50), queued=True
    )
    checkins.check_in_person(db, directory.get_person(db, arrival.person_id), backdated, now=NOW)
    key = f"{board.location_id}-{arrival.person_id}"
    app = make_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_board(pilot)
        assert "⏱ phone time" in people_rows(app)[key]
        await pilot.press(*["f"] * 5)
        await settle(pilot)
        assert "showing phone time" in heading(app)
        assert list(people_rows(app)) == [key]
        await select(pilot, board, arrival)
        await pilot.press("a")
        await settle(pilot)
        assert [m[0] for m in marks_of(db, arrival.person_id)] == ["accepted"]
        assert "no one to show" in heading(app)
        await pilot.press("f")
        await settle(pilot)
        assert "phone time" not in people_rows(app)[key]


async def test_wrap_the_unit_and_one_person(demo_path: str, db: sqlite_utils.Database) -> None:
    board, here = find(db, "arrived")
    app = make_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_board(pilot)
        await select(pilot, board, here)
        await pilot.press("w")
        await settle(pilot)
        await fill(pilot, "18:40")
        await pilot.press("enter")
        await settle(pilot)
        assert marks_of(db, here.person_id) == [("wrap", f"{TODAY}T18:40:00", "")]
        key = f"{board.location_id}-{here.person_id}"
        assert str(board_table(app).get_row(key)[4]) == "18:40✎"
        await pilot.press("U")
        await settle(pilot)
        await fill(pilot, "19:05")
        await pilot.press("enter")
        await settle(pilot)
        wrapped = db.execute(
            "SELECT count(DISTINCT person_id) FROM marks WHERE kind = 'wrap' AND day_id = ?",
            [here.day_id],
        ).fetchone()[0]
        arrived_there = sum(
            1
            for a in next(b for b in boards(db) if b.location_id == board.location_id).arrivals
            if a.arrived_at is not None and a.day_id == here.day_id and not a.mark
        )
        assert wrapped == arrived_there
        assert marks_of(db, here.person_id) == [("wrap", f"{TODAY}T18:40:00", "")]  # kept


async def test_day_out_of_days_view(demo_path: str) -> None:
    app = make_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_board(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, DayOutOfDaysDialog)
        grid = app.screen.query_one("#dood", DataTable)
        codes = {str(c) for r in range(grid.row_count) for c in grid.get_row_at(r)}
        assert {"SW", "W", "WF", "T", "H"} <= codes
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ArrivalsScreen)


async def test_narrow_board_keeps_the_status_and_enter_gives_the_phone(
    demo_path: str, db: sqlite_utils.Database
) -> None:
    board, arrival = find(db, "missing")
    app = make_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_board(pilot)
        labels = [str(c.label) for c in board_table(app).ordered_columns]
        assert labels == ["Call", "Name", "Dept", "Wrap", "Status"]
        await select(pilot, board, arrival)
        await pilot.press("enter")
        await pilot.pause()
        person = directory.get_person(db, arrival.person_id)
        assert any(person.phone in str(n.message) for n in app._notifications)
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        labels = [str(c.label) for c in board_table(app).ordered_columns]
        assert labels == ["Call", "Name", "Dept", "Phone", "Wrap", "Status"]


async def test_meal_break_sign_in_sheet_and_clearing_a_mark(
    demo_path: str, db: sqlite_utils.Database, tmp_path: Path
) -> None:
    board, arrival = find(db, "missing")
    app = make_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_board(pilot)
        await select(pilot, board, arrival)
        await pilot.press("m")
        await settle(pilot)
        await fill(pilot, "12:15")
        await pilot.press("tab")
        await fill(pilot, "40")
        await pilot.press("enter")
        await settle(pilot)
        meal = db.execute(
            "SELECT meal_at, meal_minutes FROM days WHERE id = ?", [arrival.day_id]
        ).fetchone()
        assert meal == (f"{TODAY}T12:15:00", 40)

        await pilot.press("k")  # sick, then cleared: back to missing
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        key = f"{board.location_id}-{arrival.person_id}"
        assert "sick" in people_rows(app)[key]
        await pilot.press("c")
        await settle(pilot)
        assert "not here" in people_rows(app)[key]
        assert [m[0] for m in marks_of(db, arrival.person_id)] == ["sick", "cleared"]

        sheet = tmp_path / "sheet.pdf"
        await pilot.press("p")
        await settle(pilot)
        await fill(pilot, str(sheet))
        await pilot.press("enter")
        await settle(pilot)
        text = PdfReader(sheet).pages[0].extract_text()
        assert board.name in text and arrival.name in text
