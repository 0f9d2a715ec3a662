"""What every view shares: the nav strip, the footer, reloads on resume and on the change feed."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer

from schema.event_kinds import EventKind
from schema.production import COORDINATOR
from tui import read_only
from tui.context import Desk
from tui.data import Changed, DbWork, Refused
from tui.errors import notify_error
from tui.widgets.navbar import NavBar
from tui.widgets.replica import ReplicaLine


class FeedChanged(Message, bubble=False):
    """New rows in the events table (written by this app, the server or anyone else)."""

    def __init__(self, kinds: frozenset[str]) -> None:
        super().__init__()
        self.kinds = kinds


class DeskScreen(DbWork, Screen[None]):
    """A whole view. Subclasses set VIEW, WATCH (the event kinds whose records they show, from
    schema.event_kinds) and `reload`."""

    VIEW: ClassVar[str] = ""
    WATCH: ClassVar[frozenset[EventKind]] = frozenset()
    # The actions that only look (search, filter, open a view of something): all a read-only
    # desk may run here. Anything not listed is refused there (see tui.read_only).
    READS: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, desk: Desk) -> None:
        super().__init__(id=f"{self.VIEW}-screen")
        self.desk = desk

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """On a read-only desk the keys that change things show greyed in the footer (pressing
        one says why: see CallboardApp.run_action)."""
        if self.desk.read_only and not read_only.allows(self, action):
            return None
        return True

    def compose(self) -> ComposeResult:
        # The generic name says nothing about who is at the desk: only a person's is shown.
        who = "" if self.desk.actor == COORDINATOR else self.desk.actor
        yield NavBar(self.VIEW, who, self.desk.read_only)
        yield from self.compose_view()
        yield ReplicaLine(self.desk)
        yield Footer(compact=True)

    def compose_view(self) -> ComposeResult:
        yield from ()

    def reload(self) -> None:
        """Fetch what the view shows (in workers); called on resume and on relevant changes."""

    def on_screen_resume(self) -> None:
        self.reload()

    def on_feed_changed(self, message: FeedChanged) -> None:
        if self.is_current and not self.WATCH.isdisjoint(message.kinds):
            self.reload()

    def on_changed(self, message: Changed) -> None:
        if message.done:
            self.notify(message.done, timeout=6)
        if message.after is not None:
            message.after(message.result)
        self.reload()

    def on_refused(self, message: Refused) -> None:
        notify_error(self.app, message.error)
        self.reload()

    def open_dialog(self, dialog: Screen[Any]) -> None:
        self.app.push_screen(dialog)
