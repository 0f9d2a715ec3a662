"""The replica's URL, config, lag judgement and the restored file's checks (no Litestream run;
tests/cli/test_replication.py runs the real thing)."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from schema.errors import CallboardError, InvalidInput
from schema.store.replica import (
    ReplicaState,
    Replicator,
    StatusFile,
    binary,
    check,
    config_text,
    judge,
    replica_url,
)

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_the_wheel_ships_a_litestream_that_runs() -> None:
    import subprocess

    version = subprocess.run([binary(), "version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("0.5.")


def test_urls(tmp_path: Path) -> None:
    assert replica_url(str(tmp_path / "r")) == (tmp_path / "r").as_uri()
    assert replica_url("s3://bucket/prod?endpoint=minio.local:9000") == (
        "s3://bucket/prod?endpoint=minio.local:9000"
    )
    for bad, says in [
        ("sftp://me:hunter2@host/backups", "no password"),
        ("ftp://host/x", "unsupported"),
        ("s3://bucket/$HOME", "'$'"),
        ("file://relative/path", "absolute"),
        ("/srv/my replica", "no ' '"),
    ]:
        with pytest.raises(InvalidInput, match=re.escape(says)):
            replica_url(bad)


def test_config_names_secrets_only_as_environment_variables(tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    text = config_text(db, "sftp://backup@host/callboard", tmp_path / "s.sock")
    config = json.loads(text)  # JSON is YAML: Litestream reads it as is
    replica = config["dbs"][0]["replica"]
    assert replica == {
        "url": "sftp://backup@host/callboard",
        "key-path": "${CALLBOARD_SFTP_KEY}",
        "host-key": "${CALLBOARD_SFTP_HOST_KEY}",
    }
    assert config["dbs"][0]["path"] == str(db.resolve())
    assert config["socket"] == {"enabled": True, "path": str(tmp_path / "s.sock")}
    s3 = json.loads(config_text(db, "s3://bucket/p", tmp_path / "s.sock"))
    assert s3["dbs"][0]["replica"] == {"url": "s3://bucket/p"}  # keys come from AWS_* itself


def test_sftp_without_a_host_key_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "p.db"
    sqlite3.connect(db).close()
    monkeypatch.setenv("CALLBOARD_SFTP_KEY", "/home/me/.ssh/id_ed25519")
    monkeypatch.delenv("CALLBOARD_SFTP_HOST_KEY", raising=False)
    with pytest.raises(InvalidInput, match="CALLBOARD_SFTP_HOST_KEY"):
        Replicator(db, "sftp://backup@host/callboard")


def status(**changes: object) -> StatusFile:
    base = StatusFile(
        url="file:///r",
        pid=1,
        started_at=NOW - timedelta(hours=1),
        checked_at=NOW - timedelta(seconds=1),
        synced_at=NOW - timedelta(seconds=1.5),
    )
    for key, value in changes.items():
        setattr(base, key, value)
    return base


def test_lag_judgement() -> None:
    ok = judge(status(), NOW)
    assert (ok.state, ok.message, ok.problem) == (ReplicaState.OK, "up to date", False)
    slow = judge(status(synced_at=NOW - timedelta(seconds=40)), NOW)
    assert (slow.state, slow.message, slow.problem) == (
        ReplicaState.OK,
        "40 s behind",
        False,
    )
    behind = judge(status(synced_at=NOW - timedelta(minutes=3), error="network down"), NOW)
    assert behind.state == ReplicaState.BEHIND
    assert behind.message == "3 min behind (network down)"
    assert behind.problem
    starting = judge(status(synced_at=None, started_at=NOW - timedelta(seconds=3)), NOW)
    assert (starting.state, starting.problem) == (ReplicaState.STARTING, False)
    never = judge(status(synced_at=None, started_at=NOW - timedelta(minutes=5)), NOW)
    assert (never.state, never.problem) == (ReplicaState.BEHIND, True)


def test_a_silent_replicating_process_is_stopped() -> None:
    killed = judge(
        status(checked_at=NOW - timedelta(seconds=20), synced_at=NOW - timedelta(seconds=21)),
        NOW,
    )
    assert killed.state == ReplicaState.STOPPED
    assert killed.message == "replication stopped 20 s ago; later changes are not replicated"
    assert not killed.problem  # not yet a minute of unreplicated changes
    later = judge(status(stopped_at=NOW - timedelta(minutes=2)), NOW + timedelta(minutes=2))
    assert (later.state, later.problem) == (ReplicaState.STOPPED, True)


def events_file(path: Path, ids: list[int], counter: int | None = None) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT)")
    for i in ids:
        conn.execute("INSERT INTO events (id, at) VALUES (?, ?)", [i, f"t{i}"])
    if counter is not None:
        conn.execute("UPDATE sqlite_sequence SET seq = ? WHERE name = 'events'", [counter])
    conn.commit()
    conn.close()
    return path


def test_continuity(tmp_path: Path) -> None:
    assert check(events_file(tmp_path / "ok.db", [1, 2, 3])) == ("ok", 3, "t3")
    assert check(events_file(tmp_path / "empty.db", [])) == ("ok", 0, None)
    with pytest.raises(CallboardError, match="2 missing, from id 3"):
        check(events_file(tmp_path / "gap.db", [1, 2, 5]))
    with pytest.raises(CallboardError, match="missing, from id 1"):
        check(events_file(tmp_path / "head.db", [2, 3]))
    with pytest.raises(CallboardError, match="counter is at 9"):
        check(events_file(tmp_path / "tail.db", [1, 2], counter=9))


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not sqlite at all" * 300)
    with pytest.raises(CallboardError, match="cannot be read"):
        check(junk)
