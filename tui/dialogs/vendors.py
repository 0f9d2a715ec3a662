"""The vendor companies, from the People view: add, edit, archive and restore."""

from __future__ import annotations

from functools import partial

import sqlite_utils
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Label, Static

from schema import directory
from schema.directory import VendorIn
from schema.event_kinds import family
from schema.types import Vendor
from tui.context import Desk
from tui.data import Changed, DbWork, Refused
from tui.dialogs.form import Field, FormDialog, Values, added_or_saved
from tui.errors import notify_error
from tui.screens.base import FeedChanged
from tui.widgets.tables import Row, Table, clip, refill, selected_key

WATCH = family("vendor")


class VendorsDialog(DbWork, ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("a", "add", "Add vendor"),
        Binding("e", "edit", "Edit"),
        Binding("x", "archive", "Archive/restore"),
    ]

    def __init__(self, desk: Desk) -> None:
        super().__init__(classes="dialog")
        self.desk = desk
        self.vendors: dict[int, Vendor] = {}

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-body sessions"):
            yield Label("Vendors", classes="dialog-title")
            yield Table(id="vendors", cursor_type="row")
            yield Static("", id="vendors-note", classes="muted")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#vendors", DataTable)
        table.add_columns("Name", "Service", "Phone", "Email", "State")
        table.focus()
        self.reload()

    def reload(self) -> None:
        self.fetch("vendors", partial(directory.list_vendors, archived=True), self.show)

    def show(self, found: list[Vendor]) -> None:
        self.vendors = {v.id: v for v in found}
        rows = [
            Row(
                str(v.id),
                (
                    clip(v.name, 24),
                    clip(v.service, 16),
                    v.phone,
                    clip(v.email, 24),
                    "archived" if v.archived_at else "",
                ),
            )
            for v in found
        ]
        refill(self.query_one("#vendors", DataTable), rows)
        note = "No vendors yet: press a to add one." if not found else ""
        self.query_one("#vendors-note", Static).update(note)

    @property
    def vendor(self) -> Vendor | None:
        key = selected_key(self.query_one("#vendors", DataTable))
        return self.vendors.get(int(key)) if key else None

    def action_add(self) -> None:
        self.app.push_screen(vendor_form(self.desk, None), self.after_form)

    def action_edit(self) -> None:
        if (vendor := self.vendor) is not None:
            self.app.push_screen(vendor_form(self.desk, vendor), self.after_form)

    def after_form(self, _result: object) -> None:
        self.reload()

    def action_archive(self) -> None:
        if (vendor := self.vendor) is None:
            return
        archived = vendor.archived_at is None
        now, actor = self.desk.now(), self.desk.actor
        self.change(
            lambda db: directory.archive_vendor(
                db, vendor.id, vendor.version, archived=archived, actor=actor, now=now
            ),
            f"{'Archived' if archived else 'Restored'} {vendor.name}",
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


def vendor_fields(vendor: Vendor | None) -> list[Field]:
    v = vendor or Vendor(id=0, name="")
    return [
        Field("name", "Name", v.name),
        Field("service", "Service", v.service, placeholder="e.g. generators"),
        Field("email", "Email", v.email),
        Field("phone", "Phone", v.phone),
        Field("address", "Address", v.address),
        Field("notes", "Notes", v.notes),
    ]


def vendor_form(desk: Desk, vendor: Vendor | None) -> FormDialog:
    def save(db: sqlite_utils.Database, values: Values) -> Vendor:
        new = VendorIn(**values)
        if vendor is None:
            return directory.add_vendor(db, new, now=desk.now(), actor=desk.actor)
        return directory.update_vendor(
            db, vendor.id, vendor.version, new, now=desk.now(), actor=desk.actor
        )

    title = "Add a vendor" if vendor is None else f"Edit {vendor.name}"
    return FormDialog(desk, title, vendor_fields(vendor), save, added_or_saved(vendor))
