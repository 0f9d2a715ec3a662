"""The fronts start without the heavy libraries only printing and sending need: fpdf (with
fontTools) alone took 0.8 s of the TUI's 1.6 s import, so each is imported where it is used."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("fpdf", "fontTools", "qrcode", "PIL", "cryptography")


@pytest.mark.parametrize("front", ["tui.app", "cli.main", "server.app"])
def test_a_front_starts_without_printing_or_signing_libraries(front: str) -> None:
    probe = f"import sys, {front}\nprint(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    loaded = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    ).stdout.split()
    assert loaded == []
