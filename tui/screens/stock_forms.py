"""The Stock view's forms: receive stock or a purchase order, add a unit, book gear to a day,
issue walkies. Each builder returns the form, or a sentence saying why there is none yet."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import sqlite_utils

from schema import gear, purchasing, stock, validate
from schema.gear import Booking, UnitLine
from schema.schedule import DaySummary
from schema.stock import Item, ItemKind, ItemStock, MoveIn, MoveKind, Place, PlaceKind
from tui.context import Desk
from tui.dialogs.form import Field, FormDialog, Values
from tui.dialogs.parse import whole_number


def receive_form(desk: Desk, items: list[ItemStock], places: list[Place]) -> FormDialog | str:
    # Equipment arrives as labelled units (new_unit_form, gear.add_unit), not as counts.
    counted = [s.item for s in items if s.item.kind != ItemKind.EQUIPMENT]
    if not counted:
        return "No items to receive yet: add one with `callboard stock add-item`"
    stores = stores_of(places)
    fields = [
        Field("item_id", "Item", str(counted[0].id), options=options_of(counted)),
        Field("quantity", "Quantity", ""),
        Field("to", "Into", str(stores[0].id) if stores else "", options=options_of(stores)),
        Field("reason", "Delivery note or reason", ""),
    ]
    now, actor = desk.now(), desk.actor

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

    return FormDialog(desk, "Receive stock", fields, save, lambda _: "Received")


def order_in_form(
    desk: Desk, orders: list[purchasing.PurchaseView], places: list[Place]
) -> FormDialog | str:
    stores = stores_of(places)
    if not orders or not stores:
        return "No purchase order is waiting: `callboard stock order` places one"
    choices = tuple((order_choice(o), str(o.order.id)) for o in orders)
    fields = [
        Field("order_id", "Purchase order", choices[0][1], options=choices),
        Field("to", "Into", str(stores[0].id), options=options_of(stores)),
        Field("arrived", "What arrived", placeholder="blank: all still due; or Screws=200"),
    ]
    now, actor = desk.now(), desk.actor

    def save(db: sqlite_utils.Database, values: Values) -> purchasing.PurchaseView:
        order_id = int(values["order_id"])
        view = purchasing.get(db, order_id)
        arrived = purchasing.arrived_from_text(db, view, values["arrived"])
        to = int(values["to"])
        return purchasing.receive(db, order_id, to, arrived or None, actor=actor, now=now)

    def received(view: purchasing.PurchaseView) -> str:
        state = view.order.status.replace("_", " ")
        return f"Received against order {view.order.id} from {view.vendor_name}: {state}"

    return FormDialog(desk, "Receive a purchase order", fields, save, received)


def new_unit_form(
    desk: Desk,
    items: list[ItemStock],
    places: list[Place],
    landed: Callable[[gear.Unit], None],
) -> FormDialog | str:
    kinds = [s.item for s in items if s.item.kind == ItemKind.EQUIPMENT]
    if not kinds:
        return "No equipment items yet: add one with `callboard stock add-item`"
    stores = stores_of(places)
    if not stores:
        return "No place to keep it yet: add one with `callboard stock add-place`"
    fields = [
        Field("item_id", "Item", str(kinds[0].id), options=options_of(kinds)),
        Field("label", "Label", placeholder="e.g. Walkie 13"),
        Field("kit", "Kit (blank: none)", placeholder="e.g. Camera A"),
        Field("home", "Kept at", str(stores[0].id), options=options_of(stores)),
    ]
    now, actor = desk.now(), desk.actor

    def save(db: sqlite_utils.Database, values: Values) -> gear.Unit:
        home, item_id = int(values["home"]), int(values["item_id"])
        label, kit = values["label"], values["kit"]
        return gear.add_unit(db, item_id, label, home_place_id=home, kit=kit, actor=actor, now=now)

    def added(unit: gear.Unit) -> str:
        landed(unit)
        return f"Added {unit.label}: `callboard labels --item {unit.item_id}` prints its label"

    return FormDialog(desk, "New equipment unit", fields, save, added)


def book_form(
    desk: Desk, units: list[UnitLine], chosen: UnitLine | None, days: list[DaySummary]
) -> FormDialog | str:
    """Book the chosen unit, or its whole kit, to a shoot day from today on."""
    if not units or not days:
        return "Booking needs equipment units and a shoot day from today on"
    chosen = chosen or units[0]
    kits = sorted({u.unit.kit for u in units if u.unit.kit}, key=str.casefold)
    what = (
        *((f"Kit: {kit}", f"kit:{kit}") for kit in kits),
        *((f"Unit: {u.unit.label}", f"unit:{u.unit.id}") for u in units),
    )
    start = f"kit:{chosen.unit.kit}" if chosen.unit.kit else f"unit:{chosen.unit.id}"
    choices = tuple((day_choice(d), str(d.day.id)) for d in days)
    fields = [
        Field("what", "Book", start, options=what),
        Field("day_id", "To the day", choices[0][1], options=choices),
    ]
    now, actor = desk.now(), desk.actor

    def save(db: sqlite_utils.Database, values: Values) -> list[Booking]:
        kind, _, name = values["what"].partition(":")
        wanted = gear.kit_units(db, name) if kind == "kit" else [int(name)]
        booked = gear.book(db, wanted, int(values["day_id"]), actor=actor, now=now)
        return [b for b in booked if b.unit_id in wanted]

    def booked(found: list[Booking]) -> str:
        if not found:
            return "Booked"
        first = found[0]
        where = first.location_name or "location TBC"
        count = f"{len(found)} unit{'s' if len(found) != 1 else ''}"
        return f"Booked {count} to {first.date:%a %d %b} {first.unit_name} at {where}"

    return FormDialog(desk, "Book gear to a day", fields, save, booked)


def walkies_form(desk: Desk, days: list[DaySummary], departments: list[str]) -> FormDialog | str:
    """Walkies by count to a department for one of today's days, due back at its wrap."""
    today = [d for d in days if d.day.date == desk.today()]
    if not today:
        return "No shoot day today: walkies are issued for a day's work"
    choices = tuple((day_choice(d), str(d.day.id)) for d in today)
    fields = [
        Field("department", "To the department", suggestions=tuple(departments)),
        Field("count", "How many", ""),
        Field("day_id", "For", choices[0][1], options=choices),
    ]
    now, actor = desk.now(), desk.actor

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

    return FormDialog(desk, "Issue walkies", fields, save, issued)


def stores_of(places: list[Place]) -> list[Place]:
    """Where stock can be put from the desk: anywhere but a person (gear goes out by scan)."""
    return [p for p in places if p.kind != PlaceKind.PERSON]


def options_of(things: Sequence[Item | Place]) -> tuple[tuple[str, str], ...]:
    return tuple((thing.name, str(thing.id)) for thing in things)


def order_choice(view: purchasing.PurchaseView) -> str:
    due = sum(line.quantity - line.received for line in view.lines)
    when = f", expected {view.order.expected_on:%a %d %b}" if view.order.expected_on else ""
    return f"{view.order.id}: {view.vendor_name}{when} ({due} still due)"


def day_choice(summary: DaySummary) -> str:
    day = summary.day
    return f"{day.date:%a %d %b} {day.unit} at {summary.location_name or 'location TBC'}"
