"""Arrivals: today's calls per location, who is here (on time or late) and who is missing.

The app's feed follower tells this view when check-ins land, from this process or any other
(the crew server, a phone); the board then reloads in a worker. A timer re-judges 'missing'
as the clock passes call times, without touching the database.

The coordinator acts on the board by key: filter it (missing, late, far, not called here),
mark a person arrived by hand, absent, sick or released, accept a time from a phone, wrap a
person, a department or the unit, set the unit's meal break. Every mark is an event.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime
from functools import partial

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from schema import arrivals, marks, schedule
from schema.arrivals import Arrival, LocationBoard
from schema.event_kinds import family
from schema.types import MarkKind
from tui.context import Desk
from tui.dialogs.marks import mark_form, meal_form, wrap_group_form
from tui.screens.base import DeskScreen
from tui.widgets.tables import Row, Table, clip, refill, selected_key

TICK_SECONDS = 20
WIDE = 110  # the app's wide breakpoint: room for phone numbers
STATE_STYLES = {
    "arrived": "green",
    "late": "yellow",
    "missing": "bold red",
    "expected": "",
    "unexpected": "magenta",
    "absent": "bold red",
    "sick": "red",
}
# The board's filters, in the order `f` steps through them.
FILTERS = ("all", "missing", "late", "far", "not called here", "phone time")


class ArrivalsScreen(DeskScreen):
    VIEW = "arrivals"
    WATCH = family("checkin", "call", "day", "location", "person", "mark")
    # The filter and the reports only look: the sheet and the grid write no change (a file).
    READS = frozenset({"next_filter", "signin_sheet", "day_out_of_days"})
    # Short words and one label for the three wraps fit 80 columns; the palette says each in full.
    WRAP = Binding.Group("wrap", compact=True)
    BINDINGS = [
        Binding("f", "next_filter", "Filter"),
        Binding("i", "mark('arrived')", "Arrived", tooltip="Mark arrived by hand (a dead phone)"),
        Binding("x", "mark('absent')", "Absent"),
        Binding("k", "mark('sick')", "Sick"),
        Binding("e", "mark('released')", "Released", tooltip="Mark released early"),
        Binding("w", "mark('wrap')", "Wrap", tooltip="Wrap this person", group=WRAP),
        Binding("W", "wrap_department", "Wrap dept", group=WRAP),
        Binding("U", "wrap_unit", "Wrap unit", group=WRAP),
        Binding("a", "accept", "Accept time", tooltip="Accept the time from the phone"),
        Binding("c", "clear", "Clear mark", show=False),
        Binding("m", "meal", "Meal", show=False, tooltip="The unit's meal break on the day"),
        Binding("b", "mark('meal_out')", "Meal out", show=False, tooltip="Mark a meal break out"),
        Binding("B", "mark('meal_in')", "Meal back", show=False, tooltip="Mark back from a meal"),
        Binding("p", "signin_sheet", "Sign-in sheet", show=False),
        Binding("o", "day_out_of_days", "Day out of days", show=False),
    ]

    def __init__(self, desk: Desk) -> None:
        super().__init__(desk)
        self.boards: list[LocationBoard] = []
        self.filter = "all"
        self.shown: dict[str, Arrival] = {}
        self.wide = True

    def compose_view(self) -> ComposeResult:
        yield Static("", id="arrivals-title")
        yield Table(id="arrivals", cursor_type="row")

    def on_mount(self) -> None:
        self.wide = self.app.size.width >= WIDE
        self.set_columns()
        self.query_one("#arrivals", DataTable).focus()
        self.set_interval(TICK_SECONDS, self.render_board)

    def set_columns(self) -> None:
        """Phone numbers only where there is room: at 80 columns the status comes first."""
        table = self.query_one("#arrivals", DataTable)
        table.clear(columns=True)
        table.add_columns("Call", "Name", "Dept", *(("Phone",) if self.wide else ()), "Wrap")
        table.add_column("Status")

    def on_resize(self, event: events.Resize) -> None:
        wide = event.size.width >= WIDE
        if wide != self.wide:
            self.wide = wide
            self.set_columns()
            self.render_board()

    def reload(self) -> None:
        self.fetch("board", partial(arrivals.board, on=self.desk.today()), self.show_boards)

    def show_boards(self, boards: list[LocationBoard]) -> None:
        self.boards = boards
        self.render_board()

    def render_board(self) -> None:
        local_now = self.desk.local_now()
        keep = partial(matches, self.filter, local_now=local_now)
        rows = [
            row
            for board in self.boards
            for row in board_rows(board, local_now, keep, phone=self.wide)
        ]
        self.shown = {
            f"{b.location_id}-{a.person_id}": a for b in self.boards for a in b.arrivals if keep(a)
        }
        refill(self.query_one("#arrivals", DataTable), rows)
        self.query_one("#arrivals-title", Static).update(self.heading(local_now))

    # --- keys -------------------------------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a person: who to ring, whatever the terminal's width."""
        arrival = self.shown.get(event.row_key.value or "")
        if arrival is not None:
            phone = arrival.phone or "no phone number"
            self.notify(f"{arrival.name} · {arrival.department or 'no department'} · ☎ {phone}")

    def action_next_filter(self) -> None:
        self.filter = FILTERS[(FILTERS.index(self.filter) + 1) % len(FILTERS)]
        self.render_board()

    def selected(self) -> Arrival | None:
        key = selected_key(self.query_one("#arrivals", DataTable))
        return self.shown.get(key or "")

    def called(self) -> Arrival | None:
        """The selected person, if they are called on a day here (marks belong to a call)."""
        arrival = self.selected()
        if arrival is None:
            self.notify("Choose a person on the board first", severity="warning")
            return None
        if arrival.day_id is None:
            self.notify(f"{arrival.name} is not called here today", severity="warning")
            return None
        return arrival

    def action_mark(self, kind: str) -> None:
        arrival = self.called()
        if arrival is None or arrival.day_id is None:
            return
        mark = MarkKind(kind)
        at = ""
        if mark == MarkKind.ARRIVED and arrival.arrived_at is not None:
            at = f"{arrival.arrived_at:%H:%M}"  # correcting a time: start from the one shown
        form = mark_form(self.desk, arrival.day_id, arrival.person_id, arrival.name, mark, at)
        self.app.push_screen(form, self.after_dialog)

    def action_accept(self) -> None:
        arrival = self.called()
        if arrival is None or arrival.day_id is None:
            return
        if not arrival.phone_time:
            self.notify(f"{arrival.name} has no time from the phone to accept")
            return
        self.record(arrival, MarkKind.ACCEPTED, f"Accepted {arrival.name}'s time from the phone")

    def action_clear(self) -> None:
        arrival = self.called()
        if arrival is None or not arrival.mark:
            if arrival is not None:
                self.notify(f"{arrival.name} has no absent, sick or released mark")
            return
        self.record(arrival, MarkKind.CLEARED, f"Cleared {arrival.name}'s {arrival.mark} mark")

    def record(self, arrival: Arrival, kind: MarkKind, done: str) -> None:
        day_id, person_id, now = arrival.day_id or 0, arrival.person_id, self.desk.now()
        actor = self.desk.actor
        self.change(lambda db: marks.mark(db, day_id, person_id, kind, actor=actor, now=now), done)

    def action_wrap_department(self) -> None:
        arrival = self.called()
        if arrival is None or arrival.day_id is None:
            return
        what = arrival.department or "no department"
        form = wrap_group_form(self.desk, arrival.day_id, arrival.department, what)
        self.app.push_screen(form, self.after_dialog)

    def action_wrap_unit(self) -> None:
        day_id = self.unit_day()
        if day_id is not None:
            form = wrap_group_form(self.desk, day_id, None, "the unit")
            self.app.push_screen(form, self.after_dialog)

    def action_meal(self) -> None:
        day_id = self.unit_day()
        if day_id is not None:
            self.fetch("meal-day", lambda db: schedule.get_day(db, day_id), self.open_meal)

    def unit_day(self) -> int | None:
        """The day of the selected person, or of the selected location when one unit is there."""
        arrival = self.selected()
        if arrival is not None and arrival.day_id is not None:
            return arrival.day_id
        board = self.selected_board()
        if board is None:
            return None
        if len(board.day_ids) == 1:
            return board.day_ids[0]
        self.notify(
            f"Several units work at {board.name}: choose a person of the unit", severity="warning"
        )
        return None

    def open_meal(self, day: schedule.Day) -> None:
        self.app.push_screen(meal_form(self.desk, day, f"{day.unit}, {day.date:%a %d %b}"))

    def action_signin_sheet(self) -> None:
        from tui.dialogs.reports import signin_sheet_form

        board = self.selected_board()
        if board is not None:
            self.app.push_screen(signin_sheet_form(self.desk, board.location_id, board.name))

    def action_day_out_of_days(self) -> None:
        from tui.dialogs.reports import DayOutOfDaysDialog

        self.app.push_screen(DayOutOfDaysDialog(self.desk))

    def selected_board(self) -> LocationBoard | None:
        key = selected_key(self.query_one("#arrivals", DataTable)) or ""
        for board in self.boards:
            if key == f"loc-{board.location_id}" or key.startswith(f"{board.location_id}-"):
                return board
        if self.boards:
            return self.boards[0]
        self.notify("Nobody is called anywhere today", severity="warning")
        return None

    def after_dialog(self, _: object) -> None:
        self.reload()

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
        for state in ("absent", "sick"):
            if totals[state]:
                text.append(f"{totals[state]} {state}  ", style=STATE_STYLES[state])
        if self.filter != "all":
            text.append(f"· showing {self.filter} (f)", style="bold reverse")
            if not self.shown:
                text.append("  no one to show", style="dim")
        return text


CHASE_ORDER = {
    "missing": 0,
    "expected": 1,
    "unexpected": 2,
    "late": 3,
    "arrived": 4,
    "absent": 5,
    "sick": 6,
}


def matches(name: str, arrival: Arrival, *, local_now: datetime) -> bool:
    """Whether a person belongs on the board under the filter `name`."""
    state = arrival.state(local_now)
    if name == "missing":
        return state == "missing"
    if name == "late":
        return state == "late"
    if name == "far":
        return arrival.far
    if name == "not called here":
        return state == "unexpected" or arrival.checked_in_at is not None
    if name == "phone time":  # backdated replays waiting to be accepted or corrected
        return arrival.phone_time
    return True


def board_rows(
    board: LocationBoard,
    local_now: datetime,
    keep: Callable[[Arrival], bool] | None = None,
    *,
    phone: bool = True,
) -> list[Row]:
    shown = [a for a in board.arrivals if keep is None or keep(a)]
    if not shown:
        return []
    counts = arrivals.tally(board, local_now)
    here = counts["arrived"] + counts["late"] + counts["unexpected"]
    header = Text(f"■ {clip(board.name, 22)}", style="bold")
    count = Text(f"{here}/{len(board.arrivals)} here", style="bold")
    blanks = ("",) * (3 if phone else 2)
    rows = [Row(f"loc-{board.location_id}", ("", header, *blanks, count))]
    # Who to chase first: past call and not here, then those still expected, then the rest.
    ordered = sorted(shown, key=lambda a: CHASE_ORDER.get(a.state(local_now), 9))
    rows += [arrival_row(board, a, local_now, phone=phone) for a in ordered]
    return rows


def arrival_row(
    board: LocationBoard, arrival: Arrival, local_now: datetime, *, phone: bool = True
) -> Row:
    call = f"{arrival.call_at:%H:%M}" if arrival.call_at else ""
    return Row(
        f"{board.location_id}-{arrival.person_id}",
        (
            call,
            clip(arrival.name, 20),
            clip(arrival.department, 10),
            *((clip(arrival.phone, 16),) if phone else ()),
            wrap_cell(arrival),
            status(arrival, local_now),
        ),
    )


def wrap_cell(arrival: Arrival) -> Text:
    """The wrap time, marked ✎ when the coordinator put it there by hand, ⏱ when it is the
    phone's own clock (sent later from its outbox)."""
    if arrival.wrap_at is None:
        return Text("")
    mark = {"coordinator": "✎", "phone": "⏱"}.get(arrival.wrap_source, "")
    return Text(f"{arrival.wrap_at:%H:%M}{mark}", style="cyan")


def minutes(count: int) -> str:
    """'7 min', or '7h12' once it is past the hour: easier to read on a busy board."""
    hours, mins = divmod(count, 60)
    return f"{count} min" if not hours else f"{hours}h{mins:02d}"


def status(arrival: Arrival, local_now: datetime) -> Text:
    text = state_text(arrival, local_now)
    if arrival.mark == "released":
        text.append(" · released", style="cyan")
    if arrival.reason:
        text.append(f" ({clip(arrival.reason, 24)})", style="dim")
    if arrival.arrival_source == "coordinator" and arrival.arrived_at is not None:
        text.append(" ✎ by hand", style="dim")
        if arrival.arrived_reason:
            text.append(f" ({clip(arrival.arrived_reason, 24)})", style="dim")
    if arrival.phone_time:
        text.append(" ⏱ phone time", style="bold yellow")
    if arrival.far:
        text.append(" ⚑ far", style="bold magenta")
    return text


def state_text(arrival: Arrival, local_now: datetime) -> Text:
    state = arrival.state(local_now)
    style = STATE_STYLES[state]
    at = f"{arrival.arrived_at:%H:%M}" if arrival.arrived_at else ""
    if arrival.checked_in_at:  # the day moved after they checked in
        at += f" at {arrival.checked_in_at}"
    if state in ("absent", "sick"):
        return Text(f"✗ {state}", style=style)
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
