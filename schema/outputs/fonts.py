"""Where the printed outputs find their fonts: DejaVu from the system when installed (Debian's
fonts-dejavu-core), else each writer falls back to its format's built-in fonts.

Apart from the posters so that a PDF writer can find a font without importing qrcode and PIL."""

from __future__ import annotations

from functools import cache
from pathlib import Path

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
)
FONT_FILES = {
    "sans": "DejaVuSans.ttf",
    "bold": "DejaVuSans-Bold.ttf",
    "mono": "DejaVuSansMono-Bold.ttf",
}


@cache
def font_path(kind: str) -> Path | None:
    for folder in FONT_DIRS:
        candidate = folder / FONT_FILES[kind]
        if candidate.exists():
            return candidate
    return None
