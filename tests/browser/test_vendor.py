"""A vendor's contact on a phone: lands on their contracts, confirms one signed, uploads a copy."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, expect

from schema import contracts, links
from tests.browser.conftest import Production, screenshot, signed_in, vendor_contract

pytestmark = pytest.mark.browser


def test_vendor_confirms_a_contract(phone: BrowserContext, prod: Production) -> None:
    person_id, contract_id, sha256 = vendor_contract(prod, "Nina Brandt")
    page = phone.new_page()
    page.goto(links.issue_link(prod.db, person_id).url)
    expect(page.get_by_role("heading", name="Your contracts")).to_be_visible()
    expect(page.get_by_text("For Brightline Lighting Ltd")).to_be_visible()
    expect(page.get_by_text("Waiting for you")).to_be_visible()
    screenshot(page, "vendor-contracts")

    page.get_by_role("link", name="Lighting package hire, weeks 1-6").click()
    expect(page.get_by_role("heading", name="Lighting package hire, weeks 1-6")).to_be_visible()
    expect(page.locator(".sha")).to_have_attribute("data-sha256", sha256)
    expect(page.get_by_role("link", name="View")).to_have_attribute(
        "href", f"/api/contracts/{contract_id}/document"
    )
    download = page.request.get(f"/api/contracts/{contract_id}/document?download=1")
    assert download.ok and download.body().startswith(b"%PDF-1.4")
    assert contracts.get_contract(prod.db, contract_id).status == "viewed"
    screenshot(page, "vendor-contract")

    page.get_by_role("button", name="Confirm signed").click()
    expect(page.get_by_role("alert")).to_have_text("Type your full name.")
    page.get_by_label("Your full name").fill("Nina Brandt")
    page.get_by_role("button", name="Confirm signed").click()
    expect(page.get_by_role("alert")).to_have_text("Tick the box to confirm you agree.")
    page.get_by_label("I have signed this contract").check()
    page.get_by_role("button", name="Confirm signed").click()
    expect(page.get_by_role("heading", name="Signed", exact=True)).to_be_visible()
    expect(page.get_by_text("Confirmed by Nina Brandt on")).to_be_visible()
    expect(page.get_by_role("button", name="Confirm signed")).to_have_count(0)
    screenshot(page, "vendor-signed")

    signed = contracts.get_contract(prod.db, contract_id)
    assert signed.status == "signed"
    assert signed.signed_sha256 == sha256
    assert signed.signed_name == "Nina Brandt"
    assert signed.signed_user_agent and "Chrome" in signed.signed_user_agent
    assert signed.signed_ip == "127.0.0.1"

    page.reload()
    expect(page.get_by_text("Confirmed by Nina Brandt on")).to_be_visible()
    expect(page.get_by_role("button", name="Confirm signed")).to_have_count(0)


def test_vendor_uploads_a_signed_copy(
    dark_phone: BrowserContext, prod: Production, tmp_path: Path
) -> None:
    person_id, contract_id, _ = vendor_contract(prod, "Omar Haddad")
    signed_in(dark_phone, prod, person_id)
    page = dark_phone.new_page()
    page.goto(f"/contracts/{contract_id}")
    expect(page.get_by_role("heading", name="Signed copy")).to_be_visible()

    wrong = tmp_path / "notes.txt"
    wrong.write_text("not a contract")
    page.locator("#signed-file").set_input_files(str(wrong))
    expect(page.locator(".upload .state")).to_have_text("Choose a PDF, JPEG or PNG file.")

    scan = tmp_path / "signed.pdf"
    scan.write_bytes(b"%PDF-1.4\n% signed pages\n%%EOF\n")
    page.locator("#signed-file").set_input_files(str(scan))
    expect(page.locator(".upload .state")).to_have_text("Thank you: your signed copy is uploaded.")
    assert contracts.get_contract(prod.db, contract_id).signed_copy_id is not None
    screenshot(page, "vendor-contract-dark")
