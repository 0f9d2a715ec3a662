"""The production's own settings: name, timezone, base URL of links, minimum rest."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from email.utils import formataddr, parseaddr
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlite_utils

from schema import validate
from schema.clock import utcnow, wall_clock
from schema.errors import CallboardError, InvalidInput
from schema.event_kinds import EventKind
from schema.store import events
from schema.store.connection import write
from schema.store.rows import fetch_one, update_versioned
from schema.types import Production, ProductionKind

COORDINATOR = "coordinator"


def get(db: sqlite_utils.Database) -> Production:
    found = fetch_one(db, Production, "SELECT * FROM production WHERE id = 1")
    if found is None:
        raise CallboardError(
            "this file holds no production yet; run `callboard demo` or `callboard init NAME`",
            code="no_production",
        )
    return found


def exists(db: sqlite_utils.Database) -> bool:
    return db.execute("SELECT 1 FROM production WHERE id = 1").fetchone() is not None


def create(
    db: sqlite_utils.Database,
    name: str,
    *,
    kind: ProductionKind = ProductionKind.FILM,
    timezone: str = "UTC",
    base_url: str = "http://127.0.0.1:8000",
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> Production:
    values = {
        "id": 1,
        "name": validate.text(name, "name", required=True),
        "kind": str(kind),
        "timezone": _timezone(timezone),
        "base_url": normalize_base_url(base_url),
    }
    with write(db):
        if exists(db):
            raise CallboardError("this file already holds a production", code="exists")
        db.execute(
            "INSERT INTO production (id, name, kind, timezone, base_url) VALUES (?, ?, ?, ?, ?)",
            list(values.values()),
        )
        events.record(
            db,
            actor=actor,
            kind=EventKind.PRODUCTION_CREATED,
            subject="production",
            now=now or utcnow(),
            data=values,
        )
    return get(db)


def update(
    db: sqlite_utils.Database,
    version: int,
    changes: dict[str, Any],
    *,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> Production:
    values = _clean(changes)
    with write(db):
        update_versioned(db, "production", 1, version, values)
        events.record(
            db,
            actor=actor,
            kind=EventKind.PRODUCTION_UPDATED,
            subject="production",
            now=now or utcnow(),
            data=values,
        )
    return get(db)


def _clean(changes: dict[str, Any]) -> dict[str, Any]:
    allowed = {
        "name",
        "timezone",
        "base_url",
        "min_rest_minutes",
        "kind",
        "meal_after_minutes",
        *SMTP_SETTINGS,
    }
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidInput(f"unknown setting {sorted(unknown)[0]!r}", field=sorted(unknown)[0])
    values = dict(changes)
    if "name" in values:
        values["name"] = validate.text(values["name"], "name", required=True)
    if "timezone" in values:
        values["timezone"] = _timezone(values["timezone"])
    if "base_url" in values:
        values["base_url"] = normalize_base_url(values["base_url"])
    if "min_rest_minutes" in values:
        rest = int(values["min_rest_minutes"])
        if not 0 <= rest <= 24 * 60:
            raise InvalidInput("minimum rest must be 0 to 24 hours", field="min_rest_minutes")
    if "meal_after_minutes" in values:
        due = int(values["meal_after_minutes"])
        if not 60 <= due <= 24 * 60:
            raise InvalidInput(
                "a meal must be due 1 to 24 hours after call", field="meal_after_minutes"
            )
    if "kind" in values:
        values["kind"] = str(ProductionKind(values["kind"]))
    return _clean_smtp(values)


# How crew are reached by email. The password is not among them: it only ever comes from the
# environment (CALLBOARD_SMTP_PASSWORD), so the production file never holds it.
SMTP_SETTINGS = ("smtp_host", "smtp_port", "smtp_from", "smtp_user", "smtp_tls", "remind_hours")
SMTP_TLS_MODES = ("starttls", "ssl", "none")
_HOST = re.compile(r"^[A-Za-z0-9.\-:\[\]]{1,253}$")


def _clean_smtp(values: dict[str, Any]) -> dict[str, Any]:
    if "smtp_host" in values:
        host = str(values["smtp_host"]).strip()
        if host and not _HOST.match(host):
            raise InvalidInput(f"SMTP host {host!r} is not a host name", field="smtp_host")
        values["smtp_host"] = host
    if "smtp_port" in values:
        port = int(values["smtp_port"])
        if not 1 <= port <= 65535:
            raise InvalidInput("SMTP port must be 1 to 65535", field="smtp_port")
        values["smtp_port"] = port
    if "smtp_from" in values:
        values["smtp_from"] = _sender(str(values["smtp_from"]))
    if "smtp_user" in values:
        values["smtp_user"] = validate.text(str(values["smtp_user"]), "smtp_user")
        if any(c.isspace() for c in values["smtp_user"]):
            raise InvalidInput("an SMTP user has no spaces", field="smtp_user")
    if "smtp_tls" in values and values["smtp_tls"] not in SMTP_TLS_MODES:
        raise InvalidInput(f"SMTP TLS must be one of {', '.join(SMTP_TLS_MODES)}", field="smtp_tls")
    if "remind_hours" in values:
        hours = int(values["remind_hours"])
        if not 0 <= hours <= 72:
            raise InvalidInput(
                "reminders go 0 (never) to 72 hours before call", field="remind_hours"
            )
        values["remind_hours"] = hours
    return values


def _sender(text: str) -> str:
    """A From address, "Name <a@b.c>" or "a@b.c", on one line."""
    cleaned = text.strip()
    if not cleaned:
        return ""
    name, address = parseaddr(cleaned)
    if any(ord(c) < 32 for c in cleaned) or not validate.EMAIL.match(address) or len(cleaned) > 200:
        raise InvalidInput(f"{text!r} is not an email address to send from", field="smtp_from")
    return formataddr((name, address)) if name else address


def _timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(f"unknown timezone {name!r}", field="timezone") from None
    return name


def normalize_base_url(url: str) -> str:
    cleaned = url.strip().rstrip("/")
    if not cleaned.startswith(("http://", "https://")) or len(cleaned) > 200 or " " in cleaned:
        raise InvalidInput(
            f"base URL {url!r} must start with http:// or https://", field="base_url"
        )
    return cleaned


def zone(production: Production) -> ZoneInfo:
    return ZoneInfo(production.timezone)


def min_rest(production: Production) -> timedelta:
    return timedelta(minutes=production.min_rest_minutes)


def meal_due(production: Production) -> timedelta:
    """How long after call a person may work before a meal is owed (the meal penalty rule)."""
    return timedelta(minutes=production.meal_after_minutes)


def local_now(production: Production, now: datetime | None = None) -> datetime:
    """The production's wall-clock time, naive, as schedule times are stored."""
    return wall_clock(now or utcnow(), zone(production))


def zone_named(name: str) -> ZoneInfo:
    return ZoneInfo(_timezone(name))
