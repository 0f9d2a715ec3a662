"""The check-in's fast path builds its answer from what it decided, without re-reading the
stored row; a replayed nonce rebuilds it from the row. The two must say the same, for every
answer in the closed list (issue #11: fewer statements, every semantic kept)."""

from __future__ import annotations

from datetime import timedelta, timezone

import msgspec
import pytest
import sqlite_utils

from schema import checkins, locations
from schema.checkins import CheckinRequest, Position
from schema.types import CheckinResult
from tests.conftest import NOW
from tests.schema import test_checkins
from tests.schema.test_checkins import AT_CALL


@pytest.fixture
def scene(fresh_db: sqlite_utils.Database) -> dict:
    return test_checkins.scene.__wrapped__(fresh_db)  # type: ignore[attr-defined]


def _wire(answer: checkins.CheckinAnswer) -> bytes:
    return msgspec.json.encode(answer)


def _twice(scene: dict, code: str, nonce: str, **extra: object) -> checkins.CheckinAnswer:
    request = CheckinRequest(code=code, nonce=nonce, **extra)  # type: ignore[arg-type]
    first = checkins.check_in(scene["db"], scene["session"], request, now=extra.pop("at", AT_CALL))
    replay = checkins.check_in(
        scene["db"], scene["session"], request, now=AT_CALL + timedelta(hours=3)
    )
    assert _wire(replay) == _wire(first)  # as the phone reads it: offsets too
    return first


def test_ok_late_already_answer_alike_on_replay(scene: dict) -> None:
    mill = scene["mill"].code
    near = Position(lat=51.4447, lon=0.3695, accuracy_m=10)
    ok = _twice(scene, mill, "first-ok", position=near)
    assert (ok.result, ok.far, ok.distance_m is not None) == (CheckinResult.OK, False, True)
    assert ok.call_at is not None and ok.location_name == "Harbour Mill"
    again = _twice(scene, mill, "second-one", position=Position(lat=51.5, lon=0.0))
    assert (again.result, again.far) == (CheckinResult.ALREADY, True)
    assert again.first_at == ok.at


def test_late_answers_alike_on_replay(scene: dict) -> None:
    request = CheckinRequest(code=scene["mill"].code, nonce="late-nonce")
    late_at = AT_CALL + timedelta(minutes=17)
    first = checkins.check_in(scene["db"], scene["session"], request, now=late_at)
    replay = checkins.check_in(scene["db"], scene["session"], request, now=late_at)
    assert (first.result, first.late_minutes) == (CheckinResult.LATE, 17)
    assert _wire(replay) == _wire(first)


def test_not_called_unknown_and_rotated_answer_alike_on_replay(scene: dict) -> None:
    elsewhere = _twice(scene, scene["quay"].code, "not-called")
    assert (elsewhere.result, elsewhere.called_elsewhere) == (
        CheckinResult.NOT_CALLED,
        "Harbour Mill",
    )
    assert _twice(scene, "ZZZZZZZZ", "unknown-1").result == CheckinResult.UNKNOWN_CODE
    old = scene["mill"].code
    locations.rotate_code(scene["db"], scene["mill"].id, scene["mill"].version, now=NOW)
    assert _twice(scene, old, "rotated-1").result == CheckinResult.ROTATED_CODE


@pytest.mark.parametrize("offset", [timedelta(hours=-8), timedelta(hours=5, minutes=30)])
def test_an_offset_moment_answers_alike_on_replay(scene: dict, offset: timedelta) -> None:
    """A queued check-in keeps the phone's moment; the answer gives it as the row does."""
    happened = (AT_CALL - timedelta(minutes=3)).astimezone(timezone(offset))
    request = CheckinRequest(
        code=scene["mill"].code, nonce="queued-one", client_at=happened, queued=True
    )
    first = checkins.check_in(scene["db"], scene["session"], request, now=AT_CALL)
    replay = checkins.check_in(scene["db"], scene["session"], request, now=AT_CALL)
    assert _wire(first) == _wire(replay) and first.at == happened
