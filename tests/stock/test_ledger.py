"""The stock ledger: balances are the ledger's sum and never negative, whatever the sequence of
movements and whoever runs them at once."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from datetime import datetime
from pathlib import Path

import pytest
import sqlite_utils
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schema import production, stock
from schema.errors import InvalidInput, RuleViolation
from schema.stock import ItemKind, MoveIn, MoveKind, PlaceKind
from schema.store.connection import connect
from tests.conftest import NOW

ROOT = Path(__file__).resolve().parents[2]


def _world(db: sqlite_utils.Database) -> tuple[list[int], list[int]]:
    items = [
        stock.add_item(db, "Plywood sheet", ItemKind.RAW_MATERIAL, now=NOW).id,
        stock.add_item(db, "Gaffer tape", ItemKind.SHIPPING_SUPPLY, unit="roll", now=NOW).id,
    ]
    places = [
        stock.place(db, PlaceKind.STORE, "Stores", now=NOW).id,
        stock.place(db, PlaceKind.DEPARTMENT, "Art", now=NOW).id,
        stock.place(db, PlaceKind.LOCATION, "Harbour Mill", now=NOW).id,
    ]
    return items, places


# One step: (kind, item index, from index or None, to index or None, quantity).
steps = st.lists(
    st.tuples(
        st.sampled_from([MoveKind.RECEIVE, MoveKind.MOVE, MoveKind.CONSUME, MoveKind.ADJUST]),
        st.integers(0, 1),
        st.integers(0, 2),
        st.integers(0, 2),
        st.integers(1, 40),
        st.booleans(),
    ),
    max_size=40,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps)
def test_balances_are_the_ledger_sum_and_never_negative(
    moves: list[tuple[MoveKind, int, int, int, int, bool]],
) -> None:
    db = connect(":memory:")
    production.create(db, "Ledger", now=NOW)
    items, places = _world(db)
    expected: dict[tuple[int, int], int] = {}
    for kind, item_index, a, b, quantity, adjust_up in moves:
        item, source, target = items[item_index], places[a], places[b]
        move = _move(kind, item, source, target, quantity, adjust_up)
        if move is None:
            continue
        have = expected.get((item, source), 0)
        takes = move.from_place_id is not None
        try:
            stock.record(db, move, now=NOW)
        except RuleViolation:
            assert takes and have < quantity  # refused only when it would go below zero
            continue
        assert not takes or have >= quantity
        if move.from_place_id is not None:
            expected[(item, move.from_place_id)] = have - quantity
        if move.to_place_id is not None:
            key = (item, move.to_place_id)
            expected[key] = expected.get(key, 0) + quantity
    stored = {
        (int(r[0]), int(r[1])): int(r[2])
        for r in db.execute("SELECT item_id, place_id, quantity FROM stock_balances")
    }
    assert {k: v for k, v in stored.items() if v} == {k: v for k, v in expected.items() if v}
    assert {k: v for k, v in stock.ledger_sums(db).items() if v} == {
        k: v for k, v in stored.items() if v
    }
    assert all(v >= 0 for v in stored.values())
    db.conn.close()


def _move(
    kind: MoveKind, item: int, source: int, target: int, quantity: int, adjust_up: bool
) -> MoveIn | None:
    if kind == MoveKind.RECEIVE:
        return MoveIn(kind=kind, item_id=item, quantity=quantity, to_place_id=target)
    if kind == MoveKind.CONSUME:
        return MoveIn(kind=kind, item_id=item, quantity=quantity, from_place_id=source)
    if kind == MoveKind.ADJUST:
        side = {"to_place_id": target} if adjust_up else {"from_place_id": source}
        return MoveIn(kind=kind, item_id=item, quantity=quantity, **side)
    if source == target:
        return None
    return MoveIn(
        kind=kind, item_id=item, quantity=quantity, from_place_id=source, to_place_id=target
    )


def test_a_refused_movement_writes_nothing(fresh_db: sqlite_utils.Database) -> None:
    items, places = _world(fresh_db)
    stock.record(
        fresh_db, MoveIn(kind=MoveKind.RECEIVE, item_id=items[0], quantity=3, to_place_id=places[0])
    )
    before = fresh_db.execute("SELECT count(*) FROM events").fetchone()[0]
    with pytest.raises(RuleViolation, match="only 3 each of Plywood sheet"):
        stock.record(
            fresh_db,
            MoveIn(
                kind=MoveKind.MOVE,
                item_id=items[0],
                quantity=4,
                from_place_id=places[0],
                to_place_id=places[1],
            ),
        )
    assert stock.balance(fresh_db, items[0], places[0]) == 3
    assert stock.balance(fresh_db, items[0], places[1]) == 0
    assert fresh_db.execute("SELECT count(*) FROM stock_movements").fetchone()[0] == 1
    assert fresh_db.execute("SELECT count(*) FROM events").fetchone()[0] == before


def test_the_same_nonce_is_the_same_movement(fresh_db: sqlite_utils.Database) -> None:
    items, places = _world(fresh_db)
    move = MoveIn(
        kind=MoveKind.RECEIVE, item_id=items[1], quantity=5, to_place_id=places[0], nonce="abc12345"
    )
    first = stock.record(fresh_db, move)
    again = stock.record(fresh_db, move)
    assert first.id == again.id
    assert stock.balance(fresh_db, items[1], places[0]) == 5
    # Another actor's nonce is their own.
    stock.record(fresh_db, move, actor="person:7")
    assert stock.balance(fresh_db, items[1], places[0]) == 10


def test_the_ledger_is_append_only(fresh_db: sqlite_utils.Database) -> None:
    items, places = _world(fresh_db)
    stock.record(
        fresh_db, MoveIn(kind=MoveKind.RECEIVE, item_id=items[0], quantity=1, to_place_id=places[0])
    )
    with pytest.raises(Exception, match="append-only"):
        fresh_db.execute("UPDATE stock_movements SET quantity = 9")
    with pytest.raises(Exception, match="append-only"):
        fresh_db.execute("DELETE FROM stock_movements")


@pytest.mark.parametrize(
    ("move", "field"),
    [
        (MoveIn(kind=MoveKind.MOVE, item_id=1, quantity=1, to_place_id=2), "from"),
        (MoveIn(kind=MoveKind.CONSUME, item_id=1, quantity=1, to_place_id=2), "from"),
        (MoveIn(kind=MoveKind.RECEIVE, item_id=1, quantity=0, to_place_id=2), "quantity"),
        (
            MoveIn(kind=MoveKind.ADJUST, item_id=1, quantity=1, from_place_id=1, to_place_id=2),
            "to",
        ),
    ],
)
def test_malformed_movements_are_refused(
    fresh_db: sqlite_utils.Database, move: MoveIn, field: str
) -> None:
    _world(fresh_db)
    with pytest.raises(InvalidInput) as refused:
        stock.record(fresh_db, move)
    assert refused.value.field == field


def test_low_stock_is_under_the_reorder_level(fresh_db: sqlite_utils.Database) -> None:
    item = stock.add_item(fresh_db, "Batteries AA", ItemKind.OFFICE_SUPPLY, reorder_level=20)
    store = stock.place(fresh_db, PlaceKind.STORE, "Office")
    stock.record(
        fresh_db, MoveIn(kind=MoveKind.RECEIVE, item_id=item.id, quantity=19, to_place_id=store.id)
    )
    assert [s.item.name for s in stock.low_stock(fresh_db)] == ["Batteries AA"]
    stock.record(
        fresh_db, MoveIn(kind=MoveKind.RECEIVE, item_id=item.id, quantity=1, to_place_id=store.id)
    )
    assert stock.low_stock(fresh_db) == []


# --- separate processes on one file -------------------------------------------------------------

MOVER = textwrap.dedent(
    """
    import sys, time
    from schema import stock
    from schema.errors import RuleViolation
    from schema.stock import MoveIn, MoveKind
    from schema.store.connection import connect
    path, item, source, target, worker = sys.argv[1:6]
    db = connect(path)
    print("ready", flush=True)
    sys.stdin.readline()  # all start together
    moved = 0
    for n in range(10):
        try:
            stock.record(db, MoveIn(kind=MoveKind.MOVE, item_id=int(item), quantity=1,
                from_place_id=int(source), to_place_id=int(target),
                nonce=f"worker{worker}-{n:04d}"),
                actor=f"worker:{worker}")
            moved += 1
        except RuleViolation:
            pass
    print(moved, flush=True)
    """
)


def test_concurrent_moves_of_the_last_units_from_separate_processes(tmp_path: Path) -> None:
    path = tmp_path / "plant.db"
    db = connect(path)
    production.create(db, "Plant", now=NOW)
    items, places = _world(db)
    available = 13
    stock.record(
        db,
        MoveIn(kind=MoveKind.RECEIVE, item_id=items[0], quantity=available, to_place_id=places[0]),
    )
    db.conn.close()
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                MOVER,
                str(path),
                str(items[0]),
                str(places[0]),
                str(places[1 + n % 2]),
                str(n),
            ],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(4)
    ]
    for worker in workers:
        assert worker.stdout is not None and worker.stdout.readline().strip() == "ready"
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.write("go\n")
        worker.stdin.flush()
    moved = [int(worker.communicate(timeout=60)[0].strip()) for worker in workers]
    assert sum(moved) == available  # 40 attempts, exactly the 13 there were
    db = connect(path)
    assert stock.balance(db, items[0], places[0]) == 0
    assert stock.balance(db, items[0], places[1]) + stock.balance(db, items[0], places[2]) == 13
    assert (
        db.execute("SELECT count(*) FROM stock_movements WHERE kind = 'move'").fetchone()[0] == 13
    )
    db.conn.close()


def test_moments_are_stored(fresh_db: sqlite_utils.Database, now: datetime) -> None:
    items, places = _world(fresh_db)
    moved = stock.record(
        fresh_db,
        MoveIn(
            kind=MoveKind.RECEIVE,
            item_id=items[0],
            quantity=2,
            to_place_id=places[0],
            reason="delivery note 4471",
        ),
        actor="coordinator",
        now=now,
    )
    assert moved.at == now and moved.reason == "delivery note 4471" and moved.actor == "coordinator"
