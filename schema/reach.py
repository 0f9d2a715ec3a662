"""What is sent to whom: personal links, published call sheets, change notices, contracts
awaiting a signature, reminders to the unconfirmed. Each becomes an outbox message
(schema/delivery.py).

Call sheets, notices and contracts are picked up by following the events table from a cursor
kept in the file (`sweep`), in one transaction with the cursor's advance: a notice written by
any process, in any code path, is enqueued exactly once and none is missed, and acknowledging
or signing marks the message confirmed the same way. The cursor starts at the newest event
when the file is upgraded, so old history is never mailed out.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta
from html import escape
from urllib.parse import quote

import msgspec
import sqlite_utils

from schema import callsheets, delivery, links
from schema.channels.base import Attachment
from schema.clock import wall_clock
from schema.event_kinds import EventKind
from schema.production import COORDINATOR, zone
from schema.production import get as get_production
from schema.store import events
from schema.store.connection import write
from schema.types import Event, Issued, PersonKind

SWEEP_BATCH = 500


class Invited(msgspec.Struct, kw_only=True):
    """A new personal link: queued to their email, or to be handed over (no email)."""

    issued: Issued
    message_id: int | None


# --- composing ----------------------------------------------------------------------------------


def compose(
    name: str, production: str, lines: list[str], link: str, action: str
) -> tuple[str, str]:
    """Plain text and its HTML twin; every piece of data is escaped in the HTML."""
    text = "\n\n".join([f"Hello {name},", *lines, f"{action}:\n{link}", f"-- {production}"])
    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in lines)
    html = (
        f'<!doctype html><html><body style="font-family: sans-serif">'
        f"<p>Hello {escape(name)},</p>{paragraphs}"
        f'<p><a href="{escape(link, quote=True)}">{escape(action)}</a></p>'
        f'<p style="color:#666">{escape(production)}</p></body></html>'
    )
    return text, html


def app_link(db: sqlite_utils.Database) -> str:
    return get_production(db).base_url + "/"


# --- personal links -----------------------------------------------------------------------------


def send_invites(
    db: sqlite_utils.Database,
    person_ids: Iterable[int],
    *,
    base_url: str | None = None,
    actor: str = COORDINATOR,
    now: datetime,
) -> list[Invited]:
    """Issue new personal links and queue each to its person's email, in one transaction."""
    found: list[Invited] = []
    with write(db):
        production = get_production(db).name
        for issued in links.issue_links(db, person_ids, base_url=base_url, actor=actor, now=now):
            found.append(Invited(issued=issued, message_id=_invite(db, issued, production, now)))
    return found


def _invite(
    db: sqlite_utils.Database, issued: Issued, production: str, now: datetime
) -> int | None:
    if not issued.email:
        return None
    text, html = compose(
        issued.name,
        production,
        [
            f"This is your personal link to {production}: your calls, call sheets and changes.",
            "It works once, on one phone: open it on the phone you will carry on set.",
        ],
        issued.url,
        "Open your link",
    )
    return delivery.enqueue(
        db,
        person_id=issued.person_id,
        kind="invite",
        key="invite:" + hashlib.sha256(issued.url.encode()).hexdigest()[:24],
        subject=f"{production}: your personal link",
        text=text,
        html=html,
        link=issued.url,
        ref="invite",
        channels=("email",),
        secret=True,
        now=now,
    )


# --- call sheets -------------------------------------------------------------------------------


def send_callsheet(
    db: sqlite_utils.Database,
    *,
    person_id: int,
    sheet_key: str,
    title: str,
    lines: list[str],
    pdf: bytes,
    filename: str,
    ref: str,
    link: str | None = None,
    actor: str = COORDINATOR,
    now: datetime,
) -> int:
    """A published call sheet to one person: a summary in the body, the PDF attached, a link to
    the phone view. `sheet_key` names the published version ("12:v3"): publishing it again
    sends nothing twice. `ref` is what the person acknowledges (their notice for it), so the
    message turns confirmed when they do. Call it in the publishing transaction."""
    with write(db):
        production = get_production(db)
        name = db.execute("SELECT name FROM people WHERE id = ?", [person_id]).fetchone()
        target = link or production.base_url + "/"
        text, html = compose(
            name[0] if name else "",
            production.name,
            [f"The call sheet for {title} is out.", *lines, "The PDF is attached."],
            target,
            "Open it on your phone and confirm",
        )
        return delivery.enqueue(
            db,
            person_id=person_id,
            kind="callsheet",
            key=f"callsheet:{sheet_key}:person:{person_id}",
            subject=f"{production.name}: call sheet — {title}"[:200],
            text=text,
            html=html,
            link=target,
            attachments=[Attachment(filename=filename, content_type="application/pdf", data=pdf)],
            ref=ref,
            actor=actor,
            now=now,
        )


def _from_a_sheet(db: sqlite_utils.Database, notice_id: int) -> bool:
    """A notice a call sheet's publication made travels with the sheet: one message, not two."""
    found = db.execute("SELECT 1 FROM callsheet_notices WHERE notice_id = ?", [notice_id])
    return found.fetchone() is not None


def _published_sheet(db: sqlite_utils.Database, version_id: int, actor: str, now: datetime) -> None:
    """Each person a published version touched gets the sheet: their own lines in the body,
    the PDF attached, the phone's view linked. Acknowledging their notice confirms it."""
    from schema.outputs.callsheet_pdf import callsheet_pdf  # the PDF writer is heavy

    version = callsheets.get_version(db, version_id)
    people = callsheets.affected(db, version_id)
    if not people:
        return
    pdf = callsheet_pdf(version.sheet, version=version.number, published_at=version.published_at)
    crew_pdf = pdf  # cast names hidden from crew: they are sent a copy without them
    cast: set[int] = set()
    if callsheets.settings(db).hide_cast_names:
        crew_sheet = callsheets.without_cast_names(version.sheet)
        crew_pdf = callsheet_pdf(
            crew_sheet, version=version.number, published_at=version.published_at
        )
        cast = {r[0] for r in db.execute("SELECT id FROM people WHERE kind = ?", [PersonKind.CAST])}
    title = f"{callsheets.day_label(version.date)} ({version.unit} unit), version {version.number}"
    base = get_production(db).base_url
    link = f"{base}/sheet/{version.date.isoformat()}/{quote(version.unit, safe='')}"
    filename = f"callsheet-{version.date.isoformat()}-{version.unit}-v{version.number}.pdf"
    for person in people:
        notice = db.execute(
            "SELECT notice_id FROM callsheet_notices WHERE version_id = ? AND person_id = ?"
            " ORDER BY notice_id LIMIT 1",
            [version_id, person.person_id],
        ).fetchone()
        send_callsheet(
            db,
            person_id=person.person_id,
            sheet_key=f"{version_id}:v{version.number}",
            title=title,
            lines=person.lines,
            pdf=pdf if person.person_id in cast else crew_pdf,
            filename=filename,
            ref=f"notice:{notice[0]}" if notice else f"callsheet:{version_id}",
            link=link,
            actor=actor,
            now=now,
        )


# --- following the events: notices and contracts ------------------------------------------------


def sweep(db: sqlite_utils.Database, *, now: datetime) -> int:
    """Enqueue what new events call for and mark what they confirm; returns events handled."""
    if _caught_up(db):
        return 0
    with write(db):
        cursor = int(
            db.execute("SELECT event_id FROM delivery_cursor WHERE name = 'sweep'").fetchone()[0]
        )
        batch = events.since(db, cursor, limit=SWEEP_BATCH)
        for event in batch:
            _follow(db, event, now)
        if batch:
            db.execute(
                "UPDATE delivery_cursor SET event_id = ? WHERE name = 'sweep'", [batch[-1].id]
            )
        _remind_before_call(db, now)
    return len(batch)


def _caught_up(db: sqlite_utils.Database) -> bool:
    """Nothing new to follow and no reminders to time: the common case takes no write lock."""
    row = db.execute(
        "SELECT (SELECT event_id FROM delivery_cursor WHERE name = 'sweep'),"
        " (SELECT coalesce(max(id), 0) FROM events),"
        " (SELECT remind_hours FROM production WHERE id = 1)"
    ).fetchone()
    return row[0] is not None and row[0] >= row[1] and not row[2]


def start_from_now(db: sqlite_utils.Database) -> None:
    """Follow only events after this moment (a file whose history must not be mailed out)."""
    with write(db):
        db.execute(
            "UPDATE delivery_cursor SET event_id = (SELECT coalesce(max(id), 0) FROM events)"
            " WHERE name = 'sweep'"
        )


def _follow(db: sqlite_utils.Database, event: Event, now: datetime) -> None:
    ref = event.subject
    person_id = event.data.get("person_id")
    if event.kind == EventKind.NOTICE_CREATED:
        _notice(db, int(ref.split(":")[1]), now)
    elif event.kind == EventKind.CALLSHEET_PUBLISHED:
        _published_sheet(db, int(event.data["version_id"]), event.actor, now)
    elif event.kind == EventKind.CONTRACT_SENT:
        _contract(db, int(ref.split(":")[1]), now)
    elif event.kind == EventKind.NOTICE_ACKNOWLEDGED and isinstance(person_id, int):
        delivery.confirm(db, person_id, ref, at=event.at, actor=event.actor, now=now)
    elif event.kind in (EventKind.CONTRACT_SIGNED, EventKind.CONTRACT_VIEWED):
        _contract_moved(db, event, now)


def _notice(db: sqlite_utils.Database, notice_id: int, now: datetime) -> None:
    row = db.execute("SELECT summary FROM notices WHERE id = ?", [notice_id]).fetchone()
    if row is None or _from_a_sheet(db, notice_id):
        return
    production = get_production(db)
    link = production.base_url + "/"
    for person_id, name in db.execute(
        "SELECT p.id, p.name FROM notice_recipients r JOIN people p ON p.id = r.person_id"
        " WHERE r.notice_id = ? AND r.acknowledged_at IS NULL",
        [notice_id],
    ).fetchall():
        text, html = compose(
            name,
            production.name,
            [f"A change for you: {row[0]}", "Please open Callboard and confirm you have seen it."],
            link,
            "See the change and confirm",
        )
        delivery.enqueue(
            db,
            person_id=person_id,
            kind="notice",
            key=f"notice:{notice_id}:person:{person_id}",
            subject=f"{production.name}: change — {row[0]}"[:200],
            text=text,
            html=html,
            link=link,
            ref=f"notice:{notice_id}",
            now=now,
        )


def _contract(db: sqlite_utils.Database, contract_id: int, now: datetime) -> None:
    row = db.execute(
        "SELECT c.title, c.sent_at, p.id, p.name FROM contracts c"
        " JOIN people p ON p.id = c.person_id WHERE c.id = ? AND c.status IN ('sent', 'viewed')",
        [contract_id],
    ).fetchone()
    if row is None:
        return
    title, sent_at, person_id, name = row
    production = get_production(db)
    link = production.base_url + "/"
    text, html = compose(
        name,
        production.name,
        [f"A contract waits for your signature: {title}.", "Open Callboard to read and sign it."],
        link,
        "Read and sign",
    )
    delivery.enqueue(
        db,
        person_id=person_id,
        kind="contract",
        key=f"contract:{contract_id}:sent:{sent_at}",
        subject=f"{production.name}: please sign — {title}"[:200],
        text=text,
        html=html,
        link=link,
        ref=f"contract:{contract_id}",
        now=now,
    )


def _contract_moved(db: sqlite_utils.Database, event: Event, now: datetime) -> None:
    row = db.execute(
        "SELECT person_id FROM contracts WHERE id = ?", [int(event.subject.split(":")[1])]
    ).fetchone()
    if row is None:
        return
    if event.kind == EventKind.CONTRACT_SIGNED:
        delivery.confirm(db, row[0], event.subject, at=event.at, actor=event.actor, now=now)
    else:
        delivery.mark_opened(db, row[0], [event.subject], now=now)


# --- reminders ----------------------------------------------------------------------------------


def remind(
    db: sqlite_utils.Database,
    *,
    message_ids: Iterable[int] | None = None,
    actor: str = COORDINATOR,
    now: datetime,
) -> int:
    """A reminder to each person who has not confirmed these messages (default: every
    unconfirmed notice, call sheet and contract). Pressing twice in a minute sends once."""
    wanted = None if message_ids is None else set(message_ids)
    count = 0
    with write(db):
        for line in delivery.lines(db, unconfirmed_only=True):
            # A link is never resent (it is spent); a reminder is not reminded of.
            skip = line.kind in ("reminder", "invite")
            if skip or (wanted is not None and line.message_id not in wanted):
                continue
            count += _reminder(db, line, f"{now:%Y%m%dT%H%M}", actor, now)
    return count


def _reminder(
    db: sqlite_utils.Database, line: delivery.DeliveryLine, when: str, actor: str, now: datetime
) -> int:
    row = db.execute(
        "SELECT subject, text, html, link FROM outbox_messages WHERE id = ?", [line.message_id]
    ).fetchone()
    key = f"reminder:{line.message_id}:{when}"
    if db.execute("SELECT 1 FROM outbox_messages WHERE key = ?", [key]).fetchone():
        return 0
    delivery.enqueue(
        db,
        person_id=line.person_id,
        kind="reminder",
        key=key,
        subject=f"Reminder: {row[0]}"[:200],
        text="Reminder: please confirm you have seen this.\n\n" + row[1],
        html="<p><strong>Reminder: please confirm you have seen this.</strong></p>" + row[2],
        link=row[3],
        ref=line.ref,
        actor=actor,
        now=now,
    )
    return 1


def _remind_before_call(db: sqlite_utils.Database, now: datetime) -> None:
    """With `remind_hours` set, remind the unconfirmed of a day's notice once, that many hours
    before the day's call."""
    production = get_production(db)
    if production.remind_hours <= 0:
        return
    local = wall_clock(now, zone(production))
    horizon = local + timedelta(hours=production.remind_hours)
    rows = db.execute(
        "SELECT DISTINCT m.id FROM outbox_messages m JOIN notices n ON m.ref = 'notice:' || n.id"
        " JOIN days d ON d.id = n.day_id WHERE m.kind = 'notice' AND m.confirmed_at IS NULL"
        " AND m.told_at IS NULL AND d.call_at > ? AND d.call_at <= ?",
        [local.isoformat(timespec="seconds"), horizon.isoformat(timespec="seconds")],
    ).fetchall()
    due = {r[0] for r in rows}
    if not due:
        return
    for line in delivery.lines(db, unconfirmed_only=True):
        if line.message_id in due:
            _reminder(db, line, "before-call", COORDINATOR, now)
