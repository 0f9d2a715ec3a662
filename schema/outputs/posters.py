"""Printable check-in posters (PDF, SVG, PNG) and a QR code drawn in a terminal.

One layout, measured in millimetres on an A4 page, feeds three renderers so that the three
formats look alike: a dark band with the production's name, the location's name and address,
a large QR code of BASE_URL/l/CODE, one instruction, and the address and code in text for the
phone whose camera will not scan.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

import msgspec
import qrcode
import qrcode.constants
import sqlite_utils
from PIL import Image, ImageDraw, ImageFont

from schema import locations
from schema.errors import InvalidInput, NotFound
from schema.outputs.fonts import FONT_FILES, font_path
from schema.production import get as get_production
from schema.types import Location

PAGE_W, PAGE_H = 210.0, 297.0  # A4, millimetres
MARGIN = 15.0
PT = 25.4 / 72  # one typographic point in millimetres
PNG_DPI = 150
INSTRUCTION = "Scan with your phone camera to check in"
FORMATS = (".pdf", ".svg", ".png")

INK = "#111111"
MUTED = "#555555"
BAND = "#1c1c1e"
ACCENT = "#f5b700"
PAPER = "#ffffff"
PANEL = "#f2f2f2"

SVG_FAMILIES = {
    "sans": "'DejaVu Sans', Helvetica, Arial, sans-serif",
    "bold": "'DejaVu Sans', Helvetica, Arial, sans-serif",
    "mono": "'DejaVu Sans Mono', Menlo, Consolas, monospace",
}


# --- the layout ---------------------------------------------------------------------------------


class Text(msgspec.Struct, kw_only=True, frozen=True):
    """One line of text centred on x, sitting on the baseline y (mm), `size` in points."""

    text: str
    x: float
    y: float
    size: float
    font: str = "sans"  # sans | bold | mono
    color: str = INK


class Box(msgspec.Struct, kw_only=True, frozen=True):
    x: float
    y: float
    w: float
    h: float
    fill: str
    radius: float = 0.0


class Code(msgspec.Struct, kw_only=True, frozen=True):
    """A QR code: `modules` rows of dark (True) and light cells, quiet zone included."""

    x: float
    y: float
    size: float
    modules: tuple[tuple[bool, ...], ...]


Element = Text | Box | Code


# Error correction by name: Q for paper (posters get scuffed and taped over), M for a screen.
CORRECTION = {
    "M": qrcode.constants.ERROR_CORRECT_M,
    "Q": qrcode.constants.ERROR_CORRECT_Q,
}


def qr_modules(
    text: str, *, border: int = 4, correction: str = "Q"
) -> tuple[tuple[bool, ...], ...]:
    """The QR matrix for `text`."""
    qr = qrcode.QRCode(error_correction=CORRECTION[correction], border=border)
    qr.add_data(text)
    qr.make(fit=True)
    return tuple(tuple(bool(cell) for cell in row) for row in qr.get_matrix())


def layout(location: Location, url: str, production_name: str) -> list[Element]:
    """Everything on one poster, top to bottom, in millimetres."""
    width = PAGE_W - 2 * MARGIN
    centre = PAGE_W / 2
    items: list[Element] = [
        Box(x=0, y=0, w=PAGE_W, h=PAGE_H, fill=PAPER),
        Box(x=0, y=0, w=PAGE_W, h=30, fill=BAND),
        Box(x=0, y=30, w=PAGE_W, h=2.5, fill=ACCENT),
        Text(text="CHECK-IN POINT", x=centre, y=12, size=11, font="bold", color=ACCENT),
    ]
    size, lines = fit_lines(production_name, "bold", width, 20, 12, 1)
    items.append(Text(text=lines[0], x=centre, y=23.5, size=size, font="bold", color=PAPER))
    y = 42.0
    size, lines = fit_lines(location.name, "bold", width, 46, 24, 2)
    for line in lines:
        y += size * PT * 0.95
        items.append(Text(text=line, x=centre, y=y, size=size, font="bold"))
        y += size * PT * 0.25
    if location.address:
        size, lines = fit_lines(location.address, "sans", width, 16, 11, 2)
        y += 2
        for line in lines:
            y += size * PT
            items.append(Text(text=line, x=centre, y=y, size=size, color=MUTED))
            y += size * PT * 0.3
    items.extend(_qr_block(url, top=y + 4))
    items.extend(_fallback_block(location.code, url))
    return items


def _qr_block(url: str, *, top: float) -> list[Element]:
    """The QR code as large as the space allows, with the instruction under it."""
    bottom = PAGE_H - 72  # room below for the instruction and the typed fallback
    size = min(150.0, bottom - top)
    return [
        Code(x=(PAGE_W - size) / 2, y=top, size=size, modules=qr_modules(url)),
        Text(text=INSTRUCTION, x=PAGE_W / 2, y=top + size + 8, size=21, font="bold"),
    ]


def _fallback_block(code: str, url: str) -> list[Element]:
    """For a phone that will not scan: the address to type, and the code in large letters."""
    centre, top = PAGE_W / 2, PAGE_H - 52
    url_size, url_lines = fit_lines(url, "mono", PAGE_W - 2 * MARGIN - 10, 14, 8, 1)
    return [
        Box(x=MARGIN, y=top, w=PAGE_W - 2 * MARGIN, h=40, fill=PANEL, radius=4),
        Text(
            text="No camera? Type this address in your phone's browser:",
            x=centre,
            y=top + 8,
            size=11,
            color=MUTED,
        ),
        Text(text=url_lines[0], x=centre, y=top + 16, size=url_size, font="mono"),
        Text(text="CHECK-IN CODE", x=centre, y=top + 24.5, size=9, font="bold", color=MUTED),
        Text(text=spaced_code(code), x=centre, y=top + 35, size=28, font="mono"),
    ]


def spaced_code(code: str) -> str:
    """ABCDEFGH -> ABCD EFGH: easier to read aloud and to type (spaces are ignored on entry)."""
    return " ".join(code[i : i + 4] for i in range(0, len(code), 4))


# --- measuring text -----------------------------------------------------------------------------


@cache
def pil_font(kind: str, px: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = font_path(kind)
    if path is None:
        return ImageFont.load_default(size=px)
    return ImageFont.truetype(str(path), size=px)


def text_width(text: str, kind: str, size_pt: float) -> float:
    """Width of `text` in millimetres at `size_pt` points."""
    font = pil_font(kind, 100)
    return float(font.getlength(text)) / 100 * size_pt * PT


def fit_lines(
    text: str, kind: str, width: float, largest: float, smallest: float, max_lines: int
) -> tuple[float, list[str]]:
    """The largest size (points) at which `text` wraps into `max_lines` lines of `width` mm."""
    text = " ".join(text.split()) or " "
    size = largest
    while size >= smallest:
        lines = wrap(text, kind, size, width)
        if len(lines) <= max_lines:
            return size, lines
        size -= 2
    lines = wrap(text, kind, smallest, width)
    kept = lines[:max_lines]
    if len(lines) > max_lines:
        kept[-1] = _ellipsize(kept[-1] + " " + " ".join(lines[max_lines:]), kind, smallest, width)
    return smallest, kept


def wrap(text: str, kind: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}".strip()
        if current and text_width(candidate, kind, size) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    lines.append(current)
    return [_ellipsize(line, kind, size, width) for line in lines]


def _ellipsize(line: str, kind: str, size: float, width: float) -> str:
    if text_width(line, kind, size) <= width:
        return line
    while line and text_width(line + "…", kind, size) > width:
        line = line[:-1]
    return line.rstrip() + "…"


# --- renderers ----------------------------------------------------------------------------------


def poster_pdf(location: Location, url: str, production_name: str) -> bytes:
    """One A4 poster as a PDF."""
    return posters_pdf([(location, url)], production_name)


def posters_pdf(items: Sequence[tuple[Location, str]], production_name: str) -> bytes:
    """One A4 page per location, in one PDF."""
    from fpdf import FPDF  # a heavy import, wanted only when printing

    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.set_margin(0)
    pdf.set_title(f"{production_name}: check-in posters")
    pdf.set_creator("Callboard")
    fonts = _pdf_fonts(pdf)
    for location, url in items:
        pdf.add_page()
        for element in layout(location, url, production_name):
            _pdf_element(pdf, element, fonts)
    return bytes(pdf.output())


def _pdf_fonts(pdf: object) -> dict[str, tuple[str, str]]:
    """Family and style per font kind: DejaVu when installed, else the PDF core fonts."""
    from fpdf import FPDF

    assert isinstance(pdf, FPDF)
    found: dict[str, tuple[str, str]] = {}
    for kind in FONT_FILES:
        path = font_path(kind)
        if path is not None:
            pdf.add_font(f"cb-{kind}", "", str(path))
            found[kind] = (f"cb-{kind}", "")
        else:
            found[kind] = ("Courier", "B") if kind == "mono" else ("Helvetica", _core_style(kind))
    return found


def _core_style(kind: str) -> str:
    return "B" if kind == "bold" else ""


def _pdf_element(pdf: object, element: Element, fonts: dict[str, tuple[str, str]]) -> None:
    from fpdf import FPDF

    assert isinstance(pdf, FPDF)
    if isinstance(element, Box):
        pdf.set_fill_color(*_rgb(element.fill))
        pdf.rect(
            element.x,
            element.y,
            element.w,
            element.h,
            style="F",
            round_corners=element.radius > 0,
            corner_radius=element.radius,
        )
    elif isinstance(element, Text):
        family, style = fonts[element.font]
        pdf.set_font(family, style, element.size)
        pdf.set_text_color(*_rgb(element.color))
        text = element.text if family.startswith("cb-") else _latin1(element.text)
        pdf.text(element.x - pdf.get_string_width(text) / 2, element.y, text)
    else:
        cell = element.size / len(element.modules)
        pdf.set_fill_color(*_rgb(INK))
        for row, start, length in dark_runs(element.modules):
            # A hair of overlap so that viewers show no seams between rows.
            pdf.rect(
                element.x + start * cell, element.y + row * cell, length * cell, cell + 0.02, "F"
            )


def poster_svg(location: Location, url: str, production_name: str) -> str:
    """One A4 poster as SVG text (the QR as crisp rectangles in a group with id 'qr')."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{PAGE_W:g}mm" height="{PAGE_H:g}mm"'
        f' viewBox="0 0 {PAGE_W:g} {PAGE_H:g}">',
        f"<title>{escape(location.name)}: check in</title>",
    ]
    parts.extend(_svg_element(e) for e in layout(location, url, production_name))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _svg_element(element: Element) -> str:
    if isinstance(element, Box):
        return (
            f'<rect x="{element.x:.2f}" y="{element.y:.2f}" width="{element.w:.2f}"'
            f' height="{element.h:.2f}" rx="{element.radius:.2f}" fill="{element.fill}"/>'
        )
    if isinstance(element, Text):
        weight = "bold" if element.font in ("bold", "mono") else "normal"
        return (
            f'<text x="{element.x:.2f}" y="{element.y:.2f}" font-size="{element.size * PT:.2f}"'
            f' font-family="{SVG_FAMILIES[element.font]}" font-weight="{weight}"'
            f' text-anchor="middle" fill="{element.color}">{escape(element.text)}</text>'
        )
    cell = element.size / len(element.modules)
    rects = "".join(
        f'<rect x="{start}" y="{row}" width="{length}" height="1"/>'
        for row, start, length in dark_runs(element.modules)
    )
    return (
        f'<g id="qr" data-modules="{len(element.modules)}" fill="{INK}"'
        f' shape-rendering="crispEdges"'
        f' transform="translate({element.x:.3f} {element.y:.3f}) scale({cell:.5f})">'
        f"{rects}</g>"
    )


def poster_png(location: Location, url: str, production_name: str, *, dpi: int = PNG_DPI) -> bytes:
    """One A4 poster as a PNG image at `dpi`."""
    scale = dpi / 25.4
    image = Image.new("RGB", (round(PAGE_W * scale), round(PAGE_H * scale)), PAPER)
    draw = ImageDraw.Draw(image)
    for element in layout(location, url, production_name):
        _png_element(draw, element, scale)
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(dpi, dpi))
    return out.getvalue()


def _png_element(draw: ImageDraw.ImageDraw, element: Element, scale: float) -> None:
    if isinstance(element, Box):
        box = (
            element.x * scale,
            element.y * scale,
            (element.x + element.w) * scale - 1,
            (element.y + element.h) * scale - 1,
        )
        draw.rounded_rectangle(box, radius=element.radius * scale, fill=element.fill)
    elif isinstance(element, Text):
        font = pil_font(element.font, max(1, round(element.size * PT * scale)))
        draw.text(
            (element.x * scale, element.y * scale),
            element.text,
            font=font,
            fill=element.color,
            anchor="ms",
        )
    else:
        cell = element.size * scale / len(element.modules)
        for row, start, length in dark_runs(element.modules):
            left, top = element.x * scale + start * cell, element.y * scale + row * cell
            draw.rectangle(
                (round(left), round(top), round(left + length * cell) - 1, round(top + cell) - 1),
                fill=INK,
            )


def dark_runs(modules: Sequence[Sequence[bool]]) -> list[tuple[int, int, int]]:
    """(row, first column, length) of each horizontal run of dark modules."""
    runs: list[tuple[int, int, int]] = []
    for r, row in enumerate(modules):
        start: int | None = None
        for c, dark in enumerate([*row, False]):
            if dark and start is None:
                start = c
            elif not dark and start is not None:
                runs.append((r, start, c - start))
                start = None
    return runs


def _rgb(colour: str) -> tuple[int, int, int]:
    value = colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _latin1(text: str) -> str:
    return text.replace("…", "...").encode("latin-1", "replace").decode("latin-1")


# --- files --------------------------------------------------------------------------------------


def write_poster(
    db: sqlite_utils.Database,
    location_id: int | None,
    out_path: str | Path,
    base_url: str | None = None,
    *,
    replace: bool = False,
) -> list[Path]:
    """Write posters for one location (or all) and return the files written.

    The extension picks the format. Several locations make a multi-page PDF, or for SVG and
    PNG one file per location with the location's id before the extension (gate-7.png). An
    existing file is never overwritten unless `replace`: nothing is written then.
    """
    out = Path(out_path)
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise InvalidInput(f"poster file {out.name!r} must end in .pdf, .svg or .png", field="out")
    production = get_production(db)
    base = base_url or production.base_url
    chosen = _chosen_locations(db, location_id)
    items = [(loc, locations.checkin_url(base, loc)) for loc in chosen]
    if suffix == ".pdf":
        files = {out: posters_pdf(items, production.name)}
    else:
        render = poster_svg if suffix == ".svg" else poster_png
        files = {
            (
                out
                if location_id is not None
                else out.with_name(f"{out.stem}-{loc.id}{out.suffix}")
            ): (_as_bytes(render(loc, url, production.name)))
            for loc, url in items
        }
    if not replace and (taken := [path for path in files if path.exists()]):
        raise InvalidInput(f"{taken[0]} already exists: choose another name", field="out")
    for path, content in files.items():
        try:
            with path.open("wb" if replace else "xb") as file:  # x: never clobber, even in a race
                file.write(content)
        except FileExistsError:
            raise InvalidInput(f"{path} already exists: choose another name", field="out") from None
    return list(files)


def _as_bytes(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


def _chosen_locations(db: sqlite_utils.Database, location_id: int | None) -> list[Location]:
    if location_id is not None:
        return [locations.get_location(db, location_id)]
    found = locations.list_locations(db)
    if not found:
        raise NotFound("this production has no locations yet; add one first")
    return found


# --- the terminal -------------------------------------------------------------------------------


def terminal_qr(text: str, *, invert: bool = True, border: int = 2) -> str:
    """A QR code in Unicode half blocks, two module rows per line of text.

    With `invert` (the default) light modules are drawn as blocks, which is what a terminal with
    light text on a dark background needs for phones to read dark-on-light.
    """
    modules = qr_modules(text, border=border)
    painted = [[cell != invert for cell in row] for row in modules]
    if len(painted) % 2:
        painted.append([invert] * len(painted[0]))  # one more row of quiet zone
    glyphs = {(True, True): "█", (True, False): "▀", (False, True): "▄", (False, False): " "}
    lines = [
        "".join(glyphs[(top, bottom)] for top, bottom in zip(upper, lower, strict=True))
        for upper, lower in zip(painted[0::2], painted[1::2], strict=True)
    ]
    return "\n".join(lines)
