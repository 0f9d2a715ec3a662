"""`callboard demo --kind`, `stock`, `plan`, `labels` and `problems` as a coordinator types them."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Run
from tests.cli.test_commands import one_error_line


@pytest.fixture
def plant(run: Run, tmp_path: Path) -> Path:
    path = tmp_path / "plant.db"
    result = run("--db", path, "demo", "--kind", "manufacturing")
    assert result.code == 0, result.err
    assert "Built the manufacturing demo" in result.out
    return path


def test_receive_start_move_on_and_ship(run: Run, plant: Path) -> None:
    assert run("--db", plant, "stock", "receive", "5", "200", "--to", "Materials store").code == 0
    items = run("--db", plant, "stock", "items").out
    assert "Carton" in items and "256 each" in items
    assert (
        "Production order 4: started, now at Cutting."
        in run("--db", plant, "plan", "start", "4").out
    )
    assert "now at Assembly" in run("--db", plant, "plan", "advance", "4").out
    assert "now at Packing" in run("--db", plant, "plan", "advance", "4").out
    assert "finished" in run("--db", plant, "plan", "advance", "4").out
    assert "shipped" in run("--db", plant, "plan", "ship", "4", "--carrier", "DHL").out
    orders = run("--db", plant, "plan", "orders").out
    assert "Harrow Hotels" in orders and "shipped" in orders.splitlines()[0]
    ledger = run("--db", plant, "stock", "movements", "--limit", "3").out
    assert "ship" in ledger and "Finished goods -> outside" in ledger


def test_plan_and_problems_show_the_planted_problems(run: Run, plant: Path) -> None:
    shown = run("--db", plant, "plan", "show", "--days", "5").out
    assert "Master production plan" in shown and "OVERLOADED Welding" in shown and "LATE" in shown
    found = run("--db", plant, "problems").out
    for kind in ("low stock", "unit overdue", "stage overloaded", "order late"):
        assert kind in found


def test_mistakes_are_one_line(run: Run, plant: Path) -> None:
    short = run("--db", plant, "stock", "move", "1", "99999", "--from", "1", "--to", "Cutting")
    assert "cannot take 99999" in one_error_line(short.err)
    unknown = run("--db", plant, "stock", "receive", "1", "5", "--to", "Nowhere")
    assert "no stock place called 'Nowhere'" in one_error_line(unknown.err)
    again = run("--db", plant, "plan", "ship", "1")
    assert "only a finished order" in one_error_line(again.err)


def test_labels_are_written_once(run: Run, plant: Path, tmp_path: Path) -> None:
    out = tmp_path / "labels.pdf"
    assert run("--db", plant, "labels", "--out", out).code == 0
    assert out.read_bytes().startswith(b"%PDF")
    again = run("--db", plant, "labels", "--out", out)
    assert "already exists" in one_error_line(again.err)
    stages = tmp_path / "stages.png"
    assert run("--db", plant, "labels", "--stages", "--out", stages).code == 0
    assert stages.exists()


def test_film_gear_from_the_command_line(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "film.db"
    assert run("--db", path, "demo").code == 0
    booked = run("--db", path, "stock", "bookings").out
    assert "Camera A" not in booked and "Alexa LF A" in booked  # the package, booked ahead
    walkies = run("--db", path, "stock", "walkies").out
    assert "Assistant Directors" in walkies and "issued   5" in walkies
    places = run("--db", path, "stock", "places").out
    assert "Production office" in places
    added = run("--db", path, "stock", "add-unit", "6", "Walkie 17", "--home", "Production office")
    assert "Added unit" in added.out, added.err
    rentals = run("--db", path, "stock", "rentals").out
    assert "Thames Camera Rental" in rentals
    back = run("--db", path, "stock", "return-rental", "1")
    assert "went back to its vendor" in back.out
    again = run("--db", path, "stock", "return-rental", "1")
    assert "already returned" in one_error_line(again.err)
