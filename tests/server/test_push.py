"""The push subscription API: session-bound, strict bodies, only real push services; and the
home read marking what was sent about it as opened."""

from __future__ import annotations

import threading
from pathlib import Path

from litestar.testing import TestClient

from schema import delivery, reach
from schema.store.connection import connect
from tests.server.conftest import NOW, Clock, Phone, World, make_app

P256DH = "B" + "A" * 86  # 65 bytes, base64url
AUTH = "A" * 22  # 16 bytes
ENDPOINT = "https://fcm.googleapis.com/fcm/send/abc123"


def subscription(**changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "endpoint": ENDPOINT,
        "expirationTime": None,
        "keys": {"p256dh": P256DH, "auth": AUTH},
    }
    return {**body, **changes}


def test_the_key_and_a_subscription_need_a_session(phones: dict[str, Phone]) -> None:
    assert phones["anon"].get("/api/push/key").status_code == 401
    assert phones["anon"].post("/api/push/subscriptions", json=subscription()).status_code == 401


def test_a_phone_subscribes_with_the_productions_key(
    phones: dict[str, Phone], world: World
) -> None:
    key = phones["alice"].get("/api/push/key")
    assert key.status_code == 200
    db = connect(world.path)
    assert key.json()["public_key"] == delivery.push_keys(db, now=NOW)[1]
    answer = phones["alice"].post("/api/push/subscriptions", json=subscription())
    assert answer.status_code == 201, answer.text
    rows = db.execute("SELECT person_id, endpoint FROM push_subscriptions").fetchall()
    assert rows == [(world.people["alice"], ENDPOINT)]
    off = phones["alice"].post("/api/push/unsubscribe", json={"endpoint": ENDPOINT})
    assert off.status_code == 200 and off.json() == {"subscribed": False}
    live = db.execute("SELECT count(*) FROM push_subscriptions WHERE revoked_at IS NULL")
    assert live.fetchone()[0] == 0


def test_bad_subscriptions_are_refused_with_the_field(phones: dict[str, Phone]) -> None:
    cases = [
        (subscription(endpoint="http://127.0.0.1:8000/steal"), "endpoint"),
        (subscription(endpoint="https://fcm.googleapis.com.evil.test/x"), "endpoint"),
        (subscription(keys={"p256dh": "AAAA" * 5, "auth": AUTH}), "p256dh"),
        (subscription(keys={"p256dh": P256DH, "auth": AUTH, "extra": "x"}), None),
        ({**subscription(), "admin": True}, None),
    ]
    for body, field in cases:
        answer = phones["alice"].post("/api/push/subscriptions", json=body)
        assert answer.status_code in (400, 422), (body, answer.text)
        if field:
            assert answer.json().get("field") == field, answer.text


def test_opening_home_marks_the_notice_and_invite_opened(
    phones: dict[str, Phone], world: World
) -> None:
    db = connect(world.path)
    reach.sweep(db, now=NOW)  # the world's history: its notice is queued to alice
    refs = {line.ref: line for line in delivery.lines(db, person_id=world.people["alice"])}
    notice_ref = f"notice:{world.notices['moved']}"
    assert refs[notice_ref].state == "queued"
    assert phones["alice"].get("/api/home").status_code == 200
    after = {line.ref: line for line in delivery.lines(db, person_id=world.people["alice"])}
    assert after[notice_ref].state == "opened"
    opened = db.execute("SELECT count(*) FROM events WHERE kind = 'delivery.opened'")
    assert opened.fetchone()[0] == 1
    phones["alice"].get("/api/home")  # a second read writes nothing new
    again = db.execute("SELECT count(*) FROM events WHERE kind = 'delivery.opened'")
    assert again.fetchone()[0] == 1


def test_the_server_runs_its_sender_and_stops_it(
    world: World, static_dir: Path, clock: Clock
) -> None:
    app = make_app(world, static_dir, clock, sender=True)
    with TestClient(app) as client:
        assert client.get("/api/health").status_code == 200
        senders = [t for t in threading.enumerate() if t.name == "callboard-sender"]
        assert len(senders) == 1 and senders[0].is_alive()
    senders[0].join(5)
    assert not senders[0].is_alive()
