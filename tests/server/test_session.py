"""Personal links become device sessions: cookie flags, spent and replaced links, sign-out."""

from __future__ import annotations

from pathlib import Path

from litestar import Litestar
from litestar.testing import TestClient

from schema import links
from schema.store.connection import connect
from schema.tokens import hash_token
from tests.server.conftest import NOW, Clock, Phone, World, make_app, token_of


def set_cookie(response: object) -> str:
    return response.headers["set-cookie"]  # type: ignore[attr-defined]


def test_link_starts_a_session_with_a_safe_cookie(
    client: TestClient[Litestar], world: World
) -> None:
    response = client.post("/api/session", json={"token": world.tokens["alice"]})
    assert response.status_code == 200
    assert response.json() == {
        "person": {
            "id": world.people["alice"],
            "name": "Alice Archer",
            "kind": "crew",
            "department": "Camera",
            "role": "Focus puller",
            "vendor_name": None,
        }
    }
    cookie = set_cookie(response)
    assert cookie.startswith("callboard_session=")
    assert "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()
    assert "Path=/" in cookie
    assert "Secure" not in cookie  # plain http on loopback: a Secure cookie would be dropped


def test_session_token_is_stored_only_hashed(client: TestClient[Litestar], world: World) -> None:
    client.post("/api/session", json={"token": world.tokens["alice"]})
    session = client.cookies["callboard_session"]
    db = connect(world.path, migrate_schema=False)
    stored = [r[0] for r in db.execute("SELECT token_hash FROM device_sessions")]
    dump = "\n".join(db.conn.iterdump())
    db.conn.close()
    assert stored == [hash_token(session)]
    assert session not in dump and world.tokens["alice"] not in dump


def test_cookie_is_secure_when_asked(world: World, static_dir: Path, clock: Clock) -> None:
    with TestClient(make_app(world, static_dir, clock, secure_cookies=True)) as client:
        response = client.post("/api/session", json={"token": world.tokens["alice"]})
    assert "Secure" in set_cookie(response)


def test_cookie_is_secure_over_https(world: World, static_dir: Path, clock: Clock) -> None:
    app = make_app(world, static_dir, clock)
    with TestClient(app, base_url="https://callboard.test") as client:
        response = client.post("/api/session", json={"token": world.tokens["alice"]})
    assert "Secure" in set_cookie(response)
    assert response.headers["strict-transport-security"].startswith("max-age=")


def test_a_link_works_once(phones: dict[str, Phone], world: World) -> None:
    other_phone = Phone(phones["anon"].client)
    response = other_phone.post("/api/session", json={"token": world.tokens["alice"]})
    assert response.status_code == 410
    assert response.json()["error"] == "link_used"
    assert "set-cookie" not in response.headers


def test_a_replaced_link_is_revoked(client: TestClient[Litestar], world: World) -> None:
    db = connect(world.path, migrate_schema=False)
    fresh = token_of(links.issue_link(db, world.people["alice"], now=NOW).url)
    db.conn.close()
    old = client.post("/api/session", json={"token": world.tokens["alice"]})
    assert old.status_code == 410
    assert old.json()["error"] == "link_revoked"
    assert client.post("/api/session", json={"token": fresh}).status_code == 200


def test_an_unknown_link(client: TestClient[Litestar]) -> None:
    for token in ["A" * 27, "not a token", "", "x"]:
        response = client.post("/api/session", json={"token": token})
        assert response.status_code == 404, token
        assert response.json()["error"] == "link_unknown"


def test_me(phones: dict[str, Phone], world: World) -> None:
    response = phones["vic"].get("/api/me")
    assert response.status_code == 200
    assert response.json() == {
        "person": {
            "id": world.people["vic"],
            "name": "Vic Vendor",
            "kind": "vendor_contact",
            "department": "",
            "role": "",
            "vendor_name": "Lights Ltd",
        },
        "production": {"name": "Test Picture", "timezone": "Europe/London"},
    }


def test_me_without_a_session_is_401(phones: dict[str, Phone]) -> None:
    response = phones["anon"].get("/api/me")
    assert response.status_code == 401
    assert response.json()["error"] == "no_session"


def test_me_with_a_revoked_session_says_so(phones: dict[str, Phone], world: World) -> None:
    db = connect(world.path, migrate_schema=False)
    links.revoke_all(db, world.people["alice"], now=NOW)
    db.conn.close()
    response = phones["alice"].get("/api/me")
    assert response.status_code == 401
    assert response.json()["error"] == "session_revoked"


def test_sign_out_ends_the_session(phones: dict[str, Phone], world: World) -> None:
    session = phones["alice"].cookies["callboard_session"]
    response = phones["alice"].delete("/api/session")
    assert response.status_code == 204
    assert "callboard_session=" in set_cookie(response)
    assert "Max-Age=0" in set_cookie(response) or "expires=" in set_cookie(response).lower()
    phones["alice"].cookies["callboard_session"] = session  # a stolen copy of the cookie
    assert phones["alice"].get("/api/me").json()["error"] == "session_revoked"


def test_sign_out_without_a_session(phones: dict[str, Phone]) -> None:
    assert phones["anon"].delete("/api/session").status_code == 204


def test_session_records_ip_and_browser(client: TestClient[Litestar], world: World) -> None:
    client.post(
        "/api/session",
        json={"token": world.tokens["bob"]},
        headers={"User-Agent": "Phone/2"},
    )
    db = connect(world.path, migrate_schema=False)
    assert db.execute("SELECT ip, user_agent FROM device_sessions").fetchall() == [
        ("testclient", "Phone/2")
    ]
    db.conn.close()


def test_an_expired_link_is_refused_as_gone(
    client: TestClient[Litestar], world: World, clock: Clock
) -> None:
    clock.advance(days=links.LINK_LIFETIME.days + 4)  # the world's links were issued 3 days ago
    response = client.post("/api/session", json={"token": world.tokens["alice"]})
    assert response.status_code == 410
    assert response.json()["error"] == "link_expired"
    assert f"within {links.LINK_LIFETIME.days} days" in response.json()["message"]
    assert "set-cookie" not in response.headers


def test_me_after_months_unused_says_signed_out(phones: dict[str, Phone], clock: Clock) -> None:
    assert phones["alice"].get("/api/me").status_code == 200
    clock.advance(days=links.SESSION_IDLE_LIMIT.days + 1)
    response = phones["alice"].get("/api/me")
    assert response.status_code == 401
    assert response.json()["error"] == "session_expired"
