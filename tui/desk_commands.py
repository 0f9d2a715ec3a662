"""Whole-production commands, found from any view in the command palette (ctrl+p).

One registry: a command is a name, a sentence saying what it does, and a callable taking the
app. A feature adds its own with one line in COMMANDS (`writes=True` if it changes the
production, so a read-only desk refuses it). Views are listed by the app from its modes; each
view's own keys are found from every view too (see `tui.app`).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlite_utils

from schema import callsheets, directory, links, production
from schema.errors import InvalidInput, NotFound
from schema.outputs.spreadsheets import EXPORTS, render
from schema.rules import plural
from schema.store.backup import backup
from schema.types import Issued, Production
from tui.context import Desk
from tui.dialogs.form import Field, FormDialog, Values, saved

if TYPE_CHECKING:
    from tui.app import CallboardApp

Run = Callable[["CallboardApp"], object | Awaitable[object]]


@dataclass(frozen=True)
class DeskCommand:
    name: str
    help: str
    run: Run
    writes: bool = False


def new_file(text: str, field: str = "out") -> Path:
    """A path the coordinator typed for a new file: its folder must exist, and an existing file
    is never overwritten (a typo must not destroy last week's backup)."""
    path = Path(text.strip()).expanduser()
    if not text.strip():
        raise InvalidInput("give a file name", field=field)
    if path.is_dir():
        raise InvalidInput(f"{path} is a folder: give a file name", field=field)
    if path.exists():
        raise InvalidInput(f"{path} already exists: choose a new name", field=field)
    if not path.parent.is_dir():
        raise InvalidInput(f"there is no folder {path.parent}", field=field)
    return path


def stamp(desk: Desk) -> str:
    return f"{desk.local_now():%Y%m%d-%H%M}"


def file_form(
    desk: Desk, title: str, default: str, write: Callable[..., str], *, writes: bool = False
) -> FormDialog:
    """One question, a new file's name; `write(db, path)` says what it wrote. Unless it
    `writes` to the production too, a read-only desk may use it (a file out is no change)."""

    def save(db: sqlite_utils.Database, values: Values) -> str:
        return write(db, new_file(values["out"]))

    fields = [Field("out", "File", default)]
    return FormDialog(desk, title, fields, save, str, verb="Write", writes=writes)


# --- the commands ---------------------------------------------------------------------------


def export(what: str) -> Run:
    def run(app: CallboardApp) -> None:
        def write(db: sqlite_utils.Database, path: Path) -> str:
            fmt = "json" if path.suffix.lower() == ".json" else "csv"
            path.write_text(render(db, what, fmt), encoding="utf-8", newline="")
            return f"Wrote {what} to {path}"

        default = str(Path.home() / f"callboard-{what}-{stamp(app.desk)}.csv")
        app.push_screen(file_form(app.desk, f"Export {what} (.csv or .json)", default, write))

    return run


def posters(app: CallboardApp) -> None:
    def write(db: sqlite_utils.Database, path: Path) -> str:
        from schema.outputs.posters import write_poster  # qrcode and PIL: only when printing

        written = write_poster(db, None, path)
        return f"Wrote {plural(len(written), 'poster file')}: {', '.join(map(str, written))}"

    default = str(Path.home() / f"posters-{stamp(app.desk)}.pdf")
    title = "QR check-in posters for every location (.pdf: a page each; .svg/.png: a file each)"
    app.push_screen(file_form(app.desk, title, default, write))


def invite_all(app: CallboardApp) -> None:
    desk = app.desk

    def write(db: sqlite_utils.Database, path: Path) -> str:
        ids = [p.id for p in directory.list_people(db)]
        if not ids:
            raise NotFound("the directory has nobody to invite yet")
        issued = links.issue_links(db, ids, actor=desk.actor, now=desk.now())
        write_links(path, issued)
        return f"{plural(len(issued), 'new link')} written to {path} (only you can read it)"

    default = str(Path.home() / f"links-{stamp(desk)}.csv")
    title = (
        "Invite everyone: new personal links for the whole directory, written to a file for "
        "mail merge (each person's unused link stops working)"
    )
    app.push_screen(file_form(desk, title, default, write, writes=True))


def write_links(path: Path, issued: list[Issued]) -> None:
    """Links are secrets: the file is created readable by its owner only."""
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["person_id", "name", "email", "url"])
        for item in issued:
            writer.writerow([item.person_id, item.name, item.email, item.url])


def backup_now(app: CallboardApp) -> None:
    desk = app.desk

    def write(_: sqlite_utils.Database, path: Path) -> str:
        result = backup(desk.db_path, path)
        return f"Backed up to {result.path} ({result.bytes:,} bytes, {result.events:,} events)"

    default = str(Path(desk.db_path).resolve().parent / f"backup-{stamp(desk)}.db")
    app.push_screen(file_form(desk, "Back up the production file", default, write))


def settings(app: CallboardApp) -> None:
    app.push_screen(SettingsForm(app.desk))


class SettingsForm(FormDialog):
    """The production's settings, filled in once read (in a worker)."""

    def __init__(self, desk: Desk) -> None:
        self.current: Production | None = None
        fields = [
            Field("name", "Name"),
            Field("timezone", "Timezone (IANA)"),
            Field("base_url", "Crew server address"),
            Field("min_rest_minutes", "Minimum rest (hours)"),
        ]
        super().__init__(desk, "Production settings", fields, self.save_settings, self.said)

    def on_mount(self) -> None:
        self.fetch("settings", production.get, self.show_settings)

    def show_settings(self, current: Production) -> None:
        from textual.widgets import Input

        self.current = current
        shown = {
            "name": current.name,
            "timezone": current.timezone,
            "base_url": current.base_url,
            "min_rest_minutes": f"{current.min_rest_minutes / 60:g}",
        }
        for name, value in shown.items():
            self.query_one(f"#field-{name}", Input).value = value

    def save_settings(self, db: sqlite_utils.Database, values: Values) -> Production:
        if self.current is None:
            raise InvalidInput("the settings are still loading")
        try:
            rest = round(float(values["min_rest_minutes"]) * 60)
        except ValueError:
            raise InvalidInput(
                f"min_rest_minutes {values['min_rest_minutes']!r} is not a number of hours",
                field="min_rest_minutes",
            ) from None
        changes: dict[str, Any] = {**values, "min_rest_minutes": rest}
        return production.update(
            db, self.current.version, changes, actor=self.desk.actor, now=self.desk.now()
        )

    def said(self, after: Production) -> str:
        before = self.current
        return saved(before, lambda _: "Saved the settings")(after) if before else "Saved"


def sheet_settings(app: CallboardApp) -> None:
    app.push_screen(SheetSettingsForm(app.desk))


class SheetSettingsForm(FormDialog):
    """What every call sheet carries: office contacts, walkie channels, cast names, safety."""

    CAST = (("Shown to everyone", "shown"), ("Hidden from crew", "hidden"))

    def __init__(self, desk: Desk) -> None:
        self.current: callsheets.SheetSettings | None = None
        fields = [
            Field(
                "contacts", "Key contacts", placeholder="Production office=+44 20 7946 0000; ..."
            ),
            Field("walkies", "Walkie channels", placeholder="Camera=2; Grip=3"),
            Field("cast", "Cast names on crew sheets", "shown", options=self.CAST),
            Field("safety", "Standing safety note", placeholder="On every sheet"),
        ]
        title = "Call sheet settings (never a personal number)"
        super().__init__(desk, title, fields, self.save_settings, lambda _: "Saved: on every sheet")

    def on_mount(self) -> None:
        self.fetch("sheet-settings", callsheets.settings, self.show_settings)

    def show_settings(self, current: callsheets.SheetSettings) -> None:
        from textual.widgets import Input, Select

        self.current = current
        self.query_one("#field-contacts", Input).value = callsheets.contacts_line(current.contacts)
        self.query_one("#field-walkies", Input).value = callsheets.walkies_line(current.walkies)
        self.query_one("#field-safety", Input).value = current.safety
        cast: Select[str] = self.query_one("#field-cast", Select)
        cast.value = "hidden" if current.hide_cast_names else "shown"

    def save_settings(self, db: sqlite_utils.Database, values: Values) -> object:
        """Only what was changed is written: a list left as shown keeps what the one-line form
        cannot show (a contact with both a number and an email)."""
        current = self.current
        if current is None:
            raise InvalidInput("the settings are still loading")
        contacts = walkies = None
        if values["contacts"] != callsheets.contacts_line(current.contacts):
            contacts = callsheets.contacts_from_line(values["contacts"])
        if values["walkies"] != callsheets.walkies_line(current.walkies):
            walkies = callsheets.walkies_from_line(values["walkies"])
        return callsheets.update_settings(
            db,
            current.version,
            contacts=contacts,
            walkies=walkies,
            hide_cast_names=values["cast"] == "hidden",
            safety=values["safety"],
            actor=self.desk.actor,
            now=self.desk.now(),
        )


def today(app: CallboardApp) -> Awaitable[None]:
    return app.go_today()


def view(mode: str) -> Run:
    def run(app: CallboardApp) -> object:
        return app.switch_mode(mode)

    return run


COMMANDS: tuple[DeskCommand, ...] = (
    DeskCommand("Go to today (g t)", "Schedule: the cursor on today's day", today),
    DeskCommand("Problems (g p)", "Every problem the rules find, in date order", view("problems")),
    *(
        DeskCommand(f"Export {what}", f"Write the {what} spreadsheet (CSV or JSON)", export(what))
        for what in EXPORTS
    ),
    DeskCommand("Posters for every location", "Write the QR check-in posters", posters),
    DeskCommand(
        "Invite everyone", "New personal links for all, to a file", invite_all, writes=True
    ),
    DeskCommand("Backup", "A consistent copy of the production file, now", backup_now),
    DeskCommand(
        "Settings", "Name, timezone, crew server address, minimum rest", settings, writes=True
    ),
    DeskCommand(
        "Call sheet settings",
        "Key contacts, walkie channels, cast names on crew sheets, standing safety note",
        sheet_settings,
        writes=True,
    ),
)
