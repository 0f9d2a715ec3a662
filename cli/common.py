"""What every command shares: the production file, the base URL, printing and failing."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import msgspec
import sqlite_utils

from schema import identity, production, validate
from schema.errors import InvalidInput, NotFound
from schema.store.connection import connect

PROG = "callboard"
DEFAULT_DB = "callboard.db"
Handler = Callable[[argparse.Namespace], int]
Commands = Any  # argparse's _SubParsersAction is private


def command(
    commands: Commands, common: argparse.ArgumentParser, name: str, help_text: str, run: Handler
) -> argparse.ArgumentParser:
    """A subcommand that takes the common options and runs `run`."""
    sub = commands.add_parser(name, parents=[common], help=help_text, description=help_text)
    sub.set_defaults(handler=run)
    return sub


def fail(message: str) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return 1


def db_path(args: argparse.Namespace) -> Path:
    chosen = getattr(args, "db", None) or os.environ.get("CALLBOARD_DB") or DEFAULT_DB
    return Path(chosen)


def open_db(args: argparse.Namespace) -> sqlite_utils.Database:
    """Open an existing production file (never create one by accident)."""
    path = db_path(args)
    if not path.is_file():
        raise NotFound(
            f"no production file at {path}; run `callboard demo` or `callboard init NAME`"
        )
    db = connect(path)
    production.get(db)  # a clear error for a file with no production in it
    return db


def actor_option(text: str) -> str:
    """`--as NAME`, checked while parsing so a bad name is a usage error before anything runs."""
    try:
        return identity.actor_name(text)
    except InvalidInput as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def actor(args: argparse.Namespace) -> str:
    """Who this command's changes are recorded under: `--as NAME`, else the login name (over
    SSH each coordinator has their own), else the production's generic coordinator."""
    chosen = getattr(args, "actor", None)
    return str(chosen) if chosen else identity.login_name(production.COORDINATOR)


def base_url(args: argparse.Namespace) -> str | None:
    url = getattr(args, "base_url", None)
    return production.normalize_base_url(url) if url else None


def warn_if_local(db: sqlite_utils.Database, args: argparse.Namespace) -> None:
    """Links and posters for phones that point at this machine's loopback reach no phone."""
    base = base_url(args) or production.get(db).base_url
    host = urlsplit(base).hostname or ""
    if host == "localhost" or host.startswith("127.") or host == "::1":
        print(
            f"{PROG}: note: these links use {base}, which only this computer can open; set the "
            "address phones reach with --base-url or `callboard settings --base-url URL`",
            file=sys.stderr,
        )


def print_json(value: Any) -> None:
    print(msgspec.json.format(msgspec.json.encode(value), indent=2).decode("utf-8"))


def parse_date(text: str | None, field: str = "date") -> date | None:
    return validate.parse_date(text, field) if text else None


def remove_production_file(path: Path) -> None:
    for extra in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{extra}").unlink(missing_ok=True)
