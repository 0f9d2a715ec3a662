"""`callboard problems`: what the rules find wrong across the production."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import date

from cli.common import Commands, command, open_db, parse_date, print_json
from schema import problems
from schema.problems import AnyProblem
from schema.rules import plural


def register(commands: Commands, common: argparse.ArgumentParser) -> None:
    sub = command(
        commands, common, "problems", "the scheduling problems the rules find", cmd_problems
    )
    sub.add_argument("--json", action="store_true", help="print the problems as JSON")
    sub.add_argument("--date", metavar="DATE", help="only problems on this date (YYYY-MM-DD)")


def cmd_problems(args: argparse.Namespace) -> int:
    db = open_db(args)
    on = parse_date(args.date)
    found = problems.find_all(db, on=on)
    if args.json:
        print_json(found)
        return 0
    print_problems(found, on)
    return 0


def print_problems(found: Sequence[AnyProblem], on: date | None) -> None:
    if not found:
        print(f"No problems{f' on {on.isoformat()}' if on else ''}.")
        return
    current: date | None = None
    for problem in found:
        if problem.date != current:
            current = problem.date
            print(f"{current:%a %d %b %Y}")
        print(f"  {problem.kind.replace('_', ' '):<24} {problem.message}")
    print(f"{plural(len(found), 'problem')}.")
