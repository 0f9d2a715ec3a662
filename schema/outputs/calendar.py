"""A person's calls as an iCalendar feed, built fresh on every fetch so it stays current."""

from __future__ import annotations

from datetime import datetime, timedelta

import icalendar
import sqlite_utils

from schema import locations, schedule
from schema.clock import utcnow
from schema.production import get as get_production
from schema.production import local_now, zone
from schema.store.connection import read
from schema.store.rows import fetch_one
from schema.types import Call, Day, Location, Person, Production

# Calendar apps show a little history; older calls only bloat the feed.
HISTORY = timedelta(days=30)


def person_calendar(
    db: sqlite_utils.Database, person: Person, *, now: datetime | None = None
) -> bytes:
    """The person's calls from a month ago on, one event each, in the production's timezone."""
    moment = now or utcnow()
    with read(db):
        production = get_production(db)
        start = local_now(production, moment).date() - HISTORY
        calls = schedule.calls_for_person(db, person.id, start=start)
        places = _places(db, {day.location_id for _, day in calls})
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Callboard//crew calendar//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{production.name}: {person.name}")
    cal.add("x-wr-timezone", production.timezone)
    cal.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT1H")
    for call, day in calls:
        cal.add_component(_event(production, call, day, places.get(day.location_id), moment))
    # Transitions only around the feed's span keep the VTIMEZONE small (phones re-fetch it).
    cal.add_missing_timezones(first_date=start, last_date=start + timedelta(days=3 * 365))
    return cal.to_ical()


def _places(db: sqlite_utils.Database, ids: set[int | None]) -> dict[int | None, Location]:
    found: dict[int | None, Location] = {}
    for location_id in ids - {None}:
        location = fetch_one(db, Location, "SELECT * FROM locations WHERE id = ?", [location_id])
        if location is not None:
            found[location_id] = location
    return found


def _event(
    production: Production, call: Call, day: Day, location: Location | None, stamp: datetime
) -> icalendar.Event:
    tz = zone(production)
    event = icalendar.Event()
    # One stable UID per call, so a moved call updates the event instead of adding one.
    event.add("uid", f"call-{call.id}@callboard")
    event.add("dtstamp", stamp)
    event.add("sequence", call.version + day.version)
    event.add("dtstart", call.call_at.replace(tzinfo=tz))
    event.add("dtend", (call.wrap_at or day.wrap_at).replace(tzinfo=tz))
    event.add("summary", f"{production.name}: call ({day.unit} unit)")
    if location is not None:
        place = ", ".join(part for part in (location.name, location.address) if part)
        event.add("location", place)
        if location.lat is not None and location.lon is not None:
            event.add("geo", (location.lat, location.lon))
    event.add("description", _description(day, call, location))
    return event


def _description(day: Day, call: Call, location: Location | None) -> str:
    lines = [f"Call {call.call_at:%H:%M}, unit wrap {day.wrap_at:%H:%M}"]
    if day.scenes:
        lines.append(f"Scenes: {day.scenes}")
    lines.extend(note for note in (day.notes, call.notes) if note)
    if location is not None:
        lines.append(f"Map: {locations.map_url(location)}")
    return "\n".join(lines)
