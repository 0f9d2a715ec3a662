"""The production file itself: create it (empty or the demo), its settings, backup, welcome."""

from __future__ import annotations

import argparse
import os
from typing import Any

import msgspec

from cli.common import (
    Commands,
    actor,
    base_url,
    command,
    db_path,
    open_db,
    parse_date,
    remove_production_file,
)
from schema import links, locations, production
from schema.errors import CallboardError
from schema.store.connection import connect


def register(commands: Commands, common: argparse.ArgumentParser) -> None:
    _demo(commands, common)
    _init(commands, common)
    _settings(commands, common)
    _backup(commands, common)
    _welcome(commands, common)


def _demo(commands: Commands, common: argparse.ArgumentParser) -> None:
    sub = command(commands, common, "demo", "build the demo production in a new file", cmd_demo)
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
    sub.add_argument(
        "--kind",
        choices=[str(k) for k in production.ProductionKind],
        default="film",
        help="film (the default), or a furniture plant or a newspaper's print run",
    )


def _init(commands: Commands, common: argparse.ArgumentParser) -> None:
    sub = command(commands, common, "init", "create an empty production", cmd_init)
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


def _settings(commands: Commands, common: argparse.ArgumentParser) -> None:
    sub = command(
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
    sub.add_argument(
        "--meal-after-hours",
        type=float,
        metavar="H",
        help="hours from call a person may work before a meal is owed (default 6)",
    )
    _smtp_settings(sub)


def _smtp_settings(sub: argparse.ArgumentParser) -> None:
    """How email leaves. The password is never a setting: it comes from the environment."""
    sub.add_argument("--smtp-host", metavar="H", help="the SMTP server that sends the email")
    sub.add_argument("--smtp-port", type=int, metavar="P", help="its port (587, 465, 25...)")
    sub.add_argument("--smtp-from", metavar="ADDRESS", help='"Name <address>" mail comes from')
    sub.add_argument(
        "--smtp-user",
        metavar="U",
        help="login name; the password comes only from $CALLBOARD_SMTP_PASSWORD",
    )
    sub.add_argument("--smtp-tls", choices=("starttls", "ssl", "none"), help="how to encrypt")
    sub.add_argument(
        "--remind-hours",
        type=int,
        metavar="N",
        help="remind who has not confirmed a day's change N hours before call (0: never)",
    )


def _backup(commands: Commands, common: argparse.ArgumentParser) -> None:
    sub = command(
        commands,
        common,
        "backup",
        "copy the production file consistently, even while the server writes",
        cmd_backup,
    )
    sub.add_argument("dest", metavar="DEST", help="the new file (must not exist)")


def _welcome(commands: Commands, common: argparse.ArgumentParser) -> None:
    sub = command(
        commands,
        common,
        "welcome",
        "print a crew link, a vendor link and a check-in URL to try the phone side",
        cmd_welcome,
    )
    sub.add_argument(
        "--qr", action="store_true", help="also draw the crew link as a QR code for a phone"
    )


def cmd_demo(args: argparse.Namespace) -> int:
    from schema import demo  # lazily: building a demo pulls in the PDF writer

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
        if args.kind == "film":
            summary = demo.build(db, **options)
        else:
            from schema import demo_plant

            options.pop("size")
            options.pop("seed")
            summary = demo_plant.build(db, args.kind, **options)
    except BaseException:
        db.conn.close()
        remove_production_file(path)
        raise
    db.conn.close()
    print(f"Built the {args.size if args.kind == 'film' else args.kind} demo production in {path}")
    for key, value in _fields(summary).items():
        print(f"  {key.replace('_', ' ')}: {value}")
    print(f"Next: `callboard --db {path} welcome`, then `callboard --db {path}`")
    return 0


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
            actor=actor(args),
        )
    except BaseException:
        db.conn.close()
        remove_production_file(path)
        raise
    db.conn.close()
    print(f"Created {made.name!r} in {path} ({made.timezone}, links at {made.base_url})")
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
    for name in production.SMTP_SETTINGS:
        if getattr(args, name, None) is not None:
            changes[name] = getattr(args, name)
    if args.meal_after_hours is not None:
        changes["meal_after_minutes"] = round(args.meal_after_hours * 60)
    if changes:
        current = production.update(db, current.version, changes, actor=actor(args))
        print("Saved.")
    print(f"name:           {current.name}")
    print(f"kind:           {current.kind}")
    print(f"timezone:       {current.timezone}")
    print(f"base URL:       {current.base_url}")
    print(f"minimum rest:   {current.min_rest_minutes / 60:g} hours")
    _print_smtp(current)
    print(f"meal due after: {current.meal_after_minutes / 60:g} hours from call")
    return 0


def _print_smtp(current: production.Production) -> None:
    if not current.smtp_host:
        print("email:          not set up (--smtp-host, --smtp-from)")
        return
    user = f", user {current.smtp_user}" if current.smtp_user else ""
    password = "set" if os.environ.get("CALLBOARD_SMTP_PASSWORD") else "not set"
    print(f"email server:   {current.smtp_host}:{current.smtp_port} ({current.smtp_tls}{user})")
    print(f"email from:     {current.smtp_from or '(not set)'}")
    print(f"password:       from $CALLBOARD_SMTP_PASSWORD ({password} here)")
    reminders = f"{current.remind_hours} hours before call" if current.remind_hours else "off"
    print(f"reminders:      {reminders}")


def cmd_backup(args: argparse.Namespace) -> int:
    from schema.store.backup import backup

    result = backup(db_path(args), args.dest)
    print(f"Backed up to {result.path} ({result.bytes:,} bytes, {result.events:,} events).")
    return 0


def cmd_welcome(args: argparse.Namespace) -> int:
    from schema import demo

    db = open_db(args)
    current = production.get(db)
    base = base_url(args) or current.base_url
    today = production.local_now(current).date()
    crew, vendor, place = demo.showcase(db, today)
    print(f"Welcome to {current.name}. Open these in a browser (or a phone that reaches {base}):")
    print()
    if crew is not None:
        issued = links.issue_link(db, crew.id, base_url=base, actor=actor(args))
        print(f"Crew member: {crew.name} ({crew.role or crew.department or crew.kind})")
        print(f"  {issued.url}")
        print("  Their personal link: it opens their calls, call sheet and change notices.")
        if getattr(args, "qr", False):
            from schema.outputs.posters import terminal_qr

            print(terminal_qr(issued.url))
    if vendor is not None:
        issued = links.issue_link(db, vendor.id, base_url=base, actor=actor(args))
        print(f"Vendor contact: {vendor.name}")
        print(f"  {issued.url}")
        print(
            "  Opens this vendor's bookings to confirm and the contracts that concern them,"
            " to read and confirm as signed (or decline, saying why)."
        )
    if place is not None:
        print(f"Location: {place.name}")
        print(f"  {locations.checkin_url(base, place)}")
        print("  What the QR poster there holds: open it after the crew link to check in.")
    if crew is None and vendor is None and place is None:
        print("  (this production has no people or locations yet)")
    print()
    print("Each link works once, on one device; run `callboard welcome` again for fresh ones.")
    return 0
