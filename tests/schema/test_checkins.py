"""Check-in: every answer in the closed list, idempotency by nonce, offline replays, the board."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest
import sqlite_utils

from schema import arrivals, checkins, links, locations, schedule
from schema.checkins import CheckinRequest, Position
from schema.errors import InvalidInput
from schema.types import CheckinResult
from tests.conftest import NOW
from tests.schema import factories

# 1 December 2026 in London is UTC+0: a 07:00 call is 07:00Z.
AT_CALL = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)


@pytest.fixture
def scene(fresh_db: sqlite_utils.Database) -> dict:
    who = factories.person(fresh_db)
    mill = factories.location(fresh_db, lat=51.4447, lon=0.3695, radius_m=200)
    quay = factories.location(fresh_db, "Blackwall Quay")
    shoot = factories.day(fresh_db, location_id=mill.id)
    schedule.call_person(fresh_db, shoot.id, who.id, now=NOW)
    return {
        "db": fresh_db,
        "who": who,
        "mill": mill,
        "quay": quay,
        "day": shoot,
        "session": factories.session(fresh_db, who),
    }


def _check(
    scene: dict,
    code: str | None = None,
    nonce: str = "nonce-0001",
    *,
    at: datetime = AT_CALL,
    **extra: object,
) -> checkins.CheckinAnswer:
    request = CheckinRequest(code=code or scene["mill"].code, nonce=nonce, **extra)  # type: ignore[arg-type]
    return checkins.check_in(scene["db"], scene["session"], request, now=at)


def test_on_time(scene: dict) -> None:
    answer = _check(scene, at=AT_CALL - timedelta(minutes=10))
    assert answer.result == CheckinResult.OK
    assert answer.location_name == "Harbour Mill"
    assert answer.call_at == datetime(2026, 12, 1, 7, 0)


def test_late_by_minutes(scene: dict) -> None:
    answer = _check(scene, at=AT_CALL + timedelta(minutes=12, seconds=5))
    assert (answer.result, answer.late_minutes) == (CheckinResult.LATE, 13)


def test_already_checked_in_says_when(scene: dict) -> None:
    first = AT_CALL - timedelta(minutes=5)
    _check(scene, nonce="first-nonce", at=first)
    again = _check(scene, nonce="second-nonce", at=AT_CALL + timedelta(hours=2))
    assert again.result == CheckinResult.ALREADY
    assert again.first_at == first


def test_not_called_here_is_recorded_and_says_where(scene: dict) -> None:
    answer = _check(scene, code=scene["quay"].code)
    assert answer.result == CheckinResult.NOT_CALLED
    assert answer.called_elsewhere == "Harbour Mill"
    stored = checkins.history(scene["db"])
    assert [(c.result, c.location_id) for c in stored] == [
        (CheckinResult.NOT_CALLED, scene["quay"].id)
    ]


def test_unknown_code(scene: dict) -> None:
    assert _check(scene, code="QQQQQQQQ").result == CheckinResult.UNKNOWN_CODE


def test_rotated_code(scene: dict) -> None:
    old = scene["mill"].code
    locations.rotate_code(scene["db"], scene["mill"].id, scene["mill"].version, now=NOW)
    answer = _check(scene, code=old)
    assert (answer.result, answer.location_name) == (CheckinResult.ROTATED_CODE, "Harbour Mill")


def test_code_is_forgiving_about_case_and_dashes(scene: dict) -> None:
    code = scene["mill"].code
    answer = _check(scene, code=f" {code[:4].lower()}-{code[4:]} ")
    assert answer.result == CheckinResult.OK


def test_no_session_and_revoked_session(scene: dict) -> None:
    request = CheckinRequest(code=scene["mill"].code, nonce="nonce-0001")
    assert checkins.check_in(scene["db"], None, request).result == CheckinResult.NO_SESSION
    assert checkins.check_in(scene["db"], "x" * 27, request).result == CheckinResult.NO_SESSION
    session_id = links.sessions_for(scene["db"], scene["who"].id)[0].id
    links.revoke_session(scene["db"], session_id, now=NOW)
    answer = checkins.check_in(scene["db"], scene["session"], request)
    assert answer.result == CheckinResult.LINK_REVOKED
    assert checkins.history(scene["db"]) == []


def test_same_nonce_is_the_same_checkin(scene: dict) -> None:
    first = _check(scene, nonce="replayed-1", at=AT_CALL + timedelta(minutes=3))
    again = _check(scene, nonce="replayed-1", at=AT_CALL + timedelta(hours=1))
    assert again == first
    assert len(checkins.history(scene["db"])) == 1


def test_offline_replay_keeps_the_real_time(scene: dict) -> None:
    happened = AT_CALL - timedelta(minutes=2)
    answer = _check(scene, at=AT_CALL + timedelta(minutes=40), client_at=happened, queued=True)
    assert (answer.result, answer.at, answer.replayed) == (CheckinResult.OK, happened, True)
    stored = checkins.history(scene["db"])[0]
    assert stored.received_at == AT_CALL + timedelta(minutes=40)
    assert stored.client_at == happened


def test_far_position_is_flagged_not_refused(scene: dict) -> None:
    near = _check(
        scene, nonce="near-0001", position=Position(lat=51.4450, lon=0.3697, accuracy_m=20)
    )
    assert near.result == CheckinResult.OK and not near.far
    db = scene["db"]
    other = factories.person(db, "Bo")
    shoot = scene["day"]
    schedule.call_person(db, shoot.id, other.id, now=NOW)
    far = checkins.check_in(
        db,
        factories.session(db, other),
        CheckinRequest(
            code=scene["mill"].code, nonce="far-00001", position=Position(lat=51.50, lon=0.0)
        ),
        now=AT_CALL,
    )
    assert far.result == CheckinResult.OK and far.far
    assert far.distance_m is not None and far.distance_m > 20_000


@pytest.mark.parametrize("nonce", ["short", "x" * 65, "has space!", ""])
def test_bad_nonce_is_refused(scene: dict, nonce: str) -> None:
    with pytest.raises(InvalidInput) as error:
        _check(scene, nonce=nonce)
    assert error.value.field == "nonce"


def test_position_off_earth_is_refused(scene: dict) -> None:
    with pytest.raises(InvalidInput):
        _check(scene, position=Position(lat=91, lon=0))


def test_board_shows_arrived_late_missing_and_unexpected(scene: dict) -> None:
    db = scene["db"]
    late, missing, stranger = (
        factories.person(db, n) for n in ("Late Lu", "Missing Mo", "Stray Su")
    )
    for who in (late, missing):
        schedule.call_person(db, scene["day"].id, who.id, now=NOW)
    _check(scene, at=AT_CALL - timedelta(minutes=5))
    checkins.check_in(
        db,
        factories.session(db, late),
        CheckinRequest(code=scene["mill"].code, nonce="late-0001"),
        now=AT_CALL + timedelta(minutes=20),
    )
    checkins.check_in(
        db,
        factories.session(db, stranger),
        CheckinRequest(code=scene["mill"].code, nonce="stray-001"),
        now=AT_CALL,
    )
    board = arrivals.board(db, date(2026, 12, 1))
    mill = next(b for b in board if b.location_id == scene["mill"].id)
    states = {a.name: a.state(datetime(2026, 12, 1, 7, 30)) for a in mill.arrivals}
    assert states == {
        "Ana Silva": "arrived",
        "Late Lu": "late",
        "Missing Mo": "missing",
        "Stray Su": "unexpected",
    }
    before_call = {a.name: a.state(datetime(2026, 12, 1, 6, 0)) for a in mill.arrivals}
    assert before_call["Missing Mo"] == "expected"


def test_online_checkin_ignores_the_phone_clock(scene: dict) -> None:
    """Only an outbox replay may say when it happened: a phone cannot backdate a late arrival."""
    answer = _check(
        scene, at=AT_CALL + timedelta(minutes=30), client_at=AT_CALL - timedelta(minutes=5)
    )
    assert (answer.result, answer.late_minutes, answer.replayed) == (CheckinResult.LATE, 30, False)
    stored = checkins.history(scene["db"])[0]
    assert stored.client_at == AT_CALL - timedelta(minutes=5)  # kept for the audit
    assert stored.happened_at == AT_CALL + timedelta(minutes=30)


@pytest.mark.parametrize(
    "client_at",
    [
        datetime(1, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=14))),
        datetime(9999, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-12))),
    ],
)
def test_absurd_phone_time_is_ignored_not_fatal(scene: dict, client_at: datetime) -> None:
    answer = _check(scene, at=AT_CALL, client_at=client_at, queued=True)
    assert (answer.result, answer.at) == (CheckinResult.OK, AT_CALL)
    # Not believed, but kept as the phone said it, for the audit (issue #11).
    assert checkins.history(scene["db"])[0].client_at == client_at


def test_after_midnight_call_on_a_night_shoot(fresh_db: sqlite_utils.Database) -> None:
    who = factories.person(fresh_db)
    mill = factories.location(fresh_db)
    night = factories.day(
        fresh_db, date(2026, 12, 20), call=time(18, 0), wrap=time(4, 0), location_id=mill.id
    )
    schedule.call_person(fresh_db, night.id, who.id, call=time(1, 0), now=NOW)
    arrive = datetime(2026, 12, 21, 0, 45, tzinfo=UTC)
    answer = checkins.check_in(
        fresh_db,
        factories.session(fresh_db, who),
        CheckinRequest(code=mill.code, nonce="night-0001"),
        now=arrive,
    )
    assert (answer.result, answer.call_at) == (CheckinResult.OK, datetime(2026, 12, 21, 1, 0))
    [board] = arrivals.board(fresh_db, date(2026, 12, 20))
    assert [a.state(datetime(2026, 12, 21, 2, 0)) for a in board.arrivals] == ["arrived"]


def test_late_minutes_count_real_time_across_the_clock_change(
    fresh_db: sqlite_utils.Database,
) -> None:
    """London's clocks go back at 02:00 on 25 October 2026: 01:30 happens twice."""
    who = factories.person(fresh_db)
    mill = factories.location(fresh_db)
    shoot = factories.day(
        fresh_db, date(2026, 10, 25), call=time(0, 45), wrap=time(12, 0), location_id=mill.id
    )
    schedule.call_person(fresh_db, shoot.id, who.id, now=NOW)
    # 02:15 local (GMT, after the change) is 02:15Z; the 00:45 BST call was 23:45Z.
    answer = checkins.check_in(
        fresh_db,
        factories.session(fresh_db, who),
        CheckinRequest(code=mill.code, nonce="dst-00001"),
        now=datetime(2026, 10, 25, 2, 15, tzinfo=UTC),
    )
    assert (answer.result, answer.late_minutes) == (CheckinResult.LATE, 150)


def test_board_after_the_day_moved_location(scene: dict) -> None:
    """Checked in at the Mill, then the day moved to the Quay: one line, arrived, and where."""
    db = scene["db"]
    _check(scene, at=AT_CALL - timedelta(minutes=5))
    shoot = schedule.get_day(db, scene["day"].id)
    schedule.move_day(db, shoot.id, shoot.version, location_id=scene["quay"].id, now=NOW)
    board = arrivals.board(db, date(2026, 12, 1))
    assert [(b.name, len(b.arrivals)) for b in board] == [("Blackwall Quay", 1)]
    [arrival] = board[0].arrivals
    assert arrival.state(datetime(2026, 12, 1, 8, 0)) == "arrived"
    assert arrival.checked_in_at == "Harbour Mill"
    again = _check(scene, code=scene["quay"].code, nonce="second-001", at=AT_CALL)
    assert again.result == CheckinResult.ALREADY


def test_a_wrap_scan_never_counts_for_tomorrows_call(fresh_db: sqlite_utils.Database) -> None:
    mill = factories.location(fresh_db)
    ana, ben = factories.person(fresh_db, "Ana"), factories.person(fresh_db, "Ben")
    first = factories.day(fresh_db, date(2026, 12, 1), call=time(6, 0), location_id=mill.id)
    second = factories.day(fresh_db, date(2026, 12, 2), call=time(6, 0), location_id=mill.id)
    for who, day in ((ana, first), (ana, second), (ben, second)):
        schedule.call_person(fresh_db, day.id, who.id, now=NOW)
    phone = {p.id: factories.session(fresh_db, p) for p in (ana, ben)}

    def scan(who: object, nonce: str, at: datetime) -> checkins.CheckinAnswer:
        request = CheckinRequest(code=mill.code, nonce=nonce)
        return checkins.check_in(fresh_db, phone[who.id], request, now=at)  # type: ignore[attr-defined]

    assert scan(ana, "ana-morning", datetime(2026, 12, 1, 5, 55, tzinfo=UTC)).result == "ok"
    wrap = scan(ana, "ana-wrap-01", datetime(2026, 12, 1, 18, 30, tzinfo=UTC))
    assert wrap.result == CheckinResult.ALREADY
    visit = scan(ben, "ben-visit-1", datetime(2026, 12, 1, 19, 0, tzinfo=UTC))
    assert visit.result == CheckinResult.NOT_CALLED
    late = scan(ana, "ana-next-01", datetime(2026, 12, 2, 7, 30, tzinfo=UTC))
    assert (late.result, late.late_minutes) == (CheckinResult.LATE, 90)


def test_the_repeated_hour_is_told_apart(fresh_db: sqlite_utils.Database) -> None:
    """25 Oct 2026, London: 01:35 happens at 00:35Z (BST) and again at 01:35Z (GMT)."""
    mill = factories.location(fresh_db)
    shoot = factories.day(
        fresh_db, date(2026, 10, 25), call=time(1, 0), wrap=time(12, 0), location_id=mill.id
    )
    people = [factories.person(fresh_db, n) for n in ("Second Hour", "First Hour")]
    for who in people:
        schedule.call_person(fresh_db, shoot.id, who.id, now=NOW)
    answers = [
        checkins.check_in(
            fresh_db,
            factories.session(fresh_db, who),
            CheckinRequest(code=mill.code, nonce=f"fold-{n:04d}"),
            now=at,
        )
        for n, (who, at) in enumerate(
            zip(
                people,
                (
                    datetime(2026, 10, 25, 1, 35, tzinfo=UTC),
                    datetime(2026, 10, 25, 0, 35, tzinfo=UTC),
                ),
                strict=True,
            )
        )
    ]
    assert [a.late_minutes for a in answers] == [95, 35]


def test_arrivals_do_not_follow_a_day_to_another_date(scene: dict) -> None:
    """Checked in on the 1st; the day is rained off to the 2nd: nobody is 'here' yet there."""
    db = scene["db"]
    _check(scene, at=AT_CALL - timedelta(minutes=5))
    shoot = schedule.get_day(db, scene["day"].id)
    schedule.move_day(db, shoot.id, shoot.version, to_date=date(2026, 12, 2), now=NOW)
    [board] = arrivals.board(db, date(2026, 12, 2))
    assert [a.arrived_at for a in board.arrivals] == [None]
    again = _check(scene, nonce="next-day-1", at=AT_CALL + timedelta(days=1, minutes=3))
    assert (again.result, again.late_minutes) == (CheckinResult.LATE, 3)
