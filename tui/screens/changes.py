"""Changes: every change notice, who made the change, and who has acknowledged it and who has
not."""

from __future__ import annotations

from functools import partial

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.widgets import DataTable, Static

from schema import notices
from schema.event_kinds import family
from schema.notices import NoticeStatus, RecipientStatus
from tui.context import Desk
from tui.screens.base import DeskScreen
from tui.widgets.tables import Row, Table, clip, refill, selected_key, when

KIND_LABELS = {
    "location_changed": "location",
    "call_changed": "call time",
    "date_changed": "date",
    "day_cancelled": "cancelled",
    "released": "released",
}


class ChangesScreen(DeskScreen):
    VIEW = "changes"
    WATCH = family("notice")

    def __init__(self, desk: Desk) -> None:
        super().__init__(desk)
        self.notices: dict[int, NoticeStatus] = {}

    def compose_view(self) -> ComposeResult:
        yield Table(id="notices", cursor_type="row", zebra_stripes=True)
        yield Static("", id="recipients-title")
        yield Table(id="recipients", cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one("#notices", DataTable)
        table.add_columns("When", "What", "By", "Seen", "Change")
        self.query_one("#recipients", DataTable).add_columns("Who", "Acknowledged")
        table.focus()

    def reload(self) -> None:
        self.fetch("notices", notices.list_all, self.show_notices)

    def show_notices(self, found: list[NoticeStatus]) -> None:
        self.notices = {n.notice.id: n for n in found}
        refill(self.query_one("#notices", DataTable), [self.notice_row(n) for n in found])
        self.load_recipients()
        if not found:
            self.query_one("#recipients-title", Static).update(
                "No change notices yet: moving a day's date, call or location makes one."
            )

    def notice_row(self, status: NoticeStatus) -> Row:
        n = status.notice
        done = status.acknowledged == status.recipients
        seen = Text(
            f"{status.acknowledged}/{status.recipients}", style="green" if done else "yellow"
        )
        kind = KIND_LABELS.get(str(n.kind), str(n.kind))
        by = clip(n.actor, 12)
        return Row(
            str(n.id), (when(n.created_at, self.desk.zone), kind, by, seen, clip(n.summary, 70))
        )

    @on(DataTable.RowHighlighted, "#notices")
    def load_recipients(self) -> None:
        key = selected_key(self.query_one("#notices", DataTable))
        if key is None:
            return
        self.fetch(
            "recipients", partial(notices.recipients, notice_id=int(key)), self.show_recipients
        )

    def show_recipients(self, found: list[RecipientStatus]) -> None:
        key = selected_key(self.query_one("#notices", DataTable))
        status = self.notices.get(int(key)) if key else None
        pending = sum(1 for r in found if r.acknowledged_at is None)
        title = Text(status.notice.summary if status else "", style="bold")
        title.append(f"  {pending} not yet seen", style="bold red" if pending else "green")
        self.query_one("#recipients-title", Static).update(title)
        refill(self.query_one("#recipients", DataTable), [self.recipient_row(r) for r in found])

    def recipient_row(self, r: RecipientStatus) -> Row:
        seen = (
            Text(when(r.acknowledged_at, self.desk.zone), style="green")
            if r.acknowledged_at
            else Text("not yet", style="bold red")
        )
        return Row(str(r.person_id), (r.name, seen))
