"""The day as it happened, from the command line: reports, timecards, day out of days, the
sign-in sheet, and entering a paper sheet's times afterwards (marks by the coordinator)."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from cli.common import Commands, actor, command, open_db, parse_date
from schema.rules import plural


def register(commands: Commands, common: argparse.ArgumentParser) -> None:
    _report(commands, common)
    _timecards(commands, common)
    _dood(commands, common)
    _signin(commands, common)
    _mark(commands, common)
    _wrap(commands, common)
    _meal(commands, common)
    _call_kind(commands, common)


def _date(text: str) -> date:
    found = parse_date(text)
    assert found is not None
    return found


def _report(commands: Commands, common: argparse.ArgumentParser) -> None:
    sub = command(commands, common, "report", "write the daily production report", cmd_report)
    sub.add_argument("what", choices=("day",), help="which report")
    sub.add_argument("date", metavar="DATE", help="the day, YYYY-MM-DD")
    sub.add_argument("--unit", metavar="U", help="one unit only (default: every unit)")
    sub.add_argument("--out", metavar="FILE", required=True, help="FILE.pdf or FILE.csv")


def _timecards(commands: Commands, common: argparse.ArgumentParser) -> None:
    sub = command(
        commands,
        common,
        "timecards",
        "write a week's timecards for payroll (per person and day, each time with its source)",
        cmd_timecards,
    )
    sub.add_argument("--week", metavar="DATE", required=True, help="any day of the week (Mon-Sun)")
    sub.add_argument("--out", metavar="FILE.csv", required=True, help="the CSV to write")


def _dood(commands: Commands, common: argparse.ArgumentParser) -> None:
    sub = command(commands, common, "dood", "write the day out of days", cmd_dood)
    sub.add_argument("--from", dest="first", metavar="DATE", help="first date (default: all)")
    sub.add_argument("--to", dest="last", metavar="DATE", help="last date (default: all)")
    sub.add_argument("--out", metavar="FILE", required=True, help="FILE.csv or FILE.pdf")


def _signin(commands: Commands, common: argparse.ArgumentParser) -> None:
    sub = command(
        commands,
        common,
        "signin-sheet",
        "print the paper sign-in sheet for a day (a page per location)",
        cmd_signin,
    )
    sub.add_argument("date", metavar="DATE", help="the day, YYYY-MM-DD")
    sub.add_argument("--location", type=int, metavar="ID", help="one location only")
    sub.add_argument("--out", metavar="FILE.pdf", required=True, help="the PDF to write")


def _mark(commands: Commands, common: argparse.ArgumentParser) -> None:
    from schema.types import MarkKind

    sub = command(
        commands,
        common,
        "mark",
        "mark a person on a day by hand (a paper sign-in sheet, a dead phone, absent, sick...)",
        cmd_mark,
    )
    sub.add_argument("date", metavar="DATE", help="the day, YYYY-MM-DD")
    sub.add_argument("--person", type=int, required=True, metavar="ID", help="the person's id")
    sub.add_argument("kind", choices=[str(k) for k in MarkKind], help="what to mark")
    sub.add_argument("--at", metavar="HH:MM", help="when (arrived, released, wrap, meal)")
    sub.add_argument("--reason", default="", metavar="TEXT", help="why (absent, released)")
    sub.add_argument("--unit", metavar="U", help="which unit, when several work that day")


def _wrap(commands: Commands, common: argparse.ArgumentParser) -> None:
    sub = command(
        commands, common, "wrap", "wrap a unit (or one department of it) at a time", cmd_wrap
    )
    sub.add_argument("date", metavar="DATE", help="the day, YYYY-MM-DD")
    sub.add_argument("--at", metavar="HH:MM", required=True, help="the wrap time")
    sub.add_argument("--unit", metavar="U", help="which unit, when several work that day")
    sub.add_argument("--department", metavar="D", help="only this department")


def _meal(commands: Commands, common: argparse.ArgumentParser) -> None:
    sub = command(commands, common, "meal", "set the unit's meal break on a day", cmd_meal)
    sub.add_argument("date", metavar="DATE", help="the day, YYYY-MM-DD")
    sub.add_argument("--at", metavar="HH:MM", help="when the meal starts (omit: no meal)")
    sub.add_argument("--minutes", type=int, default=30, metavar="N", help="how long (30)")
    sub.add_argument("--unit", metavar="U", help="which unit, when several work that day")


def _call_kind(commands: Commands, common: argparse.ArgumentParser) -> None:
    from schema.types import CallKind

    sub = command(
        commands,
        common,
        "call-kind",
        "make a person's call a work, hold or travel day (for the day out of days)",
        cmd_call_kind,
    )
    sub.add_argument("date", metavar="DATE", help="the day, YYYY-MM-DD")
    sub.add_argument("--person", type=int, required=True, metavar="ID", help="the person's id")
    sub.add_argument("kind", choices=[str(k) for k in CallKind], help="the kind of call")
    sub.add_argument("--unit", metavar="U", help="which unit, when several work that day")


def _wrote(path: object, what: str) -> None:
    print(f"Wrote {what} to {path}.", file=sys.stderr)


def cmd_report(args: argparse.Namespace) -> int:
    from schema import reports
    from schema.outputs import reports as out

    kind = out.kind_of(args.out)
    db = open_db(args)
    report = reports.daily(db, _date(args.date), unit=args.unit)
    if kind == "csv":
        out.write(args.out, csv=out.daily_csv(report))
    else:
        out.write(args.out, pdf=out.daily_pdf(report))
    _wrote(args.out, f"the daily production report for {args.date}")
    return 0


def cmd_timecards(args: argparse.Namespace) -> int:
    from schema import reports
    from schema.errors import InvalidInput
    from schema.outputs import reports as out

    if out.kind_of(args.out) != "csv":
        raise InvalidInput("timecards are a spreadsheet: name the file .csv")
    db = open_db(args)
    on = _date(args.week)
    lines = reports.timecards(db, on)
    out.write(args.out, csv=out.lines_csv(lines))
    first, last = reports.week_of(on)
    _wrote(args.out, f"{plural(len(lines), 'timecard line')} for {first} to {last}")
    return 0


def cmd_dood(args: argparse.Namespace) -> int:
    from schema import reports
    from schema.outputs import reports as out

    kind = out.kind_of(args.out)
    db = open_db(args)
    dood = reports.day_out_of_days(db, first=parse_date(args.first), last=parse_date(args.last))
    if kind == "csv":
        out.write(args.out, csv=out.dood_csv(dood))
    else:
        out.write(args.out, pdf=out.dood_pdf(dood))
    _wrote(args.out, f"the day out of days ({plural(len(dood.rows), 'person', 'people')})")
    return 0


def cmd_signin(args: argparse.Namespace) -> int:
    from schema import reports
    from schema.errors import InvalidInput
    from schema.outputs import reports as out

    if out.kind_of(args.out) != "pdf":
        raise InvalidInput("a sign-in sheet is printed: name the file .pdf")
    db = open_db(args)
    sheets = reports.signin_sheets(db, _date(args.date), location_id=args.location)
    out.write(args.out, pdf=out.signin_sheets_pdf(sheets))
    _wrote(args.out, plural(len(sheets), "sign-in sheet"))
    return 0


def cmd_mark(args: argparse.Namespace) -> int:
    from schema import marks, validate
    from schema.types import MarkKind

    db = open_db(args)
    day = marks.call_day(db, _date(args.date), args.person, unit=args.unit)
    at = marks.at_on(day, validate.parse_time(args.at, "at")) if args.at else None
    done = marks.mark(
        db, day.id, args.person, MarkKind(args.kind), at=at, reason=args.reason, actor=actor(args)
    )
    when = f" at {done.at:%H:%M}" if done.at else ""
    print(f"Marked person {args.person} {done.kind}{when} on {day.date} ({day.unit}).")
    return 0


def cmd_wrap(args: argparse.Namespace) -> int:
    from schema import marks, validate

    db = open_db(args)
    day = marks.unit_day(db, _date(args.date), unit=args.unit)
    at = marks.at_on(day, validate.parse_time(args.at, "at"))
    who = marks.wrap_group(db, day.id, at, department=args.department, actor=actor(args))
    print(f"Wrapped {plural(len(who), 'person', 'people')} at {at:%H:%M} ({day.unit}).")
    return 0


def cmd_meal(args: argparse.Namespace) -> int:
    from schema import marks, validate

    db = open_db(args)
    day = marks.unit_day(db, _date(args.date), unit=args.unit)
    meal = validate.parse_time(args.at, "at") if args.at else None
    saved = marks.set_meal(
        db, day.id, day.version, meal, args.minutes if meal else 0, actor=actor(args)
    )
    said = f"at {saved.meal_at:%H:%M} for {saved.meal_minutes} min" if saved.meal_at else "none"
    print(f"Meal break on {day.date} ({day.unit}): {said}.")
    return 0


def cmd_call_kind(args: argparse.Namespace) -> int:
    from schema import marks
    from schema.types import CallKind

    db = open_db(args)
    day = marks.call_day(db, _date(args.date), args.person, unit=args.unit)
    marks.set_call_kind(db, day.id, args.person, CallKind(args.kind), actor=actor(args))
    print(f"Person {args.person}'s call on {day.date} ({day.unit}) is now {args.kind}.")
    return 0
