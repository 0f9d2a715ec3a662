"""Table shows whole cells even when a frame is drawn before it has measured new rows."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from tui.widgets.tables import Table

LONG = "Catering Assistant"


class OneTable(App[None]):
    # A fixed size, as in the Schedule's day detail: a table that grows gets a Resize, which
    # happens to clear the stale cells.
    CSS = "DataTable { height: 1fr; width: 1fr; }"

    def __init__(self, table: DataTable[str]) -> None:
        super().__init__()
        self.table = table

    def compose(self) -> ComposeResult:
        yield self.table

    def on_mount(self) -> None:
        self.table.add_columns("Role", "Call")


@pytest.mark.parametrize("widget", [Table, DataTable])
async def test_rows_drawn_before_measuring_are_redrawn(widget: type[DataTable[str]]) -> None:
    """Plain DataTable is the control: it keeps the clipped frame, which is why Table exists.
    If Textual fixes this upstream the control fails, and Table can go."""
    app = OneTable(widget())
    async with app.run_test(size=(60, 10)) as pilot:
        await pilot.pause()
        app.table.add_row(LONG, "07:00")
        early = app.table.render_line(1).text  # a frame drawn before the table's next Idle
        await pilot.pause()
        await pilot.pause()
        later = app.table.render_line(1).text
    assert LONG not in early
    assert (LONG in later) is (widget is Table)
