"""Schedule: the stripboard of days, and the selected day in detail (calls, paperwork, problems)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from functools import partial
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Static

from schema import bookings, bulk, callsheets, directory, locations, problems, schedule
from schema.bookings import BookingLine
from schema.bulk import BulkKind, Plan, Preview
from schema.event_kinds import family
from schema.problems import StockProblem
from schema.rules import plural
from schema.schedule import CallLine, DaySummary
from schema.types import Call, Day, Location, Problem, Vendor
from tui.context import Desk
from tui.dialogs.bookings import BookingsDialog
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.pick_person import PersonPicker
from tui.dialogs.publish import PublishDialog
from tui.screens import schedule_forms as forms
from tui.screens.base import DeskScreen
from tui.screens.schedule_bulk import DayChoice, PreviewDialog, preview_form
from tui.widgets.tables import Row, Table, clip, land_on, refill, selected_key, status_cell


class ScheduleScreen(DeskScreen):
    VIEW = "schedule"
    WATCH = family(
        "day",
        "call",
        "contract",
        "location",
        "person",
        "booking",
        "paperwork",
        "callsheet",
        "equipment",
    )
    # At 80 columns the footer holds every key only with related ones under one label; the
    # palette (ctrl+p) names each key in full.
    DAY = Binding.Group("day", compact=True)
    BULK = Binding.Group("bulk", compact=True)
    SHEET = Binding.Group("sheet", compact=True)
    BINDINGS = [
        Binding("a", "add_day", "Add day", group=DAY),
        Binding("e", "edit_day", "Edit day", group=DAY),
        Binding("m", "move_day", "Move day", group=DAY),
        Binding("d", "delete_day", "Delete day", group=DAY),
        Binding("c", "call_person", "Call"),
        Binding("r", "release", "Release"),
        Binding("t", "call_time", "Time"),
        Binding("b", "book_vendor", "Vendor", tooltip="Book a vendor on this day"),
        Binding("B", "day_bookings", "Bookings", show=False),
        Binding("p", "publish", "Publish", tooltip="Publish the day's call sheet", group=SHEET),
        Binding(
            "n",
            "sheet_details",
            "Meals & safety",
            tooltip="Meal times and safety notes on the day's call sheet",
            group=SHEET,
        ),
        Binding("slash", "search_calls", "Find"),
        Binding("escape", "leave_search", "To the list", show=False),
        Binding("C", "copy_calls", "Copy day", group=BULK),
        Binding("D", "call_department", "Call dept", group=BULK),
        Binding("R", "release_department", "Release dept", group=BULK),
        Binding("S", "shift_department", "Shift dept", group=BULK),
    ]
    READS = frozenset({"search_calls", "leave_search", "day_bookings"})

    def __init__(self, desk: Desk) -> None:
        super().__init__(desk)
        self.days: dict[int, DaySummary] = {}
        self.lines: dict[int, CallLine] = {}
        self.problems: dict[int, list[Problem | StockProblem]] = {}
        self.places: list[Location] = []
        self.vendors: list[Vendor] = []
        self.bookings: list[BookingLine] = []
        self.placed = False
        self.shown_day: int | None = None
        self.sheets: dict[int, callsheets.SheetStatus] = {}  # each shown day's call sheet
        self.departments: list[str] = []
        self.land_day: str | None = None  # a day just added or gone to: the cursor goes there
        self.land_call: str | None = None  # a call just made: the cursor goes there
        self.call_filter = ""

    def compose_view(self) -> ComposeResult:
        yield Table(id="days", cursor_type="row", zebra_stripes=True)
        with Vertical(id="day-detail"):
            yield Static("", id="day-title", markup=False)
            yield Input(
                placeholder="Find in this day's calls: name, department, role",
                id="call-search",
                compact=True,
            )
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
        self.fetch("departments", directory.departments, self.keep_departments)
        if self.placed:
            self.load_day()

    def keep_places(self, places: list[Location]) -> None:
        self.places = places

    def keep_vendors(self, vendors: list[Vendor]) -> None:
        self.vendors = vendors

    def keep_departments(self, departments: list[str]) -> None:
        self.departments = departments

    def days_then_problems(self, days: list[DaySummary]) -> None:
        """Days show at once; the rules' findings (slower on a big schedule) follow."""
        self.show_days(days)
        self.fetch("problems", problems.find_for_days, self.show_problems)

    def show_days(self, days: list[DaySummary]) -> None:
        self.days = {d.day.id: d for d in days}
        table = self.query_one("#days", DataTable)
        keep = selected_key(table) if self.placed else self.first_key(days)
        refill(table, [self.day_row(d) for d in days], self.land_day or keep)
        if self.land_day is not None and int(self.land_day) in self.days:
            self.land_day = None
            table.focus()
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

    def show_problems(self, found: list[Problem | StockProblem]) -> None:
        by_day: dict[int, list[Problem | StockProblem]] = defaultdict(list)
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
            text.append("\nB: the day's bookings (to change or cancel one)", style="dim")
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
        shown = [line for line in lines if self.matches(line)]
        calls = self.query_one("#calls", DataTable)
        refill(calls, [self.call_row(line) for line in shown], self.land_call)
        if self.land_call is not None and int(self.land_call) in self.lines:
            # On them, not focused: the stripboard keeps the keys, and t or r, pressed in the
            # list, acts on the person just called rather than whoever was there before.
            self.land_call = None
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

    def matches(self, line: CallLine) -> bool:
        wanted = self.call_filter.casefold()
        return not wanted or any(
            wanted in text.casefold() for text in (line.name, line.department, line.role)
        )

    # --- going to a day, finding a call --------------------------------------------------------

    def go_to_day(self, day_id: int) -> None:
        """From another view (a problem, the palette): the cursor on that day."""
        table = self.query_one("#days", DataTable)
        table.focus()
        if not land_on(table, str(day_id)):
            self.land_day = str(day_id)  # not loaded yet: the next refill lands there

    def go_to_date(self, on: date) -> None:
        """Today (g t): its first day, or the next one after it."""
        ahead = sorted(
            (s.day for s in self.days.values() if s.day.date >= on),
            key=lambda d: (d.date, d.call_at),
        )
        if ahead:
            self.go_to_day(ahead[0].id)
            if ahead[0].date != on:
                self.notify(f"Nothing on {on:%a %d %b}: showing the next day", timeout=4)
        else:
            self.notify(f"No days from {on:%a %d %b} on", severity="warning")

    def action_search_calls(self) -> None:
        self.add_class("searching")
        self.query_one("#call-search", Input).focus()

    def action_leave_search(self) -> None:
        """Escape: out of the search, its filter cleared, back on the day's calls."""
        search = self.query_one("#call-search", Input)
        if not self.has_class("searching"):
            return
        self.remove_class("searching")
        search.value = ""
        self.query_one("#calls", DataTable).focus()

    @on(Input.Changed, "#call-search")
    def filter_calls(self, event: Input.Changed) -> None:
        self.call_filter = event.value
        if self.day is not None:
            self.show_calls(list(self.lines.values()))

    @on(Input.Submitted, "#call-search")
    def to_calls(self) -> None:
        self.query_one("#calls", DataTable).focus()

    # --- actions ---------------------------------------------------------------------------

    def action_add_day(self) -> None:
        on = forms.next_free_date(list(self.days.values()), self.desk.today())
        self.app.push_screen(forms.add_day_form(self.desk, on, self.places), self.day_landed)

    def day_landed(self, day: Any) -> None:
        if isinstance(day, Day):
            self.land_day = str(day.id)

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
            now, actor = self.desk.now(), self.desk.actor
            self.change(
                lambda db: schedule.delete_day(db, day.id, day.version, actor=actor, now=now),
                f"Deleted {day.unit} unit, {day.date:%a %d %b}",
            )

    def action_call_person(self) -> None:
        if (day := self.day) is None:
            return
        title = f"Call someone on {day.date:%a %d %b} ({day.call_at:%H:%M})"
        picker = PersonPicker(self.desk, title, self.called_ids(), call_time=f"{day.call_at:%H:%M}")
        self.app.push_screen(picker, partial(self.call_picked, day, picker))

    def call_picked(self, day: Day, picker: PersonPicker, person_id: int | None) -> None:
        if person_id is None:
            return
        at, actor, now = picker.chosen_time, self.desk.actor, self.desk.now()
        self.change(
            lambda db: schedule.call_person(db, day.id, person_id, call=at, actor=actor, now=now),
            f"Called for {day.date:%a %d %b} at {at or day.call_at:%H:%M}",
            after=self.call_landed,
        )

    def call_landed(self, call: Any) -> None:
        if isinstance(call, Call):
            self.land_call = str(call.id)

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
            now, call, actor = self.desk.now(), line.call, self.desk.actor
            self.change(
                lambda db: schedule.release_person(db, call.id, call.version, actor=actor, now=now),
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
            self.app.push_screen(
                BookingsDialog(self.desk, day, self.places), lambda _: self.reload()
            )

    def action_call_time(self) -> None:
        if (line := self.chosen_line()) is not None:
            self.app.push_screen(forms.call_time_form(self.desk, line), self.call_landed)

    # --- bulk: previewed, then applied ----------------------------------------------------------

    def action_copy_calls(self) -> None:
        if (day := self.day) is not None:
            choice = DayChoice(day, list(self.days.values()))
            self.app.push_screen(choice, partial(self.copy_from, day))

    def copy_from(self, day: Day, from_day_id: int | None) -> None:
        if from_day_id is None:
            return
        plan = Plan(kind=BulkKind.COPY, day_id=day.id, from_day_id=from_day_id)
        actor, now = self.desk.actor, self.desk.now()
        self.fetch("preview", partial(bulk.preview, plan=plan, actor=actor, now=now), self.review)

    def action_call_department(self) -> None:
        self.bulk_form(BulkKind.CALL)

    def action_release_department(self) -> None:
        self.bulk_form(BulkKind.RELEASE)

    def action_shift_department(self) -> None:
        self.bulk_form(BulkKind.SHIFT)

    def bulk_form(self, kind: BulkKind) -> None:
        if (day := self.day) is not None:
            form = preview_form(self.desk, day, kind, self.departments)
            self.app.push_screen(form, self.review)

    def review(self, preview: Any) -> None:
        if isinstance(preview, Preview):
            self.app.push_screen(PreviewDialog(preview), partial(self.apply_bulk, preview))

    def apply_bulk(self, preview: Preview, sure: bool | None) -> None:
        if not sure:
            return
        plan, actor, now = preview.done.plan, self.desk.actor, self.desk.now()
        self.change(
            lambda db: bulk.apply(db, plan, actor=actor, now=now),
            after=self.bulk_done,
        )

    def bulk_done(self, done: Any) -> None:
        if isinstance(done, bulk.Done):
            count = plural(len(done.people), "person", "people")
            self.notify(f"{done.title}: {count}", title="Done", timeout=6)
            self.query_one("#calls", DataTable).focus()

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

    def action_sheet_details(self) -> None:
        """The day's meal times and safety notes, which the call sheet prints."""
        if (day := self.day) is not None:
            self.fetch(
                "details",
                partial(callsheets.day_details, day_id=day.id),
                partial(self.edit_sheet_details, day),
            )

    def edit_sheet_details(self, day: Day, details: callsheets.DayDetails) -> None:
        self.app.push_screen(forms.sheet_details_form(self.desk, day, details))

    def show_preview(self, day: Day, preview: callsheets.Preview) -> None:
        self.app.push_screen(PublishDialog(preview), partial(self.publish_confirmed, day))

    def publish_confirmed(self, day: Day, sure: bool | None) -> None:
        if sure:
            now, actor = self.desk.now(), self.desk.actor
            self.change(
                lambda db: callsheets.publish(db, day.date, day.unit, actor=actor, now=now),
                f"Published the call sheet for {day.unit} unit, {day.date:%a %d %b}",
            )


def paper_cell(line: CallLine) -> Text:
    """The contract status, or what required paperwork is missing (in red) when any is."""
    if not line.missing:
        return status_cell(line.contract_status)
    more = f" +{len(line.missing) - 1}" if len(line.missing) > 1 else ""
    return Text(clip(line.missing[0], 22) + more, style="bold red")
