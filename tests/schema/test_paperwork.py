"""Required paperwork: the gate names what is missing; certificates expire; parties decline."""

from __future__ import annotations

from datetime import date

import pytest
import sqlite_utils

from schema import contracts, directory, paperwork, problems, schedule
from schema.directory import PersonIn, VendorIn
from schema.errors import InvalidInput, RuleViolation, StaleEdit
from schema.types import ContractStatus, Person, PersonKind, ProblemKind
from tests.conftest import NOW
from tests.schema import factories

SHOOT = date(2026, 12, 3)


def countersigned(
    db: sqlite_utils.Database, who: Person, kind: str, expires_on: date | None = None
) -> int:
    contract = contracts.add_contract(db, who.id, kind=kind, expires_on=expires_on, now=NOW)
    contracts.attach_document(db, contract.id, "doc.pdf", factories.PDF, now=NOW)
    contract = contracts.mark_sent(db, contract.id, now=NOW)
    contracts.sign(
        db,
        contract.id,
        who.id,
        full_name=who.name,
        shown_sha256=contract.document_sha256 or "",
        agreed=True,
        ip="",
        user_agent="",
        now=NOW,
    )
    return contracts.countersign(db, contract.id, now=NOW).id


def called(db: sqlite_utils.Database, who: Person, on: date = SHOOT) -> None:
    schedule.call_person(db, factories.day(db, on).id, who.id, now=NOW)


def uncontracted(db: sqlite_utils.Database) -> list[str]:
    return [p.message for p in problems.find(db) if p.kind == ProblemKind.UNCONTRACTED_CALL]


def test_a_new_production_requires_a_deal_memo_of_crew_and_cast(
    fresh_db: sqlite_utils.Database,
) -> None:
    needs = {(str(r.party), r.kind) for r in paperwork.list_requirements(fresh_db)}
    assert needs == {("crew", "deal memo"), ("cast", "deal memo"), ("vendor", "vendor agreement")}


def test_an_nda_alone_leaves_a_called_person_unpapered(fresh_db: sqlite_utils.Database) -> None:
    ana = factories.person(fresh_db, "Ana Silva", department="Camera")
    countersigned(fresh_db, ana, "NDA")
    called(fresh_db, ana)
    assert uncontracted(fresh_db) == ["Ana Silva is called on 2026-12-03: no deal memo"]
    rows = contracts.checklist(fresh_db, today=NOW.date(), status="missing")
    assert [(r.name, r.missing) for r in rows] == [("Ana Silva", ["no deal memo"])]
    assert contracts.checklist(fresh_db, today=NOW.date(), status="unpapered") == []

    countersigned(fresh_db, ana, "deal memo")
    assert uncontracted(fresh_db) == []
    assert contracts.checklist(fresh_db, today=NOW.date(), status="missing") == []


def test_the_gate_says_how_far_each_document_got(fresh_db: sqlite_utils.Database) -> None:
    ana = factories.person(fresh_db, "Ana Silva", department="Camera")
    paperwork.require(fresh_db, "NDA", "crew", department="camera", now=NOW)
    paperwork.require(fresh_db, "tax form", "crew", department="Sound", now=NOW)
    factories.sent(fresh_db, ana, kind="deal memo")
    called(fresh_db, ana)
    assert uncontracted(fresh_db) == [
        "Ana Silva is called on 2026-12-03: deal memo not signed, no NDA"
    ]
    papers = paperwork.papers_for(fresh_db, ana.id, on=SHOOT)
    assert [(d.kind, d.done, d.status) for d in papers.required] == [
        ("deal memo", False, ContractStatus.SENT),
        ("NDA", False, None),
    ]


def test_an_expiring_certificate_is_flagged_and_an_expired_one_unpapers(
    fresh_db: sqlite_utils.Database,
) -> None:
    paperwork.require(fresh_db, "insurance certificate", "crew", now=NOW)
    ana = factories.person(fresh_db, "Ana Silva")
    countersigned(fresh_db, ana, "deal memo")
    with pytest.raises(InvalidInput, match="needs an expiry date"):
        contracts.add_contract(fresh_db, ana.id, kind="insurance certificate", now=NOW)
    countersigned(fresh_db, ana, "insurance certificate", expires_on=date(2026, 12, 10))
    called(fresh_db, ana, SHOOT)  # 7 days before the expiry
    called(fresh_db, ana, date(2026, 12, 5))
    called(fresh_db, ana, date(2026, 12, 11))  # the day after it

    found = problems.find(fresh_db)
    expiring = [p for p in found if p.kind == ProblemKind.EXPIRING_DOCUMENT]
    assert [(p.date, p.message) for p in expiring] == [
        (
            SHOOT,
            "Ana Silva's insurance certificate expires 2026-12-10, 7 days after their call"
            " on 2026-12-03",
        )
    ]
    assert uncontracted(fresh_db) == [
        "Ana Silva is called on 2026-12-11: insurance certificate expired 2026-12-10"
    ]


def test_a_far_off_expiry_is_no_problem(fresh_db: sqlite_utils.Database) -> None:
    ana = factories.person(fresh_db, "Ana Silva")
    countersigned(fresh_db, ana, "deal memo", expires_on=date(2027, 6, 1))
    called(fresh_db, ana)
    assert problems.find(fresh_db) == []


def test_a_vendors_agreement_covers_all_its_contacts(fresh_db: sqlite_utils.Database) -> None:
    vendor = directory.add_vendor(fresh_db, VendorIn(name="Power Up"), now=NOW)
    first, second = (
        directory.add_person(
            fresh_db,
            PersonIn(name=name, kind=PersonKind.VENDOR_CONTACT, vendor_id=vendor.id),
            now=NOW,
        )
        for name in ("Pat Power", "Sam Volt")
    )
    gate = paperwork.gate(fresh_db)
    assert gate.gaps(second.id, SHOOT) == ["no vendor agreement"]
    countersigned(fresh_db, first, "vendor agreement")
    assert paperwork.gate(fresh_db).gaps(second.id, SHOOT) == []


def test_requirements_are_edited_with_events(fresh_db: sqlite_utils.Database) -> None:
    kind = paperwork.add_kind(fresh_db, "Work permit", expires=True, now=NOW)
    with pytest.raises(InvalidInput, match="already a document kind"):
        paperwork.add_kind(fresh_db, "work permit", now=NOW)
    need = paperwork.require(fresh_db, "work permit", "cast", now=NOW)
    assert (need.kind, need.party, need.department) == (kind.name, "cast", "")
    assert paperwork.require(fresh_db, "Work Permit", "cast", now=NOW).id == need.id
    with pytest.raises(InvalidInput, match="no document kind 'visa'"):
        paperwork.require(fresh_db, "visa", "cast", now=NOW)
    with pytest.raises(InvalidInput, match="not crew, cast or vendor"):
        paperwork.require(fresh_db, "NDA", "extras", now=NOW)
    paperwork.unrequire(fresh_db, need.id, now=NOW)
    kinds = [r[0] for r in fresh_db.execute("SELECT kind FROM events WHERE kind LIKE 'paper%'")]
    assert kinds == ["paperwork.kind_added", "paperwork.required", "paperwork.unrequired"]


def test_no_requirement_means_papered(fresh_db: sqlite_utils.Database) -> None:
    for need in paperwork.list_requirements(fresh_db):
        paperwork.unrequire(fresh_db, need.id, now=NOW)
    ana = factories.person(fresh_db)
    called(fresh_db, ana)
    assert uncontracted(fresh_db) == []


# --- declining ----------------------------------------------------------------------------------


def test_a_party_declines_with_a_reason_once(fresh_db: sqlite_utils.Database) -> None:
    ana = factories.person(fresh_db, "Ana Silva")
    sent = factories.sent(fresh_db, ana, kind="deal memo")
    with pytest.raises(InvalidInput):
        contracts.decline(fresh_db, sent.id, ana.id, reason="  ", now=NOW)
    other = factories.person(fresh_db, "Bo Stranger")
    with pytest.raises(Exception, match="no contract"):
        contracts.decline(fresh_db, sent.id, other.id, reason="not mine", now=NOW)

    declined = contracts.decline(fresh_db, sent.id, ana.id, reason="Rate should be £450", now=NOW)
    assert declined.status == ContractStatus.DECLINED
    assert declined.decline_reason == "Rate should be £450"
    with pytest.raises(RuleViolation, match="already declined"):
        contracts.decline(fresh_db, sent.id, ana.id, reason="again", now=NOW)
    with pytest.raises(RuleViolation, match="cannot become signed"):
        contracts.sign(
            fresh_db,
            sent.id,
            ana.id,
            full_name="Ana Silva",
            shown_sha256=sent.document_sha256 or "",
            agreed=True,
            ip="",
            user_agent="",
            now=NOW,
        )
    assert paperwork.papers_for(fresh_db, ana.id, on=SHOOT).missing == ["deal memo declined"]
    rows = contracts.checklist(fresh_db, today=NOW.date(), status="declined")
    assert [r.decline_reason for r in rows] == ["Rate should be £450"]

    corrected = contracts.redraft(fresh_db, sent.id, now=NOW)
    assert (corrected.status, corrected.kind, corrected.title) == (
        ContractStatus.DRAFT,
        "deal memo",
        sent.title,
    )
    assert paperwork.papers_for(fresh_db, ana.id, on=SHOOT).missing == ["deal memo not signed"]
    with pytest.raises(RuleViolation, match="needs no correction"):
        contracts.redraft(fresh_db, corrected.id, now=NOW)


def test_a_stale_decision_cannot_void_a_declined_contract(fresh_db: sqlite_utils.Database) -> None:
    ana = factories.person(fresh_db)
    sent = factories.sent(fresh_db, ana)
    contracts.decline(fresh_db, sent.id, ana.id, reason="wrong dates", now=NOW)
    with pytest.raises(StaleEdit):
        contracts.void(fresh_db, sent.id, reason="x", version=sent.version, now=NOW)
    assert contracts.void(fresh_db, sent.id, reason="replaced", now=NOW).status == "void"
