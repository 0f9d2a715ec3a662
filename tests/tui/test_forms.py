"""Form values to the core's inputs: every bad field is reported in one round."""

from __future__ import annotations

import pytest

from schema.errors import InvalidInput
from tui.screens.locations import location_in
from tui.screens.schedule_forms import day_in

LOCATION = {"name": "Yard", "address": "", "lat": "", "lon": "", "radius_m": "150", "notes": ""}
DAY = {
    "date": "2026-12-24",
    "unit": "Main",
    "location_id": "",
    "call": "07:00",
    "wrap": "19:00",
    "scenes": "",
    "notes": "",
}


def test_location_typo_and_missing_name_together() -> None:
    with pytest.raises(InvalidInput) as refused:
        location_in({**LOCATION, "name": " ", "lat": "51.5", "lon": "999", "radius_m": "x"})
    assert set(refused.value.errors) == {"name", "lon", "radius_m"}


def test_day_typo_and_missing_unit_together() -> None:
    with pytest.raises(InvalidInput) as refused:
        day_in({**DAY, "date": "2026-13-45", "unit": "", "call": "25:99"})
    assert set(refused.value.errors) == {"date", "unit", "call"}


def test_good_values_pass() -> None:
    assert location_in(LOCATION).name == "Yard"
    assert day_in(DAY).unit == "Main"
