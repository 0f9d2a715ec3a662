"""Locations: add and edit, each one's check-in QR on screen, rotate its code, write a poster."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

import sqlite_utils
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Static

from schema import locations, validate
from schema import production as productions
from schema.errors import InvalidInput
from schema.event_kinds import family
from schema.locations import LocationIn
from schema.types import Location
from tui.context import Desk
from tui.dialogs.confirm import ConfirmDialog
from tui.dialogs.form import Field, FormDialog, Values, added_or_saved
from tui.dialogs.parse import optional_float, whole_number
from tui.dialogs.show_qr import QRDialog
from tui.screens.base import DeskScreen
from tui.widgets.qr import QRCode
from tui.widgets.tables import Row, Table, clip, refill, selected_key


class Places(NamedTuple):
    places: list[Location]
    base_url: str


def places(db: sqlite_utils.Database) -> Places:
    return Places(locations.list_locations(db), productions.get(db).base_url)


class LocationsScreen(DeskScreen):
    VIEW = "locations"
    WATCH = family("location", "production")
    READS = frozenset({"show_qr", "poster"})  # a poster is a file of what is already there
    BINDINGS = [
        Binding("a", "add", "Add"),
        Binding("e", "edit", "Edit"),
        Binding("q", "show_qr", "Big QR"),
        Binding("r", "rotate", "Rotate code"),
        Binding("p", "poster", "Poster"),
    ]

    def __init__(self, desk: Desk) -> None:
        super().__init__(desk)
        self.places: dict[int, Location] = {}
        self.base_url = ""
        self.land: str | None = None  # a location just added: the cursor goes there

    def compose_view(self) -> ComposeResult:
        with Horizontal(id="locations-body"):
            yield Table(id="locations", cursor_type="row", zebra_stripes=True)
            with Vertical(id="location-side"):
                yield Static("", id="location-info", markup=False)
                yield QRCode(id="location-qr")

    def on_mount(self) -> None:
        table = self.query_one("#locations", DataTable)
        table.add_columns("Name", "Code", "Address")
        table.focus()

    def reload(self) -> None:
        self.fetch("locations", places, self.show_places)

    def show_places(self, found: Places) -> None:
        self.places = {p.id: p for p in found.places}
        self.base_url = found.base_url
        rows = [place_row(p) for p in found.places]
        refill(self.query_one("#locations", DataTable), rows, self.land)
        self.land = None
        self.show_selected()

    @property
    def place(self) -> Location | None:
        key = selected_key(self.query_one("#locations", DataTable))
        return self.places.get(int(key)) if key else None

    def url(self, place: Location) -> str:
        return locations.checkin_url(self.base_url, place)

    @on(DataTable.RowHighlighted, "#locations")
    def show_selected(self) -> None:
        place = self.place
        info = self.query_one("#location-info", Static)
        qr = self.query_one("#location-qr", QRCode)
        if place is None:
            info.update("No locations yet: press a to add one.")
            qr.data = ""
            return
        info.update(place_info(place, self.url(place)))
        qr.data = self.url(place)

    def action_add(self) -> None:
        self.app.push_screen(location_form(self.desk, None), self.landed)

    def landed(self, place: Any) -> None:
        if isinstance(place, Location):
            self.land = str(place.id)

    def action_edit(self) -> None:
        if (place := self.place) is not None:
            self.app.push_screen(location_form(self.desk, place))

    def action_show_qr(self) -> None:
        if (place := self.place) is not None:
            note = f"Check-in code {place.code}"
            self.app.push_screen(QRDialog(f"Check in at {place.name}", self.url(place), note))

    def action_rotate(self) -> None:
        if (place := self.place) is None:
            return
        message = (
            f"Give {place.name} a new check-in code? Posters showing {place.code} will stop "
            "working (they will say the code was replaced): print new ones."
        )
        self.app.push_screen(
            ConfirmDialog("Rotate code", message), lambda sure: self.rotate(place, sure)
        )

    def rotate(self, place: Location, sure: bool | None) -> None:
        if sure:
            now = self.desk.now()
            self.change(
                lambda db: locations.rotate_code(
                    db, place.id, place.version, actor=self.desk.actor, now=now
                ),
                after=self.rotated,
            )

    def rotated(self, place: Any) -> None:
        if isinstance(place, Location):
            self.notify(f"{place.name}: new code {place.code}", title="Code rotated")

    def action_poster(self) -> None:
        if (place := self.place) is None:
            return
        self.app.push_screen(poster_form(self.desk, place), self.poster_written)

    def poster_written(self, written: Any) -> None:
        if isinstance(written, list) and written:
            self.notify(", ".join(str(p) for p in written), title="Poster written")


def place_row(place: Location) -> Row:
    return Row(str(place.id), (clip(place.name, 20), place.code, clip(place.address, 30)))


def place_info(place: Location, url: str) -> Text:
    """Beside the list, for the selected location: everything the list may have clipped."""
    text = Text(place.name, style="bold")
    if place.address:
        text.append(f"\n{place.address}")
    text.append("\ncheck-in code ")
    text.append(place.code, style="bold")
    text.append(f"\n{url}", style="dim")
    return text


def location_fields(place: Location | None) -> list[Field]:
    p = place or Location(id=0, name="")
    return [
        Field("name", "Name", p.name),
        Field("address", "Address", p.address),
        Field("lat", "Latitude", "" if p.lat is None else str(p.lat)),
        Field("lon", "Longitude", "" if p.lon is None else str(p.lon)),
        Field("radius_m", "Check-in radius (m)", str(p.radius_m)),
        Field("notes", "Notes", p.notes),
        Field("parking", "Parking (call sheet)", p.parking),
        Field("base_camp", "Base camp (call sheet)", p.base_camp),
        Field("hospital", "Nearest hospital (call sheet)", p.hospital),
    ]


def location_in(values: Values) -> LocationIn:
    with validate.checks() as check:  # every badly typed number is marked, not just the first
        lat = check(optional_float, values["lat"], "lat")
        lon = check(optional_float, values["lon"], "lon")
        radius = check(whole_number, values["radius_m"], "radius_m")
        # The service checks these too; here so they are marked in the same round as a typo.
        check(validate.text, values["name"], "name", required=True)
        check(validate.latitude, lat)
        check(validate.longitude, lon)
    return LocationIn(
        name=values["name"],
        address=values["address"],
        lat=lat,
        lon=lon,
        radius_m=radius,
        notes=values["notes"],
        parking=values.get("parking", ""),
        base_camp=values.get("base_camp", ""),
        hospital=values.get("hospital", ""),
    )


def location_form(desk: Desk, place: Location | None) -> FormDialog:
    def save(db: sqlite_utils.Database, values: Values) -> Location:
        if place is None:
            return locations.add_location(db, location_in(values), actor=desk.actor, now=desk.now())
        return locations.update_location(
            db, place.id, place.version, location_in(values), actor=desk.actor, now=desk.now()
        )

    title = "Add a location" if place is None else f"Edit {place.name}"
    return FormDialog(desk, title, location_fields(place), save, added_or_saved(place))


def poster_form(desk: Desk, place: Location) -> FormDialog:
    def save(db: sqlite_utils.Database, values: Values) -> Any:
        out = Path(values["out"]).expanduser()
        if not out.parent.is_dir():
            raise InvalidInput(f"there is no folder {out.parent}", field="out")
        from schema.outputs.posters import write_poster  # qrcode and PIL: only when printing

        return write_poster(db, place.id, out)

    default = str(Path.home() / f"poster-{place.code.lower()}.pdf")
    fields = [Field("out", "Poster file", default)]
    title = f"Write the check-in poster for {place.name}"
    return FormDialog(desk, title, fields, save, writes=False)  # a file out, no change
