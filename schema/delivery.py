"""The outbox: every message to a person, one row per channel, and what became of it.

`enqueue` is the one way in and is idempotent by `key`: enqueueing the same message twice is a
no-op, so a caller may call it from a retry or a sweep without thinking. A sender `claim`s due
rows with a conditional UPDATE inside BEGIN IMMEDIATE and holds them for a lease; a crashed
sender's lease runs out and another takes the rows over. A row's Message-ID is fixed when it is
first claimed and kept until a deliberate resend, so a message sent again after a crash carries
the same Message-ID (and a mail client shows it once).

States, as coordinators think of them: queued, sent, failed (the server's reason, the next
retry), then for the message as a whole: opened (the phone fetched it), confirmed (acknowledged
in the PWA) and told in person (the coordinator marks it, with who and when). Every change is
an event in the `delivery` family.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import msgspec
import sqlite_utils

from schema import validate
from schema.channels.base import Attachment, Destination, Outgoing, PushSubscription
from schema.clock import iso
from schema.errors import InvalidInput, NotFound, RuleViolation
from schema.event_kinds import EventKind
from schema.production import COORDINATOR
from schema.store import events
from schema.store.connection import write
from schema.types import Person

CHANNELS = ("email", "webpush")
KINDS = ("invite", "notice", "callsheet", "contract", "reminder")
MAX_ATTEMPTS = 12
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)
LEASE = timedelta(minutes=2)
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# What a message that held a personal link keeps once it has gone: the link is a bearer
# secret, so the file holds it only until it is sent.
SPENT = "(this message held a personal link; it is not kept once sent)"


class Claimed(msgspec.Struct, frozen=True, kw_only=True):
    """A due row, held by one sender until its lease ends."""

    channel: str
    message: Outgoing
    to: Destination


class ChannelState(msgspec.Struct, kw_only=True):
    channel: str
    state: str  # queued | sent | failed
    attempts: int
    reason: str
    next_attempt_at: datetime | None
    sent_at: datetime | None


class DeliveryLine(msgspec.Struct, kw_only=True):
    """One message to one person, with its overall state and each channel's."""

    message_id: int
    person_id: int
    name: str
    kind: str
    ref: str
    subject: str
    created_at: datetime
    state: str  # told | confirmed | opened | sent | failed | queued | unreachable
    channels: list[ChannelState]
    opened_at: datetime | None
    confirmed_at: datetime | None
    told_at: datetime | None
    told_by: str | None

    @property
    def confirmed(self) -> bool:
        """Nothing left to chase: acknowledged, told, or for a link, opened on a phone."""
        done = ("confirmed", "told", "opened") if self.kind == "invite" else ("confirmed", "told")
        return self.state in done

    @property
    def reason(self) -> str:
        return next((c.reason for c in self.channels if c.state == "failed" and c.reason), "")


# --- enqueueing ---------------------------------------------------------------------------------


def enqueue(
    db: sqlite_utils.Database,
    *,
    person_id: int,
    kind: str,
    key: str,
    subject: str,
    text: str,
    html: str,
    link: str,
    attachments: Sequence[Attachment] = (),
    ref: str = "",
    channels: Iterable[str] = CHANNELS,
    secret: bool = False,
    actor: str = COORDINATOR,
    now: datetime,
) -> int:
    """Queue a message to one person on every channel that reaches them; returns its id.

    The same `key` again returns the first message's id and changes nothing. `ref` names what
    the person confirms ("notice:12"): acknowledging it marks this message confirmed. Safe to
    call inside the caller's own write transaction (it then joins it).
    """
    if kind not in KINDS:
        raise InvalidInput(f"unknown message kind {kind!r}", field="kind")
    key = validate.text(key, "key", required=True, limit=200)
    if sum(len(a.data) for a in attachments) > MAX_ATTACHMENT_BYTES:
        raise InvalidInput("attachments over 10 MB are too large to email", field="attachments")
    with write(db):
        found = db.execute("SELECT id FROM outbox_messages WHERE key = ?", [key]).fetchone()
        if found is not None:
            return int(found[0])
        person = _person(db, person_id)
        cursor = db.execute(
            "INSERT INTO outbox_messages (key, person_id, kind, ref, subject, text, html, link,"
            " secret, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [key, person_id, kind, ref, subject[:300], text, html, link, int(secret), iso(now)],
        )
        message_id = int(cursor.lastrowid or 0)
        db.conn.executemany(
            "INSERT INTO outbox_attachments (message_id, filename, content_type, data)"
            " VALUES (?, ?, ?, ?)",
            [(message_id, a.filename, a.content_type, a.data) for a in attachments],
        )
        queued = _add_channels(db, message_id, person, set(channels), now)
        events.record(
            db,
            actor=actor,
            kind=EventKind.DELIVERY_QUEUED,
            subject=f"message:{message_id}",
            now=now,
            data={"person_id": person_id, "kind": kind, "key": key, "channels": queued},
        )
    return message_id


def _person(db: sqlite_utils.Database, person_id: int) -> Person:
    row = db.execute("SELECT id, name, email FROM people WHERE id = ?", [person_id]).fetchone()
    if row is None:
        raise NotFound(f"no person with id {person_id}")
    return Person(id=row[0], name=row[1], email=row[2])


def _add_channels(
    db: sqlite_utils.Database, message_id: int, person: Person, wanted: set[str], now: datetime
) -> list[str]:
    """A row per channel that reaches the person (an email address, a phone that opted in)."""
    reachable = []
    if "email" in wanted and person.email:
        reachable.append("email")
    if "webpush" in wanted and _subscriptions(db, person.id):
        reachable.append("webpush")
    for channel in reachable:
        db.execute(
            "INSERT OR IGNORE INTO outbox (message_id, channel, next_attempt_at) VALUES (?, ?, ?)",
            [message_id, channel, iso(now)],
        )
    return reachable


# --- sending ------------------------------------------------------------------------------------


def claim(
    db: sqlite_utils.Database,
    *,
    owner: str,
    channels: Iterable[str],
    now: datetime,
    lease: timedelta = LEASE,
    limit: int = 5,
    rng: Any = secrets.token_hex,
) -> list[Claimed]:
    """Take up to `limit` due rows for these channels, each held by `owner` until the lease
    ends. Two senders can never hold one row: the UPDATE re-checks the lease it takes."""
    names = [c for c in channels if c in CHANNELS]
    if not names:
        return []
    moment = iso(now)
    with write(db):
        due = db.execute(
            "SELECT id FROM outbox WHERE next_attempt_at <= ?"
            f" AND channel IN ({','.join('?' * len(names))})"
            " AND (claimed_until IS NULL OR claimed_until < ?)"
            " ORDER BY next_attempt_at, id LIMIT ?",
            [moment, *names, moment, limit],
        ).fetchall()
        domain = _message_domain(db)
        taken = []
        for (row_id,) in due:
            cursor = db.execute(
                "UPDATE outbox SET claimed_by = ?, claimed_until = ?, attempts = attempts + 1,"
                " header_id = coalesce(header_id, ?) WHERE id = ? AND next_attempt_at <= ?"
                " AND (claimed_until IS NULL OR claimed_until < ?)",
                [owner, iso(now + lease), f"<{rng(12)}@{domain}>", row_id, moment, moment],
            )
            if cursor.rowcount == 1:
                taken.append(_claimed(db, row_id))
    return taken


def _message_domain(db: sqlite_utils.Database) -> str:
    sender = db.execute("SELECT smtp_from FROM production WHERE id = 1").fetchone()
    address = (sender[0] if sender else "").rstrip(">")
    domain = address.rpartition("@")[2]
    return domain if domain and validate.EMAIL.match(f"x@{domain}") else "callboard.invalid"


def _claimed(db: sqlite_utils.Database, row_id: int) -> Claimed:
    row = db.execute(
        "SELECT o.channel, o.header_id, m.id, m.subject, m.text, m.html, m.link, p.id, p.name,"
        " p.email FROM outbox o JOIN outbox_messages m ON m.id = o.message_id"
        " JOIN people p ON p.id = m.person_id WHERE o.id = ?",
        [row_id],
    ).fetchone()
    channel, header_id, message_id, subject, text, html, link, person_id, name, email = row
    attachments = tuple(
        Attachment(filename=f, content_type=t, data=d)
        for f, t, d in db.execute(
            "SELECT filename, content_type, data FROM outbox_attachments WHERE message_id = ?"
            " ORDER BY id",
            [message_id],
        ).fetchall()
    )
    message = Outgoing(
        delivery_id=row_id,
        person_name=name,
        subject=subject,
        text=text,
        html=html,
        link=link,
        header_id=header_id,
        attachments=attachments,
    )
    to = Destination(
        email=email if channel == "email" else "",
        subscriptions=tuple(_subscriptions(db, person_id)) if channel == "webpush" else (),
    )
    return Claimed(channel=channel, message=message, to=to)


def record_sent(
    db: sqlite_utils.Database,
    delivery_id: int,
    *,
    owner: str,
    gone: Iterable[int] = (),
    now: datetime,
) -> None:
    """The channel took the message. Recorded even if this sender's lease ran out meanwhile:
    it was sent all the same."""
    with write(db):
        row = _row(db, delivery_id)
        changed = db.execute(
            "UPDATE outbox SET state = 'sent', sent_at = ?, reason = '', next_attempt_at = NULL,"
            " claimed_by = NULL, claimed_until = NULL WHERE id = ? AND state != 'sent'",
            [iso(now), delivery_id],
        ).rowcount
        _drop_subscriptions(db, gone, now)
        if changed:
            events.record(
                db,
                actor=f"sender:{owner}",
                kind=EventKind.DELIVERY_SENT,
                subject=f"message:{row['message_id']}",
                now=now,
                data={
                    "person_id": row["person_id"],
                    "channel": row["channel"],
                    "attempts": row["attempts"],
                    "message_id_header": row["header_id"],
                },
            )
        _forget_secret(db, row["message_id"])


def record_failed(
    db: sqlite_utils.Database,
    delivery_id: int,
    *,
    owner: str,
    reason: str,
    retry: bool,
    gone: Iterable[int] = (),
    now: datetime,
) -> datetime | None:
    """The channel could not deliver; returns when it is tried again (None: not by itself)."""
    with write(db):
        row = _row(db, delivery_id)
        retry_at = None
        if retry and row["attempts"] < MAX_ATTEMPTS:
            retry_at = now + backoff(row["attempts"])
        changed = db.execute(
            "UPDATE outbox SET state = 'failed', reason = ?, next_attempt_at = ?,"
            " claimed_by = NULL, claimed_until = NULL"
            " WHERE id = ? AND claimed_by = ? AND state != 'sent'",
            [reason[:300], iso(retry_at) if retry_at else None, delivery_id, owner],
        ).rowcount
        _drop_subscriptions(db, gone, now)
        if changed:
            events.record(
                db,
                actor=f"sender:{owner}",
                kind=EventKind.DELIVERY_FAILED,
                subject=f"message:{row['message_id']}",
                now=now,
                data={
                    "person_id": row["person_id"],
                    "channel": row["channel"],
                    "reason": reason[:300],
                    "attempts": row["attempts"],
                    "next_attempt_at": iso(retry_at) if retry_at else None,
                },
            )
            if retry_at is None:
                _forget_secret(db, row["message_id"])
    return retry_at


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min ... up to an hour between tries."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_RETRY)


def _row(db: sqlite_utils.Database, delivery_id: int) -> dict[str, Any]:
    cursor = db.execute(
        "SELECT o.*, m.person_id FROM outbox o JOIN outbox_messages m ON m.id = o.message_id"
        " WHERE o.id = ?",
        [delivery_id],
    )
    row = cursor.fetchone()
    if row is None:
        raise NotFound(f"no outbox row {delivery_id}")
    return dict(zip([c[0] for c in cursor.description], row, strict=True))


def _forget_secret(db: sqlite_utils.Database, message_id: int) -> None:
    """Once nothing of a message holding a personal link is still to go, blank its text."""
    pending = db.execute(
        "SELECT 1 FROM outbox WHERE message_id = ? AND next_attempt_at IS NOT NULL", [message_id]
    ).fetchone()
    if pending is None:
        db.execute(
            "UPDATE outbox_messages SET text = ?, html = ?, link = '' WHERE id = ? AND secret = 1",
            [SPENT, SPENT, message_id],
        )


def pending_count(db: sqlite_utils.Database, channels: Iterable[str], *, now: datetime) -> int:
    """Rows still to go on these channels that are due now (or held by a sender)."""
    names = list(channels) or ["-"]
    return int(
        db.execute(
            "SELECT count(*) FROM outbox WHERE next_attempt_at <= ?"
            f" AND channel IN ({','.join('?' * len(names))})",
            [iso(now), *names],
        ).fetchone()[0]
    )


def next_due(db: sqlite_utils.Database, channels: Iterable[str]) -> datetime | None:
    names = list(channels) or ["-"]
    row = db.execute(
        "SELECT min(next_attempt_at) FROM outbox WHERE next_attempt_at IS NOT NULL"
        f" AND channel IN ({','.join('?' * len(names))})",
        names,
    ).fetchone()
    return datetime.fromisoformat(row[0]) if row and row[0] else None


# --- what became of it --------------------------------------------------------------------------


def mark_opened(
    db: sqlite_utils.Database, person_id: int, refs: Iterable[str], *, now: datetime
) -> int:
    """The person's phone fetched these (a notice, a sheet, the app after an invite). Reads
    first, so the common case (already opened) writes nothing."""
    wanted = sorted(set(refs))
    if not wanted:
        return 0
    marks = ",".join("?" * len(wanted))
    sql = (
        "SELECT id FROM outbox_messages WHERE person_id = ? AND opened_at IS NULL"
        f" AND ref IN ({marks})"
    )
    if db.execute(sql, [person_id, *wanted]).fetchone() is None:
        return 0
    with write(db):
        ids = [r[0] for r in db.execute(sql, [person_id, *wanted]).fetchall()]
        for message_id in ids:
            db.execute(
                "UPDATE outbox_messages SET opened_at = ? WHERE id = ? AND opened_at IS NULL",
                [iso(now), message_id],
            )
            events.record(
                db,
                actor=f"person:{person_id}",
                kind=EventKind.DELIVERY_OPENED,
                subject=f"message:{message_id}",
                now=now,
                data={"person_id": person_id},
            )
    return len(ids)


def confirm(
    db: sqlite_utils.Database,
    person_id: int,
    ref: str,
    *,
    at: datetime,
    actor: str,
    now: datetime,
) -> int:
    """The person acknowledged `ref` (at `at`): every message of theirs about it is confirmed
    (and opened, if the phone had not been seen fetching it)."""
    with write(db):
        ids = [
            r[0]
            for r in db.execute(
                "SELECT id FROM outbox_messages WHERE person_id = ? AND ref = ?"
                " AND confirmed_at IS NULL",
                [person_id, ref],
            ).fetchall()
        ]
        for message_id in ids:
            db.execute(
                "UPDATE outbox_messages SET confirmed_at = ?, opened_at = coalesce(opened_at, ?)"
                " WHERE id = ?",
                [iso(at), iso(at), message_id],
            )
            events.record(
                db,
                actor=actor,
                kind=EventKind.DELIVERY_CONFIRMED,
                subject=f"message:{message_id}",
                now=now,
                data={"person_id": person_id, "ref": ref, "at": iso(at)},
            )
    return len(ids)


def tell_in_person(
    db: sqlite_utils.Database,
    message_id: int,
    *,
    actor: str = COORDINATOR,
    now: datetime,
) -> None:
    """The coordinator told this person face to face (or by phone): recorded with who and when."""
    with write(db):
        row = db.execute(
            "SELECT person_id, told_at FROM outbox_messages WHERE id = ?", [message_id]
        ).fetchone()
        if row is None:
            raise NotFound(f"no message with id {message_id}")
        if row[1] is not None:
            return
        db.execute(
            "UPDATE outbox_messages SET told_at = ?, told_by = ? WHERE id = ? AND told_at IS NULL",
            [iso(now), actor, message_id],
        )
        events.record(
            db,
            actor=actor,
            kind=EventKind.DELIVERY_TOLD,
            subject=f"message:{message_id}",
            now=now,
            data={"person_id": row[0]},
        )


def resend(
    db: sqlite_utils.Database,
    message_ids: Iterable[int],
    *,
    actor: str = COORDINATOR,
    now: datetime,
) -> int:
    """Send these messages again, now, on every channel that reaches the person today, with a
    new Message-ID (a deliberate resend is a new email). Returns how many were requeued."""
    count = 0
    with write(db):
        for message_id in sorted(set(message_ids)):
            row = db.execute(
                "SELECT person_id, secret, text FROM outbox_messages WHERE id = ?", [message_id]
            ).fetchone()
            if row is None:
                raise NotFound(f"no message with id {message_id}")
            if row[1] and row[2] == SPENT:
                raise RuleViolation(
                    "a personal link is never sent twice; issue a new one (invite) instead",
                    code="link_spent",
                )
            db.execute(
                "UPDATE outbox SET state = 'queued', attempts = 0, reason = '',"
                " next_attempt_at = ?, generation = generation + 1, header_id = NULL"
                " WHERE message_id = ? AND (claimed_until IS NULL OR claimed_until < ?)",
                [iso(now), message_id, iso(now)],
            )
            channels = _add_channels(db, message_id, _person(db, row[0]), set(CHANNELS), now)
            events.record(
                db,
                actor=actor,
                kind=EventKind.DELIVERY_RESENT,
                subject=f"message:{message_id}",
                now=now,
                data={"person_id": row[0], "channels": channels},
            )
            count += 1
    return count


# --- the read model -----------------------------------------------------------------------------


def waiting_on_setup(db: sqlite_utils.Database) -> str | None:
    """Why email rows cannot go at all (no SMTP server set), when some are waiting for it."""
    row = db.execute("SELECT smtp_host, smtp_from FROM production WHERE id = 1").fetchone()
    if row is None or (row[0] and row[1]):
        return None
    waiting = db.execute(
        "SELECT count(*) FROM outbox WHERE channel = 'email' AND state = 'queued'"
    ).fetchone()[0]
    if not waiting:
        return None
    return (
        f"{waiting} email{'s' if waiting != 1 else ''} wait for an SMTP server:"
        " callboard settings --smtp-host H --smtp-from ADDRESS"
    )


def lines(
    db: sqlite_utils.Database,
    *,
    person_id: int | None = None,
    unconfirmed_only: bool = False,
    limit: int = 2000,
) -> list[DeliveryLine]:
    """Every message, newest first, with its state per channel: the Deliveries view."""
    sql = (
        "SELECT m.id, m.person_id, p.name, m.kind, m.ref, m.subject, m.created_at, m.opened_at,"
        " m.confirmed_at, m.told_at, m.told_by FROM outbox_messages m"
        " JOIN people p ON p.id = m.person_id WHERE 1 = 1"
    )
    params: list[Any] = []
    if person_id is not None:
        sql += " AND m.person_id = ?"
        params.append(person_id)
    if unconfirmed_only:
        # A link is done once a phone opened it; anything else once it is acknowledged.
        sql += (
            " AND m.told_at IS NULL AND CASE WHEN m.kind = 'invite' THEN m.opened_at IS NULL"
            " ELSE m.confirmed_at IS NULL END"
        )
    rows = db.execute(sql + " ORDER BY m.id DESC LIMIT ?", [*params, limit]).fetchall()
    by_message = _channel_states(db, [r[0] for r in rows])
    return [_line(row, by_message.get(row[0], [])) for row in rows]


def _channel_states(db: sqlite_utils.Database, ids: list[int]) -> dict[int, list[ChannelState]]:
    found: dict[int, list[ChannelState]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for row in db.execute(
            "SELECT message_id, channel, state, attempts, reason, next_attempt_at, sent_at"
            f" FROM outbox WHERE message_id IN ({','.join('?' * len(chunk))}) ORDER BY channel",
            chunk,
        ).fetchall():
            found.setdefault(row[0], []).append(
                ChannelState(
                    channel=row[1],
                    state=row[2],
                    attempts=row[3],
                    reason=row[4],
                    next_attempt_at=_moment(row[5]),
                    sent_at=_moment(row[6]),
                )
            )
    return found


def _line(row: tuple[Any, ...], channels: list[ChannelState]) -> DeliveryLine:
    message_id, person_id, name, kind, ref, subject, created, opened, confirmed, told, by = row
    return DeliveryLine(
        message_id=message_id,
        person_id=person_id,
        name=name,
        kind=kind,
        ref=ref,
        subject=subject,
        created_at=datetime.fromisoformat(created),
        state=overall_state(channels, opened=opened, confirmed=confirmed, told=told),
        channels=channels,
        opened_at=_moment(opened),
        confirmed_at=_moment(confirmed),
        told_at=_moment(told),
        told_by=by,
    )


def overall_state(channels: list[ChannelState], *, opened: Any, confirmed: Any, told: Any) -> str:
    """The furthest a message got: told, confirmed, opened, sent (any channel), failed,
    queued; unreachable when no channel reaches the person."""
    if told:
        return "told"
    if confirmed:
        return "confirmed"
    if opened:
        return "opened"
    states = {c.state for c in channels}
    for state in ("sent", "failed", "queued"):
        if state in states:
            return state
    return "unreachable"


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


# --- phones that opted in to push, and the production's push keys ------------------------------

# Where browsers' push services live. A subscription naming any other host is refused: the
# server would otherwise POST wherever a phone told it to (a request forgery).
PUSH_HOSTS = (
    "fcm.googleapis.com",
    "updates.push.services.mozilla.com",
    "push.services.mozilla.com",
    "web.push.apple.com",
    "notify.windows.com",
    "push.apple.com",
)


def subscribe_push(
    db: sqlite_utils.Database,
    person_id: int,
    *,
    endpoint: str,
    p256dh: str,
    auth: str,
    user_agent: str = "",
    extra_hosts: Iterable[str] = (),
    now: datetime,
) -> int:
    """Keep a phone's push subscription (the same endpoint again replaces it)."""
    _check_endpoint(endpoint, tuple(extra_hosts))
    _check_key(p256dh, 65, "p256dh")
    _check_key(auth, 16, "auth")
    with write(db):
        db.execute(
            "INSERT INTO push_subscriptions (person_id, endpoint, p256dh, auth, user_agent,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (endpoint) DO UPDATE SET"
            " person_id = excluded.person_id, p256dh = excluded.p256dh, auth = excluded.auth,"
            " user_agent = excluded.user_agent, created_at = excluded.created_at,"
            " revoked_at = NULL",
            [person_id, endpoint, p256dh, auth, user_agent[:400], iso(now)],
        )
        row = db.execute(
            "SELECT id FROM push_subscriptions WHERE endpoint = ?", [endpoint]
        ).fetchone()
        events.record(
            db,
            actor=f"person:{person_id}",
            kind=EventKind.DELIVERY_PUSH_SUBSCRIBED,
            subject=f"person:{person_id}",
            now=now,
            data={"subscription_id": row[0], "host": urlsplit(endpoint).hostname},
        )
    return int(row[0])


def unsubscribe_push(
    db: sqlite_utils.Database, person_id: int, endpoint: str, *, now: datetime
) -> bool:
    with write(db):
        changed = db.execute(
            "UPDATE push_subscriptions SET revoked_at = ? WHERE endpoint = ? AND person_id = ?"
            " AND revoked_at IS NULL",
            [iso(now), endpoint, person_id],
        ).rowcount
        if changed:
            events.record(
                db,
                actor=f"person:{person_id}",
                kind=EventKind.DELIVERY_PUSH_UNSUBSCRIBED,
                subject=f"person:{person_id}",
                now=now,
            )
    return bool(changed)


def _check_endpoint(endpoint: str, extra_hosts: tuple[str, ...]) -> None:
    parts = urlsplit(endpoint)
    host = parts.hostname or ""
    allowed = host in extra_hosts or (
        parts.scheme == "https" and any(host == h or host.endswith("." + h) for h in PUSH_HOSTS)
    )
    if len(endpoint) > 1000 or not allowed:
        raise InvalidInput("this is not a push service this server sends to", field="endpoint")


def _check_key(value: str, size: int, field: str) -> None:
    import base64
    import binascii

    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(value) > 200 or len(raw) != size:
        raise InvalidInput(f"{field} is not a {size}-byte base64url key", field=field)


def _subscriptions(db: sqlite_utils.Database, person_id: int) -> list[PushSubscription]:
    return [
        PushSubscription(id=r[0], endpoint=r[1], p256dh=r[2], auth=r[3])
        for r in db.execute(
            "SELECT id, endpoint, p256dh, auth FROM push_subscriptions"
            " WHERE person_id = ? AND revoked_at IS NULL ORDER BY id",
            [person_id],
        ).fetchall()
    ]


def _drop_subscriptions(db: sqlite_utils.Database, ids: Iterable[int], now: datetime) -> None:
    for subscription_id in ids:
        db.execute(
            "UPDATE push_subscriptions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
            [iso(now), subscription_id],
        )


def push_keys(db: sqlite_utils.Database, *, now: datetime) -> tuple[str, str]:
    """The production's VAPID key pair (private PEM, public applicationServerKey), made on
    first use. Kept in the production file: it only lets this production push to phones that
    subscribed to it, and a backup must keep those subscriptions working."""
    row = db.execute("SELECT private_pem, public_key FROM push_keys WHERE id = 1").fetchone()
    if row is not None:
        return row[0], row[1]
    from schema.channels.webpush import new_keys

    pem, public = new_keys()
    with write(db):
        db.execute(
            "INSERT OR IGNORE INTO push_keys (id, private_pem, public_key, created_at)"
            " VALUES (1, ?, ?, ?)",
            [pem, public, iso(now)],
        )
        row = db.execute("SELECT private_pem, public_key FROM push_keys WHERE id = 1").fetchone()
    return row[0], row[1]
