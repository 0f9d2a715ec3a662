"""Unknown fields are refused on every JSON endpoint (docs/api.md), nested objects included,
and client_at is kept for the audit even when the server does not believe it (issue #11)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args, get_origin

import msgspec
import pytest
from litestar import Litestar, post
from litestar.params import JSONBody
from litestar.testing import TestClient

from schema import checkins
from server.app import create_app
from server.bodies import RequestBody, refuses_unknown_fields, strict_json_body
from server.errors import EXCEPTION_HANDLERS
from tests.server.conftest import Phone, World
from tests.server.test_contracts import SHA, contract_url


def _structs(kind: Any) -> list[type]:
    """A type and every Struct it holds (fields, optionals, lists)."""
    if isinstance(kind, type) and issubclass(kind, msgspec.Struct):
        found: list[type] = [kind]
        for field in msgspec.structs.fields(kind):
            found += _structs(field.type)
        return found
    return [inner for arg in get_args(kind) for inner in _structs(arg)] if get_origin(kind) else []


def test_every_json_body_refuses_unknown_fields(world: World) -> None:
    app = create_app(str(world.path))
    bodies = [
        handler
        for route in app.routes
        for handler in getattr(route, "route_handlers", [])
        if handler.parsed_data_field is not None and not handler.opt.get("multipart")
    ]
    assert len(bodies) >= 4  # session, check-in, acknowledge, sign (and whatever comes next)
    for handler in bodies:
        for kind in _structs(handler.parsed_data_field.annotation):
            assert refuses_unknown_fields(kind), (handler, kind)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/checkins", {"code": "ABCDEFGH", "nonce": "nonce-extra", "colour": "red"}),
        ("/api/checkins", {"code": "ABCDEFGH", "nonce": "nonce-extra", "cilent_at": None}),
        (
            "/api/checkins",
            {
                "code": "ABCDEFGH",
                "nonce": "nonce-extra",
                "position": {"lat": 1, "lon": 2, "alt": 3},
            },
        ),
        ("/api/session", {"token": "A" * 27, "admin": True}),
    ],
)
def test_an_unknown_field_is_a_422_naming_it(
    phones: dict[str, Phone], path: str, body: dict[str, object]
) -> None:
    response = phones["alice"].post(path, json=body)
    assert response.status_code == 422, response.text
    assert "unknown field" in response.json()["message"]
    assert response.json()["field"] in {"colour", "cilent_at", "position.alt", "admin"}


def test_sign_and_acknowledge_refuse_unknown_fields(phones: dict[str, Phone], world: World) -> None:
    body = {"full_name": "Vic Vendor", "agree": True, "sha256": SHA, "signed_for": "someone"}
    response = phones["vic"].post(contract_url(world, "vic", "/sign"), json=body)
    assert (response.status_code, response.json()["field"]) == (422, "signed_for")
    ack = {"nonce": "nonce-ack-extra", "extra": 1}
    response = phones["alice"].post(f"/api/notices/{world.notices['moved']}/ack", json=ack)
    assert (response.status_code, response.json()["field"]) == (422, "extra")


def test_signing_needs_agree_said_outright(phones: dict[str, Phone], world: World) -> None:
    """As the API document says: `agree` is required, and a blank name is refused."""
    missing = phones["vic"].post(
        contract_url(world, "vic", "/sign"), json={"full_name": "Vic Vendor", "sha256": SHA}
    )
    assert (missing.status_code, missing.json()["field"]) == (422, "agree")
    empty = phones["vic"].post(
        contract_url(world, "vic", "/sign"), json={"full_name": "", "agree": True, "sha256": SHA}
    )
    assert (empty.status_code, empty.json()["field"]) == (422, "full_name")


class Loose(msgspec.Struct):
    """A body type that forgot RequestBody: the strict decoder still refuses unknown keys."""

    name: str


@post("/loose", sync_to_thread=False)
def loose(data: JSONBody[Loose]) -> dict[str, str]:
    return {"name": data.name}


def test_a_body_type_without_the_base_is_still_checked() -> None:
    app = Litestar([loose], before_request=strict_json_body, exception_handlers=EXCEPTION_HANDLERS)
    with TestClient(app) as client:
        assert client.post("/loose", json={"name": "x"}).status_code == 201
        refused = client.post("/loose", json={"name": "x", "nmae": "y"})
        assert (refused.status_code, refused.json()["field"]) == (422, "nmae")


class Inner(RequestBody):
    a: int


class Outer(RequestBody):
    inner: Inner


def test_request_body_base_refuses_nested() -> None:
    with pytest.raises(msgspec.ValidationError, match="unknown field `b`"):
        msgspec.json.decode(b'{"inner": {"a": 1, "b": 2}}', type=Outer)


def test_an_ignored_phone_time_is_kept_for_the_audit(
    phones: dict[str, Phone], world: World, tmp_path: Path
) -> None:
    told = "2020-01-01T00:00:00+00:00"  # years ago: not believed for the arrival time
    body = {
        "code": world.codes["stage"],
        "nonce": "nonce-audit-1",
        "client_at": told,
        "queued": True,
    }
    answer = phones["alice"].post("/api/checkins", json=body).json()
    assert answer["at"] != told
    from schema.store.connection import connect

    db = connect(world.path, migrate_schema=False)
    try:
        stored = checkins.history(db)[-1]
    finally:
        db.conn.close()
    assert stored.client_at is not None and stored.client_at.isoformat() == told
