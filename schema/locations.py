"""Locations and their check-in codes (printed on QR posters as BASE_URL/l/CODE)."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any
from urllib.parse import quote

import msgspec
import sqlite_utils

from schema import validate
from schema.clock import iso, utcnow
from schema.errors import InvalidInput
from schema.event_kinds import EventKind
from schema.production import COORDINATOR
from schema.store import events
from schema.store.connection import write
from schema.store.rows import fetch_all, fetch_one, get, insert, unchanged, update_versioned
from schema.tokens import RandomBytes, new_code, normalize_code
from schema.types import Location


class LocationIn(msgspec.Struct, kw_only=True):
    name: str
    address: str = ""
    lat: float | None = None
    lon: float | None = None
    radius_m: int = 300
    notes: str = ""
    parking: str = ""
    base_camp: str = ""
    hospital: str = ""


class CodeLookup(msgspec.Struct, kw_only=True):
    """What a scanned code points at: the location, and whether the code is still current."""

    location: Location
    current: bool


def clean_location(new: LocationIn) -> dict[str, Any]:
    with validate.checks() as check:
        values = {
            "name": check(validate.text, new.name, "name", required=True),
            "address": check(validate.text, new.address, "address", limit=300),
            "lat": check(validate.latitude, new.lat),
            "lon": check(validate.longitude, new.lon),
            "radius_m": new.radius_m,
            "notes": check(validate.text, new.notes, "notes", limit=validate.MAX_TEXT),
            "parking": check(validate.text, new.parking, "parking", limit=300),
            "base_camp": check(validate.text, new.base_camp, "base_camp", limit=300),
            "hospital": check(validate.text, new.hospital, "hospital", limit=300),
        }
        if (new.lat is None) != (new.lon is None):
            check(validate.fail, "give both latitude and longitude, or neither", "lat")
        if not 10 <= new.radius_m <= 50_000:
            check(validate.fail, "radius must be between 10 m and 50 km", "radius_m")
    return values


def add_location(
    db: sqlite_utils.Database,
    new: LocationIn,
    *,
    actor: str = COORDINATOR,
    now: datetime | None = None,
    rng: RandomBytes = secrets.token_bytes,
) -> Location:
    values = clean_location(new)
    moment = now or utcnow()
    with write(db):
        _check_name_free(db, values["name"])
        code = _unused_code(db, rng)
        location_id = insert(db, "locations", {**values, "code": code})
        insert(
            db,
            "location_codes",
            {
                "code": code,
                "location_id": location_id,
                "created_at": iso(moment),
            },
        )
        events.record(
            db,
            actor=actor,
            kind=EventKind.LOCATION_ADDED,
            subject=f"location:{location_id}",
            now=moment,
            data={"name": values["name"]},
        )
    return get_location(db, location_id)


def update_location(
    db: sqlite_utils.Database,
    location_id: int,
    version: int,
    new: LocationIn,
    *,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> Location:
    values = clean_location(new)
    with write(db):
        if unchanged(db, "locations", location_id, version, values):
            return get_location(db, location_id)
        old = fetch_one(db, Location, "SELECT * FROM locations WHERE id = ?", [location_id])
        if old is not None and values["name"].casefold() != old.name.casefold():
            _check_name_free(db, values["name"], location_id)  # a new name only, as for emails
        update_versioned(db, "locations", location_id, version, values)
        events.record(
            db,
            actor=actor,
            kind=EventKind.LOCATION_UPDATED,
            subject=f"location:{location_id}",
            now=now or utcnow(),
            data=values,
        )
    return get_location(db, location_id)


def rotate_code(
    db: sqlite_utils.Database,
    location_id: int,
    version: int,
    *,
    actor: str = COORDINATOR,
    now: datetime | None = None,
    rng: RandomBytes = secrets.token_bytes,
) -> Location:
    """Give a location a new code; posters with the old one then answer 'rotated'."""
    moment = now or utcnow()
    with write(db):
        old = get_location(db, location_id)
        code = _unused_code(db, rng)
        update_versioned(db, "locations", location_id, version, {"code": code})
        db.execute(
            "UPDATE location_codes SET rotated_at = ? WHERE code = ?", [iso(moment), old.code]
        )
        insert(
            db,
            "location_codes",
            {
                "code": code,
                "location_id": location_id,
                "created_at": iso(moment),
            },
        )
        events.record(
            db,
            actor=actor,
            kind=EventKind.LOCATION_CODE_ROTATED,
            subject=f"location:{location_id}",
            now=moment,
            data={"old": old.code, "new": code},
        )
    return get_location(db, location_id)


def get_location(db: sqlite_utils.Database, location_id: int) -> Location:
    return get(db, "locations", Location, location_id)


def list_locations(db: sqlite_utils.Database) -> list[Location]:
    return fetch_all(db, Location, "SELECT * FROM locations ORDER BY name COLLATE NOCASE")


def lookup_code(db: sqlite_utils.Database, code: str) -> CodeLookup | None:
    """Resolve a scanned code, current or rotated; None when it was never issued."""
    cleaned = normalize_code(code)
    if not cleaned or len(cleaned) > 32:
        return None
    location = fetch_one(
        db,
        Location,
        "SELECT l.* FROM location_codes c JOIN locations l ON l.id = c.location_id"
        " WHERE c.code = ?",
        [cleaned],
    )
    if location is None:
        return None
    return CodeLookup(location=location, current=location.code == cleaned)


def checkin_url(base_url: str, location: Location) -> str:
    return f"{base_url.rstrip('/')}/l/{location.code}"


def names(db: sqlite_utils.Database) -> dict[int, str]:
    return {row[0]: row[1] for row in db.execute("SELECT id, name FROM locations").fetchall()}


def map_url(location: Location) -> str:
    """A map link phones open in their own map app (geo coordinates or the address)."""
    if location.lat is not None and location.lon is not None:
        return f"https://www.openstreetmap.org/?mlat={location.lat}&mlon={location.lon}#map=17/{location.lat}/{location.lon}"
    return f"https://www.openstreetmap.org/search?query={quote(location.address)}"


def _check_name_free(db: sqlite_utils.Database, name: str, location_id: int | None = None) -> None:
    """Two locations with one name are two identical rows in every dropdown and on the board."""
    if db.execute(
        "SELECT 1 FROM locations WHERE trim(name) = ? COLLATE NOCASE AND id IS NOT ?",
        [name.strip(), location_id],
    ).fetchone():
        raise InvalidInput(
            f"there is already a location called {name.strip()}; choose a name that tells"
            " them apart",
            field="name",
        )


def _unused_code(db: sqlite_utils.Database, rng: RandomBytes) -> str:
    for _ in range(20):
        code = new_code(rng)
        if not db.execute("SELECT 1 FROM location_codes WHERE code = ?", [code]).fetchone():
            return code
    raise RuntimeError("could not find an unused location code")  # 25^8 codes: unreachable
