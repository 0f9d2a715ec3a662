"""Posters: render each format to pixels and decode the QR; it must be the exact check-in URL."""

from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import pytest
import sqlite_utils
import zxingcpp
from PIL import Image, ImageDraw

from schema import locations
from schema.locations import LocationIn
from schema.outputs import posters
from schema.types import Location

URL = "https://callboard.test/l/ACD4EF7H"
SVG_NS = "{http://www.w3.org/2000/svg}"


def decode(image: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(image.convert("L"))]


def pdf_pages(pdf: Path, dpi: int = 100) -> list[Image.Image]:
    assert shutil.which("pdftoppm"), "poppler-utils (pdftoppm) is needed to render PDFs"
    prefix = pdf.with_suffix("")
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(prefix)], check=True)
    pages = sorted(pdf.parent.glob(f"{prefix.name}-*.png"))
    return [Image.open(p) for p in pages]


@pytest.fixture
def place() -> Location:
    return Location(
        id=3, name="Old Harbour Warehouse", address="17 Quay Street, Bristol", code="ACD4EF7H"
    )


@pytest.fixture
def sites(fresh_db: sqlite_utils.Database, now: datetime) -> list[Location]:
    made = [
        locations.add_location(fresh_db, LocationIn(name=name, address=address), now=now)
        for name, address in (
            ("Stage 1", "1 Studio Road"),
            ("Łódź Film School \u2013 Hall 2", "ul. Targowa 61/63, Łódź"),
            ("Car Park", ""),
        )
    ]
    return made


def test_pdf_poster_decodes_to_the_url(place: Location, tmp_path: Path) -> None:
    pdf = tmp_path / "poster.pdf"
    pdf.write_bytes(posters.poster_pdf(place, URL, "The Long Night"))
    [page] = pdf_pages(pdf)
    assert decode(page) == [URL]
    assert page.width < page.height  # portrait A4
    assert abs(page.height / page.width - 297 / 210) < 0.01
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True)
    if text.returncode == 0:
        words = " ".join(text.stdout.split())
        for expected in (
            "Old Harbour Warehouse",
            "17 Quay Street, Bristol",
            posters.INSTRUCTION,
            "ACD4 EF7H",
            URL,
            "The Long Night",
        ):
            assert expected in words


def test_png_poster_decodes_to_the_url(place: Location) -> None:
    image = Image.open(io.BytesIO(posters.poster_png(place, URL, "The Long Night")))
    assert image.size == (1240, 1754)  # A4 at 150 dpi
    assert decode(image) == [URL]


def test_png_survives_a_rough_print(place: Location) -> None:
    """Scaled down to a phone-camera-ish size, in grey, the QR still reads."""
    image = Image.open(io.BytesIO(posters.poster_png(place, URL, "X"))).convert("L")
    small = image.resize((400, 566), Image.Resampling.BILINEAR)
    assert decode(small) == [URL]


def svg_qr_image(svg_text: str, scale: int = 8) -> Image.Image:
    """Rasterise the SVG's QR group (its rects in module units) the way a renderer would."""
    root = ET.fromstring(svg_text)
    group = root.find(f"{SVG_NS}g[@id='qr']")
    assert group is not None
    size = int(group.attrib["data-modules"])
    image = Image.new("L", (size * scale, size * scale), 255)
    draw = ImageDraw.Draw(image)
    for rect in group.findall(f"{SVG_NS}rect"):
        x, y = int(rect.attrib["x"]), int(rect.attrib["y"])
        w, h = int(rect.attrib["width"]), int(rect.attrib["height"])
        draw.rectangle((x * scale, y * scale, (x + w) * scale - 1, (y + h) * scale - 1), fill=0)
    return image


def test_svg_poster_structure_and_qr(place: Location) -> None:
    text = posters.poster_svg(place, URL, "The Long Night & Day")
    root = ET.fromstring(text)  # well-formed, names escaped
    assert root.tag == f"{SVG_NS}svg"
    assert (root.attrib["width"], root.attrib["height"]) == ("210mm", "297mm")
    assert root.attrib["viewBox"] == "0 0 210 297"
    texts = " | ".join(t.text or "" for t in root.iter(f"{SVG_NS}text"))
    for expected in (
        "Old Harbour | Warehouse",  # wrapped onto two lines at the largest size
        "17 Quay Street, Bristol",
        posters.INSTRUCTION,
        "ACD4 EF7H",
        URL,
        "The Long Night & Day",
    ):
        assert expected in texts
    group = root.find(f"{SVG_NS}g[@id='qr']")
    assert group is not None
    scale = re.search(r"scale\(([\d.]+)\)", group.attrib["transform"])
    assert scale is not None
    side_mm = float(scale.group(1)) * int(group.attrib["data-modules"])
    assert side_mm > 100  # large enough to scan from a step away
    assert decode(svg_qr_image(text)) == [URL]


@pytest.mark.browser
def test_svg_poster_in_a_real_browser(place: Location) -> None:
    """Chromium renders the SVG as an image; the screenshot's QR decodes."""
    from tests.browser_setup import find_chromium

    chromium = find_chromium()
    if chromium is None:
        pytest.fail("chromium is not installed: run `python -m tests.browser_setup`")
    from playwright.sync_api import sync_playwright

    svg = posters.poster_svg(place, URL, "The Long Night")
    source = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    html = (
        "<body style='margin:0'><img style='width:794px;height:1123px'"
        f" src='data:image/svg+xml;base64,{source}'></body>"
    )
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 794, "height": 1123})
        page.set_content(html)
        shot = page.screenshot()
        browser.close()
    assert decode(Image.open(io.BytesIO(shot))) == [URL]


def test_write_poster_multipage_pdf(
    fresh_db: sqlite_utils.Database, sites: list[Location], tmp_path: Path
) -> None:
    out = tmp_path / "all.pdf"
    assert posters.write_poster(fresh_db, None, out) == [out]
    pages = pdf_pages(out, dpi=80)
    by_name = sorted(sites, key=lambda s: s.name.casefold())  # the order of list_locations
    assert [decode(p) for p in pages] == [[f"https://callboard.test/l/{s.code}"] for s in by_name]


def test_write_poster_one_file_per_location(
    fresh_db: sqlite_utils.Database, sites: list[Location], tmp_path: Path
) -> None:
    written = posters.write_poster(
        fresh_db, None, tmp_path / "poster.png", base_url="https://crew.example"
    )
    assert sorted(p.name for p in written) == sorted(f"poster-{s.id}.png" for s in sites)
    for site in sites:
        image = Image.open(tmp_path / f"poster-{site.id}.png")
        assert decode(image) == [f"https://crew.example/l/{site.code}"]
    svgs = posters.write_poster(fresh_db, None, tmp_path / "p.SVG")
    assert len(svgs) == 3 and all(p.suffix == ".SVG" for p in svgs)


def test_write_poster_one_location_to_the_exact_path(
    fresh_db: sqlite_utils.Database, sites: list[Location], tmp_path: Path
) -> None:
    out = tmp_path / "gate.svg"
    assert posters.write_poster(fresh_db, sites[1].id, out) == [out]
    assert decode(svg_qr_image(out.read_text())) == [f"https://callboard.test/l/{sites[1].code}"]
    assert "Łódź Film School \u2013 Hall 2" in out.read_text()


def test_unicode_names_in_pdf(
    fresh_db: sqlite_utils.Database, sites: list[Location], tmp_path: Path
) -> None:
    out = tmp_path / "lodz.pdf"
    posters.write_poster(fresh_db, sites[1].id, out)
    [page] = pdf_pages(out)
    assert decode(page) == [f"https://callboard.test/l/{sites[1].code}"]


def test_write_poster_refusals(
    fresh_db: sqlite_utils.Database, sites: list[Location], tmp_path: Path
) -> None:
    from schema.errors import InvalidInput, NotFound

    with pytest.raises(InvalidInput, match=r"\.pdf, \.svg or \.png"):
        posters.write_poster(fresh_db, None, tmp_path / "p.jpg")
    with pytest.raises(NotFound):
        posters.write_poster(fresh_db, 999, tmp_path / "p.pdf")


def test_no_locations_yet(fresh_db: sqlite_utils.Database, tmp_path: Path) -> None:
    from schema.errors import NotFound

    with pytest.raises(NotFound, match="no locations"):
        posters.write_poster(fresh_db, None, tmp_path / "p.pdf")


def test_long_names_fit_the_page(tmp_path: Path) -> None:
    long = Location(
        id=1,
        name="The Extraordinarily Long Named Former Municipal Swimming Baths And Laundry "
        "Building, East Wing",
        address="Unit 4, The Old Industrial Estate, Somewhere Very Long Road, " * 3,
        code="ACD4EF7H",
    )
    items = posters.layout(long, URL, "A Production With A Name That Goes On And On " * 3)
    for item in items:
        if isinstance(item, posters.Text):
            width = posters.text_width(item.text, item.font, item.size)
            assert width <= posters.PAGE_W - 2 * posters.MARGIN + 0.5, item.text
    names = [i for i in items if isinstance(i, posters.Text) and i.size >= 24 and i.font == "bold"]
    assert 1 <= len(names) <= 2
    image = Image.open(io.BytesIO(posters.poster_png(long, URL, "X")))
    assert decode(image) == [URL]


def terminal_image(text: str, scale: int = 6) -> Image.Image:
    """Paint the half-block QR back into pixels: blocks are light, spaces dark (inverted)."""
    lines = text.split("\n")
    width = len(lines[0])
    image = Image.new("L", (width * scale, len(lines) * 2 * scale), 0)
    draw = ImageDraw.Draw(image)
    halves = {"█": (True, True), "▀": (True, False), "▄": (False, True), " ": (False, False)}
    for row, line in enumerate(lines):
        assert len(line) == width
        for col, char in enumerate(line):
            for half, light in enumerate(halves[char]):
                if light:
                    top = (row * 2 + half) * scale
                    draw.rectangle(
                        (col * scale, top, (col + 1) * scale - 1, top + scale - 1), fill=255
                    )
    return image


def test_terminal_qr_decodes() -> None:
    link = "https://callboard.test/p/OWhttbJohLOKji24Nvfg6C_lHOQ"
    text = posters.terminal_qr(link)
    assert set(text) <= {"█", "▀", "▄", " ", "\n"}
    assert decode(terminal_image(text)) == [link]
    plain = posters.terminal_qr(link, invert=False)
    assert plain != text


def test_spaced_code() -> None:
    assert posters.spaced_code("ACD4EF7H") == "ACD4 EF7H"
    assert posters.spaced_code("ABCDEFGHJK") == "ABCD EFGH JK"
