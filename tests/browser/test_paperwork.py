"""On the phone: a vendor confirms a booking (and again after it moved), a party declines a
contract with a reason, and a crew member sees what paperwork is left."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from playwright.sync_api import BrowserContext, expect

from schema import bookings, contracts, directory, links, schedule
from schema.bookings import BookingIn
from schema.directory import PersonIn, VendorIn
from schema.schedule import DayIn
from schema.types import PersonKind
from tests.browser.conftest import Production, screenshot, vendor_contract

pytestmark = pytest.mark.browser
PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_vendor_confirms_a_booking_and_again_after_it_moves(
    phone: BrowserContext, prod: Production
) -> None:
    vendor = directory.add_vendor(prod.db, VendorIn(name="Harbour Power", service="Generators"))
    pat = directory.add_person(
        prod.db, PersonIn(name="Pat Power", kind=PersonKind.VENDOR_CONTACT, vendor_id=vendor.id)
    )
    day = schedule.add_day(
        prod.db,
        DayIn(
            date=prod.today() + timedelta(days=1),
            call=time(7),
            wrap=time(19),
            unit="Rig",
            location_id=prod.harbour_id,
        ),
    )
    booking = bookings.add_booking(
        prod.db, BookingIn(vendor_id=vendor.id, day_id=day.id, at=time(6), what="Generator")
    )
    page = phone.new_page()
    page.goto(links.issue_link(prod.db, pat.id).url)
    card = page.locator(f'.booking[data-booking="{booking.id}"]')
    expect(card).to_contain_text("Generator delivery")
    expect(card).to_contain_text("Tomorrow 06:00")
    expect(card).to_contain_text("Harbour Road")
    screenshot(page, "vendor-booking")
    card.get_by_role("button", name="Confirm booking").click()
    expect(card).to_contain_text("Confirmed by Pat Power")
    assert bookings.get_booking(prod.db, booking.id).confirmed_by == pat.id

    fresh = schedule.get_day(prod.db, day.id)
    schedule.move_day(prod.db, day.id, fresh.version, to_date=prod.today() + timedelta(days=2))
    page.reload()
    notice = page.locator(".card.change")
    expect(notice).to_contain_text("Booking moved")
    expect(notice).to_contain_text("please confirm it again")
    card = page.locator(f'.booking[data-booking="{booking.id}"]')
    expect(card.get_by_role("button", name="Confirm booking")).to_be_visible()
    screenshot(page, "vendor-booking-moved")
    card.get_by_role("button", name="Confirm booking").click()
    expect(card).to_contain_text("Confirmed by Pat Power")
    notice.get_by_role("button", name="Acknowledge").click()
    expect(notice).to_contain_text("Acknowledged at")
    moved = bookings.get_booking(prod.db, booking.id)
    assert moved.at.date() == prod.today() + timedelta(days=2) and moved.confirmed_at


def test_a_party_declines_with_a_reason(phone: BrowserContext, prod: Production) -> None:
    person_id, contract_id, _ = vendor_contract(prod, "Dee Clines")
    page = phone.new_page()
    page.goto(links.issue_link(prod.db, person_id).url)
    # The link is spent by the page itself: wait for it to land before going on.
    expect(page.get_by_role("heading", name="Your contracts")).to_be_visible()
    page.goto(f"/contracts/{contract_id}")
    page.get_by_role("button", name="Decline").click()
    expect(page.locator(".decline .error")).to_have_text(
        "Say what is wrong, so it can be corrected."
    )
    page.get_by_label("Tell the production what needs correcting").fill(
        "The hire period should be weeks 2-7."
    )
    page.get_by_role("button", name="Decline").click()
    expect(page.get_by_role("heading", name="You declined this contract")).to_be_visible()
    expect(page.get_by_text("Your reason: The hire period should be weeks 2-7.")).to_be_visible()
    expect(page.get_by_role("button", name="Confirm signed")).to_have_count(0)
    screenshot(page, "vendor-declined")
    declined = contracts.get_contract(prod.db, contract_id)
    assert (declined.status, declined.decline_reason) == (
        "declined",
        "The hire period should be weeks 2-7.",
    )


def test_crew_see_what_paperwork_is_left(phone: BrowserContext, prod: Production) -> None:
    person_id, url = prod.crew("Paula Paperwork", call=time(23, 58))
    nda = contracts.add_contract(prod.db, person_id, kind="NDA")
    contracts.attach_document(prod.db, nda.id, "nda.pdf", PDF_BYTES)
    memo = contracts.add_contract(prod.db, person_id, kind="deal memo")
    contracts.attach_document(prod.db, memo.id, "memo.pdf", PDF_BYTES)
    contracts.mark_sent(prod.db, memo.id)
    page = phone.new_page()
    page.goto(url)
    section = page.locator("section.paperwork")
    expect(section.get_by_role("heading", name="My paperwork")).to_be_visible()
    expect(section).to_contain_text("1 of 1 required document still to complete.")
    row = section.locator('[data-kind="deal memo"]')
    expect(row).to_contain_text("Read it and confirm you signed it.")
    screenshot(page, "crew-paperwork")
    row.get_by_role("link", name="Deal memo: Paula Paperwork").click()
    expect(page.get_by_role("heading", name="Deal memo: Paula Paperwork")).to_be_visible()


def test_a_vendor_confirms_offline_and_a_booking_moved_meanwhile_is_not_confirmed_unseen(
    phone: BrowserContext, prod: Production
) -> None:
    vendor = directory.add_vendor(prod.db, VendorIn(name="Bright Lights", service="Lighting"))
    pat = directory.add_person(
        prod.db, PersonIn(name="Lou Lumen", kind=PersonKind.VENDOR_CONTACT, vendor_id=vendor.id)
    )
    day = schedule.add_day(
        prod.db,
        DayIn(date=prod.today() + timedelta(days=1), call=time(7), wrap=time(19), unit="Lamps"),
    )
    generator, lamps = (
        bookings.add_booking(
            prod.db, BookingIn(vendor_id=vendor.id, day_id=day.id, at=at, what=what)
        )
        for at, what in ((time(6), "Generator"), (time(6, 30), "Lamp"))
    )
    page = phone.new_page()
    page.goto(links.issue_link(prod.db, pat.id).url)
    first = page.locator(f'.booking[data-booking="{generator.id}"]')
    second = page.locator(f'.booking[data-booking="{lamps.id}"]')
    expect(second).to_contain_text("Tomorrow 06:30")

    phone.set_offline(True)
    for card in (first, second):
        card.get_by_role("button", name="Confirm booking").click()
        expect(card).to_contain_text("Saved — will send when you're back online")
    expect(page.locator("#net")).to_contain_text("2 waiting to send")
    screenshot(page, "vendor-booking-offline")
    # While the phone is offline, the coordinator moves the lamps to 08:00.
    current = bookings.get_booking(prod.db, lamps.id)
    later = bookings.as_input(current)
    later.at = time(8)
    bookings.update_booking(prod.db, lamps.id, current.version, later)

    phone.set_offline(False)
    expect(first).to_contain_text("Confirmed by Lou Lumen")
    expect(second).to_contain_text("This booking changed after you saw it")
    expect(second).to_contain_text("Tomorrow 08:00")
    expect(second.get_by_role("button", name="Confirm booking")).to_be_visible()
    expect(page.locator("#net")).to_be_hidden()
    screenshot(page, "vendor-booking-changed")
    assert bookings.get_booking(prod.db, generator.id).confirmed_by == pat.id
    assert bookings.get_booking(prod.db, lamps.id).confirmed_at is None
    second.get_by_role("button", name="Confirm booking").click()
    expect(second).to_contain_text("Confirmed by Lou Lumen")
