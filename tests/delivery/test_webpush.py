"""Web push end to end: a loopback push service verifies the VAPID signature and decrypts the
payload with the subscription's keys, as a browser's push service and phone would."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlite_utils

from schema import delivery, directory, notices, sending
from schema.directory import PersonIn
from schema.errors import InvalidInput
from schema.store.connection import write
from schema.types import NoticeKind
from tests.conftest import NOW
from tests.delivery.pushservice import PushService, b64


@pytest.fixture
def service(fresh_db: sqlite_utils.Database) -> Iterator[PushService]:
    public = delivery.push_keys(fresh_db, now=NOW)[1]
    found = PushService(public).start()
    yield found
    found.stop()


def subscribe(db: sqlite_utils.Database, service: PushService, person_id: int, name: str) -> int:
    phone = service.phone(name)
    return delivery.subscribe_push(
        db,
        person_id,
        endpoint=phone.endpoint,
        p256dh=phone.p256dh,
        auth=b64(phone.auth),
        extra_hosts=("127.0.0.1",),
        now=NOW,
    )


def notice(db: sqlite_utils.Database, person_id: int, key: str = "notice:1:person:1") -> int:
    return delivery.enqueue(
        db,
        person_id=person_id,
        kind="notice",
        key=key,
        subject="Call moved to 05:30",
        text="Your call on Tuesday is now 05:30.",
        html="<p>Your call on Tuesday is now 05:30.</p>",
        link="https://callboard.test/",
        now=NOW,
    )


def test_a_push_arrives_signed_and_decryptable(
    fresh_db: sqlite_utils.Database, service: PushService
) -> None:
    ana = directory.add_person(fresh_db, PersonIn(name="Ana Silva"), now=NOW)
    subscribe(fresh_db, service, ana.id, "ana-phone")
    notice(fresh_db, ana.id)
    done = sending.run_once(fresh_db, owner="test", now=lambda: NOW)
    assert done.sent == 1, done
    assert service.refused == []
    [(name, payload)] = service.received
    assert name == "ana-phone"
    assert payload["title"] == "Call moved to 05:30"
    assert payload["body"] == "Your call on Tuesday is now 05:30."
    assert payload["url"] == "https://callboard.test/"
    [line] = delivery.lines(fresh_db)
    assert [(c.channel, c.state) for c in line.channels] == [("webpush", "sent")]


def test_a_push_signed_with_another_key_is_refused(fresh_db: sqlite_utils.Database) -> None:
    """The service is not a rubber stamp: another production's key fails the check."""
    delivery.push_keys(fresh_db, now=NOW)
    other = PushService(expected_key="B" + "A" * 86).start()
    try:
        ana = directory.add_person(fresh_db, PersonIn(name="Ana Silva"), now=NOW)
        subscribe(fresh_db, other, ana.id, "ana-phone")
        notice(fresh_db, ana.id)
        [failed] = sending.run_once(fresh_db, owner="test", now=lambda: NOW).failed
        assert "401" in failed.reason and failed.retry_at is not None
        assert other.refused == ["not signed with the production's VAPID key"]
    finally:
        other.stop()


def test_an_expired_subscription_is_dropped(
    fresh_db: sqlite_utils.Database, service: PushService
) -> None:
    ana = directory.add_person(fresh_db, PersonIn(name="Ana Silva"), now=NOW)
    subscribe(fresh_db, service, ana.id, "old-phone")
    subscribe(fresh_db, service, ana.id, "new-phone")
    service.gone.add("old-phone")
    notice(fresh_db, ana.id)
    assert sending.run_once(fresh_db, owner="test", now=lambda: NOW).sent == 1
    assert [n for n, _ in service.received] == ["new-phone"]
    live = fresh_db.execute(
        "SELECT endpoint FROM push_subscriptions WHERE revoked_at IS NULL"
    ).fetchall()
    assert [e for (e,) in live] == [service.phones["new-phone"].endpoint]


def test_a_subscription_to_an_unknown_host_is_refused(fresh_db: sqlite_utils.Database) -> None:
    ana = directory.add_person(fresh_db, PersonIn(name="Ana Silva"), now=NOW)
    good_key = "B" + "A" * 86
    with pytest.raises(InvalidInput) as refused:
        delivery.subscribe_push(
            fresh_db,
            ana.id,
            endpoint="http://169.254.169.254/latest/meta-data",
            p256dh=good_key,
            auth="A" * 22,
            now=NOW,
        )
    assert refused.value.field == "endpoint"
    with pytest.raises(InvalidInput) as short:
        delivery.subscribe_push(
            fresh_db,
            ana.id,
            endpoint="https://fcm.googleapis.com/fcm/send/abc",
            p256dh="AAAA",
            auth="A" * 22,
            now=NOW,
        )
    assert short.value.field == "p256dh"


def test_a_notice_pushes_its_change_without_the_greeting(
    fresh_db: sqlite_utils.Database, service: PushService
) -> None:
    ana = directory.add_person(fresh_db, PersonIn(name="Ana Silva"), now=NOW)
    subscribe(fresh_db, service, ana.id, "ana-phone")
    with write(fresh_db):
        notices.create(
            fresh_db,
            day_id=None,
            kind=NoticeKind.CALL_CHANGED,
            summary="Main unit, Tue 1 Dec: your call moved from 07:00 to 05:30",
            person_ids=[ana.id],
            actor="coordinator",
            now=NOW,
        )
    assert sending.run_once(fresh_db, owner="test", now=lambda: NOW).sent == 1
    [(_, payload)] = service.received
    assert payload["body"].startswith("A change for you: Main unit, Tue 1 Dec: your call moved")
    assert "Ana" not in payload["body"]  # the sweep inside run_once queued it, greeting and all
