"""Call sheets: generated from the schedule, published as frozen versions, diffed per person.

A sheet is one unit's day on one date. `draft` builds it from the schedule as it is now;
`publish` freezes it as version N (JSON) and sends each person whom the change touches a notice
in their own terms ("Your call on Thu 3 Dec is now 04:00 (was 05:00)"). Until a day's first
publication the schedule's edits notify at once (schedule.py); after it, they wait in the draft
and go out on the next publish (docs/callsheets.md).

The sheet never holds anyone's phone or email: key contacts are the production office's own
numbers from the call-sheet settings. `for_crew` is what a phone sees: names, roles and call
times of the others (cast names hidden when the production says so), never a person id.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import msgspec
import sqlite_utils
from astral import Observer
from astral.sun import sunrise, sunset

from schema import locations, notices, schedule, validate
from schema.clock import iso
from schema.errors import InvalidInput, NotFound, RuleViolation
from schema.event_kinds import EventKind
from schema.production import COORDINATOR, zone_named
from schema.production import get as get_production
from schema.store import events
from schema.store.connection import read, write
from schema.store.rows import fetch_one, insert, update_versioned
from schema.types import Day, Location, NoticeKind, PersonKind

MAX_CONTACTS = 12
CAST = "Cast"

_encoder = msgspec.json.Encoder(order="sorted")


# --- the sheet ----------------------------------------------------------------------------------


class Contact(msgspec.Struct, kw_only=True):
    """A production number (the office, the unit's production phone): never a personal one."""

    label: str
    phone: str = ""
    email: str = ""


class SheetSettings(msgspec.Struct, kw_only=True):
    contacts: list[Contact] = []
    walkies: dict[str, str] = {}  # department -> channel
    hide_cast_names: bool = False
    safety: str = ""  # the production's standing safety note, on every sheet
    version: int = 1


class SheetLocation(msgspec.Struct, kw_only=True):
    id: int
    name: str
    address: str = ""
    parking: str = ""
    base_camp: str = ""
    hospital: str = ""
    lat: float | None = None
    lon: float | None = None
    map_url: str = ""
    sunrise: str | None = None  # "07:44" local, None without coordinates (or polar day/night)
    sunset: str | None = None


class SheetPerson(msgspec.Struct, kw_only=True):
    person_id: int
    name: str
    kind: PersonKind
    department: str
    role: str
    call_at: datetime
    notes: str = ""


class Department(msgspec.Struct, kw_only=True):
    name: str
    walkie: str
    people: list[SheetPerson]


class Advance(msgspec.Struct, kw_only=True):
    """The next shoot day of the unit, in one line."""

    date: date
    call_at: datetime
    location: str
    scenes: str


class Sheet(msgspec.Struct, kw_only=True):
    production: str
    date: date
    unit: str
    day_id: int
    day_number: int
    day_count: int
    call_at: datetime  # the general crew call
    wrap_at: datetime
    location: SheetLocation | None
    meals: str
    scenes: str
    notes: str
    safety_notes: str
    contacts: list[Contact]
    departments: list[Department]  # cast first (as "Cast"), then crew departments A-Z
    advance: Advance | None

    def people(self) -> Iterable[SheetPerson]:
        for department in self.departments:
            yield from department.people

    def person(self, person_id: int) -> SheetPerson | None:
        return next((p for p in self.people() if p.person_id == person_id), None)


class DayDetails(msgspec.Struct, kw_only=True):
    meals: str = ""
    safety_notes: str = ""


def settings(db: sqlite_utils.Database) -> SheetSettings:
    row = db.execute(
        "SELECT contacts, walkies, hide_cast_names, safety, version FROM callsheet_settings"
        " WHERE id = 1"
    ).fetchone()
    if row is None:
        return SheetSettings()
    return SheetSettings(
        contacts=msgspec.json.decode(row[0], type=list[Contact]),
        walkies=msgspec.json.decode(row[1], type=dict[str, str]),
        hide_cast_names=bool(row[2]),
        safety=row[3],
        version=row[4],
    )


def update_settings(
    db: sqlite_utils.Database,
    version: int,
    *,
    contacts: list[Contact] | None = None,
    walkies: dict[str, str] | None = None,
    hide_cast_names: bool | None = None,
    safety: str | None = None,
    actor: str = COORDINATOR,
    now: datetime,
) -> SheetSettings:
    values: dict[str, Any] = {}
    if contacts is not None:
        values["contacts"] = _encoder.encode(_clean_contacts(contacts)).decode()
    if walkies is not None:
        values["walkies"] = _encoder.encode(_clean_walkies(walkies)).decode()
    if hide_cast_names is not None:
        values["hide_cast_names"] = int(hide_cast_names)
    if safety is not None:
        values["safety"] = validate.text(safety, "safety", limit=validate.MAX_TEXT)
    with write(db):
        update_versioned(db, "callsheet_settings", 1, version, values)
        events.record(
            db,
            actor=actor,
            kind=EventKind.CALLSHEET_SETTINGS_UPDATED,
            subject="callsheet_settings",
            now=now,
            data=values,
        )
    return settings(db)


def parse_pair(text: str, field: str, shape: str) -> tuple[str, str]:
    """'Camera=2' as ('Camera', '2'); anything else is a clear error naming the shape."""
    left, sep, right = text.partition("=")
    if not sep or not left.strip() or not right.strip():
        raise InvalidInput(
            f"{field} takes {shape}, e.g. 'Camera=2'; got {text.strip()!r}", field=field
        )
    return left.strip(), right.strip()


def contact_of(text: str, field: str = "contacts") -> Contact:
    """'Production office=+44 20 7946 0000' (or an email address) as a key contact."""
    label, value = parse_pair(text, field, "LABEL=NUMBER")
    return Contact(label=label, email=value) if "@" in value else Contact(label=label, phone=value)


def contacts_from_line(text: str) -> list[Contact]:
    """The inverse of contacts_line: 'Office=+44 20 7946 0000; Base=base@picture.test'."""
    return [contact_of(entry) for entry in validate.entries(text)]


def walkies_from_line(text: str) -> dict[str, str]:
    """The inverse of walkies_line: 'Camera=2; Grip=3'."""
    return dict(
        parse_pair(entry, "walkies", "DEPARTMENT=CHANNEL") for entry in validate.entries(text)
    )


def contacts_line(contacts: list[Contact]) -> str:
    return "; ".join(f"{c.label}={c.phone or c.email}" for c in contacts)


def walkies_line(walkies: dict[str, str]) -> str:
    return "; ".join(f"{dept}={channel}" for dept, channel in walkies.items())


def _clean_contacts(contacts: list[Contact]) -> list[Contact]:
    if len(contacts) > MAX_CONTACTS:
        raise InvalidInput(f"at most {MAX_CONTACTS} key contacts", field="contacts")
    cleaned = []
    for contact in contacts:
        label = _list_word(validate.text(contact.label, "contacts", required=True, limit=60))
        phone = _list_word(validate.text(contact.phone, "contacts", limit=40))
        email = _list_word(validate.text(contact.email, "contacts", limit=200))
        if not phone and not email:
            raise InvalidInput(f"{label}: give a phone number or an email", field="contacts")
        cleaned.append(Contact(label=label, phone=phone, email=email))
    return cleaned


def _clean_walkies(walkies: dict[str, str]) -> dict[str, str]:
    return {
        _list_word(validate.text(dept, "walkies", required=True, limit=60), "walkies"): _list_word(
            validate.text(channel, "walkies", required=True, limit=20), "walkies"
        )
        for dept, channel in walkies.items()
    }


def _list_word(text: str, field: str = "contacts") -> str:
    """No ';' or '=' in a contact or a walkie channel: the desk's one-line lists (contacts_line,
    walkies_line) are split on them."""
    if ";" in text or "=" in text:
        raise InvalidInput(f"{text!r} may hold neither ';' nor '='", field=field)
    return text


def day_details(db: sqlite_utils.Database, day_id: int) -> DayDetails:
    row = db.execute(
        "SELECT meals, safety_notes FROM callsheet_days WHERE day_id = ?", [day_id]
    ).fetchone()
    return DayDetails(meals=row[0], safety_notes=row[1]) if row else DayDetails()


def set_day_details(
    db: sqlite_utils.Database,
    day_id: int,
    details: DayDetails,
    *,
    actor: str = COORDINATOR,
    now: datetime,
) -> DayDetails:
    """A day's meal times and safety notes (the rest of the sheet comes from the schedule)."""
    values = {
        "meals": validate.text(details.meals, "meals", limit=300),
        "safety_notes": validate.text(
            details.safety_notes, "safety_notes", limit=validate.MAX_TEXT
        ),
    }
    with write(db):
        schedule.get_day(db, day_id)
        db.execute(
            "INSERT INTO callsheet_days (day_id, meals, safety_notes) VALUES (?, ?, ?)"
            " ON CONFLICT (day_id) DO UPDATE SET meals = excluded.meals,"
            " safety_notes = excluded.safety_notes",
            [day_id, values["meals"], values["safety_notes"]],
        )
        events.record(
            db,
            actor=actor,
            kind=EventKind.CALLSHEET_DAY_UPDATED,
            subject=f"day:{day_id}",
            now=now,
            data=values,
        )
    return day_details(db, day_id)


def find_day(db: sqlite_utils.Database, on: date, unit: str = "Main") -> Day | None:
    return fetch_one(
        db, Day, "SELECT * FROM days WHERE date = ? AND unit = ?", [on.isoformat(), unit]
    )


def draft(db: sqlite_utils.Database, on: date, unit: str = "Main") -> Sheet:
    """The sheet as the schedule stands now."""
    with read(db):
        day = find_day(db, on, unit)
        if day is None:
            raise NotFound(f"no {unit} unit day on {on.isoformat()}")
        return _build(db, day)


def _build(db: sqlite_utils.Database, day: Day) -> Sheet:
    production = get_production(db)
    found = settings(db)
    details = day_details(db, day.id)
    dates = [
        date.fromisoformat(r[0])
        for r in db.execute("SELECT date FROM days WHERE unit = ? ORDER BY date", [day.unit])
    ]
    place = None
    if day.location_id is not None:
        place = _sheet_location(locations.get_location(db, day.location_id), day.date, production)
    safety = "\n".join(part for part in (details.safety_notes, found.safety) if part)
    return Sheet(
        production=production.name,
        date=day.date,
        unit=day.unit,
        day_id=day.id,
        day_number=dates.index(day.date) + 1,
        day_count=len(dates),
        call_at=day.call_at,
        wrap_at=day.wrap_at,
        location=place,
        meals=details.meals,
        scenes=day.scenes,
        notes=day.notes,
        safety_notes=safety,
        contacts=found.contacts,
        departments=_departments(db, day.id, found.walkies),
        advance=_advance(db, day),
    )


def _sheet_location(location: Location, on: date, production: Any) -> SheetLocation:
    rise = set_ = None
    if location.lat is not None and location.lon is not None:
        rise, set_ = sun_times(location.lat, location.lon, on, production.timezone)
    return SheetLocation(
        id=location.id,
        name=location.name,
        address=location.address,
        parking=location.parking,
        base_camp=location.base_camp,
        hospital=location.hospital,
        lat=location.lat,
        lon=location.lon,
        map_url=locations.map_url(location),
        sunrise=rise,
        sunset=set_,
    )


def sun_times(lat: float, lon: float, on: date, timezone: str) -> tuple[str | None, str | None]:
    """Sunrise and sunset ("07:44", "15:54") at a place, computed offline; None where the sun
    does not rise or set that day (polar night or midnight sun)."""
    observer = Observer(latitude=lat, longitude=lon)
    where = zone_named(timezone)
    times: list[str | None] = []
    for event in (sunrise, sunset):
        try:
            times.append(f"{event(observer, on, tzinfo=where):%H:%M}")
        except ValueError:
            times.append(None)
    return times[0], times[1]


def _departments(
    db: sqlite_utils.Database, day_id: int, walkies: dict[str, str]
) -> list[Department]:
    kinds = dict(
        db.execute(
            "SELECT p.id, p.kind FROM people p JOIN calls c ON c.person_id = p.id"
            " WHERE c.day_id = ?",
            [day_id],
        ).fetchall()
    )
    groups: dict[str, list[SheetPerson]] = {}
    for line in schedule.calls_for_day(db, day_id):
        kind = PersonKind(kinds.get(line.call.person_id, "crew"))
        name = CAST if kind == PersonKind.CAST else (line.department or "Other")
        groups.setdefault(name, []).append(
            SheetPerson(
                person_id=line.call.person_id,
                name=line.name,
                kind=kind,
                department=line.department,
                role=line.role,
                call_at=line.call.call_at,
                notes=line.call.notes,
            )
        )
    order = sorted(groups, key=lambda n: (n != CAST, n.casefold()))
    return [
        Department(
            name=name,
            walkie=walkies.get(name, ""),
            people=sorted(groups[name], key=lambda p: (p.call_at, p.name.casefold())),
        )
        for name in order
    ]


def _advance(db: sqlite_utils.Database, day: Day) -> Advance | None:
    following = fetch_one(
        db,
        Day,
        "SELECT * FROM days WHERE unit = ? AND date > ? ORDER BY date LIMIT 1",
        [day.unit, day.date.isoformat()],
    )
    if following is None:
        return None
    place = (
        locations.get_location(db, following.location_id).name
        if following.location_id is not None
        else "location to be confirmed"
    )
    return Advance(
        date=following.date, call_at=following.call_at, location=place, scenes=following.scenes
    )


# --- versions -----------------------------------------------------------------------------------


class SheetVersion(msgspec.Struct, kw_only=True):
    id: int
    date: date
    unit: str
    number: int
    day_id: int | None
    published_at: datetime
    actor: str
    sheet: Sheet


class PersonChange(msgspec.Struct, kw_only=True):
    """One person's part in a new version, in their own terms."""

    person_id: int
    name: str
    kind: NoticeKind
    text: str


class Preview(msgspec.Struct, kw_only=True):
    """What publishing now would do: the version it makes and whom it tells what."""

    draft: Sheet
    previous: SheetVersion | None
    number: int
    changes: list[PersonChange]  # the notices publishing sends
    sheet_changes: list[str]  # everything else that differs (scenes, meals...), told to nobody
    unchanged: bool


class PersonNotice(msgspec.Struct, kw_only=True):
    """For delivery (email, push): one message per affected person for a published version."""

    person_id: int
    name: str
    kinds: list[NoticeKind]
    lines: list[str]
    text: str


def _version_row(db: sqlite_utils.Database, row: tuple[Any, ...] | None) -> SheetVersion | None:
    if row is None:
        return None
    vid, on, unit, number, day_id, sheet, published_at, actor = row
    return SheetVersion(
        id=vid,
        date=date.fromisoformat(on),
        unit=unit,
        number=number,
        day_id=day_id,
        published_at=datetime.fromisoformat(published_at),
        actor=actor,
        sheet=msgspec.json.decode(sheet, type=Sheet),
    )


_VERSION_COLUMNS = "id, date, unit, number, day_id, sheet, published_at, actor"


def last_published(db: sqlite_utils.Database, on: date, unit: str = "Main") -> SheetVersion | None:
    row = db.execute(
        f"SELECT {_VERSION_COLUMNS} FROM callsheet_versions WHERE date = ? AND unit = ?"
        " ORDER BY number DESC LIMIT 1",
        [on.isoformat(), unit],
    ).fetchone()
    return _version_row(db, row)


def get_version(db: sqlite_utils.Database, version_id: int) -> SheetVersion:
    row = db.execute(
        f"SELECT {_VERSION_COLUMNS} FROM callsheet_versions WHERE id = ?", [version_id]
    ).fetchone()
    found = _version_row(db, row)
    if found is None:
        raise NotFound(f"no published call sheet with id {version_id}")
    return found


def versions(db: sqlite_utils.Database, on: date, unit: str = "Main") -> list[SheetVersion]:
    rows = db.execute(
        f"SELECT {_VERSION_COLUMNS} FROM callsheet_versions WHERE date = ? AND unit = ?"
        " ORDER BY number",
        [on.isoformat(), unit],
    ).fetchall()
    return [v for v in (_version_row(db, r) for r in rows) if v is not None]


def preview(db: sqlite_utils.Database, on: date, unit: str = "Main") -> Preview:
    with read(db):
        day = find_day(db, on, unit)
        if day is None:
            raise NotFound(f"no {unit} unit day on {on.isoformat()}")
        new = _build(db, day)
        previous = last_published(db, on, unit)
    old = previous.sheet if previous else None
    return Preview(
        draft=new,
        previous=previous,
        number=previous.number + 1 if previous else 1,
        changes=person_changes(old, new),
        sheet_changes=sheet_changes(old, new),
        unchanged=old is not None and _frozen(old) == _frozen(new),
    )


def person_changes(old: Sheet | None, new: Sheet) -> list[PersonChange]:
    """Who a new version touches, each in their own terms: newly called, released, their own
    call moved, or the place moved (told to everyone still called, once)."""
    when = day_label(new.date)
    unit = "" if new.unit == "Main" else f" ({new.unit} unit)"
    place = new.location.name if new.location else "a location to be confirmed"
    before = {p.person_id: p for p in old.people()} if old else {}
    after = {p.person_id: p for p in new.people()}
    found: list[PersonChange] = []
    for pid, person in after.items():
        was = before.get(pid)
        if was is None:
            text = f"You are called on {when} at {person.call_at:%H:%M}{unit}, {place}"
            found.append(
                PersonChange(person_id=pid, name=person.name, kind=NoticeKind.CALLED, text=text)
            )
            continue
        if was.call_at != person.call_at:
            now_at, was_at = _clock(person.call_at, new.date), _clock(was.call_at, new.date)
            text = f"Your call on {when} is now {now_at}{unit} (was {was_at})"
            found.append(
                PersonChange(
                    person_id=pid, name=person.name, kind=NoticeKind.CALL_CHANGED, text=text
                )
            )
        if old is not None and _place_key(old.location) != _place_key(new.location):
            was_place = old.location.name if old.location else "to be confirmed"
            text = f"{when}{unit}: you are now at {place} (was {was_place})"
            found.append(
                PersonChange(
                    person_id=pid, name=person.name, kind=NoticeKind.LOCATION_CHANGED, text=text
                )
            )
    for pid, person in before.items():
        if pid not in after:
            text = f"{when}{unit}: you are no longer called"
            found.append(
                PersonChange(person_id=pid, name=person.name, kind=NoticeKind.RELEASED, text=text)
            )
    return sorted(found, key=lambda c: (c.name.casefold(), c.person_id, str(c.kind)))


def _place_key(place: SheetLocation | None) -> tuple[int, str, str] | None:
    return (place.id, place.name, place.address) if place else None


def _clock(moment: datetime, on: date) -> str:
    """ "04:00", or "01:00 (Fri 4 Dec)" for an after-midnight call on a night shoot."""
    return (
        f"{moment:%H:%M}" if moment.date() == on else f"{moment:%H:%M} ({day_label(moment.date())})"
    )


def day_label(on: date) -> str:
    return f"{on:%a} {on.day} {on:%b}"


def sheet_changes(old: Sheet | None, new: Sheet) -> list[str]:
    """What differs besides people's calls: for the preview and the audit, not a notice."""
    if old is None:
        return ["first version"]
    found = []
    plain = [
        ("General call", lambda s: f"{s.call_at:%H:%M}"),
        ("Wrap", lambda s: f"{s.wrap_at:%H:%M}"),
        ("Location", lambda s: s.location.name if s.location else "to be confirmed"),
        ("Meals", lambda s: s.meals),
        ("Scenes", lambda s: s.scenes),
        ("Notes", lambda s: s.notes),
        ("Safety", lambda s: s.safety_notes),
        ("Day", lambda s: f"{s.day_number} of {s.day_count}"),
        ("Contacts", lambda s: ", ".join(c.label for c in s.contacts)),
        (
            "Next day",
            lambda s: f"{day_label(s.advance.date)} {s.advance.location}" if s.advance else "",
        ),
    ]
    for label, value in plain:
        if value(old) != value(new):
            found.append(f"{label}: {value(new) or '(none)'} (was {value(old) or '(none)'})")
    if (
        old.location
        and new.location
        and old.location.name == new.location.name
        and _frozen(old.location) != _frozen(new.location)
    ):
        found.append(f"Location details of {new.location.name} changed")
    return found


def _frozen(value: Any) -> bytes:
    return _encoder.encode(value)


class SheetStatus(msgspec.Struct, kw_only=True, frozen=True):
    """Where a day's sheet stands: the last published version and whether the draft differs."""

    number: int | None
    changed: bool


def status(db: sqlite_utils.Database, on: date, unit: str = "Main") -> SheetStatus:
    with read(db):
        previous = last_published(db, on, unit)
        if previous is None:
            return SheetStatus(number=None, changed=True)
        day = find_day(db, on, unit)
        changed = day is None or _frozen(previous.sheet) != _frozen(_build(db, day))
        return SheetStatus(number=previous.number, changed=changed)


def publish(
    db: sqlite_utils.Database,
    on: date,
    unit: str = "Main",
    *,
    actor: str = COORDINATOR,
    now: datetime,
) -> tuple[SheetVersion, list[PersonChange]]:
    """Freeze the draft as the next version and tell exactly the people it touches."""
    with write(db):
        day = find_day(db, on, unit)
        if day is None:
            raise NotFound(f"no {unit} unit day on {on.isoformat()}")
        new = _build(db, day)
        previous = last_published(db, on, unit)
        old = previous.sheet if previous else None
        if old is not None and _frozen(old) == _frozen(new):
            raise RuleViolation(
                f"nothing changed since version {previous.number if previous else 0}; "
                "there is nothing to publish",
                code="callsheet_unchanged",
            )
        number = previous.number + 1 if previous else 1
        changes = person_changes(old, new)
        version_id = insert(
            db,
            "callsheet_versions",
            {
                "date": on.isoformat(),
                "unit": unit,
                "number": number,
                "day_id": day.id,
                "sheet": _frozen(new).decode(),
                "published_at": iso(now),
                "actor": actor,
            },
        )
        _send(db, version_id, day.id, changes, actor=actor, now=now)
        events.record(
            db,
            actor=actor,
            kind=EventKind.CALLSHEET_PUBLISHED,
            subject=f"day:{day.id}",
            now=now,
            data={
                "version_id": version_id,
                "date": on.isoformat(),
                "unit": unit,
                "number": number,
                "affected": len({c.person_id for c in changes}),
            },
        )
    return get_version(db, version_id), changes


def _send(
    db: sqlite_utils.Database,
    version_id: int,
    day_id: int,
    changes: list[PersonChange],
    *,
    actor: str,
    now: datetime,
) -> None:
    """One notice per distinct sentence (a moved place is one notice to many), and a row per
    person for delivery."""
    by_text: dict[tuple[NoticeKind, str], list[int]] = {}
    for change in changes:
        by_text.setdefault((change.kind, change.text), []).append(change.person_id)
    for (kind, text), people in by_text.items():
        notice_id = notices.create(
            db, day_id=day_id, kind=kind, summary=text, person_ids=people, actor=actor, now=now
        )
        db.conn.executemany(
            "INSERT INTO callsheet_notices (version_id, person_id, kind, text, notice_id)"
            " VALUES (?, ?, ?, ?, ?)",
            [(version_id, pid, str(kind), text, notice_id) for pid in people],
        )


def affected(db: sqlite_utils.Database, version_id: int) -> list[PersonNotice]:
    """The hook for delivery: each person a published version touched, with their message."""
    rows = db.execute(
        "SELECT n.person_id, p.name, n.kind, n.text FROM callsheet_notices n"
        " JOIN people p ON p.id = n.person_id WHERE n.version_id = ?"
        " ORDER BY p.name COLLATE NOCASE, n.person_id, CASE n.kind WHEN 'called' THEN 0"
        " WHEN 'call_changed' THEN 1 WHEN 'location_changed' THEN 2 ELSE 3 END",
        [version_id],
    ).fetchall()
    found: dict[int, PersonNotice] = {}
    for pid, name, kind, text in rows:
        entry = found.setdefault(
            pid, PersonNotice(person_id=pid, name=name, kinds=[], lines=[], text="")
        )
        entry.kinds.append(NoticeKind(kind))
        entry.lines.append(text)
    for entry in found.values():
        entry.text = ". ".join(entry.lines) + "."
    return list(found.values())


def published(db: sqlite_utils.Database, on: date, unit: str) -> bool:
    return (
        db.execute(
            "SELECT 1 FROM callsheet_versions WHERE date = ? AND unit = ?", [on.isoformat(), unit]
        ).fetchone()
        is not None
    )


# --- what a phone sees --------------------------------------------------------------------------


class CrewLine(msgspec.Struct, kw_only=True):
    name: str
    role: str
    call_at: datetime
    me: bool = False


class CrewDepartment(msgspec.Struct, kw_only=True):
    name: str
    walkie: str
    people: list[CrewLine]


class CrewSheet(msgspec.Struct, kw_only=True):
    """A published version as a phone sees it: nobody's contact details, no person ids."""

    version: int
    published_at: datetime
    production: str
    date: date
    unit: str
    day_number: int
    day_count: int
    call_at: datetime
    wrap_at: datetime
    my_call_at: datetime | None
    location: SheetLocation | None
    meals: str
    scenes: str
    notes: str
    safety_notes: str
    contacts: list[Contact]
    departments: list[CrewDepartment]
    advance: Advance | None


class SheetRef(msgspec.Struct, kw_only=True):
    """A published sheet a person may open: one per upcoming day they are called on."""

    date: date
    unit: str
    version: int
    published_at: datetime


CAST_HIDDEN = "Cast member"  # what crew read for a cast name the production hides


def without_cast_names(sheet: Sheet) -> Sheet:
    """The printed sheet crew are sent when the production hides cast names: each cast
    member by role and call only, as the phone shows them."""
    return msgspec.structs.replace(
        sheet,
        departments=[
            msgspec.structs.replace(
                department,
                people=[
                    msgspec.structs.replace(p, name=CAST_HIDDEN, notes="")
                    if p.kind == PersonKind.CAST
                    else p
                    for p in department.people
                ],
            )
            for department in sheet.departments
        ],
    )


def for_crew(version: SheetVersion, viewer_id: int, *, hide_cast_names: bool) -> CrewSheet:
    sheet = version.sheet
    mine = sheet.person(viewer_id)
    return CrewSheet(
        version=version.number,
        published_at=version.published_at,
        production=sheet.production,
        date=sheet.date,
        unit=sheet.unit,
        day_number=sheet.day_number,
        day_count=sheet.day_count,
        call_at=sheet.call_at,
        wrap_at=sheet.wrap_at,
        my_call_at=mine.call_at if mine else None,
        location=sheet.location,
        meals=sheet.meals,
        scenes=sheet.scenes,
        notes=sheet.notes,
        safety_notes=sheet.safety_notes,
        contacts=sheet.contacts,
        departments=[
            CrewDepartment(
                name=d.name,
                walkie=d.walkie,
                people=[_crew_line(p, viewer_id, hide_cast_names) for p in d.people],
            )
            for d in sheet.departments
        ],
        advance=sheet.advance,
    )


def _crew_line(person: SheetPerson, viewer_id: int, hide_cast_names: bool) -> CrewLine:
    me = person.person_id == viewer_id
    hidden = hide_cast_names and person.kind == PersonKind.CAST and not me
    return CrewLine(
        name=CAST_HIDDEN if hidden else person.name,
        role=person.role,
        call_at=person.call_at,
        me=me,
    )


def sheets_for_person(db: sqlite_utils.Database, person_id: int, *, start: date) -> list[SheetRef]:
    """The latest published sheet of every day from `start` on that the person is called on."""
    rows = db.execute(
        "SELECT v.date, v.unit, max(v.number), max(v.published_at) FROM calls c"
        " JOIN days d ON d.id = c.day_id"
        " JOIN callsheet_versions v ON v.date = d.date AND v.unit = d.unit"
        " WHERE c.person_id = ? AND d.date >= ? GROUP BY v.date, v.unit ORDER BY v.date, v.unit",
        [person_id, start.isoformat()],
    ).fetchall()
    return [
        SheetRef(
            date=date.fromisoformat(on),
            unit=unit,
            version=number,
            published_at=datetime.fromisoformat(at),
        )
        for on, unit, number, at in rows
    ]


def sheet_for_person(db: sqlite_utils.Database, person_id: int, on: date, unit: str) -> CrewSheet:
    """The latest published sheet of a day, for someone called on it (now, or in that version)."""
    with read(db):
        version = last_published(db, on, unit)
        if version is None:
            raise NotFound("no call sheet has been published for that day yet")
        called_now = db.execute(
            "SELECT 1 FROM calls c JOIN days d ON d.id = c.day_id"
            " WHERE c.person_id = ? AND d.date = ? AND d.unit = ?",
            [person_id, on.isoformat(), unit],
        ).fetchone()
        if not called_now and version.sheet.person(person_id) is None:
            raise NotFound("no call sheet of yours for that day")
        return for_crew(version, person_id, hide_cast_names=settings(db).hide_cast_names)
