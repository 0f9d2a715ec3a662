"""POST /api/checkouts: wrap from the poster, online and replayed from the offline outbox."""

from __future__ import annotations

from datetime import timedelta

from schema import dayrecord
from schema.store.connection import connect
from schema.types import TimeSource
from tests.server.conftest import NOW, Clock, Phone, World


def post(phone: Phone, path: str, code: str, nonce: str, **extra: object) -> dict[str, object]:
    response = phone.post(path, json={"code": code, "nonce": nonce, **extra})
    assert response.status_code == 200, response.text
    return response.json()


def rows(world: World, sql: str) -> list[tuple]:
    db = connect(world.path, migrate_schema=False)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.conn.close()


def record_of(world: World, person: str):
    db = connect(world.path, migrate_schema=False)
    try:
        found = dayrecord.records(db, [world.days["today"]])
        return next(r for r in found if r.person_id == world.people[person])
    finally:
        db.conn.close()


def test_check_out_online_after_checking_in(
    phones: dict[str, Phone], world: World, clock: Clock
) -> None:
    post(phones["alice"], "/api/checkins", world.codes["stage"], "in-nonce-1")
    clock.now = NOW + timedelta(hours=13, minutes=5)  # 19:05 in London
    answer = post(phones["alice"], "/api/checkouts", world.codes["stage"], "out-nonce-1")
    assert answer["result"] == "ok"
    assert answer["location_name"] == "Stage 1"
    assert answer["at"] == "2026-12-01T19:05:00Z"
    assert answer["arrived_at"] == "2026-12-01T06:00:00Z"
    assert answer["call_at"] == "2026-12-01T07:00:00"
    record = record_of(world, "alice")
    assert record.wrap is not None
    assert (f"{record.wrap.at:%H:%M}", record.wrap.source) == ("19:05", TimeSource.SERVER)
    assert rows(world, "SELECT kind FROM events WHERE kind = 'checkin.checked_out'") == [
        ("checkin.checked_out",)
    ]


def test_replayed_offline_check_out_is_stored_once_by_nonce(
    phones: dict[str, Phone], world: World, clock: Clock
) -> None:
    post(phones["alice"], "/api/checkins", world.codes["stage"], "in-nonce-2")
    clock.now = NOW + timedelta(hours=14)  # back in signal at 20:00; tapped wrap at 19:10
    body = {"client_at": "2026-12-01T19:10:00Z", "queued": True}
    first = post(phones["alice"], "/api/checkouts", world.codes["stage"], "out-offline", **body)
    clock.advance(minutes=30)  # the outbox sends it again (the answer was lost)
    again = post(phones["alice"], "/api/checkouts", world.codes["stage"], "out-offline", **body)
    assert first == again
    assert first["result"] == "ok"
    assert first["at"] == "2026-12-01T19:10:00Z"
    assert first["replayed"] is True
    assert rows(world, "SELECT count(*) FROM checkouts") == [(1,)]
    record = record_of(world, "alice")
    assert record.wrap is not None and record.wrap.source == TimeSource.PHONE


def test_second_check_out_is_already_and_names_the_first(
    phones: dict[str, Phone], world: World, clock: Clock
) -> None:
    post(phones["alice"], "/api/checkins", world.codes["stage"], "in-nonce-3")
    clock.now = NOW + timedelta(hours=13)
    post(phones["alice"], "/api/checkouts", world.codes["stage"], "out-first")
    clock.advance(minutes=10)
    answer = post(phones["alice"], "/api/checkouts", world.codes["stage"], "out-second")
    assert answer["result"] == "already_checked_out"
    assert answer["first_at"] == "2026-12-01T19:00:00Z"
    record = record_of(world, "alice")
    assert record.wrap is not None and f"{record.wrap.at:%H:%M}" == "19:00"


def test_check_out_without_check_in_is_recorded_and_said(
    phones: dict[str, Phone], world: World, clock: Clock
) -> None:
    clock.now = NOW + timedelta(hours=13)
    answer = post(phones["bob"], "/api/checkouts", world.codes["stage"], "out-no-in")
    assert answer["result"] == "not_checked_in"
    assert rows(world, "SELECT result, day_id FROM checkouts") == [
        ("not_checked_in", world.days["today"])
    ]


def test_closed_list_answers(phones: dict[str, Phone], world: World) -> None:
    assert post(phones["alice"], "/api/checkouts", "NOTACODE", "out-unknown")["result"] == (
        "unknown_code"
    )
    rotated = post(phones["alice"], "/api/checkouts", world.codes["yard_old"], "out-rotated")
    assert rotated["result"] == "rotated_code"
    assert rotated["location_name"] == "Back Yard"
    elsewhere = post(phones["alice"], "/api/checkouts", world.codes["yard"], "out-elsewhere")
    assert elsewhere["result"] == "not_called_here_today"
    anon = post(phones["anon"], "/api/checkouts", world.codes["stage"], "out-anon")
    assert anon["result"] == "no_session"
    assert [r[0] for r in rows(world, "SELECT result FROM checkouts ORDER BY id")] == [
        "unknown_code",
        "rotated_code",
        "not_called_here_today",
    ]


def test_malformed_check_out_is_422(phones: dict[str, Phone], world: World) -> None:
    response = phones["alice"].post(
        "/api/checkouts", json={"code": world.codes["stage"], "nonce": "bad nonce!"}
    )
    assert response.status_code == 422
    assert response.json()["field"] == "nonce"
    assert rows(world, "SELECT count(*) FROM checkouts") == [(0,)]
