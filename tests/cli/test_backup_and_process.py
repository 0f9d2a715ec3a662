"""`callboard backup` under a concurrent writer, and `callboard` run as a real process."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from schema.store.connection import connect
from tests.cli.conftest import BASE, Prod, Run
from tests.cli.test_commands import one_error_line

ROOT = Path(__file__).resolve().parents[2]

# Writes check-ins and links on the production file as fast as it can, for a bounded time.
WRITER = textwrap.dedent(
    """
    import sys, time
    from schema import checkins, directory, links
    from schema.store.connection import connect
    path, person_id, code, seconds = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
    db = connect(path)
    person = directory.get_person(db, person_id)
    print("ready", flush=True)
    end, n = time.monotonic() + seconds, 0
    while time.monotonic() < end:
        n += 1
        request = checkins.CheckinRequest(code=code, nonce=f"writer-{n:08d}")
        checkins.check_in_person(db, person, request)
        links.issue_link(db, person_id)
    print(n, flush=True)
    """
)


def test_backup_makes_a_copy(run: Run, prod: Prod, tmp_path: Path) -> None:
    dest = tmp_path / "copy.db"
    result = run("--db", prod.path, "backup", dest)
    assert result.code == 0, result.err
    assert "Backed up" in result.out
    copy = sqlite3.connect(dest)
    assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
    assert copy.execute("SELECT name FROM production").fetchone()[0] == "Test Picture"
    assert not Path(f"{dest}-wal").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp left


def test_backup_refuses_to_overwrite(run: Run, prod: Prod, tmp_path: Path) -> None:
    dest = tmp_path / "exists.db"
    dest.write_text("precious")
    result = run("--db", prod.path, "backup", dest)
    assert result.code == 1
    assert "already exists" in one_error_line(result.err)
    assert dest.read_text() == "precious"


def test_backup_bad_places(run: Run, prod: Prod, tmp_path: Path) -> None:
    result = run("--db", prod.path, "backup", tmp_path / "no" / "such" / "dir.db")
    assert "does not exist" in one_error_line(result.err)
    result = run("--db", tmp_path / "absent.db", "backup", tmp_path / "x.db")
    assert "no production file" in one_error_line(result.err)
    assert not (tmp_path / "x.db").exists()


def test_backup_while_another_process_writes(prod: Prod, tmp_path: Path) -> None:
    """Copies taken mid-write open cleanly and every check-in has its event (one moment)."""
    from schema.store.backup import backup

    code = (
        connect(prod.path)
        .execute("SELECT code FROM locations WHERE id = ?", [prod.stage])
        .fetchone()[0]
    )
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(prod.path), str(prod.ada), code, "2.5"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "ready"
        seen: list[int] = []
        for i in range(5):
            time.sleep(0.3)
            result = backup(prod.path, tmp_path / f"copy-{i}.db")
            copy = sqlite3.connect(result.path)
            assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            checkins, recorded = copy.execute(
                "SELECT (SELECT count(*) FROM checkins),"
                " (SELECT count(*) FROM events WHERE kind = 'checkin.recorded')"
            ).fetchone()
            links_made, issued = copy.execute(
                "SELECT (SELECT count(*) FROM personal_links),"
                " (SELECT count(*) FROM events WHERE kind = 'link.issued')"
            ).fetchone()
            assert checkins == recorded and links_made == issued
            seen.append(checkins)
            copy.close()
        written = int(writer.communicate(timeout=30)[0].strip())
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    assert writer.returncode == 0
    assert written > 10
    assert seen == sorted(seen) and seen[-1] > seen[0]  # the writer really ran during the copies


def _callboard() -> list[str]:
    script = Path(sys.executable).parent / "callboard"
    return [str(script)] if script.exists() else [sys.executable, "-m", "cli"]


def test_entry_point_as_a_real_process(prod: Prod) -> None:
    env = {**os.environ, "CALLBOARD_DB": str(prod.path)}
    done = subprocess.run(
        [*_callboard(), "locations", "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert all(r["checkin_url"].startswith(f"{BASE}/l/") for r in json.loads(done.stdout))


def test_errors_from_a_real_process_are_one_line(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cli", "--db", str(tmp_path / "none.db"), "problems"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith("callboard: error: no production file")


@pytest.mark.parametrize("args", [["--help"], ["problems", "--help"]])
def test_help_from_a_real_process(args: list[str]) -> None:
    done = subprocess.run(
        [*_callboard(), *args], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.returncode == 0
    assert "usage: callboard" in done.stdout
