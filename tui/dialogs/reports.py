"""Reports from the desk: the day out of days as a grid, and the paper sign-in sheet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlite_utils
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Label, Static

from schema import reports
from schema.outputs import reports as out
from schema.reports import LEGEND, DayOutOfDays
from tui.context import Desk
from tui.data import DbWork
from tui.dialogs.form import Field, FormDialog, Values
from tui.widgets.tables import Row, Table, clip, refill

CODE_STYLES = {"H": "yellow", "T": "cyan"}


class DayOutOfDaysDialog(DbWork, ModalScreen[None]):
    """The standard grid: a row per person, a column per shoot date."""

    CSS_PATH = "reports.tcss"
    BINDINGS = [Binding("escape,q", "close", "Close")]

    def __init__(self, desk: Desk) -> None:
        super().__init__(classes="dialog")
        self.desk = desk

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-body dood"):
            yield Label("Day out of days", classes="dialog-title")
            yield Table(id="dood", cursor_type="row")
            legend = " · ".join(f"{code} {meaning}" for code, meaning in LEGEND.items())
            yield Static(legend, classes="muted", id="dood-legend")
        yield Footer()

    def on_mount(self) -> None:
        self.fetch("dood", reports.day_out_of_days, self.show_grid)

    def show_grid(self, dood: DayOutOfDays) -> None:
        table = self.query_one("#dood", DataTable)
        table.clear(columns=True)
        table.add_columns("Name", "Dept", *[f"{d[8:10]}/{d[5:7]}" for d in dood.dates])
        table.add_columns("W", "H", "T")
        refill(table, [grid_row(dood, row) for row in dood.rows])
        table.focus()

    def action_close(self) -> None:
        self.dismiss(None)


def grid_row(dood: DayOutOfDays, row: reports.DoodRow) -> Row:
    cells: list[str | Text] = [clip(row.name, 20), clip(row.department, 10)]
    for on in dood.dates:
        code = row.codes.get(on, "")
        style = CODE_STYLES.get(code, "bold green" if "W" in code else "")
        cells.append(Text(code, style=style))
    cells += [str(row.work), str(row.hold), str(row.travel)]
    return Row(str(row.person_id), cells)


def signin_sheet_form(desk: Desk, location_id: int, name: str) -> FormDialog:
    """Write today's sign-in sheet for one location to a PDF (never over an existing file)."""
    on = desk.today()

    def save(db: sqlite_utils.Database, values: Values) -> Any:
        sheet = reports.signin_sheet(db, on, location_id)
        return out.write(Path(values["out"]).expanduser(), pdf=out.signin_sheets_pdf([sheet]))

    default = str(Path.home() / f"signin-{on.isoformat()}-{location_id}.pdf")
    fields = [Field("out", "Sheet file", default)]
    title = f"Print the sign-in sheet for {name}"
    return FormDialog(desk, title, fields, save, lambda p: f"Wrote {p}", writes=False)
