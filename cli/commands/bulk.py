"""`callboard bulk`: schedule many people at once from a script, previewed unless --yes."""

from __future__ import annotations

import argparse
from datetime import date

import sqlite_utils

from cli.common import Commands, actor, command, open_db, parse_date
from schema import bulk, validate
from schema.bulk import BulkKind, Plan, Preview
from schema.errors import InvalidInput, NotFound
from schema.rules import plural


def register(commands: Commands, common: argparse.ArgumentParser) -> None:
    sub = command(
        commands,
        common,
        "bulk",
        "copy a day's calls, call or release a department, or shift its calls; "
        "shows what it would do (notices, new problems) and writes only with --yes",
        cmd_bulk,
    )
    sub.add_argument("kind", choices=[str(k) for k in BulkKind], help="what to do")
    sub.add_argument("--date", required=True, metavar="DATE", help="the day (YYYY-MM-DD)")
    sub.add_argument("--unit", default="Main", help="the day's unit (default: Main)")
    sub.add_argument("--from", dest="from_date", metavar="DATE", help="copy: the day to copy")
    sub.add_argument("--from-unit", metavar="UNIT", help="copy: its unit (default: --unit)")
    sub.add_argument("--department", metavar="NAME", help="call, release, shift: which one")
    sub.add_argument("--at", metavar="HH:MM", help="call: their call time (default: the day's)")
    sub.add_argument("--minutes", type=int, default=0, help="shift: later (+) or earlier (-)")
    sub.add_argument(
        "--yes", action="store_true", help="do it (without: only show what it would do)"
    )


def cmd_bulk(args: argparse.Namespace) -> int:
    db = open_db(args)
    kind = BulkKind(args.kind)
    day_id = day_on(db, parse_date(args.date) or date.min, args.unit)
    from_id = None
    if kind == BulkKind.COPY:
        if not args.from_date:
            raise InvalidInput("copy needs --from DATE, the day to copy the calls from")
        from_id = day_on(
            db, parse_date(args.from_date, "from") or date.min, args.from_unit or args.unit
        )
    plan = Plan(
        kind=kind,
        day_id=day_id,
        from_day_id=from_id,
        department=args.department or "",
        call=validate.parse_time(args.at, "at") if args.at else None,
        minutes=args.minutes,
    )
    if not args.yes:
        print_preview(bulk.preview(db, plan, actor=actor(args)))
        print("Nothing written: add --yes to do it.")
        return 0
    done = bulk.apply(db, plan, actor=actor(args))
    print(f"{done.title}: {plural(len(done.people), 'person', 'people')}.")
    return 0


def day_on(db: sqlite_utils.Database, on: date, unit: str) -> int:
    row = db.execute(
        "SELECT id FROM days WHERE date = ? AND unit = ? COLLATE NOCASE", [on.isoformat(), unit]
    ).fetchone()
    if row is None:
        raise NotFound(f"no {unit} unit day on {on.isoformat()}")
    return int(row[0])


def print_preview(preview: Preview) -> None:
    done = preview.done
    print(f"{done.title}: {plural(len(done.people), 'person', 'people')}")
    for name in done.people:
        print(f"  {name}")
    if done.skipped:
        print(f"Left as they are (already called): {', '.join(done.skipped)}")
    print(f"Notices it would send: {len(preview.notices)}")
    for notice in preview.notices:
        print(f"  {notice.summary} -> {', '.join(notice.recipients)}")
    print(f"Problems it would create: {len(preview.problems)}")
    for problem in preview.problems:
        print(f"  {problem.message}")
