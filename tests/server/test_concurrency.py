"""Idempotency by nonce under concurrent replays: separate processes, and real uvicorn servers."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest

from schema import links
from schema.checkins import CheckinRequest, check_in
from schema.store.connection import connect
from tests.live_server import serving
from tests.server.conftest import NOW, World

REPLAYS = 8
ROOT = Path(__file__).resolve().parents[2]


def count_checkins(path: Path) -> int:
    db = connect(path, migrate_schema=False)
    try:
        return db.execute("SELECT count(*) FROM checkins").fetchone()[0]
    finally:
        db.conn.close()


def _replay(path: str, session: str, code: str, barrier: Any, out: Any) -> None:
    """One process: its own connection, released at the same moment as the others."""
    db = connect(path, migrate_schema=False)
    barrier.wait()
    answer = check_in(db, session, CheckinRequest(code=code, nonce="same-nonce-123"), now=NOW)
    out.put(msgspec.json.encode(answer))
    db.conn.close()


def test_same_nonce_from_many_processes_is_stored_once(world: World) -> None:
    db = connect(world.path, migrate_schema=False)
    _, session = links.exchange_link(db, world.tokens["alice"], now=NOW)
    db.conn.close()
    ctx = multiprocessing.get_context("spawn")
    barrier, out = ctx.Barrier(REPLAYS), ctx.Queue()
    workers = [
        ctx.Process(
            target=_replay, args=(str(world.path), session, world.codes["stage"], barrier, out)
        )
        for _ in range(REPLAYS)
    ]
    for worker in workers:
        worker.start()
    answers = [out.get(timeout=60) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
        assert worker.exitcode == 0
    assert len(set(answers)) == 1
    assert msgspec.json.decode(answers[0])["result"] == "ok"
    assert count_checkins(world.path) == 1


# --- real servers -------------------------------------------------------------------------------


@pytest.fixture
def servers(world: World) -> Iterator[list[str]]:
    """Two uvicorn processes on one production file, started as `callboard serve` does."""
    with serving(world.path) as first, serving(world.path) as second:
        yield [first, second]


def test_same_nonce_against_real_servers_is_stored_once(world: World, servers: list[str]) -> None:
    # Real servers run on the real clock: a link issued at the pinned NOW would expire one day.
    db = connect(world.path, migrate_schema=False)
    token = links.issue_link(db, world.people["alice"]).url.rsplit("/", 1)[1]
    db.conn.close()
    session = httpx.post(f"{servers[0]}/api/session", json={"token": token})
    assert session.status_code == 200
    assert session.headers["date"]  # the PWA shows it as "saved at" when offline
    cookie = {"Cookie": f"callboard_session={session.cookies['callboard_session']}"}
    body = {"code": world.codes["stage"], "nonce": "same-nonce-http", "queued": True}

    def replay(index: int) -> dict[str, Any]:
        base = servers[index % len(servers)]
        response = httpx.post(f"{base}/api/checkins", json=body, headers=cookie, timeout=30)
        assert response.status_code == 200, response.text
        return response.json()

    with ThreadPoolExecutor(max_workers=2 * REPLAYS) as pool:
        answers = list(pool.map(replay, range(2 * REPLAYS)))
    assert all(answer == answers[0] for answer in answers)
    assert answers[0]["replayed"] is True
    assert count_checkins(world.path) == 1
