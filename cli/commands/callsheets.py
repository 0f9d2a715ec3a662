"""`callboard callsheet` and `callboard publish`: the day's call sheet, on screen, as JSON or PDF,
and its publication as the next version (which tells each affected person)."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from cli.common import Commands, command, fail, open_db, parse_date, print_json
from schema import callsheets
from schema.callsheets import Preview, Sheet, day_label
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
        "--published",
        action="store_true",
        help="the last published version instead of the draft",
    )
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
    if args.published:
        version = callsheets.last_published(db, on, args.unit)
        if version is None:
            return fail(f"no call sheet published for the {args.unit} unit on {on.isoformat()}")
        sheet, number, at = version.sheet, version.number, version.published_at
        preview = None
    else:
        preview = callsheets.preview(db, on, args.unit)
        sheet, number, at = preview.draft, None, None
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


def cmd_publish(args: argparse.Namespace) -> int:
    db = open_db(args)
    on = _date(args.date)
    version, changes = callsheets.publish(db, on, args.unit, now=utcnow())
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
