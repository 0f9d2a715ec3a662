"""POST /api/checkins: every reason in the closed list, idempotency by nonce, position, replay."""

from __future__ import annotations

from datetime import timedelta

import pytest

from schema import links
from schema.store.connection import connect
from tests.server.conftest import NOW, Clock, Phone, World


def checkin(phone: Phone, code: str, nonce: str, **extra: object) -> dict[str, object]:
    response = phone.post("/api/checkins", json={"code": code, "nonce": nonce, **extra})
    assert response.status_code == 200, response.text
    return response.json()


def rows(world: World, sql: str = "SELECT result FROM checkins ORDER BY id") -> list[tuple]:
    db = connect(world.path, migrate_schema=False)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.conn.close()


def test_on_time(phones: dict[str, Phone], world: World) -> None:
    answer = checkin(phones["alice"], world.codes["stage"], "nonce-ok-1")
    assert answer["result"] == "ok"
    assert answer["location_name"] == "Stage 1"
    assert answer["call_at"] == "2026-12-01T07:00:00"
    assert answer["late_minutes"] == 0
    assert answer["at"] == "2026-12-01T06:00:00Z"
    assert answer["replayed"] is False


def test_late_by_n_minutes(phones: dict[str, Phone], world: World, clock: Clock) -> None:
    clock.now = NOW + timedelta(hours=1, minutes=11, seconds=30)  # 07:11:30 for a 07:00 call
    answer = checkin(phones["alice"], world.codes["stage"], "nonce-late-1")
    assert answer["result"] == "late"
    assert answer["late_minutes"] == 12


def test_already_checked_in_says_when(phones: dict[str, Phone], world: World, clock: Clock) -> None:
    checkin(phones["alice"], world.codes["stage"], "nonce-first")
    clock.advance(minutes=20)
    answer = checkin(phones["alice"], world.codes["stage"], "nonce-second")
    assert answer["result"] == "already_checked_in"
    assert answer["first_at"] == "2026-12-01T06:00:00Z"
    assert [r[0] for r in rows(world)] == ["ok", "already_checked_in"]


def test_not_called_here_today_is_still_recorded(phones: dict[str, Phone], world: World) -> None:
    answer = checkin(phones["alice"], world.codes["yard"], "nonce-elsewhere")
    assert answer["result"] == "not_called_here_today"
    assert answer["location_name"] == "Back Yard"
    assert answer["called_elsewhere"] == "Stage 1"
    assert rows(world, "SELECT result, location_id, person_id FROM checkins") == [
        ("not_called_here_today", world.location_ids["yard"], world.people["alice"])
    ]


def test_unknown_code(phones: dict[str, Phone]) -> None:
    answer = checkin(phones["alice"], "NOTACODE", "nonce-unknown")
    assert answer["result"] == "unknown_code"
    assert answer["location_name"] is None


def test_rotated_code_names_the_place(phones: dict[str, Phone], world: World) -> None:
    answer = checkin(phones["alice"], world.codes["yard_old"], "nonce-rotated")
    assert answer["result"] == "rotated_code"
    assert answer["location_name"] == "Back Yard"


def test_code_typed_by_hand_is_normalized(phones: dict[str, Phone], world: World) -> None:
    code = world.codes["stage"]
    answer = checkin(phones["alice"], f" {code[:4].lower()}-{code[4:].lower()} ", "nonce-typed")
    assert answer["result"] == "ok"


def test_no_session_is_an_answer_not_an_error(phones: dict[str, Phone], world: World) -> None:
    answer = checkin(phones["anon"], world.codes["stage"], "nonce-anon")
    assert answer["result"] == "no_session"
    assert rows(world) == []


def test_garbage_cookie_is_no_session(phones: dict[str, Phone], world: World) -> None:
    phones["anon"].cookies["callboard_session"] = "x" * 30
    assert checkin(phones["anon"], world.codes["stage"], "nonce-garbage")["result"] == "no_session"


def test_revoked_session(phones: dict[str, Phone], world: World) -> None:
    db = connect(world.path, migrate_schema=False)
    links.revoke_all(db, world.people["alice"], now=NOW)
    db.conn.close()
    answer = checkin(phones["alice"], world.codes["stage"], "nonce-revoked")
    assert answer["result"] == "link_revoked"
    assert rows(world) == []


def test_same_nonce_is_the_same_checkin(
    phones: dict[str, Phone], world: World, clock: Clock
) -> None:
    first = checkin(phones["alice"], world.codes["stage"], "nonce-replay")
    clock.advance(hours=2)  # a late replay must not turn into "late" or "already"
    again = checkin(phones["alice"], world.codes["stage"], "nonce-replay")
    assert again == first
    assert rows(world) == [("ok",)]


def test_nonce_is_per_person(phones: dict[str, Phone], world: World) -> None:
    checkin(phones["alice"], world.codes["stage"], "shared-nonce")
    answer = checkin(phones["bob"], world.codes["stage"], "shared-nonce")
    assert answer["result"] == "ok"
    assert answer["call_at"] == "2026-12-01T08:00:00"
    assert len(rows(world)) == 2


def test_queued_offline_checkin_keeps_its_time(
    phones: dict[str, Phone], world: World, clock: Clock
) -> None:
    clock.now = NOW + timedelta(hours=3)  # back online at 09:00, scanned at 06:50
    answer = checkin(
        phones["alice"],
        world.codes["stage"],
        "nonce-offline",
        client_at="2026-12-01T06:50:00Z",
        queued=True,
    )
    assert answer["result"] == "ok"
    assert answer["at"] == "2026-12-01T06:50:00Z"
    assert answer["replayed"] is True
    received, client = rows(world, "SELECT received_at, client_at FROM checkins")[0]
    assert received.startswith("2026-12-01T09:00") and client.startswith("2026-12-01T06:50")


def test_far_position_is_flagged_never_refused(phones: dict[str, Phone], world: World) -> None:
    answer = checkin(
        phones["alice"],
        world.codes["stage"],
        "nonce-far",
        position={"lat": 51.6, "lon": -0.1, "accuracy_m": 20},
    )
    assert answer["result"] == "ok"
    assert answer["far"] is True
    assert 11_000 < answer["distance_m"] < 11_200  # type: ignore[operator]


def test_near_position(phones: dict[str, Phone], world: World) -> None:
    answer = checkin(
        phones["alice"], world.codes["stage"], "nonce-near", position={"lat": 51.5, "lon": -0.1}
    )
    assert answer["far"] is False
    assert answer["distance_m"] == 0


def test_client_ip_and_browser_are_recorded(phones: dict[str, Phone], world: World) -> None:
    phones["alice"].post(
        "/api/checkins",
        json={"code": world.codes["stage"], "nonce": "nonce-audit"},
        headers={"User-Agent": "TestPhone/1.0"},
    )
    assert rows(world, "SELECT ip, user_agent FROM checkins") == [("testclient", "TestPhone/1.0")]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"code": "ABC", "nonce": "short"}, "nonce"),
        ({"code": "ABC", "nonce": "has spaces in it"}, "nonce"),
        ({"nonce": "nonce-missing-code"}, "code"),
        ({"code": 12345678, "nonce": "nonce-int-code"}, "code"),
        ({"code": "ABC", "nonce": "nonce-naive", "client_at": "2026-12-01T06:00:00"}, "client_at"),
        ({"code": "ABC", "nonce": "nonce-bad-time", "client_at": "yesterday"}, "client_at"),
        ({"code": "ABC", "nonce": "nonce-pos", "position": {"lat": "north", "lon": 0}}, "position"),
        ({"code": "ABC", "nonce": "nonce-mars", "position": {"lat": 95, "lon": 0}}, "position"),
        ({"code": "A" * 65, "nonce": "nonce-long-code"}, "code"),
        ({"code": "ABC", "nonce": "nonce-queued", "queued": "yes"}, "queued"),
    ],
)
def test_malformed_checkin_is_422_naming_the_field(
    phones: dict[str, Phone], body: dict[str, object], field: str
) -> None:
    response = phones["alice"].post("/api/checkins", json=body)
    assert response.status_code == 422, response.text
    error = response.json()
    assert error["error"] == "invalid_input"
    assert error["field"].split(".")[0] == field
    assert error["message"]


def test_expired_session(phones: dict[str, Phone], world: World, clock: Clock) -> None:
    clock.advance(days=links.SESSION_IDLE_LIMIT.days + 1)
    answer = checkin(phones["alice"], world.codes["stage"], "nonce-expired")
    assert answer["result"] == "session_expired"
    assert rows(world) == []
