"""Bulk scheduling from the Schedule view: ask (which day, which department, how far), preview
what the core would do (its notices and the problems it would create), then apply on `y`.

The forms' "save" runs `bulk.preview`, which writes nothing; the preview dialog answers yes or
no, and only yes runs `bulk.apply`.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlite_utils
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, OptionList, Static
from textual.widgets.option_list import Option

from schema import bulk, validate
from schema.bulk import BulkKind, NoticeLine, Plan, Preview
from schema.errors import InvalidInput
from schema.rules import plural
from schema.schedule import DaySummary
from schema.types import Day
from tui.context import Desk
from tui.dialogs.form import Field, FormDialog, Values
from tui.dialogs.parse import optional_time

SHOWN_NAMES = 12


def preview_form(desk: Desk, day: Day, kind: BulkKind, departments: Sequence[str]) -> FormDialog:
    """Department (completed as typed) and, for a call, the time; for a shift, the minutes."""
    fields = [Field("department", "Department", suggestions=tuple(departments))]
    if kind == BulkKind.CALL:
        fields.append(Field("call", "Their call (HH:MM)", f"{day.call_at:%H:%M}"))
    if kind == BulkKind.SHIFT:
        fields.append(Field("minutes", "Minutes (+ later, - earlier)", "+30"))

    def save(db: sqlite_utils.Database, values: Values) -> Preview:
        with validate.checks() as check:
            call = check(optional_time, values.get("call", ""), "call")
            minutes = check(signed_minutes, values.get("minutes", "0"), "minutes")
        plan = Plan(
            kind=kind, day_id=day.id, department=values["department"], call=call, minutes=minutes
        )
        return bulk.preview(db, plan, actor=desk.actor, now=desk.now())

    titles = {
        BulkKind.CALL: "Call a whole department",
        BulkKind.RELEASE: "Release a department",
        BulkKind.SHIFT: "Move a department's calls",
    }
    title = f"{titles[kind]}, {day.unit} unit {day.date:%a %d %b}"
    return FormDialog(desk, title, fields, save, verb="Preview")


def signed_minutes(text: str, field: str = "minutes") -> int:
    cleaned = text.strip().replace(" ", "").removesuffix("m").removesuffix("min")
    try:
        return int(cleaned)
    except ValueError:
        raise InvalidInput(
            f"{field} {text!r} is not a number of minutes (e.g. +30 or -15)", field=field
        ) from None


class DayChoice(ModalScreen[int | None]):
    """Pick the day to copy calls from: days with calls, the nearest earlier one first."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, day: Day, days: Sequence[DaySummary]) -> None:
        super().__init__(classes="dialog")
        self.day = day
        staffed = [d for d in days if d.called and d.day.id != day.id]
        earlier = [d for d in staffed if d.day.date <= day.date]
        later = [d for d in staffed if d.day.date > day.date]
        self.choices = [*reversed(earlier), *later]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-body picker"):
            yield Label(
                f"Copy calls to {self.day.date:%a %d %b} from which day?", classes="dialog-title"
            )
            yield OptionList(*(self.option(d) for d in self.choices), id="day-choice")

    @staticmethod
    def option(summary: DaySummary) -> Option:
        day = summary.day
        where = summary.location_name or "location TBC"
        prompt = Text.assemble(
            f"{day.date:%a %d %b}  {day.unit}",
            (f"  {plural(summary.called, 'person', 'people')} · {where}", "dim"),
        )
        return Option(prompt, id=str(day.id))

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.focus()
        if self.choices:
            options.highlighted = 0

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id) if event.option.id else None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PreviewDialog(ModalScreen[bool]):
    """What a bulk change will do, before it is done: y applies, n or Esc leaves it."""

    BINDINGS = [
        Binding("y", "answer(True)", "Apply"),
        Binding("n,escape", "answer(False)", "Cancel"),
    ]

    def __init__(self, preview: Preview) -> None:
        super().__init__(classes="dialog")
        self.preview = preview

    def compose(self) -> ComposeResult:
        done = self.preview.done
        with Vertical(classes="dialog-body bulk-preview"):
            yield Label(done.title, classes="dialog-title")
            with VerticalScroll(id="preview-body"):
                yield Static(preview_text(self.preview), id="preview-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Apply (y)", variant="primary", compact=True, id="yes")
                yield Button("Cancel (n)", compact=True, id="no")

    def on_mount(self) -> None:
        nothing = not self.preview.done.people
        self.query_one("#no" if nothing else "#yes", Button).focus()

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer and bool(self.preview.done.people))

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.action_answer(event.button.id == "yes")


def names(people: Sequence[str]) -> str:
    shown = ", ".join(people[:SHOWN_NAMES])
    more = len(people) - SHOWN_NAMES
    return shown + (f" and {more} more" if more > 0 else "")


def grouped(notices: Sequence[NoticeLine]) -> dict[str, list[str]]:
    """Notices saying the same thing (each person's own "your call moved"), as one line."""
    found: dict[str, list[str]] = {}
    for notice in notices:
        found.setdefault(notice.summary, []).extend(notice.recipients)
    return found


def preview_text(preview: Preview) -> Text:
    done = preview.done
    text = Text()
    if not done.people:
        text.append("Nothing to do: ", style="bold yellow")
        text.append(
            f"everyone is already called ({names(done.skipped)})\n"
            if done.skipped
            else "nobody to change\n"
        )
        return text
    text.append(plural(len(done.people), "person", "people"), style="bold")
    text.append(f": {names(done.people)}\n")
    if done.skipped:
        text.append(f"Already called, left as they are: {names(done.skipped)}\n", style="dim")
    text.append("\nNotices it will send: ", style="bold")
    if not preview.notices:
        text.append("none (a new call is no change to anyone's plans)\n", style="green")
    else:
        text.append(f"{len(preview.notices)}\n")
        for summary, recipients in grouped(preview.notices).items():
            text.append(f"  ✉ {summary}\n    → {names(recipients)}\n")
    text.append("\nProblems it will create: ", style="bold")
    if not preview.problems:
        text.append("none\n", style="green")
    else:
        text.append(f"{len(preview.problems)}\n", style="bold red")
        for problem in preview.problems:
            text.append(f"  ⚠ {problem.message}\n", style="red")
    return text
