"""Stock, equipment and the production plan: `callboard stock ...`, `callboard plan ...` and
`callboard labels`."""

from __future__ import annotations

import argparse
from datetime import date, timedelta
from typing import Any

from cli.common import (
    Commands,
    actor,
    base_url,
    command,
    open_db,
    parse_date,
    print_json,
    warn_if_local,
)
from schema import gear, plan, production, purchasing, stock
from schema.stock import MoveIn, MoveKind
from schema.vocabulary import words


def register(commands: Commands, common: argparse.ArgumentParser) -> None:
    _stock(commands, common)
    _plan(commands, common)
    sub = command(
        commands, common, "labels", "write QR labels for equipment units (or stages)", cmd_labels
    )
    sub.add_argument("--item", type=int, metavar="ID", help="only the units of this item")
    sub.add_argument("--stages", action="store_true", help="labels for the plan's stages")
    sub.add_argument("--out", required=True, metavar="FILE", help="labels.pdf or labels.png")
    sub.add_argument("--replace", action="store_true", help="overwrite existing files")


def _group(
    commands: Commands, common: argparse.ArgumentParser, name: str, help_text: str
) -> Commands:
    parser = commands.add_parser(name, help=help_text, description=help_text)
    parser.set_defaults(handler=lambda _args: parser.print_help() or 0)
    return parser.add_subparsers(title="commands", metavar="COMMAND")


def _stock(commands: Commands, common: argparse.ArgumentParser) -> None:
    group = _group(commands, common, "stock", "items, movements, equipment and purchase orders")
    sub = command(group, common, "items", "items with what is on hand and where", cmd_items)
    sub.add_argument("--json", action="store_true", help="print as JSON")
    sub = command(group, common, "add-item", "a new item", cmd_add_item)
    sub.add_argument("name")
    sub.add_argument("--kind", required=True, help=", ".join(stock.ItemKind))
    sub.add_argument("--unit", default="each")
    sub.add_argument("--reorder-level", type=int, default=0)
    for kind in ("receive", "move", "consume", "adjust"):
        sub = command(group, common, kind, f"record a {kind} in the ledger", cmd_move)
        sub.set_defaults(move_kind=kind)
        sub.add_argument("item", type=int, metavar="ITEM_ID")
        sub.add_argument("quantity", type=int)
        sub.add_argument("--from", dest="source", metavar="PLACE", help="place id or name")
        sub.add_argument("--to", dest="target", metavar="PLACE", help="place id or name")
        sub.add_argument("--reason", default="")
        sub.add_argument("--nonce", help="makes a retry the same movement")
    sub = command(group, common, "places", "the places stock can be", cmd_places)
    sub = command(group, common, "movements", "the ledger, newest first", cmd_movements)
    sub.add_argument("--item", type=int, metavar="ID")
    sub.add_argument("--limit", type=int, default=50)
    sub = command(group, common, "units", "equipment units: where, who, due back", cmd_units)
    sub.add_argument("--json", action="store_true", help="print as JSON")
    sub = command(group, common, "add-unit", "a labelled unit of an equipment item", cmd_add_unit)
    sub.add_argument("item", type=int, metavar="ITEM_ID")
    sub.add_argument("label", help="what is written on it, e.g. 'Walkie 07'")
    sub.add_argument("--home", required=True, metavar="PLACE", help="where it lives")
    sub.add_argument("--kit", default="", help="a package it belongs to, e.g. 'Camera A'")
    sub = command(group, common, "issue", "issue units (walkies) to a department", cmd_issue)
    sub.add_argument("day", type=int, metavar="DAY_ID")
    sub.add_argument("department")
    sub.add_argument("units", type=int, nargs="+", metavar="UNIT_ID")
    sub = command(group, common, "rent", "a hire from a vendor, due back at a day's wrap", cmd_rent)
    sub.add_argument("unit", type=int, metavar="UNIT_ID")
    sub.add_argument("vendor", type=int, metavar="VENDOR_ID")
    sub.add_argument("--from", dest="first", required=True, metavar="DATE")
    sub.add_argument("--last-day", type=int, required=True, metavar="DAY_ID")
    sub = command(group, common, "rentals", "hires and when they are due back", cmd_rentals)
    sub = command(
        group, common, "return-rental", "give a hired unit back to its vendor", cmd_return_rental
    )
    sub.add_argument("rental", type=int, metavar="RENTAL_ID")
    sub = command(group, common, "return", "bring a unit back to its home", cmd_return)
    sub.add_argument("unit", type=int, metavar="UNIT_ID")
    sub = command(group, common, "book", "book units (or a kit) to a day", cmd_book)
    sub.add_argument("day", type=int, metavar="DAY_ID")
    sub.add_argument("--unit", type=int, action="append", default=[], metavar="UNIT_ID")
    sub.add_argument("--kit", help="every unit of this kit, e.g. 'Camera A'")
    sub = command(group, common, "bookings", "gear booked to days", cmd_bookings)
    sub.add_argument("--day", type=int, metavar="DAY_ID")
    sub = command(group, common, "walkies", "walkies issued, back and missing", cmd_walkies)
    sub.add_argument("day", type=int, nargs="?", metavar="DAY_ID", help="default: today's days")
    sub = command(group, common, "orders", "purchase orders and what has arrived", cmd_pos)
    sub = command(group, common, "order", "order items from a vendor", cmd_po_add)
    sub.add_argument("vendor", type=int, metavar="VENDOR_ID")
    sub.add_argument("lines", nargs="+", metavar="ITEM_ID=QTY")
    sub.add_argument("--expected", metavar="DATE")
    sub = command(group, common, "receive-order", "receive a purchase order", cmd_po_receive)
    sub.add_argument("order", type=int, metavar="PO_ID")
    sub.add_argument("--to", dest="target", required=True, metavar="PLACE")
    sub.add_argument("lines", nargs="*", metavar="ITEM_ID=QTY", help="default: all still due")


def _plan(commands: Commands, common: argparse.ArgumentParser) -> None:
    group = _group(commands, common, "plan", "the master production plan")
    sub = command(group, common, "show", "orders over dates by department", cmd_plan_show)
    sub.add_argument("--from", dest="start", metavar="DATE")
    sub.add_argument("--days", type=int, default=14)
    sub.add_argument("--json", action="store_true", help="print as JSON")
    sub = command(group, common, "orders", "production orders and where they are", cmd_orders)
    sub = command(group, common, "add-order", "a client order, released at once", cmd_add_order)
    sub.add_argument("customer")
    sub.add_argument("product", type=int, metavar="PRODUCT_ID")
    sub.add_argument("quantity", type=int)
    sub.add_argument("--due", required=True, metavar="DATE")
    sub.add_argument("--start", required=True, metavar="DATE")
    for name, help_text in (
        ("start", "consume the materials and start an order"),
        ("advance", "the order's current stage is done: move it on"),
        ("ship", "send a finished order out"),
    ):
        sub = command(group, common, name, help_text, cmd_order_step)
        sub.set_defaults(step=name)
        sub.add_argument("order", type=int, metavar="ORDER_ID")
        sub.add_argument("--carrier", default="")
    sub = command(group, common, "reschedule", "move an order's remaining stages", cmd_reschedule)
    sub.add_argument("order", type=int, metavar="ORDER_ID")
    sub.add_argument("start", metavar="DATE")


# --- stock --------------------------------------------------------------------------------------


def cmd_items(args: argparse.Namespace) -> int:
    found = stock.stock(open_db(args))
    if args.json:
        print_json(found)
        return 0
    for line in found:
        flag = "  LOW" if line.low else ""
        print(f"{line.item.id:>4}  {line.item.name:<28} {line.item.kind.replace('_', ' '):<16}"
              f" {line.on_hand:>8} {line.item.unit}{flag}")  # fmt: skip
        for place in line.places:
            print(f"        {place.quantity:>8}  at {place.place_name}")
    return 0


def cmd_add_item(args: argparse.Namespace) -> int:
    item = stock.add_item(
        open_db(args),
        args.name,
        args.kind,
        unit=args.unit,
        reorder_level=args.reorder_level,
        actor=actor(args),
    )
    print(f"Added item {item.id}: {item.name} ({item.kind}, {item.unit})")
    return 0


def cmd_move(args: argparse.Namespace) -> int:
    db = open_db(args)
    source = stock.find_place(db, args.source).id if args.source else None
    target = stock.find_place(db, args.target).id if args.target else None
    moved = stock.record(
        db,
        MoveIn(
            kind=MoveKind(args.move_kind),
            item_id=args.item,
            quantity=args.quantity,
            from_place_id=source,
            to_place_id=target,
            reason=args.reason,
            nonce=args.nonce,
        ),
        actor=actor(args),
    )
    item = stock.get_item(db, args.item)
    print(
        f"Recorded {moved.kind} {moved.quantity} {item.unit} of {item.name} (movement {moved.id})"
    )
    return 0


def cmd_places(args: argparse.Namespace) -> int:
    for place in stock.list_places(open_db(args)):
        print(f"{place.id:>4}  {place.kind:<10}  {place.name}")
    return 0


def cmd_movements(args: argparse.Namespace) -> int:
    db = open_db(args)
    names = {p.id: p.name for p in stock.list_places(db)}
    items = {i.id: i.name for i in stock.list_items(db)}
    for m in stock.movements(db, item_id=args.item, limit=args.limit):
        source = names.get(m.from_place_id or 0, "outside")
        target = names.get(m.to_place_id or 0, "outside")
        name = items[m.item_id]
        print(f"{m.id:>5}  {m.at:%d %b %H:%M}  {m.kind:<9} {m.quantity:>6}  {name:<24}", end="")
        print(f" {source} -> {target}  {m.actor}")
    return 0


def cmd_units(args: argparse.Namespace) -> int:
    found = gear.list_units(open_db(args))
    if args.json:
        print_json(found)
        return 0
    for line in found:
        due = f" due {line.unit.due_back_at:%a %d %b %H:%M}" if line.unit.due_back_at else ""
        flag = "  OVERDUE" if line.overdue else ""
        print(f"{line.unit.id:>4}  {line.unit.label:<16} {line.item_name:<24} {line.unit.code}"
              f"  at {line.place_name}{due}{flag}")  # fmt: skip
    return 0


def cmd_add_unit(args: argparse.Namespace) -> int:
    db = open_db(args)
    home = stock.find_place(db, args.home).id
    unit = gear.add_unit(
        db, args.item, args.label, home_place_id=home, kit=args.kit, actor=actor(args)
    )
    print(f"Added unit {unit.id}: {unit.label}, label code {unit.code}")
    return 0


def cmd_issue(args: argparse.Namespace) -> int:
    issued = gear.issue_to_department(
        open_db(args), args.units, args.department, args.day, actor=actor(args)
    )
    for unit in issued:
        due = f"{unit.due_back_at:%a %d %b %H:%M}" if unit.due_back_at else "?"
        print(f"{unit.label} to {args.department}, due back {due}")
    return 0


def cmd_rent(args: argparse.Namespace) -> int:
    first = parse_date(args.first, "from")
    assert first is not None
    rental = gear.rent(
        open_db(args),
        args.unit,
        args.vendor,
        first_date=first,
        last_day_id=args.last_day,
        actor=actor(args),
    )
    print(f"Rental {rental.id}: from {first:%a %d %b} to the wrap of day {args.last_day}.")
    return 0


def cmd_rentals(args: argparse.Namespace) -> int:
    for line in gear.rentals(open_db(args)):
        due = f"{line.due_back_at:%a %d %b %H:%M}" if line.due_back_at else "no last day"
        state = "returned" if line.rental.returned_at else ("OVERDUE" if line.overdue else "out")
        print(f"{line.rental.id:>4}  {line.label:<16} {line.vendor_name:<24} due {due}  {state}")
    return 0


def cmd_return_rental(args: argparse.Namespace) -> int:
    db = open_db(args)
    rental = gear.return_rental(db, args.rental, actor=actor(args))
    print(f"{gear.get_unit(db, rental.unit_id).label} went back to its vendor.")
    return 0


def cmd_return(args: argparse.Namespace) -> int:
    unit = gear.return_unit(open_db(args), args.unit, actor=actor(args))
    print(f"{unit.label} is back.")
    return 0


def cmd_book(args: argparse.Namespace) -> int:
    db = open_db(args)
    units = list(args.unit) + (gear.kit_units(db, args.kit) if args.kit else [])
    booked = gear.book(db, units, args.day, actor=actor(args))
    for b in booked:
        print(f"{b.label:<16} {b.date:%a %d %b}  {b.unit_name}  {b.location_name or 'TBC'}")
    return 0


def cmd_bookings(args: argparse.Namespace) -> int:
    db = open_db(args)
    for b in gear.bookings(db, day_id=args.day):
        print(f"{b.date:%a %d %b}  day {b.day_id:<4} {b.location_name or 'TBC':<24} {b.label}")
    for c in gear.double_bookings(db):
        print(f"CONFLICT {c.label} is booked on days {c.day_ids[0]} and {c.day_ids[1]} at once")
    return 0


def cmd_walkies(args: argparse.Namespace) -> int:
    db = open_db(args)
    today = production.local_now(production.get(db)).date().isoformat()
    days = [args.day] if args.day else [
        int(r[0]) for r in db.execute("SELECT id FROM days WHERE date = ? ORDER BY id", [today])
    ]  # fmt: skip
    lines = [line for day in days for line in gear.walkie_report(db, day)]
    if not lines:
        print("No walkies issued for that day.")
    for line in lines:
        missing = f"  missing: {', '.join(line.missing)}" if line.missing else ""
        print(f"{line.department:<22} issued {line.issued:>3}  back {line.returned:>3}{missing}")
    return 0


def _lines(texts: list[str]) -> dict[int, int]:
    from schema.errors import InvalidInput

    lines = {}
    for text in texts:
        item, _, quantity = text.partition("=")
        if not item.isdigit() or not quantity.isdigit():
            raise InvalidInput(f"{text!r} is not ITEM_ID=QUANTITY", field="lines")
        lines[int(item)] = int(quantity)
    return lines


def cmd_pos(args: argparse.Namespace) -> int:
    db = open_db(args)
    items = {i.id: i.name for i in stock.list_items(db)}
    for view in purchasing.list_orders(db):
        expected = f" expected {view.order.expected_on}" if view.order.expected_on else ""
        print(f"PO {view.order.id}  {view.vendor_name}  {view.order.status}{expected}")
        for line in view.lines:
            print(f"      {items[line.item_id]:<24} {line.received:>6} of {line.quantity}")
    return 0


def cmd_po_add(args: argparse.Namespace) -> int:
    view = purchasing.order(
        open_db(args),
        args.vendor,
        _lines(args.lines),
        expected_on=parse_date(args.expected),
        actor=actor(args),
    )
    print(f"Purchase order {view.order.id} to {view.vendor_name}.")
    return 0


def cmd_po_receive(args: argparse.Namespace) -> int:
    db = open_db(args)
    target = stock.find_place(db, args.target).id
    view = purchasing.receive(db, args.order, target, _lines(args.lines) or None, actor=actor(args))
    print(f"Purchase order {view.order.id}: {view.order.status.replace('_', ' ')}.")
    return 0


def cmd_labels(args: argparse.Namespace) -> int:
    from schema.outputs.labels import write_labels

    db = open_db(args)
    written = write_labels(
        db,
        args.out,
        item_id=args.item,
        stages=args.stages,
        base_url=base_url(args),
        replace=args.replace,
    )
    warn_if_local(db, args)
    for path in written:
        print(f"Wrote {path}")
    return 0


# --- plan ---------------------------------------------------------------------------------------


def cmd_plan_show(args: argparse.Namespace) -> int:
    db = open_db(args)
    current = plan.plan(db, start_on=parse_date(args.start, "from"), days=args.days)
    if args.json:
        print_json(current)
        return 0
    print(current.words["plan"])
    print(f"{current.words['stages']:<14}" + "".join(f"{d:%d %a} " for d in current.dates))
    for row in current.stages:
        cells = []
        for day in current.dates:
            cell = row.cells[day]
            mark = "!" if cell.overloaded else " "
            cells.append(f"{cell.load:>5}{mark}" if cell.load else "     . ")
        print(f"{row.stage.name[:13]:<14}" + " ".join(c[:6] for c in cells))
    for o in current.overloads:
        print(f"OVERLOADED {o.stage_name} on {o.date:%a %d %b}: {o.load} of {o.capacity}")
    _print_orders(current)
    if current.kind == "print":
        _press_order(current)
    return 0


def _press_order(current: plan.Plan) -> None:
    """Print's own view: the press order, each section with its stage deadlines."""
    names = {row.stage.id: row.stage.name for row in current.stages}
    print("Press order")
    for n, (line, step) in enumerate(plan.queue(current, "Press"), start=1):
        deadlines = ", ".join(f"{names[s.stage_id]} {s.end_on:%a %d}" for s in line.steps)
        print(f"  {n}. {line.product_name} ({line.customer}) to press {step.start_on:%a %d %b}")
        print(f"     deadlines: {deadlines}")


def _print_orders(current: plan.Plan) -> None:
    for line in current.orders:
        where = line.current_stage or line.order.status
        late = "  LATE" if line.late else ""
        print(f"{current.words['order'].capitalize()} {line.order.id:<4} {line.product_name:<22}"
              f" {line.order.quantity:>6}  {line.customer:<22} due {line.order.due_on:%a %d %b}"
              f"  ends {line.planned_end:%a %d %b}  {where}{late}")  # fmt: skip


def cmd_orders(args: argparse.Namespace) -> int:
    _print_orders(plan.plan(open_db(args), days=1))
    return 0


def cmd_add_order(args: argparse.Namespace) -> int:
    db = open_db(args)
    due = parse_date(args.due, "due")
    start = parse_date(args.start, "start")
    assert due is not None and start is not None
    client = plan.add_client_order(
        db, args.customer, args.product, args.quantity, due, actor=actor(args)
    )
    order = plan.release(db, client.id, start, actor=actor(args))
    print(f"Order {order.id}: {args.quantity} for {client.customer}, due {due:%a %d %b}.")
    return 0


def cmd_order_step(args: argparse.Namespace) -> int:
    db = open_db(args)
    vocab = words(production.get(db).kind)
    steps: dict[str, Any] = {
        "start": lambda: plan.start(db, args.order, actor=actor(args)),
        "advance": lambda: plan.finish_stage(db, args.order, actor=actor(args)),
        "ship": lambda: plan.ship(db, args.order, carrier=args.carrier, actor=actor(args)),
    }
    order = steps[args.step]()
    where = ""
    if order.status == plan.OrderStatus.STARTED:
        stage_id = plan.steps_of(db, order.id)[order.step].stage_id
        where = f", now at {plan.get_stage(db, stage_id).name}"
    status = vocab["shipped"] if order.status == plan.OrderStatus.SHIPPED else order.status
    print(f"{vocab['order'].capitalize()} {order.id}: {status}{where}.")
    return 0


def cmd_reschedule(args: argparse.Namespace) -> int:
    start = parse_date(args.start, "start") or date.today() + timedelta(days=1)
    for step in plan.reschedule(open_db(args), args.order, start, actor=actor(args)):
        print(f"  step {step.position}: {step.start_on:%a %d %b} to {step.end_on:%a %d %b}")
    return 0
