"""A generated deal memo: the party's name, department, role, first and last call dates and the
rate entered, written as a text-extractable PDF and attached as the contract's document.

The template is plain text with {placeholders}; the PDF's bytes are fixed by its content (the
creation date is the moment passed in), so its SHA-256 is what the signer will confirm.
"""

from __future__ import annotations

from datetime import date, datetime

import msgspec
import sqlite_utils

from schema import contracts, directory, validate
from schema.clock import utcnow
from schema.errors import RuleViolation
from schema.outputs.fonts import font_path
from schema.production import COORDINATOR
from schema.production import get as get_production
from schema.store.connection import read
from schema.types import Contract, PersonKind

TEMPLATE = """\
This memo records the engagement of {name} on {production}.

Department: {department}
Role: {role}
First call: {first_call}
Last call: {last_call}
Rate: {rate}

Hours, overtime, rest periods and all other terms are as set out in the production's standard \
terms for {kind}, which form part of this memo. Call times are given on the daily call sheet; \
the dates above follow the schedule as it stands on {drawn_up} and move with it.

Signed for the production and by {name}, as confirmed in Callboard with this document's \
SHA-256 fingerprint."""


class MemoFacts(msgspec.Struct, kw_only=True):
    production: str
    name: str
    department: str
    role: str
    first_call: date | None
    last_call: date | None
    rate: str
    kind: str
    drawn_up: date


def facts(db: sqlite_utils.Database, person_id: int, *, rate: str, today: date) -> MemoFacts:
    with read(db):
        person = directory.get_person(db, person_id)
        first, last = db.execute(
            "SELECT min(d.date), max(d.date) FROM calls c JOIN days d ON d.id = c.day_id"
            " WHERE c.person_id = ?",
            [person_id],
        ).fetchone()
        return MemoFacts(
            production=get_production(db).name,
            name=person.name,
            department=person.department,
            role=person.role,
            first_call=date.fromisoformat(first) if first else None,
            last_call=date.fromisoformat(last) if last else None,
            rate=validate.text(rate, "rate", limit=120),
            kind="cast" if person.kind == PersonKind.CAST else "crew",
            drawn_up=today,
        )


def text_of(memo: MemoFacts) -> str:
    def day(on: date | None) -> str:
        return f"{on:%A %d %B %Y}" if on else "to be scheduled"

    return TEMPLATE.format(
        production=memo.production,
        name=memo.name,
        department=memo.department or "not given",
        role=memo.role or "not given",
        first_call=day(memo.first_call),
        last_call=day(memo.last_call),
        rate=memo.rate or "as agreed separately",
        kind=memo.kind,
        drawn_up=f"{memo.drawn_up:%d %B %Y}",
    )


def memo_pdf(memo: MemoFacts, *, created: datetime) -> bytes:
    from fpdf import FPDF  # a heavy import (fontTools), wanted only when printing

    pdf = FPDF(format="A4")
    pdf.set_creation_date(created)
    pdf.set_title(f"Deal memo: {memo.name}")
    regular, bold = font_path("sans"), font_path("bold")
    if regular is not None and bold is not None:
        pdf.add_font("memo", "", str(regular))
        pdf.add_font("memo", "B", str(bold))
        family, clean = "memo", str
    else:  # no DejaVu: the core font, with what Latin-1 cannot hold replaced
        family, clean = "Helvetica", _latin1
    pdf.add_page()
    pdf.set_margins(22, 22, 22)
    pdf.set_font(family, "B", 20)
    pdf.cell(0, 12, clean("Deal memo"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 12)
    pdf.cell(0, 8, clean(memo.production), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font(family, "", 11)
    for paragraph in text_of(memo).split("\n"):
        pdf.multi_cell(0, 6, clean(paragraph), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(14)
    for who in ("For the production", memo.name):
        pdf.cell(
            0, 6, clean(f"{who}: ______________________________"), new_x="LMARGIN", new_y="NEXT"
        )
        pdf.ln(6)
    return bytes(pdf.output())


def _latin1(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")


def attach_deal_memo(
    db: sqlite_utils.Database,
    contract_id: int,
    *,
    rate: str = "",
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> Contract:
    """Draw up the contract's deal memo from the template and attach it (a draft only)."""
    moment = now or utcnow()
    contract = contracts.get_contract(db, contract_id)
    if contract.kind.casefold() != "deal memo":
        raise RuleViolation(
            f"only a deal memo is generated; this contract is a {contract.kind}",
            code="contract_not_generated",
        )
    memo = facts(db, contract.person_id, rate=rate, today=moment.date())
    data = memo_pdf(memo, created=moment)
    filename = f"deal-memo-{memo.name.lower().replace(' ', '-')}.pdf"
    return contracts.attach_document(db, contract_id, filename, data, actor=actor, now=moment)
