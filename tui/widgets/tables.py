"""Small helpers for DataTables: refill keeping the cursor on the same row, and formatting."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import NamedTuple
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.widgets import DataTable
from textual.widgets.data_table import RowDoesNotExist

Cell = str | Text


class Row(NamedTuple):
    key: str
    cells: Sequence[Cell]


class Table(DataTable[Cell]):
    """A DataTable that redraws its cells once it has measured new rows.

    Textual (8.2) measures added rows on the next Idle event, but keys its rendered-cell caches
    on a counter that measuring leaves alone: a frame drawn between add_row and that Idle keeps
    every cell clipped to its header's width until something else changes the table.
    """

    BINDINGS = [
        Binding("home", "first_row", "First", show=False),
        Binding("end", "last_row", "Last", show=False),
    ]

    def action_first_row(self) -> None:
        """Home and End go to the first and last row (a row table has no columns to walk)."""
        if self.cursor_type == "row":
            self.action_scroll_top()
        else:
            self.action_scroll_home()

    def action_last_row(self) -> None:
        if self.cursor_type == "row":
            self.action_scroll_bottom()
        else:
            self.action_scroll_end()

    async def _on_idle(self, _: events.Idle) -> None:
        measuring = self._require_update_dimensions or bool(self._updated_cells)
        await super()._on_idle(_)
        if measuring:
            self._update_count += 1
            self.refresh()


def selected_key(table: DataTable[Cell]) -> str | None:
    if not table.row_count:
        return None
    return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value


def land_on(table: DataTable[Cell], key: str) -> bool:
    """Put the cursor on the row with this key (an added or edited record), if it is shown."""
    try:
        row = table.get_row_index(key)
    except RowDoesNotExist:  # not in this page or filter
        return False
    table.move_cursor(row=row, animate=False)
    return True


def refill(table: DataTable[Cell], rows: Sequence[Row], keep: str | None = None) -> None:
    """Replace every row; the cursor stays on the row it was on, or, if that row is gone (a
    release, a void), on the same position, so the next key acts near where the eye is."""
    keep = keep if keep is not None else selected_key(table)
    position = table.cursor_row
    clear_keeping_columns(table)
    for row in rows:
        table.add_row(*row.cells, key=row.key)
    keys = [row.key for row in rows]
    if keep in keys:
        table.move_cursor(row=keys.index(keep), animate=False)
    elif keep is not None and rows:
        table.move_cursor(row=min(position, len(rows) - 1), animate=False)


def clear_keeping_columns(table: DataTable[Cell]) -> None:
    """Clear rows and re-add the same columns: DataTable's auto widths only ever grow, so
    without this a column stays as wide as the longest value it ever held (the last day's
    names, a wider terminal before a resize) and pushes the right-hand columns out of view."""
    columns = [
        (column.label, column.key.value, None if column.auto_width else column.width)
        for column in table.ordered_columns
    ]
    table.clear(columns=True)
    for label, key, width in columns:
        table.add_column(label, width=width, key=key)


def when(moment: datetime | None, zone: ZoneInfo | None = None) -> str:
    """A moment as the coordinator reads it: 'Tue 01 Dec 07:12' in the production's time."""
    if moment is None:
        return ""
    if moment.tzinfo is not None:
        moment = moment.astimezone(zone or UTC)
    return f"{moment:%a %d %b %H:%M}"


def clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


STATUS_STYLES = {
    "countersigned": "green",
    "signed": "cyan",
    "viewed": "yellow",
    "sent": "yellow",
    "draft": "magenta",
    "void": "dim",
    "declined": "bold red",
}


def status_cell(status: str | None) -> Text:
    """A contract status, coloured; no contract at all is 'unpapered', in red."""
    if status is None:
        return Text("UNPAPERED", style="bold red")
    return Text(str(status), style=STATUS_STYLES.get(str(status), ""))
