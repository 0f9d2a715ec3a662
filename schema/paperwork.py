"""Required paperwork: the document kinds a production uses and which each party must have.

A party is papered on a date when every kind required of them (by party kind, optionally
narrowed to a department) has a countersigned contract that has not expired by then. A vendor
contact's papers are their company's: any contact's vendor agreement covers the vendor.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

import msgspec
import sqlite_utils

from schema import rules, validate
from schema.clock import utcnow
from schema.errors import InvalidInput, NotFound
from schema.event_kinds import EventKind
from schema.production import COORDINATOR
from schema.rules import PaperFacts
from schema.store import events
from schema.store.connection import read, write
from schema.store.rows import fetch_all, fetch_one, insert, update_versioned
from schema.types import ContractStatus, Party, PersonKind


class DocumentKind(msgspec.Struct, kw_only=True):
    id: int
    name: str
    expires: bool = False  # a certificate: its contracts carry an expiry date
    version: int = 1


class Requirement(msgspec.Struct, kw_only=True):
    id: int
    kind_id: int
    kind: str
    party: Party
    department: str = ""

    @property
    def label(self) -> str:
        who = "vendors" if self.party == Party.VENDOR else str(self.party)
        where = f" in {self.department}" if self.department else ""
        return f"{who}{where} need a {self.kind}"


class DocumentState(msgspec.Struct, kw_only=True):
    """One required document of one party, as the gate sees it today."""

    kind: str
    done: bool
    gap: str | None  # "no deal memo", "NDA not signed", ...; None when done
    contract_id: int | None = None
    title: str | None = None
    status: ContractStatus | None = None
    expires_on: date | None = None


class Papers(msgspec.Struct, kw_only=True):
    person_id: int
    required: list[DocumentState]

    @property
    def missing(self) -> list[str]:
        return [d.gap for d in self.required if d.gap is not None]

    @property
    def papered(self) -> bool:
        return not self.missing


def party_of(kind: PersonKind | str) -> Party:
    return Party.VENDOR if kind == PersonKind.VENDOR_CONTACT else Party(str(kind))


# --- document kinds -----------------------------------------------------------------------------


def list_kinds(db: sqlite_utils.Database) -> list[DocumentKind]:
    return fetch_all(db, DocumentKind, "SELECT * FROM document_kinds ORDER BY name COLLATE NOCASE")


def kind_named(db: sqlite_utils.Database, name: str) -> DocumentKind | None:
    return fetch_one(
        db, DocumentKind, "SELECT * FROM document_kinds WHERE name = ?", [name.strip()]
    )


def add_kind(
    db: sqlite_utils.Database,
    name: str,
    *,
    expires: bool = False,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> DocumentKind:
    clean = validate.text(name, "name", required=True, limit=60)
    with write(db):
        if kind_named(db, clean) is not None:
            raise InvalidInput(f"there is already a document kind named {clean!r}", field="name")
        kind_id = insert(db, "document_kinds", {"name": clean, "expires": int(expires)})
        events.record(
            db,
            actor=actor,
            kind=EventKind.PAPERWORK_KIND_ADDED,
            subject=f"document_kind:{kind_id}",
            now=now or utcnow(),
            data={"name": clean, "expires": expires},
        )
    return _kind(db, kind_id)


def update_kind(
    db: sqlite_utils.Database,
    kind_id: int,
    version: int,
    *,
    expires: bool,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> DocumentKind:
    """Whether a kind's documents carry an expiry. Names stay: contracts name their kind."""
    with write(db):
        _kind(db, kind_id)
        update_versioned(db, "document_kinds", kind_id, version, {"expires": int(expires)})
        events.record(
            db,
            actor=actor,
            kind=EventKind.PAPERWORK_KIND_UPDATED,
            subject=f"document_kind:{kind_id}",
            now=now or utcnow(),
            data={"expires": expires},
        )
    return _kind(db, kind_id)


def _kind(db: sqlite_utils.Database, kind_id: int) -> DocumentKind:
    found = fetch_one(db, DocumentKind, "SELECT * FROM document_kinds WHERE id = ?", [kind_id])
    if found is None:
        raise NotFound(f"no document kind with id {kind_id}")
    return found


def known_kind(db: sqlite_utils.Database, name: str) -> DocumentKind:
    """The kind a contract names, or a clear error listing the ones there are."""
    found = kind_named(db, name)
    if found is None:
        names = ", ".join(k.name for k in list_kinds(db))
        raise InvalidInput(
            f"no document kind {name.strip()!r} (kinds: {names}; add one with "
            "`callboard paperwork kinds add NAME`)",
            field="kind",
        )
    return found


# --- requirements -------------------------------------------------------------------------------

REQUIREMENTS_SQL = (
    "SELECT r.id, r.kind_id, k.name AS kind, r.party, r.department FROM paperwork_requirements r"
    " JOIN document_kinds k ON k.id = r.kind_id"
)


def list_requirements(db: sqlite_utils.Database) -> list[Requirement]:
    return fetch_all(db, Requirement, REQUIREMENTS_SQL + " ORDER BY r.party, r.department, k.name")


def require(
    db: sqlite_utils.Database,
    kind: str,
    party: Party | str,
    *,
    department: str = "",
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> Requirement:
    """From now on, this kind of party (in this department, if given) needs this document."""
    who = _party(party)
    dept = validate.text(department, "department", limit=80)
    with write(db):
        found = known_kind(db, kind)
        existing = db.execute(
            "SELECT id FROM paperwork_requirements WHERE kind_id = ? AND party = ?"
            " AND department = ?",
            [found.id, str(who), dept],
        ).fetchone()
        if existing is not None:
            return _requirement(db, existing[0])
        requirement_id = insert(
            db,
            "paperwork_requirements",
            {"kind_id": found.id, "party": str(who), "department": dept},
        )
        events.record(
            db,
            actor=actor,
            kind=EventKind.PAPERWORK_REQUIRED,
            subject=f"requirement:{requirement_id}",
            now=now or utcnow(),
            data={"kind": found.name, "party": str(who), "department": dept},
        )
    return _requirement(db, requirement_id)


def unrequire(
    db: sqlite_utils.Database,
    requirement_id: int,
    *,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> None:
    with write(db):
        found = _requirement(db, requirement_id)
        db.execute("DELETE FROM paperwork_requirements WHERE id = ?", [requirement_id])
        events.record(
            db,
            actor=actor,
            kind=EventKind.PAPERWORK_UNREQUIRED,
            subject=f"requirement:{requirement_id}",
            now=now or utcnow(),
            data={"kind": found.kind, "party": str(found.party), "department": found.department},
        )


def _requirement(db: sqlite_utils.Database, requirement_id: int) -> Requirement:
    found = fetch_one(db, Requirement, REQUIREMENTS_SQL + " WHERE r.id = ?", [requirement_id])
    if found is None:
        raise NotFound(f"no requirement with id {requirement_id}")
    return found


def _party(party: Party | str) -> Party:
    try:
        return Party(str(party).strip().lower())
    except ValueError:
        raise InvalidInput(f"party {party!r} is not crew, cast or vendor", field="party") from None


# --- the gate -----------------------------------------------------------------------------------


class Gate:
    """Every party's required kinds and held contracts, loaded once; asked per date.

    Made for `problems.find` (one question per call) and the checklist (one per person).
    """

    def __init__(self, db: sqlite_utils.Database) -> None:
        requirements = list_requirements(db)
        self.undated: dict[int, list[str]] = {}
        self.required: dict[int, list[str]] = {}
        self.held: dict[int, list[PaperFacts]] = defaultdict(list)
        by_vendor: dict[int, list[int]] = defaultdict(list)
        for person_id, kind, department, vendor_id in db.execute(
            "SELECT id, kind, department, vendor_id FROM people"
        ).fetchall():
            party = party_of(kind)
            self.required[person_id] = _kinds_for(requirements, party, department)
            if vendor_id is not None and party == Party.VENDOR:
                by_vendor[vendor_id].append(person_id)
        own: dict[int, list[PaperFacts]] = defaultdict(list)
        for row in db.execute(
            "SELECT id, person_id, kind, title, status, expires_on FROM contracts"
            " WHERE status != 'void'"
        ).fetchall():
            own[row[1]].append(_facts(row))
        for person_id in self.required:
            self.held[person_id] = own.get(person_id, [])
        for contacts in by_vendor.values():  # a vendor's papers are shared by its contacts
            shared = [paper for pid in contacts for paper in own.get(pid, [])]
            for person_id in contacts:
                self.held[person_id] = shared

    def holding(self, person_id: int) -> list[PaperFacts]:
        return self.held.get(person_id, [])

    def gaps(self, person_id: int, on: date) -> list[str]:
        """What the person lacks on `on`. Without an expiry among their papers the answer is
        the same every day, so it is worked out once (problems ask it for every call)."""
        held = self.held[person_id]
        if any(paper.expires_on for paper in held):
            return rules.paper_gaps(self.required.get(person_id, []), held, on)
        if person_id not in self.undated:
            self.undated[person_id] = rules.paper_gaps(self.required.get(person_id, []), held, on)
        return self.undated[person_id]

    def papers(self, person_id: int, on: date) -> Papers:
        held = self.held[person_id]
        states = []
        for kind in self.required.get(person_id, []):
            best = rules.best_paper(kind, held, on)
            gap = rules.paper_gap(kind, best, on)
            states.append(
                DocumentState(
                    kind=kind,
                    done=gap is None,
                    gap=gap,
                    contract_id=best.contract_id if best else None,
                    title=best.title if best else None,
                    status=best.status if best else None,
                    expires_on=best.expires_on if best else None,
                )
            )
        return Papers(person_id=person_id, required=states)

    def expiring(self, person_id: int, on: date) -> list[PaperFacts]:
        return rules.expiring_soon(self.held[person_id], on)


def _facts(row: Any) -> PaperFacts:
    return PaperFacts(
        contract_id=row[0],
        kind=row[2],
        title=row[3],
        status=ContractStatus(row[4]),
        expires_on=date.fromisoformat(row[5]) if row[5] else None,
    )


def _kinds_for(requirements: list[Requirement], party: Party, department: str) -> list[str]:
    kinds: list[str] = []
    for r in requirements:
        applies = r.party == party and (
            not r.department or r.department.casefold() == department.casefold()
        )
        if applies and r.kind not in kinds:
            kinds.append(r.kind)
    return kinds


def gate(db: sqlite_utils.Database) -> Gate:
    with read(db):
        return Gate(db)


def papers_for(db: sqlite_utils.Database, person_id: int, *, on: date) -> Papers:
    """One person's required documents and their state on `on` (the phone's paperwork card)."""
    return gate(db).papers(person_id, on)
