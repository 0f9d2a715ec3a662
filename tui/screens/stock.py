"""Stock: items with what is on hand (low ones flagged), equipment units and who has them;
receive stock, add a unit, book a unit or a kit to a shoot day, issue walkies to a department
for today, take a unit back."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import sqlite_utils
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from schema import directory, gear, problems, purchasing, schedule, stock, validate
from schema.event_kinds import family
from schema.gear import Booking, UnitLine, WalkieLine
from schema.problems import StockProblem
from schema.schedule import DaySummary
from schema.stock import Item, ItemKind, ItemStock, MoveIn, MoveKind, Place, PlaceKind
from tui.context import Desk
from tui.dialogs.form import Field, FormDialog, Values
from tui.dialogs.parse import whole_number
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

    def action_bring_back(self) -> None:
        key = selected_key(self.query_one("#stock-units", DataTable))
        line = self.units.get(int(key)) if key else None
        if line is None or not line.out:
            self.notify("Choose a unit that is out", timeout=4)
            return
        now, actor = self.desk.now(), self.desk.actor
        self.change(
            lambda db: gear.return_unit(db, line.unit.id, accepted_by=actor, actor=actor, now=now),
            done=f"{line.unit.label} is back",
        )

    def chosen_unit(self) -> UnitLine | None:
        key = selected_key(self.query_one("#stock-units", DataTable))
        return self.units.get(int(key)) if key else None

    def action_new_unit(self) -> None:
        if self.data is None:
            return
        kinds = [s.item for s in self.data.items if s.item.kind == ItemKind.EQUIPMENT]
        if not kinds:
            self.notify("No equipment items yet: add one with `callboard stock add-item`")
            return
        stores = [p for p in self.data.places if p.kind != PlaceKind.PERSON]
        if not stores:
            self.notify("No place to keep it yet: add one with `callboard stock add-place`")
            return
        fields = [
            Field("item_id", "Item", str(kinds[0].id), options=options_of(kinds)),
            Field("label", "Label", placeholder="e.g. Walkie 13"),
            Field("kit", "Kit (blank: none)", placeholder="e.g. Camera A"),
            Field("home", "Kept at", str(stores[0].id), options=options_of(stores)),
        ]
        now, actor = self.desk.now(), self.desk.actor

        def save(db: sqlite_utils.Database, values: Values) -> gear.Unit:
            home = int(values["home"])
            item_id = int(values["item_id"])
            label, kit = values["label"], values["kit"]
            return gear.add_unit(
                db, item_id, label, home_place_id=home, kit=kit, actor=actor, now=now
            )

        def added(unit: gear.Unit) -> str:
            self.land_unit = str(unit.id)
            return f"Added {unit.label}: `callboard labels --item {unit.item_id}` prints its label"

        self.app.push_screen(FormDialog(self.desk, "New equipment unit", fields, save, added))

    def action_book_to_day(self) -> None:
        if self.data is None:
            return
        if not self.data.units or not self.data.days:
            self.notify("Booking needs equipment units and a shoot day from today on")
            return
        chosen = self.chosen_unit() or self.data.units[0]
        kits = sorted({u.unit.kit for u in self.data.units if u.unit.kit}, key=str.casefold)
        what = [
            *((f"Kit: {kit}", f"kit:{kit}") for kit in kits),
            *((f"Unit: {u.unit.label}", f"unit:{u.unit.id}") for u in self.data.units),
        ]
        start = f"kit:{chosen.unit.kit}" if chosen.unit.kit else f"unit:{chosen.unit.id}"
        days = [(day_choice(d), str(d.day.id)) for d in self.data.days]
        fields = [
            Field("what", "Book", start, options=tuple(what)),
            Field("day_id", "To the day", days[0][1], options=tuple(days)),
        ]
        now, actor = self.desk.now(), self.desk.actor

        def save(db: sqlite_utils.Database, values: Values) -> list[Booking]:
            kind, _, name = values["what"].partition(":")
            units = gear.kit_units(db, name) if kind == "kit" else [int(name)]
            booked = gear.book(db, units, int(values["day_id"]), actor=actor, now=now)
            return [b for b in booked if b.unit_id in units]

        def booked(found: list[Booking]) -> str:
            if not found:
                return "Booked"
            first = found[0]
            where = first.location_name or "location TBC"
            units = f"{len(found)} unit{'s' if len(found) != 1 else ''}"
            return f"Booked {units} to {first.date:%a %d %b} {first.unit_name} at {where}"

        self.app.push_screen(FormDialog(self.desk, "Book gear to a day", fields, save, booked))

    def action_issue_walkies(self) -> None:
        if self.data is None:
            return
        today = [d for d in self.data.days if d.day.date == self.desk.today()]
        if not today:
            self.notify("No shoot day today: walkies are issued for a day's work")
            return
        days = tuple((day_choice(d), str(d.day.id)) for d in today)
        fields = [
            Field("department", "To the department", suggestions=tuple(self.data.departments)),
            Field("count", "How many", ""),
            Field("day_id", "For", days[0][1], options=days),
        ]
        now, actor = self.desk.now(), self.desk.actor

        def save(db: sqlite_utils.Database, values: Values) -> list[gear.Unit]:
            with validate.checks() as check:
                department = check(validate.text, values["department"], "department", required=True)
                count = check(whole_number, values["count"], "count")
            return gear.issue_walkies(
                db, department, count, int(values["day_id"]), actor=actor, now=now
            )

        def issued(units: list[gear.Unit]) -> str:
            due = units[0].due_back_at if units else None
            back = f", due back at {due:%H:%M}" if due else ""
            return f"Issued {', '.join(u.label for u in units)}{back}"

        self.app.push_screen(FormDialog(self.desk, "Issue walkies", fields, save, issued))

    def action_receive_order(self) -> None:
        if self.data is None:
            return
        stores = [p for p in self.data.places if p.kind != PlaceKind.PERSON]
        if not self.data.orders or not stores:
            self.notify("No purchase order is waiting: `callboard stock order` places one")
            return
        orders = tuple((order_choice(o), str(o.order.id)) for o in self.data.orders)
        fields = [
            Field("order_id", "Purchase order", orders[0][1], options=orders),
            Field("to", "Into", str(stores[0].id), options=options_of(stores)),
            Field("arrived", "What arrived", placeholder="blank: all still due; or Screws=200"),
        ]
        now, actor = self.desk.now(), self.desk.actor

        def save(db: sqlite_utils.Database, values: Values) -> purchasing.PurchaseView:
            order_id = int(values["order_id"])
            view = purchasing.get(db, order_id)
            arrived = purchasing.arrived_from_text(db, view, values["arrived"])
            to = int(values["to"])
            return purchasing.receive(db, order_id, to, arrived or None, actor=actor, now=now)

        def received(view: purchasing.PurchaseView) -> str:
            state = view.order.status.replace("_", " ")
            return f"Received against order {view.order.id} from {view.vendor_name}: {state}"

        form = FormDialog(self.desk, "Receive a purchase order", fields, save, received)
        self.app.push_screen(form)

    def action_receive(self) -> None:
        if self.data is None:
            return
        # Equipment arrives as labelled units (`callboard stock` / gear.add_unit), not as counts.
        items = tuple(
            (s.item.name, str(s.item.id)) for s in self.data.items if s.item.kind != "equipment"
        )
        if not items:
            self.notify("No items to receive yet: add one with `callboard stock add-item`")
            return
        stores = [p for p in self.data.places if p.kind != PlaceKind.PERSON]
        places = tuple((p.name, str(p.id)) for p in stores)
        fields = [
            Field("item_id", "Item", items[0][1], options=items),
            Field("quantity", "Quantity", ""),
            Field("to", "Into", places[0][1] if places else "", options=places),
            Field("reason", "Delivery note or reason", ""),
        ]
        now, actor = self.desk.now(), self.desk.actor

        def save(db: sqlite_utils.Database, values: Values) -> Any:
            with validate.checks() as check:
                quantity = check(whole_number, values["quantity"], "quantity")
                check(validate.text, values["to"], "to", required=True)
            move = MoveIn(
                kind=MoveKind.RECEIVE,
                item_id=int(values["item_id"]),
                quantity=quantity,
                to_place_id=int(values["to"]),
                reason=values["reason"],
            )
            return stock.record(db, move, actor=actor, now=now)

        done = "Received"
        self.app.push_screen(FormDialog(self.desk, "Receive stock", fields, save, lambda _: done))


def options_of(things: Sequence[Item | Place]) -> tuple[tuple[str, str], ...]:
    return tuple((thing.name, str(thing.id)) for thing in things)


def order_choice(view: purchasing.PurchaseView) -> str:
    due = sum(line.quantity - line.received for line in view.lines)
    when = f", expected {view.order.expected_on:%a %d %b}" if view.order.expected_on else ""
    return f"{view.order.id}: {view.vendor_name}{when} ({due} still due)"


def day_choice(summary: DaySummary) -> str:
    day = summary.day
    return f"{day.date:%a %d %b} {day.unit} at {summary.location_name or 'location TBC'}"


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
