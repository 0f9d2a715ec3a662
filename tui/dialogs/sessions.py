"""A person's device sessions (phones that opened their link), with revoke."""

from __future__ import annotations

from datetime import datetime
from functools import partial

import sqlite_utils
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Label, Static

from schema import links
from schema.event_kinds import family
from schema.types import DeviceSession
from tui.context import Desk
from tui.data import Changed, DbWork, Refused
from tui.dialogs.confirm import ConfirmDialog
from tui.errors import notify_error
from tui.screens.base import FeedChanged
from tui.widgets.tables import Row, Table, refill, selected_key, when

# A phone opening or losing this person's access.
WATCH = family("session", "access")

STATES: dict[links.SessionEnd | None, str] = {
    None: "active",
    "session_revoked": "signed out",
    "session_expired": "expired (unused)",
}


def named_sessions(db: sqlite_utils.Database, person_id: int) -> list[tuple[DeviceSession, str]]:
    """Each session with its device's name, worked out in the worker (the parser is slow to
    load, and the interface must not stall for it)."""
    return [(s, links.device_name(s.user_agent)) for s in links.sessions_for(db, person_id)]


class SessionsDialog(DbWork, ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("x", "revoke", "Revoke device"),
    ]

    def __init__(self, desk: Desk, person_id: int, name: str) -> None:
        super().__init__(classes="dialog")
        self.desk, self.person_id, self.person_name = desk, person_id, name
        self.sessions: list[DeviceSession] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-body sessions"):
            yield Label(f"Devices signed in as {self.person_name}", classes="dialog-title")
            yield Table(id="sessions", cursor_type="row")
            yield Static("", id="sessions-note", classes="muted")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#sessions", DataTable)
        # State and device first: at 80 columns they are what the coordinator must see.
        table.add_columns("State", "Device", "Last seen", "Since", "IP")
        self.reload()

    def reload(self) -> None:
        self.fetch("sessions", partial(named_sessions, person_id=self.person_id), self.show)

    def show(self, found: list[tuple[DeviceSession, str]]) -> None:
        self.sessions = [session for session, _ in found]
        rows = [
            Row(
                str(s.id),
                (
                    self.state(s),
                    device,
                    when(s.last_seen_at, self.desk.zone),
                    when(s.created_at, self.desk.zone),
                    s.ip,
                ),
            )
            for s, device in found
        ]
        refill(self.query_one("#sessions", DataTable), rows)
        note = "No device has opened this person's link yet." if not found else ""
        self.query_one("#sessions-note", Static).update(note)

    def state(self, session: DeviceSession) -> str:
        return STATES[links.session_end(session, self.desk.now())]

    def action_revoke(self) -> None:
        key = selected_key(self.query_one("#sessions", DataTable))
        if key is None:
            return
        session = next((s for s in self.sessions if s.id == int(key)), None)
        if session is None or session.revoked_at is not None:
            self.notify("That device is already signed out", severity="warning")
            return
        message = f"Sign out {links.device_name(session.user_agent)} ({self.person_name})?"
        self.app.push_screen(
            ConfirmDialog("Sign out device", message), partial(self.revoke_confirmed, session.id)
        )

    def revoke_confirmed(self, session_id: int, sure: bool | None) -> None:
        if sure:
            now, actor = self.desk.now(), self.desk.actor
            self.change(lambda db: self.revoke(db, session_id, actor, now), "Device signed out")

    @staticmethod
    def revoke(db: sqlite_utils.Database, session_id: int, actor: str, now: datetime) -> None:
        links.revoke_session(db, session_id, actor=actor, now=now)

    def on_feed_changed(self, message: FeedChanged) -> None:
        """A phone opening this person's link (through the server) shows up at once."""
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
