"""Check-in at a location: one entry point, a closed list of answers, idempotent by nonce.

Modelled on event-ticket scanning: the phone sends the location code, a nonce it made, and when
it was queued offline, the time it really happened. The same nonce twice is the same check-in:
answered as before, never stored twice. The server keeps its own receive time and the client's.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, tzinfo
from typing import Annotated
from zoneinfo import ZoneInfo

import msgspec
import sqlite_utils

from schema import links, locations, rules
from schema.clock import iso, local_iso, utcnow, wall_clock
from schema.errors import InvalidInput
from schema.event_kinds import EventKind
from schema.production import get as get_production
from schema.production import zone
from schema.store import events
from schema.store.connection import write
from schema.store.rows import fetch_all, fetch_one, insert
from schema.types import ARRIVED_RESULTS, Checkin, CheckinResult, Location, Person

NONCE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
# Field types for what phones send, checked when decoded (the API uses them too).
Nonce = Annotated[str, msgspec.Meta(pattern=NONCE.pattern)]
# A moment from a phone: it must say its offset, or "when" is ambiguous.
PhoneMoment = Annotated[datetime, msgspec.Meta(tz=True)]


# Requests refuse fields they do not know (a misspelt "client_at" must not vanish quietly).
class Position(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    # Bounds checked when decoded (and so in the API document); _check_position for callers.
    lat: Annotated[float, msgspec.Meta(ge=-90, le=90)]
    lon: Annotated[float, msgspec.Meta(ge=-180, le=180)]
    accuracy_m: Annotated[float, msgspec.Meta(ge=0, le=100_000)] | None = None


class CheckinRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A check-in as the phone sends it; the constraints apply when it is decoded from JSON."""

    code: Annotated[str, msgspec.Meta(max_length=64)]
    nonce: Nonce
    client_at: PhoneMoment | None = None
    queued: bool = False
    position: Position | None = None


class CheckinAnswer(msgspec.Struct, kw_only=True):
    """What the phone is told; `result` is from the closed list, the rest explains it."""

    result: CheckinResult
    location_id: int | None = None
    location_name: str | None = None
    at: datetime | None = None
    call_at: datetime | None = None
    late_minutes: int = 0
    first_at: datetime | None = None
    far: bool = False
    distance_m: float | None = None
    replayed: bool = False
    called_elsewhere: str | None = None


# Why a cookie names nobody, as a check-in answer (a cookie never seen: no session).
_NO_PERSON: dict[links.SessionEnd, CheckinResult] = {
    "session_revoked": CheckinResult.LINK_REVOKED,
    "session_expired": CheckinResult.SESSION_EXPIRED,
}


def check_in(
    db: sqlite_utils.Database,
    session_token: str | None,
    request: CheckinRequest,
    *,
    ip: str = "",
    user_agent: str = "",
    now: datetime | None = None,
) -> CheckinAnswer:
    """Check in the person behind a device session (the phone's cookie)."""
    _check_request(request)
    if not session_token:
        return CheckinAnswer(result=CheckinResult.NO_SESSION)
    person = links.session_person(db, session_token, now=now)
    if person is None:
        return _no_person_answer(db, session_token, now=now)
    return check_in_person(db, person, request, ip=ip, user_agent=user_agent, now=now)


def _no_person_answer(
    db: sqlite_utils.Database, session_token: str | None, *, now: datetime | None = None
) -> CheckinAnswer:
    """The answer for a cookie that names nobody: revoked, expired, or never a session."""
    ended = links.session_ended(db, session_token, now=now) if session_token else None
    return CheckinAnswer(result=_NO_PERSON[ended] if ended else CheckinResult.NO_SESSION)


def check_in_person(
    db: sqlite_utils.Database,
    person: Person,
    request: CheckinRequest,
    *,
    ip: str = "",
    user_agent: str = "",
    now: datetime | None = None,
) -> CheckinAnswer:
    """Check in a known person. The hot path: one transaction, each row read once, and the
    answer built from what was decided (a replayed nonce rebuilds it from the stored row)."""
    _check_request(request)
    received = now or utcnow()
    with write(db):
        earlier = _by_nonce(db, person.id, request.nonce)
        if earlier is not None:
            return _answer_of(db, earlier)
        values, answer = _decide(db, person, request, received)
        values.update(ip=ip[:64], user_agent=user_agent[:400])
        checkin_id = insert(db, "checkins", values)
        events.record(
            db,
            actor=f"person:{person.id}",
            kind=EventKind.CHECKIN_RECORDED,
            subject=f"location:{values['location_id']}",
            now=received,
            data={
                "checkin_id": checkin_id,
                "person_id": person.id,
                "result": values["result"],
                "late_minutes": values["late_minutes"],
                "replayed": values["replayed"],
                "far": values["far"],
                "ip": ip[:64],
            },
        )
        return answer


def _check_request(request: CheckinRequest) -> None:
    if not NONCE.match(request.nonce):
        raise InvalidInput("nonce must be 8 to 64 letters, digits, - or _", field="nonce")
    if request.position is not None:
        _check_position(request.position)


def _decide(
    db: sqlite_utils.Database, person: Person, request: CheckinRequest, received: datetime
) -> tuple[dict[str, object], CheckinAnswer]:
    """Work out the row to store for a first-seen nonce, and the answer it gives."""
    client_at = _plausible(request.client_at, received)
    # A phone's clock cannot make an online late arrival look on time.
    happened = rules.replayed_time(received, client_at, request.queued)
    values: dict[str, object] = {
        "person_id": person.id,
        "location_id": None,
        "day_id": None,
        "code": request.code[:32],
        "nonce": request.nonce,
        "received_at": iso(received),
        "happened_at": iso(happened),
        # Kept for the audit even when implausible and so not believed.
        "client_at": _as_told(request.client_at),
        "replayed": request.queued,
        "late_minutes": 0,
        "far": False,
        "result": str(CheckinResult.UNKNOWN_CODE),
    }
    # The moment as a stored row gives it back (UTC), so a replay's answer reads the same.
    answer = CheckinAnswer(
        result=CheckinResult.UNKNOWN_CODE,
        at=datetime.fromisoformat(iso(happened)),
        replayed=request.queued,
    )
    if request.position is not None:
        values.update(
            lat=request.position.lat,
            lon=request.position.lon,
            accuracy_m=request.position.accuracy_m,
        )
    found = locations.lookup_code(db, request.code)
    if found is None:
        return values, answer
    location = found.location
    values.update(location_id=location.id, code=location.code if found.current else request.code)
    answer.location_id, answer.location_name = location.id, location.name
    if not found.current:
        values["result"] = str(CheckinResult.ROTATED_CODE)
        answer.result = CheckinResult.ROTATED_CODE
        return values, answer
    distance = _distance(location, request.position)
    if distance is not None:
        answer.distance_m = values["distance_m"] = round(distance, 1)
        accuracy = request.position.accuracy_m if request.position else None
        answer.far = values["far"] = rules.is_far(distance, location.radius_m, accuracy)
    production_zone = _production_zone(db)
    local = wall_clock(happened, production_zone)
    _against_calls(db, person.id, location.id, local, production_zone, values, answer)
    return values, answer


def _as_told(client_at: datetime | None) -> str | None:
    """The phone's own time as stored for the audit: in UTC, or as sent when out of range."""
    if client_at is None:
        return None
    try:
        return iso(client_at)
    except OverflowError:  # year 1 or 9999 with an offset
        return client_at.isoformat()


def _production_zone(db: sqlite_utils.Database) -> tzinfo:
    """The production's timezone: the one column a check-in needs of the production row."""
    row = db.execute("SELECT timezone FROM production WHERE id = 1").fetchone()
    if row is None:
        return zone(get_production(db))  # raises the core's own "no production" error
    return ZoneInfo(row[0])


def _plausible(client_at: datetime | None, received: datetime) -> datetime | None:
    """A phone's clock within a year back and a day ahead, else ignored (not refused: the
    outbox drops an item answered with a 4xx, and the check-in itself is still true)."""
    if client_at is None or client_at.tzinfo is None:
        return None
    if not received - timedelta(days=365) <= client_at <= received + timedelta(days=1):
        return None
    return client_at


def _against_calls(
    db: sqlite_utils.Database,
    person_id: int,
    location_id: int,
    local: datetime,
    where: tzinfo,
    values: dict[str, object],
    answer: CheckinAnswer,
) -> None:
    """OK, late, already checked in, or not called here today (into the row and the answer)."""
    call = _nearest_call(db, person_id, location_id, local)
    day_id = call[1] if call else None
    values["day_id"] = day_id
    if call is not None:
        answer.call_at = datetime.fromisoformat(call[0])
    first = _first_arrival(db, person_id, location_id, day_id, local.date(), where)
    if first is not None:
        result = CheckinResult.ALREADY
        answer.first_at = first.happened_at
    elif call is None:
        result = CheckinResult.NOT_CALLED
        answer.called_elsewhere = _called_on(db, person_id, local.date())
    else:
        late = rules.late_minutes(datetime.fromisoformat(call[0]), local, where)
        result = CheckinResult.LATE if late else CheckinResult.OK
        values["late_minutes"] = answer.late_minutes = late
    values["result"] = str(result)
    answer.result = result


def _nearest_call(
    db: sqlite_utils.Database, person_id: int, location_id: int, local: datetime
) -> tuple[str, int] | None:
    """The call this check-in is for: one whose span (from 4 hours before the call to 4 hours
    after the wrap) holds this moment, so a night shoot's after-midnight arrival belongs to the
    day before; else today's call here. A wrap-time scan never counts for tomorrow's call."""
    row = db.execute(
        "SELECT c.call_at, d.id,"
        " julianday(:now) BETWEEN julianday(c.call_at) - 4 / 24.0"
        "   AND julianday(coalesce(c.wrap_at, d.wrap_at)) + 4 / 24.0 AS inside"
        " FROM calls c JOIN days d ON d.id = c.day_id"
        " WHERE c.person_id = :person AND d.location_id = :location"
        " AND (d.date = :date OR julianday(:now) BETWEEN julianday(c.call_at) - 4 / 24.0"
        "   AND julianday(coalesce(c.wrap_at, d.wrap_at)) + 4 / 24.0)"
        " ORDER BY inside DESC, abs(julianday(c.call_at) - julianday(:now)) LIMIT 1",
        {
            "person": person_id,
            "location": location_id,
            "date": local.date().isoformat(),
            "now": local_iso(local),
        },
    ).fetchone()
    return (row[0], row[1]) if row else None


def _first_arrival(
    db: sqlite_utils.Database,
    person_id: int,
    location_id: int,
    day_id: int | None,
    on: date,
    production_zone: tzinfo,
) -> Checkin | None:
    """The check-in that already counts for this person here today (for this call)."""
    arrived = tuple(str(r) for r in ARRIVED_RESULTS)
    if day_id is not None:
        return fetch_one(
            db,
            Checkin,
            f"SELECT * FROM checkins WHERE person_id = ? AND day_id = ?"
            f" AND result IN ({','.join('?' * len(arrived))}) ORDER BY id LIMIT 1",
            [person_id, day_id, *arrived],
        )
    candidates = fetch_all(
        db,
        Checkin,
        "SELECT * FROM checkins WHERE person_id = ? AND location_id = ? AND day_id IS NULL"
        " AND result = ? ORDER BY id",
        [person_id, location_id, str(CheckinResult.NOT_CALLED)],
    )
    for checkin in candidates:
        if _local(checkin, production_zone).date() == on:
            return checkin
    return None


def _distance(location: Location, position: Position | None) -> float | None:
    if position is None or location.lat is None or location.lon is None:
        return None
    return rules.distance_m(position.lat, position.lon, location.lat, location.lon)


def _check_position(position: Position) -> None:
    if not (-90 <= position.lat <= 90 and -180 <= position.lon <= 180):
        raise InvalidInput("position is not on Earth", field="position")
    if position.accuracy_m is not None and not 0 <= position.accuracy_m <= 100_000:
        raise InvalidInput("position accuracy is out of range", field="position")


def _by_nonce(db: sqlite_utils.Database, person_id: int, nonce: str) -> Checkin | None:
    return fetch_one(
        db,
        Checkin,
        "SELECT * FROM checkins WHERE person_id = ? AND nonce = ?",
        [person_id, nonce],
    )


def _local(checkin: Checkin, production_zone: tzinfo) -> datetime:
    return wall_clock(checkin.happened_at, production_zone)


def _answer_of(db: sqlite_utils.Database, checkin: Checkin) -> CheckinAnswer:
    """Rebuild the answer from the stored row, so a replayed nonce gets the same words."""
    production_zone = _production_zone(db)
    location = (
        fetch_one(db, Location, "SELECT * FROM locations WHERE id = ?", [checkin.location_id])
        if checkin.location_id is not None
        else None
    )
    answer = CheckinAnswer(
        result=checkin.result,
        location_id=location.id if location else None,
        location_name=location.name if location else None,
        at=checkin.happened_at,
        late_minutes=checkin.late_minutes,
        far=checkin.far,
        distance_m=checkin.distance_m,
        replayed=checkin.replayed,
    )
    if checkin.day_id is not None:
        row = db.execute(
            "SELECT call_at FROM calls WHERE day_id = ? AND person_id = ?",
            [checkin.day_id, checkin.person_id],
        ).fetchone()
        if row:
            answer.call_at = datetime.fromisoformat(row[0])
    if checkin.result == CheckinResult.ALREADY and location is not None:
        local = _local(checkin, production_zone)
        first = _first_arrival(
            db, checkin.person_id, location.id, checkin.day_id, local.date(), production_zone
        )
        if first is not None:
            answer.first_at = first.happened_at
    if checkin.result == CheckinResult.NOT_CALLED:
        answer.called_elsewhere = _called_elsewhere(db, checkin, production_zone)
    return answer


def _called_elsewhere(
    db: sqlite_utils.Database, checkin: Checkin, production_zone: tzinfo
) -> str | None:
    return _called_on(db, checkin.person_id, _local(checkin, production_zone).date())


def _called_on(db: sqlite_utils.Database, person_id: int, on: date) -> str | None:
    """Where this person is called on this day, if anywhere (the first call's location)."""
    row = db.execute(
        "SELECT l.name FROM calls c JOIN days d ON d.id = c.day_id"
        " JOIN locations l ON l.id = d.location_id WHERE c.person_id = ? AND d.date = ?"
        " ORDER BY c.call_at LIMIT 1",
        [person_id, on.isoformat()],
    ).fetchone()
    return str(row[0]) if row else None


def history(db: sqlite_utils.Database, *, limit: int | None = None) -> list[Checkin]:
    sql = "SELECT * FROM checkins ORDER BY id"
    return fetch_all(db, Checkin, sql + (f" LIMIT {int(limit)}" if limit else ""))
