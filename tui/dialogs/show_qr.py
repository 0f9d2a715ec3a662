"""A QR code big enough to scan off the screen, with its URL and note beside it.

Beside, not under: the code is about 19 lines tall, and at 80x24 text under it falls off.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
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
            with Horizontal(classes="qr-row"):
                yield QRCode(self.url)
                with Vertical(classes="qr-side"):
                    yield Static(self.url, id="qr-url", markup=False)
                    if self.note:
                        yield Static(self.note, classes="qr-note")
                    yield Static("Esc or Enter closes", classes="muted")

    def action_close(self) -> None:
        self.dismiss(None)
