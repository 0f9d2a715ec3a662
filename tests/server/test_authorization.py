"""The authorization matrix: every personal endpoint, tried with another person's ids."""

from __future__ import annotations

import hashlib
from typing import Any

import httpx
import pytest

from schema.store.connection import connect
from tests.server.conftest import PDF, Phone, World

SHA = hashlib.sha256(PDF).hexdigest()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

# (name, method, path with {contract} or {notice}, request options)
OWNED: list[tuple[str, str, str, dict[str, Any]]] = [
    ("contract", "GET", "/api/contracts/{contract}", {}),
    ("viewed", "POST", "/api/contracts/{contract}/viewed", {}),
    ("document", "GET", "/api/contracts/{contract}/document", {}),
    ("download", "GET", "/api/contracts/{contract}/document?download=1", {}),
    (
        "sign",
        "POST",
        "/api/contracts/{contract}/sign",
        {"json": {"full_name": "Someone Else", "agree": True, "sha256": SHA}},
    ),
    (
        "signed-copy",
        "POST",
        "/api/contracts/{contract}/signed-copy",
        {"files": {"file": ("x.png", PNG, "image/png")}},
    ),
    ("ack", "POST", "/api/notices/{notice}/ack", {"json": {"nonce": "intruder-nonce"}}),
]


def call(
    phone: Phone, world: World, method: str, path: str, options: dict[str, Any]
) -> httpx.Response:
    url = path.format(contract=world.contracts["vic"], notice=world.notices["moved"])
    return phone.request(method, url, **options)


def snapshot(world: World) -> list[tuple]:
    """Everything an intruder might change: contracts, documents, acknowledgements."""
    db = connect(world.path, migrate_schema=False)
    try:
        return [
            *db.execute("SELECT id, status, signed_copy_id, viewed_at FROM contracts").fetchall(),
            *db.execute("SELECT count(*) FROM documents").fetchall(),
            *db.execute("SELECT * FROM notice_recipients").fetchall(),
        ]
    finally:
        db.conn.close()


@pytest.mark.parametrize(("name", "method", "path", "options"), OWNED, ids=[o[0] for o in OWNED])
@pytest.mark.parametrize("intruder", ["bob", "vic_or_alice"])
def test_another_persons_ids_are_not_found(
    phones: dict[str, Phone],
    world: World,
    name: str,
    method: str,
    path: str,
    options: dict[str, Any],
    intruder: str,
) -> None:
    # Vic's contract and Alice's notice: each tried by someone it does not concern.
    who = intruder if intruder == "bob" else ("alice" if "contract" in path else "vic")
    before = snapshot(world)
    response = call(phones[who], world, method, path, options)
    assert response.status_code == 404, (name, who, response.text)
    assert set(response.json()) == {"error", "message", "field"}
    assert PDF not in response.content
    assert snapshot(world) == before


@pytest.mark.parametrize(("name", "method", "path", "options"), OWNED, ids=[o[0] for o in OWNED])
def test_no_session_gets_401(
    phones: dict[str, Phone],
    world: World,
    name: str,
    method: str,
    path: str,
    options: dict[str, Any],
) -> None:
    before = snapshot(world)
    response = call(phones["anon"], world, method, path, options)
    assert response.status_code == 401, name
    assert response.json()["error"] == "no_session"
    assert snapshot(world) == before


@pytest.mark.parametrize(("name", "method", "path", "options"), OWNED, ids=[o[0] for o in OWNED])
def test_the_owner_may(
    phones: dict[str, Phone],
    world: World,
    name: str,
    method: str,
    path: str,
    options: dict[str, Any],
) -> None:
    owner = "alice" if name == "ack" else "vic"
    if name == "sign":
        options = {"json": {**options["json"], "full_name": "Vic Vendor"}}
    response = call(phones[owner], world, method, path, options)
    assert response.status_code == 200, (name, response.text)


@pytest.mark.parametrize("path", ["/api/me", "/api/home", "/api/contracts", "/api/calendar"])
def test_personal_reads_need_a_session(phones: dict[str, Phone], path: str) -> None:
    method = "POST" if path == "/api/calendar" else "GET"
    assert phones["anon"].request(method, path).status_code == 401


def test_lists_hold_only_my_own(phones: dict[str, Phone], world: World) -> None:
    alice_contracts = phones["alice"].get("/api/contracts").json()
    assert [c["id"] for c in alice_contracts] == [world.contracts["alice"]]
    assert phones["vic"].get("/api/home").json() == {"notices": [], "calls": [], "today": []}
    bob_home = phones["bob"].get("/api/home")
    assert bob_home.json()["notices"] == []
    assert [c["call_at"] for c in bob_home.json()["calls"]] == ["2026-12-01T08:00:00"]
    assert "bring the long lens" not in bob_home.text  # Alice's own call notes


def test_my_calendar_holds_only_my_calls(phones: dict[str, Phone]) -> None:
    url = phones["bob"].post("/api/calendar").json()["url"].removeprefix("https://callboard.test")
    feed = phones["anon"].get(url).text
    assert feed.count("BEGIN:VEVENT") == 1
    assert "long lens" not in feed


def test_checkin_is_always_for_the_cookie_holder(phones: dict[str, Phone], world: World) -> None:
    response = phones["alice"].post(
        "/api/checkins",
        json={
            "code": world.codes["stage"],
            "nonce": "nonce-spoof",
            "person_id": world.people["bob"],
        },
    )
    # A field naming someone else is not silently dropped any more: it is refused (issue #11).
    assert (response.status_code, response.json()["field"]) == (422, "person_id")
    db = connect(world.path, migrate_schema=False)
    assert db.execute("SELECT person_id FROM checkins").fetchall() == []
    db.conn.close()
    again = phones["alice"].post(
        "/api/checkins", json={"code": world.codes["stage"], "nonce": "nonce-spoof"}
    )
    assert again.status_code == 200
    db = connect(world.path, migrate_schema=False)
    assert db.execute("SELECT person_id FROM checkins").fetchall() == [(world.people["alice"],)]
    db.conn.close()


def all_responses(phones: dict[str, Phone], world: World) -> list[httpx.Response]:
    alice, vic = phones["alice"], phones["vic"]
    contract = f"/api/contracts/{world.contracts['vic']}"
    return [
        alice.get("/api/me"),
        alice.get("/api/home"),
        alice.post("/api/checkins", json={"code": world.codes["stage"], "nonce": "nonce-leak"}),
        alice.post(f"/api/notices/{world.notices['moved']}/ack", json={"nonce": "ack-leak-1"}),
        alice.get(f"/api/locations/{world.codes['stage']}"),
        vic.get("/api/contracts"),
        vic.get(contract),
        vic.post(
            contract + "/sign", json={"full_name": "Vic Vendor", "agree": True, "sha256": SHA}
        ),
        vic.post(contract + "/signed-copy", files={"file": ("x.png", PNG, "image/png")}),
        alice.get("/api/schema/openapi.json"),
    ]


def test_no_response_carries_a_token_it_did_not_just_issue(
    phones: dict[str, Phone], world: World
) -> None:
    secrets = [
        *world.tokens.values(),
        *(phone.cookies.get("callboard_session", "") for phone in phones.values()),
    ]
    secrets = [s for s in secrets if s]
    for response in all_responses(phones, world):
        blob = response.text + str(response.headers)
        for secret in secrets:
            assert secret not in blob, response.url
