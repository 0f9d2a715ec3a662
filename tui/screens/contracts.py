"""Contracts: everyone against their paperwork, filtered; send, countersign, void, attach."""

from __future__ import annotations

from datetime import date
from functools import partial
from pathlib import Path

import sqlite_utils
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Select, Static

from schema import contracts, directory, paperwork, validate
from schema.contracts import ChecklistRow, ContractDetail
from schema.errors import InvalidInput
from schema.event_kinds import family
from schema.outputs.deal_memo import attach_deal_memo
from schema.paperwork import DocumentKind
from schema.rules import plural
from schema.types import Contract
from tui.context import Desk
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.form import Field, FormDialog, Values
from tui.dialogs.paperwork import PaperworkDialog
from tui.screens.base import DeskScreen
from tui.widgets.tables import Row, Table, clip, refill, selected_key, status_cell, when

FILTERS = (
    ("Everyone", "all"),
    ("Unsigned", "unsigned"),
    ("Awaiting countersignature", "awaiting"),
    ("Called this week, unsigned", "unsigned_called_week"),
    ("Unpapered (no contract)", "unpapered"),
    ("Missing required paperwork", "missing"),
    ("Declined", "declined"),
)
ALL_DEPARTMENTS = ""


class ContractsScreen(DeskScreen):
    VIEW = "contracts"
    WATCH = family("contract", "person", "call", "day", "paperwork")
    # The paperwork list and a saved copy only look (the list's own keys are refused inside).
    READS = frozenset({"next_filter", "paperwork", "write_copy"})
    BINDINGS = [
        Binding("f", "next_filter", "Filter"),
        Binding("n", "new_contract", "New"),
        Binding("o", "attach", "Attach", tooltip="Attach the contract's document"),
        # not g: g goes places (tui.dialogs.go_to)
        Binding("d", "generate", "Memo", tooltip="Draw up a deal memo"),
        Binding("s", "mark_sent", "Sent"),
        Binding("k", "countersign", "Countersign"),
        Binding("v", "void", "Void"),
        Binding("r", "redraft", "Correct", show=False),
        Binding("w", "write_copy", "Save copy", show=False),
        Binding("p", "paperwork", "Papers", tooltip="Required paperwork: kinds and who needs them"),
    ]

    def __init__(self, desk: Desk) -> None:
        super().__init__(desk)
        self.rows: dict[str, ChecklistRow] = {}
        self.kinds: list[DocumentKind] = []
        self.land: str | None = None  # a contract just drafted: the cursor goes to its line

    def compose_view(self) -> ComposeResult:
        with Horizontal(id="contract-filters"):
            yield Select(FILTERS, value="all", allow_blank=False, compact=True, id="status-filter")
            yield Select(
                [("All departments", ALL_DEPARTMENTS)],
                value=ALL_DEPARTMENTS,
                allow_blank=False,
                compact=True,
                id="department-filter",
            )
        yield Table(id="checklist", cursor_type="row", zebra_stripes=True)
        yield Static("", id="contract-detail", markup=False)

    def on_mount(self) -> None:
        table = self.query_one("#checklist", DataTable)
        table.add_columns("Name", "Department", "Contract", "Status", "Updated", "Next call")
        table.focus()

    # --- loading ---------------------------------------------------------------------------

    @property
    def status(self) -> str:
        return str(self.query_one("#status-filter", Select).value)

    @property
    def department(self) -> str:
        value = self.query_one("#department-filter", Select).value
        return value if isinstance(value, str) else ALL_DEPARTMENTS

    def reload(self) -> None:
        query = partial(
            contracts.checklist,
            today=self.desk.today(),
            status=self.status,
            department=self.department,
        )
        self.fetch("checklist", query, self.show_rows)
        self.fetch("departments", directory.departments, self.show_departments)
        self.fetch("kinds", paperwork.list_kinds, self.keep_kinds)

    def keep_kinds(self, kinds: list[DocumentKind]) -> None:
        self.kinds = kinds

    @on(Select.Changed)
    def filter_changed(self) -> None:
        self.reload()

    def show_departments(self, departments: list[str]) -> None:
        select = self.query_one("#department-filter", Select)
        current = self.department
        options = [("All departments", ALL_DEPARTMENTS), *((d, d) for d in departments)]
        with select.prevent(Select.Changed):
            select.set_options(options)
            select.value = current if current in departments else ALL_DEPARTMENTS

    def show_rows(self, rows: list[ChecklistRow]) -> None:
        self.rows = {row_key(r): r for r in rows}
        refill(self.query_one("#checklist", DataTable), [self.row(r) for r in rows], self.land)
        if self.land in self.rows:
            self.land = None
        self.show_detail()

    def on_resize(self) -> None:
        if self.rows:
            self.show_rows(list(self.rows.values()))

    def row(self, r: ChecklistRow) -> Row:
        # 80 columns fit all six columns; a wider terminal gives the text columns the room.
        extra = max(0, min(self.app.size.width, 160) - 80) // 3
        return Row(
            row_key(r),
            (
                clip(r.name, 16 + extra),
                clip(r.vendor_name or r.department, 10 + extra),
                clip(short_title(r), 11 + extra),
                status_cell(r.status),
                f"{r.updated_at:%d %b}" if r.updated_at else "",
                self.next_call(r.next_call),
            ),
        )

    def next_call(self, on: date | None) -> Text | str:
        if on is None:
            return ""
        soon = (on - self.desk.today()).days < 7
        return Text(f"{on:%d %b}", style="bold" if soon else "")

    @property
    def selected(self) -> ChecklistRow | None:
        key = selected_key(self.query_one("#checklist", DataTable))
        return self.rows.get(key) if key else None

    @on(DataTable.RowHighlighted, "#checklist")
    def show_detail(self) -> None:
        row = self.selected
        if row is None or row.contract_id is None:
            self.query_one("#contract-detail", Static).update(self.summary(row))
            return
        contract_id = row.contract_id
        query = partial(contracts.contract_detail, contract_id=contract_id)
        self.fetch("detail", query, partial(self.show_contract, row))

    def summary(self, row: ChecklistRow | None) -> Text:
        text = Text(f"{plural(len(self.rows), 'line')}. ", style="dim")
        if row is not None:
            text.append(f"{row.name} has no contract: press n to draft one.", style="bold red")
            if row.missing:
                text.append(f"\nMissing: {', '.join(row.missing)}", style="red")
        return text

    def show_contract(self, row: ChecklistRow, detail: ContractDetail) -> None:
        contract = detail.contract
        text = Text(contract.title, style="bold")
        text.append(f"  [{contract.status}]")
        if contract.expires_on:
            text.append(f"  expires {contract.expires_on}")
        text.append("\n")
        if contract.decline_reason:
            text.append(f"declined: {contract.decline_reason} (r: correct)\n", style="red")
        if row.missing:
            text.append(f"{row.name} is missing: {', '.join(row.missing)}\n", style="red")
        if contract.signed_at:
            signed = when(contract.signed_at, self.desk.zone)
            text.append(f"signed {signed} by {contract.signed_name}\n")
        sha = contract.document_sha256  # 72 characters with its label: one line at 80 columns
        text.append(f"SHA-256 {sha}" if sha else "no document attached (press o, or g)")
        if (copy := detail.signed_copy) is not None:
            text.append(
                f"\nsigned copy: {copy.filename}, {copy.content_type}, {copy.size:,} bytes"
                f" (w: save)\n  SHA-256 {copy.sha256}"
            )
        self.query_one("#contract-detail", Static).update(text)

    # --- actions ---------------------------------------------------------------------------

    def action_next_filter(self) -> None:
        select = self.query_one("#status-filter", Select)
        values = [value for _, value in FILTERS]
        select.value = values[(values.index(self.status) + 1) % len(values)]

    def contract_id(self) -> int | None:
        row = self.selected
        if row is None or row.contract_id is None:
            self.notify("Pick a line with a contract first", severity="warning")
            return None
        return row.contract_id

    @property
    def seen_version(self) -> int | None:
        """The version on screen: an action refuses if the contract has moved on since."""
        row = self.selected
        return row.contract_version if row is not None else None

    def action_mark_sent(self) -> None:
        if (cid := self.contract_id()) is not None:
            now, seen, actor = self.desk.now(), self.seen_version, self.desk.actor
            self.change(
                lambda db: contracts.mark_sent(db, cid, version=seen, actor=actor, now=now),
                "Marked as sent",
            )

    def action_countersign(self) -> None:
        if (cid := self.contract_id()) is not None and (row := self.selected) is not None:
            message = (
                f"Countersign {row.title or 'this contract'} for {row.name}, for the production?"
            )
            self.app.push_screen(
                ConfirmDialog("Countersign", message),
                partial(self.countersign_confirmed, cid, self.seen_version),
            )

    def countersign_confirmed(self, cid: int, seen: int | None, sure: bool | None) -> None:
        if sure:
            now, actor = self.desk.now(), self.desk.actor
            self.change(
                lambda db: contracts.countersign(db, cid, version=seen, actor=actor, now=now),
                "Countersigned",
            )

    def action_void(self) -> None:
        if (cid := self.contract_id()) is not None:
            row = self.selected
            title = row.title if row is not None and row.title else f"contract {cid}"
            self.app.push_screen(void_form(self.desk, cid, self.seen_version, title))

    def action_attach(self) -> None:
        if (cid := self.contract_id()) is not None:
            self.app.push_screen(attach_form(self.desk, cid), self.attached)

    def attached(self, contract: Contract | None) -> None:
        if isinstance(contract, Contract):
            self.notify(f"SHA-256 {contract.document_sha256}", title="Document attached")

    def action_new_contract(self) -> None:
        if (row := self.selected) is not None:
            self.app.push_screen(new_contract_form(self.desk, row, self.kinds), self.landed)

    def landed(self, contract: Contract | None) -> None:
        if isinstance(contract, Contract):
            self.land = f"{contract.person_id}:{contract.id}"

    def action_generate(self) -> None:
        if (cid := self.contract_id()) is not None:
            self.app.push_screen(generate_form(self.desk, cid), self.attached)

    def action_write_copy(self) -> None:
        if (cid := self.contract_id()) is not None:
            self.app.push_screen(write_copy_form(self.desk, cid))

    def action_redraft(self) -> None:
        if (cid := self.contract_id()) is not None:
            now, actor = self.desk.now(), self.desk.actor
            self.change(
                lambda db: contracts.redraft(db, cid, actor=actor, now=now),
                "Drew up a corrected draft: attach its document (o or d), then mark it sent",
            )

    def action_paperwork(self) -> None:
        self.app.push_screen(PaperworkDialog(self.desk))


def short_title(row: ChecklistRow) -> str:
    """The title without the person's name the row already shows ("Deal memo: Ana" is "Deal
    memo"): what tells one person's contracts apart has the room."""
    title = row.title or ""
    return title.removesuffix(f": {row.name}") if title != f": {row.name}" else title


def row_key(row: ChecklistRow) -> str:
    return f"{row.person_id}:{row.contract_id or 0}"


def void_form(desk: Desk, contract_id: int, seen: int | None, title: str) -> FormDialog:
    def save(db: sqlite_utils.Database, values: Values) -> Contract:
        return contracts.void(
            db,
            contract_id,
            reason=values["reason"],
            version=seen,
            actor=desk.actor,
            now=desk.now(),
        )

    fields = [Field("reason", "Reason", placeholder="e.g. replaced by a new deal memo")]
    return FormDialog(
        desk, f"Void {title}? It cannot be undone", fields, save, lambda _: f"Voided {title}"
    )


def attach_form(desk: Desk, contract_id: int) -> FormDialog:
    def save(db: sqlite_utils.Database, values: Values) -> Contract:
        path = Path(values["file"]).expanduser()
        data = read_file(path)
        return contracts.attach_document(
            db, contract_id, path.name, data, actor=desk.actor, now=desk.now()
        )

    fields = [Field("file", "PDF file", placeholder="/path/to/contract.pdf")]
    return FormDialog(desk, "Attach the document to be signed", fields, save)


def generate_form(desk: Desk, contract_id: int) -> FormDialog:
    def save(db: sqlite_utils.Database, values: Values) -> Contract:
        return attach_deal_memo(
            db, contract_id, rate=values["rate"], actor=desk.actor, now=desk.now()
        )

    fields = [Field("rate", "Rate", placeholder="e.g. £450 a day, 10+1 hours")]
    return FormDialog(desk, "Generate the deal memo (a draft's document)", fields, save)


def write_copy_form(desk: Desk, contract_id: int) -> FormDialog:
    def save(db: sqlite_utils.Database, values: Values) -> str:
        path = Path(values["path"]).expanduser()
        if path.is_dir():
            raise InvalidInput(f"{path} is a folder: give a file name", field="path")
        if path.exists():
            raise InvalidInput(f"{path} exists: choose another name", field="path")
        document, data = contracts.copy_out(db, contract_id)
        path.write_bytes(data)
        return f"Wrote {document.filename} ({document.size:,} bytes) to {path}"

    fields = [Field("path", "Save to", placeholder="/path/to/signed-copy.pdf")]
    return FormDialog(desk, "Save the signed copy", fields, save, lambda said: said, writes=False)


def read_file(path: Path) -> bytes:
    if path.is_dir():
        raise InvalidInput(f"{path} is a folder: give the document's path", field="file")
    if not path.is_file():
        raise InvalidInput(f"there is no file at {path}", field="file")
    return path.read_bytes()


def new_contract_form(desk: Desk, row: ChecklistRow, defined: list[DocumentKind]) -> FormDialog:
    def save(db: sqlite_utils.Database, values: Values) -> Contract:
        expires = values["expires_on"].strip()
        return contracts.add_contract(
            db,
            row.person_id,
            kind=values["kind"],
            title=values["title"],
            expires_on=validate.parse_date(expires, "expires_on") if expires else None,
            actor=desk.actor,
            now=desk.now(),
        )

    names = [k.name for k in defined] or list(contracts.CONTRACT_KINDS)
    kinds = tuple((name, name) for name in names)
    first = row.missing[0].removeprefix("no ") if row.missing else "deal memo"
    fields = [
        Field("kind", "Kind", first if first in names else kinds[0][1], options=kinds),
        Field("title", "Title", placeholder="blank: made from the kind and name"),
        Field("expires_on", "Expires (certificates)", placeholder="YYYY-MM-DD"),
    ]
    return FormDialog(
        desk,
        f"New contract for {row.name}",
        fields,
        save,
        lambda c: f"Added {c.title} (a draft: attach its document, then mark it sent)",
    )
