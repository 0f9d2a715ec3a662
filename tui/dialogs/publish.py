"""Publish a day's call sheet: first the preview (who is told what), then yes or no.

Focus starts on Cancel, as for every question that sends something to people's phones.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from schema.callsheets import Preview, day_label
from schema.rules import plural

# A sentence sent to more people than this is one line with a count, not a line per person.
GROUP_FROM = 3


class PublishDialog(ModalScreen[bool]):
    BINDINGS = [
        Binding("p", "answer(True)", "Publish"),
        Binding("n,escape", "answer(False)", "Cancel"),
    ]

    def __init__(self, preview: Preview) -> None:
        super().__init__(classes="dialog")
        self.preview = preview

    def compose(self) -> ComposeResult:
        preview = self.preview
        sheet = preview.draft
        title = f"Publish the call sheet: {day_label(sheet.date)}, {sheet.unit} unit"
        with Vertical(classes="dialog-body publish"):
            yield Label(title, classes="dialog-title")
            with VerticalScroll(classes="publish-diff"):
                yield Static(preview_text(preview), id="publish-preview")
            with Horizontal(classes="dialog-buttons"):
                if not preview.unchanged:
                    yield Button(
                        f"Publish version {preview.number} (p)",
                        variant="primary",
                        compact=True,
                        id="yes",
                    )
                yield Button("Cancel (n)", compact=True, id="no")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer and not self.preview.unchanged)

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


def preview_text(preview: Preview) -> Text:
    """The diff against the published version and the notices publishing would send."""
    text = Text()
    if preview.previous is None:
        text.append("Not published yet: this makes version 1.\n", style="bold")
    elif preview.unchanged:
        text.append(
            f"Nothing changed since version {preview.previous.number}: nothing to publish.",
            style="bold",
        )
        return text
    else:
        text.append(
            f"Version {preview.previous.number} is published; this makes version "
            f"{preview.number}.\n",
            style="bold",
        )
    told = len({c.person_id for c in preview.changes})
    text.append(f"\n{plural(told, 'person', 'people')} will be told:\n", style="bold")
    by_text: dict[str, list[str]] = {}
    for change in preview.changes:
        by_text.setdefault(change.text, []).append(change.name)
    for sentence, names in by_text.items():
        if len(names) <= GROUP_FROM:
            for name in names:
                text.append(f"  {name}", style="bold")
                text.append(f": {sentence}\n")
            continue
        text.append(f"  {plural(len(names), 'person', 'people')}", style="bold")
        text.append(f": {sentence}\n")
        shown = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
        text.append(f"    {shown}\n", style="dim")
    if not preview.changes:
        text.append("  nobody: no one's call, place or presence changed\n", style="dim")
    other = [line for line in preview.sheet_changes if line != "first version"]
    if other:
        text.append("\nOn the sheet itself:\n", style="bold")
        for line in other:
            text.append(f"  {line}\n")
    return text
