"""A QR code drawn with half-block characters, black on white whatever the theme, to scan."""

from __future__ import annotations

from collections.abc import Sequence

from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

DARK, LIGHT = "#000000", "#ffffff"


def qr_matrix(data: str, border: int = 2) -> Sequence[Sequence[bool]]:
    # Imported on first use: the poster module pulls in qrcode and Pillow, slowing launch.
    from schema.outputs.posters import qr_modules

    return qr_modules(data, border=border, correction="M")  # a screen is never scuffed


def half_blocks(matrix: Sequence[Sequence[bool]]) -> Text:
    """Two rows of modules per line of text: the upper as foreground, the lower as background."""
    rows = [*matrix, [False] * len(matrix[0])] if len(matrix) % 2 else list(matrix)
    text = Text(no_wrap=True, overflow="crop")
    for top, bottom in zip(rows[::2], rows[1::2], strict=True):
        for upper, lower in zip(top, bottom, strict=True):
            text.append(
                "▀", Style(color=DARK if upper else LIGHT, bgcolor=DARK if lower else LIGHT)
            )
        text.append("\n")
    text.rstrip()
    return text


def qr_text(data: str, border: int = 2) -> Text:
    return half_blocks(qr_matrix(data, border))


class QRCode(Static):
    """Shows `data` as a scannable QR code; empty data shows nothing."""

    data: reactive[str] = reactive("")

    def __init__(self, data: str = "", *, id: str | None = None, classes: str = "qr") -> None:
        super().__init__(qr_text(data) if data else "", id=id, classes=classes)
        self.set_reactive(QRCode.data, data)

    def watch_data(self, data: str) -> None:
        self.update(qr_text(data) if data else "")
