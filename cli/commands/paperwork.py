"""`callboard paperwork`: the document kinds and what each kind of party must have signed."""

from __future__ import annotations

import argparse

from cli.common import Commands, actor, command, open_db, print_json
from schema import paperwork
from schema.production import get as get_production
from schema.production import local_now
from schema.types import Party


def register(commands: Commands, common: argparse.ArgumentParser) -> None:
    sub = command(
        commands,
        common,
        "paperwork",
        "required paperwork: document kinds, requirements, who is missing what",
        cmd_show,
    )
    sub.add_argument("--json", action="store_true", help="print kinds and requirements as JSON")
    actions = sub.add_subparsers(title="actions", metavar="ACTION")
    kind = command(actions, common, "kind", "add a document kind", cmd_kind)
    kind.add_argument("name", metavar="NAME", help="e.g. 'insurance certificate'")
    kind.add_argument("--expires", action="store_true", help="its documents carry an expiry date")
    need = command(actions, common, "require", "make a kind of party need a document", cmd_require)
    _requirement(need)
    drop = command(actions, common, "drop", "no longer require a document", cmd_drop)
    drop.add_argument("requirement", type=int, metavar="ID", help="the requirement's id")
    missing = command(
        actions,
        common,
        "missing",
        "everyone whose required paperwork is incomplete today",
        cmd_missing,
    )
    missing.add_argument("--json", action="store_true", help="print [{person_id, name, missing}]")


def _requirement(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("kind", metavar="KIND", help="the document kind, e.g. 'deal memo'")
    sub.add_argument(
        "party", choices=[str(p) for p in Party], help="who needs it (vendor: the company)"
    )
    sub.add_argument("--department", default="", help="only people in this department")


def cmd_show(args: argparse.Namespace) -> int:
    db = open_db(args)
    kinds, needs = paperwork.list_kinds(db), paperwork.list_requirements(db)
    if args.json:
        print_json({"kinds": kinds, "requirements": needs})
        return 0
    print("Document kinds:")
    for k in kinds:
        print(f"  {k.name}{' (expires)' if k.expires else ''}")
    print("Requirements:")
    if not needs:
        print("  none: nobody needs any paperwork to be called")
    for r in needs:
        where = f" in {r.department}" if r.department else ""
        who = "vendors" if r.party == Party.VENDOR else str(r.party)
        print(f"  {r.id:>3}  {who}{where} need a {r.kind}")
    return 0


def cmd_kind(args: argparse.Namespace) -> int:
    db = open_db(args)
    found = paperwork.add_kind(db, args.name, expires=args.expires, actor=actor(args))
    print(f"Added the document kind {found.name}{' (expires)' if found.expires else ''}.")
    return 0


def cmd_require(args: argparse.Namespace) -> int:
    db = open_db(args)
    found = paperwork.require(
        db, args.kind, args.party, department=args.department, actor=actor(args)
    )
    where = f" in {found.department}" if found.department else ""
    print(f"Requirement {found.id}: {found.party}{where} need a {found.kind}.")
    return 0


def cmd_drop(args: argparse.Namespace) -> int:
    db = open_db(args)
    paperwork.unrequire(db, args.requirement, actor=actor(args))
    print(f"Dropped requirement {args.requirement}.")
    return 0


def cmd_missing(args: argparse.Namespace) -> int:
    from schema import directory

    db = open_db(args)
    today = local_now(get_production(db)).date()
    gate = paperwork.gate(db)
    rows = [
        {"person_id": p.id, "name": p.name, "missing": gate.gaps(p.id, today)}
        for p in directory.list_people(db)
    ]
    rows = [r for r in rows if r["missing"]]
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print("Everyone has the paperwork they need.")
    for r in rows:
        print(f"{r['person_id']:>5}  {r['name']}: {', '.join(r['missing'])}")
    return 0
