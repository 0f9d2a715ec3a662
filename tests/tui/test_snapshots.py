"""Every view at 80x24 and 120x40 on the small demo, with the clock pinned."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot

from tests.tui.conftest import make_app, settle

VIEWS = {
    "schedule": "1",
    "contracts": "2",
    "people": "3",
    "locations": "4",
    "arrivals": "5",
    "changes": "6",
    "problems": "7",
}
SIZES = [(80, 24), (120, 40)]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("view", list(VIEWS))
def test_view(
    view: str, size: tuple[int, int], demo_path: str, snap_compare: Callable[..., bool]
) -> None:
    async def open_view(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press(VIEWS[view])
        await settle(pilot)

    assert snap_compare(make_app(demo_path), terminal_size=size, run_before=open_view)
