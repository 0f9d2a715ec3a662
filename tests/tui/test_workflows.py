"""Each workflow driven by key presses, checked in the database and on the screen."""

from __future__ import annotations

from datetime import date

import sqlite_utils
from textual.widgets import DataTable, OptionList, Static

from schema import contracts, schedule
from schema.types import ContractStatus
from tests.tui.conftest import TODAY, fill, make_app, settle, wait_until
from tui.dialogs.form import FormDialog
from tui.dialogs.pick_person import PersonPicker
from tui.dialogs.show_qr import QRDialog
from tui.screens.schedule import ScheduleScreen


def cells(table: DataTable[object]) -> list[str]:
    return [str(cell) for row in range(table.row_count) for cell in table.get_row_at(row)]


def table(app: object, selector: str) -> DataTable[object]:
    return app.screen.query_one(selector, DataTable)  # type: ignore[attr-defined]


def text_of(app: object, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())  # type: ignore[attr-defined]


def day_count(db: sqlite_utils.Database) -> int:
    return int(db.execute("SELECT count(*) FROM days").fetchone()[0])


async def test_add_a_day(demo_path: str, db: sqlite_utils.Database) -> None:
    app = make_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await fill(pilot, "2026-12-24")
        await pilot.press("tab")
        await fill(pilot, "Splinter")
        await pilot.press("tab", "tab")
        await fill(pilot, "06:30")
        await pilot.press("tab")
        await fill(pilot, "16:00")
        await pilot.press("tab")
        await fill(pilot, "Sc. 99 pickups")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
        added = [d for d in schedule.list_days(db) if d.day.unit == "Splinter"]
        assert [(d.day.date, f"{d.day.call_at:%H:%M}") for d in added] == [
            (date(2026, 12, 24), "06:30")
        ]
        assert "Splinter" in cells(table(app, "#days"))


async def test_bad_input_shows_inline_error_and_writes_nothing(
    demo_path: str, db: sqlite_utils.Database
) -> None:
    before = day_count(db)
    app = make_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await fill(pilot, "2026-13-45")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        error = app.screen.query_one("#error-date", Static)
        assert "date" in str(error.render())
        assert "2026-13-45" in str(error.render())
        await fill(pilot, "2026-12-24")
        assert str(error.render()) == ""  # an error goes as soon as its value is edited
        await pilot.press("tab", "tab", "tab")
        await fill(pilot, "25:99")
        await pilot.press("enter")
        await settle(pilot)
        assert "Call (HH:MM) '25:99' is not a time" in str(
            app.screen.query_one("#error-call", Static).render()
        )
        assert str(app.screen.query_one("#error-date", Static).render()) == ""
        await pilot.press("shift+tab", "shift+tab", "shift+tab")
        await fill(pilot, "2026-02-30")
        await pilot.press("enter")
        await settle(pilot)
        # Both bad fields are marked by one save, and the cursor is on the first of them.
        assert "2026-02-30" in str(app.screen.query_one("#error-date", Static).render())
        assert "25:99" in str(app.screen.query_one("#error-call", Static).render())
        assert app.focused is not None and app.focused.id == "field-date"
    assert day_count(db) == before


async def test_move_a_day_makes_a_notice_shown_in_changes(
    demo_path: str, db: sqlite_utils.Database
) -> None:
    (today,) = [d for d in schedule.list_days(db) if d.day.date == TODAY and d.day.unit == "Main"]
    notices_before = db.execute("SELECT count(*) FROM notices").fetchone()[0]
    app = make_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.screen.day is not None and app.screen.day.id == today.day.id  # type: ignore[attr-defined]
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("tab", "tab")
        await fill(pilot, "08:15")
        await pilot.press("enter")
        await settle(pilot)
        assert f"{schedule.get_day(db, today.day.id).call_at:%H:%M}" == "08:15"
        assert db.execute("SELECT count(*) FROM notices").fetchone()[0] == notices_before + 1
        await pilot.press("6")
        await settle(pilot)
        shown = cells(table(app, "#notices"))
        assert any("to 08:15" in cell for cell in shown)
        assert f"0/{today.called}" in shown
        assert "not yet seen" in text_of(app, "#recipients-title")


async def test_call_and_release_a_person(demo_path: str, db: sqlite_utils.Database) -> None:
    (day,) = [d.day for d in schedule.list_days(db) if d.day.date == TODAY and d.day.unit == "Main"]
    called = {line.call.person_id for line in schedule.calls_for_day(db, day.id)}
    row = db.execute("SELECT id, name FROM people WHERE kind = 'crew' ORDER BY name").fetchall()
    person_id, name = next((pid, n) for pid, n in row if pid not in called)
    app = make_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        await pilot.press(*name)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert schedule.call_of(db, day.id, person_id) is not None
        calls = table(app, "#calls")
        assert name in cells(calls)
        # Called already: the picker shows them greyed, and Enter picks nobody.
        await pilot.press("c", *name)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PersonPicker)
        await pilot.press("escape")
        await settle(pilot)
        # With the stripboard focused, r chooses nobody unseen: it moves to the day's list.
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen) and calls.has_focus
        index = next(i for i in range(calls.row_count) if name in map(str, calls.get_row_at(i)))
        await pilot.press(*["down"] * index, "r")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert schedule.call_of(db, day.id, person_id) is None
        assert name not in cells(table(app, "#calls"))


async def test_countersign_a_contract(demo_path: str, db: sqlite_utils.Database) -> None:
    awaiting = contracts.checklist(db, today=TODAY, status="awaiting")
    first = awaiting[0]
    app = make_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("f", "f")
        await settle(pilot)
        shown = table(app, "#checklist")
        assert shown.row_count == len(awaiting)
        assert str(shown.get_row_at(0)[0]) == first.name
        await pilot.press("k", "enter")  # Enter is No: a reflex must not sign for the production
        await settle(pilot)
        assert first.contract_id is not None
        assert contracts.get_contract(db, first.contract_id).status == ContractStatus.SIGNED
        await pilot.press("k", "y")
        await settle(pilot)
        assert contracts.get_contract(db, first.contract_id).status == ContractStatus.COUNTERSIGNED
        assert table(app, "#checklist").row_count == len(awaiting) - 1


async def test_search_people_as_you_type(demo_path: str, db: sqlite_utils.Database) -> None:
    expected = db.execute(
        "SELECT count(*) FROM people WHERE name LIKE '%evans%' OR department LIKE '%evans%'"
        " OR role LIKE '%evans%' OR email LIKE '%evans%' OR phone LIKE '%evans%'"
    ).fetchone()[0]
    app = make_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("slash", *"evans")
        await settle(pilot)
        people = table(app, "#people")
        assert 0 < people.row_count == expected
        assert all("Evans" in str(people.get_row_at(i)[0]) for i in range(people.row_count))
        assert text_of(app, "#people-count") == f"{expected} people"


async def test_issue_a_link_shows_its_qr(demo_path: str, db: sqlite_utils.Database) -> None:
    before = db.execute("SELECT count(*) FROM personal_links").fetchone()[0]
    app = make_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("l", "y")
        await settle(pilot)
        assert isinstance(app.screen, QRDialog)
        url = str(app.screen.query_one("#qr-url", Static).render())
        assert url.startswith("http://127.0.0.1:8000/p/")
        assert "▀" in str(app.screen.query_one(".qr", Static).render())
        await pilot.press("escape")
    assert db.execute("SELECT count(*) FROM personal_links").fetchone()[0] == before + 1


async def test_rotate_a_location_code(demo_path: str, db: sqlite_utils.Database) -> None:
    first = db.execute("SELECT id, code FROM locations ORDER BY name COLLATE NOCASE").fetchone()
    app = make_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        new_code = db.execute("SELECT code FROM locations WHERE id = ?", [first[0]]).fetchone()[0]
        assert new_code != first[1]
        assert new_code in cells(table(app, "#locations"))
        assert new_code in text_of(app, "#location-info")


async def test_stale_edit_is_refused_with_a_notification(
    demo_path: str, db: sqlite_utils.Database
) -> None:
    app = make_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        day = app.screen.day  # type: ignore[attr-defined]
        await pilot.press("e")
        await settle(pilot)
        meanwhile = schedule.DayIn(
            date=day.date,
            call=day.call_at.time(),
            wrap=day.wrap_at.time(),
            unit=day.unit,
            location_id=day.location_id,
            scenes=day.scenes,
            notes="changed by the other coordinator",
        )
        schedule.update_day(db, day.id, day.version, meanwhile)
        await pilot.press("tab", "tab", "tab", "tab", "tab")
        await fill(pilot, "mine")
        await pilot.press("enter")
        await settle(pilot)
        # The form stays open with what was typed, and says whose change got there first.
        assert isinstance(app.screen, FormDialog)
        assert app.screen.values()["scenes"] == "mine"
        assert "by someone else since you opened it: coordinator (day updated)" in str(
            app.screen.query_one("#error-form", Static).render()
        )
        titles = [n.title for n in app._notifications]
        assert "Changed by coordinator: yours not saved" in titles
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
    assert schedule.get_day(db, day.id).scenes == day.scenes
    assert schedule.get_day(db, day.id).notes == "changed by the other coordinator"


async def test_stripboard_fits_again_after_a_resize(demo_path: str) -> None:
    """Widen then narrow the terminal: the problem count (the last column) stays in view."""
    app = make_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        days = table(app, "#days")
        narrow = days.virtual_size.width
        await pilot.resize_terminal(140, 40)
        await settle(pilot)
        assert days.virtual_size.width > narrow  # names and scenes use the room
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert days.virtual_size.width == narrow
        assert days.virtual_size.width <= days.size.width


IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15"
    " (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)


async def test_sign_out_a_device(demo_path: str, db: sqlite_utils.Database) -> None:
    from schema import links
    from tests.tui.conftest import NOW
    from tui.dialogs.sessions import SessionsDialog

    person_id, name = db.execute("SELECT id, name FROM people ORDER BY id LIMIT 1").fetchone()
    token = links.issue_link(db, person_id, now=NOW).url.rsplit("/", 1)[1]
    links.exchange_link(db, token, user_agent=IPHONE, ip="203.0.113.9", now=NOW)
    app = make_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("slash", *name, "escape")
        await settle(pilot)
        assert str(table(app, "#people").get_row_at(0)[0]) == name
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SessionsDialog)
        devices = table(app, "#sessions")
        assert [str(c) for c in devices.get_row_at(0)[:2]] == ["active", "Mobile Safari on iPhone"]
        await pilot.press("x", "y")
        await settle(pilot)
        assert str(table(app, "#sessions").get_row_at(0)[0]) == "signed out"
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, SessionsDialog)  # no question about a signed-out device
    assert db.execute(
        "SELECT revoked_at IS NOT NULL FROM device_sessions WHERE person_id = ?", [person_id]
    ).fetchone() == (1,)


async def test_the_palette_finds_a_views_actions(demo_path: str) -> None:
    app = make_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"add day")
        found = app.screen.query_one(OptionList)
        await wait_until(  # the palette searches in a task of its own
            pilot,
            lambda: (
                bool(found.option_count) and "Add day" in str(found.get_option_at_index(0).prompt)
            ),
            "the palette to offer Add day",
        )
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        assert "Add a shoot day" in str(app.screen.query_one(".dialog-title", Static).render())


async def test_devices_dialog_shows_a_phone_signing_in(
    demo_path: str, db: sqlite_utils.Database
) -> None:
    """A phone opening the link (the server, another process) appears in the open dialog."""
    from schema import links
    from tests.tui.conftest import NOW
    from tui.dialogs.sessions import SessionsDialog

    person_id, name = db.execute("SELECT id, name FROM people ORDER BY id LIMIT 1").fetchone()
    app = make_app(demo_path, follow=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("slash", *name, "escape")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SessionsDialog)
        assert table(app, "#sessions").row_count == 0
        token = links.issue_link(db, person_id, now=NOW).url.rsplit("/", 1)[1]
        links.exchange_link(db, token, user_agent=IPHONE, now=NOW)
        await wait_until(pilot, lambda: bool(table(app, "#sessions").row_count), "the new phone")
        assert str(table(app, "#sessions").get_row_at(0)[1]) == "Mobile Safari on iPhone"
