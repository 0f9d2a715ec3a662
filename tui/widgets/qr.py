"""A QR code drawn with half-block characters, black on white whatever the theme, to scan."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

DARK, LIGHT = "#000000", "#ffffff"


def qr_matrix(data: str, border: int = 2) -> list[list[bool]]:
    import qrcode  # imported on first use: it pulls in Pillow, which slows the app's launch
    import qrcode.constants

    code = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=1, border=border
    )
    code.add_data(data)
    code.make(fit=True)
    return [[bool(cell) for cell in row] for row in code.get_matrix()]


def half_blocks(matrix: list[list[bool]]) -> Text:
    """Two rows of modules per line of text: the upper as foreground, the lower as background."""
    rows = [*matrix, [False] * len(matrix[0])] if len(matrix) % 2 else matrix
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
