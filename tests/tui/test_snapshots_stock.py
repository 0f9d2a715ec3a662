"""The Stock view on the film demo and the Plan view on the plant demo, at 80x24 and 120x40."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot

from schema import demo_plant
from schema.store.connection import connect
from tests.tui.conftest import BUILT_AT, TODAY, make_app, settle

SIZES = [(80, 24), (120, 40)]


@pytest.fixture(scope="module")
def plant_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("plant") / "plant.db"
    db = connect(path)
    demo_plant.build(db, "manufacturing", today=TODAY, now=BUILT_AT)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    return str(path)


def _open(key: str) -> Callable[[Pilot[None]], object]:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_stock_view(
    size: tuple[int, int], demo_path: str, snap_compare: Callable[..., bool]
) -> None:
    assert snap_compare(make_app(demo_path), terminal_size=size, run_before=_open("8"))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_plan_view(
    size: tuple[int, int], plant_path: str, snap_compare: Callable[..., bool]
) -> None:
    assert snap_compare(make_app(plant_path), terminal_size=size, run_before=_open("9"))
