"""The Stock and Plan views on the manufacturing demo: low stock, overdue units, overloaded days
and late orders shown; an order started and moved on from the keyboard moves its stock."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils
from textual.widgets import DataTable, Static

from schema import demo, demo_plant, gear, locations, plan, purchasing, schedule, stock
from schema.store.connection import connect
from tests.schema import factories
from tests.tui.conftest import BUILT_AT, TODAY, fill, make_app, settle


def _plant(tmp_path: Path) -> str:
    path = tmp_path / "plant.db"
    db = connect(path)
    demo_plant.build(db, "manufacturing", today=TODAY, now=BUILT_AT)
    db.conn.close()
    return str(path)


@pytest.fixture
def film(tmp_path: Path) -> Iterator[tuple[Path, sqlite_utils.Database]]:
    """The small film demo: its file, and a connection as another process would hold it."""
    path = tmp_path / "film.db"
    db = connect(path)
    demo.build(db, size="small", seed=7, today=TODAY, now=BUILT_AT)
    yield path, db
    db.conn.close()


def _cells(table: DataTable[object]) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def test_stock_view_flags_low_stock_and_overdue_units(tmp_path: Path) -> None:
    app = make_app(_plant(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("8")
        await settle(pilot)
        items = _cells(app.screen.query_one("#stock-items", DataTable))
        assert [(r[0], r[-1]) for r in items if r[-1]] == [("Carton", "low")]
        units = _cells(app.screen.query_one("#stock-units", DataTable))
        assert [r[0] for r in units if r[-1] == "overdue"] == ["Forklift 1"]
        summary = str(app.screen.query_one("#stock-problems", Static).render())
        assert "2 stock problems" in summary


async def test_plan_view_flags_and_moves_an_order(tmp_path: Path) -> None:
    path = _plant(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.current_mode == "plan"  # a plant opens on its plan
        await pilot.press("9")
        await settle(pilot)
        title = str(app.screen.query_one("#plan-title", Static).render())
        assert "Master production plan" in title and "2 overloaded days, 1 late" in title
        orders = app.screen.query_one("#plan-orders", DataTable)
        assert _cells(orders)[0][0] == "4" and _cells(orders)[0][-1] == "late"
        await pilot.press("s")  # start the selected (first) order
        await settle(pilot)
        await pilot.press("n")  # cutting done: on to assembly
        await settle(pilot)
        assert _cells(orders)[0][6] == "Assembly"
    db = connect(path)
    order = plan.get_order(db, 4)
    assembly = next(s for s in plan.stages(db) if s.name == "Assembly")
    assert stock.balance(db, order.wip_item_id, assembly.place_id) == 12


async def test_reschedule_an_order_from_the_plan(tmp_path: Path) -> None:
    from datetime import timedelta

    from tests.tui.conftest import fill

    path = _plant(tmp_path)
    app = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("9")
        await settle(pilot)
        await pilot.press("r")  # the first order: Harrow Hotels, late
        await settle(pilot)
        await fill(pilot, (TODAY - timedelta(days=1)).isoformat())
        await pilot.press("enter")
        await settle(pilot)
        title = str(app.screen.query_one("#plan-title", Static).render())
        assert "0 late" in title
    db = connect(path)
    steps = plan.steps_of(db, 4)
    assert steps[0].start_on == TODAY - timedelta(days=1)


async def test_receive_stock_from_the_stock_view(tmp_path: Path) -> None:
    from tests.tui.conftest import fill

    path = _plant(tmp_path)
    db = connect(path)
    carton = stock.find_item(db, "Carton")
    assert carton is not None
    before = stock.stock(db)
    app = make_app(path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("8")
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        dialog = app.screen
        from textual.widgets import Select

        dialog.query_one("#field-item_id", Select).value = str(carton.id)
        await pilot.press("tab")
        await fill(pilot, "100")
        await pilot.press("enter")
        await settle(pilot)
        items = _cells(app.screen.query_one("#stock-items", DataTable))
        assert [r[-1] for r in items if r[0] == "Carton"] == [""]  # no longer low
    on_hand = {s.item.name: s.on_hand for s in stock.stock(db)}
    was = {s.item.name: s.on_hand for s in before}
    assert on_hand["Carton"] == was["Carton"] + 100


async def test_film_gear_booked_to_tomorrow_follows_a_moved_day(
    film: tuple[Path, sqlite_utils.Database],
) -> None:
    path, db = film
    app = make_app(str(path))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("8")
        await settle(pilot)
        shown = str(app.screen.query_one("#stock-bookings", Static).render())
        assert "Wed 02 Dec Main at" in shown and "Camera A (5 units)" in shown
        [booking, *_] = gear.bookings(db)
        day = schedule.get_day(db, booking.day_id)
        quay = next(p for p in locations.list_locations(db) if p.id != day.location_id)
        schedule.move_day(db, day.id, day.version, location_id=quay.id)  # another process
        await pilot.press("1")
        await settle(pilot)
        await pilot.press("8")
        await settle(pilot)
        shown = str(app.screen.query_one("#stock-bookings", Static).render())
        assert f"Wed 02 Dec Main at {quay.name}: Camera A" in shown


async def test_the_plan_speaks_print_for_a_print_run(tmp_path: Path) -> None:
    path = tmp_path / "print.db"
    db = connect(path)
    demo_plant.build(db, "print", today=TODAY, now=BUILT_AT)
    db.conn.close()
    app = make_app(str(path))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("9")
        await settle(pilot)
        title = str(app.screen.query_one("#plan-title", Static).render())
        assert title.startswith("Press plan") and "Press order: Sport section" in title
        orders = app.screen.query_one("#plan-orders", DataTable)
        assert [str(c.label) for c in orders.ordered_columns][1:4] == ["Section", "Qty", "Desk"]
        grid = app.screen.query_one("#plan-grid", DataTable)
        assert str(grid.ordered_columns[0].label) == "Stages"


async def test_gear_booked_twice_at_once_is_a_problem_on_the_schedule(
    film: tuple[Path, sqlite_utils.Database],
) -> None:
    path, db = film
    [booking, *_] = gear.bookings(db)
    first = schedule.get_day(db, booking.day_id)
    second = factories.day(db, first.date, unit="Second", location_id=first.location_id)
    gear.book(db, [booking.unit_id], second.id, now=BUILT_AT)
    app = make_app(str(path))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await app.open_day(second.id)
        await settle(pilot)
        shown = str(app.screen.query_one("#day-problems", Static).render())
        assert f"{booking.label} is booked on two days at once" in shown


async def test_add_a_unit_and_book_it_to_a_day_from_the_stock_view(
    film: tuple[Path, sqlite_utils.Database],
) -> None:
    path, db = film
    app = make_app(str(path))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("8")
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("tab")
        await fill(pilot, "Walkie 99")
        await pilot.press("ctrl+s")
        await settle(pilot)
        [unit] = [u.unit for u in gear.list_units(db) if u.unit.label == "Walkie 99"]
        units = app.screen.query_one("#stock-units", DataTable)
        assert _cells(units)[units.cursor_row][0] == "Walkie 99"  # the cursor is on it

        await pilot.press("d")  # book the unit under the cursor to the first day from today
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        [first, *_] = schedule.list_days(db, start=TODAY)
        assert [b.day_id for b in gear.bookings(db, unit_id=unit.id)] == [first.day.id]
        shown = str(app.screen.query_one("#stock-bookings", Static).render())
        assert f"{first.day.date:%a %d %b}" in shown


async def test_issue_walkies_to_a_department_for_today(
    film: tuple[Path, sqlite_utils.Database],
) -> None:
    path, db = film
    [today, *_] = [d for d in schedule.list_days(db, start=TODAY) if d.day.date == TODAY]
    before = {w.department: w.issued for w in gear.walkie_report(db, today.day.id)}
    app = make_app(str(path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("8")
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        await fill(pilot, "Locations")
        await pilot.press("tab")
        await fill(pilot, "lots")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "whole number" in str(app.screen.query_one("#error-count", Static).render())
        await fill(pilot, "2")
        await pilot.press("ctrl+s")
        await settle(pilot)
        shown = str(app.screen.query_one("#stock-bookings", Static).render())
        assert "Locations: 2 issued, 0 back" in shown
    after = {w.department: w.issued for w in gear.walkie_report(db, today.day.id)}
    assert after == {**before, "Locations": before.get("Locations", 0) + 2}


async def test_receive_a_purchase_order_in_part_then_in_full(tmp_path: Path) -> None:
    path = _plant(tmp_path)
    db = connect(path)
    [first, *_] = [o for o in purchasing.list_orders(db) if o.order.status != "received"]
    [line] = first.lines
    name = stock.get_item(db, line.item_id).name
    app = make_app(path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("8")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("tab", "tab")
        await fill(pilot, f"{name.upper()}=4")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert purchasing.get(db, first.order.id).lines[0].received == line.received + 4
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("ctrl+s")  # blank: everything still due
        await settle(pilot)
    after = purchasing.get(db, first.order.id)
    assert after.order.status == purchasing.OrderStatus.RECEIVED
    assert after.lines[0].received == line.quantity
    db.conn.close()


def test_missing_walkies_are_listed_first_however_many_departments() -> None:
    from schema.gear import WalkieLine
    from tui.screens.stock import walkie_lines

    lines = [WalkieLine(department=f"Dept {n}", issued=2, returned=2, missing=[]) for n in range(5)]
    lines.append(WalkieLine(department="Grip", issued=3, returned=1, missing=["Walkie 07"]))
    shown = walkie_lines(lines).plain
    assert shown.index("Grip: 3 issued, 1 back, missing Walkie 07") < shown.index("Dept 0")
    assert "and 2 more departments" in shown and "with walkies missing" not in shown
