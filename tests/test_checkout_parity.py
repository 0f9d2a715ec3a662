"""Check-out's closed list is the same in the core and on the phone, like check-in's."""

from __future__ import annotations

import re
from pathlib import Path

from schema.types import CheckinResult, CheckoutResult

ROOT = Path(__file__).resolve().parent.parent


def _cases(js_file: str) -> set[str]:
    text = (ROOT / "static" / js_file).read_text()
    return set(re.findall(r'case "([a-z_]+)":', text))


def test_every_checkout_answer_has_its_sentence_on_the_phone() -> None:
    assert {str(r) for r in CheckoutResult} <= _cases("checkout.js")


def test_the_phone_says_nothing_the_core_cannot_answer() -> None:
    assert _cases("checkout.js") <= {str(r) for r in CheckoutResult}


def test_session_answers_are_worded_alike_for_both_scans() -> None:
    """A phone that lost its session gets the same reasons whichever button was tapped."""
    shared = {"no_session", "link_revoked", "session_expired", "unknown_code", "rotated_code"}
    assert shared <= {str(r) for r in CheckinResult} & {str(r) for r in CheckoutResult}
