"""The master production plan: routing through stages, the bill of materials consumed, work in
progress moved on through the ledger, overloaded days, late orders, rescheduling, stage scans."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlite_utils

from schema import plan, problems, stock
from schema.errors import RuleViolation
from schema.plan import OrderStatus, RoutingStep, StageScanRequest, StageScanResult
from schema.problems import StockProblemKind
from schema.stock import ItemKind, MoveIn, MoveKind, PlaceKind
from tests.conftest import NOW
from tests.schema import factories

TODAY = date(2026, 12, 1)


class Plant:
    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self.steel = stock.add_item(db, "Steel tube", ItemKind.RAW_MATERIAL, unit="m").id
        self.bolt = stock.add_item(db, "M8 bolt", ItemKind.COMPONENT, reorder_level=50).id
        self.chair = stock.add_item(db, "Folding chair", ItemKind.FINISHED_GOOD).id
        self.cutting = plan.add_stage(db, "Cutting", 50, now=NOW)
        self.welding = plan.add_stage(db, "Welding", 20, now=NOW)
        self.assembly = plan.add_stage(db, "Assembly", 50, now=NOW)
        plan.define_product(
            db,
            self.chair,
            [
                RoutingStep(stage_id=self.cutting.id, days=1),
                RoutingStep(stage_id=self.welding.id, days=2),
                RoutingStep(stage_id=self.assembly.id, days=1),
            ],
            {self.steel: 3, self.bolt: 4},
        )
        materials, self.finished = plan.stores(db, actor="coordinator", now=NOW)
        self.materials = materials
        for item, quantity in ((self.steel, 300), (self.bolt, 200)):
            stock.record(
                db,
                MoveIn(
                    kind=MoveKind.RECEIVE, item_id=item, quantity=quantity, to_place_id=materials
                ),
            )

    def order(self, quantity: int, due: date, start: date = TODAY) -> plan.ProductionOrder:
        client = plan.add_client_order(self.db, "Hall & Co", self.chair, quantity, due, now=NOW)
        return plan.release(self.db, client.id, start, now=NOW)


@pytest.fixture
def plant(fresh_db: sqlite_utils.Database) -> Plant:
    stock.place(fresh_db, PlaceKind.STORE, "unused")  # ids are not positions
    from schema import production

    production.update(fresh_db, 1, {"kind": "manufacturing"})
    return Plant(fresh_db)


def test_routing_dates_steps_back_to_back(plant: Plant) -> None:
    order = plant.order(10, TODAY + timedelta(days=10))
    steps = plan.steps_of(plant.db, order.id)
    assert [(s.stage_id, s.start_on, s.end_on) for s in steps] == [
        (plant.cutting.id, TODAY, TODAY),
        (plant.welding.id, TODAY + timedelta(days=1), TODAY + timedelta(days=2)),
        (plant.assembly.id, TODAY + timedelta(days=3), TODAY + timedelta(days=3)),
    ]


def test_an_order_through_every_stage_moves_stock_through_the_ledger(plant: Plant) -> None:
    db = plant.db
    order = plant.order(10, TODAY + timedelta(days=10))
    plan.start(db, order.id)
    assert stock.balance(db, plant.steel, plant.materials) == 300 - 30  # 3 m per chair
    assert stock.balance(db, plant.bolt, plant.materials) == 200 - 40
    assert stock.balance(db, order.wip_item_id, plant.cutting.place_id) == 10
    plan.finish_stage(db, order.id)
    assert stock.balance(db, order.wip_item_id, plant.cutting.place_id) == 0
    assert stock.balance(db, order.wip_item_id, plant.welding.place_id) == 10
    with pytest.raises(RuleViolation, match="at Welding"):
        plan.finish_stage(db, order.id, stage_id=plant.assembly.id)
    plan.finish_stage(db, order.id, stage_id=plant.welding.id)
    done = plan.finish_stage(db, order.id)
    assert done.status == OrderStatus.FINISHED
    assert stock.balance(db, order.wip_item_id, plant.assembly.place_id) == 0
    assert stock.balance(db, plant.chair, plant.finished) == 10
    shipped = plan.ship(db, order.id, carrier="DHL")
    assert shipped.status == OrderStatus.SHIPPED
    assert stock.balance(db, plant.chair, plant.finished) == 0
    kinds = [m.kind for m in reversed(stock.movements(db, item_id=plant.chair))]
    assert kinds == [MoveKind.PRODUCE, MoveKind.SHIP]
    stored = {
        (r[0], r[1]): r[2]
        for r in db.execute("SELECT item_id, place_id, quantity FROM stock_balances")
    }
    assert stored == stock.ledger_sums(db)
    with pytest.raises(RuleViolation):
        plan.ship(db, order.id)


def test_starting_short_of_material_consumes_nothing(plant: Plant) -> None:
    order = plant.order(60, TODAY + timedelta(days=10))  # 240 bolts needed, 200 in stock
    with pytest.raises(RuleViolation, match="M8 bolt"):
        plan.start(plant.db, order.id)
    assert stock.balance(plant.db, plant.steel, plant.materials) == 300
    assert plan.get_order(plant.db, order.id).status == OrderStatus.PLANNED


def test_overloaded_days_and_late_orders(plant: Plant) -> None:
    db = plant.db
    plant.order(30, TODAY + timedelta(days=10))  # welding: 15 a day over two days
    plant.order(12, TODAY + timedelta(days=2))  # welding: 6 a day, same days: 21 > 20; late
    current = plan.plan(db, today=TODAY)
    over = [(o.stage_name, o.date, o.load) for o in current.overloads]
    assert over == [
        ("Welding", TODAY + timedelta(days=1), 21),
        ("Welding", TODAY + timedelta(days=2), 21),
    ]
    welding = next(r for r in current.stages if r.stage.id == plant.welding.id)
    assert welding.cells[TODAY + timedelta(days=1)].overloaded
    assert not welding.cells[TODAY + timedelta(days=3)].overloaded
    late = [line.order.quantity for line in current.orders if line.late]
    assert late == [12]
    found = problems.find_stock(db, now=NOW)
    kinds = sorted(str(p.kind) for p in found)
    assert kinds == ["order_late", "stage_overloaded", "stage_overloaded"]
    assert any("Production order" in p.message for p in found)  # the plant's words


def test_rescheduling_moves_the_unfinished_stages(plant: Plant) -> None:
    db = plant.db
    order = plant.order(10, TODAY + timedelta(days=10))
    plan.start(db, order.id)
    plan.finish_stage(db, order.id)  # cutting done today
    steps = plan.reschedule(db, order.id, TODAY + timedelta(days=5))
    assert [(s.start_on, s.end_on) for s in steps] == [
        (TODAY, TODAY),
        (TODAY + timedelta(days=5), TODAY + timedelta(days=6)),
        (TODAY + timedelta(days=7), TODAY + timedelta(days=7)),
    ]
    overdue = plan.reschedule(db, order.id, TODAY + timedelta(days=20))
    assert overdue[-1].end_on > TODAY + timedelta(days=10)
    assert [p.kind for p in problems.find_stock(db, now=NOW)] == [StockProblemKind.ORDER_LATE]


def test_a_stage_scan_moves_work_on_once(plant: Plant) -> None:
    db = plant.db
    worker = factories.person(db, "Ivo Novak", department="Welding")
    order = plant.order(10, TODAY + timedelta(days=10))
    plan.start(db, order.id)
    page = plan.stage_page(db, plant.cutting.code)
    assert page is not None and [o.order_id for o in page.orders] == [order.id]
    request = StageScanRequest(code=plant.cutting.code, order_id=order.id, nonce="stage-000001")
    answer = plan.scan_stage(db, worker, request, now=NOW)
    assert answer.result == StageScanResult.MOVED_ON and answer.next_stage == "Welding"
    assert plan.scan_stage(db, worker, request, now=NOW).result == StageScanResult.MOVED_ON
    assert plan.get_order(db, order.id).step == 1  # once, not twice
    wrong = StageScanRequest(code=plant.assembly.code, order_id=order.id, nonce="stage-000002")
    assert plan.scan_stage(db, worker, wrong, now=NOW).result == StageScanResult.NOT_HERE
    bad = StageScanRequest(code="QQQQQQQQ", order_id=order.id, nonce="stage-000003")
    assert plan.scan_stage(db, worker, bad, now=NOW).result == StageScanResult.UNKNOWN_CODE


@pytest.mark.parametrize("kind", ["manufacturing", "print"])
def test_the_plant_demos_carry_their_planted_problems(kind: str) -> None:
    from datetime import UTC, datetime

    from schema import demo_plant
    from schema.store.connection import connect

    db = connect(":memory:")
    at = datetime(2026, 12, 1, 9, tzinfo=UTC)
    demo_plant.build(db, kind, today=TODAY, now=at)
    kinds = {p.kind for p in problems.find_stock(db, now=at)}
    assert kinds == {
        StockProblemKind.STAGE_OVERLOADED,
        StockProblemKind.ORDER_LATE,
        StockProblemKind.LOW_STOCK,
        StockProblemKind.UNIT_OVERDUE,
    }
    assert plan.plan(db, today=TODAY).words["order"] == (
        "section" if kind == "print" else "production order"
    )
    db.conn.close()


def test_the_press_order_is_the_queue_at_the_press() -> None:
    from datetime import UTC, datetime

    from schema import demo_plant
    from schema.store.connection import connect

    db = connect(":memory:")
    demo_plant.build(db, "print", today=TODAY, now=datetime(2026, 12, 1, 9, tzinfo=UTC))
    current = plan.plan(db, today=TODAY)
    press = plan.queue(current, "Press")
    assert [step.start_on for _, step in press] == sorted(step.start_on for _, step in press)
    assert [line.product_name for line, _ in press][:3] == [
        "Sport section",  # due first among the two at press on the same day
        "News section",
        "Property supplement",
    ]
    plan.finish_stage(db, press[0][0].order.id)  # prepress done: still waiting for the press
    assert len(plan.queue(plan.plan(db, today=TODAY), "Press")) == len(press)
    db.conn.close()
