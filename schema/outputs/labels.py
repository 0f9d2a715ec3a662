"""QR labels for equipment units (and stage codes): a sheet of stickers on A4.

Each label holds a QR code of BASE_URL/e/CODE (a stage's of BASE_URL/s/CODE), the unit's label
and item in words, and the code in print for a camera that will not scan. The drawing reuses
the posters' elements and renderers so PDF and PNG look alike.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from pathlib import Path

import msgspec
import sqlite_utils
from PIL import Image, ImageDraw

from schema import gear, plan, stock
from schema.errors import InvalidInput, NotFound
from schema.outputs.posters import (
    MUTED,
    PAGE_H,
    PAGE_W,
    PAPER,
    Box,
    Code,
    Element,
    Text,
    _pdf_element,
    _pdf_fonts,
    _png_element,
    fit_lines,
    qr_modules,
    spaced_code,
)
from schema.production import get as get_production

COLUMNS, ROWS = 3, 6
LABEL_W, LABEL_H = 63.5, 46.5  # a common 18-up sticker sheet
LEFT = (PAGE_W - COLUMNS * LABEL_W) / 2
TOP = (PAGE_H - ROWS * LABEL_H) / 2
PNG_DPI = 200
FORMATS = (".pdf", ".png")


class Label(msgspec.Struct, kw_only=True, frozen=True):
    title: str
    subtitle: str
    code: str
    url: str


def label_elements(label: Label, x: float, y: float) -> list[Element]:
    qr = LABEL_H - 16
    text_x = x + qr + 3 + (LABEL_W - qr - 4) / 2
    width = LABEL_W - qr - 7
    items: list[Element] = [
        Box(x=x + 1, y=y + 1, w=LABEL_W - 2, h=LABEL_H - 2, fill="#f7f7f7", radius=2),
        Code(x=x + 2, y=y + 8, size=qr, modules=qr_modules(label.url, border=2, correction="Q")),
    ]
    size, lines = fit_lines(label.title, "bold", width, 10, 8, 1)
    if lines[0].endswith("…"):  # a long name: two smaller lines rather than a clipped one
        size, lines = fit_lines(label.title, "bold", width, 9, 7, 2)
    line_y = y + 12
    for line in lines:
        items.append(Text(text=line, x=text_x, y=line_y, size=size, font="bold"))
        line_y += size * 0.42
    size, lines = fit_lines(label.subtitle, "sans", width, 8, 6, 1)
    for line in lines:
        line_y += 1
        items.append(Text(text=line, x=text_x, y=line_y + 2, size=size, color=MUTED))
        line_y += size * 0.4
    items.append(
        Text(text=spaced_code(label.code), x=text_x, y=y + LABEL_H - 8, size=9, font="mono")
    )
    return items


def pages(labels: Sequence[Label]) -> list[list[Element]]:
    per_page = COLUMNS * ROWS
    result = []
    for start in range(0, len(labels), per_page):
        elements: list[Element] = [Box(x=0, y=0, w=PAGE_W, h=PAGE_H, fill=PAPER)]
        for index, label in enumerate(labels[start : start + per_page]):
            column, row = index % COLUMNS, index // COLUMNS
            elements.extend(label_elements(label, LEFT + column * LABEL_W, TOP + row * LABEL_H))
        result.append(elements)
    return result


def labels_pdf(labels: Sequence[Label], production_name: str) -> bytes:
    from fpdf import FPDF

    # fontTools narrates every font subset at INFO: noise wherever a root handler listens.
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.set_margin(0)
    pdf.set_title(f"{production_name}: equipment labels")
    pdf.set_creator("Callboard")
    fonts = _pdf_fonts(pdf)
    for page in pages(labels):
        pdf.add_page()
        for element in page:
            _pdf_element(pdf, element, fonts)
    return bytes(pdf.output())


def labels_png(page: list[Element], *, dpi: int = PNG_DPI) -> bytes:
    scale = dpi / 25.4
    image = Image.new("RGB", (round(PAGE_W * scale), round(PAGE_H * scale)), PAPER)
    draw = ImageDraw.Draw(image)
    for element in page:
        _png_element(draw, element, scale)
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(dpi, dpi))
    return out.getvalue()


def unit_labels(
    db: sqlite_utils.Database, base_url: str, *, item_id: int | None = None
) -> list[Label]:
    lines = gear.list_units(db, item_id=item_id)
    if item_id is not None:
        stock.get_item(db, item_id)
    return [
        Label(
            title=line.unit.label,
            subtitle=line.item_name + (f" · {line.unit.kit}" if line.unit.kit else ""),
            code=line.unit.code,
            url=gear.label_url(base_url, line.unit),
        )
        for line in lines
    ]


def stage_labels(db: sqlite_utils.Database, base_url: str) -> list[Label]:
    return [
        Label(
            title=stage.name,
            subtitle="Scan when work here is done",
            code=stage.code,
            url=plan.stage_url(base_url, stage),
        )
        for stage in plan.stages(db)
    ]


def write_labels(
    db: sqlite_utils.Database,
    out_path: str | Path,
    *,
    item_id: int | None = None,
    stages: bool = False,
    base_url: str | None = None,
    replace: bool = False,
) -> list[Path]:
    """Write a label sheet: a PDF (a page per 18 labels), or PNG pages (-2, -3... after the
    first). Never overwrites unless `replace`."""
    out = Path(out_path)
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise InvalidInput(f"label file {out.name!r} must end in .pdf or .png", field="out")
    production = get_production(db)
    base = base_url or production.base_url
    chosen = stage_labels(db, base) if stages else unit_labels(db, base, item_id=item_id)
    if not chosen:
        raise NotFound("nothing to label: add equipment units (or stages) first")
    if suffix == ".pdf":
        files = {out: labels_pdf(chosen, production.name)}
    else:
        files = {
            (out if n == 0 else out.with_name(f"{out.stem}-{n + 1}{out.suffix}")): labels_png(page)
            for n, page in enumerate(pages(chosen))
        }
    if not replace and (taken := [path for path in files if path.exists()]):
        raise InvalidInput(f"{taken[0]} already exists: choose another name", field="out")
    for path, content in files.items():
        try:
            with path.open("wb" if replace else "xb") as file:
                file.write(content)
        except FileExistsError:
            raise InvalidInput(f"{path} already exists: choose another name", field="out") from None
    return list(files)
