"""A unit opening their links on one office Wi-Fi: only failed link exchanges count against
the address, so nobody locks the others out by succeeding; guessing is still limited, and a
phone that met the limit gets in once the window has passed (issue #11)."""

from __future__ import annotations

from pathlib import Path

from litestar.testing import TestClient

from schema import links
from schema.store.connection import connect
from server.ratelimit import RateLimiter
from server.settings import RateLimits
from tests.server.conftest import Clock, Phone, World, make_app


def test_only_failed_exchanges_count_against_an_address(
    world: World, static_dir: Path, clock: Clock
) -> None:
    now = [0.0]
    app = make_app(world, static_dir, clock, rate_limits=RateLimits(session=2, window_s=60))
    app.state.limiter = RateLimiter(clock=lambda: now[0])
    with TestClient(app) as client:
        phones = {who: Phone(client) for who in world.people}
        # Three people, one address, a limit of two: every good link works.
        for who, phone in phones.items():
            answer = phone.post("/api/session", json={"token": world.tokens[who]})
            assert answer.status_code == 200, who
        # Wrong links count: two are answered, then the address must wait.
        stranger = Phone(client)
        guesses = [
            stranger.post("/api/session", json={"token": f"{'B' * 26}{i}"}).status_code
            for i in range(3)
        ]
        assert guesses == [404, 404, 429]
        # A good link at the limit is told to wait, and is not spent by it...
        db = connect(world.path, migrate_schema=False)
        fresh = links.issue_link(db, world.people["bob"]).url.rsplit("/", 1)[1]
        db.conn.close()
        late = Phone(client)
        waited = late.post("/api/session", json={"token": fresh})
        assert waited.status_code == 429 and int(waited.headers["retry-after"]) >= 1
        # ...so the same link works once the window has passed.
        now[0] += 61
        assert late.post("/api/session", json={"token": fresh}).status_code == 200
