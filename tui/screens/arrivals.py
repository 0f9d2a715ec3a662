"""Arrivals: today's calls per location, who is here (on time or late) and who is missing.

The app's feed follower tells this view when check-ins land, from this process or any other
(the crew server, a phone); the board then reloads in a worker. A timer re-judges 'missing'
as the clock passes call times, without touching the database.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from functools import partial

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from schema import arrivals
from schema.arrivals import Arrival, LocationBoard
from schema.event_kinds import family
from tui.context import Desk
from tui.screens.base import DeskScreen
from tui.widgets.tables import Row, Table, clip, refill

TICK_SECONDS = 20
STATE_STYLES = {
    "arrived": "green",
    "late": "yellow",
    "missing": "bold red",
    "expected": "",
    "unexpected": "magenta",
}


class ArrivalsScreen(DeskScreen):
    VIEW = "arrivals"
    WATCH = family("checkin", "call", "day", "location", "person")

    def __init__(self, desk: Desk) -> None:
        super().__init__(desk)
        self.boards: list[LocationBoard] = []

    def compose_view(self) -> ComposeResult:
        yield Static("", id="arrivals-title")
        yield Table(id="arrivals", cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one("#arrivals", DataTable)
        table.add_columns("Call", "Name", "Department", "Status")
        table.focus()
        self.set_interval(TICK_SECONDS, self.render_board)

    def reload(self) -> None:
        self.fetch("board", partial(arrivals.board, on=self.desk.today()), self.show_boards)

    def show_boards(self, boards: list[LocationBoard]) -> None:
        self.boards = boards
        self.render_board()

    def render_board(self) -> None:
        local_now = self.desk.local_now()
        rows = [row for board in self.boards for row in board_rows(board, local_now)]
        refill(self.query_one("#arrivals", DataTable), rows)
        self.query_one("#arrivals-title", Static).update(self.heading(local_now))

    def heading(self, local_now: datetime) -> Text:
        totals: Counter[str] = Counter()
        for board in self.boards:
            totals.update(arrivals.tally(board, local_now))
        text = Text(f" {self.desk.today():%a %d %b} · now {local_now:%H:%M} · ", style="bold")
        if not self.boards:
            text.append("nobody is called today", style="dim")
        for state in ("arrived", "late", "missing", "expected", "unexpected"):
            if totals[state]:
                text.append(f"{totals[state]} {state}  ", style=STATE_STYLES[state])
        return text


CHASE_ORDER = {"missing": 0, "expected": 1, "unexpected": 2, "late": 3, "arrived": 4}


def board_rows(board: LocationBoard, local_now: datetime) -> list[Row]:
    counts = arrivals.tally(board, local_now)
    here = counts["arrived"] + counts["late"] + counts["unexpected"]
    header = Text(f"■ {clip(board.name, 22)}", style="bold")
    count = Text(f"{here}/{len(board.arrivals)} here", style="bold")
    rows = [Row(f"loc-{board.location_id}", ("", header, "", count))]
    # Who to chase first: past call and not here, then those still expected, then the rest.
    ordered = sorted(board.arrivals, key=lambda a: CHASE_ORDER.get(a.state(local_now), 9))
    rows += [arrival_row(board, a, local_now) for a in ordered]
    return rows


def arrival_row(board: LocationBoard, arrival: Arrival, local_now: datetime) -> Row:
    call = f"{arrival.call_at:%H:%M}" if arrival.call_at else ""
    return Row(
        f"{board.location_id}-{arrival.person_id}",
        (
            call,
            clip(arrival.name, 24),
            clip(arrival.department, 14),
            status(arrival, local_now),
        ),
    )


def minutes(count: int) -> str:
    """'7 min', or '7h12' once it is past the hour: easier to read on a busy board."""
    hours, mins = divmod(count, 60)
    return f"{count} min" if not hours else f"{hours}h{mins:02d}"


def status(arrival: Arrival, local_now: datetime) -> Text:
    state = arrival.state(local_now)
    style = STATE_STYLES[state]
    at = f"{arrival.arrived_at:%H:%M}" if arrival.arrived_at else ""
    if arrival.checked_in_at:  # the day moved after they checked in
        at += f" at {arrival.checked_in_at}"
    if state == "arrived":
        return Text(f"✓ here {at}", style=style)
    if state == "late":
        return Text(f"✓ {at}, {minutes(arrival.late_minutes)} late", style=style)
    if state == "missing":
        late = int((local_now - arrival.call_at).total_seconds() // 60) if arrival.call_at else 0
        return Text(f"✗ not here ({minutes(late)} past call)", style=style)
    if state == "unexpected":
        return Text(f"? here {at}, not called here", style=style)
    return Text("expected", style="dim")
