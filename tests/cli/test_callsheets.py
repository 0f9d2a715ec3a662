"""`callboard callsheet` and `callboard publish` on the fixture production."""

from __future__ import annotations

import json
from datetime import time
from pathlib import Path

from pypdf import PdfReader

from schema import directory, production, schedule
from schema.directory import PersonIn
from tests.cli.conftest import Prod, Run


def _today(prod: Prod) -> str:
    db = prod.db()
    try:
        return production.local_now(production.get(db)).date().isoformat()
    finally:
        db.conn.close()


def test_callsheet_shows_the_draft_and_who_publishing_would_tell(prod: Prod, run: Run) -> None:
    result = run("--db", prod.path, "callsheet", _today(prod))
    assert result.code == 0, result.err
    assert "General crew call 00:01" in result.out
    assert "Location: Stage 1, 1 Studio Road, London" in result.out
    assert "Grip" in result.out and "Ada Grip" in result.out
    assert "Not published yet: publishing makes version 1" in result.out
    assert "Ada Grip: You are called on" in result.out
    assert "ada@example.org" not in result.out


def test_publish_then_change_then_publish_again(prod: Prod, run: Run) -> None:
    today = _today(prod)
    first = run("--db", prod.path, "publish", today)
    assert first.code == 0, first.err
    assert "as version 1" in first.out and "2 people notified." in first.out
    db = prod.db()
    call = schedule.call_of(db, prod.day, prod.ben)
    assert call is not None
    schedule.update_call(db, call.id, call.version, call=time(5, 0))
    db.conn.close()
    draft = run("--db", prod.path, "callsheet", today)
    assert "Draft of version 2 (version 1 is published)" in draft.out
    assert "Ben Boom: Your call on" in draft.out and "is now 05:00 (was 00:01)" in draft.out
    second = run("--db", prod.path, "publish", today, "--json")
    assert second.code == 0, second.err
    data = json.loads(second.out)
    assert data["version"]["number"] == 2
    assert [n["name"] for n in data["notices"]] == ["Ben Boom"]
    again = run("--db", prod.path, "publish", today)
    assert again.code == 1 and "nothing changed since version 2" in again.err


def test_callsheet_pdf_and_json(prod: Prod, run: Run, tmp_path: Path) -> None:
    today = _today(prod)
    out = tmp_path / "sheet.pdf"
    written = run("--db", prod.path, "callsheet", today, "--out", out)
    assert written.code == 0, written.err
    text = PdfReader(out).pages[0].extract_text()
    assert "CALL SHEET" in text and "Ada Grip" in text and "DRAFT" in text
    as_json = json.loads(run("--db", prod.path, "callsheet", today, "--json").out)
    assert as_json["location"]["name"] == "Stage 1"
    refused = run("--db", prod.path, "callsheet", today, "--out", tmp_path / "sheet.txt")
    assert refused.code == 1 and "name the file .pdf" in refused.err
    missing = run("--db", prod.path, "callsheet", "2031-01-01")
    assert missing.code == 1 and "no Main unit day on 2031-01-01" in missing.err
    unpublished = run("--db", prod.path, "callsheet", today, "--published")
    assert unpublished.code == 1 and "no call sheet published" in unpublished.err


def test_settings_and_day_details_reach_the_sheet(prod: Prod, run: Run) -> None:
    today = _today(prod)
    shown = run(
        "--db",
        prod.path,
        "callsheet-settings",
        "--contact",
        "Production office=+44 20 7946 0000",
        "--walkie",
        "Grip=3",
        "--hide-cast-names",
    )
    assert shown.code == 0, shown.err
    assert "Production office: +44 20 7946 0000" in shown.out
    assert "Grip ch. 3" in shown.out and "Cast names on crew phones: hidden" in shown.out
    sheet = run("--db", prod.path, "callsheet", today, "--meals", "Lunch 13:00")
    assert "Meals: Lunch 13:00" in sheet.out
    assert "Grip (walkie ch. 3)" in sheet.out
    assert "Contact: Production office +44 20 7946 0000" in sheet.out
    db = prod.db()
    star = directory.add_person(db, PersonIn(name="Vera Famous", kind="cast", role="Detective"))  # type: ignore[arg-type]
    schedule.call_person(db, prod.day, star.id)
    db.conn.close()
    assert "Vera Famous" in run("--db", prod.path, "callsheet", today).out
    crew_copy = run("--db", prod.path, "callsheet", today, "--crew-copy").out
    assert "Vera Famous" not in crew_copy and "Cast member" in crew_copy
    bad = run("--db", prod.path, "callsheet-settings", "--walkie", "Grip")
    assert bad.code == 1 and "--walkie takes DEPARTMENT=CHANNEL" in bad.err
