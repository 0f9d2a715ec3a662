"""Problems: everything the rules find wrong in the whole production, with a key to go to it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from schema import problems
from schema.event_kinds import family
from schema.rules import plural
from schema.types import Problem
from tui.context import Desk
from tui.screens.base import DeskScreen
from tui.widgets.tables import Row, Table, clip, refill, selected_key

KIND_LABELS = {
    "person_double_booked": "double-booked",
    "location_double_booked": "place clash",
    "uncontracted_call": "no contract",
    "short_turnaround": "short rest",
}


class ProblemsScreen(DeskScreen):
    VIEW = "problems"
    WATCH = family("day", "call", "contract", "person", "location", "production")
    READS = frozenset({"open_day", "open_person"})
    BINDINGS = [
        Binding("enter", "open_day", "Go to day"),
        Binding("p", "open_person", "Go to person"),
    ]

    def __init__(self, desk: Desk) -> None:
        super().__init__(desk)
        self.found: list[Problem] = []

    def compose_view(self) -> ComposeResult:
        yield Static("", id="problems-title")
        yield Table(id="problems", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one("#problems", DataTable)
        table.add_columns("Date", "Problem", "What")
        table.focus()

    def reload(self) -> None:
        self.fetch("problems", problems.find, self.show)

    def show(self, found: list[Problem]) -> None:
        self.found = found
        width = max(40, self.app.size.width - 30)
        rows = [problem_row(i, p, width) for i, p in enumerate(found)]
        refill(self.query_one("#problems", DataTable), rows)
        today = self.desk.today()
        ahead = sum(1 for p in found if p.date >= today)
        title = Text(f" {plural(len(found), 'problem')}", style="bold red" if found else "green")
        title.append(f", {ahead} from today on" if found else ": nothing to fix")
        title.append("  ·  Enter: its day   p: its person", style="dim")
        self.query_one("#problems-title", Static).update(title)

    def on_resize(self) -> None:
        if self.found:
            self.show(self.found)

    @property
    def problem(self) -> Problem | None:
        key = selected_key(self.query_one("#problems", DataTable))
        return self.found[int(key)] if key is not None and int(key) < len(self.found) else None

    async def action_open_day(self) -> None:
        problem = self.problem
        if problem is None or not problem.day_ids:
            return
        open_day = getattr(self.app, "open_day", None)
        if open_day is not None:
            await open_day(problem.day_ids[0])

    async def action_open_person(self) -> None:
        problem = self.problem
        if problem is None or problem.person_id is None:
            self.notify("This problem is about a place, not a person", severity="warning")
            return
        open_person = getattr(self.app, "open_person", None)
        if open_person is not None:
            await open_person(problem.person_id)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on the list (DataTable's own select) goes to the day too."""
        event.stop()
        self.call_later(self.action_open_day)


def problem_row(index: int, problem: Problem, width: int) -> Row:
    kind = KIND_LABELS.get(str(problem.kind), str(problem.kind).replace("_", " "))
    return Row(
        str(index),
        (
            Text(f"{problem.date:%a %d %b}"),
            Text(kind, style="red"),
            clip(problem.message, width),
        ),
    )
