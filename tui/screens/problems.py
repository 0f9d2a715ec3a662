"""Problems: everything wrong in the whole production (the schedule, stock and gear, the plan,
the replica), with a key to go to its day or person."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from schema import problems
from schema.event_kinds import family
from schema.problems import AnyProblem
from schema.rules import plural
from tui.context import Desk
from tui.screens.base import DeskScreen
from tui.widgets.replica import ReplicaLine
from tui.widgets.tables import Row, Table, clip, refill, selected_key

KIND_LABELS = {
    "person_double_booked": "double-booked",
    "location_double_booked": "place clash",
    "uncontracted_call": "no contract",
    "short_turnaround": "short rest",
    "gear_double_booked": "gear clash",
}


class ProblemsScreen(DeskScreen):
    VIEW = "problems"
    WATCH = family(
        "day",
        "call",
        "contract",
        "person",
        "location",
        "production",
        "paperwork",
        "booking",
        "checkin",
        "mark",
        "stock",
        "equipment",
        "purchase",
        "plan",
    )
    READS = frozenset({"open_day", "open_person"})
    BINDINGS = [
        Binding("enter", "open_day", "Go to day"),
        Binding("p", "open_person", "Go to person"),
    ]

    def __init__(self, desk: Desk) -> None:
        super().__init__(desk)
        self.found: list[AnyProblem] = []

    def compose_view(self) -> ComposeResult:
        yield Static("", id="problems-title")
        yield Table(id="problems", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one("#problems", DataTable)
        table.add_columns("Date", "Problem", "What")
        table.focus()

    def on_replica_line_crossed(self, message: ReplicaLine.Crossed) -> None:
        """The replica's lag is a file, not an event: the status line, which reads it anyway,
        says when it crosses the line either way."""
        listed = any(isinstance(p, problems.DurabilityProblem) for p in self.found)
        if message.behind != listed:
            self.reload()

    def reload(self) -> None:
        now = self.desk.now()
        self.fetch("problems", lambda db: problems.find_all(db, now=now), self.show)

    def show(self, found: list[AnyProblem]) -> None:
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
    def problem(self) -> AnyProblem | None:
        key = selected_key(self.query_one("#problems", DataTable))
        return self.found[int(key)] if key is not None and int(key) < len(self.found) else None

    async def action_open_day(self) -> None:
        problem = self.problem
        if problem is None:
            return
        if not problem.day_ids:
            self.notify("This problem is not about a day on the schedule", severity="warning")
            return
        open_day = getattr(self.app, "open_day", None)
        if open_day is not None:
            await open_day(problem.day_ids[0])

    async def action_open_person(self) -> None:
        problem = self.problem
        person_id = getattr(problem, "person_id", None)
        if problem is None or person_id is None:
            self.notify("This problem is not about a person", severity="warning")
            return
        open_person = getattr(self.app, "open_person", None)
        if open_person is not None:
            await open_person(person_id)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on the list (DataTable's own select) goes to the day too."""
        event.stop()
        self.call_later(self.action_open_day)


def problem_row(index: int, problem: AnyProblem, width: int) -> Row:
    kind = KIND_LABELS.get(str(problem.kind), str(problem.kind).replace("_", " "))
    return Row(
        str(index),
        (
            Text(f"{problem.date:%a %d %b}"),
            Text(kind, style="red"),
            clip(problem.message, width),
        ),
    )
