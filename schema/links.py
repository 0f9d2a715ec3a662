"""Personal links, device sessions and calendar feeds: bearer secrets stored only as hashes.

A personal link is exchanged once for a device session (a cookie on that phone). Issuing a new
link kills the old one; a session can be listed and revoked per person from the TUI.
"""

from __future__ import annotations

import contextlib
import secrets
import sqlite3
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Literal

import msgspec
import sqlite_utils

from schema.clock import iso, utcnow
from schema.errors import CallboardError, NotFound
from schema.event_kinds import EventKind
from schema.production import COORDINATOR
from schema.production import get as get_production
from schema.store import events
from schema.store.connection import BUSY_TIMEOUT_MS, write
from schema.store.rows import fetch_all, fetch_one, to_struct
from schema.tokens import RandomBytes, hash_token, looks_like_token, new_token
from schema.types import DeviceSession, Issued, Person

# How long a read waits to note "last seen" before giving up on it.
TOUCH_WAIT_MS = 50
# An unopened personal link sits in an inbox; after this it dies and a new one must be issued.
LINK_LIFETIME = timedelta(days=30)
# A phone unused for this long (lost, sold, handed on) is signed out. Crew on a shoot open
# the app every working day, and a hiatus shorter than this keeps them signed in.
SESSION_IDLE_LIMIT = timedelta(days=90)


class LinkRefused(CallboardError):
    """A personal link that cannot start a session; `code` says why (used, revoked, unknown)."""

    code = "link_refused"


def issue_link(
    db: sqlite_utils.Database,
    person_id: int,
    *,
    base_url: str | None = None,
    actor: str = COORDINATOR,
    now: datetime | None = None,
    rng: RandomBytes = secrets.token_bytes,
) -> Issued:
    """A new personal link for one person; any earlier unused link of theirs dies."""
    return issue_links(db, [person_id], base_url=base_url, actor=actor, now=now, rng=rng)[0]


def issue_links(
    db: sqlite_utils.Database,
    person_ids: Iterable[int],
    *,
    base_url: str | None = None,
    actor: str = COORDINATOR,
    now: datetime | None = None,
    rng: RandomBytes = secrets.token_bytes,
) -> list[Issued]:
    moment = now or utcnow()
    issued: list[Issued] = []
    with write(db):
        base = (base_url or get_production(db).base_url).rstrip("/")
        for person_id in person_ids:
            person = fetch_one(db, Person, "SELECT * FROM people WHERE id = ?", [person_id])
            if person is None:
                raise NotFound(f"no person with id {person_id}")
            db.execute(
                "UPDATE personal_links SET revoked_at = ? WHERE person_id = ?"
                " AND revoked_at IS NULL AND used_at IS NULL",
                [iso(moment), person_id],
            )
            token = new_token(rng)
            db.execute(
                "INSERT INTO personal_links (person_id, token_hash, created_at) VALUES (?, ?, ?)",
                [person_id, hash_token(token), iso(moment)],
            )
            events.record(
                db,
                actor=actor,
                kind=EventKind.LINK_ISSUED,
                subject=f"person:{person_id}",
                now=moment,
            )
            issued.append(
                Issued(
                    person_id=person.id,
                    name=person.name,
                    email=person.email,
                    url=f"{base}/p/{token}",
                )
            )
    return issued


def exchange_link(
    db: sqlite_utils.Database,
    token: str,
    *,
    user_agent: str = "",
    ip: str = "",
    previous_session: str | None = None,
    now: datetime | None = None,
    rng: RandomBytes = secrets.token_bytes,
) -> tuple[Person, str]:
    """Spend a personal link: returns the person and a new device-session token.

    `previous_session`, the cookie this phone already had (perhaps someone else's), ends in the
    same transaction, so a handed-on phone never keeps two live sessions.
    """
    moment = now or utcnow()
    if not looks_like_token(token):
        raise LinkRefused("this link is not a Callboard link", code="link_unknown")
    with write(db):
        row = db.execute(
            "SELECT id, person_id, created_at, used_at, revoked_at FROM personal_links"
            " WHERE token_hash = ?",
            [hash_token(token)],
        ).fetchone()
        if row is None:
            raise LinkRefused("this link is not known here", code="link_unknown")
        link_id, person_id, created_at, used_at, revoked_at = row
        if revoked_at is not None:
            raise LinkRefused("this link was replaced or revoked", code="link_revoked")
        if used_at is not None:
            raise LinkRefused("this link was already used on another device", code="link_used")
        if moment - datetime.fromisoformat(created_at) > LINK_LIFETIME:
            raise LinkRefused(  # a sentence the PWA shows as it is
                f"A personal link stops working if it is not opened within {LINK_LIFETIME.days}"
                " days.",
                code="link_expired",
            )
        db.execute(
            "UPDATE personal_links SET used_at = ? WHERE id = ? AND used_at IS NULL",
            [iso(moment), link_id],
        )
        session = new_token(rng)
        db.execute(
            "INSERT INTO device_sessions (person_id, token_hash, created_at, last_seen_at,"
            " user_agent, ip) VALUES (?, ?, ?, ?, ?, ?)",
            [person_id, hash_token(session), iso(moment), iso(moment), user_agent[:400], ip[:64]],
        )
        events.record(
            db,
            actor=f"person:{person_id}",
            kind=EventKind.SESSION_STARTED,
            subject=f"person:{person_id}",
            now=moment,
            data={"ip": ip[:64], "user_agent": user_agent[:400]},
        )
        if previous_session:
            end_session(db, previous_session, now=moment)
        person = fetch_one(db, Person, "SELECT * FROM people WHERE id = ?", [person_id])
    assert person is not None  # the link's foreign key guarantees it
    return person, session


def session_person(
    db: sqlite_utils.Database,
    session_token: str,
    *,
    now: datetime | None = None,
    touch: bool = True,
) -> Person | None:
    """The person behind a device-session cookie, or None if unknown, revoked or expired."""
    if not looks_like_token(session_token):
        return None
    # One statement: every request from a phone asks this first.
    cursor = db.execute(
        "SELECT s.id AS session_id, s.last_seen_at AS session_seen, p.* FROM device_sessions s"
        " JOIN people p ON p.id = s.person_id WHERE s.token_hash = ? AND s.revoked_at IS NULL",
        [hash_token(session_token)],
    )
    row = cursor.fetchone()
    if row is None:
        return None
    moment = now or utcnow()
    last_seen = datetime.fromisoformat(row[1])
    if idle_expired(last_seen, moment):
        return None
    # Refresh last-seen at most every 5 minutes: a read should not write every time.
    if touch and (moment - last_seen).total_seconds() > 300:
        _touch(db, row[0], moment)
    columns = [c[0] for c in cursor.description[2:]]
    return to_struct(dict(zip(columns, row[2:], strict=True)), Person)


def _touch(db: sqlite_utils.Database, session_id: int, moment: datetime) -> None:
    """Best effort: last-seen is a hint for the device list, never worth failing or stalling a
    read for. If the file is busy with a real write, skip it; a later request will try again."""
    if db.conn.in_transaction:
        return
    db.execute(f"PRAGMA busy_timeout = {TOUCH_WAIT_MS}")
    try:
        with contextlib.suppress(sqlite3.OperationalError):
            db.execute(
                "UPDATE device_sessions SET last_seen_at = ? WHERE id = ?",
                [iso(moment), session_id],
            )
    finally:
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def idle_expired(last_seen_at: datetime, now: datetime) -> bool:
    return now - last_seen_at > SESSION_IDLE_LIMIT


# Why a session no longer names anyone: the coordinator or the phone ended it, or it went
# unused too long. The fronts word each one (an API error code, a check-in answer, a state).
SessionEnd = Literal["session_revoked", "session_expired"]


def session_end(session: DeviceSession, now: datetime) -> SessionEnd | None:
    if session.revoked_at is not None:
        return "session_revoked"
    if idle_expired(session.last_seen_at, now):
        return "session_expired"
    return None


def session_ended(
    db: sqlite_utils.Database, session_token: str, *, now: datetime | None = None
) -> SessionEnd | None:
    """Why a cookie that was once a session no longer is; None if it is live or never was."""
    if not looks_like_token(session_token):
        return None
    session = fetch_one(
        db,
        DeviceSession,
        "SELECT id, person_id, created_at, last_seen_at, user_agent, ip, revoked_at"
        " FROM device_sessions WHERE token_hash = ?",
        [hash_token(session_token)],
    )
    return None if session is None else session_end(session, now or utcnow())


def sessions_for(db: sqlite_utils.Database, person_id: int) -> list[DeviceSession]:
    return fetch_all(
        db,
        DeviceSession,
        "SELECT id, person_id, created_at, last_seen_at, user_agent, ip, revoked_at"
        " FROM device_sessions WHERE person_id = ? ORDER BY id DESC",
        [person_id],
    )


def device_name(user_agent: str) -> str:
    """ "Mobile Safari on iPhone" from a browser's user agent, for the coordinator's device list;
    the start of the raw string when the parser does not know it."""
    import ua_parser  # on first use: ~60 ms of imports every CLI command would otherwise pay

    found = ua_parser.parse(user_agent[:400])
    browser = found.user_agent.family if found.user_agent else ""
    device = found.device.family if found.device and found.device.family != "Other" else ""
    system = found.os.family if found.os and found.os.family != "Other" else ""
    if browser and browser != "Other":
        return f"{browser} on {device or system}" if device or system else browser
    return user_agent[:30] or "unknown"


def revoke_session(
    db: sqlite_utils.Database,
    session_id: int,
    *,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> None:
    moment = now or utcnow()
    with write(db):
        row = db.execute(
            "SELECT person_id FROM device_sessions WHERE id = ?", [session_id]
        ).fetchone()
        if row is None:
            raise NotFound(f"no device session with id {session_id}")
        db.execute(
            "UPDATE device_sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
            [iso(moment), session_id],
        )
        events.record(
            db,
            actor=actor,
            kind=EventKind.SESSION_REVOKED,
            subject=f"person:{row[0]}",
            now=moment,
            data={"session_id": session_id},
        )


def revoke_all(
    db: sqlite_utils.Database,
    person_id: int,
    *,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> int:
    """Kill every link, session and calendar feed of a person (a lost phone, a departure)."""
    moment = now or utcnow()
    with write(db):
        count = db.execute(
            "UPDATE personal_links SET revoked_at = ? WHERE person_id = ?"
            " AND revoked_at IS NULL AND used_at IS NULL",
            [iso(moment), person_id],
        ).rowcount
        for table in ("device_sessions", "calendar_feeds"):
            count += db.execute(
                f"UPDATE {table} SET revoked_at = ? WHERE person_id = ? AND revoked_at IS NULL",
                [iso(moment), person_id],
            ).rowcount
        events.record(
            db,
            actor=actor,
            kind=EventKind.ACCESS_REVOKED,
            subject=f"person:{person_id}",
            now=moment,
            data={"count": count},
        )
    return count


def end_session(
    db: sqlite_utils.Database, session_token: str, *, now: datetime | None = None
) -> None:
    """The phone's own sign-out."""
    moment = now or utcnow()
    if not looks_like_token(session_token):
        return
    with write(db):
        row = db.execute(
            "SELECT id, person_id FROM device_sessions WHERE token_hash = ?",
            [hash_token(session_token)],
        ).fetchone()
        if row is None:
            return
        db.execute(
            "UPDATE device_sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
            [iso(moment), row[0]],
        )
        events.record(
            db,
            actor=f"person:{row[1]}",
            kind=EventKind.SESSION_ENDED,
            subject=f"person:{row[1]}",
            now=moment,
            data={"session_id": row[0]},
        )


# --- calendar feeds -----------------------------------------------------------------------------


class CalendarFeed(msgspec.Struct, kw_only=True):
    url: str


def issue_calendar_feed(
    db: sqlite_utils.Database,
    person_id: int,
    *,
    base_url: str | None = None,
    now: datetime | None = None,
    rng: RandomBytes = secrets.token_bytes,
) -> CalendarFeed:
    """A new calendar subscription URL (the old one stops working)."""
    moment = now or utcnow()
    token = new_token(rng)
    with write(db):
        base = (base_url or get_production(db).base_url).rstrip("/")
        db.execute(
            "UPDATE calendar_feeds SET revoked_at = ? WHERE person_id = ? AND revoked_at IS NULL",
            [iso(moment), person_id],
        )
        db.execute(
            "INSERT INTO calendar_feeds (person_id, token_hash, created_at) VALUES (?, ?, ?)",
            [person_id, hash_token(token), iso(moment)],
        )
        events.record(
            db,
            actor=f"person:{person_id}",
            kind=EventKind.CALENDAR_ISSUED,
            subject=f"person:{person_id}",
            now=moment,
        )
    return CalendarFeed(url=f"{base}/ics/{token}.ics")


def calendar_person(db: sqlite_utils.Database, token: str) -> Person | None:
    if not looks_like_token(token):
        return None
    return fetch_one(
        db,
        Person,
        "SELECT p.* FROM calendar_feeds f JOIN people p ON p.id = f.person_id"
        " WHERE f.token_hash = ? AND f.revoked_at IS NULL",
        [hash_token(token)],
    )
