"""Turning typed text into values; each failure is an InvalidInput naming its field."""

from __future__ import annotations

from datetime import time

from schema import validate
from schema.errors import InvalidInput


def optional_time(value: str, field: str) -> time | None:
    return validate.parse_time(value, field) if value.strip() else None


def optional_id(value: str) -> int | None:
    return int(value) if value.strip() else None


def optional_float(value: str, field: str) -> float | None:
    if not value.strip():
        return None
    try:
        return float(value)
    except ValueError:
        raise InvalidInput(f"{field} {value!r} is not a number", field=field) from None


def whole_number(value: str, field: str) -> int:
    if not value.strip():
        raise InvalidInput(f"{field} is required", field=field)
    try:
        return int(value.strip())
    except ValueError:
        raise InvalidInput(f"{field} {value!r} is not a whole number", field=field) from None
