"""Reports on paper and in spreadsheets: the daily production report, timecards, day out of days
and the sign-in sheet, as text-extractable PDFs (fpdf2) and neutralised CSV.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from schema.clock import utcnow
from schema.errors import InvalidInput
from schema.outputs.fonts import font_path
from schema.outputs.spreadsheets import to_csv
from schema.reports import (
    LEGEND,
    DailyReport,
    DayOutOfDays,
    ReportLine,
    SignInSheet,
)

if TYPE_CHECKING:
    from fpdf import FPDF

LINE_COLUMNS = tuple(ReportLine.__struct_fields__)
FAMILY = "cb"


# --- CSV ------------------------------------------------------------------------------------


def lines_csv(lines: Sequence[ReportLine]) -> str:
    """One row per person and day (the DPR's and the timecards' spreadsheet)."""
    return to_csv(LINE_COLUMNS, ({c: getattr(line, c) for c in LINE_COLUMNS} for line in lines))


def daily_csv(report: DailyReport) -> str:
    return lines_csv([line for day in report.days for line in day.lines])


def dood_csv(dood: DayOutOfDays) -> str:
    columns = [
        "name",
        "department",
        "role",
        *dood.dates,
        "work",
        "hold",
        "travel",
        "start",
        "finish",
    ]
    rows = (
        {
            "name": row.name,
            "department": row.department,
            "role": row.role,
            **{on: row.codes.get(on, "") for on in dood.dates},
            "work": row.work,
            "hold": row.hold,
            "travel": row.travel,
            "start": row.start,
            "finish": row.finish,
        }
        for row in dood.rows
    )
    return to_csv(columns, rows)


def write(path: str | Path, *, csv: str | None = None, pdf: bytes | None = None) -> Path:
    """Write one report file, never over an existing one (a printed report is a record)."""
    target = Path(path)
    if not target.parent.is_dir():
        raise InvalidInput(f"there is no folder {target.parent}", field="out")
    try:
        if csv is not None:
            with target.open("x", encoding="utf-8", newline="") as out:
                out.write(csv)
        elif pdf is not None:
            with target.open("xb") as out:
                out.write(pdf)
    except FileExistsError:
        raise InvalidInput(f"{target} already exists; choose another name", field="out") from None
    return target


def kind_of(path: str | Path) -> str:
    """pdf or csv from a file's name; anything else is refused (no CSV under an .xlsx name)."""
    suffix = Path(path).suffix.lower()
    if suffix not in (".pdf", ".csv"):
        raise InvalidInput(f"can't tell a format from {str(path)!r}: name it .pdf or .csv")
    return suffix[1:]


# --- PDF ------------------------------------------------------------------------------------


def _pdf(orientation: str, title: str) -> FPDF:
    from fpdf import FPDF  # a heavy import, wanted only when printing

    # fpdf2 subsets fonts with fontTools, which logs each table it drops at INFO: noise on a
    # coordinator's terminal wherever logging is configured.
    logging.getLogger("fontTools").setLevel(logging.WARNING)
    pdf = FPDF(orientation=orientation, unit="mm", format="A4")
    pdf.set_title(title)
    pdf.set_creator("Callboard")
    pdf.set_creation_date(datetime(2000, 1, 1, tzinfo=UTC))  # the same day, the same bytes
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.set_margins(10, 10, 10)
    regular, bold = font_path("sans"), font_path("bold")
    if regular is not None and bold is not None:
        pdf.add_font(FAMILY, "", str(regular))
        pdf.add_font(FAMILY, "B", str(bold))
        family = FAMILY
    else:
        family = "Helvetica"
    pdf.set_font(family, "", 9)
    pdf.alias_nb_pages()
    pdf.add_page()
    return pdf


def _heading(pdf: FPDF, title: str, subtitle: str) -> None:
    pdf.set_font(style="B", size=15)
    pdf.cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(style="", size=9.5)
    pdf.multi_cell(0, 5, subtitle, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _table(
    pdf: FPDF,
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths: Sequence[float],
    *,
    row_height: float | None = None,
) -> None:
    pdf.set_font(size=8)
    with pdf.table(
        min_row_height=row_height,
        col_widths=tuple(widths),
        text_align="LEFT",
        line_height=4.2,
        padding=1,
        repeat_headings=1,
        cell_fill_color=(238, 242, 250),
        cell_fill_mode="ROWS",
    ) as table:
        heading = table.row()
        for text in header:
            heading.cell(text)
        for values in rows:
            row = table.row()
            for text in values:
                row.cell(text)
    pdf.set_font(size=9)


def _stamp(now: datetime | None) -> str:
    return f"Printed {(now or utcnow()):%Y-%m-%d %H:%M} UTC by Callboard · {{nb}} page(s)"


def daily_pdf(report: DailyReport, *, now: datetime | None = None) -> bytes:
    title = f"Daily production report — {report.date:%A %d %B %Y}"
    pdf = _pdf("landscape", title)
    _heading(pdf, title, f"{report.production}" + (f" · {report.unit}" if report.unit else ""))
    if not report.days:
        pdf.cell(0, 6, "Nothing was scheduled on this day.", new_x="LMARGIN", new_y="NEXT")
    for day in report.days:
        _daily_section(pdf, day)
    _footer(pdf, _stamp(now))
    return bytes(pdf.output())


def _daily_section(pdf: FPDF, day: Any) -> None:
    d = day.day
    pdf.set_font(style="B", size=11)
    pdf.cell(0, 7, f"{d.unit} — {day.location or 'no location'}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(style="", size=9)
    meal = f"meal {d.meal_at:%H:%M} for {d.meal_minutes} min" if d.meal_at else "no meal break set"
    facts = [
        f"Call {d.call_at:%H:%M}, planned wrap {d.wrap_at:%H:%M}, {meal}",
        f"Scenes planned: {d.scenes or '—'}",
    ]
    if d.notes:
        facts.append(f"Notes: {d.notes}")
    totals = day.totals
    facts.append(
        f"Called {totals['called']} · arrived {totals['arrived']} (late {totals['late']}) · "
        f"wrapped {totals['wrapped']} · absent {totals['absent']} · sick {totals['sick']} · "
        f"released {totals['released']} · meal penalties {totals['meal_penalties']} · "
        f"times from the phone {totals['phone_times']}"
    )
    for fact in facts:
        pdf.multi_cell(0, 4.6, fact, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)
    header = ("Name", "Dept", "Role", "Call", "Arrived", "Late", "Meal", "Wrap", "Hours")
    header += ("Status", "Notes")
    rows = [
        (
            line.name,
            line.department,
            line.role,
            line.call,
            _with_source(line.arrived, line.arrived_source),
            f"{line.late_minutes} min" if line.late_minutes else "",
            f"{line.meal_out} to {line.meal_in}" if line.meal_out else "",
            _with_source(line.wrap, line.wrap_source),
            line.hours,
            line.status,
            "; ".join(x for x in (line.reason, line.flags) if x),
        )
        for line in day.lines
    ]
    _table(pdf, header, rows, (30, 18, 22, 10, 22, 11, 19, 22, 11, 14, 48))
    pdf.set_font(size=7.5)
    pdf.multi_cell(
        0,
        4,
        "Sources: (phone) = the phone's own clock, sent later from its offline outbox; "
        "(hand) = marked by the coordinator; otherwise the server's clock. Meals are the "
        "unit's planned break unless marked by hand.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_font(size=9)
    pdf.ln(4)


SOURCE_LABELS = {"phone": " (phone)", "coordinator": " (hand)"}


def _with_source(at: str, source: str) -> str:
    return f"{at}{SOURCE_LABELS.get(source, '')}" if at else ""


def dood_pdf(dood: DayOutOfDays, *, now: datetime | None = None) -> bytes:
    title = "Day out of days"
    pdf = _pdf("landscape", title)
    legend = " · ".join(f"{code} {meaning}" for code, meaning in LEGEND.items())
    _heading(pdf, title, f"{dood.production}\n{legend}")
    dates = dood.dates
    chunk = 18  # dates per page width, then the grid continues below
    for start in range(0, max(len(dates), 1), chunk):
        shown = dates[start : start + chunk]
        header = ("Name", "Dept", *[_short_date(on) for on in shown], "W", "H", "T")
        rows = [
            (
                row.name,
                row.department,
                *[row.codes.get(on, "") for on in shown],
                str(row.work),
                str(row.hold),
                str(row.travel),
            )
            for row in dood.rows
        ]
        width = (277 - 68 - 24) / max(len(shown), 1)
        _table(pdf, header, rows, (40, 28, *[width] * len(shown), 8, 8, 8))
        pdf.ln(4)
    _footer(pdf, _stamp(now))
    return bytes(pdf.output())


def _short_date(on: str) -> str:
    moment = datetime.fromisoformat(on)
    return f"{moment:%a}\n{moment:%d %b}"


def signin_sheets_pdf(sheets: Sequence[SignInSheet], *, now: datetime | None = None) -> bytes:
    """One page (or more) per location: the paper fallback when phones are down."""
    if not sheets:
        raise InvalidInput("nobody is called at any location on that day")
    pdf = _pdf("landscape", f"Sign-in sheets — {sheets[0].date:%d %B %Y}")
    for index, sheet in enumerate(sheets):
        if index:
            pdf.add_page()
        _signin_page(pdf, sheet, now)
    return bytes(pdf.output())


def _signin_page(pdf: FPDF, sheet: SignInSheet, now: datetime | None) -> None:
    title = f"Sign-in sheet — {sheet.location}"
    units = ", ".join(sheet.units) or "no unit called"
    _heading(
        pdf,
        title,
        f"{sheet.production} · {sheet.date:%A %d %B %Y} · {units}\n{sheet.address}\n"
        "If the phones are down, sign in and out here. The coordinator enters these times "
        "afterwards (marked as by hand).",
    )
    header = ("Name", "Dept", "Role", "Call", "Time in", "Signature")
    header += ("Meal out", "Meal in", "Time out", "Signature")
    rows = [(x.name, x.department, x.role, x.call, "", "", "", "", "", "") for x in sheet.lines]
    rows += [("", "", "", "", "", "", "", "", "", "")] * 4  # for the ones nobody called
    # Rows tall enough to write a time and sign by hand.
    _table(pdf, header, rows, (42, 24, 28, 12, 18, 42, 17, 17, 18, 42), row_height=8.5)
    _footer(pdf, _stamp(now))


def _footer(pdf: FPDF, text: str) -> None:
    pdf.ln(3)
    pdf.set_font(size=7.5)
    pdf.cell(0, 5, text, new_x="LMARGIN", new_y="NEXT")
