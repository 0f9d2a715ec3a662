"""POST /api/units/scans and /api/stages/scans: the closed lists over HTTP, nonces, bad input."""

from __future__ import annotations

import pytest

from schema import gear, plan, stock
from schema.plan import RoutingStep
from schema.stock import ItemKind, PlaceKind
from schema.store.connection import connect
from tests.server.conftest import NOW, Phone, World


@pytest.fixture
def codes(world: World) -> dict[str, str]:
    db = connect(world.path)
    walkie = stock.add_item(db, "Walkie-talkie", ItemKind.EQUIPMENT, now=NOW)
    office = stock.place(db, PlaceKind.STORE, "Production office", now=NOW)
    unit = gear.add_unit(db, walkie.id, "Walkie 01", home_place_id=office.id, now=NOW)
    cutting = plan.add_stage(db, "Cutting", 10, now=NOW)
    packing = plan.add_stage(db, "Packing", 10, now=NOW)
    chair = stock.add_item(db, "Chair", ItemKind.FINISHED_GOOD, now=NOW)
    plan.define_product(
        db,
        chair.id,
        [RoutingStep(stage_id=cutting.id, days=1), RoutingStep(stage_id=packing.id, days=1)],
        {},
    )
    client = plan.add_client_order(db, "Cafe", chair.id, 4, NOW.date(), now=NOW)
    order = plan.release(db, client.id, NOW.date(), now=NOW)
    plan.start(db, order.id, now=NOW)
    db.conn.close()
    return {
        "unit": unit.code,
        "cutting": cutting.code,
        "packing": packing.code,
        "order": str(order.id),
    }


def scan(phone: Phone, code: str, nonce: str) -> dict[str, object]:
    response = phone.post("/api/units/scans", json={"code": code, "nonce": nonce})
    assert response.status_code == 200, response.text
    return response.json()


def test_take_and_give_back_over_http(phones: dict[str, Phone], codes: dict[str, str]) -> None:
    alice = phones["alice"]
    assert alice.get(f"/api/units/{codes['unit']}").json()["holder_name"] is None
    taken = scan(alice, codes["unit"], "unit-nonce-1")
    assert taken["result"] == "checked_out" and taken["label"] == "Walkie 01"
    assert scan(alice, codes["unit"], "unit-nonce-1") == taken  # the same scan, once
    assert alice.get(f"/api/units/{codes['unit']}").json()["holder_name"] == "Alice Archer"
    handed = scan(phones["bob"], codes["unit"], "unit-nonce-2")
    assert handed["result"] == "handed_over" and handed["previous_holder"] == "Alice Archer"
    back = scan(phones["bob"], codes["unit"], "unit-nonce-3")
    assert back["result"] == "returned" and back["returned_to"] == "Production office"
    assert scan(alice, "NOTACODE", "unit-nonce-4")["result"] == "unknown_code"


def test_scans_need_a_session_and_good_input(
    phones: dict[str, Phone], codes: dict[str, str]
) -> None:
    response = phones["anon"].post(
        "/api/units/scans", json={"code": codes["unit"], "nonce": "anon-nonce"}
    )
    assert response.status_code == 401  # the outbox keeps it until the phone is signed in
    for body in (
        {"code": codes["unit"], "nonce": "short"},
        {"code": codes["unit"]},
        {"code": "x" * 65, "nonce": "long-code-1"},
        {"code": codes["unit"], "nonce": "naive-time", "client_at": "2026-12-01T06:00:00"},
    ):
        answer = phones["alice"].post("/api/units/scans", json=body)
        assert answer.status_code == 422, body
    assert phones["alice"].get("/api/units/QQQQQQQQ").status_code == 404
    # Who holds a unit is a person's name: not for a phone that picked up a label in the street.
    assert phones["anon"].get(f"/api/units/{codes['unit']}").status_code == 401


def test_a_stage_scan_over_http(phones: dict[str, Phone], codes: dict[str, str]) -> None:
    alice = phones["alice"]
    page = alice.get(f"/api/stages/{codes['cutting']}").json()
    assert page["name"] == "Cutting" and [o["order_id"] for o in page["orders"]] == [
        int(codes["order"])
    ]
    assert phones["anon"].get(f"/api/stages/{codes['cutting']}").status_code == 401
    body = {"code": codes["packing"], "order_id": int(codes["order"]), "nonce": "stage-nonce-1"}
    assert alice.post("/api/stages/scans", json=body).json()["result"] == "not_here"
    body = {"code": codes["cutting"], "order_id": int(codes["order"]), "nonce": "stage-nonce-2"}
    moved = alice.post("/api/stages/scans", json=body).json()
    assert moved == {
        "result": "moved_on",
        "order_id": int(codes["order"]),
        "stage_name": "Cutting",
        "next_stage": "Packing",
    }
    body = {"code": codes["packing"], "order_id": int(codes["order"]), "nonce": "stage-nonce-3"}
    assert alice.post("/api/stages/scans", json=body).json()["result"] == "finished"
