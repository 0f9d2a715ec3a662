"""The coordinator's terminal: a thin App that wires the views and follows the change feed."""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import date
from functools import partial
from zoneinfo import ZoneInfo

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import get_current_worker

from schema import production as productions
from schema.clock import utcnow
from schema.errors import CallboardError
from schema.store import events
from schema.store.connection import connect
from tui.context import Clock, Desk
from tui.data import opened
from tui.screens.arrivals import ArrivalsScreen
from tui.screens.base import DeskScreen, FeedChanged
from tui.screens.changes import ChangesScreen
from tui.screens.contracts import ContractsScreen
from tui.screens.locations import LocationsScreen
from tui.screens.people import PeopleScreen
from tui.screens.plan import PlanScreen
from tui.screens.schedule import ScheduleScreen
from tui.screens.stock import StockScreen
from tui.widgets.navbar import VIEWS

FOLLOW_SECONDS = 0.5
SCREENS: dict[str, type[DeskScreen]] = {
    "schedule": ScheduleScreen,
    "contracts": ContractsScreen,
    "people": PeopleScreen,
    "locations": LocationsScreen,
    "arrivals": ArrivalsScreen,
    "changes": ChangesScreen,
    "stock": StockScreen,
    "plan": PlanScreen,
}
HINTS = {
    "schedule": "Shoot days, who is called, paperwork and problems",
    "contracts": "The contract checklist: send, countersign, void, attach",
    "people": "The directory: search, add, links and devices",
    "locations": "Locations and their check-in QR codes",
    "arrivals": "Today's arrivals board, live",
    "changes": "Change notices and who has acknowledged them",
    "stock": "Stock on hand, equipment units and who has them",
    "plan": "Orders over dates by department, overloads and late orders",
}


class CallboardApp(App[None]):
    """Opens one production file; `today` and `clock` are injected so tests can pin them."""

    CSS_PATH = "app.tcss"
    TITLE = "Callboard"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    BINDINGS = [
        Binding(key, f"switch_mode('{mode}')", label, show=False) for key, mode, label in VIEWS
    ]

    def __init__(
        self,
        db_path: str,
        *,
        today: date | None = None,
        clock: Clock = utcnow,
        follow: bool = True,
    ) -> None:
        super().__init__()
        self.desk = Desk(db_path, production_zone(db_path), clock, today)
        self.follow = follow
        for mode, screen in SCREENS.items():
            self.add_mode(mode, partial(screen, self.desk))

    def on_mount(self) -> None:
        self.switch_mode(first_view(self.desk.db_path))
        if self.follow:
            self.follow_events()

    @work(thread=True, group="follow", exit_on_error=False)
    def follow_events(self) -> None:
        """Poll the events table by id; new rows tell the open views to refresh."""
        worker = get_current_worker()
        with opened(self.desk.db_path) as db:
            seen = events.latest_id(db)
            while not worker.is_cancelled:
                time.sleep(FOLLOW_SECONDS)
                if events.latest_id(db) > seen:
                    fresh = events.since(db, seen)
                    seen = fresh[-1].id
                    self.call_from_thread(self.feed, frozenset(e.kind for e in fresh))

    def feed(self, kinds: frozenset[str]) -> None:
        for screen in self.screen_stack:  # views and dialogs alike; each picks what it shows
            screen.post_message(FeedChanged(kinds))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        for key, mode, label in VIEWS:
            yield SystemCommand(f"{label} ({key})", HINTS[mode], partial(self.switch_mode, mode))
        yield from view_commands(screen)
        yield from super().get_system_commands(screen)


def view_commands(screen: Screen[object]) -> Iterable[SystemCommand]:
    """The open view's own keys in the palette, so typing "add" finds "Add day" (and shows the
    key for next time)."""
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if active.node is screen.app or not binding.show or not binding.description:
            continue
        yield SystemCommand(
            f"{binding.description} ({binding.key_display or key})",
            f"{screen.title or 'this view'}: press {binding.key_display or key}",
            partial(screen.app.run_action, binding.action, active.node),
        )


def first_view(db_path: str) -> str:
    """A plant or a print run opens on its plan; a film on its schedule."""
    db = connect(db_path, migrate_schema=False)
    try:
        kind = productions.get(db).kind
    except CallboardError:
        return "schedule"
    finally:
        db.conn.close()
    return "schedule" if kind == productions.ProductionKind.FILM else "plan"


def production_zone(db_path: str) -> ZoneInfo:
    """The production's timezone (also runs pending migrations once, before any worker)."""
    db = connect(db_path)
    try:
        return productions.zone(productions.get(db))
    except CallboardError:
        return ZoneInfo("UTC")
    finally:
        db.conn.close()


def run(db_path: str) -> None:
    """Open the coordinator's terminal on one production file (what `callboard` calls)."""
    CallboardApp(db_path).run()
