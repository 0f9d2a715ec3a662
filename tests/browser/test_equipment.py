"""Scanning an equipment label and a stage's code on a phone: online, and offline through the
outbox (stored once, with the tap's time)."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import BrowserContext, expect

from schema import gear, plan, stock
from schema.plan import RoutingStep
from schema.stock import ItemKind, PlaceKind
from tests.browser.conftest import Production, screenshot, signed_in
from tests.browser.test_crew import wait_for_service_worker

pytestmark = pytest.mark.browser


def _unit(prod: Production, label: str) -> gear.Unit:
    item = stock.find_item(prod.db, "Walkie-talkie") or stock.add_item(
        prod.db, "Walkie-talkie", ItemKind.EQUIPMENT
    )
    office = stock.place(prod.db, PlaceKind.STORE, "Production office")
    return gear.add_unit(prod.db, item.id, label, home_place_id=office.id)


def _holder(prod: Production, unit_id: int) -> int | None:
    return gear.get_unit(prod.db, unit_id).holder_person_id


def test_scan_a_label_to_take_it_and_again_to_give_it_back(
    phone: BrowserContext, prod: Production
) -> None:
    unit = _unit(prod, "Walkie 31")
    person_id, _ = prod.crew("Gus Hollis", department="Grip", role="Grip")
    signed_in(phone, prod, person_id)
    page = phone.new_page()
    page.goto(f"/e/{unit.code}")
    expect(page.get_by_role("heading", name="Walkie 31")).to_be_visible()
    page.get_by_role("button", name="Take it").click()
    expect(page.get_by_text("It's yours now")).to_be_visible()
    expect(page.get_by_text("With you.")).to_be_visible()
    screenshot(page, "equipment-taken")
    assert _holder(prod, unit.id) == person_id
    page.reload()
    expect(page.get_by_text("With Gus Hollis")).to_be_visible()
    page.get_by_role("button", name="Give it back").click()
    expect(page.get_by_text("Given back")).to_be_visible()
    expect(page.get_by_text("is back at Production office")).to_be_visible()
    assert _holder(prod, unit.id) is None


def test_an_unknown_label_and_a_phone_without_a_session(
    phone: BrowserContext, prod: Production
) -> None:
    unit = _unit(prod, "Walkie 32")
    page = phone.new_page()
    page.goto(f"/e/{unit.code}")
    expect(page.get_by_text("This phone isn't set up yet")).to_be_visible()
    expect(page.get_by_text("Walkie 32")).to_have_count(0)  # no name of the unit, nor holder
    person_id, _ = prod.crew("Kai Lindqvist", department="Art", role="Props")
    signed_in(phone, prod, person_id)
    page.goto("/e/ZZZZZZZZ")
    expect(page.get_by_text("This label isn't recognised")).to_be_visible()


def test_an_offline_scan_waits_in_the_outbox_and_is_stored_once(
    phone: BrowserContext, prod: Production
) -> None:
    unit = _unit(prod, "Walkie 33")
    person_id, _ = prod.crew("Hari Jensen", department="Camera", role="2nd AC")
    signed_in(phone, prod, person_id)
    page = phone.new_page()
    page.goto(f"/e/{unit.code}")
    expect(page.get_by_role("button", name="Take it")).to_be_visible()
    wait_for_service_worker(page)
    page.reload()
    expect(page.get_by_role("button", name="Take it")).to_be_visible()
    phone.set_offline(True)
    page.goto(f"/e/{unit.code}")
    page.get_by_role("button", name="Take it").click()
    expect(page.get_by_text("Saved — will send when you're back online")).to_be_visible()
    expect(page.locator("#net")).to_contain_text("1 waiting to send")
    screenshot(page, "equipment-offline")
    assert _holder(prod, unit.id) is None
    phone.set_offline(False)
    expect(page.locator("#net")).to_be_hidden(timeout=15_000)
    expect(page.get_by_text("It's yours now")).to_be_visible()
    for _ in range(2):
        page.reload()
        expect(page.get_by_text("With Hari Jensen")).to_be_visible()
    assert _holder(prod, unit.id) == person_id
    scans = prod.db.execute(
        "SELECT count(*), max(replayed) FROM equipment_scans WHERE person_id = ?", [person_id]
    ).fetchone()
    assert scans == (1, 1)
    moved = prod.count(
        "SELECT count(*) FROM stock_movements WHERE unit_id = ? AND kind = 'check_out'", [unit.id]
    )
    assert moved == 1


def test_a_stage_code_moves_work_on(phone: BrowserContext, prod: Production) -> None:
    db = prod.db
    cutting = plan.add_stage(db, "Cutting", 50)
    welding = plan.add_stage(db, "Welding", 50)
    chair = stock.add_item(db, "Stool", ItemKind.FINISHED_GOOD)
    plan.define_product(
        db,
        chair.id,
        [RoutingStep(stage_id=cutting.id, days=1), RoutingStep(stage_id=welding.id, days=1)],
        {},
    )
    client = plan.add_client_order(db, "Bramble Cafe", chair.id, 6, date(2030, 1, 1))
    order = plan.release(db, client.id, prod.today())
    plan.start(db, order.id)
    person_id, _ = prod.crew("Ines Moreau", department="Cutting", role="Cutter")
    signed_in(phone, prod, person_id)
    page = phone.new_page()
    page.goto(f"/s/{cutting.code}")
    expect(page.get_by_role("heading", name="Cutting")).to_be_visible()
    expect(page.get_by_text("6 for Bramble Cafe")).to_be_visible()
    page.get_by_role("button", name="Done here").click()
    expect(page.get_by_text("It goes on to Welding.")).to_be_visible()
    screenshot(page, "stage-moved-on")
    assert plan.get_order(db, order.id).step == 1
    assert stock.balance(db, order.wip_item_id, welding.place_id) == 6


def test_an_offline_stage_scan_is_sent_later_once(phone: BrowserContext, prod: Production) -> None:
    db = prod.db
    sanding = plan.add_stage(db, "Sanding", 50)
    finishing = plan.add_stage(db, "Finishing", 50)
    table = stock.add_item(db, "Side table", ItemKind.FINISHED_GOOD)
    plan.define_product(
        db,
        table.id,
        [RoutingStep(stage_id=sanding.id, days=1), RoutingStep(stage_id=finishing.id, days=1)],
        {},
    )
    client = plan.add_client_order(db, "Marlow Offices", table.id, 3, date(2030, 1, 1))
    order = plan.release(db, client.id, prod.today())
    plan.start(db, order.id)
    person_id, _ = prod.crew("Jude Keane", department="Sanding", role="Sander")
    signed_in(phone, prod, person_id)
    page = phone.new_page()
    page.goto(f"/s/{sanding.code}")
    expect(page.get_by_text("3 for Marlow Offices")).to_be_visible()
    wait_for_service_worker(page)
    page.reload()
    expect(page.get_by_text("3 for Marlow Offices")).to_be_visible()
    phone.set_offline(True)
    page.reload()  # the shell and the stage's last answer come from the phone
    page.get_by_role("button", name="Done here").click()
    expect(page.get_by_text("Saved — will send when you're back online")).to_be_visible()
    assert plan.get_order(db, order.id).step == 0
    phone.set_offline(False)
    expect(page.locator("#net")).to_be_hidden(timeout=15_000)
    expect(page.get_by_text("It goes on to Finishing.")).to_be_visible()
    assert plan.get_order(db, order.id).step == 1
    assert prod.count("SELECT count(*) FROM stage_scans WHERE person_id = ?", [person_id]) == 1
