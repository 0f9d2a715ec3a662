"""A vendor's contracts: list, open (viewed), document, confirm signed once, signed copy."""

from __future__ import annotations

import hashlib

import pytest

from schema import contracts
from schema.store.connection import connect
from tests.server.conftest import PDF, Phone, World

SHA = hashlib.sha256(PDF).hexdigest()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def contract_url(world: World, key: str, tail: str = "") -> str:
    return f"/api/contracts/{world.contracts[key]}{tail}"


def status_of(world: World, key: str) -> str:
    db = connect(world.path, migrate_schema=False)
    try:
        return contracts.get_contract(db, world.contracts[key]).status
    finally:
        db.conn.close()


def test_list_is_mine_only(phones: dict[str, Phone], world: World) -> None:
    [mine] = phones["vic"].get("/api/contracts").json()
    assert mine == {
        "id": world.contracts["vic"],
        "kind": "vendor agreement",
        "title": "Vendor agreement: Vic Vendor",
        "status": "sent",
        "document": {
            "filename": "vic.pdf",
            "size": len(PDF),
            "sha256": SHA,
            "content_type": "application/pdf",
        },
        "signed_at": None,
        "signed_name": None,
        "countersigned_at": None,
        "has_signed_copy": False,
    }


def test_drafts_are_not_shown_to_their_party(phones: dict[str, Phone], world: World) -> None:
    assert phones["bob"].get("/api/contracts").json() == []
    assert phones["bob"].get(contract_url(world, "bob_draft")).status_code == 404
    assert phones["bob"].get(contract_url(world, "bob_draft", "/document")).status_code == 404


def test_opening_marks_viewed(phones: dict[str, Phone], world: World) -> None:
    read = phones["vic"].get(contract_url(world, "vic"))
    assert (read.status_code, read.json()["status"]) == (200, "sent")
    assert status_of(world, "vic") == "sent"  # a GET changes nothing
    response = phones["vic"].post(contract_url(world, "vic", "/viewed"))
    assert response.status_code == 200
    assert response.json()["status"] == "viewed"
    assert status_of(world, "vic") == "viewed"
    again = phones["vic"].post(contract_url(world, "vic", "/viewed"))
    assert again.json()["status"] == "viewed"


def test_document_inline_and_download(phones: dict[str, Phone], world: World) -> None:
    inline = phones["vic"].get(contract_url(world, "vic", "/document"))
    assert inline.status_code == 200
    assert inline.content == PDF
    assert inline.headers["content-type"] == "application/pdf"
    assert inline.headers["content-disposition"].startswith('inline; filename="vic.pdf"')
    assert "no-store" in inline.headers["cache-control"]
    download = phones["vic"].get(contract_url(world, "vic", "/document?download=1"))
    assert download.headers["content-disposition"].startswith('attachment; filename="vic.pdf"')


def sign(phone: Phone, world: World, key: str, **body: object) -> object:
    payload = {"full_name": "Vic Vendor", "agree": True, "sha256": SHA, **body}
    return phone.post(contract_url(world, key, "/sign"), json=payload)


def test_sign_once(phones: dict[str, Phone], world: World) -> None:
    response = sign(phones["vic"], world, "vic", sha256=SHA.upper())
    assert response.status_code == 200  # type: ignore[attr-defined]
    signed = response.json()  # type: ignore[attr-defined]
    assert signed["status"] == "signed"
    assert signed["signed_name"] == "Vic Vendor"
    assert signed["signed_at"] == "2026-12-01T06:00:00Z"
    again = sign(phones["vic"], world, "vic")
    assert again.status_code == 409  # type: ignore[attr-defined]
    assert again.json()["error"] == "contract_already"  # type: ignore[attr-defined]


def test_sign_records_the_audit(phones: dict[str, Phone], world: World) -> None:
    phones["vic"].post(
        contract_url(world, "vic", "/sign"),
        json={"full_name": "Vic Vendor", "agree": True, "sha256": SHA},
        headers={"User-Agent": "VendorPhone/3"},
    )
    db = connect(world.path, migrate_schema=False)
    contract = contracts.get_contract(db, world.contracts["vic"])
    db.conn.close()
    assert (contract.signed_ip, contract.signed_user_agent, contract.signed_sha256) == (
        "testclient",
        "VendorPhone/3",
        SHA,
    )


def test_sign_with_another_hash_is_refused(phones: dict[str, Phone], world: World) -> None:
    response = sign(phones["vic"], world, "vic", sha256="0" * 64)
    assert response.status_code == 409  # type: ignore[attr-defined]
    assert response.json()["error"] == "contract_document_changed"  # type: ignore[attr-defined]
    assert status_of(world, "vic") == "sent"


@pytest.mark.parametrize(
    ("body", "field"), [({"agree": False}, "agree"), ({"full_name": "  "}, "full_name")]
)
def test_sign_needs_a_name_and_agreement(
    phones: dict[str, Phone], world: World, body: dict[str, object], field: str
) -> None:
    response = sign(phones["vic"], world, "vic", **body)
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert response.json()["field"] == field  # type: ignore[attr-defined]


def test_sign_a_voided_contract(phones: dict[str, Phone], world: World) -> None:
    db = connect(world.path, migrate_schema=False)
    contracts.void(db, world.contracts["vic"], reason="replaced")
    db.conn.close()
    response = sign(phones["vic"], world, "vic")
    assert response.status_code == 409  # type: ignore[attr-defined]
    assert response.json()["error"] == "contract_illegal_transition"  # type: ignore[attr-defined]


def upload(phone: Phone, world: World, key: str, name: str, data: bytes, kind: str) -> object:
    return phone.post(contract_url(world, key, "/signed-copy"), files={"file": (name, data, kind)})


def test_upload_a_signed_copy(phones: dict[str, Phone], world: World) -> None:
    response = upload(phones["vic"], world, "vic", "photo.png", PNG, "image/png")
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert response.json()["has_signed_copy"] is True  # type: ignore[attr-defined]
    db = connect(world.path, migrate_schema=False)
    row = db.execute(
        "SELECT d.content_type, d.uploaded_by FROM contracts c"
        " JOIN documents d ON d.id = c.signed_copy_id WHERE c.id = ?",
        [world.contracts["vic"]],
    ).fetchone()
    db.conn.close()
    assert row == ("image/png", f"person:{world.people['vic']}")


def test_upload_checks_what_the_bytes_are(phones: dict[str, Phone], world: World) -> None:
    response = upload(phones["vic"], world, "vic", "x.pdf", b"<html>not a pdf", "application/pdf")
    assert response.status_code == 415  # type: ignore[attr-defined]
    assert response.json()["error"] == "unsupported_media_type"  # type: ignore[attr-defined]


def test_upload_empty_file(phones: dict[str, Phone], world: World) -> None:
    response = upload(phones["vic"], world, "vic", "x.pdf", b"", "application/pdf")
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert response.json()["field"] == "file"  # type: ignore[attr-defined]


def test_upload_too_large_is_413(phones: dict[str, Phone], world: World) -> None:
    big = b"%PDF-" + b"0" * (10 * 1024 * 1024)
    response = upload(phones["vic"], world, "vic", "big.pdf", big, "application/pdf")
    assert response.status_code == 413  # type: ignore[attr-defined]
    assert response.json()["error"] == "request_entity_too_large"  # type: ignore[attr-defined]


def test_upload_just_under_the_limit(phones: dict[str, Phone], world: World) -> None:
    data = b"%PDF-" + b"0" * (10 * 1024 * 1024 - 5)
    response = upload(phones["vic"], world, "vic", "ten.pdf", data, "application/pdf")
    assert response.status_code == 200  # type: ignore[attr-defined]


def test_upload_without_the_file_field(phones: dict[str, Phone], world: World) -> None:
    response = phones["vic"].post(
        contract_url(world, "vic", "/signed-copy"), files={"other": ("x.png", PNG, "image/png")}
    )
    assert 400 <= response.status_code < 500
    assert response.json()["error"] in {"invalid_input", "bad_request"}
