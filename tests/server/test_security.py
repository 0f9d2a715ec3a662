"""Headers, Origin and content-type checks, body limits, rate limits, forwarded client IPs."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from schema.store.connection import connect
from server.settings import RateLimits
from tests.server.conftest import Clock, Phone, World, make_app


def test_security_headers_on_pages_api_and_errors(phones: dict[str, Phone]) -> None:
    for path in ["/", "/api/home", "/api/nope", "/static/app.js", "/p/whatever"]:
        headers = phones["alice"].get(path).headers
        csp = headers["content-security-policy"]
        assert "default-src 'self'" in csp
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "img-src 'self' data:" in csp
        assert "connect-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
        assert "geolocation=(self)" in headers["permissions-policy"]
        assert "camera=(self)" in headers["permissions-policy"]
        assert "strict-transport-security" not in headers  # plain http


def test_api_answers_are_never_cached(phones: dict[str, Phone]) -> None:
    assert phones["alice"].get("/api/home").headers["cache-control"] == "no-store"


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "http://testserver.local.evil"])
def test_cross_site_writes_are_refused(
    client: TestClient[Litestar], world: World, origin: str
) -> None:
    response = client.post(
        "/api/session", json={"token": world.tokens["alice"]}, headers={"Origin": origin}
    )
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    assert "set-cookie" not in response.headers


def test_same_origin_writes_pass(client: TestClient[Litestar], world: World) -> None:
    response = client.post(
        "/api/session",
        json={"token": world.tokens["alice"]},
        headers={"Origin": "http://testserver.local"},
    )
    assert response.status_code == 200


def test_json_endpoints_take_only_json(phones: dict[str, Phone], world: World) -> None:
    response = phones["alice"].post(
        "/api/checkins",
        content=f"code={world.codes['stage']}&nonce=abcdefgh12",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 415
    assert response.json()["error"] == "unsupported_media_type"


@pytest.mark.parametrize(
    "body", [b"{not json", b"", b"null", b"[1, 2]", b'"text"', b'{"code": "A", "nonce": }']
)
def test_malformed_json_is_a_4xx_json_error(phones: dict[str, Phone], body: bytes) -> None:
    response = phones["alice"].post(
        "/api/checkins", content=body, headers={"Content-Type": "application/json"}
    )
    assert 400 <= response.status_code < 500, response.text
    error = response.json()
    assert set(error) == {"error", "message", "field"}
    assert error["error"] in {"malformed_json", "invalid_input"}


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/session", b'{"token": 5}'),
        ("/api/session", b"{}"),
        ("/api/notices/1/ack", b'{"nonce": ["a"]}'),
        ("/api/contracts/1/sign", b'{"full_name": null, "agree": true, "sha256": "x"}'),
    ],
)
def test_wrong_types_are_422(phones: dict[str, Phone], path: str, body: bytes) -> None:
    response = phones["vic"].post(path, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "invalid_input"
    assert response.json()["field"]


def test_oversized_json_body_is_413(phones: dict[str, Phone], world: World) -> None:
    padding = "x" * 20_000
    response = phones["alice"].post(
        "/api/checkins", json={"code": world.codes["stage"], "nonce": "abcdefgh12", "p": padding}
    )
    assert response.status_code == 413
    assert response.json()["error"] == "request_entity_too_large"


def test_unknown_route_and_method_are_json(phones: dict[str, Phone]) -> None:
    assert phones["alice"].get("/api/nothing").json()["error"] == "not_found"
    response = phones["alice"].request("PUT", "/api/home", json={})
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"


def limited_app(world: World, static_dir: Path, clock: Clock, **options: object) -> Litestar:
    limits = RateLimits(session=3, checkin=5, upload=2, calendar=2, window_s=60)
    return make_app(world, static_dir, clock, rate_limits=limits, **options)


@pytest.mark.parametrize(
    ("path", "allowed", "body"),
    [
        ("/api/session", 3, {"token": "A" * 27}),
        ("/api/checkins", 5, {"code": "ABCDEFGH", "nonce": "nonce-rate"}),
    ],
)
def test_rate_limits_answer_429(
    world: World, static_dir: Path, clock: Clock, path: str, allowed: int, body: dict
) -> None:
    with TestClient(limited_app(world, static_dir, clock)) as client:
        statuses = [client.post(path, json=body).status_code for _ in range(allowed + 2)]
        assert 429 not in statuses[:allowed]
        assert statuses[allowed:] == [429, 429]
        response = client.post(path, json=body)
        assert response.json()["error"] == "too_many_requests"
        assert int(response.headers["retry-after"]) >= 1
        assert client.get("/api/health").status_code == 200  # only the guarded endpoints


def test_upload_is_rate_limited(world: World, static_dir: Path, clock: Clock) -> None:
    with TestClient(limited_app(world, static_dir, clock)) as client:
        client.post("/api/session", json={"token": world.tokens["vic"]})
        url = f"/api/contracts/{world.contracts['vic']}/signed-copy"
        files = {"file": ("copy.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "image/png")}
        statuses = [client.post(url, files=files).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


# --- forwarded client IPs: raw ASGI with a chosen peer address ---------------------------------


async def post_as(
    app: Litestar, peer: str, path: str, body: dict, headers: dict[str, str]
) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, client=(peer, 40000))  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://callboard.test") as client:
        return await client.post(path, json=body, headers=headers)


def recorded_session_ips(world: World) -> list[str]:
    db = connect(world.path, migrate_schema=False)
    try:
        return [r[0] for r in db.execute("SELECT ip FROM device_sessions ORDER BY id")]
    finally:
        db.conn.close()


async def test_forwarded_for_is_honoured_from_a_trusted_proxy(
    world: World, static_dir: Path, clock: Clock
) -> None:
    app = make_app(world, static_dir, clock, trusted_proxies=["10.0.0.0/8"])
    response = await post_as(
        app,
        "10.0.0.2",
        "/api/session",
        {"token": world.tokens["alice"]},
        {"X-Forwarded-For": "198.51.100.7, 10.0.0.9", "X-Forwarded-Proto": "https"},
    )
    assert response.status_code == 200
    assert recorded_session_ips(world) == ["198.51.100.7"]
    assert "Secure" in response.headers["set-cookie"]


async def test_a_client_cannot_choose_its_ip_through_a_proxy(
    world: World, static_dir: Path, clock: Clock
) -> None:
    """The proxy appends the real peer; a forged left-hand entry is ignored."""
    app = make_app(world, static_dir, clock, trusted_proxies=["10.0.0.2"])
    await post_as(
        app,
        "10.0.0.2",
        "/api/session",
        {"token": world.tokens["alice"]},
        {"X-Forwarded-For": "1.2.3.4, 203.0.113.5"},
    )
    assert recorded_session_ips(world) == ["203.0.113.5"]


async def test_forwarded_for_is_ignored_from_anyone_else(
    world: World, static_dir: Path, clock: Clock
) -> None:
    app = make_app(world, static_dir, clock, trusted_proxies=["10.0.0.0/8"])
    response = await post_as(
        app,
        "203.0.113.9",
        "/api/session",
        {"token": world.tokens["alice"]},
        {"X-Forwarded-For": "198.51.100.7", "X-Forwarded-Proto": "https"},
    )
    assert recorded_session_ips(world) == ["203.0.113.9"]
    assert "Secure" not in response.headers["set-cookie"]


async def test_without_trusted_proxies_forwarded_for_is_ignored(
    world: World, static_dir: Path, clock: Clock
) -> None:
    app = make_app(world, static_dir, clock)
    await post_as(
        app,
        "127.0.0.1",
        "/api/session",
        {"token": world.tokens["alice"]},
        {"X-Forwarded-For": "198.51.100.7"},
    )
    assert recorded_session_ips(world) == ["127.0.0.1"]


async def test_rate_limit_keys_on_the_forwarded_client(
    world: World, static_dir: Path, clock: Clock
) -> None:
    """Behind a proxy, one noisy client does not lock everybody else out."""
    app = limited_app(world, static_dir, clock, trusted_proxies=["10.0.0.1"])
    body = {"token": "A" * 27}
    noisy = {"X-Forwarded-For": "198.51.100.1"}
    statuses = [
        (await post_as(app, "10.0.0.1", "/api/session", body, noisy)).status_code for _ in range(4)
    ]
    assert statuses == [404, 404, 404, 429]
    quiet = await post_as(
        app, "10.0.0.1", "/api/session", body, {"X-Forwarded-For": "198.51.100.2"}
    )
    assert quiet.status_code == 404


def test_checkin_limit_counts_per_session_not_per_shared_ip(
    world: World, static_dir: Path, clock: Clock
) -> None:
    """A whole unit on one location Wi-Fi: one person's retries do not block the next person."""
    with TestClient(limited_app(world, static_dir, clock)) as client:
        alice, bob = Phone(client), Phone(client)
        alice.post("/api/session", json={"token": world.tokens["alice"]})
        bob.post("/api/session", json={"token": world.tokens["bob"]})
        body = {"code": world.codes["stage"], "nonce": "nonce-limit"}
        alice_statuses = [alice.post("/api/checkins", json=body).status_code for _ in range(6)]
        assert alice_statuses == [200] * 5 + [429]
        assert bob.post("/api/checkins", json=body).status_code == 200


def test_made_up_session_cookies_share_the_ip_allowance(
    world: World, static_dir: Path, clock: Clock
) -> None:
    """A fresh fake cookie per request must not buy a fresh allowance (nor grow the limiter)."""
    with TestClient(limited_app(world, static_dir, clock)) as client:
        body = {"code": world.codes["stage"], "nonce": "nonce-fake"}
        statuses = []
        for i in range(7):
            client.cookies.set("callboard_session", f"made-up-session-cookie-{i:04d}")
            statuses.append(client.post("/api/checkins", json=body).status_code)
        assert statuses == [200] * 5 + [429, 429]


def test_large_answers_are_compressed(client: TestClient[Litestar], world: World) -> None:
    response = client.get("/api/schema/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.json()["paths"]


def test_documents_carry_their_own_policy(phones: dict[str, Phone], world: World) -> None:
    response = phones["vic"].get(f"/api/contracts/{world.contracts['vic']}/document")
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert "object-src 'self'" in csp  # browsers' PDF viewers are plugins
    assert response.headers["x-content-type-options"] == "nosniff"


def test_no_handler_runs_in_a_thread(app: Litestar) -> None:
    """The per-thread connection cache is handed out by a dependency on the event loop thread;
    a handler moved to a worker thread would share that connection across threads (measured:
    corrupted transactions). Keep every sync handler and dependency inline."""
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            if not handler.has_sync_callable:
                continue
            assert handler.sync_to_thread is False, handler
            for name, provider in handler.resolve_dependencies().items():
                assert not provider.sync_to_thread, (handler, name)


def test_a_locked_production_file_is_503_not_500(
    phones: dict[str, Phone], world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The TUI holding the write lock past the busy timeout: the outbox will retry."""
    import sqlite3

    from schema import checkins

    def locked(*_: object, **__: object) -> None:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(checkins, "check_in_person", locked)
    response = phones["alice"].post(
        "/api/checkins", json={"code": world.codes["stage"], "nonce": "nonce-locked"}
    )
    assert response.status_code == 503
    assert response.json()["error"] == "busy"
    assert response.headers["retry-after"] == "2"


def test_unexpected_errors_are_json_500(
    phones: dict[str, Phone], monkeypatch: pytest.MonkeyPatch
) -> None:
    from schema import crew

    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(crew, "home", broken)
    response = phones["alice"].get("/api/home")
    assert response.status_code == 500
    assert response.json() == {
        "error": "internal_error",
        "message": "something went wrong on the server; try again",
        "field": None,
    }


def test_limiter_memory_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from server import ratelimit

    monkeypatch.setattr(ratelimit, "MAX_CLIENTS", 3)
    now = [0.0]
    limiter = ratelimit.RateLimiter(clock=lambda: now[0])
    for i in range(3):
        assert limiter.hit("checkin", f"ip{i}", 1, 60) == 0.0
    assert limiter.hit("checkin", "ip1", 1, 60) > 0  # ip1 at its limit, and now most recent
    assert limiter.hit("checkin", "new", 1, 60) == 0.0  # a newcomer is not locked out...
    assert len(limiter._hits) == 3  # ...the least recently seen (ip0) made room
    assert limiter.hit("checkin", "ip1", 1, 60) > 0  # a recent client keeps its history


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/contracts/9223372036854775808"),
        ("GET", "/api/contracts/99999999999999999999/document"),
        ("POST", "/api/contracts/9223372036854775808/sign"),
        ("POST", "/api/notices/9223372036854775808/ack"),
        ("GET", "/api/contracts/0"),
    ],
)
def test_out_of_range_ids_are_4xx(phones: dict[str, Phone], method: str, path: str) -> None:
    body = {"full_name": "A", "agree": True, "sha256": "0" * 64, "nonce": "nonce-range"}
    response = phones["alice"].request(method, path, json=body if method == "POST" else None)
    assert 400 <= response.status_code < 500
    assert response.json()["error"]


def test_absurd_phone_time_is_not_a_500(phones: dict[str, Phone], world: World) -> None:
    body = {
        "code": world.codes["stage"],
        "nonce": "nonce-absurd-time",
        "client_at": "0001-01-01T00:30:00+14:00",
        "queued": True,
    }
    response = phones["alice"].post("/api/checkins", json=body)
    assert response.status_code == 200
    assert response.json()["result"] in ("ok", "late")


def test_tokens_never_reach_the_logs(app: Litestar, caplog: pytest.LogCaptureFixture) -> None:
    """uvicorn's access line carries the path: a personal link or calendar token is redacted."""
    import logging

    access = logging.getLogger("uvicorn.access")
    with caplog.at_level(logging.INFO, logger="uvicorn.access"):
        access.info(
            '%s - "%s %s HTTP/%s" %d',
            "127.0.0.1:5",
            "GET",
            "/p/SECRETsecretSECRETsecret12",
            "1.1",
            200,
        )
        access.info(
            '%s - "%s %s HTTP/%s" %d',
            "127.0.0.1:5",
            "GET",
            "/ics/CALENDARtokenCALENDAR1234.ics",
            "1.1",
            200,
        )
    text = caplog.text
    assert "SECRETsecret" not in text and "CALENDARtoken" not in text
    assert "/p/[redacted]" in text and "/ics/[redacted]" in text
