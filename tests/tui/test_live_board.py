"""A check-in written by another process shows on the arrivals board with no key pressed."""

from __future__ import annotations

import asyncio
import sys
import time

import pytest
import sqlite_utils
from textual.widgets import DataTable

from schema import arrivals as arrivals_board
from tests.tui.conftest import NOW, TODAY, make_app, settle
from tui.dialogs.show_qr import QRDialog

CHECK_IN = """
import sys
from datetime import datetime
from schema import checkins, directory
from schema.store.connection import connect

path, person_id, code, at = sys.argv[1:]
db = connect(path)
person = directory.get_person(db, int(person_id))
request = checkins.CheckinRequest(code=code, nonce="another-process-1")
print(checkins.check_in_person(db, person, request, now=datetime.fromisoformat(at)).result)
"""


def status_of(table: DataTable[object], key: str) -> str:
    return str(table.get_row(key)[-1])


@pytest.mark.parametrize("under_dialog", [False, True], ids=["board", "board-under-a-dialog"])
async def test_check_in_from_another_process_updates_the_board(
    demo_path: str, db: sqlite_utils.Database, under_dialog: bool
) -> None:
    board = next(
        b for b in arrivals_board.board(db, TODAY) if any(not a.arrived_at for a in b.arrivals)
    )
    waiting = next(a for a in board.arrivals if a.arrived_at is None)
    code = db.execute("SELECT code FROM locations WHERE id = ?", [board.location_id]).fetchone()[0]
    key = f"{board.location_id}-{waiting.person_id}"
    app = make_app(demo_path, follow=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("5")
        await settle(pilot)
        arrivals = app.screen.query_one("#arrivals", DataTable)
        assert "✓" not in status_of(arrivals, key)
        if under_dialog:  # a QR code shown to someone: the board behind it stays live
            await app.push_screen(QRDialog("A code", "https://callboard.test/l/ABCDEFGH"))
            await settle(pilot)
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            CHECK_IN,
            demo_path,
            str(waiting.person_id),
            code,
            NOW.isoformat(),
            stdout=asyncio.subprocess.PIPE,
        )
        out, _ = await process.communicate()
        assert out.decode().strip() in ("ok", "late")
        written = time.monotonic()
        while "✓" not in status_of(arrivals, key):
            assert time.monotonic() - written < 1.0, "the board did not update within a second"
            await asyncio.sleep(0.05)
        assert "✓" in status_of(arrivals, key)
        assert isinstance(app.screen, QRDialog) is under_dialog
