"""The generated deal memo: made from the template, attached with its SHA-256, readable text."""

from __future__ import annotations

import hashlib
import io
from datetime import date

import pytest
import sqlite_utils
from pypdf import PdfReader

from schema import contracts, schedule
from schema.errors import RuleViolation
from schema.outputs.deal_memo import attach_deal_memo
from tests.conftest import NOW
from tests.schema import factories


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def test_the_deal_memo_says_who_what_when_and_for_how_much(
    fresh_db: sqlite_utils.Database,
) -> None:
    zoe = factories.person(fresh_db, "Zoë Łukasiewicz", department="Camera", role="Focus puller")
    for on in (date(2026, 12, 3), date(2026, 12, 9), date(2026, 12, 5)):
        schedule.call_person(fresh_db, factories.day(fresh_db, on).id, zoe.id, now=NOW)
    contract = contracts.add_contract(fresh_db, zoe.id, kind="deal memo", now=NOW)
    memo = attach_deal_memo(fresh_db, contract.id, rate="£450 a day, 10+1", now=NOW)

    document, data = contracts.copy_out(fresh_db, memo.id, signed=False)
    assert memo.document_sha256 == document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.content_type == "application/pdf"
    text = pdf_text(data)
    for expected in (
        "Deal memo",
        "Test Picture",
        "Zoë Łukasiewicz",
        "Department: Camera",
        "Role: Focus puller",
        "First call: Thursday 03 December 2026",
        "Last call: Wednesday 09 December 2026",
        "Rate: £450 a day, 10+1",
    ):
        assert expected in text, expected
    # Sent, the document the party confirms is exactly these bytes.
    assert contracts.mark_sent(fresh_db, memo.id, now=NOW).document_sha256 == document.sha256


def test_a_memo_without_calls_or_rate_says_so(fresh_db: sqlite_utils.Database) -> None:
    ana = factories.person(fresh_db, "Ana Silva")
    contract = contracts.add_contract(fresh_db, ana.id, kind="Deal Memo", now=NOW)
    memo = attach_deal_memo(fresh_db, contract.id, now=NOW)
    text = pdf_text(contracts.copy_out(fresh_db, memo.id, signed=False)[1])
    assert "First call: to be scheduled" in text
    assert "Rate: as agreed separately" in text


def test_only_a_deal_memo_is_generated_and_only_into_a_draft(
    fresh_db: sqlite_utils.Database,
) -> None:
    ana = factories.person(fresh_db, "Ana Silva")
    nda = contracts.add_contract(fresh_db, ana.id, kind="NDA", now=NOW)
    with pytest.raises(RuleViolation, match="only a deal memo"):
        attach_deal_memo(fresh_db, nda.id, now=NOW)
    sent = factories.sent(fresh_db, ana, kind="deal memo")
    with pytest.raises(RuleViolation, match="cannot change"):
        attach_deal_memo(fresh_db, sent.id, now=NOW)
