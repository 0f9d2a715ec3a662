"""The day as it happened from the command line: marks, wraps, reports and their files."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from pypdf import PdfReader

from schema import production
from tests.cli.conftest import Prod, Run
from tests.cli.test_commands import one_error_line


def today(prod: Prod) -> str:
    db = prod.db()
    try:
        return production.local_now(production.get(db)).date().isoformat()
    finally:
        db.conn.close()


def pdf_text(path: Path) -> str:
    return " ".join(page.extract_text() for page in PdfReader(path).pages)


def test_enter_a_paper_sheet_then_report_the_day(run: Run, prod: Prod, tmp_path: Path) -> None:
    on = today(prod)
    refused = run("--db", prod.path, "mark", on, "--person", prod.ben, "absent")
    assert refused.code == 1 and "needs a reason" in one_error_line(refused.err)
    ok = run("--db", prod.path, "mark", on, "--person", prod.ben, "absent", "--reason", "flu")
    assert ok.code == 0 and "absent" in ok.out
    assert run("--db", prod.path, "meal", on, "--at", "12:00", "--minutes", "45").code == 0
    wrap = run("--db", prod.path, "wrap", on, "--at", "22:30")
    assert wrap.code == 0 and "Wrapped 1 person" in wrap.out  # Ada; Ben is absent

    csv_out = tmp_path / "dpr.csv"
    assert run("--db", prod.path, "report", "day", on, "--out", csv_out).code == 0
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(csv_out.read_text()))}
    assert rows["Ben Boom"]["status"] == "absent" and rows["Ben Boom"]["reason"] == "flu"
    assert rows["Ada Grip"]["wrap"] == "22:30" and rows["Ada Grip"]["wrap_source"] == "coordinator"
    assert rows["Ada Grip"]["meal_out"] == "12:00"

    pdf_out = tmp_path / "dpr.pdf"
    assert run("--db", prod.path, "report", "day", on, "--out", pdf_out).code == 0
    text = pdf_text(pdf_out)
    assert "Daily production report" in text and "Ada Grip" in text and "flu" in text
    again = run("--db", prod.path, "report", "day", on, "--out", pdf_out)
    assert again.code == 1 and "already exists" in one_error_line(again.err)


def test_timecards_dood_and_sign_in_sheet(run: Run, prod: Prod, tmp_path: Path) -> None:
    on = today(prod)
    assert run("--db", prod.path, "call-kind", on, "--person", prod.ben, "hold").code == 0
    cards = tmp_path / "cards.csv"
    assert run("--db", prod.path, "timecards", "--week", on, "--out", cards).code == 0
    header = next(csv.reader(io.StringIO(cards.read_text())))
    assert {"call", "arrived", "arrived_source", "wrap", "wrap_source", "hours"} <= set(header)
    wrong = run("--db", prod.path, "timecards", "--week", on, "--out", tmp_path / "c.pdf")
    assert wrong.code == 1 and ".csv" in one_error_line(wrong.err)

    grid = tmp_path / "dood.csv"
    assert run("--db", prod.path, "dood", "--out", grid).code == 0
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(grid.read_text()))}
    assert rows["Ada Grip"][on] == "SWF" and rows["Ben Boom"][on] == "H"
    assert run("--db", prod.path, "dood", "--out", tmp_path / "dood.pdf").code == 0
    assert "SWF" in pdf_text(tmp_path / "dood.pdf")

    sheet = tmp_path / "sheet.pdf"
    assert run("--db", prod.path, "signin-sheet", on, "--out", sheet).code == 0
    text = pdf_text(sheet)
    assert "Sign-in sheet" in text and "Stage 1" in text and "Ada Grip" in text
    assert "Ben Boom" not in text  # held, not working: not on the sheet
    bad = run("--db", prod.path, "report", "day", on, "--out", tmp_path / "dpr.xlsx")
    assert bad.code == 1 and "dpr.xlsx" in one_error_line(bad.err)
