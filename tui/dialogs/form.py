"""One form dialog for every add and edit: inline errors per field, nothing written until valid.

The caller passes `save(db, values)`, which parses the typed values and calls a schema service
in a worker. An InvalidInput naming one of the form's fields shows under that field and keeps
the form open; so does a stale edit (another coordinator saved first): the form says who and
what changed, and keeps what was typed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import sqlite_utils
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static

from schema.errors import InvalidInput, StaleEdit
from tui.context import Desk
from tui.data import Changed, DbWork, Refused

Values = dict[str, str]
Save = Callable[[sqlite_utils.Database, Values], Any]
# What to tell the coordinator once saved, from the service's result ("Added Tue 01 Dec").
Done = Callable[[Any], str]


class Versioned(Protocol):
    @property
    def version(self) -> int: ...


def saved(before: Versioned, said: Done) -> Done:
    """What an edit tells the coordinator, or that nothing changed: the core then writes
    nothing (no version, no notice), so "moved, see Changes" is never said of nothing."""
    return lambda after: "No change to save" if after.version == before.version else said(after)


class Named(Versioned, Protocol):
    @property
    def name(self) -> str: ...


def added_or_saved(before: Named | None) -> Done:
    """ "Added Yard" for a new record, "Saved Yard" (or no change) for an edit of one."""
    if before is None:
        return lambda after: f"Added {after.name}"
    return saved(before, lambda after: f"Saved {after.name}")


@dataclass(frozen=True)
class Field:
    """One input; `name` is the schema's field name, so its errors land here."""

    name: str
    label: str
    value: str = ""
    placeholder: str = ""
    options: tuple[tuple[str, str], ...] | None = None
    suggestions: tuple[str, ...] = ()  # completed as typed (→ accepts), e.g. departments


class FormBody(VerticalScroll, can_focus=False):
    """Scrolls a long form at 80x24; focus moves between the fields, not to the container."""


class FormDialog(DbWork, ModalScreen[Any]):
    """Dismisses with the service's result, or None when cancelled or refused."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save"),
    ]

    def __init__(
        self,
        desk: Desk,
        title: str,
        fields: Sequence[Field],
        save: Save,
        done: Done | None = None,
        *,
        verb: str = "Save",
        writes: bool = True,
    ) -> None:
        """`verb`: what the form's button does ("Preview" where nothing is written yet).
        `writes=False`: saving changes nothing in the production (an export to a file), so a
        read-only desk may use it."""
        super().__init__(classes="dialog")
        self.desk, self.title_text, self.fields, self.save = desk, title, tuple(fields), save
        self.done, self.verb, self.writes = done, verb, writes
        self.READS = frozenset() if writes else frozenset({"save"})

    def compose(self) -> ComposeResult:
        with FormBody(classes="dialog-body form"):
            yield Label(self.title_text, classes="dialog-title")
            for field in self.fields:
                with Horizontal(classes="field-row"):
                    yield Label(field.label, classes="field-label")
                    yield self.input_for(field)
                yield Static("", id=f"error-{field.name}", classes="field-error")
            yield Static("", id="error-form", classes="field-error")
            with Horizontal(classes="dialog-buttons"):
                # Enter saves from a text field; on a dropdown it opens the list, so ^S too.
                yield Button(f"{self.verb} (Enter, ^S)", variant="primary", compact=True, id="save")
                yield Button("Cancel (Esc)", compact=True, id="cancel")

    @staticmethod
    def input_for(field: Field) -> Widget:
        if field.options is not None:
            return Select(
                field.options,
                value=field.value,
                allow_blank=False,
                compact=True,
                id=f"field-{field.name}",
            )
        suggester = (
            SuggestFromList(field.suggestions, case_sensitive=False) if field.suggestions else None
        )
        return Input(
            field.value,
            placeholder=field.placeholder,
            compact=True,
            id=f"field-{field.name}",
            suggester=suggester,
        )

    def values(self) -> Values:
        found: Values = {}
        for field in self.fields:
            widget = self.query_one(f"#field-{field.name}")
            value = widget.value if isinstance(widget, Input | Select) else ""
            found[field.name] = "" if value is Select.NULL else str(value)
        return found

    def clear_errors(self) -> None:
        for error in self.query(".field-error").results(Static):
            error.update("")

    def show_error(self, field: str | None, message: str) -> None:
        labels = {f.name: f.label for f in self.fields}
        target = field if field in labels else "form"
        if field in labels and message.startswith(f"{field} "):
            # The core names fields as the code does ("lon"); the form says what the eye sees.
            message = labels[field] + message[len(field) :]
        error = self.query_one(f"#error-{target}", Static)
        error.update(f"⚠ {message}")
        if target != "form":
            self.query_one(f"#field-{target}").focus()

    def action_save(self) -> None:
        self.clear_errors()
        values = self.values()
        self.change(lambda db: self.save(db, values))

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    def submitted(self) -> None:
        self.action_save()

    @on(Input.Changed)
    @on(Select.Changed)
    def edited(self, event: Input.Changed | Select.Changed) -> None:
        """An error stays only as long as the value it was about."""
        name = (event.control.id or "").removeprefix("field-")
        for error in self.query(f"#error-{name}").results(Static):
            error.update("")

    @on(Button.Pressed, "#save")
    def save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def cancel_pressed(self) -> None:
        self.dismiss(None)

    def on_changed(self, message: Changed) -> None:
        if self.done is not None:
            self.app.notify(self.done(message.result), timeout=5)
        self.dismiss(message.result if message.result is not None else True)

    def on_refused(self, message: Refused) -> None:
        error = message.error
        if isinstance(error, StaleEdit):
            # Theirs is saved, yours is not: say whose and what, and keep what was typed here.
            self.show_error(None, f"{error.message}. Your entries are still here: Esc closes")
            who = error.by or "someone else"
            self.app.notify(
                str(error), title=f"Changed by {who}: yours not saved", severity="error", timeout=8
            )
        elif isinstance(error, InvalidInput):
            found = list(error.errors.items()) or [(None, error.message)]
            for field, text in reversed(found):  # reversed: focus ends on the first bad field
                self.show_error(field, text)
        else:
            self.show_error(None, error.message)
