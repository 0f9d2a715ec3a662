"""`callboard bookings`: vendor deliveries, pick-ups and services on shoot days."""

from __future__ import annotations

import argparse

import msgspec

from cli.common import Commands, actor, command, open_db, print_json
from schema import bookings, validate
from schema.bookings import BookingIn, BookingLine
from schema.errors import InvalidInput
from schema.types import BookingKind


def register(commands: Commands, common: argparse.ArgumentParser) -> None:
    sub = command(
        commands, common, "bookings", "vendor bookings: list, add, edit, cancel", cmd_list
    )
    sub.add_argument("--json", action="store_true", help="print the bookings as JSON")
    sub.add_argument("--vendor", type=int, metavar="ID", help="only this vendor's")
    actions = sub.add_subparsers(title="actions", metavar="ACTION")
    add = command(actions, common, "add", "book a vendor on a shoot day", cmd_add)
    add.add_argument("--vendor", type=int, required=True, metavar="ID", help="the vendor's id")
    add.add_argument("--day", type=int, required=True, metavar="ID", help="the shoot day's id")
    add.add_argument(
        "--kind", choices=[str(k) for k in BookingKind], default="delivery", help="what happens"
    )
    add.add_argument("--at", required=True, metavar="HH:MM", help="the time on that day")
    add.add_argument(
        "--location", type=int, metavar="ID", help="where (default: the day's location)"
    )
    add.add_argument("--what", default="", help="e.g. 'Generator'")
    add.add_argument("--notes", default="", help="anything the vendor should know")
    add.add_argument("--json", action="store_true", help="print the booking as JSON")
    edit = command(
        actions,
        common,
        "edit",
        "change a booking; a new day, time, place or kind asks the vendor to confirm again",
        cmd_edit,
    )
    edit.add_argument("booking", type=int, metavar="ID", help="the booking's id")
    edit.add_argument("--day", type=int, metavar="ID", help="another shoot day")
    edit.add_argument("--kind", choices=[str(k) for k in BookingKind], help="what happens")
    edit.add_argument("--at", metavar="HH:MM", help="another time on the day")
    edit.add_argument("--location", type=int, metavar="ID", help="another place")
    edit.add_argument("--what", help="e.g. 'Generator'")
    edit.add_argument("--notes", help="anything the vendor should know")
    edit.add_argument("--json", action="store_true", help="print the booking as JSON")
    cancel = command(actions, common, "cancel", "cancel a booking (the vendor is told)", cmd_cancel)
    cancel.add_argument("booking", type=int, metavar="ID", help="the booking's id")


def cmd_list(args: argparse.Namespace) -> int:
    db = open_db(args)
    found = bookings.list_bookings(db, vendor_id=args.vendor)
    if args.json:
        print_json(found)
        return 0
    if not found:
        print("No bookings.")
    for b in found:
        print(line(b))
    return 0


def line(b: BookingLine) -> str:
    state = f"confirmed by {b.confirmed_by_name}" if b.confirmed_at else "NOT CONFIRMED"
    return f"{b.id:>4}  {b.vendor_name}: {b.summary}  [{state}]"


def cmd_add(args: argparse.Namespace) -> int:
    db = open_db(args)
    new = BookingIn(
        vendor_id=args.vendor,
        day_id=args.day,
        kind=BookingKind(args.kind),
        at=validate.parse_time(args.at, "at"),
        location_id=args.location,
        what=args.what,
        notes=args.notes,
    )
    booking = bookings.add_booking(db, new, actor=actor(args))
    found = bookings.get_line(db, booking.id)
    if args.json:
        print_json(found)
    else:
        print(f"Booked {line(found).strip()}")
    return 0


def cmd_edit(args: argparse.Namespace) -> int:
    """Only the options given change; the rest stay as booked."""
    db = open_db(args)
    booking = bookings.get_booking(db, args.booking)
    changes: dict[str, object] = {
        "day_id": args.day,
        "kind": BookingKind(args.kind) if args.kind else None,
        "at": validate.parse_time(args.at, "at") if args.at else None,
        "location_id": args.location,
        "what": args.what,
        "notes": args.notes,
    }
    given = {field: value for field, value in changes.items() if value is not None}
    if not given:
        raise InvalidInput(
            "nothing to change: give --day, --kind, --at, --location, --what or --notes"
        )
    if args.day is not None and args.day != booking.day_id and args.location is None:
        given["location_id"] = None  # as when booking: the new day's own location
    new = msgspec.structs.replace(bookings.as_input(booking), **given)
    edited = bookings.update_booking(db, booking.id, booking.version, new, actor=actor(args))
    found = bookings.get_line(db, edited.id)
    if args.json:
        print_json(found)
    elif edited.confirmed_at is None and booking.confirmed_at is not None:
        print(f"Changed {line(found).strip()}; the vendor's contacts are asked to confirm again.")
    else:
        print(f"Changed {line(found).strip()}")
    return 0


def cmd_cancel(args: argparse.Namespace) -> int:
    db = open_db(args)
    booking = bookings.get_booking(db, args.booking)
    bookings.cancel_booking(db, booking.id, booking.version, actor=actor(args))
    print(f"Cancelled booking {booking.id}; the vendor's contacts have a notice.")
    return 0
