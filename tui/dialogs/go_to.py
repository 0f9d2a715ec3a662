"""`g` then a key: go to today, the problems, or a view (a chord, as in a pager)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from tui.widgets.navbar import VIEWS

PLACES = (("t", "today", "today"), ("p", "problems", "problems"))


class GoDialog(ModalScreen[str | None]):
    """Dismisses with "today" or a view's mode name; any other key closes it."""

    BINDINGS = [
        *(Binding(key, f"go('{place}')", label) for key, place, label in PLACES),
        *(Binding(key, f"go('{mode}')", label, show=False) for key, mode, label in VIEWS),
        Binding("escape", "go('')", "Cancel"),
    ]

    def __init__(self) -> None:
        super().__init__(classes="dialog go-dialog")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-body go"):
            yield Label("Go to", classes="dialog-title")
            yield Static(self.keys(), markup=False)

    @staticmethod
    def keys() -> str:
        """The places, four to a line so the box stays narrow at 80 columns."""
        items = ["t today", "p problems", *(f"{key} {label}" for key, _, label in VIEWS)]
        lines = [
            "   ".join(f"{item:<12}" for item in items[i : i + 4]) for i in range(0, len(items), 4)
        ]
        return "\n".join(line.rstrip() for line in lines) + "\nEsc: stay here"

    def action_go(self, place: str) -> None:
        self.dismiss(place or None)

    def on_key(self, event: object) -> None:
        """A key that goes nowhere closes the chord, as a pager would."""
        key = getattr(event, "key", "")
        known = {k for k, _, _ in PLACES} | {k for k, _, _ in VIEWS} | {"escape"}
        if key not in known:
            self.dismiss(None)
