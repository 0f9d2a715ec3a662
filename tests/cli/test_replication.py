"""Replication with Litestream, with real processes: a crash under load and a restore, a restore
to a moment between two events, and a restore that refuses to overwrite.

Litestream turns the WAL into LTX files every second and uploads them every second, so a
check-in answered more than LOSS_WINDOW_S before the crash must be in the replica."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import msgspec
import pytest

from schema import demo, directory, links, production
from schema.directory import PersonIn
from schema.errors import CallboardError
from schema.store.connection import connect
from schema.store.replica import Replicator, StatusFile, read_status, restore, status_path
from tests.cli.conftest import Run
from tests.cli.test_commands import one_error_line
from tests.live_server import free_port, wait_until_up

ROOT = Path(__file__).resolve().parents[2]
# Litestream's WAL poll (1 s) + its upload interval (1 s): a check-in answered earlier than this
# before the crash must have reached the replica. (Measured: only those answered in the last
# ~1.0 s were lost; see docs/replication.md.)
LOSS_WINDOW_S = 2.0
LOAD_SECONDS = 6.0
PHONES = 40
THREADS = 4


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("replication") / "demo.db"
    db = connect(path)
    demo.build(db, size="small", seed=7)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    return path


@pytest.fixture
def prod(demo_file: Path, tmp_path: Path) -> Path:
    target = tmp_path / "production.db"
    source, copy = sqlite3.connect(demo_file), sqlite3.connect(target)
    source.backup(copy)
    source.close()
    copy.close()
    return target


def phones(path: Path, count: int) -> list[tuple[str, str]]:
    """(device session, location code) for people called today, each a phone of its own."""
    db = connect(path)
    try:
        today = production.local_now(production.get(db)).date().isoformat()
        rows = db.execute(
            "SELECT c.person_id, l.code FROM calls c JOIN days d ON d.id = c.day_id"
            " JOIN locations l ON l.id = d.location_id WHERE d.date = ? LIMIT ?",
            [today, count],
        ).fetchall()
        found = []
        for person_id, code in rows:
            token = links.issue_link(db, person_id).url.rsplit("/", 1)[1]
            found.append((links.exchange_link(db, token)[1], code))
        return found
    finally:
        db.conn.close()


def wait_for_replica(path: Path, timeout: float = 30) -> None:
    """Until the replicating process reports a first sync to the replica."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if read_status(path, datetime.now(UTC)).synced_at is not None:
            return
        time.sleep(0.2)
    raise TimeoutError("the replica never caught up")


def litestream_children(pid: int) -> list[int]:
    """The litestream processes started by `pid` (Linux /proc)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            if Path(f"/proc/{child}/comm").read_text().strip() == "litestream":
                found.append(int(child))
    return found


def _config_of(pid: int) -> Path:
    arguments = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    return Path(arguments[arguments.index(b"-config") + 1].decode())


@pytest.fixture
def server_with_replica(
    prod: Path, tmp_path: Path
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """`callboard serve --replicate FOLDER` as a deployment runs it: one process, Litestream
    its child."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLBOARD_")}
    command = [sys.executable, "-m", "cli", "--db", str(prod), "serve", "--port", str(port)]
    command += ["--quiet", "--replicate", str(tmp_path / "replica")]
    with open(tmp_path / "server.log", "wb") as log:
        server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_up(f"http://127.0.0.1:{port}", server)
        yield server, f"http://127.0.0.1:{port}"
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def test_crash_under_load_loses_nothing_older_than_a_sync(
    prod: Path, tmp_path: Path, server_with_replica: tuple[subprocess.Popen[bytes], str]
) -> None:
    server, base = server_with_replica
    sessions = phones(prod, PHONES)
    assert len(sessions) >= THREADS
    wait_for_replica(prod)
    answered: list[tuple[str, float]] = []  # (nonce, when its success answer arrived)
    sent: set[str] = set()
    lock = threading.Lock()
    crashed = threading.Event()

    def phone(share: list[tuple[str, str]]) -> None:
        with httpx.Client(base_url=base, timeout=10) as client:
            for i in range(10_000):  # bounded; the crash ends it long before
                if crashed.is_set():
                    return
                token, code = share[i % len(share)]
                nonce = f"crash-{secrets.token_hex(8)}"
                with lock:
                    sent.add(nonce)
                try:
                    answer = client.post(
                        "/api/checkins",
                        json={"code": code, "nonce": nonce},
                        headers={"Cookie": f"callboard_session={token}"},
                    )
                except httpx.HTTPError:
                    return  # the server died mid-request: no answer, no promise
                if answer.status_code == 200:
                    with lock:
                        answered.append((nonce, time.monotonic()))
                time.sleep(0.01)

    threads = [threading.Thread(target=phone, args=(sessions[i::THREADS],)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    time.sleep(LOAD_SECONDS)
    replicas = litestream_children(server.pid)
    assert replicas, "serve --replicate runs litestream as its child"
    configs = [_config_of(pid) for pid in replicas]  # its private folder: nobody left to clean it
    crash_at = time.monotonic()
    for pid in replicas:  # Litestream first: killed with the server it would get a clean SIGTERM
        os.kill(pid, signal.SIGKILL)
    os.kill(server.pid, signal.SIGKILL)
    crashed.set()
    server.wait()
    for thread in threads:
        thread.join(timeout=15)

    for config in configs:
        shutil.rmtree(config.parent)
    restored = tmp_path / "restored.db"
    result = restore(str(tmp_path / "replica"), restored)
    assert result.integrity == "ok"
    conn = sqlite3.connect(restored)
    stored = {r[0] for r in conn.execute("SELECT nonce FROM checkins WHERE nonce LIKE 'crash-%'")}
    promised = {nonce for nonce, at in answered if at < crash_at - LOSS_WINDOW_S}
    assert len(promised) > 50, "the load ran long enough to mean something"
    assert promised <= stored, f"lost {len(promised - stored)} answered check-ins"
    assert stored <= sent  # nothing invented
    # Every restored check-in has its event (one transaction), and the ids are dense (restore).
    events = conn.execute(
        "SELECT count(*) FROM events WHERE kind = 'checkin.recorded'"
        " AND json_extract(data, '$.checkin_id') IN"
        " (SELECT id FROM checkins WHERE nonce LIKE 'crash-%')"
    ).fetchone()[0]
    assert events == len(stored)


def add_person(path: Path, name: str) -> None:
    db = connect(path)
    try:
        directory.add_person(db, PersonIn(name=name, department="Camera", role="Loader"))
    finally:
        db.conn.close()


def names(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM people")}
    finally:
        conn.close()


def test_point_in_time_restore_between_two_events(prod: Path, tmp_path: Path, run: Run) -> None:
    replica = tmp_path / "replica"
    with open(tmp_path / "litestream.log", "wb") as log, Replicator(prod, str(replica), log=log):
        wait_for_replica(prod)
        add_person(prod, "Before Thecut")
        time.sleep(2.5)  # LTX files carry the second Litestream read the WAL, within ~1 s
        between = datetime.now(UTC)
        time.sleep(2.5)
        add_person(prod, "After Thecut")
        time.sleep(3.0)  # a poll and an upload
    as_then = tmp_path / "then.db"
    result = run(
        "--db", as_then, "restore", "--from", replica.as_uri(), "--at", between.isoformat()
    )
    assert result.code == 0, result.err
    assert "integrity ok" in result.out
    assert "Before Thecut" in names(as_then)
    assert "After Thecut" not in names(as_then)
    latest = tmp_path / "latest.db"
    assert run("--db", latest, "restore", "--from", replica).code == 0
    assert {"Before Thecut", "After Thecut"} <= names(latest)
    too_early = run("--db", tmp_path / "x.db", "restore", "--from", replica, "--at", "2020-01-01")
    assert "the replica begins at" in one_error_line(too_early.err)
    after = run("--db", tmp_path / "later.db", "restore", "--from", replica, "--at", "2099-01-01")
    assert after.code == 0, after.err
    assert "Note: nothing was replicated after" in after.out
    assert {"Before Thecut", "After Thecut"} <= names(tmp_path / "later.db")
    assert status_path(prod).is_file()  # the replicating process left its last word
    assert read_status(prod, datetime.now(UTC)).state == "stopped"


def test_restore_refuses_to_overwrite(prod: Path, tmp_path: Path, run: Run) -> None:
    replica = tmp_path / "replica"
    with Replicator(prod, str(replica), log=subprocess.DEVNULL):
        wait_for_replica(prod)
    precious = tmp_path / "precious.db"
    precious.write_text("precious")
    result = run("--db", precious, "restore", "--from", replica)
    assert result.code == 1
    assert "already exists" in one_error_line(result.err)
    assert precious.read_text() == "precious"
    with pytest.raises(Exception, match="already exists"):
        restore(str(replica), prod)
    assert [p.name for p in tmp_path.iterdir() if ".restore-" in p.name] == []  # no temp left
    fresh = tmp_path / "fresh.db"
    assert restore(str(replica), fresh).events == names_count_events(prod)


def names_count_events(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM events").fetchone()[0])
    finally:
        conn.close()


def test_status_says_how_far_behind(prod: Path, tmp_path: Path, run: Run) -> None:
    result = run("--db", prod, "status")
    assert result.code == 0
    assert "Replica: not replicated" in result.out
    with Replicator(prod, str(tmp_path / "replica"), log=subprocess.DEVNULL):
        wait_for_replica(prod)
        result = run("--db", prod, "status")
        assert result.code == 0, result.out
        assert "Replica: up to date" in result.out
        assert "replica" not in run("--db", prod, "problems").out
    stale = status_path(prod).read_text().replace('"stopped_at":"20', '"stopped_at":"19')
    status_path(prod).write_text(stale.replace('"synced_at":"20', '"synced_at":"19'))
    result = run("--db", prod, "status")
    assert result.code == 3  # a replica more than a minute behind is a problem
    assert "replication stopped" in result.out
    listed = run("--db", prod, "problems").out
    assert "replica behind" in listed
    assert "replication stopped" in listed and "exist only on this machine" in listed


def test_a_killed_litestream_is_restarted(prod: Path, tmp_path: Path) -> None:
    with Replicator(prod, str(tmp_path / "replica"), log=subprocess.DEVNULL) as replicator:
        wait_for_replica(prod)
        with pytest.raises(CallboardError, match="already being replicated"):
            Replicator(prod, str(tmp_path / "elsewhere"))
        first = replicator.child
        assert first is not None
        first.kill()
        deadline = time.monotonic() + 20
        seen_error = False
        while time.monotonic() < deadline:
            status = status_file(prod)
            seen_error = seen_error or status.error.startswith("litestream exited")
            if seen_error and replicator.child is not first and not status.error:
                break
            time.sleep(0.2)
        assert seen_error, "the death was reported"
        second = replicator.child
        assert second is not None and second is not first and second.poll() is None
        add_person(prod, "After Restart")
        time.sleep(3.0)
    restored = tmp_path / "restored.db"
    restore(str(tmp_path / "replica"), restored)
    assert "After Restart" in names(restored)


def status_file(path: Path) -> StatusFile:
    return msgspec.json.decode(status_path(path).read_bytes(), type=StatusFile)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_replicate_stops_cleanly_on_a_signal(prod: Path, tmp_path: Path, signum: int) -> None:
    """`callboard replicate` as a real process: one signal stops Litestream and the process,
    and the status file says so."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLBOARD_")}
    command = [sys.executable, "-m", "cli", "--db", str(prod), "replicate", "--to"]
    with open(tmp_path / "replicate.log", "wb") as log:
        process = subprocess.Popen(
            [*command, str(tmp_path / "replica")],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_replica(prod)
        children = litestream_children(process.pid)
        assert len(children) == 1
        time.sleep(0.7)  # mid-way between two of its checks
        process.send_signal(signum)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
    assert not Path(f"/proc/{children[0]}").exists()
    assert status_file(prod).stopped_at is not None
