"""Pick a person by typing part of their name (or department, role...): search as you type."""

from __future__ import annotations

import sqlite_utils
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from schema import directory
from schema.types import Person
from tui.context import Desk
from tui.data import DbWork

LIMIT = 50


class PersonPicker(DbWork, ModalScreen[int | None]):
    """Dismisses with the chosen person's id (or None)."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "focus_list", "List", show=False),
    ]

    def __init__(self, desk: Desk, title: str) -> None:
        super().__init__(classes="dialog")
        self.desk, self.title_text = desk, title

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-body picker"):
            yield Label(self.title_text, classes="dialog-title")
            yield Input(placeholder="Type a name, department or role", id="pick-search")
            yield OptionList(id="pick-list")

    def on_mount(self) -> None:
        self.search("")

    @on(Input.Changed, "#pick-search")
    def typed(self, event: Input.Changed) -> None:
        self.search(event.value)

    def search(self, text: str) -> None:
        self.fetch("pick", lambda db: self.people(db, text), self.show)

    @staticmethod
    def people(db: sqlite_utils.Database, text: str) -> list[Person]:
        return directory.list_people(db, search=text, limit=LIMIT)

    def show(self, people: list[Person]) -> None:
        options = self.query_one("#pick-list", OptionList)
        options.clear_options()
        options.add_options(
            Option(f"{p.name}  [dim]{p.department} · {p.role}[/]", id=str(p.id)) for p in people
        )
        options.highlighted = 0 if people else None

    def action_focus_list(self) -> None:
        self.query_one("#pick-list").focus()

    @on(Input.Submitted, "#pick-search")
    def submitted(self) -> None:
        options = self.query_one("#pick-list", OptionList)
        if options.highlighted is not None:
            self.choose(options.get_option_at_index(options.highlighted))

    @on(OptionList.OptionSelected, "#pick-list")
    def selected(self, event: OptionList.OptionSelected) -> None:
        self.choose(event.option)

    def choose(self, option: Option) -> None:
        self.dismiss(int(option.id) if option.id else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
