"""The call sheet on paper: an A4 PDF, one page for a normal day, black and white.

Text is real text (extractable, searchable), set in DejaVu when installed. Headings are bold
with a rule under them rather than colour bands, so a photocopy of a photocopy still reads.
The crew list flows in two columns, department by department, onto more pages when needed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from schema.callsheets import Sheet, day_label
from schema.outputs.fonts import font_path

PAGE_W, PAGE_H = 210.0, 297.0
MARGIN = 12.0
GUTTER = 6.0
COLUMN_W = (PAGE_W - 2 * MARGIN - GUTTER) / 2
ROW_H = 4.3
FOOTER_H = 8.0

# Core PDF fonts know only Latin-1: the few typographic marks we use get plain stand-ins.
_PLAIN = str.maketrans(
    {"\u00b7": "-", "\u2013": "-", "\u2014": "-", "\u2026": "...", "\u2019": "'"}
)


@dataclass
class _Fonts:
    regular: tuple[str, str]
    bold: tuple[str, str]
    unicode: bool


def callsheet_pdf(
    sheet: Sheet, *, version: int | None, published_at: datetime | None = None
) -> bytes:
    """The sheet as a PDF; `version` None marks it as an unpublished draft."""
    from fpdf import FPDF  # a heavy import, wanted only when printing

    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(auto=False)
    pdf.set_title(f"{sheet.production}: call sheet {sheet.date.isoformat()} {sheet.unit}")
    pdf.set_creator("Callboard")
    fonts = _fonts(pdf)
    writer = _Writer(pdf, fonts, sheet, version, published_at)
    writer.page()
    writer.header()
    writer.crew()
    return bytes(pdf.output())


def _fonts(pdf: object) -> _Fonts:
    from fpdf import FPDF

    assert isinstance(pdf, FPDF)
    regular, bold = font_path("sans"), font_path("bold")
    if regular is not None and bold is not None:
        pdf.add_font("cb-sans", "", str(regular))
        pdf.add_font("cb-sans", "B", str(bold))
        return _Fonts(("cb-sans", ""), ("cb-sans", "B"), True)
    return _Fonts(("Helvetica", ""), ("Helvetica", "B"), False)


class _Writer:
    def __init__(
        self,
        pdf: object,
        fonts: _Fonts,
        sheet: Sheet,
        version: int | None,
        published_at: datetime | None,
    ) -> None:
        from fpdf import FPDF

        assert isinstance(pdf, FPDF)
        self.pdf = pdf
        self.fonts = fonts
        self.sheet = sheet
        self.version = version
        self.published_at = published_at
        self.pages = 0

    # --- text helpers ---------------------------------------------------------------------------

    def text(self, value: str) -> str:
        return (
            value
            if self.fonts.unicode
            else value.translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")
        )

    def font(self, size: float, *, bold: bool = False) -> None:
        family, style = self.fonts.bold if bold else self.fonts.regular
        self.pdf.set_font(family, style, size)

    def line(
        self, label: str, value: str, width: float, *, size: float = 9, label_w: float = 24
    ) -> None:
        """ "Label  value", the value wrapping under itself; nothing for an empty value."""
        if not value:
            return
        x = self.pdf.get_x()
        self.font(size, bold=True)
        self.pdf.cell(label_w, 4.6, self.text(label))
        self.font(size)
        self.pdf.multi_cell(
            width - label_w, 4.6, self.text(value), align="L", new_x="LEFT", new_y="NEXT"
        )
        self.pdf.set_x(x)

    def rule(self, x: float, y: float, width: float, weight: float = 0.3) -> None:
        self.pdf.set_line_width(weight)
        self.pdf.set_draw_color(0, 0, 0)
        self.pdf.line(x, y, x + width, y)

    # --- the page -------------------------------------------------------------------------------

    def page(self) -> None:
        self.pdf.add_page()
        self.pages += 1
        self.footer()

    def footer(self) -> None:
        sheet = self.sheet
        y = PAGE_H - MARGIN - 3
        self.rule(MARGIN, y - 1.5, PAGE_W - 2 * MARGIN, 0.2)
        self.pdf.set_xy(MARGIN, y)
        self.font(7.5)
        if self.version is None:
            state = "DRAFT - not published; the published sheet may differ"
        else:
            when = f" {self.published_at:%d %b %Y %H:%M %Z}" if self.published_at else ""
            state = f"Version {self.version}, published{when}"
        left = f"{sheet.production} · {day_label(sheet.date)} · {sheet.unit} unit · {state}"
        self.pdf.cell(PAGE_W - 2 * MARGIN - 20, 4, self.text(left))
        self.pdf.cell(20, 4, f"Page {self.pages}", align="R")
        self.pdf.set_xy(MARGIN, MARGIN)

    def header(self) -> None:
        pdf, sheet = self.pdf, self.sheet
        full = PAGE_W - 2 * MARGIN
        self.font(17, bold=True)
        pdf.cell(full - 45, 8, self.text(sheet.production))
        pdf.cell(45, 8, "CALL SHEET", align="R", new_x="LMARGIN", new_y="NEXT")
        self.font(10.5)
        version = f"Version {self.version}" if self.version is not None else "DRAFT"
        pdf.cell(
            full,
            5.5,
            self.text(
                f"{sheet.date:%A} {sheet.date.day} {sheet.date:%B %Y} · {sheet.unit} unit · "
                f"Day {sheet.day_number} of {sheet.day_count} · {version}"
            ),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        self.rule(MARGIN, pdf.get_y() + 1, full, 0.6)
        pdf.set_y(pdf.get_y() + 3)
        top = pdf.get_y()
        self._call_box(top)
        self._location_box(top)
        pdf.set_xy(MARGIN, max(self._left_bottom, self._right_bottom) + 2)
        self._notes()

    def _call_box(self, top: float) -> None:
        pdf, sheet = self.pdf, self.sheet
        width = 62.0
        pdf.set_xy(MARGIN, top)
        self.font(8.5, bold=True)
        pdf.cell(width, 4.5, "GENERAL CREW CALL", new_x="LMARGIN", new_y="NEXT")
        self.font(26, bold=True)
        pdf.cell(width, 11, f"{sheet.call_at:%H:%M}", new_x="LMARGIN", new_y="NEXT")
        self.font(9)
        pdf.cell(width, 4.6, f"Estimated wrap {sheet.wrap_at:%H:%M}", new_x="LMARGIN", new_y="NEXT")
        place = sheet.location
        if place is not None and place.sunrise and place.sunset:
            pdf.cell(
                width,
                4.6,
                f"Sunrise {place.sunrise} · Sunset {place.sunset}"
                if self.fonts.unicode
                else f"Sunrise {place.sunrise} - Sunset {place.sunset}",
                new_x="LMARGIN",
                new_y="NEXT",
            )
        pdf.set_y(pdf.get_y() + 1)
        self.line("Meals", sheet.meals, width, label_w=13)
        self.pdf.set_line_width(0.5)
        bottom = pdf.get_y() + 1.5
        pdf.rect(MARGIN - 2, top - 2, width + 2, bottom - top + 2)
        self._left_bottom = bottom

    def _location_box(self, top: float) -> None:
        pdf, sheet = self.pdf, self.sheet
        left = MARGIN + 66
        width = PAGE_W - MARGIN - left
        pdf.set_xy(left, top)
        self.font(8.5, bold=True)
        pdf.cell(width, 4.5, "LOCATION", new_x="LEFT", new_y="NEXT")
        place = sheet.location
        self.font(12, bold=True)
        pdf.multi_cell(
            width,
            5.5,
            self.text(place.name if place else "To be confirmed"),
            new_x="LEFT",
            new_y="NEXT",
        )
        if place is not None:
            self.line("Address", place.address, width)
            self.line("Parking", place.parking, width)
            self.line("Base camp", place.base_camp, width)
            self.line("Hospital", place.hospital, width)
        self._right_bottom = pdf.get_y()

    def _notes(self) -> None:
        pdf, sheet = self.pdf, self.sheet
        full = PAGE_W - 2 * MARGIN
        pdf.set_x(MARGIN)
        self.line("Scenes", sheet.scenes, full, size=9.5)
        self.line("Notes", sheet.notes, full)
        self.line("SAFETY", sheet.safety_notes, full)
        contacts = "   ".join(
            f"{c.label}: {' / '.join(part for part in (c.phone, c.email) if part)}"
            for c in sheet.contacts
        )
        self.line("Contacts", contacts, full)
        if sheet.advance is not None:
            advance = sheet.advance
            line = (
                f"{day_label(advance.date)} · call {advance.call_at:%H:%M} · {advance.location}"
                + (f" · Scenes {advance.scenes}" if advance.scenes else "")
            )
            self.line("Next day", line, full)
        self.rule(MARGIN, pdf.get_y() + 1, full, 0.6)
        self._crew_top = pdf.get_y() + 3

    # --- the crew, in two columns ---------------------------------------------------------------

    def crew(self) -> None:
        column, y = 0, self._crew_top
        bottom = PAGE_H - MARGIN - FOOTER_H
        for department in self.sheet.departments:
            heading = department.name + (
                f" (walkie ch. {department.walkie})" if department.walkie else ""
            )
            rows = list(department.people)
            continued = False
            whole = len(rows) * ROW_H + ROW_H + 1.4
            if y + whole > bottom and self._crew_top + whole <= bottom:
                column, y = self._next_column(column)  # keep a department together
            while True:
                if y + 2 * ROW_H + 1.4 > bottom:  # a heading never ends a column alone
                    column, y = self._next_column(column)
                y = self._heading(column, y, heading + (" (cont.)" if continued else ""))
                while rows and y + ROW_H <= bottom:
                    person = rows.pop(0)
                    y = self._row(column, y, person.call_at, person.name, person.role)
                if not rows:
                    break
                column, y = self._next_column(column)
                continued = True
            y += 1.5

    def _next_column(self, column: int) -> tuple[int, float]:
        if column == 0:
            return 1, self._crew_top
        self.page()
        self._crew_top = MARGIN
        return 0, self._crew_top

    def _heading(self, column: int, y: float, text: str) -> float:
        x = MARGIN + column * (COLUMN_W + GUTTER)
        self.pdf.set_xy(x, y)
        self.font(9.5, bold=True)
        self.pdf.cell(COLUMN_W, ROW_H + 0.6, self.text(text.upper()))
        self.rule(x, y + ROW_H + 0.6, COLUMN_W, 0.4)
        return y + ROW_H + 1.4

    def _row(self, column: int, y: float, call_at: datetime, name: str, role: str) -> float:
        x = MARGIN + column * (COLUMN_W + GUTTER)
        self.pdf.set_xy(x, y)
        self.font(9, bold=True)
        self.pdf.cell(12, ROW_H, f"{call_at:%H:%M}")
        self.font(9)
        name_w = COLUMN_W * 0.48
        self.pdf.cell(name_w, ROW_H, self.text(_fit(self, name, name_w)))
        self.font(8)
        role_w = COLUMN_W - 12 - name_w
        self.pdf.cell(role_w, ROW_H, self.text(_fit(self, role, role_w)))
        return y + ROW_H


def _fit(writer: _Writer, text: str, width: float) -> str:
    """Cut a long name or role to its cell, marked, rather than overprint the next column."""
    pdf = writer.pdf
    if pdf.get_string_width(writer.text(text)) <= width - 1:
        return text
    while text and pdf.get_string_width(writer.text(text + "…")) > width - 1:
        text = text[:-1]
    return text.rstrip() + "…"
