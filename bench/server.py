"""The crew server on the large demo: check-in throughput and the crew page's first load.

A real uvicorn process serves a copy of the large demo; client threads in this process post
check-ins for people called today, each from their own device session (the rate limit is per
session). The load is bounded in count and time and goes to loopback only. The client shares
the machine's two cores with the server, so the numbers are a floor, not a ceiling.
"""

from __future__ import annotations

import secrets
import shutil
import statistics
import sys
import tempfile
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

import httpx

from bench.core import Row
from tests.live_server import serving

ROOT = Path(__file__).resolve().parent.parent
SESSIONS = 300
THREADS = 8
MAX_REQUESTS = 4000
MAX_SECONDS = 15.0
FIRST_LOAD_LIMIT = 30 * 1024


def _sessions(path: Path) -> list[tuple[str, str]]:
    """(session token, location code) for people called today, made through the core."""
    from schema import links, production
    from schema.store.connection import connect

    db = connect(path)
    try:
        today = production.local_now(production.get(db)).date().isoformat()
        rows = db.execute(
            "SELECT c.person_id, l.code FROM calls c JOIN days d ON d.id = c.day_id"
            " JOIN locations l ON l.id = d.location_id WHERE d.date = ? LIMIT ?",
            [today, SESSIONS],
        ).fetchall()
        found = []
        for person_id, code in rows:
            token = links.issue_link(db, person_id).url.rsplit("/", 1)[1]
            found.append((links.exchange_link(db, token)[1], code))
        return found
    finally:
        db.conn.close()


def _load(
    base: str, sessions: list[tuple[str, str]], *, replay: bool = False, health: bool = False
) -> tuple[float, list[float]]:
    """Requests per second and each request's latency; `replay` resends one nonce each, and
    `health` asks GET /api/health instead: the same client against a handler that does no
    work, which shows how much of the check-in figure is the harness itself."""
    latencies: list[float] = []
    lock = threading.Lock()
    budget = iter(range(MAX_REQUESTS))
    stop_at = time.monotonic() + MAX_SECONDS

    def worker(share: list[tuple[str, str]]) -> None:
        with httpx.Client(base_url=base, headers={"Content-Type": "application/json"}) as client:
            nonces = {token: secrets.token_hex(12) for token, _ in share}
            for i in budget:
                if time.monotonic() > stop_at:
                    return
                token, code = share[i % len(share)]
                nonce = nonces[token] if replay else secrets.token_hex(12)
                start = time.perf_counter()
                answer = (
                    client.get("/api/health")
                    if health
                    else client.post(
                        "/api/checkins",
                        json={"code": code, "nonce": nonce},
                        cookies={"callboard_session": token},
                    )
                )
                took = time.perf_counter() - start
                if answer.status_code != 200:
                    raise RuntimeError(f"check-in answered {answer.status_code}: {answer.text}")
                with lock:
                    latencies.append(took)

    shares = [sessions[i::THREADS] for i in range(THREADS)]
    threads = [threading.Thread(target=worker, args=(share,)) for share in shares if share]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies) / (time.perf_counter() - started), latencies


def core_checkins_per_second(
    path: Path, sessions: list[tuple[str, str]], count: int = 2000
) -> float:
    """schema.checkins.check_in alone, in this process on one connection: the server's floor
    of work per check-in, to set beside the HTTP figures."""
    from datetime import UTC, datetime

    from schema import checkins
    from schema.store.connection import connect

    db = connect(path)
    try:
        now = datetime.now(UTC)
        started = time.perf_counter()
        for i in range(count):
            token, code = sessions[i % len(sessions)]
            request = checkins.CheckinRequest(code=code, nonce=secrets.token_hex(12))
            checkins.check_in(db, token, request, ip="127.0.0.1", user_agent="bench", now=now)
        return count / (time.perf_counter() - started)
    finally:
        db.conn.close()


class _Assets(HTMLParser):
    """The stylesheets, scripts and module preloads a page asks for on first load."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script" and found.get("src"):
            self.urls.append(found["src"] or "")
        if tag == "link" and found.get("rel") in ("stylesheet", "modulepreload"):
            self.urls.append(found.get("href") or "")


def first_load_bytes(base: str) -> tuple[int, int]:
    """Bytes on the wire (gzip) for the crew page's HTML, CSS and JS, and how many files."""
    with httpx.Client(base_url=base, headers={"Accept-Encoding": "gzip"}) as client:
        page = client.get("/")
        parser = _Assets()
        parser.feed(page.text)
        total = page.num_bytes_downloaded
        for url in dict.fromkeys(parser.urls):
            total += client.get(url).num_bytes_downloaded
    return total, 1 + len(set(parser.urls))


def _latency_rows(label: str, rate: float, latencies: list[float]) -> list[Row]:
    ordered = sorted(latencies)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    return [
        Row(name=f"{label} throughput", value=f"{rate:.0f} req/s", runs=len(latencies)),
        Row(
            name=f"  {label} latency p50 / p95",
            value=f"{statistics.median(ordered) * 1000:.1f} / {p95 * 1000:.1f} ms",
        ),
    ]


def run(path: Path) -> list[Row]:
    print("Timing the crew server...", file=sys.stderr, flush=True)
    with tempfile.TemporaryDirectory(prefix="callboard-bench-server-") as folder:
        copy = Path(folder) / "server.db"
        shutil.copy(path, copy)
        sessions = _sessions(copy)
        with serving(copy) as base:
            size, files = first_load_bytes(base)
            rows = [
                Row(
                    name=f"crew page first load ({files} files, gzip)",
                    value=f"{size / 1024:.1f} KB",
                    target="< 30 KB",
                    verdict="ok" if size < FIRST_LOAD_LIMIT else "BIG",
                )
            ]
            rows += _latency_rows(
                "harness ceiling: GET /api/health", *_load(base, sessions, health=True)
            )
            rows += _latency_rows("check-in (new nonce, writes)", *_load(base, sessions))
            rows += _latency_rows(
                "check-in replay (same nonce)", *_load(base, sessions, replay=True)
            )
        # On a copy of its own: its check-ins must not turn the HTTP run's into "already".
        core = Path(folder) / "core.db"
        shutil.copy(path, core)
        rate = core_checkins_per_second(core, _sessions(core))
        rows.append(
            Row(
                name="check-in in the core alone (no HTTP, writes)",
                value=f"{rate:.0f} /s",
                runs=2000,
            )
        )
    return rows
