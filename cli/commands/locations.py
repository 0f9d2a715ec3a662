"""Locations and their QR check-in posters."""

from __future__ import annotations

import argparse

from cli.common import Commands, base_url, command, open_db, print_json, warn_if_local
from schema import locations, production


def register(commands: Commands, common: argparse.ArgumentParser) -> None:
    _locations(commands, common)
    _posters(commands, common)


def _locations(commands: Commands, common: argparse.ArgumentParser) -> None:
    sub = command(
        commands, common, "locations", "list locations and their check-in URLs", cmd_locations
    )
    sub.add_argument(
        "--json", action="store_true", help="print [{location_id, name, checkin_url}, ...]"
    )


def _posters(commands: Commands, common: argparse.ArgumentParser) -> None:
    sub = command(commands, common, "posters", "write printable QR check-in posters", cmd_posters)
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


def cmd_posters(args: argparse.Namespace) -> int:
    from schema.outputs.posters import write_poster

    db = open_db(args)
    written = write_poster(
        db, args.location, args.out, base_url=base_url(args), replace=args.replace
    )
    warn_if_local(db, args)
    for path in written:
        print(f"Wrote {path}")
    return 0
