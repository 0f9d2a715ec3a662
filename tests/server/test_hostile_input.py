"""Hostile and clumsy requests: each gets a 4xx that says what is wrong, never a 500.

Found by probing a running server as an attacker would; each case here once failed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from schema import contracts
from schema.store.connection import connect
from tests.server.conftest import SHELL, Clock, Phone, World
from tests.server.test_contracts import SHA, contract_url
from tests.server.test_security import limited_app

JSON = {"Content-Type": "application/json"}


def raw(client: TestClient[Litestar], path: str, body: bytes, **headers: str) -> dict[str, object]:
    response = client.post(path, content=body, headers={**JSON, **headers})
    assert 400 <= response.status_code < 500, response.text
    return {"status": response.status_code, **response.json()}


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"[" * 5000 + b"]" * 5000, "invalid_input"),  # nesting: refused at the first [, typed
        (b'{"token": "\xff\xfe"}', "malformed_json"),  # not UTF-8
        (b'{"token": "abc"', "malformed_json"),  # truncated
        (b"", "malformed_json"),  # no body at all
        (b"null", "invalid_input"),
    ],
)
def test_bodies_that_are_not_json_objects(
    client: TestClient[Litestar], body: bytes, error: str
) -> None:
    answer = raw(client, "/api/session", body)
    assert answer["error"] == error
    assert answer["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "token"),
        ({"token": 5}, "token"),
        ({"token": "A" * 27, "extra": 1}, "extra"),
    ],
)
def test_wrong_fields_are_named(client: TestClient[Litestar], body: dict, field: str) -> None:
    response = client.post("/api/session", json=body)
    assert response.status_code == 422
    assert response.json()["field"] == field


@pytest.mark.parametrize("agree", [1, "true", "yes", None])
def test_a_signature_needs_a_literal_true(
    phones: dict[str, Phone], world: World, agree: object
) -> None:
    body = {"full_name": "Vic Vendor", "agree": agree, "sha256": SHA}
    response = phones["vic"].post(contract_url(world, "vic", "/sign"), json=body)
    assert response.status_code == 422
    assert response.json()["field"] == "agree"
    db = connect(world.path, migrate_schema=False)
    assert contracts.get_contract(db, world.contracts["vic"]).status == "sent"
    db.conn.close()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"client_at": 1700000000}, "client_at"),
        ({"queued": 1}, "queued"),
        ({"position": {"lat": "51.4", "lon": 0.36}}, "position.lat"),
        ({"position": {"lon": 0.36}}, "position.lat"),
    ],
)
def test_check_in_fields_are_typed_strictly(
    phones: dict[str, Phone], world: World, extra: dict[str, object], field: str
) -> None:
    body = {"code": world.codes["stage"], "nonce": "nonce-strict", **extra}
    response = phones["alice"].post("/api/checkins", json=body)
    assert response.status_code == 422
    assert response.json()["field"] == field


def test_an_origin_that_is_not_a_url_is_refused(client: TestClient[Litestar]) -> None:
    answer = raw(client, "/api/session", b'{"token": "x"}', Origin="http://[::1")
    assert answer["status"] == 403


@pytest.mark.parametrize("path", ["/static/app.js%00.png", "/static/" + "a" * 300 + ".js"])
def test_static_paths_no_file_system_takes(client: TestClient[Litestar], path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_not_found_never_names_a_file_on_the_server(
    client: TestClient[Litestar], static_dir: Path
) -> None:
    (static_dir / "icons").mkdir()
    for path in ("/static/icons", "/static/nothing.js", "/api/nothing"):
        response = client.get(path)
        assert response.status_code == 404
        assert str(static_dir) not in response.text
        assert response.json()["message"] == "there is nothing at this address"


@pytest.mark.parametrize("path", ["/p/", "/p/a/b", "/l/", "/nope", "/index.html"])
def test_a_broken_page_link_gets_the_app_with_a_404(
    client: TestClient[Litestar], path: str
) -> None:
    """The app's own router then says "page not found" in words (a browser test shows it)."""
    response = client.get(path, headers={"Accept": "text/html,application/xhtml+xml"})
    assert response.status_code == 404
    assert response.content == SHELL
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "no-store" in response.headers["cache-control"]
    assert "content-security-policy" in response.headers


@pytest.mark.parametrize("path", ["/", "/sw.js"])
def test_one_charset_per_content_type(client: TestClient[Litestar], path: str) -> None:
    assert client.get(path).headers["content-type"].count("charset") == 1


def test_calendar_renewal_has_its_own_allowance(
    world: World, static_dir: Path, clock: Clock
) -> None:
    """Bad link attempts from a shared office IP must not stop a signed-in phone's renewal."""
    with TestClient(limited_app(world, static_dir, clock)) as client:
        phone = Phone(client)
        assert phone.post("/api/session", json={"token": world.tokens["alice"]}).status_code == 200
        # Only failed exchanges count (issue #11): three failures spend the allowance of three.
        statuses = [
            client.post("/api/session", json={"token": "A" * 27}).status_code for _ in range(4)
        ]
        assert statuses[-1] == 429  # the link allowance of this IP is spent
        assert phone.post("/api/calendar").status_code == 200


def test_calendar_renewals_are_limited_per_phone(
    world: World, static_dir: Path, clock: Clock
) -> None:
    with TestClient(limited_app(world, static_dir, clock)) as client:
        alice, bob = Phone(client), Phone(client)
        for phone, who in ((alice, "alice"), (bob, "bob")):
            response = phone.post("/api/session", json={"token": world.tokens[who]})
            assert response.status_code == 200
        statuses = [alice.post("/api/calendar").status_code for _ in range(3)]
        assert statuses == [200, 200, 429]  # calendar=2 in limited_app
        assert bob.post("/api/calendar").status_code == 200  # same IP, another phone


@pytest.mark.parametrize("path", ["/", "/api/health"])
def test_head_for_monitors(client: TestClient[Litestar], path: str) -> None:
    response = client.head(path)
    assert response.status_code == 200
    assert response.content == b""


async def asgi_post(app: Litestar, path: str, body: bytes, headers: dict[str, str]) -> int:
    """A request as an ASGI server may pass it on: no content-length, no transfer-encoding."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "2",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 40000),
        "server": ("testserver.local", 80),
    }
    inbox = [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return inbox.pop(0) if inbox else {"type": "http.disconnect"}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    await app(scope, receive, send)  # type: ignore[arg-type]
    return next(int(m["status"]) for m in sent if m["type"] == "http.response.start")  # type: ignore[call-overload]


@pytest.mark.parametrize("content_type", ["text/plain", ""])
async def test_a_body_without_length_headers_is_still_json_only(
    app: Litestar, phones: dict[str, Phone], world: World, content_type: str
) -> None:
    """Strict decoding must not depend on the headers the client chose to send."""
    body = b'{"full_name": "Vic Vendor", "agree": 1, "sha256": "' + SHA.encode() + b'"}'
    cookie = f"callboard_session={phones['vic'].cookies['callboard_session']}"
    headers = {"Cookie": cookie, **({"Content-Type": content_type} if content_type else {})}
    status = await asgi_post(app, contract_url(world, "vic", "/sign"), body, headers)
    assert status == 415
    db = connect(world.path, migrate_schema=False)
    assert contracts.get_contract(db, world.contracts["vic"]).status == "sent"
    db.conn.close()
