"""The outbox's rules: one message per key, one sender per row, states as coordinators use
them, change notices and contracts picked up from the events so none is missed."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlite_utils

from schema import contracts, delivery, directory, notices, production, reach
from schema.directory import PersonIn
from schema.errors import InvalidInput, RuleViolation
from schema.store.connection import write
from schema.types import NoticeKind
from tests.conftest import NOW
from tests.schema import factories


def ana(db: sqlite_utils.Database) -> int:
    return directory.add_person(db, PersonIn(name="Ana Silva", email="ana@crew.test"), now=NOW).id


def enqueue(db: sqlite_utils.Database, person_id: int, key: str = "k1", ref: str = "") -> int:
    return delivery.enqueue(
        db,
        person_id=person_id,
        kind="notice",
        key=key,
        subject="Subject",
        text="Text",
        html="<p>Text</p>",
        link="https://callboard.test/",
        ref=ref,
        now=NOW,
    )


def test_enqueueing_the_same_key_twice_is_a_no_op(fresh_db: sqlite_utils.Database) -> None:
    person = ana(fresh_db)
    first = enqueue(fresh_db, person)
    assert enqueue(fresh_db, person) == first
    assert fresh_db.execute("SELECT count(*) FROM outbox").fetchone()[0] == 1
    queued = fresh_db.execute("SELECT count(*) FROM events WHERE kind = 'delivery.queued'")
    assert queued.fetchone()[0] == 1


def test_two_senders_never_hold_the_same_row_until_the_lease_ends(
    fresh_db: sqlite_utils.Database,
) -> None:
    person = ana(fresh_db)
    for n in range(3):
        enqueue(fresh_db, person, key=f"k{n}")
    lease = timedelta(minutes=2)
    a = delivery.claim(fresh_db, owner="a", channels=["email"], now=NOW, lease=lease, limit=2)
    b = delivery.claim(fresh_db, owner="b", channels=["email"], now=NOW, lease=lease)
    assert len(a) == 2 and len(b) == 1
    assert {c.message.delivery_id for c in a}.isdisjoint({c.message.delivery_id for c in b})
    # Sender a dies; after its lease, c takes its rows over with the same Message-IDs.
    later = NOW + lease + timedelta(seconds=1)
    c = delivery.claim(fresh_db, owner="c", channels=["email"], now=later, lease=lease)
    taken_over = {x.message.delivery_id: x.message.header_id for x in c}
    assert len(taken_over) == 3
    assert all(taken_over[x.message.delivery_id] == x.message.header_id for x in a)


def test_a_deliberate_resend_gets_a_new_message_id(fresh_db: sqlite_utils.Database) -> None:
    message = enqueue(fresh_db, ana(fresh_db))
    [first] = delivery.claim(fresh_db, owner="a", channels=["email"], now=NOW)
    delivery.record_sent(fresh_db, first.message.delivery_id, owner="a", now=NOW)
    assert delivery.resend(fresh_db, [message], now=NOW) == 1
    [again] = delivery.claim(fresh_db, owner="a", channels=["email"], now=NOW)
    assert again.message.delivery_id == first.message.delivery_id
    assert again.message.header_id != first.message.header_id


def test_a_failure_after_the_last_attempt_is_not_retried(fresh_db: sqlite_utils.Database) -> None:
    enqueue(fresh_db, ana(fresh_db))
    at = NOW
    for _ in range(delivery.MAX_ATTEMPTS):
        [item] = delivery.claim(fresh_db, owner="a", channels=["email"], now=at)
        retry = delivery.record_failed(
            fresh_db, item.message.delivery_id, owner="a", reason="down", retry=True, now=at
        )
        at = retry or at
    assert retry is None
    assert delivery.claim(fresh_db, owner="a", channels=["email"], now=at + timedelta(days=1)) == []


def test_a_notice_is_queued_once_and_confirmed_by_its_acknowledgement(
    fresh_db: sqlite_utils.Database,
) -> None:
    person = ana(fresh_db)
    nobody = directory.add_person(fresh_db, PersonIn(name="No Email"), now=NOW).id
    with write(fresh_db):
        notice = notices.create(
            fresh_db,
            day_id=None,
            kind=NoticeKind.CALL_CHANGED,
            summary="Your call on Tue 1 Dec is now 05:30",
            person_ids=[person, nobody],
            actor="coordinator",
            now=NOW,
        )
    assert reach.sweep(fresh_db, now=NOW) > 0
    reach.sweep(fresh_db, now=NOW)  # again: nothing new
    found = {line.name: line for line in delivery.lines(fresh_db)}
    assert set(found) == {"Ana Silva", "No Email"}
    assert found["Ana Silva"].state == "queued"
    assert found["No Email"].state == "unreachable"  # to be told in person
    assert "05:30" in found["Ana Silva"].subject

    delivery.mark_opened(fresh_db, person, [f"notice:{notice}"], now=NOW)
    assert delivery.lines(fresh_db, person_id=person)[0].state == "opened"
    notices.acknowledge(fresh_db, person, notice, now=NOW + timedelta(minutes=3))
    reach.sweep(fresh_db, now=NOW + timedelta(minutes=4))
    line = delivery.lines(fresh_db, person_id=person)[0]
    assert line.state == "confirmed" and line.confirmed_at == NOW + timedelta(minutes=3)

    delivery.tell_in_person(fresh_db, found["No Email"].message_id, actor="maria", now=NOW)
    told = delivery.lines(fresh_db, person_id=nobody)[0]
    assert (told.state, told.told_by) == ("told", "maria")
    assert delivery.lines(fresh_db, unconfirmed_only=True) == []


def test_a_contract_waiting_for_signature_is_sent_and_confirmed_by_signing(
    fresh_db: sqlite_utils.Database,
) -> None:
    vera = directory.get_person(fresh_db, ana(fresh_db))
    contract = factories.sent(fresh_db, vera)
    reach.sweep(fresh_db, now=NOW)
    [line] = delivery.lines(fresh_db)
    assert (line.kind, line.ref) == ("contract", f"contract:{contract.id}")
    contracts.sign(
        fresh_db,
        contract.id,
        vera.id,
        full_name=vera.name,
        shown_sha256=contract.document_sha256 or "",
        agreed=True,
        ip="203.0.113.5",
        user_agent="pytest",
        now=NOW,
    )
    reach.sweep(fresh_db, now=NOW)
    assert delivery.lines(fresh_db)[0].state == "confirmed"


def test_reminders_go_to_the_unconfirmed_only_once_a_minute(
    fresh_db: sqlite_utils.Database,
) -> None:
    first, second = (
        ana(fresh_db),
        directory.add_person(
            fresh_db, PersonIn(name="Ben Okafor", email="ben@crew.test"), now=NOW
        ).id,
    )
    enqueue(fresh_db, first, key="a", ref="notice:1")
    enqueue(fresh_db, second, key="b", ref="notice:1")
    delivery.confirm(fresh_db, second, "notice:1", at=NOW, actor="person:2", now=NOW)
    assert reach.remind(fresh_db, now=NOW) == 1
    assert reach.remind(fresh_db, now=NOW) == 0
    reminders = [line for line in delivery.lines(fresh_db) if line.kind == "reminder"]
    assert [(r.name, r.ref) for r in reminders] == [("Ana Silva", "notice:1")]
    # Confirming the change confirms its reminder too.
    delivery.confirm(fresh_db, first, "notice:1", at=NOW, actor="person:1", now=NOW)
    assert delivery.lines(fresh_db, unconfirmed_only=True) == []


def test_a_spent_personal_link_is_never_resent(fresh_db: sqlite_utils.Database) -> None:
    [invited] = reach.send_invites(fresh_db, [ana(fresh_db)], now=NOW)
    [item] = delivery.claim(fresh_db, owner="a", channels=["email"], now=NOW)
    delivery.record_sent(fresh_db, item.message.delivery_id, owner="a", now=NOW)
    assert invited.message_id is not None
    with pytest.raises(RuleViolation):
        delivery.resend(fresh_db, [invited.message_id], now=NOW)


def test_smtp_settings_are_checked(fresh_db: sqlite_utils.Database) -> None:
    version = production.get(fresh_db).version
    for field, value in [
        ("smtp_host", "mail host"),
        ("smtp_port", 70000),
        ("smtp_from", "Office\r\nBcc: x@y.z <o@p.q>"),
        ("smtp_from", "not an address"),
        ("smtp_tls", "maybe"),
    ]:
        with pytest.raises(InvalidInput) as refused:
            production.update(fresh_db, version, {field: value})
        assert refused.value.field == field
    saved = production.update(
        fresh_db, version, {"smtp_host": "smtp.example.org", "smtp_from": "Office <o@p.org>"}
    )
    assert (saved.smtp_host, saved.smtp_from, saved.smtp_port) == (
        "smtp.example.org",
        "Office <o@p.org>",
        587,
    )


def test_a_link_is_done_once_a_phone_opened_it(fresh_db: sqlite_utils.Database) -> None:
    person = ana(fresh_db)
    reach.send_invites(fresh_db, [person], now=NOW)
    [waiting] = delivery.lines(fresh_db, unconfirmed_only=True)
    assert waiting.kind == "invite" and not waiting.confirmed
    assert reach.remind(fresh_db, now=NOW) == 0  # a spent link is never sent again
    delivery.mark_opened(fresh_db, person, ["invite"], now=NOW)
    assert delivery.lines(fresh_db, unconfirmed_only=True) == []
    assert delivery.lines(fresh_db)[0].confirmed


def test_with_remind_hours_the_unconfirmed_are_reminded_once_before_call(
    fresh_db: sqlite_utils.Database,
) -> None:
    person = ana(fresh_db)
    production.update(fresh_db, production.get(fresh_db).version, {"remind_hours": 12})
    tomorrow = factories.day(fresh_db, NOW.date() + timedelta(days=1))  # call 07:00 local
    with write(fresh_db):
        notices.create(
            fresh_db,
            day_id=tomorrow.id,
            kind=NoticeKind.CALL_CHANGED,
            summary="Your call tomorrow is now 07:00",
            person_ids=[person],
            actor="coordinator",
            now=NOW,
        )
    reach.sweep(fresh_db, now=NOW)  # 25 hours before call: too early
    assert [line.kind for line in delivery.lines(fresh_db)] == ["notice"]
    evening = NOW + timedelta(hours=14)  # 20:00, 11 hours before call
    reach.sweep(fresh_db, now=evening)
    reach.sweep(fresh_db, now=evening + timedelta(minutes=5))
    assert sorted(line.kind for line in delivery.lines(fresh_db)) == ["notice", "reminder"]
