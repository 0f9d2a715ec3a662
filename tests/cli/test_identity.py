"""Who the CLI records as making each change (--as NAME, else the login name), exports that
show it, and `--read-only` handing the TUI a desk that changes nothing."""

from __future__ import annotations

import csv
import io
import sys
import types
from pathlib import Path

import pytest

from schema.store.connection import connect
from tests.cli.conftest import Prod, Run


def last_actor(path: Path, kind: str) -> str:
    db = connect(path)
    try:
        return str(
            db.execute(
                "SELECT actor FROM events WHERE kind = ? ORDER BY id DESC LIMIT 1", [kind]
            ).fetchone()[0]
        )
    finally:
        db.conn.close()


def test_as_names_who_changed_it_before_or_after_the_command(run: Run, prod: Prod) -> None:
    assert run("--db", prod.path, "--as", "Dana PM", "settings", "--name", "One").code == 0
    assert last_actor(prod.path, "production.updated") == "Dana PM"
    assert run("settings", "--db", prod.path, "--as", "eli", "--name", "Two").code == 0
    assert last_actor(prod.path, "production.updated") == "eli"
    assert run("--db", prod.path, "--as", "fay", "invite", "--person", prod.ada).code == 0
    assert last_actor(prod.path, "link.issued") == "fay"


def test_without_as_the_login_name_is_recorded(
    run: Run, prod: Prod, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "gina")
    assert run("--db", prod.path, "revoke", "--person", prod.ada).code == 0
    assert last_actor(prod.path, "access.revoked") == "gina"


def test_a_login_name_that_cannot_be_one_falls_back(
    run: Run, prod: Prod, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_user() -> str:
        raise OSError("no login name")

    monkeypatch.setattr("getpass.getuser", no_user)
    assert run("--db", prod.path, "settings", "--name", "Three").code == 0
    assert last_actor(prod.path, "production.updated") == "coordinator"


@pytest.mark.parametrize("bad", ["", "person:7", "x" * 41, "bell\a"])
def test_a_bad_as_is_a_usage_error_and_changes_nothing(run: Run, prod: Prod, bad: str) -> None:
    result = run("--db", prod.path, "--as", bad, "settings", "--name", "Nope")
    assert result.code == 2
    assert "--as" in result.err and "Traceback" not in result.err
    assert last_actor(prod.path, "production.created") != bad


def test_exports_show_who_made_each_change(run: Run, prod: Prod) -> None:
    assert run("--db", prod.path, "--as", "hal", "settings", "--name", "Four").code == 0
    audit = list(csv.DictReader(io.StringIO(run("--db", prod.path, "export", "audit").out)))
    assert audit[-1]["actor"] == "hal" and audit[-1]["kind"] == "production.updated"
    changes = run("--db", prod.path, "export", "changes", "--format", "json")
    assert changes.code == 0 and changes.out.startswith("[")


def test_read_only_hands_the_tui_a_read_only_desk_and_writes_nothing(
    run: Run, prod: Prod, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[tuple[str, dict[str, object]]] = []
    fake = types.ModuleType("tui.app")
    fake.run = lambda path, **options: opened.append((path, options))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tui.app", fake)
    before = prod.path.stat().st_mtime_ns
    assert run("--db", prod.path, "--read-only", "--as", "ivy").code == 0
    assert run("tui", "--db", prod.path, "--read-only").code == 0
    assert opened == [
        (str(prod.path), {"actor": "ivy", "read_only": True}),
        (str(prod.path), {"read_only": True}),
    ]
    assert prod.path.stat().st_mtime_ns == before
    missing = run("--db", prod.path.parent / "none.db", "--read-only")
    assert missing.code == 1 and "no production file" in missing.err


def test_bulk_previews_unless_yes_then_records_who(run: Run, prod: Prod) -> None:
    db = connect(prod.path)
    try:
        (on,) = db.execute("SELECT date FROM days WHERE id = ?", [prod.day]).fetchone()
        events_before = db.execute("SELECT count(*) FROM events").fetchone()[0]
    finally:
        db.conn.close()
    preview = run(
        "--db", prod.path, "bulk", "shift", "--date", on, "--department", "gr", "--minutes", "30"
    )
    assert preview.code == 0
    assert "Grip on Main unit" in preview.out and "Ada Grip" in preview.out
    assert "your call moved from" in preview.out and "Nothing written" in preview.out
    db = connect(prod.path)
    try:
        assert db.execute("SELECT count(*) FROM events").fetchone()[0] == events_before
    finally:
        db.conn.close()
    done = run(
        "--db",
        prod.path,
        "--as",
        "kim",
        "bulk",
        "shift",
        "--date",
        on,
        "--department",
        "Grip",
        "--minutes",
        "30",
        "--yes",
    )
    assert done.code == 0 and "1 person" in done.out
    assert last_actor(prod.path, "call.updated") == "kim"
    missing = run("--db", prod.path, "bulk", "copy", "--date", on)
    assert missing.code == 1 and "--from" in missing.err
