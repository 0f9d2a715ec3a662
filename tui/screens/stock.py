"""Stock: items with what is on hand (low ones flagged), equipment units and who has them;
receive stock, add a unit, book a unit or a kit to a shoot day, issue walkies to a department
for today, take a unit back."""

from __future__ import annotations

from typing import Any, NamedTuple

import sqlite_utils
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from schema import directory, gear, problems, purchasing, schedule, stock
from schema.event_kinds import family
from schema.gear import Booking, UnitLine, WalkieLine
from schema.problems import StockProblem
from schema.schedule import DaySummary
from schema.stock import ItemStock, Place
from tui.context import Desk
from tui.dialogs.form import FormDialog
from tui.screens import stock_forms as forms
from tui.screens.base import DeskScreen
from tui.widgets.tables import Row, Table, clip, refill, selected_key


class StockData(NamedTuple):
    items: list[ItemStock]
    units: list[UnitLine]
    problems: list[StockProblem]
    bookings: list[Booking]
    places: list[Place]
    days: list[DaySummary]  # from today on: what gear can be booked to
    walkies: list[WalkieLine]  # issued for today's days
    departments: list[str]
    orders: list[purchasing.PurchaseView]  # purchase orders with something still due


def load(desk: Desk) -> Any:
    def query(db: sqlite_utils.Database) -> StockData:
        now = desk.now()
        today = desk.today()
        days = schedule.list_days(db, start=today)
        todays = [d.day.id for d in days if d.day.date == today]
        return StockData(
            stock.stock(db),
            gear.list_units(db, now=now),
            problems.find_stock(db, now=now),
            [b for b in gear.bookings(db) if b.date >= today],
            stock.list_places(db),
            days,
            [line for day_id in todays for line in gear.walkie_report(db, day_id, now=now)],
            directory.departments(db),
            [
                o
                for o in purchasing.list_orders(db)
                if o.order.status != purchasing.OrderStatus.RECEIVED
            ],
        )

    return query


class StockScreen(DeskScreen):
    VIEW = "stock"
    WATCH = family("stock", "equipment", "purchase", "plan")
    BINDINGS = [
        Binding("i", "receive", "Receive"),
        Binding("o", "receive_order", "Order in", tooltip="Receive a purchase order, all or part"),
        Binding("n", "new_unit", "New unit"),
        Binding("d", "book_to_day", "Book to day"),
        Binding("w", "issue_walkies", "Walkies", tooltip="Issue walkies to a department for today"),
        Binding("b", "bring_back", "Unit back"),
    ]

    def __init__(self, desk: Desk) -> None:
        super().__init__(desk)
        self.units: dict[int, UnitLine] = {}
        self.data: StockData | None = None
        self.land_unit: str | None = None  # a unit just added: the cursor goes to it

    def compose_view(self) -> ComposeResult:
        with Vertical(id="stock-body"):
            yield Static("", id="stock-problems", markup=False)
            yield Static("", id="stock-bookings", markup=False)
            yield Table(id="stock-items", cursor_type="row", zebra_stripes=True)
            yield Table(id="stock-units", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one("#stock-items", DataTable).add_columns(
            "Item", "Kind", "On hand", "Reorder", "Where", "⚠"
        )
        self.query_one("#stock-units", DataTable).add_columns(
            "Unit", "Item", "Where", "Due back", "⚠"
        )
        self.query_one("#stock-items", DataTable).focus()

    def reload(self) -> None:
        self.fetch("stock", load(self.desk), self.show_stock)

    def show_stock(self, data: StockData) -> None:
        self.data = data
        shown = booking_lines(data.bookings).append_text(walkie_lines(data.walkies))
        self.query_one("#stock-bookings", Static).update(shown)
        refill(self.query_one("#stock-items", DataTable), [item_row(s) for s in data.items])
        self.units = {u.unit.id: u for u in data.units}
        units = self.query_one("#stock-units", DataTable)
        refill(units, [unit_row(u) for u in data.units], self.land_unit)
        if self.land_unit is not None and int(self.land_unit) in self.units:
            self.land_unit = None
            units.focus()
        found = [p for p in data.problems if p.kind in LISTED]
        text = Text(f"{len(found)} stock problem{'s' if len(found) != 1 else ''}", style="bold")
        for problem in found[:4]:
            text.append(f"\n  {problem.message}", style="red")
        self.query_one("#stock-problems", Static).update(text)

    def chosen_unit(self) -> UnitLine | None:
        key = selected_key(self.query_one("#stock-units", DataTable))
        return self.units.get(int(key)) if key else None

    def action_bring_back(self) -> None:
        line = self.chosen_unit()
        if line is None or not line.out:
            self.notify("Choose a unit that is out", timeout=4)
            return
        now, actor = self.desk.now(), self.desk.actor
        self.change(
            lambda db: gear.return_unit(db, line.unit.id, accepted_by=actor, actor=actor, now=now),
            done=f"{line.unit.label} is back",
        )

    def open_form(self, form: FormDialog | str) -> None:
        if isinstance(form, str):
            self.notify(form)
        else:
            self.app.push_screen(form)

    def action_receive(self) -> None:
        if (data := self.data) is not None:
            self.open_form(forms.receive_form(self.desk, data.items, data.places))

    def action_receive_order(self) -> None:
        if (data := self.data) is not None:
            self.open_form(forms.order_in_form(self.desk, data.orders, data.places))

    def action_new_unit(self) -> None:
        if (data := self.data) is not None:
            self.open_form(forms.new_unit_form(self.desk, data.items, data.places, self.land_on))

    def land_on(self, unit: gear.Unit) -> None:
        self.land_unit = str(unit.id)

    def action_book_to_day(self) -> None:
        if (data := self.data) is not None:
            self.open_form(forms.book_form(self.desk, data.units, self.chosen_unit(), data.days))

    def action_issue_walkies(self) -> None:
        if (data := self.data) is not None:
            self.open_form(forms.walkies_form(self.desk, data.days, data.departments))


def booking_lines(bookings: list[Booking]) -> Text:
    """Gear booked ahead, one line per day and kit: follows the day's date and location."""
    grouped: dict[tuple[int, str], list[Booking]] = {}
    for booking in bookings:
        grouped.setdefault((booking.day_id, booking.kit or booking.label), []).append(booking)
    text = Text("Booked ahead", style="bold")
    if not grouped:
        text.append(": nothing", style="dim")
    for (_, kit), held in list(grouped.items())[:3]:
        first = held[0]
        where = first.location_name or "location TBC"
        text.append(f"\n  {first.date:%a %d %b} {first.unit_name} at {where}: {kit}")
        text.append(f" ({len(held)} unit{'s' if len(held) != 1 else ''})", style="dim")
    return text


SHOWN_WALKIES = 4


def walkie_lines(walkies: list[WalkieLine]) -> Text:
    """Today's walkies per department: out, back, and (after wrap) the missing ones."""
    text = Text("\nWalkies today", style="bold")
    if not walkies:
        text.append(": none issued (w issues them)", style="dim")
    ordered = sorted(walkies, key=lambda line: not line.missing)  # the missing ones first
    shown, more = ordered[:SHOWN_WALKIES], ordered[SHOWN_WALKIES:]
    for line in shown:
        text.append(f"\n  {line.department or 'no department'}: {line.issued} issued,")
        text.append(f" {line.returned} back")
        if line.missing:
            text.append(f", missing {', '.join(line.missing)}", style="bold red")
    if more:
        text.append(f"\n  and {len(more)} more departments", style="dim")
        if any(line.missing for line in more):
            text.append(" with walkies missing", style="bold red")
    return text


LISTED = {
    problems.StockProblemKind.LOW_STOCK,
    problems.StockProblemKind.UNIT_OVERDUE,
    problems.StockProblemKind.RENTAL_OVERDUE,
    problems.StockProblemKind.GEAR_DOUBLE_BOOKED,
}


def item_row(line: ItemStock) -> Row:
    item = line.item
    where = ", ".join(f"{b.place_name} {b.quantity}" for b in line.places)
    return Row(
        str(item.id),
        (
            clip(item.name, 26),
            item.kind.replace("_", " "),
            Text(f"{line.on_hand} {item.unit}", justify="right"),
            str(item.reorder_level or ""),
            clip(where, 30),
            Text("low", style="bold red") if line.low else "",
        ),
    )


def unit_row(line: UnitLine) -> Row:
    due = line.unit.due_back_at
    return Row(
        str(line.unit.id),
        (
            clip(line.unit.label, 16),
            clip(line.item_name, 20),
            clip(line.holder_name or line.place_name, 22),
            f"{due:%a %d %b %H:%M}" if due and line.out else "",
            Text("overdue", style="bold red") if line.overdue else "",
        ),
    )
