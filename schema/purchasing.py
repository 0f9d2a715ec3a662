"""Purchase orders: items ordered from one of the production's vendors, received in part or in
full into a stock place. Each receipt is a ledger movement; a line can never be received past
what was ordered (a conditional UPDATE, like the balances)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import msgspec
import sqlite_utils

from schema import stock, validate
from schema.clock import iso, utcnow
from schema.errors import InvalidInput, NotFound, RuleViolation
from schema.event_kinds import EventKind
from schema.production import COORDINATOR
from schema.stock import MoveIn, MoveKind
from schema.store import events
from schema.store.connection import read, write
from schema.store.rows import fetch_all, fetch_one, insert


class OrderStatus(StrEnum):
    OPEN = "open"
    PARTLY_RECEIVED = "partly_received"
    RECEIVED = "received"


class PurchaseOrder(msgspec.Struct, kw_only=True):
    id: int
    vendor_id: int
    expected_on: date | None = None
    status: OrderStatus = OrderStatus.OPEN
    notes: str = ""
    created_at: datetime
    version: int = 1


class PurchaseLine(msgspec.Struct, kw_only=True):
    id: int
    order_id: int
    item_id: int
    quantity: int
    received: int = 0


class PurchaseView(msgspec.Struct, kw_only=True):
    order: PurchaseOrder
    vendor_name: str
    lines: list[PurchaseLine]


def order(
    db: sqlite_utils.Database,
    vendor_id: int,
    lines: dict[int, int],
    *,
    expected_on: date | None = None,
    notes: str = "",
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> PurchaseView:
    """A purchase order: item id -> quantity, from one vendor, expected on a date."""
    moment = now or utcnow()
    if not lines:
        raise InvalidInput("a purchase order needs at least one line", field="lines")
    with write(db):
        if not db.execute("SELECT 1 FROM vendors WHERE id = ?", [vendor_id]).fetchone():
            raise NotFound(f"no vendor with id {vendor_id}")
        order_id = insert(
            db,
            "purchase_orders",
            {
                "vendor_id": vendor_id,
                "expected_on": expected_on.isoformat() if expected_on else None,
                "notes": validate.text(notes, "notes", limit=validate.MAX_TEXT),
                "created_at": iso(moment),
            },
        )
        for item_id, quantity in lines.items():
            stock.get_item(db, item_id)
            if not isinstance(quantity, int) or not 0 < quantity <= stock.MAX_QUANTITY:
                raise InvalidInput("each quantity must be a whole number above 0", field="lines")
            insert(
                db,
                "purchase_order_lines",
                {"order_id": order_id, "item_id": item_id, "quantity": quantity},
            )
        events.record(
            db,
            actor=actor,
            kind=EventKind.PURCHASE_ORDERED,
            subject=f"purchase:{order_id}",
            now=moment,
            data={"vendor_id": vendor_id, "lines": {str(k): v for k, v in lines.items()}},
        )
    return get(db, order_id)


def receive(
    db: sqlite_utils.Database,
    order_id: int,
    to_place_id: int,
    quantities: dict[int, int] | None = None,
    *,
    nonce: str | None = None,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> PurchaseView:
    """Receive item id -> quantity against the order (everything still due when None)."""
    moment = now or utcnow()
    with write(db):
        view = get(db, order_id)
        due = {line.item_id: line for line in view.lines}
        wanted = quantities or {i: line.quantity - line.received for i, line in due.items()}
        wanted = {i: q for i, q in wanted.items() if q}
        if not wanted:
            raise RuleViolation("everything on this order was already received", code="received")
        for index, (item_id, quantity) in enumerate(sorted(wanted.items())):
            line = due.get(item_id)
            if line is None:
                raise InvalidInput(f"item {item_id} is not on this order", field="item_id")
            _receive_line(db, line, quantity)
            stock.apply(
                db,
                MoveIn(
                    kind=MoveKind.RECEIVE,
                    item_id=item_id,
                    quantity=quantity,
                    to_place_id=to_place_id,
                    reason=f"purchase order {order_id} from {view.vendor_name}",
                    nonce=f"{nonce}-{index}" if nonce else None,
                ),
                actor=actor,
                now=moment,
            )
        status = _status(db, order_id)
        db.execute(
            "UPDATE purchase_orders SET status = ?, version = version + 1 WHERE id = ?",
            [str(status), order_id],
        )
        events.record(
            db,
            actor=actor,
            kind=EventKind.PURCHASE_RECEIVED,
            subject=f"purchase:{order_id}",
            now=moment,
            data={"received": {str(k): v for k, v in wanted.items()}, "status": str(status)},
        )
    return get(db, order_id)


def arrived_from_text(db: sqlite_utils.Database, view: PurchaseView, text: str) -> dict[int, int]:
    """What came in, as the desk types it: 'Plywood sheet=10; Screws=200' (item names, any
    case). Blank is everything still due ({}); an item not on the order is a clear error."""
    ids = [line.item_id for line in view.lines]
    rows = db.execute(
        f"SELECT id, name FROM stock_items WHERE id IN ({','.join('?' * len(ids))})", ids
    ).fetchall()
    on_order = {str(name).casefold(): int(item_id) for item_id, name in rows}
    arrived: dict[int, int] = {}
    for entry in validate.entries(text):
        name, sep, count = entry.rpartition("=")
        count = count.strip()
        if not sep or not (count.isascii() and count.isdigit()) or int(count) < 1:
            raise InvalidInput(
                f"write ITEM=QUANTITY, e.g. 'Plywood sheet=10'; got {entry!r}", field="arrived"
            )
        item_id = on_order.get(name.strip().casefold())
        if item_id is None:
            raise InvalidInput(f"{name.strip()!r} is not on this order", field="arrived")
        arrived[item_id] = arrived.get(item_id, 0) + int(count)
    return arrived


def _receive_line(db: sqlite_utils.Database, line: PurchaseLine, quantity: int) -> None:
    if not isinstance(quantity, int) or quantity <= 0:
        raise InvalidInput("a received quantity must be a whole number above 0", field="quantity")
    cursor = db.execute(
        "UPDATE purchase_order_lines SET received = received + ?"
        " WHERE id = ? AND received + ? <= quantity",
        [quantity, line.id, quantity],
    )
    if cursor.rowcount != 1:
        left = line.quantity - line.received
        raise RuleViolation(
            f"only {left} more of item {line.item_id} is due on this order", code="over_received"
        )


def _status(db: sqlite_utils.Database, order_id: int) -> OrderStatus:
    total, received = db.execute(
        "SELECT sum(quantity), sum(received) FROM purchase_order_lines WHERE order_id = ?",
        [order_id],
    ).fetchone()
    if received >= total:
        return OrderStatus.RECEIVED
    return OrderStatus.PARTLY_RECEIVED if received else OrderStatus.OPEN


def get(db: sqlite_utils.Database, order_id: int) -> PurchaseView:
    with read(db):
        found = fetch_one(
            db, PurchaseOrder, "SELECT * FROM purchase_orders WHERE id = ?", [order_id]
        )
        if found is None:
            raise NotFound(f"no purchase order with id {order_id}")
        return _view(db, found)


def _view(db: sqlite_utils.Database, found: PurchaseOrder) -> PurchaseView:
    vendor = db.execute("SELECT name FROM vendors WHERE id = ?", [found.vendor_id]).fetchone()
    lines = fetch_all(
        db,
        PurchaseLine,
        "SELECT * FROM purchase_order_lines WHERE order_id = ? ORDER BY id",
        [found.id],
    )
    return PurchaseView(order=found, vendor_name=vendor[0] if vendor else "?", lines=lines)


def list_orders(db: sqlite_utils.Database) -> list[PurchaseView]:
    with read(db):
        found = fetch_all(db, PurchaseOrder, "SELECT * FROM purchase_orders ORDER BY id")
        return [_view(db, o) for o in found]
