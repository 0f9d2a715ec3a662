"""Publishing a call sheet from the Schedule view: the preview says who is told what."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import sqlite_utils
from textual.widgets import Static

from schema import callsheets, schedule
from tests.tui.conftest import NOW, TODAY, fill, make_app, settle
from tests.tui.test_workflows import text_of
from tui.dialogs.publish import PublishDialog
from tui.screens.schedule import ScheduleScreen

SCREENSHOTS = Path(__file__).resolve().parents[2] / "out" / "screenshots"


def preview_text(app: object) -> str:
    return str(app.screen.query_one("#publish-preview", Static).render())  # type: ignore[attr-defined]


async def test_publish_with_a_preview_then_a_change(
    demo_path: str, db: sqlite_utils.Database
) -> None:
    app = make_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, PublishDialog)
        shown = preview_text(app)
        assert "Not published yet: this makes version 1." in shown
        assert "You are called on Tue 1 Dec at" in shown
        await pilot.press("escape")  # cancel: nothing published
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
        assert callsheets.last_published(db, TODAY) is None

        await pilot.press("p")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        first = callsheets.last_published(db, TODAY)
        assert first is not None and first.number == 1

        day = callsheets.find_day(db, TODAY)
        assert day is not None
        line = schedule.calls_for_day(db, day.id)[0]
        schedule.update_call(db, line.call.id, line.call.version, call=time(4, 0))
        await pilot.press("p")
        await settle(pilot)
        shown = preview_text(app)
        assert "Version 1 is published; this makes version 2." in shown
        assert "1 person will be told:" in shown
        assert f"{line.name}: Your call on Tue 1 Dec is now 04:00" in shown
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        app.save_screenshot("publish-preview.svg", path=str(SCREENSHOTS))
        await pilot.press("p")
        await settle(pilot)
        second = callsheets.last_published(db, TODAY)
        assert second is not None and second.number == 2

        await pilot.press("p")
        await settle(pilot)
        assert "Nothing changed since version 2" in preview_text(app)
        await pilot.press("p")  # nothing to publish: the key only closes
        await settle(pilot)
        assert callsheets.last_published(db, TODAY).number == 2  # type: ignore[union-attr]


async def test_the_day_says_when_its_published_sheet_is_out_of_date(
    demo_path: str, db: sqlite_utils.Database
) -> None:
    callsheets.publish(db, TODAY, now=NOW)
    app = make_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "sheet v1 published" in text_of(app, "#day-title")
        day = callsheets.find_day(db, TODAY)
        assert day is not None
        line = schedule.calls_for_day(db, day.id)[0]
        schedule.update_call(db, line.call.id, line.call.version, call=time(4, 0))
        await pilot.press("down", "up")  # another day and back: the title is read again
        await settle(pilot)
        assert "sheet v1: changes to publish (p)" in text_of(app, "#day-title")


async def test_meals_and_safety_notes_from_the_schedule_reach_the_sheet(
    demo_path: str, db: sqlite_utils.Database
) -> None:
    app = make_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await fill(pilot, "Breakfast 06:30, lunch 13:00")
        await pilot.press("tab")
        await fill(pilot, "Working at height on the quay")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
    day = callsheets.find_day(db, TODAY)
    assert day is not None
    assert callsheets.day_details(db, day.id) == callsheets.DayDetails(
        meals="Breakfast 06:30, lunch 13:00", safety_notes="Working at height on the quay"
    )
    draft = callsheets.preview(db, TODAY).draft
    assert draft.meals == "Breakfast 06:30, lunch 13:00"
    assert draft.safety_notes.startswith(
        "Working at height on the quay\n"
    )  # then the standing ones


async def test_call_sheet_settings_from_the_palette(
    demo_path: str, db: sqlite_utils.Database
) -> None:
    from tests.tui.test_desk import palette_offers

    app = make_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await palette_offers(pilot, "call sheet settings", "Call sheet settings")
        await pilot.press("enter")
        await settle(pilot)
        await fill(pilot, "Production office=+44 20 7946 0000; Unit base=base@picture.test")
        await pilot.press("tab")
        await fill(pilot, "Camera=2; Grip")
        await pilot.press("ctrl+s")
        await settle(pilot)
        error = str(app.screen.query_one("#error-walkies", Static).render())
        assert "takes DEPARTMENT=CHANNEL" in error and "'Grip'" in error
        await fill(pilot, "Camera=2; Grip=3")
        await pilot.press("tab")  # cast names: shown -> hidden
        await pilot.press("enter", "down", "enter")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
    found = callsheets.settings(db)
    assert [(c.label, c.phone, c.email) for c in found.contacts] == [
        ("Production office", "+44 20 7946 0000", ""),
        ("Unit base", "", "base@picture.test"),
    ]
    assert found.walkies == {"Camera": "2", "Grip": "3"}
    assert found.hide_cast_names
