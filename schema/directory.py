"""People (crew, cast, vendor contacts) and vendors."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
import sqlite_utils

from schema import validate
from schema.clock import iso, utcnow
from schema.errors import InvalidInput, NotFound, RuleViolation
from schema.event_kinds import EventKind
from schema.production import COORDINATOR
from schema.store import events
from schema.store.connection import write
from schema.store.rows import (
    contains,
    delete_versioned,
    fetch_all,
    fetch_one,
    get,
    insert,
    unchanged,
    update_versioned,
)
from schema.types import Person, PersonKind, Vendor


class PersonIn(msgspec.Struct, kw_only=True):
    """What a coordinator types (or a spreadsheet row holds) to add or edit a person."""

    name: str
    kind: PersonKind = PersonKind.CREW
    department: str = ""
    role: str = ""
    email: str = ""
    phone: str = ""
    vendor_id: int | None = None
    notes: str = ""


class VendorIn(msgspec.Struct, kw_only=True):
    name: str
    service: str = ""
    email: str = ""
    phone: str = ""
    notes: str = ""
    address: str = ""


def clean_person(new: PersonIn) -> dict[str, Any]:
    with validate.checks() as check:
        values = {
            "name": check(validate.text, new.name, "name", required=True),
            "kind": str(new.kind),
            "department": check(validate.text, new.department, "department", limit=80),
            "role": check(validate.text, new.role, "role", limit=80),
            "email": check(validate.email, new.email),
            "phone": check(validate.phone, new.phone),
            "vendor_id": new.vendor_id,
            "notes": check(validate.text, new.notes, "notes", limit=validate.MAX_TEXT),
        }
        if new.kind == PersonKind.VENDOR_CONTACT and new.vendor_id is None:
            check(validate.fail, "a vendor contact needs a vendor", "vendor_id")
    if new.kind != PersonKind.VENDOR_CONTACT:
        values["vendor_id"] = None
    return values


def add_person(
    db: sqlite_utils.Database,
    new: PersonIn,
    *,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> Person:
    values = clean_person(new)
    with write(db):
        _check_vendor(db, values["vendor_id"])
        check_email_free(db, values["email"])
        person_id = insert(db, "people", values)
        events.record(
            db,
            actor=actor,
            kind=EventKind.PERSON_ADDED,
            subject=f"person:{person_id}",
            now=now or utcnow(),
            data={"name": values["name"]},
        )
    return get_person(db, person_id)


def update_person(
    db: sqlite_utils.Database,
    person_id: int,
    version: int,
    new: PersonIn,
    *,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> Person:
    values = clean_person(new)
    with write(db):
        if unchanged(db, "people", person_id, version, values):
            return get_person(db, person_id)
        old = fetch_one(db, Person, "SELECT * FROM people WHERE id = ?", [person_id])
        # A contact of an archived vendor stays editable; only a new link to one is refused.
        if old is None or old.vendor_id != values["vendor_id"]:
            _check_vendor(db, values["vendor_id"])
        if old is not None and values["email"].casefold() != old.email.casefold():
            # Only a new email is checked: a duplicate from before this rule does not block
            # unrelated edits (a phone number changed on set) of either person.
            check_email_free(db, values["email"], person_id=person_id)
        update_versioned(db, "people", person_id, version, values)
        events.record(
            db,
            actor=actor,
            kind=EventKind.PERSON_UPDATED,
            subject=f"person:{person_id}",
            now=now or utcnow(),
            data=values,
        )
    return get_person(db, person_id)


def delete_person(
    db: sqlite_utils.Database,
    person_id: int,
    version: int,
    *,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> None:
    with write(db):
        busy = db.execute(
            "SELECT (SELECT count(*) FROM calls WHERE person_id = :p)"
            " + (SELECT count(*) FROM contracts WHERE person_id = :p)",
            {"p": person_id},
        ).fetchone()[0]
        if busy:
            raise RuleViolation(
                "this person has calls or contracts; release and void them first",
                code="person_in_use",
            )
        delete_versioned(db, "people", person_id, version)
        events.record(
            db,
            actor=actor,
            kind=EventKind.PERSON_DELETED,
            subject=f"person:{person_id}",
            now=now or utcnow(),
        )


def get_person(db: sqlite_utils.Database, person_id: int) -> Person:
    return get(db, "people", Person, person_id)


def list_people(
    db: sqlite_utils.Database,
    *,
    search: str = "",
    kind: PersonKind | None = None,
    limit: int | None = None,
) -> list[Person]:
    """People by name; `search` matches name, department, role, email or phone."""
    where, params = _people_filter(search, kind)
    sql = f"SELECT * FROM people WHERE {where} ORDER BY name COLLATE NOCASE, id"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return fetch_all(db, Person, sql, params)


def count_people(
    db: sqlite_utils.Database, *, search: str = "", kind: PersonKind | None = None
) -> int:
    """How many `list_people` would find without a limit."""
    where, params = _people_filter(search, kind)
    return int(db.execute(f"SELECT count(*) FROM people WHERE {where}", params).fetchone()[0])


SEARCHED = ("name", "department", "role", "email", "phone")


def _people_filter(search: str, kind: PersonKind | None) -> tuple[str, dict[str, str]]:
    where, params = ["1 = 1"], {}
    if search.strip():
        where.append("(" + " OR ".join(f"{c} LIKE :q ESCAPE '\\'" for c in SEARCHED) + ")")
        params["q"] = contains(search.strip())
    if kind is not None:
        where.append("kind = :kind")
        params["kind"] = str(kind)
    return " AND ".join(where), params


def names(db: sqlite_utils.Database) -> dict[int, str]:
    return {row[0]: row[1] for row in db.execute("SELECT id, name FROM people").fetchall()}


def email_user(
    db: sqlite_utils.Database, email: str, *, person_id: int | None = None
) -> str | None:
    """Who else already has this email, ignoring case ('Ana Silva (person 3)'); None if nobody.

    An email names one person: two people sharing one would get each other's links.
    """
    if not email.strip():
        return None  # many people have no email
    row = db.execute(
        "SELECT id, name FROM people WHERE email = ? COLLATE NOCASE AND id IS NOT ?"
        " ORDER BY id LIMIT 1",
        [email.strip(), person_id],
    ).fetchone()
    return None if row is None else f"{row[1]} (person {row[0]})"


def email_taken(email: str, user: str) -> InvalidInput:
    return InvalidInput(f"email {email.strip()} is already used by {user}", field="email")


def check_email_free(
    db: sqlite_utils.Database, email: str, *, person_id: int | None = None
) -> None:
    """Refuse an email another person already has (`person_id` is the one being edited)."""
    user = email_user(db, email, person_id=person_id)
    if user is not None:
        raise email_taken(email, user)


def _check_vendor(db: sqlite_utils.Database, vendor_id: int | None) -> None:
    if vendor_id is None:
        return
    row = db.execute("SELECT name, archived_at FROM vendors WHERE id = ?", [vendor_id]).fetchone()
    if row is None:
        raise InvalidInput(f"no vendor with id {vendor_id}", field="vendor_id")
    if row[1] is not None:
        raise InvalidInput(f"{row[0]} is archived; restore it first", field="vendor_id")


# --- vendors ------------------------------------------------------------------------------------


def clean_vendor(new: VendorIn) -> dict[str, Any]:
    with validate.checks() as check:
        values = {
            "name": check(validate.text, new.name, "name", required=True),
            "service": check(validate.text, new.service, "service", limit=120),
            "email": check(validate.email, new.email),
            "phone": check(validate.phone, new.phone),
            "notes": check(validate.text, new.notes, "notes", limit=validate.MAX_TEXT),
            "address": check(validate.text, new.address, "address", limit=300),
        }
    return values


def vendor_named(
    db: sqlite_utils.Database, name: str, *, vendor_id: int | None = None
) -> Vendor | None:
    """The vendor with this name, ignoring case and spaces at the ends (archived ones too)."""
    return fetch_one(
        db,
        Vendor,
        "SELECT * FROM vendors WHERE trim(name) = trim(?) COLLATE NOCASE AND id IS NOT ?",
        [name, vendor_id],
    )


def check_vendor_name_free(
    db: sqlite_utils.Database, name: str, *, vendor_id: int | None = None
) -> None:
    """A vendor's name is how a spreadsheet names it: two of one name would be ambiguous."""
    other = vendor_named(db, name, vendor_id=vendor_id)
    if other is not None:
        archived = " (archived)" if other.archived_at else ""
        raise InvalidInput(
            f"there is already a vendor named {other.name}{archived} (vendor {other.id})",
            field="name",
        )


def add_vendor(
    db: sqlite_utils.Database,
    new: VendorIn,
    *,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> Vendor:
    values = clean_vendor(new)
    with write(db):
        check_vendor_name_free(db, values["name"])
        vendor_id = insert(db, "vendors", values)
        events.record(
            db,
            actor=actor,
            kind=EventKind.VENDOR_ADDED,
            subject=f"vendor:{vendor_id}",
            now=now or utcnow(),
            data={"name": values["name"]},
        )
    return get_vendor(db, vendor_id)


def update_vendor(
    db: sqlite_utils.Database,
    vendor_id: int,
    version: int,
    new: VendorIn,
    *,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> Vendor:
    values = clean_vendor(new)
    with write(db):
        if unchanged(db, "vendors", vendor_id, version, values):
            return get_vendor(db, vendor_id)
        check_vendor_name_free(db, values["name"], vendor_id=vendor_id)
        update_versioned(db, "vendors", vendor_id, version, values)
        events.record(
            db,
            actor=actor,
            kind=EventKind.VENDOR_UPDATED,
            subject=f"vendor:{vendor_id}",
            now=now or utcnow(),
            data=values,
        )
    return get_vendor(db, vendor_id)


def archive_vendor(
    db: sqlite_utils.Database,
    vendor_id: int,
    version: int,
    *,
    archived: bool = True,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> Vendor:
    """Archive a vendor the production no longer uses (or restore one): its contacts, contracts
    and bookings stay on record, but it leaves the lists and takes no new contacts."""
    moment = now or utcnow()
    with write(db):
        current = get_vendor(db, vendor_id)
        if (current.archived_at is not None) == archived and current.version == version:
            return current
        update_versioned(
            db, "vendors", vendor_id, version, {"archived_at": iso(moment) if archived else None}
        )
        if archived:
            events.record(
                db,
                actor=actor,
                kind=EventKind.VENDOR_ARCHIVED,
                subject=f"vendor:{vendor_id}",
                now=moment,
                data={"name": current.name},
            )
        else:
            events.record(
                db,
                actor=actor,
                kind=EventKind.VENDOR_RESTORED,
                subject=f"vendor:{vendor_id}",
                now=moment,
                data={"name": current.name},
            )
    return get_vendor(db, vendor_id)


def get_vendor(db: sqlite_utils.Database, vendor_id: int) -> Vendor:
    return get(db, "vendors", Vendor, vendor_id)


def list_vendors(db: sqlite_utils.Database, *, archived: bool = False) -> list[Vendor]:
    """Vendors by name; archived ones only when asked for."""
    where = "" if archived else " WHERE archived_at IS NULL"
    return fetch_all(db, Vendor, f"SELECT * FROM vendors{where} ORDER BY name COLLATE NOCASE")


def vendor_contacts(db: sqlite_utils.Database, vendor_id: int) -> list[Person]:
    if not db.execute("SELECT 1 FROM vendors WHERE id = ?", [vendor_id]).fetchone():
        raise NotFound(f"no vendor with id {vendor_id}")
    return fetch_all(
        db, Person, "SELECT * FROM people WHERE vendor_id = ? ORDER BY name", [vendor_id]
    )


def departments(db: sqlite_utils.Database) -> list[str]:
    rows = db.execute(
        "SELECT DISTINCT department FROM people WHERE department != '' ORDER BY department"
    ).fetchall()
    return [row[0] for row in rows]
