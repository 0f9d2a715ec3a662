"""DNS rebinding: the Host must be the production's own once its base URL names a host; and
HEAD answers wherever GET does, with GET's status and headers and no body (issue #11)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from schema import production
from schema.store.connection import connect
from tests.server.conftest import Clock, Phone, World, make_app, sign_in


@pytest.fixture
def checked(world: World, static_dir: Path, clock: Clock) -> Iterator[TestClient[Litestar]]:
    """The world's base URL is https://callboard.test; the Host check is on."""
    with TestClient(make_app(world, static_dir, clock, check_host=True)) as client:
        yield client


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("callboard.test", 200),
        ("CALLBOARD.TEST:8443", 200),  # its own name, any port, any case
        ("127.0.0.1:8000", 200),  # an address has no name to rebind
        ("[::1]:8000", 200),
        ("localhost:8000", 200),
        ("evil.example", 400),  # a name pointed at this server by someone else
        ("callboard.test.evil.example", 400),
        ("", 400),
    ],
)
def test_host_must_be_the_productions_own(
    checked: TestClient[Litestar], host: str, status: int
) -> None:
    response = checked.get("/api/health", headers={"Host": host})
    assert response.status_code == status
    if status == 400:
        assert response.json()["message"] == "this server answers only at its own address"


def test_a_base_url_given_to_the_server_wins(world: World, static_dir: Path, clock: Clock) -> None:
    app = make_app(world, static_dir, clock, check_host=True, base_url="https://crew.example")
    with TestClient(app) as client:
        assert client.get("/api/health", headers={"Host": "crew.example"}).status_code == 200
        assert client.get("/api/health", headers={"Host": "callboard.test"}).status_code == 400


def test_an_address_base_url_checks_nothing(world: World, static_dir: Path, clock: Clock) -> None:
    db = connect(world.path, migrate_schema=False)
    current = production.get(db)
    production.update(db, current.version, {"base_url": "http://192.168.1.20:8000"})
    db.conn.close()
    with TestClient(make_app(world, static_dir, clock, check_host=True)) as client:
        assert client.get("/api/health", headers={"Host": "phone.lan"}).status_code == 200


@pytest.mark.parametrize(
    "path", ["/", "/api/health", "/static/app.js", "/p/SomeToken_0123456789abc"]
)
def test_head_answers_where_get_does(client: TestClient[Litestar], path: str) -> None:
    got = client.get(path)
    head = client.head(path)
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]
    assert head.headers.get("content-length") == got.headers.get("content-length")


def test_head_of_a_personal_endpoint_is_its_get(client: TestClient[Litestar], world: World) -> None:
    client.cookies.clear()
    assert client.head("/api/me").status_code == 401  # no cookie: as GET says
    phone = Phone(client)
    sign_in(phone, world, "bob")
    head = phone.request("HEAD", "/api/me")
    assert (head.status_code, head.content) == (200, b"")
    assert client.head("/api/nothing-here").status_code == 404
