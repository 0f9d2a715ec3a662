"""Schedule: the stripboard of days, and the selected day in detail (calls, paperwork, problems)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from functools import partial

import sqlite_utils
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from schema import bookings, callsheets, directory, locations, problems, schedule
from schema.bookings import BookingLine
from schema.event_kinds import family
from schema.rules import plural
from schema.schedule import CallLine, DaySummary
from schema.types import Day, Location, Problem, Vendor
from tui.context import Desk
from tui.dialogs.bookings import BookingsDialog
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.pick_person import PersonPicker
from tui.dialogs.publish import PublishDialog
from tui.screens import schedule_forms as forms
from tui.screens.base import DeskScreen
from tui.widgets.tables import Row, Table, clip, refill, selected_key, status_cell


class ScheduleScreen(DeskScreen):
    VIEW = "schedule"
    WATCH = family(
        "day", "call", "contract", "location", "person", "booking", "paperwork", "callsheet"
    )
    BINDINGS = [
        Binding("a", "add_day", "Add day"),
        Binding("e", "edit_day", "Edit"),
        Binding("m", "move_day", "Move"),
        Binding("d", "delete_day", "Delete"),
        Binding("c", "call_person", "Call"),
        Binding("r", "release", "Release"),
        Binding("t", "call_time", "Time"),
        Binding("b", "book_vendor", "Book vendor"),
        Binding("B", "day_bookings", "Bookings", show=False),
        Binding("p", "publish", "Publish sheet", show=False),
    ]

    def __init__(self, desk: Desk) -> None:
        super().__init__(desk)
        self.days: dict[int, DaySummary] = {}
        self.lines: dict[int, CallLine] = {}
        self.problems: dict[int, list[Problem]] = {}
        self.places: list[Location] = []
        self.vendors: list[Vendor] = []
        self.bookings: list[BookingLine] = []
        self.placed = False
        self.shown_day: int | None = None
        self.sheets: dict[int, callsheets.SheetStatus] = {}  # each shown day's call sheet

    def compose_view(self) -> ComposeResult:
        yield Table(id="days", cursor_type="row", zebra_stripes=True)
        with Vertical(id="day-detail"):
            yield Static("", id="day-title", markup=False)
            yield Table(id="calls", cursor_type="row")
            yield Static("", id="day-problems", markup=False)

    def on_mount(self) -> None:
        days = self.query_one("#days", DataTable)
        days.add_columns(" ", "Date", "Unit", "Location", "Call", "Wrap", "Scenes", "Ppl", "⚠")
        calls = self.query_one("#calls", DataTable)
        calls.add_columns("Call", "Name", "Department", "Role", "Contract")
        days.focus()

    # --- loading ---------------------------------------------------------------------------

    def reload(self) -> None:
        self.fetch("days", schedule.list_days, self.days_then_problems)
        self.fetch("places", locations.list_locations, self.keep_places)
        self.fetch("vendors", directory.list_vendors, self.keep_vendors)
        if self.placed:
            self.load_day()

    def keep_places(self, places: list[Location]) -> None:
        self.places = places

    def keep_vendors(self, vendors: list[Vendor]) -> None:
        self.vendors = vendors

    def days_then_problems(self, days: list[DaySummary]) -> None:
        """Days show at once; the rules' findings (slower on a big schedule) follow."""
        self.show_days(days)
        self.fetch("problems", problems.find, self.show_problems)

    def show_days(self, days: list[DaySummary]) -> None:
        self.days = {d.day.id: d for d in days}
        table = self.query_one("#days", DataTable)
        keep = selected_key(table) if self.placed else self.first_key(days)
        refill(table, [self.day_row(d) for d in days], keep)
        self.placed = True
        if self.day is None or self.day.id != self.shown_day:
            self.load_day()

    def on_resize(self) -> None:
        """Day rows are clipped to the terminal's width: a resize lays them out again."""
        if self.days:
            self.show_days(list(self.days.values()))

    def first_key(self, days: list[DaySummary]) -> str | None:
        today = self.desk.today()
        upcoming = [d for d in days if d.day.date >= today]
        return str(upcoming[0].day.id) if upcoming else None

    def day_row(self, summary: DaySummary) -> Row:
        day = summary.day
        is_today = day.date == self.desk.today()
        issues = len(self.problems.get(day.id, []))
        # 80 columns fit the essentials; a wider terminal shows more of names and scenes.
        extra = max(0, min(self.app.size.width, 160) - 80)
        return Row(
            str(day.id),
            (
                Text("▶", style="bold") if is_today else "",
                Text(f"{day.date:%a %d %b}", style="bold" if is_today else ""),
                clip(day.unit, 8),
                clip(summary.location_name or "TBC", 15 + extra // 3),
                f"{day.call_at:%H:%M}",
                f"{day.wrap_at:%H:%M}",
                clip(day.scenes, 8 + extra * 2 // 3),
                Text(str(summary.called), justify="right"),
                Text(str(issues), style="bold red") if issues else "",
            ),
        )

    def show_problems(self, found: list[Problem]) -> None:
        by_day: dict[int, list[Problem]] = defaultdict(list)
        for problem in found:
            for day_id in problem.day_ids:
                by_day[day_id].append(problem)
        self.problems = dict(by_day)
        if self.days:
            self.show_days(list(self.days.values()))
        if (day := self.day) is not None and day.id == self.shown_day:
            self.query_one("#day-problems", Static).update(self.problem_text(day))

    @property
    def day(self) -> Day | None:
        key = selected_key(self.query_one("#days", DataTable))
        summary = self.days.get(int(key)) if key else None
        return summary.day if summary else None

    @on(DataTable.RowHighlighted, "#days")
    def day_highlighted(self) -> None:
        if self.placed and (self.day is None or self.day.id != self.shown_day):
            self.load_day()

    def load_day(self) -> None:
        day = self.day
        self.shown_day = day.id if day else None
        if day is None:
            self.show_day_empty()
            return
        self.fetch(
            "calls", partial(schedule.calls_for_day, day_id=day.id, papers=True), self.show_calls
        )
        self.fetch("bookings", partial(bookings.list_bookings, day_id=day.id), self.show_bookings)
        self.fetch(
            "sheet",
            partial(callsheets.status, on=day.date, unit=day.unit),
            partial(self.show_sheet, day.id),
        )

    def show_bookings(self, found: list[BookingLine]) -> None:
        self.bookings = found
        if (day := self.day) is not None and day.id == self.shown_day:
            self.query_one("#day-problems", Static).update(self.problem_text(day))

    def bookings_text(self, day: Day) -> Text:
        """The day's vendor bookings, each confirmed or not (in red: chase it)."""
        text = Text()
        for b in self.bookings:
            if b.day_id != day.id:
                continue
            text.append(f"\n{b.at:%H:%M} {b.vendor_name}: {b.summary.rsplit(', ', 1)[0]} ")
            if b.confirmed_at:
                text.append("confirmed", style="green")
            else:
                text.append("NOT CONFIRMED", style="bold red")
        if text:
            text.append("\nB: the day's bookings (to cancel one)", style="dim")
        return text

    def show_sheet(self, day_id: int, found: callsheets.SheetStatus) -> None:
        self.sheets[day_id] = found
        if (day := self.day) is not None and day.id == day_id:
            self.query_one("#day-title", Static).update(self.title_for(day, len(self.lines)))

    def show_day_empty(self) -> None:
        self.query_one("#day-title", Static).update("No shoot days yet: press a to add one.")
        self.query_one("#calls", DataTable).clear()
        self.query_one("#day-problems", Static).update("")

    def show_calls(self, lines: list[CallLine]) -> None:
        day = self.day
        if day is None:
            return
        self.lines = {line.call.id: line for line in lines}
        refill(self.query_one("#calls", DataTable), [self.call_row(line) for line in lines])
        self.query_one("#day-title", Static).update(self.title_for(day, len(lines)))
        self.query_one("#day-problems", Static).update(self.problem_text(day))

    @staticmethod
    def call_row(line: CallLine) -> Row:
        return Row(
            str(line.call.id),
            (
                f"{line.call.call_at:%H:%M}",
                clip(line.name, 24),
                clip(line.department, 14),
                clip(line.role, 18),
                paper_cell(line),
            ),
        )

    def title_for(self, day: Day, called: int) -> Text:
        summary = self.days.get(day.id)
        where = summary.location_name if summary and summary.location_name else "location TBC"
        text = Text(f"{day.date:%a %d %b %Y}", style="bold")
        sheet = self.sheets.get(day.id)
        if sheet is not None and sheet.number is not None:  # nothing shown until first published
            if sheet.changed:
                text.append(
                    f" · sheet v{sheet.number}: changes to publish (p)", style="bold yellow"
                )
            else:
                text.append(f" · sheet v{sheet.number} published", style="green")
        text.append(f" · {day.unit} unit · {where} · {forms.span(day)} · {called} called")
        if day.scenes:
            text.append(f" · {day.scenes}", style="dim")
        return text

    def problem_text(self, day: Day) -> Text:
        found = self.problems.get(day.id, [])
        if not found:
            text = Text("No problems found for this day.", style="green")
        else:
            text = Text("\n".join(f"⚠ {p.message}" for p in found), style="red")
        return text + self.bookings_text(day)

    # --- actions ---------------------------------------------------------------------------

    def action_add_day(self) -> None:
        on = forms.next_free_date(list(self.days.values()), self.desk.today())
        self.app.push_screen(forms.add_day_form(self.desk, on, self.places))

    def action_edit_day(self) -> None:
        if (day := self.day) is not None:
            self.app.push_screen(forms.edit_day_form(self.desk, day, self.places))

    def action_move_day(self) -> None:
        if (day := self.day) is not None:
            self.app.push_screen(forms.move_day_form(self.desk, day, self.places))

    def action_delete_day(self) -> None:
        if (day := self.day) is None:
            return
        summary = self.days[day.id]
        message = f"Delete {day.unit} unit on {day.date:%a %d %b}? "
        message += f"{plural(summary.called, 'person', 'people')} called will get a notice."
        self.app.push_screen(
            ConfirmDialog("Delete day", message), partial(self.delete_confirmed, day)
        )

    def delete_confirmed(self, day: Day, sure: bool | None) -> None:
        if sure:
            now = self.desk.now()
            self.change(
                lambda db: schedule.delete_day(db, day.id, day.version, now=now),
                f"Deleted {day.unit} unit, {day.date:%a %d %b}",
            )

    def action_call_person(self) -> None:
        if (day := self.day) is None:
            return
        title = f"Call someone on {day.date:%a %d %b} ({day.call_at:%H:%M})"
        self.app.push_screen(
            PersonPicker(self.desk, title, self.called_ids()), partial(self.call_picked, day)
        )

    def call_picked(self, day: Day, person_id: int | None) -> None:
        if person_id is not None:
            now = self.desk.now()
            self.change(
                lambda db: self.call(db, day.id, person_id, now),
                f"Called for {day.date:%a %d %b} at {day.call_at:%H:%M}",
            )

    @staticmethod
    def call(db: sqlite_utils.Database, day_id: int, person_id: int, now: datetime) -> None:
        schedule.call_person(db, day_id, person_id, now=now)

    def called_ids(self) -> frozenset[int]:
        return frozenset(line.call.person_id for line in self.lines.values())

    @property
    def line(self) -> CallLine | None:
        key = selected_key(self.query_one("#calls", DataTable))
        return self.lines.get(int(key)) if key else None

    def chosen_line(self) -> CallLine | None:
        """The call the cursor is on in the day's list; with the list not focused its cursor
        is not visible, so focus it and ask for the choice instead of acting unseen."""
        calls = self.query_one("#calls", DataTable)
        if not calls.has_focus:
            if calls.row_count:
                calls.focus()
                self.notify("Pick the person in the day's list (↑ ↓), then press the key again")
            return None
        return self.line

    def action_release(self) -> None:
        if (line := self.chosen_line()) is None:
            return
        message = f"Release {line.name} from this day? They are no longer called."
        self.app.push_screen(
            ConfirmDialog("Release", message), partial(self.release_confirmed, line)
        )

    def release_confirmed(self, line: CallLine, sure: bool | None) -> None:
        if sure:
            now, call = self.desk.now(), line.call
            self.change(
                lambda db: schedule.release_person(db, call.id, call.version, now=now),
                f"Released {line.name}",
            )

    def action_book_vendor(self) -> None:
        if (day := self.day) is None:
            return
        if not self.vendors:
            self.notify("No vendors yet: add one in People (3, then v)", severity="warning")
            return
        self.app.push_screen(forms.booking_form(self.desk, day, self.vendors, self.places))

    def action_day_bookings(self) -> None:
        if (day := self.day) is not None:
            self.app.push_screen(BookingsDialog(self.desk, day), lambda _: self.reload())

    def action_call_time(self) -> None:
        if (line := self.chosen_line()) is not None:
            self.app.push_screen(forms.call_time_form(self.desk, line))

    # --- call sheet ------------------------------------------------------------------------

    def action_publish(self) -> None:
        """Preview the day's call sheet against its published version, then publish."""
        if (day := self.day) is None:
            return
        self.fetch(
            "publish",
            partial(callsheets.preview, on=day.date, unit=day.unit),
            partial(self.show_preview, day),
        )

    def show_preview(self, day: Day, preview: callsheets.Preview) -> None:
        self.app.push_screen(PublishDialog(preview), partial(self.publish_confirmed, day))

    def publish_confirmed(self, day: Day, sure: bool | None) -> None:
        if sure:
            now = self.desk.now()
            self.change(
                lambda db: callsheets.publish(db, day.date, day.unit, now=now),
                f"Published the call sheet for {day.unit} unit, {day.date:%a %d %b}",
            )


def paper_cell(line: CallLine) -> Text:
    """The contract status, or what required paperwork is missing (in red) when any is."""
    if not line.missing:
        return status_cell(line.contract_status)
    more = f" +{len(line.missing) - 1}" if len(line.missing) > 1 else ""
    return Text(clip(line.missing[0], 22) + more, style="bold red")
