"""Contracts: the lifecycle through the service, the signing audit, documents, the checklist."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
import sqlite_utils

from schema import contracts, schedule
from schema.errors import InvalidInput, NotFound, RuleViolation, StaleEdit
from schema.store import events
from schema.types import ContractStatus
from tests.conftest import NOW
from tests.schema import factories


def test_sign_records_the_audit(fresh_db: sqlite_utils.Database) -> None:
    who = factories.person(fresh_db)
    contract = factories.sent(fresh_db, who)
    assert contract.document_sha256 == hashlib.sha256(factories.PDF).hexdigest()
    assert contract.document_sha256 is not None
    signed = contracts.sign(
        fresh_db,
        contract.id,
        who.id,
        full_name="Ana Silva",
        shown_sha256=contract.document_sha256,
        agreed=True,
        ip="203.0.113.9",
        user_agent="Mobile Safari",
        now=NOW,
    )
    assert signed.status == ContractStatus.SIGNED
    assert (signed.signed_name, signed.signed_ip, signed.signed_user_agent) == (
        "Ana Silva",
        "203.0.113.9",
        "Mobile Safari",
    )
    assert signed.signed_sha256 == contract.document_sha256
    assert signed.signed_at == NOW
    audit = events.for_subject(fresh_db, f"contract:{contract.id}")[0]
    assert audit.kind == "contract.signed"
    assert audit.data["signed_ip"] == "203.0.113.9"


def test_signing_twice_is_refused(fresh_db: sqlite_utils.Database) -> None:
    who = factories.person(fresh_db)
    contract = factories.sent(fresh_db, who)
    kwargs = {
        "full_name": "Ana",
        "shown_sha256": contract.document_sha256 or "",
        "agreed": True,
        "ip": "",
        "user_agent": "",
        "now": NOW,
    }
    contracts.sign(fresh_db, contract.id, who.id, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(RuleViolation, match="already signed"):
        contracts.sign(fresh_db, contract.id, who.id, **kwargs)  # type: ignore[arg-type]
    signed = [
        e
        for e in events.for_subject(fresh_db, f"contract:{contract.id}")
        if e.kind == "contract.signed"
    ]
    assert len(signed) == 1


def test_sign_refuses_a_changed_document(fresh_db: sqlite_utils.Database) -> None:
    who = factories.person(fresh_db)
    contract = factories.sent(fresh_db, who)
    with pytest.raises(RuleViolation) as error:
        contracts.sign(
            fresh_db,
            contract.id,
            who.id,
            full_name="Ana",
            shown_sha256="0" * 64,
            agreed=True,
            ip="",
            user_agent="",
            now=NOW,
        )
    assert error.value.code == "contract_document_changed"
    assert contracts.get_contract(fresh_db, contract.id).status == ContractStatus.SENT


def test_sign_needs_agreement_and_a_name(fresh_db: sqlite_utils.Database) -> None:
    who = factories.person(fresh_db)
    contract = factories.sent(fresh_db, who)
    with pytest.raises(InvalidInput) as error:
        contracts.sign(
            fresh_db,
            contract.id,
            who.id,
            full_name="Ana",
            agreed=False,
            shown_sha256=contract.document_sha256 or "",
            ip="",
            user_agent="",
        )
    assert error.value.field == "agree"
    with pytest.raises(InvalidInput) as error:
        contracts.sign(
            fresh_db,
            contract.id,
            who.id,
            full_name="  ",
            agreed=True,
            shown_sha256=contract.document_sha256 or "",
            ip="",
            user_agent="",
        )
    assert error.value.field == "full_name"


def test_another_person_cannot_sign_or_read(fresh_db: sqlite_utils.Database) -> None:
    who, other = factories.person(fresh_db), factories.person(fresh_db, "Bo")
    contract = factories.sent(fresh_db, who)
    with pytest.raises(NotFound):
        contracts.sign(
            fresh_db,
            contract.id,
            other.id,
            full_name="Bo",
            agreed=True,
            shown_sha256=contract.document_sha256 or "",
            ip="",
            user_agent="",
        )
    with pytest.raises(NotFound):
        contracts.readable_document(fresh_db, contract.id, other.id)
    document, data = contracts.readable_document(fresh_db, contract.id, who.id)
    assert data == factories.PDF and document.sha256 == contract.document_sha256


def test_countersign_only_after_signing(fresh_db: sqlite_utils.Database) -> None:
    who = factories.person(fresh_db)
    contract = factories.sent(fresh_db, who)
    with pytest.raises(RuleViolation):
        contracts.countersign(fresh_db, contract.id, now=NOW)
    assert factories.countersigned(fresh_db, who).status == ContractStatus.COUNTERSIGNED
    assert contracts.countersigned_people(fresh_db) == {who.id}


def test_void_is_final(fresh_db: sqlite_utils.Database) -> None:
    contract = factories.sent(fresh_db, factories.person(fresh_db))
    voided = contracts.void(fresh_db, contract.id, reason="wrong rate", now=NOW)
    assert (voided.status, voided.void_reason) == (ContractStatus.VOID, "wrong rate")
    with pytest.raises(RuleViolation):
        contracts.mark_sent(fresh_db, contract.id, now=NOW)


def test_sending_needs_a_document(fresh_db: sqlite_utils.Database) -> None:
    contract = contracts.add_contract(fresh_db, factories.person(fresh_db).id, kind="deal memo")
    with pytest.raises(RuleViolation, match="attach"):
        contracts.mark_sent(fresh_db, contract.id, now=NOW)


def test_document_cannot_change_after_signing(fresh_db: sqlite_utils.Database) -> None:
    who = factories.person(fresh_db)
    contract = factories.countersigned(fresh_db, who)
    with pytest.raises(RuleViolation):
        contracts.attach_document(fresh_db, contract.id, "v2.pdf", b"%PDF-1.4 v2", now=NOW)


@pytest.mark.parametrize(
    ("data", "ok"),
    [
        (b"%PDF-1.7 signed", True),
        (b"\xff\xd8\xff\xe0photo", True),
        (b"\x89PNG\r\n\x1a\nxx", True),
        (b"<html>not a document</html>", False),
        (b"", False),
    ],
)
def test_signed_copy_types_are_sniffed(
    fresh_db: sqlite_utils.Database, data: bytes, ok: bool
) -> None:
    who = factories.person(fresh_db)
    contract = factories.sent(fresh_db, who)
    if ok:
        updated = contracts.upload_signed_copy(fresh_db, contract.id, who.id, "scan", data, now=NOW)
        assert updated.signed_copy_id is not None
    else:
        with pytest.raises(InvalidInput):
            contracts.upload_signed_copy(fresh_db, contract.id, who.id, "scan", data, now=NOW)


def test_signed_copy_size_limit(fresh_db: sqlite_utils.Database) -> None:
    who = factories.person(fresh_db)
    contract = factories.sent(fresh_db, who)
    big = b"%PDF-" + b"0" * contracts.MAX_DOCUMENT_BYTES
    with pytest.raises(InvalidInput, match="larger than"):
        contracts.upload_signed_copy(fresh_db, contract.id, who.id, "big.pdf", big, now=NOW)


def test_checklist_filters(fresh_db: sqlite_utils.Database) -> None:
    papered = factories.person(fresh_db, "Papered", department="Camera")
    factories.countersigned(fresh_db, papered)
    awaiting = factories.person(fresh_db, "Awaiting", department="Camera")
    contract = factories.sent(fresh_db, awaiting)
    contracts.sign(
        fresh_db,
        contract.id,
        awaiting.id,
        full_name="A",
        agreed=True,
        shown_sha256=contract.document_sha256 or "",
        ip="",
        user_agent="",
    )
    called = factories.person(fresh_db, "Called Unsigned", department="Sound")
    factories.sent(fresh_db, called)
    shoot = factories.day(fresh_db, date(2026, 12, 3))
    schedule.call_person(fresh_db, shoot.id, called.id, now=NOW)
    factories.person(fresh_db, "Nobody Drew It Up", department="Sound")

    def names(status: str, department: str = "") -> list[str]:
        rows = contracts.checklist(
            fresh_db, today=date(2026, 12, 1), status=status, department=department
        )
        return sorted(r.name for r in rows)

    assert names("all") == ["Awaiting", "Called Unsigned", "Nobody Drew It Up", "Papered"]
    assert names("unsigned") == ["Called Unsigned", "Nobody Drew It Up"]
    assert names("awaiting") == ["Awaiting"]
    assert names("unpapered") == ["Nobody Drew It Up"]
    assert names("unsigned_called_week") == ["Called Unsigned"]
    assert names("all", "Camera") == ["Awaiting", "Papered"]
    with pytest.raises(InvalidInput):
        names("bogus")


def test_document_is_fixed_once_sent(fresh_db: sqlite_utils.Database) -> None:
    contract = factories.sent(fresh_db, factories.person(fresh_db))
    with pytest.raises(RuleViolation, match="void it"):
        contracts.attach_document(fresh_db, contract.id, "v2.pdf", b"%PDF-1.4 v2", now=NOW)
    assert (
        contracts.get_contract(fresh_db, contract.id).document_sha256
        == hashlib.sha256(factories.PDF).hexdigest()
    )


def test_replaced_draft_document_is_not_kept(fresh_db: sqlite_utils.Database) -> None:
    contract = contracts.add_contract(fresh_db, factories.person(fresh_db).id, kind="NDA")
    first = contracts.attach_document(fresh_db, contract.id, "v1.pdf", b"%PDF-1.4 v1", now=NOW)
    contracts.attach_document(fresh_db, contract.id, "v2.pdf", b"%PDF-1.4 v2", now=NOW)
    with pytest.raises(NotFound):
        contracts.get_document(fresh_db, first.document_id or 0)
    assert fresh_db.execute("SELECT count(*) FROM documents").fetchone()[0] == 1


def test_signed_copy_is_replaced_not_piled_up(fresh_db: sqlite_utils.Database) -> None:
    who = factories.person(fresh_db)
    contract = factories.sent(fresh_db, who)
    for n in range(3):
        scan = b"%PDF-1.4 scan " + bytes([48 + n])
        contracts.upload_signed_copy(fresh_db, contract.id, who.id, f"scan{n}.pdf", scan, now=NOW)
    assert fresh_db.execute("SELECT count(*) FROM documents").fetchone()[0] == 2  # doc + copy


def test_no_upload_after_countersigning(fresh_db: sqlite_utils.Database) -> None:
    who = factories.person(fresh_db)
    contract = factories.countersigned(fresh_db, who)
    with pytest.raises(RuleViolation):
        contracts.upload_signed_copy(
            fresh_db, contract.id, who.id, "late.pdf", b"%PDF-1.4 x", now=NOW
        )


def test_void_on_a_stale_view_is_refused(fresh_db: sqlite_utils.Database) -> None:
    """The coordinator saw 'viewed'; the party signed a second later: no silent void."""
    who = factories.person(fresh_db)
    seen = contracts.mark_viewed(fresh_db, factories.sent(fresh_db, who).id, who.id, now=NOW)
    contracts.sign(
        fresh_db,
        seen.id,
        who.id,
        full_name="Ana",
        agreed=True,
        ip="",
        user_agent="",
        shown_sha256=seen.document_sha256 or "",
        now=NOW,
    )
    with pytest.raises(StaleEdit, match="it is now signed"):
        contracts.void(fresh_db, seen.id, reason="no reply", version=seen.version, now=NOW)
    assert contracts.get_contract(fresh_db, seen.id).status == ContractStatus.SIGNED


def test_long_phone_filenames_are_shortened(fresh_db: sqlite_utils.Database) -> None:
    who = factories.person(fresh_db)
    contract = factories.sent(fresh_db, who)
    name = "IMG_" + "x" * 300 + ".pdf"
    updated = contracts.upload_signed_copy(
        fresh_db, contract.id, who.id, name, b"%PDF-1.4 s", now=NOW
    )
    stored = contracts.get_document(fresh_db, updated.signed_copy_id or 0)
    assert len(stored.filename) == 120 and stored.filename.endswith(".pdf")
