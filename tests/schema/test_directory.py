"""The directory and locations: no duplicate emails or location names, literal search,
and an edit that changes nothing writes nothing."""

from __future__ import annotations

import pytest
import sqlite_utils

from schema import directory, locations
from schema.directory import PersonIn, VendorIn
from schema.errors import InvalidInput
from schema.locations import LocationIn
from schema.outputs import spreadsheets
from schema.outputs.spreadsheets import ImportRefused
from schema.store import events
from tests.conftest import NOW
from tests.schema import factories

# --- one email, one person ----------------------------------------------------------------------


def test_adding_a_second_person_with_an_email_is_refused(
    fresh_db: sqlite_utils.Database,
) -> None:
    io = factories.person(fresh_db, "Io Lane", email="io@x.example")
    before = events.latest_id(fresh_db)
    with pytest.raises(InvalidInput) as error:
        factories.person(fresh_db, "Io Again", email="  IO@X.example ")
    assert error.value.field == "email"
    assert error.value.message == f"email IO@X.example is already used by Io Lane (person {io.id})"
    assert events.latest_id(fresh_db) == before
    assert [p.name for p in directory.list_people(fresh_db)] == ["Io Lane"]


def test_many_people_may_have_no_email(fresh_db: sqlite_utils.Database) -> None:
    for name in ("Ana", "Bo", "Cy"):
        factories.person(fresh_db, name, email="")
    assert directory.count_people(fresh_db) == 3


def test_editing_a_person_onto_anothers_email_is_refused(
    fresh_db: sqlite_utils.Database,
) -> None:
    io = factories.person(fresh_db, "Io Lane", email="io@x.example")
    bo = factories.person(fresh_db, "Bo Eze", email="bo@x.example")
    with pytest.raises(InvalidInput, match=rf"already used by Io Lane \(person {io.id}\)") as error:
        directory.update_person(
            fresh_db, bo.id, bo.version, PersonIn(name="Bo Eze", email="Io@x.example"), now=NOW
        )
    assert error.value.field == "email"
    assert directory.get_person(fresh_db, bo.id) == bo
    # Their own email, in other letters, is still theirs.
    edited = directory.update_person(
        fresh_db, io.id, io.version, PersonIn(name="Io Lane", email="IO@X.EXAMPLE"), now=NOW
    )
    assert edited.email == "IO@X.EXAMPLE"


def test_a_duplicate_from_before_the_rule_does_not_block_other_edits(
    fresh_db: sqlite_utils.Database,
) -> None:
    factories.person(fresh_db, "Io Lane", email="io@x.example")
    fresh_db.execute("INSERT INTO people (name, email) VALUES ('Io Twin', 'io@x.example')")
    twin = next(p for p in directory.list_people(fresh_db) if p.name == "Io Twin")
    edited = directory.update_person(
        fresh_db,
        twin.id,
        twin.version,
        PersonIn(name="Io Twin", email="io@x.example", phone="+44 7700 900123"),
        now=NOW,
    )
    assert edited.phone == "+44 7700 900123"


def test_import_and_add_refuse_a_duplicate_email_alike(fresh_db: sqlite_utils.Database) -> None:
    io = factories.person(fresh_db, "Import One", email="io@x.example")
    with pytest.raises(ImportRefused) as refused:
        spreadsheets.import_people(fresh_db, "name,email\nNew,io@x.example\n", source="a.csv")
    with pytest.raises(InvalidInput) as added:
        factories.person(fresh_db, "New", email="io@x.example")
    reason = f"email io@x.example is already used by Import One (person {io.id})"
    assert str(refused.value) == f"a.csv line 2: {reason}; nothing was imported"
    assert added.value.message == reason


# --- search -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("search", "found"),
    [
        ("_", ["Sam_Raw"]),
        ("%", ["Ten % Off"]),
        ("\\", ["Back\\Slash"]),
        ("m_r", ["Sam_Raw"]),
        ("a", ["Back\\Slash", "Sam_Raw", "Xavier Plain"]),
    ],
)
def test_search_takes_wildcards_literally(
    fresh_db: sqlite_utils.Database, search: str, found: list[str]
) -> None:
    for name in ("Sam_Raw", "Ten % Off", "Back\\Slash", "Xavier Plain"):
        factories.person(fresh_db, name)
    assert [p.name for p in directory.list_people(fresh_db, search=search)] == found
    assert directory.count_people(fresh_db, search=search) == len(found)


def test_search_still_matches_every_column_ignoring_case(fresh_db: sqlite_utils.Database) -> None:
    factories.person(fresh_db, "Ana", department="Grip", email="ana_s@x.example")
    factories.person(fresh_db, "Bo", role="Best boy", phone="+44 20 7946 0000")
    assert [p.name for p in directory.list_people(fresh_db, search="GRIP")] == ["Ana"]
    assert [p.name for p in directory.list_people(fresh_db, search="ana_s@")] == ["Ana"]
    assert [p.name for p in directory.list_people(fresh_db, search="7946")] == ["Bo"]


# --- one name, one location ---------------------------------------------------------------------


def test_a_second_location_with_a_name_is_refused(fresh_db: sqlite_utils.Database) -> None:
    factories.location(fresh_db, "Harbour Mill")
    before = events.latest_id(fresh_db)
    with pytest.raises(InvalidInput, match="already a location called harbour mill") as error:
        factories.location(fresh_db, "  harbour mill ")
    assert error.value.field == "name"
    assert events.latest_id(fresh_db) == before
    assert len(locations.list_locations(fresh_db)) == 1


def test_renaming_a_location_onto_another_is_refused(fresh_db: sqlite_utils.Database) -> None:
    factories.location(fresh_db, "Harbour Mill")
    inn = factories.location(fresh_db, "The Anchor Inn")
    with pytest.raises(InvalidInput) as error:
        locations.update_location(
            fresh_db, inn.id, inn.version, LocationIn(name="Harbour Mill"), now=NOW
        )
    assert error.value.field == "name"
    assert locations.get_location(fresh_db, inn.id).name == "The Anchor Inn"
    recased = locations.update_location(
        fresh_db, inn.id, inn.version, LocationIn(name="The ANCHOR Inn"), now=NOW
    )
    assert recased.name == "The ANCHOR Inn"  # its own name in other letters is fine


# --- an edit that changes nothing ---------------------------------------------------------------


def test_saving_an_unchanged_person_writes_nothing(fresh_db: sqlite_utils.Database) -> None:
    who = factories.person(fresh_db, "Ana Silva", email="ana@x.example", department="Grip")
    before = events.latest_id(fresh_db)
    same = PersonIn(name=" Ana Silva ", email="ana@x.example", department="Grip")
    assert directory.update_person(fresh_db, who.id, who.version, same, now=NOW) == who
    assert events.latest_id(fresh_db) == before
    changed = directory.update_person(
        fresh_db, who.id, who.version, PersonIn(name="Ana Silva-Eze"), now=NOW
    )
    assert changed.version == who.version + 1
    assert [e.kind for e in events.since(fresh_db, before)] == ["person.updated"]


def test_saving_an_unchanged_vendor_or_location_writes_nothing(
    fresh_db: sqlite_utils.Database,
) -> None:
    vendor = directory.add_vendor(fresh_db, VendorIn(name="Lumen", service="grip"), now=NOW)
    place = factories.location(fresh_db, "Harbour Mill", address="Quay St", lat=51.5, lon=0.1)
    before = events.latest_id(fresh_db)
    same_vendor = VendorIn(name="Lumen", service="grip")
    same_place = LocationIn(name="Harbour Mill", address="Quay St", lat=51.5, lon=0.1)
    assert directory.update_vendor(fresh_db, vendor.id, 1, same_vendor, now=NOW) == vendor
    assert locations.update_location(fresh_db, place.id, 1, same_place, now=NOW) == place
    assert events.latest_id(fresh_db) == before
