"""Equipment labels: every QR on the sheet decodes to its unit's scan URL."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import sqlite_utils
from PIL import Image

from schema import gear, stock
from schema.errors import InvalidInput
from schema.outputs import labels
from schema.stock import ItemKind, PlaceKind
from tests.test_posters import decode, pdf_pages


def _units(db: sqlite_utils.Database, count: int) -> list[gear.Unit]:
    walkie = stock.add_item(db, "Walkie-talkie", ItemKind.EQUIPMENT)
    office = stock.place(db, PlaceKind.STORE, "Production office")
    return [
        gear.add_unit(db, walkie.id, f"Walkie {n:02d}", home_place_id=office.id)
        for n in range(1, count + 1)
    ]


def _decoded(image: Image.Image) -> set[str]:
    return set(decode(image))


def test_pdf_labels_decode_to_each_units_url(
    fresh_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    units = _units(fresh_db, 20)  # 18 a page: two pages
    [pdf] = labels.write_labels(fresh_db, tmp_path / "labels.pdf")
    pages = pdf_pages(pdf, dpi=200)
    assert len(pages) == 2
    found = _decoded(pages[0]) | _decoded(pages[1])
    assert found == {f"https://callboard.test/e/{u.code}" for u in units}
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "Walkie 07" in text and "Walkie-talkie" in text


def test_png_labels_for_one_item_and_no_overwrite(
    fresh_db: sqlite_utils.Database, tmp_path: Path
) -> None:
    units = _units(fresh_db, 3)
    camera = stock.add_item(fresh_db, "ARRI Alexa Mini", ItemKind.EQUIPMENT)
    truck = stock.place(fresh_db, PlaceKind.STORE, "Camera truck")
    gear.add_unit(fresh_db, camera.id, "Alexa A", home_place_id=truck.id)
    [png] = labels.write_labels(fresh_db, tmp_path / "walkies.png", item_id=units[0].item_id)
    assert _decoded(Image.open(png)) == {f"https://callboard.test/e/{u.code}" for u in units}
    with pytest.raises(InvalidInput, match="already exists"):
        labels.write_labels(fresh_db, png, item_id=units[0].item_id)
    with pytest.raises(InvalidInput, match=r"\.pdf or \.png"):
        labels.write_labels(fresh_db, tmp_path / "labels.svg")
