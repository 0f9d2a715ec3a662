"""A QR code big enough to scan off the screen, with its URL underneath."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from tui.widgets.qr import QRCode


class QRDialog(ModalScreen[None]):
    BINDINGS = [Binding("escape,enter,q", "close", "Close")]

    def __init__(self, title: str, url: str, note: str = "") -> None:
        super().__init__(classes="dialog")
        self.title_text, self.url, self.note = title, url, note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-body qr-dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield QRCode(self.url)
            yield Static(self.url, id="qr-url", markup=False)
            if self.note:
                yield Static(self.note, classes="muted")

    def action_close(self) -> None:
        self.dismiss(None)
