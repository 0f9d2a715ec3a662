"""Spreadsheets in and out: people from CSV; people, schedule and check-ins to CSV or JSON.

An import is all or nothing: every row is checked first (with the same rules as a person typed
into the TUI), and only a file with no bad row is written, in one transaction.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import msgspec
import sqlite_utils

from schema import directory
from schema.clock import utcnow
from schema.errors import CallboardError, InvalidInput
from schema.production import COORDINATOR
from schema.rules import plural
from schema.store.connection import read, write
from schema.types import PersonKind

PEOPLE_COLUMNS = ("name", "kind", "department", "role", "email", "phone", "vendor", "notes")
VENDOR_COLUMNS = ("name", "service", "email", "phone", "address", "notes")
# Columns an export carries that an import accepts and ignores (a new person gets a new id).
IGNORED_COLUMNS = ("id",)
MAX_ROWS = 20_000
SHOWN_ERRORS = 5
KIND_ALIASES = {
    "": PersonKind.CREW,
    "crew": PersonKind.CREW,
    "cast": PersonKind.CAST,
    "vendor": PersonKind.VENDOR_CONTACT,
    "vendor contact": PersonKind.VENDOR_CONTACT,
    "vendor_contact": PersonKind.VENDOR_CONTACT,
}


class RowError(msgspec.Struct, kw_only=True, frozen=True):
    line: int
    reason: str


class ImportRefused(CallboardError):
    """A spreadsheet with bad rows: nothing from it was written."""

    code = "import_refused"

    def __init__(self, source: str, errors: Sequence[RowError]) -> None:
        self.errors = list(errors)
        first = errors[0]
        message = f"{source} line {first.line}: {first.reason}"
        others = errors[1:]
        if others:
            lines = ", ".join(str(e.line) for e in others[:SHOWN_ERRORS])
            more = "" if len(others) <= SHOWN_ERRORS else ", ..."
            message += f" (also bad: line{'s' if len(others) > 1 else ''} {lines}{more})"
        super().__init__(message + "; nothing was imported")


class ImportResult(msgspec.Struct, kw_only=True):
    people: int
    person_ids: list[int]


class VendorImportResult(msgspec.Struct, kw_only=True):
    vendors: int
    vendor_ids: list[int]


# --- import -------------------------------------------------------------------------------------


def import_people_file(
    db: sqlite_utils.Database,
    path: str | Path,
    *,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> ImportResult:
    """Add everyone in a CSV file, or no one if any row is bad."""
    source = Path(path)
    try:
        text = source.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"{source.name} is not UTF-8 text (save it as CSV UTF-8)") from None
    return import_people(db, text, source=source.name, actor=actor, now=now)


def import_people(
    db: sqlite_utils.Database,
    text: str,
    *,
    source: str = "CSV",
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> ImportResult:
    rows = list(_records(text, source))
    vendors = _vendor_index(db)
    emails: dict[str, str] = {}
    checked: list[directory.PersonIn] = []
    errors: list[RowError] = []
    for line, record in rows:
        if isinstance(record, RowError):
            errors.append(record)
            continue
        try:
            person = _person_in(record, vendors)
            directory.clean_person(person)
            directory.check_email_free(db, person.email)
            _check_repeated_email(person.email, emails, line)
        except InvalidInput as error:
            errors.append(RowError(line=line, reason=error.message))
            continue
        checked.append(person)
    if errors:
        raise ImportRefused(source, errors)
    if not checked:
        raise InvalidInput(f"{source} has a header but no people")
    moment = now or utcnow()
    with write(db):
        added = [directory.add_person(db, p, actor=actor, now=moment).id for p in checked]
    return ImportResult(people=len(added), person_ids=added)


def read_text(path: str | Path) -> tuple[str, str]:
    """A CSV file's text (Excel's UTF-8 BOM removed) and its name for messages."""
    source = Path(path)
    try:
        return source.read_bytes().decode("utf-8-sig"), source.name
    except UnicodeDecodeError:
        raise InvalidInput(f"{source.name} is not UTF-8 text (save it as CSV UTF-8)") from None


def import_vendors_file(
    db: sqlite_utils.Database,
    path: str | Path,
    *,
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> VendorImportResult:
    text, source = read_text(path)
    return import_vendors(db, text, source=source, actor=actor, now=now)


def import_vendors(
    db: sqlite_utils.Database,
    text: str,
    *,
    source: str = "CSV",
    actor: str = COORDINATOR,
    now: datetime | None = None,
) -> VendorImportResult:
    """Add every vendor in a CSV file, or none if any row is bad (a name already in the
    production, or twice in the file, is a bad row)."""
    checked: list[directory.VendorIn] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for line, record in _records(text, source, VENDOR_COLUMNS):
        if isinstance(record, RowError):
            errors.append(record)
            continue
        vendor = directory.VendorIn(**{c: record.get(c, "") for c in VENDOR_COLUMNS})
        try:
            values = directory.clean_vendor(vendor)
            directory.check_vendor_name_free(db, values["name"])
            key = values["name"].casefold()
            if key in seen:
                raise InvalidInput(f"{values['name']} is already on line {seen[key]}")
            seen[key] = line
        except InvalidInput as error:
            errors.append(RowError(line=line, reason=error.message))
            continue
        checked.append(vendor)
    if errors:
        raise ImportRefused(source, errors)
    if not checked:
        raise InvalidInput(f"{source} has a header but no vendors")
    moment = now or utcnow()
    with write(db):
        added = [directory.add_vendor(db, v, actor=actor, now=moment).id for v in checked]
    return VendorImportResult(vendors=len(added), vendor_ids=added)


def _records(
    text: str, source: str, columns: Sequence[str] = PEOPLE_COLUMNS
) -> Iterator[tuple[int, dict[str, str] | RowError]]:
    """(line where the row starts, {column: value} or what is wrong) for each non-blank row."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = _header(reader, source, columns)
    count = 0
    start = reader.line_num + 1
    try:
        for row in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            count += 1
            if count > MAX_ROWS:
                raise InvalidInput(f"{source} has more than {MAX_ROWS} rows; split it")
            if len(row) > len(header):
                reason = f"{plural(len(row), 'cell')} but only {plural(len(header), 'column')}"
                yield line, RowError(line=line, reason=reason)
                continue
            cells = [unneutralise(cell) for cell in row]
            yield line, dict(zip(header, [*cells, *[""] * (len(header) - len(row))], strict=True))
    except csv.Error as error:
        raise ImportRefused(source, [RowError(line=reader.line_num, reason=str(error))]) from None


def _header(reader: Any, source: str, columns: Sequence[str] = PEOPLE_COLUMNS) -> list[str]:
    try:
        raw = next(reader)
    except StopIteration:
        raise InvalidInput(f"{source} is empty") from None
    except csv.Error as error:
        raise ImportRefused(source, [RowError(line=1, reason=str(error))]) from None
    header = [cell.strip().lower() for cell in raw]
    allowed = set(columns) | set(IGNORED_COLUMNS)
    unknown = [h for h in header if h not in allowed]
    if unknown:
        reason = f"unknown column {unknown[0]!r} (columns: {', '.join(columns)})"
        raise ImportRefused(source, [RowError(line=1, reason=reason)])
    if "name" not in header:
        raise ImportRefused(source, [RowError(line=1, reason="no 'name' column")])
    if len(set(header)) != len(header):
        raise ImportRefused(source, [RowError(line=1, reason="a column appears twice")])
    return header


def _person_in(record: dict[str, str], vendors: dict[str, int]) -> directory.PersonIn:
    kind_text = record.get("kind", "").strip().lower()
    if kind_text not in KIND_ALIASES:
        raise InvalidInput(f"kind {kind_text!r} is not crew, cast or vendor", field="kind")
    kind = KIND_ALIASES[kind_text]
    vendor_text = record.get("vendor", "").strip()
    vendor_id = None
    if vendor_text:
        vendor_id = vendors.get(vendor_text.casefold())
        if vendor_id is None:
            raise InvalidInput(
                f"no vendor named {vendor_text!r}: add it first (`callboard vendors add` or "
                "`callboard import vendors`)",
                field="vendor",
            )
        if kind != PersonKind.VENDOR_CONTACT:
            raise InvalidInput("only a vendor contact can have a vendor", field="vendor")
    return directory.PersonIn(
        name=record.get("name", ""),
        kind=kind,
        department=record.get("department", ""),
        role=record.get("role", ""),
        email=record.get("email", ""),
        phone=record.get("phone", ""),
        vendor_id=vendor_id,
        notes=record.get("notes", ""),
    )


def _vendor_index(db: sqlite_utils.Database) -> dict[str, int]:
    """Vendors by case-folded name, and by id as text (either may be typed in the sheet)."""
    index: dict[str, int] = {}
    for vendor in directory.list_vendors(db):  # archived vendors take no new contacts
        index[vendor.name.strip().casefold()] = vendor.id
        index[str(vendor.id)] = vendor.id
    return index


def _check_repeated_email(email: str, earlier: dict[str, str], line: int) -> None:
    """An email on an earlier row of the same file is the same person twice."""
    key = email.strip().casefold()
    if not key:
        return
    if key in earlier:
        raise directory.email_taken(email, earlier[key])
    earlier[key] = f"line {line}"


# --- export -------------------------------------------------------------------------------------

EXPORTS = ("people", "schedule", "checkins", "checkouts", "changes", "audit")


def export_rows(db: sqlite_utils.Database, what: str) -> list[dict[str, Any]]:
    """The rows of one export, as plain dicts with stable column order."""
    queries = _queries()
    if what not in queries:
        raise InvalidInput(f"cannot export {what!r}; choose {', '.join(EXPORTS)}", field="what")
    with read(db):
        cursor = db.execute(queries[what])
        columns = [c[0] for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def export_columns(db: sqlite_utils.Database, what: str) -> list[str]:
    cursor = db.execute(_queries()[what] + " LIMIT 0")
    return [c[0] for c in cursor.description]


# A cell starting with one of these is read as a formula by Excel, LibreOffice and Sheets (OWASP
# "CSV injection"): a crew phone can send any text as a location code, a name can be typed by
# anyone. Such a cell is written with a leading apostrophe, which the spreadsheet shows as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A cell a spreadsheet will show as text, never run. Numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unneutralise(text: str) -> str:
    """The text a neutralised cell stood for (an exported sheet imported again)."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def to_csv(columns: Sequence[str], rows: Iterable[dict[str, Any]]) -> str:
    """CSV text with every cell neutralised: the one way the project writes a spreadsheet."""
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\r\n")
    writer.writerow({column: neutralise(column) for column in columns})
    for row in rows:
        writer.writerow({k: "" if v is None else neutralise(v) for k, v in row.items()})
    return out.getvalue()


def to_json(rows: Sequence[dict[str, Any]]) -> str:
    return json.dumps(list(rows), indent=2, ensure_ascii=False) + "\n"


def render(db: sqlite_utils.Database, what: str, fmt: str) -> str:
    """One export as CSV or JSON text."""
    rows = export_rows(db, what)
    if fmt == "json":
        return to_json(rows)
    if fmt == "csv":
        return to_csv(export_columns(db, what), rows)
    raise InvalidInput(f"unknown format {fmt!r}; choose csv or json", field="format")


PEOPLE_SQL = (
    "SELECT p.id, p.name, p.kind, p.department, p.role, p.email, p.phone,"
    " coalesce(v.name, '') AS vendor, p.notes"
    " FROM people p LEFT JOIN vendors v ON v.id = p.vendor_id"
    " ORDER BY p.name COLLATE NOCASE, p.id"
)
SCHEDULE_SQL = (
    "SELECT d.date, d.unit, d.id AS day_id, coalesce(l.name, '') AS location,"
    " d.call_at AS unit_call, d.wrap_at AS unit_wrap, d.scenes,"
    " p.id AS person_id, p.name, p.department, p.role, c.call_at, c.wrap_at, c.notes"
    " FROM days d LEFT JOIN locations l ON l.id = d.location_id"
    " LEFT JOIN calls c ON c.day_id = d.id LEFT JOIN people p ON p.id = c.person_id"
    " ORDER BY d.date, d.call_at, d.unit, c.call_at, p.department, p.name"
)
CHECKINS_SQL = (
    "SELECT k.id, k.received_at, k.client_at, k.person_id, p.name,"
    " k.location_id, coalesce(l.name, '') AS location, k.code, k.result, k.late_minutes,"
    " k.replayed, k.far, k.distance_m, k.happened_at AS counted_at,"
    " CASE WHEN k.replayed AND k.happened_at != k.received_at THEN 'phone' ELSE 'server' END"
    " AS counted_from, k.nonce"
    " FROM checkins k JOIN people p ON p.id = k.person_id"
    " LEFT JOIN locations l ON l.id = k.location_id ORDER BY k.id"
)
CHECKOUTS_SQL = (
    "SELECT k.id, k.received_at, k.client_at, k.person_id, p.name,"
    " k.location_id, coalesce(l.name, '') AS location, k.code, k.result, k.day_id,"
    " k.replayed, k.happened_at AS counted_at,"
    " CASE WHEN k.replayed AND k.happened_at != k.received_at THEN 'phone' ELSE 'server' END"
    " AS counted_from, k.nonce"
    " FROM checkouts k JOIN people p ON p.id = k.person_id"
    " LEFT JOIN locations l ON l.id = k.location_id ORDER BY k.id"
)


def _queries() -> dict[str, str]:
    return {
        "people": PEOPLE_SQL,
        "schedule": SCHEDULE_SQL,
        "checkins": CHECKINS_SQL,
        "checkouts": CHECKOUTS_SQL,
        "changes": CHANGES_SQL,
        "audit": AUDIT_SQL,
    }


# Who changed what: each notice with the coordinator who made the change ("by"), and the whole
# audit trail of events with their actor (a coordinator's name, or person:ID for crew).
CHANGES_SQL = (
    "SELECT n.id, n.created_at, n.actor AS by, n.kind, n.summary, n.day_id,"
    " (SELECT count(*) FROM notice_recipients r WHERE r.notice_id = n.id) AS recipients,"
    " (SELECT count(r.acknowledged_at) FROM notice_recipients r WHERE r.notice_id = n.id)"
    " AS acknowledged FROM notices n ORDER BY n.id"
)
AUDIT_SQL = "SELECT id, at, actor, kind, subject, data FROM events ORDER BY id"
