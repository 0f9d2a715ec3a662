"""Contracts and their documents: draft -> sent -> viewed -> signed -> countersigned, or void.

Each transition is one conditional UPDATE whose WHERE names the statuses it may start from, so
two taps (or two processes) can never sign or countersign twice.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from typing import Any

import msgspec
import sqlite_utils

from schema import paperwork, rules, validate
from schema.clock import iso, utcnow
from schema.errors import InvalidInput, NotFound, RuleViolation, StaleEdit
from schema.event_kinds import EventKind
from schema.production import COORDINATOR
from schema.store import events
from schema.store.connection import write
from schema.store.rows import fetch_all, fetch_one, get, insert
from schema.types import Contract, ContractStatus, Document, PersonKind

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
CONTRACT_KINDS = (
    "deal memo",
    "crew agreement",
    "cast agreement",
    "vendor agreement",
    "location agreement",
    "NDA",
)
# Magic numbers of the files a signed copy may be: what the bytes are, not what they claim.
FILE_SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\xff\xd8\xff": "image/jpeg",
    b"\x89PNG\r\n\x1a\n": "image/png",
}


class ChecklistRow(msgspec.Struct, kw_only=True):
    """One line of the contract checklist: a person against one contract (or none: unpapered)."""

    person_id: int
    name: str
    kind: PersonKind
    department: str
    vendor_name: str | None
    contract_id: int | None
    contract_kind: str | None
    title: str | None
    status: ContractStatus | None
    updated_at: datetime | None
    next_call: date | None
    contract_version: int | None = None  # what an action on this line expects to change
    expires_on: date | None = None
    decline_reason: str | None = None
    missing: list[str] = []  # what the person's required paperwork lacks today

    @property
    def unpapered(self) -> bool:
        return self.status is None


def add_contract(
    db: sqlite_utils.Database,
    person_id: int,
    *,
    kind: str,
    title: str = "",
    expires_on: date | None = None,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> Contract:
    """A draft. A kind the production defines (paperwork) may count towards a requirement; a
    kind that expires (a certificate) needs its expiry date."""
    moment = now or utcnow()
    kind = validate.text(kind, "kind", required=True, limit=60)
    with write(db):
        name = db.execute("SELECT name FROM people WHERE id = ?", [person_id]).fetchone()
        if name is None:
            raise InvalidInput(f"no person with id {person_id}", field="person_id")
        defined = paperwork.kind_named(db, kind)
        if defined is not None:
            kind = defined.name  # as the production spells it
            if defined.expires and expires_on is None:
                raise InvalidInput(f"a {kind} needs an expiry date", field="expires_on")
        contract_id = insert(
            db,
            "contracts",
            {
                "person_id": person_id,
                "kind": kind,
                "title": validate.text(title, "title", limit=200)
                or f"{kind[:1].upper()}{kind[1:]}: {name[0]}",
                "expires_on": expires_on.isoformat() if expires_on else None,
                "updated_at": iso(moment),
            },
        )
        events.record(
            db,
            actor=actor,
            kind=EventKind.CONTRACT_ADDED,
            subject=f"contract:{contract_id}",
            now=moment,
            data={"person_id": person_id, "kind": kind},
        )
    return get_contract(db, contract_id)


def set_expiry(
    db: sqlite_utils.Database,
    contract_id: int,
    expires_on: date | None,
    *,
    version: int | None = None,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> Contract:
    """The date a certificate stops counting (a renewed certificate is a new contract)."""
    moment = now or utcnow()
    with write(db):
        contract = get_contract(db, contract_id)
        if version is not None and contract.version != version:
            raise StaleEdit("this contract changed since you looked; nothing was saved")
        if contract.status == ContractStatus.VOID:
            raise RuleViolation("a void contract's expiry cannot change", code="contract_locked")
        db.execute(
            "UPDATE contracts SET expires_on = ?, updated_at = ?, version = version + 1"
            " WHERE id = ? AND version = ?",
            [
                expires_on.isoformat() if expires_on else None,
                iso(moment),
                contract_id,
                contract.version,
            ],
        )
        events.record(
            db,
            actor=actor,
            kind=EventKind.CONTRACT_EXPIRY_SET,
            subject=f"contract:{contract_id}",
            now=moment,
            data={"expires_on": expires_on.isoformat() if expires_on else None},
        )
    return get_contract(db, contract_id)


def get_contract(db: sqlite_utils.Database, contract_id: int) -> Contract:
    return get(db, "contracts", Contract, contract_id)


def contracts_for_person(db: sqlite_utils.Database, person_id: int) -> list[Contract]:
    return fetch_all(
        db, Contract, "SELECT * FROM contracts WHERE person_id = ? ORDER BY id", [person_id]
    )


def all_contracts_of(db: sqlite_utils.Database, *, status: str = "") -> list[Contract]:
    """Every contract (or those in one status), for lists and scripts."""
    if status:
        ContractStatus(status)  # an unknown status is an error, not an empty list
    return fetch_all(
        db,
        Contract,
        "SELECT * FROM contracts WHERE (? = '' OR status = ?) ORDER BY id",
        [status, status],
    )


def countersigned_people(db: sqlite_utils.Database) -> set[int]:
    rows = db.execute(
        "SELECT DISTINCT person_id FROM contracts WHERE status = 'countersigned'"
    ).fetchall()
    return {r[0] for r in rows}


# --- transitions --------------------------------------------------------------------------------


def mark_sent(
    db: sqlite_utils.Database,
    contract_id: int,
    *,
    version: int | None = None,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> Contract:
    moment = now or utcnow()
    with write(db):
        if get_contract(db, contract_id).document_id is None:
            raise RuleViolation(
                "attach the contract's document before sending it", code="contract_no_document"
            )
        _transition(
            db,
            contract_id,
            ContractStatus.SENT,
            {"sent_at": iso(moment)},
            actor=actor,
            now=moment,
            version=version,
        )
    return get_contract(db, contract_id)


def mark_viewed(
    db: sqlite_utils.Database,
    contract_id: int,
    person_id: int,
    *,
    now: datetime | None = None,
) -> Contract:
    """The party opened the contract; only a sent contract moves, so repeats change nothing."""
    moment = now or utcnow()
    with write(db):
        contract = party_contract(db, contract_id, person_id)
        if contract.status == ContractStatus.SENT:
            _transition(
                db,
                contract_id,
                ContractStatus.VIEWED,
                {"viewed_at": iso(moment)},
                actor=f"person:{person_id}",
                now=moment,
            )
    return get_contract(db, contract_id)


def sign(
    db: sqlite_utils.Database,
    contract_id: int,
    person_id: int,
    *,
    full_name: str,
    shown_sha256: str,
    agreed: bool,
    ip: str,
    user_agent: str,
    now: datetime | None = None,
) -> Contract:
    """The party confirms the signed contract from their phone; possible exactly once."""
    moment = now or utcnow()
    name = validate.text(full_name, "full_name", required=True, limit=200)
    if not agreed:
        raise InvalidInput("tick the box to confirm you agree", field="agree")
    with write(db):
        contract = party_contract(db, contract_id, person_id)
        if contract.document_sha256 is None:
            raise RuleViolation("this contract has no document yet", code="contract_no_document")
        if shown_sha256.strip().lower() != contract.document_sha256:
            raise RuleViolation(
                "the document changed since you opened it; reload and read it again",
                code="contract_document_changed",
            )
        audit = {
            "signed_at": iso(moment),
            "signed_name": name,
            "signed_ip": ip[:64],
            "signed_user_agent": user_agent[:400],
            "signed_sha256": contract.document_sha256,
        }
        _transition(
            db, contract_id, ContractStatus.SIGNED, audit, actor=f"person:{person_id}", now=moment
        )
    return get_contract(db, contract_id)


def decline(
    db: sqlite_utils.Database,
    contract_id: int,
    person_id: int,
    *,
    reason: str,
    ip: str = "",
    user_agent: str = "",
    now: datetime | None = None,
) -> Contract:
    """The party will not sign this text, and says why; only from sent or viewed, once."""
    moment = now or utcnow()
    why = validate.text(reason, "reason", required=True, limit=1000)
    with write(db):
        party_contract(db, contract_id, person_id)
        _transition(
            db,
            contract_id,
            ContractStatus.DECLINED,
            {"declined_at": iso(moment), "decline_reason": why},
            actor=f"person:{person_id}",
            now=moment,
            extra={"ip": ip[:64], "user_agent": user_agent[:400]},
        )
    return get_contract(db, contract_id)


def redraft(
    db: sqlite_utils.Database,
    contract_id: int,
    *,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> Contract:
    """A corrected contract for a declined (or voided) one: a new draft of the same kind,
    title and expiry for the same party; attach the corrected document and send it."""
    old = get_contract(db, contract_id)
    if old.status not in (ContractStatus.DECLINED, ContractStatus.VOID):
        raise RuleViolation(
            f"a {old.status} contract needs no correction; void it first to replace it",
            code="contract_not_declined",
        )
    return add_contract(
        db,
        old.person_id,
        kind=old.kind,
        title=old.title,
        expires_on=old.expires_on,
        actor=actor,
        now=now,
    )


def countersign(
    db: sqlite_utils.Database,
    contract_id: int,
    *,
    version: int | None = None,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> Contract:
    moment = now or utcnow()
    with write(db):
        _transition(
            db,
            contract_id,
            ContractStatus.COUNTERSIGNED,
            {"countersigned_at": iso(moment), "countersigned_by": actor},
            actor=actor,
            now=moment,
            version=version,
        )
    return get_contract(db, contract_id)


def void(
    db: sqlite_utils.Database,
    contract_id: int,
    *,
    reason: str = "",
    version: int | None = None,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> Contract:
    """Void a contract; with `version`, only the contract as the coordinator last saw it (a
    contract signed a second ago is not voided by a decision taken on the old status)."""
    moment = now or utcnow()
    with write(db):
        _transition(
            db,
            contract_id,
            ContractStatus.VOID,
            {
                "voided_at": iso(moment),
                "void_reason": validate.text(reason, "reason", required=True),
            },
            actor=actor,
            now=moment,
            version=version,
        )
    return get_contract(db, contract_id)


def _transition(
    db: sqlite_utils.Database,
    contract_id: int,
    target: ContractStatus,
    values: dict[str, Any],
    *,
    actor: str,
    now: datetime,
    version: int | None = None,
    extra: dict[str, Any] | None = None,
) -> None:
    """One conditional UPDATE: only from a status `target` may follow (and, when given, only
    from the version the caller saw)."""
    sources = sorted(rules.sources_of(target))
    assignments = ", ".join(f"{column} = ?" for column in values)
    marks = ", ".join("?" for _ in sources)
    same_version = "" if version is None else " AND version = ?"
    cursor = db.execute(
        f"UPDATE contracts SET status = ?, {assignments}, updated_at = ?, version = version + 1"
        f" WHERE id = ? AND status IN ({marks}){same_version}",
        [
            str(target),
            *values.values(),
            iso(now),
            contract_id,
            *map(str, sources),
            *([] if version is None else [version]),
        ],
    )
    if cursor.rowcount != 1:
        current = get_contract(db, contract_id)
        if version is not None and current.version != version:
            raise StaleEdit(
                f"this contract changed since you looked (it is now {current.status}); "
                "nothing was saved, check it and try again"
            )
        rules.check_transition(current.status, target)
        raise StaleEdit("the contract changed meanwhile; reload")
    events.record(
        db,
        actor=actor,
        kind=EventKind(f"contract.{target}"),
        subject=f"contract:{contract_id}",
        now=now,
        data={**values, **(extra or {})},
    )


def party_contract(db: sqlite_utils.Database, contract_id: int, person_id: int) -> Contract:
    """The contract as its party may see it: one that binds this person and is not a draft (the
    coordinator's work in progress). Anything else, another person's included, is not found."""
    contract = fetch_one(
        db,
        Contract,
        "SELECT * FROM contracts WHERE id = ? AND person_id = ? AND status != ?",
        [contract_id, person_id, str(ContractStatus.DRAFT)],
    )
    if contract is None:
        raise NotFound(f"no contract {contract_id} for you", code="contract_not_found")
    return contract


# --- documents ----------------------------------------------------------------------------------


def sniff_content_type(data: bytes) -> str | None:
    for magic, content_type in FILE_SIGNATURES.items():
        if data.startswith(magic):
            return content_type
    return None


def store_document(
    db: sqlite_utils.Database,
    filename: str,
    data: bytes,
    *,
    actor: str,
    now: datetime,
    allowed: tuple[str, ...] = ("application/pdf",),
) -> Document:
    """Keep a file's bytes in the production file (one file to back up), hashed."""
    if not data:
        raise InvalidInput("the file is empty", field="file")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise InvalidInput(
            f"the file is larger than {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB", field="file"
        )
    content_type = sniff_content_type(data)
    if content_type not in allowed:
        kinds = ", ".join(t.split("/")[1].upper() for t in allowed)
        raise InvalidInput(f"the file must be {kinds}", field="file")
    # Phones invent long names: keep the end (with its extension) rather than refuse the file.
    cleaned = "".join(c for c in filename if c.isprintable()).replace("/", "_").replace("\\", "_")
    safe_name = cleaned.strip()[-120:] or "document"
    values = {
        "filename": safe_name,
        "content_type": content_type,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "data": data,
        "uploaded_at": iso(now),
        "uploaded_by": actor,
    }
    document_id = insert(db, "documents", values)
    return get_document(db, document_id)


def _forget_document(db: sqlite_utils.Database, document_id: int | None) -> None:
    """Delete a replaced file's bytes once no contract points at it (uploads cannot pile up)."""
    if document_id is None:
        return
    db.execute(
        "DELETE FROM documents WHERE id = :id AND NOT EXISTS (SELECT 1 FROM contracts"
        " WHERE document_id = :id OR signed_copy_id = :id)",
        {"id": document_id},
    )


def get_document(db: sqlite_utils.Database, document_id: int) -> Document:
    found = fetch_one(
        db,
        Document,
        "SELECT id, filename, content_type, size, sha256, uploaded_at, uploaded_by"
        " FROM documents WHERE id = ?",
        [document_id],
    )
    if found is None:
        raise NotFound(f"no document with id {document_id}")
    return found


def document_bytes(db: sqlite_utils.Database, document_id: int) -> bytes:
    row = db.execute("SELECT data FROM documents WHERE id = ?", [document_id]).fetchone()
    if row is None:
        raise NotFound(f"no document with id {document_id}")
    return bytes(row[0])


def attach_document(
    db: sqlite_utils.Database,
    contract_id: int,
    filename: str,
    data: bytes,
    *,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> Contract:
    """Attach the document to be signed; its SHA-256 is what the signer will confirm.

    Only a draft's document can change: once sent, the party may have read it, so a new text
    means voiding this contract and drawing up another.
    """
    moment = now or utcnow()
    with write(db):
        contract = get_contract(db, contract_id)
        if contract.status != ContractStatus.DRAFT:
            raise RuleViolation(
                f"a {contract.status} contract's document cannot change; void it and draw up a "
                "new one",
                code="contract_locked",
            )
        document = store_document(db, filename, data, actor=actor, now=moment)
        db.execute(
            "UPDATE contracts SET document_id = ?, document_sha256 = ?, updated_at = ?,"
            " version = version + 1 WHERE id = ?",
            [document.id, document.sha256, iso(moment), contract_id],
        )
        _forget_document(db, contract.document_id)
        events.record(
            db,
            actor=actor,
            kind=EventKind.CONTRACT_DOCUMENT_ATTACHED,
            subject=f"contract:{contract_id}",
            now=moment,
            data={
                "document_id": document.id,
                "sha256": document.sha256,
                "filename": document.filename,
            },
        )
    return get_contract(db, contract_id)


def upload_signed_copy(
    db: sqlite_utils.Database,
    contract_id: int,
    person_id: int,
    filename: str,
    data: bytes,
    *,
    now: datetime | None = None,
) -> Contract:
    """The party uploads a signed copy (PDF or photo) of a contract sent to them."""
    moment = now or utcnow()
    actor = f"person:{person_id}"
    with write(db):
        contract = party_contract(db, contract_id, person_id)
        if contract.status in (
            ContractStatus.DRAFT,
            ContractStatus.VOID,
            ContractStatus.COUNTERSIGNED,
        ):
            raise RuleViolation(
                f"a {contract.status} contract takes no upload", code="contract_locked"
            )
        document = store_document(
            db, filename, data, actor=actor, now=moment, allowed=tuple(FILE_SIGNATURES.values())
        )
        db.execute(
            "UPDATE contracts SET signed_copy_id = ?, updated_at = ?, version = version + 1"
            " WHERE id = ?",
            [document.id, iso(moment), contract_id],
        )
        _forget_document(db, contract.signed_copy_id)
        events.record(
            db,
            actor=actor,
            kind=EventKind.CONTRACT_SIGNED_COPY_UPLOADED,
            subject=f"contract:{contract_id}",
            now=moment,
            data={"document_id": document.id, "sha256": document.sha256, "size": document.size},
        )
    return get_contract(db, contract_id)


def readable_document(
    db: sqlite_utils.Database, contract_id: int, person_id: int
) -> tuple[Document, bytes]:
    """The document of one of this person's own contracts, and nobody else's."""
    contract = party_contract(db, contract_id, person_id)
    if contract.document_id is None:
        raise NotFound("this contract has no document to show yet")
    return get_document(db, contract.document_id), document_bytes(db, contract.document_id)


class ContractDetail(msgspec.Struct, kw_only=True):
    """A contract with what is on file: the document sent to sign and the uploaded copy."""

    contract: Contract
    document: Document | None
    signed_copy: Document | None


def contract_detail(db: sqlite_utils.Database, contract_id: int) -> ContractDetail:
    contract = get_contract(db, contract_id)
    return ContractDetail(
        contract=contract,
        document=get_document(db, contract.document_id) if contract.document_id else None,
        signed_copy=get_document(db, contract.signed_copy_id) if contract.signed_copy_id else None,
    )


def copy_out(
    db: sqlite_utils.Database, contract_id: int, *, signed: bool = True
) -> tuple[Document, bytes]:
    """What the party uploaded (or, with `signed=False`, the document sent to sign)."""
    contract = get_contract(db, contract_id)
    document_id = contract.signed_copy_id if signed else contract.document_id
    if document_id is None:
        what = "no signed copy uploaded" if signed else "no document attached"
        raise NotFound(f"contract {contract_id} has {what} yet")
    return get_document(db, document_id), document_bytes(db, document_id)


# --- the checklist ------------------------------------------------------------------------------


def checklist(
    db: sqlite_utils.Database,
    *,
    today: date,
    status: str = "all",
    department: str = "",
) -> list[ChecklistRow]:
    """Every person against their contracts; people with none appear once, unpapered.

    `status`: all | unsigned (nothing signed yet) | awaiting (signed, not countersigned) |
    unsigned_called_week (unsigned and called in the 7 days from `today`) | unpapered (no
    contract at all) | missing (a required document is missing today: the paperwork gate) |
    declined (the party declined it).
    """
    cursor = db.execute(
        "SELECT p.id AS person_id, p.name, p.kind, p.department, v.name AS vendor_name,"
        " k.id AS contract_id, k.kind AS contract_kind, k.title, k.status, k.updated_at,"
        " k.version AS contract_version, k.expires_on, k.decline_reason,"
        " (SELECT min(d.date) FROM calls c JOIN days d ON d.id = c.day_id"
        "   WHERE c.person_id = p.id AND d.date >= :today) AS next_call"
        " FROM people p LEFT JOIN vendors v ON v.id = p.vendor_id"
        " LEFT JOIN contracts k ON k.person_id = p.id AND k.status != 'void'"
        " WHERE (:dept = '' OR p.department = :dept)"
        " ORDER BY p.department, p.name COLLATE NOCASE, k.id",
        {"today": today.isoformat(), "dept": department},
    )
    columns = [c[0] for c in cursor.description]
    rows = [
        msgspec.convert(dict(zip(columns, r, strict=True)), ChecklistRow, strict=False)
        for r in cursor.fetchall()
    ]
    papers = paperwork.Gate(db)
    for row in rows:
        row.missing = papers.gaps(row.person_id, today)
    return [row for row in rows if _matches(row, status, today)]


UNSIGNED = (
    None,
    ContractStatus.DRAFT,
    ContractStatus.SENT,
    ContractStatus.VIEWED,
    ContractStatus.DECLINED,
)


def _matches(row: ChecklistRow, status: str, today: date) -> bool:
    if status == "all":
        return True
    if status == "unsigned":
        return row.status in UNSIGNED
    if status == "awaiting":
        return row.status == ContractStatus.SIGNED
    if status == "unpapered":
        return row.unpapered
    if status == "missing":
        return bool(row.missing)
    if status == "declined":
        return row.status == ContractStatus.DECLINED
    if status == "unsigned_called_week":
        return (
            row.status in UNSIGNED
            and row.next_call is not None
            and row.next_call <= today + timedelta(days=6)
        )
    raise InvalidInput(f"unknown checklist filter {status!r}", field="status")


def all_contracts(db: sqlite_utils.Database) -> list[Contract]:
    return fetch_all(db, Contract, "SELECT * FROM contracts ORDER BY id")
