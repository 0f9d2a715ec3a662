"""The call sheet on paper: text a PDF extractor reads back, and a page that renders cleanly."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date, time
from pathlib import Path

import pytest
import sqlite_utils
from PIL import Image
from pypdf import PdfReader

from schema import callsheets, schedule
from schema.callsheets import Contact, DayDetails
from schema.outputs.callsheet_pdf import callsheet_pdf
from schema.types import PersonKind
from tests.conftest import NOW
from tests.schema import factories

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "out" / "screenshots"
THU = date(2026, 12, 3)
DEPARTMENTS = {
    "Camera": ["DP", "Operator", "1st AC", "2nd AC", "DIT"],
    "Electric": ["Gaffer", "Best boy", "Spark", "Spark"],
    "Grip": ["Key grip", "Dolly grip", "Grip"],
    "Sound": ["Mixer", "Boom"],
    "Art": ["Designer", "Art director", "Props", "Standby props", "Dresser", "Dresser"],
    "Costume": ["Designer", "Supervisor", "Standby"],
    "Hair & Makeup": ["Designer", "Artist", "Artist"],
    "Assistant Directors": ["1st AD", "2nd AD", "3rd AD", "Runner"],
    "Locations": ["Manager", "Assistant"],
    "Transport": ["Captain", "Driver", "Driver"],
}


def _normal_day(db: sqlite_utils.Database, extra_crew: int = 0) -> callsheets.Sheet:
    """About 45 people in 11 departments, every field of the sheet filled."""
    mill = factories.location(
        db,
        "Harbour Mill",
        address="Mill Lane, Gravesend DA11 0BX",
        lat=51.4447,
        lon=0.3695,
        parking="Mill Lane car park",
        base_camp="East yard",
        hospital="Darent Valley Hospital, Dartford DA2 8DA",
    )
    shoot = factories.day(db, THU, call=time(7, 0), location_id=mill.id)
    factories.day(db, date(2026, 12, 4), call=time(8, 0), location_id=mill.id)
    hour = 5
    for department, roles in DEPARTMENTS.items():
        for n, role in enumerate(roles):
            who = factories.person(
                db,
                f"{department.split()[0]} Person {n + 1}",
                department=department,
                role=role,
                phone=f"+44 7700 90{n:04d}",
            )
            schedule.call_person(db, shoot.id, who.id, call=time(hour, 30), now=NOW)
        hour = 5 + (hour - 4) % 2
    for n in range(extra_crew):
        who = factories.person(db, f"Extra Crew {n + 1:03d}", department="Crowd", role="SA")
        schedule.call_person(db, shoot.id, who.id, now=NOW)
    for n, part in enumerate(["MARA", "KIT", "PUBLICAN"]):
        who = factories.person(db, f"Actor {n + 1}", kind=PersonKind.CAST, role=part)
        schedule.call_person(db, shoot.id, who.id, call=time(8, n * 15), now=NOW)
    found = callsheets.settings(db)
    callsheets.update_settings(
        db,
        found.version,
        contacts=[Contact(label="Production office", phone="+44 20 7946 0321")],
        walkies={"Camera": "2", "Electric": "3"},
        safety="Hi-vis beyond the unit base.",
        now=NOW,
    )
    callsheets.set_day_details(
        db, shoot.id, DayDetails(meals="Breakfast 06:30 · Lunch 13:00"), now=NOW
    )
    return callsheets.draft(db, THU)


def _render(pdf: bytes, tmp_path: Path, name: str) -> list[Image.Image]:
    assert shutil.which("pdftoppm"), "poppler-utils (pdftoppm) is needed to render PDFs"
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "72", "-png", str(path), str(tmp_path / name)], check=True)
    pages = sorted(tmp_path.glob(f"{name}-*.png"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(pages[0], SCREENSHOTS / f"{name}.png")
    return [Image.open(p).convert("L") for p in pages]


def _ink_box(page: Image.Image) -> tuple[int, int, int, int]:
    box = page.point(lambda v: 255 if v < 128 else 0).getbbox()
    assert box is not None, "the page is blank"
    return box


def test_a_normal_day_is_one_readable_page(fresh_db: sqlite_utils.Database, tmp_path: Path) -> None:
    sheet = _normal_day(fresh_db)
    version, _ = callsheets.publish(fresh_db, THU, now=NOW)
    pdf = callsheet_pdf(sheet, version=version.number, published_at=version.published_at)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    for expected in (
        "Test Picture",
        "CALL SHEET",
        "Day 1 of 2",
        "GENERAL CREW CALL",
        "07:00",
        "Harbour Mill",
        "Mill Lane car park",
        "East yard",
        "Darent Valley Hospital",
        "Sunrise 07:",
        "Breakfast 06:30",
        "Hi-vis beyond the unit base.",
        "Production office: +44 20 7946 0321",
        "CAMERA (WALKIE CH. 2)",
        "HAIR & MAKEUP",
        "CAST",
        "Actor 2",
        "PUBLICAN",
        "Fri 4 Dec",
        "Version 1, published",
    ):
        assert expected in text, expected
    assert "+44 7700" not in text, "a personal number reached the call sheet"
    [page] = _render(pdf, tmp_path, "callsheet")
    left, top, right, bottom = _ink_box(page)
    mm = page.width / 210
    # Nothing runs into the margins (a broken layout overprints or falls off the page).
    assert left >= 9 * mm and right <= page.width - 9 * mm
    assert top >= 9 * mm and bottom <= page.height - 9 * mm


def test_a_crowd_day_flows_onto_more_pages(fresh_db: sqlite_utils.Database, tmp_path: Path) -> None:
    sheet = _normal_day(fresh_db, extra_crew=150)
    pdf = callsheet_pdf(sheet, version=None)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "DRAFT" in text
    assert "CROWD (CONT.)" in text
    for n in (1, 75, 150):
        assert f"Extra Crew {n:03d}" in text
    pages = _render(pdf, tmp_path, "callsheet-crowd")
    for page in pages:
        _, _, _, bottom = _ink_box(page)
        assert bottom <= page.height - 9 * (page.width / 210)


@pytest.mark.parametrize("name", ["Zoë Ødegård-Çelik", "A" * 80])
def test_odd_names_stay_in_their_cell(
    fresh_db: sqlite_utils.Database, tmp_path: Path, name: str
) -> None:
    sheet = _normal_day(fresh_db)
    who = factories.person(fresh_db, name, department="Camera", role="Loader " * 10)
    schedule.call_person(fresh_db, sheet.day_id, who.id, now=NOW)
    pdf = callsheet_pdf(callsheets.draft(fresh_db, THU), version=None)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert name[:12] in text
    [page] = _render(pdf, tmp_path, "callsheet-odd")
    _, _, right, _ = _ink_box(page)
    assert right <= page.width - 9 * (page.width / 210)
