"""The change feed survives a broken reader, and what happened meanwhile still reaches the board.

Another process writes (a phone checking in through the server, another coordinator renaming
someone) while the TUI's follower cannot read; when it can again, the board shows it all.
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import time
from pathlib import Path

import pytest
import sqlite_utils
from textual.widgets import DataTable

from schema import arrivals as arrivals_board
from schema.store import events
from tests.tui.conftest import NOW, TODAY, make_app, settle, wait_until
from tests.tui.test_live_board import CHECK_IN, status_of
from tui.data import DbWork

RENAME = """
import sys
from schema import directory
from schema.store.connection import connect

path, person_id, name = sys.argv[1:]
db = connect(path)
person = directory.get_person(db, int(person_id))
fields = {f: getattr(person, f) for f in directory.PersonIn.__struct_fields__ if hasattr(person, f)}
fields["name"] = name
directory.update_person(db, person.id, person.version, directory.PersonIn(**fields))
"""


async def run_script(*args: str) -> str:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", *args, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await process.communicate()
    assert process.returncode == 0
    return out.decode().strip()


def waiting_arrival(db: sqlite_utils.Database) -> tuple[str, int, str]:
    """(row key, person id, location code) of someone called today and not yet here."""
    boards = arrivals_board.board(db, TODAY)
    board = next(b for b in boards if any(not a.arrived_at for a in b.arrivals))
    waiting = next(a for a in board.arrivals if a.arrived_at is None)
    code = db.execute("SELECT code FROM locations WHERE id = ?", [board.location_id]).fetchone()[0]
    return f"{board.location_id}-{waiting.person_id}", waiting.person_id, code


def titles(app: object) -> list[str]:
    return [n.title for n in app._notifications]  # type: ignore[attr-defined]


async def test_the_board_recovers_and_catches_up_after_the_feed_breaks(
    demo_path: str, db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    key, person_id, code = waiting_arrival(db)
    broken = {"now": False, "calls": 0}
    real_since = events.since

    def flaky_since(*args: object, **kwargs: object) -> list[events.Event]:
        if broken["now"]:
            broken["calls"] += 1
            raise sqlite3.OperationalError("disk I/O error")
        return real_since(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(events, "since", flaky_since)
    app = make_app(demo_path, follow=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5")
        await settle(pilot)
        board = app.screen.query_one("#arrivals", DataTable)
        assert "✓" not in status_of(board, key)

        broken["now"] = True
        await wait_until(pilot, lambda: "Catching up" in titles(app), "the catching-up notice")
        out = await run_script(CHECK_IN, demo_path, str(person_id), code, NOW.isoformat())
        assert out in ("ok", "late")
        await wait_until(pilot, lambda: broken["calls"] >= 3, "several failed reads")
        assert "✓" not in status_of(board, key)  # the reader really is down
        assert titles(app).count("Catching up") == 1  # said once, not once per retry

        broken["now"] = False
        await wait_until(pilot, lambda: "Caught up" in titles(app), "the caught-up notice", 15)
        await wait_until(pilot, lambda: "✓" in status_of(board, key), "the missed check-in", 5)
        assert app.is_running


async def test_a_person_renamed_in_another_process_is_renamed_on_the_open_board(
    demo_path: str, db: sqlite_utils.Database
) -> None:
    key, person_id, _ = waiting_arrival(db)
    app = make_app(demo_path, follow=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5")
        await settle(pilot)
        board = app.screen.query_one("#arrivals", DataTable)
        await run_script(RENAME, demo_path, str(person_id), "Renamed Elsewhere")
        written = time.monotonic()
        while "Renamed Elsewhere" not in str(board.get_row(key)[1]):
            assert time.monotonic() - written < 2.0, "the board still shows the old name"
            await asyncio.sleep(0.05)


async def test_a_bug_in_a_worker_is_a_notification_and_a_log_line_not_a_crash(
    demo_path: str, tui_log: Path
) -> None:
    def broken_query(_: sqlite_utils.Database) -> None:
        raise KeyError("a bug, not a domain error")

    app = make_app(demo_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DbWork)
        screen.fetch("bug", broken_query, lambda _: None)
        await settle(pilot)
        await wait_until(pilot, lambda: "Could not do that" in titles(app), "the notification")
        message = next(n.message for n in app._notifications if n.title == "Could not do that")
        assert "KeyError" in message and str(tui_log) in message
        assert app.is_running
    logged = tui_log.read_text()
    assert "Traceback" in logged and "a bug, not a domain error" in logged
