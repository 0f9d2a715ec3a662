"""Page URLs answer the app shell; the PWA's root files; OpenAPI; health."""

from __future__ import annotations

from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from tests.server.conftest import SHELL, Clock, World, make_app


@pytest.mark.parametrize(
    "path", ["/", "/p/SomeToken_0123456789abc", "/l/ACDEFGHJ", "/contracts", "/contracts/7"]
)
def test_pages_answer_the_app_shell(client: TestClient[Litestar], path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.content == SHELL
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] in {"no-cache", "no-store"}


def test_opening_a_link_page_does_not_spend_it(client: TestClient[Litestar], world: World) -> None:
    """Link previewers (chat apps) fetch URLs; only the page's own POST spends the token."""
    client.get(f"/p/{world.tokens['alice']}")
    assert client.post("/api/session", json={"token": world.tokens["alice"]}).status_code == 200


def test_service_worker_may_control_the_whole_site(client: TestClient[Litestar]) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.headers["service-worker-allowed"] == "/"
    assert response.headers["cache-control"] == "no-cache"
    assert "javascript" in response.headers["content-type"]


def test_manifest(client: TestClient[Litestar]) -> None:
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/manifest+json")
    assert response.json() == {"name": "Callboard"}


def test_static_files(client: TestClient[Litestar]) -> None:
    response = client.get("/static/app.js")
    assert response.status_code == 200
    assert response.text == "export {};\n"
    assert client.get("/static/nothing.js").status_code == 404
    assert client.get("/static/../index.html").status_code == 404


def test_missing_shell_is_a_clear_error(world: World, tmp_path: Path, clock: Clock) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with TestClient(make_app(world, empty, clock)) as client:
        response = client.get("/")
    assert response.status_code == 503
    assert response.json()["error"] == "app_missing"


def test_openapi_describes_the_api(client: TestClient[Litestar]) -> None:
    response = client.get("/api/schema/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in [
        "/api/session",
        "/api/me",
        "/api/home",
        "/api/checkins",
        "/api/notices/{notice_id}/ack",
        "/api/locations/{code}",
        "/api/calendar",
        "/api/contracts",
        "/api/contracts/{contract_id}",
        "/api/contracts/{contract_id}/document",
        "/api/contracts/{contract_id}/sign",
        "/api/contracts/{contract_id}/signed-copy",
        "/api/health",
    ]:
        assert path in paths, path


def test_health(client: TestClient[Litestar]) -> None:
    assert client.get("/api/health").json() == {"ok": True}


def test_location_lookup_is_public(client: TestClient[Litestar], world: World) -> None:
    response = client.get(f"/api/locations/{world.codes['stage']}")
    assert response.status_code == 200
    assert response.json() == {
        "name": "Stage 1",
        "address": "1 Studio Way",
        "map_url": "https://www.openstreetmap.org/?mlat=51.5&mlon=-0.1#map=17/51.5/-0.1",
        "current": True,
    }
    rotated = client.get(f"/api/locations/{world.codes['yard_old']}").json()
    assert rotated["current"] is False and rotated["name"] == "Back Yard"
    unknown = client.get("/api/locations/NOPE")
    assert unknown.status_code == 404
    assert unknown.json()["error"] == "unknown_code"


def test_app_from_env(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from server.app import app_from_env

    monkeypatch.setenv("CALLBOARD_DB", str(world.path))
    monkeypatch.setenv("CALLBOARD_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8")
    monkeypatch.setenv("CALLBOARD_SECURE_COOKIES", "1")
    app = app_from_env()
    settings = app.state.settings
    assert settings.db_path == str(world.path)
    assert [str(n) for n in settings.trusted_proxies] == ["127.0.0.1/32", "10.0.0.0/8"]
    assert settings.secure_cookies is True
    # At the production's own address: the Host is checked (tests/server/test_host_and_head.py).
    with TestClient(app, base_url="https://callboard.test") as client:
        assert client.get("/api/health").status_code == 200


def test_a_link_page_is_never_cached(client: TestClient[Litestar]) -> None:
    assert client.get("/p/SomeToken_0123456789abc").headers["cache-control"] == "no-store"
