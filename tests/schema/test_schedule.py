"""The schedule: moving a day notifies everyone called, in the same transaction."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlite_utils

from schema import notices, schedule
from schema.errors import InvalidInput, StaleEdit
from schema.store import events
from schema.types import NoticeKind
from tests.conftest import NOW
from tests.schema import factories


@pytest.fixture
def called_day(fresh_db: sqlite_utils.Database) -> tuple[schedule.Day, list[int]]:
    mill = factories.location(fresh_db)
    shoot = factories.day(fresh_db, location_id=mill.id)
    people = [factories.person(fresh_db, n).id for n in ("Ana", "Bo", "Cy")]
    for pid in people:
        schedule.call_person(fresh_db, shoot.id, pid, call=time(6, 30), now=NOW)
    return shoot, people


def test_location_change_notifies_everyone_called(
    fresh_db: sqlite_utils.Database, called_day: tuple
) -> None:
    shoot, people = called_day
    quay = factories.location(fresh_db, "Blackwall Quay")
    schedule.move_day(fresh_db, shoot.id, shoot.version, location_id=quay.id, now=NOW)
    [status] = notices.list_all(fresh_db)
    assert status.notice.kind == NoticeKind.LOCATION_CHANGED
    assert "now Blackwall Quay (was Harbour Mill)" in status.notice.summary
    assert (status.recipients, status.acknowledged) == (3, 0)
    assert {r.person_id for r in notices.recipients(fresh_db, status.notice.id)} == set(people)


def test_call_change_moves_personal_calls_too(
    fresh_db: sqlite_utils.Database, called_day: tuple
) -> None:
    shoot, _ = called_day
    moved = schedule.move_day(fresh_db, shoot.id, shoot.version, call=time(8, 0), now=NOW)
    assert moved.call_at == datetime(2026, 12, 1, 8, 0)
    assert moved.wrap_at == datetime(2026, 12, 1, 20, 0)
    lines = schedule.calls_for_day(fresh_db, shoot.id)
    assert {line.call.call_at for line in lines} == {datetime(2026, 12, 1, 7, 30)}
    [status] = notices.list_all(fresh_db)
    assert status.notice.kind == NoticeKind.CALL_CHANGED
    assert "from 07:00 to 08:00" in status.notice.summary


def test_a_change_that_fails_writes_no_notice(
    fresh_db: sqlite_utils.Database, called_day: tuple
) -> None:
    shoot, _ = called_day
    schedule.move_day(fresh_db, shoot.id, shoot.version, call=time(8, 0), now=NOW)
    with pytest.raises(StaleEdit):
        schedule.move_day(fresh_db, shoot.id, shoot.version, call=time(9, 0), now=NOW)
    assert len(notices.list_all(fresh_db)) == 1


def test_acknowledge_is_idempotent(fresh_db: sqlite_utils.Database, called_day: tuple) -> None:
    shoot, people = called_day
    schedule.move_day(fresh_db, shoot.id, shoot.version, to_date=date(2026, 12, 2), now=NOW)
    [status] = notices.list_all(fresh_db)
    assert status.notice.kind == NoticeKind.DATE_CHANGED
    first = notices.acknowledge(fresh_db, people[0], status.notice.id, nonce="ack-1", now=NOW)
    again = notices.acknowledge(fresh_db, people[0], status.notice.id, nonce="ack-1")
    assert first == again == NOW
    assert notices.list_all(fresh_db)[0].acknowledged == 1
    assert notices.for_person(fresh_db, people[0]) == []
    assert len(notices.for_person(fresh_db, people[1])) == 1


def test_deleting_a_day_sends_a_cancellation(
    fresh_db: sqlite_utils.Database, called_day: tuple
) -> None:
    shoot, _ = called_day
    schedule.delete_day(fresh_db, shoot.id, shoot.version, now=NOW)
    [status] = notices.list_all(fresh_db)
    assert status.notice.kind == NoticeKind.DAY_CANCELLED
    assert status.recipients == 3
    assert schedule.list_days(fresh_db) == []


def test_calling_twice_or_unknown_is_refused(
    fresh_db: sqlite_utils.Database, called_day: tuple
) -> None:
    shoot, people = called_day
    with pytest.raises(InvalidInput, match="already called"):
        schedule.call_person(fresh_db, shoot.id, people[0], now=NOW)
    with pytest.raises(InvalidInput) as error:
        schedule.call_person(fresh_db, shoot.id, 999, now=NOW)
    assert error.value.field == "person_id"


def test_release(fresh_db: sqlite_utils.Database, called_day: tuple) -> None:
    shoot, _people = called_day
    line = schedule.calls_for_day(fresh_db, shoot.id)[0]
    schedule.release_person(fresh_db, line.call.id, line.call.version, now=NOW)
    assert len(schedule.calls_for_day(fresh_db, shoot.id)) == 2


def test_unknown_location_is_a_field_error(fresh_db: sqlite_utils.Database) -> None:
    with pytest.raises(InvalidInput) as error:
        factories.day(fresh_db, location_id=42)
    assert error.value.field == "location_id"


@pytest.fixture
def moved(fresh_db: sqlite_utils.Database, called_day: tuple) -> tuple:
    """The day's call moved: one notice to the three people called, acknowledged 3 h later."""
    shoot, people = called_day
    schedule.move_day(fresh_db, shoot.id, shoot.version, call=time(8, 0), now=NOW)
    [status] = notices.list_all(fresh_db)
    return status, people, NOW + timedelta(hours=3)


def test_an_online_acknowledgement_ignores_the_phone_clock(
    fresh_db: sqlite_utils.Database, moved: tuple
) -> None:
    status, people, later = moved
    seen = notices.acknowledge(
        fresh_db,
        people[0],
        status.notice.id,
        nonce="ack-online",
        client_at=NOW + timedelta(minutes=10),
        now=later,
    )
    assert seen == later


def test_replayed_acknowledgement_keeps_its_time_but_not_before_the_notice(
    fresh_db: sqlite_utils.Database, moved: tuple
) -> None:
    status, people, later = moved
    seen = notices.acknowledge(
        fresh_db,
        people[0],
        status.notice.id,
        nonce="ack-1",
        client_at=NOW + timedelta(minutes=10),
        replayed=True,
        now=later,
    )
    assert seen == NOW + timedelta(minutes=10)
    before_notice = notices.acknowledge(
        fresh_db,
        people[1],
        status.notice.id,
        nonce="ack-2",
        client_at=NOW - timedelta(hours=1),
        replayed=True,
        now=later,
    )
    assert before_notice == status.notice.created_at
    ancient = notices.acknowledge(
        fresh_db,
        people[2],
        status.notice.id,
        nonce="ack-3",
        client_at=datetime(1970, 1, 1, tzinfo=UTC),
        replayed=True,
        now=later,
    )
    assert ancient == later


def test_one_persons_call_change_and_release_are_notified(
    fresh_db: sqlite_utils.Database, called_day: tuple
) -> None:
    shoot, _ = called_day
    first, second = schedule.calls_for_day(fresh_db, shoot.id)[:2]
    schedule.update_call(fresh_db, first.call.id, first.call.version, call=time(5, 0), now=NOW)
    schedule.release_person(fresh_db, second.call.id, second.call.version, now=NOW)
    found = {s.notice.kind: s for s in notices.list_all(fresh_db)}
    assert set(found) == {NoticeKind.CALL_CHANGED, NoticeKind.RELEASED}
    assert "your call moved from 06:30 to 05:00" in found[NoticeKind.CALL_CHANGED].notice.summary
    assert [
        r.person_id for r in notices.recipients(fresh_db, found[NoticeKind.RELEASED].notice.id)
    ] == [second.call.person_id]
    untouched = next(
        line for line in schedule.calls_for_day(fresh_db, shoot.id) if line.call.id != first.call.id
    )
    schedule.update_call(
        fresh_db,
        untouched.call.id,
        untouched.call.version,
        call=time(6, 30),
        notes="bring waders",
        now=NOW,
    )
    assert len(notices.list_all(fresh_db)) == 2  # a note alone is not a change of call


def test_a_unit_shoots_one_day_per_date(fresh_db: sqlite_utils.Database, called_day: tuple) -> None:
    shoot, _ = called_day
    other = factories.day(fresh_db, date(2026, 12, 2))
    with pytest.raises(InvalidInput, match="Main unit already has a day on 2026-12-01") as error:
        schedule.move_day(fresh_db, other.id, other.version, to_date=date(2026, 12, 1), now=NOW)
    assert error.value.field == "date"
    assert factories.day(fresh_db, date(2026, 12, 1), unit="Second").unit == "Second"
    edited = schedule.move_day(fresh_db, shoot.id, shoot.version, call=time(8, 0), now=NOW)
    assert edited.call_at.hour == 8  # editing a day does not clash with itself


def test_void_needs_a_reason(fresh_db: sqlite_utils.Database) -> None:
    from schema import contracts

    contract = factories.sent(fresh_db, factories.person(fresh_db))
    with pytest.raises(InvalidInput) as error:
        contracts.void(fresh_db, contract.id, reason="  ", now=NOW)
    assert error.value.field == "reason"


# --- wraps before the call ----------------------------------------------------------------------


def test_a_night_shoot_wraps_the_next_morning(fresh_db: sqlite_utils.Database) -> None:
    night = factories.day(fresh_db, call=time(16, 0), wrap=time(2, 0))
    assert night.wrap_at - night.call_at == timedelta(hours=10)
    assert night.wrap_at == datetime(2026, 12, 2, 2, 0)


def test_a_wrap_far_before_the_call_is_refused(fresh_db: sqlite_utils.Database) -> None:
    with pytest.raises(InvalidInput) as error:
        factories.day(fresh_db, call=time(9, 30), wrap=time(8, 0))
    assert error.value.field == "wrap"
    assert error.value.message == (
        "wrap 08:00 would be 22h30 after the 09:30 call;"
        " a wrap earlier than the call means the next morning"
    )
    assert schedule.list_days(fresh_db) == []


def test_the_longest_overnight_day_is_allowed(fresh_db: sqlite_utils.Database) -> None:
    longest = factories.day(fresh_db, call=time(10, 0), wrap=time(6, 0))
    assert longest.wrap_at - longest.call_at == schedule.MAX_OVERNIGHT_DAY
    a_minute_longer = schedule.DayIn(date=longest.date, call=time(9, 59), wrap=time(6, 0))
    with pytest.raises(InvalidInput, match="20h01 after the 09:59 call"):
        schedule.update_day(fresh_db, longest.id, longest.version, a_minute_longer, now=NOW)


def test_a_persons_own_wrap_far_before_their_call_is_refused(
    fresh_db: sqlite_utils.Database, called_day: tuple
) -> None:
    shoot, _ = called_day
    line = schedule.calls_for_day(fresh_db, shoot.id)[0]
    with pytest.raises(InvalidInput, match="wrap 05:30 would be 23h30 after the 06:00 call") as e:
        schedule.update_call(
            fresh_db, line.call.id, line.call.version, call=time(6, 0), wrap=time(5, 30), now=NOW
        )
    assert e.value.field == "wrap"
    assert schedule.calls_for_day(fresh_db, shoot.id)[0].call == line.call
    night = schedule.update_call(
        fresh_db, line.call.id, line.call.version, call=time(6, 0), wrap=time(1, 0), now=NOW
    )
    assert night.wrap_at == datetime(2026, 12, 2, 1, 0)  # 19 hours: long, but a real day


# --- saving without a change --------------------------------------------------------------------


def test_saving_a_day_unchanged_writes_nothing(
    fresh_db: sqlite_utils.Database, called_day: tuple
) -> None:
    shoot, _ = called_day
    before = events.latest_id(fresh_db)
    same = schedule.DayIn(
        date=shoot.date,
        call=shoot.call_at.time(),
        wrap=shoot.wrap_at.time(),
        unit=" Main ",
        location_id=shoot.location_id,
    )
    assert schedule.update_day(fresh_db, shoot.id, shoot.version, same, now=NOW) == shoot
    assert events.latest_id(fresh_db) == before
    assert notices.list_all(fresh_db) == []
    moved = schedule.move_day(fresh_db, shoot.id, shoot.version, call=time(7, 0), now=NOW)
    assert moved == shoot  # "moved" to where it already was
    assert events.latest_id(fresh_db) == before


def test_saving_a_call_unchanged_writes_nothing(
    fresh_db: sqlite_utils.Database, called_day: tuple
) -> None:
    shoot, _ = called_day
    call = schedule.calls_for_day(fresh_db, shoot.id)[0].call
    before = events.latest_id(fresh_db)
    same = schedule.update_call(fresh_db, call.id, call.version, call=time(6, 30), now=NOW)
    assert same == call
    assert events.latest_id(fresh_db) == before
