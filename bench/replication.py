"""Check-in throughput with replication off and on, in the same run (`run(path) -> rows`).

Each side gets its own copy of the large demo and its own crew server (a real uvicorn process);
the "on" side also runs Litestream replicating to a local folder, as `callboard serve
--replicate` does. While phones check in, a coordinator thread writes as the TUI does (its own
connection, BEGIN IMMEDIATE, the 10 s busy timeout) and counts "database is locked" errors; a
sampler records the WAL's size and the replica's lag. Loopback only, bounded like bench/server.py.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench import wrk
from bench.core import Row
from bench.server import _sessions, measure, serve_callboard

COORDINATOR_EVERY_S = 0.05


SECONDS = 8.0
CONNECTIONS = 10


@dataclass
class Side:
    rate: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    requests: int = 0
    error: str = ""
    desk_latencies: list[float] = field(default_factory=list)
    desk_locked: int = 0
    wal_max: int = 0
    lag_max: float = 0.0


def run(path: Path) -> list[Row]:
    print("Timing check-ins with replication off and on...", file=sys.stderr, flush=True)
    with tempfile.TemporaryDirectory(prefix="callboard-bench-replication-") as folder:
        off = _side(path, Path(folder) / "off", replicate=False)
        on = _side(path, Path(folder) / "on", replicate=True)
    return _rows("off", off) + _rows("on", on)


def _side(source: Path, folder: Path, *, replicate: bool) -> Side:
    from schema.store.replica import Replicator

    folder.mkdir()
    copy = folder / "server.db"
    shutil.copy(source, copy)
    sessions = _sessions(copy)
    side = Side()
    replica = (
        Replicator(copy, str(folder / "replica"), log=subprocess.DEVNULL) if replicate else None
    )
    with replica or nullcontext(), serve_callboard(copy) as served:
        if replicate:
            _wait_for_first_sync(copy)
        with _coordinator(copy, side), _sampler(copy, side, replicate=replicate):
            # The same wrk load as the main table: a live session and a fresh nonce each time.
            script = wrk.checkin_script(sessions, seed=23 if replicate else 22)
            load = measure(
                served, "/api/checkins", script, seconds=SECONDS, connections=CONNECTIONS
            )
    result = load.result
    side.rate, side.requests = result.rate, result.requests
    side.p50_ms, side.p99_ms, side.max_ms = result.p50_ms, result.p99_ms, result.max_ms
    if result.errors:  # a non-2xx answer or a socket error: reported, not hidden
        side.error = f"{result.errors} errors in {result.requests} requests"
    return side


def _wait_for_first_sync(path: Path) -> None:
    from schema.store.replica import read_status

    deadline = time.monotonic() + 60
    while read_status(path, datetime.now(UTC)).synced_at is None:
        if time.monotonic() > deadline:
            raise TimeoutError("the replica never caught up")
        time.sleep(0.2)


@contextmanager
def _coordinator(path: Path, side: Side) -> Iterator[None]:
    """Writes as the TUI does, beside the server: a link re-issued every 50 ms."""
    from schema import links
    from schema.store.connection import connect

    stop = threading.Event()

    def desk() -> None:
        db = connect(path)
        person_id = db.execute("SELECT min(id) FROM people").fetchone()[0]
        try:
            while not stop.wait(COORDINATOR_EVERY_S):
                start = time.perf_counter()
                try:
                    links.issue_link(db, person_id)
                except sqlite3.OperationalError:
                    side.desk_locked += 1
                side.desk_latencies.append(time.perf_counter() - start)
        finally:
            db.conn.close()

    thread = threading.Thread(target=desk)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


@contextmanager
def _sampler(path: Path, side: Side, *, replicate: bool) -> Iterator[None]:
    """The WAL's size and (with replication) the replica's lag, every 0.2 s."""
    from schema.store.replica import read_status

    stop = threading.Event()
    wal = Path(f"{path}-wal")

    def sample() -> None:
        while not stop.wait(0.2):
            side.wal_max = max(side.wal_max, wal.stat().st_size if wal.exists() else 0)
            if replicate:
                lag = read_status(path, datetime.now(UTC)).lag_seconds or 0.0
                side.lag_max = max(side.lag_max, lag)

    thread = threading.Thread(target=sample)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _rows(label: str, side: Side) -> list[Row]:
    name = f"check-in, replication {label}"
    if side.error:
        return [Row(name=name, value=f"failed: {side.error}")]
    desk = sorted(side.desk_latencies)
    rows = [
        Row(name=f"{name} throughput (wrk)", value=f"{side.rate:.0f} req/s", runs=side.requests),
        Row(
            name="  latency p50 / p99 / max",
            value=f"{side.p50_ms:.1f} / {side.p99_ms:.1f} / {side.max_ms:.0f} ms",
        ),
        Row(
            name="  coordinator writes beside it: max / locked",
            value=f"{desk[-1] * 1000:.0f} ms / {side.desk_locked}" if desk else "none",
            runs=len(desk),
        ),
        Row(name="  largest WAL", value=f"{side.wal_max / 1024 / 1024:.1f} MB"),
    ]
    if label == "on":
        rows.append(Row(name="  replica lag, worst seen", value=f"{side.lag_max:.1f} s"))
    return rows
