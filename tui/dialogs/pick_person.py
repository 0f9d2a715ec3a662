"""Pick a person by typing part of their name (or department, role...): search as you type."""

from __future__ import annotations

from datetime import time

import sqlite_utils
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from schema import directory, validate
from schema.errors import InvalidInput
from schema.types import Person
from tui.context import Desk
from tui.data import DbWork

LIMIT = 50


class PersonPicker(DbWork, ModalScreen[int | None]):
    """Dismisses with the chosen person's id (or None)."""

    READS = frozenset({"focus_list"})
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "focus_list", "List", show=False),
    ]

    def __init__(
        self,
        desk: Desk,
        title: str,
        taken: frozenset[int] = frozenset(),
        *,
        call_time: str | None = None,
    ) -> None:
        """`taken`: people who cannot be picked here (already called that day): listed, greyed.
        `call_time`: ask the picked person's own call time in the same step (prefilled), so a
        call made just now never sends a "your call moved" a moment later."""
        super().__init__(classes="dialog")
        self.desk, self.title_text, self.taken = desk, title, taken
        self.call_time = call_time
        self.chosen_time: time | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-body picker"):
            yield Label(self.title_text, classes="dialog-title")
            yield Input(placeholder="Type a name, department or role", id="pick-search")
            if self.call_time is not None:
                with Horizontal(classes="field-row"):
                    yield Label("Their call (HH:MM, Tab)", classes="field-label")
                    yield Input(self.call_time, compact=True, id="pick-time")
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
        options.add_options(self.option(p) for p in people)
        free = [i for i, p in enumerate(people) if p.id not in self.taken]
        options.highlighted = free[0] if free else None

    def option(self, person: Person) -> Option:
        # Text, not markup: a name is the coordinator's data and may hold "[" or "]".
        taken = person.id in self.taken
        prompt = Text.assemble(
            person.name,
            ("  already called" if taken else "", "italic"),
            (f"  {person.department} · {person.role}", "dim"),
        )
        return Option(prompt, id=str(person.id), disabled=taken)

    def action_focus_list(self) -> None:
        self.query_one("#pick-list").focus()

    @on(Input.Submitted, "#pick-search, #pick-time")
    def submitted(self) -> None:
        options = self.query_one("#pick-list", OptionList)
        if options.highlighted is not None:
            self.choose(options.get_option_at_index(options.highlighted))

    @on(OptionList.OptionSelected, "#pick-list")
    def selected(self, event: OptionList.OptionSelected) -> None:
        self.choose(event.option)

    def choose(self, option: Option) -> None:
        if self.call_time is not None:
            typed = self.query_one("#pick-time", Input).value
            try:
                self.chosen_time = validate.parse_time(typed, "call")
            except InvalidInput as error:
                self.notify(str(error), title="Check the input", severity="error")
                self.query_one("#pick-time", Input).focus()
                return
        self.dismiss(int(option.id) if option.id else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
