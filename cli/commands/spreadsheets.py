"""Spreadsheets in and out: importing people, exporting records."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli.common import Commands, actor, command, fail, open_db
from schema.rules import plural


def register(commands: Commands, common: argparse.ArgumentParser) -> None:
    _import(commands, common)
    _export(commands, common)


def _import(commands: Commands, common: argparse.ArgumentParser) -> None:
    sub = command(
        commands,
        common,
        "import",
        "add people or vendors from a CSV spreadsheet (all rows or none)",
        cmd_import,
    )
    sub.add_argument("what", choices=("people", "vendors"), help="what the file holds")
    sub.add_argument(
        "file",
        metavar="FILE.csv",
        help="people: name, kind, department, role, email, phone, vendor, notes; "
        "vendors: name, service, email, phone, address, notes",
    )


def _export(commands: Commands, common: argparse.ArgumentParser) -> None:
    from schema.outputs.spreadsheets import EXPORTS

    sub = command(commands, common, "export", "write a spreadsheet of the production", cmd_export)
    sub.add_argument("what", choices=EXPORTS, help="which records")
    sub.add_argument(
        "--format",
        choices=("csv", "json"),
        help="file format (default: from --out's extension, else csv)",
    )
    sub.add_argument("--out", metavar="FILE", help="write here instead of standard output")


def cmd_import(args: argparse.Namespace) -> int:
    from schema.outputs.spreadsheets import import_people_file, import_vendors_file

    db = open_db(args)
    if args.what == "vendors":
        done = import_vendors_file(db, args.file, actor=actor(args))
        print(f"Imported {plural(done.vendors, 'vendor')} from {args.file}.")
        return 0
    result = import_people_file(db, args.file, actor=actor(args))
    print(f"Imported {plural(result.people, 'person', 'people')} from {args.file}.")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from schema.outputs.spreadsheets import render

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
