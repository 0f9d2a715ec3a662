"""The crew server on the large demo, measured with wrk (a C load generator) side by side.

Two servers run at once on loopback: the bare Litestar app (bench/bare.py) under the same
uvicorn as `callboard serve`, and `callboard serve` itself on a copy of the large demo. The
figures are taken in interleaved rounds (bare, health, check-in; bare, health, check-in; ...)
and each is the median of its rounds, so a neighbour's burst of CPU on a shared machine hits all
three alike and the ratios between them hold. Every check-in is a real first-seen one: wrk's
Lua script (bench/wrk.py) gives each request a live device session and a fresh nonce.

Beside the rates, the server's own CPU time per request (from /proc) is reported: unlike a
rate, it barely moves when other processes share the cores, so it shows what a change cost.

Then: latency at a fixed 500 check-ins a second over 50 connections; a burst of 2,000 phones
each checking in once while the real TUI follows the event feed on the arrivals board and
`callboard backup` copies the file; the resident size of the server and of that TUI; and the
crew page's first-load bytes.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import httpx

from bench import wrk
from bench.core import Row
from tests.live_server import free_port, wait_until_up

ROOT = Path(__file__).resolve().parent.parent
PHONES = 2000
ROUNDS = 3
ROUND_SECONDS = 5.0
CONNECTIONS = 10
FIXED_RATE = 500.0
FIXED_CONNECTIONS = 50
FIXED_SECONDS = 10.0
BURST_SECONDS = 20.0  # 2,000 phones at ~100 a second: three times a 60-second crowd's average
BURST_CONNECTIONS = 50
BURST_TAG = "burst"  # the burst's nonces start with it
FIRST_LOAD_LIMIT = 30 * 1024
TICK = os.sysconf("SC_CLK_TCK")


def _sessions(path: Path, count: int = PHONES) -> list[tuple[str, str]]:
    """(session token, location code) for `count` people, those called today first (at their
    call's location), the rest at some location; sessions made through the core."""
    from schema import links, production
    from schema.store.connection import connect

    db = connect(path)
    try:
        today = production.local_now(production.get(db)).date().isoformat()
        called = db.execute(
            "SELECT c.person_id, l.code FROM calls c JOIN days d ON d.id = c.day_id"
            " JOIN locations l ON l.id = d.location_id WHERE d.date = ? LIMIT ?",
            [today, count],
        ).fetchall()
        some_code = db.execute("SELECT code FROM locations ORDER BY id LIMIT 1").fetchone()[0]
        others = db.execute(
            "SELECT id, ? FROM people WHERE id NOT IN (SELECT c.person_id FROM calls c"
            " JOIN days d ON d.id = c.day_id WHERE d.date = ?) ORDER BY id LIMIT ?",
            [some_code, today, max(0, count - len(called))],
        ).fetchall()
        found = []
        for person_id, code in [*called, *others]:
            token = links.issue_link(db, person_id).url.rsplit("/", 1)[1]
            found.append((links.exchange_link(db, token)[1], code))
        return found
    finally:
        db.conn.close()


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class Served:
    base: str
    pid: int


@contextmanager
def _process(command: list[str], url: str, env: dict[str, str] | None = None) -> Iterator[int]:
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("CALLBOARD_")}
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**inherited, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_up(url.rsplit("/", 1)[0] if url.endswith("/") else url, process)
        yield process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@contextmanager
def serve_callboard(path: Path) -> Iterator[Served]:
    """`callboard serve` as a coordinator runs it (quiet: no access log)."""
    port = free_port()
    command = [sys.executable, "-m", "cli", "--db", str(path), "serve"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--quiet"]
    with _process(command, f"http://127.0.0.1:{port}") as pid:
        yield Served(f"http://127.0.0.1:{port}", pid)


@contextmanager
def serve_bare() -> Iterator[Served]:
    """The bare app under the same uvicorn, loop and parser (uvloop, httptools)."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "bench.bare:app", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--log-level", "warning", "--no-access-log"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/", timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the bare app did not start") from None
                time.sleep(0.05)
        yield Served(base, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=10)


@dataclass
class Load:
    """One wrk run against one server, with the server's CPU time it cost."""

    result: wrk.WrkResult
    cpu_us: float  # server CPU microseconds per request


def measure(served: Served, path: str, script: str, **options: float) -> Load:
    before = cpu_seconds(served.pid)
    result = wrk.run(f"{served.base}{path}", script, **options)  # type: ignore[arg-type]
    spent = cpu_seconds(served.pid) - before
    return Load(result, spent * 1e6 / max(1, result.requests))


def _median(loads: list[Load]) -> Load:
    """The round with the median rate (its latency and CPU figures come with it)."""
    ordered = sorted(loads, key=lambda load: load.result.rate)
    return ordered[len(ordered) // 2]


def rounds(bare: Served, server: Served, sessions: list[tuple[str, str]]) -> dict[str, Load]:
    runs: dict[str, list[Load]] = {"bare": [], "health": [], "checkin": []}
    plain = wrk.plain_script()
    options = {"seconds": ROUND_SECONDS, "connections": CONNECTIONS}
    for number in range(ROUNDS):
        print(f"  round {number + 1} of {ROUNDS}...", file=sys.stderr, flush=True)
        runs["bare"].append(measure(bare, "/", plain, **options))
        runs["health"].append(measure(server, "/api/health", plain, **options))
        script = wrk.checkin_script(sessions, seed=number)
        runs["checkin"].append(measure(server, "/api/checkins", script, **options))
    return {name: _median(loads) for name, loads in runs.items()}


def fixed_rate(server: Served, sessions: list[tuple[str, str]]) -> Load:
    script = wrk.checkin_script(sessions, rate=FIXED_RATE, connections=FIXED_CONNECTIONS, seed=101)
    return measure(
        server, "/api/checkins", script, seconds=FIXED_SECONDS, connections=FIXED_CONNECTIONS
    )


# The real TUI, headless, on the arrivals board and following the feed until told to stop
# (SIGTERM); it prints how many feed batches it saw and its peak resident size.
FOLLOWER = """
import asyncio, json, resource, signal, sys, time
from tui.app import CallboardApp

stop = []
signal.signal(signal.SIGTERM, lambda *_: stop.append(True))  # the burst is over: report

async def main():
    app = CallboardApp(sys.argv[1], follow=True)
    batches = [0]
    feed = app.feed
    def counted(kinds):
        batches[0] += 1
        feed(kinds)
    app.feed = counted
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5")
        print("ready", flush=True)
        deadline = time.monotonic() + float(sys.argv[2])
        while time.monotonic() < deadline and not stop:
            await pilot.pause(0.1)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"batches": batches[0], "rss_mb": peak}), flush=True)

asyncio.run(main())
"""


@dataclass
class Burst:
    load: Load
    backup_s: float
    feed_batches: int
    tui_rss_mb: float
    stored: int  # phones (people) with a check-in stored from the burst
    extra: int  # stored check-ins beyond one per phone (a request wrk re-sent on a reconnect)
    span_s: float  # first to last received


def burst(server: Served, path: Path, sessions: list[tuple[str, str]], folder: Path) -> Burst:
    """2,000 phones check in once each while the TUI follows the feed and a backup runs."""
    follower = subprocess.Popen(
        [sys.executable, "-c", FOLLOWER, str(path), str(BURST_SECONDS * 3 + 15)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert follower.stdout is not None
    follower.stdout.readline()  # "ready": the board is up and following
    phones = sessions[:PHONES]
    script = wrk.checkin_script(
        phones,
        rate=len(phones) / BURST_SECONDS,
        connections=BURST_CONNECTIONS,
        seed=202,
        limit=len(phones),
        tag=BURST_TAG,
    )
    backup_s: list[float] = []

    def back_up() -> None:
        started = time.perf_counter()
        command = [sys.executable, "-m", "cli", "--db", str(path), "backup"]
        subprocess.run(
            [*command, str(folder / "backup.db")], cwd=ROOT, check=True, capture_output=True
        )
        backup_s.append(time.perf_counter() - started)

    before = _checkin_mark(path)
    backup = threading.Thread(target=back_up)
    backup.start()
    # Bounded: one and a half times the planned spread; a phone not served by then is missing
    # from the count stored, and the verdict says so.
    load = measure(
        server,
        "/api/checkins",
        script,
        seconds=BURST_SECONDS * 1.5,
        connections=BURST_CONNECTIONS,
    )
    stored, extra, span = _stored_since(path, before)
    backup.join(timeout=300)
    if not backup_s:
        raise RuntimeError("the backup failed during the burst")
    follower.terminate()  # handled: it reports and exits
    out, _ = follower.communicate(timeout=120)
    report = json.loads(out.strip().splitlines()[-1]) if out.strip().startswith("{") else {}
    return Burst(
        load,
        backup_s[0],
        report.get("batches", 0),
        report.get("rss_mb", 0.0),
        stored,
        extra,
        span,
    )


def _checkin_mark(path: Path) -> int:
    with closing(sqlite3.connect(path)) as db:
        return int(db.execute("SELECT coalesce(max(id), 0) FROM checkins").fetchone()[0])


def _stored_since(path: Path, mark: int) -> tuple[int, int, float]:
    """Phones with a check-in stored after `mark`, the check-ins beyond one per phone, and the
    seconds from the first to the last received (wrk's own duration is its bound, not when the
    last phone was answered). Phones are counted, not rows: wrk sends a connection's first
    request without asking the pacing script, so a reconnect can add one request past the limit,
    which lands as a second check-in (fresh nonce) for the phone the counter wrapped to."""
    with closing(sqlite3.connect(path)) as db:
        phones, count, first, last = db.execute(
            "SELECT count(DISTINCT person_id), count(*), min(received_at), max(received_at)"
            " FROM checkins WHERE id > ? AND nonce LIKE ?",
            [mark, f"{BURST_TAG}%"],
        ).fetchone()
    if not count:
        return 0, 0, 0.0
    span = (datetime.fromisoformat(last) - datetime.fromisoformat(first)).total_seconds()
    return int(phones), int(count) - int(phones), span


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


def _rate_row(name: str, load: Load, target: str = "", verdict: str = "") -> Row:
    r = load.result
    return Row(
        name=name,
        value=f"{r.rate:,.0f} /s",
        target=target,
        verdict=verdict,
        runs=r.requests,
        data={**r.as_dict(), "server_cpu_us": round(load.cpu_us)},
    )


def _detail_row(name: str, load: Load) -> Row:
    r = load.result
    return Row(name=name, value=f"latency p50 {r.p50_ms:.1f} / p99 {r.p99_ms:.1f} ms")


def _verdict(ok: bool) -> str:
    return "ok" if ok else "MISS"


def run(path: Path) -> list[Row]:
    if not wrk.available():
        return [Row(name="crew server", value="not measured: wrk is not installed")]
    print("Timing the crew server (wrk)...", file=sys.stderr, flush=True)
    with tempfile.TemporaryDirectory(prefix="callboard-bench-server-") as name:
        folder = Path(name)
        copy = folder / "server.db"
        shutil.copy(path, copy)
        sessions = _sessions(copy)
        with serve_bare() as bare, serve_callboard(copy) as server:
            size, files = first_load_bytes(server.base)
            measured = rounds(bare, server, sessions)
            print("  fixed rate...", file=sys.stderr, flush=True)
            fixed = fixed_rate(server, sessions)
            print("  burst with the TUI following and a backup...", file=sys.stderr, flush=True)
            crowd = burst(server, copy, sessions, folder)
            server_rss = rss_mb(server.pid)
        # On a copy of its own: its check-ins must not turn the HTTP run's into "already".
        core = folder / "core.db"
        shutil.copy(path, core)
        rate = core_checkins_per_second(core, _sessions(core, 300))
    rows = _rows(measured, fixed, crowd, server_rss, size, files)
    rows.insert(
        5,
        Row(
            name="  the check-in in the core alone (no HTTP)",
            value=f"{rate:,.0f} /s",
            runs=2000,
            data={"rate": round(rate, 1)},
        ),
    )
    return rows


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


def _rows(
    measured: dict[str, Load],
    fixed: Load,
    crowd: Burst,
    server_rss: float,
    size: int,
    files: int,
) -> list[Row]:
    bare, health, checkin = measured["bare"], measured["health"], measured["checkin"]
    health_ratio = health.result.rate / max(1.0, bare.result.rate)
    checkin_ratio = checkin.result.rate / max(1.0, health.result.rate)
    f, b = fixed.result, crowd.load.result
    return [
        _rate_row("bare Litestar app, same uvicorn (wrk, 10 conn)", bare),
        _rate_row(
            "GET /api/health",
            health,
            target=">= 0.5 x bare",
            verdict=f"{health_ratio:.2f} x {_verdict(health_ratio >= 0.5)}",
        ),
        _rate_row(
            "POST /api/checkins (fresh nonce, live session)",
            checkin,
            target=">= 0.4 x health, >= 3,000 /s",
            verdict=(
                f"{checkin_ratio:.2f} x "
                f"{_verdict(checkin_ratio >= 0.4 and checkin.result.rate >= 3000)}"
            ),
        ),
        Row(
            name="  server CPU per request: bare / health / check-in",
            value=f"{bare.cpu_us:.0f} / {health.cpu_us:.0f} / {checkin.cpu_us:.0f} us",
            data={"bare": bare.cpu_us, "health": health.cpu_us, "checkin": checkin.cpu_us},
        ),
        _detail_row("  check-in", checkin),
        Row(
            name=f"check-in at a fixed {FIXED_RATE:.0f}/s, {FIXED_CONNECTIONS} conn: p99",
            value=f"{f.p99_ms:.1f} ms (p50 {f.p50_ms:.1f}, sent {f.rate:.0f}/s)",
            target="< 25 ms",
            verdict=_verdict(f.p99_ms < 25 and f.errors == 0),
            runs=f.requests,
            data={**f.as_dict(), "server_cpu_us": round(fixed.cpu_us)},
        ),
        Row(
            name=f"burst: {crowd.stored:,} phones in {crowd.span_s:.0f} s + TUI + backup: p99",
            value=f"{b.p99_ms:.1f} ms, {b.errors} errors",
            target="< 100 ms, 0 errors, < 60 s",
            verdict=_verdict(
                b.p99_ms < 100 and b.errors == 0 and crowd.span_s <= 60 and crowd.stored == PHONES
            ),
            runs=b.requests,
            data={
                **b.as_dict(),
                "stored": crowd.stored,
                "extra_checkins": crowd.extra,
                "span_s": round(crowd.span_s, 2),
                "backup_s": round(crowd.backup_s, 2),
                "tui_feed_batches": crowd.feed_batches,
            },
        ),
        Row(
            name="  backup during the burst; TUI feed batches seen",
            value=f"{crowd.backup_s:.1f} s; {crowd.feed_batches}",
        ),
        Row(
            name="server resident size after the load (large)",
            value=f"{server_rss:.0f} MB",
            data={"mb": round(server_rss, 1)},
        ),
        Row(
            name="TUI peak resident size, following (large)",
            value=f"{crowd.tui_rss_mb:.0f} MB",
            data={"mb": round(crowd.tui_rss_mb, 1)},
        ),
        Row(
            name=f"crew page first load ({files} files, gzip)",
            value=f"{size / 1024:.1f} KB",
            target="< 30 KB",
            verdict="ok" if size < FIRST_LOAD_LIMIT else "BIG",
            data={"bytes": size, "files": files},
        ),
    ]
