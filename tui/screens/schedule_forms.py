"""The Schedule view's forms: which fields, and how their values reach the schema services."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlite_utils

from schema import bookings, callsheets, schedule, validate
from schema.bookings import Booking, BookingIn, BookingLine
from schema.schedule import CallLine, DayIn, DaySummary
from schema.types import BookingKind, Call, Day, Location, Vendor
from tui.context import Desk
from tui.dialogs.form import Field, FormDialog, Values, saved
from tui.dialogs.parse import optional_id, optional_time


def location_options(places: list[Location]) -> tuple[tuple[str, str], ...]:
    return (("To be confirmed", ""), *((place.name, str(place.id)) for place in places))


def day_fields(day: Day | None, on: date, places: list[Location]) -> list[Field]:
    return [
        Field("date", "Date (YYYY-MM-DD)", (day.date if day else on).isoformat()),
        Field("unit", "Unit", day.unit if day else "Main"),
        Field("location_id", "Location", location_value(day), options=location_options(places)),
        Field("call", "Call (HH:MM)", f"{day.call_at:%H:%M}" if day else "07:00"),
        Field("wrap", "Wrap (HH:MM)", f"{day.wrap_at:%H:%M}" if day else "19:00"),
        Field("scenes", "Scenes or tasks", day.scenes if day else ""),
        Field("notes", "Notes", day.notes if day else ""),
    ]


def location_value(day: Day | None) -> str:
    return str(day.location_id) if day and day.location_id is not None else ""


def day_in(values: Values) -> DayIn:
    with validate.checks() as check:  # every badly typed field is marked, not just the first
        on = check(validate.parse_date, values["date"], "date")
        call = check(validate.parse_time, values["call"], "call")
        wrap = check(validate.parse_time, values["wrap"], "wrap")
        # The service checks the unit too; here only so an empty one is marked in the same
        # round as a bad date, not after it is fixed.
        check(validate.text, values["unit"], "unit", required=True)
    return DayIn(
        date=on,
        call=call,
        wrap=wrap,
        unit=values["unit"],
        location_id=optional_id(values["location_id"]),
        scenes=values["scenes"],
        notes=values["notes"],
    )


def add_day_form(desk: Desk, on: date, places: list[Location]) -> FormDialog:
    def save(db: sqlite_utils.Database, values: Values) -> Day:
        return schedule.add_day(db, day_in(values), actor=desk.actor, now=desk.now())

    return FormDialog(
        desk, "Add a shoot day", day_fields(None, on, places), save, lambda d: f"Added {name(d)}"
    )


def edit_day_form(desk: Desk, day: Day, places: list[Location]) -> FormDialog:
    def save(db: sqlite_utils.Database, values: Values) -> Day:
        return schedule.update_day(
            db, day.id, day.version, day_in(values), actor=desk.actor, now=desk.now()
        )

    title = f"Edit {day.unit} unit, {day.date:%a %d %b}"
    return FormDialog(
        desk,
        title,
        day_fields(day, day.date, places),
        save,
        saved(day, lambda d: f"Saved {name(d)}"),
    )


def move_day_form(desk: Desk, day: Day, places: list[Location]) -> FormDialog:
    fields = [
        Field("date", "New date (YYYY-MM-DD)", day.date.isoformat()),
        Field("location_id", "Location", location_value(day), options=location_options(places)),
        Field("call", "Call (HH:MM)", f"{day.call_at:%H:%M}"),
    ]

    def save(db: sqlite_utils.Database, values: Values) -> Day:
        with validate.checks() as check:
            to_date = check(validate.parse_date, values["date"], "date")
            call = check(validate.parse_time, values["call"], "call")
        return schedule.move_day(
            db,
            day.id,
            day.version,
            to_date=to_date,
            location_id=optional_id(values["location_id"]),
            call=call,
            actor=desk.actor,
            now=desk.now(),
        )

    title = f"Move {day.unit} unit, {day.date:%a %d %b} (everyone called is told)"
    moved = saved(
        day,
        lambda d: f"Moved to {name(d)}: see Changes (a published call sheet waits for p)",
    )
    return FormDialog(desk, title, fields, save, moved)


def call_time_form(desk: Desk, line: CallLine) -> FormDialog:
    call = line.call
    fields = [
        Field("call", "Call (HH:MM)", f"{call.call_at:%H:%M}"),
        Field("wrap", "Own wrap (HH:MM)", wrap_text(call)),
        Field("notes", "Notes", call.notes),
    ]

    def save(db: sqlite_utils.Database, values: Values) -> Call:
        with validate.checks() as check:
            at = check(validate.parse_time, values["call"], "call")
            wrap = check(optional_time, values["wrap"], "wrap")
        return schedule.update_call(
            db,
            call.id,
            call.version,
            call=at,
            wrap=wrap,
            notes=values["notes"],
            actor=desk.actor,
            now=desk.now(),
        )

    done = saved(call, lambda _: f"Saved {line.name}'s call")
    return FormDialog(desk, f"Call time for {line.name}", fields, save, done)


def name(day: Day) -> str:
    return f"{day.unit} unit, {day.date:%a %d %b}"


def wrap_text(call: Call) -> str:
    return f"{call.wrap_at:%H:%M}" if call.wrap_at else ""


def next_free_date(days: list[DaySummary], today: date) -> date:
    """A sensible default for a new day: the day after the last one (or today)."""
    last = max((d.day.date for d in days), default=today - timedelta(days=1))
    return max(last + timedelta(days=1), today)


def span(day: Day) -> str:
    return f"{day.call_at:%H:%M}-{day.wrap_at:%H:%M}" + (
        " (+1)" if day.wrap_at.date() > day.date else ""
    )


def called_at(moment: datetime) -> str:
    return f"{moment:%H:%M}"


BOOKING_KINDS = (("Delivery", "delivery"), ("Pick-up", "pickup"), ("Service", "service"))


def booking_form(
    desk: Desk,
    day: Day,
    vendors: list[Vendor],
    places: list[Location],
    booking: BookingLine | None = None,
) -> FormDialog:
    """Book a vendor on this day (the place defaults to the day's own location), or change a
    booking: a new time, place or kind asks the vendor to confirm again."""

    def save(db: sqlite_utils.Database, values: Values) -> Booking:
        new = BookingIn(
            vendor_id=booking.vendor_id if booking else int(values["vendor_id"]),
            day_id=day.id,
            kind=BookingKind(values["kind"]),
            at=validate.parse_time(values["at"], "at"),
            location_id=optional_id(values["location_id"]),
            what=values["what"],
            notes=values["notes"],
        )
        if booking is None:
            return bookings.add_booking(db, new, actor=desk.actor, now=desk.now())
        return bookings.update_booking(
            db, booking.id, booking.version, new, actor=desk.actor, now=desk.now()
        )

    at = booking.at if booking else day.call_at - timedelta(hours=1)
    where = str(booking.location_id or "") if booking else location_value(day)
    fields = [
        Field(
            "kind",
            "What happens",
            str(booking.kind) if booking else "delivery",
            options=BOOKING_KINDS,
        ),
        Field("what", "What", booking.what if booking else "", placeholder="e.g. Generator"),
        Field("at", "Time (HH:MM)", f"{at:%H:%M}"),
        Field("location_id", "Where", where, options=booking_places(places)),
        Field("notes", "Notes", booking.notes if booking else ""),
    ]
    if booking is None:
        choices = tuple((v.name, str(v.id)) for v in vendors)
        fields.insert(0, Field("vendor_id", "Vendor", str(vendors[0].id), options=choices))
        title = f"Book a vendor on {day.date:%a %d %b}"
    else:
        title = f"{booking.vendor_name} on {day.date:%a %d %b}"
    return FormDialog(desk, title, fields, save, saved_booking)


def booking_places(places: list[Location]) -> tuple[tuple[str, str], ...]:
    """Blank is the day's own location for a booking (it follows the day when it moves)."""
    return (("The day's location", ""), *((place.name, str(place.id)) for place in places))


def saved_booking(booking: Booking) -> str:
    if booking.confirmed_at is not None:
        return f"Booking saved for {booking.at:%a %d %b %H:%M}; still confirmed"
    return f"Booked for {booking.at:%a %d %b %H:%M}: the vendor confirms from their phone"


def sheet_details_form(desk: Desk, day: Day, details: callsheets.DayDetails) -> FormDialog:
    """The two things on a call sheet the schedule does not know: meal times, safety notes."""

    def save(db: sqlite_utils.Database, values: Values) -> callsheets.DayDetails:
        new = callsheets.DayDetails(meals=values["meals"], safety_notes=values["safety_notes"])
        return callsheets.set_day_details(db, day.id, new, actor=desk.actor, now=desk.now())

    fields = [
        Field(
            "meals", "Meal times", details.meals, placeholder="e.g. Breakfast 06:30, lunch 13:00"
        ),
        Field(
            "safety_notes",
            "Safety notes",
            details.safety_notes,
            placeholder="e.g. Working at height on the quay",
        ),
    ]
    return FormDialog(
        desk,
        f"Call sheet for {day.date:%a %d %b}: meals and safety",
        fields,
        save,
        lambda _: "Saved on the sheet: publish it (p) to send the change",
    )
