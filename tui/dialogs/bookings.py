"""One day's vendor bookings, from the Schedule view: who comes when, confirmed or not; change
or cancel one."""

from __future__ import annotations

from datetime import datetime
from functools import partial

import sqlite_utils
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Label, Static

from schema import bookings
from schema.bookings import BookingLine
from schema.event_kinds import family
from schema.types import Day, Location
from tui.context import Desk
from tui.data import Changed, DbWork, Refused
from tui.dialogs.confirm import ConfirmDialog
from tui.errors import notify_error
from tui.screens.base import FeedChanged
from tui.screens.schedule_forms import booking_form
from tui.widgets.tables import Row, Table, clip, refill, selected_key, when

WATCH = family("booking")


class BookingsDialog(DbWork, ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("e", "edit_booking", "Change"),
        Binding("x", "cancel_booking", "Cancel booking"),
    ]

    def __init__(self, desk: Desk, day: Day, places: list[Location]) -> None:
        super().__init__(classes="dialog")
        self.desk, self.day, self.places = desk, day, places
        self.lines: dict[int, BookingLine] = {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-body sessions"):
            yield Label(f"Bookings on {self.day.date:%a %d %b}", classes="dialog-title")
            yield Table(id="bookings", cursor_type="row")
            yield Static("", id="bookings-note", classes="muted")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#bookings", DataTable)
        table.add_columns("Time", "Vendor", "What", "Where", "Confirmed")
        table.focus()
        self.reload()

    def reload(self) -> None:
        self.fetch("bookings", partial(bookings.list_bookings, day_id=self.day.id), self.show)

    def show(self, found: list[BookingLine]) -> None:
        self.lines = {b.id: b for b in found}
        rows = [
            Row(
                str(b.id),
                (
                    f"{b.at:%H:%M}",
                    clip(b.vendor_name, 22),
                    clip(f"{b.what} {bookings.KIND_WORDS[b.kind]}".strip(), 22),
                    clip(b.location_name or "TBC", 16),
                    self.confirmed(b),
                ),
            )
            for b in found
        ]
        refill(self.query_one("#bookings", DataTable), rows)
        note = (
            "No bookings on this day: press b in the Schedule to book a vendor."
            if not found
            else ""
        )
        self.query_one("#bookings-note", Static).update(note)

    def confirmed(self, b: BookingLine) -> Text:
        if b.confirmed_at is None:
            return Text("NOT CONFIRMED", style="bold red")
        return Text(f"{when(b.confirmed_at, self.desk.zone)} {b.confirmed_by_name or ''}".strip())

    @property
    def chosen(self) -> BookingLine | None:
        key = selected_key(self.query_one("#bookings", DataTable))
        return self.lines.get(int(key)) if key else None

    def action_edit_booking(self) -> None:
        if (line := self.chosen) is not None:
            form = booking_form(self.desk, self.day, [], self.places, line)
            self.app.push_screen(form, lambda _: self.reload())

    def action_cancel_booking(self) -> None:
        if (line := self.chosen) is None:
            return
        message = f"Cancel {line.summary}? {line.vendor_name}'s contacts get a notice."
        self.app.push_screen(
            ConfirmDialog("Cancel booking", message), partial(self.cancel_confirmed, line)
        )

    def cancel_confirmed(self, line: BookingLine, sure: bool | None) -> None:
        if sure:
            now, actor = self.desk.now(), self.desk.actor
            self.change(partial(self.cancel, line=line, actor=actor, now=now), "Booking cancelled")

    @staticmethod
    def cancel(db: sqlite_utils.Database, *, line: BookingLine, actor: str, now: datetime) -> None:
        bookings.cancel_booking(db, line.id, line.version, actor=actor, now=now)

    def on_feed_changed(self, message: FeedChanged) -> None:
        if not WATCH.isdisjoint(message.kinds):
            self.reload()

    def on_changed(self, message: Changed) -> None:
        self.notify(message.done)
        self.reload()

    def on_refused(self, message: Refused) -> None:
        notify_error(self.app, message.error)
        self.reload()

    def action_close(self) -> None:
        self.dismiss(None)
