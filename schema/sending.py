"""The sender: follows the events, then sends what is due on each channel that is ready.

It runs as a background thread of `callboard serve` and from `callboard send`; any number may
run on one file, because each row is claimed under a lease (schema/delivery.py). Channels
block (SMTP, HTTPS), so this never runs on an event loop. A failure is recorded with its reason
and retried with backoff; nothing leaves the outbox unrecorded.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from pathlib import Path

import msgspec
import sqlite_utils

from schema import delivery, reach
from schema.channels.base import Channel, SendFailed
from schema.channels.email import EmailChannel
from schema.clock import utcnow
from schema.production import get as get_production
from schema.store.connection import connect

log = logging.getLogger("callboard.sender")
BATCHES_PER_PASS = 50
# Longer than one SMTP exchange's timeout: a stop lets the message in hand finish and be recorded.
STOP_WAIT_S = 30.0


class Outcome(msgspec.Struct, kw_only=True):
    delivery_id: int
    channel: str
    to: str
    sent: bool
    reason: str = ""
    retry_at: datetime | None = None


class Pass(msgspec.Struct, kw_only=True):
    """What one pass did, and which channels could not send at all (and why)."""

    outcomes: list[Outcome]
    unready: dict[str, str]

    @property
    def sent(self) -> int:
        return sum(1 for o in self.outcomes if o.sent)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.sent]


def new_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def channels_for(
    db: sqlite_utils.Database,
    *,
    environ: Mapping[str, str] = os.environ,
    now: datetime,
) -> list[Channel]:
    """The channels as this production's settings (and the environment's password) make them."""
    production = get_production(db)
    email = EmailChannel.from_settings(
        production.smtp_host,
        production.smtp_port,
        production.smtp_from,
        production.smtp_user,
        production.smtp_tls,
        environ=environ,
    )
    row = db.execute("SELECT private_pem FROM push_keys WHERE id = 1").fetchone()
    contact = (
        f"mailto:{email.config.sender.rpartition('<')[2].rstrip('>')}"
        if email.config is not None
        else production.base_url
        if production.base_url.startswith("https://")
        else "mailto:callboard@localhost"
    )
    # Imported here: the cryptography it needs is heavy, and only a sender uses it.
    from schema.channels.webpush import WebPushChannel

    return [email, WebPushChannel(row[0] if row else None, contact)]


def run_once(
    db: sqlite_utils.Database,
    *,
    owner: str,
    now: Callable[[], datetime] = utcnow,
    lease: timedelta = delivery.LEASE,
    environ: Mapping[str, str] = os.environ,
    channels: list[Channel] | None = None,
) -> Pass:
    """Follow the events, then send every due row on each ready channel (bounded)."""
    reach.sweep(db, now=now())
    found = channels if channels is not None else channels_for(db, environ=environ, now=now())
    ready = {c.name: c for c in found if c.unready_reason() is None}
    unready = {c.name: c.unready_reason() or "" for c in found if c.name not in ready}
    outcomes: list[Outcome] = []
    try:
        for _ in range(BATCHES_PER_PASS):
            batch = delivery.claim(db, owner=owner, channels=ready, now=now(), lease=lease)
            if not batch:
                break
            outcomes += [_send(db, ready[item.channel], item, owner, now) for item in batch]
    finally:
        for channel in ready.values():
            channel.close()
    return Pass(outcomes=outcomes, unready=unready)


def _send(
    db: sqlite_utils.Database,
    channel: Channel,
    item: delivery.Claimed,
    owner: str,
    now: Callable[[], datetime],
) -> Outcome:
    row_id = item.message.delivery_id
    to = item.to.email or f"{len(item.to.subscriptions)} phone(s)"
    try:
        gone = channel.send(item.message, item.to)
    except SendFailed as failure:
        retry_at = delivery.record_failed(
            db,
            row_id,
            owner=owner,
            reason=failure.reason,
            retry=failure.retry,
            gone=failure.gone,
            now=now(),
        )
        log.warning("not sent (%s to %s): %s", item.channel, to, failure.reason)
        return Outcome(
            delivery_id=row_id,
            channel=item.channel,
            to=to,
            sent=False,
            reason=failure.reason,
            retry_at=retry_at,
        )
    delivery.record_sent(db, row_id, owner=owner, gone=gone, now=now())
    return Outcome(delivery_id=row_id, channel=item.channel, to=to, sent=True)


class BackgroundSender:
    """The sender as a thread of the server: a pass every `interval` seconds until stopped.
    Each pass opens nothing new: the thread keeps its own connection."""

    def __init__(self, db_path: str | Path, *, interval: float = 5.0) -> None:
        self.db_path = str(db_path)
        self.interval = interval
        self.owner = new_owner()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="callboard-sender", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """Ends after the message in hand (a lifespan hook: takes no arguments)."""
        self._stop.set()
        self._thread.join(STOP_WAIT_S)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        db = connect(self.db_path)
        try:
            while not self._stop.is_set():
                try:
                    run_once(db, owner=self.owner)
                except Exception:  # the loop must outlive a bad pass; the next one retries
                    log.exception("the sender's pass failed; trying again shortly")
                self._stop.wait(self.interval)
        finally:
            db.conn.close()
