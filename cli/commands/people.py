"""People's access: personal links out, and cutting a person off."""

from __future__ import annotations

import argparse

import sqlite_utils

from cli.common import Commands, actor, base_url, command, open_db, print_json, warn_if_local
from schema import directory, links, reach
from schema.clock import utcnow
from schema.errors import NotFound
from schema.rules import plural


def register(commands: Commands, common: argparse.ArgumentParser) -> None:
    _invite(commands, common)
    _revoke(commands, common)


def _invite(commands: Commands, common: argparse.ArgumentParser) -> None:
    sub = command(
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
    sub.add_argument(
        "--send",
        action="store_true",
        help="email each person their link (the server or `callboard send` sends it)",
    )


def _revoke(commands: Commands, common: argparse.ArgumentParser) -> None:
    sub = command(
        commands,
        common,
        "revoke",
        "cut a person off: their unused link, every phone session and calendar feed stop working",
        cmd_revoke,
    )
    sub.add_argument("--person", type=int, required=True, metavar="ID", help="the person's id")


def cmd_invite(args: argparse.Namespace) -> int:
    db = open_db(args)
    ids = [p.id for p in directory.list_people(db)] if args.all else list(args.person)
    if not ids:
        raise NotFound("the directory has nobody to invite yet")
    if args.send:
        return _invite_and_send(db, ids, args)
    issued = links.issue_links(db, ids, base_url=base_url(args), actor=actor(args))
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
    count = links.revoke_all(db, person.id, actor=actor(args))
    print(
        f"{person.name}: {plural(count, 'link, session or feed', 'links, sessions and feeds')}"
        " revoked; `callboard invite --person ID` gives them a fresh link."
    )
    return 0


def _invite_and_send(db: sqlite_utils.Database, ids: list[int], args: argparse.Namespace) -> int:
    """Links go into the outbox, not onto the screen; those with no email are listed to be
    handed their link another way."""
    invited = reach.send_invites(db, ids, base_url=base_url(args), now=utcnow(), actor=actor(args))
    warn_if_local(db, args)
    if args.json:
        print_json(invited)
        return 0
    queued = [i for i in invited if i.message_id is not None]
    for item in invited:
        if item.message_id is None:
            issued = item.issued
            print(f"{issued.person_id:>5}  {issued.name} (no email)\n       {issued.url}")
    print(
        f"{plural(len(queued), 'link')} queued to email; the server sends them"
        " (or `callboard send`); `callboard deliveries` shows how far each got."
    )
    return 0
