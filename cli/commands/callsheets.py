"""`callboard callsheet` and `callboard publish`: the day's call sheet, on screen, as JSON or PDF,
and its publication as the next version (which tells each affected person)."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from cli.common import Commands, actor, command, fail, open_db, parse_date, print_json
from schema import callsheets, production
from schema.callsheets import DayDetails, Preview, Sheet, day_label
from schema.clock import utcnow
from schema.errors import InvalidInput
from schema.outputs.callsheet_pdf import callsheet_pdf
from schema.rules import plural


def register(commands: Commands, common: argparse.ArgumentParser) -> None:
    sub = command(
        commands,
        common,
        "callsheet",
        "show a day's call sheet (the draft, and what publishing it would change)",
        cmd_callsheet,
    )
    sub.add_argument("date", metavar="DATE", help="the shoot date (YYYY-MM-DD)")
    sub.add_argument("--unit", default="Main", help="the unit (default: Main)")
    sub.add_argument("--json", action="store_true", help="print the sheet as JSON")
    sub.add_argument("--out", metavar="FILE.pdf", help="write the sheet as a printable PDF")
    sub.add_argument(
        "--crew-copy",
        action="store_true",
        help="as crew are sent it: without cast names when the production hides them",
    )
    sub.add_argument(
        "--published",
        action="store_true",
        help="the last published version instead of the draft",
    )
    sub.add_argument("--meals", metavar="TEXT", help="set the day's meal times first")
    sub.add_argument("--safety-notes", metavar="TEXT", help="set the day's safety notes first")
    sub = command(
        commands,
        common,
        "callsheet-settings",
        "show or set what every call sheet carries: office contacts, walkie channels, cast names",
        cmd_settings,
    )
    sub.add_argument(
        "--contact",
        action="append",
        metavar="LABEL=NUMBER",
        help="a production contact (repeat; replaces the list); never a personal number",
    )
    sub.add_argument(
        "--walkie",
        action="append",
        metavar="DEPARTMENT=CHANNEL",
        help="a department's walkie channel (repeat; replaces the list)",
    )
    cast = sub.add_mutually_exclusive_group()
    cast.add_argument(
        "--hide-cast-names",
        action="store_true",
        help="crew sheets (on phones and sent as PDF) show no cast names",
    )
    cast.add_argument("--show-cast-names", action="store_true", help="crew see cast names")
    sub.add_argument("--safety", metavar="TEXT", help="a standing safety note on every sheet")
    sub.add_argument("--json", action="store_true", help="print the settings as JSON")
    sub = command(
        commands,
        common,
        "publish",
        "publish a day's call sheet as its next version and notify the people it changes",
        cmd_publish,
    )
    sub.add_argument("date", metavar="DATE", help="the shoot date (YYYY-MM-DD)")
    sub.add_argument("--unit", default="Main", help="the unit (default: Main)")
    sub.add_argument("--json", action="store_true", help="print the version and notices as JSON")


def _date(text: str) -> date:
    found = parse_date(text)
    if found is None:
        raise InvalidInput("give the date as YYYY-MM-DD", field="date")
    return found


def cmd_callsheet(args: argparse.Namespace) -> int:
    db = open_db(args)
    on = _date(args.date)
    if args.out and Path(args.out).suffix.lower() != ".pdf":
        return fail(f"{args.out}: the call sheet is written as PDF; name the file .pdf")
    if args.meals is not None or args.safety_notes is not None:
        day = callsheets.find_day(db, on, args.unit)
        if day is None:
            return fail(f"no {args.unit} unit day on {on.isoformat()}")
        details = callsheets.day_details(db, day.id)
        callsheets.set_day_details(
            db,
            day.id,
            DayDetails(
                meals=details.meals if args.meals is None else args.meals,
                safety_notes=(
                    details.safety_notes if args.safety_notes is None else args.safety_notes
                ),
            ),
            now=utcnow(),
            actor=actor(args),
        )
    if args.published:
        version = callsheets.last_published(db, on, args.unit)
        if version is None:
            return fail(f"no call sheet published for the {args.unit} unit on {on.isoformat()}")
        where = production.zone_named(production.get(db).timezone)
        sheet, number, at = version.sheet, version.number, version.published_at.astimezone(where)
        preview = None
    else:
        preview = callsheets.preview(db, on, args.unit)
        sheet, number, at = preview.draft, None, None
    if args.crew_copy:  # the sheet alone, as crew read it; who would be told is the desk's
        preview = None
        if callsheets.settings(db).hide_cast_names:
            sheet = callsheets.without_cast_names(sheet)
    if args.out:
        Path(args.out).write_bytes(callsheet_pdf(sheet, version=number, published_at=at))
        print(f"Wrote {args.out} ({'version ' + str(number) if number else 'draft'}).")
        return 0
    if args.json:
        print_json(sheet)
        return 0
    print_sheet(sheet)
    if preview is not None:
        print_preview(preview)
    return 0


def cmd_settings(args: argparse.Namespace) -> int:
    db = open_db(args)
    found = callsheets.settings(db)
    changes: dict[str, Any] = {}
    if args.contact is not None:
        changes["contacts"] = [callsheets.contact_of(text, "--contact") for text in args.contact]
    if args.walkie is not None:
        changes["walkies"] = dict(
            callsheets.parse_pair(text, "--walkie", "DEPARTMENT=CHANNEL") for text in args.walkie
        )
    if args.hide_cast_names or args.show_cast_names:
        changes["hide_cast_names"] = bool(args.hide_cast_names)
    if args.safety is not None:
        changes["safety"] = args.safety
    if changes:
        found = callsheets.update_settings(db, found.version, **changes, now=utcnow())
    if args.json:
        print_json(found)
        return 0
    print("Key contacts:" if found.contacts else "Key contacts: none (add --contact LABEL=NUMBER)")
    for contact in found.contacts:
        print(f"  {contact.label}: {' / '.join(p for p in (contact.phone, contact.email) if p)}")
    walkies = ", ".join(f"{dept} ch. {channel}" for dept, channel in found.walkies.items())
    print(f"Walkie channels: {walkies or 'none'}")
    print(f"Cast names on crew phones: {'hidden' if found.hide_cast_names else 'shown'}")
    print(f"Standing safety note: {found.safety or 'none'}")
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    db = open_db(args)
    on = _date(args.date)
    version, changes = callsheets.publish(db, on, args.unit, now=utcnow(), actor=actor(args))
    if args.json:
        print_json({"version": version, "notices": changes})
        return 0
    print(
        f"Published the {version.unit} unit call sheet for {day_label(version.date)}"
        f" as version {version.number}."
    )
    for change in changes:
        print(f"  {change.name}: {change.text}")
    print(f"{plural(len({c.person_id for c in changes}), 'person', 'people')} notified.")
    return 0


def print_sheet(sheet: Sheet) -> None:
    print(f"{sheet.production}: call sheet")
    print(
        f"{sheet.date:%A} {sheet.date.day} {sheet.date:%B %Y} · {sheet.unit} unit · "
        f"Day {sheet.day_number} of {sheet.day_count}"
    )
    print(f"General crew call {sheet.call_at:%H:%M} · wrap {sheet.wrap_at:%H:%M}")
    place = sheet.location
    if place is None:
        print("Location: to be confirmed")
    else:
        print(f"Location: {place.name}" + (f", {place.address}" if place.address else ""))
        for label, value in (
            ("Parking", place.parking),
            ("Base camp", place.base_camp),
            ("Hospital", place.hospital),
        ):
            if value:
                print(f"  {label}: {value}")
        if place.sunrise and place.sunset:
            print(f"  Sunrise {place.sunrise} · sunset {place.sunset}")
    for label, value in (
        ("Meals", sheet.meals),
        ("Scenes", sheet.scenes),
        ("Notes", sheet.notes),
        ("Safety", sheet.safety_notes),
    ):
        if value:
            print(f"{label}: {value}")
    for contact in sheet.contacts:
        print(f"Contact: {contact.label} {contact.phone} {contact.email}".rstrip())
    for department in sheet.departments:
        walkie = f" (walkie ch. {department.walkie})" if department.walkie else ""
        print(f"\n{department.name}{walkie}")
        for person in department.people:
            print(f"  {person.call_at:%H:%M}  {person.name:<28} {person.role}")
    if sheet.advance is not None:
        advance = sheet.advance
        print(
            f"\nNext day: {day_label(advance.date)} · call {advance.call_at:%H:%M} · "
            f"{advance.location}" + (f" · Scenes {advance.scenes}" if advance.scenes else "")
        )


def print_preview(preview: Preview) -> None:
    print()
    if preview.unchanged and preview.previous is not None:
        print(f"Published as version {preview.previous.number}; nothing has changed since.")
        return
    state = (
        f"Draft of version {preview.number} (version {preview.previous.number} is published)"
        if preview.previous
        else "Not published yet: publishing makes version 1"
    )
    print(f"{state}. Publishing would tell:")
    for change in preview.changes:
        print(f"  {change.name}: {change.text}")
    if not preview.changes:
        print("  nobody (no one's call, place or presence changed)")
    for line in preview.sheet_changes:
        if line != "first version":
            print(f"  also changed: {line}")
