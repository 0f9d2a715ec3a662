"""The coordinator's terminal: a thin App that wires the views and follows the change feed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import partial
from zoneinfo import ZoneInfo

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState, get_current_worker

from schema import production as productions
from schema.clock import utcnow
from schema.errors import CallboardError
from schema.event_kinds import EventKind
from schema.store.connection import connect
from tui.context import Clock, Desk
from tui.feed import FeedFollower, pause
from tui.logs import install as install_log
from tui.logs import log, log_path
from tui.screens.arrivals import ArrivalsScreen
from tui.screens.base import DeskScreen, FeedChanged
from tui.screens.changes import ChangesScreen
from tui.screens.contracts import ContractsScreen
from tui.screens.deliveries import DeliveriesScreen
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
    "deliveries": DeliveriesScreen,
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
    "deliveries": "Email and push: who got what, who has not confirmed",
    "stock": "Stock on hand, equipment units and who has them",
    "plan": "Orders over dates by department, overloads and late orders",
}
# Views reached by key and palette, not (yet) on the nav strip: it has no room at 80 columns.
EXTRA_VIEWS = (("9", "deliveries", "Deliveries"),)


class CallboardApp(App[None]):
    """Opens one production file; `today` and `clock` are injected so tests can pin them."""

    CSS_PATH = "app.tcss"
    TITLE = "Callboard"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    BINDINGS = [
        Binding(key, f"switch_mode('{mode}')", label, show=False)
        for key, mode, label in (*VIEWS, *EXTRA_VIEWS)
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
        install_log()
        self.switch_mode(first_view(self.desk.db_path))
        if self.follow:
            self.follow_events()

    @work(thread=True, group="follow", exit_on_error=False)
    def follow_events(self) -> None:
        """Follow the events table by id; new rows tell the open views to refresh.

        The loop outlives any error: it backs off, reopens its connection and resumes from the
        last event it saw, so nothing written meanwhile (by the server, another coordinator)
        is missed. The coordinator is told once that the board is catching up, and again
        when it is back in step."""
        worker = get_current_worker()
        follower = FeedFollower(self.desk.db_path)
        while not worker.is_cancelled:
            try:
                kinds = follower.poll()
            except Exception as error:
                delay = follower.failed(error)
                if follower.failures == 1:
                    self.call_from_thread(self.feed_lost, error)
                pause(worker, delay)
                continue
            if follower.recovered:
                self.call_from_thread(self.feed_recovered)
                kinds = frozenset(EventKind)  # whatever happened meanwhile: every view reloads
            if kinds:
                self.call_from_thread(self.feed, kinds)
            pause(worker, FOLLOW_SECONDS)
        follower.close()

    def feed(self, kinds: frozenset[str]) -> None:
        for screen in self.screen_stack:  # views and dialogs alike; each picks what it shows
            screen.post_message(FeedChanged(kinds))

    def feed_lost(self, error: Exception) -> None:
        log.warning("change feed lost: %s", error, exc_info=error)
        self.notify(
            "Lost touch with the production file; the board is catching up and will refresh "
            "by itself.",
            title="Catching up",
            severity="warning",
            timeout=10,
        )

    def feed_recovered(self) -> None:
        log.info("change feed back in step")
        self.notify("Back in step with the production file.", title="Caught up", timeout=6)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed outside the database helpers: a notification, not a crash."""
        if event.state != WorkerState.ERROR or event.worker.group == "follow":
            return
        error = event.worker.error
        log.error("worker %s failed", event.worker.name, exc_info=error)
        self.notify(
            f"Something went wrong ({type(error).__name__}); the detail is in {log_path()}",
            title="Could not do that",
            severity="error",
            timeout=10,
        )

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        for key, mode, label in (*VIEWS, *EXTRA_VIEWS):
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
