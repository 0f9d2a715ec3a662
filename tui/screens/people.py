"""People: the directory, searched as you type; add, edit, import, links as QR, devices."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

import sqlite_utils
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Input, Static

from schema import directory, links, reach
from schema.directory import PersonIn
from schema.errors import InvalidInput
from schema.event_kinds import family
from schema.outputs.spreadsheets import import_people_file, import_vendors_file
from schema.rules import plural
from schema.types import Issued, Person, PersonKind, Vendor
from tui.context import Desk
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.form import Field, FormDialog, Values, added_or_saved
from tui.dialogs.parse import optional_id
from tui.dialogs.sessions import SessionsDialog
from tui.dialogs.show_qr import QRDialog
from tui.dialogs.vendors import VendorsDialog
from tui.screens.base import DeskScreen
from tui.widgets.tables import Row, Table, clip, refill, selected_key

PAGE = 200
KINDS = (("Crew", "crew"), ("Cast", "cast"), ("Vendor contact", "vendor_contact"))


class Page(NamedTuple):
    people: list[Person]
    total: int


def page(db: sqlite_utils.Database, search: str) -> Page:
    found = directory.list_people(db, search=search, limit=PAGE)
    total = len(found) if len(found) < PAGE else directory.count_people(db, search=search)
    return Page(found, total)


class PeopleScreen(DeskScreen):
    VIEW = "people"
    WATCH = family("person", "vendor")
    READS = frozenset({"search", "leave_search", "sessions", "vendors"})
    BINDINGS = [
        Binding("slash", "search", "Search"),
        Binding("escape", "leave_search", "To the list", show=False),
        Binding("a", "add", "Add"),
        Binding("e", "edit", "Edit"),
        Binding("i", "import_csv", "Import", tooltip="Import people from a CSV file"),
        Binding("l", "link", "Link", tooltip="Issue a personal link (QR code)"),
        Binding("s", "sessions", "Devices"),
        Binding("m", "email_link", "Mail", tooltip="Email the personal link"),
        Binding("v", "vendors", "Vendors"),
    ]

    def __init__(self, desk: Desk) -> None:
        super().__init__(desk)
        self.people: dict[int, Person] = {}
        self.vendors: list[Vendor] = []
        self.page: Page | None = None
        self.land: str | None = None  # a person just added or gone to: the cursor goes there

    def compose_view(self) -> ComposeResult:
        yield Input(placeholder="/ Search name, department, role, email, phone", id="search")
        yield Table(id="people", cursor_type="row", zebra_stripes=True)
        yield Static("", id="people-count")

    def on_mount(self) -> None:
        table = self.query_one("#people", DataTable)
        # Phone before email: on set it is the one that gets used, and it fits at 80 columns.
        table.add_columns("Name", "Kind", "Department", "Role", "Phone", "Email")
        table.focus()

    def reload(self) -> None:
        self.search()
        self.fetch("vendors", partial(directory.list_vendors, archived=True), self.keep_vendors)

    def search(self) -> None:
        text = self.query_one("#search", Input).value
        self.fetch("people", lambda db: page(db, text), self.show_page)

    def keep_vendors(self, vendors: list[Vendor]) -> None:
        self.vendors = vendors

    @on(Input.Changed, "#search")
    def typed(self) -> None:
        self.search()

    @on(Input.Submitted, "#search")
    def to_table(self) -> None:
        self.query_one("#people", DataTable).focus()

    def action_leave_search(self) -> None:
        """Escape leaves the search box (keeping what was typed) for the list and its keys."""
        self.query_one("#people", DataTable).focus()

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def on_resize(self) -> None:
        if self.page is not None:
            self.show_page(self.page)  # the rows shown, laid out again for the new width

    def show_page(self, found: Page) -> None:
        self.page = found
        self.people = {p.id: p for p in found.people}
        extra = max(0, min(self.app.size.width, 160) - 80) // 4
        rows = [person_row(p, extra) for p in found.people]
        refill(self.query_one("#people", DataTable), rows, self.land)
        if self.land is not None and int(self.land) in self.people:
            self.land = None
        shown = len(found.people)
        note = (
            f"{found.total} people"
            if shown == found.total
            else (f"showing {shown} of {found.total}: type to narrow the search")
        )
        self.query_one("#people-count", Static).update(note)

    @property
    def person(self) -> Person | None:
        key = selected_key(self.query_one("#people", DataTable))
        return self.people.get(int(key)) if key else None

    def action_add(self) -> None:
        self.app.push_screen(person_form(self.desk, None, self.vendors), self.landed)

    def landed(self, person: Any) -> None:
        """The cursor goes to the person just added, even when a search hides them."""
        if isinstance(person, Person):
            self.land = str(person.id)
            search = self.query_one("#search", Input)
            if search.value and search.value.casefold() not in person.name.casefold():
                search.value = person.name

    def go_to_person(self, person_id: int) -> None:
        """From another view (a problem about someone): find them and put the cursor there."""
        self.fetch("goto", lambda db: directory.get_person(db, person_id), self.found_person)

    def found_person(self, person: Person) -> None:
        self.land = str(person.id)
        search = self.query_one("#search", Input)
        if search.value == person.name:
            self.search()
        else:
            search.value = person.name  # the search follows, and the cursor lands
        self.query_one("#people", DataTable).focus()

    def action_edit(self) -> None:
        if (person := self.person) is not None:
            self.app.push_screen(person_form(self.desk, person, self.vendors))

    def action_link(self) -> None:
        if (person := self.person) is not None:
            message = (
                f"Issue a new personal link for {person.name}? Any link of theirs not yet opened"
                " stops working; phones already set up carry on."
            )
            self.app.push_screen(
                ConfirmDialog("New link", message), partial(self.link_confirmed, person.id)
            )

    def link_confirmed(self, person_id: int, sure: bool | None) -> None:
        if sure:
            now = self.desk.now()
            actor = self.desk.actor
            self.change(
                lambda db: links.issue_link(db, person_id, actor=actor, now=now),
                after=self.show_link,
            )

    def show_link(self, issued: Any) -> None:
        if isinstance(issued, Issued):
            note = "Shown once: scan it now. Issuing again kills this link."
            self.app.push_screen(QRDialog(f"Personal link for {issued.name}", issued.url, note))

    def action_email_link(self) -> None:
        if (person := self.person) is not None:
            if not person.email:
                self.notify(f"{person.name} has no email: use l for a QR link.", severity="warning")
                return
            message = (
                f"Email {person.name} a new personal link at {person.email}? Any link of theirs"
                " not yet opened stops working; phones already set up carry on."
            )
            self.app.push_screen(
                ConfirmDialog("Email link", message), partial(self.email_confirmed, person.id)
            )

    def email_confirmed(self, person_id: int, sure: bool | None) -> None:
        if sure:
            now, actor = self.desk.now(), self.desk.actor
            self.change(
                lambda db: reach.send_invites(db, [person_id], actor=actor, now=now),
                done="Link queued to email: Deliveries (0) shows when it is sent.",
            )

    def action_sessions(self) -> None:
        if (person := self.person) is not None:
            self.app.push_screen(SessionsDialog(self.desk, person.id, person.name))

    def action_vendors(self) -> None:
        self.app.push_screen(VendorsDialog(self.desk), lambda _: self.reload())

    def action_import_csv(self) -> None:
        self.app.push_screen(import_form(self.desk), self.imported)

    def imported(self, result: Any) -> None:
        count = getattr(result, "people", None)
        if count is not None:
            self.notify(f"Imported {plural(count, 'person', 'people')}", title="CSV import")
        vendors = getattr(result, "vendors", None)
        if vendors is not None:
            self.notify(f"Imported {plural(vendors, 'vendor')}", title="CSV import")


def person_row(p: Person, extra: int = 0) -> Row:
    """`extra`: columns to share out beyond the 80 that fit name, kind, department, role and
    phone (email takes what is left, and all of it on a wide terminal)."""
    return Row(
        str(p.id),
        (
            clip(p.name, 18 + extra),
            "vendor" if p.kind == PersonKind.VENDOR_CONTACT else str(p.kind),
            clip(p.department, 12 + extra),
            clip(p.role, 14 + extra),
            p.phone,
            clip(p.email, 20 + extra * 2),
        ),
    )


def person_fields(person: Person | None, vendors: list[Vendor]) -> list[Field]:
    p = person or Person(id=0, name="")
    vendor_options = (
        ("None", ""),
        *((f"{v.name}{' (archived)' if v.archived_at else ''}", str(v.id)) for v in vendors),
    )
    return [
        Field("name", "Name", p.name),
        Field("kind", "Kind", str(p.kind), options=KINDS),
        Field("department", "Department", p.department),
        Field("role", "Role", p.role),
        Field("email", "Email", p.email),
        Field("phone", "Phone", p.phone),
        Field(
            "vendor_id",
            "Vendor (contacts only)",
            str(p.vendor_id or ""),
            options=vendor_options,
        ),
        Field("notes", "Notes", p.notes),
    ]


def person_in(values: Values) -> PersonIn:
    return PersonIn(
        name=values["name"],
        kind=PersonKind(values["kind"]),
        department=values["department"],
        role=values["role"],
        email=values["email"],
        phone=values["phone"],
        vendor_id=optional_id(values["vendor_id"]),
        notes=values["notes"],
    )


def person_form(desk: Desk, person: Person | None, vendors: list[Vendor]) -> FormDialog:
    def save(db: sqlite_utils.Database, values: Values) -> Person:
        if person is None:
            return directory.add_person(db, person_in(values), actor=desk.actor, now=desk.now())
        return directory.update_person(
            db, person.id, person.version, person_in(values), actor=desk.actor, now=desk.now()
        )

    title = "Add a person" if person is None else f"Edit {person.name}"
    return FormDialog(desk, title, person_fields(person, vendors), save, added_or_saved(person))


def import_form(desk: Desk) -> FormDialog:
    def save(db: sqlite_utils.Database, values: Values) -> Any:
        path = Path(values["file"]).expanduser()
        if path.is_dir():
            raise InvalidInput(f"{path} is a folder: give the CSV file's path", field="file")
        if not path.is_file():
            raise InvalidInput(f"there is no file at {path}", field="file")
        if values["what"] == "vendors":
            return import_vendors_file(db, path, actor=desk.actor, now=desk.now())
        return import_people_file(db, path, actor=desk.actor, now=desk.now())

    fields = [
        Field(
            "what",
            "What it holds",
            "people",
            options=(("People", "people"), ("Vendors", "vendors")),
        ),
        Field("file", "CSV file", placeholder="name, kind, department, role, email, phone"),
    ]
    return FormDialog(desk, "Import people or vendors from CSV (all or nothing)", fields, save)
