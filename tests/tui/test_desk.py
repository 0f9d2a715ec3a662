"""The coordinator's desk, faster: commands from any view, the cursor on what was just made,
going to today, finding a call, bulk scheduling with previews, and several coordinators (who
changed it, read-only desks, two desks on one file)."""

from __future__ import annotations

import pytest
import sqlite_utils
from textual.binding import Binding
from textual.pilot import Pilot
from textual.widgets import DataTable, Footer, Input, OptionList, Static
from textual.widgets._footer import FooterKey, FooterLabel

from schema import schedule
from schema.event_kinds import EventKind
from tests.tui.conftest import TODAY, clock, fill, settle, wait_until
from tui.app import SCREENS, CallboardApp
from tui.dialogs.form import FormDialog
from tui.dialogs.sessions import SessionsDialog
from tui.screens.base import DeskScreen
from tui.screens.people import PeopleScreen
from tui.screens.problems import ProblemsScreen
from tui.screens.schedule import ScheduleScreen
from tui.screens.schedule_bulk import DayChoice, PreviewDialog
from tui.widgets.navbar import VIEWS
from tui.widgets.tables import selected_key

KEYS = {mode: key for key, mode, _ in VIEWS}


def desk_app(path: str, **options: object) -> CallboardApp:
    return CallboardApp(path, today=TODAY, clock=clock, follow=False, **options)  # type: ignore[arg-type]


def table(app: CallboardApp, selector: str) -> DataTable[object]:
    return app.screen.query_one(selector, DataTable)


def key_of(app: CallboardApp, selector: str) -> str | None:
    return selected_key(table(app, selector))  # type: ignore[arg-type]


def names_in(app: CallboardApp, selector: str) -> list[str]:
    shown = table(app, selector)
    return [str(shown.get_row_at(i)[1]) for i in range(shown.row_count)]


def todays_main(db: sqlite_utils.Database) -> schedule.DaySummary:
    return next(d for d in schedule.list_days(db) if d.day.date == TODAY and d.day.unit == "Main")


def events(db: sqlite_utils.Database) -> int:
    return int(db.execute("SELECT count(*) FROM events").fetchone()[0])


async def palette_offers(pilot: Pilot[None], query: str, wanted: str) -> None:
    """Open the palette, type, and wait until `wanted` is among what it offers."""
    app = pilot.app
    await pilot.press("ctrl+p", *query)
    found = app.screen.query_one(OptionList)

    def offered() -> bool:
        return any(
            wanted in str(found.get_option_at_index(i).prompt) for i in range(found.option_count)
        )

    await wait_until(pilot, offered, f"the palette to offer {wanted!r} for {query!r}")


# --- commands everywhere -------------------------------------------------------------------------

WHOLE_PRODUCTION = [
    ("problems", "Problems (g p)"),
    ("export sched", "Export schedule"),
    ("posters", "Posters for every location"),
    ("invite", "Invite everyone"),
    ("backup", "Backup"),
    ("settings", "Settings"),
    ("today", "Go to today"),
]


@pytest.mark.parametrize("mode", list(SCREENS))
async def test_the_palette_finds_every_whole_production_command_from_each_view(
    demo_path: str, mode: str
) -> None:
    app = desk_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press(KEYS[mode])
        await settle(pilot)
        for query, wanted in WHOLE_PRODUCTION:
            await palette_offers(pilot, query, wanted)
            await pilot.press("escape")
        # Another view's keys too, named with their view.
        other = "contracts" if mode == "schedule" else "schedule"
        action, label = (
            ("Countersign", "Contracts") if other == "contracts" else ("Call", "Schedule")
        )
        await palette_offers(pilot, action.lower(), f"{label}: {action}")


async def test_another_views_key_from_the_palette_goes_there_and_runs(demo_path: str) -> None:
    app = desk_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(KEYS["people"])
        await settle(pilot)
        await palette_offers(pilot, "add day", "Schedule: Add day")
        found = app.screen.query_one(OptionList)
        index = next(
            i
            for i in range(found.option_count)
            if "Schedule: Add day" in str(found.get_option_at_index(i).prompt)
        )
        found.highlighted = index
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        assert app.screen.title_text == "Add a shoot day"


async def test_keys_the_footer_has_no_room_for_are_in_the_palette(demo_path: str) -> None:
    app = desk_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(KEYS["arrivals"])
        await settle(pilot)
        await palette_offers(pilot, "sign-in", "Sign-in sheet (p)")
        await pilot.press("escape")
        await palette_offers(pilot, "meal break", "The unit's meal break on the day (m)")
        await pilot.press("escape")
        await palette_offers(pilot, "bookings", "Schedule: Bookings (B)")


async def test_a_palette_command_writes_a_file(demo_path: str, tmp_path: object) -> None:
    from pathlib import Path

    out = Path(str(tmp_path)) / "people.csv"
    app = desk_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await palette_offers(pilot, "export people", "Export people")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        await fill(pilot, str(out))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
        assert out.read_text().startswith("id,name,kind")
        # The same name again is refused beside the field, and the file is kept.
        await palette_offers(pilot, "export people", "Export people")
        await pilot.press("enter")
        await settle(pilot)
        await fill(pilot, str(out))
        await pilot.press("enter")
        await settle(pilot)
        assert "already exists" in str(app.screen.query_one("#error-out", Static).render())


# --- the problems view ---------------------------------------------------------------------------


async def test_problems_view_goes_to_the_day_and_to_the_person(
    demo_path: str, db: sqlite_utils.Database
) -> None:
    from schema import problems, stock

    stock.add_item(db, "Gaffer tape", "shipping_supply", unit="roll", reorder_level=6)
    found = problems.find_all(db, now=clock())
    assert any("Gaffer tape" in p.message for p in found)  # stock is listed with the rest
    at, first = next((i, p) for i, p in enumerate(found) if getattr(p, "person_id", None))
    assert isinstance(first, problems.Problem) and first.person_id is not None
    app = desk_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("g", "p")
        await settle(pilot)
        assert isinstance(app.screen, ProblemsScreen)
        assert table(app, "#problems").row_count == len(found)
        assert any("Gaffer tape" in str(row) for row in table(app, "#problems").get_column_at(2))
        await pilot.press("home", *["down"] * at, "enter")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
        assert key_of(app, "#days") == str(first.day_ids[0])
        await pilot.press(KEYS["problems"])
        await settle(pilot)
        await pilot.press("home", *["down"] * at, "p")
        await settle(pilot)
        assert isinstance(app.screen, PeopleScreen)
        assert key_of(app, "#people") == str(first.person_id)


# --- the cursor, today, finding, Home and End ----------------------------------------------------


async def test_after_adding_a_day_the_cursor_is_on_it(
    demo_path: str, db: sqlite_utils.Database
) -> None:
    app = desk_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("a", "enter")
        await settle(pilot)
        newest = max(d.day.id for d in schedule.list_days(db))
        assert key_of(app, "#days") == str(newest)


async def test_after_calling_someone_the_cursor_is_on_them_with_their_own_time(
    demo_path: str, db: sqlite_utils.Database
) -> None:
    day = todays_main(db).day
    called = {line.call.person_id for line in schedule.calls_for_day(db, day.id)}
    rows = db.execute("SELECT id, name FROM people WHERE kind = 'crew' ORDER BY name").fetchall()
    person_id, name = next((pid, n) for pid, n in rows if pid not in called)
    app = desk_app(demo_path, actor="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("c", *name, "tab")
        await fill(pilot, "06:15")
        await pilot.press("enter")
        await settle(pilot)
        call = schedule.call_of(db, day.id, person_id)
        assert call is not None and f"{call.call_at:%H:%M}" == "06:15"
        assert key_of(app, "#calls") == str(call.id)
        # Set as they were called: no "your call moved" for a call made a moment ago.
        assert (
            db.execute(
                "SELECT count(*) FROM notice_recipients WHERE person_id = ?", [person_id]
            ).fetchone()[0]
            == 0
        )
        assert (
            db.execute(
                "SELECT actor FROM events WHERE kind = ? ORDER BY id DESC LIMIT 1",
                [EventKind.CALL_ADDED],
            ).fetchone()[0]
            == "alice"
        )


async def test_after_adding_a_person_the_cursor_is_on_them(
    demo_path: str, db: sqlite_utils.Database
) -> None:
    app = desk_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(KEYS["people"])
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await fill(pilot, "Zz Newcomer")
        await pilot.press("enter")
        await settle(pilot)
        (added,) = db.execute("SELECT id FROM people WHERE name = 'Zz Newcomer'").fetchone()
        assert key_of(app, "#people") == str(added)


async def test_after_adding_a_location_the_cursor_is_on_it(
    demo_path: str, db: sqlite_utils.Database
) -> None:
    app = desk_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(KEYS["locations"])
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await fill(pilot, "Aardvark Yard")
        await pilot.press("enter")
        await settle(pilot)
        (added,) = db.execute("SELECT id FROM locations WHERE name = 'Aardvark Yard'").fetchone()
        assert key_of(app, "#locations") == str(added)


async def test_g_t_goes_to_today_and_home_end_walk_the_table(
    demo_path: str, db: sqlite_utils.Database
) -> None:
    today = todays_main(db).day
    app = desk_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        days = table(app, "#days")
        await pilot.press("end")
        assert days.cursor_row == days.row_count - 1
        await pilot.press("home")
        assert days.cursor_row == 0
        await pilot.press(KEYS["contracts"])
        await settle(pilot)
        await pilot.press("g", "t")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
        assert key_of(app, "#days") == str(today.id)


async def test_slash_finds_within_the_days_calls(demo_path: str, db: sqlite_utils.Database) -> None:
    lines = schedule.calls_for_day(db, todays_main(db).day.id)
    wanted = lines[len(lines) // 2].name
    app = desk_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *wanted)
        await settle(pilot)
        shown = names_in(app, "#calls")
        assert wanted in shown and len(shown) < len(lines)
        assert all(wanted.casefold() in n.casefold() for n in shown)
        await pilot.press("enter")
        assert table(app, "#calls").has_focus
        await pilot.press("escape")
        await settle(pilot)
        assert len(names_in(app, "#calls")) == len(lines)
        assert not app.screen.query_one("#call-search", Input).display


# --- bulk scheduling -----------------------------------------------------------------------------


async def test_shift_a_department_with_its_preview(
    demo_path: str, db: sqlite_utils.Database
) -> None:
    day = todays_main(db).day
    grips = {
        line.call.person_id: line.call.call_at
        for line in schedule.calls_for_day(db, day.id)
        if line.department == "Grip"
    }
    assert grips
    before = events(db)
    app = desk_app(demo_path, actor="alice")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("S", *"grip", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PreviewDialog)
        shown = str(app.screen.query_one("#preview-text", Static).render())
        assert f"Notices it will send: {len(grips)}" in shown
        assert "your call moved" in shown
        assert events(db) == before  # the preview wrote nothing
        await pilot.press("y")
        await settle(pilot)
    after = {line.call.person_id: line.call.call_at for line in schedule.calls_for_day(db, day.id)}
    assert all((after[pid] - at).total_seconds() == 30 * 60 for pid, at in grips.items())
    rows = db.execute(
        "SELECT actor FROM events WHERE kind = ? AND id > ?", [EventKind.CALL_UPDATED, before]
    ).fetchall()
    assert rows == [("alice",)] * len(grips)  # one event per person


async def test_staff_a_new_day_from_an_earlier_one_and_a_department(
    demo_path: str, db: sqlite_utils.Database
) -> None:
    app = desk_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("a", "enter")  # a new day after the last, cursor on it
        await settle(pilot)
        new_day = max(schedule.list_days(db), key=lambda d: d.day.id).day
        source = [d for d in schedule.list_days(db) if d.called and d.day.date < new_day.date][-1]
        await pilot.press("C")
        await settle(pilot)
        assert isinstance(app.screen, DayChoice)
        await pilot.press("enter")  # the nearest earlier staffed day is offered first
        await settle(pilot)
        assert isinstance(app.screen, PreviewDialog)
        shown = str(app.screen.query_one("#preview-text", Static).render())
        assert f"{source.called} people" in shown and "Notices it will send: none" in shown
        await pilot.press("y")
        await settle(pilot)
        assert len(schedule.calls_for_day(db, new_day.id)) == source.called
        await pilot.press("R", *"catering", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PreviewDialog)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("D", *"catering", "enter", "y")
        await settle(pilot)
    lines = schedule.calls_for_day(db, new_day.id)
    caterers = db.execute("SELECT count(*) FROM people WHERE department = 'Catering'").fetchone()
    assert sum(1 for line in lines if line.department == "Catering") == caterers[0]


async def test_a_bulk_form_marks_an_ambiguous_department(demo_path: str) -> None:
    app = desk_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("D", *"ca", "enter")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog)
        error = str(app.screen.query_one("#error-department", Static).render())
        assert "could be Camera, Cast, Catering" in error


# --- more than one coordinator -------------------------------------------------------------------


def write_bindings() -> list[tuple[str, str, str]]:
    """(mode, key, action) for every key a view binds that is not one of its READS."""
    found = []
    for mode, view in SCREENS.items():
        for binding in view.__dict__.get("BINDINGS", []):  # its own, not Screen's tab keys
            assert isinstance(binding, Binding)
            if binding.action not in view.READS:
                found.append((mode, binding.key.split(",")[0], binding.action))
    return found


async def test_a_read_only_desk_refuses_every_write_key(
    demo_path: str, db: sqlite_utils.Database
) -> None:
    before = events(db)
    app = desk_app(demo_path, read_only=True)
    checked = write_bindings()
    assert len(checked) >= 20
    assert {mode for mode, _, _ in checked} >= {"stock", "plan", "deliveries", "arrivals"}
    said: list[tuple[str, str]] = []
    notify = app.notify

    def heard(message: str, *, title: str = "", **options: object) -> None:
        said.append((title, message))
        notify(message, title=title, **options)  # type: ignore[arg-type]

    app.notify = heard  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for mode, key, action in checked:
            await pilot.press(KEYS[mode])
            await settle(pilot)
            said.clear()
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, DeskScreen), f"{mode}: {key} ({action}) opened a dialog"
            assert [t for t, _ in said] == ["Read-only"], f"{mode}: {key} ({action}): {said}"
        # Whole-production commands that write are refused from the palette too.
        said.clear()
        await palette_offers(pilot, "invite", "Invite everyone")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        assert said and "Invite everyone" in said[-1][1]
        # What only looks still works: a person's devices (but not signing one out), the search.
        await pilot.press(KEYS["people"])
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SessionsDialog)
        said.clear()
        await pilot.press("x")
        await settle(pilot)
        assert [t for t, _ in said] == ["Read-only"]
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("slash", *"a")
        assert isinstance(app.focused, Input)
    assert events(db) == before


async def test_a_read_only_desk_cannot_write_even_past_the_keys(demo_path: str) -> None:
    """The connections themselves are read-only: a write that slipped past is SQLite's to
    refuse."""
    import sqlite3

    from tui.data import opened

    with (
        opened(demo_path, read_only=True) as db,
        pytest.raises(sqlite3.OperationalError, match=r"readonly"),
    ):
        db.execute("UPDATE production SET name = 'x'")


async def test_two_desks_on_one_file_the_stale_save_names_the_other(
    demo_path: str, db: sqlite_utils.Database
) -> None:
    day = todays_main(db).day
    alice, bob = desk_app(demo_path, actor="alice"), desk_app(demo_path, actor="bob")
    async with alice.run_test(size=(120, 40)) as a:
        await settle(a)
        await a.press("e")
        await settle(a)
        await a.press(*["tab"] * 5)
        await fill(a, "alice's scenes")
        async with bob.run_test(size=(120, 40)) as b:
            await settle(b)
            await b.press("e")
            await settle(b)
            await b.press(*["tab"] * 6)
            await fill(b, "bob was here")
            await b.press("enter")
            await settle(b)
            assert isinstance(bob.screen, ScheduleScreen)
        await a.press("enter")
        await settle(a)
        assert isinstance(alice.screen, FormDialog)  # still open, with what alice typed
        assert alice.screen.values()["scenes"] == "alice's scenes"
        said = str(alice.screen.query_one("#error-form", Static).render())
        assert "since you opened it: bob (day updated)" in said
        assert "notes 'bob was here'" in said
        assert "Changed by bob: yours not saved" in [n.title for n in alice._notifications]
    kept = schedule.get_day(db, day.id)
    assert (kept.scenes, kept.notes) == (day.scenes, "bob was here")


async def test_the_changes_view_shows_who(demo_path: str, db: sqlite_utils.Database) -> None:
    app = desk_app(demo_path, actor="dana")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("tab", "tab")
        await fill(pilot, "08:20")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press(KEYS["changes"])
        await settle(pilot)
        notices = table(app, "#notices")
        assert str(notices.get_row_at(0)[2]) == "dana"


def test_every_view_is_in_the_navbar_and_reachable() -> None:
    assert set(SCREENS) == {mode for _, mode, _ in VIEWS}
    assert len({key for key, _, _ in VIEWS}) == len(VIEWS)  # one key, one view


async def test_a_read_only_desk_may_still_export(demo_path: str, tmp_path: object) -> None:
    """Writing a spreadsheet out changes nothing in the production: a director may."""
    from pathlib import Path

    out = Path(str(tmp_path)) / "schedule.json"
    app = desk_app(demo_path, read_only=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await palette_offers(pilot, "export sched", "Export schedule")
        found = app.screen.query_one(OptionList)
        found.highlighted = next(
            i
            for i in range(found.option_count)
            if "Export schedule" in str(found.get_option_at_index(i).prompt)
        )
        await pilot.press("enter")
        await settle(pilot)
        await fill(pilot, str(out))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ScheduleScreen)
    assert out.read_text().startswith("[")


async def test_after_drafting_a_contract_the_cursor_is_on_it(
    demo_path: str, db: sqlite_utils.Database
) -> None:
    app = desk_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press(KEYS["contracts"])
        await settle(pilot)
        keys = list(app.screen.rows)  # type: ignore[attr-defined]
        index = next(i for i, key in enumerate(keys) if key.endswith(":0"))
        person_id = int(keys[index].split(":")[0])
        await pilot.press("home", *["down"] * index, "n")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        (contract_id,) = db.execute(
            "SELECT id FROM contracts WHERE person_id = ? ORDER BY id DESC LIMIT 1", [person_id]
        ).fetchone()
        assert key_of(app, "#checklist") == f"{person_id}:{contract_id}"


@pytest.mark.parametrize("mode", list(SCREENS))
async def test_every_key_of_a_view_fits_the_footer_at_80_columns(demo_path: str, mode: str) -> None:
    app = desk_app(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(KEYS[mode])
        await settle(pilot)
        footer = app.screen.query_one(Footer)
        palette = footer.query_one(".-command-palette", FooterKey)
        keys = [k for k in footer.query(FooterKey) if k is not palette]
        active = app.screen.active_bindings.values()
        shown = [a for a in active if a.binding.show and a.node is app.screen]
        assert len(keys) == len(shown)
        widest = max((k.region.right for k in [*keys, *footer.query(FooterLabel)]), default=0)
        assert widest <= palette.region.x, f"{mode}: the footer runs under the palette key"
