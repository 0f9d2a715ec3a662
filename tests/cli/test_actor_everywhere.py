"""Every command that changes something records who ran it (`--as NAME`), not the generic
coordinator: vendors, paperwork, marks, meals, wraps, publishing, stock and the plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from schema.store.connection import connect
from tests.cli.conftest import Prod, Run
from tests.cli.test_reports import today


def last_event_id(path: Path) -> int:
    db = connect(path)
    try:
        return int(db.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0])
    finally:
        db.conn.close()


def actors_since(path: Path, after: int) -> list[tuple[str, str]]:
    db = connect(path)
    try:
        return db.execute(
            "SELECT kind, actor FROM events WHERE id > ? ORDER BY id", [after]
        ).fetchall()
    finally:
        db.conn.close()


def run_as(run: Run, path: Path, who: str, *args: str | int) -> list[tuple[str, str]]:
    """Run one command as `who`; the events it recorded, each (kind, actor)."""
    before = last_event_id(path)
    result = run("--db", path, "--as", who, *[str(a) for a in args])
    assert result.code == 0, result.err
    recorded = actors_since(path, before)
    assert recorded, f"{args}: recorded no event"
    return recorded


def test_film_commands_record_who_ran_them(run: Run, prod: Prod) -> None:
    on = today(prod)
    commands: list[tuple[str | int, ...]] = [
        ("vendors", "add", "Harbour Generators", "--service", "generators"),
        ("paperwork", "kind", "hot work permit", "--expires"),
        ("paperwork", "require", "hot work permit", "vendor"),
        ("mark", on, "--person", prod.ben, "absent", "--reason", "flu"),
        ("meal", on, "--at", "12:00", "--minutes", "45"),
        ("wrap", on, "--at", "22:30"),
        ("publish", on),
    ]
    for args in commands:
        recorded = run_as(run, prod.path, "Priya", *args)
        assert {actor for _, actor in recorded} == {"Priya"}, (args, recorded)


@pytest.fixture
def plant(run: Run, tmp_path: Path) -> Path:
    path = tmp_path / "plant.db"
    assert run("--db", path, "demo", "--kind", "manufacturing").code == 0
    return path


def test_stock_and_plan_commands_record_who_ran_them(run: Run, plant: Path) -> None:
    commands: list[tuple[str | int, ...]] = [
        ("stock", "receive", 5, 200, "--to", "Materials store"),
        ("plan", "start", 4),
        ("plan", "advance", 4),
        ("plan", "advance", 4),
        ("plan", "advance", 4),  # finished
        ("plan", "ship", 4, "--carrier", "DHL"),
    ]
    for args in commands:
        recorded = run_as(run, plant, "Priya", *args)
        assert {actor for _, actor in recorded} == {"Priya"}, (args, recorded)
