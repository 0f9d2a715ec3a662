"""The new dialogs at 80x24 and 120x40: a bulk change's preview, the day to copy from, the
`g` chord, and a two-desk stale refusal."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot

from tests.tui.conftest import make_app, settle

SIZES = [(80, 24), (120, 40)]
KEYS: dict[str, tuple[str, ...]] = {
    "shift-preview": ("S", *"grip", "enter"),
    "call-preview": ("D", *"catering", "enter"),
    "copy-choice": ("C",),
    "go-to": ("g",),
    "find-in-calls": ("slash", *"gr"),
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("what", list(KEYS))
def test_desk_dialog(
    what: str, size: tuple[int, int], demo_path: str, snap_compare: Callable[..., bool]
) -> None:
    async def open_it(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press(*KEYS[what])
        await settle(pilot)

    assert snap_compare(make_app(demo_path), terminal_size=size, run_before=open_it)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_read_only_desk_after_a_refused_key(
    size: tuple[int, int], demo_path: str, snap_compare: Callable[..., bool]
) -> None:
    """The navbar says whose desk it is and that it is read-only; a write key says why not."""
    from tests.tui.conftest import TODAY, clock
    from tui.app import CallboardApp

    app = CallboardApp(
        demo_path, today=TODAY, clock=clock, follow=False, actor="dana", read_only=True
    )

    async def refuse(pilot: Pilot[None]) -> None:
        await settle(pilot)
        app.clear_notifications()
        await pilot.press("d")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=refuse)
