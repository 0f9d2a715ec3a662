"""The status line's replica part: how far behind the replica is, red past a minute.

Hidden while the production is not replicated. It reads the small status file the replicating
process keeps beside the production file (schema.store.replica), never the database, so a
synchronous read on a timer is cheap; a replica falling behind also raises a notification once.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from textual.app import App
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static

from schema.store.replica import ReplicaState, ReplicaStatus, read_status
from tui.context import Desk

CHECK_SECONDS = 2.0
# Whether each app has told the coordinator about the current problem: every view has a line,
# and the one on screen when the replica falls behind speaks for all of them, once.
_TOLD: WeakKeyDictionary[App[object], bool] = WeakKeyDictionary()


class ReplicaLine(Static):
    """One line above the footer; the screen passes the desk down."""

    class Crossed(Message):
        """The replica went past the one-minute line, or came back under it: a view that lists
        it (Problems) looks again, with no timer of its own."""

        def __init__(self, behind: bool) -> None:
            super().__init__()
            self.behind = behind

    status: reactive[ReplicaStatus | None] = reactive(None, always_update=True)

    def __init__(self, desk: Desk) -> None:
        super().__init__("", id="replica-line", markup=False)
        self.desk = desk
        self.display = False

    def on_mount(self) -> None:
        self.refresh_status()
        self.set_interval(CHECK_SECONDS, self.refresh_status)

    def refresh_status(self) -> None:
        before = self.status
        self.status = read_status(self.desk.db_path, self.desk.now())
        if before is not None and before.problem != self.status.problem:
            self.post_message(self.Crossed(self.status.problem))
        if not self.status.problem:
            _TOLD[self.app] = False
        elif not _TOLD.get(self.app, False) and self.screen.is_current:
            _TOLD[self.app] = True
            self.notify(
                f"The replica: {self.status.message}. Recent changes exist only on this "
                "machine; check `callboard status` and the replicating process.",
                title="Replica behind",
                severity="error",
                timeout=20,
            )

    def watch_status(self, status: ReplicaStatus | None) -> None:
        if status is None or status.state is ReplicaState.OFF:
            self.display = False
            return
        self.display = True
        self.set_class(status.problem, "-problem")
        where = f" -> {status.url}" if status.url else ""
        self.update(f"Replica: {status.message}{where}")
