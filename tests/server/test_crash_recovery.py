"""SIGKILL the server in the middle of a check-in burst, restart it, let the phones retry with
their nonces (as the PWA's outbox does): every check-in that got a success answer is stored,
none twice, and each has exactly one event (issue #11).

Fast by default; CALLBOARD_LONG_TESTS=1 kills the server several times over a longer burst.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from schema import links
from schema.store.connection import connect
from tests.live_server import free_port, start, wait_until_up
from tests.server.conftest import World

LONG = os.environ.get("CALLBOARD_LONG_TESTS") == "1"
KILLS = 4 if LONG else 1
# Three phones; the per-session limit is 120 a minute (a 429 is waited out, as the outbox does).
PER_PHONE = 100 if LONG else 40


@dataclass
class Phone:
    session: str
    code: str
    nonces: list[str]
    answered: set[str] = field(default_factory=set)  # nonces that got a 200


def _phones(world: World) -> list[Phone]:
    db = connect(world.path, migrate_schema=False)
    try:
        found = []
        for who in world.people:
            _, session = links.exchange_link(db, world.tokens[who])
            nonces = [f"crash-{who}-{i:04d}" for i in range(PER_PHONE)]
            found.append(Phone(session, world.codes["stage"], nonces))
        return found
    finally:
        db.conn.close()


def _send(base: str, phone: Phone, nonce: str) -> bool:
    """One check-in; True when the server answered it with a success."""
    try:
        answer = httpx.post(
            f"{base}/api/checkins",
            json={"code": phone.code, "nonce": nonce},
            cookies={"callboard_session": phone.session},
            timeout=5,
        )
    except httpx.HTTPError:
        return False  # the connection died with the server: the outbox keeps it
    if answer.status_code == 429:
        time.sleep(float(answer.headers.get("retry-after", "1")))
        return _send(base, phone, nonce)
    if answer.status_code == 200 and answer.json()["result"]:
        phone.answered.add(nonce)
        return True
    return False


def _burst(base: str, phones: list[Phone], stop: threading.Event) -> None:
    def run(phone: Phone) -> None:
        for nonce in phone.nonces:
            if stop.is_set():
                return
            _send(base, phone, nonce)

    threads = [threading.Thread(target=run, args=(phone,)) for phone in phones]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)


def _stored(path: Path) -> tuple[list[str], list[tuple[int, int]]]:
    db = connect(path, migrate_schema=False)
    try:
        nonces = [row[0] for row in db.execute("SELECT nonce FROM checkins")]
        events = db.execute(
            "SELECT c.id, count(e.id) FROM checkins c LEFT JOIN events e"
            " ON e.kind = 'checkin.recorded' AND json_extract(e.data, '$.checkin_id') = c.id"
            " GROUP BY c.id"
        ).fetchall()
        return nonces, events
    finally:
        db.conn.close()


def test_a_killed_server_loses_no_answered_checkin_and_stores_none_twice(world: World) -> None:
    phones = _phones(world)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    for _ in range(KILLS):
        server = start(world.path, port=port)
        wait_until_up(base, server)
        stop = threading.Event()
        burst = threading.Thread(target=_burst, args=(base, phones, stop))
        burst.start()
        # Kill once the burst is well under way: some answered, many still to come.
        deadline = time.monotonic() + 30
        while sum(len(p.answered) for p in phones) < 15 and time.monotonic() < deadline:
            time.sleep(0.005)
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)
        stop.set()
        burst.join(timeout=60)
    answered_before = {n for p in phones for n in p.answered}
    assert answered_before, "the burst never got an answer before the kill"
    assert len(answered_before) < len(phones) * PER_PHONE, "the kill came after the burst"

    # Restart; every phone's outbox retries every nonce it holds (answered ones too: a phone
    # may have lost the answer in flight).
    server = start(world.path, port=port)
    try:
        wait_until_up(base, server)
        for phone in phones:
            for nonce in phone.nonces:
                assert _send(base, phone, nonce), nonce
    finally:
        server.terminate()
        server.wait(timeout=10)

    nonces, events = _stored(world.path)
    assert answered_before <= set(nonces)  # every success-answered check-in is stored
    assert len(nonces) == len(set(nonces)) == len(phones) * PER_PHONE  # none twice, none lost
    assert all(count == 1 for _, count in events)  # and each with its one event
