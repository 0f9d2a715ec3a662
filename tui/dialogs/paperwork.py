"""What paperwork each kind of party needs: requirements and document kinds, editable."""

from __future__ import annotations

from typing import NamedTuple

import sqlite_utils
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Label, Static

from schema import paperwork
from schema.event_kinds import family
from schema.paperwork import DocumentKind, Requirement
from schema.types import Party
from tui.context import Desk
from tui.data import Changed, DbWork, Refused
from tui.dialogs.form import Field, FormDialog, Values
from tui.errors import notify_error
from tui.screens.base import FeedChanged
from tui.widgets.tables import Row, Table, refill, selected_key

WATCH = family("paperwork")
PARTIES = (("Crew", "crew"), ("Cast", "cast"), ("Vendors", "vendor"))


class Setup(NamedTuple):
    kinds: list[DocumentKind]
    requirements: list[Requirement]


def load(db: sqlite_utils.Database) -> Setup:
    return Setup(paperwork.list_kinds(db), paperwork.list_requirements(db))


class PaperworkDialog(DbWork, ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("a", "require", "Require"),
        Binding("d", "drop", "Drop"),
        Binding("k", "add_kind", "New kind"),
    ]

    def __init__(self, desk: Desk) -> None:
        super().__init__(classes="dialog")
        self.desk = desk
        self.setup = Setup([], [])

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-body sessions"):
            yield Label("Required paperwork", classes="dialog-title")
            yield Table(id="requirements", cursor_type="row")
            yield Static("", id="kinds-note", classes="muted")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#requirements", DataTable)
        table.add_columns("Who", "Department", "Needs")
        table.focus()
        self.reload()

    def reload(self) -> None:
        self.fetch("setup", load, self.show)

    def show(self, setup: Setup) -> None:
        self.setup = setup
        rows = [
            Row(
                str(r.id),
                (
                    "vendors" if r.party == Party.VENDOR else str(r.party),
                    r.department or "all",
                    r.kind,
                ),
            )
            for r in setup.requirements
        ]
        refill(self.query_one("#requirements", DataTable), rows)
        kinds = ", ".join(f"{k.name}{' (expires)' if k.expires else ''}" for k in setup.kinds)
        note = "Nobody needs any paperwork to be called. " if not rows else ""
        self.query_one("#kinds-note", Static).update(f"{note}Document kinds: {kinds}")

    def action_require(self) -> None:
        self.app.push_screen(require_form(self.desk, self.setup.kinds), lambda _: self.reload())

    def action_add_kind(self) -> None:
        self.app.push_screen(kind_form(self.desk), lambda _: self.reload())

    def action_drop(self) -> None:
        key = selected_key(self.query_one("#requirements", DataTable))
        if key is None:
            return
        now, actor = self.desk.now(), self.desk.actor
        self.change(
            lambda db: paperwork.unrequire(db, int(key), actor=actor, now=now),
            "Requirement dropped",
        )

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


def require_form(desk: Desk, kinds: list[DocumentKind]) -> FormDialog:
    def save(db: sqlite_utils.Database, values: Values) -> Requirement:
        return paperwork.require(
            db,
            values["kind"],
            values["party"],
            department=values["department"],
            now=desk.now(),
            actor=desk.actor,
        )

    options = tuple((k.name, k.name) for k in kinds) or (("deal memo", "deal memo"),)
    fields = [
        Field("party", "Who", "crew", options=PARTIES),
        Field("department", "Department", placeholder="blank: everyone of that kind"),
        Field("kind", "Needs", options[0][1], options=options),
    ]
    return FormDialog(
        desk, "Require a document", fields, save, lambda r: f"Now required: {r.label}"
    )


def kind_form(desk: Desk) -> FormDialog:
    def save(db: sqlite_utils.Database, values: Values) -> DocumentKind:
        return paperwork.add_kind(
            db, values["name"], expires=values["expires"] == "yes", now=desk.now(), actor=desk.actor
        )

    fields = [
        Field("name", "Name", placeholder="e.g. work permit"),
        Field("expires", "Expires?", "no", options=(("No", "no"), ("Yes (certificate)", "yes"))),
    ]
    return FormDialog(desk, "New document kind", fields, save, lambda k: f"Added {k.name}")
