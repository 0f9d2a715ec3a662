"""`callboard contracts`: the contract lifecycle for scripts and bulk work, through the same
service functions as the TUI."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli.common import Commands, actor, command, fail, open_db, parse_date, print_json
from schema import contracts, directory, paperwork
from schema.clock import utcnow
from schema.errors import InvalidInput
from schema.types import Contract


def register(commands: Commands, common: argparse.ArgumentParser) -> None:
    sub = command(
        commands,
        common,
        "contracts",
        "contracts: list, add, send, countersign, void, copy a signed copy out",
        cmd_list,
    )
    sub.add_argument("--json", action="store_true", help="print the contracts as JSON")
    sub.add_argument("--person", type=int, metavar="ID", help="only this person's")
    sub.add_argument("--status", default="", help="only contracts in this status")
    actions = sub.add_subparsers(title="actions", metavar="ACTION")
    _add(actions, common)
    for name, help_text, run in (
        ("send", "mark a draft with its document as sent to its party", cmd_send),
        ("countersign", "countersign a signed contract for the production", cmd_countersign),
        ("redraft", "a new draft to correct a declined (or void) contract", cmd_redraft),
    ):
        one = command(actions, common, name, help_text, run)
        one.add_argument("contract", type=int, metavar="ID", help="the contract's id")
        one.add_argument("--json", action="store_true", help="print the contract as JSON")
    expiry = command(
        actions, common, "expiry", "set (or with 'none' clear) a contract's expiry date", cmd_expiry
    )
    expiry.add_argument("contract", type=int, metavar="ID", help="the contract's id")
    expiry.add_argument("date", metavar="DATE", help="YYYY-MM-DD, or none")
    void = command(actions, common, "void", "void a contract (cannot be undone)", cmd_void)
    void.add_argument("contract", type=int, metavar="ID", help="the contract's id")
    void.add_argument("--reason", required=True, help="why (kept in the audit trail)")
    void.add_argument("--json", action="store_true", help="print the contract as JSON")
    show = command(actions, common, "show", "one contract, with its documents", cmd_show)
    show.add_argument("contract", type=int, metavar="ID", help="the contract's id")
    show.add_argument("--json", action="store_true", help="print the contract as JSON")
    copy = command(
        actions,
        common,
        "copy",
        "write a contract's signed copy (or its document) to a file",
        cmd_copy,
    )
    copy.add_argument("contract", type=int, metavar="ID", help="the contract's id")
    copy.add_argument("--out", required=True, metavar="FILE", help="where to write it")
    copy.add_argument(
        "--document", action="store_true", help="the document sent to sign, not the signed copy"
    )
    copy.add_argument("--replace", action="store_true", help="overwrite an existing file")


def _add(actions: Commands, common: argparse.ArgumentParser) -> None:
    add = command(actions, common, "add", "draw up a contract for a person", cmd_add)
    add.add_argument("person", type=int, metavar="PERSON", help="the party's person id")
    add.add_argument("--kind", required=True, help="its document kind (e.g. 'deal memo')")
    add.add_argument("--title", default="", help="default: the kind and the person's name")
    add.add_argument("--expires", metavar="DATE", help="expiry date (certificates)")
    doc = add.add_mutually_exclusive_group()
    doc.add_argument("--file", metavar="PDF", help="attach this PDF as the document to sign")
    doc.add_argument(
        "--generate",
        action="store_true",
        help="generate the deal memo from the template (name, department, role, call dates)",
    )
    add.add_argument("--rate", default="", help="the rate written into a generated deal memo")
    add.add_argument("--send", action="store_true", help="mark it sent once its document is on")
    add.add_argument("--json", action="store_true", help="print the contract as JSON")


def cmd_list(args: argparse.Namespace) -> int:
    db = open_db(args)
    found = (
        contracts.contracts_for_person(db, args.person)
        if args.person
        else contracts.all_contracts_of(db, status=_status(args.status))
    )
    if args.person and args.status:
        found = [c for c in found if c.status == _status(args.status)]
    if args.json:
        print_json(found)
        return 0
    names = directory.names(db)
    if not found:
        print("No contracts.")
    for c in found:
        print(line(c, names.get(c.person_id, f"person {c.person_id}")))
    return 0


def _status(text: str) -> str:
    from schema.types import ContractStatus

    if text and text not in {str(s) for s in ContractStatus}:
        choices = ", ".join(str(s) for s in ContractStatus)
        raise InvalidInput(f"unknown status {text!r} (choose {choices})", field="status")
    return text


def line(c: Contract, name: str) -> str:
    """Told apart by title: two contracts for one person differ there."""
    expires = f"  expires {c.expires_on}" if c.expires_on else ""
    declined = f"  declined: {c.decline_reason}" if c.decline_reason else ""
    return f"{c.id:>5}  {c.status:<13} {name}: {c.title}{expires}{declined}"


def cmd_add(args: argparse.Namespace) -> int:
    db = open_db(args)
    now = utcnow()
    contract = contracts.add_contract(
        db,
        args.person,
        kind=args.kind,
        title=args.title,
        expires_on=parse_date(args.expires, "expires"),
        now=now,
        actor=actor(args),
    )
    if args.file:
        path = Path(args.file)
        contract = contracts.attach_document(
            db, contract.id, path.name, path.read_bytes(), now=now, actor=actor(args)
        )
    elif args.generate:
        from schema.outputs.deal_memo import attach_deal_memo

        contract = attach_deal_memo(db, contract.id, rate=args.rate, now=now, actor=actor(args))
    if args.send:
        contract = contracts.mark_sent(db, contract.id, now=now, actor=actor(args))
    if paperwork.kind_named(db, contract.kind) is None:
        print(
            f"callboard: note: {contract.kind!r} is not one of the production's document kinds,"
            " so it counts towards no requirement (`callboard paperwork` lists them)",
            file=sys.stderr,
        )
    return _said(args, contract, "Added")


def cmd_send(args: argparse.Namespace) -> int:
    db = open_db(args)
    return _said(args, contracts.mark_sent(db, args.contract, actor=actor(args)), "Sent")


def cmd_countersign(args: argparse.Namespace) -> int:
    db = open_db(args)
    return _said(args, contracts.countersign(db, args.contract, actor=actor(args)), "Countersigned")


def cmd_redraft(args: argparse.Namespace) -> int:
    db = open_db(args)
    contract = contracts.redraft(db, args.contract, actor=actor(args))
    return _said(args, contract, "Drew up (attach the corrected document, then send)")


def cmd_expiry(args: argparse.Namespace) -> int:
    db = open_db(args)
    on = None if args.date.strip().lower() == "none" else parse_date(args.date, "date")
    contract = contracts.set_expiry(db, args.contract, on, actor=actor(args))
    print(f"Contract {contract.id} ({contract.title}) expires {contract.expires_on or 'never'}.")
    return 0


def cmd_void(args: argparse.Namespace) -> int:
    db = open_db(args)
    return _said(
        args, contracts.void(db, args.contract, reason=args.reason, actor=actor(args)), "Voided"
    )


def cmd_show(args: argparse.Namespace) -> int:
    db = open_db(args)
    contract = contracts.get_contract(db, args.contract)
    documents = {
        role: contracts.get_document(db, doc_id)
        for role, doc_id in (
            ("document", contract.document_id),
            ("signed_copy", contract.signed_copy_id),
        )
        if doc_id is not None
    }
    if args.json:
        print_json({"contract": contract, **documents})
        return 0
    name = directory.get_person(db, contract.person_id).name
    print(line(contract, name))
    for role, doc in documents.items():
        print(
            f"       {role.replace('_', ' ')}: {doc.filename}, {doc.content_type}, "
            f"{doc.size} bytes, SHA-256 {doc.sha256}"
        )
    if contract.signed_at:
        print(f"       signed {contract.signed_at:%Y-%m-%d %H:%M} UTC by {contract.signed_name}")
    return 0


def cmd_copy(args: argparse.Namespace) -> int:
    db = open_db(args)
    out = Path(args.out)
    if out.exists() and not args.replace:
        return fail(f"{out} exists; use --replace to overwrite it")
    document, data = contracts.copy_out(db, args.contract, signed=not args.document)
    out.write_bytes(data)
    print(
        f"Wrote {document.filename} ({document.content_type}, {document.size} bytes,"
        f" SHA-256 {document.sha256}) to {out}.",
        file=sys.stderr,
    )
    return 0


def _said(args: argparse.Namespace, contract: Contract, verb: str) -> int:
    if getattr(args, "json", False):
        print_json(contract)
        return 0
    print(f"{verb} contract {contract.id}: {contract.title} [{contract.status}]")
    if contract.document_sha256 and verb == "Added":
        print(f"  document SHA-256 {contract.document_sha256}")
    return 0
