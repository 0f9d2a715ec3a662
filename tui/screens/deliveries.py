"""Deliveries: every message to every person and how far it got (queued, sent, failed, opened,
confirmed, told in person); resend to one or remind all who have not confirmed."""

from __future__ import annotations

from functools import partial
from typing import Any

import sqlite_utils
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from schema import delivery, reach
from schema.delivery import DeliveryLine
from schema.event_kinds import family
from tui.context import Desk
from tui.dialogs.confirm import ConfirmDialog
from tui.screens.base import DeskScreen
from tui.widgets.tables import Row, Table, clip, refill, selected_key, when

STYLES = {
    "queued": "yellow",
    "sent": "cyan",
    "failed": "bold red",
    "unreachable": "bold red",
    "opened": "blue",
    "confirmed": "green",
    "told": "green",
}
WORDS = {"told": "told in person", "unreachable": "no email/push"}


def _load(
    db: sqlite_utils.Database, *, unconfirmed_only: bool
) -> tuple[list[DeliveryLine], str | None]:
    return delivery.lines(db, unconfirmed_only=unconfirmed_only), delivery.waiting_on_setup(db)


class DeliveriesScreen(DeskScreen):
    VIEW = "deliveries"
    CSS_PATH = "deliveries.tcss"
    # Who was reached also moves with acknowledgements, signatures and renamed people.
    WATCH = family("delivery", "notice", "contract", "person")
    READS = frozenset({"toggle_filter"})
    BINDINGS = [
        Binding("f", "toggle_filter", "Filter", tooltip="Show all, or only the not confirmed"),
        Binding("r", "resend", "Resend"),
        Binding("R", "remind_all", "Remind all", tooltip="Remind everyone not confirmed"),
        Binding("t", "told", "Told", tooltip="Mark as told in person"),
    ]

    def __init__(self, desk: Desk) -> None:
        super().__init__(desk)
        self.unconfirmed_only = True
        self.lines: dict[int, DeliveryLine] = {}

    def compose_view(self) -> ComposeResult:
        yield Static("", id="deliveries-title")
        yield Table(id="deliveries", cursor_type="row", zebra_stripes=True)
        yield Static("", id="delivery-detail")

    def on_mount(self) -> None:
        table = self.query_one("#deliveries", DataTable)
        table.add_columns("Who", "What", "State", "Sent", "Subject")
        table.focus()

    def reload(self) -> None:
        only = self.unconfirmed_only
        self.fetch("deliveries", partial(_load, unconfirmed_only=only), self.show)

    def show(self, loaded: tuple[list[DeliveryLine], str | None]) -> None:
        found, setup = loaded
        self.lines = {line.message_id: line for line in found}
        pending = sum(1 for line in found if not line.confirmed)
        shown = "not confirmed" if self.unconfirmed_only else "every message"
        title = Text(f"Deliveries: {shown}", style="bold")
        title.append(f"  {len(found)} shown", style="dim")
        if not found:
            title.append(
                "  — nothing waiting on anyone" if self.unconfirmed_only else "  — nothing sent yet"
            )
        elif pending:
            title.append(f"  {pending} not confirmed", style="bold red")
        if setup:
            title.append(f"\n{setup}", style="bold yellow")
        self.query_one("#deliveries-title", Static).update(title)
        refill(self.query_one("#deliveries", DataTable), [self.row(line) for line in found])
        self.show_detail()

    def row(self, line: DeliveryLine) -> Row:
        state = Text(WORDS.get(line.state, line.state), style=STYLES.get(line.state, ""))
        sent = next((c.sent_at for c in line.channels if c.sent_at), None)
        return Row(
            str(line.message_id),
            (
                clip(line.name, 22),
                line.kind,
                state,
                when(sent, self.desk.zone),
                clip(line.subject, 50),
            ),
        )

    def on_data_table_row_highlighted(self, _: DataTable.RowHighlighted) -> None:
        self.show_detail()

    def show_detail(self) -> None:
        line = self.selected
        detail = self.query_one("#delivery-detail", Static)
        if line is None:
            detail.update("")
            return
        parts = [f"{c.channel}: {c.state}" + self._channel_note(c) for c in line.channels]
        if line.opened_at:
            parts.append(f"opened {when(line.opened_at, self.desk.zone)}")
        if line.confirmed_at:
            parts.append(f"confirmed {when(line.confirmed_at, self.desk.zone)}")
        if line.told_at:
            parts.append(f"told in person by {line.told_by} {when(line.told_at, self.desk.zone)}")
        detail.update(" · ".join(parts) or "No email address and no phone with notifications.")

    def _channel_note(self, channel: delivery.ChannelState) -> str:
        if channel.state != "failed":
            return ""
        retry = (
            f", next try {when(channel.next_attempt_at, self.desk.zone)}"
            if channel.next_attempt_at
            else ", not retried"
        )
        return f" ({channel.reason}{retry})"

    @property
    def selected(self) -> DeliveryLine | None:
        key = selected_key(self.query_one("#deliveries", DataTable))
        return self.lines.get(int(key)) if key else None

    def action_toggle_filter(self) -> None:
        self.unconfirmed_only = not self.unconfirmed_only
        self.reload()

    def action_resend(self) -> None:
        if (line := self.selected) is not None:
            now, actor = self.desk.now(), self.desk.actor
            self.change(
                lambda db: delivery.resend(db, [line.message_id], actor=actor, now=now),
                done=f"Sending again to {line.name}.",
            )

    def action_remind_all(self) -> None:
        waiting = [
            line
            for line in self.lines.values()
            if not line.confirmed and line.kind not in ("invite", "reminder")
        ]
        if not waiting:
            self.notify("Everyone has confirmed: nobody to remind.")
            return
        message = f"Send a reminder to everyone who has not confirmed ({len(waiting)} messages)?"
        self.app.push_screen(ConfirmDialog("Remind", message), self.remind_confirmed)

    def remind_confirmed(self, sure: bool | None) -> None:
        if sure:
            now, actor = self.desk.now(), self.desk.actor
            self.change(lambda db: reach.remind(db, actor=actor, now=now), after=self.reminded)

    def reminded(self, count: Any) -> None:
        self.notify(f"{count} reminder{'s' if count != 1 else ''} queued.", timeout=6)

    def action_told(self) -> None:
        if (line := self.selected) is not None and line.told_at is None:
            now, actor = self.desk.now(), self.desk.actor
            self.change(
                lambda db: delivery.tell_in_person(db, line.message_id, actor=actor, now=now),
                done=f"Marked: {line.name} was told in person.",
            )
