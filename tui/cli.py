"""`callboard`: the coordinator's command line.

With no command it opens the terminal app; each command does one job over the shared core in
schema/. Errors the core raises on purpose (and file errors) become one line on stderr and a
non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import ipaddress
import os
import sqlite3
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import msgspec
import sqlite_utils

from schema import desk, directory, links, locations, problems, production, validate
from schema.db import connect
from schema.errors import CallboardError, InvalidInput, NotFound
from schema.rules import plural
from schema.types import Problem

PROG = "callboard"
DEFAULT_DB = "callboard.db"
Handler = Callable[[argparse.Namespace], int]


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the process exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(list(argv) if argv is not None else None)
    except SystemExit as stop:  # --help, or a usage error (status 2), already printed
        return stop.code if isinstance(stop.code, int) else 0
    handler: Handler = getattr(args, "handler", cmd_tui)
    try:
        return handler(args)
    except CallboardError as error:
        return fail(str(error))
    except sqlite3.Error as error:
        return fail(f"{db_path(args)}: {error}")
    except OSError as error:
        return fail(_os_message(error))
    except KeyboardInterrupt:
        return 130


def fail(message: str) -> int:
    print(f"{PROG}: error: {message}", file=sys.stderr)
    return 1


def _os_message(error: OSError) -> str:
    reason = error.strerror or str(error)
    return f"{error.filename}: {reason}" if error.filename else reason


# --- the parser ---------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="The production coordinator's desk. With no command, opens the terminal app.",
    )
    _add_common(parser, None)
    parser.set_defaults(handler=cmd_tui)
    common = argparse.ArgumentParser(add_help=False)
    _add_common(common, argparse.SUPPRESS)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    for add in (
        _demo,
        _init,
        _invite,
        _revoke,
        _locations,
        _import,
        _export,
        _problems,
        _backup,
        _settings,
        _serve,
        _posters,
        _welcome,
        _tui,
    ):
        add(commands, common)
    return parser


def _add_common(parser: argparse.ArgumentParser, default: Any) -> None:
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


Commands = Any  # argparse's _SubParsersAction is private


def _command(
    commands: Commands, common: argparse.ArgumentParser, name: str, help_text: str, run: Handler
) -> argparse.ArgumentParser:
    sub = commands.add_parser(name, parents=[common], help=help_text, description=help_text)
    sub.set_defaults(handler=run)
    return sub


def _demo(commands: Commands, common: argparse.ArgumentParser) -> None:
    sub = _command(commands, common, "demo", "build the demo production in a new file", cmd_demo)
    sub.add_argument(
        "--size",
        choices=("small", "large"),
        default="small",
        help="small: a feature film (~120 people); large: ~2,000 people for benchmarks",
    )
    sub.add_argument("--seed", type=int, default=7, help="random seed (same seed, same demo)")
    sub.add_argument(
        "--today", metavar="DATE", help="the date the demo treats as today (default: today)"
    )
    sub.add_argument("--force", action="store_true", help="replace an existing production file")


def _init(commands: Commands, common: argparse.ArgumentParser) -> None:
    sub = _command(commands, common, "init", "create an empty production", cmd_init)
    sub.add_argument("name", metavar="NAME", help="the production's name")
    sub.add_argument(
        "--timezone", default="UTC", metavar="TZ", help="IANA timezone, e.g. Europe/London"
    )
    sub.add_argument(
        "--kind",
        choices=[str(k) for k in production.ProductionKind],
        default="film",
        help="what is being produced",
    )


def _invite(commands: Commands, common: argparse.ArgumentParser) -> None:
    sub = _command(
        commands,
        common,
        "invite",
        "issue new personal links (each person's previous unused link stops working)",
        cmd_invite,
    )
    who = sub.add_mutually_exclusive_group(required=True)
    who.add_argument("--all", action="store_true", help="everyone in the directory")
    who.add_argument(
        "--person",
        type=int,
        action="append",
        metavar="ID",
        help="a person's id (repeat for several)",
    )
    sub.add_argument(
        "--json", action="store_true", help="print [{person_id, name, email, url}, ...]"
    )


def _revoke(commands: Commands, common: argparse.ArgumentParser) -> None:
    sub = _command(
        commands,
        common,
        "revoke",
        "cut a person off: their unused link, every phone session and calendar feed stop working",
        cmd_revoke,
    )
    sub.add_argument("--person", type=int, required=True, metavar="ID", help="the person's id")


def _locations(commands: Commands, common: argparse.ArgumentParser) -> None:
    sub = _command(
        commands, common, "locations", "list locations and their check-in URLs", cmd_locations
    )
    sub.add_argument(
        "--json", action="store_true", help="print [{location_id, name, checkin_url}, ...]"
    )


def _import(commands: Commands, common: argparse.ArgumentParser) -> None:
    sub = _command(
        commands,
        common,
        "import",
        "add people from a CSV spreadsheet (all rows or none)",
        cmd_import,
    )
    sub.add_argument("what", choices=("people",), help="what the file holds")
    sub.add_argument(
        "file",
        metavar="FILE.csv",
        help="columns: name, kind, department, role, email, phone, vendor, notes",
    )


def _export(commands: Commands, common: argparse.ArgumentParser) -> None:
    from schema.spreadsheets import EXPORTS

    sub = _command(commands, common, "export", "write a spreadsheet of the production", cmd_export)
    sub.add_argument("what", choices=EXPORTS, help="which records")
    sub.add_argument(
        "--format",
        choices=("csv", "json"),
        help="file format (default: from --out's extension, else csv)",
    )
    sub.add_argument("--out", metavar="FILE", help="write here instead of standard output")


def _problems(commands: Commands, common: argparse.ArgumentParser) -> None:
    sub = _command(
        commands, common, "problems", "the scheduling problems the rules find", cmd_problems
    )
    sub.add_argument("--json", action="store_true", help="print the problems as JSON")
    sub.add_argument("--date", metavar="DATE", help="only problems on this date (YYYY-MM-DD)")


def _backup(commands: Commands, common: argparse.ArgumentParser) -> None:
    sub = _command(
        commands,
        common,
        "backup",
        "copy the production file consistently, even while the server writes",
        cmd_backup,
    )
    sub.add_argument("dest", metavar="DEST", help="the new file (must not exist)")


def _settings(commands: Commands, common: argparse.ArgumentParser) -> None:
    sub = _command(
        commands,
        common,
        "settings",
        "show the production's settings, or change those given",
        cmd_settings,
    )
    sub.add_argument("--name", metavar="N", help="the production's name")
    sub.add_argument("--timezone", metavar="TZ", help="IANA timezone, e.g. Europe/London")
    sub.add_argument(
        "--min-rest-hours",
        type=float,
        metavar="H",
        help="minimum rest between a person's wrap and next call",
    )


def _serve(commands: Commands, common: argparse.ArgumentParser) -> None:
    sub = _command(
        commands, common, "serve", "run the crew and vendor server (PWA and JSON API)", cmd_serve
    )
    sub.add_argument("--host", default="127.0.0.1", help="interface to listen on")
    sub.add_argument("--port", type=int, default=8000, help="port to listen on")
    sub.add_argument(
        "--trusted-proxy",
        action="append",
        default=[],
        metavar="IP",
        help="a reverse proxy whose X-Forwarded-For is believed (IP or CIDR; repeatable)",
    )
    sub.add_argument(
        "--secure-cookies",
        action="store_true",
        help="always mark session cookies Secure (behind a TLS-terminating proxy)",
    )
    sub.add_argument("--quiet", action="store_true", help="log warnings only, no access log")


def _posters(commands: Commands, common: argparse.ArgumentParser) -> None:
    sub = _command(commands, common, "posters", "write printable QR check-in posters", cmd_posters)
    sub.add_argument(
        "--location", type=int, metavar="ID", help="one location (default: every location)"
    )
    sub.add_argument(
        "--out",
        required=True,
        metavar="FILE",
        help="posters.pdf (one page each), or .svg / .png (one file each, id appended)",
    )
    sub.add_argument(
        "--replace", action="store_true", help="overwrite existing files (default: refuse)"
    )


def _welcome(commands: Commands, common: argparse.ArgumentParser) -> None:
    sub = _command(
        commands,
        common,
        "welcome",
        "print a crew link, a vendor link and a check-in URL to try the phone side",
        cmd_welcome,
    )
    sub.add_argument(
        "--qr", action="store_true", help="also draw the crew link as a QR code for a phone"
    )


def _tui(commands: Commands, common: argparse.ArgumentParser) -> None:
    _command(commands, common, "tui", "open the terminal app (the same as no command)", cmd_tui)


# --- shared helpers -----------------------------------------------------------------------------


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


# --- commands -----------------------------------------------------------------------------------


def cmd_tui(args: argparse.Namespace) -> int:
    open_db(args).conn.close()
    try:
        app = importlib.import_module("tui.app")  # lazily: the commands need no Textual
    except ModuleNotFoundError as error:
        if error.name not in ("tui.app", "tui"):
            raise
        return fail("the terminal app is not built yet; use the commands (`callboard --help`)")
    app.run(str(db_path(args)))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from schema import demo

    path = db_path(args)
    today = parse_date(args.today, "today")
    if path.exists():
        if not args.force:
            raise CallboardError(f"{path} already exists; use --force to replace it")
        remove_production_file(path)
    db = connect(path)
    try:
        options: dict[str, Any] = {"size": args.size, "seed": args.seed, "today": today}
        if args.base_url:
            options["base_url"] = production.normalize_base_url(args.base_url)
        summary = demo.build(db, **options)
    except BaseException:
        db.conn.close()
        remove_production_file(path)
        raise
    db.conn.close()
    print(f"Built the {args.size} demo production in {path}")
    for key, value in _fields(summary).items():
        print(f"  {key.replace('_', ' ')}: {value}")
    print(f"Next: `callboard --db {path} welcome`, then `callboard --db {path}`")
    return 0


def remove_production_file(path: Path) -> None:
    for extra in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{extra}").unlink(missing_ok=True)


def _fields(value: object) -> dict[str, Any]:
    if isinstance(value, msgspec.Struct):
        return msgspec.structs.asdict(value)
    if isinstance(value, dict):
        return dict(value)
    return {"summary": value}


def cmd_init(args: argparse.Namespace) -> int:
    path = db_path(args)
    if path.exists() and path.stat().st_size > 0:
        raise CallboardError(f"{path} already exists; choose another --db")
    db = connect(path)
    try:
        made = production.create(
            db,
            args.name,
            kind=production.ProductionKind(args.kind),
            timezone=args.timezone,
            base_url=base_url(args) or "http://127.0.0.1:8000",
        )
    except BaseException:
        db.conn.close()
        remove_production_file(path)
        raise
    db.conn.close()
    print(f"Created {made.name!r} in {path} ({made.timezone}, links at {made.base_url})")
    return 0


def cmd_invite(args: argparse.Namespace) -> int:
    db = open_db(args)
    ids = [p.id for p in directory.list_people(db)] if args.all else list(args.person)
    if not ids:
        raise NotFound("the directory has nobody to invite yet")
    issued = links.issue_links(db, ids, base_url=base_url(args))
    warn_if_local(db, args)
    if args.json:
        print_json(issued)
        return 0
    for item in issued:
        contact = f" <{item.email}>" if item.email else ""
        print(f"{item.person_id:>5}  {item.name}{contact}\n       {item.url}")
    print(f"{plural(len(issued), 'new link')}; each person's previous unused link no longer works.")
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    """A lost phone or a departure: everything that lets this person in stops working."""
    db = open_db(args)
    person = directory.get_person(db, args.person)
    count = links.revoke_all(db, person.id)
    print(
        f"{person.name}: {plural(count, 'link, session or feed', 'links, sessions and feeds')}"
        " revoked; `callboard invite --person ID` gives them a fresh link."
    )
    return 0


def cmd_locations(args: argparse.Namespace) -> int:
    db = open_db(args)
    base = base_url(args) or production.get(db).base_url
    found = locations.list_locations(db)
    rows = [
        {
            "location_id": loc.id,
            "name": loc.name,
            "address": loc.address,
            "code": loc.code,
            "checkin_url": locations.checkin_url(base, loc),
        }
        for loc in found
    ]
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print("No locations yet.")
    for row in rows:
        print(f"{row['location_id']:>4}  {row['name']}  ({row['address'] or 'no address'})")
        print(f"      {row['checkin_url']}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from schema.spreadsheets import import_people_file

    db = open_db(args)
    result = import_people_file(db, args.file)
    print(f"Imported {plural(result.people, 'person', 'people')} from {args.file}.")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from schema.spreadsheets import render

    fmt = export_format(args.format, args.out)
    if fmt is None:
        return fail(
            f"can't tell a format from {args.out!r}: name it .csv or .json, or use --format"
        )
    db = open_db(args)
    text = render(db, args.what, fmt)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8", newline="")
        print(f"Wrote {args.what} to {args.out}.", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def export_format(chosen: str | None, out: str | None) -> str | None:
    """--format wins; else the file's extension. None for an extension we don't write (a
    coordinator asking for x.xlsx must not get CSV under that name)."""
    if chosen:
        return chosen
    if not out:
        return "csv"
    suffix = Path(out).suffix.lower()
    return {".csv": "csv", ".json": "json", "": "csv"}.get(suffix)


def cmd_problems(args: argparse.Namespace) -> int:
    db = open_db(args)
    on = parse_date(args.date)
    found = problems.find(db, on=on)
    if args.json:
        print_json(found)
        return 0
    print_problems(found, on)
    return 0


def print_problems(found: list[Problem], on: date | None) -> None:
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


def cmd_backup(args: argparse.Namespace) -> int:
    from schema.backup import backup

    result = backup(db_path(args), args.dest)
    print(f"Backed up to {result.path} ({result.bytes:,} bytes, {result.events:,} events).")
    return 0


def cmd_settings(args: argparse.Namespace) -> int:
    db = open_db(args)
    current = production.get(db)
    changes: dict[str, Any] = {}
    if args.name is not None:
        changes["name"] = args.name
    if args.timezone is not None:
        changes["timezone"] = args.timezone
    if args.base_url is not None:
        changes["base_url"] = args.base_url
    if args.min_rest_hours is not None:
        changes["min_rest_minutes"] = round(args.min_rest_hours * 60)
    if changes:
        current = production.update(db, current.version, changes)
        print("Saved.")
    print(f"name:           {current.name}")
    print(f"kind:           {current.kind}")
    print(f"timezone:       {current.timezone}")
    print(f"base URL:       {current.base_url}")
    print(f"minimum rest:   {current.min_rest_minutes / 60:g} hours")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    path = db_path(args)
    open_db(args).conn.close()
    proxies = [_network(entry) for entry in args.trusted_proxy]
    os.environ["CALLBOARD_DB"] = str(path.resolve())
    os.environ["CALLBOARD_TRUSTED_PROXIES"] = ",".join(proxies)
    if args.secure_cookies:
        os.environ["CALLBOARD_SECURE_COOKIES"] = "1"
    if args.base_url:
        os.environ["CALLBOARD_BASE_URL"] = production.normalize_base_url(args.base_url)
    import uvicorn  # the fronts never import each other: an import string joins them

    if not args.quiet:
        print(f"Serving {path} on http://{args.host}:{args.port} (Ctrl-C stops)", file=sys.stderr)
    uvicorn.run(
        "server.app:app_from_env",
        factory=True,
        host=args.host,
        port=args.port,
        proxy_headers=False,
        server_header=False,
        log_level="warning" if args.quiet else "info",
        access_log=not args.quiet,
    )
    return 0


def _network(entry: str) -> str:
    try:
        return str(ipaddress.ip_network(entry.strip(), strict=False))
    except ValueError:
        raise InvalidInput(f"trusted proxy {entry!r} is not an IP address or network") from None


def cmd_posters(args: argparse.Namespace) -> int:
    from schema.posters import write_poster

    db = open_db(args)
    written = write_poster(
        db, args.location, args.out, base_url=base_url(args), replace=args.replace
    )
    warn_if_local(db, args)
    for path in written:
        print(f"Wrote {path}")
    return 0


# --- welcome: the demo's front door -------------------------------------------------------------


def cmd_welcome(args: argparse.Namespace) -> int:
    db = open_db(args)
    current = production.get(db)
    base = base_url(args) or current.base_url
    today = production.local_now(current).date()
    crew, vendor, place = desk.showcase(db, today)
    print(f"Welcome to {current.name}. Open these in a browser (or a phone that reaches {base}):")
    print()
    if crew is not None:
        issued = links.issue_link(db, crew.id, base_url=base)
        print(f"Crew member: {crew.name} ({crew.role or crew.department or crew.kind})")
        print(f"  {issued.url}")
        print("  Their personal link: it opens their calls, call sheet and change notices.")
        if getattr(args, "qr", False):
            from schema.posters import terminal_qr

            print(terminal_qr(issued.url))
    if vendor is not None:
        issued = links.issue_link(db, vendor.id, base_url=base)
        print(f"Vendor contact: {vendor.name}")
        print(f"  {issued.url}")
        print("  Opens the contracts that concern this vendor, to read and confirm as signed.")
    if place is not None:
        print(f"Location: {place.name}")
        print(f"  {locations.checkin_url(base, place)}")
        print("  What the QR poster there holds: open it after the crew link to check in.")
    if crew is None and vendor is None and place is None:
        print("  (this production has no people or locations yet)")
    print()
    print("Each link works once, on one device; run `callboard welcome` again for fresh ones.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
