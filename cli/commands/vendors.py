"""`callboard vendors`: the vendor companies, listed, added, edited, archived and restored."""

from __future__ import annotations

import argparse

from cli.common import Commands, actor, command, open_db, print_json
from schema import directory
from schema.directory import VendorIn
from schema.types import Vendor

FIELDS = ("service", "email", "phone", "address", "notes")


def register(commands: Commands, common: argparse.ArgumentParser) -> None:
    sub = command(
        commands, common, "vendors", "vendor companies: list, add, edit, archive", cmd_list
    )
    sub.add_argument("--json", action="store_true", help="print the vendors as JSON")
    sub.add_argument("--archived", action="store_true", help="include archived vendors")
    actions = sub.add_subparsers(title="actions", metavar="ACTION")
    add = command(actions, common, "add", "add a vendor company", cmd_add)
    add.add_argument("name", metavar="NAME", help="the company's name (unique)")
    _fields(add)
    edit = command(actions, common, "edit", "change a vendor's details", cmd_edit)
    edit.add_argument("vendor", type=int, metavar="ID", help="the vendor's id")
    edit.add_argument("--name", help="a new name")
    _fields(edit)
    for name, help_text, run in (
        ("archive", "archive a vendor (kept on record; leaves the lists)", cmd_archive),
        ("restore", "bring an archived vendor back", cmd_restore),
    ):
        sub_action = command(actions, common, name, help_text, run)
        sub_action.add_argument("vendor", type=int, metavar="ID", help="the vendor's id")


def _fields(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--service", help="what they provide (e.g. generators)")
    sub.add_argument("--email", help="the company's email")
    sub.add_argument("--phone", help="the company's phone")
    sub.add_argument("--address", help="the company's address")
    sub.add_argument("--notes", help="anything else")
    sub.add_argument("--json", action="store_true", help="print the vendor as JSON")


def cmd_list(args: argparse.Namespace) -> int:
    db = open_db(args)
    found = directory.list_vendors(db, archived=args.archived)
    if args.json:
        print_json(found)
        return 0
    if not found:
        print("No vendors yet: add one with `callboard vendors add NAME`.")
    for vendor in found:
        print(line(vendor))
    return 0


def line(vendor: Vendor) -> str:
    details = ", ".join(v for v in (vendor.service, vendor.email, vendor.phone) if v)
    archived = "  [archived]" if vendor.archived_at else ""
    return f"{vendor.id:>4}  {vendor.name}{f'  ({details})' if details else ''}{archived}"


def cmd_add(args: argparse.Namespace) -> int:
    db = open_db(args)
    given = {f: getattr(args, f) or "" for f in FIELDS}
    vendor = directory.add_vendor(db, VendorIn(name=args.name, **given), actor=actor(args))
    return _said(args, vendor, "Added")


def cmd_edit(args: argparse.Namespace) -> int:
    db = open_db(args)
    old = directory.get_vendor(db, args.vendor)
    given = {
        f: getattr(args, f) if getattr(args, f) is not None else getattr(old, f) for f in FIELDS
    }
    new = VendorIn(name=args.name if args.name is not None else old.name, **given)
    vendor = directory.update_vendor(db, old.id, old.version, new, actor=actor(args))
    return _said(args, vendor, "Saved" if vendor.version != old.version else "No change to")


def cmd_archive(args: argparse.Namespace) -> int:
    db = open_db(args)
    old = directory.get_vendor(db, args.vendor)
    vendor = directory.archive_vendor(db, old.id, old.version, actor=actor(args))
    return _said(args, vendor, "Archived")


def cmd_restore(args: argparse.Namespace) -> int:
    db = open_db(args)
    old = directory.get_vendor(db, args.vendor)
    vendor = directory.archive_vendor(db, old.id, old.version, archived=False, actor=actor(args))
    return _said(args, vendor, "Restored")


def _said(args: argparse.Namespace, vendor: Vendor, verb: str) -> int:
    if getattr(args, "json", False):
        print_json(vendor)
    else:
        print(f"{verb} {vendor.name} (vendor {vendor.id}).")
    return 0
