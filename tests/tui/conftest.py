"""The small demo production with a pinned clock, built once and copied for each test."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import sqlite_utils
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable

from schema import demo
from schema.store.connection import connect
from tui.app import CallboardApp

TODAY = date(2026, 12, 1)
BUILT_AT = datetime(
    2026, 12, 1, 7, 10, tzinfo=UTC
)  # 07:10 in London: the main unit's call is 07:00
NOW = datetime(2026, 12, 1, 7, 40, tzinfo=UTC)


def clock() -> datetime:
    return NOW


@pytest.fixture(scope="session")
def built_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "small.db"
    db = connect(path)
    demo.build(db, size="small", seed=7, today=TODAY, now=BUILT_AT)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    return path


@pytest.fixture
def demo_path(built_demo: Path, tmp_path: Path) -> str:
    target = tmp_path / "production.db"
    shutil.copy(built_demo, target)
    return str(target)


@pytest.fixture
def db(demo_path: str) -> Iterator[sqlite_utils.Database]:
    """A second connection to the app's file: what another process would see and write."""
    connection = connect(demo_path)
    yield connection
    connection.conn.close()


def make_app(path: str, *, follow: bool = False) -> CallboardApp:
    return CallboardApp(path, today=TODAY, clock=clock, follow=follow)


async def settle(pilot: Pilot[None]) -> None:
    """Wait until every database worker (not the feed follower) is done and shown.

    A finished worker's result arrives as a message that may start the next worker (the days,
    then the selected day's calls): idle must hold for several rounds in a row, not just once.
    """
    quiet = 0
    for _ in range(400):
        await pilot.pause()
        busy = [w for w in pilot.app.workers if w.group == "db" and w.is_running]
        if busy:
            quiet = 0
            await pilot.app.workers.wait_for_complete(busy)
            continue
        if tables_pending(pilot.app):
            quiet = 0
            continue
        quiet += 1
        if quiet >= 3:
            await pilot.pause()
            return
    raise AssertionError("workers never settled")


def tables_pending(app: App[None]) -> bool:
    """A DataTable measures new rows on its next Idle event; until then its columns keep the
    header's width, so a screenshot taken in between shows every cell clipped. Textual has no
    public flag for this, hence the private attributes (checked by the snapshot tests)."""
    return any(
        table._require_update_dimensions or table._updated_cells
        for table in app.screen.query(DataTable)
    )


async def wait_until(
    pilot: Pilot[None], done: Callable[[], bool], what: str, timeout: float = 5.0
) -> None:
    """Poll `done` while the app runs (for work on timers: the palette, the change feed)."""
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.05)


async def fill(pilot: Pilot[None], text: str) -> None:
    """Replace the focused Input's text by typing, as a person would."""
    await pilot.press("end", "ctrl+u", *text)


@pytest.fixture(autouse=True)
def tui_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Each test's own log file: a failure's traceback lands here, never in the home folder."""
    import logging

    path = tmp_path / "tui.log"
    monkeypatch.setenv("CALLBOARD_TUI_LOG", str(path))
    yield path
    log = logging.getLogger("callboard.tui")
    for handler in [h for h in log.handlers if getattr(h, "callboard", False)]:
        log.removeHandler(handler)
        handler.close()
