"""Field checks shared by every service; each failure names the field it is about."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, time
from typing import Any, TypeVar, cast

from schema.errors import InvalidInput

T = TypeVar("T")


class Checks:
    """Runs several field checks and reports every failure at once, not just the first."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def __call__(self, check: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """The check's value; on failure the error is kept and a placeholder returned, which
        is never used: leaving the `checks()` block raises before anything is built from it."""
        try:
            return check(*args, **kwargs)
        except InvalidInput as error:
            self.errors.setdefault(error.field or "", error.message)
            return cast(T, None)


@contextmanager
def checks() -> Iterator[Checks]:
    """`with checks() as check: x = check(parse_date, text, "date") ...`; raises one
    InvalidInput naming every bad field when the block ends."""
    found = Checks()
    yield found
    if found.errors:
        field, message = next(iter(found.errors.items()))
        named = {k: v for k, v in found.errors.items() if k}
        raise InvalidInput(message, field=field or None, errors=named)


def fail(message: str, field: str) -> None:
    """A rule that spans fields, as a check: `check(fail, "give both ...", "lat")`."""
    raise InvalidInput(message, field=field)


EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^[0-9+()\-. ]{3,40}$")
MAX_TEXT = 2000


def text(value: str, field: str, *, required: bool = False, limit: int = 200) -> str:
    cleaned = value.strip()
    if required and not cleaned:
        raise InvalidInput(f"{field} is required", field=field)
    if len(cleaned) > limit:
        raise InvalidInput(f"{field} is longer than {limit} characters", field=field)
    if any(ord(c) < 32 and c not in "\n\t" for c in cleaned):
        raise InvalidInput(f"{field} contains control characters", field=field)
    return cleaned


def entries(text: str) -> list[str]:
    """A one-line list as the desk types it, entries apart by ';' (a phone number or an item's
    name may hold commas); blank entries are dropped."""
    return [part.strip() for part in text.split(";") if part.strip()]


def email(value: str, field: str = "email") -> str:
    cleaned = text(value, field, limit=254)
    if cleaned and not EMAIL.match(cleaned):
        raise InvalidInput(f"{field} {cleaned!r} is not an email address", field=field)
    return cleaned


def phone(value: str, field: str = "phone") -> str:
    cleaned = text(value, field, limit=40)
    if cleaned and not PHONE.match(cleaned):
        raise InvalidInput(f"{field} {cleaned!r} is not a phone number", field=field)
    return cleaned


def parse_date(value: str, field: str = "date") -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(
            f"{field} {value!r} is not a date like 2026-03-14", field=field
        ) from None


def parse_time(value: str, field: str) -> time:
    cleaned = value.strip()
    try:
        parsed = time.fromisoformat(cleaned if len(cleaned) > 2 else f"{cleaned}:00")
    except ValueError:
        raise InvalidInput(f"{field} {value!r} is not a time like 07:30", field=field) from None
    return parsed.replace(second=0, microsecond=0)


def latitude(value: float | None, field: str = "lat") -> float | None:
    if value is not None and not -90 <= value <= 90:
        raise InvalidInput(f"{field} must be between -90 and 90", field=field)
    return value


def longitude(value: float | None, field: str = "lon") -> float | None:
    if value is not None and not -180 <= value <= 180:
        raise InvalidInput(f"{field} must be between -180 and 180", field=field)
    return value
