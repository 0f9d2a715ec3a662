"""`callboard import people` and `callboard export`: all rows or none, and stable shapes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from schema.store.connection import connect
from tests.cli.conftest import Prod, Run, people_count
from tests.cli.test_commands import one_error_line

HEADER = "name,kind,department,role,email,phone,vendor,notes\n"


def write_csv(tmp_path: Path, text: str, name: str = "people.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def event_count(path: Path) -> int:
    return int(connect(path).execute("SELECT count(*) FROM events").fetchone()[0])


def test_import_adds_everyone(run: Run, prod: Prod, tmp_path: Path) -> None:
    sheet = write_csv(
        tmp_path,
        HEADER
        + "Cara Cam,crew,Camera,Focus puller,cara@example.org,+44 20 7946 0000,,\n"
        + 'Dev Actor,cast,,Lead,,,,"plays Tom, needs a driver"\n'
        + "Vic Spark,vendor,,,vic@sparks.example,,sparks ltd,\n"
        + ",,,,,,,\n",  # a blank row is skipped
    )
    result = run("--db", prod.path, "import", "people", sheet)
    assert result.code == 0, result.err
    assert "Imported 3 people" in result.out
    db = connect(prod.path)
    rows = {r[0]: r[1:] for r in db.execute("SELECT name, kind, vendor_id, notes FROM people")}
    assert rows["Cara Cam"][0] == "crew"
    assert rows["Dev Actor"] == ("cast", None, "plays Tom, needs a driver")
    assert rows["Vic Spark"][:2] == ("vendor_contact", 1)


def test_bad_row_reports_line_and_reason_and_writes_nothing(
    run: Run, prod: Prod, tmp_path: Path
) -> None:
    before, events = people_count(prod.path), event_count(prod.path)
    sheet = write_csv(
        tmp_path,
        HEADER
        + "Good One,crew,Grip,,good@example.org,,,\n"
        + "Bad Mail,crew,Grip,,not-an-email,,,\n"
        + "Good Two,crew,Grip,,,,,\n",
    )
    result = run("--db", prod.path, "import", "people", sheet)
    assert result.code == 1
    line = one_error_line(result.err)
    assert "people.csv line 3" in line
    assert "'not-an-email' is not an email address" in line
    assert "nothing was imported" in line
    assert people_count(prod.path) == before
    assert event_count(prod.path) == events


def test_every_bad_line_is_named(run: Run, prod: Prod, tmp_path: Path) -> None:
    sheet = write_csv(
        tmp_path,
        HEADER
        + ",crew,,,,,,\n"  # line 2: no name
        + "Ok,crew,,,,,,\n"
        + "Who,director,,,,,,\n"  # line 4: bad kind
        + "V,vendor,,,,,,\n"  # line 5: vendor contact without vendor
        + "W,vendor,,,,,Nobody Inc,\n"  # line 6: unknown vendor
        + "X,crew,,,,phone?,,\n"  # line 7: bad phone
        + "Y,crew,,,,,,,extra\n",  # line 8: too many cells
    )
    line = one_error_line(run("--db", prod.path, "import", "people", sheet).err)
    assert "line 2: name is required" in line
    assert "also bad: lines 4, 5, 6, 7, 8" in line
    assert people_count(prod.path) == 3


def test_line_numbers_count_multiline_cells(run: Run, prod: Prod, tmp_path: Path) -> None:
    sheet = write_csv(
        tmp_path,
        HEADER + 'A,crew,,,,,,"two\nlines"\n' + "B,crew,,,bad@,,,\n",
    )
    line = one_error_line(run("--db", prod.path, "import", "people", sheet).err)
    assert "line 4:" in line


def test_duplicate_emails_are_refused(run: Run, prod: Prod, tmp_path: Path) -> None:
    existing = write_csv(tmp_path, HEADER + "Ada Again,crew,,,ADA@example.org,,,\n", "a.csv")
    line = one_error_line(run("--db", prod.path, "import", "people", existing).err)
    assert "a.csv line 2" in line and "Ada Grip" in line
    twice = write_csv(
        tmp_path, HEADER + "One,crew,,,same@example.org,,,\nTwo,crew,,,same@example.org,,,\n"
    )
    line = one_error_line(run("--db", prod.path, "import", "people", twice).err)
    assert "line 3" in line and "already used by line 2" in line


def test_bad_files(run: Run, prod: Prod, tmp_path: Path) -> None:
    missing = run("--db", prod.path, "import", "people", tmp_path / "absent.csv")
    assert missing.code == 1
    assert "absent.csv" in one_error_line(missing.err)
    empty = write_csv(tmp_path, "", "empty.csv")
    assert "is empty" in one_error_line(run("--db", prod.path, "import", "people", empty).err)
    header_only = write_csv(tmp_path, HEADER, "header.csv")
    err = run("--db", prod.path, "import", "people", header_only).err
    assert "no people" in one_error_line(err)
    odd = write_csv(tmp_path, "name,shoe size\nA,9\n", "odd.csv")
    line = one_error_line(run("--db", prod.path, "import", "people", odd).err)
    assert "line 1" in line and "unknown column 'shoe size'" in line
    latin = tmp_path / "latin.csv"
    latin.write_bytes(HEADER.encode() + "Zoë,crew,,,,,,\n".encode("latin-1"))
    line = one_error_line(run("--db", prod.path, "import", "people", latin).err)
    assert "not UTF-8" in line
    # Vendors are importable now (issue 8); the same file is refused for the same reason.
    assert "not UTF-8" in one_error_line(run("--db", prod.path, "import", "vendors", latin).err)
    assert run("--db", prod.path, "import", "locations", latin).code == 2
    assert people_count(prod.path) == 3


def test_excel_bom_and_column_order(run: Run, prod: Prod, tmp_path: Path) -> None:
    sheet = tmp_path / "excel.csv"
    sheet.write_bytes("\ufeffEmail,Name\r\nzed@example.org,Zed\r\n".encode())
    assert run("--db", prod.path, "import", "people", sheet).code == 0
    assert people_count(prod.path) == 4


def test_export_people_round_trips_through_import(run: Run, prod: Prod, tmp_path: Path) -> None:
    exported = run("--db", prod.path, "export", "people")
    assert exported.code == 0
    rows = list(csv.DictReader(io.StringIO(exported.out)))
    assert list(rows[0]) == [
        "id",
        "name",
        "kind",
        "department",
        "role",
        "email",
        "phone",
        "vendor",
        "notes",
    ]
    vera = next(r for r in rows if r["name"] == "Vera Volt")
    assert vera["vendor"] == "Sparks Ltd" and vera["kind"] == "vendor_contact"
    # The same sheet into a fresh production with the vendor: everyone arrives.
    fresh = tmp_path / "fresh.db"
    run("--db", fresh, "init", "Fresh")
    from schema import directory

    directory.add_vendor(connect(fresh), directory.VendorIn(name="Sparks Ltd"))
    sheet = write_csv(tmp_path, exported.out, "exported.csv")
    assert run("--db", fresh, "import", "people", sheet).code == 0
    assert people_count(fresh) == 3


def test_export_json_shapes(run: Run, prod: Prod) -> None:
    people = json.loads(run("--db", prod.path, "export", "people", "--format", "json").out)
    assert {p["name"] for p in people} == {"Ada Grip", "Ben Boom", "Vera Volt"}
    schedule = json.loads(run("--db", prod.path, "export", "schedule", "--format", "json").out)
    assert {r["name"] for r in schedule} == {"Ada Grip", "Ben Boom"}
    assert {"date", "unit", "location", "call_at", "person_id"} <= set(schedule[0])
    assert schedule[0]["location"] == "Stage 1"
    checkins = json.loads(run("--db", prod.path, "export", "checkins", "--format", "json").out)
    [one] = checkins
    assert one["person_id"] == prod.ada and one["location"] == "Stage 1"
    assert one["result"] in ("ok", "late")


def test_export_to_a_file(run: Run, prod: Prod, tmp_path: Path) -> None:
    out = tmp_path / "schedule.json"
    result = run("--db", prod.path, "export", "schedule", "--out", out)
    assert result.code == 0 and result.out == ""
    assert isinstance(json.loads(out.read_text()), list)  # format from the extension
    csv_out = tmp_path / "checkins.csv"
    run("--db", prod.path, "export", "checkins", "--out", csv_out)
    assert csv_out.read_text().startswith("id,received_at,client_at,person_id")
    bad = run("--db", prod.path, "export", "people", "--out", tmp_path / "no" / "x.csv")
    assert bad.code == 1
    one_error_line(bad.err)
    assert run("--db", prod.path, "export", "stock").code == 2


def test_export_refuses_a_format_it_cannot_write(run: Run, prod: Prod, tmp_path: Path) -> None:
    out = tmp_path / "people.xlsx"
    bad = run("--db", prod.path, "export", "people", "--out", out)
    assert bad.code == 1 and "people.xlsx" in one_error_line(bad.err)
    assert not out.exists()
    forced = run("--db", prod.path, "export", "people", "--out", out, "--format", "csv")
    assert forced.code == 0 and out.read_text().startswith("id,")


def test_too_many_cells_counts_in_words(run: Run, prod: Prod, tmp_path: Path) -> None:
    sheet = write_csv(tmp_path, "name\nAna,Grip\nBo\n")
    line = one_error_line(run("--db", prod.path, "import", "people", sheet).err)
    assert "line 2: 2 cells but only 1 column;" in line
