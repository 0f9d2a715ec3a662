"""The status line says how far behind the replica is; past a minute it is a problem shown in
red with a notification. Hidden while the production is not replicated."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import msgspec

from schema.store.replica import StatusFile, status_path
from tests.tui.conftest import NOW, make_app, settle, wait_until
from tui.widgets.replica import ReplicaLine


def write_status(path: str, synced_ago: timedelta) -> None:
    status = StatusFile(
        url="file:///srv/replica",
        pid=1,
        started_at=NOW - timedelta(hours=2),
        checked_at=NOW - timedelta(seconds=1),
        synced_at=NOW - synced_ago,
    )
    status_path(path).write_bytes(msgspec.json.encode(status))


async def test_hidden_when_not_replicated(demo_path: str) -> None:
    app = make_app(demo_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert not app.screen.query_one(ReplicaLine).display


async def test_up_to_date_then_behind(demo_path: str) -> None:
    write_status(demo_path, timedelta(seconds=1))
    app = make_app(demo_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        line = app.screen.query_one(ReplicaLine)
        assert line.display
        assert str(line.render()) == "Replica: up to date -> file:///srv/replica"
        assert not line.has_class("-problem")
        assert not app._notifications

        write_status(demo_path, timedelta(minutes=4))
        await wait_until(pilot, lambda: line.has_class("-problem"), "the line to turn red", 6)
        assert str(line.render()) == "Replica: 4 min behind -> file:///srv/replica"
        assert [n.title for n in app._notifications] == ["Replica behind"]
        await pilot.press("2")  # every view shows it
        await settle(pilot)
        other = app.screen.query_one(ReplicaLine)
        await wait_until(pilot, lambda: other.has_class("-problem"), "the other view's line", 6)
        assert len(app._notifications) == 1  # told once, not once per view
    Path(status_path(demo_path)).unlink()


async def test_the_problems_view_lists_a_replica_behind_and_drops_it_when_caught_up(
    demo_path: str,
) -> None:
    from tui.screens.problems import ProblemsScreen

    write_status(demo_path, timedelta(seconds=1))
    app = make_app(demo_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ProblemsScreen)

        def listed() -> bool:
            return any(p.kind == "replica_behind" for p in screen.found)

        assert not listed()
        write_status(demo_path, timedelta(minutes=4))
        await wait_until(pilot, listed, "the replica to be listed", 8)
        write_status(demo_path, timedelta(seconds=1))
        await wait_until(pilot, lambda: not listed(), "the replica to leave the list", 8)
    Path(status_path(demo_path)).unlink()
