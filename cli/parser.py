"""The `callboard` parser: the common options and one registration per command group.

A new feature adds a module under cli/commands/ with a `register(commands, common)` function and
names it in COMMAND_GROUPS; the commands themselves live in those modules, not here.
"""

from __future__ import annotations

import argparse
from typing import Any

from cli.commands import (
    bookings,
    bulk,
    callsheets,
    contracts,
    delivery,
    fronts,
    locations,
    paperwork,
    people,
    problems,
    production,
    replication,
    reports,
    spreadsheets,
    stock,
    vendors,
)
from cli.common import DEFAULT_DB, PROG, actor_option

COMMAND_GROUPS = (
    production,
    people,
    vendors,
    locations,
    spreadsheets,
    problems,
    contracts,
    paperwork,
    bookings,
    fronts,
    replication,
    delivery,
    reports,
    callsheets,
    stock,
    bulk,
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="The production coordinator's desk. With no command, opens the terminal app.",
    )
    add_common(parser, None)
    parser.set_defaults(handler=fronts.cmd_tui)
    fronts.add_tui_options(parser)
    common = argparse.ArgumentParser(add_help=False)
    add_common(common, argparse.SUPPRESS)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    for group in COMMAND_GROUPS:
        group.register(commands, common)
    return parser


def add_common(parser: argparse.ArgumentParser, default: Any) -> None:
    parser.add_argument(
        "--db",
        metavar="PATH",
        default=default,
        help=f"the production file (default: $CALLBOARD_DB or ./{DEFAULT_DB})",
    )
    parser.add_argument(
        "--base-url",
        metavar="URL",
        default=default,
        help="the public address of the crew server, for links and QR codes "
        "(overrides the production's setting; init, demo and settings store it)",
    )
    parser.add_argument(
        "--as",
        dest="actor",
        metavar="NAME",
        type=actor_option,
        default=default,
        help="the name your changes are recorded under (default: your login name); "
        "for an account several people share",
    )
