"""The coordinator's terminal: a thin App that wires the views and follows the change feed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from functools import partial
from zoneinfo import ZoneInfo

from textual import work
from textual.actions import ActionParseResult
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen
from textual.worker import Worker, WorkerState, get_current_worker

from schema import identity
from schema import production as productions
from schema.clock import utcnow
from schema.errors import CallboardError
from schema.event_kinds import EventKind
from schema.store.connection import connect
from tui import read_only
from tui.context import Clock, Desk
from tui.desk_commands import COMMANDS, DeskCommand
from tui.dialogs.go_to import GoDialog
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
from tui.screens.problems import ProblemsScreen
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
    "problems": ProblemsScreen,
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
    "problems": "Every problem in the production: Enter goes to its day, p to its person",
    "deliveries": "Email and push: who got what, who has not confirmed",
    "stock": "Stock on hand, equipment units and who has them",
    "plan": "Orders over dates by department, overloads and late orders",
}
# Views reached by key and palette, not (yet) on the nav strip: it has no room at 80 columns.


class CallboardApp(App[None]):
    """Opens one production file; `today` and `clock` are injected so tests can pin them."""

    CSS_PATH = "app.tcss"
    TITLE = "Callboard"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    BINDINGS = [
        *(Binding(key, f"switch_mode('{mode}')", label, show=False) for key, mode, label in VIEWS),
        Binding("g", "go", "Go to", show=False),
    ]

    def __init__(
        self,
        db_path: str,
        *,
        today: date | None = None,
        clock: Clock = utcnow,
        follow: bool = True,
        actor: str = productions.COORDINATOR,
        read_only: bool = False,
    ) -> None:
        super().__init__()
        zone = production_zone(db_path, read_only=read_only)
        self.desk = Desk(db_path, zone, clock, today, actor=actor, read_only=read_only)
        if read_only:
            self.sub_title = "read-only"
        self.follow = follow
        for mode, screen in SCREENS.items():
            self.add_mode(mode, partial(screen, self.desk))

    def on_mount(self) -> None:
        install_log()
        self.switch_mode(first_view(self.desk.db_path))
        if self.follow:
            self.follow_events()
        if self.desk.read_only:
            self.notify(
                "You can look at everything and change nothing.", title="Read-only desk", timeout=6
            )

    async def run_action(
        self,
        action: str | ActionParseResult,
        default_namespace: DOMNode | None = None,
        namespaces: Mapping[str, DOMNode] | None = None,
    ) -> bool:
        """Every key, click and palette entry comes through here: a read-only desk refuses
        the ones that would change something, saying so."""
        if self.desk.read_only:
            target, name, _ = self._parse_action(
                action, self if default_namespace is None else default_namespace, namespaces
            )
            if not read_only.allows(target, name):
                read_only.refuse(self, name.replace("_", " "))
                return True
        return await super().run_action(action, default_namespace, namespaces)

    # --- going places -----------------------------------------------------------------------

    def action_go(self) -> None:
        self.push_screen(GoDialog(), self.went)

    async def went(self, place: str | None) -> None:
        if place == "today":
            await self.go_today()
        elif place:
            await self.switch_mode(place)

    async def go_today(self) -> None:
        await self.switch_mode("schedule")
        if isinstance(self.screen, ScheduleScreen):
            self.screen.go_to_date(self.desk.today())

    async def open_day(self, day_id: int) -> None:
        await self.switch_mode("schedule")
        if isinstance(self.screen, ScheduleScreen):
            self.screen.go_to_day(day_id)

    async def open_person(self, person_id: int) -> None:
        await self.switch_mode("people")
        if isinstance(self.screen, PeopleScreen):
            self.screen.go_to_person(person_id)

    async def run_in_view(self, mode: str, action: str) -> None:
        """A view's key, chosen in the palette from another view: go there, then press it."""
        await self.switch_mode(mode)
        await self.run_action(action, self.screen)

    async def run_desk_command(self, command: DeskCommand) -> None:
        if command.writes and self.desk.read_only:
            read_only.refuse(self, command.name)
            return
        result = command.run(self)
        if hasattr(result, "__await__"):
            await result  # type: ignore[misc]

    @work(thread=True, group="follow", exit_on_error=False)
    def follow_events(self) -> None:
        """Follow the events table by id; new rows tell the open views to refresh.

        The loop outlives any error: it backs off, reopens its connection and resumes from the
        last event it saw, so nothing written meanwhile (by the server, another coordinator)
        is missed. The coordinator is told once that the board is catching up, and again
        when it is back in step."""
        worker = get_current_worker()
        follower = FeedFollower(self.desk.db_path, read_only=self.desk.read_only)
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
        for key, mode, label in VIEWS:
            yield SystemCommand(f"{label} ({key})", HINTS[mode], partial(self.switch_mode, mode))
        yield from view_commands(screen)
        for command in COMMANDS:
            yield SystemCommand(command.name, command.help, partial(self.run_desk_command, command))
        yield from self.other_views_commands(screen)
        yield from super().get_system_commands(screen)

    def other_views_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """Every other view's keys too, named with their view: "Schedule: Call (c)"."""
        labels = {mode: label for _, mode, label in VIEWS}
        for mode, view in SCREENS.items():
            if isinstance(screen, view):
                continue
            for binding in view.BINDINGS:
                if not isinstance(binding, Binding) or not in_palette(binding):
                    continue
                key = binding.key_display or binding.key
                yield SystemCommand(
                    f"{labels.get(mode, mode.title())}: {palette_name(binding)} ({key})",
                    f"{HINTS.get(mode, '')} (goes to that view)",
                    partial(self.run_in_view, mode, binding.action),
                )


def view_commands(screen: Screen[object]) -> Iterable[SystemCommand]:
    """The open view's own keys in the palette, so typing "add" finds "Add day" (and shows the
    key for next time)."""
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if active.node is screen.app or not in_palette(binding):
            continue
        yield SystemCommand(
            f"{palette_name(binding)} ({binding.key_display or key})",
            f"{screen.title or 'this view'}: press {binding.key_display or key}",
            partial(screen.app.run_action, binding.action, active.node),
        )


def in_palette(binding: Binding) -> bool:
    """Every key with a name, the footer's and those the footer has no room for (a sign-in
    sheet, a meal time); not Escape, which only leaves a search."""
    return bool(binding.description) and binding.key != "escape"


def palette_name(binding: Binding) -> str:
    """A key's name in the palette: its tooltip where the footer's word is short for it."""
    return binding.tooltip or binding.description


def first_view(db_path: str) -> str:
    """A plant or a print run opens on its plan; a film on its schedule."""
    db = connect(db_path, migrate_schema=False, read_only=True)
    try:
        kind = productions.get(db).kind
    except CallboardError:
        return "schedule"
    finally:
        db.conn.close()
    return "schedule" if kind == productions.ProductionKind.FILM else "plan"


def production_zone(db_path: str, *, read_only: bool = False) -> ZoneInfo:
    """The production's timezone (also runs pending migrations once, before any worker, unless
    the desk is read-only: it then writes nothing, migrations included)."""
    db = connect(db_path, migrate_schema=not read_only, read_only=read_only)
    try:
        return productions.zone(productions.get(db))
    except CallboardError:
        return ZoneInfo("UTC")
    finally:
        db.conn.close()


def run(db_path: str, *, actor: str | None = None, read_only: bool = False) -> None:
    """Open the coordinator's terminal on one production file (what `callboard` calls); its
    changes are recorded under `actor`, or the login name running it."""
    who = actor or identity.login_name(productions.COORDINATOR)
    CallboardApp(db_path, actor=who, read_only=read_only).run()
