"""The master production plan: client orders routed through departments (or a print run's
stages), with capacities per day and a bill of materials, all moving stock through the ledger.

A client order becomes a production order when released: its product's routing is copied into
dated steps, back to back. Starting it consumes the bill of materials from the materials store
and puts the work in progress at the first stage; finishing a stage moves the work on; finishing
the last turns it into finished goods; shipping sends them out. Rescheduling moves the steps not
yet finished. The plan read model lays the steps over dates by stage, flags days over a stage's
capacity, and orders that will be (or already are) late.
"""

from __future__ import annotations

import math
import secrets
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Annotated

import msgspec
import sqlite_utils

from schema import stock, validate, vocabulary
from schema.clock import iso, utcnow, wall_clock
from schema.errors import InvalidInput, NotFound, RuleViolation
from schema.event_kinds import EventKind
from schema.production import COORDINATOR, zone
from schema.production import get as get_production
from schema.stock import ItemKind, MoveIn, MoveKind, PlaceKind
from schema.store import events
from schema.store.connection import read, write
from schema.store.rows import fetch_all, fetch_one, insert
from schema.tokens import RandomBytes, new_code, normalize_code
from schema.types import Person


class OrderStatus(StrEnum):
    PLANNED = "planned"
    STARTED = "started"
    FINISHED = "finished"
    SHIPPED = "shipped"


class Stage(msgspec.Struct, kw_only=True):
    id: int
    name: str
    position: int
    capacity_per_day: int
    place_id: int
    code: str


class RoutingStep(msgspec.Struct, kw_only=True):
    stage_id: int
    days: int


class ClientOrder(msgspec.Struct, kw_only=True):
    id: int
    customer: str
    product_id: int
    quantity: int
    due_on: date
    created_at: datetime
    version: int = 1


class ProductionOrder(msgspec.Struct, kw_only=True):
    id: int
    client_order_id: int | None
    product_id: int
    wip_item_id: int
    quantity: int
    due_on: date
    status: OrderStatus
    step: int
    created_at: datetime
    version: int = 1


class OrderStep(msgspec.Struct, kw_only=True):
    order_id: int
    position: int
    stage_id: int
    start_on: date
    end_on: date
    finished_at: datetime | None = None


class PlanCell(msgspec.Struct, kw_only=True):
    load: int
    capacity: int
    order_ids: list[int]

    @property
    def overloaded(self) -> bool:
        return self.load > self.capacity


class StageRow(msgspec.Struct, kw_only=True):
    stage: Stage
    cells: dict[date, PlanCell]


class OrderLine(msgspec.Struct, kw_only=True):
    order: ProductionOrder
    product_name: str
    customer: str
    steps: list[OrderStep]
    current_stage: str | None
    planned_end: date
    late: bool


class Overload(msgspec.Struct, kw_only=True, frozen=True):
    stage_id: int
    stage_name: str
    date: date
    load: int
    capacity: int


class Plan(msgspec.Struct, kw_only=True):
    kind: str
    words: dict[str, str]
    dates: list[date]
    stages: list[StageRow]
    orders: list[OrderLine]
    overloads: list[Overload]


# --- stages, routings and bills of materials ----------------------------------------------------


def add_stage(
    db: sqlite_utils.Database,
    name: str,
    capacity_per_day: int,
    *,
    rng: RandomBytes = secrets.token_bytes,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> Stage:
    """A department (or print stage): a stock place of its own, a capacity, a QR code."""
    moment = now or utcnow()
    clean = validate.text(name, "name", required=True, limit=80)
    if not isinstance(capacity_per_day, int) or not 0 < capacity_per_day <= stock.MAX_QUANTITY:
        raise InvalidInput("capacity per day must be a whole number above 0", field="capacity")
    with write(db):
        if db.execute("SELECT 1 FROM plan_stages WHERE name = ?", [clean]).fetchone():
            raise InvalidInput(f"there is already a stage called {clean!r}", field="name")
        place = stock.place(db, PlaceKind.DEPARTMENT, clean, actor=actor, now=moment)
        position = db.execute("SELECT coalesce(max(position), 0) + 1 FROM plan_stages").fetchone()
        values = {
            "name": clean,
            "position": int(position[0]),
            "capacity_per_day": capacity_per_day,
            "place_id": place.id,
            "code": _unused_code(db, rng),
        }
        stage_id = insert(db, "plan_stages", values)
        events.record(
            db,
            actor=actor,
            kind=EventKind.PLAN_STAGE_ADDED,
            subject=f"stage:{stage_id}",
            now=moment,
            data=values,
        )
    return get_stage(db, stage_id)


def _unused_code(db: sqlite_utils.Database, rng: RandomBytes) -> str:
    for _ in range(100):
        code = new_code(rng)
        if not db.execute("SELECT 1 FROM plan_stages WHERE code = ?", [code]).fetchone():
            return code
    raise RuntimeError("could not find an unused stage code")


def get_stage(db: sqlite_utils.Database, stage_id: int) -> Stage:
    found = fetch_one(db, Stage, "SELECT * FROM plan_stages WHERE id = ?", [stage_id])
    if found is None:
        raise NotFound(f"no stage with id {stage_id}")
    return found


def stages(db: sqlite_utils.Database) -> list[Stage]:
    return fetch_all(db, Stage, "SELECT * FROM plan_stages ORDER BY position, id")


def stage_by_code(db: sqlite_utils.Database, code: str) -> Stage | None:
    return fetch_one(
        db, Stage, "SELECT * FROM plan_stages WHERE code = ?", [normalize_code(code)[:16]]
    )


def stage_url(base_url: str, stage: Stage) -> str:
    return f"{base_url.rstrip('/')}/s/{stage.code}"


def define_product(
    db: sqlite_utils.Database,
    product_id: int,
    routing: list[RoutingStep],
    bom: dict[int, int],
    *,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> None:
    """Set a product's routing (stages in order, days each) and bill of materials (component
    item -> quantity per unit of product), replacing what it had."""
    if not routing:
        raise InvalidInput("a routing needs at least one stage", field="routing")
    with write(db):
        product = stock.get_item(db, product_id)
        if product.kind != ItemKind.FINISHED_GOOD:
            raise InvalidInput(f"{product.name} is not a finished good", field="product_id")
        db.execute("DELETE FROM routing_steps WHERE product_id = ?", [product_id])
        db.execute("DELETE FROM bom_lines WHERE product_id = ?", [product_id])
        for position, step in enumerate(routing, start=1):
            get_stage(db, step.stage_id)
            if not 0 < step.days <= 365:
                raise InvalidInput("a stage takes 1 to 365 days", field="routing")
            insert(
                db,
                "routing_steps",
                {
                    "product_id": product_id,
                    "position": position,
                    "stage_id": step.stage_id,
                    "days": step.days,
                },
            )
        for component_id, quantity in bom.items():
            if component_id == product_id:
                raise InvalidInput("a product cannot be its own component", field="bom")
            stock.get_item(db, component_id)
            if not isinstance(quantity, int) or not 0 < quantity <= stock.MAX_QUANTITY:
                raise InvalidInput("each component quantity must be above 0", field="bom")
            insert(
                db,
                "bom_lines",
                {"product_id": product_id, "component_id": component_id, "quantity": quantity},
            )
        events.record(
            db,
            actor=actor,
            kind=EventKind.PLAN_PRODUCT_DEFINED,
            subject=f"item:{product_id}",
            now=now or utcnow(),
            data={
                "routing": [[s.stage_id, s.days] for s in routing],
                "bom": {str(k): v for k, v in bom.items()},
            },
        )


def routing_of(db: sqlite_utils.Database, product_id: int) -> list[RoutingStep]:
    return fetch_all(
        db,
        RoutingStep,
        "SELECT stage_id, days FROM routing_steps WHERE product_id = ? ORDER BY position",
        [product_id],
    )


def bom_of(db: sqlite_utils.Database, product_id: int) -> dict[int, int]:
    rows = db.execute(
        "SELECT component_id, quantity FROM bom_lines WHERE product_id = ? ORDER BY component_id",
        [product_id],
    ).fetchall()
    return {int(r[0]): int(r[1]) for r in rows}


# --- orders -------------------------------------------------------------------------------------


def add_client_order(
    db: sqlite_utils.Database,
    customer: str,
    product_id: int,
    quantity: int,
    due_on: date,
    *,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> ClientOrder:
    moment = now or utcnow()
    with validate.checks() as check:
        clean = check(validate.text, customer, "customer", required=True, limit=120)
        check(_positive, quantity, "quantity")
    with write(db):
        product = stock.get_item(db, product_id)
        if product.kind != ItemKind.FINISHED_GOOD:
            raise InvalidInput(f"{product.name} is not a finished good", field="product_id")
        values = {
            "customer": clean,
            "product_id": product_id,
            "quantity": quantity,
            "due_on": due_on.isoformat(),
            "created_at": iso(moment),
        }
        order_id = insert(db, "client_orders", values)
        events.record(
            db,
            actor=actor,
            kind=EventKind.PLAN_CLIENT_ORDER_ADDED,
            subject=f"client_order:{order_id}",
            now=moment,
            data=values,
        )
    found = fetch_one(db, ClientOrder, "SELECT * FROM client_orders WHERE id = ?", [order_id])
    assert found is not None
    return found


def _positive(value: object, field: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= stock.MAX_QUANTITY:
        raise InvalidInput(f"{field} must be a whole number above 0", field=field)
    return value


def release(
    db: sqlite_utils.Database,
    client_order_id: int,
    start_on: date,
    *,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> ProductionOrder:
    """Make a production order from a client order, its steps dated back to back from
    `start_on` along the product's routing."""
    moment = now or utcnow()
    with write(db):
        client = fetch_one(
            db, ClientOrder, "SELECT * FROM client_orders WHERE id = ?", [client_order_id]
        )
        if client is None:
            raise NotFound(f"no client order with id {client_order_id}")
        if db.execute(
            "SELECT 1 FROM production_orders WHERE client_order_id = ?", [client_order_id]
        ).fetchone():
            raise RuleViolation("this client order was already released", code="released")
        routing = routing_of(db, client.product_id)
        product = stock.get_item(db, client.product_id)
        if not routing:
            raise RuleViolation(f"{product.name} has no routing yet", code="no_routing")
        wip = _wip_item(db, product, actor, moment)
        order_id = insert(
            db,
            "production_orders",
            {
                "client_order_id": client.id,
                "product_id": client.product_id,
                "wip_item_id": wip.id,
                "quantity": client.quantity,
                "due_on": client.due_on.isoformat(),
                "created_at": iso(moment),
            },
        )
        for position, (start, end, step) in enumerate(_dates(routing, start_on), start=1):
            insert(
                db,
                "order_steps",
                {
                    "order_id": order_id,
                    "position": position,
                    "stage_id": step.stage_id,
                    "start_on": start.isoformat(),
                    "end_on": end.isoformat(),
                },
            )
        events.record(
            db,
            actor=actor,
            kind=EventKind.PLAN_ORDER_RELEASED,
            subject=f"order:{order_id}",
            now=moment,
            data={"client_order_id": client.id, "start_on": start_on.isoformat()},
        )
    return get_order(db, order_id)


def _dates(routing: list[RoutingStep], start_on: date) -> list[tuple[date, date, RoutingStep]]:
    dated = []
    day = start_on
    for step in routing:
        end = day + timedelta(days=step.days - 1)
        dated.append((day, end, step))
        day = end + timedelta(days=1)
    return dated


def _wip_item(
    db: sqlite_utils.Database, product: stock.Item, actor: str, moment: datetime
) -> stock.Item:
    name = f"{product.name} (in progress)"
    found = stock.find_item(db, name)
    if found is not None:
        return found
    return stock.add_item(
        db, name, ItemKind.WORK_IN_PROGRESS, unit=product.unit, actor=actor, now=moment
    )


def get_order(db: sqlite_utils.Database, order_id: int) -> ProductionOrder:
    found = fetch_one(
        db, ProductionOrder, "SELECT * FROM production_orders WHERE id = ?", [order_id]
    )
    if found is None:
        raise NotFound(f"no production order with id {order_id}")
    return found


def steps_of(db: sqlite_utils.Database, order_id: int) -> list[OrderStep]:
    return fetch_all(
        db, OrderStep, "SELECT * FROM order_steps WHERE order_id = ? ORDER BY position", [order_id]
    )


def stores(db: sqlite_utils.Database, *, actor: str, now: datetime) -> tuple[int, int]:
    """The materials store and the finished-goods store, named in the production's words."""
    kind = get_production(db).kind
    materials = stock.place(
        db, PlaceKind.STORE, vocabulary.word(kind, "materials_store"), actor=actor, now=now
    )
    finished = stock.place(
        db, PlaceKind.STORE, vocabulary.word(kind, "finished_store"), actor=actor, now=now
    )
    return materials.id, finished.id


def _advance(
    db: sqlite_utils.Database, order: ProductionOrder, status: OrderStatus, step: int
) -> None:
    """Conditional on the status and step that were read: two taps move an order once."""
    cursor = db.execute(
        "UPDATE production_orders SET status = ?, step = ?, version = version + 1"
        " WHERE id = ? AND status = ? AND step = ?",
        [str(status), step, order.id, str(order.status), order.step],
    )
    if cursor.rowcount != 1:
        raise RuleViolation("this order was moved by someone else just now", code="moved")


def start(
    db: sqlite_utils.Database,
    order_id: int,
    *,
    nonce: str | None = None,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> ProductionOrder:
    """Consume the bill of materials and put the work in progress at the first stage. Short
    of any material, nothing is consumed and the order stays planned."""
    moment = now or utcnow()
    with write(db):
        order = get_order(db, order_id)
        if order.status != OrderStatus.PLANNED:
            raise RuleViolation(f"this order is already {order.status}", code="already_started")
        materials, _ = stores(db, actor=actor, now=moment)
        tag = nonce or stock.new_nonce()
        for component_id, per_unit in bom_of(db, order.product_id).items():
            stock.apply(
                db,
                MoveIn(
                    kind=MoveKind.CONSUME,
                    item_id=component_id,
                    quantity=per_unit * order.quantity,
                    from_place_id=materials,
                    order_id=order.id,
                    reason=f"order {order.id} started",
                    nonce=f"{tag}-c{component_id}",
                ),
                actor=actor,
                now=moment,
            )
        first = steps_of(db, order.id)[0]
        stock.apply(
            db,
            MoveIn(
                kind=MoveKind.PRODUCE,
                item_id=order.wip_item_id,
                quantity=order.quantity,
                to_place_id=get_stage(db, first.stage_id).place_id,
                order_id=order.id,
                reason=f"order {order.id} started",
                nonce=f"{tag}-wip",
            ),
            actor=actor,
            now=moment,
        )
        _advance(db, order, OrderStatus.STARTED, 0)
        events.record(
            db,
            actor=actor,
            kind=EventKind.PLAN_ORDER_STARTED,
            subject=f"order:{order.id}",
            now=moment,
            data={"quantity": order.quantity},
        )
    return get_order(db, order_id)


def finish_stage(
    db: sqlite_utils.Database,
    order_id: int,
    *,
    stage_id: int | None = None,
    nonce: str | None = None,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> ProductionOrder:
    """The order's current stage is done: its work moves to the next stage, or after the last
    becomes finished goods. `stage_id` (from a scan) must be the stage the order is at."""
    moment = now or utcnow()
    with write(db):
        order = get_order(db, order_id)
        if order.status != OrderStatus.STARTED:
            raise RuleViolation(
                f"this order is {order.status}, not in progress", code="not_started"
            )
        steps = steps_of(db, order.id)
        current = steps[order.step]
        if stage_id is not None and stage_id != current.stage_id:
            here = get_stage(db, current.stage_id).name
            raise RuleViolation(f"this order is at {here}, not here", code="not_here")
        from_place = get_stage(db, current.stage_id).place_id
        tag = nonce or stock.new_nonce()
        last = order.step == len(steps) - 1
        if last:
            _, finished = stores(db, actor=actor, now=moment)
            _consume_and_produce(db, order, from_place, finished, tag, actor, moment)
        else:
            following = get_stage(db, steps[order.step + 1].stage_id)
            stock.apply(
                db,
                MoveIn(
                    kind=MoveKind.MOVE,
                    item_id=order.wip_item_id,
                    quantity=order.quantity,
                    from_place_id=from_place,
                    to_place_id=following.place_id,
                    order_id=order.id,
                    reason=f"order {order.id} on to {following.name}",
                    nonce=f"{tag}-move",
                ),
                actor=actor,
                now=moment,
            )
        db.execute(
            "UPDATE order_steps SET finished_at = ? WHERE order_id = ? AND position = ?",
            [iso(moment), order.id, current.position],
        )
        status = OrderStatus.FINISHED if last else OrderStatus.STARTED
        _advance(db, order, status, order.step + (0 if last else 1))
        events.record(
            db,
            actor=actor,
            kind=EventKind.PLAN_STAGE_FINISHED,
            subject=f"order:{order.id}",
            now=moment,
            data={"stage_id": current.stage_id, "position": current.position, "last": last},
        )
    return get_order(db, order_id)


def _consume_and_produce(
    db: sqlite_utils.Database,
    order: ProductionOrder,
    from_place: int,
    finished: int,
    tag: str,
    actor: str,
    moment: datetime,
) -> None:
    for kind, item_id, from_id, to_id in (
        (MoveKind.CONSUME, order.wip_item_id, from_place, None),
        (MoveKind.PRODUCE, order.product_id, None, finished),
    ):
        stock.apply(
            db,
            MoveIn(
                kind=kind,
                item_id=item_id,
                quantity=order.quantity,
                from_place_id=from_id,
                to_place_id=to_id,
                order_id=order.id,
                reason=f"order {order.id} finished",
                nonce=f"{tag}-{kind}",
            ),
            actor=actor,
            now=moment,
        )


def ship(
    db: sqlite_utils.Database,
    order_id: int,
    *,
    carrier: str = "",
    nonce: str | None = None,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> ProductionOrder:
    """Send a finished order's goods out of the finished-goods store."""
    moment = now or utcnow()
    with write(db):
        order = get_order(db, order_id)
        if order.status != OrderStatus.FINISHED:
            raise RuleViolation(
                f"only a finished order can go out; this one is {order.status}", code="not_finished"
            )
        _, finished = stores(db, actor=actor, now=moment)
        how = validate.text(carrier, "carrier", limit=120)
        stock.apply(
            db,
            MoveIn(
                kind=MoveKind.SHIP,
                item_id=order.product_id,
                quantity=order.quantity,
                from_place_id=finished,
                order_id=order.id,
                reason=f"order {order.id} shipped" + (f" by {how}" if how else ""),
                nonce=nonce,
            ),
            actor=actor,
            now=moment,
        )
        _advance(db, order, OrderStatus.SHIPPED, order.step)
        events.record(
            db,
            actor=actor,
            kind=EventKind.PLAN_ORDER_SHIPPED,
            subject=f"order:{order.id}",
            now=moment,
            data={"carrier": how},
        )
    return get_order(db, order_id)


def reschedule(
    db: sqlite_utils.Database,
    order_id: int,
    start_on: date,
    *,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> list[OrderStep]:
    """Move the order's unfinished steps to run back to back from `start_on`, each keeping
    its length."""
    with write(db):
        order = get_order(db, order_id)
        if order.status in (OrderStatus.FINISHED, OrderStatus.SHIPPED):
            raise RuleViolation("a finished order has nothing left to schedule", code="finished")
        pending = [s for s in steps_of(db, order.id) if s.finished_at is None]
        routing = [
            RoutingStep(stage_id=s.stage_id, days=(s.end_on - s.start_on).days + 1) for s in pending
        ]
        for step, (begin, end, _) in zip(pending, _dates(routing, start_on), strict=True):
            db.execute(
                "UPDATE order_steps SET start_on = ?, end_on = ?"
                " WHERE order_id = ? AND position = ?",
                [begin.isoformat(), end.isoformat(), order.id, step.position],
            )
        db.execute("UPDATE production_orders SET version = version + 1 WHERE id = ?", [order.id])
        events.record(
            db,
            actor=actor,
            kind=EventKind.PLAN_ORDER_RESCHEDULED,
            subject=f"order:{order.id}",
            now=now or utcnow(),
            data={"start_on": start_on.isoformat(), "steps": len(pending)},
        )
    return steps_of(db, order_id)


# --- the plan -----------------------------------------------------------------------------------


def daily_load(quantity: int, days: int) -> int:
    """Units a step puts through its stage each day it runs."""
    return math.ceil(quantity / days)


def plan(
    db: sqlite_utils.Database,
    *,
    start_on: date | None = None,
    days: int = 14,
    today: date | None = None,
) -> Plan:
    """Orders over dates by stage, with overloaded days and late orders flagged."""
    with read(db):
        production = get_production(db)
        today = today or wall_clock(utcnow(), zone(production)).date()
        first = start_on or today
        dates = [first + timedelta(days=i) for i in range(days)]
        all_stages = stages(db)
        orders = fetch_all(
            db, ProductionOrder, "SELECT * FROM production_orders ORDER BY due_on, id"
        )
        names = {i.id: i.name for i in stock.list_items(db)}
        customers = dict(db.execute("SELECT id, customer FROM client_orders").fetchall())
        steps = {o.id: steps_of(db, o.id) for o in orders}
    loads = _loads(orders, steps)
    rows = [
        StageRow(
            stage=stage,
            cells={
                day: PlanCell(
                    load=loads.get((stage.id, day), (0, []))[0],
                    capacity=stage.capacity_per_day,
                    order_ids=loads.get((stage.id, day), (0, []))[1],
                )
                for day in dates
            },
        )
        for stage in all_stages
    ]
    overloads = [
        Overload(
            stage_id=stage.id,
            stage_name=stage.name,
            date=day,
            load=load,
            capacity=stage.capacity_per_day,
        )
        for stage in all_stages
        for (stage_id, day), (load, _) in sorted(loads.items())
        if stage_id == stage.id and load > stage.capacity_per_day
    ]
    stage_names = {s.id: s.name for s in all_stages}
    lines = [_order_line(o, steps[o.id], names, customers, stage_names, today) for o in orders]
    return Plan(
        kind=str(production.kind),
        words=vocabulary.words(production.kind),
        dates=dates,
        stages=rows,
        orders=lines,
        overloads=overloads,
    )


def _loads(
    orders: list[ProductionOrder], steps: dict[int, list[OrderStep]]
) -> dict[tuple[int, date], tuple[int, list[int]]]:
    loads: dict[tuple[int, date], tuple[int, list[int]]] = {}
    for order in orders:
        if order.status in (OrderStatus.FINISHED, OrderStatus.SHIPPED):
            continue
        for step in steps[order.id]:
            if step.finished_at is not None:
                continue
            length = (step.end_on - step.start_on).days + 1
            per_day = daily_load(order.quantity, length)
            for offset in range(length):
                key = (step.stage_id, step.start_on + timedelta(days=offset))
                load, ids = loads.get(key, (0, []))
                loads[key] = (load + per_day, [*ids, order.id])
    return loads


def _order_line(
    order: ProductionOrder,
    steps: list[OrderStep],
    names: dict[int, str],
    customers: dict[int, str],
    stage_names: dict[int, str],
    today: date,
) -> OrderLine:
    planned_end = steps[-1].end_on if steps else order.due_on
    open_order = order.status != OrderStatus.SHIPPED
    late = open_order and (planned_end > order.due_on or today > order.due_on)
    current = None
    if order.status == OrderStatus.STARTED:
        current = stage_names.get(steps[order.step].stage_id)
    return OrderLine(
        order=order,
        product_name=names.get(order.product_id, "?"),
        customer=customers.get(order.client_order_id or 0, ""),
        steps=steps,
        current_stage=current,
        planned_end=planned_end,
        late=late,
    )


def queue(current: Plan, stage_name: str) -> list[tuple[OrderLine, OrderStep]]:
    """The orders still to pass a stage, in the order they reach it: a print run's press
    order (which section goes to press first, and by which deadline)."""
    waiting = []
    for line in current.orders:
        if line.order.status in (OrderStatus.FINISHED, OrderStatus.SHIPPED):
            continue
        for step in line.steps:
            stage = next((r.stage for r in current.stages if r.stage.id == step.stage_id), None)
            if stage is not None and stage.name == stage_name and step.finished_at is None:
                waiting.append((line, step))
    return sorted(waiting, key=lambda pair: (pair[1].start_on, pair[0].order.due_on))


def late_orders(db: sqlite_utils.Database, *, today: date | None = None) -> list[OrderLine]:
    return [line for line in plan(db, today=today, days=1).orders if line.late]


def overloads(
    db: sqlite_utils.Database, *, today: date | None = None, days: int = 60
) -> list[Overload]:
    return plan(db, today=today, days=days).overloads


# --- a scan at a stage --------------------------------------------------------------------------


class StageScanResult(StrEnum):
    """The closed list of answers to a work move scanned at a stage (static/stage.js)."""

    MOVED_ON = "moved_on"
    FINISHED = "finished"
    NOT_HERE = "not_here"
    NOT_IN_PROGRESS = "not_in_progress"
    UNKNOWN_CODE = "unknown_code"


class StageScanRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    code: Annotated[str, msgspec.Meta(max_length=64)]
    order_id: int
    nonce: Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9_-]{8,64}$")]
    client_at: Annotated[datetime, msgspec.Meta(tz=True)] | None = None
    queued: bool = False


class StageScanAnswer(msgspec.Struct, kw_only=True):
    result: StageScanResult
    order_id: int | None = None
    stage_name: str | None = None
    next_stage: str | None = None


class StageOrder(msgspec.Struct, kw_only=True):
    order_id: int
    product_name: str
    quantity: int
    customer: str
    due_on: date


class StagePublic(msgspec.Struct, kw_only=True):
    """A stage's page: its name, the production's words, and the orders in progress here."""

    name: str
    words: dict[str, str]
    orders: list[StageOrder]


def stage_page(db: sqlite_utils.Database, code: str) -> StagePublic | None:
    with read(db):
        stage = stage_by_code(db, code)
        if stage is None:
            return None
        rows = db.execute(
            "SELECT o.id, i.name, o.quantity, coalesce(c.customer, ''), o.due_on"
            " FROM production_orders o JOIN order_steps s ON s.order_id = o.id"
            " AND s.position = o.step + 1 JOIN stock_items i ON i.id = o.product_id"
            " LEFT JOIN client_orders c ON c.id = o.client_order_id"
            " WHERE o.status = 'started' AND s.stage_id = ? ORDER BY o.due_on, o.id",
            [stage.id],
        ).fetchall()
        kind = get_production(db).kind
    return StagePublic(
        name=stage.name,
        words=vocabulary.words(kind),
        orders=[
            StageOrder(
                order_id=r[0],
                product_name=r[1],
                quantity=r[2],
                customer=r[3],
                due_on=date.fromisoformat(r[4]),
            )
            for r in rows
        ],
    )


def scan_stage(
    db: sqlite_utils.Database,
    person: Person,
    request: StageScanRequest,
    *,
    now: datetime | None = None,
) -> StageScanAnswer:
    """A worker at a stage says an order is done here; the same nonce again is the same move."""
    received = now or utcnow()
    actor = f"person:{person.id}"
    with write(db):
        earlier = db.execute(
            "SELECT result, order_id, stage_id FROM stage_scans WHERE person_id = ? AND nonce = ?",
            [person.id, request.nonce],
        ).fetchone()
        if earlier is not None:
            return _stage_answer(db, StageScanResult(earlier[0]), earlier[1], earlier[2])
        stage = stage_by_code(db, request.code)
        result = _stage_move(db, stage, request, actor, received)
        insert(
            db,
            "stage_scans",
            {
                "person_id": person.id,
                "nonce": request.nonce,
                "order_id": request.order_id,
                "stage_id": stage.id if stage else None,
                "result": str(result),
                "received_at": iso(received),
            },
        )
        return _stage_answer(db, result, request.order_id, stage.id if stage else None)


def _stage_move(
    db: sqlite_utils.Database,
    stage: Stage | None,
    request: StageScanRequest,
    actor: str,
    received: datetime,
) -> StageScanResult:
    if stage is None:
        return StageScanResult.UNKNOWN_CODE
    order = fetch_one(
        db, ProductionOrder, "SELECT * FROM production_orders WHERE id = ?", [request.order_id]
    )
    if order is None or order.status != OrderStatus.STARTED:
        return StageScanResult.NOT_IN_PROGRESS
    if steps_of(db, order.id)[order.step].stage_id != stage.id:
        return StageScanResult.NOT_HERE
    moved = finish_stage(
        db, order.id, stage_id=stage.id, nonce=request.nonce, actor=actor, now=received
    )
    return (
        StageScanResult.FINISHED
        if moved.status == OrderStatus.FINISHED
        else StageScanResult.MOVED_ON
    )


def _stage_answer(
    db: sqlite_utils.Database, result: StageScanResult, order_id: int | None, stage_id: int | None
) -> StageScanAnswer:
    answer = StageScanAnswer(result=result, order_id=order_id)
    if stage_id is not None:
        answer.stage_name = get_stage(db, stage_id).name
    if result == StageScanResult.MOVED_ON and order_id is not None:
        order = get_order(db, order_id)
        if order.status == OrderStatus.STARTED:
            answer.next_stage = get_stage(db, steps_of(db, order_id)[order.step].stage_id).name
    return answer
