"""A production from `callboard init`, no demo: vendors, contacts, bookings, paperwork and
contracts, all from the command line."""

from __future__ import annotations

import hashlib
import json
from datetime import time, timedelta
from pathlib import Path

import pytest

from schema import contracts, locations, production, schedule
from schema.locations import LocationIn
from schema.schedule import DayIn
from schema.store.connection import connect
from tests.cli.conftest import Run
from tests.cli.test_commands import one_error_line


@pytest.fixture
def empty(run: Run, tmp_path: Path) -> Path:
    path = tmp_path / "new.db"
    assert run("--db", path, "init", "Harbour Lights", "--timezone", "Europe/London").code == 0
    return path


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_vendors_added_edited_archived(run: Run, empty: Path) -> None:
    added = run(
        "--db", empty, "vendors", "add", "Power Up Ltd", "--service", "generators",
        "--email", "hire@powerup.example", "--address", "Unit 4, Dock Road", "--json",
    )  # fmt: skip
    assert added.code == 0
    vendor = json.loads(added.out)
    assert (vendor["name"], vendor["address"]) == ("Power Up Ltd", "Unit 4, Dock Road")
    again = run("--db", empty, "vendors", "add", "power up ltd ")
    assert "already a vendor named Power Up Ltd" in one_error_line(again.err)
    bad = run("--db", empty, "vendors", "add", "X", "--email", "not-an-email")
    assert bad.code == 1 and "email" in one_error_line(bad.err)

    edited = run("--db", empty, "vendors", "edit", str(vendor["id"]), "--phone", "+44 20 7946 0000")
    assert edited.out.startswith("Saved Power Up Ltd")
    listed = json.loads(run("--db", empty, "vendors", "--json").out)
    assert [(v["name"], v["phone"], v["service"]) for v in listed] == [
        ("Power Up Ltd", "+44 20 7946 0000", "generators")
    ]
    assert run("--db", empty, "vendors", "archive", str(vendor["id"])).code == 0
    assert json.loads(run("--db", empty, "vendors", "--json").out) == []
    assert "[archived]" in run("--db", empty, "vendors", "--archived").out
    people = write(empty.parent, "p.csv", "name,kind,vendor\nPat Power,vendor,Power Up Ltd\n")
    refused = run("--db", empty, "import", "people", people)
    assert "line 2: no vendor named 'Power Up Ltd'" in one_error_line(refused.err)
    assert run("--db", empty, "vendors", "restore", str(vendor["id"])).code == 0
    assert run("--db", empty, "import", "people", people).code == 0


def test_vendor_import_is_all_or_nothing_with_line_numbers(
    run: Run, empty: Path, tmp_path: Path
) -> None:
    bad = write(
        tmp_path,
        "bad.csv",
        "name,service,email,phone,address,notes\n"
        "Power Up Ltd,generators,hire@powerup.example,,,\n"
        ",catering,,,,\n"
        "Power Up Ltd,again,,,,\n"
        "Chef Co,catering,nope,,,\n",
    )
    refused = run("--db", empty, "import", "vendors", bad)
    line = one_error_line(refused.err)
    assert refused.code == 1
    assert line.startswith("callboard: error: bad.csv line 3: name")
    assert "also bad: lines 4, 5" in line and "nothing was imported" in line
    assert json.loads(run("--db", empty, "vendors", "--json").out) == []

    good = write(tmp_path, "good.csv", "Name,Service\nPower Up Ltd,generators\nChef Co,catering\n")
    assert run("--db", empty, "import", "vendors", good).out.startswith("Imported 2 vendors")
    people = write(
        tmp_path,
        "people.csv",
        "name,kind,vendor,email\n"
        "Pat Power,vendor,power up ltd,pat@powerup.example\n"
        "Nobody Known,vendor,Ghost Generators,\n",
    )
    refused = run("--db", empty, "import", "people", people)
    assert "line 3: no vendor named 'Ghost Generators'" in one_error_line(refused.err)
    people.write_text("name,kind,vendor,email\nPat Power,vendor,power up ltd,pat@powerup.example\n")
    assert run("--db", empty, "import", "people", people).code == 0
    db = connect(empty)
    vendor_id = db.execute("SELECT vendor_id FROM people WHERE name = 'Pat Power'").fetchone()[0]
    assert db.execute("SELECT name FROM vendors WHERE id = ?", [vendor_id]).fetchone()[0] == (
        "Power Up Ltd"
    )


def test_contracts_bookings_and_paperwork_from_the_command_line(
    run: Run, empty: Path, tmp_path: Path
) -> None:
    people = write(
        tmp_path,
        "people.csv",
        "name,kind,department,role\nAna Silva,crew,Camera,Focus puller\n",
    )
    assert run("--db", empty, "import", "people", people).code == 0
    db = connect(empty)
    today = production.local_now(production.get(db)).date()
    mill = locations.add_location(db, LocationIn(name="Harbour Mill"))
    day = schedule.add_day(
        db, DayIn(date=today + timedelta(days=3), call=time(7), wrap=time(19), location_id=mill.id)
    )
    schedule.call_person(db, day.id, 1)

    # An NDA alone leaves Ana unpapered, and the problem says what is missing.
    nda = json.loads(run("--db", empty, "contracts", "add", "1", "--kind", "NDA", "--json").out)
    assert nda["title"] == "NDA: Ana Silva"
    problems = json.loads(run("--db", empty, "problems", "--json").out)
    assert [p["message"].split(": ", 1)[1] for p in problems] == ["no deal memo"]
    assert "Ana Silva: no deal memo" in run("--db", empty, "paperwork", "missing").out

    memo = json.loads(
        run(
            "--db", empty, "contracts", "add", "1", "--kind", "deal memo", "--generate",
            "--rate", "£450 a day", "--send", "--json",
        ).out
    )  # fmt: skip
    assert memo["status"] == "sent" and len(memo["document_sha256"]) == 64
    listed = run("--db", empty, "contracts").out
    assert "Ana Silva: NDA: Ana Silva" in listed and "Ana Silva: Deal memo: Ana Silva" in listed
    assert (
        json.loads(run("--db", empty, "contracts", "--status", "sent", "--json").out)[0]["id"]
        == memo["id"]
    )
    early = run("--db", empty, "contracts", "countersign", str(memo["id"]))
    assert "a sent contract cannot become countersigned" in one_error_line(early.err)

    contracts.sign(
        db, memo["id"], 1, full_name="Ana Silva", shown_sha256=memo["document_sha256"],
        agreed=True, ip="203.0.113.1", user_agent="phone",
    )  # fmt: skip
    contracts.upload_signed_copy(db, memo["id"], 1, "signed.pdf", b"%PDF-1.4 signed\n")
    assert run("--db", empty, "contracts", "countersign", str(memo["id"])).code == 0
    assert json.loads(run("--db", empty, "problems", "--json").out) == []

    out = tmp_path / "copy.pdf"
    assert run("--db", empty, "contracts", "copy", str(memo["id"]), "--out", out).code == 0
    assert out.read_bytes() == b"%PDF-1.4 signed\n"
    assert "exists" in one_error_line(
        run("--db", empty, "contracts", "copy", str(memo["id"]), "--out", out).err
    )
    shown = run("--db", empty, "contracts", "show", str(memo["id"])).out
    signed_sha = hashlib.sha256(b"%PDF-1.4 signed\n").hexdigest()
    assert f"signed copy: signed.pdf, application/pdf, 16 bytes, SHA-256 {signed_sha}" in shown
    no_copy = run("--db", empty, "contracts", "copy", str(nda["id"]), "--out", tmp_path / "x")
    assert "has no signed copy uploaded yet" in one_error_line(no_copy.err)
    voided = run("--db", empty, "contracts", "void", str(nda["id"]), "--reason", "not needed")
    assert voided.out.startswith(f"Voided contract {nda['id']}")

    # Paperwork requirements are the production's to change.
    assert (
        run("--db", empty, "paperwork", "require", "NDA", "crew", "--department", "Camera").code
        == 0
    )
    assert "no NDA" in json.loads(run("--db", empty, "problems", "--json").out)[0]["message"]
    setup = json.loads(run("--db", empty, "paperwork", "--json").out)
    drop = next(r["id"] for r in setup["requirements"] if r["kind"] == "NDA")
    assert run("--db", empty, "paperwork", "drop", str(drop)).code == 0
    assert run("--db", empty, "paperwork", "kind", "work permit", "--expires").code == 0
    unknown = run("--db", empty, "paperwork", "require", "visa", "cast")
    assert "no document kind 'visa'" in one_error_line(unknown.err)

    # A vendor, its contact, a booking.
    assert run("--db", empty, "vendors", "add", "Power Up Ltd").code == 0
    booked = run(
        "--db", empty, "bookings", "add", "--vendor", "1", "--day", str(day.id), "--at", "06:00",
        "--what", "Generator", "--json",
    )  # fmt: skip
    line = json.loads(booked.out)
    assert (line["location_name"], line["confirmed_at"]) == ("Harbour Mill", None)
    assert "Generator delivery at Harbour Mill" in run("--db", empty, "bookings").out
    bad_time = run("--db", empty, "bookings", "add", "--vendor", "1", "--day", str(day.id),
                   "--at", "25:00")  # fmt: skip
    assert bad_time.code == 1 and "at" in one_error_line(bad_time.err)
    moved = run("--db", empty, "bookings", "edit", str(line["id"]), "--at", "05:30", "--json")
    assert json.loads(moved.out)["at"].endswith("05:30:00")
    assert "Big generator" in run("--db", empty, "bookings", "edit", str(line["id"]),
                                  "--what", "Big generator").out  # fmt: skip
    nothing = run("--db", empty, "bookings", "edit", str(line["id"]))
    assert nothing.code == 1 and "nothing to change" in one_error_line(nothing.err)
    assert run("--db", empty, "bookings", "cancel", str(line["id"])).code == 0
    assert run("--db", empty, "bookings").out.strip() == "No bookings."


def test_expiry_and_an_undefined_kind(run: Run, empty: Path, tmp_path: Path) -> None:
    people = write(tmp_path, "people.csv", "name\nAna Silva\n")
    assert run("--db", empty, "import", "people", people).code == 0
    hire = run("--db", empty, "contracts", "add", "1", "--kind", "lamp hire")
    assert "'lamp hire' is not one of the production's document kinds" in hire.err
    cert = run(
        "--db", empty, "contracts", "add", "1", "--kind", "Insurance Certificate",
        "--expires", "2027-01-31", "--json",
    )  # fmt: skip
    made = json.loads(cert.out)
    assert (made["kind"], made["expires_on"]) == ("insurance certificate", "2027-01-31")
    assert cert.err == ""
    later = run("--db", empty, "contracts", "expiry", str(made["id"]), "2027-06-30")
    assert later.out.endswith("expires 2027-06-30.\n")
    assert "expires 2027-06-30" in run("--db", empty, "contracts").out
    bad = run("--db", empty, "contracts", "expiry", str(made["id"]), "30/06/2027")
    assert bad.code == 1 and "date" in one_error_line(bad.err)
    missing = run("--db", empty, "contracts", "add", "1", "--kind", "insurance certificate")
    assert "needs an expiry date" in one_error_line(missing.err)
