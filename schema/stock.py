"""The stock ledger: items, the places they live, an append-only ledger of movements, balances.

Every change of quantity is a movement (receive, move, consume, produce, adjust, check out,
return, ship) with its actor, reason and a client nonce unique per actor, so a retried request
is the same movement and never counted twice. The balance of an item at a place is a cached sum
of the ledger, updated in the same transaction; a decrement is one conditional UPDATE that
cannot take a balance below zero (`... AND quantity >= ?`, rowcount checked), the fix for the
lost updates that read-modify-write stock systems suffer.

A side of a movement that is NULL is outside the production: a receipt comes from outside (the
vendor is named in its reason), consumption and shipping go out of it.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum
from typing import Any

import msgspec
import sqlite_utils

from schema import validate
from schema.clock import iso, utcnow
from schema.errors import InvalidInput, NotFound, RuleViolation
from schema.event_kinds import EventKind
from schema.production import COORDINATOR
from schema.store import events
from schema.store.connection import read, write
from schema.store.rows import fetch_all, fetch_one, insert, update_versioned

MAX_QUANTITY = 10_000_000


class ItemKind(StrEnum):
    RAW_MATERIAL = "raw_material"
    COMPONENT = "component"
    WORK_IN_PROGRESS = "work_in_progress"
    FINISHED_GOOD = "finished_good"
    EQUIPMENT = "equipment"
    SHIPPING_SUPPLY = "shipping_supply"
    OFFICE_SUPPLY = "office_supply"


class PlaceKind(StrEnum):
    STORE = "store"
    LOCATION = "location"
    DEPARTMENT = "department"
    VENDOR = "vendor"
    PERSON = "person"


class MoveKind(StrEnum):
    RECEIVE = "receive"
    MOVE = "move"
    CONSUME = "consume"
    PRODUCE = "produce"
    ADJUST = "adjust"
    CHECK_OUT = "check_out"
    RETURN = "return"
    SHIP = "ship"


# Which sides each kind needs: (from, to); True = required, False = must be empty, None = either.
SIDES: dict[MoveKind, tuple[bool | None, bool | None]] = {
    MoveKind.RECEIVE: (False, True),
    MoveKind.MOVE: (True, True),
    MoveKind.CONSUME: (True, False),
    MoveKind.PRODUCE: (False, True),
    MoveKind.ADJUST: (None, None),  # exactly one side: a count found more, or fewer
    MoveKind.CHECK_OUT: (True, True),
    MoveKind.RETURN: (True, True),
    MoveKind.SHIP: (True, False),
}


class Item(msgspec.Struct, kw_only=True):
    id: int
    name: str
    kind: ItemKind
    unit: str = "each"
    reorder_level: int = 0
    notes: str = ""
    version: int = 1


class Place(msgspec.Struct, kw_only=True):
    id: int
    kind: PlaceKind
    name: str
    location_id: int | None = None
    vendor_id: int | None = None
    person_id: int | None = None


class Movement(msgspec.Struct, kw_only=True):
    id: int
    at: datetime
    kind: MoveKind
    item_id: int
    from_place_id: int | None
    to_place_id: int | None
    quantity: int
    unit_id: int | None = None
    order_id: int | None = None
    reason: str = ""
    actor: str
    nonce: str


class MoveIn(msgspec.Struct, kw_only=True):
    """A movement as a caller asks for it; `nonce` makes a retry the same movement."""

    kind: MoveKind
    item_id: int
    quantity: int
    from_place_id: int | None = None
    to_place_id: int | None = None
    reason: str = ""
    nonce: str | None = None
    unit_id: int | None = None
    order_id: int | None = None


class Balance(msgspec.Struct, kw_only=True):
    item_id: int
    place_id: int
    place_name: str
    place_kind: PlaceKind
    quantity: int


class ItemStock(msgspec.Struct, kw_only=True):
    """An item with what is on hand (everywhere but at vendors) and whether to reorder."""

    item: Item
    on_hand: int
    low: bool
    places: list[Balance] = []


def new_nonce() -> str:
    return secrets.token_urlsafe(12)


# --- items and places ---------------------------------------------------------------------------


def add_item(
    db: sqlite_utils.Database,
    name: str,
    kind: ItemKind | str,
    *,
    unit: str = "each",
    reorder_level: int = 0,
    notes: str = "",
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> Item:
    values = _clean_item(name, kind, unit, reorder_level, notes)
    with write(db):
        if db.execute("SELECT 1 FROM stock_items WHERE name = ?", [values["name"]]).fetchone():
            raise InvalidInput(f"there is already an item called {values['name']!r}", field="name")
        item_id = insert(db, "stock_items", values)
        events.record(
            db,
            actor=actor,
            kind=EventKind.STOCK_ITEM_ADDED,
            subject=f"item:{item_id}",
            now=now or utcnow(),
            data=values,
        )
    return get_item(db, item_id)


def update_item(
    db: sqlite_utils.Database,
    item_id: int,
    version: int,
    *,
    reorder_level: int | None = None,
    unit: str | None = None,
    notes: str | None = None,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> Item:
    with write(db):
        item = get_item(db, item_id)
        values = _clean_item(
            item.name,
            item.kind,
            unit if unit is not None else item.unit,
            reorder_level if reorder_level is not None else item.reorder_level,
            notes if notes is not None else item.notes,
        )
        values.pop("name")
        values.pop("kind")
        update_versioned(db, "stock_items", item_id, version, values)
        events.record(
            db,
            actor=actor,
            kind=EventKind.STOCK_ITEM_UPDATED,
            subject=f"item:{item_id}",
            now=now or utcnow(),
            data=values,
        )
    return get_item(db, item_id)


def _clean_item(
    name: str, kind: ItemKind | str, unit: str, reorder_level: int, notes: str
) -> dict[str, Any]:
    with validate.checks() as check:
        clean_name = check(validate.text, name, "name", required=True, limit=120)
        clean_unit = check(validate.text, unit, "unit", required=True, limit=20)
        clean_notes = check(validate.text, notes, "notes", limit=validate.MAX_TEXT)
        clean_kind = check(_item_kind, kind)
        check(_whole, reorder_level, "reorder_level", 0)
    return {
        "name": clean_name,
        "kind": str(clean_kind),
        "unit": clean_unit,
        "reorder_level": int(reorder_level),
        "notes": clean_notes,
    }


def _item_kind(kind: ItemKind | str) -> ItemKind:
    try:
        return ItemKind(str(kind).strip().lower().replace(" ", "_").replace("-", "_"))
    except ValueError:
        known = ", ".join(k.replace("_", " ") for k in ItemKind)
        raise InvalidInput(f"item kind {kind!r} is not one of: {known}", field="kind") from None


def _whole(value: object, field: str, minimum: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidInput(f"{field.replace('_', ' ')} must be a whole number", field=field)
    if not minimum <= value <= MAX_QUANTITY:
        raise InvalidInput(
            f"{field.replace('_', ' ')} must be {minimum} to {MAX_QUANTITY:,}", field=field
        )
    return value


def get_item(db: sqlite_utils.Database, item_id: int) -> Item:
    found = fetch_one(db, Item, "SELECT * FROM stock_items WHERE id = ?", [item_id])
    if found is None:
        raise NotFound(f"no item with id {item_id}")
    return found


def find_item(db: sqlite_utils.Database, name: str) -> Item | None:
    return fetch_one(db, Item, "SELECT * FROM stock_items WHERE name = ?", [name.strip()])


def list_items(db: sqlite_utils.Database) -> list[Item]:
    return fetch_all(db, Item, "SELECT * FROM stock_items ORDER BY kind, name")


def place(
    db: sqlite_utils.Database,
    kind: PlaceKind,
    name: str,
    *,
    location_id: int | None = None,
    vendor_id: int | None = None,
    person_id: int | None = None,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> Place:
    """The place of this kind and name, made on first use (a department, a person's hands)."""
    clean = validate.text(name, "place", required=True, limit=120)
    with write(db):
        found = fetch_one(
            db,
            Place,
            "SELECT * FROM stock_places WHERE kind = ? AND name = ?",
            [str(kind), clean],
        )
        if found is not None:
            return found
        values = {
            "kind": str(kind),
            "name": clean,
            "location_id": location_id,
            "vendor_id": vendor_id,
            "person_id": person_id,
        }
        place_id = insert(db, "stock_places", values)
        events.record(
            db,
            actor=actor,
            kind=EventKind.STOCK_PLACE_ADDED,
            subject=f"place:{place_id}",
            now=now or utcnow(),
            data=values,
        )
    return get_place(db, place_id)


def person_place(
    db: sqlite_utils.Database,
    person_id: int,
    *,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> Place:
    """A person's hands: where gear checked out to them is."""
    with write(db):
        found = fetch_one(db, Place, "SELECT * FROM stock_places WHERE person_id = ?", [person_id])
        if found is not None:
            return found
        row = db.execute("SELECT name FROM people WHERE id = ?", [person_id]).fetchone()
        if row is None:
            raise NotFound(f"no person with id {person_id}")
        return place(
            db,
            PlaceKind.PERSON,
            f"{row[0]} (#{person_id})",
            person_id=person_id,
            actor=actor,
            now=now,
        )


def get_place(db: sqlite_utils.Database, place_id: int) -> Place:
    found = fetch_one(db, Place, "SELECT * FROM stock_places WHERE id = ?", [place_id])
    if found is None:
        raise NotFound(f"no stock place with id {place_id}")
    return found


def list_places(db: sqlite_utils.Database) -> list[Place]:
    return fetch_all(db, Place, "SELECT * FROM stock_places ORDER BY kind, name")


def find_place(db: sqlite_utils.Database, text: str) -> Place:
    """A place by id or by name (what a coordinator types)."""
    cleaned = text.strip()
    if cleaned.isdigit():
        return get_place(db, int(cleaned))
    found = fetch_all(
        db, Place, "SELECT * FROM stock_places WHERE name = ? COLLATE NOCASE", [cleaned]
    )
    if not found:
        raise NotFound(f"no stock place called {cleaned!r}")
    if len(found) > 1:
        raise InvalidInput(f"{cleaned!r} names several places: use its id", field="place")
    return found[0]


# --- movements ----------------------------------------------------------------------------------


def record(
    db: sqlite_utils.Database,
    move: MoveIn,
    *,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> Movement:
    """Record one movement and update the balances, all or nothing. The same (actor, nonce)
    again is the same movement: answered as before, never applied twice."""
    with write(db):
        return apply(db, move, actor=actor, now=now or utcnow())


def apply(db: sqlite_utils.Database, move: MoveIn, *, actor: str, now: datetime) -> Movement:
    """`record` inside the caller's write transaction (gear and the plan compose movements)."""
    nonce = move.nonce or new_nonce()
    earlier = fetch_one(
        db,
        Movement,
        "SELECT * FROM stock_movements WHERE actor = ? AND nonce = ?",
        [actor, nonce],
    )
    if earlier is not None:
        if (earlier.kind, earlier.item_id, earlier.quantity) != (
            move.kind,
            move.item_id,
            move.quantity,
        ):
            raise RuleViolation("this nonce was already used for another movement", code="nonce")
        return earlier
    values = _clean_move(db, move)
    item = get_item(db, move.item_id)
    if move.from_place_id is not None:
        _take(db, item, move.from_place_id, move.quantity)
    if move.to_place_id is not None:
        _give(db, item.id, move.to_place_id, move.quantity)
    values.update(at=iso(now), actor=actor, nonce=nonce)
    movement_id = insert(db, "stock_movements", values)
    events.record(
        db,
        actor=actor,
        kind=EventKind.STOCK_MOVED,
        subject=f"item:{item.id}",
        now=now,
        data={"movement_id": movement_id, **{k: v for k, v in values.items() if k != "at"}},
    )
    found = fetch_one(db, Movement, "SELECT * FROM stock_movements WHERE id = ?", [movement_id])
    assert found is not None
    return found


def _clean_move(db: sqlite_utils.Database, move: MoveIn) -> dict[str, Any]:
    kind = MoveKind(move.kind)
    _whole(move.quantity, "quantity", 1)
    need_from, need_to = SIDES[kind]
    has_from, has_to = move.from_place_id is not None, move.to_place_id is not None
    if kind == MoveKind.ADJUST and has_from == has_to:
        raise InvalidInput("an adjustment takes from a place or adds to one, not both", field="to")
    if need_from is not None and has_from != need_from:
        word = "needs a place to take from" if need_from else "takes from no place"
        raise InvalidInput(f"a {kind.replace('_', ' ')} {word}", field="from")
    if need_to is not None and has_to != need_to:
        word = "needs a place to put to" if need_to else "puts to no place"
        raise InvalidInput(f"a {kind.replace('_', ' ')} {word}", field="to")
    if has_from and move.from_place_id == move.to_place_id:
        raise InvalidInput("from and to are the same place", field="to")
    for side in (move.from_place_id, move.to_place_id):
        if side is not None:
            get_place(db, side)
    if move.nonce is not None and not (8 <= len(move.nonce) <= 64):
        raise InvalidInput("nonce must be 8 to 64 characters", field="nonce")
    return {
        "kind": str(kind),
        "item_id": move.item_id,
        "from_place_id": move.from_place_id,
        "to_place_id": move.to_place_id,
        "quantity": move.quantity,
        "unit_id": move.unit_id,
        "order_id": move.order_id,
        "reason": validate.text(move.reason, "reason", limit=500),
    }


def _take(db: sqlite_utils.Database, item: Item, place_id: int, quantity: int) -> None:
    """Decrement, or refuse: the WHERE makes it impossible to go below zero whatever ran
    before, and the rowcount says whether it did."""
    cursor = db.execute(
        "UPDATE stock_balances SET quantity = quantity - ?"
        " WHERE item_id = ? AND place_id = ? AND quantity >= ?",
        [quantity, item.id, place_id, quantity],
    )
    if cursor.rowcount == 1:
        return
    have = balance(db, item.id, place_id)
    where = get_place(db, place_id).name
    raise RuleViolation(
        f"only {have} {item.unit} of {item.name} at {where}; cannot take {quantity}",
        code="stock_short",
    )


def _give(db: sqlite_utils.Database, item_id: int, place_id: int, quantity: int) -> None:
    db.execute(
        "INSERT INTO stock_balances (item_id, place_id, quantity) VALUES (?, ?, ?)"
        " ON CONFLICT (item_id, place_id) DO UPDATE SET quantity = quantity + excluded.quantity",
        [item_id, place_id, quantity],
    )


# --- reading ------------------------------------------------------------------------------------


def balance(db: sqlite_utils.Database, item_id: int, place_id: int) -> int:
    row = db.execute(
        "SELECT quantity FROM stock_balances WHERE item_id = ? AND place_id = ?",
        [item_id, place_id],
    ).fetchone()
    return int(row[0]) if row else 0


def balances(db: sqlite_utils.Database, item_id: int | None = None) -> list[Balance]:
    sql = (
        "SELECT b.item_id, b.place_id, p.name AS place_name, p.kind AS place_kind, b.quantity"
        " FROM stock_balances b JOIN stock_places p ON p.id = b.place_id WHERE b.quantity > 0"
    )
    params: list[int] = []
    if item_id is not None:
        sql += " AND b.item_id = ?"
        params.append(item_id)
    return fetch_all(db, Balance, sql + " ORDER BY b.item_id, p.kind, p.name", params)


def ledger_sums(db: sqlite_utils.Database) -> dict[tuple[int, int], int]:
    """Every (item, place) balance recomputed from the ledger alone (for checks and tests)."""
    rows = db.execute(
        "SELECT item_id, place_id, sum(q) FROM ("
        " SELECT item_id, to_place_id AS place_id, quantity AS q FROM stock_movements"
        "  WHERE to_place_id IS NOT NULL"
        " UNION ALL SELECT item_id, from_place_id, -quantity FROM stock_movements"
        "  WHERE from_place_id IS NOT NULL) GROUP BY item_id, place_id"
    ).fetchall()
    return {(int(r[0]), int(r[1])): int(r[2]) for r in rows}


def movements(
    db: sqlite_utils.Database, *, item_id: int | None = None, limit: int = 200
) -> list[Movement]:
    sql = "SELECT * FROM stock_movements"
    params: list[int] = []
    if item_id is not None:
        sql += " WHERE item_id = ?"
        params.append(item_id)
    return fetch_all(db, Movement, sql + " ORDER BY id DESC LIMIT ?", [*params, limit])


def stock(db: sqlite_utils.Database) -> list[ItemStock]:
    """Every item with its total on hand (not counting what sits at vendors) and its places."""
    with read(db):
        items = list_items(db)
        by_item: dict[int, list[Balance]] = {}
        for found in balances(db):
            by_item.setdefault(found.item_id, []).append(found)
    result = []
    for item in items:
        held = by_item.get(item.id, [])
        on_hand = sum(b.quantity for b in held if b.place_kind != PlaceKind.VENDOR)
        result.append(ItemStock(item=item, on_hand=on_hand, low=is_low(item, on_hand), places=held))
    return result


def is_low(item: Item, on_hand: int) -> bool:
    """Under its reorder level (an item with no reorder level is never low)."""
    return item.reorder_level > 0 and on_hand < item.reorder_level


def low_stock(db: sqlite_utils.Database) -> list[ItemStock]:
    return [s for s in stock(db) if s.low]
