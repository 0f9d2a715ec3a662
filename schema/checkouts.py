"""Check-out (wrap) at a location: the check-in's twin, scanned from the same poster.

The same rules as check-in: one entry point, a closed list of answers, idempotent by the phone's
nonce, the phone's own time believed only for an item replayed from its offline outbox (and then
within limits, and marked). A wrap without a check-in is still a true wrap: it is recorded, and
the answer says so, so the coordinator can look.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

import msgspec
import sqlite_utils

from schema import links, locations, rules
from schema.checkins import NONCE, Nonce, PhoneMoment
from schema.clock import iso, local_iso, utcnow, wall_clock
from schema.errors import InvalidInput
from schema.event_kinds import EventKind
from schema.production import get as get_production
from schema.production import zone
from schema.store import events
from schema.store.connection import write
from schema.store.rows import insert
from schema.types import ARRIVED_RESULTS, WRAPPED_RESULTS, CheckoutResult, MarkKind, Person

# A wrap is looked for this long after the planned wrap: days run over.
OVERRUN = timedelta(hours=8)
EARLY = timedelta(hours=4)


class CheckoutRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A check-out as the phone sends it; the constraints apply when decoded from JSON."""

    code: Annotated[str, msgspec.Meta(max_length=64)]
    nonce: Nonce
    client_at: PhoneMoment | None = None
    queued: bool = False


class CheckoutAnswer(msgspec.Struct, kw_only=True):
    """What the phone is told; `result` is from the closed list, the rest explains it."""

    result: CheckoutResult
    location_name: str | None = None
    at: datetime | None = None
    call_at: datetime | None = None
    arrived_at: datetime | None = None
    first_at: datetime | None = None
    replayed: bool = False


class Stored(msgspec.Struct, kw_only=True):
    id: int
    person_id: int
    location_id: int | None
    day_id: int | None
    result: CheckoutResult
    happened_at: datetime
    replayed: bool = False


_NO_PERSON: dict[links.SessionEnd, CheckoutResult] = {
    "session_revoked": CheckoutResult.LINK_REVOKED,
    "session_expired": CheckoutResult.SESSION_EXPIRED,
}


def check_out(
    db: sqlite_utils.Database,
    session_token: str | None,
    request: CheckoutRequest,
    *,
    ip: str = "",
    user_agent: str = "",
    now: datetime | None = None,
) -> CheckoutAnswer:
    """Check out the person behind a device session (the phone's cookie)."""
    if not NONCE.match(request.nonce):
        raise InvalidInput("nonce must be 8 to 64 letters, digits, - or _", field="nonce")
    if not session_token:
        return CheckoutAnswer(result=CheckoutResult.NO_SESSION)
    person = links.session_person(db, session_token, now=now)
    if person is None:
        ended = links.session_ended(db, session_token, now=now)
        return CheckoutAnswer(result=_NO_PERSON[ended] if ended else CheckoutResult.NO_SESSION)
    return check_out_person(db, person, request, ip=ip, user_agent=user_agent, now=now)


def check_out_person(
    db: sqlite_utils.Database,
    person: Person,
    request: CheckoutRequest,
    *,
    ip: str = "",
    user_agent: str = "",
    now: datetime | None = None,
) -> CheckoutAnswer:
    received = now or utcnow()
    with write(db):
        earlier = _by_nonce(db, person.id, request.nonce)
        if earlier is not None:
            return _answer_of(db, earlier)
        values = _decide(db, person, request, received)
        values.update(ip=ip[:64], user_agent=user_agent[:400])
        checkout_id = insert(db, "checkouts", values)
        events.record(
            db,
            actor=f"person:{person.id}",
            kind=EventKind.CHECKOUT_RECORDED,
            subject=f"location:{values['location_id']}",
            now=received,
            data={
                "checkout_id": checkout_id,
                "person_id": person.id,
                "day_id": values["day_id"],
                "result": values["result"],
                "replayed": values["replayed"],
                "ip": ip[:64],
            },
        )
        stored = _by_nonce(db, person.id, request.nonce)
        assert stored is not None
        return _answer_of(db, stored)


def _decide(
    db: sqlite_utils.Database, person: Person, request: CheckoutRequest, received: datetime
) -> dict[str, object]:
    client_at = request.client_at if request.client_at and request.client_at.tzinfo else None
    happened = rules.replayed_time(received, client_at, request.queued)
    values: dict[str, object] = {
        "person_id": person.id,
        "location_id": None,
        "day_id": None,
        "code": request.code[:32],
        "nonce": request.nonce,
        "received_at": iso(received),
        "client_at": iso(client_at) if client_at else None,
        "happened_at": iso(happened),
        "replayed": request.queued,
        "result": str(CheckoutResult.UNKNOWN_CODE),
    }
    found = locations.lookup_code(db, request.code)
    if found is None:
        return values
    values.update(location_id=found.location.id, code=found.location.code)
    if not found.current:
        values.update(result=str(CheckoutResult.ROTATED_CODE), code=request.code[:32])
        return values
    where = zone(get_production(db))
    local = wall_clock(happened, where)
    day_id = _day_of(db, person.id, found.location.id, local)
    values["day_id"] = day_id
    values["result"] = str(_result(db, person.id, day_id))
    return values


def _result(db: sqlite_utils.Database, person_id: int, day_id: int | None) -> CheckoutResult:
    if day_id is None:
        return CheckoutResult.NOT_CALLED
    if wrapped(db, person_id, day_id) is not None:
        return CheckoutResult.ALREADY
    if arrived(db, person_id, day_id) is None and not marked_in(db, person_id, day_id):
        return CheckoutResult.NOT_CHECKED_IN
    return CheckoutResult.OK


def _day_of(
    db: sqlite_utils.Database, person_id: int, location_id: int, local: datetime
) -> int | None:
    """The day this wrap ends: the call here whose span (4 hours before call to 8 hours after
    the planned wrap) holds the moment, so a night shoot's 02:00 wrap ends yesterday's day;
    else a call here on today's date."""
    row = db.execute(
        "SELECT d.id FROM calls c JOIN days d ON d.id = c.day_id"
        " WHERE c.person_id = :person AND d.location_id = :location AND (d.date = :date"
        "  OR julianday(:now) BETWEEN julianday(c.call_at) - :early"
        "  AND julianday(coalesce(c.wrap_at, d.wrap_at)) + :late)"
        " ORDER BY julianday(:now) BETWEEN julianday(c.call_at) - :early"
        "  AND julianday(coalesce(c.wrap_at, d.wrap_at)) + :late DESC, c.call_at DESC LIMIT 1",
        {
            "person": person_id,
            "location": location_id,
            "date": local.date().isoformat(),
            "now": local_iso(local),
            "early": EARLY / timedelta(days=1),
            "late": OVERRUN / timedelta(days=1),
        },
    ).fetchone()
    return int(row[0]) if row else None


def wrapped(db: sqlite_utils.Database, person_id: int, day_id: int) -> Stored | None:
    """The phone check-out that counts for this person's day (the first one)."""
    results = [str(r) for r in WRAPPED_RESULTS]
    return _one(
        db,
        f"SELECT {_COLUMNS} FROM checkouts WHERE person_id = ? AND day_id = ?"
        f" AND result IN ({','.join('?' * len(results))}) ORDER BY happened_at, id LIMIT 1",
        [person_id, day_id, *results],
    )


def arrived(db: sqlite_utils.Database, person_id: int, day_id: int) -> datetime | None:
    """When this person's phone checked in for the day (None: no phone check-in)."""
    results = [str(r) for r in ARRIVED_RESULTS]
    row = db.execute(
        f"SELECT happened_at FROM checkins WHERE person_id = ? AND day_id = ?"
        f" AND result IN ({','.join('?' * len(results))}) ORDER BY id LIMIT 1",
        [person_id, day_id, *results],
    ).fetchone()
    return datetime.fromisoformat(row[0]) if row else None


def marked_in(db: sqlite_utils.Database, person_id: int, day_id: int) -> bool:
    """The coordinator marked this person arrived by hand (a dead phone, a paper sheet)."""
    row = db.execute(
        "SELECT 1 FROM marks WHERE person_id = ? AND day_id = ? AND kind = ? LIMIT 1",
        [person_id, day_id, str(MarkKind.ARRIVED)],
    ).fetchone()
    return row is not None


_COLUMNS = "id, person_id, location_id, day_id, result, happened_at, replayed"


def _one(db: sqlite_utils.Database, sql: str, params: list[object]) -> Stored | None:
    row = db.execute(sql, params).fetchone()
    if row is None:
        return None
    return msgspec.convert(dict(zip(_COLUMNS.split(", "), row, strict=True)), Stored, strict=False)


def _by_nonce(db: sqlite_utils.Database, person_id: int, nonce: str) -> Stored | None:
    return _one(
        db,
        f"SELECT {_COLUMNS} FROM checkouts WHERE person_id = ? AND nonce = ?",
        [person_id, nonce],
    )


def _answer_of(db: sqlite_utils.Database, stored: Stored) -> CheckoutAnswer:
    """Rebuild the answer from the stored row, so a replayed nonce gets the same words."""
    answer = CheckoutAnswer(result=stored.result, at=stored.happened_at, replayed=stored.replayed)
    if stored.location_id is not None:
        row = db.execute("SELECT name FROM locations WHERE id = ?", [stored.location_id]).fetchone()
        answer.location_name = str(row[0]) if row else None
    if stored.day_id is None:
        return answer
    row = db.execute(
        "SELECT call_at FROM calls WHERE day_id = ? AND person_id = ?",
        [stored.day_id, stored.person_id],
    ).fetchone()
    if row:
        answer.call_at = datetime.fromisoformat(row[0])
    answer.arrived_at = arrived(db, stored.person_id, stored.day_id)
    if stored.result == CheckoutResult.ALREADY:
        first = wrapped(db, stored.person_id, stored.day_id)
        answer.first_at = first.happened_at if first else None
    return answer
